//! # tandem-core
//!
//! Array semantics for tandem: [`DType`] and NumPy's promotion rules,
//! [`Scalar`], shapes and broadcasting, the lazy expression graph behind
//! [`Array`], fusion of that graph into [`Kernel`]s, and the [`Backend`]
//! trait that executes them. The core depends on no backend; see
//! `backend.rs` for where a backend author starts reading.

pub mod dtype;
pub mod error;
pub mod format;
pub mod scalar;

pub use dtype::{DType, WeakKind};
pub use error::{Error, Result};
pub use scalar::Scalar;
pub mod backend;
pub mod buffer;
pub mod element;
pub mod kernel;
pub mod layout;
pub mod ops;

pub use backend::{Backend, Device, DeviceInfo, DeviceKind, Memory};
pub use element::Element;
pub mod stats;

mod fuse;
mod graph;
pub(crate) mod runtime;

pub use runtime::{default_device, devices, set_default_device};
pub use stats::{reset_stats, stats, Stats};
mod array;

pub use array::{Array, Operand};
