//! # tandem-core
//!
//! Array semantics for tandem: [`DType`] and NumPy's promotion rules,
//! [`Scalar`], shapes and broadcasting, the lazy expression graph behind
//! [`Array`], fusion of that graph into [`Kernel`](kernel::Kernel)s, and the
//! [`Backend`] trait that executes them. The core depends on no backend;
//! `backend.rs` is where a backend author starts reading.

pub mod backend;
pub mod buffer;
pub mod dtype;
pub mod element;
pub mod error;
pub mod format;
pub mod kernel;
pub mod layout;
pub mod npy;
pub mod ops;
pub mod scalar;
pub mod slice;
pub mod stats;
pub mod view;

mod array;
mod force;
mod fuse;
mod graph;
#[cfg(feature = "ndarray")]
mod interop_ndarray;
pub(crate) mod runtime;

pub use array::{Array, Operand, PadMode};
pub use backend::{Backend, Device, DeviceInfo, DeviceKind, Memory};
pub use dtype::{DType, WeakKind};
pub use element::Element;
pub use error::{Error, Result};
pub use runtime::{default_device, devices, register_backend, set_default_device};
pub use scalar::Scalar;
pub use slice::{NewAxis, SliceArg};
pub use stats::{reset_stats, stats, Stats};
