//! Reductions a kernel can end in.

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
