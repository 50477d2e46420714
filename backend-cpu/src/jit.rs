//! Register-fused machine code for the commonest CPU kernel: floating-point
//! arithmetic (`+ - * /`, neg, abs, sqrt, square, recip and the four
//! roundings) over contiguous or broadcast inputs of one dtype, written to
//! one contiguous output.
//!
//! Why: the block interpreter (`exec.rs`) runs one instruction at a time
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
//! interpreter performs (no contraction into FMA), so the results are
//! bit-identical; the tests compare the two on random programs.
//!
//! Code is cached by the kernel's *structure*; constants and broadcast values
//! are passed at run time, so a loop that rebuilds an expression with new
//! scalars compiles it once. x86-64 with AVX only: elsewhere, or for any
//! kernel outside this class, `compile` declines and the interpreter runs
//! the kernel. `TANDEM_CPU_JIT=0` turns the JIT off (for comparisons).

use crate::exec::Read;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tandem_core::kernel::{Kernel, Op};
use tandem_core::ops::{BinaryOp, UnaryOp};
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
enum Node {
    /// The next vector of streamed input `slot`.
    Stream(u8),
    /// Loop-invariant value `slot` (a constant or a broadcast input),
    /// broadcast into a register before the loop.
    Invariant(u8),
    Unary(UnaryOp, u16),
    Binary(BinaryOp, u16, u16),
}

/// What a compiled loop is keyed by: everything that shapes the machine
/// code, nothing that only changes its data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Shape {
    f64: bool,
    /// Non-temporal stores (large outputs, see `stream.rs`).
    streaming: bool,
    streams: u8,
    invariants: u8,
    /// The invariant slots holding -0.0 (for neg/abs) and 1.0 (for recip).
    sign_mask: Option<u8>,
    one: Option<u8>,
    /// The program; its last node is the output.
    nodes: Vec<Node>,
}

/// Where an invariant's value comes from.
enum Invariant {
    /// These bits (an f32's in the low half, or an f64's).
    Bits(u64),
    /// The single value input `k` broadcasts (read at run time).
    Input(usize),
}

/// A kernel compiled for this run: the shared machine code plus this run's
/// input slices and invariant values.
pub(crate) struct Fused<'a> {
    code: Arc<codegen::Code>,
    /// Each streamed input from the kernel's element 0.
    streams: Vec<&'a [u8]>,
    /// Each invariant repeated across a vector.
    invariants: Vec<[u64; 4]>,
    size: usize,
}

/// Lowers `kernel` to the JIT's program, if every instruction is in the
/// class this module compiles; `reads` says how each input is read.
fn lower(
    kernel: &Kernel,
    reads: &[Read],
    streaming: bool,
) -> Option<(Shape, Vec<Invariant>, Vec<usize>)> {
    let last = kernel.instrs.len().checked_sub(1)?;
    let dtype = kernel.instrs[last].dtype;
    if !matches!(dtype, DType::F32 | DType::F64)
        || kernel.reduction.is_some()
        || kernel.outputs.len() != 1
        || kernel.outputs[0].value != last
        || kernel.outputs[0].dtype != dtype
        || !kernel.outputs[0].layout.is_contiguous()
    {
        return None;
    }
    let mut nodes = Vec::with_capacity(kernel.instrs.len());
    let mut invariants: Vec<Invariant> = Vec::new();
    let mut streams: Vec<usize> = Vec::new();
    let mut sign_mask = None;
    let mut one = None;
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
    for ins in &kernel.instrs {
        if ins.dtype != dtype {
            return None;
        }
        let node = match ins.op {
            Op::Load(k) => {
                if kernel.inputs[k].dtype != dtype {
                    return None;
                }
                match reads[k] {
                    Read::Contiguous { .. } => {
                        let slot = streams.iter().position(|&s| s == k).unwrap_or_else(|| {
                            streams.push(k);
                            streams.len() - 1
                        });
                        Node::Stream(slot as u8)
                    }
                    Read::Strided { .. }
                        if kernel.inputs[k].layout.strides.iter().all(|&s| s == 0) =>
                    {
                        Node::Invariant(invariant(Invariant::Input(k), &mut invariants))
                    }
                    Read::Strided { .. } => return None,
                }
            }
            Op::Const(s) => Node::Invariant(invariant(
                Invariant::Bits(s.cast(dtype).bits()),
                &mut invariants,
            )),
            Op::Unary(op, a) => {
                use UnaryOp::*;
                match op {
                    Neg | Abs => {
                        if sign_mask.is_none() {
                            sign_mask =
                                Some(invariant(Invariant::Bits(bits(-0.0)), &mut invariants));
                        }
                    }
                    Recip => {
                        if one.is_none() {
                            one = Some(invariant(Invariant::Bits(bits(1.0)), &mut invariants));
                        }
                    }
                    Sqrt | Square | Floor | Ceil | Trunc | Round => {}
                    _ => return None,
                }
                Node::Unary(op, a as u16)
            }
            Op::Binary(
                op @ (BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div),
                a,
                b,
            ) => Node::Binary(op, a as u16, b as u16),
            Op::Binary(..) | Op::Select(..) | Op::Cast(_) => return None,
        };
        nodes.push(node);
    }
    if streams.len() > MAX_STREAMS
        || invariants.len() > MAX_INVARIANTS
        || nodes.len() > u16::MAX as usize
    {
        return None;
    }
    let shape = Shape {
        f64: dtype == DType::F64,
        streaming,
        streams: streams.len() as u8,
        invariants: invariants.len() as u8,
        sign_mask,
        one,
        nodes,
    };
    Some((shape, invariants, streams))
}

/// The compiled loop for `kernel`, ready to run over `inputs`, or `None`
/// when the kernel is outside the JIT's class (or the JIT is unavailable).
pub(crate) fn compile<'a>(
    kernel: &Kernel,
    reads: &[Read<'a>],
    streaming: bool,
) -> Option<Fused<'a>> {
    if !enabled() {
        return None;
    }
    let (shape, invariant_sources, stream_inputs) = lower(kernel, reads, streaming)?;
    let size = kernel.instrs.last()?.dtype.size_of();
    let code = cached(shape)?;
    let invariants = invariant_sources
        .iter()
        .map(|inv| match *inv {
            Invariant::Bits(b) => Some(b),
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
        .collect::<Option<Vec<[u64; 4]>>>()?;
    let streams = stream_inputs
        .iter()
        .map(|&k| match reads[k] {
            Read::Contiguous { bytes, offset } => bytes.get(offset * size..),
            Read::Strided { .. } => None,
        })
        .collect::<Option<Vec<&[u8]>>>()?;
    Some(Fused {
        code,
        streams,
        invariants,
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

impl Fused<'_> {
    /// Elements per loop iteration: a range the loop runs is a multiple.
    pub(crate) fn step(&self) -> usize {
        UNROLL * VECTOR_BYTES / self.size
    }

    /// Whether the loop writes with streaming stores (the output must then
    /// be 32-byte aligned and fenced afterwards).
    pub(crate) fn streaming(&self) -> bool {
        self.code.streaming
    }

    /// Computes elements `start..start + out.len() / size` into `out`, whose
    /// length must be a multiple of [`step`](Self::step) elements (and whose
    /// address 32-byte aligned when [`streaming`](Self::streaming)).
    pub(crate) fn run(&self, out: &mut [u8], start: usize) {
        let bytes = out.len();
        assert!(
            bytes % (self.step() * self.size) == 0,
            "jit range is not whole iterations"
        );
        assert!(
            !self.streaming() || out.as_ptr().align_offset(VECTOR_BYTES) == 0,
            "jit streaming output is not 32-byte aligned"
        );
        let from = start * self.size;
        let mut args = codegen::Args {
            streams: [std::ptr::null(); MAX_STREAMS],
            out: out.as_mut_ptr(),
            invariants: self.invariants.as_ptr(),
            bytes,
        };
        for (p, s) in args.streams.iter_mut().zip(&self.streams) {
            assert!(from + bytes <= s.len(), "jit input range out of bounds");
            *p = s[from..].as_ptr();
        }
        // SAFETY: the code reads `bytes` bytes from each stream pointer (each
        // in bounds: asserted above), one value per invariant (the slice
        // holds them all: `compile` built one per slot), and writes `bytes`
        // bytes to `out` (exclusively ours), aligned when streaming (asserted
        // above); it is only called where AVX exists (`enabled`).
        unsafe { (self.code.entry())(&args) };
    }
}

#[cfg(target_arch = "x86_64")]
// dynasm's expansion converts dynamic register numbers with `.into()`, also
// when they already are `u8`.
#[allow(clippy::useless_conversion)]
mod codegen {
    //! The x86-64 AVX code generator.
    use super::{Node, Shape, MAX_STREAMS, UNROLL, VECTOR_BYTES};
    use dynasmrt::{
        dynasm, x64::Assembler, AssemblyOffset, DynasmApi, DynasmLabelApi, ExecutableBuffer,
    };
    use tandem_core::ops::{BinaryOp, UnaryOp};

    /// What the compiled loop reads: pointers to element `start` of each
    /// stream, the output, the invariants (each a vector of copies), and the
    /// byte count.
    #[repr(C)]
    pub(super) struct Args {
        pub(super) streams: [*const u8; MAX_STREAMS],
        pub(super) out: *mut u8,
        pub(super) invariants: *const [u64; 4],
        pub(super) bytes: usize,
    }
    const OUT: i32 = 8 * MAX_STREAMS as i32;
    const INVARIANTS: i32 = OUT + 8;
    const BYTES: i32 = INVARIANTS + 8;

    /// General-purpose registers holding the stream pointers, in slot order
    /// (rax, rdx, rsi, rdi are the index, output, end and argument pointer).
    const STREAM_REGS: [u8; MAX_STREAMS] = [1, 8, 9, 10, 11, 3, 5, 12, 13, 14, 15];

    type Entry = unsafe extern "sysv64" fn(*const Args);

    /// A compiled loop.
    pub(super) struct Code {
        buffer: ExecutableBuffer,
        start: AssemblyOffset,
        pub(super) streaming: bool,
    }

    impl Code {
        pub(super) fn entry(&self) -> Entry {
            // SAFETY: `start` is where `emit` began a function with this
            // signature in `buffer`, which lives as long as `self`.
            unsafe { std::mem::transmute::<*const u8, Entry>(self.buffer.ptr(self.start)) }
        }
    }

    pub(super) fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx")
    }

    /// Registers: invariants take ymm15 downward, temporaries ymm0 upward.
    struct Regs {
        free: Vec<u8>,
    }

    impl Regs {
        fn take(&mut self) -> Option<u8> {
            if self.free.is_empty() {
                return None;
            }
            Some(self.free.remove(0))
        }
        fn give(&mut self, r: u8) {
            let at = self.free.partition_point(|&f| f < r);
            self.free.insert(at, r);
        }
    }

    /// Emits the loop for `shape`, or `None` if its values need more than the
    /// 16 vector registers.
    pub(super) fn emit(shape: &Shape) -> Option<Code> {
        let n_inv = shape.invariants as usize;
        let invariant_reg = |slot: u8| 15 - slot;
        let nodes = &shape.nodes;
        let last = nodes.len() - 1;
        // The last node each value is used by (the output: past the end).
        let mut last_use: Vec<usize> = (0..nodes.len()).collect();
        for (i, n) in nodes.iter().enumerate() {
            match *n {
                Node::Unary(_, a) => last_use[a as usize] = i,
                Node::Binary(_, a, b) => {
                    last_use[a as usize] = i;
                    last_use[b as usize] = i;
                }
                _ => {}
            }
        }
        last_use[last] = nodes.len();
        let (sign_mask, one) = (shape.sign_mask, shape.one);

        // Register assignment (the same for every unrolled copy).
        let mut regs = Regs {
            free: (0..(16 - n_inv) as u8).collect(),
        };
        let mut reg = vec![0u8; nodes.len()];
        let is_temp = |n: &Node| !matches!(n, Node::Invariant(_));
        for (i, n) in nodes.iter().enumerate() {
            let operands: Vec<u16> = match *n {
                Node::Unary(_, a) => vec![a],
                Node::Binary(_, a, b) => vec![a, b],
                _ => vec![],
            };
            if let Node::Invariant(slot) = *n {
                reg[i] = invariant_reg(slot);
                continue;
            }
            // Operands whose last use is here free their register first, so
            // the result may take it (VEX ops read before they write).
            let mut freed = Vec::new();
            for &a in &operands {
                let a = a as usize;
                if last_use[a] == i && is_temp(&nodes[a]) && !freed.contains(&a) {
                    regs.give(reg[a]);
                    freed.push(a);
                }
            }
            reg[i] = regs.take()?;
            if last_use[i] == i {
                // Never used (dead code the core left): free at once.
                regs.give(reg[i]);
            }
        }

        let mut ops = Assembler::new().ok()?;
        let start = ops.offset();
        let f64 = shape.f64;
        dynasm!(ops
            ; .arch x64
            ; push rbx
            ; push rbp
            ; push r12
            ; push r13
            ; push r14
            ; push r15
            ; mov r11, [rdi + INVARIANTS]
        );
        for slot in 0..shape.invariants {
            // Each invariant arrives already repeated across a vector
            // (dynasm encodes `vbroadcastss` with a dynamic ymm register as
            // its xmm form, which zeroes the upper half).
            let (r, at) = (invariant_reg(slot), VECTOR_BYTES as i32 * slot as i32);
            dynasm!(ops ; .arch x64 ; vmovups Ry(r), [r11 + at]);
        }
        for (slot, &g) in STREAM_REGS.iter().enumerate().take(shape.streams as usize) {
            let at = 8 * slot as i32;
            dynasm!(ops ; .arch x64 ; mov Rq(g), [rdi + at]);
        }
        let step = (UNROLL * VECTOR_BYTES) as i32;
        dynasm!(ops
            ; .arch x64
            ; mov rdx, [rdi + OUT]
            ; mov rsi, [rdi + BYTES]
            ; xor eax, eax
            ; test rsi, rsi
            ; jz >done
            ; top:
        );
        for u in 0..UNROLL {
            let disp = (u * VECTOR_BYTES) as i32;
            for (i, n) in nodes.iter().enumerate() {
                let d = reg[i];
                match *n {
                    Node::Invariant(_) => {}
                    Node::Stream(slot) => {
                        let g = STREAM_REGS[slot as usize];
                        dynasm!(ops ; .arch x64 ; vmovups Ry(d), [Rq(g) + rax + disp]);
                    }
                    Node::Binary(op, a, b) => {
                        binary(&mut ops, f64, op, d, reg[a as usize], reg[b as usize])
                    }
                    Node::Unary(op, a) => {
                        let a = reg[a as usize];
                        match op {
                            UnaryOp::Neg => {
                                dynasm!(ops ; .arch x64 ; vxorps Ry(d), Ry(a), Ry(invariant_reg(sign_mask?)))
                            }
                            UnaryOp::Abs => {
                                dynasm!(ops ; .arch x64 ; vandnps Ry(d), Ry(invariant_reg(sign_mask?)), Ry(a))
                            }
                            UnaryOp::Recip => {
                                binary(&mut ops, f64, BinaryOp::Div, d, invariant_reg(one?), a)
                            }
                            UnaryOp::Square => binary(&mut ops, f64, BinaryOp::Mul, d, a, a),
                            UnaryOp::Sqrt if f64 => dynasm!(ops ; .arch x64 ; vsqrtpd Ry(d), Ry(a)),
                            UnaryOp::Sqrt => dynasm!(ops ; .arch x64 ; vsqrtps Ry(d), Ry(a)),
                            // Rounding-control immediates, with the
                            // precision exception suppressed (bit 3):
                            // nearest-even, down, up, toward zero.
                            UnaryOp::Round => round(&mut ops, f64, d, a, 8),
                            UnaryOp::Floor => round(&mut ops, f64, d, a, 9),
                            UnaryOp::Ceil => round(&mut ops, f64, d, a, 10),
                            UnaryOp::Trunc => round(&mut ops, f64, d, a, 11),
                            _ => return None,
                        }
                    }
                }
            }
            let out = reg[last];
            if shape.streaming {
                dynasm!(ops ; .arch x64 ; vmovntps [rdx + rax + disp], Ry(out));
            } else {
                dynasm!(ops ; .arch x64 ; vmovups [rdx + rax + disp], Ry(out));
            }
        }
        dynasm!(ops
            ; .arch x64
            ; add rax, step
            ; cmp rax, rsi
            ; jb <top
            ; done:
            ; vzeroupper
            ; pop r15
            ; pop r14
            ; pop r13
            ; pop r12
            ; pop rbp
            ; pop rbx
            ; ret
        );
        let buffer = ops.finalize().ok()?;
        Some(Code {
            buffer,
            start,
            streaming: shape.streaming,
        })
    }

    fn binary(ops: &mut Assembler, f64: bool, op: BinaryOp, d: u8, a: u8, b: u8) {
        match (op, f64) {
            (BinaryOp::Add, false) => dynasm!(ops ; .arch x64 ; vaddps Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Add, true) => dynasm!(ops ; .arch x64 ; vaddpd Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Sub, false) => dynasm!(ops ; .arch x64 ; vsubps Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Sub, true) => dynasm!(ops ; .arch x64 ; vsubpd Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Mul, false) => dynasm!(ops ; .arch x64 ; vmulps Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Mul, true) => dynasm!(ops ; .arch x64 ; vmulpd Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Div, false) => dynasm!(ops ; .arch x64 ; vdivps Ry(d), Ry(a), Ry(b)),
            (BinaryOp::Div, true) => dynasm!(ops ; .arch x64 ; vdivpd Ry(d), Ry(a), Ry(b)),
            _ => unreachable!("lower admits only + - * / as binary ops"),
        }
    }

    fn round(ops: &mut Assembler, f64: bool, d: u8, a: u8, mode: i8) {
        if f64 {
            dynasm!(ops ; .arch x64 ; vroundpd Ry(d), Ry(a), mode);
        } else {
            dynasm!(ops ; .arch x64 ; vroundps Ry(d), Ry(a), mode);
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod codegen {
    //! No code generator for this architecture: `available` is false, so
    //! `compile` always declines and the interpreter runs every kernel.
    use super::{Shape, MAX_STREAMS};

    pub(super) struct Args {
        pub(super) streams: [*const u8; MAX_STREAMS],
        pub(super) out: *mut u8,
        pub(super) invariants: *const [u64; 4],
        pub(super) bytes: usize,
    }

    pub(super) struct Code {
        pub(super) streaming: bool,
    }

    impl Code {
        pub(super) fn entry(&self) -> unsafe extern "C" fn(*const Args) {
            unreachable!("no JIT on this architecture")
        }
    }

    pub(super) fn available() -> bool {
        false
    }

    pub(super) fn emit(_shape: &Shape) -> Option<Code> {
        None
    }
}

#[cfg(test)]
mod tests {
    //! The JIT against the interpreter, bit for bit, on random programs of
    //! the class it compiles (and on ones it must decline).
    use super::*;
    use crate::exec::{reads, run_with};
    use proptest::prelude::*;
    use tandem_core::kernel::{Instr, KernelInput, KernelOutput};
    use tandem_core::layout::Layout;
    use tandem_core::Scalar;

    /// A tiny deterministic generator, so a failing seed reproduces.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const SPECIALS: [f64; 9] = [
        0.0,
        -0.0,
        1.5,
        -2.5,
        f64::NAN,
        f64::INFINITY,
        -f64::INFINITY,
        1e-310,
        3.0e38,
    ];
    const UNARY: [UnaryOp; 9] = [
        UnaryOp::Neg,
        UnaryOp::Abs,
        UnaryOp::Sqrt,
        UnaryOp::Square,
        UnaryOp::Recip,
        UnaryOp::Floor,
        UnaryOp::Ceil,
        UnaryOp::Trunc,
        UnaryOp::Round,
    ];
    const BINARY: [BinaryOp; 4] = [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div];

    fn value(rng: &mut Rng) -> f64 {
        if rng.below(6) == 0 {
            SPECIALS[rng.below(SPECIALS.len())]
        } else {
            (rng.next() % 20_000) as f64 / 128.0 - 78.0
        }
    }

    fn encode(dtype: DType, xs: &[f64]) -> Vec<u8> {
        match dtype {
            DType::F32 => xs.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
            _ => xs.iter().flat_map(|&x| x.to_le_bytes()).collect(),
        }
    }

    /// A random kernel over `n` elements and its input buffers; `out_offset`
    /// shifts the output within its buffer (to misalign it).
    fn random_kernel(
        seed: u64,
        n: usize,
        dtype: DType,
        out_offset: usize,
    ) -> (Kernel, Vec<Vec<u8>>) {
        let mut rng = Rng(seed | 1);
        let mut inputs = Vec::new();
        let mut buffers = Vec::new();
        for _ in 0..1 + rng.below(4) {
            let broadcast = rng.below(4) == 0;
            let offset = rng.below(5);
            let len = offset + if broadcast { 1 } else { n };
            let xs: Vec<f64> = (0..len).map(|_| value(&mut rng)).collect();
            buffers.push(encode(dtype, &xs));
            inputs.push(KernelInput {
                dtype,
                layout: Layout {
                    shape: vec![n],
                    strides: vec![if broadcast { 0 } else { 1 }],
                    offset,
                },
                buffer_len: len,
            });
        }
        let mut instrs: Vec<Instr> = (0..inputs.len())
            .map(|k| Instr {
                op: Op::Load(k),
                dtype,
            })
            .collect();
        for _ in 0..1 + rng.below(10) {
            let v = instrs.len();
            let op = match rng.below(8) {
                0 => Op::Const(Scalar::F64(value(&mut rng))),
                1 => Op::Load(rng.below(inputs.len())),
                2 | 3 => Op::Unary(UNARY[rng.below(UNARY.len())], rng.below(v)),
                _ => Op::Binary(BINARY[rng.below(BINARY.len())], rng.below(v), rng.below(v)),
            };
            instrs.push(Instr { op, dtype });
        }
        // End in arithmetic, as a kernel the core computes straight into its output.
        let v = instrs.len();
        instrs.push(Instr {
            op: Op::Binary(BINARY[rng.below(4)], v - 1, rng.below(v)),
            dtype,
        });
        let outputs = vec![KernelOutput {
            value: instrs.len() - 1,
            dtype,
            layout: Layout {
                shape: vec![n],
                strides: vec![1],
                offset: out_offset,
            },
            buffer_len: out_offset + n + 3,
        }];
        (
            Kernel {
                shape: vec![n],
                inputs,
                instrs,
                outputs,
                reduction: None,
            },
            buffers,
        )
    }

    /// The kernel's output buffer from the JIT and from the interpreter.
    fn both(kernel: &Kernel, buffers: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let ins: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
        let size = kernel.outputs[0].dtype.size_of();
        let blank = vec![0x5au8; kernel.outputs[0].buffer_len * size];
        let (mut jitted, mut interpreted) = (blank.clone(), blank);
        run_with(kernel, &ins, &mut [&mut jitted], true).expect("jit run");
        run_with(kernel, &ins, &mut [&mut interpreted], false).expect("interpreted run");
        (jitted, interpreted)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn jit_matches_the_interpreter_bit_for_bit(
            seed: u64, n in 0usize..300, f64 in any::<bool>(), out_offset in 0usize..9,
        ) {
            let dtype = if f64 { DType::F64 } else { DType::F32 };
            let (kernel, buffers) = random_kernel(seed, n, dtype, out_offset);
            if enabled() && n > 0 {
                let ins: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
                prop_assert!(compile(&kernel, &reads(&kernel, &ins), false).is_some(), "declined {kernel}");
            }
            let (jitted, interpreted) = both(&kernel, &buffers);
            prop_assert!(jitted == interpreted, "{kernel}");
        }
    }

    #[test]
    fn streamed_outputs_match_at_every_alignment() {
        // 16 MiB and more: the streaming-store loop, with a head before the
        // first 32-byte boundary and a tail after the last whole iteration.
        let n = (16 << 20) / 4 + 29;
        for (seed, offset) in [(7u64, 0usize), (8, 3), (9, 5)] {
            let (kernel, buffers) = random_kernel(seed, n, DType::F32, offset);
            let (jitted, interpreted) = both(&kernel, &buffers);
            assert!(jitted == interpreted, "offset {offset}: {kernel}");
        }
    }

    #[test]
    fn declines_what_it_does_not_compile() {
        let dtype = DType::F32;
        let n = 64;
        let buffer = encode(dtype, &vec![1.0; n]);
        let input = |strides: Vec<isize>| KernelInput {
            dtype,
            layout: Layout {
                shape: vec![n],
                strides,
                offset: 0,
            },
            buffer_len: n,
        };
        let out = |value| {
            vec![KernelOutput {
                value,
                dtype,
                layout: Layout::contiguous(&[n]),
                buffer_len: n,
            }]
        };
        let load = |k| Instr {
            op: Op::Load(k),
            dtype,
        };
        // A transcendental function.
        let sin = Kernel {
            shape: vec![n],
            inputs: vec![input(vec![1])],
            instrs: vec![
                load(0),
                Instr {
                    op: Op::Unary(UnaryOp::Sin, 0),
                    dtype,
                },
            ],
            outputs: out(1),
            reduction: None,
        };
        // Seventeen values alive at once: more than the vector registers.
        let mut instrs: Vec<Instr> = (0..17).map(|_| load(0)).collect();
        for i in 0..16 {
            let a = if i == 0 { 0 } else { instrs.len() - 1 };
            instrs.push(Instr {
                op: Op::Binary(BinaryOp::Add, a, i + 1),
                dtype,
            });
        }
        let wide = Kernel {
            shape: vec![n],
            inputs: vec![input(vec![1])],
            instrs,
            outputs: out(32),
            reduction: None,
        };
        for kernel in [sin, wide] {
            let ins = [buffer.as_slice()];
            assert!(
                compile(&kernel, &reads(&kernel, &ins), false).is_none(),
                "{kernel}"
            );
            let (jitted, interpreted) = both(&kernel, &[buffer.clone()]);
            assert!(jitted == interpreted);
        }
    }
}
