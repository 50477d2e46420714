//! The backend registry: the backends this process runs on and the default
//! device. Placement (`place.rs`), transfers (`transfer.rs`) and running
//! (`run.rs`) look backends up here; it depends on nothing but the
//! [`Backend`] trait, so every stage of the pipeline can read it.
//!
//! Backends are registered by the crate that wires tandem together (the
//! `tandem` facade) by defining the function [`tandem_backends`] that this
//! crate declares: the linker then guarantees that any program using arrays
//! has its backends, with no start-up call to forget. A program that links
//! `tandem-core` without the facade must define it itself (see
//! `provide_backends!`).

use crate::backend::{Backend, Device, DeviceInfo, DeviceKind, Memory};
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

extern "Rust" {
    /// Defined by the crate that wires the backends in (the `tandem`
    /// facade) through [`provide_backends!`](crate::provide_backends).
    fn tandem_backends() -> Vec<Arc<dyn Backend>>;
}

/// Defines the backend list the runtime starts with. The `tandem` facade
/// invokes it once; only a program that uses `tandem-core` directly, with
/// backends of its own, writes it itself.
///
/// ```ignore
/// tandem_core::provide_backends!(|| vec![std::sync::Arc::new(MyBackend) as _]);
/// ```
#[macro_export]
macro_rules! provide_backends {
    ($f:expr) => {
        #[no_mangle]
        fn tandem_backends() -> ::std::vec::Vec<::std::sync::Arc<dyn $crate::Backend>> {
            ($f)()
        }
    };
}

/// The backends this process runs on, in registration order: index 0 is the
/// host (CPU) backend. Backends can be added at run time
/// ([`register_backend`]) but never removed, so an index stays valid.
pub(crate) struct Runtime {
    /// Replaced whole on registration, so readers take a cheap snapshot.
    entries: RwLock<Arc<Vec<Arc<Entry>>>>,
    /// The first host-memory backend and its index, found once (backends
    /// are only ever appended, so it never changes).
    host: OnceLock<(usize, Arc<Entry>)>,
}

/// One registered backend, with what placement asks of it on every kernel
/// computed once.
pub(crate) struct Entry {
    pub backend: Arc<dyn Backend>,
    pub info: DeviceInfo,
    /// `info.device` as text: the key of the per-backend kernel counts.
    pub name: String,
    pub memory: Memory,
}

impl Entry {
    fn new(backend: Arc<dyn Backend>, info: DeviceInfo) -> Arc<Entry> {
        Arc::new(Entry {
            name: info.device.to_string(),
            memory: backend.memory(),
            backend,
            info,
        })
    }
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();
/// The default device, encoded by [`encode_device`] (0: not yet read from
/// `TANDEM_DEVICE`): read on every force, so a lock-free word.
static DEFAULT_DEVICE: AtomicU64 = AtomicU64::new(0);
/// Whether `TANDEM_DEVICE` names no device (and no [`set_default_device`]
/// has chosen one since): every force reports it. A flag, as forces read it.
static ENV_DEVICE_INVALID: AtomicBool = AtomicBool::new(false);

fn encode_device(d: Device) -> u64 {
    match d {
        Device::Auto => 1,
        Device::Cpu => 2,
        Device::Gpu(i) => 3 + i as u64,
    }
}

fn decode_device(w: u64) -> Device {
    match w {
        1 => Device::Auto,
        2 => Device::Cpu,
        w => Device::Gpu((w - 3) as usize),
    }
}

pub(crate) fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        // SAFETY: `tandem_backends` is defined by `provide_backends!` with
        // exactly the declared Rust-ABI signature; it is an ordinary safe fn.
        let backends = unsafe { tandem_backends() };
        let mut gpus = 0;
        let entries = backends
            .into_iter()
            .map(|b| {
                let mut info = b.info();
                info.device = if info.kind == DeviceKind::Cpu {
                    Device::Cpu
                } else {
                    gpus += 1;
                    Device::Gpu(gpus - 1)
                };
                Entry::new(b, info)
            })
            .collect();
        Runtime {
            entries: RwLock::new(Arc::new(entries)),
            host: OnceLock::new(),
        }
    })
}

/// Adds a backend at run time (a third-party device, or a test double) and
/// returns the device it answers to (`Device::Gpu(n)`: the next GPU index).
/// Placement considers it from then on like the built-in ones.
///
/// ```
/// # use tandem::prelude::*;
/// let before = tandem::devices().len();
/// let _ = before; // see tests/placement.rs for a full test double
/// ```
pub fn register_backend(backend: Arc<dyn Backend>) -> Device {
    let rt = runtime();
    let mut entries = rt.entries.write().unwrap_or_else(|e| e.into_inner());
    let gpus = entries
        .iter()
        .filter(|e| e.info.kind != DeviceKind::Cpu)
        .count();
    let mut info = backend.info();
    info.device = Device::Gpu(gpus);
    let device = info.device;
    let mut next: Vec<Arc<Entry>> = entries.as_ref().clone();
    next.push(Entry::new(backend, info));
    *entries = Arc::new(next);
    device
}

/// Every device tandem can run on, in the order `Device::Gpu(i)` counts them.
///
/// ```
/// # use tandem::prelude::*;
/// let devices = tandem::devices();
/// assert_eq!(devices[0].device, Device::Cpu);
/// ```
pub fn devices() -> Vec<DeviceInfo> {
    runtime().entries().iter().map(|e| e.info.clone()).collect()
}

/// Sets the process-wide default device (initially `TANDEM_DEVICE`, or
/// `Auto`). Choosing one also clears an invalid `TANDEM_DEVICE` (see
/// [`default_device`]).
///
/// ```
/// # use tandem::prelude::*;
/// tandem::set_default_device(Device::Cpu);
/// assert_eq!(tandem::default_device(), Device::Cpu);
/// tandem::set_default_device(Device::Auto);
/// ```
pub fn set_default_device(device: Device) {
    // Read the environment first, so a later first read cannot undo this.
    let _ = default_device();
    ENV_DEVICE_INVALID.store(false, Ordering::Relaxed);
    DEFAULT_DEVICE.store(encode_device(device), Ordering::Relaxed);
}

/// The process-wide default device: [`set_default_device`]'s choice, else
/// `TANDEM_DEVICE` (`cpu`, `gpu`, `gpu:N`, `auto`), else `Auto`.
///
/// A `TANDEM_DEVICE` that names no device reads as `Auto` here, but is not
/// ignored: every force (a read, `eval`) fails with
/// [`Error::InvalidArgument`] naming the variable and its value, until
/// [`set_default_device`] chooses a device.
///
/// ```
/// # use tandem::prelude::*;
/// let _ = tandem::default_device();
/// ```
pub fn default_device() -> Device {
    match DEFAULT_DEVICE.load(Ordering::Relaxed) {
        0 => {
            let d = match std::env::var("TANDEM_DEVICE") {
                Ok(v) => v.parse().unwrap_or_else(|_| {
                    ENV_DEVICE_INVALID.store(true, Ordering::Relaxed);
                    Device::Auto
                }),
                Err(_) => Device::Auto,
            };
            // A concurrent `set_default_device` wins over the environment.
            let _ = DEFAULT_DEVICE.compare_exchange(
                0,
                encode_device(d),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            decode_device(DEFAULT_DEVICE.load(Ordering::Relaxed))
        }
        w => decode_device(w),
    }
}

/// The default device for a force: [`default_device`], or the error an
/// invalid `TANDEM_DEVICE` is.
pub(crate) fn default_device_checked() -> Result<Device> {
    let d = default_device();
    if !ENV_DEVICE_INVALID.load(Ordering::Relaxed) {
        return Ok(d);
    }
    let v = std::env::var("TANDEM_DEVICE").unwrap_or_default();
    Err(Error::invalid(
        "TANDEM_DEVICE",
        format!(
            "{v:?} is not a device: use cpu, gpu, gpu:N or auto (or unset it; \
             tandem::set_default_device overrides it)"
        ),
    ))
}

impl Runtime {
    /// A snapshot of every backend (an `Arc` clone: cheap).
    pub fn entries(&self) -> Arc<Vec<Arc<Entry>>> {
        self.entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Entry `i`.
    pub fn entry(&self, i: usize) -> Arc<Entry> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())[i].clone()
    }

    /// Backend `i`.
    pub fn backend(&self, i: usize) -> Arc<dyn Backend> {
        self.entry(i).backend.clone()
    }

    /// The description of backend `i`.
    pub fn info(&self, i: usize) -> DeviceInfo {
        self.entry(i).info.clone()
    }

    /// The backend index of a concrete device.
    pub fn index_of(&self, device: Device) -> Result<usize> {
        let entries = self.entries();
        let found = match device {
            Device::Auto => Some(self.host_index()),
            d => entries.iter().position(|e| e.info.device == d),
        };
        found.ok_or_else(|| Error::Device {
            device: device.to_string(),
            message: format!(
                "no such device; tandem::devices() lists {} device(s): {}",
                entries.len(),
                entries
                    .iter()
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    pub fn host_index(&self) -> usize {
        self.host_entry().0
    }

    /// The host backend's index and entry (no lock: found once).
    pub fn host_entry(&self) -> &(usize, Arc<Entry>) {
        self.host.get_or_init(|| {
            let entries = self.entries();
            let i = entries
                .iter()
                .position(|e| e.memory == Memory::Host)
                .expect(
                    "tandem: no host backend registered (the facade registers the CPU backend)",
                );
            (i, entries[i].clone())
        })
    }

    pub fn name(&self, backend: usize) -> String {
        self.entry(backend).name.clone()
    }
}
