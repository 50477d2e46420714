//! The lazy expression graph: `Node`s that an `Array` handle points at.
//!
//! A node is either data (a [`Storage`] seen through a [`Layout`]) or an
//! expression over other nodes. Forcing a node runs the kernels that compute
//! it and turns it into data in place, which also drops its children: a long
//! lazy chain that has been forced holds no memory but its result.

use super::Storage;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::error::Error;
use crate::layout::Layout;
use crate::ops::{BinaryOp, ReduceOp, UnaryOp};
use crate::scalar::Scalar;
use crate::view::ViewOp;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Lazy chains deeper than this are forced while they are being built, so a
/// loop that accumulates without reading stays within a fixed memory bound
/// and the recursive passes over the graph stay shallow.
pub(crate) const MAX_LAZY_DEPTH: usize = 96;

/// What a node is: data, a constant, or an op over other nodes (its
/// definition; `NodeDef`, not `Expr`, so it is not mistaken for the
/// expression language of `tandem::expr`).
#[derive(Clone, Debug)]
pub(crate) enum NodeDef {
    /// Materialised elements.
    Data {
        storage: Arc<Storage>,
        layout: Layout,
    },
    /// A 0-d constant of the node's dtype (a weak scalar after promotion).
    Const(Scalar),
    /// `op(x)`; `x` already has the op's compute dtype and the node's shape.
    Unary(UnaryOp, Arc<Node>),
    /// `op(a, b)`; `a`, `b` share the compute dtype and broadcast to the node's shape.
    Binary(BinaryOp, Arc<Node>, Arc<Node>),
    /// `where(c, a, b)`, all three broadcasting to the node's shape.
    Select(Arc<Node>, Arc<Node>, Arc<Node>),
    /// `x` converted to the node's dtype.
    Cast(Arc<Node>),
    /// A view of `x` (slice, permute, reshape, broadcast) that could not be
    /// taken on data directly because `x` is lazy (or, for a reshape, not
    /// contiguous enough): fusion pushes it down to the leaves.
    View(ViewOp, Arc<Node>),
    /// `op` over `axes` (ascending) of `x`; the node's shape is `x`'s without
    /// them. `x` already has the dtype the reduction accumulates in. A
    /// reduction ends a kernel: a consumer reads its result as data.
    Reduce {
        op: ReduceOp,
        axes: Vec<usize>,
        x: Arc<Node>,
    },
    /// The batched matrix product `a @ b`: `a` has shape `batch ++ [m, k]`,
    /// `b` has `batch ++ [k, n]` (both already broadcast to the node's batch
    /// axes, as views, and of the node's dtype), the node `batch ++ [m, n]`.
    /// Fusion makes it the head of a kernel ([`Op::Dot`](crate::kernel::Op::Dot)):
    /// its operands are read from memory (data through views, or results of
    /// earlier kernels), the elementwise work on its result joins the kernel.
    Product(Arc<Node>, Arc<Node>),
    /// A value whose computation is known to fail with this error: an
    /// identity-less reduction of nothing asked for by a form that returns
    /// `Array`, a shape too big to address, or a forced value whose failure
    /// cannot change on a retry. Forcing it (or anything built on it)
    /// returns the error; ops on it build more failed values at once, so a
    /// loop over a failed value holds no graph and costs O(1) per step.
    Fail(Error),
}

/// A vertex of the graph. Shape and dtype are fixed at build time; the
/// expression becomes `Data` when forced.
#[derive(Debug)]
pub(crate) struct Node {
    pub shape: Vec<usize>,
    pub dtype: DType,
    def: Mutex<NodeDef>,
    /// Longest lazy path below (0 for data); see [`MAX_LAZY_DEPTH`].
    depth: AtomicUsize,
    /// Set when a kernel computes this lazy value without keeping it, to
    /// the plan and walk position that did (see `force::mark`): if a later
    /// force needs it again, that is work done twice, which
    /// `Stats::recomputed` counts and the plan learns from.
    computed_by: AtomicU64,
    /// Set once the expression is [`NodeDef::Fail`]: building on a node checks
    /// this flag, not the lock, so the check costs no lock per child.
    failed: AtomicBool,
}

impl Node {
    pub fn data(storage: Arc<Storage>, layout: Layout) -> Arc<Node> {
        Arc::new(Node {
            shape: layout.shape.clone(),
            dtype: storage.dtype,
            def: Mutex::new(NodeDef::Data { storage, layout }),
            depth: AtomicUsize::new(0),
            computed_by: AtomicU64::new(0),
            failed: AtomicBool::new(false),
        })
    }

    pub fn from_host(dtype: DType, shape: &[usize], host: HostBuffer) -> Arc<Node> {
        let len = shape.iter().product();
        Node::data(
            Storage::from_host(dtype, len, host),
            Layout::contiguous(shape),
        )
    }

    /// A lazy node over `expr` whose longest lazy path below is `depth`,
    /// as built by [`Node::lazy`] (in `force/lazy.rs`, because building may
    /// force: see there). This constructor only assembles the node.
    pub(crate) fn with_depth(
        shape: Vec<usize>,
        dtype: DType,
        expr: NodeDef,
        depth: usize,
    ) -> Arc<Node> {
        Arc::new(Node {
            shape,
            dtype,
            def: Mutex::new(expr),
            depth: AtomicUsize::new(depth),
            computed_by: AtomicU64::new(0),
            failed: AtomicBool::new(false),
        })
    }

    /// A value whose computation fails with `error` (see [`NodeDef::Fail`]).
    /// It is a leaf: it holds no children and no pending work.
    pub fn failed(shape: Vec<usize>, dtype: DType, error: Error) -> Arc<Node> {
        Arc::new(Node {
            shape,
            dtype,
            def: Mutex::new(NodeDef::Fail(error)),
            depth: AtomicUsize::new(0),
            computed_by: AtomicU64::new(0),
            failed: AtomicBool::new(true),
        })
    }

    /// The number of elements. Saturates at `usize::MAX` for the shape of a
    /// failed value too big to address (the only nodes whose size can
    /// overflow: every other node's shape passed [`checked_bytes`]).
    pub fn size(&self) -> usize {
        saturating_size(&self.shape)
    }

    pub fn depth(&self) -> usize {
        self.depth.load(Ordering::Relaxed)
    }

    /// A snapshot of the expression (cheap: children are `Arc`s).
    pub fn def(&self) -> NodeDef {
        self.def.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The expression, locked (for readers that look at several parts of it).
    pub fn lock_def(&self) -> MutexGuard<'_, NodeDef> {
        self.def.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Calls `f` with the expression, locked (no clone).
    pub fn with_def<T>(&self, f: impl FnOnce(&NodeDef) -> T) -> T {
        f(&self.def.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// `true` while the node is not data.
    pub fn is_lazy(&self) -> bool {
        self.with_def(|e| !matches!(e, NodeDef::Data { .. }))
    }

    /// Records which plan computed this node inside a kernel without
    /// keeping it (non-zero).
    pub fn mark_computed(&self, by: u64) {
        self.computed_by.store(by, Ordering::Relaxed)
    }

    /// The plan that computed this node without keeping it (0: none).
    pub fn computed_by(&self) -> u64 {
        self.computed_by.load(Ordering::Relaxed)
    }

    /// The data this node holds, if it has been materialised.
    pub fn as_data(&self) -> Option<(Arc<Storage>, Layout)> {
        match &*self.def.lock().unwrap_or_else(|e| e.into_inner()) {
            NodeDef::Data { storage, layout } => Some((storage.clone(), layout.clone())),
            _ => None,
        }
    }

    /// The data of a node nobody else holds, moved out (`None` if it is lazy).
    #[cfg_attr(not(feature = "ndarray"), allow(dead_code))]
    pub fn into_data(mut self) -> Option<(Arc<Storage>, Layout)> {
        // Moved out by a swap: `Node` has a `Drop` (no moving fields out).
        let expr = std::mem::replace(
            self.def.get_mut().unwrap_or_else(|e| e.into_inner()),
            NodeDef::Const(Scalar::Bool(false)),
        );
        match expr {
            NodeDef::Data { storage, layout } => Some((storage, layout)),
            _ => None,
        }
    }

    /// The error this node's computation is known to fail with, if any.
    pub fn failure(&self) -> Option<Error> {
        if !self.failed.load(Ordering::Acquire) {
            return None;
        }
        self.with_def(|e| match e {
            NodeDef::Fail(err) => Some(err.clone()),
            _ => None,
        })
    }

    /// Makes this lazy node a failed value (its failure is final), releasing
    /// its children. Data stays data.
    pub fn set_failed(&self, error: Error) {
        let mut guard = self.def.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*guard, NodeDef::Data { .. }) {
            return;
        }
        let old = std::mem::replace(&mut *guard, NodeDef::Fail(error));
        self.failed.store(true, Ordering::Release);
        self.depth.store(0, Ordering::Relaxed);
        drop(guard);
        drop(old);
    }

    /// Replaces the expression with its computed value, releasing the children.
    pub fn set_data(&self, storage: Arc<Storage>, layout: Layout) {
        let old = std::mem::replace(
            &mut *self.def.lock().unwrap_or_else(|e| e.into_inner()),
            NodeDef::Data { storage, layout },
        );
        self.depth.store(0, Ordering::Relaxed);
        drop(old);
    }
}

/// The product of `shape`, saturating at `usize::MAX`.
pub(crate) fn saturating_size(shape: &[usize]) -> usize {
    shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n))
        .unwrap_or(if shape.contains(&0) { 0 } else { usize::MAX })
}

impl NodeDef {
    /// The error of the first failed child, if one is.
    pub(crate) fn failed_child(&self) -> Option<Error> {
        let mut out = None;
        self.for_each_child(|c| {
            if out.is_none() {
                out = c.failure();
            }
        });
        out
    }

    /// Moves the children out (for [`Node`]'s iterative drop).
    fn take_children(self, out: &mut smallvec::SmallVec<[Arc<Node>; 8]>) {
        match self {
            NodeDef::Data { .. } | NodeDef::Const(_) | NodeDef::Fail(_) => {}
            NodeDef::Unary(_, x)
            | NodeDef::Cast(x)
            | NodeDef::View(_, x)
            | NodeDef::Reduce { x, .. } => out.push(x),
            NodeDef::Binary(_, a, b) | NodeDef::Product(a, b) => {
                out.push(a);
                out.push(b);
            }
            NodeDef::Select(c, a, b) => {
                out.push(c);
                out.push(a);
                out.push(b);
            }
        }
    }

    /// Calls `f` on each child, in order (none for data and constants).
    pub fn for_each_child(&self, mut f: impl FnMut(&Arc<Node>)) {
        match self {
            NodeDef::Data { .. } | NodeDef::Const(_) | NodeDef::Fail(_) => {}
            NodeDef::Unary(_, x)
            | NodeDef::Cast(x)
            | NodeDef::View(_, x)
            | NodeDef::Reduce { x, .. } => f(x),
            NodeDef::Binary(_, a, b) | NodeDef::Product(a, b) => {
                f(a);
                f(b);
            }
            NodeDef::Select(c, a, b) => {
                f(c);
                f(a);
                f(b);
            }
        }
    }
}

/// Dropping a node drops its children; done recursively, a chain of 10^5
/// lazy nodes (which a failed value, or a graph kept lazy, can grow to)
/// overflows the stack. So a node that is the last handle to a child moves
/// that child's own children out onto a heap stack before the child goes,
/// and the chain unwinds in a loop: each child is dropped with no
/// children left, so its drop does not recurse.
impl Drop for Node {
    fn drop(&mut self) {
        let expr = std::mem::replace(
            self.def.get_mut().unwrap_or_else(|e| e.into_inner()),
            NodeDef::Const(Scalar::Bool(false)),
        );
        // Most nodes are leaves or have shared children: no allocation.
        if matches!(
            expr,
            NodeDef::Data { .. } | NodeDef::Const(_) | NodeDef::Fail(_)
        ) {
            return;
        }
        // Inline room for the common shapes (a chain unwinds with one or
        // two entries on it): a drop allocates only for a wide unique tree.
        let mut stack: smallvec::SmallVec<[Arc<Node>; 8]> = smallvec::SmallVec::new();
        expr.take_children(&mut stack);
        while let Some(child) = stack.pop() {
            // Only the last handle empties the child; others just let go.
            if let Ok(mut node) = Arc::try_unwrap(child) {
                let e = std::mem::replace(
                    node.def.get_mut().unwrap_or_else(|e| e.into_inner()),
                    NodeDef::Const(Scalar::Bool(false)),
                );
                e.take_children(&mut stack);
                // `node` drops here with a constant expression: no recursion.
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::UnaryOp;

    /// A chain of `n` lazy nodes built directly (no depth bound, no flush),
    /// as a graph that stays lazy could grow it.
    fn chain(n: usize) -> Arc<Node> {
        let mut x = Node::from_host(DType::F32, &[1], HostBuffer::zeroed(4));
        for _ in 0..n {
            x = Arc::new(Node {
                shape: vec![1],
                dtype: DType::F32,
                def: Mutex::new(NodeDef::Unary(UnaryOp::Neg, x)),
                depth: AtomicUsize::new(0),
                computed_by: AtomicU64::new(0),
                failed: AtomicBool::new(false),
            });
        }
        x
    }

    #[test]
    fn dropping_a_very_deep_chain_does_not_overflow_the_stack() {
        // Recursive drops overflowed a 2 MiB test-thread stack near 10^5.
        drop(chain(1_000_000));
        // A shared middle survives the drop of its parents.
        let top = chain(10);
        let mid = top.with_def(|e| match e {
            NodeDef::Unary(_, x) => x.clone(),
            _ => unreachable!("a chain of unary ops"),
        });
        drop(top);
        assert!(matches!(mid.def(), NodeDef::Unary(UnaryOp::Neg, _)));
        let mut depth = 0;
        let mut x = mid;
        while let Some(c) = x.with_def(|e| match e {
            NodeDef::Unary(_, c) => Some(c.clone()),
            _ => None,
        }) {
            depth += 1;
            x = c;
        }
        assert_eq!(depth, 9);
    }
}
