//! Helpers built on index and coordinate grids: `meshgrid`, `tril`,
//! `triu` and `diag`.
//!
//! tandem has no "index of this element" op, and needs none: a grid of
//! row and column numbers is two small `arange`s, one seen as a column
//! `(n, 1)` and one as a row `(m,)`, which broadcasting stretches to
//! `(n, m)` without memory. A triangle is then `where(cols <= rows + k, a,
//! 0)` — one fused elementwise kernel that reads `a` once and the two index
//! vectors (`n + m` elements), on every device, fused with whatever
//! produced `a` and whatever reads the result. `meshgrid` is pure
//! broadcasting (views), and `diag` of a matrix is the existing
//! `diagonal` view.

use super::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::checked_bytes;
use crate::scalar::Scalar;

/// `start, start + 1, …` (`len` values) as `I32` when they fit, else `I64`:
/// the narrow type keeps the index vectors cheap on devices without
/// native 64-bit integers.
fn index_vector(start: isize, len: usize, wide: bool) -> Result<Array> {
    let dt = if wide { DType::I64 } else { DType::I32 };
    Array::arange(start as f64, start as f64 + len as f64, 1.0, dt)
}

impl Array {
    /// Keeps the elements on or below diagonal `k` of the last two axes
    /// (`k > 0` above the main diagonal, `k < 0` below) and zeroes the
    /// rest — NumPy's `np.tril`. A 1-d array of length `m` is read as the
    /// rows of an `(m, m)` matrix, as NumPy broadcasts it.
    ///
    /// Lazy: one fused elementwise kernel when read (a `where` over an
    /// index comparison).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a 0-d array (NumPy needs at least one
    /// axis too).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4, 5, 6], &[2, 3])?;
    /// assert_eq!(a.tril(0)?.to_vec::<i32>()?, vec![1, 0, 0, 4, 5, 0]);
    /// assert_eq!(a.tril(1)?.to_vec::<i32>()?, vec![1, 2, 0, 4, 5, 6]);
    /// assert_eq!(a.tril(-1)?.to_vec::<i32>()?, vec![0, 0, 0, 4, 0, 0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn tril(&self, k: isize) -> Result<Array> {
        self.triangle("tril", k, true)
    }

    /// Keeps the elements on or above diagonal `k` of the last two axes and
    /// zeroes the rest — NumPy's `np.triu`; see [`tril`](Array::tril).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a 0-d array.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
    /// assert_eq!(a.triu(0)?.to_vec::<f32>()?, vec![1.0, 2.0, 0.0, 4.0]);
    /// assert_eq!(a.triu(1)?.to_vec::<f32>()?, vec![0.0, 2.0, 0.0, 0.0]);
    /// assert!(Array::scalar(1.0).triu(0).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn triu(&self, k: isize) -> Result<Array> {
        self.triangle("triu", k, false)
    }

    fn triangle(&self, op: &'static str, k: isize, lower: bool) -> Result<Array> {
        let (n, m) = match self.shape() {
            [] => {
                return Err(Error::invalid(
                    op,
                    "a 0-d array has no rows or columns; give an array of at least 1 axis",
                ))
            }
            [m] => (*m, *m),
            [.., n, m] => (*n, *m),
        };
        let mut out = self.shape().to_vec();
        if self.ndim() == 1 {
            out.insert(0, m);
        }
        checked_bytes(op, &out, self.dtype())?;
        // Diagonals past the matrix keep all or nothing; clamping keeps
        // `rows + k` within `-n..=n + m`.
        let k = k.clamp(-(n as isize), m as isize);
        let wide = n + m >= i32::MAX as usize / 2;
        let rows = index_vector(k, n, wide)?.reshape(&[n as isize, 1])?;
        let cols = index_vector(0, m, wide)?;
        // tril keeps col <= row + k; triu keeps col >= row + k.
        let keep = if lower {
            cols.le(&rows)?
        } else {
            cols.ge(&rows)?
        };
        let zero = Array::full(&[], Scalar::I64(0).cast(self.dtype()));
        Array::where_(&keep, self, &zero)
    }

    /// NumPy's `np.diag`: for a 1-d `v` of length `n`, the `(n + |k|) × (n
    /// + |k|)` matrix with `v` on diagonal `k` (`k > 0` above the main
    /// one) and zeros elsewhere; for a 2-d `v`, its diagonal `k` (a view,
    /// as [`diagonal`](Array::diagonal); empty past the matrix).
    ///
    /// For a 1-d `v`: lazy, one fused elementwise kernel when read (a
    /// `where` over an index comparison), after, for `k != 0`, `v` is
    /// padded with `|k|` zeros (a join of `n + |k|` elements, evaluated at
    /// the call).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `v` is 1-d or 2-d, or when the
    /// matrix's size cannot be addressed.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let v = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert_eq!(Array::diag(&v, 0)?.to_vec::<i32>()?, vec![1, 0, 0, 2]);
    /// let d = Array::diag(&v, 1)?;
    /// assert_eq!(d.shape(), &[3, 3]);
    /// assert_eq!(d.to_vec::<i32>()?, vec![0, 1, 0, 0, 0, 2, 0, 0, 0]);
    /// let m = Array::from_vec(vec![1i32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(Array::diag(&m, 0)?.to_vec::<i32>()?, vec![1, 4]);
    /// assert_eq!(Array::diag(&m, -1)?.to_vec::<i32>()?, vec![3]);
    /// assert!(Array::diag(&Array::scalar(1i32), 0).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn diag(v: &Array, k: isize) -> Result<Array> {
        let op = "diag";
        match v.ndim() {
            2 => v.diagonal(k).map_err(|e| e.with_op(op)),
            1 => {
                let n = v.len();
                let size = n
                    .checked_add(k.unsigned_abs())
                    .ok_or_else(|| crate::layout::too_big(op, v.shape(), Some(v.dtype())))?;
                checked_bytes(op, &[size, size], v.dtype())?;
                let mut vals = v.clone();
                if k != 0 {
                    let z = Array::zeros(&[k.unsigned_abs()], v.dtype());
                    vals = Array::concatenate(&[v, &z], 0).map_err(|e| e.with_op(op))?;
                }
                let wide = 2 * size >= i32::MAX as usize / 2;
                let rows = index_vector(k, size, wide)?.reshape(&[size as isize, 1])?;
                let cols = index_vector(0, size, wide)?;
                // Row i holds v[i] at column i + k (k >= 0); column j holds
                // v[j] at row j - k (k < 0).
                let vals = if k >= 0 {
                    vals.reshape(&[size as isize, 1])?
                } else {
                    vals
                };
                let zero = Array::full(&[], Scalar::I64(0).cast(v.dtype()));
                Array::where_(&cols.eq(&rows)?, &vals, &zero)
            }
            d => Err(Error::invalid(
                op,
                format!("the input must be 1-d (to build a matrix) or 2-d (to take a diagonal), got {d}-d"),
            )),
        }
    }

    /// Coordinate arrays from 1-d coordinate vectors — NumPy's
    /// `np.meshgrid(*xs, indexing="ij" if ij else "xy")`. With `k` inputs of
    /// lengths `n0, n1, …` (each flattened first, as NumPy), every output
    /// has shape `(n0, n1, …)` for `ij`, or with the first two lengths
    /// swapped, `(n1, n0, …)`, for `xy` (matrix vs Cartesian indexing);
    /// output `i` varies along the axis of input `i` and keeps its dtype.
    /// No inputs give no outputs.
    ///
    /// The outputs are broadcast views: no memory, no kernel (NumPy copies
    /// unless `copy=False`; tandem's arrays are copy-on-write, so a view
    /// cannot be written through).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the grid's size cannot be addressed.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let x = Array::from_vec(vec![1i32, 2, 3], &[3])?;
    /// let y = Array::from_vec(vec![10.0f32, 20.0], &[2])?;
    /// let g = Array::meshgrid(&[&x, &y], false)?;
    /// assert_eq!(g[0].shape(), &[2, 3]);
    /// assert_eq!(g[0].to_vec::<i32>()?, vec![1, 2, 3, 1, 2, 3]);
    /// assert_eq!(g[1].to_vec::<f32>()?, vec![10.0, 10.0, 10.0, 20.0, 20.0, 20.0]);
    /// let g = Array::meshgrid(&[&x, &y], true)?;
    /// assert_eq!(g[1].shape(), &[3, 2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn meshgrid(xs: &[&Array], ij: bool) -> Result<Vec<Array>> {
        let op = "meshgrid";
        let lens: Vec<usize> = xs.iter().map(|x| x.size()).collect();
        // Axis that input i varies along.
        let axis_of = |i: usize| match (ij, xs.len() >= 2, i) {
            (false, true, 0) => 1,
            (false, true, 1) => 0,
            _ => i,
        };
        let mut shape = vec![0; xs.len()];
        for (i, &n) in lens.iter().enumerate() {
            shape[axis_of(i)] = n;
        }
        crate::layout::checked_size(op, &shape)?;
        xs.iter()
            .enumerate()
            .map(|(i, x)| {
                let mut own = vec![1isize; xs.len()];
                own[axis_of(i)] = -1;
                x.flatten()
                    .reshape(&own)?
                    .broadcast_to(&shape)
                    .map_err(|e| e.with_op(op))
            })
            .collect()
    }
}
