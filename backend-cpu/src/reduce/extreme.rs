//! The extreme (min/max by a reduction's NaN rule) of a contiguous run and
//! the position of its first occurrence.

use super::red::Red;
use tandem_core::ops::ReduceOp;

/// Lanes of the min/max search.
const EXT_LANES: usize = 16;

/// The extreme of a run by `op`'s rule and the offset of its first
/// occurrence (`None` if the run has no candidate: all NaN for the
/// NaN-skipping ops). Two passes over an L1-resident run: a lane-parallel
/// min/max of pure selects (a NaN never wins a comparison, so it is skipped
/// there and detected on the side), then a search for its first position.
#[inline(always)]
pub(super) fn extreme<T: Red>(op: ReduceOp, v: &[T]) -> (T, Option<usize>) {
    let greater = matches!(
        op,
        ReduceOp::Max | ReduceOp::ArgMax | ReduceOp::NanMax | ReduceOp::NanArgMax
    );
    let skip_nan = matches!(
        op,
        ReduceOp::NanMax | ReduceOp::NanArgMax | ReduceOp::NanMin | ReduceOp::NanArgMin
    );
    crate::simd::dispatch(
        #[inline(always)]
        || {
            let Some(seed) = v.iter().position(|x| !x.is_nan()) else {
                return if skip_nan {
                    (T::NAN, None)
                } else {
                    (T::NAN, Some(0))
                };
            };
            let mut lanes = [v[seed]; EXT_LANES];
            let mut nan = [false; EXT_LANES];
            let chunks = v.chunks_exact(EXT_LANES);
            let rest = chunks.remainder();
            for c in chunks {
                for ((b, n), &x) in lanes.iter_mut().zip(nan.iter_mut()).zip(c) {
                    *n |= x.is_nan();
                    *b = if (greater && x > *b) || (!greater && x < *b) {
                        x
                    } else {
                        *b
                    };
                }
            }
            let mut best = v[seed];
            let mut has_nan = seed > 0 || nan.contains(&true);
            for &b in &lanes {
                best = if (greater && b > best) || (!greater && b < best) {
                    b
                } else {
                    best
                };
            }
            for &x in rest {
                has_nan |= x.is_nan();
                best = if (greater && x > best) || (!greater && x < best) {
                    x
                } else {
                    best
                };
            }
            if has_nan && !skip_nan {
                return (T::NAN, v.iter().position(|x| x.is_nan()));
            }
            (best, v.iter().position(|&x| x == best))
        },
    )
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
}
