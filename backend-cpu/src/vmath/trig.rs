//! vmath's trigonometric functions: `sin`, `cos`, `tan` (vector reduction by
//! `pi/2` for moderate arguments, a scalar `std` pass for blocks with huge
//! ones).
//!
//! Algorithms, accuracy and speed: see the [module docs](super).

// Constants are quoted with all the digits of their sources (fdlibm, or the
// mpmath fits), which is more than the types hold.
#![allow(clippy::excessive_precision)]

use super::lanes::*;

// ---------------------------------------------------------------------------
// sin / cos / tan
// ---------------------------------------------------------------------------

/// Largest `|x|` the `f32` vector reduction handles; beyond, `std`.
pub(super) const TRIG_MAX_F32: f32 = 65536.0;
/// Largest `|x|` the `f64` vector reduction handles (fdlibm's "medium"
/// case needs `|x| < 2^20 * pi/2`); beyond, `std`.
pub(super) const TRIG_MAX_F64: f64 = 1.6e6;

pub(super) const FRAC_2_PI_F32: f32 = std::f32::consts::FRAC_2_PI;
/// pi/2 as three `f32`s (for fused multiply-add reduction).
pub(super) const PIO2_A_F32: f32 = 1.570_796_4;
pub(super) const PIO2_B_F32: f32 = -4.371_138_8e-8;
pub(super) const PIO2_C_F32: f32 = -1.715_124_5e-15;

pub(super) const FRAC_2_PI_F64: f64 = std::f64::consts::FRAC_2_PI;
// fdlibm's pi/2 in 33-bit pieces and tails.
pub(super) const PIO2_1: f64 = 1.570_796_326_734_125_614_17e0; // 0x3FF921FB54400000
pub(super) const PIO2_1T: f64 = 6.077_100_506_506_192_249_32e-11; // 0x3DD0B4611A626331
pub(super) const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11; // 0x3DD0B4611A600000
pub(super) const PIO2_2T: f64 = 2.022_266_248_795_950_631_54e-21; // 0x3BA3198A2E037073
pub(super) const PIO2_3: f64 = 2.022_266_248_711_166_455_80e-21; // 0x3BA3198A2E000000
pub(super) const PIO2_3T: f64 = 8.478_427_660_368_899_569_97e-32; // 0x397B839A252049C1

/// `x = n * pi/2 + r`, `|r| <= ~pi/4`, for `|x| <= TRIG_MAX_F32`.
#[inline(always)]
pub(super) fn reduce_pio2_f32<const F: bool>(x: f32) -> (f32, u32) {
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
pub(super) const SIN_F32: [f32; 4] = [
    -0.166_666_67,
    0.008_333_405,
    -0.000_198_638_21,
    2.942_597e-6,
];
/// `(cos(r) - 1 + r^2/2) / r^4` in `r^2`, relative error 2^-32.
pub(super) const COS_F32: [f32; 3] = [0.041_666_657, -0.001_388_776_3, 2.447_706e-5];

/// `(sin r, cos r)` for `|r| <= ~pi/4`.
#[inline(always)]
pub(super) fn sincos32_kernel<const F: bool>(r: f32) -> (f32, f32) {
    let z = r * r;
    let s = mla32::<F>(r * z, poly32::<F, 4>(z, &SIN_F32), r);
    let c = mla32::<F>(z, mla32::<F>(z, poly32::<F, 3>(z, &COS_F32), -0.5), 1.0);
    (s, c)
}

/// sin (`q = 0`) or cos (`q = 1`) from the reduced argument.
#[inline(always)]
pub(super) fn sincos32_pick<const F: bool>(x: f32, q: u32) -> f32 {
    let (r, n) = reduce_pio2_f32::<F>(x);
    let n = n.wrapping_add(q);
    let (s, c) = sincos32_kernel::<F>(r);
    let v = if n & 1 == 0 { s } else { c };
    f32::from_bits(v.to_bits() ^ ((n & 2) << 30))
}

#[inline(always)]
pub(super) fn sin_f32_lane<const F: bool>(x: f32) -> f32 {
    keep_zero32(x, sincos32_pick::<F>(x, 0))
}

#[inline(always)]
pub(super) fn cos_f32_lane<const F: bool>(x: f32) -> f32 {
    sincos32_pick::<F>(x, 1)
}

#[inline(always)]
pub(super) fn trig_bad32(x: f32) -> bool {
    x.abs() > TRIG_MAX_F32 || x.is_nan()
}

#[inline(always)]
pub(super) fn trig_bad64(x: f64) -> bool {
    x.abs() > TRIG_MAX_F64 || x.is_nan()
}

/// `tan_f32` runs through the `f64` kernel, which reaches further.
#[inline(always)]
pub(super) fn tan_bad32(x: f32) -> bool {
    trig_bad64(x as f64)
}

/// fdlibm's medium-size `rem_pio2` with its rounds computed
/// unconditionally and picked by selects: `x = n * pi/2 + y0 + y1` for
/// `|x| < 2^20 * pi/2`.
#[inline(always)]
pub(super) fn reduce_pio2_f64(x: f64) -> (f64, f64, u64) {
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
pub(super) const S1: f64 = -1.666_666_666_666_663_243_48e-1;
pub(super) const S2: f64 = 8.333_333_333_322_489_461_24e-3;
pub(super) const S3: f64 = -1.984_126_982_985_794_931_34e-4;
pub(super) const S4: f64 = 2.755_731_370_707_006_767_89e-6;
pub(super) const S5: f64 = -2.505_076_025_340_686_341_95e-8;
pub(super) const S6: f64 = 1.589_690_995_211_550_102_21e-10;
pub(super) const C1: f64 = 4.166_666_666_666_660_190_37e-2;
pub(super) const C2: f64 = -1.388_888_888_887_410_957_49e-3;
pub(super) const C3: f64 = 2.480_158_728_947_672_941_78e-5;
pub(super) const C4: f64 = -2.755_731_435_139_066_330_35e-7;
pub(super) const C5: f64 = 2.087_572_321_298_174_827_90e-9;
pub(super) const C6: f64 = -1.135_964_755_778_819_482_65e-11;

/// fdlibm's `__kernel_sin(x, y, 1)`: sin(x + y), `|x| <= ~pi/4`.
#[inline(always)]
pub(super) fn k_sin<const F: bool>(x: f64, y: f64) -> f64 {
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
pub(super) fn k_cos<const F: bool>(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = z * mla64::<F>(z, mla64::<F>(z, C3, C2), C1)
        + w * w * mla64::<F>(z, mla64::<F>(z, C6, C5), C4);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

#[inline(always)]
pub(super) fn sincos64_pick<const F: bool>(x: f64, q: u64) -> f64 {
    let (y0, y1, n) = reduce_pio2_f64(x);
    let n = n.wrapping_add(q);
    let s = k_sin::<F>(y0, y1);
    let c = k_cos::<F>(y0, y1);
    let v = if n & 1 == 0 { s } else { c };
    f64::from_bits(v.to_bits() ^ ((n & 2) << 62))
}

#[inline(always)]
pub(super) fn sin_f64_lane<const F: bool>(x: f64) -> f64 {
    keep_zero64(x, sincos64_pick::<F>(x, 0))
}

#[inline(always)]
pub(super) fn cos_f64_lane<const F: bool>(x: f64) -> f64 {
    sincos64_pick::<F>(x, 1)
}

// fdlibm's __kernel_tan coefficients.
pub(super) const T: [f64; 13] = [
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
pub(super) const PIO4: f64 = std::f64::consts::FRAC_PI_4;
pub(super) const PIO4_LO: f64 = 3.061_616_997_868_383_017_93e-17;

/// fdlibm's `__kernel_tan(x, y, odd)`, with both branches computed.
#[inline(always)]
pub(super) fn k_tan<const F: bool>(x: f64, y: f64, odd: bool) -> f64 {
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
pub(super) fn tan_f64_lane<const F: bool>(x: f64) -> f64 {
    let (y0, y1, n) = reduce_pio2_f64(x);
    keep_zero64(x, k_tan::<F>(y0, y1, n & 1 == 1))
}

via_f64!(tan_f32_lane, tan_f64_lane);

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
