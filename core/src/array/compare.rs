//! Whole-array comparisons: `isclose`, `allclose`, `array_equal`.
//!
//! They live apart from the comparison ops of `elementwise.rs` because they
//! are not op-table rows: each is a small expression of existing rows
//! (`sub`, `abs`, `le`, `eq`, `is_finite`, `is_nan`, logical ops), built
//! lazily, so `isclose` is one fused kernel and `allclose` /
//! `array_equal` are that kernel ending in an `all` reduction, on every
//! device, with no backend code of their own.

use super::{Array, Operand};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::scalar::Scalar;

impl Array {
    /// Elementwise "equal within a tolerance", NumPy's `np.isclose`, as
    /// `Bool` with the broadcast shape:
    ///
    /// `|a - b| <= atol + rtol * |b|  &&  isfinite(b)`, or `a == b`
    /// (so equal infinities are close), or, with `equal_nan`, both NaN.
    ///
    /// As NumPy, `b` is first converted to a float dtype (`b`'s own if it
    /// is a float, else `F64`), so integer inputs compare without wrapping
    /// and the test is not symmetric in `a` and `b`. `rtol` and `atol` act
    /// as weak (Python) floats: `F32` inputs are compared in `F32`. A
    /// scalar `b` is a weak float, as NumPy's `float(b)`.
    ///
    /// Lazy: one fused elementwise kernel when read.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f64, 1.0, f64::NAN, f64::INFINITY], &[4])?;
    /// let b = Array::from_vec(vec![1.0f64 + 1e-9, 1.1, f64::NAN, f64::INFINITY], &[4])?;
    /// let c = a.isclose(&b, 1e-5, 1e-8, false)?;
    /// assert_eq!(c.to_vec::<bool>()?, vec![true, false, false, true]);
    /// let c = a.isclose(&b, 1e-5, 1e-8, true)?;
    /// assert_eq!(c.to_vec::<bool>()?, vec![true, false, true, true]);
    /// assert!(a.isclose(&Array::zeros(&[3], DType::F64), 1e-5, 1e-8, false).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn isclose(
        &self,
        other: impl Into<Operand>,
        rtol: f64,
        atol: f64,
        equal_nan: bool,
    ) -> Result<Array> {
        self.isclose_impl(other.into(), rtol, atol, equal_nan)
            .map_err(|e| e.with_op("isclose"))
    }

    fn isclose_impl(&self, other: Operand, rtol: f64, atol: f64, equal_nan: bool) -> Result<Array> {
        let x = self;
        // NumPy converts `b` first: `asanyarray(y, dtype=result_type(y, 1.))`
        // for an array, `float(y)` (a weak float) for a Python number.
        let (close, y) = match other {
            Operand::Array(b) => {
                let dt = if b.dtype().is_float() {
                    b.dtype()
                } else {
                    DType::F64
                };
                let y = b.astype(dt);
                let tol = y.abs().try_mul(rtol)?.try_add(atol)?;
                let close = x.try_sub(&y)?.abs().le(&tol)?.logical_and(y.is_finite())?;
                (close, Operand::Array(y))
            }
            Operand::Scalar(s) => {
                let v = s.to_f64();
                // All Python floats: NumPy computes the tolerance in f64,
                // then compares it, weak, in the dtype of `|a - b|`.
                let tol = atol + rtol * v.abs();
                let close = x.try_sub(v)?.abs().le(tol)?.logical_and(v.is_finite())?;
                (close, Operand::Scalar(Scalar::F64(v)))
            }
        };
        let mut r = close.logical_or(x.eq(y.clone())?)?;
        if equal_nan {
            let y_nan = match &y {
                Operand::Array(y) => y.is_nan(),
                Operand::Scalar(s) => Array::scalar(s.to_f64().is_nan()),
            };
            r = r.logical_or(x.is_nan().logical_and(&y_nan)?)?;
        }
        Ok(r)
    }

    /// `true` when every element of [`isclose`](Array::isclose) is — NumPy's
    /// `np.allclose` (an empty comparison is `true`).
    ///
    /// Forces evaluation: one kernel (the `isclose` expression fused into
    /// its `all` reduction).
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast; a device
    /// error from computing the result.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1e10f64, 1e-7], &[2])?;
    /// let b = Array::from_vec(vec![1.00001e10f64, 1e-8], &[2])?;
    /// assert!(!a.allclose(&b, 1e-5, 1e-8, false)?);
    /// let b = Array::from_vec(vec![1.00001e10f64, 1e-7 + 1e-9], &[2])?;
    /// assert!(a.allclose(&b, 1e-5, 1e-8, false)?);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn allclose(
        &self,
        other: impl Into<Operand>,
        rtol: f64,
        atol: f64,
        equal_nan: bool,
    ) -> Result<bool> {
        self.isclose_impl(other.into(), rtol, atol, equal_nan)
            .and_then(|c| c.all().item::<bool>())
            .map_err(|e| e.with_op("allclose"))
    }

    /// `true` when both arrays have the same shape and equal elements —
    /// NumPy's `np.array_equal` (values compare after promotion, so
    /// `[1, 2]` equals `[1.0, 2.0]`; NaN never equals NaN; different
    /// shapes are `false`, not an error).
    ///
    /// Forces evaluation: one kernel (`eq` fused into `all`), none when
    /// the shapes differ.
    ///
    /// # Errors
    ///
    /// Only a device error from computing the result.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert!(a.array_equal(&Array::from_vec(vec![1.0f32, 2.0], &[2])?)?);
    /// assert!(!a.array_equal(&Array::from_vec(vec![1i32, 2], &[1, 2])?)?);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn array_equal(&self, other: &Array) -> Result<bool> {
        if self.shape() != other.shape() {
            return Ok(false);
        }
        self.eq(other)
            .and_then(|e| e.all().item::<bool>())
            .map_err(|e: Error| e.with_op("array_equal"))
    }
}
