//! Build, part two: the lazy expression graph that an [`Array`](crate::Array)
//! handle points at (the array methods in `array/` build it).
//!
//! - `node.rs`: [`Node`], a vertex: data, or an expression over other
//!   nodes. Forcing a node turns it into data in place, which drops its
//!   children. (The constructor that may force, `Node::lazy`, lives in
//!   `force/lazy.rs`.)
//! - `storage.rs`: [`Storage`], an allocation and its copies per device.
//! - `walk.rs`: the walk below the values one force computes, in the order
//!   fusion reads it, with the structure key the plan cache uses.
//!
//! The graph depends on no later stage of the pipeline: it is data.

mod node;
mod storage;
pub(crate) mod walk;

pub(crate) use node::{saturating_size, Node, NodeDef, MAX_LAZY_DEPTH};
pub(crate) use storage::Storage;
