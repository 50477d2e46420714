//! Normalising a [`Kernel`] for the GPU: drop axes of length 1, merge axes
//! that every operand walks contiguously, classify each operand's access
//! (contiguous, broadcast scalar, strided), and split the kernel into its
//! *structure* (the pipeline-cache key: dtypes, op list, rank, access
//! classes) and its *sizes* (shape, strides, offsets, constants: uniform
//! data). A loop running one expression over different sizes or constants
//! therefore compiles once.

use crate::tile::Tile;
use tandem_core::kernel::{Kernel, Op};
use tandem_core::layout::c_strides;
use tandem_core::ops::{BinaryOp, ReduceOp, UnaryOp};
use tandem_core::{DType, Scalar};

/// How a shader addresses one buffer operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Access {
    /// Position = base + flat index (C order, no gaps).
    Contig,
    /// Every iteration reads the same position (all strides 0).
    Scalar,
    /// Position = offset + Σ index[k] · stride[k].
    Strided,
}

/// An instruction with its constant's value stripped (values go in the uniform).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KOp {
    /// Read input `i`.
    Load(usize),
    /// A constant (its value is a uniform slot).
    Const,
    /// A unary op.
    Unary(UnaryOp, usize),
    /// A binary op.
    Binary(BinaryOp, usize, usize),
    /// `select`.
    Select(usize, usize, usize),
    /// A cast to the instruction's dtype.
    Cast(usize),
    /// A matrix product's dot over its operand inputs and contracted length.
    Dot { a: usize, b: usize },
}

impl KOp {
    /// `op` with its constant's value stripped.
    pub(crate) fn of(op: &Op) -> KOp {
        match op {
            Op::Load(i) => KOp::Load(*i),
            Op::Const(_) => KOp::Const,
            Op::Unary(o, a) => KOp::Unary(*o, *a),
            Op::Binary(o, a, b) => KOp::Binary(*o, *a, *b),
            Op::Select(c, a, b) => KOp::Select(*c, *a, *b),
            Op::Cast(a) => KOp::Cast(*a),
            Op::Dot(d) => KOp::Dot { a: d.a, b: d.b },
        }
    }
}

/// What decides whether the GPU can run a kernel: its instructions and
/// dtypes, its outputs and its reduction, but not its layouts, sizes or
/// constant values. Shader generation fails only for an op or dtype without
/// a WGSL form (never for a layout), so `check` keeps one verdict per
/// signature instead of normalising and generating for every kernel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Signature {
    instrs: Vec<(KOp, DType)>,
    inputs: Vec<DType>,
    outputs: Vec<(usize, DType)>,
    reduction: Option<(ReduceOp, usize)>,
}

impl Signature {
    /// The signature of `kernel`.
    pub(crate) fn of(kernel: &Kernel) -> Signature {
        Signature {
            instrs: kernel
                .instrs
                .iter()
                .map(|i| (KOp::of(&i.op), i.dtype))
                .collect(),
            inputs: kernel.inputs.iter().map(|i| i.dtype).collect(),
            outputs: kernel.outputs.iter().map(|o| (o.value, o.dtype)).collect(),
            reduction: kernel.reduction.as_ref().map(|r| (r.op, r.axes.len())),
        }
    }
}

/// One buffer operand of a normalised kernel.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Operand {
    /// Element dtype.
    pub dtype: DType,
    /// Strides over the normalised shape, in elements.
    pub strides: Vec<isize>,
    /// Position of the first element.
    pub offset: usize,
    /// Access class.
    pub access: Access,
    /// Elements in the buffer.
    pub buffer_len: usize,
}

impl Operand {
    /// An operand walking `strides` over `shape`, its access class derived.
    pub(crate) fn new(
        dtype: DType,
        shape: &[usize],
        strides: Vec<isize>,
        offset: usize,
        buffer_len: usize,
    ) -> Operand {
        Operand {
            dtype,
            access: access_of(shape, &strides),
            strides,
            offset,
            buffer_len,
        }
    }
}

/// What the body of a shader depends on: input dtypes and access classes, and the op list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BodyKey {
    /// Rank of the normalised iteration shape.
    pub rank: usize,
    /// Per input: dtype and access.
    pub inputs: Vec<(DType, Access)>,
    /// The SSA list, constants stripped.
    pub instrs: Vec<(KOp, DType)>,
}

impl BodyKey {
    /// The dtypes of the body's constants, in instruction order: the
    /// constant words of every shader's uniform layout.
    pub(crate) fn const_dtypes(&self) -> Vec<DType> {
        self.instrs
            .iter()
            .filter(|(op, _)| *op == KOp::Const)
            .map(|(_, d)| *d)
            .collect()
    }
}

/// The pipeline-cache key of an elementwise kernel.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ElementwiseKey {
    /// The body.
    pub body: BodyKey,
    /// Per output: the value stored, its dtype and access.
    pub outputs: Vec<(usize, DType, Access)>,
    /// Scalar or `vec4` per invocation.
    pub width: Width,
}

/// The pipeline-cache key of a reduction's first pass (the kernel body
/// reduced over rows of `K` elements).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ReduceKey {
    /// The body; the reduced axes are its last `rank - kept_rank` axes.
    pub body: BodyKey,
    /// The value reduced.
    pub value: usize,
    /// The reduction.
    pub op: ReduceOp,
    /// `true` when this pass writes the final result (else partials).
    pub last: bool,
    /// The output's dtype and access (when `last`).
    pub out: (DType, Access),
    /// Rank of the kept (output) shape: the first axes of the body's.
    pub out_rank: usize,
    /// One invocation per unit (a part of a row: short rows, or rows cut
    /// into short parts) instead of a workgroup per chunk.
    pub serial: bool,
}

/// The pipeline-cache key of a later pass reducing partial results.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PartialsKey {
    /// The accumulator's dtype.
    pub dtype: DType,
    /// The reduction.
    pub op: ReduceOp,
    /// `true` when this pass writes the final result.
    pub last: bool,
    /// The output's dtype and access (when `last`).
    pub out: (DType, Access),
    /// Rank of the kept (output) shape.
    pub out_rank: usize,
    /// One invocation per row (few partials per row) instead of a
    /// workgroup per chunk of partials.
    pub serial: bool,
}

/// Which way a tiled GEMM's invocations step through an operand while
/// they fill its tile: along the contracted axis or along the operand's
/// other axis (rows of `a`, columns of `b`), whichever is the closer in
/// memory, four elements at a time (`vec4` loads) where the layout allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Fetch {
    /// Consecutive invocations (or vector lanes) step along the contracted axis.
    pub along_k: bool,
    /// Loads of `vec4`s: the operand is bound as an array of them.
    pub vec4: bool,
}

/// The shape of a matrix product's shader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GemmForm {
    /// One invocation per output element, looping over the contracted
    /// axis; the body's shape is the kernel's (collapsed) shape.
    Naive,
    /// Workgroup tiles and register blocks over the last two axes of the
    /// body's shape (rows, columns), every axis before them a batch.
    Tiled {
        /// The tiling.
        tile: Tile,
        /// How operand `a` is read.
        a: Fetch,
        /// How operand `b` is read.
        b: Fetch,
    },
}

/// The pipeline-cache key of a kernel with a matrix product: the kernel's
/// whole body (the product and its epilogue, computed as each output is
/// written), every input read through strides (uniform words), and the
/// form of the product.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct GemmKey {
    /// The body, its inputs all [`Access::Strided`]; exactly one
    /// instruction is a [`KOp::Dot`].
    pub body: BodyKey,
    /// Per output: the value stored and its dtype (stored through strides).
    pub outputs: Vec<(usize, DType)>,
    /// Naive or tiled.
    pub form: GemmForm,
}

/// Any shader tandem-gpu builds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ShaderKey {
    /// An elementwise kernel.
    Elementwise(ElementwiseKey),
    /// A kernel with a matrix product.
    Gemm(GemmKey),
    /// First pass of a reduction.
    Reduce(ReduceKey),
    /// A later pass of a reduction.
    Partials(PartialsKey),
}

/// A kernel normalised for the GPU.
#[derive(Clone, Debug)]
pub(crate) struct Normalized {
    /// The iteration shape after dropping/merging axes.
    pub shape: Vec<usize>,
    /// Inputs, in binding order.
    pub inputs: Vec<Operand>,
    /// Outputs, in binding order.
    pub outputs: Vec<Operand>,
    /// Constant values, in instruction order.
    pub consts: Vec<Scalar>,
    /// The body's structure.
    pub body: BodyKey,
}

/// Drops axes of length 1 and merges neighbours that all operands walk as
/// one, never merging across `split` (axes before it are kept apart from
/// those after). Returns the new shape, each operand's strides, and the new split.
pub(crate) fn collapse(
    shape: &[usize],
    strides: &[Vec<isize>],
    split: usize,
) -> (Vec<usize>, Vec<Vec<isize>>, usize) {
    let mut out_shape: Vec<usize> = Vec::new();
    let mut out_strides: Vec<Vec<isize>> = vec![Vec::new(); strides.len()];
    let mut new_split = 0;
    for (axis, &n) in shape.iter().enumerate() {
        if axis == split {
            new_split = out_shape.len();
        }
        if n == 1 {
            continue;
        }
        let group_start = if axis >= split { new_split } else { 0 };
        let can_merge = out_shape.len() > group_start
            && strides.iter().enumerate().all(|(k, s)| {
                let last = *out_strides[k].last().expect("same rank");
                last == s[axis] * n as isize
            });
        if can_merge {
            *out_shape.last_mut().expect("non-empty") *= n;
            for (k, s) in strides.iter().enumerate() {
                *out_strides[k].last_mut().expect("non-empty") = s[axis];
            }
        } else {
            out_shape.push(n);
            for (k, s) in strides.iter().enumerate() {
                out_strides[k].push(s[axis]);
            }
        }
    }
    if split >= shape.len() {
        new_split = out_shape.len();
    }
    (out_shape, out_strides, new_split)
}

/// The access class of strides over `shape`.
pub(crate) fn access_of(shape: &[usize], strides: &[isize]) -> Access {
    if strides.iter().all(|&s| s == 0) {
        Access::Scalar
    } else if strides == c_strides(shape).as_slice() {
        Access::Contig
    } else {
        Access::Strided
    }
}

/// The body key and constants of `kernel`'s instruction list.
pub(crate) fn body_of(kernel: &Kernel, rank: usize, inputs: &[Operand]) -> (BodyKey, Vec<Scalar>) {
    let mut consts = Vec::new();
    let instrs = kernel
        .instrs
        .iter()
        .map(|ins| {
            if let Op::Const(s) = &ins.op {
                consts.push(s.cast(ins.dtype));
            }
            (KOp::of(&ins.op), ins.dtype)
        })
        .collect();
    let body = BodyKey {
        rank,
        inputs: inputs.iter().map(|o| (o.dtype, o.access)).collect(),
        instrs,
    };
    (body, consts)
}

/// Normalises an elementwise kernel (all operands over `kernel.shape`).
pub(crate) fn normalize(kernel: &Kernel) -> Normalized {
    let strides: Vec<Vec<isize>> = kernel
        .inputs
        .iter()
        .map(|i| i.layout.strides.clone())
        .chain(kernel.outputs.iter().map(|o| o.layout.strides.clone()))
        .collect();
    let rank = kernel.shape.len();
    let (shape, strides, _) = collapse(&kernel.shape, &strides, rank);
    let mut it = strides.into_iter();
    let inputs: Vec<Operand> = kernel
        .inputs
        .iter()
        .map(|i| {
            let s = it.next().expect("one stride list per operand");
            Operand::new(i.dtype, &shape, s, i.layout.offset, i.buffer_len)
        })
        .collect();
    let outputs: Vec<Operand> = kernel
        .outputs
        .iter()
        .map(|o| {
            let s = it.next().expect("one stride list per operand");
            Operand::new(o.dtype, &shape, s, o.layout.offset, o.buffer_len)
        })
        .collect();
    let (body, consts) = body_of(kernel, shape.len(), &inputs);
    Normalized {
        shape,
        inputs,
        outputs,
        consts,
        body,
    }
}

/// Normalises a reduction kernel: the kept axes first, the reduced axes
/// last (each group collapsed on its own), the output given zero strides
/// over the reduced axes. Returns the kernel and the number of kept axes.
///
/// The reduced axes stay in order for the arg-reductions (their index is
/// the C-order position, and ties go to the first). For the others the
/// order is free, so they are sorted by decreasing stride: consecutive
/// positions in a row are then as close in memory as the inputs allow (a
/// full reduction of a transposed matrix reads it in storage order, and
/// collapses to one contiguous row when it can).
pub(crate) fn normalize_reduction(kernel: &Kernel, axes: &[usize]) -> (Normalized, usize) {
    let rank = kernel.shape.len();
    let kept: Vec<usize> = (0..rank).filter(|a| !axes.contains(a)).collect();
    let mut axes = axes.to_vec();
    if kernel.reduction.as_ref().is_some_and(|r| !r.op.is_arg()) {
        let widest = |a: usize| {
            kernel
                .inputs
                .iter()
                .map(|i| i.layout.strides[a].unsigned_abs())
                .max()
                .unwrap_or(0)
        };
        // Stable: equal strides (broadcasts) keep their order.
        axes.sort_by_key(|&a| std::cmp::Reverse(widest(a)));
    }
    let order: Vec<usize> = kept.iter().chain(axes.iter()).copied().collect();
    let shape: Vec<usize> = order.iter().map(|&a| kernel.shape[a]).collect();
    let mut strides: Vec<Vec<isize>> = kernel
        .inputs
        .iter()
        .map(|i| order.iter().map(|&a| i.layout.strides[a]).collect())
        .collect();
    let out = &kernel.outputs[0];
    // The output layout ranges over the kept axes, in order.
    let mut os: Vec<isize> = out.layout.strides.clone();
    os.resize(kept.len(), 0);
    os.extend(std::iter::repeat_n(0, axes.len()));
    strides.push(os);
    let (shape, strides, split) = collapse(&shape, &strides, kept.len());
    let mut it = strides.into_iter();
    let inputs: Vec<Operand> = kernel
        .inputs
        .iter()
        .map(|i| {
            let s = it.next().expect("one stride list per operand");
            Operand::new(i.dtype, &shape, s, i.layout.offset, i.buffer_len)
        })
        .collect();
    let s = it.next().expect("the output's strides");
    let kept_shape = &shape[..split];
    let outputs = vec![Operand::new(
        out.dtype,
        kept_shape,
        s[..split].to_vec(),
        out.layout.offset,
        out.buffer_len,
    )];
    let (body, consts) = body_of(kernel, shape.len(), &inputs);
    (
        Normalized {
            shape,
            inputs,
            outputs,
            consts,
            body,
        },
        split,
    )
}

/// Whether an elementwise kernel can run four elements per invocation:
/// every operand contiguous (at an offset divisible by 4) or a broadcast
/// scalar input, outputs contiguous.
pub(crate) fn vec4_ok(n: &Normalized) -> bool {
    let size: usize = n.shape.iter().product();
    size >= 4
        && n.shape.len() <= 1
        && n.inputs.iter().all(|o| match o.access {
            Access::Contig => o.offset % 4 == 0,
            Access::Scalar => true,
            Access::Strided => false,
        })
        && n.outputs
            .iter()
            .all(|o| o.access == Access::Contig && o.offset % 4 == 0)
}

/// How many elements one shader invocation handles per value: the
/// contiguous fast path computes on `vec4`s (PERF.md: 4× on lavapipe).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Width {
    /// One element per value.
    Scalar,
    /// Four consecutive elements per value.
    Vec4,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_axes_merge_and_broadcasts_stay() {
        let (s, st, _) = collapse(&[2, 3, 4], &[vec![12, 4, 1], vec![0, 4, 1]], 3);
        assert_eq!(s, vec![2, 12]);
        assert_eq!(st, vec![vec![12, 1], vec![0, 1]]);
        let (s, st, _) = collapse(&[2, 1, 4], &[vec![4, 99, 1]], 3);
        assert_eq!(s, vec![8]);
        assert_eq!(st, vec![vec![1]]);
        assert_eq!(access_of(&s, &st[0]), Access::Contig);
        assert_eq!(access_of(&[], &[]), Access::Scalar);
    }

    #[test]
    fn reduced_axes_follow_storage_order_except_for_arg_reductions() {
        use tandem_core::kernel::{Instr, KernelInput, KernelOutput, Reduction};
        use tandem_core::layout::Layout;
        // A full reduction of a transposed (3, 5) matrix.
        let k = |op| Kernel {
            shape: vec![5, 3],
            inputs: vec![KernelInput {
                dtype: DType::F32,
                layout: Layout {
                    shape: vec![5, 3],
                    strides: vec![1, 5],
                    offset: 0,
                },
                buffer_len: 15,
            }],
            instrs: vec![Instr {
                op: Op::Load(0),
                dtype: DType::F32,
            }],
            outputs: vec![KernelOutput {
                value: 0,
                dtype: if op == ReduceOp::Sum {
                    DType::F32
                } else {
                    DType::I64
                },
                layout: Layout::contiguous(&[]),
                buffer_len: 1,
            }],
            reduction: Some(Reduction {
                op,
                axes: vec![0, 1],
            }),
        };
        let (n, split) = normalize_reduction(&k(ReduceOp::Sum), &[0, 1]);
        assert_eq!(
            (n.shape, split, n.inputs[0].access),
            (vec![15], 0, Access::Contig)
        );
        let (n, _) = normalize_reduction(&k(ReduceOp::ArgMax), &[0, 1]);
        assert_eq!((n.shape, n.inputs[0].access), (vec![5, 3], Access::Strided));
    }

    #[test]
    fn reductions_never_merge_kept_with_reduced_axes() {
        let (s, _, split) = collapse(&[4, 5], &[vec![5, 1]], 1);
        assert_eq!((s, split), (vec![4, 5], 1));
        let (s, _, split) = collapse(&[1, 5], &[vec![5, 1]], 1);
        assert_eq!((s, split), (vec![5], 0));
    }
}
