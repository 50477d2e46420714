//! # tandem-gpu
//!
//! tandem's GPU backend: [`tandem_core::Backend`] on [wgpu], with every
//! fused kernel compiled to one generated WGSL compute shader.
//!
//! - `device.rs`: adapters, limits, features, error scopes.
//! - `pool.rs`: the size-bucketed buffer pool; `transfer.rs`: upload and readback.
//! - `key.rs`: a kernel normalised into its structure (the cache key) and its sizes.
//! - `codegen/`: WGSL from the templates in `shaders/` (this crate's, so
//!   they ship in its package; the workspace's `shaders/` links to them).
//! - `pipeline_cache.rs`: compiled pipelines by structure; `recent.rs`: the
//!   capped, most-recently-used map the caches keep their entries in.
//! - `params.rs`: the uniform block; `dispatch.rs`: fitting work into the limits.
//! - `context.rs`: the state a device's backend shares; `command.rs`: what one
//!   dispatch binds; `record.rs`: recording dispatches into the batch.
//! - `exec.rs`: elementwise kernels; `reduce.rs`: reductions; `product/`:
//!   kernels with a matrix product (tiled GEMM or naive, epilogue fused,
//!   tiles autotuned per adapter); `tile.rs`: the tilings.
//! - `batch.rs`: kernels recorded into one pending submission per forced graph;
//!   `bind_cache.rs`: bind groups and uniform blocks reused across runs.
//! - `backend.rs`: the `Backend` implementation.
//!
//! ```
//! use tandem_core::Backend;
//! // One backend per usable adapter; none (and no panic) without a GPU.
//! for b in tandem_gpu::backends() {
//!     println!("{}", b.info());
//! }
//! ```

mod backend;
mod batch;
mod bind_cache;
mod codegen;
#[cfg(test)]
mod codegen_gemm_tests;
#[cfg(test)]
mod codegen_tests;
mod command;
mod context;
mod device;
mod dispatch;
mod exec;
mod key;
mod params;
mod pipeline_cache;
mod pool;
mod product;
mod recent;
mod record;
mod reduce;
mod tile;
mod transfer;

pub use backend::GpuBackend;
pub use device::{GpuOptions, Limits};
pub use pool::{GpuBuffer, PoolStats};
pub use tile::{ProductKernel, Tile};

use std::sync::{Arc, OnceLock};

static DEFAULT: OnceLock<Vec<Arc<GpuBackend>>> = OnceLock::new();

/// The GPU backends of this process, one per usable adapter (opened once,
/// on first call; empty when there is no adapter — never a panic).
///
/// ```
/// let n = tandem_gpu::gpu_backends().len();
/// assert_eq!(n, tandem_gpu::backends().len());
/// ```
pub fn gpu_backends() -> Vec<Arc<GpuBackend>> {
    DEFAULT
        .get_or_init(|| backends_with(&GpuOptions::default()))
        .clone()
}

/// [`gpu_backends`] as the trait objects the facade registers.
///
/// ```
/// for b in tandem_gpu::backends() {
///     assert_eq!(b.memory(), tandem_core::Memory::Device);
/// }
/// ```
pub fn backends() -> Vec<Arc<dyn tandem_core::Backend>> {
    gpu_backends()
        .into_iter()
        .map(|b| b as Arc<dyn tandem_core::Backend>)
        .collect()
}

/// Opens every usable adapter anew with `opts` (tests use smaller limits
/// to exercise the huge-array paths on small data).
///
/// ```
/// let mine = tandem_gpu::backends_with(&tandem_gpu::GpuOptions::default());
/// assert_eq!(mine.len(), tandem_gpu::gpu_backends().len());
/// ```
pub fn backends_with(opts: &GpuOptions) -> Vec<Arc<GpuBackend>> {
    device::open_all(opts)
        .into_iter()
        .enumerate()
        .map(|(i, g)| Arc::new(GpuBackend::new(g, i)))
        .collect()
}
