//! Fusion: turning one group of the force plan into one [`Kernel`].
//!
//! A group is a set of values of one shape that one kernel computes and
//! stores (several outputs: the force's roots, and values the program still
//! holds), or a single reduction. Every lazy node of the group's region (what
//! its outputs reach without passing a boundary) becomes one SSA
//! instruction; data and the results of other groups become strided loads.
//! Views commute with elementwise ops, so the chain of views (and implicit
//! broadcasts) between a leaf and the kernel is applied to the leaf's
//! layout: slicing, transposing and broadcasting never copy, even of lazy
//! expressions. Finally, axes that every operand walks as one are merged
//! ([`coalesce`]), so a contiguous expression of any rank runs as a single
//! flat loop.
//!
//! Fusion also finds what the planner must change before a kernel can be
//! built ([`Replan`]): a reshape no layout of a leaf expresses (NumPy copies
//! there too), a value that would be computed twice (read at several
//! positions, broadcast along an axis, or needed by two kernels) and is not
//! cheap enough to recompute, and a group output read inside its own group
//! at other positions. The planner then adds a boundary or splits the group
//! and fuses again; see `fuse/plan.rs`.

use crate::graph::walk::{Kind, Walk};
use crate::graph::NodeDef;
use crate::kernel::{Dot, Instr, Kernel, KernelInput, KernelOutput, Op, Reduction, ValueId};
use crate::layout::{coalesce, Layout};
use crate::view::ViewOp;
use crate::DType;
use rustc_hash::FxHashMap as HashMap;

/// The views between a node and the kernel, innermost first.
type Chain = Vec<ViewOp>;

/// Where a kernel input's buffer comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Source {
    /// Input buffer `slot` of the walk (data the graph reads).
    Leaf(u32),
    /// The result of walked node `i`, computed by an earlier kernel of the plan.
    Result(u32),
}

/// Why a value is computed into memory by a kernel of its own (or as an
/// extra output of a kernel) instead of inside the kernels that read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The force asked for it.
    Root,
    /// A reduction ends a kernel.
    Reduction,
    /// An `Array` handle, or a lazy value outside this force, holds it:
    /// a later force would otherwise compute it again.
    Held,
    /// Read at several positions (different views of it), or broadcast
    /// along an axis: computing it in place would repeat the work.
    Reused,
    /// Needed by two kernels of this force.
    Shared,
    /// A reshape that no layout of its input expresses (NumPy copies too).
    Reshape,
    /// The kernel reading it would read more buffers than its device binds:
    /// computed by a kernel of its own so both fit.
    Fit,
    /// A matrix product's operand: the product reads each element many
    /// times, from memory (views of it stay free).
    Operand,
    /// A matrix product read through a view, or a second product of one
    /// kernel: each product heads a kernel of its own.
    Product,
}

impl Reason {
    /// How `explain()` words it.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Root => "the value asked for",
            Reason::Reduction => "a reduction ends a kernel",
            Reason::Held => "kept: the program still holds it (or a later value needs it)",
            Reason::Reused => "kept: read at several positions or broadcast, computed once",
            Reason::Shared => "kept: two kernels read it, computed once",
            Reason::Reshape => "copied: a reshape no strided layout expresses",
            Reason::Fit => "split off: one kernel would read more buffers than the device binds",
            Reason::Operand => "computed first: a matrix product reads its operands from memory",
            Reason::Product => "a matrix product heads a kernel of its own",
        }
    }
}

/// What the planner must change before the group can be fused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replan {
    /// Compute walked node `i` into memory first, for this reason.
    Boundary(u32, Reason),
    /// Output `i` of this group is read inside the group at other positions:
    /// it must be computed by a kernel that runs before.
    Split(u32),
}

/// A fused kernel, with where its inputs come from and which instructions
/// hold constants (a cached plan patches in each force's values).
#[derive(Clone, Debug)]
pub(crate) struct FusedGroup {
    pub kernel: Kernel,
    pub sources: Vec<Source>,
    /// `(instruction, constant slot of the walk)`.
    pub consts: Vec<(usize, u32)>,
    /// Held values the kernel computes anyway and also stores (its outputs
    /// after the group's own), so no later force computes them again.
    pub kept: Vec<u32>,
}

/// The planner's state that fusion reads and updates.
pub(crate) struct Context<'a> {
    pub walk: &'a Walk,
    /// Per walked node: why it is a boundary, if it is one.
    pub boundary: &'a [Option<Reason>],
    /// Per walked node: the group computing it inside its kernel (`u32::MAX`: none yet).
    pub owner: &'a mut [u32],
}

/// An output stored somewhere other than a fresh contiguous buffer: a
/// region of a buffer (`assign`, `concatenate`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Target {
    pub layout: Layout,
    pub buffer_len: usize,
}

/// The view and its input when boundary `i` is a view that the layout of
/// its input expresses: of data, or of another boundary's result (the
/// planner's alias, which runs no kernel).
pub(crate) fn alias_of(walk: &Walk, boundary: &[Option<Reason>], i: u32) -> Option<(ViewOp, u32)> {
    let NodeDef::View(op, _) = &walk.exprs[i as usize] else {
        return None;
    };
    // A boundary made for a reshape is copied: read as an alias, the
    // reshape above it found no layout.
    if boundary[i as usize] == Some(Reason::Reshape) {
        return None;
    }
    let x = walk.visited[i as usize].children()[0];
    let layout = result_layout(walk, boundary, x)?;
    op.apply(&layout).map(|_| (op.clone(), x))
}

/// The layout node `x`'s value has in memory when the kernels reading it
/// run: data's own, a kernel result's contiguous one, an alias's view of
/// its input's; `None` for a value computed inside the reading kernel.
/// (A boundary that is an alias is *not* contiguous: a reshape after its
/// transpose needs a copy.)
fn result_layout(walk: &Walk, boundary: &[Option<Reason>], x: u32) -> Option<Layout> {
    if let NodeDef::Data { layout, .. } = &walk.exprs[x as usize] {
        return Some(layout.clone());
    }
    boundary[x as usize]?;
    match alias_of(walk, boundary, x) {
        Some((op, inner)) => op.apply(&result_layout(walk, boundary, inner)?),
        None => Some(Layout::contiguous(walk.shape(x))),
    }
}

/// No group owns the node yet.
pub(crate) const NO_OWNER: u32 = u32::MAX;

enum Stop {
    /// A view in the chain cannot be expressed over a leaf's layout.
    Cut,
    Replan(Replan),
}

struct Builder<'c, 'a> {
    ctx: &'c mut Context<'a>,
    group: u32,
    outputs: &'c [u32],
    shape: Vec<usize>,
    inputs: Vec<KernelInput>,
    sources: Vec<Source>,
    input_index: HashMap<(Source, Layout), usize>,
    instrs: Vec<Instr>,
    memo: HashMap<(u32, Chain), ValueId>,
    const_memo: HashMap<u32, ValueId>,
    consts: Vec<(usize, u32)>,
    /// The first chain each lazy node was read through.
    seen: HashMap<u32, Chain>,
    /// Store held values met on the way (elementwise groups: one more
    /// store in the same pass), with their values.
    keep_held: bool,
    kept: Vec<(u32, ValueId)>,
}

/// Builds the kernel of group `group`: `outputs` (walk indices, all of one
/// shape), or a single reduction node. Output 0 goes to `target` when given,
/// the others (and output 0 otherwise) to fresh contiguous buffers.
pub(crate) fn fuse_group(
    ctx: &mut Context,
    group: u32,
    outputs: &[u32],
    target: Option<&Target>,
    keep_held: bool,
) -> Result<FusedGroup, Replan> {
    let walk = ctx.walk;
    let first = outputs[0];
    let out0 = target.map_or_else(
        || Layout::contiguous(walk.shape(first)),
        |t| t.layout.clone(),
    );
    let len0 = target.map_or_else(|| walk.size(first), |t| t.buffer_len);
    if let (Kind::Reduce, NodeDef::Reduce { op, axes, .. }) = (
        walk.visited[first as usize].kind,
        &walk.exprs[first as usize],
    ) {
        let x = walk.visited[first as usize].children()[0];
        // Over the input's shape the output is a layout with stride 0 on the
        // reduced axes: coalescing then never merges a reduced axis with a
        // kept one, and the reduced axes are those left with stride 0.
        let xs = walk.shape(x);
        let mut wide = Layout {
            shape: xs.to_vec(),
            strides: vec![0; xs.len()],
            offset: out0.offset,
        };
        let kept = (0..xs.len()).filter(|a| !axes.contains(a));
        for (a, &s) in kept.zip(&out0.strides) {
            wide.strides[a] = s;
        }
        // A reduction stores only its result: a held value under it is fused
        // (the plan learns to keep it if a later force needs it again).
        let mut b = Builder::new(ctx, group, outputs, xs.to_vec(), false);
        let v = b.top(x)?;
        let mut fused = b.finish(vec![(v, walk.dtype(first), wide, len0)]);
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
        k.reduction = Some(Reduction {
            op: *op,
            axes: reduced,
        });
        return Ok(fused);
    }
    let shape = walk.shape(first).to_vec();
    let mut b = Builder::new(ctx, group, outputs, shape, keep_held);
    let mut outs = Vec::with_capacity(outputs.len());
    for (j, &o) in outputs.iter().enumerate() {
        let v = b.top(o)?;
        let (layout, len) = if j == 0 {
            (out0.clone(), len0)
        } else {
            (Layout::contiguous(walk.shape(o)), walk.size(o))
        };
        outs.push((v, walk.dtype(o), layout, len));
    }
    Ok(b.finish(outs))
}

impl<'c, 'a> Builder<'c, 'a> {
    fn new(
        ctx: &'c mut Context<'a>,
        group: u32,
        outputs: &'c [u32],
        shape: Vec<usize>,
        keep_held: bool,
    ) -> Builder<'c, 'a> {
        Builder {
            ctx,
            group,
            outputs,
            shape,
            inputs: Vec::with_capacity(4),
            sources: Vec::with_capacity(4),
            input_index: HashMap::default(),
            instrs: Vec::with_capacity(8),
            memo: HashMap::default(),
            const_memo: HashMap::default(),
            consts: Vec::new(),
            seen: HashMap::default(),
            keep_held,
            kept: Vec::new(),
        }
    }

    /// The value of an output (or of a reduction's input) at the kernel's index.
    fn top(&mut self, i: u32) -> Result<ValueId, Replan> {
        match self.value(i, &Vec::new()) {
            Ok(v) => Ok(v),
            Err(Stop::Replan(r)) => Err(r),
            // Views resolve their own cuts (a reshape cut makes its input a
            // boundary); one cannot reach the top with an empty chain.
            Err(Stop::Cut) => Err(Replan::Boundary(i, Reason::Reshape)),
        }
    }

    fn finish(self, mut outs: Vec<(ValueId, DType, Layout, usize)>) -> FusedGroup {
        let walk = self.ctx.walk;
        for &(i, v) in &self.kept {
            outs.push((
                v,
                walk.dtype(i),
                Layout::contiguous(walk.shape(i)),
                walk.size(i),
            ));
        }
        let kept = self.kept.iter().map(|&(i, _)| i).collect();
        let mut layouts: Vec<Layout> = outs.iter().map(|o| o.2.clone()).collect();
        layouts.extend(self.inputs.iter().map(|i| i.layout.clone()));
        let (shape, mut layouts) = coalesce(&self.shape, &layouts);
        let mut inputs = self.inputs;
        for (input, layout) in inputs.iter_mut().zip(layouts.drain(outs.len()..)) {
            input.layout = layout;
        }
        let outputs = outs
            .into_iter()
            .zip(layouts)
            .map(|((value, dtype, _, buffer_len), layout)| KernelOutput {
                value,
                dtype,
                layout,
                buffer_len,
            })
            .collect();
        FusedGroup {
            kernel: Kernel {
                shape,
                inputs,
                instrs: self.instrs,
                outputs,
                reduction: None,
            },
            sources: self.sources,
            consts: self.consts,
            kept,
        }
    }

    fn push(&mut self, op: Op, dtype: DType) -> ValueId {
        self.instrs.push(Instr { op, dtype });
        self.instrs.len() - 1
    }

    fn input(&mut self, source: Source, dtype: DType, layout: Layout, buffer_len: usize) -> usize {
        let key = (source, layout);
        if let Some(&i) = self.input_index.get(&key) {
            return i;
        }
        self.inputs.push(KernelInput {
            dtype,
            layout: key.1.clone(),
            buffer_len,
        });
        self.sources.push(source);
        self.input_index.insert(key, self.inputs.len() - 1);
        self.inputs.len() - 1
    }

    /// `layout` seen through `chain`, then broadcast to the kernel's shape.
    fn through(&self, layout: &Layout, chain: &Chain) -> Option<Layout> {
        let mut l = layout.clone();
        for op in chain {
            l = op.apply(&l)?;
        }
        Some(l.broadcast_to(&self.shape))
    }

    fn value(&mut self, i: u32, chain: &Chain) -> Result<ValueId, Stop> {
        let walk = self.ctx.walk;
        let visited = &walk.visited[i as usize];
        if let Kind::Const { slot } = visited.kind {
            // A constant is the same at every index: views do not matter.
            if let Some(&v) = self.const_memo.get(&i) {
                return Ok(v);
            }
            let v = self.push(Op::Const(walk.consts[slot as usize]), walk.dtype(i));
            self.consts.push((v, slot));
            self.const_memo.insert(i, v);
            return Ok(v);
        }
        let key = (i, chain.clone());
        if let Some(&v) = self.memo.get(&key) {
            return Ok(v);
        }
        let is_output = self.outputs.contains(&i);
        let boundary = self.ctx.boundary[i as usize].is_some();
        let v = if boundary && !(is_output && chain.is_empty()) {
            if is_output {
                return Err(Stop::Replan(Replan::Split(i)));
            }
            if let Some((op, x)) = self.alias_of(i) {
                // The planner makes this boundary a view of `x` (no
                // kernel): read `x` through it.
                let mut inner = vec![op];
                inner.extend(chain.iter().cloned());
                let v = self.value(x, &inner)?;
                self.memo.insert(key, v);
                return Ok(v);
            }
            // An earlier kernel computes it into a contiguous buffer, which
            // any chain of views can read, but for a reshape after a
            // transpose: the reshape above cuts there (and copies).
            let layout = self
                .through(&Layout::contiguous(walk.shape(i)), chain)
                .ok_or(Stop::Cut)?;
            let k = self.input(Source::Result(i), walk.dtype(i), layout, walk.size(i));
            self.push(Op::Load(k), walk.dtype(i))
        } else if let Kind::Data { slot } = visited.kind {
            let NodeDef::Data { storage, layout } = &walk.exprs[i as usize] else {
                unreachable!("a data node's snapshot is data")
            };
            let layout = self.through(layout, chain).ok_or(Stop::Cut)?;
            let k = self.input(Source::Leaf(slot), storage.dtype, layout, storage.len);
            self.push(Op::Load(k), walk.dtype(i))
        } else {
            self.lazy(i, chain)?
        };
        self.memo.insert(key, v);
        Ok(v)
    }

    /// A lazy node computed inside this kernel.
    fn lazy(&mut self, i: u32, chain: &Chain) -> Result<ValueId, Stop> {
        let walk = self.ctx.walk;
        if !self.cheap(i) {
            // Computed in place, a value read at several positions, or
            // broadcast along an axis, would be computed several times.
            let repeated = match self.seen.get(&i) {
                Some(first) => first != chain,
                None => {
                    self.seen.insert(i, chain.clone());
                    false
                }
            };
            if repeated || self.expands(i, chain) {
                return Err(Stop::Replan(Replan::Boundary(i, Reason::Reused)));
            }
            let owner = &mut self.ctx.owner[i as usize];
            if *owner == NO_OWNER {
                *owner = self.group;
            } else if *owner != self.group {
                return Err(Stop::Replan(Replan::Boundary(i, Reason::Shared)));
            }
        }
        let node = &walk.nodes[i as usize];
        let children = walk.visited[i as usize].children();
        // Children of a broadcasting node see the node's shape first.
        let widen = |c: u32| -> Chain {
            if walk.shape(c) == node.shape.as_slice() {
                chain.clone()
            } else {
                let mut w = vec![ViewOp::Broadcast(node.shape.clone())];
                w.extend(chain.iter().cloned());
                w
            }
        };
        let v = match &walk.exprs[i as usize] {
            NodeDef::Unary(op, _) => {
                let a = self.value(children[0], chain)?;
                self.push(Op::Unary(*op, a), node.dtype)
            }
            NodeDef::Binary(op, _, _) => {
                let a = self.value(children[0], &widen(children[0]))?;
                let b = self.value(children[1], &widen(children[1]))?;
                self.push(Op::Binary(*op, a, b), node.dtype)
            }
            NodeDef::Select(..) => {
                let c = self.value(children[0], &widen(children[0]))?;
                let a = self.value(children[1], &widen(children[1]))?;
                let b = self.value(children[2], &widen(children[2]))?;
                self.push(Op::Select(c, a, b), node.dtype)
            }
            NodeDef::Cast(_) => {
                let a = self.value(children[0], chain)?;
                self.push(Op::Cast(a), node.dtype)
            }
            NodeDef::View(op, _) => {
                let x = children[0];
                let mut inner = vec![op.clone()];
                inner.extend(chain.iter().cloned());
                match self.value(x, &inner) {
                    Ok(v) => v,
                    // Only a reshape can be inexpressible; a cut under any
                    // other view comes from a reshape above, which handles it.
                    Err(Stop::Cut) if !matches!(op, ViewOp::Reshape(_)) => return Err(Stop::Cut),
                    // Compute `x` on its own into a contiguous buffer, then
                    // view that (a contiguous layout takes any view).
                    Err(Stop::Cut) => {
                        return Err(Stop::Replan(Replan::Boundary(x, Reason::Reshape)))
                    }
                    Err(e) => return Err(e),
                }
            }
            NodeDef::Reduce { .. } => {
                // Reductions are always boundaries (the planner marks them).
                return Err(Stop::Replan(Replan::Boundary(i, Reason::Reduction)));
            }
            NodeDef::Product(..) => {
                // A product heads its kernel: read at the kernel's own
                // index (no view between), and one per kernel.
                let second = self.instrs.iter().any(|x| matches!(x.op, Op::Dot(_)));
                if !chain.is_empty() || second {
                    return Err(Stop::Replan(Replan::Boundary(i, Reason::Product)));
                }
                debug_assert_eq!(node.shape, self.shape);
                let (a, a_stride) = self.operand(children[0], true)?;
                let (b, b_stride) = self.operand(children[1], false)?;
                let len = *walk
                    .shape(children[0])
                    .last()
                    .expect("a product operand is a matrix");
                let dot = Dot {
                    a,
                    b,
                    len,
                    a_stride,
                    b_stride,
                };
                self.push(Op::Dot(dot), node.dtype)
            }
            NodeDef::Data { .. } | NodeDef::Const(_) | NodeDef::Fail(_) => {
                unreachable!("leaves are handled by value()")
            }
        };
        let stored = self.outputs.contains(&i) || self.ctx.boundary[i as usize].is_some();
        if self.keep_held && chain.is_empty() && walk.visited[i as usize].held && !stored {
            self.kept.push((i, v));
        }
        Ok(v)
    }

    /// Operand `c` of a product as an input of the kernel and its stride
    /// along the contracted axis: data or an earlier kernel's result, seen
    /// through the views between (which cost nothing). `left`: `c` is
    /// `batch ++ [m, k]`, else `batch ++ [k, n]`; over the kernel's
    /// `batch ++ [m, n]` the left operand does not move along `n`, the
    /// right one along `m`. Lazy work under the views is computed first.
    fn operand(&mut self, c: u32, left: bool) -> Result<(usize, isize), Stop> {
        let walk = self.ctx.walk;
        let first = Replan::Boundary(c, Reason::Operand);
        let mut chain: Chain = Vec::new();
        let mut x = c;
        let (source, dtype, base, len) = loop {
            let v = &walk.visited[x as usize];
            if self.ctx.boundary[x as usize].is_some() {
                if let Some((op, inner)) = self.alias_of(x) {
                    chain.insert(0, op);
                    x = inner;
                    continue;
                }
                let l = Layout::contiguous(walk.shape(x));
                break (Source::Result(x), walk.dtype(x), l, walk.size(x));
            }
            match (&v.kind, &walk.exprs[x as usize]) {
                (Kind::Data { slot }, NodeDef::Data { storage, layout }) => {
                    break (
                        Source::Leaf(*slot),
                        storage.dtype,
                        layout.clone(),
                        storage.len,
                    );
                }
                (Kind::Elementwise, NodeDef::View(op, _)) => {
                    chain.insert(0, op.clone());
                    x = v.children()[0];
                }
                // A constant (under its broadcast) is written out whole.
                (Kind::Const { .. }, _) => return Err(Stop::Replan(first)),
                _ => return Err(Stop::Replan(Replan::Boundary(x, Reason::Operand))),
            }
        };
        let mut l = base;
        for op in &chain {
            l = match op.apply(&l) {
                Some(l) => l,
                None => return Err(Stop::Replan(first)),
            };
        }
        let r = l.shape.len();
        debug_assert_eq!(l.shape.as_slice(), walk.shape(c));
        let mut strides = l.strides[..r - 2].to_vec();
        let k_stride = if left {
            strides.extend([l.strides[r - 2], 0]);
            l.strides[r - 1]
        } else {
            strides.extend([0, l.strides[r - 1]]);
            l.strides[r - 2]
        };
        let layout = Layout {
            shape: self.shape.clone(),
            strides,
            offset: l.offset,
        };
        Ok((self.input(source, dtype, layout, len), k_stride))
    }

    /// The view and its input when boundary `i` is a view of data or of
    /// another boundary (the planner's alias, which runs no kernel).
    fn alias_of(&self, i: u32) -> Option<(ViewOp, u32)> {
        alias_of(self.ctx.walk, self.ctx.boundary, i)
    }

    /// Whether node `i`, read through `chain`, covers its elements more than
    /// once across the kernel (a broadcast that stretches it).
    fn expands(&self, i: u32, chain: &Chain) -> bool {
        if chain.is_empty() {
            return false;
        }
        let walk = self.ctx.walk;
        match self.through(&Layout::contiguous(walk.shape(i)), chain) {
            Some(l) => l
                .shape
                .iter()
                .zip(&l.strides)
                .any(|(&n, &s)| n > 1 && s == 0),
            None => true,
        }
    }

    /// A value that costs at most one cheap instruction over data,
    /// constants and boundaries: recomputing it where it is read costs less
    /// than storing and loading it.
    fn cheap(&self, i: u32) -> bool {
        let walk = self.ctx.walk;
        let mut budget = 1usize;
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            let v = &walk.visited[n as usize];
            if n != i
                && (self.ctx.boundary[n as usize].is_some() || !matches!(v.kind, Kind::Elementwise))
            {
                continue;
            }
            let cost = match &walk.exprs[n as usize] {
                NodeDef::View(..) => 0,
                NodeDef::Cast(_) => 1,
                NodeDef::Unary(op, _) if op.is_cheap() => 1,
                NodeDef::Binary(op, _, _) if op.is_cheap() => 1,
                NodeDef::Select(..) => 1,
                _ => return false,
            };
            if cost > budget {
                return false;
            }
            budget -= cost;
            stack.extend_from_slice(v.children());
        }
        true
    }
}
