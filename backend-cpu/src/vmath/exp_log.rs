//! vmath's exponentials and logarithms: `exp`, `exp2`, `ln`, `log2`,
//! `log10` (and the cores the other families build on: the `exp` reduction
//! and polynomials, the fdlibm log kernel).
//!
//! Algorithms, accuracy and speed: see the [module docs](super).

// Constants are quoted with all the digits of their sources (fdlibm, or the
// mpmath fits), which is more than the types hold.
#![allow(clippy::excessive_precision)]

use super::lanes::*;

// ---------------------------------------------------------------------------
// exp / exp2
// ---------------------------------------------------------------------------

pub(super) const LOG2E_F32: f32 = std::f32::consts::LOG2_E;
/// ln 2 split: the high part has 15 significant bits, so `k * LN2_HI` is
/// exact for `|k| < 512`.
#[allow(clippy::approx_constant)] // deliberately truncated
pub(super) const LN2_HI_F32: f32 = 0.693_145_751_953_125; // 0x3f317200
pub(super) const LN2_LO_F32: f32 = 1.428_606_765_330_187e-6;

/// e^r on `|r| <= 0.3473`, minimax, relative error 2^-27.2.
pub(super) const EXP_F32: [f32; 7] = [
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
pub(super) fn exp32_core<const F: bool>(x: f32) -> (f32, i32) {
    let k = mla32::<F>(x, LOG2E_F32, MAGIC32);
    let nf = k - MAGIC32;
    let n = (k.to_bits() as i32).wrapping_sub(MAGIC32.to_bits() as i32);
    let r = mla32::<F>(nf, -LN2_HI_F32, x);
    let r = mla32::<F>(nf, -LN2_LO_F32, r);
    (poly32::<F, 7>(r, &EXP_F32), n)
}

#[inline(always)]
pub(super) fn exp_f32_lane<const F: bool>(x: f32) -> f32 {
    let (p, n) = exp32_core::<F>(clamp32(x, -104.0, 89.0));
    scale32(p, n)
}

/// 2^r on `|r| <= 0.5005`, minimax, relative error 2^-27.1.
pub(super) const EXP2_F32: [f32; 7] = [
    1.0,
    0.693_147_24,
    0.240_226_55,
    0.055_502_728,
    0.009_617_065,
    0.001_341_752_4,
    0.000_158_292_68,
];

#[inline(always)]
pub(super) fn exp2_f32_lane<const F: bool>(x: f32) -> f32 {
    let xc = clamp32(x, -151.0, 129.0);
    let k = xc + MAGIC32;
    let nf = k - MAGIC32;
    let n = (k.to_bits() as i32).wrapping_sub(MAGIC32.to_bits() as i32);
    let r = xc - nf;
    scale32(poly32::<F, 7>(r, &EXP2_F32), n)
}

pub(super) const LOG2E_F64: f64 = std::f64::consts::LOG2_E;
/// fdlibm's ln 2 split (the high part has 32 significant bits).
pub(super) const LN2_HI_F64: f64 = 6.931_471_803_691_238_164_90e-1; // 0x3fe62e42fee00000
pub(super) const LN2_LO_F64: f64 = 1.908_214_929_270_587_700_02e-10; // 0x3dea39ef35793c76

/// e^r on `|r| <= 0.3473`, minimax, relative error 2^-55.
pub(super) const EXP_F64: [f64; 13] = [
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
pub(super) const EXPM1_F64: [f64; 12] = {
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
pub(super) fn exp64_reduce<const F: bool>(x: f64) -> (f64, i64) {
    let k = mla64::<F>(x, LOG2E_F64, MAGIC64);
    let nf = k - MAGIC64;
    let n = (k.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
    let r = mla64::<F>(nf, -LN2_HI_F64, x);
    (mla64::<F>(nf, -LN2_LO_F64, r), n)
}

/// e^x = p * 2^n, `x` already clamped to `[-746, 711]` (or NaN); `c` is
/// the polynomial for e^r on `|r| <= ln2/2`.
#[inline(always)]
pub(super) fn exp64_core<const F: bool, const N: usize>(x: f64, c: &[f64; N]) -> (f64, i64) {
    let (r, n) = exp64_reduce::<F>(x);
    (poly64::<F, N>(r, c), n)
}

#[inline(always)]
pub(super) fn exp_f64_lane<const F: bool>(x: f64) -> f64 {
    let (p, n) = exp64_core::<F, 13>(clamp64(x, -746.0, 710.0), &EXP_F64);
    scale64(p, n)
}

/// e^|x| / 2 without intermediate overflow (for `sinh` / `cosh`); `ax >= 0`.
#[inline(always)]
pub(super) fn exp_half_f64<const F: bool>(ax: f64) -> f64 {
    let (p, n) = exp64_core::<F, 13>(clamp64(ax, -746.0, 711.0), &EXP_F64);
    scale64(p, n - 1)
}

/// 2^r on `|r| <= 0.5005`, minimax, relative error 2^-57.
pub(super) const EXP2_F64: [f64; 13] = [
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
pub(super) fn exp2_f64_lane<const F: bool>(x: f64) -> f64 {
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
pub(super) fn log32_reduce(x: f32) -> (f32, f32) {
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
pub(super) fn log_special32(x: f32, r: f32) -> f32 {
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
pub(super) const LN_Q_F32: [f32; 10] = [
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
pub(super) fn ln_f32_lane<const F: bool>(x: f32) -> f32 {
    let (f, k) = log32_reduce(x);
    let p = mla32::<F>(f * f, poly32::<F, 10>(f, &LN_Q_F32), f);
    let r = mla32::<F>(k, LN2_HI_F32, mla32::<F>(k, LN2_LO_F32, p));
    log_special32(x, r)
}

/// log2(e) split for `f * log2(e)` in extra precision.
pub(super) const LOG2E_HI_F32: f32 = std::f32::consts::LOG2_E;
pub(super) const LOG2E_LO_F32: f32 = 1.925_963e-8;
/// `(log2(1+f) - f*log2(e)) / f^2`, relative error 2^-29.9.
pub(super) const LOG2_Q_F32: [f32; 10] = [
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
pub(super) fn log2_f32_lane<const F: bool>(x: f32) -> f32 {
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

pub(super) const LOG10E_HI_F32: f32 = std::f32::consts::LOG10_E;
pub(super) const LOG10E_LO_F32: f32 = -1.010_305e-8;
/// log10(2) split, high part with 15 significant bits.
pub(super) const LOG10_2_HI_F32: f32 = 0.301_025_39; // 0x3e9a2000
pub(super) const LOG10_2_LO_F32: f32 = 4.605_039e-6;
/// `(log10(1+f) - f*log10(e)) / f^2`, relative error 2^-28.5.
pub(super) const LOG10_Q_F32: [f32; 10] = [
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
pub(super) fn log10_f32_lane<const F: bool>(x: f32) -> f32 {
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
pub(super) fn log64_reduce(x: f64) -> (f64, f64) {
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
pub(super) fn log_special64(x: f64, r: f64) -> f64 {
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
pub(super) const LG1: f64 = 6.666_666_666_666_735_130e-1;
pub(super) const LG2: f64 = 3.999_999_999_940_941_908e-1;
pub(super) const LG3: f64 = 2.857_142_874_366_239_149e-1;
pub(super) const LG4: f64 = 2.222_219_843_214_978_396e-1;
pub(super) const LG5: f64 = 1.818_357_216_161_805_012e-1;
pub(super) const LG6: f64 = 1.531_383_769_920_937_332e-1;
pub(super) const LG7: f64 = 1.479_819_860_511_658_591e-1;

/// `(f^2/2, s * (f^2/2 + R))` of fdlibm's log kernel.
#[inline(always)]
pub(super) fn log64_kernel<const F: bool>(f: f64) -> (f64, f64) {
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * mla64::<F>(w, mla64::<F>(w, LG6, LG4), LG2);
    let t2 = z * mla64::<F>(w, mla64::<F>(w, mla64::<F>(w, LG7, LG5), LG3), LG1);
    (hfsq, s * (hfsq + (t2 + t1)))
}

#[inline(always)]
pub(super) fn ln_f64_lane<const F: bool>(x: f64) -> f64 {
    let (f, dk) = log64_reduce(x);
    let (hfsq, sr) = log64_kernel::<F>(f);
    let r = sr + dk * LN2_LO_F64 - hfsq + f + dk * LN2_HI_F64;
    log_special64(x, r)
}

/// `(hi, lo)` with `hi + lo = log(1+f)` to extra precision (`hi` has its
/// low 32 bits cleared, so products with 32-bit constants are exact).
#[inline(always)]
pub(super) fn log1p64_hilo<const F: bool>(f: f64) -> (f64, f64) {
    let (hfsq, sr) = log64_kernel::<F>(f);
    let hi = f64::from_bits((f - hfsq).to_bits() & 0xffff_ffff_0000_0000);
    let lo = f - hi - hfsq + sr;
    (hi, lo)
}

pub(super) const IVLN2HI: f64 = 1.442_695_040_721_446_275_71e0; // 0x3ff7154765200000
pub(super) const IVLN2LO: f64 = 1.675_171_316_488_651_183_53e-10; // 0x3de705fc2eefa200

#[inline(always)]
pub(super) fn log2_f64_lane<const F: bool>(x: f64) -> f64 {
    let (f, y) = log64_reduce(x);
    let (hi, lo) = log1p64_hilo::<F>(f);
    let val_hi = hi * IVLN2HI;
    let val_lo = (lo + hi) * IVLN2LO + lo * IVLN2HI;
    let w = y + val_hi;
    let val_lo = val_lo + ((y - w) + val_hi);
    log_special64(x, val_lo + w)
}

pub(super) const IVLN10HI: f64 = 4.342_944_818_781_688_809_39e-1; // 0x3fdbcb7b15200000
pub(super) const IVLN10LO: f64 = 2.508_294_671_164_527_522_98e-11; // 0x3dbb9438ca9aadd5
pub(super) const LOG10_2HI: f64 = 3.010_299_956_636_117_713_06e-1; // 0x3FD34413509F6000
pub(super) const LOG10_2LO: f64 = 3.694_239_077_158_930_786_16e-13; // 0x3D59FEF311F12B36

#[inline(always)]
pub(super) fn log10_f64_lane<const F: bool>(x: f64) -> f64 {
    let (f, dk) = log64_reduce(x);
    let (hi, lo) = log1p64_hilo::<F>(f);
    let val_hi = hi * IVLN10HI;
    let y = dk * LOG10_2HI;
    let val_lo = dk * LOG10_2LO + (lo + hi) * IVLN10LO + lo * IVLN10HI;
    let w = y + val_hi;
    let val_lo = val_lo + ((y - w) + val_hi);
    log_special64(x, val_lo + w)
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

// ---------------------------------------------------------------------------
// log1p / expm1 / logaddexp / logaddexp2
// ---------------------------------------------------------------------------

/// `ln(u + c)` for `u` and a correction `|c| <= ~ulp(u)` (the low part of a
/// double-double): fdlibm's log of `u` with `c / u` added to its small
/// terms, so the rounding of `u` costs nothing. `u` outside `(0, inf)` gives
/// `ln(u)`'s special value.
#[inline(always)]
pub(super) fn ln_dd<const F: bool>(u: f64, c: f64) -> f64 {
    let (f, dk) = log64_reduce(u);
    let (hfsq, sr) = log64_kernel::<F>(f);
    let r = (sr + c / u + dk * LN2_LO_F64) - hfsq + f + dk * LN2_HI_F64;
    log_special64(u, r)
}

/// `ln(1 + h + l)` (`l` the low part of a double-double): `u = 1 + h`
/// rounded, its rounding error and `l` go into [`ln_dd`]'s correction.
#[inline(always)]
pub(super) fn log1p_dd<const F: bool>(h: f64, l: f64) -> f64 {
    let u = 1.0 + h;
    ln_dd::<F>(u, two_sum_err(1.0, h, u) + l)
}

#[inline(always)]
pub(super) fn log1p_f64_lane<const F: bool>(x: f64) -> f64 {
    // log1p(±0) = ±0 (the sum `1 + x` forgets the sign).
    keep_zero64(x, log1p_dd::<F>(x, 0.0))
}

via_f64!(log1p_f32_lane, log1p_f64_lane);

/// Beyond this `n` (`x > ~41.6`), `e^x - 1` is `e^x` to the last bit.
const EXPM1_BIG: i64 = 60;

/// `(e^r - 1 - r) / r^2`: [`EXP_F64`] without its first two terms.
const EXPM1_TAIL_F64: [f64; 11] = {
    let mut c = [0.0; 11];
    let mut i = 0;
    while i < 11 {
        c[i] = EXP_F64[i + 2];
        i += 1;
    }
    c
};

/// `e^x - 1 = 2^n r + (2^n - 1) + 2^n (e^r - 1 - r)`: the first two terms
/// (both exact, `r` with the rounding error of its reduction carried) are
/// summed error-free, and the rest, at most a fifth of the result, is
/// added to the error term, so the result rounds about once. The plain
/// `2^n (e^r - 1) + (2^n - 1)` cancels for `n = ±1` (results near 0.3)
/// and measured 1.2 ULP there.
#[inline(always)]
pub(super) fn expm1_f64_lane<const F: bool>(x: f64) -> f64 {
    // Below -60 the result is -1 (rounded); above 710 it overflows.
    let xc = clamp64(x, -60.0, 710.0);
    let k = mla64::<F>(xc, LOG2E_F64, MAGIC64);
    let nf = k - MAGIC64;
    let n = (k.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
    // r1 is exact (n * LN2_HI has 32 significant bits); r + rl = r1 - n LN2_LO.
    let r1 = mla64::<F>(nf, -LN2_HI_F64, xc);
    let c = nf * LN2_LO_F64;
    let r = r1 - c;
    let rl = (r1 - r) - c;
    let t = (r * r) * poly64::<F, 11>(r, &EXPM1_TAIL_F64); // e^r - 1 - r
    let s = scale64(1.0, n);
    let a = s * r;
    let b = s - 1.0;
    let hi = a + b;
    let lo = two_sum_err(a, b, hi) + s * (rl + t + rl * r);
    let small = hi + lo;
    let big = scale64(1.0 + (r + t), n);
    keep_zero64(x, if n > EXPM1_BIG { big } else { small })
}

via_f64!(expm1_f32_lane, expm1_f64_lane);

/// `ln(u + c)` for `u` in `(1, 2]` as `(hi, lo)` with
/// ~2^-60 relative error (fdlibm's split kernel, as `log2`'s), for
/// `logaddexp`'s sum with a larger term.
#[inline(always)]
fn ln_dd_hilo<const F: bool>(u: f64, c: f64) -> (f64, f64) {
    let (f, dk) = log64_reduce(u);
    let (hi, lo) = log1p64_hilo::<F>(f);
    let a = dk * LN2_HI_F64;
    let s = a + hi;
    (s, two_sum_err(a, hi, s) + (lo + dk * LN2_LO_F64 + c / u))
}

/// `log(1 + t)` for `t = e^-d` in `(0, 1]` (or `2^-d`: `base2`), `d >= 0`
/// given as `dh + dl`, as `(hi, lo)`.
#[inline(always)]
fn log1p_exp_neg<const F: bool, const BASE2: bool>(dh: f64, dl: f64) -> (f64, f64) {
    let (n, q) = if BASE2 {
        let xc = -clamp64(dh, 0.0, 1100.0);
        let k = xc + MAGIC64;
        let nf = k - MAGIC64;
        let n = (k.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
        let r = xc - nf;
        (n, r * poly64::<F, 12>(r, &EXP2M1_F64))
    } else {
        let (r, n) = exp64_reduce::<F>(-clamp64(dh, 0.0, 760.0));
        (n, r * poly64::<F, 12>(r, &EXPM1_F64))
    };
    // t = 2^n (1 + q) = th + tl (exact products by 2^n), then the factor
    // e^-dl = 1 - dl (or 2^-dl = 1 - dl ln2).
    let s = scale64(1.0, n);
    let th = mla64::<F>(s, q, s);
    let tl = (s - th) + s * q;
    let dl = if BASE2 {
        dl * std::f64::consts::LN_2
    } else {
        dl
    };
    let tl = tl - th * dl;
    let u = 1.0 + th;
    ln_dd_hilo::<F>(u, two_sum_err(1.0, th, u) + tl)
}

/// `(2^r - 1) / r`: [`EXP2_F64`] without its constant term.
const EXP2M1_F64: [f64; 12] = {
    let mut c = [0.0; 12];
    let mut i = 0;
    while i < 12 {
        c[i] = EXP2_F64[i + 1];
        i += 1;
    }
    c
};

/// `log2(e)` as `LOG2E_F64 + LOG2E_LO_F64`.
const LOG2E_LO_F64: f64 = 2.035_527_374_093_103_2e-17;

/// NumPy's `logaddexp` (`base2`: `logaddexp2`): `a + log(2)` (`a + 1`) for
/// equal arguments (so `inf, inf` is `inf`), else
/// `max + log1p(e^-|a - b|)`, here with `|a - b|` and the `log1p` carried
/// in double-double so that the final sum rounds once (the plain formula
/// loses several ULP where the result is near 0).
#[inline(always)]
fn logaddexp_any<const F: bool, const BASE2: bool>(a: f64, b: f64) -> f64 {
    let m = if a > b { a } else { b };
    let d = a - b;
    let de = two_sum_err(a, -b, d);
    let dh = d.abs();
    // |a - b| = dh + dl; beyond 2^1000 (or inf) the tail does not matter.
    let dl = if dh < 1e300 {
        if d < 0.0 {
            -de
        } else {
            de
        }
    } else {
        0.0
    };
    let (lh, ll) = log1p_exp_neg::<F, BASE2>(dh, dl);
    let (lh, ll) = if BASE2 {
        let p = lh * LOG2E_F64;
        let pl = mul_err::<F>(lh, LOG2E_F64, p) + (lh * LOG2E_LO_F64 + ll * LOG2E_F64);
        (p, pl)
    } else {
        (lh, ll)
    };
    let s = m + lh;
    let r = s + (two_sum_err(m, lh, s) + ll);
    let equal = if BASE2 {
        a + 1.0
    } else {
        a + std::f64::consts::LN_2
    };
    let r = if m.is_infinite() { m } else { r };
    let r = if a == b { equal } else { r };
    if a.is_nan() || b.is_nan() {
        a + b
    } else {
        r
    }
}

#[inline(always)]
pub(super) fn logaddexp_f64_lane<const F: bool>(a: f64, b: f64) -> f64 {
    logaddexp_any::<F, false>(a, b)
}

#[inline(always)]
pub(super) fn logaddexp2_f64_lane<const F: bool>(a: f64, b: f64) -> f64 {
    logaddexp_any::<F, true>(a, b)
}

#[inline(always)]
pub(super) fn logaddexp_f32_lane<const F: bool>(a: f32, b: f32) -> f32 {
    logaddexp_any::<F, false>(a as f64, b as f64) as f32
}

#[inline(always)]
pub(super) fn logaddexp2_f32_lane<const F: bool>(a: f32, b: f32) -> f32 {
    logaddexp_any::<F, true>(a as f64, b as f64) as f32
}

unary!(log1p_f32, f32, log1p_f32_lane, "`ln(1 + x)`",
    example: "1e-10" => "1e-10", tol: "1e-17");
unary!(log1p_f64, f64, log1p_f64_lane, "`ln(1 + x)`",
    example: "1e-20" => "1e-20", tol: "0.0");
unary!(expm1_f32, f32, expm1_f32_lane, "`e^x - 1`",
    example: "1e-10" => "1e-10", tol: "1e-17");
unary!(expm1_f64, f64, expm1_f64_lane, "`e^x - 1`",
    example: "1e-20" => "1e-20", tol: "0.0");

binary!(logaddexp_f32, f32, logaddexp_f32_lane::<true>, logaddexp_f32_lane::<false>, a, b,
    "`ln(e^a[i] + e^b[i])` (NumPy's `logaddexp`)",
    example: ("0.0", "0.0") => "std::f32::consts::LN_2", tol: "0.0");
binary!(logaddexp_f64, f64, logaddexp_f64_lane::<true>, logaddexp_f64_lane::<false>, a, b,
    "`ln(e^a[i] + e^b[i])` (NumPy's `logaddexp`)",
    example: ("0.0", "0.0") => "std::f64::consts::LN_2", tol: "0.0");
binary!(logaddexp2_f32, f32, logaddexp2_f32_lane::<true>, logaddexp2_f32_lane::<false>, a, b,
    "`log2(2^a[i] + 2^b[i])` (NumPy's `logaddexp2`)",
    example: ("3.0", "3.0") => "4.0", tol: "0.0");
binary!(logaddexp2_f64, f64, logaddexp2_f64_lane::<true>, logaddexp2_f64_lane::<false>, a, b,
    "`log2(2^a[i] + 2^b[i])` (NumPy's `logaddexp2`)",
    example: ("3.0", "3.0") => "4.0", tol: "0.0");
