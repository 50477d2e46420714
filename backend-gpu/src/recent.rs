//! [`Recent`]: a map that keeps the most recently used entries up to a
//! capacity, for the caches a long run would otherwise grow without bound
//! (pipelines, verdicts, bind groups). Two generations approximate LRU at
//! O(1) per operation: entries go into the young map; a hit in the old map
//! moves the entry to the young one; when the young map is half the
//! capacity, the old map (entries unused for a whole generation) is dropped
//! and the young one becomes old. A working set up to half the capacity is
//! never evicted.

use rustc_hash::FxHashMap;
use std::hash::Hash;

/// A map of at most `capacity` entries, dropping the least recently used
/// generation first.
pub(crate) struct Recent<K, V> {
    young: FxHashMap<K, V>,
    old: FxHashMap<K, V>,
    capacity: usize,
}

impl<K: Hash + Eq, V> Recent<K, V> {
    /// An empty map that holds at most `capacity` (at least 2) entries.
    pub fn new(capacity: usize) -> Recent<K, V> {
        Recent {
            young: FxHashMap::default(),
            old: FxHashMap::default(),
            capacity: capacity.max(2),
        }
    }

    /// The value for `k`, now counted as recently used.
    pub fn get(&mut self, k: &K) -> Option<&V> {
        if !self.young.contains_key(k) {
            let (k, v) = self.old.remove_entry(k)?;
            self.insert(k, v);
        }
        self.young.get(k)
    }

    /// Adds (or replaces) `k`, evicting the old generation if the young
    /// one is full.
    pub fn insert(&mut self, k: K, v: V) {
        if self.young.len() >= self.capacity / 2 && !self.young.contains_key(&k) {
            self.old = std::mem::take(&mut self.young);
        }
        self.old.remove(&k);
        self.young.insert(k, v);
    }

    /// Keeps only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.young.retain(|k, v| keep(k, v));
        self.old.retain(|k, v| keep(k, v));
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.young.clear();
        self.old.clear();
    }

    /// How many entries are held (never more than the capacity).
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recently_used_entries_stay_and_the_size_is_capped() {
        let mut r = Recent::new(8);
        for i in 0..100 {
            r.insert(i, i * 10);
            // Entry 0 is used all along: it is never evicted.
            assert_eq!(r.get(&0), Some(&0));
            assert!(r.len() <= 8, "{} entries", r.len());
        }
        // The latest entries are there; long-unused ones are gone.
        assert_eq!(r.get(&99), Some(&990));
        assert_eq!(r.get(&98), Some(&980));
        assert_eq!(r.get(&5), None);
        r.retain(|k, _| k % 2 == 0);
        assert_eq!(r.get(&99), None);
        assert_eq!(r.get(&0), Some(&0));
        r.insert(0, 1);
        assert_eq!(r.get(&0), Some(&1));
        r.clear();
        assert_eq!(r.len(), 0);
    }
}
