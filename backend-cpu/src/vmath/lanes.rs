//! The machinery every vmath family shares: the drivers that run a lane
//! function over slices inside `simd::dispatch` (with the FMA and no-FMA
//! variants), polynomial evaluation, exact scaling by powers of two, and the
//! `unary!`/`binary!`/`via_f64!` macros that declare a public slice function
//! from its lanes. A leaf: the family files (`exp_log.rs`, `trig.rs` …)
//! build on it and never on each other's internals through `mod.rs`.

// Constants are quoted with all the digits of their sources.
#![allow(clippy::excessive_precision)]

pub(super) use crate::simd::{dispatch, SimdLevel};

// ---------------------------------------------------------------------------
// Drivers: run a lane function over slices inside `simd::dispatch`.
// ---------------------------------------------------------------------------

/// Elements per block of the drivers that may need a scalar fix-up pass.
pub(super) const BLOCK: usize = 1024;

/// True where the dispatched code runs with hardware FMA.
///
/// (The closures handed to `dispatch` below are `#[inline(always)]`: a
/// closure is called from three places there, and LLVM would otherwise keep
/// a big one out of line, compiled for the baseline target, with every
/// `mul_add` a libm call.)
#[inline(always)]
pub(super) fn has_fma() -> bool {
    matches!(
        SimdLevel::detect(),
        SimdLevel::Avx512 | SimdLevel::Avx2 | SimdLevel::Neon
    )
}

#[inline(always)]
pub(super) fn map1<T: Copy>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

#[inline(always)]
pub(super) fn map2<T: Copy>(a: &[T], b: &[T], out: &mut [T], f: impl Fn(T, T) -> T) {
    for ((o, &u), &v) in out.iter_mut().zip(a).zip(b) {
        *o = f(u, v);
    }
}

/// Like [`map1`], then recomputes the elements for which `bad` holds with
/// `slow` (a scalar call), block by block and only in blocks that have one.
#[inline(always)]
pub(super) fn map1_fix<T: Copy>(
    x: &[T],
    out: &mut [T],
    f: impl Fn(T) -> T,
    bad: impl Fn(T) -> bool,
    slow: impl Fn(T) -> T,
) {
    for (xb, ob) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        let mut any = false;
        for (o, &v) in ob.iter_mut().zip(xb) {
            *o = f(v);
            any |= bad(v);
        }
        if any {
            for (o, &v) in ob.iter_mut().zip(xb) {
                if bad(v) {
                    *o = slow(v);
                }
            }
        }
    }
}

#[inline(always)]
pub(super) fn run1<T: Copy>(
    x: &[T],
    out: &mut [T],
    fused: impl Fn(T) -> T,
    unfused: impl Fn(T) -> T,
) {
    if has_fma() {
        dispatch(
            #[inline(always)]
            || map1(x, out, fused),
        )
    } else {
        map1(x, out, unfused)
    }
}

#[inline(always)]
pub(super) fn run2<T: Copy>(
    a: &[T],
    b: &[T],
    out: &mut [T],
    fused: impl Fn(T, T) -> T,
    unfused: impl Fn(T, T) -> T,
) {
    if has_fma() {
        dispatch(
            #[inline(always)]
            || map2(a, b, out, fused),
        )
    } else {
        map2(a, b, out, unfused)
    }
}

#[inline(always)]
pub(super) fn run1_fix<T: Copy>(
    x: &[T],
    out: &mut [T],
    fused: impl Fn(T) -> T,
    unfused: impl Fn(T) -> T,
    bad: impl Fn(T) -> bool + Copy,
    slow: impl Fn(T) -> T + Copy,
) {
    if has_fma() {
        dispatch(
            #[inline(always)]
            || map1_fix(x, out, fused, bad, slow),
        )
    } else {
        map1_fix(x, out, unfused, bad, slow)
    }
}

// ---------------------------------------------------------------------------
// Scalar building blocks (all `#[inline(always)]`, branch-free).
// ---------------------------------------------------------------------------

/// `a * b + c`, fused when `F`.
#[inline(always)]
pub(super) fn mla32<const F: bool>(a: f32, b: f32, c: f32) -> f32 {
    if F {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `a * b + c`, fused when `F`.
#[inline(always)]
pub(super) fn mla64<const F: bool>(a: f64, b: f64, c: f64) -> f64 {
    if F {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `c[0] + x * (c[1] + x * (...))` (Horner).
#[inline(always)]
pub(super) fn poly32<const F: bool, const N: usize>(x: f32, c: &[f32; N]) -> f32 {
    let mut p = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        p = mla32::<F>(p, x, c[i]);
    }
    p
}

/// `c[0] + x * (c[1] + x * (...))` (Horner).
#[inline(always)]
pub(super) fn poly64<const F: bool, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut p = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        p = mla64::<F>(p, x, c[i]);
    }
    p
}

/// The same polynomial as [`poly64`] by Estrin's scheme: more operations
/// (three squarings for 13 terms) but a dependency chain of ~log2(N) fused
/// steps instead of N, for loops whose speed is the chain's latency.
#[inline(always)]
pub(super) fn estrin64<const F: bool, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut p = *c;
    let mut m = N;
    let mut xp = x;
    while m > 1 {
        let half = m.div_ceil(2);
        let mut i = 0;
        while i < half {
            p[i] = if 2 * i + 1 < m {
                mla64::<F>(p[2 * i + 1], xp, p[2 * i])
            } else {
                p[2 * i]
            };
            i += 1;
        }
        m = half;
        if m > 1 {
            xp *= xp;
        }
    }
    p[0]
}

#[inline(always)]
pub(super) fn copysign32(mag: f32, sign: f32) -> f32 {
    f32::from_bits((mag.to_bits() & 0x7fff_ffff) | (sign.to_bits() & 0x8000_0000))
}

#[inline(always)]
pub(super) fn copysign64(mag: f64, sign: f64) -> f64 {
    const S: u64 = 0x8000_0000_0000_0000;
    f64::from_bits((mag.to_bits() & !S) | (sign.to_bits() & S))
}

/// `x` limited to `[lo, hi]`; NaN stays NaN.
#[inline(always)]
pub(super) fn clamp32(x: f32, lo: f32, hi: f32) -> f32 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

/// `x` limited to `[lo, hi]`; NaN stays NaN.
#[inline(always)]
pub(super) fn clamp64(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

/// `1.5 * 2^23`: adding it rounds an `f32` of magnitude `< 2^22` to an
/// integer, which then sits in the low mantissa bits.
pub(super) const MAGIC32: f32 = 12_582_912.0;
/// `1.5 * 2^52`, the same for `f64`.
pub(super) const MAGIC64: f64 = 6_755_399_441_055_744.0;

/// Small `i64` to `f64` without `cvtqq2pd` (which AVX2 lacks).
#[inline(always)]
pub(super) fn i2f64(k: i64) -> f64 {
    f64::from_bits(MAGIC64.to_bits().wrapping_add(k as u64)) - MAGIC64
}

/// `p * 2^n` for `n` in `[-252, 254]`: two normal factors, so only the
/// last multiplication rounds (correct subnormal results).
#[inline(always)]
pub(super) fn scale32(p: f32, n: i32) -> f32 {
    let n1 = n >> 1;
    let n2 = n.wrapping_sub(n1);
    let s1 = f32::from_bits((n1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((n2.wrapping_add(127) as u32) << 23);
    p * s1 * s2
}

/// `p * 2^n` for `n` in `[-2044, 2046]`, as [`scale32`].
#[inline(always)]
pub(super) fn scale64(p: f64, n: i64) -> f64 {
    let n1 = n >> 1;
    let n2 = n.wrapping_sub(n1);
    let s1 = f64::from_bits((n1.wrapping_add(1023) as u64) << 52);
    let s2 = f64::from_bits((n2.wrapping_add(1023) as u64) << 52);
    p * s1 * s2
}

/// The rounding error `a + b - s` of `s = a + b` (Knuth's TwoSum: no
/// ordering of `|a|`, `|b|` needed). NaN when `s` is infinite.
#[inline(always)]
pub(super) fn two_sum_err(a: f64, b: f64, s: f64) -> f64 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

// ---------------------------------------------------------------------------
// f32 functions computed through the f64 kernels (used by the family files).
// ---------------------------------------------------------------------------

macro_rules! via_f64 {
    ($name32:ident, $lane64:ident) => {
        #[inline(always)]
        pub(super) fn $name32<const F: bool>(x: f32) -> f32 {
            $lane64::<F>(x as f64) as f32
        }
    };
}

// ---------------------------------------------------------------------------
// Public API.
// ---------------------------------------------------------------------------

macro_rules! unary {
    (
        $name:ident, $t:ty, $lane:ident, $what:literal,
        example: $x:literal => $want:literal, tol: $tol:literal
        $(, fix: $bad:ident, $slow:expr)?
    ) => {
        #[doc = concat!("Elementwise ", $what, " of `", stringify!($t), "`s: `out[i] = f(x[i])`.")]
        #[doc = ""]
        #[doc = "Branch-free, vectorised inside [`crate::simd::dispatch`]; processes"]
        #[doc = "`min(x.len(), out.len())` elements. Accuracy and special values: see"]
        #[doc = "the [module docs](crate::vmath)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("let mut o = [0.0", stringify!($t), "];")]
        #[doc = concat!("tandem_cpu::vmath::", stringify!($name), "(&[", $x, "], &mut o);")]
        #[doc = concat!("assert!((o[0] - ", $want, ").abs() <= ", $tol, ", \"{}\", o[0]);")]
        #[doc = "```"]
        pub fn $name(x: &[$t], out: &mut [$t]) {
            unary!(@run x, out, $lane $(, $bad, $slow)?)
        }
    };
    // The lanes go in as `#[inline(always)]` closures (see `binary!`): as
    // fn items, the big ones (asinh, acosh, atanh: 20 to 38 ns per
    // element) stayed out of line, compiled for the baseline target.
    (@run $x:ident, $out:ident, $lane:ident) => {
        run1(
            $x,
            $out,
            #[inline(always)]
            |v| $lane::<true>(v),
            #[inline(always)]
            |v| $lane::<false>(v),
        )
    };
    (@run $x:ident, $out:ident, $lane:ident, $bad:ident, $slow:expr) => {
        run1_fix(
            $x,
            $out,
            #[inline(always)]
            |v| $lane::<true>(v),
            #[inline(always)]
            |v| $lane::<false>(v),
            $bad,
            $slow,
        )
    };
}

macro_rules! binary {
    (
        $name:ident, $t:ty, $lane:expr, $lane_nofma:expr, $a:ident, $b:ident, $what:literal,
        example: ($xa:literal, $xb:literal) => $want:literal, tol: $tol:literal
    ) => {
        #[doc = concat!("Elementwise ", $what, " of `", stringify!($t), "`s.")]
        #[doc = ""]
        #[doc = "Processes `min` of the three lengths elements. Accuracy and special"]
        #[doc = "values: see the [module docs](crate::vmath)."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = concat!("let mut o = [0.0", stringify!($t), "];")]
        #[doc = concat!("tandem_cpu::vmath::", stringify!($name), "(&[", $xa, "], &[", $xb, "], &mut o);")]
        #[doc = concat!("assert!((o[0] - ", $want, ").abs() <= ", $tol, ", \"{}\", o[0]);")]
        #[doc = "```"]
        pub fn $name($a: &[$t], $b: &[$t], out: &mut [$t]) {
            // The lanes are passed as `#[inline(always)]` closures, not as
            // fn items: LLVM kept the `Fn::call` shim of a fn item this big
            // (atan2, pow) out of line, compiled for the baseline target, so
            // the loop ran scalar with every `mul_add` a call into libm
            // (pow_f32 and atan2 over 10^6 elements: 51 and 30 ns per
            // element; inlined, 2.9 and 2.7).
            run2(
                $a,
                $b,
                out,
                #[inline(always)]
                |u, v| $lane(u, v),
                #[inline(always)]
                |u, v| $lane_nofma(u, v),
            )
        }
    };
}

/// `r`, except `x` itself where `x` is `±0` (odd functions keep the sign).
#[inline(always)]
pub(super) fn keep_zero32(x: f32, r: f32) -> f32 {
    if x == 0.0 {
        x
    } else {
        r
    }
}

/// `r`, except `x` itself where `x` is `±0`.
#[inline(always)]
pub(super) fn keep_zero64(x: f64, r: f64) -> f64 {
    if x == 0.0 {
        x
    } else {
        r
    }
}

#[inline(always)]
pub(super) fn zero_low_word(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & 0xffff_ffff_0000_0000)
}

/// `a * b - p` for `p = a * b` rounded: exact with FMA, else Dekker's.
#[inline(always)]
pub(super) fn mul_err<const F: bool>(a: f64, b: f64, p: f64) -> f64 {
    if F {
        a.mul_add(b, -p)
    } else {
        two_prod_err(a, b, p)
    }
}

/// The rounding error `a * b - p` of `p = a * b` (Dekker's product, no FMA).
#[inline(always)]
pub(super) fn two_prod_err(a: f64, b: f64, p: f64) -> f64 {
    const SPLIT: f64 = 134_217_729.0; // 2^27 + 1
    let ca = SPLIT * a;
    let ah = ca - (ca - a);
    let al = a - ah;
    let cb = SPLIT * b;
    let bh = cb - (cb - b);
    let bl = b - bh;
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}
