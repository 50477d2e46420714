//! Choosing how a reduction kernel is iterated (runs, rows, short rows,
//! columns; see the module docs of `reduce`) and whether the JIT's summing
//! loop applies.

use super::blocks::load_input;
use super::columns::{SHORT_MAX, SHORT_MIN_OUTPUTS, SWAP_MAX};
use tandem_core::kernel::{Kernel, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp;
use tandem_core::DType;

/// Outputs below this many use the runs strategy even when the innermost
/// axis is kept: folding rows of a handful of outputs costs a block per row.
pub(crate) const ROWS_MIN_OUTPUTS: usize = 64;

/// `kernel` with its axes reordered by `perm` (inputs' layouts follow).
pub(crate) fn permuted(kernel: &Kernel, perm: &[usize]) -> Kernel {
    let mut k = kernel.clone();
    k.shape = perm.iter().map(|&a| kernel.shape[a]).collect();
    for (inp, orig) in k.inputs.iter_mut().zip(&kernel.inputs) {
        inp.layout.shape = k.shape.clone();
        inp.layout.strides = perm.iter().map(|&a| orig.layout.strides[a]).collect();
    }
    k
}

/// The shortest row that short rows read through a gather (see
/// [`arrangement`]).
pub(crate) const LONG_ROW: usize = 32;

/// How a reduction kernel is iterated (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
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
pub(crate) fn arrangement(kernel: &Kernel, red: &Reduction) -> (Strategy, Kernel, usize, usize) {
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
pub(crate) enum NotForJit {
    /// The sum of a plain input: read in place, nothing to compute.
    PlainInput,
    Because(String),
}

/// Why `op` over value `value` of the arranged kernel `pk` is not for the
/// JIT's summing loop, or `None` when it is (a float sum of a computed
/// value over contiguous runs), whether the JIT then compiles it or not.
pub(crate) fn not_for_jit(
    op: ReduceOp,
    pk: &Kernel,
    value: usize,
    strategy: Strategy,
) -> Option<NotForJit> {
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
