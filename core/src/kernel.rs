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
        let read: usize = self.inputs.iter().map(|i| i.dtype.size_of()).sum();
        let written: usize = self
            .outputs
            .iter()
            .map(|o| o.dtype.size_of() * o.layout.size())
            .sum();
        n * read + written
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
