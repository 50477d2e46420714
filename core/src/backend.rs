//! The `Backend` trait: the seam between tandem's core and the hardware.
//! A new backend author starts reading here.
//!
//! # Design
//!
//! A backend never sees `Array` or the lazy graph. The core fuses the graph
//! into [`Kernel`]s — an iteration shape, input buffers read through strided
//! layouts, an SSA list of elementwise instructions, and outputs — and asks a
//! backend to run one. Fusion, placement and transfers live in the core and
//! can change without touching a backend; a backend only has to run kernels,
//! hold buffers and say what it can do.
//!
//! Memory: a backend either works on host memory ([`Memory::Host`], like the
//! CPU backend: the core hands it [`HostBuffer`]s directly) or owns device
//! memory ([`Memory::Device`]: the core uploads and downloads through it and
//! remembers where valid copies live, so nothing moves twice).

use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::error::Result;
use crate::kernel::{DirectInput, Kernel, OneOp};
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// Where computation runs: chosen by the user or by placement.
///
/// ```
/// use tandem_core::Device;
/// assert_eq!(Device::default(), Device::Auto);
/// assert_eq!("gpu".parse::<Device>().unwrap(), Device::Gpu(0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Device {
    /// The host CPU.
    Cpu,
    /// The i-th GPU adapter (in `tandem::devices()` order of GPUs).
    Gpu(usize),
    /// Let tandem choose per kernel (the default).
    #[default]
    Auto,
}

impl std::str::FromStr for Device {
    type Err = crate::Error;
    /// Parses `cpu`, `gpu`, `gpu:N` and `auto` (case-insensitive), as the
    /// `TANDEM_DEVICE` variable and the `--device` flag take them.
    fn from_str(s: &str) -> Result<Device> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "cpu" => Ok(Device::Cpu),
            "gpu" => Ok(Device::Gpu(0)),
            "auto" => Ok(Device::Auto),
            _ => t
                .strip_prefix("gpu:")
                .and_then(|n| n.parse().ok())
                .map(Device::Gpu)
                .ok_or_else(|| {
                    crate::Error::invalid(
                        "device",
                        format!("unknown device {s:?}; expected cpu, gpu, gpu:N or auto"),
                    )
                }),
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Gpu(i) => write!(f, "gpu:{i}"),
            Device::Auto => f.write_str("auto"),
        }
    }
}

/// What kind of processor a device is; placement never picks a
/// [`DeviceKind::SoftwareGpu`] on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// The host CPU.
    Cpu,
    /// A discrete GPU.
    DiscreteGpu,
    /// A GPU integrated with the CPU.
    IntegratedGpu,
    /// A GPU emulated in software (lavapipe, llvmpipe, WARP).
    SoftwareGpu,
    /// A GPU of unknown kind.
    OtherGpu,
}

/// Whether a backend computes on host memory or owns device memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory {
    /// Reads and writes [`HostBuffer`]s directly.
    Host,
    /// Owns buffers the core must upload to and download from.
    Device,
}

/// A description of one device, as `tandem::devices()` lists it.
///
/// ```
/// use tandem_core::{DType, Device, DeviceInfo, DeviceKind};
/// let info = DeviceInfo {
///     device: Device::Cpu, name: "host".into(), kind: DeviceKind::Cpu,
///     backend: "cpu".into(), dtypes: DType::ALL.to_vec(), details: vec![],
/// };
/// assert!(info.to_string().contains("host"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceInfo {
    /// How to ask for this device.
    pub device: Device,
    /// The device's name (CPU model, adapter name).
    pub name: String,
    /// The kind of processor.
    pub kind: DeviceKind,
    /// The backend that drives it (`"cpu"`, `"wgpu/vulkan"` …).
    pub backend: String,
    /// The dtypes it computes natively.
    pub dtypes: Vec<crate::DType>,
    /// Other facts as key/value pairs (SIMD level, threads, limits).
    pub details: Vec<(String, String)>,
}

impl fmt::Display for DeviceInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<7} {} ({:?}, {})",
            self.device.to_string(),
            self.name,
            self.kind,
            self.backend
        )?;
        for (k, v) in &self.details {
            write!(f, ", {k}={v}")?;
        }
        let names: Vec<_> = self.dtypes.iter().map(|d| d.name()).collect();
        write!(f, ", dtypes=[{}]", names.join(" "))
    }
}

/// Memory owned by a [`Memory::Device`] backend. Backends downcast the
/// buffers they are handed back to their own type with [`Any`].
pub trait DeviceBuffer: Any + Send + Sync + fmt::Debug {
    /// Size in bytes.
    fn byte_len(&self) -> usize;
    /// For downcasting to the backend's concrete buffer type.
    fn as_any(&self) -> &dyn Any;
}

/// A buffer as the core hands it to a backend.
#[derive(Clone, Debug)]
pub enum Buffer {
    /// Host memory (for [`Memory::Host`] backends).
    Host(Arc<HostBuffer>),
    /// Device memory owned by the backend being called.
    Device(Arc<dyn DeviceBuffer>),
}

/// What a backend worked out once about a kernel (validation, a compiled
/// loop, a pipeline) so that running the same kernel again skips it. The
/// core asks for it when it plans a force ([`Backend::prepare`]) and hands
/// it back with every run of that kernel ([`Backend::execute_prepared`]);
/// a backend downcasts it to its own type.
pub type Prepared = Arc<dyn Any + Send + Sync>;

/// An execution backend. See the module docs for the design.
///
/// A minimal host backend implements `info`, `memory` (returning
/// [`Memory::Host`]), `check` and `execute`; `alloc` and the transfer
/// methods have host defaults that device backends override.
pub trait Backend: Send + Sync {
    /// What the device is.
    fn info(&self) -> DeviceInfo;

    /// Host or device memory.
    fn memory(&self) -> Memory;

    /// `Ok` if this backend can run `kernel`, otherwise
    /// [`Error::Unsupported`](crate::Error::Unsupported) saying why (a dtype
    /// it lacks, too many inputs …) so the core can route it elsewhere.
    fn check(&self, kernel: &Kernel) -> Result<()>;

    /// A new buffer of `bytes` bytes in this backend's memory, contents
    /// unspecified (kernels overwrite what they own).
    fn alloc(&self, bytes: usize) -> Result<Buffer> {
        Ok(Buffer::Host(Arc::new(HostBuffer::try_for_overwrite(
            "alloc", bytes,
        )?)))
    }

    /// Runs `kernel` on `inputs` (one per [`Kernel::inputs`], in this
    /// backend's memory), writing output `j` into `outputs[j]` through its
    /// layout. The core holds the only handle to each output buffer while
    /// the kernel runs, and no output aliases an input.
    fn execute(&self, kernel: &Kernel, inputs: &[Buffer], outputs: &mut [Buffer]) -> Result<()>;

    /// Work to do once for `kernel` before running it many times: the core
    /// calls it when it plans a force and caches the answer with the plan,
    /// so a force repeated in a loop pays only for
    /// [`execute_prepared`](Backend::execute_prepared). The kernels later
    /// run with it equal `kernel` except for the values of `Op::Const`
    /// instructions. The default prepares nothing.
    ///
    /// ```
    /// use tandem_core::Backend;
    /// # fn check(b: &dyn Backend, k: &tandem_core::kernel::Kernel) {
    /// let _maybe = b.prepare(k);
    /// # }
    /// ```
    fn prepare(&self, _kernel: &Kernel) -> Option<Prepared> {
        None
    }

    /// [`execute`](Backend::execute) with what [`prepare`](Backend::prepare)
    /// returned for this kernel. The default ignores it.
    ///
    /// # Errors
    ///
    /// As [`execute`](Backend::execute).
    ///
    /// ```
    /// use tandem_core::{Backend, backend::Buffer};
    /// # fn run(b: &dyn Backend, k: &tandem_core::kernel::Kernel, i: &[Buffer], o: &mut [Buffer]) -> tandem_core::Result<()> {
    /// match b.prepare(k) {
    ///     Some(p) => b.execute_prepared(k, &p, i, o),
    ///     None => b.execute(k, i, o),
    /// }
    /// # }
    /// ```
    fn execute_prepared(
        &self,
        kernel: &Kernel,
        _prepared: &Prepared,
        inputs: &[Buffer],
        outputs: &mut [Buffer],
    ) -> Result<()> {
        self.execute(kernel, inputs, outputs)
    }

    /// The direct path of a tiny force, for host-memory backends: `op` over
    /// `n` elements of `inputs` (of dtype `dtype`) into `output` (a fresh
    /// buffer of `n` elements of `result`, the op's result dtype as the
    /// graph resolved it), without a [`Kernel`]. The
    /// core takes it for a small force of one op over data in this
    /// backend's memory, where building, planning and binding a kernel
    /// would cost more than the op. `None`: no direct path here for this op
    /// (the default), and the core plans an ordinary kernel; the output is
    /// then untouched.
    ///
    /// ```
    /// use tandem_core::{Backend, DType, kernel::{DirectInput, OneOp}, ops::UnaryOp};
    /// # fn run(b: &dyn Backend, x: &tandem_core::buffer::HostBuffer, out: &mut tandem_core::backend::Buffer) {
    /// let neg = OneOp::Unary(UnaryOp::Neg);
    /// let done = b.execute_direct(neg, DType::F32, DType::F32, &[DirectInput::Host(x, 0)], out, 4);
    /// # let _ = done;
    /// # }
    /// ```
    fn execute_direct(
        &self,
        _op: OneOp,
        _dtype: DType,
        _result: DType,
        _inputs: &[DirectInput],
        _output: &mut Buffer,
        _n: usize,
    ) -> Option<Result<()>> {
        None
    }

    /// Starts the work `execute` has recorded since the last flush. The core
    /// calls it once at the end of every forced graph, so a backend that
    /// queues commands (a GPU) submits each graph's kernels together, in one
    /// submission; `download` and any wait must flush first. Backends that
    /// run kernels eagerly keep this default, which does nothing.
    ///
    /// ```
    /// use tandem_core::Backend;
    /// # fn check(b: &dyn Backend) -> tandem_core::Result<()> {
    /// b.flush()?; // nothing recorded: nothing to do
    /// # Ok(()) }
    /// ```
    fn flush(&self) -> Result<()> {
        Ok(())
    }

    /// How this backend would run `kernel`, in a few words, for
    /// [`Array::explain`](crate::Array::explain): whether it compiles or
    /// interprets it, and why. The default says nothing.
    ///
    /// ```
    /// use tandem_core::Backend;
    /// # fn show(b: &dyn Backend, k: &tandem_core::kernel::Kernel) {
    /// if let Some(how) = b.describe(k) {
    ///     println!("{how}");
    /// }
    /// # }
    /// ```
    fn describe(&self, _kernel: &Kernel) -> Option<String> {
        None
    }

    /// Copies host data into a new buffer of this backend.
    fn upload(&self, data: &HostBuffer) -> Result<Buffer> {
        Ok(Buffer::Host(Arc::new(data.clone())))
    }

    /// Copies a buffer of this backend back to the host.
    fn download(&self, buffer: &Buffer) -> Result<HostBuffer> {
        match buffer {
            Buffer::Host(h) => Ok((**h).clone()),
            Buffer::Device(d) => Err(crate::Error::unsupported(
                "download",
                format!("{} cannot read a device buffer ({d:?})", self.info().name),
            )),
        }
    }

    /// Estimated seconds to run `kernel` here, data already resident (for placement).
    fn estimate_seconds(&self, kernel: &Kernel) -> f64 {
        kernel.bytes_moved() as f64 / 10e9
    }

    /// Estimated seconds to move `bytes` between the host and this backend
    /// (0 for host-memory backends): a PCIe-class link by default; an
    /// integrated GPU sharing the host's memory should say so here.
    fn transfer_seconds(&self, bytes: usize) -> f64 {
        match self.memory() {
            Memory::Host => 0.0,
            Memory::Device => 20e-6 + bytes as f64 / 8e9,
        }
    }

    /// The most input buffers a kernel with `kernel`'s outputs and
    /// reduction may bind here (a GPU binds a limited number of storage
    /// buffers per shader). Fusion splits a kernel that reads more into
    /// kernels that fit, rather than sending it to another device. The
    /// default has no limit.
    ///
    /// ```
    /// use tandem_core::Backend;
    /// # fn check(b: &dyn Backend, k: &tandem_core::kernel::Kernel) {
    /// assert!(b.max_inputs(k) >= 1 || k.inputs.is_empty());
    /// # }
    /// ```
    fn max_inputs(&self, _kernel: &Kernel) -> usize {
        usize::MAX
    }
}
