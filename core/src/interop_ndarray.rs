//! Conversions between tandem's [`Array`] and [`ndarray`]'s arrays
//! (feature `ndarray`).
//!
//! | from | to | how |
//! | --- | --- | --- |
//! | `ndarray::Array<T, D>`, `ArrayView<T, D>`, `&ArrayBase<S, D>` | `Array` | `Array::from(x)` / `x.into()` |
//! | `Array` | `ndarray::ArrayD<T>` | `a.to_ndarray::<T>()?`, or `ArrayD::<T>::try_from(&a)?` |
//!
//! # Copies
//!
//! Each direction copies the elements exactly once. Sharing the memory is
//! not possible with tandem's storage: a tandem host buffer is a 64-byte
//! aligned allocation (and may live on a GPU, or be shared copy-on-write by
//! other handles), while an owned ndarray is a `Vec<T>` of its own; neither
//! can adopt the other's allocation.
//!
//! The one copy is a plain `memcpy` whenever the source's elements are dense
//! in memory in any axis order, and the layout is kept: a Fortran-order or
//! transposed ndarray becomes a tandem array with the same strides (a view,
//! as tandem's `t()` makes), and a transposed tandem array becomes a
//! Fortran-order ndarray. Only gapped or broadcast layouts (a stepped slice,
//! a broadcast view, negative strides on the tandem side) are gathered
//! element by element, into C order.

use crate::array::Array;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::graph::{Node, Storage};
use crate::layout::Layout;
use crate::runtime::{force, host_copy};
use crate::scalar::Scalar;
use ndarray::{ArrayBase, ArrayD, ArrayView, Dimension, IxDyn, ShapeBuilder};

/// Builds an array from any ndarray view: one `memcpy` (keeping the layout)
/// when the view is dense in memory, else one gather into C order.
fn from_view<T: Element>(v: ArrayView<'_, T, IxDyn>) -> Array {
    let shape = v.shape().to_vec();
    let n = v.len();
    if n == 0 {
        return Array::from_node(Node::from_host(T::DTYPE, &shape, HostBuffer::zeroed(0)));
    }
    if let Some(slice) = v.as_slice_memory_order() {
        let strides = v.strides().to_vec();
        // The slice starts at the lowest address; the logical first element
        // sits past every axis that runs backwards.
        let offset = shape
            .iter()
            .zip(&strides)
            .filter(|(_, &s)| s < 0)
            .map(|(&len, &s)| (len - 1) * s.unsigned_abs())
            .sum();
        let host = HostBuffer::from_bytes(T::as_bytes(slice));
        let layout = Layout {
            shape,
            strides,
            offset,
        };
        return Array::from_node(Node::data(Storage::from_host(T::DTYPE, n, host), layout));
    }
    let size = T::DTYPE.size_of();
    let mut host = HostBuffer::for_overwrite(n * size);
    for (dst, x) in host.as_bytes_mut().chunks_exact_mut(size).zip(v.iter()) {
        dst.copy_from_slice(T::as_bytes(std::slice::from_ref(x)));
    }
    Array::from_node(Node::from_host(T::DTYPE, &shape, host))
}

/// An owned ndarray (any dimensionality) → an array, copying the elements
/// once (see the [module docs](self) for why not zero).
///
/// ```
/// use tandem::prelude::*;
/// let nd = ndarray::ArrayD::from_shape_vec(vec![2, 2], vec![1.0f32, 2.0, 3.0, 4.0]).unwrap();
/// let a = Array::from(nd);
/// assert_eq!((a.shape(), a.dtype()), (&[2, 2][..], DType::F32));
/// assert_eq!(Array::from(ndarray::arr1(&[true, false])).to_vec::<bool>()?, vec![true, false]);
/// # Ok::<(), tandem::Error>(())
/// ```
impl<T: Element, D: Dimension> From<ndarray::Array<T, D>> for Array {
    fn from(a: ndarray::Array<T, D>) -> Array {
        from_view(a.view().into_dyn())
    }
}

/// An ndarray view → an array, copying the elements once. A view that is
/// dense in memory in any axis order (Fortran order, transposed, reversed)
/// is copied with one `memcpy` and keeps its strides; other views (stepped
/// slices, broadcasts) are gathered into C order.
///
/// ```
/// use tandem::prelude::*;
/// use ndarray::s;
/// let nd = ndarray::Array::from_shape_vec((2, 3), (0..6i64).collect()).unwrap();
/// assert_eq!(Array::from(nd.t()).to_vec::<i64>()?, vec![0, 3, 1, 4, 2, 5]);
/// assert_eq!(Array::from(nd.slice(s![.., ..;2])).to_vec::<i64>()?, vec![0, 2, 3, 5]);
/// # Ok::<(), tandem::Error>(())
/// ```
impl<T: Element, D: Dimension> From<ArrayView<'_, T, D>> for Array {
    fn from(v: ArrayView<'_, T, D>) -> Array {
        from_view(v.into_dyn())
    }
}

/// A reference to any ndarray (owned, view, shared) → an array, copying
/// the elements once.
///
/// ```
/// use tandem::prelude::*;
/// let nd = ndarray::arr2(&[[1u32, 2], [3, 4]]);
/// let a = Array::from(&nd);
/// assert_eq!(a.to_vec::<u32>()?, vec![1, 2, 3, 4]);
/// assert_eq!(nd[[1, 0]], 3); // still usable
/// # Ok::<(), tandem::Error>(())
/// ```
impl<T: Element, S: ndarray::Data<Elem = T>, D: Dimension> From<&ArrayBase<S, D>> for Array {
    fn from(a: &ArrayBase<S, D>) -> Array {
        from_view(a.view().into_dyn())
    }
}

/// Element `T` from its native-order bytes (`None` only if `T` is not `dtype`).
fn read_elem<T: Element>(b: &[u8]) -> Option<T> {
    let s = match T::DTYPE {
        DType::Bool => Scalar::Bool(*b.first()? != 0),
        DType::I32 => Scalar::I32(i32::from_ne_bytes(b.try_into().ok()?)),
        DType::I64 => Scalar::I64(i64::from_ne_bytes(b.try_into().ok()?)),
        DType::U32 => Scalar::U32(u32::from_ne_bytes(b.try_into().ok()?)),
        DType::F32 => Scalar::F32(f32::from_ne_bytes(b.try_into().ok()?)),
        DType::F64 => Scalar::F64(f64::from_ne_bytes(b.try_into().ok()?)),
    };
    T::from_scalar(s)
}

fn internal(detail: String) -> Error {
    Error::invalid(
        "to_ndarray",
        format!("internal error building the ndarray ({detail}); please report it"),
    )
}

impl Array {
    /// The array as an owned [`ndarray::ArrayD`] (feature `ndarray`).
    /// Forces evaluation and copies the elements once: with one `memcpy`
    /// when they are dense in memory (a transposed array comes back in
    /// Fortran order, with the same strides), else gathered into C order.
    ///
    /// Errors: [`Error::DTypeMismatch`] if `T` is not the array's dtype.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 6.0, 1.0, DType::F64)?.reshape(&[2, 3])?;
    /// let nd = a.t().to_ndarray::<f64>()?;
    /// assert_eq!(nd.shape(), &[3, 2]);
    /// assert_eq!(nd[[2, 1]], 5.0);
    /// assert!(matches!(a.to_ndarray::<f32>(), Err(Error::DTypeMismatch { .. })));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn to_ndarray<T: Element>(&self) -> Result<ArrayD<T>> {
        if T::DTYPE != self.dtype() {
            return Err(Error::DTypeMismatch {
                op: "to_ndarray",
                expected: T::DTYPE.name().into(),
                got: self.dtype(),
                hint: format!(
                    "call to_ndarray with the element type of {}, or astype(DType::{:?}) first",
                    self.dtype().name(),
                    T::DTYPE
                ),
            });
        }
        force(&self.node)?;
        let Some((storage, layout)) = self.node.as_data() else {
            return Err(internal("a forced array holds no data".into()));
        };
        let host = host_copy(&storage)?;
        let bytes = host.as_bytes();
        let size = T::DTYPE.size_of();
        let shape = IxDyn(self.shape());
        let n = layout.size();
        let span = layout.span();
        if let Some((lo, hi)) = span.filter(|&(lo, hi)| hi - lo == n) {
            let data = bytes
                .get(lo * size..hi * size)
                .ok_or_else(|| internal("the layout reaches past the buffer".into()))?;
            let values = T::from_bytes(data);
            if layout.is_contiguous() {
                return ArrayD::from_shape_vec(shape, values).map_err(|e| internal(e.to_string()));
            }
            // Dense in another axis order: keep the strides (relative to the
            // lowest position, which is the first element when none is negative).
            if layout.strides.iter().all(|&s| s >= 0) && layout.offset == lo {
                let strides: Vec<usize> = layout.strides.iter().map(|&s| s as usize).collect();
                if let Ok(a) =
                    ArrayD::from_shape_vec(shape.clone().strides(IxDyn(&strides)), values)
                {
                    return Ok(a);
                }
            }
        }
        // Gapped, broadcast or reversed: gather into C order.
        let mut values = Vec::new();
        values
            .try_reserve_exact(n)
            .map_err(|_| Error::OutOfMemory {
                op: "to_ndarray",
                device: "cpu".into(),
                bytes: (n * size) as u64,
            })?;
        if n > 0 {
            let nd = layout.shape.len();
            let mut idx = vec![0usize; nd];
            let mut pos = layout.offset as isize;
            for _ in 0..n {
                let p = pos as usize * size;
                let x = bytes
                    .get(p..p + size)
                    .and_then(read_elem::<T>)
                    .ok_or_else(|| internal("the layout reaches past the buffer".into()))?;
                values.push(x);
                for ax in (0..nd).rev() {
                    idx[ax] += 1;
                    pos += layout.strides[ax];
                    if idx[ax] < layout.shape[ax] {
                        break;
                    }
                    pos -= layout.strides[ax] * layout.shape[ax] as isize;
                    idx[ax] = 0;
                }
            }
        }
        ArrayD::from_shape_vec(shape, values).map_err(|e| internal(e.to_string()))
    }
}

/// `ArrayD::<T>::try_from(&a)`: the same as [`Array::to_ndarray`].
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::from_vec(vec![1i32, 2, 3], &[3])?;
/// let nd = ndarray::ArrayD::<i32>::try_from(&a)?;
/// assert_eq!(nd.as_slice(), Some(&[1, 2, 3][..]));
/// # Ok::<(), tandem::Error>(())
/// ```
impl<T: Element> TryFrom<&Array> for ArrayD<T> {
    type Error = Error;
    fn try_from(a: &Array) -> Result<ArrayD<T>> {
        a.to_ndarray::<T>()
    }
}
