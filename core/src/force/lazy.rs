//! Building a lazy node: [`Node::lazy`], the constructor the array methods
//! call, and [`flush`], which it calls when a chain grows past the depth
//! bound. It lives in `force/` rather than `graph/` because building may
//! force: a loop that never reads its values still runs in bounded memory.
//! (An inherent `impl Node` may sit in any module of the crate; keeping it
//! here keeps the graph free of any dependency on forcing.)

use super::entry::force_all;
use super::pending::{connected_heads, register};
use crate::dtype::DType;
use crate::graph::{Node, NodeDef, MAX_LAZY_DEPTH};
use crate::layout::checked_bytes;
use crate::registry::default_device_checked;
use crate::run::batch;
use std::sync::Arc;

impl Node {
    /// A lazy node over `expr`. When a child's lazy chain has grown past
    /// [`MAX_LAZY_DEPTH`], the pending work connected to it is forced first
    /// (see [`flush`]): a loop that never reads its values
    /// still runs in bounded memory, in kernels of bounded size. A failure
    /// there is not lost: a child that fails on its own becomes a failed
    /// value (so does this node), the other values stay lazy, and the error
    /// comes back when they are read.
    ///
    /// A node whose shape is too big to address (NumPy's "array is too
    /// big") or that has a failed child is itself a failed value: the error
    /// comes back when it is read, never a wrong shape or a wrapped size.
    pub fn lazy(shape: Vec<usize>, dtype: DType, expr: NodeDef) -> Arc<Node> {
        if let Some(e) = expr.failed_child() {
            return Node::failed(shape, dtype, e);
        }
        if let Err(e) = checked_bytes("array", &shape, dtype) {
            return Node::failed(shape, dtype, e);
        }
        let mut deep = false;
        let mut depth = 0;
        expr.for_each_child(|c| {
            deep |= c.depth() >= MAX_LAZY_DEPTH;
            depth = depth.max(c.depth() + 1);
        });
        if deep {
            let mut first = None;
            expr.for_each_child(|c| {
                if c.depth() >= MAX_LAZY_DEPTH && first.is_none() {
                    first = Some(c.clone());
                }
            });
            if let Some(c) = first {
                flush(&c);
            }
            // A flush whose failure is final made that child a failed value.
            if let Some(e) = expr.failed_child() {
                return Node::failed(shape, dtype, e);
            }
            // The flush made the pending children data.
            depth = 0;
            expr.for_each_child(|c| depth = depth.max(c.depth() + 1));
        }
        // A constant is no pending work: nothing to flush it for.
        let leaf = matches!(expr, NodeDef::Const(_));
        let node = Node::with_depth(shape, dtype, expr, depth);
        if !leaf {
            register(&node);
        }
        node
    }
}

/// Forces the pending work connected to `deep`, a value whose lazy chain
/// has grown past the depth bound (see the module docs): every lazy value
/// built on this thread that the program (or another lazy value outside
/// this work) still holds, and that shares lazy nodes with `deep`, is
/// computed in one force.
///
/// A failure is not lost: when `deep` alone fails too, it becomes a failed
/// value ([`NodeDef::Fail`](crate::graph::NodeDef)) that reports the error when
/// read. Otherwise every later op on it would find it past the bound and
/// walk the whole, ever longer, chain again: a loop extending a value that
/// cannot be computed would cost O(n²), and its graph would grow without
/// bound. This holds for running out of memory too: NumPy would have
/// raised at the op, and an eager program has no later retry either.
/// The other pending values (whose failure may be `deep`'s alone) stay lazy.
pub(crate) fn flush(deep: &Arc<Node>) {
    let heads = connected_heads(deep, false);
    let refs: Vec<&Arc<Node>> = heads.iter().collect();
    if batch(|| default_device_checked().and_then(|d| force_all(&refs, d))).is_ok()
        || !deep.is_lazy()
    {
        return;
    }
    if let Err(e) = batch(|| default_device_checked().and_then(|d| force_all(&[deep], d))) {
        deep.set_failed(e);
    }
}
