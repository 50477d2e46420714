//! Joining arrays (`concatenate`, `stack`, `hstack`, `vstack`) and writing
//! into a region (`assign`). Both are strided copies into part of a buffer:
//! one kernel per input, writing through the region's layout, on the device
//! where the data lives.

use super::elementwise::cast_node;
use super::{Array, Operand};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::force::{assemble, force, write_in_place};
use crate::graph::Node;
use crate::layout::{broadcast_shapes, normalize_axis, Layout};
use crate::slice::{resolve, SliceArg};
use crate::view::ViewOp;

/// The region of a C-contiguous `shape` that runs `start..start+len` along `axis`.
fn region(shape: &[usize], axis: usize, start: usize, len: usize) -> Layout {
    let mut l = Layout::contiguous(shape);
    l.offset = start * l.strides[axis] as usize;
    l.shape[axis] = len;
    l
}

impl Array {
    /// Joins arrays along an existing axis, promoting their dtypes (NumPy's
    /// `np.concatenate`).
    ///
    /// Errors: [`Error::InvalidArgument`] for no arrays or 0-d arrays,
    /// [`Error::AxisOutOfBounds`], [`Error::ShapeMismatch`] when ranks or the
    /// other axes differ.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4], &[2, 2])?;
    /// let b = Array::from_vec(vec![5.5f32, 6.5], &[2, 1])?;
    /// let c = Array::concatenate(&[&a, &b], 1)?;
    /// assert_eq!((c.shape(), c.dtype()), (&[2, 3][..], DType::F64));
    /// assert_eq!(c.to_vec::<f64>()?, vec![1.0, 2.0, 5.5, 3.0, 4.0, 6.5]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn concatenate(arrays: &[&Array], axis: isize) -> Result<Array> {
        let op = "concatenate";
        let first = arrays
            .first()
            .ok_or_else(|| Error::invalid(op, "need at least one array to concatenate"))?;
        if first.ndim() == 0 {
            return Err(Error::invalid(
                op,
                "zero-dimensional arrays cannot be concatenated; use stack, or expand_dims first",
            ));
        }
        let ax = normalize_axis(op, axis, first.ndim())?;
        let mut shape = first.shape().to_vec();
        shape[ax] = 0;
        for a in arrays {
            let mismatch = |detail: String| Error::ShapeMismatch {
                op,
                lhs: first.shape().to_vec(),
                rhs: a.shape().to_vec(),
                detail,
            };
            if a.ndim() != first.ndim() {
                return Err(mismatch(format!(
                    "ranks differ ({} vs {}); all arrays need the same number of axes",
                    first.ndim(),
                    a.ndim()
                )));
            }
            if let Some(i) = (0..a.ndim()).find(|&i| i != ax && a.shape()[i] != first.shape()[i]) {
                return Err(mismatch(format!(
                    "axis {i}: {} vs {}; every axis but the concatenation axis {ax} must match",
                    first.shape()[i],
                    a.shape()[i]
                )));
            }
            shape[ax] = shape[ax]
                .checked_add(a.shape()[ax])
                .ok_or_else(|| crate::layout::too_big(op, &shape, None))?;
        }
        let dtype = arrays
            .iter()
            .map(|a| a.dtype())
            .reduce(DType::promote)
            .expect("at least one array");
        let size = crate::layout::checked_size(op, &shape)?;
        let mut start = 0;
        let parts: Vec<_> = arrays
            .iter()
            .map(|a| {
                let r = region(&shape, ax, start, a.shape()[ax]);
                start += a.shape()[ax];
                (cast_node(&a.node, dtype), r)
            })
            .collect();
        let storage = assemble(dtype, size, &parts)?;
        Ok(Array::from_node(Node::data(
            storage,
            Layout::contiguous(&shape),
        )))
    }

    /// Joins arrays of one shape along a new axis (NumPy's `np.stack`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// let b = Array::from_vec(vec![3i32, 4], &[2])?;
    /// assert_eq!(Array::stack(&[&a, &b], 1)?.to_vec::<i32>()?, vec![1, 3, 2, 4]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn stack(arrays: &[&Array], axis: isize) -> Result<Array> {
        let first = arrays
            .first()
            .ok_or_else(|| Error::invalid("stack", "need at least one array to stack"))?;
        if let Some(a) = arrays.iter().find(|a| a.shape() != first.shape()) {
            return Err(Error::ShapeMismatch {
                op: "stack",
                lhs: first.shape().to_vec(),
                rhs: a.shape().to_vec(),
                detail: "all arrays must have the same shape".into(),
            });
        }
        let ax = normalize_axis("stack", axis, first.ndim() + 1)?;
        let expanded = arrays
            .iter()
            .map(|a| a.expand_dims(ax as isize))
            .collect::<Result<Vec<_>>>()?;
        Array::concatenate(&expanded.iter().collect::<Vec<_>>(), ax as isize)
    }

    /// Joins horizontally (NumPy's `np.hstack`): along axis 0 for 1-d
    /// arrays, along axis 1 otherwise.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert_eq!(Array::hstack(&[&a, &a])?.to_vec::<i32>()?, vec![1, 2, 1, 2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn hstack(arrays: &[&Array]) -> Result<Array> {
        let parts = arrays
            .iter()
            .map(|a| {
                if a.ndim() == 0 {
                    a.reshape(&[1])
                } else {
                    Ok((*a).clone())
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let axis = if parts.first().is_some_and(|a| a.ndim() == 1) {
            0
        } else {
            1
        };
        Array::concatenate(&parts.iter().collect::<Vec<_>>(), axis)
    }

    /// Joins vertically (NumPy's `np.vstack`): 1-d arrays become rows.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// let v = Array::vstack(&[&a, &a])?;
    /// assert_eq!(v.shape(), &[2, 2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn vstack(arrays: &[&Array]) -> Result<Array> {
        let parts = arrays
            .iter()
            .map(|a| match a.ndim() {
                0 => a.reshape(&[1, 1]),
                1 => a.reshape(&[1, -1]),
                _ => Ok((*a).clone()),
            })
            .collect::<Result<Vec<_>>>()?;
        Array::concatenate(&parts.iter().collect::<Vec<_>>(), 0)
    }

    /// Writes `value` (broadcast to the region, cast to this array's dtype)
    /// into the region `args` selects, like NumPy's `a[args] = value`.
    /// Copy-on-write: other handles, views taken earlier and lazy results
    /// computed from this array never see the write; when nothing else holds
    /// the data it is written in place.
    ///
    /// Errors: those of [`slice`](Array::slice), and
    /// [`Error::ShapeMismatch`] when `value` does not broadcast to the region.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let mut a = Array::zeros(&[2, 3], DType::I32);
    /// let before = a.clone();
    /// a.assign(s![.., 1..], 7)?;
    /// assert_eq!(a.to_vec::<i32>()?, vec![0, 7, 7, 0, 7, 7]);
    /// assert_eq!(before.to_vec::<i32>()?, vec![0; 6]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn assign(
        &mut self,
        args: impl AsRef<[SliceArg]>,
        value: impl Into<Operand>,
    ) -> Result<()> {
        let op = "assign";
        let axes = resolve(op, args.as_ref(), self.shape())?;
        let view = ViewOp::Slice(axes);
        let shape = self.shape().to_vec();
        let region = view
            .apply(&Layout::contiguous(&shape))
            .expect("a slice of a contiguous layout");
        let dtype = self.dtype();
        let value = match value.into() {
            Operand::Scalar(s) => {
                if !s.fits_in(dtype) {
                    return Err(Error::invalid(
                        op,
                        format!(
                            "the integer {s} is out of bounds for {dtype}; cast the array first"
                        ),
                    ));
                }
                Array::full(&region.shape, s.cast(dtype))
            }
            Operand::Array(a) => {
                let b = broadcast_shapes(op, a.shape(), &region.shape)?;
                if b != region.shape {
                    return Err(Error::ShapeMismatch {
                        op,
                        lhs: a.shape().to_vec(),
                        rhs: region.shape.clone(),
                        detail: "the value must broadcast to the selected region".into(),
                    });
                }
                a.astype(dtype).broadcast_to(&region.shape)?
            }
        };
        if region.size() == 0 {
            return Ok(());
        }
        force(&self.node)?;
        let (storage, layout) = self.node.as_data().expect("a forced node holds data");
        // In place only when nothing else can observe the buffer: this handle
        // owns the node, the node owns the storage (plus our local handle),
        // and the data is a plain C-order array.
        if std::sync::Arc::strong_count(&self.node) == 1
            && std::sync::Arc::strong_count(&storage) == 2
            && layout.is_contiguous()
            && layout.offset == 0
            && storage.len == self.size()
            && write_in_place(&storage, &value.node, region.clone())?
        {
            return Ok(());
        }
        drop(storage);
        let parts = [
            (self.node.clone(), Layout::contiguous(&shape)),
            (value.node.clone(), region),
        ];
        let storage = assemble(dtype, self.size(), &parts)?;
        self.node = Node::data(storage, Layout::contiguous(&shape));
        Ok(())
    }
}
