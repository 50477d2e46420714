//! Running a fused [`Kernel`] on the host: the kernel's flat index range is
//! cut into chunks (one rayon task each, none for small kernels), and each
//! chunk into blocks (of [`ELEMENTWISE_BLOCK`] elements) that its instructions evaluate one
//! after another, numexpr-style. Each instruction owns a block-sized register,
//! so intermediates live in L1/L2 and never touch main memory. Contiguous
//! inputs are copied into their register a block at a time (a cache-hot
//! memcpy); strided and broadcast inputs are gathered through their layout.
//!
//! Kernels of pure floating-point arithmetic over contiguous or broadcast
//! inputs skip the blocks: `jit.rs` compiles them into one machine-code loop
//! with every intermediate in a register, and this module only cuts the
//! range into chunks and runs the few unaligned elements at either end.

use crate::cast::cast_slice;
use crate::elem::Elem;
use crate::jit;
use crate::stream;
use rayon::prelude::*;
use smallvec::SmallVec;
use tandem_core::kernel::{Kernel, Op};
use tandem_core::ops::{BinaryOp, UnaryOp};
use tandem_core::{DType, Error, Result, Scalar};

/// Elements per block of a reduction: registers of all instructions of a
/// typical kernel fit in L1/L2 (numexpr's tuned block is the same order).
pub(crate) const BLOCK: usize = 1024;
/// Elements per block of an elementwise kernel. Longer runs per input
/// stream than [`BLOCK`] (16 KiB of f32) measured ~10% faster on memory-bound
/// kernels over 10^7 elements (fewer switches between streams for the
/// prefetchers), and three such registers still fit in L2.
pub(crate) const ELEMENTWISE_BLOCK: usize = 4096;
/// Below this many elements a kernel runs on the calling thread: waking
/// rayon workers costs more than it saves.
const PARALLEL_MIN: usize = 1 << 16;

/// A block-sized buffer of one dtype (`Bool` as 0/1 bytes).
#[derive(Clone, Debug)]
pub(crate) enum Reg {
    Bool(Vec<u8>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U32(Vec<u32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

thread_local! {
    /// Registers of finished workspaces, reused by the next kernel on this
    /// thread: a kernel of a few thousand elements spent more on zeroing
    /// fresh registers (a block per instruction) than on its arithmetic.
    static SPARE_REGS: std::cell::RefCell<Vec<Reg>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The most registers (and the largest, in bytes) kept for reuse per thread.
const SPARE_COUNT: usize = 64;
const SPARE_BYTES: usize = 64 << 10;

impl Reg {
    /// A register of `n` elements. Its values are unspecified (a reused
    /// register keeps old ones): every instruction writes its register over
    /// a block before anything reads it.
    pub(crate) fn new(dtype: DType, n: usize) -> Reg {
        if n > 0 {
            let spare = SPARE_REGS.with(|s| {
                let mut s = s.borrow_mut();
                let i = s
                    .iter()
                    .position(|r| r.dtype() == dtype && r.capacity() >= n)?;
                Some(s.swap_remove(i))
            });
            if let Some(mut r) = spare {
                r.set_len(n);
                return r;
            }
        }
        match dtype {
            DType::Bool => Reg::Bool(vec![0; n]),
            DType::I32 => Reg::I32(vec![0; n]),
            DType::I64 => Reg::I64(vec![0; n]),
            DType::U32 => Reg::U32(vec![0; n]),
            DType::F32 => Reg::F32(vec![0.0; n]),
            DType::F64 => Reg::F64(vec![0.0; n]),
        }
    }

    pub(crate) fn filled(s: Scalar, n: usize) -> Reg {
        let mut r = Reg::new(s.dtype(), n);
        match (&mut r, s) {
            (Reg::Bool(v), Scalar::Bool(x)) => v.fill(x as u8),
            (Reg::I32(v), Scalar::I32(x)) => v.fill(x),
            (Reg::I64(v), Scalar::I64(x)) => v.fill(x),
            (Reg::U32(v), Scalar::U32(x)) => v.fill(x),
            (Reg::F32(v), Scalar::F32(x)) => v.fill(x),
            (Reg::F64(v), Scalar::F64(x)) => v.fill(x),
            _ => unreachable!("Reg::new gives a register of the scalar's dtype"),
        }
        r
    }

    fn dtype(&self) -> DType {
        match self {
            Reg::Bool(_) => DType::Bool,
            Reg::I32(_) => DType::I32,
            Reg::I64(_) => DType::I64,
            Reg::U32(_) => DType::U32,
            Reg::F32(_) => DType::F32,
            Reg::F64(_) => DType::F64,
        }
    }

    fn capacity(&self) -> usize {
        with_view!(Reg, self, v => v.capacity())
    }

    /// Sets the length to `n` (at most the capacity: no allocation), new
    /// elements zero.
    fn set_len(&mut self, n: usize) {
        with_view!(Reg, self, v => v.resize(n, Default::default()))
    }

    /// Keeps `regs` for the next workspace on this thread (up to the bounds).
    fn release(regs: Vec<Reg>) {
        SPARE_REGS.with(|s| {
            let mut s = s.borrow_mut();
            for r in regs {
                let bytes = r.capacity() * r.dtype().size_of();
                if bytes > 0 && bytes <= SPARE_BYTES && s.len() < SPARE_COUNT {
                    s.push(r);
                }
            }
        });
    }
}

/// How a kernel input is read.
pub(crate) enum Read<'a> {
    /// Contiguous from `offset`: blocks are slices of the buffer, no copy.
    Contiguous { bytes: &'a [u8], offset: usize },
    /// Anything else: gathered through the layout.
    Strided { bytes: &'a [u8] },
}

fn unsupported(what: String) -> Error {
    Error::unsupported("cpu kernel", what)
}

/// Checks every position a kernel can read lies inside its buffers, so
/// the loops below can index without further checks failing.
pub(crate) fn validate(kernel: &Kernel, inputs: &[&[u8]]) -> Result<()> {
    validate_structure(kernel)?;
    validate_inputs(kernel, inputs)
}

/// The checks that depend on the kernel alone: input shapes, that every
/// instruction reads earlier values, that outputs name values.
fn validate_structure(kernel: &Kernel) -> Result<()> {
    for (k, input) in kernel.inputs.iter().enumerate() {
        if input.layout.shape != kernel.shape {
            return Err(Error::invalid(
                "cpu kernel",
                format!(
                    "input {k} has shape {:?}, kernel {:?}",
                    input.layout.shape, kernel.shape
                ),
            ));
        }
    }
    for (i, ins) in kernel.instrs.iter().enumerate() {
        let (refs, n): ([usize; 3], usize) = match &ins.op {
            Op::Load(k) => {
                if *k >= kernel.inputs.len() {
                    return Err(Error::invalid(
                        "cpu kernel",
                        format!("instruction {i} loads missing input {k}"),
                    ));
                }
                ([0; 3], 0)
            }
            Op::Const(_) => ([0; 3], 0),
            Op::Unary(_, a) | Op::Cast(a) => ([*a, 0, 0], 1),
            Op::Binary(_, a, b) => ([*a, *b, 0], 2),
            Op::Select(c, a, b) => ([*c, *a, *b], 3),
        };
        if refs[..n].iter().any(|&r| r >= i) {
            return Err(Error::invalid(
                "cpu kernel",
                format!("instruction {i} uses a later value"),
            ));
        }
    }
    for o in &kernel.outputs {
        if o.value >= kernel.instrs.len() {
            return Err(Error::invalid(
                "cpu kernel",
                "an output names a missing value".to_string(),
            ));
        }
    }
    Ok(())
}

/// The checks that depend on the buffers bound: their number, and that
/// every position the layouts reach lies inside them.
fn validate_inputs(kernel: &Kernel, inputs: &[&[u8]]) -> Result<()> {
    if inputs.len() != kernel.inputs.len() {
        return Err(Error::invalid(
            "cpu kernel",
            format!(
                "{} buffers bound for {} inputs",
                inputs.len(),
                kernel.inputs.len()
            ),
        ));
    }
    for (k, (input, bytes)) in kernel.inputs.iter().zip(inputs).enumerate() {
        let elems = bytes.len() / input.dtype.size_of();
        if let Some((_, hi)) = input.layout.span() {
            if hi > elems {
                return Err(Error::invalid(
                    "cpu kernel",
                    format!("input {k} reads up to element {hi} of a buffer of {elems}"),
                ));
            }
        }
    }
    Ok(())
}

/// Checks each output's layout covers the kernel's shape one-to-one inside
/// its buffer (`injective` only when `structure`: it depends on the kernel
/// alone, so a prepared kernel checked it once).
fn validate_outputs(kernel: &Kernel, outputs: &[&mut [u8]], structure: bool) -> Result<()> {
    if outputs.len() != kernel.outputs.len() {
        return Err(Error::invalid(
            "cpu kernel",
            format!(
                "{} buffers bound for {} outputs",
                outputs.len(),
                kernel.outputs.len()
            ),
        ));
    }
    for (j, (o, buf)) in kernel.outputs.iter().zip(outputs.iter()).enumerate() {
        let elems = buf.len() / o.dtype.size_of();
        let fits =
            o.layout.shape == kernel.shape && o.layout.span().is_none_or(|(_, hi)| hi <= elems);
        if !fits || (structure && !injective(&o.layout)) {
            return Err(Error::invalid(
                "cpu kernel",
                format!("output {j}'s layout {:?} does not fit its buffer of {elems} elements one-to-one", o.layout),
            ));
        }
    }
    Ok(())
}

/// An output buffer shared by the chunks of one kernel run.
///
/// Chunks cover disjoint ranges of the kernel's flat index, and the core
/// guarantees an output layout maps distinct indices to distinct positions
/// (see [`KernelOutput`](tandem_core::kernel::KernelOutput)); `validate`
/// re-checks that here. So concurrent chunks write disjoint bytes, which is
/// what makes sharing one `&mut [u8]` across rayon tasks sound. This is the
/// one place the backend needs it: strided outputs (assign, concatenate)
/// interleave the chunks' regions, so the buffer cannot be split into
/// sub-slices up front.
pub(crate) struct Sink {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: see the type's docs: writers through one `Sink` touch disjoint bytes.
unsafe impl Send for Sink {}
// SAFETY: as above; `Sink` offers no reads.
unsafe impl Sync for Sink {}

impl Sink {
    /// A sink over `buf`, which must outlive every write.
    pub(crate) fn new(buf: &mut [u8]) -> Sink {
        Sink {
            ptr: buf.as_mut_ptr(),
            len: buf.len(),
        }
    }

    /// The address of byte `at` (for alignment decisions).
    pub(crate) fn address(&self, at: usize) -> usize {
        self.ptr as usize + at
    }

    /// The bytes `at..at + len` as a slice to write.
    ///
    /// # Safety
    ///
    /// No other slice of these bytes may be alive while the returned one is:
    /// the caller owns this block of the output (chunks of one run cover
    /// disjoint blocks, see the type's docs).
    // A `&mut` from `&self` is the point: chunks share the sink and each
    // writes its own block; the safety contract above is what makes it sound.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn slice_mut(&self, at: usize, len: usize) -> &mut [u8] {
        assert!(at + len <= self.len, "kernel output block out of bounds");
        // SAFETY: in bounds (checked above) and alive for the run; exclusive
        // per this function's contract.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(at), len) }
    }

    /// Copies `src` to byte offset `at`.
    pub(crate) fn write(&self, at: usize, src: &[u8]) {
        assert!(
            at + src.len() <= self.len,
            "kernel output write out of bounds"
        );
        // SAFETY: in bounds (checked above); the buffer outlives the run
        // (`run` borrows it mutably throughout), and no other writer touches
        // these bytes (type docs).
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.add(at), src.len()) }
    }
}

/// `true` when `layout` sends distinct indices to distinct positions: sorted
/// by stride, each axis steps past everything the smaller axes can reach.
pub(crate) fn injective(layout: &tandem_core::layout::Layout) -> bool {
    let mut axes: Vec<(usize, usize)> = layout
        .shape
        .iter()
        .zip(&layout.strides)
        .filter(|(&n, _)| n > 1)
        .map(|(&n, &s)| (n, s.unsigned_abs()))
        .collect();
    axes.sort_by_key(|&(_, s)| s);
    let mut reach = 0usize;
    for (n, s) in axes {
        if s <= reach {
            return false;
        }
        reach += s * (n - 1);
    }
    true
}

/// How each input of `kernel` is read.
pub(crate) fn reads<'a>(kernel: &Kernel, inputs: &[&'a [u8]]) -> Vec<Read<'a>> {
    reads_into(kernel, inputs)
}

/// [`reads`] into any collection (a small vector on the per-run path).
pub(crate) fn reads_into<'a, C: FromIterator<Read<'a>>>(kernel: &Kernel, inputs: &[&'a [u8]]) -> C {
    kernel
        .inputs
        .iter()
        .zip(inputs)
        .map(|(inp, &bytes)| {
            if inp.layout.is_contiguous() {
                Read::Contiguous {
                    bytes,
                    offset: inp.layout.offset,
                }
            } else {
                Read::Strided { bytes }
            }
        })
        .collect()
}

/// Runs `kernel`, writing output `j` into `outputs[j]` through its layout.
pub(crate) fn run(kernel: &Kernel, inputs: &[&[u8]], outputs: &mut [&mut [u8]]) -> Result<()> {
    run_with(kernel, inputs, outputs, jit::enabled())
}

/// [`run`], with the JIT (`jit.rs`) allowed or not: the tests compare the two.
pub(crate) fn run_with(
    kernel: &Kernel,
    inputs: &[&[u8]],
    outputs: &mut [&mut [u8]],
    allow_jit: bool,
) -> Result<()> {
    validate(kernel, inputs)?;
    validate_outputs(kernel, outputs, true)?;
    let n = kernel.size();
    let reads: Vec<Read> = reads(kernel, inputs);
    let sinks: Vec<Sink> = outputs.iter_mut().map(|b| Sink::new(b)).collect();
    // A large output computed straight into memory is written with
    // streaming stores (see `stream.rs`).
    let direct = direct_output(kernel);
    let streaming = direct.is_some()
        && n * kernel.outputs[0].dtype.size_of() >= stream::STREAM_MIN_BYTES
        && stream::available();
    let fused = match direct {
        Some(value) if allow_jit && n > 0 => jit::compile(kernel, &reads, value, streaming),
        _ => None,
    };
    if let Some(f) = &fused {
        return over_chunks(
            n,
            || None,
            |ws, start, end| run_fused(kernel, &reads, f, &sinks, start, end, ws),
        );
    }
    over_chunks(
        n,
        || Workspace::new(kernel, ELEMENTWISE_BLOCK, streaming),
        |ws, start, end| ws.run_range(kernel, &reads, start, end, &sinks),
    )
}

/// What the backend works out once for an elementwise kernel
/// (`CpuBackend::prepare`): its structure checked, where its result goes,
/// and its compiled loop if the JIT takes it.
pub(crate) struct Prepared {
    direct: Option<usize>,
    streaming: bool,
    jit: Option<jit::Plan>,
}

/// [`Prepared`] for `kernel`, or `None` for kernels it does not cover
/// (reductions: `reduce.rs` runs them) or that fail the structure checks
/// (the ordinary path then reports why).
pub(crate) fn prepare(kernel: &Kernel) -> Option<Prepared> {
    if kernel.reduction.is_some() || validate_structure(kernel).is_err() {
        return None;
    }
    if !kernel.outputs.iter().all(|o| injective(&o.layout)) {
        return None;
    }
    let n = kernel.size();
    let direct = direct_output(kernel);
    let streaming = direct.is_some()
        && n * kernel.outputs[0].dtype.size_of() >= stream::STREAM_MIN_BYTES
        && stream::available();
    let jit = match direct {
        Some(value) if jit::enabled() && n > 0 => {
            let empty: Vec<&[u8]> = vec![&[]; kernel.inputs.len()];
            let reads: Vec<Read> = reads(kernel, &empty);
            jit::plan_store(kernel, &reads, value, streaming)
        }
        _ => None,
    };
    Some(Prepared {
        direct,
        streaming,
        jit,
    })
}

/// [`run`] with what [`prepare`] worked out: only the checks that depend
/// on the buffers, and the compiled loop bound to them.
pub(crate) fn run_prepared(
    kernel: &Kernel,
    p: &Prepared,
    inputs: &[&[u8]],
    outputs: &mut [&mut [u8]],
) -> Result<()> {
    validate_inputs(kernel, inputs)?;
    validate_outputs(kernel, outputs, false)?;
    let n = kernel.size();
    let reads: SmallVec<[Read; 4]> = reads_into(kernel, inputs);
    let sinks: SmallVec<[Sink; 2]> = outputs.iter_mut().map(|b| Sink::new(b)).collect();
    if let (Some(plan), Some(value)) = (&p.jit, p.direct) {
        if let Some(f) = jit::bind(plan, kernel, &reads, value) {
            return over_chunks(
                n,
                || None,
                |ws, start, end| run_fused(kernel, &reads, &f, &sinks, start, end, ws),
            );
        }
    }
    let streaming = p.streaming;
    over_chunks(
        n,
        || Workspace::new(kernel, ELEMENTWISE_BLOCK, streaming),
        |ws, start, end| ws.run_range(kernel, &reads, start, end, &sinks),
    )
}

/// Runs `f(state, start, end)` over flat indices `0..n`: on the calling
/// thread for small kernels, otherwise in chunks (a few per thread for load
/// balance, whole blocks each) on rayon's threads, each thread with its own
/// `state` from `init`.
fn over_chunks<S>(
    n: usize,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, usize, usize) -> Result<()> + Sync + Send,
) -> Result<()> {
    if n < PARALLEL_MIN {
        return f(&mut init(), 0, n);
    }
    let threads = rayon::current_num_threads().max(1);
    let chunk = (n.div_ceil(threads * 4)).div_ceil(ELEMENTWISE_BLOCK) * ELEMENTWISE_BLOCK;
    let chunk = chunk.max(BLOCK * 16);
    (0..n.div_ceil(chunk))
        .into_par_iter()
        .try_for_each_init(init, |state, c| {
            let start = c * chunk;
            f(state, start, (start + chunk).min(n))
        })
}

/// Flat indices `start..end` of a kernel the JIT compiled: whole loop
/// iterations in its machine code; the few elements before the output's
/// first 32-byte boundary (streaming stores need it) and after the last whole
/// iteration through the interpreter.
fn run_fused(
    kernel: &Kernel,
    reads: &[Read],
    f: &jit::Fused,
    sinks: &[Sink],
    start: usize,
    end: usize,
    ws: &mut Option<Workspace>,
) -> Result<()> {
    match f.row_len() {
        // Some input is read row by row: one call of the loop per row.
        Some(len) => {
            let mut s = start;
            while s < end {
                let row_end = (s / len + 1) * len;
                run_fused_segment(kernel, reads, f, sinks, s, row_end.min(end), ws)?;
                s = row_end;
            }
        }
        None => run_fused_segment(kernel, reads, f, sinks, start, end, ws)?,
    }
    if f.streaming() {
        stream::fence();
    }
    Ok(())
}

/// [`run_fused`] over `start..end`, which lies within one row when the
/// loop runs row by row.
fn run_fused_segment(
    kernel: &Kernel,
    reads: &[Read],
    f: &jit::Fused,
    sinks: &[Sink],
    start: usize,
    end: usize,
    ws: &mut Option<Workspace>,
) -> Result<()> {
    let out = &kernel.outputs[0];
    let size = out.dtype.size_of();
    let at = |i: usize| (out.layout.offset + i) * size;
    let head = if f.streaming() {
        let misaligned = sinks[0].address(at(start)) % 32;
        if misaligned.is_multiple_of(size) {
            ((32 - misaligned) % 32 / size).min(end - start)
        } else {
            end - start
        }
    } else {
        0
    };
    let body_start = start + head;
    let body = (end - body_start) / f.step() * f.step();
    let mut interpret = |a: usize, b: usize| -> Result<()> {
        if a >= b {
            return Ok(());
        }
        ws.get_or_insert_with(|| Workspace::new(kernel, 64, false))
            .run_range(kernel, reads, a, b, sinks)
    };
    interpret(start, body_start)?;
    if body > 0 {
        // SAFETY: this call alone covers flat indices `start..end` (chunks of
        // one run are disjoint), and the contiguous output maps them to these
        // bytes only; the slice is dropped before anything else writes.
        let bytes = unsafe { sinks[0].slice_mut(at(body_start), body * size) };
        f.run(bytes, body_start);
    }
    let tail = body_start + body;
    if tail < end {
        // SAFETY: as above, for flat indices `tail..end` of this chunk.
        let bytes = unsafe { sinks[0].slice_mut(at(tail), (end - tail) * size) };
        if f.run_tail(bytes, tail) {
            return Ok(());
        }
    }
    interpret(tail, end)
}

/// A typed, read-only view of one block of values: a register, or the
/// input's own memory for a contiguous load (no copy).
#[derive(Clone, Copy)]
pub(crate) enum Src<'a> {
    Bool(&'a [u8]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U32(&'a [u32]),
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// A typed, writable block: a register, or the output's own memory.
pub(crate) enum Dst<'a> {
    Bool(&'a mut [u8]),
    I32(&'a mut [i32]),
    I64(&'a mut [i64]),
    U32(&'a mut [u32]),
    F32(&'a mut [f32]),
    F64(&'a mut [f64]),
}

/// Expands `$body` once per type of a [`Src`] or [`Dst`].
macro_rules! with_view {
    ($ty:ident, $view:expr, $v:ident => $body:expr) => {
        match $view {
            $ty::Bool($v) => $body,
            $ty::I32($v) => $body,
            $ty::I64($v) => $body,
            $ty::U32($v) => $body,
            $ty::F32($v) => $body,
            $ty::F64($v) => $body,
        }
    };
}
pub(crate) use with_view;

impl<'a> Src<'a> {
    fn of_reg(r: &'a Reg, len: usize) -> Src<'a> {
        match r {
            Reg::Bool(v) => Src::Bool(&v[..len]),
            Reg::I32(v) => Src::I32(&v[..len]),
            Reg::I64(v) => Src::I64(&v[..len]),
            Reg::U32(v) => Src::U32(&v[..len]),
            Reg::F32(v) => Src::F32(&v[..len]),
            Reg::F64(v) => Src::F64(&v[..len]),
        }
    }

    pub(crate) fn of_bytes(dtype: DType, b: &'a [u8]) -> Src<'a> {
        match dtype {
            DType::Bool => Src::Bool(b),
            DType::I32 => Src::I32(bytemuck::cast_slice(b)),
            DType::I64 => Src::I64(bytemuck::cast_slice(b)),
            DType::U32 => Src::U32(bytemuck::cast_slice(b)),
            DType::F32 => Src::F32(bytemuck::cast_slice(b)),
            DType::F64 => Src::F64(bytemuck::cast_slice(b)),
        }
    }

    pub(crate) fn bytes(self) -> &'a [u8] {
        with_view!(Src, self, v => bytemuck::cast_slice(v))
    }

    fn dtype(self) -> DType {
        match self {
            Src::Bool(_) => DType::Bool,
            Src::I32(_) => DType::I32,
            Src::I64(_) => DType::I64,
            Src::U32(_) => DType::U32,
            Src::F32(_) => DType::F32,
            Src::F64(_) => DType::F64,
        }
    }
}

impl<'a> Dst<'a> {
    fn of_reg(r: &'a mut Reg, len: usize) -> Dst<'a> {
        match r {
            Reg::Bool(v) => Dst::Bool(&mut v[..len]),
            Reg::I32(v) => Dst::I32(&mut v[..len]),
            Reg::I64(v) => Dst::I64(&mut v[..len]),
            Reg::U32(v) => Dst::U32(&mut v[..len]),
            Reg::F32(v) => Dst::F32(&mut v[..len]),
            Reg::F64(v) => Dst::F64(&mut v[..len]),
        }
    }

    pub(crate) fn of_bytes(dtype: DType, b: &'a mut [u8]) -> Dst<'a> {
        match dtype {
            DType::Bool => Dst::Bool(b),
            DType::I32 => Dst::I32(bytemuck::cast_slice_mut(b)),
            DType::I64 => Dst::I64(bytemuck::cast_slice_mut(b)),
            DType::U32 => Dst::U32(bytemuck::cast_slice_mut(b)),
            DType::F32 => Dst::F32(bytemuck::cast_slice_mut(b)),
            DType::F64 => Dst::F64(bytemuck::cast_slice_mut(b)),
        }
    }
}

/// One thread's registers.
pub(crate) struct Workspace {
    regs: Vec<Reg>,
    /// Registers of constants are filled once and never rewritten.
    is_const: Vec<bool>,
    /// Scratch for multi-index iteration of strided loads.
    index: Vec<usize>,
    /// Per input: its one row, gathered once, when every row it is read
    /// through is the same strided row (see [`broadcast_row`]).
    rows: Vec<Option<Reg>>,
    /// The direct output is computed into its register, then streamed out.
    streaming: bool,
    /// Elements per block (the registers' length).
    block: usize,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        Reg::release(std::mem::take(&mut self.regs));
    }
}

impl Workspace {
    pub(crate) fn new(kernel: &Kernel, block: usize, streaming: bool) -> Workspace {
        let full = block;
        // Small kernels need small registers (zeroing BLOCK-sized ones would
        // cost more than the kernel).
        let block = full.min(kernel.size().max(1));
        let direct = direct_output(kernel);
        let regs = kernel
            .instrs
            .iter()
            .enumerate()
            .map(|(i, ins)| match &ins.op {
                // Computed straight into the output: no register (unless
                // streamed out from one).
                _ if direct == Some(i) && !streaming => Reg::new(ins.dtype, 0),
                Op::Const(s) => Reg::filled(s.cast(ins.dtype), block),
                // Contiguous loads are read in place and need no register.
                Op::Load(k) if kernel.inputs[*k].layout.is_contiguous() => Reg::new(ins.dtype, 0),
                _ => Reg::new(ins.dtype, block),
            })
            .collect();
        let is_const = kernel
            .instrs
            .iter()
            .map(|i| matches!(i.op, Op::Const(_)))
            .collect();
        Workspace {
            regs,
            is_const,
            index: vec![0; kernel.shape.len()],
            rows: Vec::new(),
            streaming,
            block: full,
        }
    }

    /// Value `v` over the current block.
    fn src<'a>(
        &'a self,
        kernel: &Kernel,
        reads: &'a [Read],
        v: usize,
        start: usize,
        len: usize,
    ) -> Src<'a> {
        let dtype = kernel.instrs[v].dtype;
        if let Op::Load(k) = kernel.instrs[v].op {
            if let Read::Contiguous { bytes, offset } = &reads[k] {
                let size = dtype.size_of();
                let at = (offset + start) * size;
                return Src::of_bytes(dtype, &bytes[at..at + len * size]);
            }
        }
        Src::of_reg(&self.regs[v], len)
    }

    fn run_range(
        &mut self,
        kernel: &Kernel,
        reads: &[Read],
        start: usize,
        end: usize,
        sinks: &[Sink],
    ) -> Result<()> {
        let last = kernel.instrs.len().wrapping_sub(1);
        let direct = direct_output(kernel).is_some();
        let mut s = start;
        while s < end {
            let len = self.block.min(end - s);
            if direct {
                let out = &kernel.outputs[0];
                let size = out.dtype.size_of();
                // SAFETY: this chunk alone covers flat indices s..s+len, and a
                // contiguous output maps them to these bytes only.
                let bytes =
                    unsafe { sinks[0].slice_mut((out.layout.offset + s) * size, len * size) };
                if self.streaming {
                    // Into its register, then streamed out (see stream.rs).
                    self.run_instrs(kernel, reads, s, len, last + 1)?;
                    stream::copy(bytes, self.src(kernel, reads, last, s, len).bytes());
                } else {
                    self.run_instrs(kernel, reads, s, len, last)?;
                    self.eval(
                        kernel,
                        reads,
                        &kernel.instrs[last].op,
                        out.dtype,
                        s,
                        len,
                        Dst::of_bytes(out.dtype, bytes),
                    )?;
                }
            } else {
                self.run_instrs(kernel, reads, s, len, kernel.instrs.len())?;
                for (out, sink) in kernel.outputs.iter().zip(sinks) {
                    let size = out.dtype.size_of();
                    let src = self.src(kernel, reads, out.value, s, len).bytes();
                    if out.layout.is_contiguous() {
                        sink.write((out.layout.offset + s) * size, src);
                    } else {
                        let src = src.to_vec();
                        scatter(sink, size, &src, &out.layout, s, &mut self.index);
                    }
                }
            }
            s += len;
        }
        if self.streaming {
            stream::fence();
        }
        Ok(())
    }

    /// Evaluates the kernel over flat indices `start..start + len` (at most
    /// [`BLOCK`]) and returns value `value` there.
    pub(crate) fn values<'a>(
        &'a mut self,
        kernel: &Kernel,
        reads: &'a [Read],
        value: usize,
        start: usize,
        len: usize,
    ) -> Result<Src<'a>> {
        self.run_instrs(kernel, reads, start, len, value + 1)?;
        Ok(self.src(kernel, reads, value, start, len))
    }

    /// Runs instructions `0..upto` over one block.
    fn run_instrs(
        &mut self,
        kernel: &Kernel,
        reads: &[Read],
        start: usize,
        len: usize,
        upto: usize,
    ) -> Result<()> {
        for (i, ins) in kernel.instrs.iter().enumerate().take(upto) {
            if self.is_const[i] {
                continue;
            }
            if let Op::Load(k) = ins.op {
                if let Read::Contiguous { .. } = reads[k] {
                    continue;
                }
            }
            // Take the destination out so sources can be borrowed beside it.
            let mut reg = std::mem::replace(&mut self.regs[i], Reg::Bool(Vec::new()));
            let r = self.eval(
                kernel,
                reads,
                &ins.op,
                ins.dtype,
                start,
                len,
                Dst::of_reg(&mut reg, len),
            );
            self.regs[i] = reg;
            r?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn eval(
        &mut self,
        kernel: &Kernel,
        reads: &[Read],
        op: &Op,
        dtype: DType,
        start: usize,
        len: usize,
        dst: Dst,
    ) -> Result<()> {
        match op {
            Op::Const(_) => Ok(()),
            Op::Load(k) => {
                let src = match &reads[*k] {
                    Read::Contiguous { bytes, offset } => {
                        let at = (offset + start) * dtype.size_of();
                        return copy(
                            Src::of_bytes(dtype, &bytes[at..at + len * dtype.size_of()]),
                            dst,
                        );
                    }
                    Read::Strided { bytes } => bytes,
                };
                let layout = &kernel.inputs[*k].layout;
                let mut index = std::mem::take(&mut self.index);
                if let Some(n_in) = broadcast_row(layout) {
                    // Gather the row once per workspace, then copy it.
                    if self.rows.len() <= *k {
                        self.rows.resize_with(kernel.inputs.len(), || None);
                    }
                    if self.rows[*k].is_none() {
                        let mut row = Reg::new(dtype, n_in);
                        with_view!(Dst, Dst::of_reg(&mut row, n_in), v => gather(bytemuck::cast_slice(src), layout, 0, v, &mut index));
                        self.rows[*k] = Some(row);
                    }
                    let row = Src::of_reg(self.rows[*k].as_ref().expect("gathered"), n_in).bytes();
                    with_view!(Dst, dst, v => repeat_row(bytemuck::cast_slice(row), start, v));
                } else {
                    with_view!(Dst, dst, v => gather(bytemuck::cast_slice(src), layout, start, v, &mut index));
                }
                self.index = index;
                Ok(())
            }
            Op::Cast(a) => {
                cast_slice(self.src(kernel, reads, *a, start, len), dst);
                Ok(())
            }
            Op::Unary(uop, a) => {
                let src = self.src(kernel, reads, *a, start, len);
                if unary_into(*uop, src, dst) {
                    Ok(())
                } else {
                    Err(unsupported(format!(
                        "{} on {} giving {dtype}",
                        uop.name(),
                        src.dtype()
                    )))
                }
            }
            Op::Binary(bop, a, b) => {
                let (x, y) = (
                    self.src(kernel, reads, *a, start, len),
                    self.src(kernel, reads, *b, start, len),
                );
                if binary_into(*bop, x, y, dst) {
                    Ok(())
                } else {
                    Err(unsupported(format!(
                        "{} on {} giving {dtype}",
                        bop.name(),
                        x.dtype()
                    )))
                }
            }
            Op::Select(c, a, b) => {
                let (c, x, y) = (
                    self.src(kernel, reads, *c, start, len),
                    self.src(kernel, reads, *a, start, len),
                    self.src(kernel, reads, *b, start, len),
                );
                let Src::Bool(c) = c else {
                    return Err(unsupported("where with a non-bool condition".into()));
                };
                let ok = match (x, y, dst) {
                    (Src::Bool(x), Src::Bool(y), Dst::Bool(o)) => select(c, x, y, o),
                    (Src::I32(x), Src::I32(y), Dst::I32(o)) => select(c, x, y, o),
                    (Src::I64(x), Src::I64(y), Dst::I64(o)) => select(c, x, y, o),
                    (Src::U32(x), Src::U32(y), Dst::U32(o)) => select(c, x, y, o),
                    (Src::F32(x), Src::F32(y), Dst::F32(o)) => select(c, x, y, o),
                    (Src::F64(x), Src::F64(y), Dst::F64(o)) => select(c, x, y, o),
                    _ => false,
                };
                if ok {
                    Ok(())
                } else {
                    Err(unsupported("where over mismatched dtypes".into()))
                }
            }
        }
    }
}

/// `out[i] = op(x[i])` by the interpreter's loops (predicates into bools);
/// `false` if `op` is not defined for these dtypes. Kernels and the direct
/// path of tiny forces (`direct.rs`) both run ops through here.
pub(crate) fn unary_into(op: UnaryOp, src: Src, dst: Dst) -> bool {
    match (op, src, dst) {
        (UnaryOp::IsNan | UnaryOp::IsInf | UnaryOp::IsFinite, src, Dst::Bool(o)) => {
            with_view!(Src, src, x => Elem::predicate(op, x, o))
        }
        (_, Src::Bool(x), Dst::Bool(o)) => u8::unary(op, x, o),
        (_, Src::I32(x), Dst::I32(o)) => i32::unary(op, x, o),
        (_, Src::I64(x), Dst::I64(o)) => i64::unary(op, x, o),
        (_, Src::U32(x), Dst::U32(o)) => u32::unary(op, x, o),
        (_, Src::F32(x), Dst::F32(o)) => f32::unary(op, x, o),
        (_, Src::F64(x), Dst::F64(o)) => f64::unary(op, x, o),
        _ => false,
    }
}

/// `out[i] = op(x[i], y[i])` by the interpreter's loops (comparisons into
/// bools); `false` if `op` is not defined for these dtypes.
pub(crate) fn binary_into(op: BinaryOp, x: Src, y: Src, dst: Dst) -> bool {
    if op.is_comparison() {
        match (x, y, dst) {
            (Src::Bool(x), Src::Bool(y), Dst::Bool(o)) => u8::compare(op, x, y, o),
            (Src::I32(x), Src::I32(y), Dst::Bool(o)) => i32::compare(op, x, y, o),
            (Src::I64(x), Src::I64(y), Dst::Bool(o)) => i64::compare(op, x, y, o),
            (Src::U32(x), Src::U32(y), Dst::Bool(o)) => u32::compare(op, x, y, o),
            (Src::F32(x), Src::F32(y), Dst::Bool(o)) => f32::compare(op, x, y, o),
            (Src::F64(x), Src::F64(y), Dst::Bool(o)) => f64::compare(op, x, y, o),
            _ => false,
        }
    } else {
        match (x, y, dst) {
            (Src::Bool(x), Src::Bool(y), Dst::Bool(o)) => u8::binary(op, x, y, o),
            (Src::I32(x), Src::I32(y), Dst::I32(o)) => i32::binary(op, x, y, o),
            (Src::I64(x), Src::I64(y), Dst::I64(o)) => i64::binary(op, x, y, o),
            (Src::U32(x), Src::U32(y), Dst::U32(o)) => u32::binary(op, x, y, o),
            (Src::F32(x), Src::F32(y), Dst::F32(o)) => f32::binary(op, x, y, o),
            (Src::F64(x), Src::F64(y), Dst::F64(o)) => f64::binary(op, x, y, o),
            _ => false,
        }
    }
}

/// How [`run`] would execute `kernel`, in a few words (for `explain`).
pub(crate) fn describe(kernel: &Kernel) -> String {
    let interpreted = |why: &str| format!("interpreted in blocks of {ELEMENTWISE_BLOCK}: {why}");
    match direct_output(kernel) {
        Some(last) => match jit::verdict(kernel, last, false) {
            Ok(()) => "compiled: one register-fused AVX loop".into(),
            Err(why) => interpreted(&why),
        },
        None => {
            interpreted("its result is not one contiguous output computed by its last instruction")
        }
    }
}

/// The instruction computed straight into the output's memory, if any: the
/// last one, when it is the only output, written contiguously, and not a
/// bare load or constant (those are copied).
fn direct_output(kernel: &Kernel) -> Option<usize> {
    if kernel.reduction.is_some() {
        // A reduction folds its value; only the folded result is written.
        return None;
    }
    let last = kernel.instrs.len().checked_sub(1)?;
    match kernel.outputs.as_slice() {
        [o] if o.value == last
            && o.layout.is_contiguous()
            && !matches!(kernel.instrs[last].op, Op::Load(_) | Op::Const(_)) =>
        {
            Some(last)
        }
        _ => None,
    }
}

/// `dst = src` for views of one dtype.
fn copy(src: Src, dst: Dst) -> Result<()> {
    let d = with_view!(Dst, dst, v => bytemuck::cast_slice_mut::<_, u8>(v));
    let s = src.bytes();
    if s.len() != d.len() {
        return Err(unsupported(
            "a load whose dtype differs from its input".into(),
        ));
    }
    d.copy_from_slice(s);
    Ok(())
}

fn select<T: Copy>(c: &[u8], x: &[T], y: &[T], out: &mut [T]) -> bool {
    crate::simd::dispatch(
        #[inline(always)]
        || {
            for (((o, &c), &x), &y) in out.iter_mut().zip(c).zip(x).zip(y) {
                *o = if c != 0 { x } else { y };
            }
        },
    );
    true
}

/// Walks `count` elements of `layout` from flat (C-order) index `start` as
/// runs along the innermost axis, calling `f(done, first_position, run)`.
fn for_each_run(
    layout: &tandem_core::layout::Layout,
    start: usize,
    count: usize,
    index: &mut [usize],
    mut f: impl FnMut(usize, isize, usize),
) {
    let nd = layout.shape.len();
    if nd == 0 {
        f(0, layout.offset as isize, count.min(1));
        return;
    }
    let mut rest = start;
    for ax in (0..nd).rev() {
        index[ax] = rest % layout.shape[ax];
        rest /= layout.shape[ax];
    }
    let inner = nd - 1;
    let (n_in, s_in) = (layout.shape[inner], layout.strides[inner]);
    let mut done = 0;
    while done < count {
        let base = layout.offset as isize
            + (0..inner)
                .map(|ax| index[ax] as isize * layout.strides[ax])
                .sum::<isize>();
        let run = (n_in - index[inner]).min(count - done);
        f(done, base + index[inner] as isize * s_in, run);
        done += run;
        index[inner] += run;
        // Carry into the outer axes.
        let mut ax = inner;
        while index[ax] == layout.shape[ax] && ax > 0 {
            index[ax] = 0;
            ax -= 1;
            index[ax] += 1;
        }
    }
}

/// The row length when every row of `layout` is the same strided row (all
/// outer strides 0, a short inner axis neither contiguous nor broadcast):
/// `x[:, 0]` broadcast down a matrix (an n-body's `x.T - x`, or a column
/// reduction's reading of it), which a strided walk per row would gather
/// again and again.
pub(crate) fn broadcast_row(layout: &tandem_core::layout::Layout) -> Option<usize> {
    let (&s_in, outer) = layout.strides.split_last()?;
    let &n_in = layout.shape.last()?;
    (!outer.is_empty()
        && outer.iter().all(|&s| s == 0)
        && !matches!(s_in, 0 | 1)
        && (2..=BLOCK).contains(&n_in))
    .then_some(n_in)
}

/// Flat elements `start..start + out.len()` of an array whose rows all
/// equal `row`.
fn repeat_row<T: Copy>(row: &[T], start: usize, out: &mut [T]) {
    let n = row.len();
    let (mut pos, mut done) = (start % n, 0);
    while done < out.len() {
        let take = (n - pos).min(out.len() - done);
        out[done..done + take].copy_from_slice(&row[pos..pos + take]);
        done += take;
        pos = 0;
    }
}

/// Reads `out.len()` elements of `layout` starting at flat index `start`
/// (copy for stride-1 runs, fill for stride 0).
fn gather<T: Copy>(
    src: &[T],
    layout: &tandem_core::layout::Layout,
    start: usize,
    out: &mut [T],
    index: &mut [usize],
) {
    let s_in = layout.strides.last().copied().unwrap_or(0);
    for_each_run(layout, start, out.len(), index, |done, first, run| {
        let dst = &mut out[done..done + run];
        match s_in {
            1 => dst.copy_from_slice(&src[first as usize..first as usize + run]),
            0 => dst.fill(src[first as usize]),
            // A forward stride: an iterator over the source (no bounds check
            // per element).
            s if s > 0 => {
                let from = &src[first as usize..];
                for (d, v) in dst.iter_mut().zip(from.iter().step_by(s as usize)) {
                    *d = *v;
                }
            }
            _ => {
                for (k, d) in dst.iter_mut().enumerate() {
                    *d = src[(first + k as isize * s_in) as usize];
                }
            }
        }
    });
}

/// Writes a block of `size`-byte elements to `layout`'s positions from flat index `start`.
pub(crate) fn scatter(
    sink: &Sink,
    size: usize,
    src: &[u8],
    layout: &tandem_core::layout::Layout,
    start: usize,
    index: &mut [usize],
) {
    let s_in = layout.strides.last().copied().unwrap_or(0);
    for_each_run(
        layout,
        start,
        src.len() / size,
        index,
        |done, first, run| {
            if s_in == 1 {
                sink.write(
                    first as usize * size,
                    &src[done * size..(done + run) * size],
                );
            } else {
                for k in 0..run {
                    let p = (first + k as isize * s_in) as usize;
                    sink.write(p * size, &src[(done + k) * size..(done + k + 1) * size]);
                }
            }
        },
    );
}
