//! The pending work: lazy nodes built on this thread (weakly held), so a
//! force can compute the values that share work with it in the same
//! kernels, and the depth bound can force a loop's pending values together.

use super::scratch::{put_walk, take_walk};
use crate::graph::walk::Kind;
use crate::graph::Node;
use std::cell::RefCell;
use std::sync::{Arc, Weak};

thread_local! {
    /// Lazy nodes built on this thread, for [`flush`](super::lazy::flush)
    /// to find the pending work.
    static PENDING: RefCell<Pending> = const { RefCell::new(Pending { nodes: Vec::new(), pruned: 0 }) };
}

struct Pending {
    nodes: Vec<Weak<Node>>,
    /// Length after the last pruning.
    pruned: usize,
}

/// Notes a new lazy node (for [`flush`]). Dead nodes are pruned once the
/// list has doubled, so it stays proportional to the live lazy nodes.
pub(crate) fn register(node: &Arc<Node>) {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        // Values already gone at the end of the list (a loop's last
        // temporaries) are let go now: their memory is freed while it is
        // still warm, for the next node to reuse, not 64 nodes later.
        while p.nodes.last().is_some_and(|w| w.strong_count() == 0) {
            p.nodes.pop();
        }
        p.pruned = p.pruned.min(p.nodes.len());
        p.nodes.push(Arc::downgrade(node));
        if p.nodes.len() >= 2 * p.pruned.max(64) {
            p.nodes.retain(|w| w.strong_count() > 0);
            p.pruned = p.nodes.len();
        }
    });
}

/// Whether two of `nodes` reach a common lazy node: forced one by one,
/// the work below it would run once per node.
pub(crate) fn share_work(nodes: &[&Arc<Node>]) -> bool {
    let lazy = nodes.iter().filter(|n| n.is_lazy()).count();
    if lazy < 2 {
        return false;
    }
    let mut seen: rustc_hash::FxHashMap<usize, usize> = Default::default();
    for (k, root) in nodes.iter().enumerate() {
        let mut stack = vec![(*root).clone()];
        while let Some(n) = stack.pop() {
            if !n.is_lazy() {
                continue;
            }
            match seen.insert(Arc::as_ptr(&n) as usize, k) {
                Some(j) if j != k => return true,
                Some(_) => continue,
                None => {}
            }
            n.with_def(|e| e.for_each_child(|c| stack.push(c.clone())));
        }
    }
    false
}

/// `root` and the lazy values built on this thread that something outside
/// their graphs still holds (an `Array` handle, mostly) and that share lazy
/// nodes with `root`: the pending work a force of `root` can do in the same
/// kernels, so the shared part runs once (`same_shape`: only values of
/// `root`'s shape, which become extra outputs of its kernel).
pub(crate) fn connected_heads(root: &Arc<Node>, same_shape: bool) -> Vec<Arc<Node>> {
    let candidates: Vec<Arc<Node>> = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        p.nodes.retain(|w| w.strong_count() > 0);
        p.pruned = p.nodes.len();
        p.nodes
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|n| !same_shape || n.shape == root.shape)
            .filter(|n| !Arc::ptr_eq(n, root) && n.is_lazy())
            .collect()
    });
    if candidates.is_empty() {
        return vec![root.clone()];
    }
    let mut walk = take_walk();
    let mut roots: Vec<&Arc<Node>> = candidates.iter().collect();
    roots.push(root);
    walk.walk(&roots, &[], false);
    // Union the walked nodes into connected components of lazy nodes.
    let n = walk.nodes.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], mut i: u32) -> u32 {
        while p[i as usize] != i {
            p[i as usize] = p[p[i as usize] as usize];
            i = p[i as usize];
        }
        i
    }
    for i in 0..n {
        if !matches!(walk.visited[i].kind, Kind::Elementwise | Kind::Reduce) {
            continue;
        }
        for &c in walk.visited[i].children() {
            if matches!(
                walk.visited[c as usize].kind,
                Kind::Elementwise | Kind::Reduce
            ) {
                let (a, b) = (find(&mut parent, i as u32), find(&mut parent, c));
                parent[a as usize] = b;
            }
        }
    }
    let last = *walk.roots.last().expect("root is a root");
    let component = find(&mut parent, last);
    // Heads: `root` (first), and candidates held beyond the union's own
    // edges (the walk's handle and the candidate list's).
    let mut heads: Vec<Arc<Node>> = vec![root.clone()];
    heads.extend(
        walk.roots
            .iter()
            .zip(roots.iter())
            .filter(|(&r, node)| {
                let v = &walk.visited[r as usize];
                !Arc::ptr_eq(node, root)
                    && find(&mut parent, r) == component
                    && Arc::strong_count(node) > v.refs as usize + 2
            })
            .map(|(_, node)| (*node).clone()),
    );
    drop(roots);
    put_walk(walk);
    heads
}
