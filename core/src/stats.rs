//! `Stats`: counters of the work tandem did, for tests, benchmarks and users
//! who want to see fusion and transfers happen.
//!
//! Counters are kept **per thread** (the thread that forced the work), so
//! concurrent tests and programs do not see each other's kernels.

use std::cell::RefCell;
use std::collections::BTreeMap;

/// What tandem has done on this thread since the last [`reset_stats`].
///
/// ```
/// let s = tandem_core::stats();
/// assert_eq!(s.kernels_on("no-such-backend"), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Kernels run, by backend name (`"cpu"`, `"gpu:0"` …).
    pub kernels: BTreeMap<String, u64>,
    /// Host → device copies and their bytes.
    pub uploads: u64,
    /// Bytes uploaded.
    pub upload_bytes: u64,
    /// Device → host copies.
    pub downloads: u64,
    /// Bytes downloaded.
    pub download_bytes: u64,
    /// Buffers allocated for kernel results and copies.
    pub allocations: u64,
    /// Bytes of those buffers.
    pub allocated_bytes: u64,
    /// Bytes kernels read from their input buffers (each binding counted
    /// once per element it covers: a shared subexpression's inputs count once).
    pub bytes_read: u64,
    /// Bytes kernels wrote.
    pub bytes_written: u64,
    /// Command submissions to devices (a GPU backend reports these).
    pub submissions: u64,
    /// Compiled pipelines found in the cache.
    pub pipeline_cache_hits: u64,
    /// Pipelines compiled because the cache did not have them.
    pub pipeline_cache_misses: u64,
    /// Forces that ran kernels (each read, `eval` or bound-triggered flush of
    /// lazy values is one, however many kernels it runs).
    pub forces: u64,
    /// Lazy values computed again by a force after an earlier force had
    /// computed them without keeping them: work done twice. The force
    /// policy keeps what is still held, so this stays 0 unless memory
    /// pressure made a force drop what it would have kept.
    pub recomputed: u64,
    /// Values stored beyond those asked for, because the program (or a
    /// later value) still holds them: a later force reads them instead of
    /// computing them again.
    pub kept: u64,
    /// Forces whose plan (kernels, placement) was found in the plan cache.
    pub plan_cache_hits: u64,
    /// Forces that had to plan (a graph structure not seen recently).
    pub plan_cache_misses: u64,
    /// Kernels routed away from the device that placement preferred or the
    /// user asked for, because that device cannot run them (`explain()`
    /// says why).
    pub fallbacks: u64,
}

impl Stats {
    /// Total kernels over every backend.
    ///
    /// ```
    /// assert_eq!(tandem_core::Stats::default().total_kernels(), 0);
    /// ```
    pub fn total_kernels(&self) -> u64 {
        self.kernels.values().sum()
    }

    /// Kernels run by one backend.
    ///
    /// ```
    /// assert_eq!(tandem_core::Stats::default().kernels_on("cpu"), 0);
    /// ```
    pub fn kernels_on(&self, backend: &str) -> u64 {
        self.kernels.get(backend).copied().unwrap_or(0)
    }
}

thread_local! {
    static STATS: RefCell<Stats> = RefCell::new(Stats::default());
}

/// A snapshot of this thread's counters.
///
/// ```
/// tandem_core::reset_stats();
/// assert_eq!(tandem_core::stats().total_kernels(), 0);
/// ```
pub fn stats() -> Stats {
    STATS.with(|s| s.borrow().clone())
}

/// Zeroes this thread's counters.
///
/// ```
/// tandem_core::reset_stats();
/// ```
pub fn reset_stats() {
    STATS.with(|s| *s.borrow_mut() = Stats::default());
}

/// Adds to this thread's counters (for the core and for backends, which
/// report pipeline-cache hits and misses through it).
///
/// ```
/// tandem_core::reset_stats();
/// tandem_core::stats::record(|s| s.pipeline_cache_hits += 1);
/// assert_eq!(tandem_core::stats().pipeline_cache_hits, 1);
/// ```
pub fn record(f: impl FnOnce(&mut Stats)) {
    STATS.with(|s| f(&mut s.borrow_mut()));
}
