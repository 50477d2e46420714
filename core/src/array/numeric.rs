//! Value clean-up helpers: `nan_to_num` and `round_to` (NumPy's
//! `np.round(a, decimals)`).
//!
//! Neither is an op-table row: each is a short expression of existing rows
//! (`is_nan`, `eq`, `where`, `mul`, `div`, `round`, casts) with constants of
//! the input's dtype, built lazily, so each is one fused elementwise kernel
//! on every device and fuses with whatever consumes it. Their dtype rules
//! follow NumPy's implementation exactly (integers pass through
//! `nan_to_num` unchanged; `round_to` of integers with negative `decimals`
//! computes in `F64` and casts back).

use super::Array;
use crate::dtype::DType;
use crate::error::Error;
use crate::scalar::Scalar;

/// A strong 0-d constant `x` converted to `dtype` (NumPy's unsafe cast: an
/// `f64` past `F32`'s range becomes an infinity).
fn constant(x: f64, dtype: DType) -> Array {
    Array::full(&[], Scalar::F64(x).cast(dtype))
}

/// NumPy's `power_of_ten` (multiarray/calculation.c): exact up to `1e8`,
/// then repeated multiplication by 10 in `f64` (which is what NumPy rounds
/// with, not the nearest double to `10^n`). Stops once infinite.
fn power_of_ten(n: u32) -> f64 {
    const P10: [f64; 9] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
    if n < 9 {
        return P10[n as usize];
    }
    let mut r = 1e9f64;
    for _ in 9..n {
        if r.is_infinite() {
            break;
        }
        r *= 10.0;
    }
    r
}

impl Array {
    /// NaN replaced by `nan`, `+inf` by `posinf` and `-inf` by `neginf`
    /// (`None`: the largest / most negative finite value of the dtype), as
    /// NumPy's `np.nan_to_num(a, nan=, posinf=, neginf=)`. The values are
    /// converted to the array's dtype (`1e300` into `F32` is `inf`, as
    /// NumPy's cast). Integer and `Bool` arrays come back unchanged (same
    /// dtype, same values).
    ///
    /// Lazy: one fused elementwise kernel when read (none for integers).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1.5], &[4])?;
    /// assert_eq!(a.nan_to_num(0.0, None, None).to_vec::<f32>()?, vec![0.0, f32::MAX, f32::MIN, 1.5]);
    /// assert_eq!(a.nan_to_num(-1.0, Some(9.0), Some(-9.0)).to_vec::<f32>()?, vec![-1.0, 9.0, -9.0, 1.5]);
    /// let i = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert_eq!(i.nan_to_num(0.0, None, None).dtype(), DType::I32);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn nan_to_num(&self, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> Array {
        let dt = self.dtype();
        let (max, min) = match dt {
            DType::F32 => (f32::MAX as f64, f32::MIN as f64),
            DType::F64 => (f64::MAX, f64::MIN),
            _ => return self.clone(),
        };
        let build = || -> crate::Result<Array> {
            let pos = self.eq(constant(f64::INFINITY, dt))?;
            let neg = self.eq(constant(f64::NEG_INFINITY, dt))?;
            let r = Array::where_(&neg, constant(neginf.unwrap_or(min), dt), self)?;
            let r = Array::where_(&pos, constant(posinf.unwrap_or(max), dt), &r)?;
            Array::where_(&self.is_nan(), constant(nan, dt), &r)
        };
        // Every step keeps the shape and dtype: nothing here can fail but
        // the value itself (a failed input stays failed).
        build().unwrap_or_else(|e| self.failed(self.shape().to_vec(), dt, e))
    }

    /// The values rounded to `decimals` decimal places, half to even, as
    /// NumPy's `np.round(a, decimals)`: floats compute `rint(a * 10^d) /
    /// 10^d` (for `d < 0`, `rint(a / 10^-d) * 10^-d`) in their own dtype,
    /// so `round_to(1)` of `2.675` is `2.7` or `2.6` exactly as NumPy's;
    /// integers are unchanged for `d >= 0` and for `d < 0` round in `F64`
    /// and cast back (`[15, 25].round_to(-1) == [20, 20]`). The dtype is
    /// always the input's, except `Bool` with `decimals == 0`, which is
    /// [`round`](Array::round)'s `F32`.
    ///
    /// Lazy: one fused elementwise kernel when read (none for integers with
    /// `decimals >= 0`).
    ///
    /// # Errors
    ///
    /// Never panics. `Bool` with `decimals != 0` (where NumPy raises
    /// `TypeError`) gives a value that fails with [`Error::DTypeMismatch`]
    /// when read.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.25f64, 1.35, -0.5, 123.456], &[4])?;
    /// assert_eq!(a.round_to(1).to_vec::<f64>()?, vec![1.2, 1.4, -0.5, 123.5]);
    /// assert_eq!(a.round_to(-1).to_vec::<f64>()?, vec![0.0, 0.0, -0.0, 120.0]);
    /// let i = Array::from_vec(vec![15i32, 25, -15, 1234], &[4])?;
    /// assert_eq!(i.round_to(-1).to_vec::<i32>()?, vec![20, 20, -20, 1230]);
    /// assert!(Array::scalar(true).round_to(1).eval().is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn round_to(&self, decimals: i32) -> Array {
        let dt = self.dtype();
        if dt == DType::Bool && decimals != 0 {
            return self.failed(
                self.shape().to_vec(),
                dt,
                Error::DTypeMismatch {
                    op: "round_to",
                    expected: "a numeric dtype".into(),
                    got: dt,
                    hint: format!(
                        "NumPy cannot round booleans to {decimals} decimals; use astype first"
                    ),
                },
            );
        }
        if decimals == 0 {
            return self.round();
        }
        if dt.is_int() && decimals > 0 {
            return self.clone();
        }
        let f = power_of_ten(decimals.unsigned_abs());
        let work = if dt.is_int() { DType::F64 } else { dt };
        let x = self.astype(work);
        let f = constant(f, work);
        let build = || -> crate::Result<Array> {
            let r = if decimals > 0 {
                x.try_mul(&f)?.round().try_div(&f)?
            } else {
                x.try_div(&f)?.round().try_mul(&f)?
            };
            Ok(r.astype(dt))
        };
        build().unwrap_or_else(|e| self.failed(self.shape().to_vec(), dt, e))
    }
}
