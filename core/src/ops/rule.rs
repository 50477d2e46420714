//! Dtype rules: how an op picks the dtype it computes in and the dtype it
//! returns from its (promoted) input dtype — the `rule` column of the op
//! table, and the named rules the rows share.

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
