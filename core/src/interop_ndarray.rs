//! Conversions between tandem's [`Array`] and [`ndarray`]'s arrays
//! (feature `ndarray`).
//!
//! | from | to | how | copies |
//! | --- | --- | --- | --- |
//! | owned `ndarray::Array<T, D>` | `Array` | `Array::from(nd)` / `nd.into()` | none: the `Vec<T>` is adopted |
//! | `ArrayView<T, D>`, `&ArrayBase<S, D>` | `Array` | `Array::from(x)` | one |
//! | `Array` (consumed) | `ndarray::ArrayD<T>` | `a.into_ndarray::<T>()?`, `ArrayD::<T>::try_from(a)?` | none when the data is an adopted `Vec<T>` no one else holds, else one |
//! | `&Array` | `ndarray::ArrayD<T>` | `a.to_ndarray::<T>()?`, `ArrayD::<T>::try_from(&a)?` | one |
//!
//! # Zero-copy
//!
//! **ndarray → tandem.** An owned ndarray gives up its `Vec<T>`
//! (`into_raw_vec_and_offset`) and the array's host buffer *adopts* it
//! ([`HostBuffer::from_vec`]): no element is copied, the data pointer stays
//! the same, and the ndarray's strides and offset become the array's
//! [`Layout`] unchanged, whatever they are (C or Fortran order, permuted or
//! reversed axes, an in-place slice with steps). The `Vec` is freed as the
//! `Vec<T>` it is when the last array using it drops (never through
//! tandem's buffer pool), and counts in
//! [`live_bytes`](crate::buffer::live_bytes) meanwhile. Writes (`set`,
//! `assign`) go into it in place under the usual copy-on-write rule: only
//! while nothing else holds it. Kernels read it where it is; its alignment
//! is `T`'s, not the 64 bytes of tandem's own buffers, which the backends
//! do not require (the CPU's SIMD loads are unaligned loads). A view
//! (`ArrayView`, `&ArrayBase`) borrows memory tandem cannot keep, so it is
//! copied once; so is an `ArcArray`, through `&`. An empty ndarray is
//! not adopted (there is nothing to share).
//!
//! **tandem → ndarray.** [`Array::into_ndarray`] hands the adopted `Vec<T>`
//! back without copying when all of these hold: the array is data (not a
//! lazy expression: computing one writes a new buffer), that data is a
//! `Vec<T>` of the same `T` adopted as above, this `Array` is its only
//! handle (no clone, view or pending expression uses it: copy-on-write
//! sharing is never broken), and its elements are dense in memory in some
//! axis order (any strides' signs, any offset into the `Vec`). The ndarray
//! then has the array's strides and points at the same element. Everything
//! else copies once: [`Array::to_ndarray`] (it borrows, so the array keeps
//! its data), computed results, arrays whose only valid copy is on a GPU,
//! and gapped layouts (a stepped slice). A buffer tandem allocated itself
//! can never become a `Vec<T>`: it is 64-byte aligned, and a `Vec<T>` must
//! be freed with the layout it was allocated with (`T`'s alignment).
//!
//! # The copies
//!
//! A copy is a plain `memcpy` whenever the source's elements are dense in
//! memory in any axis order, and the layout is kept: a Fortran-order,
//! transposed or reversed ndarray view becomes a tandem array with the same
//! strides (a view, as tandem's `t()` makes), and a transposed or reversed
//! tandem array becomes an ndarray with those strides. Only gapped or broadcast layouts (a stepped slice,
//! a broadcast view) are gathered element by element, into C order.

use crate::array::Array;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::force::force;
use crate::graph::{Node, Storage};
use crate::layout::Layout;
use crate::scalar::Scalar;
use crate::transfer::host_copy;
use ndarray::{ArrayBase, ArrayD, ArrayView, Axis, Dimension, IxDyn};
use std::sync::Arc;

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

/// An owned ndarray (any dimensionality and layout) → an array, **without
/// copying**: the array's host buffer adopts the ndarray's `Vec<T>`, and
/// its strides and offset become the array's layout, whatever they are (C
/// or Fortran order, permuted or reversed axes, an in-place slice). The
/// `Vec` is freed as a `Vec<T>` when the last array using it drops, and
/// [`Array::into_ndarray`] can hand it back. Kernels read it in place;
/// writes (`set`, `assign`) go into it only while nothing else holds it
/// (copy-on-write). An empty ndarray gives an empty array.
///
/// ```
/// use tandem::prelude::*;
/// let nd = ndarray::ArrayD::from_shape_vec(vec![2, 2], vec![1.0f32, 2.0, 3.0, 4.0]).unwrap();
/// let ptr = nd.as_ptr();
/// let a = Array::from(nd);
/// assert_eq!((a.shape(), a.dtype()), (&[2, 2][..], DType::F32));
/// assert_eq!(a.into_ndarray::<f32>()?.as_ptr(), ptr); // the same memory, both ways
/// let f = ndarray::Array2::<i64>::zeros((3, 4).f()); // Fortran order
/// assert_eq!(Array::from(f).t().shape(), &[4, 3]);
/// assert_eq!(Array::from(ndarray::arr1(&[true, false])).to_vec::<bool>()?, vec![true, false]);
/// # use ndarray::ShapeBuilder;
/// # Ok::<(), tandem::Error>(())
/// ```
impl<T: Element, D: Dimension> From<ndarray::Array<T, D>> for Array {
    fn from(a: ndarray::Array<T, D>) -> Array {
        if a.is_empty() {
            return from_view(a.view().into_dyn());
        }
        let shape = a.shape().to_vec();
        let strides = a.strides().to_vec();
        let (data, offset) = a.into_raw_vec_and_offset();
        let len = data.len();
        let layout = Layout {
            shape,
            strides,
            offset: offset.unwrap_or(0),
        };
        let storage = Storage::from_host(T::DTYPE, len, T::into_buffer(data));
        Array::from_node(Node::data(storage, layout))
    }
}

/// An ndarray view → an array, copying the elements once (a view borrows
/// memory that tandem cannot keep). A view that is dense in memory in any
/// axis order (Fortran order, transposed, reversed) is copied with one
/// `memcpy` and keeps its strides; other views (stepped slices, broadcasts)
/// are gathered into C order.
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
/// the elements once (pass an owned ndarray by value to share its memory
/// instead).
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

fn check_dtype<T: Element>(op: &'static str, dtype: DType) -> Result<()> {
    if T::DTYPE == dtype {
        return Ok(());
    }
    Err(Error::DTypeMismatch {
        op,
        expected: T::DTYPE.name().into(),
        got: dtype,
        hint: format!(
            "call {op} with the element type of {}, or astype(DType::{:?}) first",
            dtype.name(),
            T::DTYPE
        ),
    })
}

/// Where a layout's elements sit when they fill a block of the buffer with
/// no gaps, in some axis order and with strides of either sign: the block's
/// first position (the lowest element), and the axes from the largest
/// stride to the smallest. `None` for empty, gapped or broadcast layouts.
fn dense_order(layout: &Layout) -> Option<(usize, Vec<usize>)> {
    let (lo, _) = layout.span()?;
    let mut axes: Vec<usize> = (0..layout.shape.len()).collect();
    axes.sort_by_key(|&i| std::cmp::Reverse(layout.strides[i].unsigned_abs()));
    let mut expected = 1usize;
    for &i in axes.iter().rev() {
        // Axes of length 1 never move; their strides do not matter.
        if layout.shape[i] > 1 {
            if layout.strides[i].unsigned_abs() != expected {
                return None;
            }
            expected *= layout.shape[i];
        }
    }
    Some((lo, axes))
}

/// An owned ndarray over `data` with exactly `layout` (dense, see
/// [`dense_order`]: its block starts at `lo` of `data`), keeping `data`'s
/// allocation: the block is reshaped in the order of decreasing strides,
/// then the axes are put back in place and the reversed ones inverted.
fn dense_ndarray<T>(data: Vec<T>, layout: &Layout, lo: usize, axes: &[usize]) -> Result<ArrayD<T>> {
    let n = layout.size();
    if lo + n > data.len() {
        return Err(internal("the layout reaches past the buffer".into()));
    }
    let block = ndarray::Array1::from_vec(data).slice_move(ndarray::s![lo..lo + n]);
    let sorted: Vec<usize> = axes.iter().map(|&i| layout.shape[i]).collect();
    let block = block
        .into_shape_with_order(IxDyn(&sorted))
        .map_err(|e| internal(e.to_string()))?;
    let mut back = vec![0; axes.len()];
    for (j, &i) in axes.iter().enumerate() {
        back[i] = j;
    }
    let mut nd = block.permuted_axes(IxDyn(&back));
    for (i, (&len, &stride)) in layout.shape.iter().zip(&layout.strides).enumerate() {
        if stride < 0 && len > 1 {
            nd.invert_axis(Axis(i));
        }
    }
    Ok(nd)
}

/// A new ndarray holding the elements that `layout` picks from `bytes` (a
/// buffer of `T`s): one copy of the dense block, keeping the layout, or a
/// gather into C order for gapped and broadcast layouts.
fn copy_out<T: Element>(bytes: &[u8], layout: &Layout) -> Result<ArrayD<T>> {
    let size = T::DTYPE.size_of();
    let shape = IxDyn(&layout.shape);
    let n = layout.size();
    if let Some((lo, axes)) = dense_order(layout) {
        let block = bytes
            .get(lo * size..(lo + n) * size)
            .ok_or_else(|| internal("the layout reaches past the buffer".into()))?;
        return dense_ndarray(T::from_bytes(block), layout, 0, &axes);
    }
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

impl Array {
    /// The array as an owned [`ndarray::ArrayD`] (feature `ndarray`),
    /// leaving the array as it is. Forces evaluation and copies the elements
    /// once: with one `memcpy` when they are dense in memory (a transposed
    /// or reversed array comes back with the same strides), else gathered
    /// into C order. To move the data out without a copy, see
    /// [`into_ndarray`](Array::into_ndarray).
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
        check_dtype::<T>("to_ndarray", self.dtype())?;
        force(&self.node)?;
        let Some((storage, layout)) = self.node.as_data() else {
            return Err(internal("a forced array holds no data".into()));
        };
        copy_out(host_copy(&storage)?.as_bytes(), &layout)
    }

    /// The array moved into an owned [`ndarray::ArrayD`] (feature
    /// `ndarray`), **without copying** when its data is a `Vec<T>` that
    /// `Array::from(ndarray)` adopted, this is its only handle, and the
    /// elements are dense in memory in some axis order: the ndarray then
    /// gets that `Vec` back, with the array's strides and pointing at the
    /// same first element. Otherwise it copies once, as [`to_ndarray`](Array::to_ndarray) does:
    /// for computed (lazy) results, data tandem allocated (64-byte aligned,
    /// which a `Vec<T>` cannot free), data shared with a clone, a view or a
    /// pending expression (copy-on-write: the other holders keep it),
    /// data whose only copy is on a GPU, and gapped layouts.
    ///
    /// Errors: [`Error::DTypeMismatch`] if `T` is not the array's dtype.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let nd = ndarray::Array2::from_shape_fn((2, 3), |(i, j)| (i * 3 + j) as f64);
    /// let ptr = nd.as_ptr();
    /// let a = Array::from(nd).t(); // transposed: a view of the same Vec
    /// let back = a.into_ndarray::<f64>()?;
    /// assert_eq!((back.as_ptr(), back.shape(), back[[2, 1]]), (ptr, &[3, 2][..], 5.0));
    ///
    /// let a = Array::from(back);
    /// let b = a.clone(); // a second handle: the Vec stays with it, `a` is copied
    /// assert_ne!(a.into_ndarray::<f64>()?.as_ptr(), ptr);
    /// assert_eq!(b.into_ndarray::<f64>()?.as_ptr(), ptr);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn into_ndarray<T: Element>(self) -> Result<ArrayD<T>> {
        check_dtype::<T>("into_ndarray", self.dtype())?;
        force(&self.node)?;
        let node = match Arc::try_unwrap(self.node) {
            Ok(node) => node,
            Err(shared) => return Array::from_node(shared).to_ndarray(),
        };
        let Some((storage, layout)) = node.into_data() else {
            return Err(internal("a forced array holds no data".into()));
        };
        let host = match storage.into_sole_host() {
            Ok(host) => host,
            Err(shared) => return copy_out(host_copy(&shared)?.as_bytes(), &layout),
        };
        let Some((lo, axes)) = dense_order(&layout) else {
            return copy_out(host.as_bytes(), &layout);
        };
        match T::from_buffer(host) {
            Ok(data) => dense_ndarray(data, &layout, lo, &axes),
            Err(host) => copy_out(host.as_bytes(), &layout),
        }
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

/// `ArrayD::<T>::try_from(a)`: the same as [`Array::into_ndarray`] (no copy
/// for an adopted ndarray's data that nothing else holds).
///
/// ```
/// use tandem::prelude::*;
/// let nd = ndarray::arr1(&[1u32, 2, 3]).into_dyn();
/// let ptr = nd.as_ptr();
/// let back = ndarray::ArrayD::<u32>::try_from(Array::from(nd))?;
/// assert_eq!((back.as_ptr(), back.as_slice()), (ptr, Some(&[1, 2, 3][..])));
/// # Ok::<(), tandem::Error>(())
/// ```
impl<T: Element> TryFrom<Array> for ArrayD<T> {
    type Error = Error;
    fn try_from(a: Array) -> Result<ArrayD<T>> {
        a.into_ndarray::<T>()
    }
}
