//! The element types reductions run on ([`Red`]) and float summation:
//! pairwise, in leaves of [`LEAF`] values summed in [`LANES`] lanes (as
//! NumPy's 128-value leaves over 8 lanes, or better), the order the JIT's
//! summing loop (`jit.rs`) reproduces.

use crate::block::{Src, BLOCK};
use crate::jit;

/// An element type reductions run on.
pub(crate) trait Red: Copy + PartialOrd + Send + Sync + bytemuck::Pod + 'static {
    const ZERO: Self;
    const ONE: Self;
    /// NaN for floats; unused (zero) for the others.
    const NAN: Self;
    fn is_nan(self) -> bool;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// The sum of a slice: pairwise for floats (NumPy's accuracy or better),
    /// wrapping for integers.
    fn sum(v: &[Self]) -> Self;
    fn slice(r: Src<'_>) -> &[Self];
    /// `extreme.rs`'s one-pass search (`max` or min, a NaN winning if
    /// `nan_wins`) in explicit SIMD where this type has it (`scan_x86.rs`):
    /// the best value and its first position, the lanes starting from
    /// `v[seed]`, a number. `None` where there is none: the portable loop
    /// runs instead.
    fn scan_simd(v: &[Self], seed: usize, max: bool, nan_wins: bool) -> Option<(Self, usize)> {
        let _ = (v, seed, max, nan_wins);
        None
    }
}

/// [`Red::scan_simd`] for a type with lanes `A2` (AVX2) and `A5` (AVX-512)
/// in `scan_x86.rs`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn scan_x86<A2, A5>(v: &[A2::E], seed: usize, max: bool, nan_wins: bool) -> Option<(A2::E, usize)>
where
    A2: super::scan_x86::Lanes,
    A5: super::scan_x86::Lanes<E = A2::E>,
{
    use super::scan_x86::{scan_avx2, scan_avx512};
    use crate::simd::SimdLevel;
    assert!(seed < v.len() && v.len() <= i32::MAX as usize);
    // SAFETY (both arms): the level was detected on this CPU, and the
    // lanes are that level's; `seed < v.len() < 2^31`, checked just above.
    match SimdLevel::detect() {
        SimdLevel::Avx512 => Some(unsafe {
            match (max, nan_wins) {
                (true, true) => scan_avx512::<A5, true, true>(v, seed),
                (true, false) => scan_avx512::<A5, true, false>(v, seed),
                (false, true) => scan_avx512::<A5, false, true>(v, seed),
                (false, false) => scan_avx512::<A5, false, false>(v, seed),
            }
        }),
        SimdLevel::Avx2 => Some(unsafe {
            match (max, nan_wins) {
                (true, true) => scan_avx2::<A2, true, true>(v, seed),
                (true, false) => scan_avx2::<A2, true, false>(v, seed),
                (false, true) => scan_avx2::<A2, false, true>(v, seed),
                (false, false) => scan_avx2::<A2, false, false>(v, seed),
            }
        }),
        _ => None,
    }
}

/// `Red::scan_simd` by [`scan_x86`] with lanes `$a2` (AVX2) and `$a5`
/// (AVX-512) on x86-64.
macro_rules! scan_simd {
    ($a2:ident, $a5:ident) => {
        fn scan_simd(v: &[Self], seed: usize, max: bool, nan_wins: bool) -> Option<(Self, usize)> {
            #[cfg(target_arch = "x86_64")]
            return scan_x86::<super::scan_x86::$a2, super::scan_x86::$a5>(v, seed, max, nan_wins);
            #[cfg(not(target_arch = "x86_64"))]
            {
                let _ = (v, seed, max, nan_wins);
                None
            }
        }
    };
}

macro_rules! red_int {
    ($t:ty, $v:ident, $add:expr, $mul:expr $(, $a2:ident, $a5:ident)?) => {
        impl Red for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const NAN: Self = 0;
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                $add(self, o)
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                $mul(self, o)
            }
            fn sum(v: &[Self]) -> Self {
                crate::simd::dispatch(
                    #[inline(always)]
                    || v.iter().fold(0 as $t, |a, &x| $add(a, x)),
                )
            }
            fn slice(r: Src<'_>) -> &[Self] {
                match r {
                    Src::$v(v) => v,
                    _ => &[],
                }
            }
            $(scan_simd!($a2, $a5);)?
        }
    };
}
// Bool values (0 or 1) add and multiply as NumPy's bool `add` and
// `multiply`: logical or and logical and (a sum of 256 trues is true, not a
// wrapped 0). The core sums bools as I64 counts; this is the kernel-level
// `sum` of `Bool` into `Bool`.
red_int!(u8, Bool, |a: u8, b: u8| a | b, |a: u8, b: u8| a & b);
red_int!(
    i32,
    I32,
    i32::wrapping_add,
    i32::wrapping_mul,
    I32x8,
    I32x16
);
red_int!(i64, I64, i64::wrapping_add, i64::wrapping_mul, I64x4, I64x8);
red_int!(
    u32,
    U32,
    u32::wrapping_add,
    u32::wrapping_mul,
    U32x8,
    U32x16
);

macro_rules! red_float {
    ($t:ty, $v:ident, $a2:ident, $a5:ident) => {
        impl Red for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAN: Self = <$t>::NAN;
            #[inline(always)]
            fn is_nan(self) -> bool {
                self != self
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self + o
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn sum(v: &[Self]) -> Self {
                crate::simd::dispatch(
                    #[inline(always)]
                    || pairwise(v),
                )
            }
            fn slice(r: Src<'_>) -> &[Self] {
                match r {
                    Src::$v(v) => v,
                    _ => &[],
                }
            }
            scan_simd!($a2, $a5);
        }
    };
}
red_float!(f32, F32, F32x8, F32x16);
red_float!(f64, F64, F64x4, F64x8);

/// Lanes of the sum accumulators: four AVX-512 registers of f32, so four
/// independent add chains hide the add latency.
pub(super) const LANES: usize = 64;
/// Values per leaf of the pairwise tree (16 per lane, as NumPy's 128-value
/// leaves over 8 lanes).
pub(super) const LEAF: usize = 16 * LANES;

/// The sum of at most [`LEAF`] values: [`LANES`] lanes, combined as a tree.
#[inline(always)]
pub(super) fn leaf_sum<T: Red>(v: &[T]) -> T {
    let mut acc = [T::ZERO; LANES];
    let chunks = v.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        let c: &[T; LANES] = c.try_into().expect("chunks_exact gives LANES values");
        for j in 0..LANES {
            acc[j] = acc[j].add(c[j]);
        }
    }
    for (a, &x) in acc.iter_mut().zip(rest) {
        *a = a.add(x);
    }
    lane_tree(acc)
}

/// The lanes of a leaf, added as a tree.
#[inline(always)]
pub(super) fn lane_tree<T: Red>(mut acc: [T; LANES]) -> T {
    let mut w = LANES;
    while w > 1 {
        w /= 2;
        for i in 0..w {
            acc[i] = acc[i].add(acc[i + w]);
        }
    }
    acc[0]
}

/// `T::sum` of one whole block of [`BLOCK`] values (a single leaf) from its
/// lanes as the JIT's summing loop leaves them (`jit.rs`): the leaf's tree,
/// then pairwise summation's final `+ 0`.
pub(super) fn block_sum_from_lanes<T: Red>(lanes: &[T]) -> T {
    let lanes: [T; LANES] = lanes.try_into().expect("a block's lanes");
    lane_tree(lanes).add(T::ZERO)
}

// The JIT's summing loop must cut and lay out blocks exactly as this module.
const _: () = assert!(BLOCK == LEAF && BLOCK == jit::SUM_BLOCK && LANES == jit::SUM_LANES);
/// Blocks summed per call of the JIT's loop: their lanes (16 KiB of f64 at
/// most) stay in L1 until folded.
pub(super) const JIT_BLOCKS: usize = 16;

/// Pairwise summation (NumPy's algorithm, error O(log n)), iterative so
/// that it inlines into the SIMD trampoline: leaf sums are merged like a
/// binary counter, each merge adding two sums of equal size.
#[inline(always)]
pub(super) fn pairwise<T: Red>(v: &[T]) -> T {
    let mut stack: [(T, u32); 64] = [(T::ZERO, 0); 64];
    let mut depth = 0;
    for leaf in v.chunks(LEAF) {
        let mut s = (leaf_sum(leaf), 0u32);
        while depth > 0 && stack[depth - 1].1 == s.1 {
            depth -= 1;
            s = (stack[depth].0.add(s.0), s.1 + 1);
        }
        stack[depth] = s;
        depth += 1;
    }
    let mut total = T::ZERO;
    while depth > 0 {
        depth -= 1;
        total = stack[depth].0.add(total);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_is_exact_on_integers_and_close_on_floats() {
        let v: Vec<f32> = (0..100_000).map(|i| (i % 7) as f32).collect();
        let exact: f64 = v.iter().map(|&x| x as f64).sum();
        assert_eq!(pairwise(&v) as f64, exact);
        let w: Vec<f32> = (0..1_000_000)
            .map(|i| 0.1 + (i % 3) as f32 * 1e-3)
            .collect();
        let exact: f64 = w.iter().map(|&x| x as f64).sum();
        assert!(((pairwise(&w) as f64 - exact) / exact).abs() < 1e-6);
    }
}
