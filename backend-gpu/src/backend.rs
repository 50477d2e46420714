//! [`GpuBackend`]: `tandem_core::Backend` for one wgpu adapter. It owns the
//! device, the buffer pool and the pipeline cache; `check` says what it
//! cannot run (a dtype the adapter lacks, an op without a GPU form, too
//! many bindings) so the core routes that kernel to the CPU.

use crate::device::{Gpu, Limits};
use crate::pipeline_cache::PipelineCache;
use crate::plan::ShaderKey;
use crate::pool::{GpuBuffer, Pool, PoolStats, STORAGE};
use crate::{codegen, exec, reduce, transfer};
use std::sync::Arc;
use tandem_core::backend::{Buffer, DeviceBuffer};
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::Kernel;
use tandem_core::{Backend, DeviceInfo, DeviceKind, Error, Memory, Result};

/// Largest element count (and buffer length) a kernel may have: indices
/// are 32-bit in the shaders.
const MAX_ELEMENTS: usize = i32::MAX as usize;

/// The state one device's backend shares.
pub(crate) struct Inner {
    pub gpu: Gpu,
    pub pool: Arc<Pool>,
    pub cache: PipelineCache,
    pub index: usize,
}

/// The GPU backend for one adapter.
///
/// ```
/// use tandem_core::Backend;
/// for gpu in tandem_gpu::backends() {
///     println!("{}", gpu.info());
/// }
/// ```
pub struct GpuBackend {
    inner: Arc<Inner>,
}

impl GpuBackend {
    pub(crate) fn new(gpu: Gpu, index: usize) -> GpuBackend {
        GpuBackend {
            inner: Arc::new(Inner {
                gpu,
                pool: Arc::new(Pool::default()),
                cache: PipelineCache::default(),
                index,
            }),
        }
    }

    /// The limits this backend plans with.
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     assert!(b.limits().max_binding > 0);
    /// }
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.inner.gpu.limits
    }

    /// Buffer-pool counters.
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     let s = b.pool_stats();
    ///     assert!(s.reused + s.created >= s.reused);
    /// }
    /// ```
    pub fn pool_stats(&self) -> PoolStats {
        self.inner.pool.stats()
    }

    /// Number of compiled pipelines in the cache.
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     let _ = b.cached_pipelines();
    /// }
    /// ```
    pub fn cached_pipelines(&self) -> usize {
        self.inner.cache.len()
    }

    /// A device buffer of at least `bytes` bytes from this backend's pool
    /// (what `alloc` wraps in a [`Buffer`]).
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     let buf = b.alloc_buffer(1024)?;
    ///     assert_eq!(tandem_core::backend::DeviceBuffer::byte_len(&buf), 1024);
    /// }
    /// # Ok::<(), tandem_core::Error>(())
    /// ```
    pub fn alloc_buffer(&self, bytes: usize) -> Result<GpuBuffer> {
        self.inner
            .pool
            .get(&self.inner.gpu, STORAGE, bytes as u64, "alloc")
    }

    /// Waits until all submitted work has finished (for benchmarks).
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     b.synchronize()?;
    /// }
    /// # Ok::<(), tandem_core::Error>(())
    /// ```
    pub fn synchronize(&self) -> Result<()> {
        self.inner.gpu.wait()
    }

    /// The wgpu device and queue, for code that drives them directly (the
    /// benchmark's bare-dispatch baseline).
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     let (device, _queue) = b.wgpu();
    ///     let _ = device.limits();
    /// }
    /// ```
    pub fn wgpu(&self) -> (&wgpu::Device, &wgpu::Queue) {
        (&self.inner.gpu.device, &self.inner.gpu.queue)
    }

    fn ours<'a>(&self, b: &'a Buffer, what: &str) -> Result<&'a GpuBuffer> {
        match b {
            Buffer::Device(d) => d.as_any().downcast_ref::<GpuBuffer>().ok_or_else(|| {
                Error::invalid(
                    "gpu kernel",
                    format!("{what} is another backend's device buffer ({d:?})"),
                )
            }),
            Buffer::Host(h) => Err(Error::invalid(
                "gpu kernel",
                format!("{what} is host memory ({h:?}); the core must upload it first"),
            )),
        }
    }

    /// The structural checks `check` and `execute` share.
    fn check_shape(&self, kernel: &Kernel) -> Result<()> {
        let gpu = &self.inner.gpu;
        for dt in kernel
            .dtypes()
            .into_iter()
            .chain(kernel.outputs.iter().map(|o| o.dtype))
        {
            if !gpu.has_dtype(dt) {
                return Err(Error::unsupported(
                    "gpu kernel",
                    format!(
                        "{} ({}) has no {} support in shaders (adapter feature missing); the kernel runs on the CPU",
                        gpu.label,
                        gpu.name,
                        dt.name()
                    ),
                ));
            }
        }
        let too_long = kernel.size() > MAX_ELEMENTS
            || kernel.inputs.iter().any(|i| i.buffer_len > MAX_ELEMENTS)
            || kernel.outputs.iter().any(|o| o.buffer_len > MAX_ELEMENTS);
        if too_long {
            return Err(Error::unsupported(
                "gpu kernel",
                format!("more than {MAX_ELEMENTS} elements (the shaders index with 32 bits)"),
            ));
        }
        let partial_buffers = if kernel.reduction.is_some() { 2 } else { 0 };
        let buffers = kernel.inputs.len() + kernel.outputs.len() + partial_buffers;
        if buffers > gpu.limits.max_storage_buffers as usize {
            return Err(Error::unsupported(
                "gpu kernel",
                format!(
                    "{} buffers, but {} binds at most {} storage buffers per shader",
                    buffers, gpu.label, gpu.limits.max_storage_buffers
                ),
            ));
        }
        Ok(())
    }

    /// The key of the (first) shader `kernel` needs.
    fn key_of(&self, kernel: &Kernel) -> Result<ShaderKey> {
        match &kernel.reduction {
            None => Ok(ShaderKey::Elementwise(exec::elementwise_key(kernel).0)),
            Some(red) => Ok(ShaderKey::Reduce(
                reduce::first_key(kernel, red, reduce::chunk_len(&self.inner.gpu.limits))?.0,
            )),
        }
    }
}

impl Backend for GpuBackend {
    fn info(&self) -> DeviceInfo {
        let g = &self.inner.gpu;
        let l = &g.limits;
        DeviceInfo {
            device: tandem_core::Device::Gpu(self.inner.index),
            name: g.name.clone(),
            kind: g.kind,
            backend: g.backend.clone(),
            dtypes: g.dtypes(),
            details: vec![
                ("driver".into(), g.driver.clone()),
                ("max_binding".into(), l.max_binding.to_string()),
                ("max_buffer".into(), l.max_buffer.to_string()),
                ("max_workgroups".into(), l.max_workgroups.to_string()),
                ("workgroup".into(), l.workgroup.to_string()),
            ],
        }
    }

    fn memory(&self) -> Memory {
        Memory::Device
    }

    fn check(&self, kernel: &Kernel) -> Result<()> {
        self.inner.gpu.check_lost()?;
        self.check_shape(kernel)?;
        let key = self.key_of(kernel)?;
        // Every op/dtype the body uses must have a GPU form.
        codegen::generate(&key, self.inner.gpu.limits.workgroup)
            .map(|_| ())
            .map_err(|m| Error::unsupported("gpu kernel", m))
    }

    fn alloc(&self, bytes: usize) -> Result<Buffer> {
        let b = self
            .inner
            .pool
            .get(&self.inner.gpu, STORAGE, bytes as u64, "alloc")?;
        Ok(Buffer::Device(Arc::new(b)))
    }

    fn execute(&self, kernel: &Kernel, inputs: &[Buffer], outputs: &mut [Buffer]) -> Result<()> {
        self.check_shape(kernel)?;
        if inputs.len() != kernel.inputs.len() || outputs.len() != kernel.outputs.len() {
            return Err(Error::invalid(
                "gpu kernel",
                format!(
                    "{} inputs and {} outputs given for a kernel of {} and {}",
                    inputs.len(),
                    outputs.len(),
                    kernel.inputs.len(),
                    kernel.outputs.len()
                ),
            ));
        }
        let ins = inputs
            .iter()
            .enumerate()
            .map(|(i, b)| self.ours(b, &format!("input {i}")))
            .collect::<Result<Vec<_>>>()?;
        let outs = outputs
            .iter()
            .enumerate()
            .map(|(i, b)| self.ours(b, &format!("output {i}")))
            .collect::<Result<Vec<_>>>()?;
        for (i, (b, k)) in ins.iter().zip(&kernel.inputs).enumerate() {
            if b.byte_len() < k.buffer_len * k.dtype.size_of() {
                return Err(Error::invalid(
                    "gpu kernel",
                    format!(
                        "input {i} holds {} bytes, the kernel reads {} elements of {}",
                        b.byte_len(),
                        k.buffer_len,
                        k.dtype.name()
                    ),
                ));
            }
        }
        let result = match &kernel.reduction {
            None => exec::run(&self.inner, kernel, &ins, &outs),
            Some(red) => match outs.as_slice() {
                [out] => reduce::run(&self.inner, kernel, red, &ins, out),
                _ => Err(Error::invalid(
                    "gpu reduction",
                    "a reduction kernel has exactly one output",
                )),
            },
        };
        if matches!(result, Err(Error::OutOfMemory { .. })) {
            self.inner.pool.clear();
        }
        result
    }

    fn upload(&self, data: &HostBuffer) -> Result<Buffer> {
        let b = transfer::upload(&self.inner.gpu, &self.inner.pool, data)?;
        Ok(Buffer::Device(Arc::new(b)))
    }

    fn download(&self, buffer: &Buffer) -> Result<HostBuffer> {
        let b = self.ours(buffer, "the buffer to download")?;
        transfer::download(&self.inner.gpu, &self.inner.pool, b, b.byte_len())
    }

    fn estimate_seconds(&self, kernel: &Kernel) -> f64 {
        let bandwidth = match self.inner.gpu.kind {
            DeviceKind::DiscreteGpu => 300e9,
            DeviceKind::IntegratedGpu => 40e9,
            DeviceKind::SoftwareGpu => 3e9,
            _ => 20e9,
        };
        // Submit + completion cost of one dispatch.
        let launch = 30e-6;
        launch + kernel.bytes_moved() as f64 / bandwidth
    }
}
