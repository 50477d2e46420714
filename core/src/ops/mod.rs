//! The op table: every elementwise operation is one row, and every layer
//! reads that row instead of keeping its own list.
//!
//! A row ([`Row`]) says an op's name (the `Array` method), NumPy's name and
//! the other spellings the expression language accepts, its dtype rule
//! ([`Rule`]), what it does with NaN ([`NanRule`]), what it costs
//! ([`Cost`]), how close to the correctly rounded result a backend must be
//! ([`Accuracy`]), and a scalar reference implementation with NumPy's
//! semantics ([`reference`]). The readers:
//!
//! | layer | reads |
//! | --- | --- |
//! | `Array` methods (`array/elementwise.rs`) | the rule (promotion, result dtype) |
//! | fusion (`fuse.rs`) | the cost: cheap values are recomputed where read |
//! | placement (each backend's `estimate_seconds`) | the cost |
//! | CPU backend | dispatch keyed by the op; a test walks every row × dtype |
//! | GPU code generator | transcendental rows call the WGSL helper named after the row |
//! | expression language | names and aliases (its function table), the reference (constant folding) |
//! | tests | the accuracy class (exact or within *n* ULP) |
//!
//! What a backend must supply per op (a SIMD loop, a WGSL function) stays in
//! that backend, keyed by the op; `tests/op_table.rs` runs every row on
//! every dtype its rule accepts on every backend, so a missing kernel is a
//! test failure, not a run-time `Unsupported` for a user to find.

mod binary;
mod reduce;
pub mod reference;
mod unary;

pub use binary::BinaryOp;
pub use reduce::{Accumulate, Identity, ReduceOp, ReduceRow};
pub use unary::UnaryOp;

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::scalar::Scalar;

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

/// The dtype of an op's result, given the dtype it computes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Out {
    /// The compute dtype (arithmetic, math functions).
    Compute,
    /// `Bool` (predicates, comparisons, logical ops).
    Bool,
    /// Always this dtype (`frexp`'s exponent is `I32`, as NumPy's).
    Fixed(DType),
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
    /// The result dtype.
    pub out: Out,
}

const fn rule(on_bool: Take, on_int: Take, on_float: Take, out: Out) -> Rule {
    Rule {
        on_bool,
        on_int,
        on_float,
        out,
    }
}

/// Keeps every dtype (`abs`, `add`, `maximum`, `floor` …).
pub const SAME: Rule = rule(Take::Keep, Take::Keep, Take::Keep, Out::Compute);
/// Keeps numeric dtypes, rejects `Bool` (`neg`, `sub`, `positive`).
pub const NUMERIC: Rule = rule(Take::Reject, Take::Keep, Take::Keep, Out::Compute);
/// Integer-valued for integers; `Bool` computes in `I32` where NumPy uses int8.
pub const BOOL_AS_I32: Rule = rule(Take::To(DType::I32), Take::Keep, Take::Keep, Out::Compute);
/// `round`: keeps integers; `Bool` goes to `F32` where NumPy uses float16.
pub const ROUND: Rule = rule(Take::To(DType::F32), Take::Keep, Take::Keep, Out::Compute);
/// Float-valued functions: integers to `F64`, `Bool` to `F32` (NumPy: float16).
pub const FLOAT: Rule = rule(
    Take::To(DType::F32),
    Take::To(DType::F64),
    Take::Keep,
    Out::Compute,
);
/// Float predicates (`signbit`): computed as [`FLOAT`], the result is `Bool`.
pub const FLOAT_PREDICATE: Rule = rule(
    Take::To(DType::F32),
    Take::To(DType::F64),
    Take::Keep,
    Out::Bool,
);
/// True division: `Bool` and integers to `F64`.
pub const TRUE_DIV: Rule = rule(
    Take::To(DType::F64),
    Take::To(DType::F64),
    Take::Keep,
    Out::Compute,
);
/// Everything in `F64` (`float_power`).
pub const F64_ONLY: Rule = rule(
    Take::To(DType::F64),
    Take::To(DType::F64),
    Take::To(DType::F64),
    Out::Compute,
);
/// Predicates and comparisons: compute in the input dtype, return `Bool`.
pub const PREDICATE: Rule = rule(Take::Keep, Take::Keep, Take::Keep, Out::Bool);
/// Logical ops: inputs are truth values.
pub const LOGICAL: Rule = rule(
    Take::Keep,
    Take::To(DType::Bool),
    Take::To(DType::Bool),
    Out::Bool,
);
/// Bitwise ops (`&`, `|`, `^`, `invert`): integers and `Bool`; floats rejected.
pub const BITWISE: Rule = rule(Take::Keep, Take::Keep, Take::Reject, Out::Compute);
/// Shifts: integers; `Bool` computes in `I32` (NumPy: int8); floats rejected.
pub const SHIFT: Rule = rule(Take::To(DType::I32), Take::Keep, Take::Reject, Out::Compute);
/// Integer-only (`gcd`, `lcm`): `Bool` and floats rejected, as NumPy.
pub const INTEGER: Rule = rule(Take::Reject, Take::Keep, Take::Reject, Out::Compute);
/// `bitwise_count`: integers and `Bool` (as `I32`); the count is `I32`
/// (NumPy: uint8, which tandem does not have yet).
pub const COUNT: Rule = rule(
    Take::To(DType::I32),
    Take::Keep,
    Take::Reject,
    Out::Fixed(DType::I32),
);
/// `frexp`'s exponent: computed as [`FLOAT`], returned as `I32`.
pub const FLOAT_TO_I32: Rule = rule(
    Take::To(DType::F32),
    Take::To(DType::F64),
    Take::Keep,
    Out::Fixed(DType::I32),
);

impl Rule {
    /// `(compute dtype, result dtype)` for an input of `dtype`, or the error
    /// NumPy's `TypeError` becomes.
    ///
    /// # Errors
    ///
    /// [`Error::DTypeMismatch`] for a dtype category the op rejects.
    ///
    /// ```
    /// use tandem_core::{ops, DType};
    /// assert_eq!(ops::FLOAT.resolve("sqrt", DType::I32).unwrap(), (DType::F64, DType::F64));
    /// assert!(ops::NUMERIC.resolve("neg", DType::Bool).is_err());
    /// assert!(ops::BITWISE.resolve("bitwise_and", DType::F32).is_err());
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
                    expected: self.accepted().into(),
                    got: dtype,
                    hint: self.hint().into(),
                })
            }
        };
        Ok((compute, self.result(compute)))
    }

    /// The result dtype when the op computes in `compute`.
    ///
    /// ```
    /// use tandem_core::{ops, DType};
    /// assert_eq!(ops::PREDICATE.result(DType::F32), DType::Bool);
    /// assert_eq!(ops::FLOAT.result(DType::F32), DType::F32);
    /// ```
    pub const fn result(&self, compute: DType) -> DType {
        match self.out {
            Out::Compute => compute,
            Out::Bool => DType::Bool,
            Out::Fixed(d) => d,
        }
    }

    /// Whether an input of `dtype` is accepted.
    ///
    /// ```
    /// use tandem_core::{ops, DType};
    /// assert!(ops::INTEGER.accepts(DType::U32));
    /// assert!(!ops::INTEGER.accepts(DType::F64));
    /// ```
    pub fn accepts(&self, dtype: DType) -> bool {
        self.resolve("", dtype).is_ok()
    }

    fn accepted(&self) -> &'static str {
        match (self.on_bool, self.on_int, self.on_float) {
            (Take::Reject, _, Take::Reject) => "an integer dtype",
            (_, _, Take::Reject) => "an integer or bool dtype",
            _ => "a numeric (non-bool) dtype",
        }
    }

    fn hint(&self) -> &'static str {
        match (self.on_bool, self.on_float) {
            (_, Take::Reject) => {
                "NumPy rejects floats here too; astype(DType::I64) first if truncation is meant"
            }
            _ => "NumPy rejects this for booleans too; use logical_not/logical_xor, or astype(DType::I32) first",
        }
    }
}

/// What an op does with NaN inputs (floats only; integers have none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NanRule {
    /// A NaN input gives NaN (almost every float function; IEEE 754's rule).
    Propagates,
    /// NaN loses to a number (`fmax`, `fmin`, `logaddexp` of `-inf` …): the
    /// result is NaN only when every input is.
    Ignored,
    /// The result is not a float; NaN maps to a defined `Bool` or integer
    /// (`isnan`, comparisons, `frexp`'s exponent).
    Decided,
    /// The op takes no floats (bitwise ops, `gcd`).
    NoFloats,
}

/// What an op costs per element, as placement and fusion see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cost {
    /// About a load: add, compare, select, bit operations. Fusion recomputes
    /// such a value wherever it is read rather than storing it.
    Cheap,
    /// A few cycles: division, square root, integer `pow`, `gcd`.
    Arith,
    /// A polynomial approximation: `exp`, `sin`, `log1p` …
    Transcendental,
    /// Several transcendental steps: `pow`, `atan2`, `logaddexp`.
    Heavy,
}

impl Cost {
    /// The single-thread arithmetic time per element, in seconds, that
    /// backends' placement estimates start from (SIMD loops on one core).
    ///
    /// ```
    /// use tandem_core::ops::Cost;
    /// assert!(Cost::Heavy.seconds_per_element() > Cost::Cheap.seconds_per_element());
    /// ```
    pub const fn seconds_per_element(self) -> f64 {
        match self {
            Cost::Cheap | Cost::Arith => 1e-10,
            Cost::Transcendental => 1e-9,
            Cost::Heavy => 2e-9,
        }
    }
}

/// How close to the correctly rounded result every backend must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accuracy {
    /// Bit-exact: the result NumPy gives, signed zeros and all.
    Exact,
    /// Within this many units in the last place of the correctly rounded
    /// result (NumPy's own transcendental loops are within 1–4); special
    /// values (NaN, ±inf, ±0, exact cases) are exact.
    Ulp(u8),
}

/// One op's row: everything every layer needs to know about it.
/// `F` is the reference implementation's type (`fn(Scalar) -> Scalar` for
/// unary ops, `fn(Scalar, Scalar) -> Scalar` for binary ones).
#[derive(Clone, Copy, Debug)]
pub struct Row<F> {
    /// tandem's name (the `Array` method).
    pub name: &'static str,
    /// NumPy's ufunc name.
    pub numpy: &'static str,
    /// Other spellings the expression language accepts (`asin` for `arcsin`).
    pub aliases: &'static [&'static str],
    /// The dtype rule.
    pub rule: Rule,
    /// What NaN inputs do.
    pub nan: NanRule,
    /// Per-element cost class.
    pub cost: Cost,
    /// Required accuracy on every backend.
    pub accuracy: Accuracy,
    /// The scalar reference: takes values of the compute dtype, returns a
    /// value of the result dtype, with NumPy's semantics (see [`reference`]).
    pub reference: F,
}

/// A unary op's row.
pub type UnaryRow = Row<fn(Scalar) -> Scalar>;
/// A binary op's row.
pub type BinaryRow = Row<fn(Scalar, Scalar) -> Scalar>;

impl<F> Row<F> {
    /// Whether `name` is this op's name, NumPy's name or an alias.
    ///
    /// ```
    /// use tandem_core::ops::UnaryOp;
    /// assert!(UnaryOp::Asin.row().is_called("arcsin"));
    /// assert!(UnaryOp::Asin.row().is_called("asin"));
    /// ```
    pub fn is_called(&self, name: &str) -> bool {
        self.name == name || self.numpy == name || self.aliases.contains(&name)
    }
}

/// Declares an op enum and its table of rows, one row per variant, in order.
macro_rules! op_table {
    ($(#[$m:meta])* $name:ident: $row:ty {
        $($(#[$vm:meta])* $v:ident => $spec:expr),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            /// Every op of this family, in table order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            const ROWS: &'static [$row] = &[$($spec),*];

            /// The op's row of the table.
            pub const fn row(self) -> &'static $row {
                &Self::ROWS[self as usize]
            }

            /// tandem's name (the method name).
            pub const fn name(self) -> &'static str {
                self.row().name
            }

            /// NumPy's ufunc name.
            pub const fn numpy_name(self) -> &'static str {
                self.row().numpy
            }

            /// The dtype rule.
            pub const fn rule(self) -> $crate::ops::Rule {
                self.row().rule
            }

            /// The per-element cost class.
            pub const fn cost(self) -> $crate::ops::Cost {
                self.row().cost
            }

            /// Whether the op costs about as much as loading a value:
            /// fusion recomputes such a value where it is read rather than
            /// storing it.
            pub const fn is_cheap(self) -> bool {
                matches!(self.row().cost, $crate::ops::Cost::Cheap)
            }

            /// The op called `name` (its name, NumPy's, or an alias).
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|op| op.row().is_called(name))
            }
        }
    };
}
pub(crate) use op_table;

/// Shorthand for a row, so each table line reads as the row it is.
#[allow(clippy::too_many_arguments)]
const fn row<F>(
    name: &'static str,
    numpy: &'static str,
    aliases: &'static [&'static str],
    rule: Rule,
    nan: NanRule,
    cost: Cost,
    accuracy: Accuracy,
    reference: F,
) -> Row<F> {
    Row {
        name,
        numpy,
        aliases,
        rule,
        nan,
        cost,
        accuracy,
        reference,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut names: Vec<&str> = Vec::new();
        for op in UnaryOp::ALL {
            let r = op.row();
            names.push(r.name);
            if r.numpy != r.name {
                names.push(r.numpy);
            }
            names.extend(r.aliases);
        }
        for op in BinaryOp::ALL {
            let r = op.row();
            names.push(r.name);
            if r.numpy != r.name {
                names.push(r.numpy);
            }
            names.extend(r.aliases);
        }
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(n, names.len(), "a name means two ops");
    }

    #[test]
    fn rows_are_in_variant_order() {
        for (i, op) in UnaryOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(UnaryOp::from_name(op.name()), Some(*op));
            assert_eq!(UnaryOp::from_name(op.numpy_name()), Some(*op));
        }
        for (i, op) in BinaryOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(BinaryOp::from_name(op.name()), Some(*op));
        }
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

    #[test]
    fn float_only_ops_are_not_exact_by_accident() {
        // A transcendental row promises a ULP bound, never bit-exactness
        // (the backends' polynomial approximations are not correctly rounded).
        for op in UnaryOp::ALL {
            if op.cost() == Cost::Transcendental {
                assert!(matches!(op.row().accuracy, Accuracy::Ulp(_)), "{op:?}");
            }
        }
    }
}
