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

use super::gather::injective;
use super::validate::{validate, validate_inputs, validate_outputs, validate_structure};
use super::workspace::{direct_output, Workspace};
use crate::block::reads;
use crate::block::{reads_into, Read, Sink, BLOCK, ELEMENTWISE_BLOCK};
use crate::jit;
use crate::stream;
use rayon::prelude::*;
use smallvec::SmallVec;
use tandem_core::kernel::Kernel;
use tandem_core::Result;

/// Below this many elements a kernel runs on the calling thread: waking
/// rayon workers costs more than it saves.
const PARALLEL_MIN: usize = 1 << 16;

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
    jit: Option<jit::CompiledLoop>,
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
    f: &jit::BoundLoop,
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
    f: &jit::BoundLoop,
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
