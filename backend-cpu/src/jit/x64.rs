//! The x86-64 AVX code generator for `jit.rs`'s loops: register assignment
//! over the lowered program, then the machine code (dynasm) for storing
//! each vector of the value, or summing it into per-block lanes.
use super::{
    Arith, Cmp, Logic, Lowered, Output, Shape, X64Binary, X64Unary, MAX_STREAMS, SUM_BLOCK,
    SUM_LANES, UNROLL, VECTOR_BYTES,
};
use dynasmrt::{
    dynasm, x64::Assembler, AssemblyOffset, DynasmApi, DynasmLabelApi, ExecutableBuffer,
};

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
    pub(super) output: Output,
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
        for a in operands(n) {
            last_use[a as usize] = i;
        }
    }
    last_use[last] = nodes.len();

    // Register assignment (the same for every unrolled copy).
    let mut regs = Regs {
        free: (0..(16 - n_inv) as u8).collect(),
    };
    // A summing loop adds each value to its lanes in a scratch register
    // (the value may be an invariant's, which must survive).
    let scratch = match shape.output {
        Output::SumLanes => Some(regs.take()?),
        Output::Store { .. } => None,
    };
    // NaN-propagating max/min take three instructions and two registers
    // besides their operands and result.
    let max_min = nodes
        .iter()
        .any(|n| matches!(n, Lowered::Binary(X64Binary::Max | X64Binary::Min, ..)));
    let temps = if max_min {
        [regs.take()?, regs.take()?]
    } else {
        [0, 0]
    };
    let mut reg = vec![0u8; nodes.len()];
    let is_temp = |n: &Lowered| !matches!(n, Lowered::Invariant(_));
    for (i, n) in nodes.iter().enumerate() {
        let operands = operands(n);
        if let Lowered::Invariant(slot) = *n {
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
    dynasm!(ops
        ; .arch x64
        ; mov rdx, [rdi + OUT]
        ; mov rsi, [rdi + BYTES]
        ; xor eax, eax
        ; test rsi, rsi
        ; jz >done
    );
    let value = reg[last];
    match (shape.output, scratch) {
        (Output::Store { streaming }, _) => {
            dynasm!(ops ; .arch x64 ; top:);
            for u in 0..UNROLL {
                let disp = (u * VECTOR_BYTES) as i32;
                body(&mut ops, shape, &reg, temps, disp)?;
                if streaming {
                    dynasm!(ops ; .arch x64 ; vmovntps [rdx + rax + disp], Ry(value));
                } else {
                    dynasm!(ops ; .arch x64 ; vmovups [rdx + rax + disp], Ry(value));
                }
            }
            let step = (UNROLL * VECTOR_BYTES) as i32;
            dynasm!(ops
                ; .arch x64
                ; add rax, step
                ; cmp rax, rsi
                ; jb <top
            );
        }
        (Output::SumLanes, Some(acc)) => {
            // rdx: this block's lanes; rdi: the byte where the block ends.
            let size = if f64 { 8 } else { 4 };
            let lanes_bytes = (SUM_LANES * size) as i32;
            let block_bytes = (SUM_BLOCK * size) as i32;
            dynasm!(ops ; .arch x64 ; block:);
            dynasm!(ops ; .arch x64 ; vxorps Ry(acc), Ry(acc), Ry(acc));
            for disp in (0..lanes_bytes).step_by(VECTOR_BYTES) {
                dynasm!(ops ; .arch x64 ; vmovups [rdx + disp], Ry(acc));
            }
            dynasm!(ops
                ; .arch x64
                ; lea rdi, [rax + block_bytes]
                ; lanes:
            );
            for disp in (0..lanes_bytes).step_by(VECTOR_BYTES) {
                body(&mut ops, shape, &reg, temps, disp)?;
                if f64 {
                    dynasm!(ops ; .arch x64 ; vaddpd Ry(acc), Ry(value), [rdx + disp]);
                } else {
                    dynasm!(ops ; .arch x64 ; vaddps Ry(acc), Ry(value), [rdx + disp]);
                }
                dynasm!(ops ; .arch x64 ; vmovups [rdx + disp], Ry(acc));
            }
            dynasm!(ops
                ; .arch x64
                ; add rax, lanes_bytes
                ; cmp rax, rdi
                ; jb <lanes
                ; add rdx, lanes_bytes
                ; cmp rax, rsi
                ; jb <block
            );
        }
        (Output::SumLanes, None) => return None,
    }
    dynasm!(ops
        ; .arch x64
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
        output: shape.output,
    })
}

/// The values node `n` reads.
fn operands(n: &Lowered) -> Vec<u16> {
    match *n {
        Lowered::Unary(_, a) => vec![a],
        Lowered::Binary(_, a, b) => vec![a, b],
        Lowered::Select(c, a, b) => vec![c, a, b],
        Lowered::Stream(_) | Lowered::Invariant(_) => vec![],
    }
}

/// A comparison the loop computes as a lane mask.
#[derive(Clone, Copy)]
enum Compare {
    Op(Cmp),
    /// True in NaN lanes (`x != x`).
    Unordered,
}

/// Emits the program for the vector at byte `disp` past the current
/// index (`rax`), leaving the value in its register `reg[last]`; `temps`
/// are two free registers for max/min.
fn body(ops: &mut Assembler, shape: &Shape, reg: &[u8], temps: [u8; 2], disp: i32) -> Option<()> {
    let f64 = shape.f64;
    let invariant_reg = |slot: u8| 15 - slot;
    for (i, n) in shape.nodes.iter().enumerate() {
        let d = reg[i];
        match *n {
            Lowered::Invariant(_) => {}
            Lowered::Stream(slot) => {
                let g = STREAM_REGS[slot as usize];
                dynasm!(ops ; .arch x64 ; vmovups Ry(d), [Rq(g) + rax + disp]);
            }
            Lowered::Binary(form, a, b) => {
                let (a, b) = (reg[a as usize], reg[b as usize]);
                match form {
                    X64Binary::Arith(op) => binary(ops, f64, op, d, a, b),
                    X64Binary::Compare(cmp) => compare(ops, f64, d, a, b, Compare::Op(cmp)),
                    X64Binary::Logic(Logic::And) => {
                        dynasm!(ops ; .arch x64 ; vandps Ry(d), Ry(a), Ry(b))
                    }
                    X64Binary::Logic(Logic::Or) => {
                        dynasm!(ops ; .arch x64 ; vorps Ry(d), Ry(a), Ry(b))
                    }
                    X64Binary::Logic(Logic::Xor) => {
                        dynasm!(ops ; .arch x64 ; vxorps Ry(d), Ry(a), Ry(b))
                    }
                    // NumPy's `x > y || isnan(x) ? x : y` (ties give y):
                    // `vmaxps` is `x > y ? x : y`, then NaN lanes of x
                    // are blended back in.
                    X64Binary::Max | X64Binary::Min => {
                        let [m, nan] = temps;
                        match (form, f64) {
                            (X64Binary::Max, false) => {
                                dynasm!(ops ; .arch x64 ; vmaxps Ry(m), Ry(a), Ry(b))
                            }
                            (X64Binary::Max, true) => {
                                dynasm!(ops ; .arch x64 ; vmaxpd Ry(m), Ry(a), Ry(b))
                            }
                            (_, false) => dynasm!(ops ; .arch x64 ; vminps Ry(m), Ry(a), Ry(b)),
                            (_, true) => dynasm!(ops ; .arch x64 ; vminpd Ry(m), Ry(a), Ry(b)),
                        }
                        compare(ops, f64, nan, a, a, Compare::Unordered);
                        blend(ops, f64, d, m, a, nan);
                    }
                }
            }
            Lowered::Select(c, a, b) => blend(
                ops,
                f64,
                d,
                reg[b as usize],
                reg[a as usize],
                reg[c as usize],
            ),
            Lowered::Unary(form, a) => {
                let a = reg[a as usize];
                match form {
                    X64Unary::FlipSign => {
                        let m = invariant_reg(shape.sign_mask?);
                        dynasm!(ops ; .arch x64 ; vxorps Ry(d), Ry(a), Ry(m))
                    }
                    X64Unary::ClearSign => {
                        let m = invariant_reg(shape.sign_mask?);
                        dynasm!(ops ; .arch x64 ; vandnps Ry(d), Ry(m), Ry(a))
                    }
                    X64Unary::Unordered => compare(ops, f64, d, a, a, Compare::Unordered),
                    X64Unary::Not => {
                        let ones = invariant_reg(shape.ones?);
                        dynasm!(ops ; .arch x64 ; vxorps Ry(d), Ry(a), Ry(ones))
                    }
                    X64Unary::Recip => {
                        binary(ops, f64, Arith::Div, d, invariant_reg(shape.one?), a)
                    }
                    X64Unary::Square => binary(ops, f64, Arith::Mul, d, a, a),
                    X64Unary::Sqrt if f64 => dynasm!(ops ; .arch x64 ; vsqrtpd Ry(d), Ry(a)),
                    X64Unary::Sqrt => dynasm!(ops ; .arch x64 ; vsqrtps Ry(d), Ry(a)),
                    X64Unary::Round(mode) => round(ops, f64, d, a, mode),
                }
            }
        }
    }
    Some(())
}

fn binary(ops: &mut Assembler, f64: bool, op: Arith, d: u8, a: u8, b: u8) {
    match (op, f64) {
        (Arith::Add, false) => dynasm!(ops ; .arch x64 ; vaddps Ry(d), Ry(a), Ry(b)),
        (Arith::Add, true) => dynasm!(ops ; .arch x64 ; vaddpd Ry(d), Ry(a), Ry(b)),
        (Arith::Sub, false) => dynasm!(ops ; .arch x64 ; vsubps Ry(d), Ry(a), Ry(b)),
        (Arith::Sub, true) => dynasm!(ops ; .arch x64 ; vsubpd Ry(d), Ry(a), Ry(b)),
        (Arith::Mul, false) => dynasm!(ops ; .arch x64 ; vmulps Ry(d), Ry(a), Ry(b)),
        (Arith::Mul, true) => dynasm!(ops ; .arch x64 ; vmulpd Ry(d), Ry(a), Ry(b)),
        (Arith::Div, false) => dynasm!(ops ; .arch x64 ; vdivps Ry(d), Ry(a), Ry(b)),
        (Arith::Div, true) => dynasm!(ops ; .arch x64 ; vdivpd Ry(d), Ry(a), Ry(b)),
    }
}

/// `d = a <cmp> b` as lane masks: ordered and quiet predicates (false
/// when either is NaN) except `!=`, which is true then, as in NumPy.
///
/// Each predicate has its own mnemonic here: dynasm 5.1 encodes the
/// generic `vcmpps d, a, b, imm` with `a` and `b` swapped.
fn compare(ops: &mut Assembler, f64: bool, d: u8, a: u8, b: u8, cmp: Compare) {
    use Cmp::*;
    match (cmp, f64) {
        (Compare::Op(Eq), false) => dynasm!(ops ; .arch x64 ; vcmpeqps Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Eq), true) => dynasm!(ops ; .arch x64 ; vcmpeqpd Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Ne), false) => dynasm!(ops ; .arch x64 ; vcmpneq_uqps Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Ne), true) => dynasm!(ops ; .arch x64 ; vcmpneq_uqpd Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Lt), false) => dynasm!(ops ; .arch x64 ; vcmplt_oqps Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Lt), true) => dynasm!(ops ; .arch x64 ; vcmplt_oqpd Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Le), false) => dynasm!(ops ; .arch x64 ; vcmple_oqps Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Le), true) => dynasm!(ops ; .arch x64 ; vcmple_oqpd Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Gt), false) => dynasm!(ops ; .arch x64 ; vcmpgt_oqps Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Gt), true) => dynasm!(ops ; .arch x64 ; vcmpgt_oqpd Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Ge), false) => dynasm!(ops ; .arch x64 ; vcmpge_oqps Ry(d), Ry(a), Ry(b)),
        (Compare::Op(Ge), true) => dynasm!(ops ; .arch x64 ; vcmpge_oqpd Ry(d), Ry(a), Ry(b)),
        (Compare::Unordered, false) => dynasm!(ops ; .arch x64 ; vcmpunordps Ry(d), Ry(a), Ry(b)),
        (Compare::Unordered, true) => dynasm!(ops ; .arch x64 ; vcmpunordpd Ry(d), Ry(a), Ry(b)),
    }
}

/// `d = mask ? if_set : if_clear`, lane by lane (by each lane's top bit).
fn blend(ops: &mut Assembler, f64: bool, d: u8, if_clear: u8, if_set: u8, mask: u8) {
    if f64 {
        dynasm!(ops ; .arch x64 ; vblendvpd Ry(d), Ry(if_clear), Ry(if_set), Ry(mask));
    } else {
        dynasm!(ops ; .arch x64 ; vblendvps Ry(d), Ry(if_clear), Ry(if_set), Ry(mask));
    }
}

fn round(ops: &mut Assembler, f64: bool, d: u8, a: u8, mode: i8) {
    if f64 {
        dynasm!(ops ; .arch x64 ; vroundpd Ry(d), Ry(a), mode);
    } else {
        dynasm!(ops ; .arch x64 ; vroundps Ry(d), Ry(a), mode);
    }
}
