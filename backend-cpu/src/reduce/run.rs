//! Running a kernel that ends in a reduction: check it, arrange it by its
//! strategy, hand it to the JIT or the strategy's loops, and write the
//! results through the output's layout.

use super::columns::by_columns;
use super::red::Red;
use super::results::Results;
use super::rows::by_rows;
use super::runs::by_runs;
use super::short_rows::by_short_rows;
use super::strategy::{arrangement, not_for_jit, NotForJit, Strategy};
use crate::block::{reads, Sink, BLOCK};
use crate::exec::validate;
use crate::jit;
use tandem_core::kernel::{Kernel, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp;
use tandem_core::{DType, Error, Result};

/// Runs a kernel ending in `red`, writing its single output into `out`.
pub(crate) fn run(
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&[u8]],
    out: &mut [u8],
) -> Result<()> {
    run_with(kernel, red, inputs, out, jit::enabled())
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
pub(crate) fn run_short<T: Red>(
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
pub(crate) fn write(sink: &Sink, layout: &Layout, bytes: &[u8], size: usize) {
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
