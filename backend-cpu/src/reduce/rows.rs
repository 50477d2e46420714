//! The rows strategy (the innermost axis is kept, e.g. `sum(axis=0)` of a
//! C-order matrix): reduced axes go first, and each block of consecutive
//! outputs is folded elementwise into a row of accumulators, so memory
//! streams in storage order (never column by column). Threads split the
//! outputs, or bands of rows when a row of accumulators fits in cache.

use super::blocks::{blocks, PARALLEL_MIN};
use super::red::Red;
use crate::block::{Read, BLOCK};
use crate::exec::Workspace;
use rayon::prelude::*;
use tandem_core::kernel::Kernel;
use tandem_core::ops::ReduceOp;
use tandem_core::Result;

/// Rows of accumulators up to this size are folded per thread over bands of
/// rows (they stay in L2); wider ones are split by column slabs instead.
const ROW_BAND_MAX_BYTES: usize = 256 * 1024;

/// Elementwise fold of one row of values into the row of accumulators
/// (`acc`, `idx` for arg-reductions) at reduced index `r` (rows strategy).
pub(super) fn fold_row<T: Red>(op: ReduceOp, acc: &mut [T], idx: &mut [i64], v: &[T], r: i64) {
    crate::simd::dispatch(
        #[inline(always)]
        || match op {
            ReduceOp::Sum => acc.iter_mut().zip(v).for_each(|(a, &x)| *a = a.add(x)),
            ReduceOp::NanSum => acc
                .iter_mut()
                .zip(v)
                .for_each(|(a, &x)| *a = if x.is_nan() { *a } else { a.add(x) }),
            ReduceOp::Prod => acc.iter_mut().zip(v).for_each(|(a, &x)| *a = a.mul(x)),
            ReduceOp::Any => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if *a != T::ZERO || x != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }),
            ReduceOp::All => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if *a != T::ZERO && x != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }),
            ReduceOp::Max => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if !a.is_nan() && (x.is_nan() || x > *a) {
                    x
                } else {
                    *a
                }
            }),
            ReduceOp::Min => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if !a.is_nan() && (x.is_nan() || x < *a) {
                    x
                } else {
                    *a
                }
            }),
            ReduceOp::NanMax => acc
                .iter_mut()
                .zip(v)
                .for_each(|(a, &x)| *a = if x > *a || a.is_nan() { x } else { *a }),
            ReduceOp::NanMin => acc
                .iter_mut()
                .zip(v)
                .for_each(|(a, &x)| *a = if x < *a || a.is_nan() { x } else { *a }),
            ReduceOp::ArgMax | ReduceOp::ArgMin => {
                let greater = op == ReduceOp::ArgMax;
                for ((a, i), &x) in acc.iter_mut().zip(idx.iter_mut()).zip(v) {
                    let take = !a.is_nan() && (x.is_nan() || if greater { x > *a } else { x < *a });
                    *a = if take { x } else { *a };
                    *i = if take { r } else { *i };
                }
            }
            ReduceOp::NanArgMax | ReduceOp::NanArgMin => {
                let greater = op == ReduceOp::NanArgMax;
                for ((a, i), &x) in acc.iter_mut().zip(idx.iter_mut()).zip(v) {
                    let take = !x.is_nan() && (*i < 0 || if greater { x > *a } else { x < *a });
                    *a = if take { x } else { *a };
                    *i = if take { r } else { *i };
                }
            }
        },
    )
}

/// Folds the partial results of a later band of rows (`b`, `bi`) into an
/// earlier one (`a`, `ai`), elementwise, by `op`'s rule (ties keep the
/// earlier band's index).
fn merge_rows<T: Red>(op: ReduceOp, a: &mut [T], ai: &mut [i64], b: &[T], bi: &[i64]) {
    for ((x, xi), (&y, &yi)) in a.iter_mut().zip(ai.iter_mut()).zip(b.iter().zip(bi)) {
        let take = match op {
            ReduceOp::Sum | ReduceOp::NanSum => {
                *x = x.add(y);
                false
            }
            ReduceOp::Prod => {
                *x = x.mul(y);
                false
            }
            ReduceOp::Any => {
                *x = if *x != T::ZERO || y != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                };
                false
            }
            ReduceOp::All => {
                *x = if *x != T::ZERO && y != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                };
                false
            }
            ReduceOp::Max | ReduceOp::ArgMax => !x.is_nan() && (y.is_nan() || y > *x),
            ReduceOp::Min | ReduceOp::ArgMin => !x.is_nan() && (y.is_nan() || y < *x),
            ReduceOp::NanMax => !y.is_nan() && (x.is_nan() || y > *x),
            ReduceOp::NanMin => !y.is_nan() && (x.is_nan() || y < *x),
            ReduceOp::NanArgMax => yi >= 0 && (*xi < 0 || y > *x),
            ReduceOp::NanArgMin => yi >= 0 && (*xi < 0 || y < *x),
        };
        if take {
            *x = y;
            *xi = yi;
        }
    }
}
/// How a row of accumulators starts for `op`: its value, and whether it is
/// instead seeded with the first row (then positions start at that row).
/// Extremes start from the first row; so do the NaN-skipping ones on types
/// without NaN (their NaN placeholder would be a real value, 0).
pub(super) fn start<T: Red>(op: ReduceOp) -> (T, bool) {
    let init = match op {
        ReduceOp::Prod | ReduceOp::All => T::ONE,
        ReduceOp::NanMax | ReduceOp::NanMin => T::NAN,
        _ => T::ZERO,
    };
    let seeded = matches!(
        op,
        ReduceOp::Max | ReduceOp::Min | ReduceOp::ArgMax | ReduceOp::ArgMin
    ) || (matches!(op, ReduceOp::NanMax | ReduceOp::NanMin) && !T::NAN.is_nan());
    (init, seeded)
}

/// The rows strategy: flat index `r*outputs + o`; each thread folds rows
/// of its own output range into a row of accumulators.
pub(super) fn by_rows<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    outputs: usize,
) -> Result<(Vec<T>, Vec<i64>)> {
    let (init, seeded) = start::<T>(op);
    // Rows r0..r1 of outputs o0..o1 folded into one row of accumulators.
    let slab = |ws: &mut Workspace,
                o0: usize,
                o1: usize,
                r0: usize,
                r1: usize|
     -> Result<(Vec<T>, Vec<i64>)> {
        let mut acc = vec![init; o1 - o0];
        let mut idx = vec![if seeded { r0 as i64 } else { -1 }; o1 - o0];
        for r in r0..r1 {
            let base = r * outputs;
            blocks::<T>(ws, k, reads, value, base + o0, base + o1, |s, v| {
                let at = s - base - o0;
                if r == r0 && seeded {
                    acc[at..at + v.len()].copy_from_slice(v);
                } else {
                    fold_row(
                        op,
                        &mut acc[at..at + v.len()],
                        &mut idx[at..at + v.len()],
                        v,
                        r as i64,
                    );
                }
            })?;
        }
        if r0 == r1 && matches!(op, ReduceOp::Max | ReduceOp::Min) {
            acc.fill(T::NAN);
        }
        Ok((acc, idx))
    };
    if outputs * per < PARALLEL_MIN {
        let mut ws = Workspace::new(k, BLOCK, false);
        return slab(&mut ws, 0, outputs, 0, per);
    }
    let threads = rayon::current_num_threads().max(1);
    if outputs * std::mem::size_of::<T>() <= ROW_BAND_MAX_BYTES && per >= threads {
        // A row of accumulators fits in cache: each thread folds a band of
        // whole rows (one contiguous stream, which the prefetchers love),
        // and the bands' rows of partial results are merged in order.
        let band = per.div_ceil(threads);
        let parts = (0..per.div_ceil(band))
            .into_par_iter()
            .map_init(
                || Workspace::new(k, BLOCK, false),
                |ws, b| slab(ws, 0, outputs, b * band, ((b + 1) * band).min(per)),
            )
            .collect::<Result<Vec<_>>>()?;
        let mut it = parts.into_iter();
        let (mut acc, mut idx) = it.next().expect("at least one band");
        for (v, i) in it {
            merge_rows(op, &mut acc, &mut idx, &v, &i);
        }
        return Ok((acc, idx));
    }
    // Slabs of whole blocks, several per thread; each thread streams its
    // columns of every row, so memory is read in storage order.
    let chunk = (outputs.div_ceil(threads * 2)).div_ceil(BLOCK).max(1) * BLOCK;
    let parts = (0..outputs.div_ceil(chunk))
        .into_par_iter()
        .map_init(
            || Workspace::new(k, BLOCK, false),
            |ws, c| slab(ws, c * chunk, ((c + 1) * chunk).min(outputs), 0, per),
        )
        .collect::<Result<Vec<_>>>()?;
    let mut vals = Vec::with_capacity(outputs);
    let mut idx = Vec::with_capacity(outputs);
    for (v, i) in parts {
        vals.extend(v);
        idx.extend(i);
    }
    Ok((vals, idx))
}
