//! Throughput of `tandem_cpu::vmath` against a scalar `std` loop (one libm
//! call per element, compiled inside the same `simd::dispatch`).
//!
//! ```text
//! cargo run --release -p tandem-cpu --example vmath_speed [n]
//! ```
//!
//! Single-threaded; best of several runs over `n` (default 10^7) elements.

use std::hint::black_box;
use std::time::Instant;
use tandem_cpu::simd::{dispatch, SimdLevel};
use tandem_cpu::vmath;

/// Seconds of the best of `reps` runs of `f`.
fn best(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Inputs spread over `[lo, hi]` (a fixed low-discrepancy sequence).
fn inputs<T: From<f32>>(n: usize, lo: f64, hi: f64) -> Vec<T> {
    let g = 0.618_033_988_749_894_9_f64;
    (0..n)
        .map(|i| T::from((lo + (hi - lo) * ((i as f64 * g) % 1.0)) as f32))
        .collect()
}

fn report(name: &str, n: usize, t_std: f64, t_vm: f64) {
    println!(
        "{name:<12} std {:>6.2} ns/elem   vmath {:>6.2} ns/elem   speedup {:>5.1}x",
        t_std / n as f64 * 1e9,
        t_vm / n as f64 * 1e9,
        t_std / t_vm
    );
}

macro_rules! bench {
    ($name:literal, $t:ty, $n:expr, $lo:expr, $hi:expr, $std:expr, $vm:path) => {{
        let x: Vec<$t> = inputs($n, $lo, $hi);
        let mut out = vec![0.0 as $t; $n];
        let std_fn: fn($t) -> $t = $std;
        let t_std = best(3, || {
            dispatch(|| {
                for (o, &v) in out.iter_mut().zip(&x) {
                    *o = std_fn(v);
                }
            });
            black_box(&out);
        });
        let t_vm = best(5, || {
            $vm(&x, &mut out);
            black_box(&out);
        });
        report($name, $n, t_std, t_vm);
    }};
}

/// A binary function over `a` in [-10, 10] and `b` in [-10, 10] (another
/// sequence), against NumPy's formula in a scalar `std` loop.
macro_rules! bench2 {
    ($name:literal, $t:ty, $n:expr, $vm:path) => {{
        let a: Vec<$t> = inputs($n, -10.0, 10.0);
        let b: Vec<$t> = a.iter().rev().copied().collect();
        let mut out = vec![0.0 as $t; $n];
        let t_std = best(3, || {
            dispatch(|| {
                for ((o, &x), &y) in out.iter_mut().zip(&a).zip(&b) {
                    let (m, d) = if x > y { (x, x - y) } else { (y, y - x) };
                    *o = m + (-d).exp().ln_1p();
                }
            });
            black_box(&out);
        });
        let t_vm = best(5, || {
            $vm(&a, &b, &mut out);
            black_box(&out);
        });
        report($name, $n, t_std, t_vm);
    }};
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    println!("{n} elements, SIMD level {}", SimdLevel::detect().name());
    bench!("sin_f32", f32, n, -100.0, 100.0, f32::sin, vmath::sin_f32);
    bench!("cos_f32", f32, n, -100.0, 100.0, f32::cos, vmath::cos_f32);
    bench!("exp_f32", f32, n, -80.0, 80.0, f32::exp, vmath::exp_f32);
    bench!("ln_f32", f32, n, 1e-3, 1e3, f32::ln, vmath::ln_f32);
    bench!("log2_f32", f32, n, 1e-3, 1e3, f32::log2, vmath::log2_f32);
    bench!("tanh_f32", f32, n, -5.0, 5.0, f32::tanh, vmath::tanh_f32);
    bench!(
        "sigmoid_f32",
        f32,
        n,
        -20.0,
        20.0,
        |v: f32| 1.0 / (1.0 + (-v).exp()),
        vmath::sigmoid_f32
    );
    bench!("exp2_f32", f32, n, -80.0, 80.0, f32::exp2, vmath::exp2_f32);
    bench!("tan_f32", f32, n, -100.0, 100.0, f32::tan, vmath::tan_f32);
    bench!(
        "atan_f32",
        f32,
        n,
        -100.0,
        100.0,
        f32::atan,
        vmath::atan_f32
    );
    bench!("sin_f64", f64, n, -100.0, 100.0, f64::sin, vmath::sin_f64);
    bench!("exp_f64", f64, n, -80.0, 80.0, f64::exp, vmath::exp_f64);
    bench!("ln_f64", f64, n, 1e-3, 1e3, f64::ln, vmath::ln_f64);
    bench!("tanh_f64", f64, n, -5.0, 5.0, f64::tanh, vmath::tanh_f64);
    // NumPy's remaining transcendental ufuncs (compare with
    // `python3 scripts/vmath_numpy_speed.py n`, which times NumPy on the
    // same inputs).
    bench!(
        "log1p_f32",
        f32,
        n,
        -0.9,
        10.0,
        f32::ln_1p,
        vmath::log1p_f32
    );
    bench!(
        "log1p_f64",
        f64,
        n,
        -0.9,
        10.0,
        f64::ln_1p,
        vmath::log1p_f64
    );
    bench!(
        "expm1_f32",
        f32,
        n,
        -5.0,
        5.0,
        f32::exp_m1,
        vmath::expm1_f32
    );
    bench!(
        "expm1_f64",
        f64,
        n,
        -5.0,
        5.0,
        f64::exp_m1,
        vmath::expm1_f64
    );
    bench!(
        "cbrt_f32",
        f32,
        n,
        -100.0,
        100.0,
        f32::cbrt,
        vmath::cbrt_f32
    );
    bench!(
        "cbrt_f64",
        f64,
        n,
        -100.0,
        100.0,
        f64::cbrt,
        vmath::cbrt_f64
    );
    bench!(
        "asinh_f32",
        f32,
        n,
        -10.0,
        10.0,
        f32::asinh,
        vmath::asinh_f32
    );
    bench!(
        "asinh_f64",
        f64,
        n,
        -10.0,
        10.0,
        f64::asinh,
        vmath::asinh_f64
    );
    bench!("acosh_f32", f32, n, 1.0, 10.0, f32::acosh, vmath::acosh_f32);
    bench!("acosh_f64", f64, n, 1.0, 10.0, f64::acosh, vmath::acosh_f64);
    bench!(
        "atanh_f32",
        f32,
        n,
        -0.99,
        0.99,
        f32::atanh,
        vmath::atanh_f32
    );
    bench!(
        "atanh_f64",
        f64,
        n,
        -0.99,
        0.99,
        f64::atanh,
        vmath::atanh_f64
    );
    bench2!("logaddexp_f32", f32, n, vmath::logaddexp_f32);
    bench2!("logaddexp_f64", f64, n, vmath::logaddexp_f64);
    bench2!("logaddexp2_f32", f32, n, vmath::logaddexp2_f32);
    bench2!("logaddexp2_f64", f64, n, vmath::logaddexp2_f64);
}
