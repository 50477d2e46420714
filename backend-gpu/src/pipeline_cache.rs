//! Compiled pipelines, cached by the kernel's structure ([`ShaderKey`]:
//! dtypes, op list, rank, access classes — never sizes, strides or
//! constant values, which travel in the uniform block). A loop running one
//! expression compiles once; hits and misses are reported through
//! `tandem_core::stats::record` (lavapipe spends ~10 ms per new shader).
//! Both maps keep the most recently used entries up to a capacity
//! ([`Recent`]), so a program generating endless distinct kernels levels
//! off instead of growing.

use crate::codegen;
use crate::device::Gpu;
use crate::key::{ShaderKey, Signature};
use crate::recent::Recent;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tandem_core::{Error, Result};

/// How a shader uses one binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BindKind {
    /// The uniform block (binding 0).
    Uniform,
    /// A read-only storage buffer.
    Read,
    /// A read-write storage buffer.
    Write,
}

/// A compiled shader and its bind-group layout.
pub(crate) struct Compiled {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
    /// Unique for the process's lifetime: bind groups are cached by it
    /// (an address could be reused once a pipeline is evicted).
    pub serial: u64,
}

/// Kernel signatures whose verdict is kept (cheap to recompute).
const VERDICTS: usize = 8192;

/// One device's cache.
pub(crate) struct PipelineCache {
    map: Mutex<Recent<ShaderKey, Arc<Compiled>>>,
    /// Whether a shader can be generated, per kernel [`Signature`] seen by
    /// `check` (`Err`: why not). Placement asks for every kernel, and
    /// normalising it and generating its source each time cost about as
    /// much as a small kernel's whole dispatch on lavapipe.
    verdicts: Mutex<Recent<Signature, std::result::Result<(), String>>>,
}

impl PipelineCache {
    /// A cache keeping at most `pipelines` compiled pipelines.
    pub fn new(pipelines: usize) -> PipelineCache {
        PipelineCache {
            map: Mutex::new(Recent::new(pipelines)),
            verdicts: Mutex::new(Recent::new(VERDICTS)),
        }
    }
}

impl PipelineCache {
    /// `Ok` if a shader for kernels of signature `sig` can be generated,
    /// else why not. `key` (called on the first kernel of a signature
    /// only) gives that kernel's shader key.
    pub fn check(
        &self,
        sig: Signature,
        key: impl FnOnce() -> Result<ShaderKey>,
        workgroup: u32,
    ) -> Result<()> {
        let mut verdicts = self.verdicts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = verdicts.get(&sig) {
            return v.clone().map_err(|m| Error::unsupported("gpu kernel", m));
        }
        let v = match key() {
            Ok(key) => codegen::generate(&key, workgroup).map(|_| ()),
            Err(Error::Unsupported { message, .. }) => Err(message),
            Err(e) => return Err(e),
        };
        verdicts.insert(sig, v.clone());
        v.map_err(|m| Error::unsupported("gpu kernel", m))
    }

    /// The pipeline for `key` (with `bindings` in binding order), compiled
    /// on first use.
    pub fn get(&self, gpu: &Gpu, key: &ShaderKey, bindings: &[BindKind]) -> Result<Arc<Compiled>> {
        if let Some(c) = self.map.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
            tandem_core::stats::record(|s| s.pipeline_cache_hits += 1);
            return Ok(c.clone());
        }
        let src = codegen::generate(key, gpu.limits.workgroup)
            .map_err(|m| Error::unsupported("gpu kernel", m))?;
        let compiled = Arc::new(compile(gpu, &src, bindings)?);
        tandem_core::stats::record(|s| s.pipeline_cache_misses += 1);
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone(), compiled.clone());
        Ok(compiled)
    }

    /// Number of cached pipelines.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Builds a compute pipeline from WGSL, catching shader errors as values.
fn compile(gpu: &Gpu, src: &str, bindings: &[BindKind]) -> Result<Compiled> {
    gpu.scoped("shader build", 0, || {
        let module = gpu
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("tandem kernel"),
                source: wgpu::ShaderSource::Wgsl(src.into()),
            });
        let entries: Vec<wgpu::BindGroupLayoutEntry> = bindings
            .iter()
            .enumerate()
            .map(|(i, k)| wgpu::BindGroupLayoutEntry {
                binding: i as u32,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty: match k {
                        BindKind::Uniform => wgpu::BufferBindingType::Uniform,
                        BindKind::Read => wgpu::BufferBindingType::Storage { read_only: true },
                        BindKind::Write => wgpu::BufferBindingType::Storage { read_only: false },
                    },
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            })
            .collect();
        let layout = gpu
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("tandem kernel"),
                entries: &entries,
            });
        let pl = gpu
            .device
            .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("tandem kernel"),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
        let pipeline = gpu
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some("tandem kernel"),
                layout: Some(&pl),
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            });
        static SERIAL: AtomicU64 = AtomicU64::new(0);
        Compiled {
            pipeline,
            layout,
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
        }
    })
    .map_err(|e| match e {
        Error::Device { device, message } => Error::Device {
            device,
            message: format!("{message}\n--- generated WGSL ---\n{src}"),
        },
        other => other,
    })
}
