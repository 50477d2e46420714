//! The op table: every elementwise operation is one row saying its name,
//! NumPy's name, and its dtype rule. Promotion, the fixture tests and the
//! docs read this table; backends implement each op once per dtype.

use crate::dtype::DType;
use crate::error::{Error, Result};

/// What an op does with one category of input dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// Compute in the input dtype.
    Keep,
    /// NumPy raises `TypeError`: tandem returns [`Error::DTypeMismatch`].
    Reject,
    /// Cast the input to this dtype first.
    To(DType),
}

/// How an op chooses the dtype it computes in and the dtype it returns, from
/// its (promoted) input dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// For `Bool` inputs.
    pub on_bool: Take,
    /// For integer inputs.
    pub on_int: Take,
    /// For float inputs.
    pub on_float: Take,
    /// `true` when the result is `Bool` whatever the compute dtype (predicates, comparisons).
    pub bool_result: bool,
}

const fn rule(on_bool: Take, on_int: Take, on_float: Take, bool_result: bool) -> Rule {
    Rule {
        on_bool,
        on_int,
        on_float,
        bool_result,
    }
}

/// Keeps every dtype (`abs`, `add`, `maximum`, `floor` …).
pub const SAME: Rule = rule(Take::Keep, Take::Keep, Take::Keep, false);
/// Keeps numeric dtypes, rejects `Bool` (`neg`, `sub`).
pub const NUMERIC: Rule = rule(Take::Reject, Take::Keep, Take::Keep, false);
/// Integer-valued for integers; `Bool` computes in `I32` where NumPy uses int8.
pub const BOOL_AS_I32: Rule = rule(Take::To(DType::I32), Take::Keep, Take::Keep, false);
/// `round`: keeps integers; `Bool` goes to `F32` where NumPy uses float16.
pub const ROUND: Rule = rule(Take::To(DType::F32), Take::Keep, Take::Keep, false);
/// Float-valued functions: integers to `F64`, `Bool` to `F32` (NumPy: float16).
pub const FLOAT: Rule = rule(
    Take::To(DType::F32),
    Take::To(DType::F64),
    Take::Keep,
    false,
);
/// True division: `Bool` and integers to `F64`.
pub const TRUE_DIV: Rule = rule(
    Take::To(DType::F64),
    Take::To(DType::F64),
    Take::Keep,
    false,
);
/// Predicates and comparisons: compute in the input dtype, return `Bool`.
pub const PREDICATE: Rule = rule(Take::Keep, Take::Keep, Take::Keep, true);
/// Logical ops: inputs are truth values.
pub const LOGICAL: Rule = rule(
    Take::Keep,
    Take::To(DType::Bool),
    Take::To(DType::Bool),
    true,
);

impl Rule {
    /// `(compute dtype, result dtype)` for an input of `dtype`, or the error
    /// NumPy's `TypeError` becomes.
    ///
    /// ```
    /// use tandem_core::{ops, DType};
    /// assert_eq!(ops::FLOAT.resolve("sqrt", DType::I32).unwrap(), (DType::F64, DType::F64));
    /// assert!(ops::NUMERIC.resolve("neg", DType::Bool).is_err());
    /// ```
    pub fn resolve(&self, op: &'static str, dtype: DType) -> Result<(DType, DType)> {
        let how = match dtype {
            DType::Bool => self.on_bool,
            DType::F32 | DType::F64 => self.on_float,
            _ => self.on_int,
        };
        let compute = match how {
            Take::Keep => dtype,
            Take::To(d) => d,
            Take::Reject => {
                return Err(Error::DTypeMismatch {
                    op,
                    expected: "a numeric (non-bool) dtype".into(),
                    got: dtype,
                    hint: "NumPy rejects this for booleans too; use logical_not/logical_xor, or astype(DType::I32) first".into(),
                })
            }
        };
        let result = if self.bool_result {
            DType::Bool
        } else {
            compute
        };
        Ok((compute, result))
    }
}

macro_rules! op_table {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => ($s:literal, $np:literal, $rule:expr)),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            /// Every op of this family, in table order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// tandem's name (the method name).
            pub const fn name(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }

            /// NumPy's ufunc name.
            pub const fn numpy_name(self) -> &'static str {
                match self { $($name::$v => $np),* }
            }

            /// The dtype rule.
            pub const fn rule(self) -> Rule {
                match self { $($name::$v => $rule),* }
            }
        }
    };
}

op_table! {
    /// Elementwise ops of one operand.
    ///
    /// ```
    /// use tandem_core::ops::UnaryOp;
    /// assert_eq!(UnaryOp::Ln.numpy_name(), "log");
    /// ```
    UnaryOp {
        /// `-x` (wrapping for integers).
        Neg => ("neg", "negative", NUMERIC),
        /// `|x|` (`abs(i32::MIN)` wraps to itself, as in NumPy).
        Abs => ("abs", "absolute", SAME),
        /// Square root.
        Sqrt => ("sqrt", "sqrt", FLOAT),
        /// `e^x`.
        Exp => ("exp", "exp", FLOAT),
        /// `2^x`.
        Exp2 => ("exp2", "exp2", FLOAT),
        /// Natural logarithm.
        Ln => ("ln", "log", FLOAT),
        /// Base-2 logarithm.
        Log2 => ("log2", "log2", FLOAT),
        /// Base-10 logarithm.
        Log10 => ("log10", "log10", FLOAT),
        /// Sine.
        Sin => ("sin", "sin", FLOAT),
        /// Cosine.
        Cos => ("cos", "cos", FLOAT),
        /// Tangent.
        Tan => ("tan", "tan", FLOAT),
        /// Hyperbolic tangent.
        Tanh => ("tanh", "tanh", FLOAT),
        /// Inverse sine.
        Asin => ("asin", "arcsin", FLOAT),
        /// Inverse cosine.
        Acos => ("acos", "arccos", FLOAT),
        /// Inverse tangent.
        Atan => ("atan", "arctan", FLOAT),
        /// Hyperbolic sine.
        Sinh => ("sinh", "sinh", FLOAT),
        /// Hyperbolic cosine.
        Cosh => ("cosh", "cosh", FLOAT),
        /// Round toward −∞ (integers unchanged).
        Floor => ("floor", "floor", SAME),
        /// Round toward +∞ (integers unchanged).
        Ceil => ("ceil", "ceil", SAME),
        /// Round half to even, as `np.round` (integers unchanged).
        Round => ("round", "round", ROUND),
        /// Round toward zero (integers unchanged).
        Trunc => ("trunc", "trunc", SAME),
        /// −1, 0 or 1 (NaN for NaN; `Bool` unchanged, where NumPy raises).
        Sign => ("sign", "sign", SAME),
        /// `1/x` (integer division for integers, as `np.reciprocal`).
        Recip => ("recip", "reciprocal", BOOL_AS_I32),
        /// `x*x`.
        Square => ("square", "square", BOOL_AS_I32),
        /// `1/(1+e^-x)` (SciPy's `expit`).
        Sigmoid => ("sigmoid", "expit", FLOAT),
        /// `x != x`.
        IsNan => ("is_nan", "isnan", PREDICATE),
        /// `|x| == inf`.
        IsInf => ("is_inf", "isinf", PREDICATE),
        /// Neither NaN nor infinite.
        IsFinite => ("is_finite", "isfinite", PREDICATE),
        /// Truth value, negated.
        LogicalNot => ("logical_not", "logical_not", LOGICAL),
    }
}

op_table! {
    /// Elementwise ops of two operands (after broadcasting and promotion).
    ///
    /// ```
    /// use tandem_core::ops::BinaryOp;
    /// assert_eq!(BinaryOp::Div.numpy_name(), "true_divide");
    /// ```
    BinaryOp {
        /// `a + b` (for `Bool`: logical or, as NumPy).
        Add => ("add", "add", SAME),
        /// `a - b` (rejected for `Bool`, as NumPy).
        Sub => ("sub", "subtract", NUMERIC),
        /// `a * b` (for `Bool`: logical and).
        Mul => ("mul", "multiply", SAME),
        /// True division: integers divide as `F64`.
        Div => ("div", "true_divide", TRUE_DIV),
        /// Remainder with the sign of the divisor (Python's `%`); `x % 0 == 0` for integers.
        Rem => ("rem", "remainder", BOOL_AS_I32),
        /// Floor division (Python's `//`); `x // 0 == 0` for integers.
        FloorDiv => ("floor_div", "floor_divide", BOOL_AS_I32),
        /// `a ** b`.
        Pow => ("pow", "power", BOOL_AS_I32),
        /// Larger of the two, NaN-propagating.
        Maximum => ("maximum", "maximum", SAME),
        /// Smaller of the two, NaN-propagating.
        Minimum => ("minimum", "minimum", SAME),
        /// `atan(a/b)` in the right quadrant.
        Atan2 => ("atan2", "arctan2", FLOAT),
        /// `a == b`.
        Eq => ("eq", "equal", PREDICATE),
        /// `a != b`.
        Ne => ("ne", "not_equal", PREDICATE),
        /// `a < b`.
        Lt => ("lt", "less", PREDICATE),
        /// `a <= b`.
        Le => ("le", "less_equal", PREDICATE),
        /// `a > b`.
        Gt => ("gt", "greater", PREDICATE),
        /// `a >= b`.
        Ge => ("ge", "greater_equal", PREDICATE),
        /// Both truthy.
        LogicalAnd => ("logical_and", "logical_and", LOGICAL),
        /// Either truthy.
        LogicalOr => ("logical_or", "logical_or", LOGICAL),
        /// Exactly one truthy.
        LogicalXor => ("logical_xor", "logical_xor", LOGICAL),
    }
}

impl BinaryOp {
    /// `true` for the six comparisons (their weak-integer operands may lie
    /// outside the array's range: NEP 50 defines the result instead of raising).
    ///
    /// ```
    /// assert!(tandem_core::ops::BinaryOp::Lt.is_comparison());
    /// ```
    pub const fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = UnaryOp::ALL.iter().map(|o| o.name()).collect();
        names.extend(BinaryOp::ALL.iter().map(|o| o.name()));
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(n, names.len());
    }

    #[test]
    fn rules_match_numpy_for_bool() {
        assert_eq!(
            BinaryOp::Add.rule().resolve("add", DType::Bool).unwrap(),
            (DType::Bool, DType::Bool)
        );
        assert!(BinaryOp::Sub.rule().resolve("sub", DType::Bool).is_err());
        assert_eq!(
            BinaryOp::Div.rule().resolve("div", DType::I32).unwrap(),
            (DType::F64, DType::F64)
        );
        assert_eq!(
            BinaryOp::Lt.rule().resolve("lt", DType::F32).unwrap(),
            (DType::F32, DType::Bool)
        );
        assert_eq!(
            BinaryOp::LogicalAnd
                .rule()
                .resolve("logical_and", DType::F64)
                .unwrap(),
            (DType::Bool, DType::Bool)
        );
    }
}

/// Reductions a kernel can end in. `Sum`/`Prod` accumulate in the kernel
/// value's dtype (the core casts integers up first, as NumPy widens them);
/// the arg-reductions return `I64` indices into the reduced axes (flattened
/// in C order when several), first occurrence on ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReduceOp {
    /// Σ (floats pairwise, for NumPy's accuracy or better).
    Sum,
    /// Π.
    Prod,
    /// Smallest value; NaN if any is NaN.
    Min,
    /// Largest value; NaN if any is NaN.
    Max,
    /// Σ skipping NaN.
    NanSum,
    /// Smallest non-NaN value; NaN if all are NaN.
    NanMin,
    /// Largest non-NaN value; NaN if all are NaN.
    NanMax,
    /// Any non-zero (the value is `Bool`).
    Any,
    /// All non-zero (the value is `Bool`).
    All,
    /// Index of the smallest value; the first NaN if there is one.
    ArgMin,
    /// Index of the largest value; the first NaN if there is one.
    ArgMax,
    /// Index of the smallest non-NaN value; -1 for an all-NaN slice (the
    /// core turns that into an error, as NumPy raises).
    NanArgMin,
    /// Index of the largest non-NaN value; -1 for an all-NaN slice.
    NanArgMax,
}

impl ReduceOp {
    /// `true` for the four arg-reductions (their result is `I64`).
    ///
    /// ```
    /// assert!(tandem_core::ops::ReduceOp::ArgMax.is_arg());
    /// ```
    pub const fn is_arg(self) -> bool {
        matches!(
            self,
            ReduceOp::ArgMin | ReduceOp::ArgMax | ReduceOp::NanArgMin | ReduceOp::NanArgMax
        )
    }

    /// The op's name (`"sum"`, `"nanargmax"` …).
    ///
    /// ```
    /// assert_eq!(tandem_core::ops::ReduceOp::NanMax.name(), "nanmax");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Min => "min",
            ReduceOp::Max => "max",
            ReduceOp::NanSum => "nansum",
            ReduceOp::NanMin => "nanmin",
            ReduceOp::NanMax => "nanmax",
            ReduceOp::Any => "any",
            ReduceOp::All => "all",
            ReduceOp::ArgMin => "argmin",
            ReduceOp::ArgMax => "argmax",
            ReduceOp::NanArgMin => "nanargmin",
            ReduceOp::NanArgMax => "nanargmax",
        }
    }
}

impl UnaryOp {
    /// Whether the op costs about as much as loading a value (no
    /// transcendental, no division): fusion recomputes such a value where it
    /// is read rather than storing it.
    ///
    /// ```
    /// use tandem_core::ops::UnaryOp;
    /// assert!(UnaryOp::Neg.is_cheap());
    /// assert!(!UnaryOp::Exp.is_cheap());
    /// ```
    pub const fn is_cheap(self) -> bool {
        use UnaryOp::*;
        matches!(
            self,
            Neg | Abs
                | Floor
                | Ceil
                | Round
                | Trunc
                | Sign
                | Square
                | IsNan
                | IsInf
                | IsFinite
                | LogicalNot
        )
    }
}

impl BinaryOp {
    /// Whether the op costs about as much as loading a value (see
    /// [`UnaryOp::is_cheap`]).
    ///
    /// ```
    /// use tandem_core::ops::BinaryOp;
    /// assert!(BinaryOp::Add.is_cheap());
    /// assert!(!BinaryOp::Pow.is_cheap());
    /// ```
    pub const fn is_cheap(self) -> bool {
        use BinaryOp::*;
        matches!(
            self,
            Add | Sub
                | Mul
                | Maximum
                | Minimum
                | Eq
                | Ne
                | Lt
                | Le
                | Gt
                | Ge
                | LogicalAnd
                | LogicalOr
                | LogicalXor
        )
    }
}
