//! NumPy's scalar semantics: the reference implementation each row of the
//! op table points at.
//!
//! A reference takes values of the op's compute dtype (the rule has already
//! cast them) and returns a value of its result dtype. Integers compute in
//! `i64` and wrap back to their dtype, which gives the narrow dtype's
//! wrapping result for every integer op here (their results are the same
//! modulo 2^32); float functions compute in `f64` and round to the compute
//! dtype, except the ops whose answer depends on the precision
//! (`nextafter`, `spacing`, `frexp`, `ldexp`, and `remainder` and
//! `floor_divide`, which round at each step of NumPy's algorithm), which
//! compute in the dtype itself. The CPU backend's loops call these same
//! functions where NumPy's semantics take more than an expression.
//!
//! Who reads it: the expression language folds a function of literals with
//! it (`sin(1.0)` is a NumPy `float64` scalar, computed now), and the
//! op-table tests compare every backend against it for the exact ops.
//!
//! ```
//! use tandem_core::ops::{BinaryOp, UnaryOp};
//! use tandem_core::Scalar;
//! let rem = BinaryOp::Rem.row().reference;
//! assert_eq!(rem(Scalar::I64(-7), Scalar::I64(3)), Scalar::I64(2)); // Python's %
//! let sqrt = UnaryOp::Sqrt.row().reference;
//! assert_eq!(sqrt(Scalar::F64(4.0)), Scalar::F64(2.0));
//! ```

use crate::scalar::Scalar;
use std::cmp::Ordering;

// ---------------------------------------------------------------------------
// Combinators: how a reference applies a function to each kind of value.

/// A float function, computed in `f64` and rounded to the value's dtype.
pub fn float(x: Scalar, f: fn(f64) -> f64) -> Scalar {
    Scalar::F64(f(x.to_f64())).cast(x.dtype())
}

/// A float function whose answer depends on the precision: `f32` values
/// through `f32s`, everything else through `f64s`.
pub fn float_exact(x: Scalar, f32s: fn(f32) -> f32, f64s: fn(f64) -> f64) -> Scalar {
    match x {
        Scalar::F32(v) => Scalar::F32(f32s(v)),
        other => Scalar::F64(f64s(other.to_f64())).cast(other.dtype()),
    }
}

/// A function that keeps the dtype: floats through `f`, integers through
/// `i` (wrapping back to their dtype), bools through `b`.
pub fn keep(x: Scalar, f: fn(f64) -> f64, i: fn(i64) -> i64, b: fn(bool) -> bool) -> Scalar {
    match x {
        Scalar::Bool(v) => Scalar::Bool(b(v)),
        Scalar::F32(_) | Scalar::F64(_) => float(x, f),
        other => Scalar::I64(i(other.to_i64())).cast(other.dtype()),
    }
}

/// A predicate of the value (integers and bools as their float value).
pub fn pred(x: Scalar, f: fn(f64) -> bool) -> Scalar {
    Scalar::Bool(f(x.to_f64()))
}

/// A function of truth values.
pub fn logical(x: Scalar, f: fn(bool) -> bool) -> Scalar {
    Scalar::Bool(f(x.to_bool()))
}

/// A two-operand float function, computed in `f64`, rounded to `x`'s dtype.
pub fn float2(x: Scalar, y: Scalar, f: fn(f64, f64) -> f64) -> Scalar {
    Scalar::F64(f(x.to_f64(), y.to_f64())).cast(x.dtype())
}

/// [`float_exact`] for two operands.
pub fn float2_exact(
    x: Scalar,
    y: Scalar,
    f32s: fn(f32, f32) -> f32,
    f64s: fn(f64, f64) -> f64,
) -> Scalar {
    match (x, y) {
        (Scalar::F32(a), Scalar::F32(b)) => Scalar::F32(f32s(a, b)),
        _ => Scalar::F64(f64s(x.to_f64(), y.to_f64())).cast(x.dtype()),
    }
}

/// [`keep`] for two operands.
pub fn keep2(
    x: Scalar,
    y: Scalar,
    f: fn(f64, f64) -> f64,
    i: fn(i64, i64) -> i64,
    b: fn(bool, bool) -> bool,
) -> Scalar {
    match x {
        Scalar::Bool(p) => Scalar::Bool(b(p, y.to_bool())),
        Scalar::F32(_) | Scalar::F64(_) => float2(x, y, f),
        other => Scalar::I64(i(other.to_i64(), y.to_i64())).cast(other.dtype()),
    }
}

/// [`keep2`] whose floats go through a function per precision, as
/// [`float2_exact`]'s (`remainder` and `floor_divide` round at each step
/// of NumPy's algorithm, so an `f32` computes in `f32`).
pub fn keep2_exact(
    x: Scalar,
    y: Scalar,
    f32s: fn(f32, f32) -> f32,
    f64s: fn(f64, f64) -> f64,
    i: fn(i64, i64) -> i64,
    b: fn(bool, bool) -> bool,
) -> Scalar {
    match x {
        Scalar::F32(_) | Scalar::F64(_) => float2_exact(x, y, f32s, f64s),
        _ => keep2(x, y, f64s, i, b),
    }
}

/// A comparison: `f` of the ordering, `false` when unordered (NaN), except
/// that `ne` passes `unordered` as its answer.
pub fn compare(x: Scalar, y: Scalar, f: fn(Ordering) -> bool, unordered: bool) -> Scalar {
    let ord = if x.dtype().is_float() {
        x.to_f64().partial_cmp(&y.to_f64())
    } else {
        Some(x.to_i64().cmp(&y.to_i64()))
    };
    Scalar::Bool(ord.map_or(unordered, f))
}

/// A function of two truth values.
pub fn logical2(x: Scalar, y: Scalar, f: fn(bool, bool) -> bool) -> Scalar {
    Scalar::Bool(f(x.to_bool(), y.to_bool()))
}

// ---------------------------------------------------------------------------
// NumPy's scalar functions where Rust's differ or do not exist.

/// `np.sign`: ±1, 0 for ±0, NaN for NaN.
pub fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// `np.reciprocal`: `1/x`; for integers `1/x` truncated, and `1/0` is the
/// dtype's minimum (NumPy computes `1.0/0` and casts: platform-defined; this
/// is what x86 gives), 0 for `U32`.
pub fn reciprocal(x: Scalar) -> Scalar {
    match x {
        Scalar::I32(0) => Scalar::I32(i32::MIN),
        Scalar::I64(0) => Scalar::I64(i64::MIN),
        Scalar::U32(0) => Scalar::U32(0),
        other => keep(
            other,
            f64::recip,
            |v| match v {
                1 => 1,
                -1 => -1,
                _ => 0,
            },
            |b| b,
        ),
    }
}

/// `1 / (1 + e^-x)`.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Python's `//` for integers (NumPy's: `x // 0 == 0`).
pub fn int_floor_div(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let q = a.wrapping_div(b);
    if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
        q.wrapping_sub(1)
    } else {
        q
    }
}

/// Python's `%` for integers (NumPy's: `x % 0 == 0`).
pub fn int_rem(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let r = a.wrapping_rem(b);
    if r != 0 && ((r < 0) != (b < 0)) {
        r.wrapping_add(b)
    } else {
        r
    }
}

/// C's `%` for integers (`np.fmod`: the dividend's sign; `x fmod 0 == 0`).
pub fn int_fmod(a: i64, b: i64) -> i64 {
    if b == 0 {
        0
    } else {
        a.wrapping_rem(b)
    }
}

/// Integer `x ** y` by squaring, wrapping; a negative exponent gives the
/// truncated true value (0, or ±1 for bases ±1). (`#[inline]`: the CPU
/// backend's loops call it per element.)
#[inline]
pub fn int_pow(x: i64, y: i64) -> i64 {
    if y < 0 {
        return match x {
            1 => 1,
            -1 => {
                if y % 2 == 0 {
                    1
                } else {
                    -1
                }
            }
            _ => 0,
        };
    }
    let (mut base, mut e, mut acc) = (x, y as u64, 1i64);
    while e > 0 {
        if e & 1 == 1 {
            acc = acc.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        e >>= 1;
    }
    acc
}

/// `np.maximum`: NaN-propagating; on ties the second operand.
pub fn maximum(a: f64, b: f64) -> f64 {
    if a > b || a.is_nan() {
        a
    } else {
        b
    }
}

/// `np.minimum`: NaN-propagating; on ties the second operand.
pub fn minimum(a: f64, b: f64) -> f64 {
    if a < b || a.is_nan() {
        a
    } else {
        b
    }
}

/// `np.fmax`: NaN loses to a number.
pub fn fmax(a: f64, b: f64) -> f64 {
    if a >= b || b.is_nan() {
        a
    } else {
        b
    }
}

/// `np.fmin`: NaN loses to a number.
pub fn fmin(a: f64, b: f64) -> f64 {
    if a <= b || b.is_nan() {
        a
    } else {
        b
    }
}

/// `np.heaviside(x, h0)`: 0 below zero, `h0` at zero, 1 above, NaN for NaN.
pub fn heaviside(x: f64, h0: f64) -> f64 {
    if x < 0.0 {
        0.0
    } else if x == 0.0 {
        h0
    } else if x > 0.0 {
        1.0
    } else {
        x
    }
}

/// `np.logaddexp`: `log(e^a + e^b)` without overflow.
pub fn logaddexp(a: f64, b: f64) -> f64 {
    if a == b {
        // Equal infinities included: log(2 e^a) without inf - inf.
        return a + std::f64::consts::LN_2;
    }
    let d = a - b;
    if d > 0.0 {
        a + (-d).exp().ln_1p()
    } else if d <= 0.0 {
        b + d.exp().ln_1p()
    } else {
        d // NaN
    }
}

/// `np.logaddexp2`: `log2(2^a + 2^b)` without overflow.
pub fn logaddexp2(a: f64, b: f64) -> f64 {
    if a == b {
        return a + 1.0;
    }
    let d = a - b;
    let log2_1p = |x: f64| x.ln_1p() * std::f64::consts::LOG2_E;
    if d > 0.0 {
        a + log2_1p((-d).exp2())
    } else if d <= 0.0 {
        b + log2_1p(d.exp2())
    } else {
        d
    }
}

/// `np.arccosh`: `log1p(t + sqrt(2t + t^2))`, `t = x - 1` (exact) below 2,
/// as fdlibm (`std`'s `ln(x + sqrt(x^2 - 1))` is 10 ULP off at 1.001).
pub fn acosh(x: f64) -> f64 {
    if x < 2.0 {
        let t = x - 1.0;
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    } else {
        x.acosh()
    }
}

/// `np.gcd`: non-negative (wrapping for the minimum, as NumPy's `abs`).
pub fn gcd(a: i64, b: i64) -> i64 {
    let (mut x, mut y) = (a.unsigned_abs(), b.unsigned_abs());
    while y != 0 {
        (x, y) = (y, x % y);
    }
    x as i64
}

/// `np.lcm`: `|a| / gcd * |b|`, wrapping (so an overflowing product can be
/// negative, as NumPy's); 0 when either is 0.
pub fn lcm(a: i64, b: i64) -> i64 {
    let g = gcd(a, b);
    if g == 0 {
        return 0;
    }
    ((a.unsigned_abs() / g as u64) as i64).wrapping_mul(b.wrapping_abs())
}

/// `np.left_shift`: 0 once the shift reaches the width (or is negative).
pub fn left_shift(a: i64, b: i64) -> i64 {
    if (0..64).contains(&b) {
        a.wrapping_shl(b as u32)
    } else {
        0
    }
}

/// `np.right_shift`: arithmetic; past the width, 0 or -1 by the sign.
pub fn right_shift(a: i64, b: i64) -> i64 {
    if (0..64).contains(&b) {
        a >> b
    } else if a < 0 {
        -1
    } else {
        0
    }
}

/// `np.bitwise_count`: the 1-bits of `|x|`.
pub fn bitwise_count(a: i64) -> i64 {
    i64::from(a.unsigned_abs().count_ones())
}

macro_rules! per_float {
    ($t:ty, $bits:ty, $divmod:ident, $next_after:ident, $spacing:ident, $frexp:ident, $ldexp:ident, $mant:expr, $bias:expr) => {
        /// NumPy's float `divmod` (`npy_divmod`) in this precision:
        /// `(floor_divide, remainder)`, the remainder with the divisor's
        /// sign. (`#[inline]`: the CPU backend's loops call it per element.)
        #[inline]
        pub fn $divmod(a: $t, b: $t) -> ($t, $t) {
            if b == 0.0 {
                return (a / b, a % b);
            }
            let m = a % b;
            let mut div = (a - m) / b;
            let m = if m != 0.0 {
                if (b < 0.0) != (m < 0.0) {
                    div -= 1.0;
                    m + b
                } else {
                    m
                }
            } else {
                (0.0 as $t).copysign(b)
            };
            let floordiv = if div != 0.0 {
                let f = div.floor();
                if div - f > 0.5 {
                    f + 1.0
                } else {
                    f
                }
            } else {
                (0.0 as $t).copysign(a / b)
            };
            (floordiv, m)
        }

        /// `np.nextafter`: the next representable value after `x` toward `y`.
        pub fn $next_after(x: $t, y: $t) -> $t {
            if x.is_nan() || y.is_nan() {
                return x + y;
            }
            if x == y {
                return y;
            }
            if x == 0.0 {
                return <$t>::from_bits(1).copysign(y);
            }
            let bits = x.to_bits();
            let up = (y > x) == (x > 0.0);
            <$t>::from_bits(if up { bits + 1 } else { bits - 1 })
        }

        /// `np.spacing`: the distance to the next value away from zero
        /// (negative for negative `x`, the smallest subnormal for ±0; NaN
        /// for ±inf and NaN).
        pub fn $spacing(x: $t) -> $t {
            if !x.is_finite() {
                return <$t>::NAN;
            }
            let away = if x < 0.0 {
                <$t>::NEG_INFINITY
            } else {
                <$t>::INFINITY
            };
            $next_after(x, away) - x
        }

        /// `np.frexp`: `(m, e)` with `x = m * 2^e`, `0.5 <= |m| < 1`;
        /// `(x, 0)` for 0, ±inf and NaN.
        pub fn $frexp(x: $t) -> ($t, i32) {
            if x == 0.0 || !x.is_finite() {
                return (x, 0);
            }
            let (x, pre) = if x.abs() < <$t>::MIN_POSITIVE {
                // Subnormal: scale into the normal range first.
                (x * (2.0 as $t).powi($mant as i32 + 1), -($mant as i32 + 1))
            } else {
                (x, 0)
            };
            let bits = x.to_bits();
            let exp = ((bits >> $mant) & ((1 << (<$bits>::BITS - 1 - $mant)) - 1)) as i32;
            let e = exp - $bias + 1;
            let m_bits = (bits & !((((1 as $bits) << (<$bits>::BITS - 1 - $mant)) - 1) << $mant))
                | ((($bias - 1) as $bits) << $mant);
            (<$t>::from_bits(m_bits), e + pre)
        }

        /// `np.ldexp`: `x * 2^e`, rounded once (musl's `scalbn`: the
        /// subnormal range is entered in one step, so no double rounding).
        pub fn $ldexp(x: $t, e: $t) -> $t {
            if e.is_nan() {
                return e;
            }
            let max_e = $bias as i32;
            let min_e = 1 - $bias as i32;
            let digits = $mant as i32 + 1;
            let pow2 = |k: i32| <$t>::from_bits(((k + $bias as i32) as $bits) << $mant);
            // Beyond this the result is 0 or ±inf whatever `x` is.
            let mut n = e.clamp((3 * min_e) as $t, (3 * max_e) as $t) as i32;
            let mut y = x;
            if n > max_e {
                y *= pow2(max_e);
                n -= max_e;
                if n > max_e {
                    y *= pow2(max_e);
                    n = (n - max_e).min(max_e);
                }
            } else if n < min_e {
                // 2^min_e * 2^digits: stays normal, so only the last step rounds.
                let down = pow2(min_e) * pow2(digits);
                y *= down;
                n += -min_e - digits;
                if n < min_e {
                    y *= down;
                    n = (n - min_e - digits).max(min_e);
                }
            }
            y * pow2(n)
        }
    };
}

per_float!(
    f32,
    u32,
    divmod_f32,
    next_after_f32,
    spacing_f32,
    frexp_f32,
    ldexp_f32,
    23,
    127
);
per_float!(
    f64,
    u64,
    divmod_f64,
    next_after_f64,
    spacing_f64,
    frexp_f64,
    ldexp_f64,
    52,
    1023
);

/// `np.modf`'s fractional part: the sign of `x`, `±0` for ±inf, NaN for NaN.
pub fn modf_fraction(x: f64) -> f64 {
    if x.is_infinite() {
        0.0f64.copysign(x)
    } else {
        (x - x.trunc()).copysign(x)
    }
}

/// `np.deg2rad`, as NumPy computes it (`x * (π/180)`).
pub fn deg2rad(x: f64) -> f64 {
    x * (std::f64::consts::PI / 180.0)
}

/// `np.rad2deg`, as NumPy computes it (`x * (180/π)`).
pub fn rad2deg(x: f64) -> f64 {
    x * (180.0 / std::f64::consts::PI)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_semantics_follow_numpy() {
        assert_eq!(int_floor_div(-7, 2), -4);
        assert_eq!(int_rem(-7, 3), 2);
        assert_eq!(int_fmod(-7, 3), -1);
        assert_eq!(int_floor_div(i64::MIN, -1), i64::MIN);
        assert_eq!(int_pow(3, 4), 81);
        assert_eq!(gcd(12, -18), 6);
        assert_eq!(lcm(4, -6), 12);
        assert_eq!(lcm(2, i64::MAX), -2); // wraps, as NumPy's
        assert_eq!(left_shift(1, 64), 0);
        assert_eq!(right_shift(-8, 70), -1);
        assert_eq!(bitwise_count(-1), 1);
    }

    #[test]
    fn float_semantics_follow_numpy() {
        assert_eq!(divmod_f64(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(divmod_f32(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(fmax(f64::NAN, 1.0), 1.0);
        assert!(maximum(f64::NAN, 1.0).is_nan());
        assert_eq!(heaviside(0.0, 0.5), 0.5);
        assert_eq!(next_after_f32(1.0, 2.0), 1.0 + f32::EPSILON);
        assert_eq!(next_after_f64(0.0, -1.0), -f64::from_bits(1));
        assert_eq!(spacing_f64(1.0), f64::EPSILON);
        assert_eq!(spacing_f32(-1.0), -f32::EPSILON);
        assert_eq!(frexp_f64(8.0), (0.5, 4));
        assert_eq!(frexp_f32(-0.75), (-0.75, 0));
        let tiny = f64::from_bits(1);
        let (m, e) = frexp_f64(tiny);
        assert_eq!((m, e), (0.5, -1073));
        assert_eq!(ldexp_f64(0.5, -1073.0), tiny);
        assert_eq!(ldexp_f64(1.0, 1024.0), f64::INFINITY);
        assert_eq!(ldexp_f32(3.0, 2.0), 12.0);
        assert_eq!(ldexp_f64(1.0, -2000.0), 0.0);
        assert_eq!(
            ldexp_f64(f64::MAX, -2000.0),
            f64::MAX * 2f64.powi(-1000) * 2f64.powi(-1000)
        );
        assert_eq!(modf_fraction(-2.5), -0.5);
        assert_eq!(
            modf_fraction(f64::NEG_INFINITY).to_bits(),
            (-0.0f64).to_bits()
        );
        assert_eq!(logaddexp(f64::INFINITY, f64::INFINITY), f64::INFINITY);
        assert_eq!(logaddexp(0.0, 0.0), std::f64::consts::LN_2);
        assert_eq!(logaddexp2(1.0, 1.0), 2.0);
    }
}
