//! The reduction rows of the op table: one line per reduction a kernel can
//! end in, saying its identity (what an empty reduction gives; none where
//! NumPy raises), whether it skips NaN, whether it is an arg-reduction, and
//! the dtype it reduces in. The `Array` methods (`array/reduce.rs`) read
//! the row; the composite statistics (`mean`, `var`, `std`, `nanmean`) are
//! built there from these rows.

use crate::dtype::DType;

/// What an empty reduction gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identity {
    /// 0 (`sum`, `nansum`).
    Zero,
    /// 1 (`prod`).
    One,
    /// `false` (`any`).
    False,
    /// `true` (`all`).
    True,
}

/// The dtype a reduction computes in, from its input's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accumulate {
    /// Integers and `Bool` widen to `I64` (NumPy's `sum`/`prod` on Linux;
    /// `U32` too, where NumPy gives uint64), floats keep theirs.
    WidenInts,
    /// The input's dtype (`min`, `max`, the arg-reductions).
    Keep,
    /// Truth values (`any`, `all`).
    Bool,
}

impl Accumulate {
    /// The dtype a reduction of `input` computes in.
    ///
    /// ```
    /// use tandem_core::{ops::Accumulate, DType};
    /// assert_eq!(Accumulate::WidenInts.dtype(DType::I32), DType::I64);
    /// assert_eq!(Accumulate::WidenInts.dtype(DType::F32), DType::F32);
    /// ```
    pub const fn dtype(self, input: DType) -> DType {
        match (self, input) {
            (Accumulate::WidenInts, DType::F32 | DType::F64) => input,
            (Accumulate::WidenInts, _) => DType::I64,
            (Accumulate::Keep, d) => d,
            (Accumulate::Bool, _) => DType::Bool,
        }
    }
}

/// One reduction's row.
#[derive(Clone, Copy, Debug)]
pub struct ReduceRow {
    /// tandem's name (the method's stem: `sum`, `nanargmax`).
    pub name: &'static str,
    /// NumPy's function.
    pub numpy: &'static str,
    /// What an empty reduction gives; `None` where NumPy raises.
    pub identity: Option<Identity>,
    /// Whether NaN elements are skipped.
    pub skips_nan: bool,
    /// Whether the result is an `I64` index (first occurrence on ties).
    pub arg: bool,
    /// The dtype the reduction computes in.
    pub accumulate: Accumulate,
}

macro_rules! reduce_table {
    ($($(#[$vm:meta])* $v:ident => ($name:literal, $np:literal, $id:expr, $nan:literal, $arg:literal, $acc:ident)),* $(,)?) => {
        /// Reductions a kernel can end in. `Sum`/`Prod` accumulate in the
        /// kernel value's dtype (the core casts integers up first, as NumPy
        /// widens them); the arg-reductions return `I64` indices into the
        /// reduced axes (flattened in C order when several), first
        /// occurrence on ties.
        ///
        /// ```
        /// use tandem_core::ops::{Identity, ReduceOp};
        /// assert_eq!(ReduceOp::Prod.row().identity, Some(Identity::One));
        /// assert!(ReduceOp::NanMax.row().skips_nan);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ReduceOp { $($(#[$vm])* $v),* }

        impl ReduceOp {
            /// Every reduction, in table order.
            pub const ALL: &'static [ReduceOp] = &[$(ReduceOp::$v),*];

            const ROWS: &'static [ReduceRow] = &[$(ReduceRow {
                name: $name,
                numpy: $np,
                identity: $id,
                skips_nan: $nan,
                arg: $arg,
                accumulate: Accumulate::$acc,
            }),*];

            /// The reduction's row of the table.
            pub const fn row(self) -> &'static ReduceRow {
                &Self::ROWS[self as usize]
            }
        }
    };
}

reduce_table! {
    /// Σ (floats pairwise, for NumPy's accuracy or better).
    Sum => ("sum", "sum", Some(Identity::Zero), false, false, WidenInts),
    /// Π.
    Prod => ("prod", "prod", Some(Identity::One), false, false, WidenInts),
    /// Smallest value; NaN if any is NaN.
    Min => ("min", "min", None, false, false, Keep),
    /// Largest value; NaN if any is NaN.
    Max => ("max", "max", None, false, false, Keep),
    /// Σ skipping NaN.
    NanSum => ("nansum", "nansum", Some(Identity::Zero), true, false, WidenInts),
    /// Smallest non-NaN value; NaN if all are NaN.
    NanMin => ("nanmin", "nanmin", None, true, false, Keep),
    /// Largest non-NaN value; NaN if all are NaN.
    NanMax => ("nanmax", "nanmax", None, true, false, Keep),
    /// Any non-zero (the value is `Bool`).
    Any => ("any", "any", Some(Identity::False), false, false, Bool),
    /// All non-zero (the value is `Bool`).
    All => ("all", "all", Some(Identity::True), false, false, Bool),
    /// Index of the smallest value; the first NaN if there is one.
    ArgMin => ("argmin", "argmin", None, false, true, Keep),
    /// Index of the largest value; the first NaN if there is one.
    ArgMax => ("argmax", "argmax", None, false, true, Keep),
    /// Index of the smallest non-NaN value; -1 for an all-NaN slice (the
    /// core turns that into an error, as NumPy raises).
    NanArgMin => ("nanargmin", "nanargmin", None, true, true, Keep),
    /// Index of the largest non-NaN value; -1 for an all-NaN slice.
    NanArgMax => ("nanargmax", "nanargmax", None, true, true, Keep),
}

impl ReduceOp {
    /// `true` for the four arg-reductions (their result is `I64`).
    ///
    /// ```
    /// assert!(tandem_core::ops::ReduceOp::ArgMax.is_arg());
    /// ```
    pub const fn is_arg(self) -> bool {
        self.row().arg
    }

    /// The op's name (`"sum"`, `"nanargmax"` …).
    ///
    /// ```
    /// assert_eq!(tandem_core::ops::ReduceOp::NanMax.name(), "nanmax");
    /// ```
    pub const fn name(self) -> &'static str {
        self.row().name
    }

    /// The result dtype of the reduction of an `input` array: the
    /// accumulation dtype, or `I64` for an arg-reduction.
    ///
    /// ```
    /// use tandem_core::{ops::ReduceOp, DType};
    /// assert_eq!(ReduceOp::Sum.result(DType::Bool), DType::I64);
    /// assert_eq!(ReduceOp::ArgMin.result(DType::F32), DType::I64);
    /// assert_eq!(ReduceOp::Any.result(DType::F64), DType::Bool);
    /// ```
    pub const fn result(self, input: DType) -> DType {
        if self.row().arg {
            DType::I64
        } else {
            self.row().accumulate.dtype(input)
        }
    }

    /// The reduction called `name` (tandem's or NumPy's).
    ///
    /// ```
    /// use tandem_core::ops::ReduceOp;
    /// assert_eq!(ReduceOp::from_name("nanargmin"), Some(ReduceOp::NanArgMin));
    /// ```
    pub fn from_name(name: &str) -> Option<ReduceOp> {
        Self::ALL
            .iter()
            .copied()
            .find(|op| op.row().name == name || op.row().numpy == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_variant_order() {
        for (i, op) in ReduceOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(ReduceOp::from_name(op.name()), Some(*op));
        }
    }

    #[test]
    fn arg_reductions_and_identities_are_consistent() {
        for op in ReduceOp::ALL {
            let r = op.row();
            // An index has no identity: an empty arg-reduction raises.
            assert!(!(r.arg && r.identity.is_some()), "{op:?}");
        }
    }
}
