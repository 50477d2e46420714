//! The JIT against the interpreter, bit for bit, on random programs of
//! the class it compiles (and on ones it must decline).
use crate::block::reads;
use crate::exec::run_with;
use crate::jit::*;
use proptest::prelude::*;
use tandem_core::kernel::{Instr, KernelInput, KernelOutput, Reduction};
use tandem_core::kernel::{Kernel, Op};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp;
use tandem_core::ops::{BinaryOp, Rule, UnaryOp};
use tandem_core::DType;
use tandem_core::Scalar;

/// A tiny deterministic generator, so a failing seed reproduces; one
/// value in `special_odds` is a special one (NaN, ±∞, ±0, subnormal…).
struct Rng(u64, usize);
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

/// The ops of `all` the JIT compiles (`rule` gives their rows' rules,
/// `None` for the others) whose lanes take and give `want`, in table order.
fn compiled<O: Copy>(all: &[O], rule: impl Fn(O) -> Option<Rule>, want: (Lanes, Lanes)) -> Vec<O> {
    all.iter()
        .copied()
        .filter(|&op| rule(op).and_then(lanes) == Some(want))
        .collect()
}

/// The unary ops the JIT compiles whose lanes take and give these.
fn unary_ops(takes: Lanes, gives: Lanes) -> Vec<UnaryOp> {
    compiled(
        UnaryOp::ALL,
        |op| jit_unary(op).map(|_| op.rule()),
        (takes, gives),
    )
}

/// The binary ops the JIT compiles whose lanes take and give these.
fn binary_ops(takes: Lanes, gives: Lanes) -> Vec<BinaryOp> {
    compiled(
        BinaryOp::ALL,
        |op| jit_binary(op).map(|_| op.rule()),
        (takes, gives),
    )
}

/// Every op the JIT compiles, by kind: the random programs draw from
/// these, so an op taught to the JIT is tested against the interpreter.
struct Ops {
    /// Float to float.
    unary: Vec<UnaryOp>,
    /// Floats to float.
    binary: Vec<BinaryOp>,
    /// The `+ - * /` a kernel ends in.
    arith: Vec<BinaryOp>,
    /// Float to mask.
    predicates: Vec<UnaryOp>,
    /// Floats to mask.
    compare: Vec<BinaryOp>,
    /// Mask to mask.
    not: Vec<UnaryOp>,
    /// Masks to mask.
    logic: Vec<BinaryOp>,
}

fn ops() -> Ops {
    use Lanes::{Float, Mask};
    Ops {
        unary: unary_ops(Float, Float),
        binary: binary_ops(Float, Float),
        arith: BinaryOp::ALL
            .iter()
            .copied()
            .filter(|&op| matches!(jit_binary(op), Some(X64Binary::Arith(_))))
            .collect(),
        predicates: unary_ops(Float, Mask),
        compare: binary_ops(Float, Mask),
        not: unary_ops(Mask, Mask),
        logic: binary_ops(Mask, Mask),
    }
}

#[test]
fn compiled_rows_have_the_lanes_their_instructions_compute() {
    use Lanes::{Float, Mask};
    let mut compiled = 0;
    for &op in UnaryOp::ALL {
        let Some(form) = jit_unary(op) else { continue };
        let want = match form {
            X64Unary::Unordered => (Float, Mask),
            X64Unary::Not => (Mask, Mask),
            X64Unary::FlipSign
            | X64Unary::ClearSign
            | X64Unary::Recip
            | X64Unary::Square
            | X64Unary::Sqrt
            | X64Unary::Round(_) => (Float, Float),
        };
        assert_eq!(lanes(op.rule()), Some(want), "{op:?}");
        compiled += 1;
    }
    for &op in BinaryOp::ALL {
        let Some(form) = jit_binary(op) else { continue };
        let want = match form {
            X64Binary::Compare(_) => (Float, Mask),
            X64Binary::Logic(_) => (Mask, Mask),
            X64Binary::Arith(_) | X64Binary::Max | X64Binary::Min => (Float, Float),
        };
        assert_eq!(lanes(op.rule()), Some(want), "{op:?}");
        compiled += 1;
    }
    assert_eq!(compiled, 26);
    let o = ops();
    assert_eq!(
        o.arith,
        [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div]
    );
    assert_eq!(o.predicates, [UnaryOp::IsNan]);
    assert_eq!(o.not, [UnaryOp::LogicalNot]);
}

fn value(rng: &mut Rng) -> f64 {
    if rng.below(rng.1) == 0 {
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

/// Random inputs over `shape` (contiguous from an offset, or one
/// broadcast value), their buffers, and a random program over them
/// that ends in arithmetic.
fn random_body(
    rng: &mut Rng,
    shape: &[usize],
    dtype: DType,
) -> (Vec<KernelInput>, Vec<Vec<u8>>, Vec<Instr>) {
    let n: usize = shape.iter().product();
    let contiguous = Layout::contiguous(shape).strides;
    let mut inputs = Vec::new();
    let mut buffers = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let broadcast = rng.below(4) == 0;
        let offset = rng.below(5);
        let len = offset + if broadcast { 1 } else { n };
        let xs: Vec<f64> = (0..len).map(|_| value(rng)).collect();
        buffers.push(encode(dtype, &xs));
        let strides = if broadcast {
            vec![0; shape.len()]
        } else {
            contiguous.clone()
        };
        inputs.push(KernelInput {
            dtype,
            layout: Layout {
                shape: shape.to_vec(),
                strides,
                offset,
            },
            buffer_len: len,
        });
    }
    let instrs = random_program(rng, inputs.len(), dtype);
    (inputs, buffers, instrs)
}

/// A random program over `inputs` float inputs that ends in arithmetic.
fn random_program(rng: &mut Rng, inputs: usize, dtype: DType) -> Vec<Instr> {
    let mut instrs: Vec<Instr> = (0..inputs)
        .map(|k| Instr {
            op: Op::Load(k),
            dtype,
        })
        .collect();
    // Values by kind: floats, and the bools (lane masks in the JIT) made
    // from them.
    let mut floats: Vec<usize> = (0..inputs).collect();
    let mut bools: Vec<usize> = Vec::new();
    let ops = ops();
    let draw = |rng: &mut Rng, from: &[BinaryOp]| from[rng.below(from.len())];
    let draw1 = |rng: &mut Rng, from: &[UnaryOp]| from[rng.below(from.len())];
    for _ in 0..1 + rng.below(12) {
        let v = instrs.len();
        let pick = |rng: &mut Rng, from: &[usize]| from[rng.below(from.len())];
        let (f1, f2) = (pick(rng, &floats), pick(rng, &floats));
        let (op, d) = match rng.below(12) {
            0 => (Op::Const(Scalar::F64(value(rng))), dtype),
            1 => (Op::Load(rng.below(inputs)), dtype),
            2 | 3 => (Op::Unary(draw1(rng, &ops.unary), f1), dtype),
            4..=6 => (Op::Binary(draw(rng, &ops.binary), f1, f2), dtype),
            7 => (Op::Binary(draw(rng, &ops.compare), f1, f2), DType::Bool),
            8 => (Op::Unary(draw1(rng, &ops.predicates), f1), DType::Bool),
            9 if !bools.is_empty() => {
                let (b1, b2) = (pick(rng, &bools), pick(rng, &bools));
                (Op::Binary(draw(rng, &ops.logic), b1, b2), DType::Bool)
            }
            10 if !bools.is_empty() => (
                Op::Unary(draw1(rng, &ops.not), pick(rng, &bools)),
                DType::Bool,
            ),
            11 if !bools.is_empty() => (Op::Select(pick(rng, &bools), f1, f2), dtype),
            _ => (Op::Binary(BinaryOp::Add, f1, f2), dtype),
        };
        instrs.push(Instr { op, dtype: d });
        if d == DType::Bool {
            bools.push(v);
        } else {
            floats.push(v);
        }
    }
    // End in arithmetic on floats, as a kernel the core computes straight
    // into its output.
    let last = *floats.last().expect("inputs are floats");
    let other = floats[rng.below(floats.len())];
    instrs.push(Instr {
        op: Op::Binary(draw(rng, &ops.arith), last, other),
        dtype,
    });
    instrs
}

/// A random kernel over a `rows × cols` matrix whose inputs are read in
/// every way the JIT handles row by row (or declines): contiguous, a row
/// broadcast down the matrix, a column broadcast across it, rows padded
/// apart, rows in reverse order, one broadcast value.
fn random_rows_kernel(seed: u64, rows: usize, cols: usize, dtype: DType) -> (Kernel, Vec<Vec<u8>>) {
    let mut rng = Rng(seed | 1, 6);
    let shape = vec![rows, cols];
    let mut inputs = Vec::new();
    let mut buffers = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let o = rng.below(5);
        let pad = 1 + rng.below(9);
        let c = cols as isize;
        let (strides, offset, len) = match rng.below(6) {
            0 => (vec![c, 1], o, o + rows * cols),
            1 => (vec![0, 1], o, o + cols),
            2 => (vec![1, 0], o, o + rows),
            3 => (vec![c + pad as isize, 1], o, o + rows * (cols + pad)),
            4 => (vec![-c, 1], o + (rows - 1) * cols, o + rows * cols),
            _ => (vec![0, 0], o, o + 1),
        };
        let xs: Vec<f64> = (0..len).map(|_| value(&mut rng)).collect();
        buffers.push(encode(dtype, &xs));
        inputs.push(KernelInput {
            dtype,
            layout: Layout {
                shape: shape.clone(),
                strides,
                offset,
            },
            buffer_len: len,
        });
    }
    let instrs = random_program(&mut rng, inputs.len(), dtype);
    let outputs = vec![KernelOutput {
        value: instrs.len() - 1,
        dtype,
        layout: Layout::contiguous(&shape),
        buffer_len: rows * cols,
    }];
    (
        Kernel {
            shape,
            inputs,
            instrs,
            outputs,
            reduction: None,
        },
        buffers,
    )
}

/// A random kernel over `n` elements and its input buffers; `out_offset`
/// shifts the output within its buffer (to misalign it).
fn random_kernel(seed: u64, n: usize, dtype: DType, out_offset: usize) -> (Kernel, Vec<Vec<u8>>) {
    let mut rng = Rng(seed | 1, 6);
    let (inputs, buffers, instrs) = random_body(&mut rng, &[n], dtype);
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

/// A random kernel over `rows × n` elements that sums each row; one
/// value in `special_odds` is special (rare, or every sum is NaN).
fn random_row_sum(
    seed: u64,
    rows: usize,
    n: usize,
    dtype: DType,
    special_odds: usize,
) -> (Kernel, Vec<Vec<u8>>) {
    let mut rng = Rng(seed | 1, special_odds);
    let (inputs, buffers, instrs) = random_body(&mut rng, &[rows, n], dtype);
    let outputs = vec![KernelOutput {
        value: instrs.len() - 1,
        dtype,
        layout: Layout::contiguous(&[rows]),
        buffer_len: rows,
    }];
    let reduction = Some(Reduction {
        op: ReduceOp::Sum,
        axes: vec![1],
    });
    (
        Kernel {
            shape: vec![rows, n],
            inputs,
            instrs,
            outputs,
            reduction,
        },
        buffers,
    )
}

/// The row sums from the JIT and from the interpreter, as bit patterns
/// with every NaN made one (NaN payloads may differ: addition commutes
/// only up to which NaN it returns).
fn both_sums(kernel: &Kernel, buffers: &[Vec<u8>]) -> (Vec<u64>, Vec<u64>) {
    let ins: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
    let dtype = kernel.outputs[0].dtype;
    let red = kernel.reduction.as_ref().expect("a reduction");
    let run = |allow: bool| {
        let mut out = vec![0u8; kernel.outputs[0].buffer_len * dtype.size_of()];
        crate::reduce::run_with(kernel, red, &ins, &mut out, allow).expect("sum");
        out.chunks(dtype.size_of())
            .map(|c| match dtype {
                DType::F32 => {
                    let x = f32::from_le_bytes(c.try_into().unwrap());
                    if x.is_nan() {
                        u64::MAX
                    } else {
                        x.to_bits() as u64
                    }
                }
                _ => {
                    let x = f64::from_le_bytes(c.try_into().unwrap());
                    if x.is_nan() {
                        u64::MAX
                    } else {
                        x.to_bits()
                    }
                }
            })
            .collect()
    };
    (run(true), run(false))
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
            prop_assert!(compile(&kernel, &reads(&kernel, &ins), kernel.instrs.len() - 1, false).is_some(), "declined {kernel}");
        }
        let (jitted, interpreted) = both(&kernel, &buffers);
        prop_assert!(jitted == interpreted, "{kernel}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn jit_matches_the_interpreter_row_by_row(
        seed: u64, rows in 1usize..6, cols in 200usize..700, f64 in any::<bool>(),
    ) {
        let dtype = if f64 { DType::F64 } else { DType::F32 };
        let (kernel, buffers) = random_rows_kernel(seed, rows, cols, dtype);
        if enabled() && cols >= ROW_MIN {
            let ins: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
            prop_assert!(compile(&kernel, &reads(&kernel, &ins), kernel.instrs.len() - 1, false).is_some(), "declined {kernel}");
        }
        let (jitted, interpreted) = both(&kernel, &buffers);
        prop_assert!(jitted == interpreted, "{kernel}");
    }

    #[test]
    fn jit_sums_match_the_interpreter(
        seed: u64, rows in 1usize..4, n in 0usize..5000, f64 in any::<bool>(),
    ) {
        let dtype = if f64 { DType::F64 } else { DType::F32 };
        let (kernel, buffers) = random_row_sum(seed, rows, n, dtype, 5000);
        if enabled() {
            let ins: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
            let value = kernel.instrs.len() - 1;
            prop_assert!(compile_sum(&kernel, &reads(&kernel, &ins), value).is_some(), "declined {kernel}");
        }
        let (jitted, interpreted) = both_sums(&kernel, &buffers);
        prop_assert!(jitted == interpreted, "{kernel}");
    }
}

#[test]
fn jit_sums_match_across_threads() {
    // One long row split across threads, and many rows split by row; for
    // each, the first random program whose sums are all finite (NaN
    // sums would compare equal however wrong the blocks were).
    for (rows, n, dtype) in [
        (1, 300_001, DType::F32),
        (1, 200_003, DType::F64),
        (100, 2_500, DType::F32),
    ] {
        let found = (1..200u64).find_map(|seed| {
            let (kernel, buffers) = random_row_sum(seed, rows, n, dtype, usize::MAX);
            let (jitted, interpreted) = both_sums(&kernel, &buffers);
            interpreted
                .iter()
                .all(|&x| x != u64::MAX)
                .then_some((kernel, jitted, interpreted))
        });
        let (kernel, jitted, interpreted) = found.expect("a program with finite sums");
        assert!(jitted == interpreted, "{kernel}");
    }
}

#[test]
fn row_by_row_matches_across_threads_and_with_streaming_stores() {
    // Rows split between chunks, odd row lengths (unaligned row starts,
    // tails), and an output of 16 MiB and more (streaming stores).
    for (seed, rows, cols, dtype) in [
        (21u64, 2000, 1000, DType::F32),
        (22, 900, 777, DType::F64),
        (23, 4200, 1001, DType::F32),
    ] {
        let (kernel, buffers) = random_rows_kernel(seed, rows, cols, dtype);
        let (jitted, interpreted) = both(&kernel, &buffers);
        assert!(jitted == interpreted, "{kernel}");
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
            compile(
                &kernel,
                &reads(&kernel, &ins),
                kernel.instrs.len() - 1,
                false
            )
            .is_none(),
            "{kernel}"
        );
        let (jitted, interpreted) = both(&kernel, std::slice::from_ref(&buffer));
        assert!(jitted == interpreted);
    }
}
