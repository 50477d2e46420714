//! Fusion: turning the lazy graph below a node into one [`Kernel`].
//!
//! Every elementwise node (unary, binary, select, cast, constant) becomes one
//! SSA instruction; every data node becomes a strided load. Views commute
//! with elementwise ops, so the chain of views (and implicit broadcasts)
//! between a leaf and the kernel is applied to the leaf's layout: slicing,
//! transposing and broadcasting never copy, even of lazy expressions. Only a
//! reshape that no layout of the leaf's buffer can express cuts the graph:
//! the subexpression under it is computed first (NumPy copies there too). A node
//! reached twice (a shared subexpression) is computed once, and a buffer read
//! twice through the same layout is bound once. Finally, axes that every
//! operand walks as one are merged ([`coalesce`]), so a contiguous
//! expression of any rank runs as a single flat loop.

use crate::error::{Error, Result};
use crate::graph::{Expr, Node, Storage};
use crate::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, Reduction, ValueId};
use crate::layout::{coalesce, Layout};
use crate::scalar::Scalar;
use crate::view::ViewOp;
use crate::DType;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The views between a node and the kernel, innermost first.
type Chain = Vec<ViewOp>;

/// A view in the chain cannot be expressed over a leaf's buffer.
struct Cut;

/// A kernel and the storages bound to its inputs, in order.
pub(crate) struct Fused {
    pub kernel: Kernel,
    pub storages: Vec<Arc<Storage>>,
}

/// Turns a node fusion cannot read through (a reduction, or the input of a
/// reshape no layout expresses) into contiguous data with the same values:
/// by computing it ([`crate::runtime::contiguous`]), or, when only planning
/// (`explain`), by planning its kernels and standing in a placeholder.
pub(crate) type Materialize<'m> = &'m mut dyn FnMut(&Arc<Node>) -> Result<Arc<Node>>;

struct Builder<'m> {
    shape: Vec<usize>,
    inputs: Vec<KernelInput>,
    storages: Vec<Arc<Storage>>,
    input_index: HashMap<(usize, Layout), usize>,
    instrs: Vec<Instr>,
    memo: HashMap<(usize, Chain), ValueId>,
    consts: Vec<(Scalar, ValueId)>,
    /// Keeps every visited node alive so the addresses used as memo keys
    /// cannot be reused while fusing.
    keep: Vec<Arc<Node>>,
    /// Why computing a subexpression on its own failed, if it did.
    error: Option<Error>,
    materialize: Materialize<'m>,
}

/// Builds the kernel that computes `root` (which must not be data already)
/// into a buffer of `buffer_len` elements through `out` (a layout of
/// `root`'s shape). A `Reduce` root becomes a kernel over its input that
/// ends in the reduction.
pub(crate) fn fuse(root: &Arc<Node>, out: Layout, buffer_len: usize) -> Result<Fused> {
    fuse_with(root, out, buffer_len, &mut |n| {
        crate::runtime::contiguous(n)
    })
}

/// [`fuse`], with boundaries materialised by `materialize`.
pub(crate) fn fuse_with(
    root: &Arc<Node>,
    out: Layout,
    buffer_len: usize,
    materialize: Materialize,
) -> Result<Fused> {
    if let Expr::Reduce { op, axes, x } = root.expr() {
        // Over the input's shape the output is a layout with stride 0 on the
        // reduced axes: coalescing then never merges a reduced axis with a
        // kept one, and the reduced axes are those left with stride 0.
        let mut wide = Layout {
            shape: x.shape.clone(),
            strides: vec![0; x.shape.len()],
            offset: out.offset,
        };
        let kept = (0..x.shape.len()).filter(|a| !axes.contains(a));
        for (a, &s) in kept.zip(&out.strides) {
            wide.strides[a] = s;
        }
        let mut fused = build(&x, wide, buffer_len, root.dtype, materialize)?;
        let k = &mut fused.kernel;
        let o = &mut k.outputs[0];
        let reduced: Vec<usize> = (0..k.shape.len())
            .filter(|&a| o.layout.strides[a] == 0)
            .collect();
        let keep: Vec<usize> = (0..k.shape.len())
            .filter(|a| !reduced.contains(a))
            .collect();
        o.layout = Layout {
            shape: keep.iter().map(|&a| k.shape[a]).collect(),
            strides: keep.iter().map(|&a| o.layout.strides[a]).collect(),
            offset: o.layout.offset,
        };
        k.reduction = Some(Reduction { op, axes: reduced });
        return Ok(fused);
    }
    build(root, out, buffer_len, root.dtype, materialize)
}

/// The kernel computing `root`'s values, stored through `out` as `dtype`.
fn build(
    root: &Arc<Node>,
    out: Layout,
    buffer_len: usize,
    dtype: DType,
    materialize: Materialize,
) -> Result<Fused> {
    // Sized for a typical expression up front: growing these from empty
    // was a handful of reallocations per kernel, visible on small arrays.
    let mut b = Builder {
        shape: root.shape.clone(),
        inputs: Vec::with_capacity(4),
        storages: Vec::with_capacity(4),
        input_index: HashMap::with_capacity_and_hasher(4, Default::default()),
        instrs: Vec::with_capacity(8),
        memo: HashMap::with_capacity_and_hasher(8, Default::default()),
        consts: Vec::new(),
        keep: Vec::with_capacity(8),
        error: None,
        materialize,
    };
    let value = match b.value(root, &Vec::new()) {
        Ok(v) => v,
        // Views resolve their own cuts; one reaches the root only when
        // computing a subexpression on its own failed.
        Err(Cut) => {
            return Err(b
                .error
                .take()
                .unwrap_or_else(|| Error::invalid("fuse", "a view could not be fused or copied")))
        }
    };
    let mut layouts = vec![out];
    layouts.extend(b.inputs.iter().map(|i| i.layout.clone()));
    let (shape, mut layouts) = coalesce(&root.shape, &layouts);
    for (input, layout) in b.inputs.iter_mut().zip(layouts.drain(1..)) {
        input.layout = layout;
    }
    let out = layouts.pop().expect("the output layout");
    Ok(Fused {
        kernel: Kernel {
            shape,
            inputs: b.inputs,
            instrs: b.instrs,
            outputs: vec![KernelOutput {
                value,
                dtype,
                layout: out,
                buffer_len,
            }],
            reduction: None,
        },
        storages: b.storages,
    })
}

impl Builder<'_> {
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

    fn value(&mut self, node: &Arc<Node>, chain: &Chain) -> Result<ValueId, Cut> {
        let key = (Arc::as_ptr(node) as usize, chain.clone());
        if let Some(&v) = self.memo.get(&key) {
            return Ok(v);
        }
        self.keep.push(node.clone());
        // Children of a broadcasting node see the node's shape first.
        let widen = |child: &Arc<Node>| -> Chain {
            if child.shape == node.shape {
                chain.clone()
            } else {
                let mut c = vec![ViewOp::Broadcast(node.shape.clone())];
                c.extend(chain.iter().cloned());
                c
            }
        };
        let mut expr = node.expr();
        if let Expr::Reduce { .. } = expr {
            // A reduction ends its own kernel; this one reads its result.
            match (self.materialize)(node) {
                Ok(data) => {
                    self.keep.push(data.clone());
                    expr = data.expr();
                }
                Err(e) => {
                    self.error = Some(e);
                    return Err(Cut);
                }
            }
        }
        let v = match expr {
            Expr::Reduce { .. } => {
                self.error = Some(Error::invalid("fuse", "a reduction was not materialised"));
                return Err(Cut);
            }
            Expr::Data { storage, layout } => {
                let mut layout = layout;
                for op in chain {
                    layout = op.apply(&layout).ok_or(Cut)?;
                }
                let layout = layout.broadcast_to(&self.shape);
                let i = self.input(storage, layout);
                self.push(Op::Load(i), node.dtype)
            }
            Expr::Const(s) => {
                // A constant is the same at every index: views do not matter,
                // and bit-equal constants share one instruction (NaN included).
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
                let a = self.value(&x, chain)?;
                self.push(Op::Unary(op, a), node.dtype)
            }
            Expr::Binary(op, x, y) => {
                let a = self.value(&x, &widen(&x))?;
                let b = self.value(&y, &widen(&y))?;
                self.push(Op::Binary(op, a, b), node.dtype)
            }
            Expr::Select(c, x, y) => {
                let c = self.value(&c, &widen(&c))?;
                let a = self.value(&x, &widen(&x))?;
                let b = self.value(&y, &widen(&y))?;
                self.push(Op::Select(c, a, b), node.dtype)
            }
            Expr::Cast(x) => {
                let a = self.value(&x, chain)?;
                self.push(Op::Cast(a), node.dtype)
            }
            Expr::View(op, x) => {
                let mut inner = vec![op];
                inner.extend(chain.iter().cloned());
                let saved = self.save();
                match self.value(&x, &inner) {
                    Ok(v) => v,
                    // Only a reshape can be inexpressible; a cut under any
                    // other view comes from a reshape above, which handles it.
                    Err(Cut) if !matches!(inner[0], ViewOp::Reshape(_)) => return Err(Cut),
                    Err(Cut) => {
                        // Compute `x` on its own into a contiguous buffer,
                        // then view that (a contiguous layout takes any view).
                        self.restore(saved);
                        match (self.materialize)(&x) {
                            Ok(copy) => self.value(&copy, &inner)?,
                            Err(e) => {
                                self.error = Some(e);
                                return Err(Cut);
                            }
                        }
                    }
                }
            }
        };
        self.memo.insert(key, v);
        Ok(v)
    }

    fn save(&self) -> Saved {
        Saved {
            instrs: self.instrs.len(),
            inputs: self.inputs.len(),
            consts: self.consts.len(),
            memo: self.memo.clone(),
            input_index: self.input_index.clone(),
        }
    }

    fn restore(&mut self, s: Saved) {
        self.instrs.truncate(s.instrs);
        self.inputs.truncate(s.inputs);
        self.storages.truncate(s.inputs);
        self.consts.truncate(s.consts);
        self.memo = s.memo;
        self.input_index = s.input_index;
    }
}

/// The builder's state before a speculative fusion through a view.
struct Saved {
    instrs: usize,
    inputs: usize,
    consts: usize,
    memo: HashMap<(usize, Chain), ValueId>,
    input_index: HashMap<(usize, Layout), usize>,
}
