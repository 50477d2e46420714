//! Kernels that end in a reduction: checking them, choosing a strategy,
//! and writing the results.
//!
//! The kernel's iteration axes are reordered, never the data:
//! - **Runs** (`runs.rs`; the innermost axis is reduced, or there are few
//!   outputs): reduced axes go last, so each output's elements are one
//!   contiguous run of the flat index.
//! - **Rows** (`rows.rs`; the innermost axis is kept, e.g. `sum(axis=0)` of
//!   a C-order matrix): reduced axes go first, and blocks of consecutive
//!   outputs are folded elementwise into rows of accumulators.
//! - **Short rows** (`short_rows.rs`; the innermost axis is reduced but
//!   short, with many outputs, and every input is read in storage order,
//!   e.g. `sum(-1)` of n × 4): blocks of whole rows, each row reduced in
//!   registers by a loop specialised for its length.
//! - **Columns** (`columns.rs`; the same, with inputs that broadcast or
//!   stride, e.g. a k-means distance over [n, k, d]): reduced axes go first,
//!   and tiles of outputs fold one value each per reduced index.
//!
//! Float sums over a reduced innermost axis of at most 128 values follow
//! NumPy's order (the same bits as NumPy's `sum(-1)`), whichever strategy
//! runs them; longer ones sum pairwise in tandem's own blocks, and the rows
//! strategy adds rows in order, as NumPy does for `sum(axis=0)`.
//!
//! `red.rs` holds the element types and float summation, `extreme.rs` (and
//! `scan_x86.rs`, its x86-64 intrinsics) the min/max search of a run, and
//! `results.rs` where the short strategies write.

mod columns;
mod extreme;
mod red;
mod results;
mod rows;
mod runs;
#[cfg(target_arch = "x86_64")]
mod scan_x86;
mod short_rows;

use crate::block::{reads, Read, Sink, BLOCK};
use crate::exec::{validate, Workspace};
use crate::jit;
use columns::{by_columns, SHORT_MAX, SHORT_MIN_OUTPUTS, SWAP_MAX};
use red::Red;
use results::Results;
use rows::by_rows;
use runs::by_runs;
use short_rows::by_short_rows;
use tandem_core::kernel::{Kernel, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp;
use tandem_core::{DType, Error, Result};

/// Outputs below this many use the runs strategy even when the innermost
/// axis is kept: folding rows of a handful of outputs costs a block per row.
const ROWS_MIN_OUTPUTS: usize = 64;
/// Below this many iterations a reduction runs on the calling thread.
const PARALLEL_MIN: usize = 1 << 16;

/// `kernel` with its axes reordered by `perm` (inputs' layouts follow).
fn permuted(kernel: &Kernel, perm: &[usize]) -> Kernel {
    let mut k = kernel.clone();
    k.shape = perm.iter().map(|&a| kernel.shape[a]).collect();
    for (inp, orig) in k.inputs.iter_mut().zip(&kernel.inputs) {
        inp.layout.shape = k.shape.clone();
        inp.layout.strides = perm.iter().map(|&a| orig.layout.strides[a]).collect();
    }
    k
}

/// Runs a kernel ending in `red`, writing its single output into `out`.
pub(crate) fn run(
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&[u8]],
    out: &mut [u8],
) -> Result<()> {
    run_with(kernel, red, inputs, out, jit::enabled())
}

/// The shortest row that short rows read through a gather (see
/// [`arrangement`]).
const LONG_ROW: usize = 32;

/// How a reduction kernel is iterated (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    Runs,
    Rows,
    ShortRows,
    /// With `Some((a, b))` the last two kept axes, of lengths `a` and `b`
    /// (`b` short), are iterated swapped (see `columns.rs`).
    Columns(Option<(usize, usize)>),
}

/// The strategy for `kernel` and its iteration axes reordered for it (see
/// the module docs), with the number of outputs and of values reduced into
/// each.
fn arrangement(kernel: &Kernel, red: &Reduction) -> (Strategy, Kernel, usize, usize) {
    let nd = kernel.shape.len();
    let kept: Vec<usize> = (0..nd).filter(|a| !red.axes.contains(a)).collect();
    let outputs: usize = kept.iter().map(|&a| kernel.shape[a]).product();
    let per: usize = red.axes.iter().map(|&a| kernel.shape[a]).product();
    let inner_reduced = nd > 0 && red.axes.contains(&(nd - 1));
    let runs_order: Vec<usize> = kept.iter().chain(&red.axes).copied().collect();
    let reduced_first: Vec<usize> = red.axes.iter().chain(&kept).copied().collect();
    if !inner_reduced && outputs >= ROWS_MIN_OUTPUTS {
        return (
            Strategy::Rows,
            permuted(kernel, &reduced_first),
            outputs,
            per,
        );
    }
    let runs = permuted(kernel, &runs_order);
    if !(inner_reduced && (1..=SHORT_MAX).contains(&per) && outputs >= SHORT_MIN_OUTPUTS) {
        return (Strategy::Runs, runs, outputs, per);
    }
    // Short rows: whole rows are consecutive values when every input is
    // read in storage order; otherwise their gathers would run along the
    // short axis, and columns gather along a kept one.
    // As cheap, for rows long enough that a call per row is nothing: rows
    // read in storage order but not one after another (a row broadcast
    // down: a copy each), a value broadcast along them (a fill), and one
    // strided row broadcast down the rows (`x.T` of an n-body's `x.T - x`),
    // gathered once per workspace (`exec::broadcast_row`). (Rows of a few
    // elements, a k-means distance's, are columns' work.)
    let cheap_rows = |l: &Layout| {
        l.is_contiguous()
            || (per >= LONG_ROW
                && (matches!(l.strides.last(), Some(0 | 1))
                    || crate::exec::broadcast_row(l).is_some()))
    };
    if runs.inputs.iter().all(|i| cheap_rows(&i.layout)) {
        return (Strategy::ShortRows, runs, outputs, per);
    }
    // Columns gather along the innermost kept axis; when that is short and
    // the one before it longer (k and n of a k-means distance over [n, k,
    // d]), they are iterated swapped, so gathers run along the long one.
    let mut order = reduced_first;
    let swap = match kept[..] {
        [.., a, b] if kernel.shape[b] <= SWAP_MAX && kernel.shape[a] > kernel.shape[b] => {
            let last = order.len() - 1;
            order.swap(last - 1, last);
            Some((kernel.shape[a], kernel.shape[b]))
        }
        _ => None,
    };
    (
        Strategy::Columns(swap),
        permuted(kernel, &order),
        outputs,
        per,
    )
}

/// Why a reduction is not one for the JIT's summing loop (`jit.rs`).
enum NotForJit {
    /// The sum of a plain input: read in place, nothing to compute.
    PlainInput,
    Because(String),
}

/// Why `op` over value `value` of the arranged kernel `pk` is not for the
/// JIT's summing loop, or `None` when it is (a float sum of a computed
/// value over contiguous runs), whether the JIT then compiles it or not.
fn not_for_jit(op: ReduceOp, pk: &Kernel, value: usize, strategy: Strategy) -> Option<NotForJit> {
    let float = matches!(
        pk.instrs.get(value).map(|i| i.dtype),
        Some(DType::F32 | DType::F64)
    );
    if op != ReduceOp::Sum || !float {
        let why = format!("only float sums are compiled, not {}", op.name());
        return Some(NotForJit::Because(why));
    }
    if strategy != Strategy::Runs {
        return Some(NotForJit::Because(
            "sums are compiled over long runs, not rows or short columns".into(),
        ));
    }
    if load_input(pk, value) != usize::MAX {
        return Some(NotForJit::PlainInput);
    }
    None
}

/// How [`run`] would execute `kernel`, in a few words (for `explain`).
pub(crate) fn describe(kernel: &Kernel, red: &Reduction) -> String {
    let Some(value) = kernel.outputs.first().map(|o| o.value) else {
        return String::new();
    };
    let (strategy, pk, _, per) = arrangement(kernel, red);
    let how = match strategy {
        Strategy::Rows => "folding rows of accumulators".to_string(),
        Strategy::Runs => "over contiguous runs".to_string(),
        Strategy::ShortRows => format!("row by row (rows of {per}, in registers)"),
        Strategy::Columns(None) => format!("by columns ({per} per tile of outputs)"),
        Strategy::Columns(Some(_)) => {
            format!("by columns ({per} per tile of outputs, the last two kept axes swapped)")
        }
    };
    let interpreted = |why: String| format!("interpreted in blocks of {BLOCK}, {how}: {why}");
    match not_for_jit(red.op, &pk, value, strategy) {
        Some(NotForJit::PlainInput) => {
            format!("summed {how}, in place (a plain input: nothing to compute)")
        }
        Some(NotForJit::Because(why)) => interpreted(why),
        None => match jit::verdict(&pk, value, true) {
            Ok(()) => "compiled: computed and summed in one AVX loop".into(),
            Err(why) => interpreted(why),
        },
    }
}

/// [`run`], with the JIT (`jit.rs`) allowed or not: the tests compare the two.
pub(crate) fn run_with(
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&[u8]],
    out: &mut [u8],
    allow_jit: bool,
) -> Result<()> {
    validate(kernel, inputs)?;
    let [output] = kernel.outputs.as_slice() else {
        return Err(Error::invalid(
            "cpu reduction",
            "a reduction kernel has exactly one output",
        ));
    };
    let nd = kernel.shape.len();
    if red.axes.iter().any(|&a| a >= nd) || red.axes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::invalid(
            "cpu reduction",
            format!(
                "bad reduction axes {:?} for shape {:?}",
                red.axes, kernel.shape
            ),
        ));
    }
    let kept: Vec<usize> = (0..nd).filter(|a| !red.axes.contains(a)).collect();
    let kept_shape: Vec<usize> = kept.iter().map(|&a| kernel.shape[a]).collect();
    let elems = out.len() / output.dtype.size_of();
    if output.layout.shape != kept_shape
        || output.layout.span().is_some_and(|(_, hi)| hi > elems)
        || !crate::exec::injective(&output.layout)
    {
        return Err(Error::invalid(
            "cpu reduction",
            format!(
                "output layout {:?} does not fit the reduced shape {kept_shape:?}",
                output.layout
            ),
        ));
    }
    let (strategy, pk, outputs, per) = arrangement(kernel, red);
    let reads = reads(&pk, inputs);
    let value = output.value;
    let vdtype = kernel.instrs[value].dtype;
    let want = if red.op.is_arg() { DType::I64 } else { vdtype };
    if output.dtype != want {
        return Err(Error::invalid(
            "cpu reduction",
            format!(
                "{} of {vdtype} writes {want}, not {}",
                red.op.name(),
                output.dtype
            ),
        ));
    }
    // A float sum of a computed value over contiguous runs: the JIT's loop
    // computes and sums it in one pass.
    let summer = if allow_jit && not_for_jit(red.op, &pk, value, strategy).is_none() {
        jit::compile_sum(&pk, &reads, value)
    } else {
        None
    };
    let summer = summer.as_ref();
    macro_rules! go {
        ($t:ty) => {{
            let (vals, idx) = match strategy {
                Strategy::Rows => by_rows::<$t>(&pk, &reads, value, red.op, per, outputs)?,
                Strategy::ShortRows | Strategy::Columns(_) => {
                    let short = |results: Results<'_, $t>| match strategy {
                        Strategy::Columns(swap) => {
                            by_columns(&pk, &reads, value, red.op, per, swap, results)
                        }
                        _ => by_short_rows(&pk, &reads, value, red.op, per, results),
                    };
                    return run_short(short, red.op, outputs, &output.layout, out);
                }
                Strategy::Runs => by_runs::<$t>(&pk, &reads, value, red.op, per, outputs, summer)?,
            };
            let sink = Sink::new(out);
            if red.op.is_arg() {
                write(&sink, &output.layout, bytemuck::cast_slice(&idx), 8);
            } else {
                write(
                    &sink,
                    &output.layout,
                    bytemuck::cast_slice(&vals),
                    std::mem::size_of::<$t>(),
                );
            }
        }};
    }
    match vdtype {
        DType::Bool => go!(u8),
        DType::I32 => go!(i32),
        DType::I64 => go!(i64),
        DType::U32 => go!(u32),
        DType::F32 => go!(f32),
        DType::F64 => go!(f64),
    }
    Ok(())
}

/// Runs a short strategy (`run(results)`) straight into the output's
/// memory when it is contiguous, else into a vector then written through
/// the output's layout.
fn run_short<T: Red>(
    run: impl Fn(Results<'_, T>) -> Result<()>,
    op: ReduceOp,
    outputs: usize,
    layout: &Layout,
    out: &mut [u8],
) -> Result<()> {
    let size = if op.is_arg() {
        8
    } else {
        std::mem::size_of::<T>()
    };
    if layout.is_contiguous() {
        let at = layout.offset * size;
        let bytes = &mut out[at..at + outputs * size];
        // Output buffers are aligned for their dtype; if one were not, the
        // vector below would take over.
        if op.is_arg() {
            if let Ok(p) = bytemuck::try_cast_slice_mut(bytes) {
                return run(Results::Positions(p));
            }
        } else if let Ok(v) = bytemuck::try_cast_slice_mut(bytes) {
            return run(Results::Values(v));
        }
    }
    let sink = Sink::new(out);
    if op.is_arg() {
        let mut p = vec![0i64; outputs];
        run(Results::Positions(&mut p))?;
        write(&sink, layout, bytemuck::cast_slice(&p), 8);
    } else {
        let mut v = vec![T::ZERO; outputs];
        run(Results::Values(&mut v))?;
        write(&sink, layout, bytemuck::cast_slice(&v), size);
    }
    Ok(())
}

/// Writes results (C order over the output's shape) through its layout.
fn write(sink: &Sink, layout: &Layout, bytes: &[u8], size: usize) {
    if bytes.is_empty() {
        return;
    }
    if layout.is_contiguous() {
        sink.write(layout.offset * size, bytes);
    } else {
        crate::exec::scatter(
            sink,
            size,
            bytes,
            layout,
            0,
            &mut vec![0; layout.shape.len()],
        );
    }
}
/// Evaluates flat range `start..end` in blocks, calling `f(offset, values)`.
/// When the value is a plain load of a contiguous input, the input's own
/// memory is handed over, in longer runs, with no copy.
fn blocks<T: Red>(
    ws: &mut Workspace,
    k: &Kernel,
    reads: &[Read],
    value: usize,
    start: usize,
    end: usize,
    mut f: impl FnMut(usize, &[T]),
) -> Result<()> {
    if let Some(Read::Contiguous { bytes, offset }) = reads.get(load_input(k, value)) {
        let all: &[T] = bytemuck::cast_slice(bytes);
        let mut s = start;
        while s < end {
            let len = (BLOCK * 16).min(end - s);
            f(s, &all[offset + s..offset + s + len]);
            s += len;
        }
        return Ok(());
    }
    let mut s = start;
    while s < end {
        let len = BLOCK.min(end - s);
        let v = ws.values(k, reads, value, s, len)?;
        f(s, T::slice(v));
        s += len;
    }
    Ok(())
}

/// The input a `Load` value reads (or an index past the inputs otherwise).
fn load_input(k: &Kernel, value: usize) -> usize {
    match k.instrs[value].op {
        Op::Load(i) => i,
        _ => usize::MAX,
    }
}
