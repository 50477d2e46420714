//! Walking the lazy graph below the values one force computes.
//!
//! The walk visits every node reachable from the roots without passing
//! through data (each once, children before parents) and records three
//! things:
//!
//! - **the structure key**: the graph's shape as a list of words (ops,
//!   dtypes, shapes, view and reduction parameters, which node feeds which,
//!   the layout and residency of every input buffer, which nodes are held
//!   elsewhere). Two forces with equal keys get the same kernels, so the
//!   plan is looked up by it instead of being rebuilt; constant *values*
//!   stay out of it (a loop that multiplies by `i` reuses one plan).
//! - **the bindings**: the input buffers and constant values, in the order
//!   the key names them, which a cached plan is run with.
//! - **who else holds each node**: a node's `Arc` count beyond the edges
//!   inside this graph (and the walk's own handle) means an `Array` handle,
//!   or a lazy value outside this force, still needs it. The force policy
//!   (see the module docs of `force`) keeps such values instead of letting
//!   a later force compute them again.
//!
//! Walking is iterative, so a deep graph never overflows the stack, and its
//! buffers live in a per-thread scratch that is reused: a force of a small
//! graph allocates nothing here.

use super::{Node, NodeDef, Storage};
use crate::layout::Layout;
use crate::registry::runtime;
use crate::scalar::Scalar;
use crate::view::{AxisSlice, ViewOp};
use crate::DType;
use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;
use std::sync::Arc;

/// What kind of node a walked node is (the planner's view of its expression).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Materialised data: an input buffer (`slot` into [`Walk::storages`]).
    Data { slot: u32 },
    /// A constant (`slot` into [`Walk::consts`]).
    Const { slot: u32 },
    /// An elementwise op, a cast or a view of lazy children.
    Elementwise,
    /// A reduction: it ends a kernel of its own.
    Reduce,
}

/// One walked node.
#[derive(Debug)]
pub(crate) struct Visited {
    pub kind: Kind,
    /// Walk indices of the children (lazy nodes only), in expression order.
    pub children: [u32; 3],
    pub arity: u8,
    /// Edges from other walked nodes to this one.
    pub refs: u32,
    /// Something outside this graph holds the node (see the module docs).
    pub held: bool,
    /// Held, and an earlier force computed it without keeping it: it is
    /// being computed again, so this force keeps it.
    pub reused: bool,
}

impl Visited {
    pub fn children(&self) -> &[u32] {
        &self.children[..self.arity as usize]
    }
}

/// A walk: the nodes, their bindings and the structure key.
#[derive(Default)]
pub(crate) struct Walk {
    /// Every node reached, children before parents (a handle each, so none
    /// is freed while the force runs).
    pub nodes: Vec<Arc<Node>>,
    pub visited: Vec<Visited>,
    /// The expressions as they were walked, when the walk was asked for
    /// them (only a plan being built needs them).
    pub exprs: Vec<NodeDef>,
    /// The distinct input buffers, in key order.
    pub storages: Vec<Arc<Storage>>,
    /// The constant values, in key order.
    pub consts: Vec<Scalar>,
    /// Walk indices of the roots, in the order given.
    pub roots: Vec<u32>,
    pub key: Vec<u64>,
    /// Walk index by node address, once the walk is too large to search
    /// `nodes` linearly (see [`LINEAR`]).
    index: HashMap<usize, u32>,
    storage_index: HashMap<usize, u32>,
    stack: Vec<Frame>,
    /// The error of the first failed value reached ([`NodeDef::Fail`]): the
    /// force returns it before planning anything.
    pub failed: Option<crate::Error>,
}

/// A lazy node on the walk's stack with the children still to visit, and
/// what its key entry needs from its expression (read under one lock).
struct Frame {
    node: Arc<Node>,
    children: [Option<Arc<Node>>; 3],
    /// The children's addresses (for their walk indices once visited).
    ptrs: [usize; 3],
    arity: u8,
    next: u8,
    /// The key's first word for the node.
    head: u64,
    /// View or reduction parameters for the key.
    params: SmallVec<[u64; 8]>,
    reduce: bool,
    snap: Option<NodeDef>,
}

/// Up to this many nodes (and input buffers) a walk finds a node by
/// scanning its list: cheaper than hashing for the small graphs of most
/// forces. Past it, a map.
const LINEAR: usize = 16;

// Tags of the key's entries (the low byte of a node's first word).
const DATA: u64 = 1;
const CONST: u64 = 2;
const UNARY: u64 = 3;
const BINARY: u64 = 4;
const SELECT: u64 = 5;
const CAST: u64 = 6;
const VIEW: u64 = 7;
const REDUCE: u64 = 8;
const STORAGE: u64 = 9;
const ROOTS: u64 = 10;
const FAIL: u64 = 11;
const PRODUCT: u64 = 12;

fn dtype_code(d: DType) -> u64 {
    DType::ALL.iter().position(|&x| x == d).unwrap_or(0) as u64
}

impl Walk {
    /// Empties the walk, keeping its buffers' capacity.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.visited.clear();
        self.exprs.clear();
        self.storages.clear();
        self.consts.clear();
        self.roots.clear();
        self.key.clear();
        self.index.clear();
        self.storage_index.clear();
        self.stack.clear();
        self.failed = None;
    }

    /// Walks the graphs below `roots` (lazy or not) and fills in the key
    /// (`extra` words first: the device asked for, the force's mode).
    /// `snapshot` also records each expression for a planner.
    pub fn walk(&mut self, roots: &[&Arc<Node>], extra: &[u64], snapshot: bool) {
        self.clear();
        self.key.extend_from_slice(extra);
        for root in roots {
            let i = self.visit(root, snapshot);
            self.roots.push(i);
        }
        self.key.push(ROOTS);
        for &r in &self.roots {
            self.key.push(r as u64);
        }
        // Who else holds each node, now that every in-graph edge is counted.
        // The walk holds one handle of each node itself, and a snapshot of
        // an expression one more of each of its children.
        let per_edge = 1 + usize::from(snapshot);
        for (n, v) in self.nodes.iter().zip(self.visited.iter_mut()) {
            let lazy = !matches!(v.kind, Kind::Data { .. } | Kind::Const { .. });
            v.held = lazy && Arc::strong_count(n) > v.refs as usize * per_edge + 1;
            v.reused = v.held && n.computed_by() != 0;
        }
        let start = self.key.len();
        self.key.push(0);
        for (i, v) in self.visited.iter().enumerate() {
            if v.held {
                self.key.push((i as u64) << 1 | u64::from(v.reused));
            }
        }
        self.key[start] = (self.key.len() - start - 1) as u64;
    }

    /// The walk index of `node`, visiting it (and what it reaches) first if
    /// new. In-graph edges are counted when their parent is recorded.
    fn visit(&mut self, node: &Arc<Node>, snapshot: bool) -> u32 {
        if let Some(i) = self.find(Arc::as_ptr(node) as usize) {
            return i;
        }
        if let Some(i) = self.enter(node.clone(), snapshot) {
            return i;
        }
        let mut last = 0;
        while let Some(top) = self.stack.last_mut() {
            if (top.next as usize) < top.arity as usize {
                let slot = top.next as usize;
                top.next += 1;
                if let Some(child) = top.children[slot].take() {
                    if self.find(Arc::as_ptr(&child) as usize).is_none() {
                        self.enter(child, snapshot);
                    }
                }
                continue;
            }
            let frame = self.stack.pop().expect("a frame");
            last = self.emit(frame);
        }
        last
    }

    /// Reads `node` under one lock: a leaf (data or constant) is recorded
    /// at once and its index returned; a lazy node goes on the stack.
    fn enter(&mut self, node: Arc<Node>, snapshot: bool) -> Option<u32> {
        let head = |tag: u64| tag | dtype_code(node.dtype) << 8;
        let i = self.nodes.len() as u32;
        let key = &mut self.key;
        let storages = &mut self.storages;
        let storage_index = &mut self.storage_index;
        let consts = &mut self.consts;
        let find_storage =
            |storages: &Vec<Arc<Storage>>, index: &HashMap<usize, u32>, ptr: usize| {
                if storages.len() <= LINEAR {
                    storages
                        .iter()
                        .position(|s| Arc::as_ptr(s) as usize == ptr)
                        .map(|p| p as u32)
                } else {
                    index.get(&ptr).copied()
                }
            };
        let guard = node.lock_def();
        let e: &NodeDef = &guard;
        let kind = match e {
            NodeDef::Data { storage, layout } => {
                let ptr = Arc::as_ptr(storage) as usize;
                let slot = match find_storage(storages, storage_index, ptr) {
                    Some(s) => s,
                    None => {
                        let s = storages.len() as u32;
                        storages.push(storage.clone());
                        if storages.len() == LINEAR + 1 {
                            // From now on by map: enter what the list held.
                            for (k, st) in storages.iter().enumerate() {
                                storage_index.insert(Arc::as_ptr(st) as usize, k as u32);
                            }
                        } else if storages.len() > LINEAR + 1 {
                            storage_index.insert(ptr, s);
                        }
                        key.push(STORAGE | dtype_code(storage.dtype) << 8);
                        key.push(storage.len as u64);
                        key.push(residency(storage));
                        s
                    }
                };
                key.push(head(DATA));
                key.push(slot as u64);
                push_layout(key, layout);
                Some(Kind::Data { slot })
            }
            NodeDef::Const(c) => {
                let slot = consts.len() as u32;
                consts.push(*c);
                key.push(head(CONST));
                push_dims(key, &node.shape);
                Some(Kind::Const { slot })
            }
            NodeDef::Fail(err) => {
                // A leaf the force never plans: it stops at the error. A
                // stand-in constant keeps the walk's bookkeeping whole for
                // the passes that only look (`connected_heads`).
                if self.failed.is_none() {
                    self.failed = Some(err.clone());
                }
                let slot = consts.len() as u32;
                consts.push(Scalar::Bool(false));
                key.push(head(FAIL));
                Some(Kind::Const { slot })
            }
            _ => None,
        };
        if let Some(kind) = kind {
            if snapshot {
                self.exprs.push(e.clone());
            }
            drop(guard);
            self.record(Arc::as_ptr(&node) as usize, i);
            self.nodes.push(node);
            self.visited.push(Visited {
                kind,
                children: [0; 3],
                arity: 0,
                refs: 0,
                held: false,
                reused: false,
            });
            return Some(i);
        }
        let (tag, op) = match e {
            NodeDef::Unary(op, _) => (UNARY, *op as u64),
            NodeDef::Binary(op, _, _) => (BINARY, *op as u64),
            NodeDef::Select(..) => (SELECT, 0),
            NodeDef::Cast(_) => (CAST, 0),
            NodeDef::View(..) => (VIEW, 0),
            NodeDef::Reduce { op, .. } => (REDUCE, *op as u64),
            NodeDef::Product(..) => (PRODUCT, 0),
            NodeDef::Data { .. } | NodeDef::Const(_) | NodeDef::Fail(_) => {
                unreachable!("leaves are recorded above")
            }
        };
        let mut frame = Frame {
            node: node.clone(),
            children: [None, None, None],
            ptrs: [0; 3],
            arity: 0,
            next: 0,
            head: head(tag) | op << 16,
            params: SmallVec::new(),
            reduce: tag == REDUCE,
            snap: snapshot.then(|| e.clone()),
        };
        let mut k = 0;
        e.for_each_child(|c| {
            frame.ptrs[k] = Arc::as_ptr(c) as usize;
            frame.children[k] = Some(c.clone());
            k += 1;
        });
        frame.arity = k as u8;
        match e {
            NodeDef::View(v, _) => push_view(&mut frame.params, v),
            NodeDef::Reduce { axes, .. } => {
                frame.params.push(axes.len() as u64);
                frame.params.extend(axes.iter().map(|&a| a as u64));
            }
            _ => {}
        }
        drop(guard);
        self.stack.push(frame);
        None
    }

    /// Records a lazy node whose children have all been visited, and its
    /// key entry.
    fn emit(&mut self, frame: Frame) -> u32 {
        let i = self.nodes.len() as u32;
        let mut visited = Visited {
            kind: if frame.reduce {
                Kind::Reduce
            } else {
                Kind::Elementwise
            },
            children: [0; 3],
            arity: frame.arity,
            refs: 0,
            held: false,
            reused: false,
        };
        self.key.push(frame.head);
        for k in 0..frame.arity as usize {
            let c = self.find(frame.ptrs[k]).expect("children are walked first");
            visited.children[k] = c;
            self.key.push(c as u64);
            self.visited[c as usize].refs += 1;
        }
        push_dims(&mut self.key, &frame.node.shape);
        self.key.extend_from_slice(&frame.params);
        self.record(Arc::as_ptr(&frame.node) as usize, i);
        self.nodes.push(frame.node);
        self.visited.push(visited);
        if let Some(e) = frame.snap {
            self.exprs.push(e);
        }
        i
    }

    /// The walk index of the node at `ptr`, if walked.
    fn find(&self, ptr: usize) -> Option<u32> {
        if self.nodes.len() <= LINEAR {
            self.nodes
                .iter()
                .position(|n| Arc::as_ptr(n) as usize == ptr)
                .map(|p| p as u32)
        } else {
            self.index.get(&ptr).copied()
        }
    }

    /// Notes that the node at `ptr` is walk index `i` (pushed next).
    fn record(&mut self, ptr: usize, i: u32) {
        let n = i as usize;
        if n == LINEAR {
            // From now on by map: enter the nodes the list held.
            for (k, node) in self.nodes.iter().enumerate() {
                self.index.insert(Arc::as_ptr(node) as usize, k as u32);
            }
        }
        if n >= LINEAR {
            self.index.insert(ptr, i);
        }
    }

    /// The shape of walked node `i`.
    pub fn shape(&self, i: u32) -> &[usize] {
        &self.nodes[i as usize].shape
    }

    /// The dtype of walked node `i`.
    pub fn dtype(&self, i: u32) -> DType {
        self.nodes[i as usize].dtype
    }

    /// The element count of walked node `i`.
    pub fn size(&self, i: u32) -> usize {
        self.shape(i).iter().product()
    }
}

/// Which backends hold a valid copy of `s`, as bits by backend index (the
/// host backend's bit means a host copy). Placement reads it, so a plan
/// made for data on the host is not reused for data on a device.
pub(crate) fn residency(s: &Storage) -> u64 {
    let rt = runtime();
    let host = rt.host_index();
    let c = s.copies();
    let mut mask = 0u64;
    if c.host.is_some() {
        mask |= 1 << host.min(63);
    }
    for (b, _) in &c.devices {
        mask |= 1 << (*b).min(63);
    }
    mask
}

fn push_dims<K: Extend<u64>>(key: &mut K, shape: &[usize]) {
    key.extend([shape.len() as u64]);
    key.extend(shape.iter().map(|&d| d as u64));
}

fn push_layout(key: &mut Vec<u64>, l: &Layout) {
    push_dims(key, &l.shape);
    key.extend(l.strides.iter().map(|&s| s as u64));
    key.push(l.offset as u64);
}

fn push_view(key: &mut SmallVec<[u64; 8]>, v: &ViewOp) {
    match v {
        ViewOp::Permute(axes) => {
            key.push(1);
            push_dims(key, axes);
        }
        ViewOp::Reshape(shape) => {
            key.push(2);
            push_dims(key, shape);
        }
        ViewOp::Broadcast(shape) => {
            key.push(3);
            push_dims(key, shape);
        }
        &ViewOp::Diagonal {
            offset,
            axis1,
            axis2,
        } => key.extend([5, offset as u64, axis1 as u64, axis2 as u64]),
        ViewOp::Slice(axes) => {
            key.push(4);
            key.push(axes.len() as u64);
            for a in axes {
                match *a {
                    AxisSlice::Range { start, step, len } => {
                        key.extend([1, start as u64, step as u64, len as u64])
                    }
                    AxisSlice::Index(i) => key.extend([2, i as u64]),
                    AxisSlice::NewAxis => key.push(3),
                }
            }
        }
    }
}
