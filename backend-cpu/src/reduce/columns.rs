//! The columns strategy: reductions over a short innermost axis with many
//! outputs whose inputs broadcast or stride, such as the k-means distance
//! `((x[:, None, :] - c[None, :, :])**2).sum(-1)` (a kernel over [n, k, d]
//! whose inputs have stride 0 on k and n, reduced over d).
//!
//! Reduced over runs (`runs.rs`), each output costs a block evaluation of a
//! handful of values and a reduction call (70-120 ns per output measured,
//! and the gathers of a block run along the short axis: d values at a
//! time). Here the iteration is
//! turned around, as in the rows strategy: reduced axes first, so for each
//! reduced index `r` the kernel evaluates one value per output of a tile
//! of consecutive outputs (a block of the interpreter, its inputs gathered
//! along the longest-running kept axis), and that column is folded into
//! the tile's accumulators elementwise, in SIMD across outputs. Tiles are
//! small enough that their accumulators stay in L1/L2 while every `r`
//! passes; threads split the tiles.
//!
//! Float sums follow NumPy's order for a row of `n <= 128` values (its
//! `pairwise_sum` below the recursion): sequential for `n < 8`, otherwise
//! eight accumulators over strided elements, combined as
//! `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the remaining `n % 8`
//! added in order. So `sum(-1)` over short rows gives NumPy's bits.
//! Arg-reductions fold in order with strict comparisons: the first index
//! wins ties, as everywhere.

use super::red::Red;
use super::results::Results;
use super::rows::{fold_row, start};
use super::PARALLEL_MIN;
use crate::exec::{Read, Workspace, BLOCK};
use tandem_core::kernel::Kernel;
use tandem_core::ops::ReduceOp;
use tandem_core::Result;

/// The longest reduced extent that takes this strategy: NumPy sums rows of
/// up to 128 values with its eight accumulators and no recursion, and past
/// that the runs strategy's per-output cost is small beside the row's.
pub(super) const SHORT_MAX: usize = 128;
/// Fewest outputs that take this strategy (a tile is a SIMD loop over
/// outputs; a few outputs are better reduced over runs).
pub(super) const SHORT_MIN_OUTPUTS: usize = 64;
/// Outputs per tile: one interpreter block.
const TILE: usize = BLOCK;
/// NumPy's accumulators for rows of 8 to 128 values.
const NP_LANES: usize = 8;

/// Reduces the arranged kernel `k` (flat index `r * outputs + o`, reduced
/// axes first) over `per` values per output, by columns, into `results`.
pub(super) fn by_columns<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    results: Results<'_, T>,
) -> Result<()> {
    let outputs = results.len();
    results.for_groups(
        TILE,
        outputs * per >= PARALLEL_MIN,
        || (Workspace::new(k, BLOCK, false), Vec::new()),
        |(ws, lanes), first, vals, idx| {
            tile(
                ws, k, reads, value, op, per, outputs, first, vals, idx, lanes,
            )
        },
    )
}

/// One tile: outputs `o0 .. o0 + vals.len()` (at most [`TILE`]), every
/// reduced index `r` in order, into `vals` and (the min/max family) `idx`,
/// as long; `lanes` is scratch for NumPy's eight accumulators.
#[allow(clippy::too_many_arguments)]
fn tile<T: Red>(
    ws: &mut Workspace,
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    outputs: usize,
    o0: usize,
    vals: &mut [T],
    idx: &mut [i64],
    lanes: &mut Vec<T>,
) -> Result<()> {
    let n = vals.len();
    // The tile's values at reduced index `r`: one interpreter block.
    macro_rules! column {
        ($r:expr) => {
            T::slice(ws.values(k, reads, value, $r * outputs + o0, n)?)
        };
    }
    match op {
        ReduceOp::Sum | ReduceOp::NanSum => {
            let nan_sum = op == ReduceOp::NanSum;
            let zero_nan = |x: T| if nan_sum && x.is_nan() { T::ZERO } else { x };
            vals.fill(T::ZERO);
            if per < NP_LANES {
                for r in 0..per {
                    let v = column!(r);
                    add(vals, v, zero_nan);
                }
                return Ok(());
            }
            // NumPy's eight accumulators: rows `r % 8`, then their tree.
            lanes.clear();
            lanes.resize(NP_LANES * n, T::ZERO);
            let whole = per - per % NP_LANES;
            for r in 0..whole {
                let v = column!(r);
                let lane = &mut lanes[(r % NP_LANES) * n..(r % NP_LANES + 1) * n];
                if r < NP_LANES {
                    copy(lane, v, zero_nan);
                } else {
                    add(lane, v, zero_nan);
                }
            }
            tree(vals, lanes);
            for r in whole..per {
                let v = column!(r);
                add(vals, v, zero_nan);
            }
            // NumPy adds the row's sum to the identity: -0.0 becomes 0.0.
            add(vals, &[], |x| x);
            Ok(())
        }
        _ => {
            let (init, seeded) = start::<T>(op);
            vals.fill(init);
            idx.fill(if seeded { 0 } else { -1 });
            for r in 0..per {
                let v = column!(r);
                if r == 0 && seeded {
                    vals.copy_from_slice(v);
                } else {
                    fold_row(op, vals, idx, v, r as i64);
                }
            }
            Ok(())
        }
    }
}

/// `acc += f(v)` elementwise; with `v` empty, `acc = 0 + acc`.
#[inline(always)]
fn add<T: Red>(acc: &mut [T], v: &[T], f: impl Fn(T) -> T) {
    crate::simd::dispatch(
        #[inline(always)]
        || {
            if v.is_empty() {
                acc.iter_mut().for_each(|a| *a = T::ZERO.add(*a));
            } else {
                acc.iter_mut().zip(v).for_each(|(a, &x)| *a = a.add(f(x)));
            }
        },
    )
}

/// `acc = f(v)` elementwise.
#[inline(always)]
fn copy<T: Red>(acc: &mut [T], v: &[T], f: impl Fn(T) -> T) {
    crate::simd::dispatch(
        #[inline(always)]
        || acc.iter_mut().zip(v).for_each(|(a, &x)| *a = f(x)),
    )
}

/// `out = ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))` elementwise,
/// over the eight rows of `lanes` (NumPy's combination of its accumulators).
fn tree<T: Red>(out: &mut [T], lanes: &[T]) {
    let n = out.len();
    let l = |i: usize| &lanes[i * n..(i + 1) * n];
    let (l0, l1, l2, l3, l4, l5, l6, l7) = (l(0), l(1), l(2), l(3), l(4), l(5), l(6), l(7));
    crate::simd::dispatch(
        #[inline(always)]
        || {
            for o in 0..n {
                let a = l0[o].add(l1[o]).add(l2[o].add(l3[o]));
                let b = l4[o].add(l5[o]).add(l6[o].add(l7[o]));
                out[o] = a.add(b);
            }
        },
    )
}
