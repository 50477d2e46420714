//! Accuracy of the GPU's transcendental functions (shaders/vmath_f32.wgsl,
//! vmath_f64.wgsl), run for real through `GpuBackend::execute`:
//!
//! * float32: about 4.5 million inputs per unary function — every 1024th
//!   bit pattern (all signs, exponents, subnormals, infinities, NaNs) plus
//!   the function's interesting ranges and special values — and 1.6 million
//!   pairs for `atan2` and `pow`. The error is measured in ULP of the exact
//!   result (`std`'s float64 function, exact to far below a float32 ULP)
//!   and must be at most 2: the bound the CPU backend's vmath is tested
//!   to. The distance to the CPU backend's result is reported too; it may
//!   reach the sum of both errors, so it is held to 4 ULP.
//! * float64 (adapters with SHADER_F64): the same kinds of inputs, fewer of
//!   them; the distance in ULP to `std` (glibc) must be at most 2, as
//!   vmath's float64 tests require of the CPU, and the distance to the CPU
//!   backend at most 4 (the two bounds added).
//!
//! Special values (NaN, ±inf, ±0, overflow, underflow) must agree exactly
//! in class and sign, and vmath's own tables of exact special values
//! (`tandem_test_support::special`, which vmath's tests read too) must come
//! out bit for bit. Run with `--nocapture` for the measured errors.
//!
//! Measured on lavapipe (llvmpipe, LLVM 15.0.6), max error in ULP: float32 over
//! all 2^32 inputs (`exhaustive_float32`), float64 against mpmath on 3000
//! inputs per function for those glibc is 2 ULP from (the sweep below
//! holds float64 to glibc), atan2/pow float32 over the 1.6M pairs:
//!
//! | function | float32 | float64 | | function | float32 | float64 |
//! |---|---|---|---|---|---|---|
//! | exp | 1.221 | 1.010 | | tanh | 1.157 | 1.312 |
//! | exp2 | 1.135 | ≤ 1 from glibc | | sigmoid | 0.753 | 1.099 |
//! | ln | 0.897 | ≤ 1 from glibc | | sinh | 0.844 | 1.245 |
//! | log2 | 0.501 | ≤ 1 from glibc | | cosh | 0.528 | 1.421 |
//! | log10 | 0.501 | 0.535 | | atan | 0.677 | ≤ 1 from glibc |
//! | sin | 0.771 | ≤ 1 from glibc | | asin | 0.780 | ≤ 1 from glibc |
//! | cos | 0.776 | ≤ 1 from glibc | | acos | 0.719 | ≤ 1 from glibc |
//! | tan | 0.918 | 0.691 | | atan2, pow | 0.588, 0.748 | ≤ 1 from glibc |
//!
//! exp, exp2, ln and tanh float32 are vmath's FMA-free kernels and
//! reproduce vmath's exhaustive figures for those.
//!
//! NumPy's other transcendental ufuncs, float32 over this file's sweep (4.5
//! million inputs per unary function, 600,000 pairs), float64 by distance
//! to glibc (unary) or to the CPU's vmath (logaddexp, itself within 0.5 ULP
//! of mpmath where `|result| >= 1/4`); the float64 helpers are vmath's lanes
//! without FMA, whose error against mpmath vmath's `mpmath_f64` test
//! measures:
//!
//! | function | float32 | float64 | | function | float32 | float64 |
//! |---|---|---|---|---|---|---|
//! | log1p | 0.660 | ≤ 1 from glibc | | asinh | 0.515 | ≤ 2 from glibc |
//! | expm1 | 1.001 | ≤ 1 from glibc | | acosh | 0.516 | ≤ 2 from glibc |
//! | cbrt | 0.500 | ≤ 0 from glibc | | atanh | 0.500 | ≤ 2 from glibc |
//! | logaddexp | 0.511 | ≤ 1 from vmath | | logaddexp2 | 0.520 | ≤ 1 from vmath |
//!
//! Where logaddexp's result is near 0 (`e^a + e^b` near 1) its error is
//! bounded in absolute terms (float32 7.7e-9, float64 5.6e-17 from vmath):
//! see vmath's module docs.

mod common;

use common::*;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op};
use tandem_core::layout::Layout;
use tandem_core::ops::{BinaryOp, UnaryOp};
use tandem_core::{Backend, DType};
use tandem_gpu::GpuBackend;
use tandem_test_support::special;

/// The most the GPU's float32 result may be from the exact one, and its
/// float64 result from glibc's, in ULP: vmath's own bound.
const ULP: f64 = 2.0;
/// The most the GPU and the CPU backend may differ (both within [`ULP`]).
const CPU_ULP: f64 = 4.0;

/// `e <= bound`, and false for NaN.
fn within(e: f64, bound: f64) -> bool {
    e <= bound
}

/// A binary function: op, reference, the CPU backend's version.
type Binary<T> = (BinaryOp, fn(f64, f64) -> f64, fn(&[T], &[T], &mut [T]));

use tandem_test_support::inputs::{Gen, Rng};
use tandem_test_support::ulp::{dist, err_f32, worst, Sweep};

/// Values every function is checked on.
const SPECIAL: [f64; 26] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    2.0,
    -2.0,
    10.0,
    1e-8,
    -1e-8,
    1e-30,
    1e30,
    -1e30,
    88.72283,
    88.72284,
    -103.97,
    -87.33655,
    709.782712893384,
    -745.1332191019411,
    1e300,
    1e-300,
    1e22,
];

fn inputs_f32(seed: u64, gens: &[Gen], per_gen: usize, stride: u64) -> Vec<f32> {
    let mut rng = Rng(seed);
    let mut v: Vec<f32> = (0..(1u64 << 32) / stride)
        .map(|i| f32::from_bits((i * stride) as u32 ^ (rng.next() as u32 & (stride as u32 - 1))))
        .collect();
    for &g in gens {
        v.extend((0..per_gen).map(|_| rng.draw_f32(g)));
    }
    v.extend(SPECIAL.iter().map(|&x| x as f32));
    v.extend([f32::MIN_POSITIVE, 1e-45, -1e-45, 1e-40, f32::MAX, f32::MIN]);
    v
}

fn inputs_f64(seed: u64, gens: &[Gen], per_gen: usize, n_bits: usize) -> Vec<f64> {
    let mut rng = Rng(seed);
    let mut v: Vec<f64> = (0..n_bits).map(|_| f64::from_bits(rng.next())).collect();
    for &g in gens {
        v.extend((0..per_gen).map(|_| rng.draw(g)));
    }
    v.extend(SPECIAL);
    v.extend([
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        f64::MAX,
        f64::MIN,
    ]);
    v
}

/// `op` over `n` contiguous elements (the vec4 path) of `inputs`.
fn kernel(op: Op, dt: DType, n: usize, arity: usize) -> Kernel {
    let l = Layout::contiguous(&[n]);
    let mut instrs: Vec<Instr> = (0..arity)
        .map(|i| Instr {
            op: Op::Load(i),
            dtype: dt,
        })
        .collect();
    instrs.push(Instr { op, dtype: dt });
    Kernel {
        shape: vec![n],
        inputs: (0..arity)
            .map(|_| KernelInput {
                dtype: dt,
                layout: l.clone(),
                buffer_len: n,
            })
            .collect(),
        instrs,
        outputs: vec![KernelOutput {
            value: arity,
            dtype: dt,
            layout: l.clone(),
            buffer_len: n,
        }],
        reduction: None,
    }
}

fn on_gpu<T: bytemuck::Pod>(gpu: &GpuBackend, k: &Kernel, inputs: &[&[T]]) -> Vec<T> {
    gpu.check(k)
        .unwrap_or_else(|e| panic!("the GPU must run this kernel itself: {e}\n{k}"));
    let n = k.shape[0];
    let ins: Vec<HostBuffer> = inputs.iter().map(|v| host(v)).collect();
    let out = run_on(
        gpu,
        k,
        &ins,
        &[HostBuffer::zeroed(n * std::mem::size_of::<T>())],
    )
    .unwrap_or_else(|e| panic!("GPU: {e}"));
    out[0].typed::<T>().to_vec()
}

type Ref = fn(f64) -> f64;
type Cpu32 = fn(&[f32], &mut [f32]);
type Cpu64 = fn(&[f64], &mut [f64]);

fn sigmoid_ref(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        x.exp() / (1.0 + x.exp())
    }
}

/// One unary function: op, reference, the CPU backend's float32 and
/// float64 versions, extra input ranges for float32 and for float64.
type UnaryCase = (UnaryOp, Ref, Cpu32, Cpu64, Vec<Gen>, Vec<Gen>);

/// Every unary transcendental.
fn unary_cases() -> Vec<UnaryCase> {
    use std::f64::consts::FRAC_PI_2;
    use tandem_cpu::vmath as v;
    use Gen::*;
    let trig = vec![
        U(-4.0, 4.0),
        U(-100.0, 100.0),
        U(-70000.0, 70000.0),
        Near(FRAC_PI_2, 40000.0, 1e-3),
        Log(16.0, 25.0),
        Log(20.0, 128.0),
    ];
    let trig64 = vec![
        U(-4.0, 4.0),
        U(-2e6, 2e6),
        Near(FRAC_PI_2, 1e6, 1e-6),
        Log(20.0, 40.0),
        Log(20.0, 1024.0),
    ];
    let logs = vec![U(0.0, 2.0), U(0.6, 1.5), U(0.0, 1e6), U(0.9999, 1.0001)];
    vec![
        (
            UnaryOp::Exp,
            f64::exp,
            v::exp_f32,
            v::exp_f64,
            vec![U(-110.0, 95.0), U(-1.0, 1.0), U(-104.0, -87.0)],
            vec![U(-750.0, 712.0), U(-1.0, 1.0), U(-746.0, -708.0)],
        ),
        (
            UnaryOp::Exp2,
            f64::exp2,
            v::exp2_f32,
            v::exp2_f64,
            vec![U(-155.0, 130.0), U(-1.0, 1.0), U(-150.0, -126.0)],
            vec![U(-1080.0, 1030.0), U(-1.0, 1.0), U(-1075.0, -1022.0)],
        ),
        (
            UnaryOp::Ln,
            f64::ln,
            v::ln_f32,
            v::ln_f64,
            logs.clone(),
            logs.clone(),
        ),
        (
            UnaryOp::Log2,
            f64::log2,
            v::log2_f32,
            v::log2_f64,
            logs.clone(),
            logs.clone(),
        ),
        (
            UnaryOp::Log10,
            f64::log10,
            v::log10_f32,
            v::log10_f64,
            logs.clone(),
            logs,
        ),
        (
            UnaryOp::Sin,
            f64::sin,
            v::sin_f32,
            v::sin_f64,
            trig.clone(),
            trig64.clone(),
        ),
        (
            UnaryOp::Cos,
            f64::cos,
            v::cos_f32,
            v::cos_f64,
            trig.clone(),
            trig64.clone(),
        ),
        (UnaryOp::Tan, f64::tan, v::tan_f32, v::tan_f64, trig, trig64),
        (
            UnaryOp::Tanh,
            f64::tanh,
            v::tanh_f32,
            v::tanh_f64,
            vec![U(-10.0, 10.0), U(-1.0, 1.0), U(-0.6, 0.6)],
            vec![U(-25.0, 25.0), U(-1.0, 1.0), U(-0.6, 0.6)],
        ),
        (
            UnaryOp::Sigmoid,
            sigmoid_ref,
            v::sigmoid_f32,
            v::sigmoid_f64,
            vec![U(-120.0, 40.0), U(-20.0, 20.0), U(-1.0, 1.0)],
            vec![U(-750.0, 50.0), U(-40.0, 40.0), U(-1.0, 1.0)],
        ),
        (
            UnaryOp::Sinh,
            f64::sinh,
            v::sinh_f32,
            v::sinh_f64,
            vec![U(-95.0, 95.0), U(-2.0, 2.0)],
            vec![U(-715.0, 715.0), U(-2.0, 2.0), U(-30.0, 30.0)],
        ),
        (
            UnaryOp::Cosh,
            f64::cosh,
            v::cosh_f32,
            v::cosh_f64,
            vec![U(-95.0, 95.0), U(-2.0, 2.0)],
            vec![U(-715.0, 715.0), U(-2.0, 2.0), U(-30.0, 30.0)],
        ),
        (
            UnaryOp::Atan,
            f64::atan,
            v::atan_f32,
            v::atan_f64,
            vec![U(-10.0, 10.0), U(-3.0, 3.0)],
            vec![U(-10.0, 10.0), U(-3.0, 3.0)],
        ),
        (
            UnaryOp::Asin,
            f64::asin,
            v::asin_f32,
            v::asin_f64,
            vec![U(-1.0, 1.0), U(0.4, 1.0)],
            vec![U(-1.0, 1.0), U(0.4, 1.0)],
        ),
        (
            UnaryOp::Acos,
            f64::acos,
            v::acos_f32,
            v::acos_f64,
            vec![U(-1.0, 1.0), U(0.4, 1.0), U(-1.0, -0.4)],
            vec![U(-1.0, 1.0), U(0.4, 1.0), U(-1.0, -0.4)],
        ),
        (
            UnaryOp::Log1p,
            f64::ln_1p,
            v::log1p_f32,
            v::log1p_f64,
            vec![U(-1.0, 1.0), U(-1.0, -0.99), Log(-30.0, 0.0), U(0.0, 1e6)],
            vec![U(-1.0, 1.0), U(-1.0, -0.99), Log(-60.0, 0.0), U(0.0, 1e6)],
        ),
        (
            UnaryOp::Expm1,
            f64::exp_m1,
            v::expm1_f32,
            v::expm1_f64,
            vec![U(-1.0, 1.0), U(-20.0, 95.0), Log(-30.0, 0.0), U(-0.4, 0.4)],
            vec![U(-1.0, 1.0), U(-40.0, 712.0), Log(-60.0, 0.0), U(-0.4, 0.4)],
        ),
        (
            UnaryOp::Cbrt,
            f64::cbrt,
            v::cbrt_f32,
            v::cbrt_f64,
            vec![U(-10.0, 10.0), U(-1000.0, 1000.0), Log(-140.0, 128.0)],
            vec![U(-10.0, 10.0), U(-1000.0, 1000.0), Log(-1070.0, 1020.0)],
        ),
        (
            UnaryOp::Asinh,
            glibc::asinh,
            v::asinh_f32,
            v::asinh_f64,
            vec![U(-2.0, 2.0), U(-0.1, 0.1), U(-1e4, 1e4), Log(-30.0, 30.0)],
            vec![U(-2.0, 2.0), U(-0.1, 0.1), U(-1e4, 1e4), Log(-30.0, 30.0)],
        ),
        (
            UnaryOp::Acosh,
            glibc::acosh,
            v::acosh_f32,
            v::acosh_f64,
            vec![U(1.0, 2.0), U(1.0, 1.001), U(0.0, 1e4), Log(0.0, 40.0)],
            vec![U(1.0, 2.0), U(1.0, 1.000_001), U(0.0, 1e4), Log(0.0, 40.0)],
        ),
        (
            UnaryOp::Atanh,
            glibc::atanh,
            v::atanh_f32,
            v::atanh_f64,
            vec![U(-1.0, 1.0), U(0.99, 1.0), U(-0.6, 0.6), Log(-30.0, 0.0)],
            vec![U(-1.0, 1.0), U(0.999, 1.0), U(-0.6, 0.6), Log(-60.0, 0.0)],
        ),
    ]
}

/// glibc's inverse hyperbolic functions, the references (`std`'s are
/// formulas several ULP off near 0 and 1).
mod glibc {
    extern "C" {
        #[link_name = "asinh"]
        fn c_asinh(x: f64) -> f64;
        #[link_name = "acosh"]
        fn c_acosh(x: f64) -> f64;
        #[link_name = "atanh"]
        fn c_atanh(x: f64) -> f64;
    }
    pub fn asinh(x: f64) -> f64 {
        // SAFETY: a pure C function of one double (libm, linked by std).
        unsafe { c_asinh(x) }
    }
    pub fn acosh(x: f64) -> f64 {
        // SAFETY: as above.
        unsafe { c_acosh(x) }
    }
    pub fn atanh(x: f64) -> f64 {
        // SAFETY: as above.
        unsafe { c_atanh(x) }
    }
}

/// Selected functions (`TRANSCENDENTAL_ONLY=sin,cos`), for working on one.
fn selected(name: &str) -> bool {
    std::env::var("TRANSCENDENTAL_ONLY")
        .map(|o| o.split(',').any(|n| n == name))
        .unwrap_or(true)
}

/// One function (`Op::Unary(op, 0)` or `Op::Binary(op, 0, 1)`) over
/// `inputs` (one slice per operand) on the GPU: its error against
/// `reference` (of the operands as float64; the second is 0 for a unary
/// function), by the sweep's measure of its type ([`Sweep`]: the float32
/// error in ULP of the exact result, the float64 distance in ULP to
/// glibc), must be within [`ULP`], and its distance in ULP to the CPU
/// backend's results `cpu` within [`CPU_ULP`]. Prints both maxima;
/// returns the failure, if any.
fn sweep<T: Sweep + bytemuck::Pod>(
    gpu: &GpuBackend,
    op: Op,
    inputs: &[&[T]],
    cpu: &[T],
    reference: impl Fn(f64, f64) -> f64,
) -> Option<String> {
    let name = match op {
        Op::Unary(u, _) => u.name(),
        Op::Binary(b, _, _) => b.name(),
        _ => unreachable!("sweeps are of unary and binary functions"),
    };
    let n = cpu.len();
    let got = on_gpu::<T>(gpu, &kernel(op, T::DTYPE, n, inputs.len()), inputs);
    let exact = |i: usize| {
        let arg = |k: usize| inputs.get(k).map_or(0.0, |v| v[i].into());
        reference(arg(0), arg(1))
    };
    let at = |i: usize| {
        let xs: Vec<String> = inputs.iter().map(|v| format!("{:e}", v[i])).collect();
        xs.join(", ")
    };
    let (e, i) = worst((0..n).map(|i| T::error(got[i], exact(i))));
    let (d, j) = worst(got.iter().zip(cpu).map(|(&g, &c)| dist(g, c)));
    let (dt, what) = (T::LABEL, T::REFERENCE);
    println!(
        "{name:>8} {dt}: max {e:.3} ULP from {what} ({}: gpu {:e}, {what} {:e}); max {d} ULP from the CPU ({}: gpu {:e}, cpu {:e})",
        at(i),
        got[i],
        exact(i),
        at(j),
        got[j],
        cpu[j]
    );
    (!within(e, ULP) || !within(d, CPU_ULP)).then(|| {
        format!(
            "{name} {dt}: {e} ULP at ({}) ({:e}, {what} {:e}); {d} ULP from the CPU at ({}) ({:e} vs {:e})",
            at(i),
            got[i],
            exact(i),
            at(j),
            got[j],
            cpu[j]
        )
    })
}

#[test]
fn float32_unary_within_2_ulp_of_exact() {
    let Some(gpu) = gpu() else { return };
    let mut failures = Vec::new();
    for (op, reference, cpu, _, gens, _) in unary_cases() {
        if !selected(op.name()) {
            continue;
        }
        let xs = inputs_f32(0x9e37_79b9_7f4a_7c15, &gens, 200_000, 1024);
        let mut want = vec![0.0f32; xs.len()];
        cpu(&xs, &mut want);
        failures.extend(sweep(&gpu, Op::Unary(op, 0), &[&xs], &want, |x, _| {
            reference(x)
        }));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pairs for the binary functions: random bit patterns, and ranges where
/// the results are ordinary numbers.
fn pairs_f32(seed: u64, n: usize, pow: bool) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng(seed);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..n {
        let (x, y) = match i % 4 {
            0 => (
                f32::from_bits(rng.next() as u32),
                f32::from_bits(rng.next() as u32),
            ),
            1 if pow => (
                rng.uniform(0.0, 4.0) as f32,
                rng.uniform(-60.0, 60.0) as f32,
            ),
            2 if pow => (
                rng.log_uniform(-20.0, 20.0).abs() as f32,
                rng.uniform(-6.0, 6.0) as f32,
            ),
            3 if pow && i % 8 == 3 => (
                rng.uniform(-10.0, 10.0) as f32,
                rng.uniform(-30.0, 30.0).round() as f32,
            ),
            // x near 1 with large y: log(x) must be accurate relative to itself.
            3 if pow => (
                1.0 + rng.uniform(-1e-3, 1e-3) as f32,
                rng.uniform(-1e5, 1e5) as f32,
            ),
            _ => (
                rng.log_uniform(-30.0, 30.0) as f32,
                rng.log_uniform(-30.0, 30.0) as f32,
            ),
        };
        a.push(x);
        b.push(y);
    }
    let sp: Vec<f32> = SPECIAL.iter().map(|&x| x as f32).collect();
    for &x in &sp {
        for &y in &sp {
            a.push(x);
            b.push(y);
        }
    }
    (a, b)
}

#[test]
fn float32_atan2_and_pow_within_2_ulp_of_exact() {
    let Some(gpu) = gpu() else { return };
    use tandem_cpu::vmath as v;
    let cases: [Binary<f32>; 2] = [
        (BinaryOp::Atan2, f64::atan2, v::atan2_f32),
        (BinaryOp::Pow, f64::powf, v::pow_f32),
    ];
    let failures = binary_sweeps(&gpu, cases, |pow| {
        pairs_f32(0x2545_f491_4f6c_dd1d, 1_600_000, pow)
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The GPU's `cases` (atan2 and pow) against the reference and the CPU,
/// over `pairs(is_pow)`: one failure message per function that fails.
fn binary_sweeps<T: Sweep + bytemuck::Pod>(
    gpu: &GpuBackend,
    cases: [Binary<T>; 2],
    pairs: impl Fn(bool) -> (Vec<T>, Vec<T>),
) -> Vec<String> {
    let mut failures = Vec::new();
    for (op, reference, cpu) in cases {
        if !selected(op.name()) {
            continue;
        }
        let (a, b) = pairs(op == BinaryOp::Pow);
        let mut want = vec![T::zeroed(); a.len()];
        cpu(&a, &b, &mut want);
        failures.extend(sweep(
            gpu,
            Op::Binary(op, 0, 1),
            &[&a, &b],
            &want,
            reference,
        ));
    }
    failures
}

/// The GPU, if it computes in float64 (SHADER_F64); says so otherwise.
fn gpu_f64() -> Option<std::sync::Arc<GpuBackend>> {
    let gpu = gpu()?;
    if gpu.info().dtypes.contains(&DType::F64) {
        Some(gpu)
    } else {
        eprintln!(
            "skipping float64: {} has no SHADER_F64 (tandem runs float64 kernels on the CPU there)",
            gpu.info().name
        );
        None
    }
}

#[test]
fn float64_unary_within_2_ulp_of_glibc() {
    let Some(gpu) = gpu_f64() else { return };
    let mut failures = Vec::new();
    for (op, reference, _, cpu, _, gens) in unary_cases() {
        if !selected(op.name()) {
            continue;
        }
        let xs = inputs_f64(0x2545_f491_4f6c_dd1d, &gens, 100_000, 200_000);
        let mut want = vec![0.0f64; xs.len()];
        cpu(&xs, &mut want);
        failures.extend(sweep(&gpu, Op::Unary(op, 0), &[&xs], &want, |x, _| {
            reference(x)
        }));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pairs for the float64 binary functions (as [`pairs_f32`]).
fn pairs_f64(seed: u64, n: usize, pow: bool) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..n {
        let (x, y) = match i % 4 {
            0 => (f64::from_bits(rng.next()), f64::from_bits(rng.next())),
            1 if pow => (rng.uniform(0.0, 4.0), rng.uniform(-500.0, 500.0)),
            2 if pow => (rng.log_uniform(-200.0, 200.0).abs(), rng.uniform(-6.0, 6.0)),
            3 if pow && i % 8 == 3 => {
                (rng.uniform(-10.0, 10.0), rng.uniform(-300.0, 300.0).round())
            }
            3 if pow => (1.0 + rng.uniform(-1e-6, 1e-6), rng.uniform(-1e8, 1e8)),
            _ => (
                rng.log_uniform(-300.0, 300.0),
                rng.log_uniform(-300.0, 300.0),
            ),
        };
        a.push(x);
        b.push(y);
    }
    for &x in &SPECIAL {
        for &y in &SPECIAL {
            a.push(x);
            b.push(y);
        }
    }
    (a, b)
}

#[test]
fn float64_atan2_and_pow_within_2_ulp_of_glibc() {
    let Some(gpu) = gpu_f64() else { return };
    use tandem_cpu::vmath as v;
    let cases: [Binary<f64>; 2] = [
        (BinaryOp::Atan2, f64::atan2, v::atan2_f64),
        (BinaryOp::Pow, f64::powf, v::pow_f64),
    ];
    let failures = binary_sweeps(&gpu, cases, |pow| {
        pairs_f64(0x9e37_79b9_7f4a_7c15, 400_000, pow)
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// On an adapter without SHADER_F64 (opened here with the feature left
/// off), `check` refuses float64 transcendental kernels with a reason, so
/// the core runs them on the CPU; float32 ones still run on the GPU.
#[test]
fn without_shader_f64_float64_is_refused_with_a_reason() {
    if gpu().is_none() {
        return;
    }
    let opts = tandem_gpu::GpuOptions {
        without_f64: true,
        ..Default::default()
    };
    let Some(g) = tandem_gpu::backends_with(&opts).into_iter().next() else {
        panic!("the adapter opened by gpu() did not open again without SHADER_F64");
    };
    assert!(!g.info().dtypes.contains(&DType::F64));
    for op in [UnaryOp::Exp, UnaryOp::Sin, UnaryOp::Sigmoid] {
        let k = kernel(Op::Unary(op, 0), DType::F64, 16, 1);
        match g.check(&k) {
            Err(tandem_core::Error::Unsupported { .. }) => {
                let msg = g.check(&k).unwrap_err().to_string();
                assert!(msg.contains("float64"), "{msg}");
            }
            other => panic!("{}(float64) without SHADER_F64: {other:?}", op.name()),
        }
        let k = kernel(Op::Unary(op, 0), DType::F32, 16, 1);
        g.check(&k)
            .unwrap_or_else(|e| panic!("{}(float32) must run on the GPU: {e}", op.name()));
    }
    let k = kernel(Op::Binary(BinaryOp::Pow, 0, 1), DType::F64, 16, 2);
    assert!(g.check(&k).is_err());
}

/// Runs unary `op` on the GPU over `cases` (input, exact expected output)
/// and lists the mismatches ([`special::is_exact`]: NaN matches any NaN;
/// zeros by sign).
fn exact_unary<T: bytemuck::Pod + Copy + std::fmt::Debug + Into<f64>>(
    gpu: &GpuBackend,
    dt: DType,
    op: UnaryOp,
    cases: &[(T, T)],
    failures: &mut Vec<String>,
) {
    let xs: Vec<T> = cases.iter().map(|c| c.0).collect();
    let got = on_gpu::<T>(gpu, &kernel(Op::Unary(op, 0), dt, xs.len(), 1), &[&xs]);
    for (&(x, want), &g) in cases.iter().zip(&got) {
        if !special::is_exact(g, want) {
            failures.push(format!("{}({x:?}) = {g:?}, want {want:?}", op.name()));
        }
    }
}

/// The rows of a table of `tandem_test_support::special` gathered by op, so
/// each op is one kernel.
fn by_op<T: Copy>(table: &[(UnaryOp, &[(T, T)])]) -> Vec<(UnaryOp, Vec<(T, T)>)> {
    let mut ops: Vec<(UnaryOp, Vec<(T, T)>)> = Vec::new();
    for &(op, cases) in table {
        match ops.iter_mut().find(|o| o.0 == op) {
            Some(o) => o.1.extend_from_slice(cases),
            None => ops.push((op, cases.to_vec())),
        }
    }
    ops
}

/// The special values vmath's own tests require exactly, from the table
/// both read (`tandem_test_support::special`): NaN, infinities, signed
/// zeros, overflow and underflow thresholds, subnormal results, exact
/// powers and logarithms, saturation of tanh and sigmoid, the C99 tables
/// of atan2 and pow. The GPU must give the very same values.
#[test]
fn special_values_are_exactly_vmaths() {
    let Some(gpu) = gpu() else { return };
    let mut failures = Vec::new();
    for (op, cases) in by_op(special::UNARY_F32)
        .into_iter()
        .chain(by_op(special::UNARY_F32_MORE))
    {
        exact_unary(&gpu, DType::F32, op, &cases, &mut failures);
    }
    // A subnormal sigmoid: positive, below the smallest normal.
    let tiny = on_gpu::<f32>(
        &gpu,
        &kernel(Op::Unary(UnaryOp::Sigmoid, 0), DType::F32, 1, 1),
        &[&[-100.0f32]],
    );
    if !(tiny[0] > 0.0 && tiny[0] < f32::MIN_POSITIVE) {
        failures.push(format!("sigmoid(-100f32) = {:e}", tiny[0]));
    }
    let f64_too = gpu.info().dtypes.contains(&DType::F64);
    if f64_too {
        for (op, cases) in by_op(special::UNARY_F64)
            .into_iter()
            .chain(by_op(special::UNARY_F64_MORE))
        {
            exact_unary(&gpu, DType::F64, op, &cases, &mut failures);
        }
    }

    // atan2's C99 table, every sign of y; pow's C99 / NumPy table, and in
    // float64 the parity of large exponents (not float32 values);
    // logaddexp's and logaddexp2's (both orders).
    let both = |t: &[(f64, f64, f64)]| -> Vec<(f64, f64, f64)> {
        t.iter()
            .flat_map(|&(x, y, w)| [(x, y, w), (y, x, w)])
            .collect()
    };
    for (op, table, parity) in [
        (BinaryOp::Logaddexp, both(special::LOGADDEXP), &[][..]),
        (BinaryOp::Logaddexp2, both(special::LOGADDEXP2), &[][..]),
        (BinaryOp::Atan2, special::atan2_cases(), &[][..]),
        (
            BinaryOp::Pow,
            special::POW.to_vec(),
            special::POW_PARITY_F64,
        ),
    ] {
        let k32 = kernel(Op::Binary(op, 0, 1), DType::F32, table.len(), 2);
        let a: Vec<f32> = table.iter().map(|c| c.0 as f32).collect();
        let b: Vec<f32> = table.iter().map(|c| c.1 as f32).collect();
        let got = on_gpu::<f32>(&gpu, &k32, &[&a, &b]);
        for (c, g) in table.iter().zip(got) {
            let w = c.2 as f32;
            if !special::is_exact(g, w) {
                failures.push(format!(
                    "{}({:?}, {:?}) f32 = {g:e}, want {w:e}",
                    op.name(),
                    c.0,
                    c.1
                ));
            }
        }
        if f64_too {
            let all: Vec<(f64, f64, f64)> = table.iter().chain(parity).copied().collect();
            let k64 = kernel(Op::Binary(op, 0, 1), DType::F64, all.len(), 2);
            let a: Vec<f64> = all.iter().map(|c| c.0).collect();
            let b: Vec<f64> = all.iter().map(|c| c.1).collect();
            let got = on_gpu::<f64>(&gpu, &k64, &[&a, &b]);
            for (c, g) in all.iter().zip(got) {
                if !special::is_exact(g, c.2) {
                    failures.push(format!(
                        "{}({:?}, {:?}) f64 = {g:e}, want {:e}",
                        op.name(),
                        c.0,
                        c.1,
                        c.2
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every float32 input (all 2^32 bit patterns) for the unary functions,
/// like vmath's `exhaustive_f32`; a few minutes per function on lavapipe
/// (`TRANSCENDENTAL_ONLY=sin,tan` picks some):
/// `cargo test -p tandem-gpu --test transcendental exhaustive -- --ignored --nocapture`.
#[test]
#[ignore]
fn exhaustive_float32() {
    let Some(gpu) = gpu() else { return };
    const CHUNK: usize = 1 << 24;
    let mut failures = Vec::new();
    for (op, reference, _, _, _, _) in unary_cases() {
        if !selected(op.name()) {
            continue;
        }
        let k = kernel(Op::Unary(op, 0), DType::F32, CHUNK, 1);
        let mut worst_all = (0.0f64, 0.0f32);
        for c in 0..(1usize << 32) / CHUNK {
            let xs: Vec<f32> = (0..CHUNK)
                .map(|i| f32::from_bits((c * CHUNK + i) as u32))
                .collect();
            let got = on_gpu::<f32>(&gpu, &k, &[&xs]);
            // The reference on every core.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let part = CHUNK.div_ceil(threads);
            let w = std::thread::scope(|s| {
                let handles: Vec<_> = xs
                    .chunks(part)
                    .zip(got.chunks(part))
                    .map(|(x, g)| {
                        s.spawn(move || {
                            let (e, i) = worst(
                                g.iter()
                                    .zip(x)
                                    .map(|(&g, &x)| err_f32(g, reference(x as f64))),
                            );
                            (e, x[i])
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("reference thread"))
                    .fold((0.0f64, 0.0f32), |a, b| {
                        if b.0 > a.0 || b.0.is_nan() {
                            b
                        } else {
                            a
                        }
                    })
            });
            if w.0 > worst_all.0 || w.0.is_nan() {
                worst_all = w;
            }
        }
        println!(
            "EXHAUSTIVE {} f32 on the GPU: max error {:.3} ULP at x = {:e}",
            op.name(),
            worst_all.0,
            worst_all.1
        );
        if !within(worst_all.0, ULP) {
            failures.push(format!(
                "{}: {} ULP at {:e}",
                op.name(),
                worst_all.0,
                worst_all.1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pairs for `logaddexp` / `logaddexp2`: random bits, wide, close
/// together, near the zero of the result (`e^a + e^b = 1`), huge.
fn logaddexp_pairs(seed: u64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..n {
        let (x, y) = match i % 6 {
            0 => (f64::from_bits(rng.next()), f64::from_bits(rng.next())),
            1 => (rng.uniform(-50.0, 50.0), rng.uniform(-50.0, 50.0)),
            2 => {
                let x = rng.uniform(-5.0, 5.0);
                (x, x + rng.uniform(-1e-3, 1e-3))
            }
            3 => (rng.uniform(-1.5, 0.0), rng.uniform(-1.5, 0.0)),
            4 => (rng.uniform(-800.0, 800.0), rng.uniform(-800.0, 800.0)),
            _ => (
                rng.log_uniform(-300.0, 300.0),
                -rng.log_uniform(-300.0, 300.0),
            ),
        };
        a.push(x);
        b.push(y);
    }
    for &x in &SPECIAL {
        for &y in &SPECIAL {
            a.push(x);
            b.push(y);
        }
    }
    (a, b)
}

/// Below this `|result|`, `logaddexp` is a difference of O(1) terms (near
/// `e^a + e^b = 1`): its error is bounded in absolute terms there (vmath's
/// tests and module docs do the same).
const LOGADDEXP_ABS_BELOW: f64 = 0.25;

/// The GPU's `logaddexp` and `logaddexp2` against the CPU's vmath (itself
/// within 0.5 ULP of mpmath where `|result| >= 1/4`, see vmath's
/// `mpmath_f64` test): float32 against vmath's float64 result (exact to
/// far below a float32 ULP), float64 by distance. Where `|result| < 1/4`
/// the absolute error is reported and bounded instead.
#[test]
fn logaddexp_within_2_ulp() {
    let Some(gpu) = gpu() else { return };
    use tandem_cpu::vmath as v;
    let mut failures = Vec::new();
    let f64_too = gpu.info().dtypes.contains(&DType::F64);
    type Case = (BinaryOp, Cpu2<f32>, Cpu2<f64>, f64, f64);
    let cases: [Case; 2] = [
        // (op, cpu f32, cpu f64, f32 absolute bound, f64 absolute bound)
        (
            BinaryOp::Logaddexp,
            v::logaddexp_f32,
            v::logaddexp_f64,
            2e-8,
            2e-16,
        ),
        (
            BinaryOp::Logaddexp2,
            v::logaddexp2_f32,
            v::logaddexp2_f64,
            2e-8,
            2e-16,
        ),
    ];
    for (op, cpu32, cpu64, abs32, abs64) in cases {
        if !selected(op.name()) {
            continue;
        }
        let (a, b) = logaddexp_pairs(0x2545_f491_4f6c_dd1d, 600_000);
        let mut exact = vec![0.0f64; a.len()];
        cpu64(&a, &b, &mut exact);
        // float32: the inputs rounded, the exact result of those.
        let a32: Vec<f32> = a.iter().map(|&x| x as f32).collect();
        let b32: Vec<f32> = b.iter().map(|&x| x as f32).collect();
        let a32w: Vec<f64> = a32.iter().map(|&x| x as f64).collect();
        let b32w: Vec<f64> = b32.iter().map(|&x| x as f64).collect();
        let mut exact32 = vec![0.0f64; a.len()];
        cpu64(&a32w, &b32w, &mut exact32);
        let mut cpu_r32 = vec![0.0f32; a.len()];
        cpu32(&a32, &b32, &mut cpu_r32);
        let got = on_gpu::<f32>(
            &gpu,
            &kernel(Op::Binary(op, 0, 1), DType::F32, a.len(), 2),
            &[&a32, &b32],
        );
        let far = |i: usize| exact32[i].abs() >= LOGADDEXP_ABS_BELOW || !exact32[i].is_finite();
        let (e, i) = worst((0..a.len()).map(|i| {
            if far(i) {
                err_f32(got[i], exact32[i])
            } else {
                0.0
            }
        }));
        let (ea, j) = worst((0..a.len()).map(|i| {
            if far(i) {
                0.0
            } else {
                (got[i] as f64 - exact32[i]).abs()
            }
        }));
        let (d, k) =
            worst(got.iter().zip(&cpu_r32).enumerate().map(
                |(i, (&g, &c))| {
                    if far(i) {
                        dist(g, c)
                    } else {
                        0.0
                    }
                },
            ));
        println!(
            "{:>10} f32: max {e:.3} ULP from exact at ({:e}, {:e}); |result| < {LOGADDEXP_ABS_BELOW}: max absolute error {ea:e} at ({:e}, {:e}); max {d} ULP from the CPU at ({:e}, {:e})",
            op.name(), a32[i], b32[i], a32[j], b32[j], a32[k], b32[k]
        );
        if !within(e, ULP) || !within(ea, abs32) || !within(d, CPU_ULP) {
            failures.push(format!("{} f32: {e} ULP at ({:e}, {:e}); absolute {ea:e} at ({:e}, {:e}); {d} ULP from the CPU", op.name(), a32[i], b32[i], a32[j], b32[j]));
        }
        if f64_too {
            let got = on_gpu::<f64>(
                &gpu,
                &kernel(Op::Binary(op, 0, 1), DType::F64, a.len(), 2),
                &[&a, &b],
            );
            let far = |i: usize| exact[i].abs() >= LOGADDEXP_ABS_BELOW || !exact[i].is_finite();
            let (e, i) =
                worst((0..a.len()).map(|i| if far(i) { dist(got[i], exact[i]) } else { 0.0 }));
            let (ea, j) = worst((0..a.len()).map(|i| {
                if far(i) {
                    0.0
                } else {
                    (got[i] - exact[i]).abs()
                }
            }));
            println!(
                "{:>10} f64: max {e} ULP from the CPU (vmath) at ({:e}, {:e}); |result| < {LOGADDEXP_ABS_BELOW}: max absolute difference {ea:e} at ({:e}, {:e})",
                op.name(), a[i], b[i], a[j], b[j]
            );
            if !within(e, ULP) || !within(ea, abs64) {
                failures.push(format!(
                    "{} f64: {e} ULP at ({:e}, {:e}); absolute {ea:e} at ({:e}, {:e})",
                    op.name(),
                    a[i],
                    b[i],
                    a[j],
                    b[j]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A CPU backend binary function.
type Cpu2<T> = fn(&[T], &[T], &mut [T]);
