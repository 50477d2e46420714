//! Forcing: turning lazy values into data (walk → plan → place → move → run).
//!
//! # The force policy
//!
//! Fusion must never cost more than evaluating op by op, as NumPy does. So a
//! force computes every value it needs **once**, and stores only what
//! someone needs again:
//!
//! - **Values nobody else holds stay fused.** An intermediate that only the
//!   values being forced read is computed in registers inside their kernel
//!   and never touches memory.
//! - **Values that are held are kept.** A lazy value that an `Array` handle
//!   still holds (`let m = x.mean_axis(0, true)?;`), or that a lazy value
//!   outside this force reads (so a later force will need it), is stored by
//!   the first force that computes it, and later forces read it. The walk
//!   sees this from the node's handle count (`graph/walk.rs`). Storing it usually
//!   costs one extra store in the same pass: values of one shape are outputs
//!   of one kernel (multi-output kernels, as ArrayFire's JIT has); a held
//!   value under a reduction, or of another shape, is computed by a kernel
//!   of its own that the rest then reads.
//! - **Within one force, nothing is computed twice**: a value read at
//!   several positions (a stencil's shifted views of one lazy array), one
//!   broadcast along an axis, or one that two kernels need is stored once
//!   and read, unless it costs a single cheap instruction over data, which
//!   is cheaper to recompute than to store and load (`fuse/group.rs`).
//! - **Memory pressure says recompute instead.** If storing the kept values
//!   fails for lack of memory, the force runs again keeping only what was
//!   asked for, and a later force recomputes the rest (counted in
//!   [`Stats::recomputed`](crate::Stats::recomputed)).
//! - **Loops cost what their iterations cost.** A chain that grows past a
//!   depth bound while nothing reads it ([`flush`]) forces all the pending
//!   work connected to it together: the values the program holds (the loop's
//!   state: `z`, a mask, an accumulator) become the outputs of one set of
//!   kernels, and the iterations in between are fused. The graph never grows
//!   without bound, and a loop of 1000 iterations runs about 1000/48
//!   kernels, each the same shape, whose plan is reused.
//! - **Plans are reused.** The plan of a force (kernels, placement) depends
//!   only on the graph's structure, so it is cached by the walk's structure
//!   key; constants are patched in per force. A repeated small force skips
//!   planning, and its buffers and scratch come from pools.
//! - **Tiny forces take a direct path.** One op over small host data (`(&a
//!   + &b).eval()` on 1000 elements) skips the walk, the plan and the
//!   kernel altogether (`direct.rs`).

//!
//! # Files
//!
//! - `entry.rs`: [`force`], [`force_all`], [`write`]: walk, find or build
//!   the plan, execute it.
//! - `execute.rs`: running a plan's kernels (move inputs, run, keep values).
//! - `lazy.rs`: [`Node::lazy`](crate::graph::Node::lazy) and the depth
//!   bound's [`flush`].
//! - `pending.rs`: the lazy values built on this thread.
//! - `scratch.rs`: the reused walk and the force's key prefix.
//! - `direct.rs`: the direct path for tiny forces.
//! - `cache.rs`: plans by structure key, and what they learned.
//! - `assemble.rs`: forcing parts into a region (`concatenate`, `assign`).
//! - `explain.rs`: the plan in words, without running it.

mod assemble;
pub(crate) mod cache;
mod direct;
mod entry;
mod execute;
pub(crate) mod explain;
mod lazy;
mod pending;
mod scratch;

pub(crate) use assemble::{assemble, write_in_place};
pub(crate) use entry::{force, force_on};
