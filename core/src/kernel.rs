//! `Kernel`: what a backend is asked to run. A kernel is a loop over an
//! iteration shape; inputs are buffers read through a [`Layout`] over that
//! shape (so broadcasts, transposes and slices cost nothing), the body is an
//! SSA list of elementwise instructions, and outputs are written in C order.
//! Backends never see `Array` or the graph: fusion changes what goes into a
//! kernel, never the seam.

use crate::dtype::DType;
use crate::layout::Layout;
use crate::ops::{BinaryOp, ReduceOp, UnaryOp};
use crate::scalar::Scalar;
use std::fmt;

/// Index of an instruction in [`Kernel::instrs`]; its result value.
pub type ValueId = usize;

/// One SSA instruction. Operands of `Unary`/`Binary` already have the op's
/// compute dtype (the core inserts `Cast`s), so a backend implements each op
/// once per dtype and never promotes.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Read input `i` at the current index.
    Load(usize),
    /// A constant of the instruction's dtype.
    Const(Scalar),
    /// An elementwise unary op.
    Unary(UnaryOp, ValueId),
    /// An elementwise binary op; both operands share one dtype.
    Binary(BinaryOp, ValueId, ValueId),
    /// `if cond { a } else { b }`; `cond` is `Bool`, `a` and `b` have the result dtype.
    Select(ValueId, ValueId, ValueId),
    /// Convert to the instruction's dtype with NumPy's cast rules.
    Cast(ValueId),
    /// A dot product along an axis the kernel does not iterate over (a
    /// matrix product's contracted axis): see [`Dot`]. Its operands are
    /// inputs, not values, so a product reads its operands straight from
    /// memory (views of data cost nothing) and a backend can tile it.
    Dot(Dot),
}

/// `Σ_k a[pa + k·a_stride] · b[pb + k·b_stride]` for `k` in `0..len`, where
/// `pa` and `pb` are the positions of inputs `a` and `b` at the kernel's
/// index (through their layouts). Both inputs have the instruction's dtype.
///
/// A matrix product `[.., m, kk] @ [.., kk, n]` is a kernel over
/// `[.., m, n]` with one `Dot`: input `a`'s layout has stride 0 along the
/// `n` axis, input `b`'s stride 0 along the `m` axis, and `len == kk`.
/// Backends recognise that shape (see [`Kernel::matmul_axes`]) and run a
/// tiled GEMM; any other `Dot` (a batched vector dot) may run element by
/// element. Floats accumulate in their own dtype in an unspecified order
/// (a product's error bound, as BLAS); integers wrap as NumPy's do; `Bool`
/// is the `or` of `and`s, as NumPy's `bool @ bool`.
///
/// ```
/// use tandem_core::kernel::Dot;
/// let d = Dot { a: 0, b: 1, len: 3, a_stride: 1, b_stride: 4 };
/// assert_eq!(d.len, 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dot {
    /// Input read as the left operand.
    pub a: usize,
    /// Input read as the right operand.
    pub b: usize,
    /// Length of the contracted axis (0: the result is zero).
    pub len: usize,
    /// Element stride of input `a`'s buffer along the contracted axis.
    pub a_stride: isize,
    /// Element stride of input `b`'s buffer along the contracted axis.
    pub b_stride: isize,
}

/// The axes of a kernel with a [`Dot`] that a GEMM runs over: the kernel's
/// last two axes `(m, n)` when input `a` does not move along `n` and input
/// `b` does not move along `m`. Returned by [`Kernel::matmul_axes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatmulAxes {
    /// The instruction holding the product.
    pub value: ValueId,
    /// The product.
    pub dot: Dot,
    /// Rows of each product (extent of the kernel's second-to-last axis).
    pub m: usize,
    /// Columns of each product (extent of the last axis).
    pub n: usize,
}

/// An instruction: an op and the dtype of its result.
#[derive(Clone, Debug, PartialEq)]
pub struct Instr {
    /// What to compute.
    pub op: Op,
    /// The dtype of the result.
    pub dtype: DType,
}

/// One elementwise op over whole operands, for
/// [`Backend::execute_direct`](crate::Backend::execute_direct): the direct
/// path of a tiny force, which skips building a [`Kernel`].
///
/// ```
/// use tandem_core::kernel::OneOp;
/// use tandem_core::ops::BinaryOp;
/// let op = OneOp::Binary(BinaryOp::Add);
/// assert_ne!(op, OneOp::Binary(BinaryOp::Mul));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OneOp {
    /// `out[i] = op(x[i])`.
    Unary(UnaryOp),
    /// `out[i] = op(a[i], b[i])`; comparisons give `Bool`.
    Binary(BinaryOp),
}

/// An operand of a [`OneOp`]: `n` contiguous elements of a host buffer
/// from element `offset` on, or one value repeated. (The direct path is
/// for host-memory backends: a device would gain nothing from skipping the
/// kernel, its launch costs more than planning.)
///
/// ```
/// use tandem_core::kernel::DirectInput;
/// let s = DirectInput::Scalar(tandem_core::Scalar::F32(2.0));
/// assert!(matches!(s, DirectInput::Scalar(_)));
/// ```
#[derive(Clone, Copy, Debug)]
pub enum DirectInput<'a> {
    /// Elements `offset..offset + n` of a host buffer.
    Host(&'a crate::buffer::HostBuffer, usize),
    /// A constant of the operand dtype.
    Scalar(Scalar),
}

/// A buffer the kernel reads.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelInput {
    /// Element dtype of the buffer.
    pub dtype: DType,
    /// How the kernel's iteration index maps into the buffer (its shape is
    /// the kernel's shape).
    pub layout: Layout,
    /// Number of elements in the buffer (every position the layout reaches is below it).
    pub buffer_len: usize,
}

/// A value the kernel writes into a buffer the core provides, through a
/// layout over the kernel's shape: C order for a fresh result, a strided
/// region for `assign` or one part of a `concatenate`. The core guarantees
/// the layout never maps two iterations to one position.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelOutput {
    /// The instruction whose value is stored.
    pub value: ValueId,
    /// Its dtype.
    pub dtype: DType,
    /// Where each iteration's value goes (its shape is the kernel's shape).
    pub layout: Layout,
    /// Number of elements in the output buffer.
    pub buffer_len: usize,
}

/// The reduction a kernel ends in: `op` over `axes` of the kernel's
/// iteration shape, applied to the value of the kernel's (single) output.
/// The output's layout then ranges over the *reduced* shape (the iteration
/// shape without `axes`), and its dtype is the value's dtype, or `I64` for
/// the arg-reductions.
#[derive(Clone, Debug, PartialEq)]
pub struct Reduction {
    /// What to reduce with.
    pub op: ReduceOp,
    /// Axes of [`Kernel::shape`] reduced, ascending.
    pub axes: Vec<usize>,
}

/// A fused elementwise kernel, optionally ending in a reduction.
///
/// ```
/// use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op};
/// use tandem_core::{layout::Layout, ops::BinaryOp, DType};
/// let input = KernelInput { dtype: DType::F32, layout: Layout::contiguous(&[4]), buffer_len: 4 };
/// let k = Kernel {
///     shape: vec![4],
///     inputs: vec![input.clone(), input],
///     instrs: vec![
///         Instr { op: Op::Load(0), dtype: DType::F32 },
///         Instr { op: Op::Load(1), dtype: DType::F32 },
///         Instr { op: Op::Binary(BinaryOp::Add, 0, 1), dtype: DType::F32 },
///     ],
///     outputs: vec![KernelOutput { value: 2, dtype: DType::F32, layout: Layout::contiguous(&[4]), buffer_len: 4 }],
///     reduction: None,
/// };
/// assert_eq!(k.size(), 4);
/// assert!(k.to_string().contains("add"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    /// The iteration shape (the output shape).
    pub shape: Vec<usize>,
    /// Buffers read, in binding order.
    pub inputs: Vec<KernelInput>,
    /// The body, in dependency order.
    pub instrs: Vec<Instr>,
    /// Values written.
    pub outputs: Vec<KernelOutput>,
    /// The reduction applied to the output's value, if any.
    pub reduction: Option<Reduction>,
}

impl Kernel {
    /// The kernel's product, if it has one (at most one [`Op::Dot`] per
    /// kernel: fusion gives each product its own kernel).
    ///
    /// ```
    /// let k = tandem_core::kernel::Kernel { shape: vec![2], inputs: vec![], instrs: vec![], outputs: vec![], reduction: None };
    /// assert!(k.dot().is_none());
    /// ```
    pub fn dot(&self) -> Option<(ValueId, Dot)> {
        self.instrs
            .iter()
            .enumerate()
            .find_map(|(i, ins)| match ins.op {
                Op::Dot(d) => Some((i, d)),
                _ => None,
            })
    }

    /// The GEMM form of the kernel's product: its last two axes are a
    /// matrix product's rows and columns (input `a` constant along the last
    /// axis, input `b` along the one before), every axis before them a
    /// batch. `None` for a kernel without a product, or whose product is a
    /// batch of vector dots (a `matvec`, a `vecdot`), which backends run
    /// element by element.
    ///
    /// ```
    /// use tandem_core::kernel::{Dot, Instr, Kernel, KernelInput, KernelOutput, Op};
    /// use tandem_core::{layout::Layout, DType};
    /// // [2, 3] @ [3, 4] over the output shape [2, 4]
    /// let a = Layout { shape: vec![2, 4], strides: vec![3, 0], offset: 0 };
    /// let b = Layout { shape: vec![2, 4], strides: vec![0, 1], offset: 0 };
    /// let k = Kernel {
    ///     shape: vec![2, 4],
    ///     inputs: vec![
    ///         KernelInput { dtype: DType::F32, layout: a, buffer_len: 6 },
    ///         KernelInput { dtype: DType::F32, layout: b, buffer_len: 12 },
    ///     ],
    ///     instrs: vec![Instr { op: Op::Dot(Dot { a: 0, b: 1, len: 3, a_stride: 1, b_stride: 4 }), dtype: DType::F32 }],
    ///     outputs: vec![KernelOutput { value: 0, dtype: DType::F32, layout: Layout::contiguous(&[2, 4]), buffer_len: 8 }],
    ///     reduction: None,
    /// };
    /// let mm = k.matmul_axes().unwrap();
    /// assert_eq!((mm.m, mm.n), (2, 4));
    /// assert_eq!(k.flops(), 2 * 8 * 3);
    /// ```
    pub fn matmul_axes(&self) -> Option<MatmulAxes> {
        let (value, dot) = self.dot()?;
        let r = self.shape.len();
        if r < 2 {
            return None;
        }
        let (la, lb) = (&self.inputs[dot.a].layout, &self.inputs[dot.b].layout);
        let (m, n) = (self.shape[r - 2], self.shape[r - 1]);
        let a_flat = la.strides[r - 1] == 0 || n == 1;
        let b_flat = lb.strides[r - 2] == 0 || m == 1;
        (a_flat && b_flat && m > 1 && n > 1).then_some(MatmulAxes { value, dot, m, n })
    }

    /// Arithmetic operations the kernel performs, counting a product's
    /// multiply-add as two (for cost models and GFLOP/s reports): the
    /// product's `2·len` per element plus one per other instruction.
    ///
    /// ```
    /// let k = tandem_core::kernel::Kernel { shape: vec![3], inputs: vec![], instrs: vec![], outputs: vec![], reduction: None };
    /// assert_eq!(k.flops(), 0);
    /// ```
    pub fn flops(&self) -> usize {
        let n = self.size();
        let per: usize = self
            .instrs
            .iter()
            .map(|i| match i.op {
                Op::Dot(d) => 2 * d.len,
                Op::Load(_) | Op::Const(_) => 0,
                _ => 1,
            })
            .sum();
        n.saturating_mul(per)
    }

    /// The kernel with its product read from one more input instead
    /// (contiguous over the kernel's shape: a buffer the product was
    /// written into), so a backend runs the rest of the kernel (its
    /// epilogue or reduction) on its ordinary paths; and the indices of
    /// the inputs it keeps, in order, the new one last. The product's
    /// operands are dropped unless the rest also loads them (they were
    /// read, and checked, by the product). `None` without a product.
    ///
    /// ```
    /// use tandem_core::kernel::{Dot, Instr, Kernel, KernelInput, KernelOutput, Op};
    /// use tandem_core::{layout::Layout, ops::BinaryOp, DType};
    /// let input = |strides: Vec<isize>| KernelInput {
    ///     dtype: DType::F32,
    ///     layout: Layout { shape: vec![2, 2], strides, offset: 0 },
    ///     buffer_len: 4,
    /// };
    /// // relu-like epilogue over [2, 2] @ [2, 2], plus a third input c
    /// let k = Kernel {
    ///     shape: vec![2, 2],
    ///     inputs: vec![input(vec![2, 0]), input(vec![0, 1]), input(vec![2, 1])],
    ///     instrs: vec![
    ///         Instr { op: Op::Dot(Dot { a: 0, b: 1, len: 2, a_stride: 1, b_stride: 2 }), dtype: DType::F32 },
    ///         Instr { op: Op::Load(2), dtype: DType::F32 },
    ///         Instr { op: Op::Binary(BinaryOp::Add, 0, 1), dtype: DType::F32 },
    ///     ],
    ///     outputs: vec![KernelOutput { value: 2, dtype: DType::F32, layout: Layout::contiguous(&[2, 2]), buffer_len: 4 }],
    ///     reduction: None,
    /// };
    /// let (rest, kept) = k.with_product_loaded().unwrap();
    /// assert_eq!(kept, vec![2]); // the operands are dropped, c is kept
    /// assert_eq!(rest.inputs.len(), 2); // c, then the product's buffer
    /// assert_eq!(rest.instrs[0].op, Op::Load(1));
    /// assert_eq!(rest.instrs[1].op, Op::Load(0));
    /// ```
    pub fn with_product_loaded(&self) -> Option<(Kernel, Vec<usize>)> {
        let (value, _) = self.dot()?;
        let mut k = self.clone();
        let dtype = k.instrs[value].dtype;
        let loaded = |i: usize| self.instrs.iter().any(|x| x.op == Op::Load(i));
        let kept: Vec<usize> = (0..self.inputs.len()).filter(|&i| loaded(i)).collect();
        let mut index = vec![usize::MAX; self.inputs.len()];
        for (new, &old) in kept.iter().enumerate() {
            index[old] = new;
        }
        k.inputs = kept.iter().map(|&i| self.inputs[i].clone()).collect();
        for ins in &mut k.instrs {
            if let Op::Load(i) = ins.op {
                ins.op = Op::Load(index[i]);
            }
        }
        k.inputs.push(KernelInput {
            dtype,
            layout: Layout::contiguous(&k.shape),
            buffer_len: k.size(),
        });
        k.instrs[value] = Instr {
            op: Op::Load(k.inputs.len() - 1),
            dtype,
        };
        Some((k, kept))
    }

    /// Number of iterations (output elements).
    ///
    /// ```
    /// let k = tandem_core::kernel::Kernel { shape: vec![2, 3], inputs: vec![], instrs: vec![], outputs: vec![], reduction: None };
    /// assert_eq!(k.size(), 6);
    /// ```
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// Bytes read and written if every element is touched once (for cost
    /// models and GB/s reports).
    ///
    /// ```
    /// let k = tandem_core::kernel::Kernel { shape: vec![2], inputs: vec![], instrs: vec![], outputs: vec![], reduction: None };
    /// assert_eq!(k.bytes_moved(), 0);
    /// ```
    pub fn bytes_moved(&self) -> usize {
        let n = self.size();
        // A product's operands are read once each from memory by a tiled
        // kernel (their own element counts), not once per output element.
        let dot = self.dot().map(|(_, d)| d);
        let operand = |i: usize| dot.is_some_and(|d| d.a == i || d.b == i);
        let operands: usize = match dot {
            Some(d) => [d.a, d.b]
                .iter()
                .map(|&i| {
                    let inp = &self.inputs[i];
                    inp.dtype.size_of() * inp.buffer_len.min(n.saturating_mul(d.len.max(1)))
                })
                .sum(),
            None => 0,
        };
        let read: usize = self
            .inputs
            .iter()
            .enumerate()
            .filter(|&(i, _)| !operand(i))
            .map(|(_, i)| i.dtype.size_of())
            .sum();
        let written: usize = self
            .outputs
            .iter()
            .map(|o| o.dtype.size_of() * o.layout.size())
            .sum();
        n * read + written + operands
    }

    /// Every dtype the kernel touches (inputs, values, outputs).
    ///
    /// ```
    /// let k = tandem_core::kernel::Kernel { shape: vec![], inputs: vec![], instrs: vec![], outputs: vec![], reduction: None };
    /// assert!(k.dtypes().is_empty());
    /// ```
    pub fn dtypes(&self) -> Vec<DType> {
        let mut d: Vec<DType> = self
            .inputs
            .iter()
            .map(|i| i.dtype)
            .chain(self.instrs.iter().map(|i| i.dtype))
            .collect();
        d.sort();
        d.dedup();
        d
    }
}

impl fmt::Display for Kernel {
    /// A one-line-per-instruction listing, used by `explain()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "kernel over {:?} ({} inputs, {} instructions)",
            self.shape,
            self.inputs.len(),
            self.instrs.len()
        )?;
        for (i, ins) in self.instrs.iter().enumerate() {
            let body = match &ins.op {
                Op::Load(k) => {
                    let l = &self.inputs[*k].layout;
                    format!("load in{k} strides={:?} offset={}", l.strides, l.offset)
                }
                Op::Const(s) => format!("const {s}"),
                Op::Unary(op, a) => format!("{} %{a}", op.name()),
                Op::Binary(op, a, b) => format!("{} %{a}, %{b}", op.name()),
                Op::Select(c, a, b) => format!("where %{c}, %{a}, %{b}"),
                Op::Cast(a) => format!("cast %{a}"),
                Op::Dot(d) => {
                    let (a, b) = (&self.inputs[d.a].layout, &self.inputs[d.b].layout);
                    format!(
                        "dot in{} strides={:?}+{}k offset={}, in{} strides={:?}+{}k offset={}, k<{}",
                        d.a, a.strides, d.a_stride, a.offset, d.b, b.strides, d.b_stride, b.offset, d.len
                    )
                }
            };
            writeln!(f, "  %{i}: {} = {body}", ins.dtype)?;
        }
        if let Some(r) = &self.reduction {
            writeln!(f, "  reduce {} over axes {:?}", r.op.name(), r.axes)?;
        }
        for o in &self.outputs {
            let l = &o.layout;
            if l.is_contiguous() && l.offset == 0 {
                writeln!(f, "  store %{}", o.value)?;
            } else {
                writeln!(
                    f,
                    "  store %{} strides={:?} offset={}",
                    o.value, l.strides, l.offset
                )?;
            }
        }
        Ok(())
    }
}
