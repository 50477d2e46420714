//! # tandem
//!
//! N-dimensional arrays with NumPy's semantics, computed lazily: whole
//! expressions are fused into single kernels and run on the CPU (SIMD +
//! threads) or a GPU.
//!
//! ```
//! use tandem::prelude::*;
//! let a = Array::arange(0.0, 4.0, 1.0, DType::F32)?;
//! let b = Array::full(&[4], 0.5f32);
//! let c = (&a * &b + 1.0).sqrt();       // one fused kernel, nothing runs yet
//! println!("{c}");                      // runs now: [1.        1.2247449 1.4142135 1.5811388]
//! assert_eq!(c.dtype(), DType::F32);
//! # Ok::<(), tandem::Error>(())
//! ```
//!
//! This crate is the facade: it re-exports [`tandem_core`]'s array API and
//! wires in the backends (the CPU backend always; GPU backends when built).

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use tandem_core::{
    backend, buffer, default_device, devices, dtype, format, kernel, layout, ops, register_backend,
    reset_stats, set_default_device, stats, Array, Backend, DType, Device, DeviceInfo, DeviceKind,
    Element, Error, Memory, NewAxis, Operand, PadMode, Result, Scalar, SliceArg, Stats, WeakKind,
};

/// NumPy-style slice arguments; see [`tandem_core::s!`].
pub use tandem_core::s;

/// `true` when this build registers a GPU backend (so a machine with an
/// adapter lists it in [`devices`]). Test harnesses use it to decide whether
/// `TANDEM_REQUIRE_GPU=1` has anything to require.
///
/// ```
/// let _gpu = tandem::GPU_BACKEND_BUILT;
/// ```
pub const GPU_BACKEND_BUILT: bool = true;

/// Files and interop: NumPy `.npy` files on disk ([`save_npy`](io::save_npy),
/// [`load_npy`](io::load_npy)) and in memory ([`to_npy_bytes`](io::to_npy_bytes),
/// [`from_npy_bytes`](io::from_npy_bytes)). Versions 1.0, 2.0 and 3.0, either
/// byte order, C and Fortran order; what tandem writes is byte-for-byte what
/// `np.save` writes. With the `ndarray` feature, `Array` also converts to and
/// from `ndarray::ArrayD` (`Array::from(nd)`, `a.to_ndarray::<T>()`).
///
/// ```
/// use tandem::prelude::*;
/// let path = std::env::temp_dir().join("tandem_doc_io.npy");
/// let a = Array::eye(3, DType::F64);
/// tandem::io::save_npy(&path, &a)?;
/// assert_eq!(tandem::io::load_npy(&path)?.to_vec::<f64>()?, a.to_vec::<f64>()?);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), tandem::Error>(())
/// ```
pub mod io {
    pub use tandem_core::npy::{from_npy_bytes, load_npy, save_npy, to_npy_bytes};
}

pub mod expr;

/// Everything a user needs: `use tandem::prelude::*;`.
pub mod prelude {
    pub use tandem_core::{
        s, Array, DType, Device, Error, NewAxis, Operand, PadMode, Result, Scalar,
    };
}

tandem_core::provide_backends!(|| {
    let mut backends = vec![std::sync::Arc::new(tandem_cpu::CpuBackend::new())
        as std::sync::Arc<dyn tandem_core::Backend>];
    backends.extend(tandem_gpu::backends());
    backends
});
