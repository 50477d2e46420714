//! Fuse: cutting the walked graph into kernels.
//!
//! - `plan.rs`: the plan of a force: which values are stored, which group
//!   of values each kernel computes, in what order, and where each runs
//!   (it asks `place.rs`).
//! - `group.rs`: fusing one group into one [`Kernel`](crate::kernel::Kernel),
//!   or saying what the planner must change first.

mod group;
pub(crate) mod plan;

pub(crate) use group::{fuse_group, Context, FusedGroup, Reason, Replan, Source, Target, NO_OWNER};
