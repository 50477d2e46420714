//! Register-fused machine code for the commonest CPU kernels: floating-point
//! arithmetic (`+ - * /`, neg, abs, sqrt, square, recip, the four roundings,
//! NaN-propagating maximum/minimum), comparisons, logic on their results and
//! `where`, over inputs of one dtype that are contiguous, broadcast, or
//! contiguous or constant along each row (a row or column broadcast across a
//! matrix, rows padded apart or in reverse order: the loop then runs row by
//! row), written to one contiguous output or summed. Which ops compile, and
//! to what, is decided once per row of the op table ([`jit_unary`],
//! [`jit_binary`]: exhaustive matches, so a new row is a compile error here
//! until it is decided), and whether an op takes or gives lane masks is
//! read from its row's dtype rule ([`lanes`]).
//!
//! Why: the block interpreter (`exec/`) runs one instruction at a time
//! over a block, so an intermediate passes through an L1 register and only
//! the inputs of one instruction stream from memory at once. On memory-bound
//! kernels with several inputs that leaves bandwidth unused: `a*b + c*e` over
//! 10^7 f32 took 4.6–5.0 ms blocked (at every block size from 16 to 16384
//! elements, with or without software prefetch) and 3.7 ms as one loop that
//! loads all four inputs, keeps every intermediate in a register and streams
//! the result out. This module emits that loop with AVX (256-bit vectors, two
//! per iteration), so every kernel of this class gets it, not just the
//! shapes someone wrote by hand.
//!
//! Each operation is the same correctly rounded IEEE operation the
//! interpreter performs (no contraction into FMA; max/min and comparisons
//! with NumPy's NaN rules), so the results are bit-identical; the tests
//! compare the two on random programs. A sum is computed into the same lanes
//! and blocks as the interpreter's pairwise summation (`reduce.rs`).
//!
//! Code is cached by the kernel's *structure*; constants and broadcast values
//! are passed at run time, so a loop that rebuilds an expression with new
//! scalars compiles it once. x86-64 with AVX only: elsewhere, or for any
//! kernel outside this class, `compile` declines and the interpreter runs
//! the kernel. `TANDEM_CPU_JIT=0` turns the JIT off (for comparisons).

use crate::block::Read;
use smallvec::SmallVec;
use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::sync::{Arc, Mutex, OnceLock};
use tandem_core::kernel::{Kernel, Op};
use tandem_core::ops::{BinaryOp, Out, Rule, Take, UnaryOp};
use tandem_core::DType;

/// Most contiguous inputs a compiled kernel streams (one general-purpose
/// register each; more fall back to the interpreter).
const MAX_STREAMS: usize = 11;
/// Most loop invariants (constants, broadcast inputs) a compiled kernel
/// holds in registers: the other four of the sixteen hold temporaries.
const MAX_INVARIANTS: usize = 12;
/// Vectors per loop iteration: two 32-byte vectors make one cache line per
/// input per iteration.
const UNROLL: usize = 2;
/// Bytes per vector (AVX).
const VECTOR_BYTES: usize = 32;
/// Compiled kernels kept before the cache starts over (a bound on memory for
/// programs that generate endless distinct expressions).
const CACHE_CAPACITY: usize = 1024;

/// Whether the JIT may be used: x86-64 with AVX, and not turned off with
/// `TANDEM_CPU_JIT=0`.
pub(crate) fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| {
        let off = std::env::var("TANDEM_CPU_JIT").is_ok_and(|v| v.trim() == "0");
        !off && codegen::available()
    })
}

/// One value of the lowered program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Lowered {
    /// The next vector of streamed input `slot`.
    Stream(u8),
    /// Loop-invariant value `slot` (a constant or a broadcast input),
    /// broadcast into a register before the loop.
    Invariant(u8),
    /// A unary op, as [`jit_unary`] compiles it.
    Unary(X64Unary, u16),
    /// A binary op, as [`jit_binary`] compiles it.
    Binary(X64Binary, u16, u16),
    /// `if mask { a } else { b }`.
    Select(u16, u16, u16),
}

/// How a compiled loop computes a unary op (the instructions `jit/x64.rs`
/// emits for it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum X64Unary {
    /// `x ^ -0.0`: flips the sign bit (`neg`).
    FlipSign,
    /// `x & !-0.0`: clears the sign bit (`abs`).
    ClearSign,
    /// `1 / x` (`recip`).
    Recip,
    /// `x * x` (`square`).
    Square,
    /// The correctly rounded square root (`sqrt`).
    Sqrt,
    /// `vround` with this rounding-control immediate (the precision
    /// exception suppressed, bit 3): 8 nearest-even, 9 down, 10 up, 11
    /// toward zero.
    Round(i8),
    /// `x` compared unordered with itself: a mask of the NaN lanes (`is_nan`).
    Unordered,
    /// A mask with every bit flipped (`logical_not`).
    Not,
}

/// The correctly rounded IEEE arithmetic a compiled loop performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// A comparison of floats into a lane mask: ordered and quiet (false when
/// either is NaN), except `Ne`, which is true then, as in NumPy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Bitwise logic on lane masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Logic {
    And,
    Or,
    Xor,
}

/// How a compiled loop computes a binary op.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum X64Binary {
    /// `+ - * /` of floats.
    Arith(Arith),
    /// NumPy's NaN-propagating `maximum`.
    Max,
    /// NumPy's NaN-propagating `minimum`.
    Min,
    /// A comparison of floats, into a mask.
    Compare(Cmp),
    /// Logic on masks.
    Logic(Logic),
}

/// How the JIT compiles `op`, or `None` where the interpreter runs it: one
/// decision per row of the op table, with no catch-all, so a new row does
/// not build until someone decides here whether it compiles. What the op
/// takes and gives (floats or masks) is its row's dtype rule ([`lanes`]),
/// not a list kept here.
pub(crate) fn jit_unary(op: UnaryOp) -> Option<X64Unary> {
    use UnaryOp::*;
    match op {
        Neg => Some(X64Unary::FlipSign),
        Abs => Some(X64Unary::ClearSign),
        Recip => Some(X64Unary::Recip),
        Square => Some(X64Unary::Square),
        Sqrt => Some(X64Unary::Sqrt),
        Round => Some(X64Unary::Round(8)),
        Floor => Some(X64Unary::Round(9)),
        Ceil => Some(X64Unary::Round(10)),
        Trunc => Some(X64Unary::Round(11)),
        IsNan => Some(X64Unary::Unordered),
        LogicalNot => Some(X64Unary::Not),
        // Polynomial approximations: vmath's loops, not emitted here.
        Exp | Exp2 | Ln | Log2 | Log10 | Sin | Cos | Tan | Tanh | Asin | Acos | Atan | Sinh
        | Cosh | Sigmoid | Log1p | Expm1 | Cbrt | Asinh | Acosh | Atanh => None,
        // Not taught to the code generator (yet): the interpreter's loops.
        Sign | IsInf | IsFinite | Deg2rad | Rad2deg | Fabs | Rint | Positive | Signbit
        | Spacing | Conj | ModfFraction | FrexpMantissa => None,
        // Integer values or results: outside the one-float-dtype class.
        BitwiseNot | BitwiseCount | FrexpExponent => None,
    }
}

/// How the JIT compiles `op`, or `None` (see [`jit_unary`]).
pub(crate) fn jit_binary(op: BinaryOp) -> Option<X64Binary> {
    use BinaryOp::*;
    match op {
        Add => Some(X64Binary::Arith(Arith::Add)),
        Sub => Some(X64Binary::Arith(Arith::Sub)),
        Mul => Some(X64Binary::Arith(Arith::Mul)),
        Div => Some(X64Binary::Arith(Arith::Div)),
        Maximum => Some(X64Binary::Max),
        Minimum => Some(X64Binary::Min),
        Eq => Some(X64Binary::Compare(Cmp::Eq)),
        Ne => Some(X64Binary::Compare(Cmp::Ne)),
        Lt => Some(X64Binary::Compare(Cmp::Lt)),
        Le => Some(X64Binary::Compare(Cmp::Le)),
        Gt => Some(X64Binary::Compare(Cmp::Gt)),
        Ge => Some(X64Binary::Compare(Cmp::Ge)),
        LogicalAnd => Some(X64Binary::Logic(Logic::And)),
        LogicalOr => Some(X64Binary::Logic(Logic::Or)),
        LogicalXor => Some(X64Binary::Logic(Logic::Xor)),
        // Polynomial approximations: vmath's loops, not emitted here.
        Pow | Atan2 | Logaddexp | Logaddexp2 | FloatPower => None,
        // Not taught to the code generator (yet): the interpreter's loops.
        Rem | FloorDiv | Hypot | Copysign | Nextafter | Fmod | Heaviside | Fmax | Fmin | Ldexp => {
            None
        }
        // Integer-only rows: outside the one-float-dtype class.
        Gcd | Lcm | BitwiseAnd | BitwiseOr | BitwiseXor | LeftShift | RightShift => None,
    }
}

/// What a compiled value holds in its lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lanes {
    /// Values of the kernel's float dtype.
    Float,
    /// `Bool`s as lane masks (all bits set or clear, as `vcmpps` makes them).
    Mask,
}

/// What an op's lanes take and give, read from its row's dtype rule: a row
/// that turns floats into `Bool` first (the logical ops) takes masks, and
/// a row whose result is `Bool` (comparisons, predicates, logical ops)
/// gives them. `None` for a row whose result has a fixed dtype (`I32`).
pub(crate) fn lanes(rule: Rule) -> Option<(Lanes, Lanes)> {
    let takes = if rule.on_float == Take::To(DType::Bool) {
        Lanes::Mask
    } else {
        Lanes::Float
    };
    let gives = match rule.out {
        Out::Compute => Lanes::Float,
        Out::Bool => Lanes::Mask,
        Out::Fixed(_) => return None,
    };
    Some((takes, gives))
}

/// A constant vector the code of an op reads.
#[derive(Clone, Copy)]
enum Constant {
    /// -0.0 (the sign bit).
    SignMask,
    /// 1.0.
    One,
    /// All bits set.
    Ones,
}

impl X64Unary {
    /// The constant the instructions read, if any.
    fn constant(self) -> Option<Constant> {
        match self {
            X64Unary::FlipSign | X64Unary::ClearSign => Some(Constant::SignMask),
            X64Unary::Recip => Some(Constant::One),
            X64Unary::Not => Some(Constant::Ones),
            X64Unary::Square | X64Unary::Sqrt | X64Unary::Round(_) | X64Unary::Unordered => None,
        }
    }
}

/// What a compiled loop does with the value it computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Output {
    /// Stores it to the output, with non-temporal stores when `streaming`
    /// (large outputs, see `stream.rs`).
    Store { streaming: bool },
    /// Sums it into [`SUM_LANES`] lanes per block of [`SUM_BLOCK`] values
    /// (element `i` of a block into lane `i % SUM_LANES`, in order, from
    /// +0.0) and stores each block's lanes: exactly the first half of
    /// `reduce.rs`'s leaf sum, which then adds the lanes as a tree.
    SumLanes,
}

/// Values per block of a JIT-compiled sum (`reduce.rs`'s block and leaf).
pub(crate) const SUM_BLOCK: usize = 1024;
/// Lanes per block of a JIT-compiled sum (`reduce.rs`'s leaf lanes).
pub(crate) const SUM_LANES: usize = 64;

/// What a compiled loop is keyed by: everything that shapes the machine
/// code, nothing that only changes its data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Shape {
    f64: bool,
    output: Output,
    streams: u8,
    invariants: u8,
    /// The invariant slots holding -0.0 (for neg/abs), 1.0 (for recip) and
    /// all bits set (for logical not).
    sign_mask: Option<u8>,
    one: Option<u8>,
    ones: Option<u8>,
    /// The program; its last node is the value computed.
    nodes: Vec<Lowered>,
}

/// Where an invariant's value comes from.
#[derive(Clone, Copy, Debug)]
enum Invariant {
    /// These bits (an f32's in the low half, or an f64's).
    Bits(u64),
    /// The value of constant instruction `i` (read when the loop is bound:
    /// a prepared plan serves every run of a kernel whose constants change).
    Const(usize),
    /// The single value input `k` broadcasts (read at run time).
    Input(usize),
    /// Input `k`'s value for the current row (constant along the innermost
    /// axis, e.g. a column broadcast across a matrix).
    Row(usize),
}

/// Rows shorter than this run on the interpreter when an input needs its
/// position recomputed per row: each row costs one call of the loop.
pub(crate) const ROW_MIN: usize = 256;

/// An input read row by row: its position at the start of each row
/// (run of the innermost axis) is recomputed from its layout.
struct RowInput<'a> {
    bytes: &'a [u8],
    offset: usize,
    /// (extent, stride) of the axes before the innermost, innermost last.
    outer: Vec<(usize, isize)>,
}

impl RowInput<'_> {
    /// The element position of row `row`'s first element.
    fn position(&self, mut row: usize) -> usize {
        let mut at = self.offset as isize;
        for &(n, stride) in self.outer.iter().rev() {
            at += (row % n) as isize * stride;
            row /= n;
        }
        at as usize
    }
}

/// Where a stream's vectors come from.
enum Stream<'a> {
    /// Contiguous over the whole kernel, from element 0.
    Flat(&'a [u8]),
    /// Contiguous along each row (a row broadcast across a matrix, a
    /// slice with padded rows).
    Rows(RowInput<'a>),
}

/// A kernel compiled for this run: the shared machine code plus this run's
/// input slices and invariant values.
pub(crate) struct BoundLoop<'a> {
    code: Arc<codegen::Code>,
    streams: SmallVec<[Stream<'a>; 4]>,
    /// Each invariant repeated across a vector (per-row ones: filled per row).
    invariants: SmallVec<[[u64; 4]; 4]>,
    /// The per-row invariants: their slots and inputs.
    row_invariants: Vec<(usize, RowInput<'a>)>,
    /// The row length, when an input is read row by row: a range the loop
    /// runs then lies within one row.
    row_len: Option<usize>,
    size: usize,
}

/// Lowers instructions `0..=value` of `kernel` to the JIT's program, if
/// every one is in the class this module compiles; `reads` says how each
/// input is read.
///
/// The class: values of one float dtype (the value's), and `Bool` values
/// made by comparing them, which live in registers as lane masks (all bits
/// set or clear, as `vcmpps` makes them) and feed only logic and `where`.
/// A `Bool` input, constant or result is outside it. `Err` says what
/// keeps the kernel out (for `explain`).
fn lower(
    kernel: &Kernel,
    reads: &[Read],
    value: usize,
    output: Output,
) -> Result<(Shape, Vec<Invariant>, Vec<usize>), String> {
    let dtype = kernel.instrs.get(value).ok_or("no such value")?.dtype;
    if !matches!(dtype, DType::F32 | DType::F64) {
        return Err(format!("{dtype} values are not compiled"));
    }
    let not_compiled = |op: &Op| match *op {
        Op::Unary(u, _) => format!("`{}` is not compiled", u.name()),
        Op::Binary(b, ..) => format!("`{}` is not compiled here", b.name()),
        Op::Cast(_) => "a cast is not compiled".to_string(),
        Op::Select(..) => "this `where` is not compiled".to_string(),
        Op::Load(_) | Op::Const(_) => "a bool input is not compiled".to_string(),
        Op::Dot(_) => "a matrix product is not compiled".to_string(),
    };
    let mut nodes = Vec::with_capacity(kernel.instrs.len());
    let mut invariants: Vec<Invariant> = Vec::new();
    let mut streams: Vec<usize> = Vec::new();
    let (mut sign_mask, mut one, mut ones) = (None, None, None);
    let invariant = |inv: Invariant, invariants: &mut Vec<Invariant>| {
        invariants.push(inv);
        (invariants.len() - 1) as u8
    };
    let bits = |x: f64| {
        if dtype == DType::F32 {
            (x as f32).to_bits() as u64
        } else {
            x.to_bits()
        }
    };
    let is = |v: usize, d: DType| kernel.instrs[v].dtype == d;
    let lane_dtype = |l: Lanes| match l {
        Lanes::Float => dtype,
        Lanes::Mask => DType::Bool,
    };
    // Whether instruction `ins` with operands `args` has the lanes its
    // row's rule gives and takes.
    let fits = |rule: Rule, ins_dtype: DType, args: &[usize]| {
        lanes(rule).is_some_and(|(takes, gives)| {
            ins_dtype == lane_dtype(gives) && args.iter().all(|&a| is(a, lane_dtype(takes)))
        })
    };
    for (i, ins) in kernel.instrs[..=value].iter().enumerate() {
        if ins.dtype != DType::Bool && ins.dtype != dtype {
            return Err(format!("it mixes {} and {dtype}", ins.dtype));
        }
        let node = match ins.op {
            Op::Load(k) if ins.dtype == dtype => {
                if kernel.inputs[k].dtype != dtype {
                    return Err(format!("input {k} is {}", kernel.inputs[k].dtype));
                }
                match reads[k] {
                    Read::Contiguous { .. } => {
                        let slot = streams.iter().position(|&s| s == k).unwrap_or_else(|| {
                            streams.push(k);
                            streams.len() - 1
                        });
                        Lowered::Stream(slot as u8)
                    }
                    Read::Strided { .. } => {
                        let strides = &kernel.inputs[k].layout.strides;
                        match strides.last() {
                            _ if strides.iter().all(|&s| s == 0) => {
                                Lowered::Invariant(invariant(Invariant::Input(k), &mut invariants))
                            }
                            Some(1) => {
                                let slot =
                                    streams.iter().position(|&s| s == k).unwrap_or_else(|| {
                                        streams.push(k);
                                        streams.len() - 1
                                    });
                                Lowered::Stream(slot as u8)
                            }
                            Some(0) => {
                                Lowered::Invariant(invariant(Invariant::Row(k), &mut invariants))
                            }
                            _ => {
                                return Err(format!(
                                    "input {k} is strided along the innermost axis"
                                ))
                            }
                        }
                    }
                }
            }
            Op::Const(_) if ins.dtype == dtype => {
                Lowered::Invariant(invariant(Invariant::Const(i), &mut invariants))
            }
            Op::Unary(op, a) => {
                let form = jit_unary(op)
                    .filter(|_| fits(op.rule(), ins.dtype, &[a]))
                    .ok_or_else(|| not_compiled(&ins.op))?;
                if let Some(c) = form.constant() {
                    let (slot, value) = match c {
                        Constant::SignMask => (&mut sign_mask, bits(-0.0)),
                        Constant::One => (&mut one, bits(1.0)),
                        Constant::Ones => (&mut ones, u64::MAX),
                    };
                    if slot.is_none() {
                        *slot = Some(invariant(Invariant::Bits(value), &mut invariants));
                    }
                }
                Lowered::Unary(form, a as u16)
            }
            Op::Binary(op, a, b) => {
                let form = jit_binary(op)
                    .filter(|_| fits(op.rule(), ins.dtype, &[a, b]))
                    .ok_or_else(|| not_compiled(&ins.op))?;
                Lowered::Binary(form, a as u16, b as u16)
            }
            Op::Select(c, a, b) if ins.dtype == dtype && is(c, DType::Bool) => {
                Lowered::Select(c as u16, a as u16, b as u16)
            }
            Op::Load(_) | Op::Const(_) | Op::Select(..) | Op::Cast(_) | Op::Dot(_) => {
                return Err(not_compiled(&ins.op))
            }
        };
        nodes.push(node);
        // Checked as the loop goes, so a kernel of a million inputs is
        // refused after a dozen (the slot lookups above stay this short).
        if streams.len() > MAX_STREAMS {
            return Err(format!("it streams more than {MAX_STREAMS} inputs"));
        }
        if invariants.len() > MAX_INVARIANTS || nodes.len() > u16::MAX as usize {
            return Err("it has too many constants or instructions".into());
        }
    }
    let shape = Shape {
        f64: dtype == DType::F64,
        output,
        streams: streams.len() as u8,
        invariants: invariants.len() as u8,
        sign_mask,
        one,
        ones,
        nodes,
    };
    Ok((shape, invariants, streams))
}

/// The compiled loop for an elementwise `kernel` whose value `value` goes
/// straight to its one contiguous output (`exec/workspace.rs`'s `direct_output`
/// checked that), ready to run over `reads`; `None` when the kernel is
/// outside the JIT's class (or the JIT is unavailable).
pub(crate) fn compile<'a>(
    kernel: &Kernel,
    reads: &[Read<'a>],
    value: usize,
    streaming: bool,
) -> Option<BoundLoop<'a>> {
    if kernel.outputs.first()?.dtype != kernel.instrs.get(value)?.dtype {
        return None;
    }
    prepare(kernel, reads, value, Output::Store { streaming })
}

/// Whether value `value` of `kernel` would be compiled (stored, or summed
/// when `sum`), judged from its layouts alone, or why not: for `explain`.
pub(crate) fn verdict(kernel: &Kernel, value: usize, sum: bool) -> Result<(), String> {
    let empty: Vec<&[u8]> = vec![&[]; kernel.inputs.len()];
    let reads: Vec<Read> = crate::block::reads(kernel, &empty);
    let output = if sum {
        Output::SumLanes
    } else {
        Output::Store { streaming: false }
    };
    plan(kernel, &reads, value, output).map(|_| ())
}

/// A kernel's compiled loop and what it reads, before any data is bound.
#[derive(Clone)]
pub(crate) struct CompiledLoop {
    code: Arc<codegen::Code>,
    /// Where each invariant slot's value comes from.
    invariants: Vec<Invariant>,
    /// The input each stream slot reads.
    streams: Vec<usize>,
    /// The row length, if the loop runs row by row.
    row_len: Option<usize>,
}

/// The plan for value `value` of `kernel`, or why the kernel is not
/// compiled. It depends on the layouts in `reads` only, not on their bytes.
fn plan(
    kernel: &Kernel,
    reads: &[Read],
    value: usize,
    output: Output,
) -> Result<CompiledLoop, String> {
    if !enabled() {
        return Err(if codegen::available() {
            "the JIT is off (TANDEM_CPU_JIT=0)".into()
        } else {
            "the JIT needs x86-64 with AVX".into()
        });
    }
    let (shape, invariants, streams) = lower(kernel, reads, value, output)?;
    let row_len = row_len(
        kernel,
        reads,
        &invariants,
        &streams,
        output == Output::SumLanes,
    )?;
    let code = cached(shape).ok_or("its values need more than the 16 vector registers")?;
    Ok(CompiledLoop {
        code,
        invariants,
        streams,
        row_len,
    })
}

/// The row length if some input is read row by row (`None` if none is),
/// or why such a kernel is not compiled.
fn row_len(
    kernel: &Kernel,
    reads: &[Read],
    invariants: &[Invariant],
    streams: &[usize],
    sum: bool,
) -> Result<Option<usize>, String> {
    let by_rows = streams
        .iter()
        .any(|&k| matches!(reads[k], Read::Strided { .. }))
        || invariants.iter().any(|i| matches!(i, Invariant::Row(_)));
    if !by_rows {
        return Ok(None);
    }
    let len = kernel.shape.last().copied().unwrap_or(1);
    if sum {
        return Err("an input is read row by row, which compiled sums do not do".into());
    }
    if len < ROW_MIN {
        return Err(format!(
            "an input is read row by row and its rows ({len}) are shorter than {ROW_MIN}"
        ));
    }
    Ok(Some(len))
}

/// The compiled loop summing value `value` of `kernel` into lanes (see
/// [`Output::SumLanes`]), or `None` as for [`compile`].
pub(crate) fn compile_sum<'a>(
    kernel: &Kernel,
    reads: &[Read<'a>],
    value: usize,
) -> Option<BoundLoop<'a>> {
    prepare(kernel, reads, value, Output::SumLanes)
}

fn prepare<'a>(
    kernel: &Kernel,
    reads: &[Read<'a>],
    value: usize,
    output: Output,
) -> Option<BoundLoop<'a>> {
    let plan = plan(kernel, reads, value, output).ok()?;
    bind(&plan, kernel, reads, value)
}

/// The plan storing value `value` of `kernel` (see [`compile`]), made
/// once for every run of the kernel: it depends on its layouts only.
pub(crate) fn plan_store(
    kernel: &Kernel,
    reads: &[Read],
    value: usize,
    streaming: bool,
) -> Option<CompiledLoop> {
    if kernel.outputs.first()?.dtype != kernel.instrs.get(value)?.dtype {
        return None;
    }
    plan(kernel, reads, value, Output::Store { streaming }).ok()
}

/// `plan`'s loop bound to this run's inputs and constants.
pub(crate) fn bind<'a>(
    plan: &CompiledLoop,
    kernel: &Kernel,
    reads: &[Read<'a>],
    value: usize,
) -> Option<BoundLoop<'a>> {
    let CompiledLoop {
        code,
        invariants: invariant_sources,
        streams: stream_inputs,
        row_len,
    } = plan;
    let size = kernel.instrs[value].dtype.size_of();
    let dtype = kernel.instrs[value].dtype;
    let row_input = |k: usize, bytes: &'a [u8]| {
        let l = &kernel.inputs[k].layout;
        let nd = l.shape.len();
        RowInput {
            bytes,
            offset: l.offset,
            outer: (0..nd.saturating_sub(1))
                .map(|i| (l.shape[i], l.strides[i]))
                .collect(),
        }
    };
    let mut row_invariants = Vec::new();
    let invariants = invariant_sources
        .iter()
        .enumerate()
        .map(|(slot, inv)| match *inv {
            Invariant::Bits(b) => Some(b),
            Invariant::Const(i) => match &kernel.instrs[i].op {
                Op::Const(s) => Some(s.cast(dtype).bits()),
                _ => None,
            },
            Invariant::Row(k) => {
                let Read::Strided { bytes } = reads[k] else {
                    return None;
                };
                row_invariants.push((slot, row_input(k, bytes)));
                Some(0)
            }
            Invariant::Input(k) => {
                let Read::Strided { bytes } = reads[k] else {
                    return None;
                };
                let at = kernel.inputs[k].layout.offset * size;
                let v = bytes.get(at..at + size)?;
                Some(if size == 4 {
                    u32::from_le_bytes(v.try_into().ok()?) as u64
                } else {
                    u64::from_le_bytes(v.try_into().ok()?)
                })
            }
        })
        .map(|bits| bits.map(|b| [if size == 4 { b | b << 32 } else { b }; 4]))
        .collect::<Option<SmallVec<[[u64; 4]; 4]>>>()?;
    let streams = stream_inputs
        .iter()
        .map(|&k| match reads[k] {
            Read::Contiguous { bytes, offset } => bytes.get(offset * size..).map(Stream::Flat),
            Read::Strided { bytes } => Some(Stream::Rows(row_input(k, bytes))),
        })
        .collect::<Option<SmallVec<[Stream; 4]>>>()?;
    Some(BoundLoop {
        code: code.clone(),
        streams,
        invariants,
        row_invariants,
        row_len: *row_len,
        size,
    })
}

/// The machine code for `shape`, compiled once.
fn cached(shape: Shape) -> Option<Arc<codegen::Code>> {
    type Cache = Mutex<HashMap<Shape, Option<Arc<codegen::Code>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(code) = map.get(&shape) {
        return code.clone();
    }
    if map.len() >= CACHE_CAPACITY {
        map.clear();
    }
    let code = codegen::emit(&shape).map(Arc::new);
    map.insert(shape, code.clone());
    code
}

impl BoundLoop<'_> {
    /// Elements per loop iteration: a range the loop runs is a multiple.
    pub(crate) fn step(&self) -> usize {
        UNROLL * VECTOR_BYTES / self.size
    }

    /// The row length when the loop must run within one row at a time.
    pub(crate) fn row_len(&self) -> Option<usize> {
        self.row_len
    }

    /// Whether the loop writes with streaming stores (the output must then
    /// be 32-byte aligned and fenced afterwards).
    pub(crate) fn streaming(&self) -> bool {
        self.code.output == Output::Store { streaming: true }
    }

    /// Computes elements `start..start + out.len() / size` into `out`, whose
    /// length must be a multiple of [`step`](Self::step) elements (and whose
    /// address 32-byte aligned when [`streaming`](Self::streaming)).
    pub(crate) fn run(&self, out: &mut [u8], start: usize) {
        assert!(
            matches!(self.code.output, Output::Store { .. }),
            "a summing loop run as a storing one"
        );
        let bytes = out.len();
        assert!(
            bytes.is_multiple_of(self.step() * self.size),
            "jit range is not whole iterations"
        );
        assert!(
            !self.streaming() || out.as_ptr().align_offset(VECTOR_BYTES) == 0,
            "jit streaming output is not 32-byte aligned"
        );
        self.call(out.as_mut_ptr(), start, bytes);
    }

    /// Runs the loop once over the `out.len() / size` (fewer than
    /// [`step`](BoundLoop::step)) elements from `start`: the inputs' elements
    /// are copied into a zero-padded scratch iteration and the result back,
    /// so a kernel's last partial iteration needs no interpreter. `false`
    /// (nothing done) for loops that run row by row or stream their stores.
    pub(crate) fn run_tail(&self, out: &mut [u8], start: usize) -> bool {
        let size = self.size;
        let iteration = self.step() * size;
        if self.row_len.is_some() || self.streaming() || out.len() >= iteration {
            return false;
        }
        #[repr(align(64))]
        struct Scratch([u8; UNROLL * VECTOR_BYTES]);
        let mut inputs = [const { MaybeUninit::<Scratch>::uninit() }; MAX_STREAMS];
        let mut ptrs = [std::ptr::null(); MAX_STREAMS];
        for ((scratch, p), s) in inputs.iter_mut().zip(&mut ptrs).zip(&self.streams) {
            let Stream::Flat(data) = s else {
                return false;
            };
            let from = start * size;
            let Some(src) = data.get(from..from + out.len()) else {
                return false;
            };
            // Zero-padded: the lanes past the tail compute on zeros, and
            // their results are dropped.
            let scratch = scratch.write(Scratch([0; UNROLL * VECTOR_BYTES]));
            scratch.0[..out.len()].copy_from_slice(src);
            *p = scratch.0.as_ptr();
        }
        let mut result = Scratch([0; UNROLL * VECTOR_BYTES]);
        let mut invariants = [[0u64; 4]; MAX_INVARIANTS];
        invariants[..self.invariants.len()].copy_from_slice(&self.invariants);
        let args = codegen::Args {
            streams: ptrs,
            out: result.0.as_mut_ptr(),
            invariants: invariants.as_ptr(),
            bytes: iteration,
        };
        // SAFETY: each stream pointer is a live scratch iteration of
        // `iteration` bytes (the loop reads exactly one iteration), the
        // output scratch is as large, and the invariants array holds
        // MAX_INVARIANTS vectors; AVX exists (`enabled`), as for `call`.
        unsafe { (self.code.entry())(&args) };
        out.copy_from_slice(&result.0[..out.len()]);
        true
    }

    /// Sums elements `start..start + blocks * SUM_BLOCK` into `lanes`: for
    /// each block, its [`SUM_LANES`] lane sums (see [`Output::SumLanes`]).
    /// `lanes` holds `blocks * SUM_LANES` values of the kernel's dtype.
    pub(crate) fn sum_lanes(&self, lanes: &mut [u8], start: usize, blocks: usize) {
        assert!(
            self.code.output == Output::SumLanes,
            "a storing loop run as a summing one"
        );
        assert_eq!(
            lanes.len(),
            blocks * SUM_LANES * self.size,
            "lane buffer size"
        );
        self.call(lanes.as_mut_ptr(), start, blocks * SUM_BLOCK * self.size);
    }

    /// Runs the loop over `bytes` bytes of every stream from element
    /// `start`, writing through `out` (which the callers checked is as large
    /// as the loop writes for that many bytes).
    fn call(&self, out: *mut u8, start: usize, bytes: usize) {
        let size = self.size;
        // Row by row: the range lies within one row (asserted), so each
        // row-wise input is contiguous over it from its row's position.
        let (row, col) = match self.row_len {
            Some(len) => {
                assert!(start % len + bytes / size <= len, "jit range crosses a row");
                (start / len, start % len)
            }
            None => (0, 0),
        };
        let mut invariants = [[0u64; 4]; MAX_INVARIANTS];
        invariants[..self.invariants.len()].copy_from_slice(&self.invariants);
        for (slot, input) in &self.row_invariants {
            let at = input.position(row) * size;
            let v = &input.bytes[at..at + size];
            let b = if size == 4 {
                let b = u32::from_le_bytes(v.try_into().expect("4 bytes")) as u64;
                b | b << 32
            } else {
                u64::from_le_bytes(v.try_into().expect("8 bytes"))
            };
            invariants[*slot] = [b; 4];
        }
        let mut args = codegen::Args {
            streams: [std::ptr::null(); MAX_STREAMS],
            out,
            invariants: invariants.as_ptr(),
            bytes,
        };
        for (p, s) in args.streams.iter_mut().zip(&self.streams) {
            let (data, from) = match s {
                Stream::Flat(data) => (*data, start * size),
                Stream::Rows(input) => (input.bytes, (input.position(row) + col) * size),
            };
            assert!(from + bytes <= data.len(), "jit input range out of bounds");
            *p = data[from..].as_ptr();
        }
        // SAFETY: the code reads `bytes` bytes from each stream pointer (each
        // in bounds: asserted above) and one vector per invariant (the array
        // holds MAX_INVARIANTS, at least as many as `lower` allows). It
        // writes `bytes` bytes to `out` when storing, or SUM_LANES values
        // per SUM_BLOCK values when summing: the callers checked `out` is
        // that large, exclusively theirs, and aligned when streaming. It is
        // only called where AVX exists (`enabled`).
        unsafe { (self.code.entry())(&args) };
    }
}

#[cfg(target_arch = "x86_64")]
// dynasm's expansion converts dynamic register numbers with `.into()`, also
// when they already are `u8`.
#[allow(clippy::useless_conversion)]
#[path = "jit/x64.rs"]
mod codegen;

#[cfg(not(target_arch = "x86_64"))]
#[path = "jit/fallback.rs"]
mod codegen;
