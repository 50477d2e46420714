//! The entry points of forcing: [`force`] (one value), [`force_all`]
//! (several together) and [`write`] (into a region of a buffer). Each walks
//! the graph, finds the plan in the cache or builds it (fuse, place), and
//! executes it (`execute.rs`).

use super::execute::execute;
use super::pending::connected_heads;
use super::scratch::{prefix, put_walk, take_walk, ASKED};
use super::{cache, direct};
use crate::backend::{Buffer, Device};
use crate::error::{Error, Result};
use crate::fuse::{plan, Target};
use crate::graph::walk::Walk;
use crate::graph::{Node, Storage};
use crate::layout::Layout;
use crate::registry::default_device_checked;
use crate::run::batch;
use crate::stats::record;
use std::sync::Arc;

/// Computes `node` if it is lazy; afterwards it holds data.
pub(crate) fn force(node: &Arc<Node>) -> Result<()> {
    match default_device_checked() {
        Ok(want) => force_on(node, want),
        // Data already computed reads whatever the configuration.
        Err(_) if !node.is_lazy() => Ok(()),
        Err(e) => Err(e),
    }
}

/// [`force`] with an explicit device choice.
pub(crate) fn force_on(node: &Arc<Node>, want: Device) -> Result<()> {
    // The direct path first: it looks at the node anyway (one lock fewer
    // for the commonest small force), and declines data.
    if let Some(done) = direct::try_force(node, want) {
        return done;
    }
    if !node.is_lazy() {
        return Ok(());
    }
    batch(|| force_all(&[node], want))
}

/// Computes every lazy node of `roots` together: one plan, shared values
/// computed once.
pub(crate) fn force_all(roots: &[&Arc<Node>], want: Device) -> Result<()> {
    let mut walk = take_walk();
    let result = run_forced(&mut walk, roots, want, None, None).map(|_| ());
    put_walk(walk);
    result
}

/// Walks, plans (or finds the plan) and runs. With a target, root 0 is
/// written into it (a region of `buffer`, or of a new buffer when `buffer`
/// is `None`, placed by the planner) and is not turned into data; the
/// storage of that buffer comes back.
fn run_forced(
    walk: &mut Walk,
    roots: &[&Arc<Node>],
    want: Device,
    target: Option<(&Target, Option<usize>)>,
    buffer: Option<&mut Option<Buffer>>,
) -> Result<Option<Arc<Storage>>> {
    let mut key_prefix = prefix(want, target);
    walk.walk(roots, &key_prefix, false);
    // A value known to fail: nothing to plan or run.
    if let Some(e) = walk.failed.take() {
        return Err(e);
    }
    // A value this graph shares with pending lazy values of the same shape
    // (`let d1 = …; let call = f(d1); let put = g(d1);` then `call` read):
    // compute those values in the same kernel, so the shared part runs once.
    let shared = walk
        .visited
        .iter()
        .enumerate()
        .any(|(i, v)| v.held && !walk.roots.contains(&(i as u32)));
    let siblings = (shared && target.is_none() && roots.len() == 1)
        .then(|| {
            // The walk's handles would count as holders: let them go first.
            walk.clear();
            connected_heads(roots[0], true)
        })
        .filter(|s| s.len() > 1);
    if siblings.is_none() && walk.nodes.is_empty() {
        walk.walk(roots, &key_prefix, false);
    }
    let sibling_refs: Vec<&Arc<Node>>;
    // The roots asked for come first; the others are kept values.
    let asked = roots.len();
    let roots = match &siblings {
        Some(s) => {
            sibling_refs = s.iter().collect();
            key_prefix.push(ASKED | asked as u64);
            walk.walk(&sibling_refs, &key_prefix, false);
            sibling_refs.as_slice()
        }
        None => roots,
    };

    let cached = cache::get(&walk.key);
    let hit = cached.is_some();
    let plan = match cached {
        Some(p) => p,
        None => {
            // Walk again with snapshots (the graph may have changed since, if
            // another thread forced part of it: the plan follows this walk).
            walk.walk(roots, &key_prefix, true);
            let p = Arc::new(plan::plan(
                walk,
                want,
                target.map(|(t, b)| (t, b.unwrap_or(usize::MAX))),
                &cache::learned(&walk.key),
                asked,
            )?);
            record(|s| s.plan_cache_misses += 1);
            cache::put(&walk.key, p.clone());
            p
        }
    };
    match execute(&plan, walk, buffer, Some(hit)) {
        Err(Error::OutOfMemory { .. }) if plan.kept > 0 && target.is_none() => {
            // Memory pressure: keep only what was asked for.
            walk.walk(roots, &key_prefix, true);
            let lean = plan::plan_lean(walk, want)?;
            execute(&lean, walk, None, None)
        }
        r => r,
    }
}

/// Writes `node`'s values into `region` of `buffer` (a buffer of
/// `buffer_len` elements of `node`'s dtype on backend `backend`; `None`:
/// allocated on the backend placement picks, and returned in `buffer`).
pub(crate) fn write(
    node: &Arc<Node>,
    region: Layout,
    buffer_len: usize,
    backend: Option<usize>,
    buffer: &mut Option<Buffer>,
    want: Device,
) -> Result<Arc<Storage>> {
    let target = Target {
        layout: region,
        buffer_len,
    };
    batch(|| {
        let mut walk = take_walk();
        let r = run_forced(
            &mut walk,
            &[node],
            want,
            Some((&target, backend)),
            Some(buffer),
        );
        put_walk(walk);
        r
    })
    .map(|s| s.expect("a targeted force returns its storage"))
}
