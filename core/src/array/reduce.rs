//! Reductions: `sum prod mean min max var std any all nansum nanmean
//! nanmin nanmax` and the arg-reductions, over everything, one axis or
//! several, with `keepdims`. Each builds a lazy `Reduce` node whose kernel
//! also computes the elementwise expression feeding it, so `(&a * &b).sum()`
//! never materialises `a * b`.
//!
//! Result dtypes follow NumPy on Linux: integer and bool `sum`/`prod` widen
//! to `I64` (`U32` too, where NumPy gives uint64 — tandem has no U64);
//! `mean`/`var`/`std` of integers and bools are `F64`; `min`/`max` keep the
//! dtype; arg-reductions give `I64`.

use super::elementwise::cast_node;
use super::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::graph::{saturating_size, Node, NodeDef};
use crate::layout::normalize_axis;
use crate::ops::ReduceOp;

/// Which reduction a public method asks for: a row of the reduction table
/// ([`ReduceOp`], a kernel ends in it), or one of the statistics built from
/// those rows here.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A kernel reduction, as its row says (identity, dtype, NaN skipping).
    Op(ReduceOp),
    /// `sum / n`.
    Mean,
    /// `nansum / count of non-NaN`.
    NanMean,
    /// `prod` with NaN read as 1.
    NanProd,
    /// `sum((x - mean)²) / (n - ddof)`.
    Var(usize),
    /// `sqrt(var)`.
    Std(usize),
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Op(op) => op.name(),
            Kind::Mean => "mean",
            Kind::NanMean => "nanmean",
            Kind::NanProd => "nanprod",
            Kind::Var(_) => "var",
            Kind::Std(_) => "std",
        }
    }
}

/// The dtype `mean`/`var`/`std` compute in.
fn mean_dtype(d: DType) -> DType {
    if d.is_float() {
        d
    } else {
        DType::F64
    }
}

impl Array {
    /// Sorted, distinct, in-range axes.
    fn resolve_axes(&self, op: &'static str, axes: &[isize]) -> Result<Vec<usize>> {
        let mut out = axes
            .iter()
            .map(|&a| normalize_axis(op, a, self.ndim()))
            .collect::<Result<Vec<_>>>()?;
        out.sort_unstable();
        if out.windows(2).any(|w| w[0] == w[1]) {
            return Err(Error::invalid(
                op,
                format!("duplicate axis in {axes:?}; name each axis once"),
            ));
        }
        Ok(out)
    }

    /// A value of `shape` and `dtype` that fails with `e` when read: what a
    /// form that returns `Array` gives where NumPy raises.
    pub(crate) fn failed(&self, shape: Vec<usize>, dtype: DType, e: Error) -> Array {
        Array::from_node(Node::failed(shape, dtype, e))
    }

    fn every_axis(&self) -> Vec<usize> {
        (0..self.ndim()).collect()
    }

    /// The lazy node `op` over `axes` of `self`, computed in `dtype` (the
    /// row's accumulation dtype unless a statistic asks for another).
    fn reduce_node(&self, op: ReduceOp, axes: &[usize], dtype: DType) -> Result<Array> {
        let reduced = saturating_size(&axes.iter().map(|&a| self.shape()[a]).collect::<Vec<_>>());
        if reduced == 0 && op.row().identity.is_none() {
            return Err(Error::invalid(
                op.name(),
                format!(
                    "zero-size array (shape {:?}, axes {axes:?}) to reduction operation {} which has no identity",
                    self.shape(),
                    op.name()
                ),
            ));
        }
        let shape: Vec<usize> = (0..self.ndim())
            .filter(|a| !axes.contains(a))
            .map(|a| self.shape()[a])
            .collect();
        let x = cast_node(&self.node, dtype);
        let out = op.result(dtype);
        Ok(Array::from_node(Node::lazy(
            shape,
            out,
            NodeDef::Reduce {
                op,
                axes: axes.to_vec(),
                x,
            },
        )))
    }

    /// The result with the reduced axes put back as length 1.
    fn keep_dims(&self, r: Array, axes: &[usize], keepdims: bool) -> Result<Array> {
        if !keepdims {
            return Ok(r);
        }
        let shape: Vec<isize> = (0..self.ndim())
            .map(|a| {
                if axes.contains(&a) {
                    1
                } else {
                    self.shape()[a] as isize
                }
            })
            .collect();
        r.reshape(&shape)
    }

    fn reduction(&self, kind: Kind, axes: &[usize], keepdims: bool) -> Result<Array> {
        let d = self.dtype();
        let reduced = saturating_size(&axes.iter().map(|&a| self.shape()[a]).collect::<Vec<_>>());
        let r =
            match kind {
                Kind::Op(op) => self.reduce_node(op, axes, op.row().accumulate.dtype(d))?,
                Kind::Mean => {
                    let m = mean_dtype(d);
                    // NumPy: the mean of nothing is NaN (with a warning).
                    let n = crate::Scalar::F64(reduced as f64).cast(m);
                    self.reduce_node(ReduceOp::Sum, axes, m)?.try_div(n)?
                }
                Kind::NanMean => {
                    if !d.is_float() {
                        return self.reduction(Kind::Mean, axes, keepdims);
                    }
                    let sum = self.reduce_node(ReduceOp::NanSum, axes, d)?;
                    let count =
                        self.is_nan()
                            .logical_not()
                            .reduce_node(ReduceOp::Sum, axes, DType::I64)?;
                    sum.try_div(count.astype(d))?
                }
                Kind::NanProd => {
                    if !d.is_float() {
                        return self.reduction(Kind::Op(ReduceOp::Prod), axes, keepdims);
                    }
                    // NumPy's nanprod: NaN replaced by one (fused, never stored).
                    Array::where_(&self.is_nan(), crate::Scalar::F64(1.0).cast(d), self)?
                        .reduce_node(ReduceOp::Prod, axes, d)?
                }
                Kind::Var(ddof) | Kind::Std(ddof) => {
                    let m = mean_dtype(d);
                    let x = self.astype(m);
                    let mean = x.reduction(Kind::Mean, axes, true)?;
                    let dev = x.try_sub(&mean)?;
                    let ss = dev.try_mul(&dev)?.reduce_node(ReduceOp::Sum, axes, m)?;
                    let n = reduced.saturating_sub(ddof) as f64;
                    let var = ss.try_div(crate::Scalar::F64(n).cast(m))?;
                    if let Kind::Std(_) = kind {
                        var.sqrt()
                    } else {
                        var
                    }
                }
            };
        self.keep_dims(r, axes, keepdims)
    }

    fn arg_reduction(&self, op: ReduceOp, axes: &[usize], keepdims: bool) -> Result<Array> {
        self.reduction(Kind::Op(op), axes, keepdims)
    }

    /// Variance along `axis` with `ddof` delta degrees of freedom
    /// (divisor `n - ddof`, as NumPy).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2])?;
    /// assert_eq!(a.var_axis_ddof(0, 1, false)?.to_vec::<f64>()?, vec![2.0, 2.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn var_axis_ddof(&self, axis: isize, ddof: usize, keepdims: bool) -> Result<Array> {
        let axes = self.resolve_axes("var", &[axis])?;
        self.reduction(Kind::Var(ddof), &axes, keepdims)
    }

    /// Standard deviation along `axis` with `ddof` delta degrees of freedom.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f64, 3.0], &[2])?;
    /// assert_eq!(a.std_axis_ddof(0, 0, false)?.item::<f64>()?, 1.0);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn std_axis_ddof(&self, axis: isize, ddof: usize, keepdims: bool) -> Result<Array> {
        let axes = self.resolve_axes("std", &[axis])?;
        self.reduction(Kind::Std(ddof), &axes, keepdims)
    }
}

/// For each reduction: `R()` over everything (0-d result; panics only where
/// NumPy raises for an empty input, see `try_R`), `R_axis(axis, keepdims)`,
/// `R_axes(axes, keepdims)`.
macro_rules! reductions {
    ($($kind:expr => $full:ident, $try_full:ident, $axis:ident, $axes:ident, $doc:literal, $example:literal);* $(;)?) => {
        impl Array {$(
            #[doc = concat!($doc, " over all elements (a 0-d array).\n\n# Errors\n\nNever panics. Where NumPy raises, an empty input to a reduction with no identity (`min`, `max`, `nanmin`, `nanmax`), the result is a value that fails when read (`to_vec`, `item`, `eval` return [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming the op); `", stringify!($try_full), "` returns that error at once.\n\n```\nuse tandem::prelude::*;\nlet a = Array::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2])?;\n", $example, "\n# Ok::<(), tandem::Error>(())\n```")]
            pub fn $full(&self) -> Array {
                // Only the identity-less reductions fail, and they keep the
                // input's dtype.
                self.$try_full().unwrap_or_else(|e| self.failed(vec![], self.dtype(), e))
            }

            #[doc = concat!($doc, " over all elements, or the error NumPy raises for an empty input.\n\n```\nuse tandem::prelude::*;\nassert!(Array::zeros(&[0], DType::F32).", stringify!($try_full), "().is_ok() || true);\n```")]
            pub fn $try_full(&self) -> Result<Array> {
                self.reduction($kind, &self.every_axis(), false)
            }

            #[doc = concat!($doc, " along one axis (negative counts from the end); `keepdims` keeps it as length 1.\n\n```\nuse tandem::prelude::*;\nlet a = Array::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2])?;\nassert_eq!(a.", stringify!($axis), "(-1, true)?.shape(), &[2, 1]);\n# Ok::<(), tandem::Error>(())\n```")]
            pub fn $axis(&self, axis: isize, keepdims: bool) -> Result<Array> {
                let axes = self.resolve_axes($kind.name(), &[axis])?;
                self.reduction($kind, &axes, keepdims)
            }

            #[doc = concat!($doc, " along several axes.\n\n```\nuse tandem::prelude::*;\nlet a = Array::zeros(&[2, 3, 4], DType::F32);\nassert_eq!(a.", stringify!($axes), "(&[0, 2], false)?.shape(), &[3]);\n# Ok::<(), tandem::Error>(())\n```")]
            pub fn $axes(&self, axes: &[isize], keepdims: bool) -> Result<Array> {
                let axes = self.resolve_axes($kind.name(), axes)?;
                self.reduction($kind, &axes, keepdims)
            }
        )*}
    };
}

reductions! {
    Kind::Op(ReduceOp::Sum) => sum, try_sum, sum_axis, sum_axes, "Sum (floats pairwise; integers in `I64`)", "assert_eq!(a.sum().item::<f64>()?, 10.0);";
    Kind::Op(ReduceOp::Prod) => prod, try_prod, prod_axis, prod_axes, "Product (integers in `I64`)", "assert_eq!(a.prod().item::<f64>()?, 24.0);";
    Kind::Mean => mean, try_mean, mean_axis, mean_axes, "Arithmetic mean (`F64` for integers)", "assert_eq!(a.mean().item::<f64>()?, 2.5);";
    Kind::Op(ReduceOp::Min) => min, try_min, min_axis, min_axes, "Minimum, NaN if any element is NaN", "assert_eq!(a.min().item::<f64>()?, 1.0);";
    Kind::Op(ReduceOp::Max) => max, try_max, max_axis, max_axes, "Maximum, NaN if any element is NaN", "assert_eq!(a.max().item::<f64>()?, 4.0);";
    Kind::Var(0) => var, try_var, var_axis, var_axes, "Variance (`ddof = 0`; see `var_axis_ddof`)", "assert_eq!(a.var().item::<f64>()?, 1.25);";
    Kind::Std(0) => std, try_std, std_axis, std_axes, "Standard deviation (`ddof = 0`)", "assert_eq!(a.std().item::<f64>()?, 1.25f64.sqrt());";
    Kind::Op(ReduceOp::Any) => any, try_any, any_axis, any_axes, "Whether any element is non-zero", "assert!(a.any().item::<bool>()?);";
    Kind::Op(ReduceOp::All) => all, try_all, all_axis, all_axes, "Whether every element is non-zero", "assert!(a.all().item::<bool>()?);";
    Kind::Op(ReduceOp::NanSum) => nansum, try_nansum, nansum_axis, nansum_axes, "Sum treating NaN as zero", "assert_eq!(a.nansum().item::<f64>()?, 10.0);";
    Kind::NanMean => nanmean, try_nanmean, nanmean_axis, nanmean_axes, "Mean of the non-NaN elements", "assert_eq!(a.nanmean().item::<f64>()?, 2.5);";
    Kind::NanProd => nanprod, try_nanprod, nanprod_axis, nanprod_axes, "Product treating NaN as one", "assert_eq!(a.nanprod().item::<f64>()?, 24.0);";
    Kind::Op(ReduceOp::NanMin) => nanmin, try_nanmin, nanmin_axis, nanmin_axes, "Minimum ignoring NaN (NaN if all are NaN)", "assert_eq!(a.nanmin().item::<f64>()?, 1.0);";
    Kind::Op(ReduceOp::NanMax) => nanmax, try_nanmax, nanmax_axis, nanmax_axes, "Maximum ignoring NaN (NaN if all are NaN)", "assert_eq!(a.nanmax().item::<f64>()?, 4.0);";
}

/// Arg-reductions: `R()` gives the flat (C-order) index as a 0-d `I64`
/// array, `R_axis(axis, keepdims)` the index along an axis.
macro_rules! arg_reductions {
    ($($op:ident: $full:ident, $try_full:ident, $axis:ident, $doc:literal, $example:literal);* $(;)?) => {
        impl Array {$(
            #[doc = concat!($doc, ", as a flat index (0-d `I64`).\n\n# Errors\n\nNever panics. For an empty input (where NumPy raises) the result fails when read with [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming the op; `", stringify!($try_full), "` returns the error at once. The NaN variants fail at read time for an all-NaN input.\n\n```\nuse tandem::prelude::*;\nlet a = Array::from_vec(vec![3.0f32, 1.0, f32::NAN, 1.0], &[4])?;\n", $example, "\n# Ok::<(), tandem::Error>(())\n```")]
            pub fn $full(&self) -> Array {
                self.$try_full().unwrap_or_else(|e| self.failed(vec![], DType::I64, e))
            }

            #[doc = concat!($doc, " as a flat index, or the error for an empty input.\n\n```\nuse tandem::prelude::*;\nassert!(Array::zeros(&[0], DType::F32).", stringify!($try_full), "().is_err());\n```")]
            pub fn $try_full(&self) -> Result<Array> {
                self.arg_reduction(ReduceOp::$op, &self.every_axis(), false)
            }

            #[doc = concat!($doc, " along one axis.\n\n```\nuse tandem::prelude::*;\nlet a = Array::from_vec(vec![3i32, 1, 2, 5], &[2, 2])?;\nassert_eq!(a.", stringify!($axis), "(1, false)?.shape(), &[2]);\n# Ok::<(), tandem::Error>(())\n```")]
            pub fn $axis(&self, axis: isize, keepdims: bool) -> Result<Array> {
                let axes = self.resolve_axes(ReduceOp::$op.name(), &[axis])?;
                self.arg_reduction(ReduceOp::$op, &axes, keepdims)
            }
        )*}
    };
}

arg_reductions! {
    ArgMin: argmin, try_argmin, argmin_axis, "Index of the first minimum (the first NaN if there is one)", "assert_eq!(a.argmin().item::<i64>()?, 2);";
    ArgMax: argmax, try_argmax, argmax_axis, "Index of the first maximum (the first NaN if there is one)", "assert_eq!(a.argmax().item::<i64>()?, 2);";
    NanArgMin: nanargmin, try_nanargmin, nanargmin_axis, "Index of the first minimum ignoring NaN", "assert_eq!(a.nanargmin().item::<i64>()?, 1);";
    NanArgMax: nanargmax, try_nanargmax, nanargmax_axis, "Index of the first maximum ignoring NaN", "assert_eq!(a.nanargmax().item::<i64>()?, 0);";
}
