//! The extreme (min/max by a reduction's NaN rule) of a contiguous run and
//! the position of its first occurrence, in one pass.
//!
//! Lanes each keep the best value they have seen and where (a strict
//! comparison keeps a lane's earliest); the lanes are then merged, ties
//! going to the smallest position. That is a compare and two selects per
//! element, so a run is read once. On x86-64 the loop is `scan_x86.rs`'s
//! intrinsics (AVX-512 or AVX2); elsewhere, and for bools, the portable
//! [`scan`] here, which LLVM vectorises for ints but, for floats, only
//! sometimes. The former two passes (a lane min/max, then a search for its
//! first position, which does not vectorise) made `argmin(axis=1)` of a
//! 4096² f32 matrix 1.5 times slower than NumPy; one pass runs at 17-23
//! f32 (9-13 f64) per ns and core with AVX-512, faster than memory.
//!
//! NaN: the NaN-skipping ops start every lane at the first number, and a
//! NaN never compares better, so lanes only hold numbers; for the
//! NaN-propagating ones a NaN also wins over a number (one "not worse"
//! comparison is true for both), and nothing replaces a NaN, so a lane
//! keeps its first NaN and the merge prefers NaN lanes.

use super::red::Red;
use tandem_core::ops::ReduceOp;

/// Lanes of one group of the portable search: an AVX-512 register of f32
/// (and of 32-bit positions).
const W: usize = 16;
/// Values per step of the search: four groups of lanes, four
/// compare/select chains side by side.
const LANES: usize = 4 * W;

/// The extreme of a run by `op`'s rule (a min/max or arg-reduction) and
/// the offset of its first occurrence (`None` if the run has no candidate:
/// empty, or all NaN for the NaN-skipping ops). For min/max the offset is
/// that of some occurrence (only the value matters there). Runs are blocks
/// of a kernel (`blocks` in mod.rs), far shorter than 2^31 values.
#[inline(always)]
pub(super) fn extreme<T: Red>(op: ReduceOp, v: &[T]) -> (T, Option<usize>) {
    assert!(
        v.len() <= i32::MAX as usize,
        "a reduction block of {} values",
        v.len()
    );
    let greater = matches!(
        op,
        ReduceOp::Max | ReduceOp::ArgMax | ReduceOp::NanMax | ReduceOp::NanArgMax
    );
    let skip_nan = matches!(
        op,
        ReduceOp::NanMax | ReduceOp::NanArgMax | ReduceOp::NanMin | ReduceOp::NanArgMin
    );
    let Some(seed) = v.iter().position(|x| !x.is_nan()) else {
        return if skip_nan || v.is_empty() {
            (T::NAN, None)
        } else {
            (T::NAN, Some(0))
        };
    };
    if seed > 0 && !skip_nan {
        // The run starts with a NaN: that is the answer.
        return (T::NAN, Some(0));
    }
    // Min and max track positions too: that measured faster than without
    // (LLVM vectorises the value-only loop worse, 5-6 against 8-15 values
    // per ns here).
    if let Some((best, at)) = T::scan_simd(v, seed, greater, !skip_nan) {
        return (best, Some(at));
    }
    let (best, at) = crate::simd::dispatch(
        #[inline(always)]
        || match (greater, skip_nan) {
            (true, false) => scan::<T, true, true>(v, seed),
            (true, true) => scan::<T, true, false>(v, seed),
            (false, false) => scan::<T, false, true>(v, seed),
            (false, true) => scan::<T, false, false>(v, seed),
        },
    );
    (best, Some(at))
}

/// `x` is strictly better than `y` for a max (`MAX`) or a min.
#[inline(always)]
fn better<T: Red, const MAX: bool>(x: T, y: T) -> bool {
    if MAX {
        x > y
    } else {
        x < y
    }
}

/// One pass over `v`: the best value by the op's rule and the position
/// of its first occurrence. Every lane starts
/// from `v[seed]`, a number: a lane moves to strictly better numbers, and
/// to a NaN when `NAN_WINS` (then stays there), so a lane still at the
/// start points at `seed`, the earliest position its value can have
/// (everything before `seed` is NaN).
#[inline(always)]
pub(super) fn scan<T: Red, const MAX: bool, const NAN_WINS: bool>(
    v: &[T],
    seed: usize,
) -> (T, usize) {
    // Four independent groups of lanes, each a fully unrolled 16-wide step
    // on its own named arrays, so that LLVM keeps them in registers (one
    // loop over 64 lanes, or an array of groups, kept them in memory and
    // ran 3-10 times slower).
    #[inline(always)]
    fn step<T: Red, const MAX: bool, const NAN_WINS: bool>(
        b: &mut [T; W],
        a: &mut [u32; W],
        c: &[T],
        base: u32,
    ) {
        for j in 0..W {
            let x = c[j];
            let take = wins::<T, MAX, NAN_WINS>(x, b[j]);
            b[j] = if take { x } else { b[j] };
            a[j] = if take { base + j as u32 } else { a[j] };
        }
    }
    let (mut b0, mut b1, mut b2, mut b3) = ([v[seed]; W], [v[seed]; W], [v[seed]; W], [v[seed]; W]);
    let s = seed as u32;
    let (mut a0, mut a1, mut a2, mut a3) = ([s; W], [s; W], [s; W], [s; W]);
    // A macro, not a closure: a closure holding the arrays kept them in
    // memory again.
    macro_rules! steps {
        ($c:expr, $base:expr) => {{
            let (c, base): (&[T], u32) = ($c, $base);
            step::<T, MAX, NAN_WINS>(&mut b0, &mut a0, &c[..W], base);
            step::<T, MAX, NAN_WINS>(&mut b1, &mut a1, &c[W..2 * W], base + W as u32);
            step::<T, MAX, NAN_WINS>(&mut b2, &mut a2, &c[2 * W..3 * W], base + 2 * W as u32);
            step::<T, MAX, NAN_WINS>(&mut b3, &mut a3, &c[3 * W..], base + 3 * W as u32);
        }};
    }
    let chunks = v.chunks_exact(LANES);
    let rest = chunks.remainder();
    let mut base = 0u32;
    for c in chunks {
        steps!(c, base);
        base += LANES as u32;
    }
    // Merge the lanes, ties to the earliest position, then the tail.
    let (mut b, mut a) = (b0[0], a0[0]);
    for (bg, ag) in [(b0, a0), (b1, a1), (b2, a2), (b3, a3)] {
        for (&x, &i) in bg.iter().zip(&ag) {
            let tie = x == b || (x.is_nan() && b.is_nan());
            if wins::<T, MAX, NAN_WINS>(x, b) || (tie && i < a) {
                (b, a) = (x, i);
            }
        }
    }
    for (i, &x) in rest.iter().enumerate() {
        if wins::<T, MAX, NAN_WINS>(x, b) {
            (b, a) = (x, base + i as u32);
        }
    }
    (b, a as usize)
}

/// `x` replaces the best so far `b`: it is strictly better, or (when
/// `NAN_WINS`) the first NaN.
#[inline(always)]
// `!(x >= b)` is meant: it is true for a NaN `x`, which is the point.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn wins<T: Red, const MAX: bool, const NAN_WINS: bool>(x: T, b: T) -> bool {
    if NAN_WINS {
        // "Not worse" is true for a NaN `x` too: one compare for both
        // (and `&`, not `&&`: no branch, so it vectorises).
        let not_worse = if MAX { !(x <= b) } else { !(x >= b) };
        not_worse & !b.is_nan()
    } else {
        better::<T, MAX>(x, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_finds_first_nan_and_first_tie() {
        let v = [1.0f32, 3.0, 3.0, f32::NAN, 5.0, f32::NAN];
        assert_eq!(extreme(ReduceOp::ArgMax, &v).1, Some(3));
        assert_eq!(extreme(ReduceOp::NanArgMax, &v), (5.0, Some(4)));
        let w: Vec<f32> = (0..100).map(|i| (i % 10) as f32).collect();
        assert_eq!(extreme(ReduceOp::ArgMax, &w), (9.0, Some(9)));
        assert_eq!(extreme(ReduceOp::NanArgMin, &[f32::NAN; 20]).1, None);
    }

    /// Every length around the lane count, the extreme at every position,
    /// ties before and after it, against a plain first-occurrence search.
    #[test]
    fn extreme_matches_a_plain_search_at_every_length_and_position() {
        for len in 1..3 * LANES + 5 {
            for at in 0..len {
                let mut v: Vec<f32> = (0..len).map(|i| ((i * 37) % 11) as f32).collect();
                v[at] = -1.0;
                // A tie later on, and one in another lane.
                if at + 3 < len {
                    v[at + 3] = -1.0;
                }
                if at + LANES + 1 < len {
                    v[at + LANES + 1] = -1.0;
                }
                assert_eq!(
                    extreme(ReduceOp::ArgMin, &v),
                    (-1.0, Some(at)),
                    "{len} {at}"
                );
                assert_eq!(extreme(ReduceOp::NanArgMin, &v), (-1.0, Some(at)));
                let w: Vec<i64> = v.iter().map(|&x| -x as i64).collect();
                assert_eq!(extreme(ReduceOp::ArgMax, &w), (1, Some(at)));
                // A NaN anywhere: argmin finds the first, nanargmin skips it.
                let mut n = v.clone();
                n[(at + len / 2) % len] = f32::NAN;
                let first_nan = n.iter().position(|x| x.is_nan());
                assert_eq!(extreme(ReduceOp::ArgMin, &n).1, first_nan);
                let want = n
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| !x.is_nan())
                    .min_by(|a, b| a.1.partial_cmp(b.1).unwrap())
                    .map(|(i, _)| i);
                assert_eq!(extreme(ReduceOp::NanArgMin, &n).1, want);
            }
        }
    }
}
