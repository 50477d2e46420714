//! The columns strategy: reductions over a short innermost axis with many
//! outputs whose inputs broadcast or stride, such as the k-means distance
//! `((x[:, None, :] - c[None, :, :])**2).sum(-1)` (a kernel over [n, k, d]
//! whose inputs have stride 0 on k and on n, reduced over d).
//!
//! Reduced over runs (`runs.rs`), each output costs a block evaluation of a
//! handful of values and a reduction call (70-120 ns per output measured),
//! and the gathers of a block run along the short axis, d values at a time.
//! Here the iteration is turned around, as in the rows strategy: reduced
//! axes first, so for each reduced index `r` the kernel evaluates one value
//! per output of a tile of consecutive outputs (a block of the
//! interpreter, its inputs gathered along the innermost kept axis), and
//! that column is folded into the tile's accumulators elementwise, in SIMD
//! across outputs. Tiles are small enough that their accumulators stay in
//! L1/L2 while every `r` passes; threads split the tiles.
//!
//! When the innermost kept axis is short and the one before it longer (k
//! and n of the k-means distance), the two are iterated swapped: each tile
//! is then `b` tiles along the long axis, and its results are transposed
//! into the output's order. The k-means distance of 10^6 points to 4
//! centroids in 2-D went from ~50 to ~12 ms (NumPy's einsum: ~70).
//!
//! Float sums follow NumPy's order for a row of `n <= 128` values (its
//! `pairwise_sum` below the recursion): sequential for `n < 8`, otherwise
//! eight accumulators over strided elements, combined as
//! `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the remaining `n % 8`
//! added in order; so these sums give NumPy's bits. Arg-reductions fold in
//! order with strict comparisons: the first index wins ties, as everywhere.

use super::blocks::PARALLEL_MIN;
use super::red::Red;
use super::results::Results;
use super::rows::{fold_row, start};
use crate::block::{Read, BLOCK};
use crate::exec::Workspace;
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
/// The longest innermost kept axis iterated swapped with the one before.
pub(super) const SWAP_MAX: usize = 64;
/// Outputs per group of a swapped tiling (each of its `b` columns a tile
/// of `SWAPPED_GROUP / b` outputs): the accumulators stay in L2.
const SWAPPED_GROUP: usize = 8 * BLOCK;
/// NumPy's accumulators for rows of 8 to 128 values.
const NP_LANES: usize = 8;

/// Reduces the arranged kernel `k` (flat index `r * outputs + o`, reduced
/// axes first) over `per` values per output, by columns, into `results`.
/// With `swap` = `Some((a, b))`, `k`'s last two axes are the output's last
/// two swapped (lengths `b`, then `a`; see [`swapped`]).
pub(super) fn by_columns<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    swap: Option<(usize, usize)>,
    results: Results<'_, T>,
) -> Result<()> {
    let outputs = results.len();
    let parallel = outputs * per >= PARALLEL_MIN;
    let init = || (Workspace::new(k, BLOCK, false), Scratch::default());
    match swap {
        None => results.for_groups(TILE, parallel, init, |(ws, s), first, vals, idx| {
            tile(
                ws,
                k,
                reads,
                value,
                op,
                per,
                outputs,
                first,
                vals,
                idx,
                &mut s.lanes,
            )
        }),
        Some((a, b)) => {
            let group = (SWAPPED_GROUP / b).clamp(1, TILE) * b;
            results.for_groups(group, parallel, init, |(ws, s), first, vals, idx| {
                let ab = a * b;
                // Split at the boundaries of the outer kept axes.
                let mut o = first;
                while o < first + vals.len() {
                    let end = (first + vals.len()).min((o / ab + 1) * ab);
                    let (v, i) = (o - first, end - first);
                    let at = o - o / ab * ab;
                    let x = Swapped {
                        base: o / ab * ab,
                        a,
                        b,
                        a0: at / b,
                        m: (end - o) / b,
                    };
                    swapped(
                        ws,
                        k,
                        reads,
                        value,
                        op,
                        per,
                        outputs,
                        x,
                        &mut vals[v..i],
                        &mut idx[v..i],
                        s,
                    )?;
                    o = end;
                }
                Ok(())
            })
        }
    }
}

/// Per-thread scratch of the tiles.
struct Scratch<T> {
    /// NumPy's eight accumulators per output.
    lanes: Vec<T>,
    /// A swapped tile's results, column by column.
    vals: Vec<T>,
    idx: Vec<i64>,
}

impl<T> Default for Scratch<T> {
    fn default() -> Self {
        Scratch {
            lanes: Vec::new(),
            vals: Vec::new(),
            idx: Vec::new(),
        }
    }
}

/// Where a swapped tile lies: outputs `base + i*b + j` for `i` in `a0 ..
/// a0 + m` and `j` in `0..b` (in the output's order, consecutive), which
/// the kernel iterates as `base + j*a + i`.
struct Swapped {
    base: usize,
    a: usize,
    b: usize,
    a0: usize,
    m: usize,
}

/// One tile of a swapped tiling: for each `j`, a tile of the `m` outputs
/// `base + j*a + a0 ..` in the kernel's order (gathers along the long
/// axis), then the results transposed into the output's order.
#[allow(clippy::too_many_arguments)]
fn swapped<T: Red>(
    ws: &mut Workspace,
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    outputs: usize,
    x: Swapped,
    vals: &mut [T],
    idx: &mut [i64],
    s: &mut Scratch<T>,
) -> Result<()> {
    let (m, b) = (x.m, x.b);
    s.vals.resize(m * b, T::ZERO);
    s.idx.resize(m * b, 0);
    for j in 0..b {
        let o0 = x.base + j * x.a + x.a0;
        let (v, i) = (
            &mut s.vals[j * m..(j + 1) * m],
            &mut s.idx[j * m..(j + 1) * m],
        );
        tile(
            ws,
            k,
            reads,
            value,
            op,
            per,
            outputs,
            o0,
            v,
            i,
            &mut s.lanes,
        )?;
    }
    // Into the output's order, writing it in order (reads stride, which
    // costs less than stores that do; both stay in L1/L2).
    transpose(&s.vals, vals, b, m);
    if op.is_arg() {
        transpose(&s.idx, idx, b, m);
    }
    Ok(())
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

/// `dst[i*b + j] = src[j*m + i]`: `b` rows of `m` into `m` rows of `b`.
fn transpose<U: Copy>(src: &[U], dst: &mut [U], b: usize, m: usize) {
    let src = &src[..b * m];
    for (i, row) in dst[..m * b].chunks_exact_mut(b).enumerate() {
        for (j, d) in row.iter_mut().enumerate() {
            *d = src[j * m + i];
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
