//! vmath's inverse trigonometric functions: `atan`, `asin`, `acos` (fdlibm's
//! cores with their branches as selects) and `atan2`.
//!
//! Algorithms, accuracy and speed: see the [module docs](super).

// Constants are quoted with all the digits of their sources (fdlibm, or the
// mpmath fits), which is more than the types hold.
#![allow(clippy::excessive_precision)]

use super::lanes::*;

// ---------------------------------------------------------------------------
// atan / asin / acos / atan2
// ---------------------------------------------------------------------------

pub(super) const ATANHI: [f64; 4] = [
    4.636_476_090_008_060_935_15e-1,
    std::f64::consts::FRAC_PI_4,
    9.827_937_232_473_290_540_82e-1,
    std::f64::consts::FRAC_PI_2,
];
pub(super) const ATANLO: [f64; 4] = [
    2.269_877_745_296_168_709_24e-17,
    3.061_616_997_868_383_017_93e-17,
    1.390_331_103_123_099_845_16e-17,
    6.123_233_995_736_766_035_87e-17,
];
pub(super) const AT: [f64; 11] = [
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
pub(super) fn atan_f64_lane<const F: bool>(x: f64) -> f64 {
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

pub(super) const PIO2_HI: f64 = std::f64::consts::FRAC_PI_2;
pub(super) const PIO2_LO: f64 = 6.123_233_995_736_766_035_87e-17;
pub(super) const PI_HI: f64 = std::f64::consts::PI;
pub(super) const PI_LO: f64 = 1.224_646_799_147_353_207_2e-16;

pub(super) const P_S0: f64 = 1.666_666_666_666_666_574_15e-1;
pub(super) const P_S1: f64 = -3.255_658_186_224_009_154_05e-1;
pub(super) const P_S2: f64 = 2.012_125_321_348_629_258_81e-1;
pub(super) const P_S3: f64 = -4.005_553_450_067_941_140_27e-2;
pub(super) const P_S4: f64 = 7.915_349_942_898_145_321_76e-4;
pub(super) const P_S5: f64 = 3.479_331_075_960_211_675_70e-5;
pub(super) const Q_S1: f64 = -2.403_394_911_734_414_218_78e0;
pub(super) const Q_S2: f64 = 2.020_945_760_233_505_694_71e0;
pub(super) const Q_S3: f64 = -6.882_839_716_054_532_930_30e-1;
pub(super) const Q_S4: f64 = 7.703_815_055_590_193_527_91e-2;

/// fdlibm's rational approximation R(z) of asin / acos.
#[inline(always)]
pub(super) fn asin_r<const F: bool>(z: f64) -> f64 {
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
pub(super) fn asin_f64_lane<const F: bool>(x: f64) -> f64 {
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
pub(super) fn acos_f64_lane<const F: bool>(x: f64) -> f64 {
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

#[inline(always)]
pub(super) fn atan2_f64_lane<const F: bool>(y: f64, x: f64) -> f64 {
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

via_f64!(atan_f32_lane, atan_f64_lane);
via_f64!(asin_f32_lane, asin_f64_lane);
via_f64!(acos_f32_lane, acos_f64_lane);

#[inline(always)]
pub(super) fn atan2_f32_lane<const F: bool>(y: f32, x: f32) -> f32 {
    atan2_f64_lane::<F>(y as f64, x as f64) as f32
}

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
