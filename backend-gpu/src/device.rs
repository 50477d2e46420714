//! Device set-up: every usable wgpu adapter opened once, with the adapter's
//! own limits and the shader features tandem uses (`SHADER_F64`,
//! `SHADER_INT64`, `SHADER_F16`) where present; the limits read once into
//! [`Limits`] (nothing else hard-codes 65,535 or 128 MiB); and the fault
//! plumbing: an uncaptured-error handler and a device-lost callback (wgpu's
//! defaults panic), and [`Gpu::scoped`], which runs wgpu calls inside error
//! scopes and turns what they catch into tandem errors.

use crate::tile::ProductKernel;
use std::sync::{Arc, Mutex};
use tandem_core::{DType, DeviceKind, Error, Result};

/// The device limits tandem plans with, read once from the adapter.
///
/// ```
/// for b in tandem_gpu::gpu_backends() {
///     let l = b.limits();
///     assert!(l.workgroup.is_power_of_two() && l.max_binding % l.storage_align == 0);
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Largest storage-buffer binding, in bytes (a multiple of `storage_align`).
    pub max_binding: u64,
    /// Largest buffer, in bytes.
    pub max_buffer: u64,
    /// Workgroups per dispatch dimension.
    pub max_workgroups: u32,
    /// Alignment of storage-binding offsets, in bytes.
    pub storage_align: u64,
    /// Alignment of uniform-binding offsets, in bytes.
    pub uniform_align: u64,
    /// Storage buffers one shader may bind.
    pub max_storage_buffers: u32,
    /// Invocations per workgroup tandem's shaders use (a power of two).
    pub workgroup: u32,
}

impl Limits {
    /// tandem's view of wgpu's limits.
    fn from_wgpu(l: &wgpu::Limits) -> Limits {
        let storage_align = u64::from(l.min_storage_buffer_offset_alignment).max(4);
        let max_buffer = l.max_buffer_size;
        let binding = l.max_storage_buffer_binding_size.min(max_buffer);
        let max_binding = (binding / storage_align) * storage_align;
        let cap = l
            .max_compute_invocations_per_workgroup
            .min(l.max_compute_workgroup_size_x)
            .clamp(1, 256);
        // The tree reductions need a power of two.
        let workgroup = 1u32 << (31 - cap.leading_zeros());
        Limits {
            max_binding,
            max_buffer,
            max_workgroups: l.max_compute_workgroups_per_dimension.max(1),
            storage_align,
            uniform_align: u64::from(l.min_uniform_buffer_offset_alignment).max(4),
            max_storage_buffers: l.max_storage_buffers_per_shader_stage,
            workgroup,
        }
    }
}

/// Overrides for tests: smaller limits than the adapter's, to exercise the
/// paths for huge arrays and huge dispatches on small data, and features
/// left off, to see how tandem behaves on adapters without them.
///
/// ```
/// let opts = tandem_gpu::GpuOptions { max_binding_bytes: Some(1 << 16), ..Default::default() };
/// for b in tandem_gpu::backends_with(&opts) {
///     assert!(b.limits().max_binding <= 1 << 16);
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GpuOptions {
    /// Use at most this many bytes per storage binding.
    pub max_binding_bytes: Option<u64>,
    /// Use at most this many workgroups per dispatch dimension.
    pub max_workgroups_per_dim: Option<u32>,
    /// Open the device without `SHADER_F64`, as on adapters that lack it
    /// (most integrated and mobile GPUs): float64 kernels then go to the CPU.
    pub without_f64: bool,
    /// How matrix products run: tiled with the autotuned tile (the
    /// default), naive, or tiled with a fixed tile.
    pub product_kernel: ProductKernel,
    /// Keep at most this many compiled pipelines, the most recently used
    /// (default 512): a program generating endless distinct kernels levels
    /// off instead of growing.
    pub max_cached_pipelines: Option<usize>,
}

/// Pipelines kept per device by default (a few MiB of driver objects).
const DEFAULT_PIPELINES: usize = 512;

/// One opened adapter.
pub(crate) struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub limits: Limits,
    /// `SHADER_F64` and `SHADER_INT64` both (F64 helpers work on bits in u64).
    pub f64: bool,
    /// `SHADER_INT64`.
    pub i64: bool,
    pub name: String,
    pub kind: DeviceKind,
    /// `"wgpu/vulkan"` …
    pub backend: String,
    pub driver: String,
    /// `"gpu:N"`, for messages.
    pub label: String,
    /// Set by the device-lost callback.
    pub lost: Arc<Mutex<Option<String>>>,
    /// The last error no scope caught.
    pub uncaptured: Arc<Mutex<Option<String>>>,
    /// How matrix products run ([`GpuOptions::product_kernel`]).
    pub product_kernel: ProductKernel,
    /// [`GpuOptions::max_cached_pipelines`], or the default.
    pub max_pipelines: usize,
}

fn kind_of(t: wgpu::DeviceType) -> DeviceKind {
    match t {
        wgpu::DeviceType::DiscreteGpu => DeviceKind::DiscreteGpu,
        wgpu::DeviceType::IntegratedGpu => DeviceKind::IntegratedGpu,
        // lavapipe/llvmpipe, WARP, SwiftShader.
        wgpu::DeviceType::Cpu => DeviceKind::SoftwareGpu,
        _ => DeviceKind::OtherGpu,
    }
}

/// Lower is preferred when one device is reachable through several APIs.
fn backend_rank(b: wgpu::Backend) -> u8 {
    match b {
        wgpu::Backend::Vulkan | wgpu::Backend::Metal | wgpu::Backend::Dx12 => 0,
        wgpu::Backend::BrowserWebGpu => 1,
        _ => 2,
    }
}

/// Opens every usable adapter (compute shaders supported, one per physical
/// device: lavapipe is listed by both Vulkan and GL, and only the Vulkan one
/// is kept). Never panics; an adapter that fails to open is skipped.
pub(crate) fn open_all(opts: &GpuOptions) -> Vec<Gpu> {
    // The primary APIs first; GL (whose EGL start-up is slow and, without a
    // display, noisy) only when they find no compute-capable adapter.
    // WGPU_BACKEND, if set, chooses instead.
    let enumerate = |backends: wgpu::Backends| {
        std::panic::catch_unwind(|| {
            let mut desc = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
            let backends = if std::env::var_os("WGPU_BACKEND").is_some() {
                desc.backends
            } else {
                backends
            };
            desc.backends = backends;
            let instance = wgpu::Instance::new(desc);
            let mut found = pollster::block_on(instance.enumerate_adapters(backends));
            found.retain(|a| {
                a.get_downlevel_capabilities()
                    .flags
                    .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
            });
            found
        })
        .unwrap_or_default()
    };
    let mut adapters = enumerate(wgpu::Backends::PRIMARY);
    if adapters.is_empty() {
        adapters = enumerate(wgpu::Backends::all());
    }
    adapters.sort_by_key(|a| backend_rank(a.get_info().backend));
    let mut seen: Vec<(String, u32, u32)> = Vec::new();
    let mut out = Vec::new();
    for adapter in adapters {
        let info = adapter.get_info();
        let id = (info.name.clone(), info.vendor, info.device);
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let label = format!("gpu:{}", out.len());
        if let Ok(Some(gpu)) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            open(&adapter, &info, label, opts)
        })) {
            out.push(gpu);
        }
    }
    out
}

fn open(
    adapter: &wgpu::Adapter,
    info: &wgpu::AdapterInfo,
    label: String,
    opts: &GpuOptions,
) -> Option<Gpu> {
    let mut wanted =
        wgpu::Features::SHADER_F64 | wgpu::Features::SHADER_INT64 | wgpu::Features::SHADER_F16;
    if opts.without_f64 {
        wanted.remove(wgpu::Features::SHADER_F64);
    }
    let features = adapter.features() & wanted;
    let limits = adapter.limits();
    let desc = wgpu::DeviceDescriptor {
        label: Some("tandem"),
        required_features: features,
        required_limits: limits.clone(),
        experimental_features: wgpu::ExperimentalFeatures::disabled(),
        memory_hints: wgpu::MemoryHints::Performance,
        trace: wgpu::Trace::Off,
    };
    let (device, queue) = pollster::block_on(adapter.request_device(&desc)).ok()?;
    let lost = Arc::new(Mutex::new(None));
    let uncaptured = Arc::new(Mutex::new(None));
    {
        let lost = lost.clone();
        device.set_device_lost_callback(move |reason, msg| {
            *lost.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{reason:?}: {msg}"));
        });
        let uncaptured = uncaptured.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            *uncaptured.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
        }));
    }
    let mut l = Limits::from_wgpu(&device.limits());
    if let Some(b) = opts.max_binding_bytes {
        l.max_binding = (b.min(l.max_binding) / l.storage_align).max(1) * l.storage_align;
    }
    if let Some(w) = opts.max_workgroups_per_dim {
        l.max_workgroups = w.clamp(1, l.max_workgroups);
    }
    let f = device.features();
    let i64 = f.contains(wgpu::Features::SHADER_INT64);
    Some(Gpu {
        device,
        queue,
        limits: l,
        f64: i64 && f.contains(wgpu::Features::SHADER_F64),
        i64,
        name: info.name.clone(),
        kind: kind_of(info.device_type),
        backend: format!("wgpu/{}", info.backend.to_str()),
        driver: format!("{} {}", info.driver, info.driver_info)
            .trim()
            .to_string(),
        label,
        lost,
        uncaptured,
        product_kernel: opts.product_kernel,
        max_pipelines: opts.max_cached_pipelines.unwrap_or(DEFAULT_PIPELINES),
    })
}

impl Gpu {
    /// The dtypes this device computes natively.
    pub fn dtypes(&self) -> Vec<DType> {
        DType::ALL
            .iter()
            .copied()
            .filter(|&d| self.has_dtype(d))
            .collect()
    }

    /// Whether shaders can use `dt` here.
    pub fn has_dtype(&self, dt: DType) -> bool {
        match dt {
            DType::F64 => self.f64,
            DType::I64 => self.i64,
            _ => true,
        }
    }

    /// `Err` if the device was lost.
    pub fn check_lost(&self) -> Result<()> {
        match &*self.lost.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(why) => Err(Error::Device {
                device: self.label.clone(),
                message: format!(
                    "the device was lost ({why}); arrays whose only copy lived there are gone, host copies are intact"
                ),
            }),
            None => Ok(()),
        }
    }

    /// Runs `f` (wgpu calls) inside out-of-memory and validation error
    /// scopes: an allocation failure becomes [`Error::OutOfMemory`] (of
    /// `bytes`), anything else [`Error::Device`] naming `op`.
    pub fn scoped<T>(&self, op: &'static str, bytes: u64, f: impl FnOnce() -> T) -> Result<T> {
        self.check_lost()?;
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let invalid = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let internal = self.device.push_error_scope(wgpu::ErrorFilter::Internal);
        let value = f();
        let internal = pollster::block_on(internal.pop());
        let invalid = pollster::block_on(invalid.pop());
        let oom = pollster::block_on(oom.pop());
        if oom.is_some() {
            return Err(Error::OutOfMemory {
                op,
                device: self.label.clone(),
                bytes,
            });
        }
        let stray = self
            .uncaptured
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(e) = invalid
            .map(|e| e.to_string())
            .or(internal.map(|e| e.to_string()))
            .or(stray)
        {
            return Err(Error::Device {
                device: self.label.clone(),
                message: format!("{op} failed: {e}"),
            });
        }
        self.check_lost()?;
        Ok(value)
    }

    /// Waits for all submitted work; a failure is a lost device.
    pub fn wait(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| Error::Device {
                device: self.label.clone(),
                message: format!("waiting for the GPU failed: {e}"),
            })?;
        self.check_lost()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_not_assumed() {
        let mut w = wgpu::Limits::defaults();
        w.max_storage_buffer_binding_size = 134_217_728 + 100;
        w.max_compute_invocations_per_workgroup = 200;
        let l = Limits::from_wgpu(&w);
        assert_eq!(l.max_binding % l.storage_align, 0);
        assert!(l.max_binding <= 134_217_728 + 100);
        assert_eq!(l.workgroup, 128);
        assert_eq!(l.max_workgroups, w.max_compute_workgroups_per_dimension);
    }
}
