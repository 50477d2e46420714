//! # tandem-core
//!
//! Array semantics for tandem: [`DType`] and NumPy's promotion rules,
//! [`Scalar`], shapes and broadcasting, the lazy expression graph behind
//! [`Array`], fusion of that graph into [`Kernel`](kernel::Kernel)s, and the
//! [`Backend`] trait that executes them. The core depends on no backend;
//! `backend.rs` is where a backend author starts reading.
//!
//! # The pipeline, by folder
//!
//! One computation goes through these modules in this order; each uses
//! only the ones after it (and the shared types below), never one before:
//!
//! | stage | module | what it does |
//! | --- | --- | --- |
//! | build | `array/` | `Array`'s methods: check shapes and dtypes at the call site, build graph nodes |
//! | build | `graph/` | the lazy graph: nodes, storages, and the walk below a force's roots |
//! | force | `force/` | when and what to compute: entry points, the force policy, the depth bound, the plan cache, `explain` |
//! | fuse | `fuse/` | the plan of a force: groups of values, each fused into one kernel |
//! | place | `place.rs` | which backend runs a kernel, and why |
//! | move | `transfer.rs` | a storage's values where the kernel runs, each copy made once |
//! | run | `run.rs` | running kernels in batches, and counting them |
//!
//! `registry.rs` (the registered backends and the default device) is read
//! by every stage. The shared types: `kernel.rs` (the IR backends run),
//! `backend.rs` (the trait), `layout.rs`, `view.rs`, `ops.rs`, `dtype.rs`,
//! `scalar.rs`, `buffer.rs`, `error.rs`, `stats.rs`; and the edges:
//! `format.rs` (printing), `npy.rs` (files), `interop_ndarray.rs`.
//! `scripts/check_module_cycles.py` keeps the modules free of cycles.

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
mod place;
pub(crate) mod registry;
mod run;
mod transfer;

pub use array::{Array, Operand, PadMode};
pub use backend::{Backend, Device, DeviceInfo, DeviceKind, Memory};
pub use dtype::{DType, WeakKind};
pub use element::Element;
pub use error::{Error, Result};
pub use registry::{default_device, devices, register_backend, set_default_device};
pub use scalar::Scalar;
pub use slice::{NewAxis, SliceArg};
pub use stats::{reset_stats, stats, Stats};
