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
