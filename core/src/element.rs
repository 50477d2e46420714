//! `Element`: the Rust types that can be array elements, and how their
//! values move between typed slices and tandem's byte buffers.

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
}
