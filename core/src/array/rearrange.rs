//! Rearranging elements without computing new values: `flip`, `swapaxes`,
//! `moveaxis`, `atleast_1d/2d/3d`, `split`, `array_split` (views), `tile`,
//! `repeat` (a broadcast view read through a reshape), `roll` and `pad`
//! (joins), and [`PadMode`].
//!
//! Each is built from the view and join machinery that already exists, so
//! none needs backend code and all run on every device:
//!
//! - **views** (`flip` is a negative-stride slice, `split` returns slices,
//!   `swapaxes` / `moveaxis` are permutations, `atleast_*` insert unit
//!   axes): no kernel, no allocation, and they fuse into whatever reads
//!   them;
//! - **`tile`, `repeat`**: the input seen through unit axes broadcast to
//!   the repeat counts, then reshaped: lazy, and when read one copy kernel
//!   (the reshape no strided layout expresses; NumPy copies there too);
//! - **`roll`, `pad`**: [`Array::concatenate`] of slices, broadcast edges or
//!   constants: evaluated at the call, one strided copy per part, with the
//!   parts' lazy expressions fused into those copies.

use super::pad_mode::PadMode;
use super::Array;
use crate::error::{Error, Result};
use crate::layout::{checked_bytes, normalize_axis};
use crate::view::{AxisSlice, ViewOp};

/// The whole of an axis of length `n`.
fn full(n: usize) -> AxisSlice {
    AxisSlice::Range {
        start: 0,
        step: 1,
        len: n,
    }
}

impl Array {
    /// The view taking `len` elements from `start` by `step` along axis
    /// `ax` (already normalised) and all of every other axis.
    fn range_along(&self, ax: usize, start: usize, step: isize, len: usize) -> Array {
        let axes = (0..self.ndim())
            .map(|i| {
                if i == ax {
                    AxisSlice::Range { start, step, len }
                } else {
                    full(self.shape()[i])
                }
            })
            .collect();
        self.view(ViewOp::Slice(axes))
    }

    /// The view with a new unit axis before each axis listed in `before`
    /// (positions in the input, `ndim` for after the last) — always a
    /// strided layout, whatever the input's.
    fn unit_axes(&self, before: &[usize]) -> Array {
        let mut axes = Vec::new();
        for i in 0..=self.ndim() {
            axes.extend(
                before
                    .iter()
                    .filter(|&&b| b == i)
                    .map(|_| AxisSlice::NewAxis),
            );
            if i < self.ndim() {
                axes.push(full(self.shape()[i]));
            }
        }
        if axes.len() == self.ndim() {
            return self.clone();
        }
        self.view(ViewOp::Slice(axes))
    }

    /// The elements in reverse order along `axis`, or along every axis for
    /// `None` — NumPy's `np.flip`. A view (negative strides): no copy, no
    /// kernel.
    ///
    /// # Errors
    ///
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4, 5, 6], &[2, 3])?;
    /// assert_eq!(a.flip(Some(1))?.to_vec::<i32>()?, vec![3, 2, 1, 6, 5, 4]);
    /// assert_eq!(a.flip(Some(-2))?.to_vec::<i32>()?, vec![4, 5, 6, 1, 2, 3]);
    /// assert_eq!(a.flip(None)?.to_vec::<i32>()?, vec![6, 5, 4, 3, 2, 1]);
    /// assert!(a.flip(Some(2)).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn flip(&self, axis: Option<isize>) -> Result<Array> {
        let only = axis
            .map(|a| normalize_axis("flip", a, self.ndim()))
            .transpose()?;
        let axes: Vec<AxisSlice> = (0..self.ndim())
            .map(|i| {
                let n = self.shape()[i];
                if only.is_some_and(|o| o != i) || n <= 1 {
                    full(n)
                } else {
                    AxisSlice::Range {
                        start: n - 1,
                        step: -1,
                        len: n,
                    }
                }
            })
            .collect();
        if axes
            .iter()
            .all(|s| matches!(s, AxisSlice::Range { step: 1, .. }))
        {
            return Ok(self.clone());
        }
        Ok(self.view(ViewOp::Slice(axes)))
    }

    /// The array with axes `i` and `j` exchanged — NumPy's `np.swapaxes`.
    /// A view.
    ///
    /// # Errors
    ///
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[2, 3, 4], DType::F32);
    /// assert_eq!(a.swapaxes(0, -1)?.shape(), &[4, 3, 2]);
    /// assert!(a.swapaxes(0, 3).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn swapaxes(&self, i: isize, j: isize) -> Result<Array> {
        let i = normalize_axis("swapaxes", i, self.ndim())?;
        let j = normalize_axis("swapaxes", j, self.ndim())?;
        if i == j {
            return Ok(self.clone());
        }
        let mut perm: Vec<usize> = (0..self.ndim()).collect();
        perm.swap(i, j);
        Ok(self.view(ViewOp::Permute(perm)))
    }

    /// The array with axis `from` moved to position `to`, the others
    /// keeping their order — NumPy's `np.moveaxis`. A view.
    ///
    /// # Errors
    ///
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[2, 3, 4], DType::F32);
    /// assert_eq!(a.moveaxis(0, -1)?.shape(), &[3, 4, 2]);
    /// assert_eq!(a.moveaxis(-1, 0)?.shape(), &[4, 2, 3]);
    /// assert!(a.moveaxis(-4, 0).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn moveaxis(&self, from: isize, to: isize) -> Result<Array> {
        let from = normalize_axis("moveaxis", from, self.ndim())?;
        let to = normalize_axis("moveaxis", to, self.ndim())?;
        if from == to {
            return Ok(self.clone());
        }
        let mut perm: Vec<usize> = (0..self.ndim()).filter(|&i| i != from).collect();
        perm.insert(to, from);
        Ok(self.view(ViewOp::Permute(perm)))
    }

    /// The array with at least one axis: a 0-d array becomes shape `[1]`
    /// (NumPy's `np.atleast_1d`). A view.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::scalar(1.0).atleast_1d().shape(), &[1]);
    /// assert_eq!(Array::zeros(&[2, 3], DType::F32).atleast_1d().shape(), &[2, 3]);
    /// ```
    pub fn atleast_1d(&self) -> Array {
        match self.ndim() {
            0 => self.unit_axes(&[0]),
            _ => self.clone(),
        }
    }

    /// The array with at least two axes: 0-d becomes `[1, 1]`, shape `[n]`
    /// becomes `[1, n]` (NumPy's `np.atleast_2d`). A view.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[3], DType::F32).atleast_2d().shape(), &[1, 3]);
    /// assert_eq!(Array::scalar(1.0).atleast_2d().shape(), &[1, 1]);
    /// ```
    pub fn atleast_2d(&self) -> Array {
        match self.ndim() {
            0 => self.unit_axes(&[0, 0]),
            1 => self.unit_axes(&[0]),
            _ => self.clone(),
        }
    }

    /// The array with at least three axes: 0-d becomes `[1, 1, 1]`, `[n]`
    /// becomes `[1, n, 1]` and `[m, n]` becomes `[m, n, 1]` (NumPy's
    /// `np.atleast_3d`). A view.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[3], DType::F32).atleast_3d().shape(), &[1, 3, 1]);
    /// assert_eq!(Array::zeros(&[2, 3], DType::F32).atleast_3d().shape(), &[2, 3, 1]);
    /// ```
    pub fn atleast_3d(&self) -> Array {
        match self.ndim() {
            0 => self.unit_axes(&[0, 0, 0]),
            1 => self.unit_axes(&[0, 1]),
            2 => self.unit_axes(&[2]),
            _ => self.clone(),
        }
    }

    /// `sections` equal parts along `axis` — NumPy's `np.split(a,
    /// sections, axis)`. Each part is a view: no copy, no kernel.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for `sections == 0` or when the axis's
    /// length is not a multiple of `sections` (use
    /// [`array_split`](Array::array_split) for uneven parts);
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 6.0, 1.0, DType::I32)?;
    /// let p = a.split(3, 0)?;
    /// assert_eq!(p[1].to_vec::<i32>()?, vec![2, 3]);
    /// assert!(a.split(4, 0).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn split(&self, sections: usize, axis: isize) -> Result<Vec<Array>> {
        let ax = normalize_axis("split", axis, self.ndim())?;
        if sections == 0 {
            return Err(Error::invalid(
                "split",
                "the number of sections must be larger than 0",
            ));
        }
        let n = self.shape()[ax];
        if !n.is_multiple_of(sections) {
            return Err(Error::invalid(
                "split",
                format!(
                    "axis {ax} of length {n} does not split into {sections} equal sections; use array_split for uneven sections"
                ),
            ));
        }
        self.split_parts(sections, ax)
    }

    /// `sections` parts along `axis`, as equal as possible — NumPy's
    /// `np.array_split`: with `n = q * sections + r`, the first `r` parts
    /// have `q + 1` elements and the rest `q` (some may be empty). Each
    /// part is a view.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for `sections == 0`;
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 7.0, 1.0, DType::I32)?;
    /// let lens: Vec<usize> = a.array_split(3, 0)?.iter().map(|p| p.len()).collect();
    /// assert_eq!(lens, vec![3, 2, 2]);
    /// assert_eq!(a.array_split(9, -1)?.len(), 9);
    /// assert!(a.array_split(0, 0).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn array_split(&self, sections: usize, axis: isize) -> Result<Vec<Array>> {
        let ax = normalize_axis("array_split", axis, self.ndim())?;
        if sections == 0 {
            return Err(Error::invalid(
                "array_split",
                "the number of sections must be larger than 0",
            ));
        }
        self.split_parts(sections, ax)
    }

    fn split_parts(&self, sections: usize, ax: usize) -> Result<Vec<Array>> {
        let n = self.shape()[ax];
        let (q, r) = (n / sections, n % sections);
        let mut start = 0;
        Ok((0..sections)
            .map(|i| {
                let len = q + usize::from(i < r);
                let part = self.range_along(ax, start, 1, len);
                start += len;
                part
            })
            .collect())
    }

    /// The array repeated `reps[i]` times along axis `i` — NumPy's
    /// `np.tile`. When `reps` is shorter than the array's rank it is
    /// padded with leading 1s; when longer, the array gains leading unit
    /// axes.
    ///
    /// Lazy: a broadcast view read through a reshape, which costs one
    /// copy kernel when read (a repetition is no strided layout).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the result's size cannot be
    /// addressed.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert_eq!(a.tile(&[3])?.to_vec::<i32>()?, vec![1, 2, 1, 2, 1, 2]);
    /// let t = a.tile(&[2, 2])?;
    /// assert_eq!(t.shape(), &[2, 4]);
    /// assert_eq!(t.to_vec::<i32>()?, vec![1, 2, 1, 2, 1, 2, 1, 2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn tile(&self, reps: &[usize]) -> Result<Array> {
        let op = "tile";
        let d = self.ndim().max(reps.len());
        let mut shape = vec![1; d - self.ndim()];
        shape.extend_from_slice(self.shape());
        let mut r = vec![1; d - reps.len()];
        r.extend_from_slice(reps);
        let out: Vec<usize> = shape
            .iter()
            .zip(&r)
            .map(|(&s, &k)| s.checked_mul(k))
            .collect::<Option<_>>()
            .ok_or_else(|| crate::layout::too_big(op, &shape, Some(self.dtype())))?;
        checked_bytes(op, &out, self.dtype())?;
        // Leading unit axes for the missing ones (a view), then a unit axis
        // before every axis, broadcast to the repeat count.
        let lead: Vec<usize> = vec![0; d - self.ndim()];
        let a = self.unit_axes(&lead);
        if r.iter().all(|&k| k == 1) {
            return Ok(a);
        }
        let every: Vec<usize> = (0..d).collect();
        let wide = a.unit_axes(&every);
        let stretched: Vec<usize> = r.iter().zip(&shape).flat_map(|(&k, &s)| [k, s]).collect();
        let b = wide.broadcast_to(&stretched)?;
        Ok(b.view(ViewOp::Reshape(out)))
    }

    /// Each element repeated `n` times along `axis` (consecutively), or
    /// along the flattened array for `None` — NumPy's `np.repeat(a, n,
    /// axis)` with one count. A 0-d array repeats as a 1-d one.
    ///
    /// Lazy: a broadcast view read through a reshape, which costs one copy
    /// kernel when read.
    ///
    /// # Errors
    ///
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`;
    /// [`Error::InvalidArgument`] when the result's size cannot be
    /// addressed.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(a.repeat(2, None)?.to_vec::<i32>()?, vec![1, 1, 2, 2, 3, 3, 4, 4]);
    /// assert_eq!(a.repeat(2, Some(0))?.to_vec::<i32>()?, vec![1, 2, 1, 2, 3, 4, 3, 4]);
    /// assert!(a.repeat(2, Some(2)).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn repeat(&self, n: usize, axis: Option<isize>) -> Result<Array> {
        let op = "repeat";
        // A 0-d array repeats as a 1-d one with any axis (NumPy's too).
        let (a, ax) = match axis {
            None => (self.flatten(), 0),
            Some(axis) => {
                let a = self.atleast_1d();
                let ax = normalize_axis(op, axis, a.ndim())?;
                (a, ax)
            }
        };
        let mut out = a.shape().to_vec();
        out[ax] = out[ax]
            .checked_mul(n)
            .ok_or_else(|| crate::layout::too_big(op, a.shape(), Some(a.dtype())))?;
        checked_bytes(op, &out, a.dtype())?;
        if n == 1 {
            return Ok(a);
        }
        if n == 0 {
            return Ok(a.range_along(ax, 0, 1, 0));
        }
        let wide = a.unit_axes(&[ax + 1]);
        let mut stretched = a.shape().to_vec();
        stretched.insert(ax + 1, n);
        let b = wide.broadcast_to(&stretched)?;
        Ok(b.view(ViewOp::Reshape(out)))
    }

    /// The elements shifted by `shift` positions along `axis` (or along
    /// the flattened array for `None`), those pushed off one end coming
    /// back at the other — NumPy's `np.roll`. A negative shift goes the
    /// other way; any shift is taken modulo the length.
    ///
    /// Two slices joined by [`concatenate`](Array::concatenate):
    /// evaluated at the call (one copy kernel per slice, with the array's
    /// lazy expression fused in); no kernel at all when the shift is a
    /// multiple of the length.
    ///
    /// # Errors
    ///
    /// [`Error::AxisOutOfBounds`] for an axis outside `-ndim..ndim`; a
    /// device error from computing the result.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![0i32, 1, 2, 3, 4, 5], &[2, 3])?;
    /// assert_eq!(a.roll(1, None)?.to_vec::<i32>()?, vec![5, 0, 1, 2, 3, 4]);
    /// assert_eq!(a.roll(-1, Some(1))?.to_vec::<i32>()?, vec![1, 2, 0, 4, 5, 3]);
    /// assert!(a.roll(1, Some(-3)).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn roll(&self, shift: isize, axis: Option<isize>) -> Result<Array> {
        let op = "roll";
        let Some(axis) = axis else {
            let shape: Vec<isize> = self.shape().iter().map(|&n| n as isize).collect();
            return self.flatten().roll(shift, Some(0))?.reshape(&shape);
        };
        let ax = normalize_axis(op, axis, self.ndim())?;
        let n = self.shape()[ax];
        if n == 0 {
            return Ok(self.clone());
        }
        let s = shift.rem_euclid(n as isize) as usize;
        if s == 0 {
            return Ok(self.clone());
        }
        let tail = self.range_along(ax, n - s, 1, s);
        let head = self.range_along(ax, 0, 1, n - s);
        Array::concatenate(&[&tail, &head], ax as isize).map_err(|e| e.with_op(op))
    }

    /// The array with `widths[i] = (before, after)` new elements at the
    /// start and end of axis `i`, filled as `mode` says — NumPy's `np.pad`
    /// with modes `"constant"` and `"edge"`. `widths` has one pair per axis,
    /// or a single pair for every axis (NumPy's `((before, after),)`). The
    /// dtype stays the array's.
    ///
    /// Joins ([`concatenate`](Array::concatenate)) along each padded axis:
    /// evaluated at the call; the array's lazy expression, the constants
    /// and the broadcast edges are fused into the copies.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `widths` has neither one pair nor
    /// one per axis, for [`PadMode::Edge`] on an empty axis that gets
    /// padding (there is no edge to repeat; NumPy raises too), or when the
    /// result's size cannot be addressed.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
    /// let p = a.pad(&[(1, 0), (0, 1)], PadMode::Constant(Scalar::F64(0.5)))?;
    /// assert_eq!(p.shape(), &[3, 3]);
    /// assert_eq!(p.to_vec::<f32>()?, vec![0.5, 0.5, 0.5, 1.0, 2.0, 0.5, 3.0, 4.0, 0.5]);
    /// let e = a.pad(&[(0, 1)], PadMode::Edge)?;
    /// assert_eq!(e.to_vec::<f32>()?, vec![1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 3.0, 4.0, 4.0]);
    /// assert!(a.pad(&[(1, 1); 3], PadMode::Edge).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn pad(&self, widths: &[(usize, usize)], mode: PadMode) -> Result<Array> {
        let op = "pad";
        let nd = self.ndim();
        let widths: Vec<(usize, usize)> = match widths.len() {
            n if n == nd => widths.to_vec(),
            1 => vec![widths[0]; nd],
            n => {
                return Err(Error::invalid(
                    op,
                    format!(
                        "{n} (before, after) pairs for an array of {nd} axes; give one pair per axis, or one for all"
                    ),
                ))
            }
        };
        let mut out = self.shape().to_vec();
        for (o, &(b, a)) in out.iter_mut().zip(&widths) {
            *o = o
                .checked_add(b)
                .and_then(|o| o.checked_add(a))
                .ok_or_else(|| crate::layout::too_big(op, self.shape(), Some(self.dtype())))?;
        }
        checked_bytes(op, &out, self.dtype())?;
        if mode == PadMode::Edge {
            if let Some(i) = (0..nd).find(|&i| self.shape()[i] == 0 && widths[i] != (0, 0)) {
                return Err(Error::invalid(
                    op,
                    format!("cannot pad the empty axis {i} with PadMode::Edge: it has no edge to repeat; use PadMode::Constant"),
                ));
            }
        }
        let mut cur = self.clone();
        for (ax, &(b, a)) in widths.iter().enumerate() {
            if (b, a) == (0, 0) {
                continue;
            }
            let n = cur.shape()[ax];
            let border = |len: usize, at: usize| -> Result<Array> {
                let mut shape = cur.shape().to_vec();
                shape[ax] = len;
                match mode {
                    PadMode::Constant(v) => Ok(Array::full(&shape, v.cast(cur.dtype()))),
                    PadMode::Edge => cur.range_along(ax, at, 1, 1).broadcast_to(&shape),
                }
            };
            let mut parts = Vec::with_capacity(3);
            if b > 0 {
                parts.push(border(b, 0)?);
            }
            parts.push(cur.clone());
            if a > 0 {
                parts.push(border(a, n.saturating_sub(1))?);
            }
            let refs: Vec<&Array> = parts.iter().collect();
            cur = Array::concatenate(&refs, ax as isize).map_err(|e| e.with_op(op))?;
        }
        Ok(cur)
    }
}
