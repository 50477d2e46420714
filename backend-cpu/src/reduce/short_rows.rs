//! The short-rows strategy: a short innermost axis reduced (`sum(-1)` of
//! an n × 4 matrix, `argmin(axis=1)` of 10^6 × 8) where every input is
//! read in storage order, so a block of whole rows is consecutive values:
//! the input's own memory for a plain input, one interpreter block of
//! whole rows for a computed value. Each row is reduced in registers by a
//! loop specialised for its length (2 to 8, and 16: LLVM then vectorises
//! across rows, loading rows interleaved), or a plain loop for the others.
//!
//! Measured on 2^20 rows of f32 in one thread: argmin over rows of 8 at
//! 1.6 ns per row specialised, 19 ns with the length a run-time value (its
//! branches mispredict); a strided gather into columns (`columns.rs`) 7-9 ns.
//! NumPy takes 17-24 ns per row (a call of its inner loop per row).
//!
//! Float sums follow NumPy's order for rows of up to 128 values: in order
//! for fewer than 8, otherwise eight accumulators over strided values,
//! combined `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the remaining
//! `n % 8` in order, and the total added to zero (a sum of -0.0 is 0.0, as
//! NumPy's). Extremes follow the NaN rules of `extreme.rs`, first index on
//! ties.

use super::blocks::PARALLEL_MIN;
use super::red::Red;
use super::results::Results;
use crate::block::{Read, BLOCK};
use crate::exec::Workspace;
use tandem_core::kernel::{Kernel, Op};
use tandem_core::ops::ReduceOp;
use tandem_core::Result;

/// NumPy's accumulators for rows of 8 to 128 values.
const NP_LANES: usize = 8;

/// Reduces the kernel `k` (in storage order: output `o` reduces flat
/// indices `o*per .. (o+1)*per`) row by row into `results`.
pub(super) fn by_short_rows<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    results: Results<'_, T>,
) -> Result<()> {
    let outputs = results.len();
    // A plain input's memory (all of it, from the kernel's first element).
    let plain: Option<&[T]> = match k.instrs[value].op {
        Op::Load(i) => match &reads[i] {
            Read::Contiguous { bytes, offset } => {
                Some(&bytemuck::cast_slice::<u8, T>(bytes)[*offset..*offset + outputs * per])
            }
            Read::Strided { .. } => None,
        },
        _ => None,
    };
    // Whole rows per group: one interpreter block of a computed value, a
    // block's worth of outputs of a plain input.
    let group = if plain.is_some() {
        BLOCK
    } else {
        (BLOCK / per).max(1)
    };
    results.for_groups(
        group,
        outputs * per >= PARALLEL_MIN,
        || None,
        |ws: &mut Option<Workspace>, first, vals, idx| {
            let n = vals.len();
            let v = match plain {
                Some(all) => &all[first * per..(first + n) * per],
                None => {
                    let ws = ws.get_or_insert_with(|| Workspace::new(k, BLOCK, false));
                    T::slice(ws.values(k, reads, value, first * per, n * per)?)
                }
            };
            reduce_rows(op, v, per, vals, idx);
            Ok(())
        },
    )
}

/// Reduces rows of `per` consecutive values (`v.len() == out.len() * per`)
/// into `out`, and for the min/max family their positions into `idx` (as
/// long as `out`; scratch for the non-arg ones).
pub(super) fn reduce_rows<T: Red>(
    op: ReduceOp,
    v: &[T],
    per: usize,
    out: &mut [T],
    idx: &mut [i64],
) {
    debug_assert_eq!(v.len(), out.len() * per);
    match op {
        ReduceOp::Sum => sums::<T, false>(v, per, out),
        ReduceOp::NanSum => sums::<T, true>(v, per, out),
        ReduceOp::Prod => fold(v, per, out, T::ONE, |a, x| a.mul(x)),
        ReduceOp::Any => fold(v, per, out, T::ZERO, |a, x| {
            if a != T::ZERO || x != T::ZERO {
                T::ONE
            } else {
                T::ZERO
            }
        }),
        ReduceOp::All => fold(v, per, out, T::ONE, |a, x| {
            if a != T::ZERO && x != T::ZERO {
                T::ONE
            } else {
                T::ZERO
            }
        }),
        _ => {
            let max = matches!(
                op,
                ReduceOp::Max | ReduceOp::ArgMax | ReduceOp::NanMax | ReduceOp::NanArgMax
            );
            let skip = matches!(
                op,
                ReduceOp::NanMax | ReduceOp::NanArgMax | ReduceOp::NanMin | ReduceOp::NanArgMin
            );
            let at = idx;
            match (max, skip) {
                (true, true) => extremes::<T, true, true>(v, per, out, at),
                (true, false) => extremes::<T, true, false>(v, per, out, at),
                (false, true) => extremes::<T, false, true>(v, per, out, at),
                (false, false) => extremes::<T, false, false>(v, per, out, at),
            }
            // An all-NaN row has no position for the NaN-skipping ones.
            if skip {
                for (i, o) in at.iter_mut().zip(out.iter()) {
                    if o.is_nan() {
                        *i = -1;
                    }
                }
            }
        }
    }
}

/// Calls `$f::<T, D, ..>(v, out, ..)` with the row length `$per` as a
/// constant where it is one of the specialised lengths, else `$n(..)`.
macro_rules! by_length {
    ($per:expr, $f:ident, $n:ident, [$($p:tt)*], ($($arg:expr),*)) => {
        match $per {
            2 => $f::<T, 2, $($p)*>($($arg),*),
            3 => $f::<T, 3, $($p)*>($($arg),*),
            4 => $f::<T, 4, $($p)*>($($arg),*),
            5 => $f::<T, 5, $($p)*>($($arg),*),
            6 => $f::<T, 6, $($p)*>($($arg),*),
            7 => $f::<T, 7, $($p)*>($($arg),*),
            8 => $f::<T, 8, $($p)*>($($arg),*),
            16 => $f::<T, 16, $($p)*>($($arg),*),
            per => $n::<T, $($p)*>(per, $($arg),*),
        }
    };
}

/// Row sums in NumPy's order (NaN counted as zero if `NAN`).
fn sums<T: Red, const NAN: bool>(v: &[T], per: usize, out: &mut [T]) {
    crate::simd::dispatch(
        #[inline(always)]
        || by_length!(per, sums_d, sums_n, [NAN], (v, out)),
    )
}

/// A value as a sum sees it: NaN as zero for nansum.
#[inline(always)]
fn term<T: Red, const NAN: bool>(x: T) -> T {
    if NAN && x.is_nan() {
        T::ZERO
    } else {
        x
    }
}

/// `op`'s (sum or nansum) [`row_sum`] of one row of at most 128 values.
pub(super) fn numpy_sum<T: Red>(op: ReduceOp, row: &[T]) -> T {
    if op == ReduceOp::NanSum {
        row_sum::<T, true>(row)
    } else {
        row_sum::<T, false>(row)
    }
}

/// NumPy's `pairwise_sum` of one row of `n <= 128` values, then added to
/// zero as NumPy's reduction adds it to its identity.
#[inline(always)]
fn row_sum<T: Red, const NAN: bool>(row: &[T]) -> T {
    let n = row.len();
    let s = if n < NP_LANES {
        row.iter().fold(T::ZERO, |s, &x| s.add(term::<T, NAN>(x)))
    } else {
        let mut r = [T::ZERO; NP_LANES];
        for j in 0..NP_LANES {
            r[j] = term::<T, NAN>(row[j]);
        }
        let whole = n - n % NP_LANES;
        for c in row[NP_LANES..whole].chunks_exact(NP_LANES) {
            for j in 0..NP_LANES {
                r[j] = r[j].add(term::<T, NAN>(c[j]));
            }
        }
        let s = r[0]
            .add(r[1])
            .add(r[2].add(r[3]))
            .add(r[4].add(r[5]).add(r[6].add(r[7])));
        row[whole..]
            .iter()
            .fold(s, |s, &x| s.add(term::<T, NAN>(x)))
    };
    T::ZERO.add(s)
}

#[inline(always)]
fn sums_d<T: Red, const D: usize, const NAN: bool>(v: &[T], out: &mut [T]) {
    for (row, o) in v.chunks_exact(D).zip(out.iter_mut()) {
        let row: &[T; D] = row.try_into().expect("chunks_exact gives D values");
        *o = row_sum::<T, NAN>(row);
    }
}

#[inline(always)]
fn sums_n<T: Red, const NAN: bool>(per: usize, v: &[T], out: &mut [T]) {
    for (row, o) in v.chunks_exact(per).zip(out.iter_mut()) {
        *o = row_sum::<T, NAN>(row);
    }
}

/// Rows folded in order from `init` by `f` (products, any, all).
fn fold<T: Red>(v: &[T], per: usize, out: &mut [T], init: T, f: impl Fn(T, T) -> T) {
    crate::simd::dispatch(
        #[inline(always)]
        || {
            for (row, o) in v.chunks_exact(per).zip(out.iter_mut()) {
                *o = row.iter().fold(init, |a, &x| f(a, x));
            }
        },
    )
}

/// Row extremes (greatest if `MAX`) and their first positions; NaN wins
/// unless `SKIP` (then a row of NaN gives NaN).
fn extremes<T: Red, const MAX: bool, const SKIP: bool>(
    v: &[T],
    per: usize,
    out: &mut [T],
    at: &mut [i64],
) {
    crate::simd::dispatch(
        #[inline(always)]
        || by_length!(per, extremes_d, extremes_n, [MAX, SKIP], (v, out, at)),
    )
}

/// The extreme of one row and its first position: every value after the
/// first replaces the best so far if it wins by the rule (see [`takes`]).
#[inline(always)]
fn extreme_of<T: Red, const MAX: bool, const SKIP: bool>(row: &[T]) -> (T, i64) {
    let (mut b, mut at) = (row[0], 0i64);
    for (j, &x) in row.iter().enumerate().skip(1) {
        let t = takes::<T, MAX, SKIP>(x, b);
        b = if t { x } else { b };
        at = if t { j as i64 } else { at };
    }
    (b, at)
}

/// `x` replaces the best so far `b`: strictly better; or, NaN-propagating,
/// a NaN over a number (one "not worse" comparison covers both; nothing
/// replaces a NaN); or, NaN-skipping, a number over a NaN (a row that
/// starts with NaNs). `&` and `|`, not `&&` and `||`: no branches, so LLVM
/// vectorises the loops across rows.
#[inline(always)]
// `!(x >= b)` is meant: it is true for a NaN `x`.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn takes<T: Red, const MAX: bool, const SKIP: bool>(x: T, b: T) -> bool {
    if SKIP {
        let better = if MAX { x > b } else { x < b };
        better | (b.is_nan() & !x.is_nan())
    } else {
        let not_worse = if MAX { !(x <= b) } else { !(x >= b) };
        not_worse & !b.is_nan()
    }
}

#[inline(always)]
fn extremes_d<T: Red, const D: usize, const MAX: bool, const SKIP: bool>(
    v: &[T],
    out: &mut [T],
    at: &mut [i64],
) {
    for ((row, o), a) in v.chunks_exact(D).zip(out.iter_mut()).zip(at.iter_mut()) {
        let row: &[T; D] = row.try_into().expect("chunks_exact gives D values");
        (*o, *a) = extreme_of::<T, MAX, SKIP>(row);
    }
}

#[inline(always)]
fn extremes_n<T: Red, const MAX: bool, const SKIP: bool>(
    per: usize,
    v: &[T],
    out: &mut [T],
    at: &mut [i64],
) {
    for ((row, o), a) in v.chunks_exact(per).zip(out.iter_mut()).zip(at.iter_mut()) {
        (*o, *a) = extreme_of::<T, MAX, SKIP>(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NumPy 2.4's sums of short float32 rows, bit for bit: in order below
    /// 8, eight lanes and their tree from 8 (`np.float32` sums of these rows
    /// give exactly these values).
    #[test]
    fn sums_follow_numpys_order() {
        let row = [1e8f32, 1.0, -1e8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let mut out = [0.0f32; 1];
        let mut idx = [0i64; 1];
        reduce_rows(ReduceOp::Sum, &row, 10, &mut out, &mut idx);
        assert_eq!(out[0], 6.0);
        reduce_rows(ReduceOp::Sum, &row[..5], 5, &mut out, &mut idx);
        assert_eq!(out[0], 2.0);
        reduce_rows(ReduceOp::Sum, &[-0.0f32; 3], 3, &mut out, &mut idx);
        assert_eq!(out[0].to_bits(), 0.0f32.to_bits());
    }

    /// Every row length up to 40, every specialised one, against a plain
    /// first-occurrence search, with NaNs, ties and both zeros.
    #[test]
    fn extremes_match_a_plain_search_at_every_length() {
        for per in 1..=40usize {
            let rows = 37;
            let v: Vec<f64> = (0..rows * per)
                .map(|i| match (i * 7 + per) % 11 {
                    0 => f64::NAN,
                    1 => -0.0,
                    2 => 0.0,
                    k => (k % 5) as f64 - 2.0,
                })
                .collect();
            for op in [
                ReduceOp::ArgMin,
                ReduceOp::ArgMax,
                ReduceOp::NanArgMin,
                ReduceOp::NanArgMax,
            ] {
                let mut out = vec![0.0; rows];
                let mut idx = vec![0i64; rows];
                reduce_rows(op, &v, per, &mut out, &mut idx);
                for (o, row) in v.chunks(per).enumerate() {
                    let skip = matches!(op, ReduceOp::NanArgMin | ReduceOp::NanArgMax);
                    let max = matches!(op, ReduceOp::ArgMax | ReduceOp::NanArgMax);
                    let want = if !skip && row.iter().any(|x| x.is_nan()) {
                        row.iter().position(|x| x.is_nan()).unwrap() as i64
                    } else {
                        let mut best: Option<usize> = None;
                        for (j, &x) in row.iter().enumerate() {
                            if x.is_nan() {
                                continue;
                            }
                            if best.is_none_or(|b| if max { x > row[b] } else { x < row[b] }) {
                                best = Some(j);
                            }
                        }
                        best.map_or(-1, |b| b as i64)
                    };
                    assert_eq!(idx[o], want, "{op:?} row {o} of {per}: {row:?}");
                }
            }
        }
    }
}
