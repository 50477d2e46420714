//! Kernels that end in a reduction: checking them, choosing a strategy,
//! and writing the results.
//!
//! The kernel's iteration axes are reordered, never the data:
//! - **Runs** (`runs.rs`; the innermost axis is reduced, or there are few
//!   outputs): reduced axes go last, so each output's elements are one
//!   contiguous run of the flat index.
//! - **Rows** (`rows.rs`; the innermost axis is kept, e.g. `sum(axis=0)` of
//!   a C-order matrix): reduced axes go first, and blocks of consecutive
//!   outputs are folded elementwise into rows of accumulators.
//! - **Short rows** (`short_rows.rs`; the innermost axis is reduced but
//!   short, with many outputs, and every input is read in storage order,
//!   e.g. `sum(-1)` of n × 4): blocks of whole rows, each row reduced in
//!   registers by a loop specialised for its length.
//! - **Columns** (`columns.rs`; the same, with inputs that broadcast or
//!   stride, e.g. a k-means distance over [n, k, d]): reduced axes go first,
//!   and tiles of outputs fold one value each per reduced index.
//!
//! Float sums over a reduced innermost axis of at most 128 values follow
//! NumPy's order (the same bits as NumPy's `sum(-1)`), whichever strategy
//! runs them; longer ones sum pairwise in tandem's own blocks, and the rows
//! strategy adds rows in order, as NumPy does for `sum(axis=0)`.
//!
//! `red.rs` holds the element types and float summation, `extreme.rs` (and
//! `scan_x86.rs`, its x86-64 intrinsics) the min/max search of a run, and
//! `results.rs` where the short strategies write.
//! `strategy.rs` picks the strategy, `run.rs` checks and runs the kernel,
//! and `blocks.rs` evaluates the reduced value that every strategy folds.

mod blocks;
mod columns;
mod extreme;
mod red;
mod results;
mod rows;
mod run;
mod runs;
#[cfg(target_arch = "x86_64")]
mod scan_x86;
#[cfg(all(test, target_arch = "x86_64"))]
mod scan_x86_tests;
mod short_rows;
mod strategy;

#[cfg(test)]
pub(crate) use run::run_with;
pub(crate) use run::{describe, run};
