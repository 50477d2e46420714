//! The plan cache: plans by the structure key of their walk (see
//! `graph/walk.rs`), per thread, so a force repeated in a loop (the same graph
//! shape, new values) skips planning; and what plans have learned.
//!
//! A plan that computed a held value without keeping it (it was under a
//! reduction) *learns* when a later force needs that value again: the next
//! force with the same structure keeps it. So a loop body that reads a held
//! intermediate twice computes it twice in its first iteration, and once
//! in every later one.
//!
//! Bounded: at [`CAPACITY`] plans it starts afresh, so a program whose
//! graphs never repeat pays a rebuild now and then, never unbounded memory.

use crate::fuse::plan::Plan;
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::sync::Arc;

/// Plans kept per thread.
const CAPACITY: usize = 512;

#[derive(Default)]
struct Cache {
    plans: HashMap<Box<[u64]>, Arc<Plan>>,
    /// Per key: walk positions of held values to keep.
    learned: HashMap<Box<[u64]>, Vec<u32>>,
    /// The key of each cached plan, by plan id.
    keys: HashMap<u64, Box<[u64]>>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// The plan cached for `key`, if any.
pub(crate) fn get(key: &[u64]) -> Option<Arc<Plan>> {
    CACHE.with(|c| c.borrow().plans.get(key).cloned())
}

/// What plans for `key` have learned to keep.
pub(crate) fn learned(key: &[u64]) -> Vec<u32> {
    CACHE.with(|c| c.borrow().learned.get(key).cloned().unwrap_or_default())
}

/// Caches `plan` for `key`.
pub(crate) fn put(key: &[u64], plan: Arc<Plan>) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.plans.len() >= CAPACITY {
            *c = Cache::default();
        }
        c.keys.insert(plan.id, key.into());
        c.plans.insert(key.into(), plan);
    });
}

/// Plan `id` computed the held value at walk position `index` without
/// keeping it, and a later force needed it again: its next run keeps it.
pub(crate) fn learn(id: u64, index: u32) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let Some(key) = c.keys.remove(&id) else {
            return;
        };
        c.plans.remove(&key);
        let l = c.learned.entry(key).or_default();
        if !l.contains(&index) {
            l.push(index);
        }
    });
}
