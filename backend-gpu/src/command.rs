//! What one dispatch binds and launches ([`Dispatch`], [`Bound`]): built by
//! the kernels (`exec.rs`, `reduce.rs`), keyed on by the bind group cache,
//! recorded by `record.rs`. A leaf, so the cache and the recorder share it.

use crate::dispatch::Window;
use crate::pool::GpuBuffer;

/// One buffer binding of a dispatch.
pub(crate) struct Bound<'a> {
    pub buffer: &'a GpuBuffer,
    pub window: Window,
}

/// One dispatch: its uniform words, bindings (after the uniform) and grid.
pub(crate) struct Dispatch<'a> {
    pub words: Vec<u32>,
    pub bound: Vec<Bound<'a>>,
    pub grid: (u32, u32),
}
