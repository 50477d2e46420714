//! The runtime: the registered backends, the default device, placement of
//! a kernel on a backend, moving buffers to where a kernel runs, and
//! running it (`force/` decides *what* runs; this is *where* and *how*).
//!
//! Backends are registered by the crate that wires tandem together (the
//! `tandem` facade) by defining the function [`tandem_backends`] that this
//! crate declares: the linker then guarantees that any program using arrays
//! has its backends, with no start-up call to forget. A program that links
//! `tandem-core` without the facade must define it itself (see
//! `provide_backends!`).

use crate::backend::{Backend, Buffer, Device, DeviceInfo, DeviceKind, Memory};
use crate::buffer::HostBuffer;
use crate::error::{Error, Result};
use crate::graph::{Node, Storage};
use crate::kernel::Kernel;
use crate::layout::Layout;
use crate::stats::record;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// Sets the process-wide default device (initially `TANDEM_DEVICE`, or `Auto`).
///
/// ```
/// # use tandem::prelude::*;
/// tandem::set_default_device(Device::Cpu);
/// assert_eq!(tandem::default_device(), Device::Cpu);
/// tandem::set_default_device(Device::Auto);
/// ```
pub fn set_default_device(device: Device) {
    DEFAULT_DEVICE.store(encode_device(device), Ordering::Relaxed);
}

/// The process-wide default device.
///
/// ```
/// # use tandem::prelude::*;
/// let _ = tandem::default_device();
/// ```
pub fn default_device() -> Device {
    match DEFAULT_DEVICE.load(Ordering::Relaxed) {
        0 => {
            let d = std::env::var("TANDEM_DEVICE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(Device::Auto);
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

    fn name(&self, backend: usize) -> String {
        self.entry(backend).name.clone()
    }
}

/// A host copy of `storage`, downloading it from a device if that is the
/// only place it lives.
pub(crate) fn host_copy(storage: &Storage) -> Result<Arc<HostBuffer>> {
    let rt = runtime();
    let mut copies = storage.copies();
    if let Some(h) = &copies.host {
        return Ok(h.clone());
    }
    let (backend, buf) = copies.devices.first().cloned().ok_or_else(|| Error::Device {
        device: "host".into(),
        message: "an array's data has no valid copy anywhere (a device was lost before it was read back)".into(),
    })?;
    let host = Arc::new(rt.backend(backend).download(&buf)?);
    record(|s| {
        s.downloads += 1;
        s.download_bytes += host.len() as u64;
    });
    copies.host = Some(host.clone());
    Ok(host)
}

/// `storage` as a buffer of the backend of `entry` (index `backend`),
/// copying it there if needed.
pub(crate) fn buffer_for(storage: &Storage, backend: usize, entry: &Entry) -> Result<Buffer> {
    if entry.memory == Memory::Host {
        if let Some(h) = &storage.copies().host {
            return Ok(Buffer::Host(h.clone()));
        }
        return Ok(Buffer::Host(host_copy(storage)?));
    }
    let rt = runtime();
    if let Some((_, b)) = storage.copies().devices.iter().find(|(i, _)| *i == backend) {
        return Ok(b.clone());
    }
    let host = host_copy(storage)?;
    let buf = rt.backend(backend).upload(&host)?;
    record(|s| {
        s.uploads += 1;
        s.upload_bytes += host.len() as u64;
    });
    storage.copies().devices.push((backend, buf.clone()));
    Ok(buf)
}

/// Where one kernel input lives and how big it is, for placement.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InputSite {
    /// Bytes of its buffer.
    pub bytes: usize,
    /// Backends holding a valid copy, as bits by backend index (the host
    /// backend's bit: a host copy).
    pub on: u64,
}

/// The backend a kernel runs on, and why (the reason is only worded when
/// `why` is set: `explain` asks, a force does not).
///
/// - A device the user asked for runs it if it can; otherwise the host
///   does (it runs everything), and the reason says so.
/// - `Auto`: a device already holding every input (and no host copy)
///   keeps the work there, so resident data is never pulled back;
///   otherwise the cheapest backend by its own estimate plus the transfers
///   it would need wins. Software GPUs (lavapipe, llvmpipe, WARP) are never
///   picked by cost: they are slower than the CPU they emulate on.
pub(crate) fn place(
    kernel: &Kernel,
    inputs: &[InputSite],
    want: Device,
    why: bool,
) -> Result<(usize, String)> {
    let rt = runtime();
    let host = rt.host_index();
    let bit = |b: usize| 1u64 << b.min(63);
    if want != Device::Auto {
        let i = rt.index_of(want)?;
        return Ok(match rt.backend(i).check(kernel) {
            Ok(()) => (
                i,
                if why {
                    format!("{want} requested")
                } else {
                    String::new()
                },
            ),
            Err(e) => {
                record(|s| s.fallbacks += 1);
                (
                    host,
                    format!(
                        "{want} requested but cannot run it ({e}): routed to {}",
                        rt.name(host)
                    ),
                )
            }
        });
    }
    let entries = rt.entries();
    if !inputs.is_empty() {
        for (i, e) in entries.iter().enumerate() {
            let all_here = inputs
                .iter()
                .all(|s| s.on & bit(host) == 0 && s.on & bit(i) != 0);
            if e.memory == Memory::Device && all_here {
                match e.backend.check(kernel) {
                    Ok(()) => {
                        let reason = if why {
                            format!("its inputs live on {}", rt.name(i))
                        } else {
                            String::new()
                        };
                        return Ok((i, reason));
                    }
                    Err(err) => {
                        record(|s| s.fallbacks += 1);
                        return Ok((
                            host,
                            format!(
                                "its inputs live on {} but it cannot run it ({err}): routed to {}",
                                rt.name(i),
                                rt.name(host)
                            ),
                        ));
                    }
                }
            }
        }
    }
    let mut best: Option<(f64, usize)> = None;
    let mut costs = Vec::new();
    let mut candidates = 0;
    for (i, e) in entries.iter().enumerate() {
        let (b, software) = (&e.backend, e.info.kind == DeviceKind::SoftwareGpu);
        if software && i != host {
            continue;
        }
        if entries.len() > 1 && b.check(kernel).is_err() {
            continue;
        }
        candidates += 1;
        let moves: f64 = inputs
            .iter()
            .filter(|s| s.on & bit(i) == 0)
            .map(|s| b.transfer_seconds(s.bytes))
            .sum();
        let t = b.estimate_seconds(kernel) + moves;
        if why {
            costs.push(format!("{} {:.1} µs", e.name, t * 1e6));
        }
        if best.is_none_or(|(bt, _)| t < bt) {
            best = Some((t, i));
        }
    }
    Ok(match best {
        Some((_, i)) if candidates > 1 => (
            i,
            if why {
                format!("auto, cheapest by estimate ({})", costs.join(", "))
            } else {
                String::new()
            },
        ),
        Some((_, i)) => (
            i,
            if why {
                format!(
                    "auto: {} is the only hardware device that runs it",
                    rt.name(i)
                )
            } else {
                String::new()
            },
        ),
        None => (host, "auto: only the host runs it".into()),
    })
}

thread_local! {
    /// How deep this thread is in nested [`batch`]es, and the backends that
    /// ran kernels since the outermost one began.
    static BATCH: std::cell::RefCell<(usize, Vec<usize>)> =
        const { std::cell::RefCell::new((0, Vec::new())) };
}

/// Runs `f` (which forces a graph, and may read its result) as one batch:
/// every backend that ran a kernel inside it is flushed once at the end of
/// the outermost batch, so a GPU submits the whole graph (and the readback
/// of its result) in one submission instead of one per kernel.
pub(crate) fn batch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    BATCH.with(|b| b.borrow_mut().0 += 1);
    let value = f();
    let done = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        b.0 -= 1;
        if b.0 == 0 {
            std::mem::take(&mut b.1)
        } else {
            Vec::new()
        }
    });
    // Flush even when `f` failed: kernels recorded before the failure must
    // not wait for some later, unrelated graph.
    let flushed = if done.is_empty() {
        Ok(())
    } else {
        let rt = runtime();
        done.iter().try_for_each(|&i| rt.backend(i).flush())
    };
    let value = value?;
    flushed?;
    Ok(value)
}

/// Notes that `backend` has work to flush at the end of this batch (or
/// flushes it now when no batch is open).
fn touched(entry: &Entry, backend: usize) -> Result<()> {
    let open = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        if b.0 > 0 && !b.1.contains(&backend) {
            b.1.push(backend);
        }
        b.0 > 0
    });
    if open {
        Ok(())
    } else {
        entry.backend.flush()
    }
}

/// The bytes a kernel reads from its inputs and writes to its outputs, as
/// `Stats::bytes_read` and `bytes_written` count them.
pub(crate) fn kernel_bytes(kernel: &Kernel) -> (u64, u64) {
    let read: usize = kernel
        .inputs
        .iter()
        .map(|i| i.dtype.size_of() * i.layout.size())
        .sum();
    let written: usize = kernel
        .outputs
        .iter()
        .map(|o| o.dtype.size_of() * o.layout.size())
        .sum();
    (read as u64, written as u64)
}

/// Counts a kernel that backend `entry` ran (kernels, `bytes` read and
/// written, and `allocated` output bytes in `allocations` buffers) and notes
/// it for the batch's flush.
pub(crate) fn record_kernel(
    entry: &Entry,
    backend: usize,
    (read, written): (u64, u64),
    allocations: u64,
    allocated: u64,
) -> Result<()> {
    let name = entry.name.as_str();
    record(|s| {
        // Look up before inserting: cloning the name per kernel cost an
        // allocation on every small kernel.
        match s.kernels.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                s.kernels.insert(name.to_string(), 1);
            }
        }
        s.bytes_read += read;
        s.bytes_written += written;
        s.allocations += allocations;
        s.allocated_bytes += allocated;
    });
    touched(entry, backend)
}

/// A new buffer of `size` elements of `dtype`, each part (a node of its
/// region's shape and of `dtype`) written into its region: the result of
/// `concatenate`, or of `assign` on shared data (the old values as the first
/// part). One kernel per part (plus what computing a part needs), one
/// allocation, on the device placement picks for the first part.
pub(crate) fn assemble(
    dtype: crate::DType,
    size: usize,
    parts: &[(Arc<Node>, Layout)],
) -> Result<Arc<Storage>> {
    batch(|| assemble_parts(dtype, size, parts))
}

fn assemble_parts(
    dtype: crate::DType,
    size: usize,
    parts: &[(Arc<Node>, Layout)],
) -> Result<Arc<Storage>> {
    let parts: Vec<&(Arc<Node>, Layout)> = parts.iter().filter(|(_, r)| r.size() > 0).collect();
    if parts.is_empty() {
        let bytes = size * dtype.size_of();
        return Ok(Storage::from_host(dtype, size, HostBuffer::zeroed(bytes)));
    }
    // Parts that share lazy work (`hstack([ax, ay, az])` of three sums over
    // one lazy matrix) are computed together first, so the shared part runs
    // once; each part is then a copy into its region.
    let nodes: Vec<&Arc<Node>> = parts.iter().map(|(n, _)| n).collect();
    if crate::force::share_work(&nodes) {
        let lazy: Vec<&Arc<Node>> = nodes.into_iter().filter(|n| n.is_lazy()).collect();
        crate::force::force_all(&lazy, default_device())?;
    }
    let mut buffer = None;
    let mut backend = None;
    for (node, region) in parts {
        let s = crate::force::write(
            node,
            region.clone(),
            size,
            backend,
            &mut buffer,
            default_device(),
        )?;
        if backend.is_none() {
            let on = s.copies().devices.first().map(|(b, _)| *b);
            backend = Some(on.unwrap_or_else(|| runtime().host_index()));
        }
        // Only `buffer` may hold the buffer while the next part is written.
        drop(s);
    }
    let buffer = buffer.expect("the first part allocated the buffer");
    let backend = backend.expect("placed");
    let host_memory = runtime().entry(backend).memory == Memory::Host;
    Ok(Storage::from_buffer(
        dtype,
        size,
        backend,
        host_memory,
        buffer,
    ))
}

/// Writes `value` (a node of `region`'s shape and the storage's dtype) into
/// `region` of `storage`'s only copy, in place. Returns `false`, writing
/// nothing, when the buffer has other holders or several copies; the caller
/// must have checked that no array can observe the storage.
pub(crate) fn write_in_place(storage: &Storage, value: &Arc<Node>, region: Layout) -> Result<bool> {
    batch(|| write_in_place_now(storage, value, region))
}

fn write_in_place_now(storage: &Storage, value: &Arc<Node>, region: Layout) -> Result<bool> {
    let rt = runtime();
    // Move the only copy out, so the kernel's writer holds the only handle.
    let (backend, buf) = {
        let mut copies = storage.copies();
        match (copies.host.take(), copies.devices.len()) {
            (Some(h), 0) => (rt.host_index(), Buffer::Host(h)),
            (None, 1) => copies.devices.pop().expect("one device copy"),
            (host, _) => {
                copies.host = host;
                return Ok(false);
            }
        }
    };
    let unique = match &buf {
        Buffer::Host(h) => Arc::strong_count(h) == 1,
        Buffer::Device(d) => Arc::strong_count(d) == 1,
    };
    let put_back = |buf: Buffer| {
        let mut copies = storage.copies();
        match buf {
            Buffer::Host(h) => copies.host = Some(h),
            d => copies.devices.push((backend, d)),
        }
    };
    if !unique {
        put_back(buf);
        return Ok(false);
    }
    let mut slot = Some(buf);
    let result = crate::force::write(
        value,
        region,
        storage.len,
        Some(backend),
        &mut slot,
        default_device(),
    )
    .map(drop);
    if let Some(buf) = slot {
        put_back(buf);
    }
    result.map(|_| true)
}

pub(crate) use crate::force::{force, force_on};
