//! Vectorised elementwise math over `f32` / `f64` slices: exponentials,
//! logarithms, trigonometric and hyperbolic functions, sigmoid, `atan2` and
//! `pow`.
//!
//! # Why this module exists
//!
//! NumPy evaluates `np.exp`, `np.log`, `np.sin`, `np.cos`, `np.tanh`, ... on
//! `float32` (and several on `float64`) with hand-written AVX-512 / AVX2
//! kernels. A Rust loop calling `f32::sin` per element cannot keep up: every
//! element is a call into libm, which never vectorises. The functions here
//! are written so that LLVM vectorises them instead: every per-element
//! routine (a "lane") is a branch-free `#[inline(always)]` function built from
//! polynomials, bit manipulation (`to_bits` / `from_bits`) and selects
//! (`if c { a } else { b }` on values computed unconditionally), with no calls
//! and no early returns. Each public function runs its loop inside
//! [`crate::simd::dispatch`], so the loop is compiled for AVX-512 or AVX2+FMA
//! when the CPU has them (and for the baseline target otherwise).
//!
//! # Design
//!
//! * **Argument reduction + polynomial.** `exp` reduces to `|r| <= ln2/2`
//!   (Cody–Waite, constants with trailing zero bits so products are exact);
//!   `ln` splits the exponent off and evaluates a polynomial in `m - 1`,
//!   `m` in `[sqrt(1/2), sqrt(2))`; `sin`/`cos` reduce by `pi/2` and pick the
//!   sine or cosine polynomial by quadrant. `f32` coefficients are minimax
//!   fits (Remez, computed with mpmath in 60-digit precision, rounded to
//!   `f32` one by one with the remaining ones refitted); the `f64` kernels
//!   use fdlibm's coefficients and reduction schemes where fdlibm has a
//!   branch-free core (`ln`, `log2`, `log10`, `sin`, `cos`, `tan`, `atan`,
//!   `asin`, `acos`; its branches become selects) and minimax fits
//!   otherwise (`exp`, `exp2`, `tanh`, `sinh`).
//! * **Special values by selects.** Overflow, underflow (with correctly
//!   rounded subnormal results: `2^n` is applied as two normal factors so
//!   only the last multiplication rounds), zeros, infinities, NaN and
//!   negative arguments of logarithms are patched with selects after the
//!   main computation.
//! * **Huge trigonometric arguments.** The vector reduction is accurate for
//!   `|x| <= 65536` (`f32`: three-part `pi/2` with FMA) and `|x| <= 1.6e6`
//!   (`f64`: fdlibm's three-round reduction). Each block of 1024 elements
//!   records whether it met a larger (or non-finite) argument; only such
//!   blocks get a second, scalar pass that recomputes those elements with
//!   `std` (Payne–Hanek in libm; `f32` through `f64`). Ordinary data never
//!   pays for it.
//! * **FMA.** Polynomials use `mul_add` when the dispatched code runs where
//!   FMA is in hardware (AVX2+FMA, AVX-512, NEON) and `a * b + c` otherwise
//!   (a `mul_add` without hardware FMA is a libm call that would stop
//!   vectorisation); where FMA matters for exactness (the `f32` `pi/2`
//!   reduction, the last steps of `f32` `log2`/`log10`, the `atan2`
//!   quotient residual) the unfused variant has its own exact formulation.
//!   Both variants meet the accuracy bounds and are tested.
//! * **`f32` via `f64`.** `tan`, `atan`, `asin`, `acos`, `sinh`, `cosh`,
//!   `atan2` and `pow` for `f32` widen to `f64`, run the vectorised `f64`
//!   kernel and round once: nearly correctly rounded, and still vectorised
//!   (half the lanes of the native `f32` kernels). `sigmoid_f32` does its
//!   `e^-|x|` and quotient in `f64` too (in `f32` the roundings of the two
//!   compound to 2.4 ULP for negative `x`).
//! * **`pow_f64`** is the one function not vectorised: it calls `std`'s
//!   `powf` per element (an accurate double-double `log` / `exp` pair is
//!   future work). `pow_f32` is vectorised.
//!
//! # Accuracy
//!
//! `f32`: error in ULP of the exact result (the `f64` computation, rounded
//! as needed), measured over **all 2^32 inputs** for every unary function
//! (an ignored test, `exhaustive_f32`; the FMA and the unfused variant of
//! the native kernels), and over 1.6 million pseudo-random pairs for `atan2` and
//! `pow`. `f64`: distance in ULP to `std`'s (glibc's) result over ~1.4
//! million pseudo-random inputs per function (small, moderate, huge,
//! subnormal, negative, near multiples of `pi/2`, random bit patterns) plus
//! special values; where that distance reaches 2, comparing both with
//! mpmath showed `std` to be the less accurate one (e.g. `log10`, `tanh`,
//! `sinh`, `cosh`, the naive `1/(1+exp(-x))`); the last column is our error
//! against mpmath (40 digits) on 9000 random inputs per function.
//!
//! | function | `f32` max error | `f64` max distance to `std` | `f64` max error |
//! |---|---|---|---|
//! | `exp` | 0.95 (unfused 1.22) | 1 | 0.92 |
//! | `exp2` | 0.90 (unfused 1.14) | 1 | 0.75 |
//! | `ln` | 0.91 (unfused 0.90) | 1 | 0.74 |
//! | `log2` | 0.96 (unfused 0.97) | 1 | 0.63 |
//! | `log10` | 0.94 (unfused 0.82) | 2 | 0.63 |
//! | `sin` | 1.49 (unfused 1.49) | 1 | 0.75 |
//! | `cos` | 1.49 (unfused 1.49) | 1 | 0.72 |
//! | `tan` | 0.50 | 1 | 0.81 |
//! | `tanh` | 0.97 (unfused 1.16) | 2 | 1.14 |
//! | `sigmoid` | 0.50 (unfused 0.50) | 2 | 0.97 |
//! | `sinh` | 0.50 | 2 | 1.34 |
//! | `cosh` | 0.50 | 2 | 1.19 |
//! | `atan` | 0.50 | 1 | 0.73 |
//! | `asin` | 0.50 | 1 | 0.75 |
//! | `acos` | 0.50 | 1 | 0.81 |
//! | `atan2` | 0.50 | 1 | |
//! | `pow` | 0.50 | 0 (`std`) | |
//!
//! Every function follows IEEE 754 / C99 / NumPy for special values: NaN in
//! gives NaN out; `exp(-inf) = 0`, `exp(+inf) = inf`, overflow gives `inf`
//! and underflow gradual subnormals then `0`; `ln(0) = -inf`,
//! `ln(x < 0) = NaN`, `ln(inf) = inf`; `sin(±inf) = NaN`,
//! `sin(-0.0) = -0.0` (odd functions keep the sign of zero); `tanh` and
//! `sigmoid` saturate to exactly `±1` / `0` / `1` and are exact near 0
//! (`tanh(1e-8) = 1e-8`); `atan2` follows the C99 table for zeros and
//! infinities; `pow` implements the C99 table (`pow(x, 0) = 1` even for NaN
//! `x`, `pow(1, y) = 1`, `pow(-1, ±inf) = 1`, a negative base with a
//! non-integer exponent is NaN, signed zeros and infinities by parity).
//! Those values are tabulated in `vmath::special`, which this module's
//! tests and the GPU backend's (`backend-gpu/tests/transcendental.rs`) both
//! check bit for bit.
//!
//! All functions process `min(x.len(), out.len())` elements and never panic.
//!
//! ```
//! use tandem_cpu::vmath;
//! let x: Vec<f32> = (0..1000).map(|i| i as f32 * 0.01).collect();
//! let mut y = vec![0.0f32; x.len()];
//! vmath::exp_f32(&x, &mut y);
//! assert!((y[100] - 1.0f32.exp()).abs() <= 1e-6 * y[100]);
//! ```

// Constants are quoted with all the digits of their sources (fdlibm, or the
// mpmath fits), which is more than the types hold.
#![allow(clippy::excessive_precision)]

use crate::simd::{dispatch, SimdLevel};

#[doc(hidden)]
pub mod inputs;
#[doc(hidden)]
pub mod special;

// ---------------------------------------------------------------------------
// Drivers: run a lane function over slices inside `simd::dispatch`.
// ---------------------------------------------------------------------------

/// Elements per block of the drivers that may need a scalar fix-up pass.
const BLOCK: usize = 1024;

/// True where the dispatched code runs with hardware FMA.
///
/// (The closures handed to `dispatch` below are `#[inline(always)]`: a
/// closure is called from three places there, and LLVM would otherwise keep
/// a big one out of line, compiled for the baseline target, with every
/// `mul_add` a libm call.)
#[inline(always)]
fn has_fma() -> bool {
    matches!(
        SimdLevel::detect(),
        SimdLevel::Avx512 | SimdLevel::Avx2 | SimdLevel::Neon
    )
}

#[inline(always)]
fn map1<T: Copy>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

#[inline(always)]
fn map2<T: Copy>(a: &[T], b: &[T], out: &mut [T], f: impl Fn(T, T) -> T) {
    for ((o, &u), &v) in out.iter_mut().zip(a).zip(b) {
        *o = f(u, v);
    }
}

/// Like [`map1`], then recomputes the elements for which `bad` holds with
/// `slow` (a scalar call), block by block and only in blocks that have one.
#[inline(always)]
fn map1_fix<T: Copy>(
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
fn run1<T: Copy>(x: &[T], out: &mut [T], fused: impl Fn(T) -> T, unfused: impl Fn(T) -> T) {
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
fn run2<T: Copy>(
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
fn run1_fix<T: Copy>(
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
fn mla32<const F: bool>(a: f32, b: f32, c: f32) -> f32 {
    if F {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `a * b + c`, fused when `F`.
#[inline(always)]
fn mla64<const F: bool>(a: f64, b: f64, c: f64) -> f64 {
    if F {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `c[0] + x * (c[1] + x * (...))` (Horner).
#[inline(always)]
fn poly32<const F: bool, const N: usize>(x: f32, c: &[f32; N]) -> f32 {
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
fn poly64<const F: bool, const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut p = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        p = mla64::<F>(p, x, c[i]);
    }
    p
}

#[inline(always)]
fn copysign32(mag: f32, sign: f32) -> f32 {
    f32::from_bits((mag.to_bits() & 0x7fff_ffff) | (sign.to_bits() & 0x8000_0000))
}

#[inline(always)]
fn copysign64(mag: f64, sign: f64) -> f64 {
    const S: u64 = 0x8000_0000_0000_0000;
    f64::from_bits((mag.to_bits() & !S) | (sign.to_bits() & S))
}

/// `x` limited to `[lo, hi]`; NaN stays NaN.
#[inline(always)]
fn clamp32(x: f32, lo: f32, hi: f32) -> f32 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

/// `x` limited to `[lo, hi]`; NaN stays NaN.
#[inline(always)]
fn clamp64(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if x < lo { lo } else { x };
    if x > hi {
        hi
    } else {
        x
    }
}

/// `1.5 * 2^23`: adding it rounds an `f32` of magnitude `< 2^22` to an
/// integer, which then sits in the low mantissa bits.
const MAGIC32: f32 = 12_582_912.0;
/// `1.5 * 2^52`, the same for `f64`.
const MAGIC64: f64 = 6_755_399_441_055_744.0;

/// Small `i64` to `f64` without `cvtqq2pd` (which AVX2 lacks).
#[inline(always)]
fn i2f64(k: i64) -> f64 {
    f64::from_bits(MAGIC64.to_bits().wrapping_add(k as u64)) - MAGIC64
}

/// `p * 2^n` for `n` in `[-252, 254]`: two normal factors, so only the
/// last multiplication rounds (correct subnormal results).
#[inline(always)]
fn scale32(p: f32, n: i32) -> f32 {
    let n1 = n >> 1;
    let n2 = n.wrapping_sub(n1);
    let s1 = f32::from_bits((n1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((n2.wrapping_add(127) as u32) << 23);
    p * s1 * s2
}

/// `p * 2^n` for `n` in `[-2044, 2046]`, as [`scale32`].
#[inline(always)]
fn scale64(p: f64, n: i64) -> f64 {
    let n1 = n >> 1;
    let n2 = n.wrapping_sub(n1);
    let s1 = f64::from_bits((n1.wrapping_add(1023) as u64) << 52);
    let s2 = f64::from_bits((n2.wrapping_add(1023) as u64) << 52);
    p * s1 * s2
}

// ---------------------------------------------------------------------------
// exp / exp2
// ---------------------------------------------------------------------------

const LOG2E_F32: f32 = std::f32::consts::LOG2_E;
/// ln 2 split: the high part has 15 significant bits, so `k * LN2_HI` is
/// exact for `|k| < 512`.
#[allow(clippy::approx_constant)] // deliberately truncated
const LN2_HI_F32: f32 = 0.693_145_751_953_125; // 0x3f317200
const LN2_LO_F32: f32 = 1.428_606_765_330_187e-6;

/// e^r on `|r| <= 0.3473`, minimax, relative error 2^-27.2.
const EXP_F32: [f32; 7] = [
    1.0,
    1.0,
    0.499_999_94,
    0.166_664_35,
    0.041_667_145,
    0.008_377_902,
    0.001_393_518_9,
];

/// e^x = p * 2^n, `x` already clamped to `[-104, 89]` (or NaN).
#[inline(always)]
fn exp32_core<const F: bool>(x: f32) -> (f32, i32) {
    let k = mla32::<F>(x, LOG2E_F32, MAGIC32);
    let nf = k - MAGIC32;
    let n = (k.to_bits() as i32).wrapping_sub(MAGIC32.to_bits() as i32);
    let r = mla32::<F>(nf, -LN2_HI_F32, x);
    let r = mla32::<F>(nf, -LN2_LO_F32, r);
    (poly32::<F, 7>(r, &EXP_F32), n)
}

#[inline(always)]
fn exp_f32_lane<const F: bool>(x: f32) -> f32 {
    let (p, n) = exp32_core::<F>(clamp32(x, -104.0, 89.0));
    scale32(p, n)
}

/// 2^r on `|r| <= 0.5005`, minimax, relative error 2^-27.1.
const EXP2_F32: [f32; 7] = [
    1.0,
    0.693_147_24,
    0.240_226_55,
    0.055_502_728,
    0.009_617_065,
    0.001_341_752_4,
    0.000_158_292_68,
];

#[inline(always)]
fn exp2_f32_lane<const F: bool>(x: f32) -> f32 {
    let xc = clamp32(x, -151.0, 129.0);
    let k = xc + MAGIC32;
    let nf = k - MAGIC32;
    let n = (k.to_bits() as i32).wrapping_sub(MAGIC32.to_bits() as i32);
    let r = xc - nf;
    scale32(poly32::<F, 7>(r, &EXP2_F32), n)
}

const LOG2E_F64: f64 = std::f64::consts::LOG2_E;
/// fdlibm's ln 2 split (the high part has 32 significant bits).
const LN2_HI_F64: f64 = 6.931_471_803_691_238_164_90e-1; // 0x3fe62e42fee00000
const LN2_LO_F64: f64 = 1.908_214_929_270_587_700_02e-10; // 0x3dea39ef35793c76

/// e^r on `|r| <= 0.3473`, minimax, relative error 2^-55.
const EXP_F64: [f64; 13] = [
    1.0,
    1.0,
    0.5,
    0.166_666_666_666_667_18,
    0.041_666_666_666_667_1,
    0.008_333_333_333_292_286,
    0.001_388_888_888_858_919,
    0.000_198_412_699_536_785_8,
    2.480_158_798_743_505_6e-5,
    2.755_718_127_035_334_3e-6,
    2.755_668_089_329_207_5e-7,
    2.512_731_419_357_124_3e-8,
    2.103_501_107_484_028_2e-9,
];

/// `(e^r - 1) / r`: [`EXP_F64`] without its constant term.
const EXPM1_F64: [f64; 12] = {
    let mut c = [0.0; 12];
    let mut i = 0;
    while i < 12 {
        c[i] = EXP_F64[i + 1];
        i += 1;
    }
    c
};

/// `x = n * ln2 + r`, `|r| <= ~ln2/2`, `x` already clamped to
/// `[-746, 711]` (or NaN).
#[inline(always)]
fn exp64_reduce<const F: bool>(x: f64) -> (f64, i64) {
    let k = mla64::<F>(x, LOG2E_F64, MAGIC64);
    let nf = k - MAGIC64;
    let n = (k.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
    let r = mla64::<F>(nf, -LN2_HI_F64, x);
    (mla64::<F>(nf, -LN2_LO_F64, r), n)
}

/// e^x = p * 2^n, `x` already clamped to `[-746, 711]` (or NaN); `c` is
/// the polynomial for e^r on `|r| <= ln2/2`.
#[inline(always)]
fn exp64_core<const F: bool, const N: usize>(x: f64, c: &[f64; N]) -> (f64, i64) {
    let (r, n) = exp64_reduce::<F>(x);
    (poly64::<F, N>(r, c), n)
}

#[inline(always)]
fn exp_f64_lane<const F: bool>(x: f64) -> f64 {
    let (p, n) = exp64_core::<F, 13>(clamp64(x, -746.0, 710.0), &EXP_F64);
    scale64(p, n)
}

/// e^|x| / 2 without intermediate overflow (for `sinh` / `cosh`); `ax >= 0`.
#[inline(always)]
fn exp_half_f64<const F: bool>(ax: f64) -> f64 {
    let (p, n) = exp64_core::<F, 13>(clamp64(ax, -746.0, 711.0), &EXP_F64);
    scale64(p, n - 1)
}

/// 2^r on `|r| <= 0.5005`, minimax, relative error 2^-57.
const EXP2_F64: [f64; 13] = [
    1.0,
    std::f64::consts::LN_2,
    0.240_226_506_959_100_7,
    0.055_504_108_664_823_38,
    0.009_618_129_107_630_23,
    0.001_333_355_814_603_262,
    0.000_154_035_303_889_045_8,
    1.525_273_416_898_307e-5,
    1.321_549_127_548_643_8e-6,
    1.017_793_066_156_229_5e-7,
    7.052_996_495_547_932e-9,
    4.473_640_394_780_891e-10,
    2.862_631_598_386_451_6e-11,
];

#[inline(always)]
fn exp2_f64_lane<const F: bool>(x: f64) -> f64 {
    let xc = clamp64(x, -1076.0, 1025.0);
    let k = xc + MAGIC64;
    let nf = k - MAGIC64;
    let n = (k.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
    let r = xc - nf;
    scale64(poly64::<F, 13>(r, &EXP2_F64), n)
}

// ---------------------------------------------------------------------------
// ln / log2 / log10
// ---------------------------------------------------------------------------

/// `x = 2^k * m`, `m` in `[sqrt(1/2), sqrt(2))`; returns `(m - 1, k)`.
/// Subnormals are scaled first; zero, negative, inf and NaN give garbage
/// that [`log_special32`] replaces.
#[inline(always)]
fn log32_reduce(x: f32) -> (f32, f32) {
    const SQRT_HALF: u32 = 0x3f35_04f3;
    let tiny = x < f32::MIN_POSITIVE;
    let xs = if tiny { x * 33_554_432.0 } else { x }; // 2^25
    let ix = xs.to_bits().wrapping_sub(SQRT_HALF);
    let k = ((ix as i32) >> 23).wrapping_sub(if tiny { 25 } else { 0 });
    let m = f32::from_bits((ix & 0x007f_ffff).wrapping_add(SQRT_HALF));
    (m - 1.0, k as f32)
}

/// Replaces the result for `x` outside `(0, inf)`.
#[inline(always)]
fn log_special32(x: f32, r: f32) -> f32 {
    let r = if x == f32::INFINITY { x } else { r };
    let r = if x == 0.0 { f32::NEG_INFINITY } else { r };
    let r = if x < 0.0 { f32::NAN } else { r };
    if x.is_nan() {
        x
    } else {
        r
    }
}

/// `(ln(1+f) - f) / f^2` on `f` in `[sqrt(1/2)-1, sqrt(2)-1]`: the log is
/// `f + f^2 * Q(f)`, relative error 2^-30.
const LN_Q_F32: [f32; 10] = [
    -0.5,
    0.333_333_08,
    -0.249_999_76,
    0.200_023_93,
    -0.166_699_02,
    0.142_165_68,
    -0.123_745_77,
    0.118_761_64,
    -0.118_307_7,
    0.069_478_45,
];

#[inline(always)]
fn ln_f32_lane<const F: bool>(x: f32) -> f32 {
    let (f, k) = log32_reduce(x);
    let p = mla32::<F>(f * f, poly32::<F, 10>(f, &LN_Q_F32), f);
    let r = mla32::<F>(k, LN2_HI_F32, mla32::<F>(k, LN2_LO_F32, p));
    log_special32(x, r)
}

/// log2(e) split for `f * log2(e)` in extra precision.
const LOG2E_HI_F32: f32 = std::f32::consts::LOG2_E;
const LOG2E_LO_F32: f32 = 1.925_963e-8;
/// `(log2(1+f) - f*log2(e)) / f^2`, relative error 2^-29.9.
const LOG2_Q_F32: [f32; 10] = [
    -0.721_347_5,
    0.480_898,
    -0.360_675_2,
    0.288_573_4,
    -0.240_420_5,
    0.205_041_38,
    -0.179_640_56,
    0.172_821_45,
    -0.165_312_74,
    0.090_977_29,
];

#[inline(always)]
fn log2_f32_lane<const F: bool>(x: f32) -> f32 {
    let (f, k) = log32_reduce(x);
    let q = f * f * poly32::<F, 10>(f, &LOG2_Q_F32);
    let r = if F {
        k + f.mul_add(LOG2E_HI_F32, f.mul_add(LOG2E_LO_F32, q))
    } else {
        // Without FMA, `f * log2(e)` would round on its own: sum in f64.
        ((f as f64) * LOG2E_F64 + q as f64 + k as f64) as f32
    };
    log_special32(x, r)
}

const LOG10E_HI_F32: f32 = std::f32::consts::LOG10_E;
const LOG10E_LO_F32: f32 = -1.010_305e-8;
/// log10(2) split, high part with 15 significant bits.
const LOG10_2_HI_F32: f32 = 0.301_025_39; // 0x3e9a2000
const LOG10_2_LO_F32: f32 = 4.605_039e-6;
/// `(log10(1+f) - f*log10(e)) / f^2`, relative error 2^-28.5.
const LOG10_Q_F32: [f32; 10] = [
    -0.217_147_25,
    0.144_764_66,
    -0.108_572_58,
    0.086_872_59,
    -0.072_439_67,
    0.061_704_464,
    -0.053_011_626,
    0.051_157_37,
    -0.055_411_83,
    0.035_863_843,
];

#[inline(always)]
fn log10_f32_lane<const F: bool>(x: f32) -> f32 {
    let (f, k) = log32_reduce(x);
    let q = f * f * poly32::<F, 10>(f, &LOG10_Q_F32);
    let r = if F {
        let y = f.mul_add(LOG10E_HI_F32, f.mul_add(LOG10E_LO_F32, q));
        k.mul_add(LOG10_2_HI_F32, k.mul_add(LOG10_2_LO_F32, y))
    } else {
        // Without FMA, `f * log10(e)` would round on its own: sum in f64.
        let (f, q, k) = (f as f64, q as f64, k as f64);
        (f * std::f64::consts::LOG10_E + q + k * std::f64::consts::LOG10_2) as f32
    };
    log_special32(x, r)
}

/// As [`log32_reduce`] for `f64`: `(m - 1, k)`.
#[inline(always)]
fn log64_reduce(x: f64) -> (f64, f64) {
    const SQRT_HALF: u64 = 0x3fe6_a09e_667f_3bcd;
    let tiny = x < f64::MIN_POSITIVE;
    let xs = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    }; // 2^54
    let ix = xs.to_bits().wrapping_sub(SQRT_HALF);
    let k = ((ix as i64) >> 52).wrapping_sub(if tiny { 54 } else { 0 });
    let m = f64::from_bits((ix & 0x000f_ffff_ffff_ffff).wrapping_add(SQRT_HALF));
    (m - 1.0, i2f64(k))
}

#[inline(always)]
fn log_special64(x: f64, r: f64) -> f64 {
    let r = if x == f64::INFINITY { x } else { r };
    let r = if x == 0.0 { f64::NEG_INFINITY } else { r };
    let r = if x < 0.0 { f64::NAN } else { r };
    if x.is_nan() {
        x
    } else {
        r
    }
}

// fdlibm's log kernel: log(1+f) = f - f^2/2 + s*(f^2/2 + R(s^2)),
// s = f / (2 + f).
const LG1: f64 = 6.666_666_666_666_735_130e-1;
const LG2: f64 = 3.999_999_999_940_941_908e-1;
const LG3: f64 = 2.857_142_874_366_239_149e-1;
const LG4: f64 = 2.222_219_843_214_978_396e-1;
const LG5: f64 = 1.818_357_216_161_805_012e-1;
const LG6: f64 = 1.531_383_769_920_937_332e-1;
const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// `(f^2/2, s * (f^2/2 + R))` of fdlibm's log kernel.
#[inline(always)]
fn log64_kernel<const F: bool>(f: f64) -> (f64, f64) {
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * mla64::<F>(w, mla64::<F>(w, LG6, LG4), LG2);
    let t2 = z * mla64::<F>(w, mla64::<F>(w, mla64::<F>(w, LG7, LG5), LG3), LG1);
    (hfsq, s * (hfsq + (t2 + t1)))
}

#[inline(always)]
fn ln_f64_lane<const F: bool>(x: f64) -> f64 {
    let (f, dk) = log64_reduce(x);
    let (hfsq, sr) = log64_kernel::<F>(f);
    let r = sr + dk * LN2_LO_F64 - hfsq + f + dk * LN2_HI_F64;
    log_special64(x, r)
}

/// `(hi, lo)` with `hi + lo = log(1+f)` to extra precision (`hi` has its
/// low 32 bits cleared, so products with 32-bit constants are exact).
#[inline(always)]
fn log1p64_hilo<const F: bool>(f: f64) -> (f64, f64) {
    let (hfsq, sr) = log64_kernel::<F>(f);
    let hi = f64::from_bits((f - hfsq).to_bits() & 0xffff_ffff_0000_0000);
    let lo = f - hi - hfsq + sr;
    (hi, lo)
}

const IVLN2HI: f64 = 1.442_695_040_721_446_275_71e0; // 0x3ff7154765200000
const IVLN2LO: f64 = 1.675_171_316_488_651_183_53e-10; // 0x3de705fc2eefa200

#[inline(always)]
fn log2_f64_lane<const F: bool>(x: f64) -> f64 {
    let (f, y) = log64_reduce(x);
    let (hi, lo) = log1p64_hilo::<F>(f);
    let val_hi = hi * IVLN2HI;
    let val_lo = (lo + hi) * IVLN2LO + lo * IVLN2HI;
    let w = y + val_hi;
    let val_lo = val_lo + ((y - w) + val_hi);
    log_special64(x, val_lo + w)
}

const IVLN10HI: f64 = 4.342_944_818_781_688_809_39e-1; // 0x3fdbcb7b15200000
const IVLN10LO: f64 = 2.508_294_671_164_527_522_98e-11; // 0x3dbb9438ca9aadd5
const LOG10_2HI: f64 = 3.010_299_956_636_117_713_06e-1; // 0x3FD34413509F6000
const LOG10_2LO: f64 = 3.694_239_077_158_930_786_16e-13; // 0x3D59FEF311F12B36

#[inline(always)]
fn log10_f64_lane<const F: bool>(x: f64) -> f64 {
    let (f, dk) = log64_reduce(x);
    let (hi, lo) = log1p64_hilo::<F>(f);
    let val_hi = hi * IVLN10HI;
    let y = dk * LOG10_2HI;
    let val_lo = dk * LOG10_2LO + (lo + hi) * IVLN10LO + lo * IVLN10HI;
    let w = y + val_hi;
    let val_lo = val_lo + ((y - w) + val_hi);
    log_special64(x, val_lo + w)
}

// ---------------------------------------------------------------------------
// sin / cos / tan
// ---------------------------------------------------------------------------

/// Largest `|x|` the `f32` vector reduction handles; beyond, `std`.
const TRIG_MAX_F32: f32 = 65536.0;
/// Largest `|x|` the `f64` vector reduction handles (fdlibm's "medium"
/// case needs `|x| < 2^20 * pi/2`); beyond, `std`.
const TRIG_MAX_F64: f64 = 1.6e6;

const FRAC_2_PI_F32: f32 = std::f32::consts::FRAC_2_PI;
/// pi/2 as three `f32`s (for fused multiply-add reduction).
const PIO2_A_F32: f32 = 1.570_796_4;
const PIO2_B_F32: f32 = -4.371_138_8e-8;
const PIO2_C_F32: f32 = -1.715_124_5e-15;

const FRAC_2_PI_F64: f64 = std::f64::consts::FRAC_2_PI;
// fdlibm's pi/2 in 33-bit pieces and tails.
const PIO2_1: f64 = 1.570_796_326_734_125_614_17e0; // 0x3FF921FB54400000
const PIO2_1T: f64 = 6.077_100_506_506_192_249_32e-11; // 0x3DD0B4611A626331
const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11; // 0x3DD0B4611A600000
const PIO2_2T: f64 = 2.022_266_248_795_950_631_54e-21; // 0x3BA3198A2E037073
const PIO2_3: f64 = 2.022_266_248_711_166_455_80e-21; // 0x3BA3198A2E000000
const PIO2_3T: f64 = 8.478_427_660_368_899_569_97e-32; // 0x397B839A252049C1

/// `x = n * pi/2 + r`, `|r| <= ~pi/4`, for `|x| <= TRIG_MAX_F32`.
#[inline(always)]
fn reduce_pio2_f32<const F: bool>(x: f32) -> (f32, u32) {
    if F {
        // With FMA, x - n*A is exact and the rest is accurate to ~2^-40.
        let k = x.mul_add(FRAC_2_PI_F32, MAGIC32);
        let nf = k - MAGIC32;
        let n = k.to_bits().wrapping_sub(MAGIC32.to_bits());
        let r = nf.mul_add(-PIO2_A_F32, x);
        let r = nf.mul_add(-PIO2_B_F32, r);
        let r = nf.mul_add(-PIO2_C_F32, r);
        (r, n)
    } else {
        // Without FMA, reduce in f64 (fdlibm's first round, exact products).
        let xd = x as f64;
        let k = xd * FRAC_2_PI_F64 + MAGIC64;
        let nf = k - MAGIC64;
        let n = (k.to_bits() as u32).wrapping_sub(MAGIC64.to_bits() as u32);
        let r = (xd - nf * PIO2_1) - nf * PIO2_1T;
        (r as f32, n)
    }
}

/// `(sin(r) - r) / r^3` as a polynomial in `r^2`, `|r| <= pi/4 + 0.001`,
/// relative error 2^-31.
const SIN_F32: [f32; 4] = [
    -0.166_666_67,
    0.008_333_405,
    -0.000_198_638_21,
    2.942_597e-6,
];
/// `(cos(r) - 1 + r^2/2) / r^4` in `r^2`, relative error 2^-32.
const COS_F32: [f32; 3] = [0.041_666_657, -0.001_388_776_3, 2.447_706e-5];

/// `(sin r, cos r)` for `|r| <= ~pi/4`.
#[inline(always)]
fn sincos32_kernel<const F: bool>(r: f32) -> (f32, f32) {
    let z = r * r;
    let s = mla32::<F>(r * z, poly32::<F, 4>(z, &SIN_F32), r);
    let c = mla32::<F>(z, mla32::<F>(z, poly32::<F, 3>(z, &COS_F32), -0.5), 1.0);
    (s, c)
}

/// sin (`q = 0`) or cos (`q = 1`) from the reduced argument.
#[inline(always)]
fn sincos32_pick<const F: bool>(x: f32, q: u32) -> f32 {
    let (r, n) = reduce_pio2_f32::<F>(x);
    let n = n.wrapping_add(q);
    let (s, c) = sincos32_kernel::<F>(r);
    let v = if n & 1 == 0 { s } else { c };
    f32::from_bits(v.to_bits() ^ ((n & 2) << 30))
}

/// `r`, except `x` itself where `x` is `±0` (odd functions keep the sign).
#[inline(always)]
fn keep_zero32(x: f32, r: f32) -> f32 {
    if x == 0.0 {
        x
    } else {
        r
    }
}

/// `r`, except `x` itself where `x` is `±0`.
#[inline(always)]
fn keep_zero64(x: f64, r: f64) -> f64 {
    if x == 0.0 {
        x
    } else {
        r
    }
}

#[inline(always)]
fn sin_f32_lane<const F: bool>(x: f32) -> f32 {
    keep_zero32(x, sincos32_pick::<F>(x, 0))
}

#[inline(always)]
fn cos_f32_lane<const F: bool>(x: f32) -> f32 {
    sincos32_pick::<F>(x, 1)
}

#[inline(always)]
fn trig_bad32(x: f32) -> bool {
    x.abs() > TRIG_MAX_F32 || x.is_nan()
}

#[inline(always)]
fn trig_bad64(x: f64) -> bool {
    x.abs() > TRIG_MAX_F64 || x.is_nan()
}

/// `tan_f32` runs through the `f64` kernel, which reaches further.
#[inline(always)]
fn tan_bad32(x: f32) -> bool {
    trig_bad64(x as f64)
}

/// fdlibm's medium-size `rem_pio2` with its rounds computed
/// unconditionally and picked by selects: `x = n * pi/2 + y0 + y1` for
/// `|x| < 2^20 * pi/2`.
#[inline(always)]
fn reduce_pio2_f64(x: f64) -> (f64, f64, u64) {
    #[inline(always)]
    fn expo(v: f64) -> i64 {
        ((v.to_bits() >> 52) & 0x7ff) as i64
    }
    let k = x * FRAC_2_PI_F64 + MAGIC64;
    let f_n = k - MAGIC64;
    let n = k.to_bits().wrapping_sub(MAGIC64.to_bits());
    // 1st round, good to 85 bits.
    let r1 = x - f_n * PIO2_1;
    let w1 = f_n * PIO2_1T;
    let y1 = r1 - w1;
    // 2nd round, good to 118 bits.
    let t = r1;
    let w = f_n * PIO2_2;
    let r2 = t - w;
    let w2 = f_n * PIO2_2T - ((t - r2) - w);
    let y2 = r2 - w2;
    // 3rd round, good to 151 bits.
    let t = r2;
    let w = f_n * PIO2_3;
    let r3 = t - w;
    let w3 = f_n * PIO2_3T - ((t - r3) - w);
    let y3 = r3 - w3;
    let ex = expo(x);
    let use2 = ex - expo(y1) > 16;
    let use3 = use2 && ex - expo(y2) > 49;
    let (r, w, y0) = if use3 {
        (r3, w3, y3)
    } else if use2 {
        (r2, w2, y2)
    } else {
        (r1, w1, y1)
    };
    (y0, (r - y0) - w, n)
}

// fdlibm's __kernel_sin / __kernel_cos coefficients.
const S1: f64 = -1.666_666_666_666_663_243_48e-1;
const S2: f64 = 8.333_333_333_322_489_461_24e-3;
const S3: f64 = -1.984_126_982_985_794_931_34e-4;
const S4: f64 = 2.755_731_370_707_006_767_89e-6;
const S5: f64 = -2.505_076_025_340_686_341_95e-8;
const S6: f64 = 1.589_690_995_211_550_102_21e-10;
const C1: f64 = 4.166_666_666_666_660_190_37e-2;
const C2: f64 = -1.388_888_888_887_410_957_49e-3;
const C3: f64 = 2.480_158_728_947_672_941_78e-5;
const C4: f64 = -2.755_731_435_139_066_330_35e-7;
const C5: f64 = 2.087_572_321_298_174_827_90e-9;
const C6: f64 = -1.135_964_755_778_819_482_65e-11;

/// fdlibm's `__kernel_sin(x, y, 1)`: sin(x + y), `|x| <= ~pi/4`.
#[inline(always)]
fn k_sin<const F: bool>(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = mla64::<F>(
        z * w,
        mla64::<F>(z, S6, S5),
        mla64::<F>(z, mla64::<F>(z, S4, S3), S2),
    );
    let v = z * x;
    x - ((z * (0.5 * y - v * r) - y) - v * S1)
}

/// fdlibm's `__kernel_cos(x, y)`: cos(x + y), `|x| <= ~pi/4`.
#[inline(always)]
fn k_cos<const F: bool>(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = z * mla64::<F>(z, mla64::<F>(z, C3, C2), C1)
        + w * w * mla64::<F>(z, mla64::<F>(z, C6, C5), C4);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

#[inline(always)]
fn sincos64_pick<const F: bool>(x: f64, q: u64) -> f64 {
    let (y0, y1, n) = reduce_pio2_f64(x);
    let n = n.wrapping_add(q);
    let s = k_sin::<F>(y0, y1);
    let c = k_cos::<F>(y0, y1);
    let v = if n & 1 == 0 { s } else { c };
    f64::from_bits(v.to_bits() ^ ((n & 2) << 62))
}

#[inline(always)]
fn sin_f64_lane<const F: bool>(x: f64) -> f64 {
    keep_zero64(x, sincos64_pick::<F>(x, 0))
}

#[inline(always)]
fn cos_f64_lane<const F: bool>(x: f64) -> f64 {
    sincos64_pick::<F>(x, 1)
}

// fdlibm's __kernel_tan coefficients.
const T: [f64; 13] = [
    3.333_333_333_333_340_919_86e-1,
    1.333_333_333_332_012_426_99e-1,
    5.396_825_397_622_605_213_77e-2,
    2.186_948_829_485_954_245_99e-2,
    8.863_239_823_599_300_057_37e-3,
    3.592_079_107_591_312_353_56e-3,
    1.456_209_454_325_290_255_16e-3,
    5.880_412_408_202_640_968_74e-4,
    2.464_631_348_184_699_068_12e-4,
    7.817_944_429_395_570_923_00e-5,
    7.140_724_913_826_081_903_05e-5,
    -1.855_863_748_552_754_566_54e-5,
    2.590_730_518_636_337_128_84e-5,
];
const PIO4: f64 = std::f64::consts::FRAC_PI_4;
const PIO4_LO: f64 = 3.061_616_997_868_383_017_93e-17;

#[inline(always)]
fn zero_low_word(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & 0xffff_ffff_0000_0000)
}

/// fdlibm's `__kernel_tan(x, y, odd)`, with both branches computed.
#[inline(always)]
fn k_tan<const F: bool>(x: f64, y: f64, odd: bool) -> f64 {
    let big = x.abs() >= 0.6744;
    let neg = x < 0.0;
    let xa = if neg { -x } else { x };
    let ya = if neg { -y } else { y };
    let xb = (PIO4 - xa) + (PIO4_LO - ya);
    let x = if big { xb } else { x };
    let y = if big { 0.0 } else { y };
    let z = x * x;
    let w = z * z;
    let r = mla64::<F>(
        w,
        mla64::<F>(
            w,
            mla64::<F>(w, mla64::<F>(w, mla64::<F>(w, T[11], T[9]), T[7]), T[5]),
            T[3],
        ),
        T[1],
    );
    let v = z * mla64::<F>(
        w,
        mla64::<F>(
            w,
            mla64::<F>(w, mla64::<F>(w, mla64::<F>(w, T[12], T[10]), T[8]), T[6]),
            T[4],
        ),
        T[2],
    );
    let s = z * x;
    let r = y + z * (s * (r + v) + y) + s * T[0];
    let w = x + r;
    // |x| >= 0.6744: tan(pi/4 - x) transformed back.
    let sg = if odd { -1.0 } else { 1.0 };
    let vb = sg - 2.0 * (x + (r - w * w / (w + sg)));
    let vb = if neg { -vb } else { vb };
    // Odd quadrant: -1/(x+r), computed accurately.
    let w0 = zero_low_word(w);
    let v = r - (w0 - x);
    let a = -1.0 / w;
    let a0 = zero_low_word(a);
    let vo = a0 + a * (1.0 + a0 * w0 + a0 * v);
    if big {
        vb
    } else if odd {
        vo
    } else {
        w
    }
}

#[inline(always)]
fn tan_f64_lane<const F: bool>(x: f64) -> f64 {
    let (y0, y1, n) = reduce_pio2_f64(x);
    keep_zero64(x, k_tan::<F>(y0, y1, n & 1 == 1))
}

// ---------------------------------------------------------------------------
// tanh / sigmoid / sinh / cosh
// ---------------------------------------------------------------------------

/// Below this `|x|`, `tanh_f32` uses its odd polynomial (above, the
/// `1 - 2/(e^2x + 1)` form loses up to 1.5 ULP just past 0.55).
const TANH_SMALL_F32: f32 = 1.0;
/// `(tanh(x) - x) / x^3` in `x^2` on `|x| <= 1`, relative error 2^-27.1.
const TANH_F32: [f32; 7] = [
    -0.333_333_3,
    0.133_329_09,
    -0.053_911_507,
    0.021_571_731,
    -0.008_064_37,
    0.002_383_578_1,
    -0.000_381_061_75,
];
/// Below this `|x|`, `tanh_f64` uses its odd polynomial.
const TANH_SMALL_F64: f64 = 0.5625;

#[inline(always)]
fn tanh_f32_lane<const F: bool>(x: f32) -> f32 {
    let ax = x.abs();
    let z = x * x;
    let small = mla32::<F>(x * z, poly32::<F, 7>(z, &TANH_F32), x);
    let e = exp_f32_lane::<F>(ax + ax);
    let large = copysign32(1.0 - 2.0 / (e + 1.0), x);
    keep_zero32(x, if ax < TANH_SMALL_F32 { small } else { large })
}

/// e^r on `|r| <= 0.3473` in `f64` to `f32`-plus accuracy, minimax,
/// relative error 2^-32.6.
const EXP_F64_SHORT: [f64; 8] = [
    1.0,
    1.0,
    0.500_000_006_847_140_4,
    0.166_666_638_075_070_12,
    0.041_666_283_576_452_99,
    0.008_333_680_691_331_087,
    0.001_394_621_925_375_640_7,
    0.000_198_096_605_575_403_17,
];

/// `1 / (1 + e^-x)`: `e^-|x|`, the quotient and its single rounding are
/// done in `f64` (in `f32`, the two roundings of `e^-|x|` and the quotient
/// compound to 2.4 ULP for negative `x`).
#[inline(always)]
fn sigmoid_f32_lane<const F: bool>(x: f32) -> f32 {
    let xd = x as f64;
    // e^-110 is far below f32's smallest subnormal.
    let (p, n) = exp64_core::<F, 8>(-clamp64(xd.abs(), 0.0, 110.0), &EXP_F64_SHORT);
    let t = scale64(p, n);
    let num = if xd >= 0.0 { 1.0 } else { t };
    (num / (1.0 + t)) as f32
}

/// `(tanh(x) - x) / x^3` in `x^2` on `|x| <= 0.5625`, relative error 2^-59.2.
const TANH_F64: [f64; 11] = [
    -0.333_333_333_333_333_3,
    0.133_333_333_333_289_98,
    -0.053_968_253_964_095,
    0.021_869_488_376_266_27,
    -0.008_863_232_227_232_768,
    0.003_592_086_654_910_551,
    -0.001_455_500_487_378_679_3,
    0.000_588_245_576_678_621_5,
    -0.000_232_826_125_643_175_17,
    8.246_398_087_199_82e-5,
    -1.894_046_823_292_922_4e-5,
];

#[inline(always)]
fn tanh_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let z = x * x;
    let small = mla64::<F>(x * z, poly64::<F, 11>(z, &TANH_F64), x);
    let e = exp_f64_lane::<F>(ax + ax);
    let large = copysign64(1.0 - 2.0 / (e + 1.0), x);
    keep_zero64(x, if ax < TANH_SMALL_F64 { small } else { large })
}

/// `a * b - p` for `p = a * b` rounded: exact with FMA, else Dekker's.
#[inline(always)]
fn mul_err<const F: bool>(a: f64, b: f64, p: f64) -> f64 {
    if F {
        a.mul_add(b, -p)
    } else {
        two_prod_err(a, b, p)
    }
}

/// `1 / (1 + t)` (`x >= 0`) or `t / (1 + t)` (`x < 0`), `t = e^-|x|`, in
/// double-double: rounding `t`, `1 + t` and the quotient separately costs up
/// to 2 ULP when `x < 0`.
#[inline(always)]
fn sigmoid_f64_lane<const F: bool>(x: f64) -> f64 {
    let (r, n) = exp64_reduce::<F>(-clamp64(x.abs(), 0.0, 746.0));
    let q = r * poly64::<F, 12>(r, &EXPM1_F64); // e^r - 1
                                                // Beyond |x| = 40 the result is 1 or (for x < 0) e^x itself.
    let t_far = scale64(1.0 + q, n);
    // t = s * (1 + q) = t_hi + t_lo (s = 2^n, exact products).
    let s = scale64(1.0, n);
    let t_hi = s * q + s;
    let t_lo = (s - t_hi) + s * q;
    // d = 1 + t as d + d_lo (Fast2Sum, t <= 1).
    let d = 1.0 + t_hi;
    let d_lo = ((1.0 - d) + t_hi) + t_lo;
    let pos = x >= 0.0;
    let (nh, nl) = if pos { (1.0, 0.0) } else { (t_hi, t_lo) };
    // Quotient by the reciprocal, then one correction from the residual.
    let rc = 1.0 / d;
    let q0 = nh * rc;
    let p = q0 * d;
    let rem = ((nh - p) - mul_err::<F>(q0, d, p)) + (nl - q0 * d_lo);
    let res = mla64::<F>(rem, rc, q0);
    if x < -40.0 {
        t_far
    } else if x > 40.0 {
        1.0
    } else {
        res
    }
}

/// `(sinh(x) - x) / x^3` in `x^2` on `|x| <= 1`, relative error 2^-58.
const SINH_F64: [f64; 7] = [
    0.166_666_666_666_666_66,
    0.008_333_333_333_334_28,
    0.000_198_412_698_403_975_98,
    2.755_731_952_328_462_4e-6,
    2.505_206_183_123_547_6e-8,
    1.606_213_952_054_800_3e-10,
    7.609_852_064_449_123e-13,
];

#[inline(always)]
fn sinh_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let z = x * x;
    let small = mla64::<F>(x * z, poly64::<F, 7>(z, &SINH_F64), x);
    let h = exp_half_f64::<F>(ax);
    let large = copysign64(h - 0.25 / h, x);
    keep_zero64(x, if ax < 1.0 { small } else { large })
}

#[inline(always)]
fn cosh_f64_lane<const F: bool>(x: f64) -> f64 {
    let h = exp_half_f64::<F>(x.abs());
    h + 0.25 / h
}

// ---------------------------------------------------------------------------
// atan / asin / acos / atan2
// ---------------------------------------------------------------------------

const ATANHI: [f64; 4] = [
    4.636_476_090_008_060_935_15e-1,
    std::f64::consts::FRAC_PI_4,
    9.827_937_232_473_290_540_82e-1,
    std::f64::consts::FRAC_PI_2,
];
const ATANLO: [f64; 4] = [
    2.269_877_745_296_168_709_24e-17,
    3.061_616_997_868_383_017_93e-17,
    1.390_331_103_123_099_845_16e-17,
    6.123_233_995_736_766_035_87e-17,
];
const AT: [f64; 11] = [
    3.333_333_333_333_293_180_27e-1,
    -1.999_999_999_987_648_324_76e-1,
    1.428_571_427_250_346_637_11e-1,
    -1.111_111_040_546_235_578_80e-1,
    9.090_887_133_436_506_561_96e-2,
    -7.691_876_205_044_829_994_95e-2,
    6.661_073_137_387_531_206_69e-2,
    -5.833_570_133_790_573_486_45e-2,
    4.976_877_994_615_932_360_17e-2,
    -3.653_157_274_421_691_552_70e-2,
    1.628_582_011_536_578_236_23e-2,
];

/// fdlibm's atan with its interval selection done by selects.
#[inline(always)]
fn atan_f64_lane<const F: bool>(x: f64) -> f64 {
    // atan is pi/2 (rounded) from 2^66 on; clamping also avoids 0 * inf.
    let ax = clamp64(x.abs(), 0.0, 7.378_697_629_483_821e19);
    // t = (a*ax - b) / (c*ax + d), then atan(x) = hi + atan(t).
    let i0 = ax >= 0.4375;
    let i1 = ax >= 0.6875;
    let i2 = ax >= 1.1875;
    let i3 = ax >= 2.4375;
    let (a, b, c, d, hi, lo) = if i3 {
        (0.0, 1.0, 1.0, 0.0, ATANHI[3], ATANLO[3])
    } else if i2 {
        (1.0, 1.5, 1.5, 1.0, ATANHI[2], ATANLO[2])
    } else if i1 {
        (1.0, 1.0, 1.0, 1.0, ATANHI[1], ATANLO[1])
    } else if i0 {
        (2.0, 1.0, 1.0, 2.0, ATANHI[0], ATANLO[0])
    } else {
        (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    };
    let t = (a * ax - b) / (c * ax + d);
    let z = t * t;
    let w = z * z;
    let s1 = z * mla64::<F>(
        w,
        mla64::<F>(
            w,
            mla64::<F>(w, mla64::<F>(w, mla64::<F>(w, AT[10], AT[8]), AT[6]), AT[4]),
            AT[2],
        ),
        AT[0],
    );
    let s2 = w * mla64::<F>(
        w,
        mla64::<F>(w, mla64::<F>(w, mla64::<F>(w, AT[9], AT[7]), AT[5]), AT[3]),
        AT[1],
    );
    let r = hi - ((t * (s1 + s2) - lo) - t);
    copysign64(r, x)
}

const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_LO: f64 = 6.123_233_995_736_766_035_87e-17;
const PI_HI: f64 = std::f64::consts::PI;
const PI_LO: f64 = 1.224_646_799_147_353_207_2e-16;

const P_S0: f64 = 1.666_666_666_666_666_574_15e-1;
const P_S1: f64 = -3.255_658_186_224_009_154_05e-1;
const P_S2: f64 = 2.012_125_321_348_629_258_81e-1;
const P_S3: f64 = -4.005_553_450_067_941_140_27e-2;
const P_S4: f64 = 7.915_349_942_898_145_321_76e-4;
const P_S5: f64 = 3.479_331_075_960_211_675_70e-5;
const Q_S1: f64 = -2.403_394_911_734_414_218_78e0;
const Q_S2: f64 = 2.020_945_760_233_505_694_71e0;
const Q_S3: f64 = -6.882_839_716_054_532_930_30e-1;
const Q_S4: f64 = 7.703_815_055_590_193_527_91e-2;

/// fdlibm's rational approximation R(z) of asin / acos.
#[inline(always)]
fn asin_r<const F: bool>(z: f64) -> f64 {
    let p = z * mla64::<F>(
        z,
        mla64::<F>(
            z,
            mla64::<F>(z, mla64::<F>(z, mla64::<F>(z, P_S5, P_S4), P_S3), P_S2),
            P_S1,
        ),
        P_S0,
    );
    let q = mla64::<F>(
        z,
        mla64::<F>(z, mla64::<F>(z, mla64::<F>(z, Q_S4, Q_S3), Q_S2), Q_S1),
        1.0,
    );
    p / q
}

#[inline(always)]
fn asin_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let small = ax < 0.5;
    let z = if small { x * x } else { (1.0 - ax) * 0.5 };
    let r = asin_r::<F>(z);
    let res_small = x + x * r;
    let s = z.sqrt();
    // 0.975 <= |x| <= 1
    let res_hi = PIO2_HI - (2.0 * (s + s * r) - PIO2_LO);
    // 0.5 <= |x| < 0.975: s = f + c in extra precision.
    let f = zero_low_word(s);
    let c = (z - f * f) / (s + f);
    let res_mid = 0.5 * PIO2_HI - (2.0 * s * r - (PIO2_LO - 2.0 * c) - (0.5 * PIO2_HI - 2.0 * f));
    let res_big = copysign64(if ax >= 0.975 { res_hi } else { res_mid }, x);
    let res = if small { res_small } else { res_big };
    if ax > 1.0 {
        f64::NAN
    } else {
        res
    }
}

#[inline(always)]
fn acos_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let small = ax < 0.5;
    let z = if small { x * x } else { (1.0 - ax) * 0.5 };
    let r = asin_r::<F>(z);
    let res_small = PIO2_HI - (x - (PIO2_LO - x * r));
    let s = z.sqrt();
    // x <= -0.5
    let res_neg = 2.0 * (PIO2_HI - (s + (r * s - PIO2_LO)));
    // x >= 0.5
    let df = zero_low_word(s);
    let c = (z - df * df) / (s + df);
    let res_pos = 2.0 * (df + (r * s + c));
    let res_pos = if x == 1.0 { 0.0 } else { res_pos };
    let res = if small {
        res_small
    } else if x < 0.0 {
        res_neg
    } else {
        res_pos
    };
    if ax > 1.0 {
        f64::NAN
    } else {
        res
    }
}

/// The rounding error `a * b - p` of `p = a * b` (Dekker's product, no FMA).
#[inline(always)]
fn two_prod_err(a: f64, b: f64, p: f64) -> f64 {
    const SPLIT: f64 = 134_217_729.0; // 2^27 + 1
    let ca = SPLIT * a;
    let ah = ca - (ca - a);
    let al = a - ah;
    let cb = SPLIT * b;
    let bh = cb - (cb - b);
    let bl = b - bh;
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

#[inline(always)]
fn atan2_f64_lane<const F: bool>(y: f64, x: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let swap = ay > ax;
    let num = if swap { ax } else { ay };
    let den = if swap { ay } else { ax };
    let t = num / den;
    // 0/0 (both zero) and inf/inf (both infinite) are 0 and 1.
    let t = if ay == 0.0 { 0.0 } else { t };
    let t = if ax == f64::INFINITY && ay == f64::INFINITY {
        1.0
    } else {
        t
    };
    let a = atan_f64_lane::<F>(t);
    // The rounding error of t, carried to first order:
    // atan(t + d) = atan(t) + d / (1 + t^2). (The residual is exact with FMA.)
    let resid = if F {
        (-t).mul_add(den, num)
    } else {
        // Dekker: t * den = p + e exactly; num - p is exact (Sterbenz).
        let p = t * den;
        (num - p) - two_prod_err(t, den, p)
    };
    let corr = resid / (den * mla64::<F>(t, t, 1.0));
    // Skip it for 0 * inf, inf - inf, and (without FMA) where Dekker's
    // split could overflow or its products underflow.
    let ok = F || (num >= 1e-270 && den <= 1e270);
    let corr = if ok && !corr.is_nan() { corr } else { 0.0 };
    // |result| = base +- a with base 0 (x > 0, |y| <= |x|), pi/2 (|y| > |x|)
    // or pi (x < 0, |y| <= |x|); a is subtracted from pi/2 when x > 0 and
    // from pi, added to pi/2 when x < 0.
    let neg = x.is_sign_negative();
    let (hi, lo) = if swap {
        (PIO2_HI, PIO2_LO)
    } else if neg {
        (PI_HI, PI_LO)
    } else {
        (0.0, 0.0)
    };
    let flip = swap != neg;
    let a = if flip { -a } else { a };
    let corr = if flip { -corr } else { corr };
    // hi + a exactly as s + e (Fast2Sum: |hi| >= |a| or hi = 0).
    let s = hi + a;
    let e = (hi - s) + a;
    let r = copysign64(s + (e + (lo + corr)), y);
    if x.is_nan() || y.is_nan() {
        x + y
    } else {
        r
    }
}

// ---------------------------------------------------------------------------
// pow
// ---------------------------------------------------------------------------

/// `(y is an integer, y is an odd integer)`; infinities are even integers.
#[inline(always)]
fn int_parity64(y: f64) -> (bool, bool) {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let ay = y.abs();
    let t = ay + TWO52; // rounds ay < 2^52 to an integer in [2^52, 2^53)
    let is_int = ay >= TWO52 || t - TWO52 == ay;
    let odd = if ay < TWO52 {
        is_int && t.to_bits() & 1 == 1
    } else {
        ay < 2.0 * TWO52 && ay.to_bits() & 1 == 1
    };
    (is_int, odd)
}

/// `pow` for `f32` via `f64`: `exp(y * ln|x|)` in `f64` carries ~2^-45
/// relative error, far below an `f32` ULP.
#[inline(always)]
fn pow_f32_lane<const F: bool>(x: f32, y: f32) -> f32 {
    let xd = x as f64;
    let yd = y as f64;
    let l = ln_f64_lane::<F>(xd.abs());
    let r = exp_f64_lane::<F>(yd * l);
    let (is_int, odd) = int_parity64(yd);
    let r = if xd.is_sign_negative() && odd { -r } else { r };
    let r = if xd < 0.0 && xd > f64::NEG_INFINITY && !is_int {
        f64::NAN
    } else {
        r
    };
    let r = if xd == -1.0 && yd.is_infinite() {
        1.0
    } else {
        r
    };
    let r = if xd == 1.0 || yd == 0.0 { 1.0 } else { r };
    r as f32
}

/// `pow` for `f64`: `std`'s scalar `powf` (libm), one call per element.
#[inline(always)]
fn pow_f64_lane(x: f64, y: f64) -> f64 {
    x.powf(y)
}

// ---------------------------------------------------------------------------
// f32 functions computed through the f64 kernels.
// ---------------------------------------------------------------------------

macro_rules! via_f64 {
    ($name32:ident, $lane64:ident) => {
        #[inline(always)]
        fn $name32<const F: bool>(x: f32) -> f32 {
            $lane64::<F>(x as f64) as f32
        }
    };
}
via_f64!(tan_f32_lane, tan_f64_lane);
via_f64!(sinh_f32_lane, sinh_f64_lane);
via_f64!(cosh_f32_lane, cosh_f64_lane);
via_f64!(atan_f32_lane, atan_f64_lane);
via_f64!(asin_f32_lane, asin_f64_lane);
via_f64!(acos_f32_lane, acos_f64_lane);

#[inline(always)]
fn atan2_f32_lane<const F: bool>(y: f32, x: f32) -> f32 {
    atan2_f64_lane::<F>(y as f64, x as f64) as f32
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
        #[doc = "the [module docs](self)."]
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
    (@run $x:ident, $out:ident, $lane:ident) => {
        run1($x, $out, $lane::<true>, $lane::<false>)
    };
    (@run $x:ident, $out:ident, $lane:ident, $bad:ident, $slow:expr) => {
        run1_fix($x, $out, $lane::<true>, $lane::<false>, $bad, $slow)
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
        #[doc = "values: see the [module docs](self)."]
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

unary!(exp_f32, f32, exp_f32_lane, "`e^x`",
    example: "1.0" => "std::f32::consts::E", tol: "1e-6");
unary!(exp_f64, f64, exp_f64_lane, "`e^x`",
    example: "1.0" => "std::f64::consts::E", tol: "1e-15");
unary!(exp2_f32, f32, exp2_f32_lane, "`2^x`",
    example: "10.0" => "1024.0", tol: "0.0");
unary!(exp2_f64, f64, exp2_f64_lane, "`2^x`",
    example: "10.0" => "1024.0", tol: "0.0");
unary!(ln_f32, f32, ln_f32_lane, "natural logarithm",
    example: "std::f32::consts::E" => "1.0", tol: "1e-6");
unary!(ln_f64, f64, ln_f64_lane, "natural logarithm",
    example: "std::f64::consts::E" => "1.0", tol: "1e-15");
unary!(log2_f32, f32, log2_f32_lane, "base-2 logarithm",
    example: "1024.0" => "10.0", tol: "0.0");
unary!(log2_f64, f64, log2_f64_lane, "base-2 logarithm",
    example: "1024.0" => "10.0", tol: "0.0");
unary!(log10_f32, f32, log10_f32_lane, "base-10 logarithm",
    example: "1000.0" => "3.0", tol: "0.0");
unary!(log10_f64, f64, log10_f64_lane, "base-10 logarithm",
    example: "1000.0" => "3.0", tol: "0.0");
unary!(sin_f32, f32, sin_f32_lane, "sine",
    example: "std::f32::consts::FRAC_PI_6" => "0.5", tol: "1e-7",
    fix: trig_bad32, |v: f32| (v as f64).sin() as f32);
unary!(sin_f64, f64, sin_f64_lane, "sine",
    example: "std::f64::consts::FRAC_PI_6" => "0.5", tol: "1e-15",
    fix: trig_bad64, |v: f64| v.sin());
unary!(cos_f32, f32, cos_f32_lane, "cosine",
    example: "std::f32::consts::FRAC_PI_3" => "0.5", tol: "1e-7",
    fix: trig_bad32, |v: f32| (v as f64).cos() as f32);
unary!(cos_f64, f64, cos_f64_lane, "cosine",
    example: "std::f64::consts::FRAC_PI_3" => "0.5", tol: "1e-15",
    fix: trig_bad64, |v: f64| v.cos());
unary!(tan_f32, f32, tan_f32_lane, "tangent",
    example: "std::f32::consts::FRAC_PI_4" => "1.0", tol: "1e-7",
    fix: tan_bad32, |v: f32| (v as f64).tan() as f32);
unary!(tan_f64, f64, tan_f64_lane, "tangent",
    example: "std::f64::consts::FRAC_PI_4" => "1.0", tol: "1e-15",
    fix: trig_bad64, |v: f64| v.tan());
unary!(tanh_f32, f32, tanh_f32_lane, "hyperbolic tangent",
    example: "0.5" => "0.5f32.tanh()", tol: "1e-7");
unary!(tanh_f64, f64, tanh_f64_lane, "hyperbolic tangent",
    example: "0.5" => "0.5f64.tanh()", tol: "1e-16");
unary!(sigmoid_f32, f32, sigmoid_f32_lane, "logistic sigmoid `1 / (1 + e^-x)`",
    example: "0.0" => "0.5", tol: "0.0");
unary!(sigmoid_f64, f64, sigmoid_f64_lane, "logistic sigmoid `1 / (1 + e^-x)`",
    example: "0.0" => "0.5", tol: "0.0");
unary!(sinh_f32, f32, sinh_f32_lane, "hyperbolic sine",
    example: "1.0" => "1.0f32.sinh()", tol: "1e-6");
unary!(sinh_f64, f64, sinh_f64_lane, "hyperbolic sine",
    example: "1.0" => "1.0f64.sinh()", tol: "1e-15");
unary!(cosh_f32, f32, cosh_f32_lane, "hyperbolic cosine",
    example: "1.0" => "1.0f32.cosh()", tol: "1e-6");
unary!(cosh_f64, f64, cosh_f64_lane, "hyperbolic cosine",
    example: "1.0" => "1.0f64.cosh()", tol: "1e-15");
unary!(atan_f32, f32, atan_f32_lane, "arctangent",
    example: "1.0" => "std::f32::consts::FRAC_PI_4", tol: "1e-7");
unary!(atan_f64, f64, atan_f64_lane, "arctangent",
    example: "1.0" => "std::f64::consts::FRAC_PI_4", tol: "1e-16");
unary!(asin_f32, f32, asin_f32_lane, "arcsine",
    example: "0.5" => "std::f32::consts::FRAC_PI_6", tol: "1e-7");
unary!(asin_f64, f64, asin_f64_lane, "arcsine",
    example: "0.5" => "std::f64::consts::FRAC_PI_6", tol: "1e-16");
unary!(acos_f32, f32, acos_f32_lane, "arccosine",
    example: "0.5" => "std::f32::consts::FRAC_PI_3", tol: "1e-7");
unary!(acos_f64, f64, acos_f64_lane, "arccosine",
    example: "0.5" => "std::f64::consts::FRAC_PI_3", tol: "1e-15");

binary!(atan2_f32, f32, atan2_f32_lane::<true>, atan2_f32_lane::<false>, y, x,
    "four-quadrant arctangent `atan2(y[i], x[i])`",
    example: ("1.0", "-1.0") => "3.0 * std::f32::consts::FRAC_PI_4", tol: "1e-6");
binary!(atan2_f64, f64, atan2_f64_lane::<true>, atan2_f64_lane::<false>, y, x,
    "four-quadrant arctangent `atan2(y[i], x[i])`",
    example: ("1.0", "-1.0") => "3.0 * std::f64::consts::FRAC_PI_4", tol: "1e-15");
binary!(pow_f32, f32, pow_f32_lane::<true>, pow_f32_lane::<false>, x, y,
    "power `x[i]^y[i]` (C99 / NumPy special cases)",
    example: ("2.0", "10.0") => "1024.0", tol: "0.0");
binary!(pow_f64, f64, pow_f64_lane, pow_f64_lane, x, y,
    "power `x[i]^y[i]` (scalar `std` `powf` per element, not vectorised)",
    example: ("2.0", "10.0") => "1024.0", tol: "0.0");

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_core::ops::UnaryOp;

    // ---- deterministic inputs -------------------------------------------

    use super::inputs::Rng;

    /// Inputs of one kind of test.
    #[derive(Clone, Copy)]
    enum Gen {
        /// Uniform in `[lo, hi]`.
        U(f64, f64),
        /// `±2^e`, `e` uniform in `[lo, hi]`.
        Log(f64, f64),
        /// `k * step + d`, `k` uniform integer in `[0, kmax]`, `|d| <= dmax`:
        /// near multiples of `step` (hard cases of range reduction).
        Near(f64, f64, f64),
        /// Uniformly random bit patterns (every class: NaN, inf,
        /// subnormals, huge, negative).
        Bits,
    }

    const N: usize = 200_000;

    fn gen_f64(rng: &mut Rng, g: Gen) -> f64 {
        match g {
            Gen::U(lo, hi) => rng.uniform(lo, hi),
            Gen::Log(lo, hi) => rng.log_uniform(lo, hi),
            Gen::Near(step, kmax, dmax) => {
                let k = (rng.unit() * kmax).round();
                let s = if rng.next() & 1 == 1 { -1.0 } else { 1.0 };
                s * (k * step + rng.uniform(-dmax, dmax))
            }
            Gen::Bits => f64::from_bits(rng.next()),
        }
    }

    fn inputs_f32(seed: u64, gens: &[Gen]) -> Vec<f32> {
        let mut rng = Rng(seed);
        let mut v = Vec::new();
        for &g in gens {
            for _ in 0..N {
                v.push(match g {
                    Gen::Bits => f32::from_bits(rng.next() as u32),
                    g => gen_f64(&mut rng, g) as f32,
                });
            }
        }
        v
    }

    fn inputs_f64(seed: u64, gens: &[Gen]) -> Vec<f64> {
        let mut rng = Rng(seed);
        let mut v = Vec::new();
        for &g in gens {
            for _ in 0..N {
                v.push(gen_f64(&mut rng, g));
            }
        }
        v
    }

    // ---- error measures -------------------------------------------------

    /// Error of `got` in ULP of the exact result `exact` (an `f64`, far
    /// more precise than `f32`). Infinite when classes differ (NaN, inf,
    /// the sign of an exact zero).
    fn err32(got: f32, exact: f64) -> f64 {
        let want = exact as f32;
        if want.is_nan() || got.is_nan() {
            return if want.is_nan() && got.is_nan() {
                0.0
            } else {
                f64::INFINITY
            };
        }
        if want.is_infinite() || got.is_infinite() {
            return if want == got { 0.0 } else { f64::INFINITY };
        }
        if exact == 0.0 {
            return if got.to_bits() == want.to_bits() {
                0.0
            } else {
                f64::INFINITY
            };
        }
        let e = (((exact.to_bits() >> 52) & 0x7ff) as i32 - 1023).max(-126);
        (got as f64 - exact).abs() / f64::powi(2.0, e - 23)
    }

    fn ord64(x: f64) -> i128 {
        let b = x.to_bits() as i64;
        (if b < 0 { i64::MIN.wrapping_sub(b) } else { b }) as i128
    }

    /// Distance in ULP between `got` and `std`'s `want`; classes must agree.
    fn dist64(got: f64, want: f64) -> f64 {
        if want.is_nan() || got.is_nan() {
            return if want.is_nan() && got.is_nan() {
                0.0
            } else {
                f64::INFINITY
            };
        }
        if want.is_infinite() || got.is_infinite() || want == 0.0 || got == 0.0 {
            if want.to_bits() == got.to_bits() {
                return 0.0;
            }
            if want.is_infinite() || got.is_infinite() || want == 0.0 && got == 0.0 {
                return f64::INFINITY;
            }
        }
        (ord64(got) - ord64(want)).unsigned_abs() as f64
    }

    /// Max of `err` over the pairs, with the worst input.
    fn worst<X: Copy>(xs: &[X], errs: impl Iterator<Item = f64>) -> (f64, Option<X>) {
        let mut m = (0.0, None);
        for (e, &x) in errs.zip(xs) {
            if e > m.0 || e.is_nan() {
                m = (e, Some(x));
            }
        }
        m
    }

    /// Checks an `f32` function (the public, dispatched one and the
    /// unfused lane variant) against `reference`; returns the max error.
    fn check32(
        name: &str,
        public: fn(&[f32], &mut [f32]),
        unfused: impl Fn(&[f32], &mut [f32]),
        reference: impl Fn(f64) -> f64,
        xs: &[f32],
    ) -> f64 {
        let exact: Vec<f64> = xs.iter().map(|&x| reference(x as f64)).collect();
        let mut got = vec![0.0f32; xs.len()];
        let mut total = 0.0f64;
        for (variant, run) in [
            ("dispatched", &public as &dyn Fn(&[f32], &mut [f32])),
            ("unfused", &unfused),
        ] {
            got.iter_mut().for_each(|g| *g = 0.0);
            run(xs, &mut got);
            let (e, x) = worst(xs, got.iter().zip(&exact).map(|(&g, &w)| err32(g, w)));
            println!(
                "{name:>12} f32 {variant:>10}: max error {e:.3} ULP (at x = {:e})",
                x.unwrap_or(0.0)
            );
            if let Some(x) = x {
                assert!(
                    e <= 2.0,
                    "{name} f32 {variant}: {e} ULP at x = {x:e} ({:e} vs {:e})",
                    got[xs.iter().position(|v| v.to_bits() == x.to_bits()).unwrap()],
                    reference(x as f64)
                );
            }
            total = total.max(e);
        }
        total
    }

    fn check64(
        name: &str,
        public: fn(&[f64], &mut [f64]),
        unfused: impl Fn(&[f64], &mut [f64]),
        reference: impl Fn(f64) -> f64,
        xs: &[f64],
    ) -> f64 {
        let want: Vec<f64> = xs.iter().map(|&x| reference(x)).collect();
        let mut got = vec![0.0f64; xs.len()];
        let mut total = 0.0f64;
        for (variant, run) in [
            ("dispatched", &public as &dyn Fn(&[f64], &mut [f64])),
            ("unfused", &unfused),
        ] {
            got.iter_mut().for_each(|g| *g = 0.0);
            run(xs, &mut got);
            let (e, x) = worst(xs, got.iter().zip(&want).map(|(&g, &w)| dist64(g, w)));
            println!(
                "{name:>12} f64 {variant:>10}: max distance {e} ULP to std (at x = {:e})",
                x.unwrap_or(0.0)
            );
            if let Some(x) = x {
                let i = xs.iter().position(|v| v.to_bits() == x.to_bits()).unwrap();
                assert!(
                    e <= 2.0,
                    "{name} f64 {variant}: {e} ULP at x = {x:e} ({:e} vs std {:e})",
                    got[i],
                    want[i]
                );
            }
            total = total.max(e);
        }
        total
    }

    /// Binary `f32` check: `reference(a, b)` exact in `f64`.
    fn check32_2(
        name: &str,
        public: fn(&[f32], &[f32], &mut [f32]),
        unfused: impl Fn(&[f32], &[f32], &mut [f32]),
        reference: impl Fn(f64, f64) -> f64,
        a: &[f32],
        b: &[f32],
    ) -> f64 {
        let exact: Vec<f64> = a
            .iter()
            .zip(b)
            .map(|(&u, &v)| reference(u as f64, v as f64))
            .collect();
        let pairs: Vec<(f32, f32)> = a.iter().copied().zip(b.iter().copied()).collect();
        let mut got = vec![0.0f32; a.len()];
        let mut total = 0.0f64;
        for (variant, run) in [
            ("dispatched", &public as &dyn Fn(&[f32], &[f32], &mut [f32])),
            ("unfused", &unfused),
        ] {
            run(a, b, &mut got);
            let (e, p) = worst(&pairs, got.iter().zip(&exact).map(|(&g, &w)| err32(g, w)));
            println!("{name:>12} f32 {variant:>10}: max error {e:.3} ULP (at {p:?})");
            assert!(e <= 2.0, "{name} f32 {variant}: {e} ULP at {p:?}");
            total = total.max(e);
        }
        total
    }

    fn check64_2(
        name: &str,
        public: fn(&[f64], &[f64], &mut [f64]),
        unfused: impl Fn(&[f64], &[f64], &mut [f64]),
        reference: impl Fn(f64, f64) -> f64,
        a: &[f64],
        b: &[f64],
    ) -> f64 {
        let want: Vec<f64> = a.iter().zip(b).map(|(&u, &v)| reference(u, v)).collect();
        let pairs: Vec<(f64, f64)> = a.iter().copied().zip(b.iter().copied()).collect();
        let mut got = vec![0.0f64; a.len()];
        let mut total = 0.0f64;
        for (variant, run) in [
            ("dispatched", &public as &dyn Fn(&[f64], &[f64], &mut [f64])),
            ("unfused", &unfused),
        ] {
            run(a, b, &mut got);
            let (e, p) = worst(&pairs, got.iter().zip(&want).map(|(&g, &w)| dist64(g, w)));
            println!("{name:>12} f64 {variant:>10}: max distance {e} ULP to std (at {p:?})");
            assert!(e <= 2.0, "{name} f64 {variant}: {e} ULP at {p:?}");
            total = total.max(e);
        }
        total
    }

    type Unary32 = fn(&[f32], &mut [f32]);
    type Unary64 = fn(&[f64], &mut [f64]);

    /// vmath's `f32` and `f64` functions for `op`.
    fn unary_fns(op: UnaryOp) -> (Unary32, Unary64) {
        use UnaryOp::*;
        match op {
            Exp => (exp_f32, exp_f64),
            Exp2 => (exp2_f32, exp2_f64),
            Ln => (ln_f32, ln_f64),
            Log2 => (log2_f32, log2_f64),
            Log10 => (log10_f32, log10_f64),
            Sin => (sin_f32, sin_f64),
            Cos => (cos_f32, cos_f64),
            Tan => (tan_f32, tan_f64),
            Tanh => (tanh_f32, tanh_f64),
            Sigmoid => (sigmoid_f32, sigmoid_f64),
            Sinh => (sinh_f32, sinh_f64),
            Cosh => (cosh_f32, cosh_f64),
            Atan => (atan_f32, atan_f64),
            Asin => (asin_f32, asin_f64),
            Acos => (acos_f32, acos_f64),
            _ => panic!("vmath has no {}", op.name()),
        }
    }

    /// `(x, want)` pairs that must match exactly ([`special::is_exact`]:
    /// NaN matches NaN; zeros by sign).
    fn exact<T: Copy + Default + Into<f64> + std::fmt::Debug>(
        op: UnaryOp,
        f: fn(&[T], &mut [T]),
        cases: &[(T, T)],
    ) {
        let xs: Vec<T> = cases.iter().map(|c| c.0).collect();
        let mut got = vec![T::default(); xs.len()];
        f(&xs, &mut got);
        for (&(x, want), &g) in cases.iter().zip(&got) {
            assert!(
                special::is_exact(g, want),
                "{}({x:?}) = {g:?}, want {want:?}",
                op.name()
            );
        }
    }

    /// Special inputs every unary function is also checked on (against the
    /// reference, with classes and signed zeros compared exactly).
    const SPECIAL32: [f32; 24] = [
        f32::NAN,
        -f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1e-45,
        -1e-45,
        1e-40,
        f32::MAX,
        f32::MIN,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        1e-8,
        -1e-8,
        88.72283,
        88.72284,
        -103.97,
        -87.33655,
    ];
    const SPECIAL64: [f64; 24] = [
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        f64::MAX,
        f64::MIN,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        1e-8,
        -1e-300,
        709.782712893384,
        709.782712893385,
        -745.1332191019411,
        -708.3964185322641,
    ];

    fn with_specials32(mut v: Vec<f32>) -> Vec<f32> {
        v.extend_from_slice(&SPECIAL32);
        v
    }
    fn with_specials64(mut v: Vec<f64>) -> Vec<f64> {
        v.extend_from_slice(&SPECIAL64);
        v
    }

    /// Generic ranges added to every unary test.
    const COMMON: [Gen; 3] = [Gen::Log(-160.0, 130.0), Gen::Log(-10.0, 10.0), Gen::Bits];
    const COMMON64: [Gen; 3] = [Gen::Log(-1080.0, 1025.0), Gen::Log(-10.0, 10.0), Gen::Bits];

    macro_rules! test_unary {
        ($test:ident, $f32:ident, $f64:ident, $lane32:ident, $lane64:ident,
         $reference:expr, gens32: [$($g32:expr),*], gens64: [$($g64:expr),*]
         $(, fix: $bad32:ident, $slow32:expr, $bad64:ident, $slow64:expr)?) => {
            #[test]
            fn $test() {
                let reference: fn(f64) -> f64 = $reference;
                let mut gens: Vec<Gen> = vec![$($g32),*];
                gens.extend_from_slice(&COMMON);
                let xs = with_specials32(inputs_f32(0x9e37_79b9_7f4a_7c15, &gens));
                let e32 = check32(
                    stringify!($f32),
                    $f32,
                    |x, o| test_unary!(@unfused x, o, $lane32 $(, $bad32, $slow32)?),
                    reference,
                    &xs,
                );
                let mut gens: Vec<Gen> = vec![$($g64),*];
                gens.extend_from_slice(&COMMON64);
                let xs = with_specials64(inputs_f64(0x2545_f491_4f6c_dd1d, &gens));
                let e64 = check64(
                    stringify!($f64),
                    $f64,
                    |x, o| test_unary!(@unfused x, o, $lane64 $(, $bad64, $slow64)?),
                    reference,
                    &xs,
                );
                println!("SUMMARY {}: f32 {e32:.3} ULP, f64 {e64} ULP", stringify!($test));
            }
        };
        (@unfused $x:ident, $o:ident, $lane:ident) => { map1($x, $o, $lane::<false>) };
        (@unfused $x:ident, $o:ident, $lane:ident, $bad:ident, $slow:expr) => {
            map1_fix($x, $o, $lane::<false>, $bad, $slow)
        };
    }

    test_unary!(exp, exp_f32, exp_f64, exp_f32_lane, exp_f64_lane, f64::exp,
        gens32: [Gen::U(-110.0, 95.0), Gen::U(-1.0, 1.0), Gen::U(-104.0, -87.0)],
        gens64: [Gen::U(-750.0, 712.0), Gen::U(-1.0, 1.0), Gen::U(-746.0, -708.0)]);
    test_unary!(exp2, exp2_f32, exp2_f64, exp2_f32_lane, exp2_f64_lane, f64::exp2,
        gens32: [Gen::U(-155.0, 130.0), Gen::U(-1.0, 1.0), Gen::U(-150.0, -126.0)],
        gens64: [Gen::U(-1080.0, 1030.0), Gen::U(-1.0, 1.0), Gen::U(-1075.0, -1022.0)]);
    test_unary!(ln, ln_f32, ln_f64, ln_f32_lane, ln_f64_lane, f64::ln,
        gens32: [Gen::U(0.0, 2.0), Gen::U(0.6, 1.5), Gen::U(0.0, 1e6), Gen::U(0.9999, 1.0001)],
        gens64: [Gen::U(0.0, 2.0), Gen::U(0.6, 1.5), Gen::U(0.0, 1e6), Gen::U(0.9999, 1.0001)]);
    test_unary!(log2, log2_f32, log2_f64, log2_f32_lane, log2_f64_lane, f64::log2,
        gens32: [Gen::U(0.0, 2.0), Gen::U(0.6, 1.5), Gen::U(0.0, 1e6), Gen::U(0.9999, 1.0001)],
        gens64: [Gen::U(0.0, 2.0), Gen::U(0.6, 1.5), Gen::U(0.0, 1e6), Gen::U(0.9999, 1.0001)]);
    test_unary!(log10, log10_f32, log10_f64, log10_f32_lane, log10_f64_lane, f64::log10,
        gens32: [Gen::U(0.0, 2.0), Gen::U(0.6, 1.5), Gen::U(0.0, 1e6), Gen::U(0.9999, 1.0001)],
        gens64: [Gen::U(0.0, 2.0), Gen::U(0.6, 1.5), Gen::U(0.0, 1e6), Gen::U(0.9999, 1.0001)]);
    test_unary!(sin, sin_f32, sin_f64, sin_f32_lane, sin_f64_lane, f64::sin,
        gens32: [Gen::U(-4.0, 4.0), Gen::U(-100.0, 100.0), Gen::U(-70000.0, 70000.0),
                 Gen::Near(std::f64::consts::FRAC_PI_2, 40000.0, 1e-3), Gen::Log(16.0, 25.0)],
        gens64: [Gen::U(-4.0, 4.0), Gen::U(-100.0, 100.0), Gen::U(-2e6, 2e6),
                 Gen::Near(std::f64::consts::FRAC_PI_2, 1e6, 1e-6), Gen::Log(20.0, 40.0)],
        fix: trig_bad32, |v: f32| (v as f64).sin() as f32, trig_bad64, |v: f64| v.sin());
    test_unary!(cos, cos_f32, cos_f64, cos_f32_lane, cos_f64_lane, f64::cos,
        gens32: [Gen::U(-4.0, 4.0), Gen::U(-100.0, 100.0), Gen::U(-70000.0, 70000.0),
                 Gen::Near(std::f64::consts::FRAC_PI_2, 40000.0, 1e-3), Gen::Log(16.0, 25.0)],
        gens64: [Gen::U(-4.0, 4.0), Gen::U(-100.0, 100.0), Gen::U(-2e6, 2e6),
                 Gen::Near(std::f64::consts::FRAC_PI_2, 1e6, 1e-6), Gen::Log(20.0, 40.0)],
        fix: trig_bad32, |v: f32| (v as f64).cos() as f32, trig_bad64, |v: f64| v.cos());
    test_unary!(tan, tan_f32, tan_f64, tan_f32_lane, tan_f64_lane, f64::tan,
        gens32: [Gen::U(-4.0, 4.0), Gen::U(-100.0, 100.0), Gen::U(-70000.0, 70000.0),
                 Gen::Near(std::f64::consts::FRAC_PI_2, 40000.0, 1e-3), Gen::Log(16.0, 25.0)],
        gens64: [Gen::U(-4.0, 4.0), Gen::U(-100.0, 100.0), Gen::U(-2e6, 2e6),
                 Gen::Near(std::f64::consts::FRAC_PI_2, 1e6, 1e-6), Gen::Log(20.0, 40.0)],
        fix: tan_bad32, |v: f32| (v as f64).tan() as f32, trig_bad64, |v: f64| v.tan());
    test_unary!(tanh, tanh_f32, tanh_f64, tanh_f32_lane, tanh_f64_lane, f64::tanh,
        gens32: [Gen::U(-10.0, 10.0), Gen::U(-1.0, 1.0), Gen::U(-0.6, 0.6)],
        gens64: [Gen::U(-25.0, 25.0), Gen::U(-1.0, 1.0), Gen::U(-0.6, 0.6)]);
    test_unary!(sigmoid, sigmoid_f32, sigmoid_f64, sigmoid_f32_lane, sigmoid_f64_lane,
        |x| if x >= 0.0 { 1.0 / (1.0 + (-x).exp()) } else { x.exp() / (1.0 + x.exp()) },
        gens32: [Gen::U(-120.0, 40.0), Gen::U(-20.0, 20.0), Gen::U(-1.0, 1.0)],
        gens64: [Gen::U(-750.0, 50.0), Gen::U(-40.0, 40.0), Gen::U(-1.0, 1.0)]);
    test_unary!(sinh, sinh_f32, sinh_f64, sinh_f32_lane, sinh_f64_lane, f64::sinh,
        gens32: [Gen::U(-95.0, 95.0), Gen::U(-2.0, 2.0)],
        gens64: [Gen::U(-715.0, 715.0), Gen::U(-2.0, 2.0), Gen::U(-30.0, 30.0)]);
    test_unary!(cosh, cosh_f32, cosh_f64, cosh_f32_lane, cosh_f64_lane, f64::cosh,
        gens32: [Gen::U(-95.0, 95.0), Gen::U(-2.0, 2.0)],
        gens64: [Gen::U(-715.0, 715.0), Gen::U(-2.0, 2.0), Gen::U(-30.0, 30.0)]);
    test_unary!(atan, atan_f32, atan_f64, atan_f32_lane, atan_f64_lane, f64::atan,
        gens32: [Gen::U(-10.0, 10.0), Gen::U(-3.0, 3.0)],
        gens64: [Gen::U(-10.0, 10.0), Gen::U(-3.0, 3.0)]);
    test_unary!(asin, asin_f32, asin_f64, asin_f32_lane, asin_f64_lane, f64::asin,
        gens32: [Gen::U(-1.0, 1.0), Gen::U(0.9, 1.0), Gen::U(-1.1, 1.1), Gen::Log(-30.0, 0.0)],
        gens64: [Gen::U(-1.0, 1.0), Gen::U(0.9, 1.0), Gen::U(-1.1, 1.1), Gen::Log(-60.0, 0.0)]);
    test_unary!(acos, acos_f32, acos_f64, acos_f32_lane, acos_f64_lane, f64::acos,
        gens32: [Gen::U(-1.0, 1.0), Gen::U(0.9, 1.0), Gen::U(-1.0, -0.9), Gen::Log(-30.0, 0.0)],
        gens64: [Gen::U(-1.0, 1.0), Gen::U(0.9, 1.0), Gen::U(-1.0, -0.9), Gen::Log(-60.0, 0.0)]);

    fn pair_inputs<T>(n_seed: u64, gen: impl Fn(&mut Rng, usize) -> (T, T)) -> (Vec<T>, Vec<T>) {
        let mut rng = Rng(n_seed);
        (0..8 * N).map(|i| gen(&mut rng, i)).unzip()
    }

    #[test]
    fn atan2() {
        let gen = |rng: &mut Rng, i: usize| -> (f64, f64) {
            match i % 4 {
                0 => (rng.uniform(-10.0, 10.0), rng.uniform(-10.0, 10.0)),
                1 => (rng.log_uniform(-60.0, 60.0), rng.log_uniform(-60.0, 60.0)),
                2 => (rng.uniform(-1.0, 1.0), rng.log_uniform(-5.0, 5.0)),
                _ => (f64::from_bits(rng.next()), f64::from_bits(rng.next())),
            }
        };
        let (y, x) = pair_inputs(7, gen);
        let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let e32 = check32_2(
            "atan2_f32",
            atan2_f32,
            |a, b, o| map2(a, b, o, atan2_f32_lane::<false>),
            f64::atan2,
            &y32,
            &x32,
        );
        let e64 = check64_2(
            "atan2_f64",
            atan2_f64,
            |a, b, o| map2(a, b, o, atan2_f64_lane::<false>),
            f64::atan2,
            &y,
            &x,
        );
        println!("SUMMARY atan2: f32 {e32:.3} ULP, f64 {e64} ULP");
        // The C99 table, every sign combination.
        for (y, x, want) in special::atan2_cases() {
            let mut o = [0.0f64];
            atan2_f64(&[y], &[x], &mut o);
            assert!(
                special::is_exact(o[0], want),
                "atan2({y}, {x}) = {} want {want}",
                o[0]
            );
            let mut o = [0.0f32];
            let (y, x, want) = (y as f32, x as f32, want as f32);
            atan2_f32(&[y], &[x], &mut o);
            assert!(
                special::is_exact(o[0], want),
                "atan2_f32({y}, {x}) = {} want {want}",
                o[0]
            );
        }
    }

    #[test]
    fn pow() {
        let gen = |rng: &mut Rng, i: usize| -> (f64, f64) {
            match i % 8 {
                0 => (rng.uniform(0.0, 10.0), rng.uniform(-40.0, 40.0)),
                1 => (rng.uniform(0.9, 1.1), rng.uniform(-1000.0, 1000.0)),
                2 => (rng.log_uniform(-100.0, 100.0), rng.uniform(-3.0, 3.0)),
                // negative bases with integer exponents
                3 => (-rng.uniform(0.0, 10.0), (rng.uniform(-60.0, 60.0)).round()),
                4 => (-rng.uniform(0.0, 10.0), rng.uniform(-60.0, 60.0)),
                5 => (rng.uniform(0.0, 4.0), (rng.uniform(-200.0, 200.0)).round()),
                6 => (
                    rng.log_uniform(-1000.0, 1000.0),
                    rng.log_uniform(-10.0, 10.0),
                ),
                _ => (f64::from_bits(rng.next()), f64::from_bits(rng.next())),
            }
        };
        let (x, y) = pair_inputs(11, gen);
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        let e32 = check32_2(
            "pow_f32",
            pow_f32,
            |a, b, o| map2(a, b, o, pow_f32_lane::<false>),
            f64::powf,
            &x32,
            &y32,
        );
        let e64 = check64_2(
            "pow_f64",
            pow_f64,
            |a, b, o| map2(a, b, o, pow_f64_lane),
            f64::powf,
            &x,
            &y,
        );
        println!("SUMMARY pow: f32 {e32:.3} ULP, f64 {e64} ULP");
        // Parity of large exponents (f64 only: they are not f32 values).
        for &(x, y, want) in special::POW_PARITY_F64 {
            let mut o = [0.0f64];
            pow_f64(&[x], &[y], &mut o);
            assert!(
                special::is_exact(o[0], want),
                "pow({x}, {y}) = {} want {want}",
                o[0]
            );
            assert_eq!(int_parity64(y).1, want == -1.0, "parity of {y}");
        }
        // The C99 / NumPy table.
        for &(x, y, want) in special::POW {
            let mut o = [0.0f64];
            pow_f64(&[x], &[y], &mut o);
            assert!(
                special::is_exact(o[0], want),
                "pow({x}, {y}) = {} want {want}",
                o[0]
            );
            let mut o = [0.0f32];
            let (x, y, want) = (x as f32, y as f32, want as f32);
            pow_f32(&[x], &[y], &mut o);
            assert!(
                special::is_exact(o[0], want),
                "pow_f32({x}, {y}) = {} want {want}",
                o[0]
            );
        }
    }

    /// The tables of exact special values (shared with the GPU's tests).
    #[test]
    fn special_values() {
        for &(op, cases) in special::UNARY_F32 {
            exact(op, unary_fns(op).0, cases);
        }
        for &(op, cases) in special::UNARY_F64 {
            exact(op, unary_fns(op).1, cases);
        }
        // tanh near 0 (f64: within an ULP); sigmoid's subnormal tail.
        let mut o = [0.0f64; 1];
        tanh_f64(&[1e-8], &mut o);
        assert!((o[0] - 1e-8).abs() <= 1e-24);
        let mut o = [0.0f32; 1];
        sigmoid_f32(&[-100.0], &mut o);
        assert!(o[0] > 0.0 && o[0] < f32::MIN_POSITIVE);
    }

    /// Lengths differ: the shorter one wins, nothing panics; every block
    /// size and remainder of the drivers gets exercised.
    #[test]
    fn lengths_and_blocks() {
        let x: Vec<f32> = (0..3000).map(|i| i as f32 * 0.37 - 500.0).collect();
        let mut o = vec![7.0f32; 10];
        sin_f32(&x, &mut o);
        assert!(err32(o[3], (x[3] as f64).sin()) <= 1.0);
        let mut o = vec![7.0f32; 3000];
        exp_f32(&x[..5], &mut o);
        assert_eq!(o[5], 7.0);
        let mut o = vec![7.0f32; 3000];
        pow_f32(&x[..3], &x[..2], &mut o);
        assert_eq!(o[2], 7.0);
        exp_f32(&[], &mut o);
        // A huge argument in the middle of a long slice.
        let mut xs: Vec<f64> = (0..5000).map(|i| i as f64 * 0.01).collect();
        xs[2500] = 1e22;
        xs[4999] = f64::INFINITY;
        let mut o = vec![0.0f64; xs.len()];
        cos_f64(&xs, &mut o);
        for (i, (&x, &g)) in xs.iter().zip(&o).enumerate() {
            assert!(
                dist64(g, x.cos()) <= 1.0,
                "{i}: cos({x}) = {g} vs {}",
                x.cos()
            );
        }
    }

    /// Every `f32` input (all 2^32 bit patterns) for the unary `f32`
    /// functions, and the unfused variants of the native kernels; one to two
    /// minutes per function on two cores (`VMATH_ONLY=sin,cos` picks some):
    /// `cargo test --release -p tandem-cpu vmath::tests::exhaustive -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn exhaustive_f32() {
        use rayon::prelude::*;
        type Case = (&'static str, fn(&[f32], &mut [f32]), fn(f64) -> f64);
        let fns: [Case; 22] = [
            ("exp", exp_f32, f64::exp),
            ("exp2", exp2_f32, f64::exp2),
            ("ln", ln_f32, f64::ln),
            ("log2", log2_f32, f64::log2),
            ("log10", log10_f32, f64::log10),
            ("sin", sin_f32, f64::sin),
            ("cos", cos_f32, f64::cos),
            ("tan", tan_f32, f64::tan),
            ("tanh", tanh_f32, f64::tanh),
            ("sigmoid", sigmoid_f32, |x| 1.0 / (1.0 + (-x).exp())),
            ("atan", atan_f32, f64::atan),
            ("asin", asin_f32, f64::asin),
            ("sinh", sinh_f32, f64::sinh),
            // The variants for CPUs without FMA.
            (
                "exp/unfused",
                |x, o| map1(x, o, exp_f32_lane::<false>),
                f64::exp,
            ),
            (
                "exp2/unfused",
                |x, o| map1(x, o, exp2_f32_lane::<false>),
                f64::exp2,
            ),
            (
                "ln/unfused",
                |x, o| map1(x, o, ln_f32_lane::<false>),
                f64::ln,
            ),
            (
                "log2/unfused",
                |x, o| map1(x, o, log2_f32_lane::<false>),
                f64::log2,
            ),
            (
                "log10/unfused",
                |x, o| map1(x, o, log10_f32_lane::<false>),
                f64::log10,
            ),
            (
                "sin/unfused",
                |x, o| {
                    map1_fix(x, o, sin_f32_lane::<false>, trig_bad32, |v| {
                        (v as f64).sin() as f32
                    })
                },
                f64::sin,
            ),
            (
                "cos/unfused",
                |x, o| {
                    map1_fix(x, o, cos_f32_lane::<false>, trig_bad32, |v| {
                        (v as f64).cos() as f32
                    })
                },
                f64::cos,
            ),
            (
                "tanh/unfused",
                |x, o| map1(x, o, tanh_f32_lane::<false>),
                f64::tanh,
            ),
            (
                "sigmoid/unfused",
                |x, o| map1(x, o, sigmoid_f32_lane::<false>),
                |x| 1.0 / (1.0 + (-x).exp()),
            ),
        ];
        let only = std::env::var("VMATH_ONLY").ok();
        for (name, f, reference) in fns {
            if only
                .as_deref()
                .is_some_and(|o| !o.split(',').any(|n| n == name))
            {
                continue;
            }
            let (e, x) = (0u32..1 << 16)
                .into_par_iter()
                .map(|hi| {
                    let xs: Vec<f32> = (0..1u32 << 16)
                        .map(|lo| f32::from_bits(hi << 16 | lo))
                        .collect();
                    let mut o = vec![0.0f32; xs.len()];
                    f(&xs, &mut o);
                    let mut m = (0.0f64, 0.0f32);
                    for (&x, &g) in xs.iter().zip(&o) {
                        let e = err32(g, reference(x as f64));
                        if e > m.0 || e.is_nan() {
                            m = (e, x);
                        }
                    }
                    m
                })
                .reduce(
                    || (0.0, 0.0),
                    |a, b| if b.0 > a.0 || b.0.is_nan() { b } else { a },
                );
            println!("EXHAUSTIVE {name} f32: max error {e:.3} ULP at x = {x:e}");
        }
    }
}
