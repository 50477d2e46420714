//! The binary rows of the op table: one line per op (see the module docs of
//! [`ops`](super) for what each column means and who reads it). Both
//! operands arrive broadcast and promoted to the compute dtype.

use super::reference::{self as r, compare, float2, float2_exact, keep2, keep2_exact, logical2};
use super::row::Accuracy::{Exact, Ulp};
use super::row::Cost::{Arith, Cheap, Heavy};
use super::row::NanRule::{Decided, Ignored, NoFloats, Propagates};
use super::row::{op_table, row, BinaryRow};
use super::rule::{
    Out, Take, BITWISE, BOOL_AS_I32, F64_ONLY, FLOAT, INTEGER, LOGICAL, NUMERIC, PREDICATE, SAME,
    SHIFT, TRUE_DIV,
};
use std::cmp::Ordering;

op_table! {
    /// Elementwise ops of two operands (after broadcasting and promotion).
    ///
    /// ```
    /// use tandem_core::ops::BinaryOp;
    /// assert_eq!(BinaryOp::Div.numpy_name(), "true_divide");
    /// assert_eq!(BinaryOp::from_name("bitwise_left_shift"), Some(BinaryOp::LeftShift));
    /// ```
    BinaryOp: BinaryRow {
        /// `a + b` (for `Bool`: logical or, as NumPy).
        Add => row("add", "add", &[], SAME, Propagates, Cheap, Exact,
            |x, y| keep2(x, y, |a, b| a + b, i64::wrapping_add, |a, b| a | b)),
        /// `a - b` (rejected for `Bool`, as NumPy).
        Sub => row("sub", "subtract", &[], NUMERIC, Propagates, Cheap, Exact,
            |x, y| keep2(x, y, |a, b| a - b, i64::wrapping_sub, |a, b| a ^ b)),
        /// `a * b` (for `Bool`: logical and).
        Mul => row("mul", "multiply", &[], SAME, Propagates, Cheap, Exact,
            |x, y| keep2(x, y, |a, b| a * b, i64::wrapping_mul, |a, b| a & b)),
        /// True division: integers divide as `F64`.
        Div => row("div", "true_divide", &["divide"], TRUE_DIV, Propagates, Arith, Exact,
            |x, y| float2(x, y, |a, b| a / b)),
        /// Remainder with the sign of the divisor (Python's `%`); `x % 0 == 0` for integers.
        Rem => row("rem", "remainder", &["mod"], BOOL_AS_I32, Propagates, Arith, Exact,
            |x, y| keep2_exact(x, y, |a, b| r::divmod_f32(a, b).1, |a, b| r::divmod_f64(a, b).1,
                r::int_rem, |a, _| a)),
        /// Floor division (Python's `//`); `x // 0 == 0` for integers.
        FloorDiv => row("floor_div", "floor_divide", &[], BOOL_AS_I32, Propagates, Arith,
            Exact, |x, y| keep2_exact(x, y, |a, b| r::divmod_f32(a, b).0,
                |a, b| r::divmod_f64(a, b).0, r::int_floor_div, |a, _| a)),
        /// `a ** b`.
        Pow => row("pow", "power", &[], BOOL_AS_I32, Propagates, Heavy, Ulp(2),
            |x, y| keep2(x, y, f64::powf, r::int_pow, |a, b| a | !b)),
        /// Larger of the two, NaN-propagating.
        Maximum => row("maximum", "maximum", &[], SAME, Propagates, Cheap, Exact,
            |x, y| keep2(x, y, r::maximum, i64::max, |a, b| a | b)),
        /// Smaller of the two, NaN-propagating.
        Minimum => row("minimum", "minimum", &[], SAME, Propagates, Cheap, Exact,
            |x, y| keep2(x, y, r::minimum, i64::min, |a, b| a & b)),
        /// `atan(a/b)` in the right quadrant.
        Atan2 => row("atan2", "arctan2", &[], FLOAT, Propagates, Heavy, Ulp(2),
            |x, y| float2(x, y, f64::atan2)),
        /// `a == b`.
        Eq => row("eq", "equal", &[], PREDICATE, Decided, Cheap, Exact,
            |x, y| compare(x, y, Ordering::is_eq, false)),
        /// `a != b`.
        Ne => row("ne", "not_equal", &[], PREDICATE, Decided, Cheap, Exact,
            |x, y| compare(x, y, Ordering::is_ne, true)),
        /// `a < b`.
        Lt => row("lt", "less", &[], PREDICATE, Decided, Cheap, Exact,
            |x, y| compare(x, y, Ordering::is_lt, false)),
        /// `a <= b`.
        Le => row("le", "less_equal", &[], PREDICATE, Decided, Cheap, Exact,
            |x, y| compare(x, y, Ordering::is_le, false)),
        /// `a > b`.
        Gt => row("gt", "greater", &[], PREDICATE, Decided, Cheap, Exact,
            |x, y| compare(x, y, Ordering::is_gt, false)),
        /// `a >= b`.
        Ge => row("ge", "greater_equal", &[], PREDICATE, Decided, Cheap, Exact,
            |x, y| compare(x, y, Ordering::is_ge, false)),
        /// Both truthy.
        LogicalAnd => row("logical_and", "logical_and", &[], LOGICAL, Decided, Cheap, Exact,
            |x, y| logical2(x, y, |a, b| a & b)),
        /// Either truthy.
        LogicalOr => row("logical_or", "logical_or", &[], LOGICAL, Decided, Cheap, Exact,
            |x, y| logical2(x, y, |a, b| a | b)),
        /// Exactly one truthy.
        LogicalXor => row("logical_xor", "logical_xor", &[], LOGICAL, Decided, Cheap, Exact,
            |x, y| logical2(x, y, |a, b| a ^ b)),
        /// `sqrt(a² + b²)` without overflow or underflow in the squares.
        Hypot => row("hypot", "hypot", &[], FLOAT, Propagates, Arith, Ulp(2),
            |x, y| float2(x, y, f64::hypot)),
        /// `|a|` with the sign of `b`.
        Copysign => row("copysign", "copysign", &[], FLOAT, Propagates, Cheap, Exact,
            |x, y| float2(x, y, f64::copysign)),
        /// The next float after `a` toward `b`.
        Nextafter => row("nextafter", "nextafter", &[], FLOAT, Propagates, Cheap, Exact,
            |x, y| float2_exact(x, y, r::next_after_f32, r::next_after_f64)),
        /// C's remainder: the sign of the dividend (`np.fmod`); `x fmod 0 == 0` for integers.
        Fmod => row("fmod", "fmod", &[], BOOL_AS_I32, Propagates, Arith, Exact,
            |x, y| keep2(x, y, |a, b| a % b, r::int_fmod, |a, _| a)),
        /// `log(e^a + e^b)`, without overflow.
        Logaddexp => row("logaddexp", "logaddexp", &[], FLOAT, Ignored, Heavy, Ulp(2),
            |x, y| float2(x, y, r::logaddexp)),
        /// `log2(2^a + 2^b)`, without overflow.
        Logaddexp2 => row("logaddexp2", "logaddexp2", &[], FLOAT, Ignored, Heavy, Ulp(2),
            |x, y| float2(x, y, r::logaddexp2)),
        /// Step function: 0 below zero, `b` at zero, 1 above.
        Heaviside => row("heaviside", "heaviside", &[], FLOAT, Propagates, Cheap, Exact,
            |x, y| float2(x, y, r::heaviside)),
        /// `a ** b` in `F64` whatever the inputs (`np.float_power`).
        FloatPower => row("float_power", "float_power", &[], F64_ONLY, Propagates, Heavy,
            Ulp(2), |x, y| float2(x, y, f64::powf)),
        /// Larger of the two; NaN loses to a number (`np.fmax`).
        Fmax => row("fmax", "fmax", &[], SAME, Ignored, Cheap, Exact,
            |x, y| keep2(x, y, r::fmax, i64::max, |a, b| a | b)),
        /// Smaller of the two; NaN loses to a number (`np.fmin`).
        Fmin => row("fmin", "fmin", &[], SAME, Ignored, Cheap, Exact,
            |x, y| keep2(x, y, r::fmin, i64::min, |a, b| a & b)),
        /// `a * 2^b` with `b` an integer-valued exponent (`np.ldexp`); the
        /// core casts the exponent to the float dtype of `a`.
        Ldexp => row("ldexp", "ldexp", &[], FLOAT, Propagates, Cheap, Exact,
            |x, y| float2_exact(x, y, r::ldexp_f32, r::ldexp_f64)),
        /// Greatest common divisor (non-negative).
        Gcd => row("gcd", "gcd", &[], INTEGER, NoFloats, Arith, Exact,
            |x, y| keep2(x, y, |a, _| a, r::gcd, |a, _| a)),
        /// Least common multiple (non-negative).
        Lcm => row("lcm", "lcm", &[], INTEGER, NoFloats, Arith, Exact,
            |x, y| keep2(x, y, |a, _| a, r::lcm, |a, _| a)),
        /// Bitwise and (logical for `Bool`).
        BitwiseAnd => row("bitwise_and", "bitwise_and", &[], BITWISE, NoFloats, Cheap, Exact,
            |x, y| keep2(x, y, |a, _| a, |a, b| a & b, |a, b| a & b)),
        /// Bitwise or (logical for `Bool`).
        BitwiseOr => row("bitwise_or", "bitwise_or", &[], BITWISE, NoFloats, Cheap, Exact,
            |x, y| keep2(x, y, |a, _| a, |a, b| a | b, |a, b| a | b)),
        /// Bitwise exclusive or (logical for `Bool`).
        BitwiseXor => row("bitwise_xor", "bitwise_xor", &[], BITWISE, NoFloats, Cheap, Exact,
            |x, y| keep2(x, y, |a, _| a, |a, b| a ^ b, |a, b| a ^ b)),
        /// `a << b`; 0 once `b` reaches the width or is negative.
        LeftShift => row("left_shift", "left_shift", &["bitwise_left_shift"], SHIFT, NoFloats,
            Cheap, Exact, |x, y| keep2(x, y, |a, _| a, r::left_shift, |a, _| a)),
        /// `a >> b` (arithmetic for signed dtypes); past the width, 0 or -1.
        RightShift => row("right_shift", "right_shift", &["bitwise_right_shift"], SHIFT,
            NoFloats, Cheap, Exact, |x, y| keep2(x, y, |a, _| a, r::right_shift, |a, _| a)),
    }
}

impl BinaryOp {
    /// `true` for the comparisons, read from the row's dtype rule: they give
    /// `Bool` from operands of the dtype they keep (the logical ops, which
    /// also give `Bool`, turn their operands into `Bool` first). Their
    /// weak-integer operands may lie outside the array's range: NEP 50
    /// defines the result instead of raising.
    ///
    /// ```
    /// use tandem_core::ops::BinaryOp;
    /// assert!(BinaryOp::Lt.is_comparison());
    /// assert!(!BinaryOp::LogicalAnd.is_comparison());
    /// ```
    pub const fn is_comparison(self) -> bool {
        let rule = self.row().rule;
        matches!(rule.out, Out::Bool) && matches!(rule.on_float, Take::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::BinaryOp;

    #[test]
    fn the_comparisons_are_the_six() {
        let found: Vec<BinaryOp> = BinaryOp::ALL
            .iter()
            .copied()
            .filter(|op| op.is_comparison())
            .collect();
        use BinaryOp::*;
        assert_eq!(found, [Eq, Ne, Lt, Le, Gt, Ge]);
    }
}
