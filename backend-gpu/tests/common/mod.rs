//! Shared helpers for tandem-gpu's integration tests: finding the adapter
//! (a visible skip without one, a failure under `TANDEM_REQUIRE_GPU=1`),
//! and running one hand-built kernel on both the GPU and the CPU backend.

#![allow(dead_code)]

use std::sync::Arc;
use tandem_core::backend::Buffer;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::Kernel;
use tandem_core::{Backend, Result};
use tandem_gpu::GpuBackend;

/// The first GPU backend, or `None` (with a message) when there is none;
/// panics instead when `TANDEM_REQUIRE_GPU=1`.
pub fn gpu() -> Option<Arc<GpuBackend>> {
    match tandem_gpu::gpu_backends().into_iter().next() {
        Some(g) => Some(g),
        None => {
            if std::env::var("TANDEM_REQUIRE_GPU").as_deref() == Ok("1") {
                panic!("TANDEM_REQUIRE_GPU=1 but no GPU adapter was found (install mesa-vulkan-drivers for lavapipe)");
            }
            eprintln!("skipping: no GPU adapter (set TANDEM_REQUIRE_GPU=1 to make this a failure)");
            None
        }
    }
}

/// Runs `kernel` on `backend`: inputs uploaded, outputs starting as
/// `initial` (so untouched elements can be checked), results downloaded.
pub fn run_on(
    backend: &dyn Backend,
    kernel: &Kernel,
    inputs: &[HostBuffer],
    initial: &[HostBuffer],
) -> Result<Vec<HostBuffer>> {
    let ins = inputs
        .iter()
        .map(|h| backend.upload(h))
        .collect::<Result<Vec<_>>>()?;
    let mut outs = initial
        .iter()
        .map(|h| backend.upload(h))
        .collect::<Result<Vec<Buffer>>>()?;
    backend.execute(kernel, &ins, &mut outs)?;
    outs.iter().map(|b| backend.download(b)).collect()
}

/// `kernel` on the GPU and on the CPU backend.
pub fn both(
    gpu: &GpuBackend,
    kernel: &Kernel,
    inputs: &[HostBuffer],
    initial: &[HostBuffer],
) -> (Vec<HostBuffer>, Vec<HostBuffer>) {
    let g = run_on(gpu, kernel, inputs, initial).unwrap_or_else(|e| panic!("GPU: {e}\n{kernel}"));
    let c = run_on(&tandem_cpu::CpuBackend::new(), kernel, inputs, initial)
        .unwrap_or_else(|e| panic!("CPU: {e}\n{kernel}"));
    (g, c)
}

/// A host buffer holding `v`.
pub fn host<T: bytemuck::Pod>(v: &[T]) -> HostBuffer {
    HostBuffer::from_bytes(bytemuck::cast_slice(v))
}
