//! vmath's hyperbolic functions and their relatives: `tanh`, `sigmoid`,
//! `sinh`, `cosh`.
//!
//! Algorithms, accuracy and speed: see the [module docs](super).

// Constants are quoted with all the digits of their sources (fdlibm, or the
// mpmath fits), which is more than the types hold.
#![allow(clippy::excessive_precision)]

use super::exp_log::{
    exp64_core, exp64_reduce, exp_f32_lane, exp_f64_lane, exp_half_f64, ln_dd, log1p_dd, EXPM1_F64,
};
use super::lanes::*;

// ---------------------------------------------------------------------------
// tanh / sigmoid / sinh / cosh
// ---------------------------------------------------------------------------

/// Below this `|x|`, `tanh_f32` uses its odd polynomial (above, the
/// `1 - 2/(e^2x + 1)` form loses up to 1.5 ULP just past 0.55).
pub(super) const TANH_SMALL_F32: f32 = 1.0;
/// `(tanh(x) - x) / x^3` in `x^2` on `|x| <= 1`, relative error 2^-27.1.
pub(super) const TANH_F32: [f32; 7] = [
    -0.333_333_3,
    0.133_329_09,
    -0.053_911_507,
    0.021_571_731,
    -0.008_064_37,
    0.002_383_578_1,
    -0.000_381_061_75,
];
/// Below this `|x|`, `tanh_f64` uses its odd polynomial.
pub(super) const TANH_SMALL_F64: f64 = 0.5625;

#[inline(always)]
pub(super) fn tanh_f32_lane<const F: bool>(x: f32) -> f32 {
    let ax = x.abs();
    let z = x * x;
    let small = mla32::<F>(x * z, poly32::<F, 7>(z, &TANH_F32), x);
    let e = exp_f32_lane::<F>(ax + ax);
    let large = copysign32(1.0 - 2.0 / (e + 1.0), x);
    keep_zero32(x, if ax < TANH_SMALL_F32 { small } else { large })
}

/// e^r on `|r| <= 0.3473` in `f64` to `f32`-plus accuracy, minimax,
/// relative error 2^-32.6.
pub(super) const EXP_F64_SHORT: [f64; 8] = [
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
pub(super) fn sigmoid_f32_lane<const F: bool>(x: f32) -> f32 {
    let xd = x as f64;
    // e^-110 is far below f32's smallest subnormal.
    let (p, n) = exp64_core::<F, 8>(-clamp64(xd.abs(), 0.0, 110.0), &EXP_F64_SHORT);
    let t = scale64(p, n);
    let num = if xd >= 0.0 { 1.0 } else { t };
    (num / (1.0 + t)) as f32
}

/// `(tanh(x) - x) / x^3` in `x^2` on `|x| <= 0.5625`, relative error 2^-59.2.
pub(super) const TANH_F64: [f64; 11] = [
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
pub(super) fn tanh_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let z = x * x;
    let small = mla64::<F>(x * z, poly64::<F, 11>(z, &TANH_F64), x);
    let e = exp_f64_lane::<F>(ax + ax);
    let large = copysign64(1.0 - 2.0 / (e + 1.0), x);
    keep_zero64(x, if ax < TANH_SMALL_F64 { small } else { large })
}

/// `1 / (1 + t)` (`x >= 0`) or `t / (1 + t)` (`x < 0`), `t = e^-|x|`, in
/// double-double: rounding `t`, `1 + t` and the quotient separately costs up
/// to 2 ULP when `x < 0`.
#[inline(always)]
pub(super) fn sigmoid_f64_lane<const F: bool>(x: f64) -> f64 {
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
pub(super) const SINH_F64: [f64; 7] = [
    0.166_666_666_666_666_66,
    0.008_333_333_333_334_28,
    0.000_198_412_698_403_975_98,
    2.755_731_952_328_462_4e-6,
    2.505_206_183_123_547_6e-8,
    1.606_213_952_054_800_3e-10,
    7.609_852_064_449_123e-13,
];

#[inline(always)]
pub(super) fn sinh_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let z = x * x;
    let small = mla64::<F>(x * z, poly64::<F, 7>(z, &SINH_F64), x);
    let h = exp_half_f64::<F>(ax);
    let large = copysign64(h - 0.25 / h, x);
    keep_zero64(x, if ax < 1.0 { small } else { large })
}

#[inline(always)]
pub(super) fn cosh_f64_lane<const F: bool>(x: f64) -> f64 {
    let h = exp_half_f64::<F>(x.abs());
    h + 0.25 / h
}

via_f64!(sinh_f32_lane, sinh_f64_lane);
via_f64!(cosh_f32_lane, cosh_f64_lane);

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

// ---------------------------------------------------------------------------
// asinh / acosh / atanh
// ---------------------------------------------------------------------------

/// From here on, `asinh(x) = ln(2x)` and `acosh(x) = ln(2x)` to the last
/// bit (the next term is `1/(4x^2)`, below 2^-58 relative).
const ARCH_BIG: f64 = 268_435_456.0; // 2^28
/// Below this, `asinh(x) = x` and `atanh(x) = x` (the next term is
/// `x^3/6` resp. `x^3/3`, below half an ULP).
const ARCH_TINY: f64 = 3.725_290_298_461_914e-9; // 2^-28
/// `2x` overflows above this: `ln(x) + ln(2)` instead.
const ARCH_HUGE: f64 = 1e300;

/// `sqrt(h + l)` as `(sh, sl)` for a double-double `h + l`, `h > 0`: one
/// correction of the rounded root by its exact residual.
#[inline(always)]
fn sqrt_dd<const F: bool>(h: f64, l: f64) -> (f64, f64) {
    let sh = h.sqrt();
    let sq = sh * sh;
    // h - sq is exact (Sterbenz: sq is within an ULP of h).
    let res = (h - sq) - mul_err::<F>(sh, sh, sq) + l;
    (sh, res / (sh + sh))
}

/// `ln(x + sqrt(x^2 + s))` (`s = 1`: `asinh`, `s = -1`: `acosh`) for
/// `1 <= x <= 2^28` (`acosh`) or `0 <= x <= 2^28` (`asinh`), and
/// `ln(2x)` above 2^28: the root and the sum in double-double, so the
/// logarithm ([`ln_dd`]) sees `x + sqrt(...)` to ~2^-100 and only its own
/// error remains (near 0 and 1 too, where the plain formula cancels).
#[inline(always)]
fn arch_ln<const F: bool>(x: f64, s: f64) -> f64 {
    let p = x * x;
    let pe = mul_err::<F>(x, x, p);
    let h = p + s;
    let hl = two_sum_err(p, s, h) + pe;
    let (sh, sl) = sqrt_dd::<F>(h, hl);
    let w = x + sh;
    let wl = two_sum_err(x, sh, w) + sl;
    let big = x > ARCH_BIG;
    let huge = x > ARCH_HUGE;
    let u = if huge {
        x
    } else if big {
        x + x
    } else {
        w
    };
    let c = if big { 0.0 } else { wl };
    ln_dd::<F>(u, c) + if huge { std::f64::consts::LN_2 } else { 0.0 }
}

#[inline(always)]
pub(super) fn asinh_f64_lane<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let r = copysign64(arch_ln::<F>(a, 1.0), x);
    // NaN stays NaN (through the log); tiny |x| (and ±0) give x.
    if a < ARCH_TINY {
        x
    } else {
        r
    }
}

#[inline(always)]
pub(super) fn acosh_f64_lane<const F: bool>(x: f64) -> f64 {
    let r = arch_ln::<F>(x, -1.0);
    let r = if x == 1.0 { 0.0 } else { r };
    // NaN below 1 (and -inf); NaN stays NaN.
    if x < 1.0 {
        f64::NAN
    } else {
        r
    }
}

/// `atanh(x) = log1p(2|x| / (1 - |x|)) / 2` with the quotient in
/// double-double (its residual exact by FMA or Dekker), so only `log1p`'s
/// own error remains.
#[inline(always)]
pub(super) fn atanh_f64_lane<const F: bool>(x: f64) -> f64 {
    let a = x.abs();
    let den = 1.0 - a;
    let den_l = two_sum_err(1.0, -a, den);
    let num = a + a;
    let qh = num / den;
    let prod = qh * den;
    // num - prod is exact (Sterbenz).
    let rem = ((num - prod) - mul_err::<F>(qh, den, prod)) - qh * den_l;
    let ql = rem / den;
    let r = copysign64(0.5 * log1p_dd::<F>(qh, ql), x);
    let r = if a < ARCH_TINY { x } else { r };
    // atanh(±1) = ±inf (the quotient is inf), NaN beyond; NaN stays NaN.
    if a > 1.0 {
        f64::NAN
    } else {
        r
    }
}

via_f64!(asinh_f32_lane, asinh_f64_lane);
via_f64!(acosh_f32_lane, acosh_f64_lane);
via_f64!(atanh_f32_lane, atanh_f64_lane);

unary!(asinh_f32, f32, asinh_f32_lane, "inverse hyperbolic sine",
    example: "1.0" => "0.881_373_6", tol: "1e-7");
unary!(asinh_f64, f64, asinh_f64_lane, "inverse hyperbolic sine",
    example: "1.0" => "0.881_373_587_019_543", tol: "1e-15");
unary!(acosh_f32, f32, acosh_f32_lane, "inverse hyperbolic cosine",
    example: "2.0" => "1.316_958", tol: "1e-6");
unary!(acosh_f64, f64, acosh_f64_lane, "inverse hyperbolic cosine",
    example: "2.0" => "1.316_957_896_924_816_7", tol: "1e-15");
unary!(atanh_f32, f32, atanh_f32_lane, "inverse hyperbolic tangent",
    example: "0.5" => "0.549_306_15", tol: "1e-7");
unary!(atanh_f64, f64, atanh_f64_lane, "inverse hyperbolic tangent",
    example: "0.5" => "0.549_306_144_334_054_8", tol: "1e-15");
