//! The runtime: the registered backends, the default device, and `force`,
//! which turns a lazy node into data (fuse → place → move → run).
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
use crate::fuse::{fuse, Fused};
use crate::graph::{Expr, Node, Storage};
use crate::layout::Layout;
use crate::ops::ReduceOp;
use crate::stats::record;
use crate::view::ViewOp;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

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
static DEFAULT_DEVICE: Mutex<Option<Device>> = Mutex::new(None);

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
    *DEFAULT_DEVICE.lock().unwrap_or_else(|e| e.into_inner()) = Some(device);
}

/// The process-wide default device.
///
/// ```
/// # use tandem::prelude::*;
/// let _ = tandem::default_device();
/// ```
pub fn default_device() -> Device {
    let mut d = DEFAULT_DEVICE.lock().unwrap_or_else(|e| e.into_inner());
    *d.get_or_insert_with(|| {
        std::env::var("TANDEM_DEVICE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(Device::Auto)
    })
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
        self.entries()
            .iter()
            .position(|e| e.memory == Memory::Host)
            .expect("tandem: no host backend registered (the facade registers the CPU backend)")
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

/// `storage` as a buffer of backend `backend`, copying it there if needed.
fn buffer_on(storage: &Storage, backend: usize) -> Result<Buffer> {
    let rt = runtime();
    if rt.backend(backend).memory() == Memory::Host {
        return Ok(Buffer::Host(host_copy(storage)?));
    }
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

/// `true` when backend `b` holds a valid copy of `s` (the host backend
/// holds the host copy).
fn resident(s: &Storage, b: usize) -> bool {
    let rt = runtime();
    let c = s.copies();
    if rt.entry(b).memory == Memory::Host {
        c.host.is_some()
    } else {
        c.devices.iter().any(|(k, _)| *k == b)
    }
}

/// The backend a fused kernel runs on, and why.
///
/// - A device the user asked for runs it if it can; otherwise the host
///   does (it runs everything), and the reason says so.
/// - `Auto`: a device already holding every input (and no host copy)
///   keeps the work there, so resident data is never pulled back;
///   otherwise the cheapest backend by its own estimate plus the transfers
///   it would need wins. Software GPUs (lavapipe, llvmpipe, WARP) are never
///   picked by cost: they are slower than the CPU they emulate on.
fn place(fused: &Fused, want: Device, why: bool) -> Result<(usize, String)> {
    let rt = runtime();
    let host = rt.host_index();
    if want != Device::Auto {
        let i = rt.index_of(want)?;
        return Ok(match rt.backend(i).check(&fused.kernel) {
            Ok(()) => (i, format!("{want} requested")),
            Err(e) => (
                host,
                format!(
                    "{want} requested but cannot run it ({e}): routed to {}",
                    rt.name(host)
                ),
            ),
        });
    }
    if !fused.storages.is_empty() {
        for (i, e) in rt.entries().iter().enumerate() {
            let b = &e.backend;
            let all_here = fused
                .storages
                .iter()
                .all(|s| s.copies().host.is_none() && resident(s, i));
            if b.memory() == Memory::Device && all_here {
                match b.check(&fused.kernel) {
                    Ok(()) => return Ok((i, format!("its inputs live on {}", rt.name(i)))),
                    Err(e) => {
                        return Ok((
                            host,
                            format!(
                                "its inputs live on {} but it cannot run it ({e}): routed to {}",
                                rt.name(i),
                                rt.name(host)
                            ),
                        ))
                    }
                }
            }
        }
    }
    let mut best: Option<(f64, usize)> = None;
    let mut costs = Vec::new();
    for (i, e) in rt.entries().iter().enumerate() {
        let (b, software) = (&e.backend, e.info.kind == DeviceKind::SoftwareGpu);
        if (software && i != host) || b.check(&fused.kernel).is_err() {
            continue;
        }
        let moves: f64 = fused
            .storages
            .iter()
            .filter(|s| !resident(s, i))
            .map(|s| b.transfer_seconds(s.len * s.dtype.size_of()))
            .sum();
        let t = b.estimate_seconds(&fused.kernel) + moves;
        if why {
            costs.push(format!("{} {:.1} µs", e.name, t * 1e6));
        } else {
            costs.push(String::new());
        }
        if best.is_none_or(|(bt, _)| t < bt) {
            best = Some((t, i));
        }
    }
    Ok(match best {
        Some((_, i)) if costs.len() > 1 => (
            i,
            format!("auto, cheapest by estimate ({})", costs.join(", ")),
        ),
        Some((_, i)) => (
            i,
            format!(
                "auto: {} is the only hardware device that runs it",
                rt.name(i)
            ),
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
    let rt = runtime();
    // Flush even when `f` failed: kernels recorded before the failure must
    // not wait for some later, unrelated graph.
    let flushed = done.iter().try_for_each(|&i| rt.backend(i).flush());
    let value = value?;
    flushed?;
    Ok(value)
}

/// Notes that `backend` has work to flush at the end of this batch (or
/// flushes it now when no batch is open).
fn touched(backend: usize) -> Result<()> {
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
        runtime().backend(backend).flush()
    }
}

/// Moves a fused kernel's inputs to `backend` and runs it into `outputs`.
pub(crate) fn run(fused: &Fused, backend: usize, outputs: &mut [Buffer]) -> Result<()> {
    let rt = runtime();
    let inputs = fused
        .storages
        .iter()
        .map(|s| buffer_on(s, backend))
        .collect::<Result<Vec<_>>>()?;
    rt.backend(backend)
        .execute(&fused.kernel, &inputs, outputs)?;
    touched(backend)?;
    let entry = rt.entry(backend);
    let name = entry.name.as_str();
    let k = &fused.kernel;
    let read: usize = k
        .inputs
        .iter()
        .map(|i| i.dtype.size_of() * i.layout.size())
        .sum();
    let written: usize = k
        .outputs
        .iter()
        .map(|o| o.dtype.size_of() * o.layout.size())
        .sum();
    record(|s| {
        // Look up before inserting: cloning the name per kernel cost an
        // allocation on every small kernel.
        match s.kernels.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                s.kernels.insert(name.to_string(), 1);
            }
        }
        s.bytes_read += read as u64;
        s.bytes_written += written as u64;
    });
    Ok(())
}

/// Runs the kernel computing `node` (lazy, or data to be copied) into a
/// new contiguous buffer, placed by `want`.
fn compute(node: &Arc<Node>, want: Device) -> Result<Arc<Storage>> {
    let rt = runtime();
    let size: usize = node.shape.iter().product();
    let fused = fuse(node, Layout::contiguous(&node.shape), size)?;
    let (backend, _) = place(&fused, want, false)?;
    let bytes = size * node.dtype.size_of();
    let mut out = [rt.backend(backend).alloc(bytes)?];
    run(&fused, backend, &mut out)?;
    let [out] = out;
    let host_memory = rt.backend(backend).memory() == Memory::Host;
    record(|s| {
        s.allocations += 1;
        s.allocated_bytes += bytes as u64;
    });
    Ok(Storage::from_buffer(
        node.dtype,
        size,
        backend,
        host_memory,
        out,
    ))
}

/// The kernels forcing `node` would run, where, and why, without running
/// anything (`Array::explain`).
pub(crate) fn explain(node: &Arc<Node>) -> String {
    let mut lines = Vec::new();
    let want = default_device();
    if node.as_data().is_some() {
        return "already computed: no kernels to run\n".into();
    }
    // As `force_on`: a reshape at the root views its contiguous input.
    let root = match node.expr() {
        Expr::View(ViewOp::Reshape(_), x) if x.as_data().is_none() => {
            lines.push("(the final reshape is a free view of the last kernel's result)\n".into());
            x
        }
        _ => node.clone(),
    };
    if let Err(e) = plan(&root, want, &mut lines) {
        lines.push(format!("planning stopped: {e}"));
    }
    lines.sort_by_key(|l| !l.starts_with("kernel "));
    let n = lines.iter().filter(|l| l.starts_with("kernel ")).count();
    format!("{n} kernel(s) (default device: {want})\n{}", lines.join(""))
}

/// Appends the plan of the kernels computing `node` (boundaries first).
fn plan(node: &Arc<Node>, want: Device, lines: &mut Vec<String>) -> Result<()> {
    let rt = runtime();
    let size: usize = node.shape.iter().product();
    let mut boundary = |n: &Arc<Node>| -> Result<Arc<Node>> {
        if n.as_data().is_none() {
            plan(n, want, lines)?;
        }
        Ok(Node::data(
            Storage::placeholder(n.dtype, n.shape.iter().product()),
            Layout::contiguous(&n.shape),
        ))
    };
    let fused = crate::fuse::fuse_with(node, Layout::contiguous(&node.shape), size, &mut boundary)?;
    let (backend, why) = place(&fused, want, true)?;
    let how = rt
        .backend(backend)
        .describe(&fused.kernel)
        .map(|h| format!("; {h}"))
        .unwrap_or_default();
    lines.push(format!(
        "kernel {} on {} ({why}); {} bytes moved{how}\n{}",
        lines.len() + 1,
        rt.name(backend),
        fused.kernel.bytes_moved(),
        fused.kernel
    ));
    Ok(())
}

/// A new buffer of `size` elements of `dtype`, each part (a node of its
/// region's shape and of `dtype`) written into its region: the result of
/// `concatenate`, or of `assign` on shared data (the old values as the first
/// part). One kernel per part, one allocation, on the device placement
/// picks for the first part.
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
    let rt = runtime();
    let bytes = size * dtype.size_of();
    let parts: Vec<&(Arc<Node>, Layout)> = parts.iter().filter(|(_, r)| r.size() > 0).collect();
    let Some(first) = parts.first() else {
        return Ok(Storage::from_host(dtype, size, HostBuffer::zeroed(bytes)));
    };
    let (backend, _) = place(
        &fuse(&first.0, first.1.clone(), size)?,
        default_device(),
        false,
    )?;
    let mut out = [rt.backend(backend).alloc(bytes)?];
    record(|s| {
        s.allocations += 1;
        s.allocated_bytes += bytes as u64;
    });
    for (node, region) in parts {
        let fused = fuse(node, region.clone(), size)?;
        run(&fused, backend, &mut out)?;
    }
    let [out] = out;
    let host_memory = rt.backend(backend).memory() == Memory::Host;
    Ok(Storage::from_buffer(dtype, size, backend, host_memory, out))
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
    let mut copies = storage.copies();
    // Move the only copy out, so the backend holds the only handle while writing.
    let (backend, mut buf) = match (copies.host.take(), copies.devices.len()) {
        (Some(h), 0) => (rt.host_index(), Buffer::Host(h)),
        (None, 1) => copies.devices.pop().expect("one device copy"),
        (host, _) => {
            copies.host = host;
            return Ok(false);
        }
    };
    let unique = match &buf {
        Buffer::Host(h) => Arc::strong_count(h) == 1,
        Buffer::Device(d) => Arc::strong_count(d) == 1,
    };
    if !unique {
        match buf {
            Buffer::Host(h) => copies.host = Some(h),
            d => copies.devices.push((backend, d)),
        }
        return Ok(false);
    }
    let result = fuse(value, region, storage.len)
        .and_then(|fused| run(&fused, backend, std::slice::from_mut(&mut buf)));
    match buf {
        Buffer::Host(h) => copies.host = Some(h),
        d => copies.devices.push((backend, d)),
    }
    result.map(|_| true)
}

/// `node`'s values as contiguous data: `node` itself once forced if its
/// data is contiguous, otherwise a new node holding a contiguous copy.
pub(crate) fn contiguous(node: &Arc<Node>) -> Result<Arc<Node>> {
    contiguous_on(node, default_device())
}

fn contiguous_on(node: &Arc<Node>, want: Device) -> Result<Arc<Node>> {
    batch(|| contiguous_now(node, want))
}

fn contiguous_now(node: &Arc<Node>, want: Device) -> Result<Arc<Node>> {
    force_on(node, want)?;
    let (_, layout) = node.as_data().expect("a forced node holds data");
    if layout.is_contiguous() || layout.size() == 0 {
        return Ok(node.clone());
    }
    let storage = compute(node, want)?;
    Ok(Node::data(storage, Layout::contiguous(&node.shape)))
}

/// Computes `node` if it is lazy; afterwards it holds data.
pub(crate) fn force(node: &Arc<Node>) -> Result<()> {
    force_on(node, default_device())
}

/// [`force`] with an explicit device choice.
pub(crate) fn force_on(node: &Arc<Node>, want: Device) -> Result<()> {
    if node.as_data().is_some() {
        return Ok(());
    }
    batch(|| force_now(node, want))
}

fn force_now(node: &Arc<Node>, want: Device) -> Result<()> {
    let size: usize = node.shape.iter().product();
    if size == 0 {
        node.set_data(
            Storage::from_host(node.dtype, 0, HostBuffer::zeroed(0)),
            Layout::contiguous(&node.shape),
        );
        return Ok(());
    }
    // A reshape at the root: compute its input contiguously (one kernel,
    // fused through any views below), and the reshape is then free.
    if let Expr::View(op @ ViewOp::Reshape(_), x) = node.expr() {
        let x = contiguous_on(&x, want)?;
        let (storage, layout) = x.as_data().expect("a forced node holds data");
        let layout = op
            .apply(&layout)
            .expect("a contiguous layout takes any reshape");
        node.set_data(storage, layout);
        return Ok(());
    }
    let storage = compute(node, want)?;
    if let Expr::Reduce {
        op: op @ (ReduceOp::NanArgMin | ReduceOp::NanArgMax),
        ..
    } = node.expr()
    {
        // The kernels mark an all-NaN slice with -1; NumPy raises there.
        let host = host_copy(&storage)?;
        if host.typed::<i64>().contains(&-1) {
            return Err(Error::invalid(
                op.name(),
                "All-NaN slice encountered: it has no index of a non-NaN extreme; use argmin/argmax, or fill NaNs first",
            ));
        }
    }
    node.set_data(storage, Layout::contiguous(&node.shape));
    Ok(())
}
