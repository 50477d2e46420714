//! The transcendental functions (exp, exp2, ln, log2, log10, sin, cos, tan,
//! tanh, asin, acos, atan, sinh, cosh, sigmoid, pow, atan2) run on the GPU
//! itself and match NumPy there.
//!
//! `tests/elementwise.rs` already checks every fixture case on every
//! device, but it cannot tell where a kernel ran: until the GPU had its own
//! accurate versions (shaders/vmath_f32.wgsl, vmath_f64.wgsl), these ops
//! were routed to the CPU even for arrays on the GPU. Here `tandem::stats()`
//! counts the kernels each fixture case runs: for a float result the GPU
//! supports, every kernel must have run on the GPU and none on the CPU, and
//! the values must match the NumPy fixtures within the tolerance the CPU is
//! held to (`Cmp::Ulp`: 4 ULP, see tests/common). Float64 results on an
//! adapter without SHADER_F64 must instead run on the CPU, with the same
//! values.
//!
//! The accuracy over millions of inputs is measured in
//! backend-gpu/tests/transcendental.rs.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

const UNARY: [&str; 15] = [
    "exp", "exp2", "ln", "log2", "log10", "sin", "cos", "tan", "tanh", "asin", "acos", "atan",
    "sinh", "cosh", "sigmoid",
];
const BINARY: [&str; 2] = ["pow", "atan2"];

fn gpus() -> Vec<tandem::DeviceInfo> {
    devices()
        .into_iter()
        .filter(|d| matches!(d.device, Device::Gpu(_)))
        .collect()
}

/// Where the kernels of `f` ran: (on `info`'s device, on the CPU, in all).
fn kernels<T>(info: &tandem::DeviceInfo, f: impl FnOnce() -> T) -> (T, u64, u64, u64) {
    tandem::reset_stats();
    let r = f();
    let s = tandem::stats();
    (
        r,
        s.kernels_on(&info.device.to_string()),
        s.kernels_on("cpu"),
        s.total_kernels(),
    )
}

/// Checks one fixture case computed by `run` on the GPU of `info`: its
/// values, and where its kernels ran. Returns whether it ran on the GPU.
fn check_on_gpu(
    info: &tandem::DeviceInfo,
    what: &str,
    case: &Value,
    inputs: &[&Fx],
    run: impl FnOnce() -> Result<Array>,
    failures: &mut Vec<String>,
) -> bool {
    // Reading the result forces the kernel, inside the counted window.
    let ((msg, dtype), on_gpu, on_cpu, total) = kernels(info, || {
        let got = catch(run);
        let dtype = got
            .as_ref()
            .ok()
            .and_then(|r| r.as_ref().ok())
            .map(|a| a.dtype());
        let msg = match got {
            Ok(got) => check_case(case, got, inputs),
            Err(p) => Some(format!("panicked: {p}")),
        };
        (msg, dtype)
    });
    if let Some(msg) = msg {
        failures.push(format!("{what} on {}: {msg}", label(info)));
        return false;
    }
    let Some(dt) = dtype.filter(|d| d.is_float()) else {
        // An error NumPy also raises, or an integer pow: nothing to place.
        return false;
    };
    if info.dtypes.contains(&dt) {
        if on_gpu == 0 || on_cpu != 0 {
            failures.push(format!(
                "{what} on {}: expected its kernels on the GPU, got {on_gpu} there and {on_cpu} on the CPU of {total}",
                label(info)
            ));
        }
        on_gpu > 0
    } else {
        // The adapter lacks the dtype: check() refuses, the CPU computes.
        if on_cpu == 0 {
            failures.push(format!(
                "{what} on {}: {} is not a GPU dtype here, yet no kernel ran on the CPU",
                label(info),
                dt.name()
            ));
        }
        false
    }
}

#[test]
fn unary_transcendentals_run_on_the_gpu_and_match_numpy() {
    let fx = load("unary.json");
    let mut failures = Vec::new();
    let mut ran = 0;
    let gpus = gpus();
    if gpus.is_empty() {
        return;
    }
    for info in &gpus {
        for op in UNARY {
            for case in cases(fx, "cases").iter().filter(|c| c["op"] == op) {
                let input = parse_array(&case["input"]);
                let x = on(info, &input.build());
                let what = format!("{op}({})", input.dtype.name());
                if check_on_gpu(
                    info,
                    &what,
                    case,
                    &[&input],
                    || unary(op, &x),
                    &mut failures,
                ) {
                    ran += 1;
                }
            }
        }
    }
    eprintln!("{ran} unary fixture cases ran on the GPU");
    report("transcendental unary ops on the GPU", ran, &failures);
    // float32 at least, for every op (float64 and integer inputs too where
    // the adapter has SHADER_F64).
    assert!(ran >= UNARY.len(), "only {ran} cases ran on the GPU");
}

#[test]
fn pow_and_atan2_run_on_the_gpu_and_match_numpy() {
    let fx = load("binary.json");
    let mut failures = Vec::new();
    let mut ran = 0;
    let gpus = gpus();
    if gpus.is_empty() {
        return;
    }
    for info in &gpus {
        for op in BINARY {
            for case in cases(fx, "cases").iter().filter(|c| c["op"] == op) {
                let a = parse_array(&case["a"]);
                let b = parse_array(&case["b"]);
                let (x, y) = (on(info, &a.build()), on(info, &b.build()));
                let what = format!("{op}({}, {})", a.dtype.name(), b.dtype.name());
                if check_on_gpu(
                    info,
                    &what,
                    case,
                    &[&a, &b],
                    || binary(op, &x, &y),
                    &mut failures,
                ) {
                    ran += 1;
                }
            }
        }
    }
    eprintln!("{ran} pow/atan2 fixture cases ran on the GPU");
    report("pow and atan2 on the GPU", ran, &failures);
    assert!(ran >= 2, "only {ran} cases ran on the GPU");
}

/// A longer float32 expression mixing the functions fuses into one GPU
/// kernel and agrees with the CPU backend within a few ULP.
#[test]
fn a_fused_transcendental_expression_runs_as_one_gpu_kernel() {
    for info in gpus() {
        let xs: Vec<f32> = (0..4096).map(|i| (i as f32 - 2048.0) * 0.01).collect();
        let host = Array::from_vec(xs, &[4096]).unwrap();
        let x = on(&info, &host);
        let (got, on_gpu, on_cpu, _) = kernels(&info, || {
            let y = (x.sin() * x.exp().sigmoid() + x.atan()).tanh();
            y.to_vec::<f32>().unwrap()
        });
        assert_eq!(
            (on_gpu, on_cpu),
            (1, 0),
            "one fused kernel on {}",
            label(&info)
        );
        let cpu = host.to_device(Device::Cpu).unwrap();
        let want = (cpu.sin() * cpu.exp().sigmoid() + cpu.atan())
            .tanh()
            .to_vec::<f32>()
            .unwrap();
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            assert!(
                ulps_f32(g, w) <= 8,
                "element {i}: gpu {g:e} vs cpu {w:e} on {}",
                label(&info)
            );
        }
    }
}

/// A reduction fed by transcendental functions (`sum(exp(x) * cos(x))`,
/// float64 where the adapter has it) is one GPU kernel too, and agrees with
/// the CPU backend.
#[test]
fn a_reduction_of_transcendentals_runs_on_the_gpu() {
    for info in gpus() {
        let dt = if info.dtypes.contains(&DType::F64) {
            DType::F64
        } else {
            DType::F32
        };
        let xs: Vec<f64> = (0..10_000).map(|i| (i as f64) * 1e-3 - 5.0).collect();
        let host = Array::from_vec(xs, &[10_000]).unwrap().astype(dt);
        let x = on(&info, &host.eval().unwrap());
        let (got, on_gpu, on_cpu, _) =
            kernels(&info, || (x.exp() * x.cos()).sum().item::<f64>().unwrap());
        assert!(
            on_gpu >= 1 && on_cpu == 0,
            "sum(exp(x) cos(x)) on {}: {on_gpu} GPU and {on_cpu} CPU kernels",
            label(&info)
        );
        let cpu = host.to_device(Device::Cpu).unwrap();
        let want = (cpu.exp() * cpu.cos()).sum().item::<f64>().unwrap();
        let tol = if dt == DType::F64 { 1e-12 } else { 1e-4 };
        assert!(
            (got - want).abs() <= tol * want.abs().max(1.0),
            "{} on {}: gpu {got} vs cpu {want}",
            dt.name(),
            label(&info)
        );
    }
}
