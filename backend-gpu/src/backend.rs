//! [`GpuBackend`]: `tandem_core::Backend` for one wgpu adapter. It owns the
//! device, the buffer pool and the pipeline cache; `check` says what it
//! cannot run (a dtype the adapter lacks, an op without a GPU form, too
//! many bindings, a matrix product whose operands do not fit the bindings)
//! so the core routes that kernel to the CPU.

use crate::batch::Batch;
use crate::bind_cache::BindCache;
use crate::context::DeviceContext;
use crate::device::{Gpu, Limits};
use crate::key::{ShaderKey, Signature};
use crate::pipeline_cache::PipelineCache;
use crate::pool::{GpuBuffer, Pool, PoolStats, STORAGE};
use crate::tile::Tile;
use crate::{exec, product, reduce, transfer};
use std::sync::Arc;
use tandem_core::backend::{Buffer, DeviceBuffer};
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::Kernel;
use tandem_core::{Backend, DeviceInfo, DeviceKind, Error, Memory, Result};

/// Largest element count (and buffer length) an elementwise kernel may
/// have: its shader unravels one 32-bit flat index. (Such a kernel writes
/// an output of that many elements, more than lavapipe's 2 GiB buffers
/// hold, so a split into 64-bit dispatch bases is left until a device
/// needs it.) Reductions have no such limit: their shaders index a row and
/// a position in the row separately, each 32-bit, and every buffer
/// relative to its window.
const MAX_ELEMENTS: usize = i32::MAX as usize;

/// The GPU backend for one adapter.
///
/// ```
/// use tandem_core::Backend;
/// for gpu in tandem_gpu::backends() {
///     println!("{}", gpu.info());
/// }
/// ```
pub struct GpuBackend {
    inner: Arc<DeviceContext>,
}

impl GpuBackend {
    pub(crate) fn new(gpu: Gpu, index: usize) -> GpuBackend {
        let pipelines = gpu.max_pipelines;
        GpuBackend {
            inner: Arc::new(DeviceContext {
                gpu,
                pool: Arc::new(Pool::default()),
                cache: PipelineCache::new(pipelines),
                binds: BindCache::default(),
                batch: Batch::default(),
                index,
                tuned: Default::default(),
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

    /// Number of bind groups in the cache (at most 4096, the most recently
    /// used).
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     assert!(b.cached_bind_groups() <= 4096);
    /// }
    /// ```
    pub fn cached_bind_groups(&self) -> usize {
        self.inner.binds.len()
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
        self.inner.batch.flush(&self.inner.gpu, &self.inner.pool)?;
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

    /// `b` as this backend's buffer; `what` names it in the error (built
    /// only then: formatting a name per operand showed up in small kernels).
    fn ours<'a>(&self, b: &'a Buffer, what: impl Fn() -> String) -> Result<&'a GpuBuffer> {
        match b {
            Buffer::Device(d) => d.as_any().downcast_ref::<GpuBuffer>().ok_or_else(|| {
                Error::invalid(
                    "gpu kernel",
                    format!("{} is another backend's device buffer ({d:?})", what()),
                )
            }),
            Buffer::Host(h) => Err(Error::invalid(
                "gpu kernel",
                format!(
                    "{} is host memory ({h:?}); the core must upload it first",
                    what()
                ),
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
        match &kernel.reduction {
            None => {
                let too_long = kernel.size() > MAX_ELEMENTS
                    || kernel.inputs.iter().any(|i| i.buffer_len > MAX_ELEMENTS)
                    || kernel.outputs.iter().any(|o| o.buffer_len > MAX_ELEMENTS);
                if too_long {
                    return Err(Error::unsupported(
                        "gpu kernel",
                        format!(
                            "an elementwise kernel of more than {MAX_ELEMENTS} elements (its shader unravels a 32-bit flat index)"
                        ),
                    ));
                }
            }
            Some(red) => {
                let (mut rows, mut row) = (1usize, 1usize);
                for (a, &d) in kernel.shape.iter().enumerate() {
                    if red.axes.contains(&a) {
                        row = row.saturating_mul(d);
                    } else {
                        rows = rows.saturating_mul(d);
                    }
                }
                if rows > u32::MAX as usize || row > reduce::MAX_ROW {
                    return Err(Error::unsupported(
                        "gpu kernel",
                        format!(
                            "a reduction to {rows} outputs of {row} elements each (the shaders index outputs and rows with 32 bits: at most {} and {})",
                            u32::MAX,
                            reduce::MAX_ROW
                        ),
                    ));
                }
            }
        }
        if let Err(why) = product::fits(kernel, &gpu.limits) {
            return Err(Error::unsupported(
                "gpu kernel",
                format!("{why} ({}); it runs on the CPU", gpu.label),
            ));
        }
        let buffers = kernel.inputs.len() + self.fixed_buffers(kernel);
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

    /// The storage buffers a kernel binds besides its inputs: its outputs,
    /// a reduction's two buffers of partial results, and for a reduction of
    /// a product the product (the reduction's one more input).
    fn fixed_buffers(&self, kernel: &Kernel) -> usize {
        let partial_buffers = if kernel.reduction.is_some() { 2 } else { 0 };
        let product = usize::from(kernel.reduction.is_some() && kernel.dot().is_some());
        kernel.outputs.len() + partial_buffers + product
    }

    /// The key of the (first) shader `kernel` needs.
    fn key_of(&self, kernel: &Kernel) -> Result<ShaderKey> {
        let limits = &self.inner.gpu.limits;
        match (&kernel.reduction, kernel.dot()) {
            (None, None) => Ok(ShaderKey::Elementwise(exec::elementwise_key(kernel).0)),
            (None, Some(_)) => Ok(product::check_key(kernel, limits)),
            (Some(red), None) => Ok(ShaderKey::Reduce(reduce::first_key(kernel, red, limits)?)),
            // The product alone always has a shader (for the dtypes the
            // adapter has); the rest of the kernel is a reduction's.
            (Some(red), Some(_)) => {
                let (rest, _) = kernel.with_product_loaded().ok_or_else(|| {
                    Error::invalid("gpu matmul", "a product kernel without a product")
                })?;
                Ok(ShaderKey::Reduce(reduce::first_key(&rest, red, limits)?))
            }
        }
    }

    /// The tile the autotuner chose for `dtype`'s matrix products on this
    /// adapter, once it has run (the first product of that dtype of at
    /// least 256³ multiply-adds, or [`tune_products`](Self::tune_products)).
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     let t = b.tune_products(tandem_core::DType::F32)?;
    ///     assert_eq!(b.product_tile(tandem_core::DType::F32), Some(t));
    /// }
    /// # Ok::<(), tandem_core::Error>(())
    /// ```
    pub fn product_tile(&self, dtype: tandem_core::DType) -> Option<Tile> {
        product::known_tile(&self.inner, dtype)
    }

    /// Measures which tile runs `dtype`'s matrix products fastest on this
    /// adapter, now, unless that is known already; returns it. (Tuning is
    /// otherwise done by the first large product: call this first to keep
    /// its fraction of a second out of a timed region.)
    ///
    /// # Errors
    ///
    /// `Unsupported` if the adapter lacks `dtype`, or no tile runs.
    ///
    /// ```
    /// for b in tandem_gpu::gpu_backends() {
    ///     let t = b.tune_products(tandem_core::DType::I32)?;
    ///     assert!(tandem_gpu::Tile::CANDIDATES.contains(&t));
    /// }
    /// # Ok::<(), tandem_core::Error>(())
    /// ```
    pub fn tune_products(&self, dtype: tandem_core::DType) -> Result<Tile> {
        let gpu = &self.inner.gpu;
        gpu.check_lost()?;
        if !gpu.has_dtype(dtype) {
            return Err(Error::unsupported(
                "gpu matrix product",
                format!(
                    "{} ({}) has no {} support in shaders",
                    gpu.label,
                    gpu.name,
                    dtype.name()
                ),
            ));
        }
        product::tune_tile(&self.inner, dtype)
    }
}

impl GpuBackend {
    /// The arithmetic time of `kernel`'s product (0 without one): its
    /// flops (`Kernel::flops`) at a rate for the adapter's kind and the
    /// dtype. A product is bound by arithmetic, not memory, so this, not
    /// the bandwidth term, is what sends a large product to a hardware GPU
    /// sooner than elementwise work of the same size. Rates are what the
    /// tiled kernel reaches, not peaks: a tenth of a discrete GPU's f32
    /// peak (tens of TFLOP/s), f64 at 1/16 of f32 (consumer GPUs run it at
    /// 1/32 to 1/64; data-centre ones at 1/2), integers at half.
    fn product_seconds(&self, kernel: &Kernel) -> f64 {
        let Some((value, _)) = kernel.dot() else {
            return 0.0;
        };
        let f32_rate = match self.inner.gpu.kind {
            DeviceKind::DiscreteGpu => 3e12,
            DeviceKind::IntegratedGpu => 3e11,
            DeviceKind::SoftwareGpu => 2e10,
            _ => 1e11,
        };
        let rate = match kernel.instrs[value].dtype {
            tandem_core::DType::F32 => f32_rate,
            tandem_core::DType::F64 => f32_rate / 16.0,
            _ => f32_rate / 2.0,
        };
        kernel.flops() as f64 / rate
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

    fn max_inputs(&self, kernel: &Kernel) -> usize {
        (self.inner.gpu.limits.max_storage_buffers as usize)
            .saturating_sub(self.fixed_buffers(kernel))
    }

    fn check(&self, kernel: &Kernel) -> Result<()> {
        self.inner.gpu.check_lost()?;
        self.check_shape(kernel)?;
        // Every op/dtype the body uses must have a GPU form.
        self.inner.cache.check(
            Signature::of(kernel),
            || self.key_of(kernel),
            self.inner.gpu.limits.workgroup,
        )
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
            .map(|(i, b)| self.ours(b, || format!("input {i}")))
            .collect::<Result<Vec<_>>>()?;
        let outs = outputs
            .iter()
            .enumerate()
            .map(|(i, b)| self.ours(b, || format!("output {i}")))
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
            _ if kernel.dot().is_some() => product::run(&self.inner, kernel, &ins, &outs),
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
            self.inner.binds.clear();
        }
        result
    }

    fn flush(&self) -> Result<()> {
        self.inner
            .batch
            .flush_graph(&self.inner.gpu, &self.inner.pool)
    }

    fn upload(&self, data: &HostBuffer) -> Result<Buffer> {
        let b = transfer::upload(&self.inner, data)?;
        Ok(Buffer::Device(Arc::new(b)))
    }

    fn download(&self, buffer: &Buffer) -> Result<HostBuffer> {
        let b = self.ours(buffer, || "the buffer to download".into())?;
        transfer::download(&self.inner, b, b.byte_len())
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
        launch + kernel.bytes_moved() as f64 / bandwidth + self.product_seconds(kernel)
    }
}
