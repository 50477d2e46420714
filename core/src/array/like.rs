//! Arrays shaped like another: `copy` and the `*_like` constructors
//! (`zeros_like`, `ones_like`, `full_like`, `empty_like`).
//!
//! They are here, not in `creation.rs`, because they take an existing
//! array and keep its shape and dtype, as NumPy's `*_like` family does.
//! All are lazy: a `*_like` is a constant node (no memory until read, and
//! then it fuses into its consumer), and `copy` is an identity node that a
//! force computes into a fresh contiguous buffer, fused into the kernel
//! that computes its input.

use super::Array;
use crate::graph::{Node, NodeDef};
use crate::scalar::Scalar;

impl Array {
    /// A copy of the array with storage of its own, C-contiguous — NumPy's
    /// `a.copy()`.
    ///
    /// Every `Array` is already copy-on-write (no handle ever sees
    /// another's writes), so what `copy` adds is the fresh buffer: a copy
    /// of a small slice of a big array no longer keeps the big one alive
    /// once read. Lazy: when read it costs one kernel, or none extra when
    /// the array is itself a lazy expression (the copy is that
    /// expression's own output).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let big = Array::arange(0.0, 1000.0, 1.0, DType::F32)?;
    /// let mut c = big.slice(s![..;-250])?.copy();
    /// assert_eq!(c.to_vec::<f32>()?, vec![999.0, 749.0, 499.0, 249.0]);
    /// c.set(&[0], 5.0)?;
    /// assert_eq!(big.get(&[999])?, Scalar::F32(999.0));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn copy(&self) -> Array {
        Array::from_node(Node::lazy(
            self.shape().to_vec(),
            self.dtype(),
            NodeDef::Cast(self.node.clone()),
        ))
    }

    /// Zeros with `a`'s shape and dtype (NumPy's `np.zeros_like`). Lazy:
    /// a constant that costs nothing until read.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.5f32, 2.5], &[2, 1])?;
    /// let z = Array::zeros_like(&a);
    /// assert_eq!((z.shape(), z.dtype()), (&[2, 1][..], DType::F32));
    /// assert_eq!(z.to_vec::<f32>()?, vec![0.0, 0.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn zeros_like(a: &Array) -> Array {
        Array::zeros(a.shape(), a.dtype())
    }

    /// Ones with `a`'s shape and dtype (NumPy's `np.ones_like`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![true, false], &[2])?;
    /// assert_eq!(Array::ones_like(&a).to_vec::<bool>()?, vec![true, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn ones_like(a: &Array) -> Array {
        Array::ones(a.shape(), a.dtype())
    }

    /// `value` converted to `a`'s dtype (NumPy's unsafe cast: `2.7` into
    /// `I32` is `2`), with `a`'s shape — NumPy's `np.full_like`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::zeros(&[3], DType::I32);
    /// let f = Array::full_like(&a, 2.7);
    /// assert_eq!((f.dtype(), f.to_vec::<i32>()?), (DType::I32, vec![2, 2, 2]));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn full_like(a: &Array, value: impl Into<Scalar>) -> Array {
        Array::full(a.shape(), value.into().cast(a.dtype()))
    }

    /// An array with `a`'s shape and dtype whose values do not matter
    /// (NumPy's `np.empty_like`). tandem hands out no uninitialised
    /// memory: the values are zeros, and, lazy, cost nothing until read.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::ones(&[2, 2], DType::F64);
    /// let e = Array::empty_like(&a);
    /// assert_eq!((e.shape(), e.dtype()), (&[2, 2][..], DType::F64));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn empty_like(a: &Array) -> Array {
        Array::zeros(a.shape(), a.dtype())
    }
}
