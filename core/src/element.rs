//! `Element`: the Rust types that can be array elements, and how their
//! values move between typed slices and tandem's byte buffers (by copy, or
//! by adopting a whole `Vec` without copying).

use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::scalar::Scalar;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that can be an element of an [`Array`](crate::Array):
/// `bool`, `i32`, `i64`, `u32`, `f32`, `f64`.
///
/// ```
/// use tandem_core::{DType, Element};
/// assert_eq!(<f32 as Element>::DTYPE, DType::F32);
/// assert_eq!(1.5f64.to_scalar(), tandem_core::Scalar::F64(1.5));
/// ```
pub trait Element:
    Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static + sealed::Sealed
{
    /// The dtype of this type.
    const DTYPE: DType;
    /// Wraps the value in a [`Scalar`].
    fn to_scalar(self) -> Scalar;
    /// Unwraps a [`Scalar`] of exactly this dtype.
    fn from_scalar(s: Scalar) -> Option<Self>;
    /// The element bytes of a slice, as stored in a buffer (bool: one byte, 0 or 1).
    fn as_bytes(data: &[Self]) -> &[u8];
    /// Reads elements back from buffer bytes (little-endian host order).
    fn from_bytes(bytes: &[u8]) -> Vec<Self>;
    /// A buffer that adopts `v`'s allocation without copying
    /// ([`HostBuffer::from_vec`]; a `Vec<bool>` is adopted as its bytes).
    ///
    /// ```
    /// use tandem_core::Element;
    /// let v = vec![true, false];
    /// let ptr = v.as_ptr().cast::<u8>();
    /// let b = bool::into_buffer(v);
    /// assert_eq!((b.as_bytes(), b.as_bytes().as_ptr()), (&[1u8, 0][..], ptr));
    /// ```
    fn into_buffer(v: Vec<Self>) -> HostBuffer;
    /// The `Vec<Self>` a buffer adopted with [`into_buffer`](Element::into_buffer),
    /// without copying; the buffer back (`Err`) if it holds tandem's own
    /// memory or a `Vec` of another type. (For `bool`, bytes other than 0
    /// and 1 are first set to 1, in place, as [`from_bytes`](Element::from_bytes)
    /// reads them.)
    ///
    /// ```
    /// use tandem_core::Element;
    /// let v = vec![1.5f32, 2.5];
    /// let ptr = v.as_ptr();
    /// let back = f32::from_buffer(f32::into_buffer(v)).unwrap();
    /// assert_eq!((back.as_ptr(), back), (ptr, vec![1.5, 2.5]));
    /// assert!(i32::from_buffer(i32::into_buffer(vec![1])).is_ok());
    /// assert!(u32::from_buffer(i32::into_buffer(vec![1])).is_err());
    /// ```
    fn from_buffer(b: HostBuffer) -> Result<Vec<Self>, HostBuffer>;
}

macro_rules! element {
    ($t:ty, $d:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            fn to_scalar(self) -> Scalar {
                Scalar::$d(self)
            }
            fn from_scalar(s: Scalar) -> Option<Self> {
                match s {
                    Scalar::$d(x) => Some(x),
                    _ => None,
                }
            }
            fn as_bytes(data: &[Self]) -> &[u8] {
                bytemuck::cast_slice(data)
            }
            fn from_bytes(bytes: &[u8]) -> Vec<Self> {
                bytemuck::pod_collect_to_vec(bytes)
            }
            fn into_buffer(v: Vec<Self>) -> HostBuffer {
                HostBuffer::from_vec(v)
            }
            fn from_buffer(b: HostBuffer) -> Result<Vec<Self>, HostBuffer> {
                b.into_vec()
            }
        }
    };
}
element!(i32, I32);
element!(i64, I64);
element!(u32, U32);
element!(f32, F32);
element!(f64, F64);

impl sealed::Sealed for bool {}
impl Element for bool {
    const DTYPE: DType = DType::Bool;
    fn to_scalar(self) -> Scalar {
        Scalar::Bool(self)
    }
    fn from_scalar(s: Scalar) -> Option<Self> {
        match s {
            Scalar::Bool(x) => Some(x),
            _ => None,
        }
    }
    fn as_bytes(data: &[Self]) -> &[u8] {
        bytemuck::cast_slice(data)
    }
    fn from_bytes(bytes: &[u8]) -> Vec<Self> {
        // Buffers hold 0/1 by construction; any non-zero byte reads as true
        // so a foreign buffer can never produce an invalid `bool`.
        bytes.iter().map(|&b| b != 0).collect()
    }
    fn into_buffer(v: Vec<bool>) -> HostBuffer {
        // A buffer's bytes can be written with any value, which a `Vec<bool>`
        // must never hold: adopt the allocation as the `Vec<u8>` it also is.
        let mut v = std::mem::ManuallyDrop::new(v);
        let (ptr, len, cap) = (v.as_mut_ptr(), v.len(), v.capacity());
        // SAFETY: `ptr`, `len`, `cap` come from a live `Vec<bool>` that is
        // never used or dropped again (ManuallyDrop); `bool` and `u8` have
        // the same size and alignment (1), so the allocation has the layout
        // a `Vec<u8>` of capacity `cap` frees with, and every `bool` is a
        // valid `u8`.
        let bytes = unsafe { Vec::from_raw_parts(ptr.cast::<u8>(), len, cap) };
        HostBuffer::from_vec(bytes)
    }
    fn from_buffer(b: HostBuffer) -> Result<Vec<bool>, HostBuffer> {
        let mut bytes = b.into_vec::<u8>()?;
        for x in &mut bytes {
            *x = u8::from(*x != 0);
        }
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        let (ptr, len, cap) = (bytes.as_mut_ptr(), bytes.len(), bytes.capacity());
        // SAFETY: as in `into_buffer`, the same allocation changes element
        // type between two types of one size and alignment; every byte was
        // just set to 0 or 1, the two valid `bool`s.
        Ok(unsafe { Vec::from_raw_parts(ptr.cast::<bool>(), len, cap) })
    }
}
