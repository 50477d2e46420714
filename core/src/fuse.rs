//! Fusion: turning the lazy graph below a node into one [`Kernel`].
//!
//! Every elementwise node (unary, binary, select, cast, constant) becomes one
//! SSA instruction; every data node becomes a strided load through its layout
//! broadcast to the kernel's shape, so broadcasting never copies. A node
//! reached twice (a shared subexpression) is computed once, and a buffer read
//! twice through the same layout is bound once. Finally, axes that every
//! operand walks as one are merged ([`coalesce`]), so a contiguous
//! expression of any rank runs as a single flat loop.

use crate::graph::{Expr, Node, Storage};
use crate::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, ValueId};
use crate::layout::{coalesce, Layout};
use crate::scalar::Scalar;
use crate::DType;
use std::collections::HashMap;
use std::sync::Arc;

/// A kernel and the storages bound to its inputs, in order.
pub(crate) struct Fused {
    pub kernel: Kernel,
    pub storages: Vec<Arc<Storage>>,
}

struct Builder {
    shape: Vec<usize>,
    inputs: Vec<KernelInput>,
    storages: Vec<Arc<Storage>>,
    input_index: HashMap<(usize, Layout), usize>,
    instrs: Vec<Instr>,
    memo: HashMap<usize, ValueId>,
    consts: Vec<(Scalar, ValueId)>,
    /// Keeps every visited node alive so the addresses used as memo keys
    /// cannot be reused while fusing.
    keep: Vec<Arc<Node>>,
}

/// Builds the kernel that computes `root` (which must not be data already)
/// into a buffer of `buffer_len` elements through `out` (a layout of
/// `root`'s shape).
pub(crate) fn fuse(root: &Arc<Node>, out: Layout, buffer_len: usize) -> Fused {
    let mut b = Builder {
        shape: root.shape.clone(),
        inputs: Vec::new(),
        storages: Vec::new(),
        input_index: HashMap::new(),
        instrs: Vec::new(),
        memo: HashMap::new(),
        consts: Vec::new(),
        keep: Vec::new(),
    };
    let value = b.value(root);
    let mut layouts = vec![out];
    layouts.extend(b.inputs.iter().map(|i| i.layout.clone()));
    let (shape, mut layouts) = coalesce(&root.shape, &layouts);
    for (input, layout) in b.inputs.iter_mut().zip(layouts.drain(1..)) {
        input.layout = layout;
    }
    let out = layouts.pop().expect("the output layout");
    Fused {
        kernel: Kernel {
            shape,
            inputs: b.inputs,
            instrs: b.instrs,
            outputs: vec![KernelOutput {
                value,
                dtype: root.dtype,
                layout: out,
                buffer_len,
            }],
        },
        storages: b.storages,
    }
}

impl Builder {
    fn push(&mut self, op: Op, dtype: DType) -> ValueId {
        self.instrs.push(Instr { op, dtype });
        self.instrs.len() - 1
    }

    fn input(&mut self, storage: Arc<Storage>, layout: Layout) -> usize {
        let key = (Arc::as_ptr(&storage) as usize, layout.clone());
        if let Some(&i) = self.input_index.get(&key) {
            return i;
        }
        self.inputs.push(KernelInput {
            dtype: storage.dtype,
            layout,
            buffer_len: storage.len,
        });
        self.storages.push(storage);
        self.input_index.insert(key, self.inputs.len() - 1);
        self.inputs.len() - 1
    }

    fn value(&mut self, node: &Arc<Node>) -> ValueId {
        let key = Arc::as_ptr(node) as usize;
        if let Some(&v) = self.memo.get(&key) {
            return v;
        }
        self.keep.push(node.clone());
        let v = match node.expr() {
            Expr::Data { storage, layout } => {
                // Broadcasts compose, so a leaf under any chain of broadcasting
                // ops maps straight to the kernel's shape.
                let layout = layout.broadcast_to(&self.shape);
                let i = self.input(storage, layout);
                self.push(Op::Load(i), node.dtype)
            }
            Expr::Const(s) => {
                // Bit-equal constants share one instruction (NaN included).
                let same = |c: &Scalar| c.dtype() == s.dtype() && c.bits() == s.bits();
                match self.consts.iter().find(|(c, _)| same(c)) {
                    Some(&(_, v)) => v,
                    None => {
                        let v = self.push(Op::Const(s), node.dtype);
                        self.consts.push((s, v));
                        v
                    }
                }
            }
            Expr::Unary(op, x) => {
                let a = self.value(&x);
                self.push(Op::Unary(op, a), node.dtype)
            }
            Expr::Binary(op, x, y) => {
                let a = self.value(&x);
                let b = self.value(&y);
                self.push(Op::Binary(op, a, b), node.dtype)
            }
            Expr::Select(c, x, y) => {
                let c = self.value(&c);
                let a = self.value(&x);
                let b = self.value(&y);
                self.push(Op::Select(c, a, b), node.dtype)
            }
            Expr::Cast(x) => {
                let a = self.value(&x);
                self.push(Op::Cast(a), node.dtype)
            }
        };
        self.memo.insert(key, v);
        v
    }
}
