//! Reading arrays out (forcing evaluation): `to_vec`, `item`, `get`,
//! `Display`; writing single elements (`set`, copy-on-write); `eval`;
//! and where the data lives (`device`, `to_device`).

use super::creation::{read_scalar, write_scalar};
use super::Array;
use crate::backend::Device;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::force::{force, force_on};
use crate::graph::{Node, Storage};
use crate::layout::{normalize_index, Layout};
use crate::registry::runtime;
use crate::run::batch;
use crate::scalar::Scalar;
use crate::transfer::host_copy;
use std::fmt;
use std::sync::Arc;

/// The Rust type to ask `to_vec` for, per dtype (for error hints).
fn rust_type(d: DType) -> &'static str {
    match d {
        DType::Bool => "bool",
        DType::I32 => "i32",
        DType::I64 => "i64",
        DType::U32 => "u32",
        DType::F32 => "f32",
        DType::F64 => "f64",
    }
}

/// Calls `f` with the buffer position of every element of `layout`, in C order.
pub(crate) fn for_each_position(layout: &Layout, mut f: impl FnMut(usize)) {
    let n = layout.size();
    if n == 0 {
        return;
    }
    let nd = layout.shape.len();
    let mut idx = vec![0usize; nd];
    let mut pos = layout.offset as isize;
    for _ in 0..n {
        f(pos as usize);
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

impl Array {
    /// Forces the array and returns its storage, layout and a host copy.
    fn host_view(&self) -> Result<(Arc<Storage>, Layout, Arc<HostBuffer>)> {
        // One batch: a GPU submits the graph and the readback together.
        batch(|| {
            force(&self.node)?;
            let (storage, layout) = self.node.as_data().expect("a forced node holds data");
            let host = host_copy(&storage)?;
            Ok((storage, layout, host))
        })
    }

    /// The elements in C order, as bytes of the array's dtype.
    pub(crate) fn contiguous_bytes(&self) -> Result<HostBuffer> {
        self.contiguous_bytes_for("read")
    }

    /// [`contiguous_bytes`](Array::contiguous_bytes) for the public method
    /// `op`, which its errors name.
    fn contiguous_bytes_for(&self, op: &'static str) -> Result<HostBuffer> {
        let (_, layout, host) = self.host_view()?;
        let size = self.dtype().size_of();
        if layout.size() == 0 {
            return Ok(HostBuffer::zeroed(0));
        }
        if layout.is_contiguous() {
            let start = layout.offset * size;
            return Ok(HostBuffer::from_bytes(
                &host.as_bytes()[start..start + layout.size() * size],
            ));
        }
        let src = host.as_bytes();
        let mut out = HostBuffer::try_for_overwrite(op, layout.size() * size)?;
        let dst = out.as_bytes_mut();
        let mut k = 0;
        for_each_position(&layout, |p| {
            dst[k..k + size].copy_from_slice(&src[p * size..(p + 1) * size]);
            k += size;
        });
        Ok(out)
    }

    /// `Err(DTypeMismatch)` naming `op` unless `T` is the array's dtype.
    fn check_element<T: Element>(&self, op: &'static str) -> Result<()> {
        if T::DTYPE == self.dtype() {
            return Ok(());
        }
        Err(Error::DTypeMismatch {
            op,
            expected: T::DTYPE.name().into(),
            got: self.dtype(),
            hint: format!(
                "call {op}::<{}>(), or {op}_as::<{}>() to convert (NumPy's cast rules)",
                rust_type(self.dtype()),
                rust_type(T::DTYPE),
            ),
        })
    }

    /// `Err(InvalidArgument)` naming `op` unless the array has one element.
    fn check_one_element(&self, op: &'static str) -> Result<()> {
        if self.size() == 1 {
            return Ok(());
        }
        Err(Error::invalid(
            op,
            format!(
                "only an array of exactly one element converts to a scalar; this one has shape {:?} ({} elements); use get(&[..]) for one element",
                self.shape(),
                self.size()
            ),
        ))
    }

    /// The elements in C order. Forces evaluation.
    ///
    /// Errors: [`Error::DTypeMismatch`] if `T` is not the array's dtype
    /// (use [`to_vec_as`](Array::to_vec_as) to convert).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, 2.0], &[2])?;
    /// assert_eq!((&a + 1.0).to_vec::<f32>()?, vec![2.0, 3.0]);
    /// assert!(matches!(a.to_vec::<f64>(), Err(Error::DTypeMismatch { .. })));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        self.check_element::<T>("to_vec")?;
        Ok(T::from_bytes(
            self.contiguous_bytes_for("to_vec")?.as_bytes(),
        ))
    }

    /// The elements in C order, converted to `T` with NumPy's cast rules
    /// (`a.astype(T).tolist()`): float → integer truncates toward zero,
    /// anything → `bool` is "non-zero", integers narrow by wrapping; NaN and
    /// out-of-range floats saturate into integers (NaN → 0), where NumPy
    /// leaves them undefined. The cast is fused into the kernel that
    /// computes the array. Forces evaluation.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.5f32, -2.7, 0.0], &[3])?;
    /// assert_eq!(a.to_vec_as::<f64>()?, vec![1.5, -2.700000047683716, 0.0]);
    /// assert_eq!(a.to_vec_as::<i32>()?, vec![1, -2, 0]);
    /// assert_eq!(a.to_vec_as::<bool>()?, vec![true, true, false]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn to_vec_as<T: Element>(&self) -> Result<Vec<T>> {
        let cast = self.astype(T::DTYPE);
        Ok(T::from_bytes(
            cast.contiguous_bytes_for("to_vec_as")?.as_bytes(),
        ))
    }

    /// The single element of a one-element array (any shape).
    ///
    /// Errors: [`Error::InvalidArgument`] if the array does not hold exactly
    /// one element, [`Error::DTypeMismatch`] if `T` is not its dtype (use
    /// [`item_as`](Array::item_as) to convert).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::scalar(3i32).item::<i32>()?, 3);
    /// assert!(Array::zeros(&[2], DType::I32).item::<i32>().is_err());
    /// assert!(Array::scalar(3i32).item::<i64>().is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn item<T: Element>(&self) -> Result<T> {
        self.check_one_element("item")?;
        self.check_element::<T>("item")?;
        Ok(T::from_bytes(self.contiguous_bytes_for("item")?.as_bytes())[0])
    }

    /// The single element of a one-element array, converted to `T` with
    /// NumPy's cast rules (see [`to_vec_as`](Array::to_vec_as)): NumPy's
    /// `float(a.max())`, `int(a.argmax())` are `a.max().item_as::<f64>()`,
    /// `a.argmax().item_as::<i64>()`, whatever the array's dtype. A NaN read
    /// as an integer is 0 (Python's `int(nan)` raises).
    ///
    /// Errors: [`Error::InvalidArgument`] if the array does not hold exactly
    /// one element.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![3i32, 9, 6], &[3])?;
    /// assert_eq!(a.max().item_as::<f64>()?, 9.0); // int32 → float64
    /// assert_eq!(a.mean().item_as::<i32>()?, 6); // float64 → int32
    /// let i = a.argmax().item_as::<i64>()? as usize;
    /// assert_eq!(i, 1);
    /// assert!(a.item_as::<f64>().is_err()); // three elements
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn item_as<T: Element>(&self) -> Result<T> {
        self.check_one_element("item_as")?;
        // Read the element as it is and cast it here: no cast kernel, and
        // the array itself is what gets computed (and kept, if held).
        let (_, layout, host) = self.host_view()?;
        let value = read_scalar(&host, self.dtype(), layout.offset).cast(T::DTYPE);
        Ok(T::from_scalar(value).expect("a scalar cast to T's dtype"))
    }

    fn position(&self, op: &'static str, index: &[isize], layout: &Layout) -> Result<usize> {
        if index.len() != self.ndim() {
            return Err(Error::invalid(
                op,
                format!(
                    "an index of {} entries into an array of shape {:?} ({} axes); give one index per axis",
                    index.len(),
                    self.shape(),
                    self.ndim()
                ),
            ));
        }
        let idx = index
            .iter()
            .enumerate()
            .map(|(axis, &i)| normalize_index(op, i, axis, self.shape()[axis]))
            .collect::<Result<Vec<_>>>()?;
        Ok(layout.position(&idx))
    }

    /// One element (negative indices count from the end). Forces evaluation.
    ///
    /// Errors: [`Error::IndexOutOfBounds`], or [`Error::InvalidArgument`] when
    /// the number of indices is not `ndim`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 6.0, 1.0, DType::I64)?;
    /// assert_eq!(a.get(&[-1])?, Scalar::I64(5));
    /// assert!(matches!(a.get(&[6]), Err(Error::IndexOutOfBounds { .. })));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn get(&self, index: &[isize]) -> Result<Scalar> {
        // Validate before forcing: a bad index should not cost a computation.
        self.position("get", index, &Layout::contiguous(self.shape()))?;
        let (_, layout, host) = self.host_view()?;
        let p = self.position("get", index, &layout)?;
        Ok(read_scalar(&host, self.dtype(), p))
    }

    /// Writes one element, cast to the array's dtype (a weak integer out of
    /// its range is an error, as NumPy). Copy-on-write: other handles to the
    /// same data, and arrays computed from it, never see the write.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let mut a = Array::zeros(&[3], DType::F32);
    /// let before = a.clone();
    /// a.set(&[-1], 2.5)?;
    /// assert_eq!(a.to_vec::<f32>()?, vec![0.0, 0.0, 2.5]);
    /// assert_eq!(before.to_vec::<f32>()?, vec![0.0, 0.0, 0.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn set(&mut self, index: &[isize], value: impl Into<Scalar>) -> Result<()> {
        let value = value.into();
        let dtype = self.dtype();
        if !value.fits_in(dtype) {
            return Err(Error::invalid(
                "set",
                format!("the integer {value} is out of bounds for {dtype}; cast the array first"),
            ));
        }
        let value = value.cast(dtype);
        self.position("set", index, &Layout::contiguous(self.shape()))?;
        force(&self.node)?;
        let (storage, layout) = self.node.as_data().expect("a forced node holds data");
        let p = self.position("set", index, &layout)?;
        // Write in place only when nothing else can observe the buffer: this
        // handle owns the node, the node owns the storage, and the host copy
        // is not shared. Otherwise copy first.
        if Arc::strong_count(&self.node) == 1 && Arc::strong_count(&storage) == 2 {
            let mut copies = storage.copies();
            if let Some(host) = copies.host.as_mut().and_then(Arc::get_mut) {
                write_scalar(host, p, value);
                copies.devices.clear();
                return Ok(());
            }
        }
        drop(storage);
        let mut host = self.contiguous_bytes_for("set")?;
        let p = self.position("set", index, &Layout::contiguous(self.shape()))?;
        write_scalar(&mut host, p, value);
        self.node = Node::from_host(dtype, self.shape(), host);
        Ok(())
    }

    /// Forces evaluation now and returns the materialised array (a handle
    /// to the same node). Forcing twice does nothing the second time.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::ones(&[2], DType::F32);
    /// let b = (&a + &a).eval()?;
    /// tandem::reset_stats();
    /// b.eval()?;
    /// assert_eq!(tandem::stats().total_kernels(), 0);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn eval(&self) -> Result<Array> {
        force(&self.node)?;
        Ok(self.clone())
    }

    /// Where the data lives now: the host (`Cpu`) or a GPU. A lazy array
    /// reports `Cpu` until forced.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert_eq!(Array::scalar(1.0).device(), Device::Cpu);
    /// ```
    pub fn device(&self) -> Device {
        let rt = runtime();
        match self.node.as_data() {
            Some((storage, _)) => {
                let copies = storage.copies();
                match (&copies.host, copies.devices.first()) {
                    (None, Some((i, _))) => rt.info(*i).device,
                    _ => Device::Cpu,
                }
            }
            None => Device::Cpu,
        }
    }

    /// The address of element `[0, 0, …]` in the host copy of the data, if
    /// the array is data (not lazy) with a host copy; forces nothing. For
    /// tests that check which memory an array uses (zero-copy conversions);
    /// the pointer is only an address, valid while the data lives.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3], &[3])?;
    /// let base = a.host_data_ptr().unwrap();
    /// assert_eq!(a.slice(s![1..])?.host_data_ptr(), Some(base.wrapping_add(4)));
    /// assert_eq!((&a + 1).host_data_ptr(), None); // lazy
    /// # Ok::<(), tandem::Error>(())
    /// ```
    #[doc(hidden)]
    pub fn host_data_ptr(&self) -> Option<*const u8> {
        let (storage, layout) = self.node.as_data()?;
        let copies = storage.copies();
        let start = layout.offset * storage.dtype.size_of();
        copies
            .host
            .as_ref()?
            .as_bytes()
            .get(start..)
            .map(<[u8]>::as_ptr)
    }

    /// The array placed on `device`: computed there if lazy, copied there if
    /// not; kernels over it then run there. `Device::Auto` forces it wherever
    /// placement chooses.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::ones(&[2], DType::F32).to_device(Device::Cpu)?;
    /// assert_eq!(a.device(), Device::Cpu);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn to_device(&self, device: Device) -> Result<Array> {
        if device == Device::Auto {
            return self.eval();
        }
        let rt = runtime();
        let target = rt.index_of(device)?;
        force_on(&self.node, device)?;
        let (storage, layout) = self.node.as_data().expect("a forced node holds data");
        let backend = rt.backend(target);
        let moved = if backend.memory() == crate::backend::Memory::Host {
            Storage::from_host_arc(storage.dtype, storage.len, host_copy(&storage)?)
        } else {
            let resident = storage
                .copies()
                .devices
                .iter()
                .find(|(i, _)| *i == target)
                .map(|(_, b)| b.clone());
            let buf = match resident {
                Some(b) => b,
                None => {
                    let host = host_copy(&storage)?;
                    let b = backend.upload(&host)?;
                    crate::stats::record(|s| {
                        s.uploads += 1;
                        s.upload_bytes += host.len() as u64;
                    });
                    b
                }
            };
            Storage::from_buffer(storage.dtype, storage.len, target, false, buf)
        };
        Ok(Array::from_node(Node::data(moved, layout)))
    }
}

impl Array {
    /// The kernels reading this array would run, on which device, and why
    /// (placement's reasons, including routing a dtype a device lacks to
    /// the CPU). Runs nothing.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::ones(&[1000], DType::F32).eval()?;
    /// let plan = (&a * 2.0 + 1.0).sum().explain();
    /// assert!(plan.starts_with("1 kernel(s)"));
    /// assert!(plan.contains("reduce sum"));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn explain(&self) -> String {
        crate::force::explain::explain(&self.node)
    }
}

impl fmt::Display for Array {
    /// NumPy's `str(a)`: summarised with `...` past 1000 elements.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.host_view() {
            Ok((_, layout, host)) => {
                let get = |i: usize| read_scalar(&host, self.dtype(), nth_position(&layout, i));
                f.write_str(&crate::format::format_str(self.shape(), self.dtype(), &get))
            }
            Err(e) => write!(f, "<array {:?} {}: {e}>", self.shape(), self.dtype()),
        }
    }
}

impl fmt::Debug for Array {
    /// NumPy's `repr(a)`: `array([1., 2.], dtype=float32)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.host_view() {
            Ok((_, layout, host)) => {
                let get = |i: usize| read_scalar(&host, self.dtype(), nth_position(&layout, i));
                f.write_str(&crate::format::format_repr(
                    self.shape(),
                    self.dtype(),
                    &get,
                ))
            }
            Err(e) => write!(f, "<array {:?} {}: {e}>", self.shape(), self.dtype()),
        }
    }
}

/// The buffer position of the `i`-th element in C order.
fn nth_position(layout: &Layout, mut i: usize) -> usize {
    let mut p = layout.offset as isize;
    for ax in (0..layout.shape.len()).rev() {
        let n = layout.shape[ax];
        p += (i % n) as isize * layout.strides[ax];
        i /= n;
    }
    p as usize
}
