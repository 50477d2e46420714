//! Shared helpers for the integration tests: the NumPy fixtures, building
//! arrays from them, comparing results, and running one body on every device.
//!
//! # Fixtures
//!
//! `scripts/fixtures/elementwise.py` writes JSON under
//! `tests/fixtures/elementwise/` with real NumPy. An array is
//! `{"dtype": "float32", "shape": [2, 3], "data": [...]}` (flat, C order) with
//! floats as strings (`"nan"`, `"-inf"`, `"-0.0"`, `"0.1"`), integers as
//! numbers and booleans as `true`/`false`. A weak (Rust literal, NEP 50)
//! scalar operand is `{"kind": "bool"|"int"|"float", "value": ...}`.
//!
//! # Comparison modes (the `"cmp"` of a case)
//!
//! The dtype and shape must always match exactly. Values:
//!
//! - [`Cmp::Exact`]: bit-exact for floats, except that every NaN equals every
//!   NaN; `-0.0` and `0.0` differ. Arithmetic, comparisons, casts, rounding
//!   and integer ops.
//! - [`Cmp::NoSign`]: exact, but `-0.0 == 0.0` (maximum/minimum/clip, where
//!   NumPy's own sign of zero depends on its SIMD path).
//! - [`Cmp::Ulp`]: floats within [`ULP_F32`] / [`ULP_F64`] units in the last
//!   place of the result dtype, counted on the ordered integer line of that
//!   dtype (so `-0.0` and `0.0` are 0 apart and the largest finite value is 1
//!   from infinity). A NaN must be NaN and an infinity must be that infinity.
//!   Transcendental functions, `sqrt`, `sigmoid`, float `pow` and `atan2`;
//!   the fixture's expected values there are NumPy evaluated at higher
//!   precision and rounded, i.e. (nearly) correctly rounded. Integer and
//!   bool results are still compared exactly.
//! - [`Cmp::Approx`]: creation functions with a float dtype (arange,
//!   linspace): `|got - expected| <= 4 * eps(dtype) * max(1, max|expected|)`,
//!   because NumPy's fill formula is not part of the contract.
//!
//! # Devices
//!
//! [`for_each_device`] runs a body once per entry of `tandem::devices()`.
//! With `TANDEM_REQUIRE_GPU=1` and no GPU listed it panics; otherwise, with
//! no GPU, it prints `skipping GPU: no adapter` once per test binary, past the
//! test harness's output capture so that it shows. A build without a GPU
//! backend (`tandem::GPU_BACKEND_BUILT` is false) has no GPU runs to require,
//! and says so the same way.
//!
//! # Where the helpers live
//!
//! One file per job, all re-exported here so a test writes `use common::*`:
//! `fixtures.rs` (loading and decoding fixtures), `ops.rs` (ops by fixture
//! name, weak scalars), `compare.rs` (expected errors, comparison modes),
//! `devices.rs` (every device, operands placed on one; `with_opd!`),
//! `views.rs` (view, shape-op, join and assignment cases), `reductions.rs`.

// Each test binary uses some of the helpers: the rest, and the re-exports of
// files it uses nothing from, are unused there.
#![allow(dead_code, unused_imports)]

use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, Once, OnceLock};
use tandem::prelude::*;

mod compare;
#[macro_use]
mod devices;
mod fixtures;
mod ops;
mod reductions;
mod views;

pub use compare::*;
pub use devices::*;
pub use fixtures::*;
pub use ops::*;
pub use reductions::*;
pub use views::*;
