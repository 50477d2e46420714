//! `Array`, the user's handle to a (possibly not yet computed) N-d array,
//! and `Operand`, anything that can stand on either side of a binary op.
//!
//! The methods of `Array` are split by topic, as ndarray does:
//! `creation.rs`, `elementwise.rs`, `operators.rs` (also `+=` and the
//! other compound assignments), `readout.rs`, `reduce.rs`, `shape.rs`
//! (views and their panicking short forms `at`, `reshaped` …), `join.rs`,
//! `products.rs` (`matmul`, `dot`, `tensordot` … and `diagonal`, `trace`).
//! NumPy's non-ufunc helpers, each built from the ops above: `compare.rs`
//! (`isclose`, `allclose`, `array_equal`), `numeric.rs` (`nan_to_num`,
//! `round_to`), `like.rs` (`copy`, `zeros_like` …), `rearrange.rs` (`flip`,
//! `roll`, `tile`, `repeat`, `pad`, `split` …) and `grid.rs` (`meshgrid`,
//! `tril`, `triu`, `diag`).

mod compare;
mod creation;
mod elementwise;
mod grid;
mod join;
mod like;
mod numeric;
mod operators;
mod pad_mode;
mod products;
mod readout;
mod rearrange;
mod reduce;
mod shape;

pub use pad_mode::PadMode;

use crate::dtype::DType;
use crate::graph::Node;
use crate::scalar::Scalar;
use std::sync::Arc;

/// An N-dimensional array with NumPy semantics.
///
/// Cloning is cheap (a new handle to the same data). Operations are lazy:
/// they build an expression graph that is fused into kernels and computed
/// when the data is read (`to_vec`, `item`, `get`, `Display`) or
/// [`eval`](Array::eval)uated. Writing through `&mut self` (`set`) is
/// copy-on-write: no other handle ever sees it.
///
/// # Operators
///
/// | expression | meaning |
/// | --- | --- |
/// | `&a + &b`, `a + b`, `&a + b` | elementwise with broadcasting and NumPy promotion |
/// | `&a * 2.0`, `2.0 * &a`, `1 - &a` | with a weak (NEP 50) scalar: `f32` arrays stay `f32` |
/// | `-&a` | negation |
/// | `a += &b`, `a -= b`, `a *= 2.0`, `a /= &b`, `a %= 3` | NumPy's in-place ops: `a` keeps its dtype and shape (lazy, copy-on-write) |
///
/// **Panics**: the operators panic, with the message of the [`Error`](crate::Error)
/// the `try_` form returns, when shapes do not broadcast or a dtype is
/// rejected (`bool - bool`); the compound assignments also when `b` does
/// not broadcast to `a`'s shape or the result's dtype cannot be cast back
/// to `a`'s under NumPy's `same_kind` rule (`int_array += 0.5`). Use
/// `try_add`, `try_sub`, `try_mul`, `try_div`, `try_rem`, `try_neg` and
/// `try_add_assign` … `try_rem_assign` to get a `Result`.
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::from_vec(vec![1.0f32, 2.0, 3.0], &[3])?;
/// let b = Array::from_vec(vec![10.0f32], &[1])?;
/// let mut c = &a * 2.0 + &b;
/// assert_eq!(c.dtype(), DType::F32);
/// assert_eq!(c.to_vec::<f32>()?, vec![12.0, 14.0, 16.0]);
/// c -= &a;
/// c *= 0.5;
/// assert_eq!(c.to_vec::<f32>()?, vec![5.5, 6.0, 6.5]);
/// # Ok::<(), tandem::Error>(())
/// ```
#[derive(Clone)]
pub struct Array {
    pub(crate) node: Arc<Node>,
}

/// One side of a binary operation: an array, or a Rust scalar, which acts as
/// a NumPy *weak* scalar (its kind matters, not its width: `f32_array + 2.5`
/// stays `F32`). For a strong 0-d value use [`Array::scalar`].
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::from_vec(vec![1i32, 2], &[2])?;
/// assert_eq!(a.try_add(3)?.dtype(), DType::I32);
/// assert_eq!(a.try_add(0.5)?.dtype(), DType::F64);
/// # Ok::<(), tandem::Error>(())
/// ```
#[derive(Clone)]
pub enum Operand {
    /// An array (strong: its dtype takes part in promotion).
    Array(Array),
    /// A weak scalar.
    Scalar(Scalar),
}

impl From<&Array> for Operand {
    fn from(a: &Array) -> Operand {
        Operand::Array(a.clone())
    }
}

impl From<Array> for Operand {
    fn from(a: Array) -> Operand {
        Operand::Array(a)
    }
}

impl From<&&Array> for Operand {
    fn from(a: &&Array) -> Operand {
        Operand::Array((*a).clone())
    }
}

impl From<Scalar> for Operand {
    fn from(s: Scalar) -> Operand {
        Operand::Scalar(s)
    }
}

macro_rules! operand_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Operand {
            fn from(x: $t) -> Operand {
                Operand::Scalar(Scalar::from(x))
            }
        }
    )*};
}
operand_from!(bool, i32, i64, u32, f32, f64);

impl Array {
    pub(crate) fn from_node(node: Arc<Node>) -> Array {
        Array { node }
    }

    /// The shape.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[2, 3], DType::F32).shape(), &[2, 3]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }

    /// The number of axes.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::scalar(1.0).ndim(), 0);
    /// ```
    pub fn ndim(&self) -> usize {
        self.node.shape.len()
    }

    /// The number of elements.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[2, 0], DType::F32).size(), 0);
    /// ```
    pub fn size(&self) -> usize {
        // Only a failed value too big to address can overflow: it says
        // `usize::MAX` (its error comes back when it is read).
        crate::graph::saturating_size(&self.node.shape)
    }

    /// The length of axis 0; 0 for a 0-d array (where NumPy raises).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[4, 2], DType::F32).len(), 4);
    /// assert_eq!(Array::scalar(1.0).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.node.shape.first().copied().unwrap_or(0)
    }

    /// `true` when the array has no elements.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert!(Array::zeros(&[0], DType::F32).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }

    /// The element type.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::scalar(true).dtype(), DType::Bool);
    /// ```
    pub fn dtype(&self) -> DType {
        self.node.dtype
    }
}
