//! The per-dtype implementation of every elementwise op, as slice loops.
//!
//! `Elem` is implemented for the six storage types (`u8` holds `Bool` as
//! 0/1). Each loop is a plain zip over slices, run inside
//! [`simd::dispatch`](crate::simd::dispatch) so LLVM vectorises it for the
//! running CPU.
//!
//! Every method matches every op of the table, with no catch-all: a new row
//! does not build until each family of dtypes says what it does with it.
//! The arms that return `false` name the ops a family never sees: the op's
//! rule casts that dtype to another first or rejects it, or the row's result
//! dtype sends it to another method (`exec/apply.rs` picks the method from
//! the row). `tests/op_table.rs` runs every row on every dtype its rule
//! accepts, so an arm that says `false` wrongly fails there; an op reaching a
//! type it has no meaning for is a core bug, reported as
//! `Error::Unsupported` by the caller, never undefined behaviour.
//!
//! NumPy's scalar semantics that take more than an expression (integer
//! power, float remainder and floor division, `spacing`, `frexp` …) are the
//! op table's reference functions (`tandem_core::ops::reference`), called
//! in the loop's own precision, so the CPU and the table agree by
//! construction.

use crate::simd::dispatch;
use bytemuck::Pod;
use tandem_core::ops::{reference, BinaryOp, UnaryOp};

/// A storage type the CPU backend computes on.
pub(crate) trait Elem: Pod + Copy + PartialOrd + Send + Sync + 'static {
    /// `out[i] = op(x[i])` for the rows whose result has the compute dtype;
    /// `false` if `op` is not defined for this type.
    fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool;
    /// `out[i] = op(a[i], b[i])` for the rows that are not comparisons;
    /// `false` if undefined for this type.
    fn binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool;

    /// Whether the value is NaN (never, for integers and bools).
    fn nan(self) -> bool;
    /// Whether the value is ±inf (never, for integers and bools).
    fn infinite(self) -> bool;
    /// Whether the sign bit is set (`-0.0` and `-nan` included).
    fn sign_bit(self) -> bool;
    /// `frexp`'s exponents of `x`; `false` where the type has none.
    fn frexp_exponents(x: &[Self], out: &mut [i32]) -> bool;
    /// The 1-bits of `|x|`; `false` where the type has none.
    fn bit_counts(x: &[Self], out: &mut [i32]) -> bool;

    /// Comparisons, producing bools as 0/1 bytes.
    fn compare(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [u8]) -> bool {
        use BinaryOp::*;
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
            Eq => cmp!(|x: Self, y: Self| x == y),
            Ne => cmp!(|x: Self, y: Self| x != y),
            Lt => cmp!(|x: Self, y: Self| x < y),
            Le => cmp!(|x: Self, y: Self| x <= y),
            Gt => cmp!(|x: Self, y: Self| x > y),
            Ge => cmp!(|x: Self, y: Self| x >= y),
            // Not comparisons: `binary`'s.
            Add | Sub | Mul | Div | Rem | FloorDiv | Pow | Maximum | Minimum | Atan2
            | LogicalAnd | LogicalOr | LogicalXor | Hypot | Copysign | Nextafter | Fmod
            | Logaddexp | Logaddexp2 | Heaviside | FloatPower | Fmax | Fmin | Ldexp | Gcd | Lcm
            | BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift | RightShift => return false,
        }
        true
    }

    /// The rows whose result is `Bool` (predicates, `logical_not`), as 0/1
    /// bytes.
    fn predicate(op: UnaryOp, x: &[Self], out: &mut [u8]) -> bool {
        use UnaryOp::*;
        let zero = Self::zeroed();
        match op {
            IsNan => map(x, out, |v: Self| v.nan() as u8),
            IsInf => map(x, out, |v: Self| v.infinite() as u8),
            IsFinite => map(x, out, |v: Self| !(v.nan() || v.infinite()) as u8),
            Signbit => map(x, out, |v: Self| v.sign_bit() as u8),
            // Bools arrive as 0/1 (the rule casts other dtypes first).
            LogicalNot => map(x, out, |v: Self| (v == zero) as u8),
            // Results of another dtype: `unary`'s and `to_i32`'s.
            Neg | Abs | Sqrt | Exp | Exp2 | Ln | Log2 | Log10 | Sin | Cos | Tan | Tanh | Asin
            | Acos | Atan | Sinh | Cosh | Floor | Ceil | Round | Trunc | Sign | Recip | Square
            | Sigmoid | Log1p | Expm1 | Cbrt | Asinh | Acosh | Atanh | Deg2rad | Rad2deg | Fabs
            | Rint | Positive | Spacing | BitwiseNot | BitwiseCount | Conj | ModfFraction
            | FrexpMantissa | FrexpExponent => return false,
        }
        true
    }

    /// The rows whose result is `I32` whatever the input (`frexp`'s
    /// exponent, `bitwise_count`).
    fn to_i32(op: UnaryOp, x: &[Self], out: &mut [i32]) -> bool {
        use UnaryOp::*;
        match op {
            FrexpExponent => Self::frexp_exponents(x, out),
            BitwiseCount => Self::bit_counts(x, out),
            // Results of the compute dtype or `Bool`: `unary`'s and `predicate`'s.
            Neg | Abs | Sqrt | Exp | Exp2 | Ln | Log2 | Log10 | Sin | Cos | Tan | Tanh | Asin
            | Acos | Atan | Sinh | Cosh | Floor | Ceil | Round | Trunc | Sign | Recip | Square
            | Sigmoid | IsNan | IsInf | IsFinite | LogicalNot | Log1p | Expm1 | Cbrt | Asinh
            | Acosh | Atanh | Deg2rad | Rad2deg | Fabs | Rint | Positive | Signbit | Spacing
            | BitwiseNot | Conj | ModfFraction | FrexpMantissa => false,
        }
    }
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

/// `Elem` for a float type: `$divmod` is the table's `divmod` in its
/// precision, and the `vmath` lists name vmath's vectorised function for
/// each transcendental row (the rows computed in `F64` only, like
/// `float_power`, are pow's there too).
macro_rules! float_elem {
    ($t:ty, $divmod:path,
     vmath: [$($vop:ident => $vf:ident),* $(,)?],
     vmath2: [$($vop2:ident => $vf2:ident),* $(,)?]) => {
        impl Elem for $t {
            fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool {
                use UnaryOp::*;
                match op {
                    $(UnaryOp::$vop => crate::vmath::$vf(x, out),)*
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
                    // `Bool` and `I32` results: `predicate`'s and `to_i32`'s.
                    IsNan | IsInf | IsFinite | Signbit | LogicalNot | FrexpExponent
                    | BitwiseCount => return false,
                    // Floats are rejected.
                    BitwiseNot => return false,
                }
                true
            }

            fn binary(op: BinaryOp, a: &[Self], b: &[Self], out: &mut [Self]) -> bool {
                use BinaryOp::*;
                match op {
                    $(BinaryOp::$vop2 => crate::vmath::$vf2(a, b, out),)*
                    Add => zip(a, b, out, |x, y| x + y),
                    Sub => zip(a, b, out, |x, y| x - y),
                    Mul => zip(a, b, out, |x, y| x * y),
                    Div => zip(a, b, out, |x, y| x / y),
                    // NumPy's npy_divmod: the remainder takes the divisor's sign.
                    Rem => zip(a, b, out, |x: $t, y: $t| $divmod(x, y).1),
                    FloorDiv => zip(a, b, out, |x: $t, y: $t| $divmod(x, y).0),
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
                    // Comparisons: `compare`'s.
                    Eq | Ne | Lt | Le | Gt | Ge => return false,
                    // The rule casts floats to `Bool` first.
                    LogicalAnd | LogicalOr | LogicalXor => return false,
                    // Floats are rejected.
                    Gcd | Lcm | BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift | RightShift => {
                        return false
                    }
                }
                true
            }

            fn nan(self) -> bool {
                self.is_nan()
            }

            fn infinite(self) -> bool {
                self.is_infinite()
            }

            fn sign_bit(self) -> bool {
                self.is_sign_negative()
            }

            fn frexp_exponents(x: &[Self], out: &mut [i32]) -> bool {
                map(x, out, |v| <$t as FloatBits>::frexp(v).1);
                true
            }

            fn bit_counts(_: &[Self], _: &mut [i32]) -> bool {
                // `bitwise_count` rejects floats.
                false
            }
        }
    };
}

/// `float_elem!` for `f32` and `f64`, from one list of vmath's functions
/// (each row: the `f32` function, the `f64` one).
macro_rules! float_elems {
    (unary: [$($vop:ident => $v32:ident, $v64:ident;)*],
     binary: [$($bop:ident => $b32:ident, $b64:ident;)*]) => {
        float_elem!(f32, reference::divmod_f32,
            vmath: [$($vop => $v32),*], vmath2: [$($bop => $b32),*]);
        float_elem!(f64, reference::divmod_f64,
            vmath: [$($vop => $v64),*], vmath2: [$($bop => $b64),*]);
    };
}

float_elems! {
    unary: [
        Exp => exp_f32, exp_f64;
        Exp2 => exp2_f32, exp2_f64;
        Ln => ln_f32, ln_f64;
        Log2 => log2_f32, log2_f64;
        Log10 => log10_f32, log10_f64;
        Sin => sin_f32, sin_f64;
        Cos => cos_f32, cos_f64;
        Tan => tan_f32, tan_f64;
        Tanh => tanh_f32, tanh_f64;
        Asin => asin_f32, asin_f64;
        Acos => acos_f32, acos_f64;
        Atan => atan_f32, atan_f64;
        Sinh => sinh_f32, sinh_f64;
        Cosh => cosh_f32, cosh_f64;
        Sigmoid => sigmoid_f32, sigmoid_f64;
        Log1p => log1p_f32, log1p_f64;
        Expm1 => expm1_f32, expm1_f64;
        Cbrt => cbrt_f32, cbrt_f64;
        Asinh => asinh_f32, asinh_f64;
        Acosh => acosh_f32, acosh_f64;
        Atanh => atanh_f32, atanh_f64;
    ],
    binary: [
        Pow => pow_f32, pow_f64;
        FloatPower => pow_f32, pow_f64;
        Atan2 => atan2_f32, atan2_f64;
        Logaddexp => logaddexp_f32, logaddexp_f64;
        Logaddexp2 => logaddexp2_f32, logaddexp2_f64;
    ]
}

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
                    // Float-valued rows: the rule computes integers in `F64`.
                    Sqrt | Exp | Exp2 | Ln | Log2 | Log10 | Sin | Cos | Tan | Tanh | Asin
                    | Acos | Atan | Sinh | Cosh | Sigmoid | Log1p | Expm1 | Cbrt | Asinh
                    | Acosh | Atanh | Deg2rad | Rad2deg | Fabs | Rint | Spacing | ModfFraction
                    | FrexpMantissa => return false,
                    // `Bool` and `I32` results: `predicate`'s and `to_i32`'s.
                    IsNan | IsInf | IsFinite | Signbit | LogicalNot | FrexpExponent
                    | BitwiseCount => return false,
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
                    // Widened to `i64` and narrowed back, which wraps exactly
                    // as the narrow computation would.
                    Pow => zip(a, b, out, |x: $t, y: $t| {
                        reference::int_pow(x as i64, y as i64) as $t
                    }),
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
                        reference::gcd(x as i64, y as i64) as $t
                    }),
                    // |x| / gcd * |y|, wrapping: an overflowing product
                    // may be negative, as NumPy's.
                    #[allow(unused_comparisons)]
                    Lcm => zip(a, b, out, |x: $t, y: $t| {
                        let g = reference::gcd(x as i64, y as i64) as $t;
                        let abs = |v: $t| if v < 0 { v.wrapping_neg() } else { v };
                        if g == 0 {
                            0
                        } else {
                            (abs(x) / g).wrapping_mul(abs(y))
                        }
                    }),
                    // Float-valued rows: the rule computes integers in `F64`.
                    Div | Atan2 | Hypot | Copysign | Nextafter | Logaddexp | Logaddexp2
                    | Heaviside | FloatPower | Ldexp => return false,
                    // Comparisons: `compare`'s.
                    Eq | Ne | Lt | Le | Gt | Ge => return false,
                    // The rule casts integers to `Bool` first.
                    LogicalAnd | LogicalOr | LogicalXor => return false,
                }
                true
            }

            fn nan(self) -> bool {
                false
            }

            fn infinite(self) -> bool {
                false
            }

            #[allow(unused_comparisons)]
            fn sign_bit(self) -> bool {
                self < 0
            }

            fn frexp_exponents(_: &[Self], _: &mut [i32]) -> bool {
                // The rule computes `frexp` of integers in `F64`.
                false
            }

            #[allow(unused_comparisons)]
            fn bit_counts(x: &[Self], out: &mut [i32]) -> bool {
                // The 1-bits of |x| (NumPy counts the magnitude).
                map(x, out, |v: $t| {
                    let m = if v < 0 { v.wrapping_neg() } else { v };
                    m.count_ones() as i32
                });
                true
            }
        }
    };
}

int_elem!(i32, true);
int_elem!(i64, true);
int_elem!(u32, false);

impl Elem for u8 {
    fn unary(op: UnaryOp, x: &[Self], out: &mut [Self]) -> bool {
        use UnaryOp::*;
        match op {
            Abs | Floor | Ceil | Trunc | Sign => out.copy_from_slice(x),
            BitwiseNot => map(x, out, |v| (v == 0) as u8),
            // Rejected for `Bool`, as NumPy.
            Neg | Positive => return false,
            // The rule computes `Bool` in a float dtype.
            Round | Sqrt | Exp | Exp2 | Ln | Log2 | Log10 | Sin | Cos | Tan | Tanh | Asin
            | Acos | Atan | Sinh | Cosh | Sigmoid | Log1p | Expm1 | Cbrt | Asinh | Acosh
            | Atanh | Deg2rad | Rad2deg | Fabs | Rint | Spacing | ModfFraction | FrexpMantissa => {
                return false
            }
            // The rule computes `Bool` in `I32`.
            Recip | Square | Conj => return false,
            // `Bool` and `I32` results: `predicate`'s and `to_i32`'s.
            IsNan | IsInf | IsFinite | Signbit | LogicalNot | FrexpExponent | BitwiseCount => {
                return false
            }
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
            // Rejected for `Bool`, as NumPy.
            Sub | Gcd | Lcm => return false,
            // The rule computes `Bool` in a float dtype.
            Div | Atan2 | Hypot | Copysign | Nextafter | Logaddexp | Logaddexp2 | Heaviside
            | FloatPower | Ldexp => return false,
            // The rule computes `Bool` in `I32`.
            Rem | FloorDiv | Pow | Fmod | LeftShift | RightShift => return false,
            // Comparisons: `compare`'s.
            Eq | Ne | Lt | Le | Gt | Ge => return false,
        }
        true
    }

    fn nan(self) -> bool {
        false
    }

    fn infinite(self) -> bool {
        false
    }

    fn sign_bit(self) -> bool {
        false
    }

    fn frexp_exponents(_: &[Self], _: &mut [i32]) -> bool {
        // The rule computes `frexp` of bools in `F32`.
        false
    }

    fn bit_counts(_: &[Self], _: &mut [i32]) -> bool {
        // The rule computes `bitwise_count` of bools in `I32`.
        false
    }
}
