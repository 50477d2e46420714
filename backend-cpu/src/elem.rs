//! The per-dtype implementation of every elementwise op, as slice loops.
//!
//! `Elem` is implemented for the six storage types (`u8` holds `Bool` as
//! 0/1). Each loop is a plain zip over slices, run inside
//! [`simd::dispatch`](crate::simd::dispatch) so LLVM vectorises it for the
//! running CPU. The core's op table guarantees each op only reaches the
//! dtypes its rule allows (float functions only see floats, logical ops only
//! bools); an op reaching a type it has no meaning for is a core bug and is
//! reported as `Error::Unsupported` by the caller, never undefined behaviour.

use crate::simd::dispatch;
use bytemuck::Pod;
use tandem_core::ops::{reference, BinaryOp, UnaryOp};

/// A storage type the CPU backend computes on.
pub(crate) trait Elem: Pod + Copy + PartialOrd + Send + Sync + 'static {
    /// `out[i] = op(x[i])`; `false` if `op` is not defined for this type.
    fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool;
    /// `out[i] = op(a[i], b[i])`; `false` if undefined for this type.
    fn binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool;
    /// Comparisons and unary predicates, producing bools as 0/1 bytes.
    fn compare(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [u8]) -> bool {
        macro_rules! cmp {
            ($f:expr) => {
                dispatch(
                    #[inline(always)]
                    || {
                        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                            *o = $f(x, y) as u8;
                        }
                    },
                )
            };
        }
        match op {
            BinaryOp::Eq => cmp!(|x: Self, y: Self| x == y),
            BinaryOp::Ne => cmp!(|x: Self, y: Self| x != y),
            BinaryOp::Lt => cmp!(|x: Self, y: Self| x < y),
            BinaryOp::Le => cmp!(|x: Self, y: Self| x <= y),
            BinaryOp::Gt => cmp!(|x: Self, y: Self| x > y),
            BinaryOp::Ge => cmp!(|x: Self, y: Self| x >= y),
            _ => return false,
        }
        true
    }
    /// `is_nan`, `is_inf`, `is_finite`, `signbit` into 0/1 bytes.
    fn predicate(op: UnaryOp, x: &[Self], out: &mut [u8]) -> bool;
    /// The ops whose result is `I32` whatever the input (`frexp`'s
    /// exponent, `bitwise_count`).
    fn to_i32(op: UnaryOp, x: &[Self], out: &mut [i32]) -> bool;
}

/// Applies `f` to each element.
#[inline(always)]
fn map<T: Copy, U>(x: &[T], out: &mut [U], f: impl Fn(T) -> U) {
    dispatch(
        #[inline(always)]
        || {
            for (o, &v) in out.iter_mut().zip(x) {
                *o = f(v);
            }
        },
    )
}

/// Applies `f` to each pair of elements.
#[inline(always)]
fn zip<T: Copy, U>(a: &[T], b: &[T], out: &mut [U], f: impl Fn(T, T) -> U) {
    dispatch(
        #[inline(always)]
        || {
            for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                *o = f(x, y);
            }
        },
    )
}

/// The float functions `vmath` vectorises: one row per op, for each type.
macro_rules! vectorised {
    ($op:expr, $x:expr, $out:expr,
     $exp:ident, $exp2:ident, $ln:ident, $log2:ident, $log10:ident, $sin:ident, $cos:ident, $tan:ident,
     $tanh:ident, $asin:ident, $acos:ident, $atan:ident, $sinh:ident, $cosh:ident, $sigmoid:ident,
     $log1p:ident, $expm1:ident, $cbrt:ident, $asinh:ident, $acosh:ident, $atanh:ident) => {{
        use crate::vmath;
        match $op {
            Exp => vmath::$exp($x, $out),
            Exp2 => vmath::$exp2($x, $out),
            Ln => vmath::$ln($x, $out),
            Log2 => vmath::$log2($x, $out),
            Log10 => vmath::$log10($x, $out),
            Sin => vmath::$sin($x, $out),
            Cos => vmath::$cos($x, $out),
            Tan => vmath::$tan($x, $out),
            Tanh => vmath::$tanh($x, $out),
            Asin => vmath::$asin($x, $out),
            Acos => vmath::$acos($x, $out),
            Atan => vmath::$atan($x, $out),
            Sinh => vmath::$sinh($x, $out),
            Cosh => vmath::$cosh($x, $out),
            Sigmoid => vmath::$sigmoid($x, $out),
            Log1p => vmath::$log1p($x, $out),
            Expm1 => vmath::$expm1($x, $out),
            Cbrt => vmath::$cbrt($x, $out),
            Asinh => vmath::$asinh($x, $out),
            Acosh => vmath::$acosh($x, $out),
            Atanh => vmath::$atanh($x, $out),
            _ => return false,
        }
        true
    }};
}

/// `vmath` dispatch for one float type.
trait Vectorised: Sized {
    fn vmath_unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool;
    fn vmath_binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool;
}

impl Vectorised for f32 {
    fn vmath_unary(op: UnaryOp, x: &[f32], out: &mut [f32]) -> bool {
        use UnaryOp::*;
        vectorised!(
            op,
            x,
            out,
            exp_f32,
            exp2_f32,
            ln_f32,
            log2_f32,
            log10_f32,
            sin_f32,
            cos_f32,
            tan_f32,
            tanh_f32,
            asin_f32,
            acos_f32,
            atan_f32,
            sinh_f32,
            cosh_f32,
            sigmoid_f32,
            log1p_f32,
            expm1_f32,
            cbrt_f32,
            asinh_f32,
            acosh_f32,
            atanh_f32
        )
    }
    fn vmath_binary(op: BinaryOp, a: &[f32], b: &[f32], out: &mut [f32]) -> bool {
        match op {
            BinaryOp::Pow => crate::vmath::pow_f32(a, b, out),
            BinaryOp::Atan2 => crate::vmath::atan2_f32(a, b, out),
            BinaryOp::Logaddexp => crate::vmath::logaddexp_f32(a, b, out),
            BinaryOp::Logaddexp2 => crate::vmath::logaddexp2_f32(a, b, out),
            _ => return false,
        }
        true
    }
}

impl Vectorised for f64 {
    fn vmath_unary(op: UnaryOp, x: &[f64], out: &mut [f64]) -> bool {
        use UnaryOp::*;
        vectorised!(
            op,
            x,
            out,
            exp_f64,
            exp2_f64,
            ln_f64,
            log2_f64,
            log10_f64,
            sin_f64,
            cos_f64,
            tan_f64,
            tanh_f64,
            asin_f64,
            acos_f64,
            atan_f64,
            sinh_f64,
            cosh_f64,
            sigmoid_f64,
            log1p_f64,
            expm1_f64,
            cbrt_f64,
            asinh_f64,
            acosh_f64,
            atanh_f64
        )
    }
    fn vmath_binary(op: BinaryOp, a: &[f64], b: &[f64], out: &mut [f64]) -> bool {
        match op {
            BinaryOp::Pow => crate::vmath::pow_f64(a, b, out),
            BinaryOp::Atan2 => crate::vmath::atan2_f64(a, b, out),
            BinaryOp::Logaddexp => crate::vmath::logaddexp_f64(a, b, out),
            BinaryOp::Logaddexp2 => crate::vmath::logaddexp2_f64(a, b, out),
            _ => return false,
        }
        true
    }
}

macro_rules! float_elem {
    ($t:ty) => {
        impl Elem for $t {
            fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool {
                use UnaryOp::*;
                if <$t as Vectorised>::vmath_unary(op, x, out) {
                    return true;
                }
                match op {
                    Neg => map(x, out, |v| -v),
                    Abs => map(x, out, |v| v.abs()),
                    Sqrt => map(x, out, |v| v.sqrt()),
                    Floor => map(x, out, |v| v.floor()),
                    Ceil => map(x, out, |v| v.ceil()),
                    Round => map(x, out, |v| v.round_ties_even()),
                    Trunc => map(x, out, |v| v.trunc()),
                    // NumPy: sign(±0) is +0, sign(NaN) is NaN.
                    Sign => map(x, out, |v| {
                        if v > 0.0 {
                            1.0
                        } else if v < 0.0 {
                            -1.0
                        } else if v == 0.0 {
                            0.0
                        } else {
                            v
                        }
                    }),
                    Recip => map(x, out, |v| 1.0 / v),
                    Square => map(x, out, |v| v * v),
                    Fabs => map(x, out, |v| v.abs()),
                    Rint => map(x, out, |v| v.round_ties_even()),
                    Positive | Conj => out.copy_from_slice(x),
                    // NumPy multiplies by the constant rounded to the dtype.
                    Deg2rad => map(x, out, |v| v * (<$t>::PI_OVER_180)),
                    Rad2deg => map(x, out, |v| v * (<$t>::DEG_PER_RAD)),
                    Spacing => map(x, out, <$t as FloatBits>::spacing),
                    ModfFraction => map(x, out, |v: $t| {
                        if v.is_infinite() {
                            (0.0 as $t).copysign(v)
                        } else {
                            (v - v.trunc()).copysign(v)
                        }
                    }),
                    FrexpMantissa => map(x, out, |v| <$t as FloatBits>::frexp(v).0),
                    // The transcendental functions are vmath's (above).
                    _ => return false,
                }
                true
            }

            fn binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool {
                use BinaryOp::*;
                if <$t as Vectorised>::vmath_binary(op, a, b, out) {
                    return true;
                }
                match op {
                    Add => zip(a, b, out, |x, y| x + y),
                    Sub => zip(a, b, out, |x, y| x - y),
                    Mul => zip(a, b, out, |x, y| x * y),
                    Div => zip(a, b, out, |x, y| x / y),
                    Rem => zip(a, b, out, |x: $t, y: $t| {
                        // NumPy's npy_divmod: the remainder takes the divisor's sign.
                        let m = x % y;
                        if m != 0.0 {
                            if (y < 0.0) != (m < 0.0) {
                                m + y
                            } else {
                                m
                            }
                        } else if y.is_nan() || x.is_nan() || y == 0.0 || x.is_infinite() {
                            m
                        } else {
                            (0.0 as $t).copysign(y)
                        }
                    }),
                    FloorDiv => zip(a, b, out, |x: $t, y: $t| {
                        // NumPy's npy_floor_divide.
                        if y == 0.0 {
                            return x / y;
                        }
                        let m = x % y;
                        let mut div = (x - m) / y;
                        if m != 0.0 && ((y < 0.0) != (m < 0.0)) {
                            div -= 1.0;
                        }
                        if div != 0.0 {
                            let mut f = div.floor();
                            if div - f > 0.5 {
                                f += 1.0;
                            }
                            f
                        } else {
                            (0.0 as $t).copysign(x / y)
                        }
                    }),
                    // NaN-propagating; on ties the second operand wins, as NumPy.
                    Maximum => zip(
                        a,
                        b,
                        out,
                        |x: $t, y: $t| if x > y || x.is_nan() { x } else { y },
                    ),
                    Minimum => zip(
                        a,
                        b,
                        out,
                        |x: $t, y: $t| if x < y || x.is_nan() { x } else { y },
                    ),
                    // NaN loses to a number.
                    Fmax => zip(
                        a,
                        b,
                        out,
                        |x: $t, y: $t| if x >= y || y.is_nan() { x } else { y },
                    ),
                    Fmin => zip(
                        a,
                        b,
                        out,
                        |x: $t, y: $t| if x <= y || y.is_nan() { x } else { y },
                    ),
                    Copysign => zip(a, b, out, |x: $t, y: $t| x.copysign(y)),
                    // Rust's float `%` is C's fmod.
                    Fmod => zip(a, b, out, |x: $t, y: $t| x % y),
                    Heaviside => zip(a, b, out, |x: $t, h0: $t| {
                        if x < 0.0 {
                            0.0
                        } else if x == 0.0 {
                            h0
                        } else if x > 0.0 {
                            1.0
                        } else {
                            x
                        }
                    }),
                    Hypot => zip(a, b, out, |x: $t, y: $t| x.hypot(y)),
                    Nextafter => zip(a, b, out, <$t as FloatBits>::next_after),
                    Ldexp => zip(a, b, out, <$t as FloatBits>::ldexp),
                    // float_power computes in F64 only; the general pow is vmath's.
                    FloatPower => return <$t as Vectorised>::vmath_binary(Pow, a, b, out),
                    _ => return false,
                }
                true
            }

            fn predicate(op: UnaryOp, x: &[Self], out: &mut [u8]) -> bool {
                match op {
                    UnaryOp::IsNan => map(x, out, |v| v.is_nan() as u8),
                    UnaryOp::IsInf => map(x, out, |v| v.is_infinite() as u8),
                    UnaryOp::IsFinite => map(x, out, |v| v.is_finite() as u8),
                    UnaryOp::Signbit => map(x, out, |v| v.is_sign_negative() as u8),
                    _ => return false,
                }
                true
            }

            fn to_i32(op: UnaryOp, x: &[Self], out: &mut [i32]) -> bool {
                match op {
                    UnaryOp::FrexpExponent => map(x, out, |v| <$t as FloatBits>::frexp(v).1),
                    _ => return false,
                }
                true
            }
        }
    };
}

float_elem!(f32);
float_elem!(f64);

/// The per-dtype float functions whose answer depends on the precision:
/// NumPy's scalar semantics from the op table's reference
/// (`tandem_core::ops::reference`), so the CPU and the table agree by
/// construction. Scalar loops: these ops are rare and cheap.
trait FloatBits: Sized {
    const PI_OVER_180: Self;
    const DEG_PER_RAD: Self;
    fn spacing(self) -> Self;
    fn next_after(self, toward: Self) -> Self;
    fn frexp(self) -> (Self, i32);
    fn ldexp(self, exponent: Self) -> Self;
}

impl FloatBits for f32 {
    const PI_OVER_180: f32 = std::f32::consts::PI / 180.0;
    const DEG_PER_RAD: f32 = 180.0 / std::f32::consts::PI;
    fn spacing(self) -> f32 {
        reference::spacing_f32(self)
    }
    fn next_after(self, toward: f32) -> f32 {
        reference::next_after_f32(self, toward)
    }
    fn frexp(self) -> (f32, i32) {
        reference::frexp_f32(self)
    }
    fn ldexp(self, exponent: f32) -> f32 {
        reference::ldexp_f32(self, exponent)
    }
}

impl FloatBits for f64 {
    const PI_OVER_180: f64 = std::f64::consts::PI / 180.0;
    const DEG_PER_RAD: f64 = 180.0 / std::f64::consts::PI;
    fn spacing(self) -> f64 {
        reference::spacing_f64(self)
    }
    fn next_after(self, toward: f64) -> f64 {
        reference::next_after_f64(self, toward)
    }
    fn frexp(self) -> (f64, i32) {
        reference::frexp_f64(self)
    }
    fn ldexp(self, exponent: f64) -> f64 {
        reference::ldexp_f64(self, exponent)
    }
}

macro_rules! int_elem {
    ($t:ty, $signed:expr) => {
        impl Elem for $t {
            fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool {
                use UnaryOp::*;
                match op {
                    Neg => map(x, out, |v: $t| v.wrapping_neg()),
                    #[allow(unused_comparisons)]
                    Abs => map(x, out, |v: $t| if v < 0 { v.wrapping_neg() } else { v }),
                    Floor | Ceil | Round | Trunc => out.copy_from_slice(x),
                    #[allow(unused_comparisons)]
                    Sign => map(x, out, |v: $t| (v > 0) as $t - (v < 0) as $t),
                    // NumPy computes 1.0/x and casts: 1/0 is the type's minimum
                    // for signed types (0 for unsigned), |x| > 1 gives 0.
                    Recip => map(x, out, |v: $t| match v {
                        0 => {
                            if $signed {
                                <$t>::MIN
                            } else {
                                0
                            }
                        }
                        1 => 1,
                        #[allow(unused_comparisons)]
                        v if $signed && v == (0 as $t).wrapping_sub(1) => v,
                        _ => 0,
                    }),
                    Square => map(x, out, |v: $t| v.wrapping_mul(v)),
                    Positive | Conj => out.copy_from_slice(x),
                    BitwiseNot => map(x, out, |v: $t| !v),
                    _ => return false,
                }
                true
            }

            fn binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool {
                use BinaryOp::*;
                match op {
                    Add => zip(a, b, out, |x: $t, y: $t| x.wrapping_add(y)),
                    Sub => zip(a, b, out, |x: $t, y: $t| x.wrapping_sub(y)),
                    Mul => zip(a, b, out, |x: $t, y: $t| x.wrapping_mul(y)),
                    #[allow(unused_comparisons)]
                    Rem => zip(a, b, out, |x: $t, y: $t| {
                        if y == 0 {
                            return 0;
                        }
                        let r = x.wrapping_rem(y);
                        if r != 0 && ((r < 0) != (y < 0)) {
                            r.wrapping_add(y)
                        } else {
                            r
                        }
                    }),
                    #[allow(unused_comparisons)]
                    FloorDiv => zip(a, b, out, |x: $t, y: $t| {
                        if y == 0 {
                            return 0;
                        }
                        let q = x.wrapping_div(y);
                        let r = x.wrapping_rem(y);
                        if r != 0 && ((r < 0) != (y < 0)) {
                            q.wrapping_sub(1)
                        } else {
                            q
                        }
                    }),
                    Pow => zip(a, b, out, |x: $t, y: $t| int_pow(x as i64, y as i64) as $t),
                    Maximum | Fmax => zip(a, b, out, |x: $t, y: $t| if x > y { x } else { y }),
                    Minimum | Fmin => zip(a, b, out, |x: $t, y: $t| if x < y { x } else { y }),
                    // C's remainder (the dividend's sign); NumPy's x fmod 0 is 0.
                    Fmod => zip(
                        a,
                        b,
                        out,
                        |x: $t, y: $t| if y == 0 { 0 } else { x.wrapping_rem(y) },
                    ),
                    BitwiseAnd => zip(a, b, out, |x: $t, y: $t| x & y),
                    BitwiseOr => zip(a, b, out, |x: $t, y: $t| x | y),
                    BitwiseXor => zip(a, b, out, |x: $t, y: $t| x ^ y),
                    // NumPy: a shift count outside [0, width) gives 0 (left)
                    // or the sign fill (right), where Rust's would wrap the count.
                    #[allow(unused_comparisons)]
                    LeftShift => zip(a, b, out, |x: $t, y: $t| {
                        if y >= 0 && (y as u64) < <$t>::BITS as u64 {
                            x << y
                        } else {
                            0
                        }
                    }),
                    #[allow(unused_comparisons)]
                    RightShift => zip(a, b, out, |x: $t, y: $t| {
                        if y >= 0 && (y as u64) < <$t>::BITS as u64 {
                            x >> y
                        } else if x < 0 {
                            (0 as $t).wrapping_sub(1)
                        } else {
                            0
                        }
                    }),
                    // In the dtype, wrapping, as NumPy's npy_gcd/npy_lcm.
                    Gcd => zip(a, b, out, |x: $t, y: $t| {
                        tandem_core::ops::reference::gcd(x as i64, y as i64) as $t
                    }),
                    // |x| / gcd * |y|, wrapping: an overflowing product
                    // may be negative, as NumPy's.
                    #[allow(unused_comparisons)]
                    Lcm => zip(a, b, out, |x: $t, y: $t| {
                        let g = tandem_core::ops::reference::gcd(x as i64, y as i64) as $t;
                        let abs = |v: $t| if v < 0 { v.wrapping_neg() } else { v };
                        if g == 0 {
                            0
                        } else {
                            (abs(x) / g).wrapping_mul(abs(y))
                        }
                    }),
                    _ => return false,
                }
                true
            }

            fn predicate(op: UnaryOp, x: &[Self], out: &mut [u8]) -> bool {
                match op {
                    UnaryOp::IsNan | UnaryOp::IsInf => out[..x.len()].fill(0),
                    UnaryOp::IsFinite => out[..x.len()].fill(1),
                    _ => return false,
                }
                true
            }

            fn to_i32(op: UnaryOp, x: &[Self], out: &mut [i32]) -> bool {
                match op {
                    // The 1-bits of |x| (NumPy counts the magnitude).
                    #[allow(unused_comparisons)]
                    UnaryOp::BitwiseCount => map(x, out, |v: $t| {
                        let m = if v < 0 { v.wrapping_neg() } else { v };
                        m.count_ones() as i32
                    }),
                    _ => return false,
                }
                true
            }
        }
    };
}

int_elem!(i32, true);
int_elem!(i64, true);
int_elem!(u32, false);

/// `x ** y` by squaring, wrapping on overflow as NumPy's integer power. A
/// negative exponent gives the truncated true value (0, or ±1 for bases ±1).
/// The operands arrive widened to `i64` and the result is narrowed by the
/// caller, which wraps exactly as the narrow computation would.
#[inline(always)]
fn int_pow(x: i64, y: i64) -> i64 {
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

impl Elem for u8 {
    fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool {
        use UnaryOp::*;
        match op {
            Abs | Floor | Ceil | Trunc | Sign => out.copy_from_slice(x),
            LogicalNot | BitwiseNot => map(x, out, |v| (v == 0) as u8),
            _ => return false,
        }
        true
    }

    fn binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool {
        use BinaryOp::*;
        match op {
            // NumPy's bool arithmetic: + is or, * is and; max/min likewise.
            Add | Maximum | Fmax | LogicalOr | BitwiseOr => zip(a, b, out, |x, y| x | y),
            Mul | Minimum | Fmin | LogicalAnd | BitwiseAnd => zip(a, b, out, |x, y| x & y),
            LogicalXor | BitwiseXor => zip(a, b, out, |x, y| x ^ y),
            _ => return false,
        }
        true
    }

    fn predicate(op: UnaryOp, x: &[Self], out: &mut [u8]) -> bool {
        match op {
            UnaryOp::IsNan | UnaryOp::IsInf => out[..x.len()].fill(0),
            UnaryOp::IsFinite => out[..x.len()].fill(1),
            _ => return false,
        }
        true
    }

    fn to_i32(_: UnaryOp, _: &[Self], _: &mut [i32]) -> bool {
        // The core casts bools first (bitwise_count computes in I32).
        false
    }
}
