//! Shape and indexing methods: `slice`, `reshape`, `t`, `transpose`,
//! `broadcast_to`, `squeeze`, `expand_dims`, `flatten`. Each is a view: on
//! data it is a new layout over the same buffer (no copy, no allocation); on
//! a lazy expression it is a node that fusion pushes down to the leaves.
//!
//! `at`, `reshaped`, `broadcast` and `transposed` are the short forms of
//! `slice`, `reshape`, `broadcast_to` and `transpose` for use inside
//! expressions (`&u.at(s![2..]) - &u.at(s![..-2])`): they panic, as the
//! operators do, with the message of the error the `Result` form returns,
//! naming the short form.

use super::Array;
use crate::error::{Error, Result};
use crate::graph::{Node, NodeDef};
use crate::layout::{broadcast_shapes, checked_bytes, normalize_axis};
use crate::slice::{resolve, SliceArg};
use crate::view::ViewOp;

impl Array {
    /// The view `op` of this array (shape already validated).
    pub(crate) fn view(&self, op: ViewOp) -> Array {
        let shape = op.shape_of(self.shape());
        match self.node.def() {
            NodeDef::Data { storage, layout } => {
                // The public view methods check sizes first; this is the
                // backstop for a view of data, which does not pass through
                // `Node::lazy` (where a lazy or failed value's view goes).
                if let Err(e) = checked_bytes("view", &shape, self.dtype()) {
                    return Array::from_node(Node::failed(shape, self.dtype(), e));
                }
                if let Some(l) = op.apply(&layout) {
                    return Array::from_node(Node::data(storage, l));
                }
            }
            // A constant is the same everywhere: any view of it is the constant.
            NodeDef::Const(s) => {
                return Array::from_node(Node::lazy(shape, self.dtype(), NodeDef::Const(s)))
            }
            _ => {}
        }
        Array::from_node(Node::lazy(
            shape,
            self.dtype(),
            NodeDef::View(op, self.node.clone()),
        ))
    }

    /// NumPy basic indexing with [`s!`](crate::s): ranges with steps
    /// (negative too), single indices (which drop the axis) and `NewAxis`.
    /// The result is a view: nothing is copied.
    ///
    /// Errors: [`Error::IndexOutOfBounds`] for a single index past an axis,
    /// [`Error::InvalidArgument`] for a step of 0 or more indices than axes.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 10.0, 1.0, DType::I64)?;
    /// assert_eq!(a.slice(s![..;-3])?.to_vec::<i64>()?, vec![9, 6, 3, 0]);
    /// assert_eq!(a.slice(s![2..5])?.to_vec::<i64>()?, vec![2, 3, 4]);
    /// assert!(a.slice(s![..;0]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn slice(&self, args: impl AsRef<[SliceArg]>) -> Result<Array> {
        let axes = resolve("slice", args.as_ref(), self.shape())?;
        Ok(self.view(ViewOp::Slice(axes)))
    }

    /// The same elements (C order) under a new shape; one entry may be `-1`.
    /// A view when the layout allows, otherwise the data is copied when read.
    ///
    /// Errors: [`Error::InvalidArgument`] when the sizes differ, for more
    /// than one `-1`, or for another negative entry.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 6.0, 1.0, DType::F32)?.reshape(&[2, -1])?;
    /// assert_eq!(a.shape(), &[2, 3]);
    /// assert!(a.reshape(&[4, 2]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn reshape(&self, shape: &[isize]) -> Result<Array> {
        let size = self.size();
        let bad = |why: String| {
            Error::invalid(
                "reshape",
                format!(
                    "cannot reshape an array of shape {:?} ({size} elements) into {shape:?}: {why}",
                    self.shape()
                ),
            )
        };
        let unknown: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] == -1).collect();
        if unknown.len() > 1 {
            return Err(bad("only one dimension can be -1".into()));
        }
        if let Some(&n) = shape.iter().find(|&&n| n < -1) {
            return Err(bad(format!("{n} is not a valid dimension")));
        }
        let known = shape
            .iter()
            .filter(|&&n| n >= 0)
            .try_fold(1usize, |acc, &n| acc.checked_mul(n as usize))
            .ok_or_else(|| bad("the shape's size overflows".into()))?;
        let mut new: Vec<usize> = shape.iter().map(|&n| n.max(0) as usize).collect();
        if let Some(&i) = unknown.first() {
            if known == 0 || !size.is_multiple_of(known) {
                return Err(bad("the -1 dimension cannot be inferred".into()));
            }
            new[i] = size / known;
        } else if known != size {
            return Err(bad("the sizes differ".into()));
        }
        // `known` skips nothing: an empty array may not take a shape whose
        // other lengths multiply past what strides can address.
        checked_bytes("reshape", &new, self.dtype())?;
        if new == self.shape() {
            return Ok(self.clone());
        }
        Ok(self.view(ViewOp::Reshape(new)))
    }

    /// The transpose: axes reversed (a view).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[2, 3, 4], DType::F32);
    /// assert_eq!(a.t().shape(), &[4, 3, 2]);
    /// ```
    pub fn t(&self) -> Array {
        let axes: Vec<usize> = (0..self.ndim()).rev().collect();
        self.view(ViewOp::Permute(axes))
    }

    /// Axes permuted: axis `i` of the result is axis `axes[i]` (a view).
    ///
    /// Errors: [`Error::AxisOutOfBounds`] for an axis ≥ `ndim`,
    /// [`Error::InvalidArgument`] unless `axes` is a permutation.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[2, 3, 4], DType::F32);
    /// assert_eq!(a.transpose(&[1, 2, 0])?.shape(), &[3, 4, 2]);
    /// assert!(a.transpose(&[0, 0, 1]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn transpose(&self, axes: &[usize]) -> Result<Array> {
        let n = self.ndim();
        if let Some(&a) = axes.iter().find(|&&a| a >= n) {
            return Err(Error::AxisOutOfBounds {
                op: "transpose",
                axis: a as isize,
                ndim: n,
            });
        }
        let mut seen = vec![false; n];
        for &a in axes {
            seen[a] = true;
        }
        if axes.len() != n || seen.contains(&false) {
            return Err(Error::invalid(
                "transpose",
                format!(
                    "axes {axes:?} are not a permutation of 0..{n}; name every axis exactly once"
                ),
            ));
        }
        Ok(self.view(ViewOp::Permute(axes.to_vec())))
    }

    /// The array broadcast to `shape` (a stride-0 view: no copy).
    ///
    /// Errors: [`Error::ShapeMismatch`] unless the array broadcasts to exactly `shape`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let row = Array::from_vec(vec![1i32, 2, 3], &[3])?;
    /// assert_eq!(row.broadcast_to(&[2, 3])?.to_vec::<i32>()?, vec![1, 2, 3, 1, 2, 3]);
    /// assert!(row.broadcast_to(&[3, 2]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Array> {
        // NumPy: even a view must be addressable at its dtype's size.
        checked_bytes("broadcast_to", shape, self.dtype())?;
        let b = broadcast_shapes("broadcast_to", self.shape(), shape)?;
        if b != shape {
            return Err(Error::ShapeMismatch {
                op: "broadcast_to",
                lhs: self.shape().to_vec(),
                rhs: shape.to_vec(),
                detail: format!("the array would broadcast to {b:?}, not to the requested shape"),
            });
        }
        if shape == self.shape() {
            return Ok(self.clone());
        }
        Ok(self.view(ViewOp::Broadcast(shape.to_vec())))
    }

    /// The array without its length-1 axes (a view).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[1, 3, 1], DType::F32).squeeze().shape(), &[3]);
    /// ```
    pub fn squeeze(&self) -> Array {
        let shape: Vec<usize> = self.shape().iter().copied().filter(|&n| n != 1).collect();
        if shape == self.shape() {
            return self.clone();
        }
        self.view(ViewOp::Reshape(shape))
    }

    /// The array without `axis`, which must have length 1 (a view).
    ///
    /// Errors: [`Error::AxisOutOfBounds`], or [`Error::InvalidArgument`] if
    /// the axis is not of length 1.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[1, 3], DType::F32);
    /// assert_eq!(a.squeeze_axis(0)?.shape(), &[3]);
    /// assert!(a.squeeze_axis(1).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn squeeze_axis(&self, axis: isize) -> Result<Array> {
        let ax = normalize_axis("squeeze_axis", axis, self.ndim())?;
        if self.shape()[ax] != 1 {
            return Err(Error::invalid(
                "squeeze_axis",
                format!("axis {axis} of shape {:?} has length {}, not 1; only length-1 axes can be squeezed", self.shape(), self.shape()[ax]),
            ));
        }
        let mut shape = self.shape().to_vec();
        shape.remove(ax);
        Ok(self.view(ViewOp::Reshape(shape)))
    }

    /// A new length-1 axis at `axis` (in `-(ndim+1)..=ndim`) (a view).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[3], DType::F32);
    /// assert_eq!(a.expand_dims(-1)?.shape(), &[3, 1]);
    /// assert!(a.expand_dims(2).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn expand_dims(&self, axis: isize) -> Result<Array> {
        let ax = normalize_axis("expand_dims", axis, self.ndim() + 1)?;
        let mut shape = self.shape().to_vec();
        shape.insert(ax, 1);
        Ok(self.view(ViewOp::Reshape(shape)))
    }

    /// The elements in C order as a 1-d array (a view when the layout
    /// allows; a copy, made when read, otherwise).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(a.t().flatten().to_vec::<i32>()?, vec![1, 3, 2, 4]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn flatten(&self) -> Array {
        if self.ndim() == 1 {
            return self.clone();
        }
        self.view(ViewOp::Reshape(vec![self.size()]))
    }

    /// The short form of [`slice`](Array::slice) for expressions: NumPy's
    /// `a[1:-1, ::2]` is `a.at(s![1..-1, ..;2])`, a view (nothing is copied).
    ///
    /// **Panics** where `slice` returns an error (an index past an axis, a
    /// step of 0, more indices than axes), with that error's message naming
    /// `at`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let u = Array::from_vec(vec![1.0f64, 4.0, 9.0, 16.0, 25.0], &[5])?;
    /// // The second difference u[2:] - 2 u[1:-1] + u[:-2], one fused kernel.
    /// let d2 = &u.at(s![2..]) - 2.0 * &u.at(s![1..-1]) + &u.at(s![..-2]);
    /// assert_eq!(d2.to_vec::<f64>()?, vec![2.0, 2.0, 2.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    ///
    /// ```should_panic
    /// use tandem::prelude::*;
    /// Array::zeros(&[3], DType::F32).at(s![5]); // at: index 5 is out of bounds for axis 0 with size 3 ...
    /// ```
    #[track_caller]
    pub fn at(&self, args: impl AsRef<[SliceArg]>) -> Array {
        short_form(self.slice(args), "at")
    }

    /// The short form of [`reshape`](Array::reshape) for expressions: NumPy's
    /// `a.reshape(2, -1)` is `a.reshaped(&[2, -1])`.
    ///
    /// **Panics** where `reshape` returns an error (the sizes differ, more
    /// than one `-1`), with that error's message naming `reshaped`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 6.0, 1.0, DType::I64)?;
    /// let col_sums = a.reshaped(&[2, -1]).sum_axis(0, false)?;
    /// assert_eq!(col_sums.to_vec::<i64>()?, vec![3, 5, 7]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    ///
    /// ```should_panic
    /// use tandem::prelude::*;
    /// Array::zeros(&[6], DType::F32).reshaped(&[4, -1]); // reshaped: cannot reshape ...
    /// ```
    #[track_caller]
    pub fn reshaped(&self, shape: &[isize]) -> Array {
        short_form(self.reshape(shape), "reshaped")
    }

    /// The short form of [`broadcast_to`](Array::broadcast_to) for
    /// expressions: NumPy's `np.broadcast_to(a, (2, 3))` is
    /// `a.broadcast(&[2, 3])`, a stride-0 view.
    ///
    /// **Panics** where `broadcast_to` returns an error (the array does not
    /// broadcast to exactly `shape`), with that error's message naming
    /// `broadcast`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let row = Array::from_vec(vec![1i32, 2, 3], &[3])?;
    /// assert_eq!(row.broadcast(&[2, 3]).to_vec::<i32>()?, vec![1, 2, 3, 1, 2, 3]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    ///
    /// ```should_panic
    /// use tandem::prelude::*;
    /// Array::zeros(&[3], DType::F32).broadcast(&[3, 2]); // broadcast: shapes [3] and [3, 2] ...
    /// ```
    #[track_caller]
    pub fn broadcast(&self, shape: &[usize]) -> Array {
        short_form(self.broadcast_to(shape), "broadcast")
    }

    /// The short form of [`transpose`](Array::transpose) for expressions:
    /// NumPy's `a.transpose(1, 0, 2)` is `a.transposed(&[1, 0, 2])`, a view.
    /// (`a.t()` reverses the axes and cannot fail.)
    ///
    /// **Panics** where `transpose` returns an error (an axis ≥ `ndim`, not
    /// a permutation), with that error's message naming `transposed`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[2, 3, 4], DType::F32);
    /// assert_eq!(a.transposed(&[1, 0, 2]).shape(), &[3, 2, 4]);
    /// ```
    ///
    /// ```should_panic
    /// use tandem::prelude::*;
    /// Array::zeros(&[2, 3], DType::F32).transposed(&[0, 0]); // transposed: axes [0, 0] are not a permutation ...
    /// ```
    #[track_caller]
    pub fn transposed(&self, axes: &[usize]) -> Array {
        short_form(self.transpose(axes), "transposed")
    }
}

/// The value of a view method's `Result`, or a panic with its error's
/// message attributed to the short form `name` the user called.
#[track_caller]
fn short_form(r: Result<Array>, name: &'static str) -> Array {
    match r {
        Ok(a) => a,
        Err(e) => panic!("{}", e.with_op(name)),
    }
}
