//! Helpers shared by tandem's test suites, in a crate of their own so that
//! the production crates carry none of them.
//!
//! - [`special`]: the exact special values of the vectorised math functions
//!   (NaN, infinities, signed zeros, thresholds, the C99 `atan2`/`pow`
//!   tables), which the CPU's vmath tests and the GPU's shader tests both
//!   check bit for bit.
//! - [`inputs`]: the deterministic random generator their accuracy sweeps
//!   draw from, and the families of inputs they sweep.
//! - [`ulp`]: distances in units in the last place, the unit of every
//!   accuracy tolerance, the sweeps' error measures, and the check of an
//!   op table row's accuracy class.
//!
//! The crate is `publish = false`; `tandem-cpu`, `tandem-gpu` and `tandem`
//! take it as a dev-dependency only (`cargo tree -p tandem -e normal` does
//! not show it).
//!
//! ```
//! use tandem_test_support::{inputs::Rng, special::is_exact, ulp::ulps_f64};
//! let x = Rng(1).uniform(0.0, 1.0);
//! assert!(is_exact(x, x) && ulps_f64(x, x) == 0);
//! ```

pub mod inputs;
pub mod special;
pub mod ulp;
