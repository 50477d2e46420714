//! No code generator for this architecture: `available` is false, so
//! `compile` always declines and the interpreter runs every kernel.
use super::{Shape, MAX_STREAMS};

// Built by `jit.rs` for any architecture; only machine code reads it.
#[allow(dead_code)]
pub(super) struct Args {
    pub(super) streams: [*const u8; MAX_STREAMS],
    pub(super) out: *mut u8,
    pub(super) invariants: *const [u64; 4],
    pub(super) bytes: usize,
}

pub(super) struct Code {
    pub(super) output: super::Output,
}

impl Code {
    pub(super) fn entry(&self) -> unsafe extern "C" fn(*const Args) {
        unreachable!("no JIT on this architecture")
    }
}

pub(super) fn available() -> bool {
    false
}

pub(super) fn emit(_shape: &Shape) -> Option<Code> {
    None
}
