//! The op table's row type and its classes (NaN rule, cost, accuracy), and
//! the `op_table!` macro that declares an op enum with one row per variant.

use super::rule::Rule;
use crate::scalar::Scalar;

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
pub(super) const fn row<F>(
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
