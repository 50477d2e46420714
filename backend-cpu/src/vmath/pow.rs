//! vmath's `pow` for `f32` (through `f64`, polynomials cut to an `f32`
//! result) and `f64` (the table-driven algorithm of glibc / ARM's
//! optimized-routines), with loops specialised for an exponent that is one
//! value over the slice.
//!
//! Algorithms, accuracy and speed: see the [module docs](super).

// Constants are quoted with all the digits of their sources (fdlibm, or the
// mpmath fits), which is more than the types hold.
#![allow(clippy::excessive_precision)]

use super::lanes::*;
use super::pow_tables as pt;

// ---------------------------------------------------------------------------
// pow
// ---------------------------------------------------------------------------

/// `(y is an integer, y is an odd integer)`; infinities are even integers.
#[inline(always)]
pub(super) fn int_parity64(y: f64) -> (bool, bool) {
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

/// `log2(1 + f) / f` on `[sqrt(1/2) - 1, sqrt(2) - 1]`: a Chebyshev
/// interpolant (mpmath, 50 digits), relative error 2^-35.6 with these
/// rounded coefficients; enough for `pow_f32` (see there), far from `f64`'s.
pub(super) const POW32_LOG2: [f64; 13] = [
    1.442_695_040_870_879_4,
    -0.721_347_520_963_155_1,
    0.480_898_360_176_245_9,
    -0.360_673_655_315_939_6,
    0.288_537_394_378_739_54,
    -0.240_454_336_964_119_97,
    0.206_172_832_267_519_87,
    -0.180_271_025_771_149_4,
    0.158_783_568_325_107_18,
    -0.143_490_393_752_809_95,
    0.144_950_529_998_158_44,
    -0.141_447_882_105_873_9,
    0.075_537_903_980_134_12,
];

/// `2^r` on `[-1/2, 1/2]`: a Chebyshev interpolant, relative error 2^-34.
pub(super) const POW32_EXP2: [f64; 8] = [
    0.999_999_999_959_561_8,
    0.693_147_180_556_832_4,
    0.240_226_512_134_980_92,
    0.055_504_109_063_258_665,
    0.009_618_025_613_318_034,
    0.001_333_347_847_368_541_6,
    0.000_154_697_292_141_182_96,
    1.530_370_071_136_569_3e-5,
];

/// `log2(ax)` for `ax = |x|` of an `f32` `x`, widened: `ax = 2^k (1 + f)`,
/// `1 + f` in `[sqrt(1/2), sqrt(2))`, `k + f P(f)` (`ax` is a normal `f64`
/// even for `f32` subnormals, so the reduction needs no scaling step);
/// `-inf` for 0, `ax` itself for inf and NaN.
#[inline(always)]
pub(super) fn pow32_log2<const F: bool>(ax: f64) -> f64 {
    const SQRT_HALF: u64 = 0x3fe6_a09e_667f_3bcd;
    let ix = ax.to_bits().wrapping_sub(SQRT_HALF);
    let k = (ix as i64) >> 52;
    let f = f64::from_bits((ix & 0x000f_ffff_ffff_ffff).wrapping_add(SQRT_HALF)) - 1.0;
    let l = mla64::<F>(f, estrin64::<F, 13>(f, &POW32_LOG2), i2f64(k));
    let l = if ax == 0.0 { f64::NEG_INFINITY } else { l };
    if ax < f64::INFINITY {
        l
    } else {
        ax
    }
}

/// `2^t` to `pow32`'s accuracy: `2^n 2^r`, `|r| <= 1/2`; `t` is clamped to
/// `[-200, 200]` (beyond `f32`'s range either way), which keeps `2^n` one
/// exact normal factor; NaN stays NaN.
#[inline(always)]
pub(super) fn pow32_exp2<const F: bool>(t: f64) -> f64 {
    let tc = clamp64(t, -200.0, 200.0);
    let k = tc + MAGIC64;
    let nf = k - MAGIC64;
    let n = (k.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
    let two_n = f64::from_bits((n.wrapping_add(1023) as u64) << 52);
    estrin64::<F, 8>(tc - nf, &POW32_EXP2) * two_n
}

/// `pow` for `f32`, computed in `f64` and rounded once: `2^(y log2|x|)`
/// with polynomials just accurate enough for an `f32` result. `t = y
/// log2|x|` matters only for `|t| <= 150` (beyond, the result over- or
/// underflows anyway), where the log's relative error 2^-35.6 moves `t` by
/// at most 2^-28.4 and with the `2^r` polynomial's error the result by
/// ~2^-29 relatively, 0.03 ULP of `f32` before the final rounding: 0.53
/// ULP in all. The rounding to `f32` makes the subnormal results. (Through
/// `vmath`'s full-precision `f64` `ln` and `exp` this cost twice as much,
/// for accuracy an `f32` cannot keep.) Special values: the C99 table, by
/// selects.
#[inline(always)]
pub(super) fn pow_f32_lane<const F: bool>(x: f32, y: f32) -> f32 {
    let xd = x as f64;
    let yd = y as f64;
    let r = pow32_exp2::<F>(yd * pow32_log2::<F>(xd.abs()));
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

/// What a finite, non-zero exponent `y` does to a negative base, decided
/// once for a whole slice: `(for -0 and -inf, for other negative x)`, each
/// a factor of `|x|^y`: -1 for odd integers, 1 for even ones, and for other
/// `y` 1 and NaN (C99: `pow(-0, 0.5) = +0`, `pow(-2, 0.5) = NaN`).
pub(super) fn negative_base_factors(y: f64) -> (f64, f64) {
    let (is_int, odd) = int_parity64(y);
    match (is_int, odd) {
        (_, true) => (-1.0, -1.0),
        (true, false) => (1.0, 1.0),
        (false, _) => (1.0, f64::NAN),
    }
}

/// [`pow_f32_lane`] for an exponent shared by every element (the
/// broadcast constant of `x ** 2.5`), finite and non-zero: its parity and
/// the special cases that depend on it alone are decided once, outside
/// the loop. `x = 1` needs no select: `log2(1) = 0` exactly, and `2^0`
/// rounds to 1.
#[inline(always)]
pub(super) fn pow_f32_const_lane<const F: bool>(x: f32, yd: f64, neg: (f64, f64)) -> f32 {
    let xd = x as f64;
    let ax = xd.abs();
    let r = pow32_exp2::<F>(yd * pow32_log2::<F>(ax));
    let factor = if ax == 0.0 || ax == f64::INFINITY {
        neg.0
    } else {
        neg.1
    };
    let r = if xd.is_sign_negative() { r * factor } else { r };
    r as f32
}

/// One value repeated over the whole slice (bit for bit), if it is.
/// Branch-free (it vectorises): a kernel's constant operand is a block of
/// copies, and the scan costs far less than one `pow`.
#[inline(always)]
pub(super) fn uniform<T: Copy>(y: &[T], bits: impl Fn(T) -> u64) -> Option<T> {
    let first = *y.first()?;
    let b0 = bits(first);
    let diff = dispatch(
        #[inline(always)]
        || y.iter().fold(0, |acc, &v| acc | (bits(v) ^ b0)),
    );
    (diff == 0).then_some(first)
}

// pow for f64: the table-driven algorithm of ARM's optimized-routines and
// glibc (a log with ~15 extra bits, then an exp that takes that tail), its
// tables and coefficients derived afresh by scripts/vmath_pow_tables.py.
// The tables are read with gathers (128 entries each): that costs less than
// the double-double logarithm and exponential the GPU computes without
// tables (`powcore_f64` in shaders/vmath_f64.wgsl), which vectorised here
// ran at 6 ns per element against NumPy's (SVML) 2.3.

/// `log(ax)` as `hi + lo` (`lo` carries ~15 bits beyond `hi`) for finite
/// `ax > 0`: `ax = 2^k z`, `log(ax) = k ln2 + log(c) + log1p(z/c - 1)`
/// with `c` from the tables (see `pow_tables`). Other `ax` give garbage
/// (no panic) for the caller to replace.
#[inline(always)]
pub(super) fn pow64_log<const F: bool>(ax: f64) -> (f64, f64) {
    // Subnormals are scaled by 2^52 and the scale taken back from the
    // exponent bits (wrapping below zero), which the shifts then read as a
    // negative k.
    let ix = if ax < f64::MIN_POSITIVE {
        (ax * 4_503_599_627_370_496.0)
            .to_bits()
            .wrapping_sub(52 << 52)
    } else {
        ax.to_bits()
    };
    let tmp = ix.wrapping_sub(pt::OFF);
    let i = ((tmp >> 45) & 127) as usize;
    let k = (tmp as i64) >> 52;
    let iz = ix.wrapping_sub(tmp & (0xfff << 52));
    let z = f64::from_bits(iz);
    let kd = i2f64(k);
    let (invc, logc, logctail) = (pt::INVC[i], pt::LOGC[i], pt::LOGCTAIL[i]);
    // r = z/c - 1 exactly (1/c is short); without FMA, z is split so that
    // rhi, rlo and rhi^2 are exact.
    let (r, rhi, rlo) = if F {
        let r = z.mul_add(invc, -1.0);
        (r, r, 0.0)
    } else {
        let zhi = f64::from_bits(iz.wrapping_add(1 << 31) & (u64::MAX << 32));
        let rhi = zhi * invc - 1.0;
        let rlo = (z - zhi) * invc;
        (rhi + rlo, rhi, rlo)
    };
    // k ln2 + log(c) + r, exactly as t2 + lo2 (k * LN2_HI + LOGC is exact).
    let t1 = kd * pt::LN2_HI + logc;
    let t2 = t1 + r;
    let lo1 = kd * pt::LN2_LO + logctail;
    let lo2 = t1 - t2 + r;
    // + -r^2/2, its rounding error kept.
    let ar = -0.5 * r;
    let ar2 = r * ar;
    let (hi, lo3, lo4) = if F {
        let hi = t2 + ar2;
        (hi, ar.mul_add(r, -ar2), t2 - hi + ar2)
    } else {
        let arhi = -0.5 * rhi;
        let arhi2 = rhi * arhi;
        let hi = t2 + arhi2;
        (hi, rlo * (ar + arhi), t2 - hi + arhi2)
    };
    // + r^3 Q(r).
    let r2 = r * r;
    let q = mla64::<F>(
        r2,
        mla64::<F>(
            r2,
            mla64::<F>(r, pt::LOG_Q[5], pt::LOG_Q[4]),
            mla64::<F>(r, pt::LOG_Q[3], pt::LOG_Q[2]),
        ),
        mla64::<F>(r, pt::LOG_Q[1], pt::LOG_Q[0]),
    );
    let p = r2 * r * q;
    let lo = lo1 + lo2 + lo3 + lo4 + p;
    let y = hi + lo;
    (y, hi - y + lo)
}

/// `e^(x + xtail)` for `|x| <= 800` (`xtail` tiny): `x = k ln2/128 + r`,
/// `e^x = 2^(k/128) e^r` with `2^(j/128)` from the tables (its rounding
/// error carried as a relative tail) and `e^r` a polynomial; `2^(k >> 7)`
/// applied by [`scale64`], so over- and underflow (subnormals) round once.
#[inline(always)]
pub(super) fn pow64_exp<const F: bool>(x: f64, xtail: f64) -> f64 {
    let kd = x * pt::INV_LN2N + MAGIC64;
    let ki = (kd.to_bits() as i64).wrapping_sub(MAGIC64.to_bits() as i64);
    let kd = kd - MAGIC64;
    // x - kd ln2/128: exact for the high part (35-bit LN2N_HI, |kd| < 2^18).
    let r = mla64::<F>(kd, -pt::LN2N_HI, x);
    let r = mla64::<F>(kd, -pt::LN2N_LO, r) + xtail;
    let j = (ki & 127) as usize;
    let r2 = r * r;
    let tmp = pt::EXP_TAIL[j]
        + r
        + mla64::<F>(
            r2,
            mla64::<F>(r, pt::EXP_E[3], pt::EXP_E[2]),
            mla64::<F>(r, pt::EXP_E[1], pt::EXP_E[0]),
        ) * r2;
    let h = pt::EXP_H[j];
    scale64(mla64::<F>(h, tmp, h), ki >> 7)
}

/// `|x|^y` for finite `x != 0` and finite `y`: `W = y log|x|` to ~2^-68
/// (the log's tail times `y`, plus the product's rounding error), then
/// `e^W`; 0.52 ULP (the same error as glibc's, which computes it the same
/// way). `W` is clamped to `[-800, 800]`, beyond which the result over- or
/// underflows anyway.
#[inline(always)]
pub(super) fn pow64_core<const F: bool>(ax: f64, y: f64) -> f64 {
    let (hi, lo) = pow64_log::<F>(ax);
    let (ehi, elo) = if F {
        let ehi = y * hi;
        (ehi, y.mul_add(lo, y.mul_add(hi, -ehi)))
    } else {
        // Both factors cut to 26 bits, so their product is exact.
        let yhi = f64::from_bits(y.to_bits() & (u64::MAX << 27));
        let lhi = f64::from_bits(hi.to_bits() & (u64::MAX << 27));
        let llo = hi - lhi + lo;
        (yhi * lhi, (y - yhi) * lhi + y * llo)
    };
    let xc = clamp64(ehi, -800.0, 800.0);
    // Clamped (possibly from inf), the low part no longer matters (and may
    // be NaN).
    let xt = if xc == ehi { elo } else { 0.0 };
    pow64_exp::<F>(xc, xt)
}

/// `pow` for `f64`, vectorised: [`pow64_core`], special values of the C99
/// table by selects.
#[inline(always)]
pub(super) fn pow_f64_lane<const F: bool>(x: f64, y: f64) -> f64 {
    let ax = x.abs();
    let ay = y.abs();
    let r = pow64_core::<F>(ax, y);
    // |x| = 0 or inf, or |y| = inf: 0 or inf by the signs and sizes.
    let r = if ax == 0.0 {
        if y < 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        r
    };
    let r = if ax == f64::INFINITY {
        if y < 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    } else {
        r
    };
    let r = if ay == f64::INFINITY {
        if (ax > 1.0) == (y > 0.0) {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        r
    };
    let r = if x.is_nan() || y.is_nan() { x + y } else { r };
    let (is_int, odd) = int_parity64(y);
    let r = if x.is_sign_negative() && odd { -r } else { r };
    let r = if x < 0.0 && x > f64::NEG_INFINITY && !is_int {
        f64::NAN
    } else {
        r
    };
    // pow(±1, ±inf) = 1, pow(1, NaN) = 1, pow(NaN, 0) = 1.
    if ax == 1.0 && (ay == f64::INFINITY || x == 1.0) || y == 0.0 {
        1.0
    } else {
        r
    }
}

/// [`pow_f64_lane`] for an exponent shared by every element, finite and
/// non-zero (see [`pow_f32_const_lane`]); `zero_inf` is `(0^y, inf^y)`.
/// `x = 1` needs no select: its logarithm is exactly 0 and `e^0` exactly 1.
#[inline(always)]
pub(super) fn pow_f64_const_lane<const F: bool>(
    x: f64,
    y: f64,
    neg: (f64, f64),
    zero_inf: (f64, f64),
) -> f64 {
    let ax = x.abs();
    let r = pow64_core::<F>(ax, y);
    let r = if ax == 0.0 { zero_inf.0 } else { r };
    let r = if ax == f64::INFINITY { zero_inf.1 } else { r };
    let factor = if ax == 0.0 || ax == f64::INFINITY {
        neg.0
    } else {
        neg.1
    };
    let r = if x.is_sign_negative() { r * factor } else { r };
    if x.is_nan() {
        x
    } else {
        r
    }
}

/// Elementwise power `x[i]^y[i]` of `f32`s (C99 / NumPy special cases).
///
/// Processes `min` of the three lengths elements. Accuracy and special
/// values: see the [module docs](crate::vmath). An exponent that is the same
/// everywhere (a kernel's broadcast constant) takes a loop specialised for
/// it.
///
/// ```
/// let mut o = [0.0f32; 2];
/// tandem_cpu::vmath::pow_f32(&[2.0, -3.0], &[10.0, 3.0], &mut o);
/// assert_eq!(o, [1024.0, -27.0]);
/// ```
// The closures are deliberate (clippy's "redundant closure"): a fn item
// this big is not inlined into the SIMD dispatch (see `binary!`).
#[allow(clippy::redundant_closure)]
pub fn pow_f32(x: &[f32], y: &[f32], out: &mut [f32]) {
    let n = x.len().min(y.len()).min(out.len());
    let (x, y, out) = (&x[..n], &y[..n], &mut out[..n]);
    match uniform(y, |v: f32| v.to_bits().into()) {
        Some(e) if e.is_finite() && e != 0.0 => {
            // (`move` closures: captured by reference, LLVM turned the
            // selects of these values into masked gathers.)
            let (yd, neg) = (e as f64, negative_base_factors(e as f64));
            run1(
                x,
                out,
                #[inline(always)]
                move |v| pow_f32_const_lane::<true>(v, yd, neg),
                #[inline(always)]
                move |v| pow_f32_const_lane::<false>(v, yd, neg),
            )
        }
        _ => run2(
            x,
            y,
            out,
            #[inline(always)]
            |u, v| pow_f32_lane::<true>(u, v),
            #[inline(always)]
            |u, v| pow_f32_lane::<false>(u, v),
        ),
    }
}
/// Elementwise power `x[i]^y[i]` of `f64`s (C99 / NumPy special cases).
///
/// Processes `min` of the three lengths elements. Accuracy and special
/// values: see the [module docs](crate::vmath). An exponent that is the same
/// everywhere (a kernel's broadcast constant) takes a loop specialised for
/// it.
///
/// ```
/// let mut o = [0.0f64; 2];
/// tandem_cpu::vmath::pow_f64(&[2.0, -3.0], &[10.0, 3.0], &mut o);
/// assert_eq!(o, [1024.0, -27.0]);
/// ```
// The closures are deliberate (clippy's "redundant closure"): a fn item
// this big is not inlined into the SIMD dispatch (see `binary!`).
#[allow(clippy::redundant_closure)]
pub fn pow_f64(x: &[f64], y: &[f64], out: &mut [f64]) {
    let n = x.len().min(y.len()).min(out.len());
    let (x, y, out) = (&x[..n], &y[..n], &mut out[..n]);
    match uniform(y, f64::to_bits) {
        Some(e) if e.is_finite() && e != 0.0 => {
            let neg = negative_base_factors(e);
            let zero_inf = if e < 0.0 {
                (f64::INFINITY, 0.0)
            } else {
                (0.0, f64::INFINITY)
            };
            if std::env::var_os("POWX2").is_some() {
                return dispatch(
                    #[inline(always)]
                    || {
                        let h = x.len() / 2;
                        let (xa, xb) = x.split_at(h);
                        let (oa, ob) = out.split_at_mut(h);
                        for ((oa, ob), (&va, &vb)) in
                            oa.iter_mut().zip(ob.iter_mut()).zip(xa.iter().zip(xb))
                        {
                            *oa = pow_f64_const_lane::<true>(va, e, neg, zero_inf);
                            *ob = pow_f64_const_lane::<true>(vb, e, neg, zero_inf);
                        }
                    },
                );
            }
            run1(
                x,
                out,
                #[inline(always)]
                move |v| pow_f64_const_lane::<true>(v, e, neg, zero_inf),
                #[inline(always)]
                move |v| pow_f64_const_lane::<false>(v, e, neg, zero_inf),
            )
        }
        _ => run2(
            x,
            y,
            out,
            #[inline(always)]
            |u, v| pow_f64_lane::<true>(u, v),
            #[inline(always)]
            |u, v| pow_f64_lane::<false>(u, v),
        ),
    }
}

// ---------------------------------------------------------------------------
// cbrt
// ---------------------------------------------------------------------------

// FreeBSD's cbrt (s_cbrt.c, Bruce Evans): a 5-bit estimate from the
// exponent bits divided by 3, a polynomial to 23 bits, rounding to 22 bits
// (so its square is exact) and one Newton step to 53 bits, error < 0.667
// ULP. Its branches (zero, subnormal, NaN/inf) become selects.
const CBRT_B1: u32 = 715_094_163; // (1023 - 1023/3 - 0.03306235651) * 2^20
const CBRT_B2: u32 = 696_219_795; // (1023 - 1023/3 - 54/3 - 0.03306235651) * 2^20
/// `|1/cbrt(x) - p(x)| < 2^-23.5` (FreeBSD's `P0` … `P4`).
const CBRT_P: [f64; 5] = [
    1.875_951_824_271_770_096_43,
    -1.884_979_795_433_771_698_75,
    1.621_429_720_105_354_466_140,
    -0.758_397_934_778_766_047_437,
    0.145_996_192_886_612_446_982,
];

#[inline(always)]
pub(super) fn cbrt_f64_lane<const F: bool>(x: f64) -> f64 {
    let ax = x.abs();
    let tiny = ax < f64::MIN_POSITIVE;
    // Subnormals: divide the exponent of ax * 2^54 instead.
    let xs = if tiny {
        ax * 18_014_398_509_481_984.0
    } else {
        ax
    };
    let hx = (xs.to_bits() >> 32) as u32;
    let b = if tiny { CBRT_B2 } else { CBRT_B1 };
    let t = f64::from_bits(((hx / 3).wrapping_add(b) as u64) << 32);
    let r = (t * t) * (t / ax);
    let p = CBRT_P;
    let t = t
        * (mla64::<F>(r, mla64::<F>(r, p[2], p[1]), p[0])
            + ((r * r) * r) * mla64::<F>(r, p[4], p[3]));
    // Round away from zero to 22 bits: t * t is exact below.
    let t = f64::from_bits(t.to_bits().wrapping_add(0x8000_0000) & 0xffff_ffff_c000_0000);
    let s = t * t;
    let r = ax / s;
    let w = t + t;
    let r = (r - t) / (w + r);
    let res = copysign64(mla64::<F>(t, r, t), x);
    // cbrt(±0) = ±0, cbrt(±inf) = ±inf, NaN stays NaN.
    if ax == 0.0 || !ax.is_finite() {
        x + x
    } else {
        res
    }
}

via_f64!(cbrt_f32_lane, cbrt_f64_lane);

unary!(cbrt_f32, f32, cbrt_f32_lane, "cube root",
    example: "-27.0" => "-3.0", tol: "0.0");
unary!(cbrt_f64, f64, cbrt_f64_lane, "cube root",
    example: "-27.0" => "-3.0", tol: "0.0");
