//! Where the short strategies (`short_rows.rs`, `columns.rs`) put their
//! results: straight into the kernel's output when it is contiguous (the
//! values, or the positions of an arg-reduction), so nothing is copied
//! and no output-sized scratch is faulted in (a k-means distance has as
//! many outputs as the input has values); and how they split the outputs
//! into groups and the groups over threads.

use super::red::Red;
use rayon::prelude::*;
use tandem_core::Result;

/// The results of a reduction, one per output in order: its values, or
/// for an arg-reduction its positions.
pub(super) enum Results<'a, T> {
    Values(&'a mut [T]),
    Positions(&'a mut [i64]),
}

impl<T: Red> Results<'_, T> {
    /// Outputs.
    pub(super) fn len(&self) -> usize {
        match self {
            Results::Values(v) => v.len(),
            Results::Positions(p) => p.len(),
        }
    }

    /// Calls `f(state, first, vals, idx)` for consecutive groups of at most
    /// `group` outputs starting at output `first`, with `vals` and `idx`
    /// as long as the group: one of them is where its results go, the
    /// other per-thread scratch. Groups run in chunks of several, on
    /// rayon's threads when `parallel`, each thread with its own `state`.
    pub(super) fn for_groups<S>(
        self,
        group: usize,
        parallel: bool,
        init: impl Fn() -> S + Send + Sync,
        f: impl Fn(&mut S, usize, &mut [T], &mut [i64]) -> Result<()> + Send + Sync,
    ) -> Result<()> {
        let outputs = self.len();
        let group = group.max(1);
        let chunk = if parallel {
            let threads = rayon::current_num_threads().max(1);
            outputs.div_ceil(threads * 4).div_ceil(group).max(1) * group
        } else {
            outputs.max(1)
        };
        // One chunk: its groups, the scratch of the kind not kept.
        let run = |state: &mut (S, Vec<T>, Vec<i64>), c: usize, mut dst: Dst<'_, T>| {
            let (s, vals, idx) = state;
            let len = dst.len();
            let mut at = 0;
            while at < len {
                let n = group.min(len - at);
                let first = c * chunk + at;
                match &mut dst {
                    Dst::Values(v) => {
                        idx.resize(n, 0);
                        f(s, first, &mut v[at..at + n], &mut idx[..n])?;
                    }
                    Dst::Positions(p) => {
                        vals.resize(n, T::ZERO);
                        f(s, first, &mut vals[..n], &mut p[at..at + n])?;
                    }
                }
                at += n;
            }
            Ok(())
        };
        let init = || (init(), Vec::new(), Vec::new());
        match (self, parallel) {
            (Results::Values(v), true) => v
                .par_chunks_mut(chunk)
                .enumerate()
                .try_for_each_init(init, |st, (c, v)| run(st, c, Dst::Values(v))),
            (Results::Positions(p), true) => p
                .par_chunks_mut(chunk)
                .enumerate()
                .try_for_each_init(init, |st, (c, p)| run(st, c, Dst::Positions(p))),
            (Results::Values(v), false) => run(&mut init(), 0, Dst::Values(v)),
            (Results::Positions(p), false) => run(&mut init(), 0, Dst::Positions(p)),
        }
    }
}

/// A chunk's share of [`Results`].
enum Dst<'a, T> {
    Values(&'a mut [T]),
    Positions(&'a mut [i64]),
}

impl<T> Dst<'_, T> {
    fn len(&self) -> usize {
        match self {
            Dst::Values(v) => v.len(),
            Dst::Positions(p) => p.len(),
        }
    }
}
