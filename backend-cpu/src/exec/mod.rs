//! The interpreter: running a fused kernel on the host in blocks.
//!
//! - `run.rs`: the entry points ([`run`], [`prepare`], [`run_prepared`]):
//!   chunks across threads, the JIT where it applies, the interpreter
//!   otherwise.
//! - `workspace.rs`: one thread's registers and the instruction loop.
//! - `apply.rs`: one op over a block, per dtype.
//! - `gather.rs`: walking layouts (gather, scatter, broadcast rows).
//! - `validate.rs`: bounds and one-to-one checks before a kernel runs.
//!
//! The block types themselves live in `block.rs`, which the JIT, the casts
//! and the reductions share.

mod apply;
mod gather;
mod run;
mod validate;
mod workspace;

pub(crate) use apply::{binary_into, unary_into};
pub(crate) use gather::{broadcast_row, injective, scatter};
#[cfg(test)]
pub(crate) use run::run_with;
pub(crate) use run::{describe, prepare, run, run_prepared, Prepared};
pub(crate) use validate::validate;
pub(crate) use workspace::Workspace;
