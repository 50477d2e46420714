//! The unary rows of the op table: one line per op (see the module docs of
//! [`ops`](super) for what each column means and who reads it).

use super::reference::{self as r, float, float_exact, keep, logical, pred};
use super::row::Accuracy::{Exact, Ulp};
use super::row::Cost::{Arith, Cheap, Transcendental};
use super::row::NanRule::{Decided, NoFloats, Propagates};
use super::row::{op_table, row, UnaryRow};
use super::rule::{
    BITWISE, BOOL_AS_I32, COUNT, FLOAT, FLOAT_PREDICATE, FLOAT_TO_I32, LOGICAL, NUMERIC, PREDICATE,
    ROUND, SAME,
};
use crate::scalar::Scalar;

fn id_i(x: i64) -> i64 {
    x
}
fn id_b(x: bool) -> bool {
    x
}
fn id_f(x: f64) -> f64 {
    x
}

op_table! {
    /// Elementwise ops of one operand.
    ///
    /// ```
    /// use tandem_core::ops::UnaryOp;
    /// assert_eq!(UnaryOp::Ln.numpy_name(), "log");
    /// assert_eq!(UnaryOp::from_name("arcsinh"), Some(UnaryOp::Asinh));
    /// ```
    UnaryOp: UnaryRow {
        /// `-x` (wrapping for integers).
        Neg => row("neg", "negative", &[], NUMERIC, Propagates, Cheap, Exact,
            |x| keep(x, |v| -v, i64::wrapping_neg, id_b)),
        /// `|x|` (`abs(i32::MIN)` wraps to itself, as in NumPy).
        Abs => row("abs", "absolute", &[], SAME, Propagates, Cheap, Exact,
            |x| keep(x, f64::abs, i64::wrapping_abs, id_b)),
        /// Square root.
        Sqrt => row("sqrt", "sqrt", &[], FLOAT, Propagates, Arith, Exact,
            |x| float(x, f64::sqrt)),
        /// `e^x`.
        Exp => row("exp", "exp", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::exp)),
        /// `2^x`.
        Exp2 => row("exp2", "exp2", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::exp2)),
        /// Natural logarithm.
        Ln => row("ln", "log", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::ln)),
        /// Base-2 logarithm.
        Log2 => row("log2", "log2", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::log2)),
        /// Base-10 logarithm.
        Log10 => row("log10", "log10", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::log10)),
        /// Sine.
        Sin => row("sin", "sin", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::sin)),
        /// Cosine.
        Cos => row("cos", "cos", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::cos)),
        /// Tangent.
        Tan => row("tan", "tan", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::tan)),
        /// Hyperbolic tangent.
        Tanh => row("tanh", "tanh", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::tanh)),
        /// Inverse sine.
        Asin => row("asin", "arcsin", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::asin)),
        /// Inverse cosine.
        Acos => row("acos", "arccos", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::acos)),
        /// Inverse tangent.
        Atan => row("atan", "arctan", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::atan)),
        /// Hyperbolic sine.
        Sinh => row("sinh", "sinh", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::sinh)),
        /// Hyperbolic cosine.
        Cosh => row("cosh", "cosh", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::cosh)),
        /// Round toward −∞ (integers unchanged).
        Floor => row("floor", "floor", &[], SAME, Propagates, Cheap, Exact,
            |x| keep(x, f64::floor, id_i, id_b)),
        /// Round toward +∞ (integers unchanged).
        Ceil => row("ceil", "ceil", &[], SAME, Propagates, Cheap, Exact,
            |x| keep(x, f64::ceil, id_i, id_b)),
        /// Round half to even, as `np.round` (integers unchanged).
        Round => row("round", "round", &["around"], ROUND, Propagates, Cheap, Exact,
            |x| keep(x, f64::round_ties_even, id_i, id_b)),
        /// Round toward zero (integers unchanged).
        Trunc => row("trunc", "trunc", &["fix"], SAME, Propagates, Cheap, Exact,
            |x| keep(x, f64::trunc, id_i, id_b)),
        /// −1, 0 or 1 (NaN for NaN; `Bool` unchanged, where NumPy raises).
        Sign => row("sign", "sign", &[], SAME, Propagates, Cheap, Exact,
            |x| keep(x, r::sign, i64::signum, id_b)),
        /// `1/x` (integer division for integers, as `np.reciprocal`).
        Recip => row("recip", "reciprocal", &[], BOOL_AS_I32, Propagates, Arith, Exact,
            r::reciprocal),
        /// `x*x`.
        Square => row("square", "square", &[], BOOL_AS_I32, Propagates, Cheap, Exact,
            |x| keep(x, |v| v * v, |v| v.wrapping_mul(v), id_b)),
        /// `1/(1+e^-x)` (SciPy's `expit`).
        Sigmoid => row("sigmoid", "expit", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, r::sigmoid)),
        /// `x != x`.
        IsNan => row("is_nan", "isnan", &[], PREDICATE, Decided, Cheap, Exact,
            |x| pred(x, f64::is_nan)),
        /// `|x| == inf`.
        IsInf => row("is_inf", "isinf", &[], PREDICATE, Decided, Cheap, Exact,
            |x| pred(x, f64::is_infinite)),
        /// Neither NaN nor infinite.
        IsFinite => row("is_finite", "isfinite", &[], PREDICATE, Decided, Cheap, Exact,
            |x| pred(x, f64::is_finite)),
        /// Truth value, negated.
        LogicalNot => row("logical_not", "logical_not", &[], LOGICAL, Decided, Cheap, Exact,
            |x| logical(x, |v| !v)),
        /// `ln(1 + x)`, accurate for small `x`.
        Log1p => row("log1p", "log1p", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::ln_1p)),
        /// `e^x - 1`, accurate for small `x`.
        Expm1 => row("expm1", "expm1", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::exp_m1)),
        /// Cube root (of negative numbers too).
        Cbrt => row("cbrt", "cbrt", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::cbrt)),
        /// Inverse hyperbolic sine.
        Asinh => row("asinh", "arcsinh", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::asinh)),
        /// Inverse hyperbolic cosine (NaN below 1).
        Acosh => row("acosh", "arccosh", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, r::acosh)),
        /// Inverse hyperbolic tangent (±inf at ±1, NaN beyond).
        Atanh => row("atanh", "arctanh", &[], FLOAT, Propagates, Transcendental, Ulp(2),
            |x| float(x, f64::atanh)),
        /// Degrees to radians (`x * (π/180)`, as NumPy computes it).
        Deg2rad => row("deg2rad", "deg2rad", &["radians"], FLOAT, Propagates, Cheap, Ulp(1),
            |x| float(x, r::deg2rad)),
        /// Radians to degrees (`x * (180/π)`).
        Rad2deg => row("rad2deg", "rad2deg", &["degrees"], FLOAT, Propagates, Cheap, Ulp(1),
            |x| float(x, r::rad2deg)),
        /// `|x|` as a float (`np.fabs`: integers become `F64`).
        Fabs => row("fabs", "fabs", &[], FLOAT, Propagates, Cheap, Exact,
            |x| float(x, f64::abs)),
        /// Round half to even as a float (`np.rint`: integers become `F64`).
        Rint => row("rint", "rint", &[], FLOAT, Propagates, Cheap, Exact,
            |x| float(x, f64::round_ties_even)),
        /// `+x`: a copy (rejected for `Bool`, as NumPy).
        Positive => row("positive", "positive", &[], NUMERIC, Propagates, Cheap, Exact,
            |x| keep(x, id_f, id_i, id_b)),
        /// Whether the sign bit is set (`-0.0` and `-nan` included).
        Signbit => row("signbit", "signbit", &[], FLOAT_PREDICATE, Decided, Cheap, Exact,
            |x| pred(x, f64::is_sign_negative)),
        /// The gap to the next float away from zero (`np.spacing`).
        Spacing => row("spacing", "spacing", &[], FLOAT, Propagates, Cheap, Exact,
            |x| float_exact(x, r::spacing_f32, r::spacing_f64)),
        /// `~x`: bitwise not for integers, logical not for `Bool`.
        BitwiseNot => row("bitwise_not", "invert", &["bitwise_invert"], BITWISE, NoFloats,
            Cheap, Exact, |x| keep(x, id_f, |v| !v, |v| !v)),
        /// The number of 1-bits in `|x|` (`I32`; NumPy: uint8).
        BitwiseCount => row("bitwise_count", "bitwise_count", &[], COUNT, NoFloats, Cheap,
            Exact, |x| Scalar::I32(r::bitwise_count(x.to_i64()) as i32)),
        /// Complex conjugate: the value itself for real dtypes (`Bool` in `I32`,
        /// where NumPy uses int8).
        Conj => row("conj", "conjugate", &[], BOOL_AS_I32, Propagates, Cheap, Exact,
            |x| keep(x, id_f, id_i, id_b)),
        /// `np.modf`'s fractional part (the sign of `x`; `±0` for ±inf).
        ModfFraction => row("modf_fraction", "modf_fraction", &[], FLOAT, Propagates, Cheap,
            Exact, |x| float(x, r::modf_fraction)),
        /// `np.frexp`'s mantissa (`0.5 <= |m| < 1`, or `x` for 0, inf, NaN).
        FrexpMantissa => row("frexp_mantissa", "frexp_mantissa", &[], FLOAT, Propagates,
            Cheap, Exact, |x| float_exact(x, |v| r::frexp_f32(v).0, |v| r::frexp_f64(v).0)),
        /// `np.frexp`'s exponent (`I32`; 0 for 0, inf and NaN).
        FrexpExponent => row("frexp_exponent", "frexp_exponent", &[], FLOAT_TO_I32, Decided,
            Cheap, Exact, |x| Scalar::I32(match x {
                Scalar::F32(v) => r::frexp_f32(v).1,
                other => r::frexp_f64(other.to_f64()).1,
            })),
    }
}
