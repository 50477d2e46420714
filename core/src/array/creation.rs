//! Creating arrays: from Rust data, constants, ranges and identity matrices.
//! Constant arrays (`zeros`, `ones`, `full`) are lazy: inside an expression
//! they are a constant in the kernel and never allocate.

use super::Array;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::graph::{Node, NodeDef};
use crate::layout::{checked_bytes, checked_size};
use crate::scalar::Scalar;

impl Array {
    /// An array of `shape` holding `data` in C order.
    ///
    /// Errors: [`Error::InvalidArgument`] when `data.len()` is not the
    /// product of `shape`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1u32, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(a.get(&[1, 0])?, Scalar::U32(3));
    /// assert!(Array::from_vec(vec![1.0f32; 5], &[2, 3]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<Array> {
        Self::from_slice(&data, shape)
    }

    /// Like [`from_vec`](Array::from_vec), copying from a slice.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_slice(&[true, false], &[2])?;
    /// assert_eq!(a.dtype(), DType::Bool);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn from_slice<T: Element>(data: &[T], shape: &[usize]) -> Result<Array> {
        let n = checked_size("from_vec", shape)?;
        if n != data.len() {
            return Err(Error::invalid(
                "from_vec",
                format!(
                    "{} elements cannot fill shape {shape:?}, which holds {n}; pass a shape whose product is {}",
                    data.len(),
                    data.len()
                ),
            ));
        }
        let host = HostBuffer::from_bytes(T::as_bytes(data));
        Ok(Array::from_node(Node::from_host(T::DTYPE, shape, host)))
    }

    /// A 0-d array holding `x` (a *strong* value, like `np.array(x)`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let s = Array::scalar(2.5f32);
    /// assert_eq!((s.shape(), s.dtype()), (&[][..], DType::F32));
    /// ```
    pub fn scalar(x: impl Into<Scalar>) -> Array {
        let s = x.into();
        let mut host = HostBuffer::zeroed(s.dtype().size_of());
        write_scalar(&mut host, 0, s);
        Array::from_node(Node::from_host(s.dtype(), &[], host))
    }

    /// An array of `shape` filled with `value`, of `value`'s dtype.
    /// Lazy: it costs nothing until read.
    ///
    /// # Errors
    ///
    /// Never panics or aborts. A shape whose bytes cannot be addressed
    /// (NumPy's "array is too big") gives a value that fails with
    /// [`Error::InvalidArgument`] when read; one that cannot be allocated
    /// fails with [`Error::OutOfMemory`] when read. The same holds for
    /// [`zeros`](Array::zeros) and [`ones`](Array::ones).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::full(&[2], 7i64);
    /// assert_eq!(a.to_vec::<i64>()?, vec![7, 7]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn full(shape: &[usize], value: impl Into<Scalar>) -> Array {
        let s = value.into();
        Array::from_node(Node::lazy(shape.to_vec(), s.dtype(), NodeDef::Const(s)))
    }

    /// Zeros of `dtype`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::zeros(&[3], DType::I32).to_vec::<i32>()?, vec![0, 0, 0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn zeros(shape: &[usize], dtype: DType) -> Array {
        Array::full(shape, Scalar::I64(0).cast(dtype))
    }

    /// Ones of `dtype`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::ones(&[2], DType::Bool).to_vec::<bool>()?, vec![true, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn ones(shape: &[usize], dtype: DType) -> Array {
        Array::full(shape, Scalar::I64(1).cast(dtype))
    }

    /// Values from `start` towards `stop` (exclusive) by `step`, computed as
    /// NumPy does: the first two values are cast to `dtype` and the rest
    /// follow by their difference in `dtype`'s arithmetic.
    ///
    /// Errors: [`Error::InvalidArgument`] for a zero or non-finite step, a
    /// non-finite bound, or a length past what memory can address.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 1.0, 0.25, DType::F64)?;
    /// assert_eq!(a.to_vec::<f64>()?, vec![0.0, 0.25, 0.5, 0.75]);
    /// assert!(Array::arange(0.0, 1.0, 0.0, DType::F64).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn arange(start: f64, stop: f64, step: f64, dtype: DType) -> Result<Array> {
        if step == 0.0 || !step.is_finite() {
            return Err(Error::invalid(
                "arange",
                format!("step must be finite and non-zero, got {step}"),
            ));
        }
        if !start.is_finite() || !stop.is_finite() {
            return Err(Error::invalid(
                "arange",
                format!("bounds must be finite, got {start}..{stop}"),
            ));
        }
        let len = ((stop - start) / step).ceil();
        let len = if len > 0.0 { len } else { 0.0 };
        if len > (isize::MAX as usize / dtype.size_of()) as f64 {
            return Err(Error::invalid(
                "arange",
                format!(
                    "{start}..{stop} by {step} has {len} elements, more than memory can address"
                ),
            ));
        }
        let len = len as usize;
        if dtype == DType::Bool && len > 2 {
            return Err(Error::invalid(
                "arange",
                format!("a bool range holds at most 2 values (False, True), this one has {len}; use an integer dtype"),
            ));
        }
        let mut host = HostBuffer::try_for_overwrite("arange", len * dtype.size_of())?;
        fill_range(&mut host, dtype, len, start, start + step);
        Ok(Array::from_node(Node::from_host(dtype, &[len], host)))
    }

    /// `num` evenly spaced values from `start` to `stop` inclusive, computed
    /// in `f64` as NumPy does (integer dtypes round toward −∞, as NumPy 2).
    ///
    /// # Errors
    ///
    /// Never panics or aborts: a `num` too big to address, or to allocate,
    /// gives a value that fails when read ([`Error::InvalidArgument`],
    /// [`Error::OutOfMemory`]); [`try_linspace`](Array::try_linspace)
    /// returns the error at once.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::linspace(0.0, 1.0, 5, DType::F32);
    /// assert_eq!(a.to_vec::<f32>()?, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    /// assert!(Array::linspace(0.0, 1.0, usize::MAX, DType::F32).eval().is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn linspace(start: f64, stop: f64, num: usize, dtype: DType) -> Array {
        Self::try_linspace(start, stop, num, dtype)
            .unwrap_or_else(|e| Array::from_node(Node::failed(vec![num], dtype, e)))
    }

    /// [`linspace`](Array::linspace), or its error at once.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `num` elements of `dtype` cannot be
    /// addressed, [`Error::OutOfMemory`] when they cannot be allocated.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::try_linspace(0.0, 2.0, 3, DType::I32)?.to_vec::<i32>()?, vec![0, 1, 2]);
    /// assert!(Array::try_linspace(0.0, 1.0, 1 << 62, DType::F64).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_linspace(start: f64, stop: f64, num: usize, dtype: DType) -> Result<Array> {
        let bytes = checked_bytes("linspace", &[num], dtype)? * dtype.size_of();
        let div = num.saturating_sub(1);
        let delta = stop - start;
        let step = delta / div as f64;
        let value = |i: usize| {
            let y = if div > 0 && step != 0.0 {
                i as f64 * step
            } else {
                i as f64 / div as f64 * delta
            };
            let y = if div == 0 { start } else { y + start };
            let y = if div > 0 && i == num - 1 { stop } else { y };
            if dtype.is_int() {
                y.floor()
            } else {
                y
            }
        };
        // Written straight into a fallibly allocated buffer: no `Vec` of
        // `num` values that would abort the process where memory runs out.
        let mut host = HostBuffer::try_for_overwrite("linspace", bytes)?;
        match dtype {
            DType::F64 => {
                for (i, o) in host.typed_mut::<f64>().iter_mut().enumerate() {
                    *o = value(i);
                }
            }
            DType::F32 => {
                for (i, o) in host.typed_mut::<f32>().iter_mut().enumerate() {
                    *o = value(i) as f32;
                }
            }
            _ => {
                for i in 0..num {
                    write_scalar(&mut host, i, Scalar::F64(value(i)).cast(dtype));
                }
            }
        }
        Ok(Array::from_node(Node::from_host(dtype, &[num], host)))
    }

    /// The `n × n` identity matrix.
    ///
    /// # Errors
    ///
    /// Never panics or aborts: an `n` too big to address, or to allocate,
    /// gives a value that fails when read ([`Error::InvalidArgument`],
    /// [`Error::OutOfMemory`]); [`try_eye`](Array::try_eye) returns the
    /// error at once.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::eye(2, DType::I32).to_vec::<i32>()?, vec![1, 0, 0, 1]);
    /// assert!(Array::eye(1 << 40, DType::F64).eval().is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn eye(n: usize, dtype: DType) -> Array {
        Self::try_eye(n, dtype)
            .unwrap_or_else(|e| Array::from_node(Node::failed(vec![n, n], dtype, e)))
    }

    /// [`eye`](Array::eye), or its error at once.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `n × n` elements of `dtype` cannot be
    /// addressed, [`Error::OutOfMemory`] when they cannot be allocated.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::try_eye(1, DType::F32)?.to_vec::<f32>()?, vec![1.0]);
    /// assert!(Array::try_eye(usize::MAX, DType::F32).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_eye(n: usize, dtype: DType) -> Result<Array> {
        let bytes = checked_bytes("eye", &[n, n], dtype)? * dtype.size_of();
        let mut host = HostBuffer::try_for_overwrite("eye", bytes)?;
        host.as_bytes_mut().fill(0);
        for i in 0..n {
            write_scalar(&mut host, i * n + i, Scalar::I64(1).cast(dtype));
        }
        Ok(Array::from_node(Node::from_host(dtype, &[n, n], host)))
    }
}

/// Writes `s` (already of the buffer's dtype) as element `i`.
pub(crate) fn write_scalar(host: &mut HostBuffer, i: usize, s: Scalar) {
    match s {
        Scalar::Bool(x) => host.typed_mut::<u8>()[i] = x as u8,
        Scalar::I32(x) => host.typed_mut::<i32>()[i] = x,
        Scalar::I64(x) => host.typed_mut::<i64>()[i] = x,
        Scalar::U32(x) => host.typed_mut::<u32>()[i] = x,
        Scalar::F32(x) => host.typed_mut::<f32>()[i] = x,
        Scalar::F64(x) => host.typed_mut::<f64>()[i] = x,
    }
}

/// Reads element `i` of a buffer of `dtype`.
pub(crate) fn read_scalar(host: &HostBuffer, dtype: DType, i: usize) -> Scalar {
    match dtype {
        DType::Bool => Scalar::Bool(host.typed::<u8>()[i] != 0),
        DType::I32 => Scalar::I32(host.typed::<i32>()[i]),
        DType::I64 => Scalar::I64(host.typed::<i64>()[i]),
        DType::U32 => Scalar::U32(host.typed::<u32>()[i]),
        DType::F32 => Scalar::F32(host.typed::<f32>()[i]),
        DType::F64 => Scalar::F64(host.typed::<f64>()[i]),
    }
}

/// NumPy's `arange` fill: `v[i] = v0 + i * (v1 - v0)` in the dtype's arithmetic.
fn fill_range(host: &mut HostBuffer, dtype: DType, len: usize, first: f64, second: f64) {
    macro_rules! fill_float {
        ($t:ty, $cast:ident) => {{
            let v0 = Scalar::F64(first).$cast();
            let v1 = Scalar::F64(second).$cast();
            let d = v1 - v0;
            for (i, o) in host.typed_mut::<$t>().iter_mut().enumerate() {
                *o = if i == 1 { v1 } else { v0 + i as $t * d };
            }
        }};
    }
    macro_rules! fill_int {
        ($t:ty, $cast:ident) => {{
            let v0 = Scalar::F64(first).$cast();
            let v1 = Scalar::F64(second).$cast();
            let d = v1.wrapping_sub(v0);
            for (i, o) in host.typed_mut::<$t>().iter_mut().enumerate() {
                *o = v0.wrapping_add((i as $t).wrapping_mul(d));
            }
        }};
    }
    match dtype {
        DType::F32 => fill_float!(f32, into_f32),
        DType::F64 => fill_float!(f64, into_f64),
        DType::I32 => fill_int!(i32, into_i32),
        DType::I64 => fill_int!(i64, into_i64),
        DType::U32 => fill_int!(u32, into_u32),
        DType::Bool => {
            let v = [
                Scalar::F64(first).cast(DType::Bool),
                Scalar::F64(second).cast(DType::Bool),
            ];
            for (i, s) in v.into_iter().take(len).enumerate() {
                write_scalar(host, i, s);
            }
        }
    }
}

trait AsPrim {
    fn into_f32(self) -> f32;
    fn into_f64(self) -> f64;
    fn into_i32(self) -> i32;
    fn into_i64(self) -> i64;
    fn into_u32(self) -> u32;
}

impl AsPrim for Scalar {
    fn into_f32(self) -> f32 {
        match self.cast(DType::F32) {
            Scalar::F32(x) => x,
            _ => unreachable!("cast to F32 gives F32"),
        }
    }
    fn into_f64(self) -> f64 {
        self.to_f64()
    }
    fn into_i32(self) -> i32 {
        match self.cast(DType::I32) {
            Scalar::I32(x) => x,
            _ => unreachable!("cast to I32 gives I32"),
        }
    }
    fn into_i64(self) -> i64 {
        match self.cast(DType::I64) {
            Scalar::I64(x) => x,
            _ => unreachable!("cast to I64 gives I64"),
        }
    }
    fn into_u32(self) -> u32 {
        match self.cast(DType::U32) {
            Scalar::U32(x) => x,
            _ => unreachable!("cast to U32 gives U32"),
        }
    }
}
