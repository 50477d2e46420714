//! Elementwise kernels on the real adapter against the CPU backend, bit for
//! bit (NaN payloads aside): every unary op × dtype, every binary op ×
//! dtype over all pairs of interesting values (broadcast operands), casts
//! between every dtype pair, each through a contiguous (`vec4`) and a
//! strided layout; and strided outputs that must leave the rest of the
//! buffer untouched. Ops `check` routes to the CPU are counted, not run.
//!
//! The transcendental functions are the exception to bit-for-bit: the GPU
//! computes them with its own port of vmath (no fused multiply-add on
//! lavapipe, double-float float32 steps where the CPU widens to float64),
//! each within 2 ULP of the exact result like the CPU's, so the two may
//! differ by a few ULP (at most [`TRANSCENDENTAL_ULP`]; tests/transcendental.rs
//! measures the accuracy itself).

mod common;

use common::*;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op};
use tandem_core::layout::Layout;
use tandem_core::ops::{BinaryOp, UnaryOp};
use tandem_core::{Backend, DType, Scalar};
use tandem_test_support::ulp::{ulps_f32, ulps_f64};

/// Interesting values of each dtype (special values, extremes, ties, signs).
fn values(dt: DType) -> HostBuffer {
    let f: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3.0,
        0.1,
        -7.25,
        1e10,
        -1e10,
        3e9,
        -3e9,
        2147483648.0,
        4294967296.0,
        1e20,
        1e30,
        -1e30,
        1e-30,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        7.0,
        100.0,
        -100.0,
        65536.0,
        1e300,
        -1e-300,
        0.75,
    ];
    match dt {
        DType::F32 => host(&f.iter().map(|&x| x as f32).collect::<Vec<_>>()),
        DType::F64 => host(&f),
        DType::I32 => host(&[
            0,
            1,
            -1,
            2,
            -2,
            3,
            -7,
            7,
            i32::MIN,
            i32::MAX,
            46341,
            -46341,
            100,
            65536,
            -65536,
            31,
        ]),
        DType::I64 => host(&[
            0,
            1,
            -1,
            2,
            -2,
            3,
            -7,
            7,
            i64::MIN,
            i64::MAX,
            1 << 40,
            -(1 << 40),
            3037000500,
            65536,
            -9,
            63,
        ]),
        DType::U32 => host(&[
            0u32,
            1,
            2,
            3,
            7,
            u32::MAX,
            1 << 31,
            65536,
            100,
            46341,
            31,
            32,
            9,
            5,
            4,
            1000,
        ]),
        DType::Bool => host(&[0u8, 1, 1, 0, 1, 0, 0, 1]),
    }
}

fn count(dt: DType, h: &HostBuffer) -> usize {
    h.len() / dt.size_of()
}

/// How far apart the GPU's and the CPU's transcendental results may be:
/// each is within 2 ULP of the exact result.
const TRANSCENDENTAL_ULP: u64 = 4;

/// Ops whose GPU results may differ from the CPU's by a few ULP.
/// Whether the op table allows the op's backends to differ (a ULP bound
/// rather than exactness): their polynomial approximations need not agree
/// bit for bit.
fn approximate(accuracy: tandem_core::ops::Accuracy) -> bool {
    matches!(accuracy, tandem_core::ops::Accuracy::Ulp(_))
}

/// Equal up to `ulp` units in the last place (NaN equals NaN; infinities
/// and the sign of zero must match exactly).
fn close(dt: DType, a: &HostBuffer, b: &HostBuffer, ulp: u64) -> bool {
    let ok32 = |x: f32, y: f32| {
        (x.is_nan() && y.is_nan())
            || x.to_bits() == y.to_bits()
            || (x.is_finite() && y.is_finite() && x != 0.0 && y != 0.0 && ulps_f32(x, y) <= ulp)
    };
    let ok64 = |x: f64, y: f64| {
        (x.is_nan() && y.is_nan())
            || x.to_bits() == y.to_bits()
            || (x.is_finite() && y.is_finite() && x != 0.0 && y != 0.0 && ulps_f64(x, y) <= ulp)
    };
    match dt {
        DType::F32 => a
            .typed::<f32>()
            .iter()
            .zip(b.typed::<f32>())
            .all(|(&x, &y)| ok32(x, y)),
        DType::F64 => a
            .typed::<f64>()
            .iter()
            .zip(b.typed::<f64>())
            .all(|(&x, &y)| ok64(x, y)),
        _ => same(dt, a, b),
    }
}

/// Equal bit for bit, except that any NaN equals any NaN.
fn same(dt: DType, a: &HostBuffer, b: &HostBuffer) -> bool {
    match dt {
        DType::F32 => a
            .typed::<f32>()
            .iter()
            .zip(b.typed::<f32>())
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())),
        DType::F64 => a
            .typed::<f64>()
            .iter()
            .zip(b.typed::<f64>())
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())),
        _ => a.as_bytes() == b.as_bytes(),
    }
}

fn input(dt: DType, layout: Layout, buffer_len: usize) -> KernelInput {
    KernelInput {
        dtype: dt,
        layout,
        buffer_len,
    }
}

fn out(value: usize, dt: DType, shape: &[usize]) -> KernelOutput {
    let l = Layout::contiguous(shape);
    KernelOutput {
        value,
        dtype: dt,
        buffer_len: l.size(),
        layout: l,
    }
}

fn zeroed(k: &Kernel) -> Vec<HostBuffer> {
    k.outputs
        .iter()
        .map(|o| HostBuffer::zeroed(o.buffer_len * o.dtype.size_of()))
        .collect()
}

#[test]
fn every_unary_op_matches_the_cpu_backend() {
    let Some(gpu) = gpu() else { return };
    let (mut ran, mut routed, mut failures) = (0, 0, Vec::new());
    for &op in UnaryOp::ALL {
        for dt in DType::ALL {
            let Ok((compute, result)) = op.rule().resolve(op.name(), dt) else {
                continue;
            };
            let data = values(compute);
            let n = count(compute, &data);
            // Contiguous (the vec4 path), and the same values read reversed.
            for layout in [
                Layout::contiguous(&[n]),
                Layout {
                    shape: vec![n],
                    strides: vec![-1],
                    offset: n - 1,
                },
            ] {
                let k = Kernel {
                    shape: vec![n],
                    inputs: vec![input(compute, layout.clone(), n)],
                    instrs: vec![
                        Instr {
                            op: Op::Load(0),
                            dtype: compute,
                        },
                        Instr {
                            op: Op::Unary(op, 0),
                            dtype: result,
                        },
                    ],
                    outputs: vec![out(1, result, &[n])],
                    reduction: None,
                };
                if gpu.check(&k).is_err() {
                    routed += 1;
                    continue;
                }
                ran += 1;
                let (g, c) = both(&gpu, &k, std::slice::from_ref(&data), &zeroed(&k));
                let agree = if approximate(op.row().accuracy) {
                    close(result, &g[0], &c[0], TRANSCENDENTAL_ULP)
                } else {
                    same(result, &g[0], &c[0])
                };
                if !agree {
                    failures.push(format!(
                        "{}({}) strides {:?}: gpu {:?} cpu {:?}",
                        op.name(),
                        compute.name(),
                        layout.strides,
                        g[0].as_bytes(),
                        c[0].as_bytes()
                    ));
                }
            }
        }
    }
    eprintln!("unary: {ran} compared, {routed} left to the CPU by check()");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 100, "only {ran} ran");
}

#[test]
fn every_binary_op_matches_the_cpu_backend_on_all_value_pairs() {
    let Some(gpu) = gpu() else { return };
    let (mut ran, mut routed, mut failures) = (0, 0, Vec::new());
    for &op in BinaryOp::ALL {
        for dt in DType::ALL {
            let Ok((compute, result)) = op.rule().resolve(op.name(), dt) else {
                continue;
            };
            let data = values(compute);
            let n = count(compute, &data);
            // a[i] op b[j] over an n×n grid: a broadcast along rows, b along columns.
            let a = Layout {
                shape: vec![n, n],
                strides: vec![1, 0],
                offset: 0,
            };
            let b = Layout {
                shape: vec![n, n],
                strides: vec![0, 1],
                offset: 0,
            };
            let k = Kernel {
                shape: vec![n, n],
                inputs: vec![input(compute, a, n), input(compute, b, n)],
                instrs: vec![
                    Instr {
                        op: Op::Load(0),
                        dtype: compute,
                    },
                    Instr {
                        op: Op::Load(1),
                        dtype: compute,
                    },
                    Instr {
                        op: Op::Binary(op, 0, 1),
                        dtype: result,
                    },
                ],
                outputs: vec![out(2, result, &[n, n])],
                reduction: None,
            };
            if gpu.check(&k).is_err() {
                routed += 1;
                continue;
            }
            ran += 1;
            let (g, c) = both(&gpu, &k, &[data.clone(), data.clone()], &zeroed(&k));
            let agree = if approximate(op.row().accuracy) {
                close(result, &g[0], &c[0], TRANSCENDENTAL_ULP)
            } else {
                same(result, &g[0], &c[0])
            };
            if !agree {
                failures.push(format!("{}({})", op.name(), compute.name()));
            }
        }
    }
    eprintln!("binary: {ran} compared, {routed} left to the CPU by check()");
    assert!(failures.is_empty(), "differ: {}", failures.join(", "));
    assert!(ran >= 60, "only {ran} ran");
}

#[test]
fn casts_between_every_dtype_pair_match_the_cpu_backend() {
    let Some(gpu) = gpu() else { return };
    let mut failures = Vec::new();
    for from in DType::ALL {
        let data = values(from);
        let n = count(from, &data);
        for to in DType::ALL {
            for layout in [
                Layout::contiguous(&[n]),
                Layout {
                    shape: vec![n / 2],
                    strides: vec![2],
                    offset: 1,
                },
            ] {
                let m = layout.size();
                let k = Kernel {
                    shape: vec![m],
                    inputs: vec![input(from, layout.clone(), n)],
                    instrs: vec![
                        Instr {
                            op: Op::Load(0),
                            dtype: from,
                        },
                        Instr {
                            op: Op::Cast(0),
                            dtype: to,
                        },
                    ],
                    outputs: vec![out(1, to, &[m])],
                    reduction: None,
                };
                let (g, c) = both(&gpu, &k, std::slice::from_ref(&data), &zeroed(&k));
                if !same(to, &g[0], &c[0]) {
                    failures.push(format!(
                        "{} -> {} strides {:?}: gpu {:?} cpu {:?}",
                        from.name(),
                        to.name(),
                        layout.strides,
                        g[0].as_bytes(),
                        c[0].as_bytes()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn strided_outputs_write_only_their_region() {
    let Some(gpu) = gpu() else { return };
    for dt in DType::ALL {
        // where(mask, x, 2) into every other element of rows 1..3 of a 4×6
        // buffer (as `assign` does), twice: contiguous and transposed mask.
        for mask_strides in [vec![3, 1], vec![1, 2]] {
            let shape = [2usize, 3];
            let region = Layout {
                shape: shape.to_vec(),
                strides: vec![6, 2],
                offset: 7,
            };
            let mask = host(&[1u8, 0, 1, 1, 0, 0]);
            let x = values(dt);
            let k = Kernel {
                shape: shape.to_vec(),
                inputs: vec![
                    input(
                        DType::Bool,
                        Layout {
                            shape: shape.to_vec(),
                            strides: mask_strides.clone(),
                            offset: 0,
                        },
                        6,
                    ),
                    input(dt, Layout::contiguous(&shape), count(dt, &x)),
                ],
                instrs: vec![
                    Instr {
                        op: Op::Load(0),
                        dtype: DType::Bool,
                    },
                    Instr {
                        op: Op::Load(1),
                        dtype: dt,
                    },
                    Instr {
                        op: Op::Const(Scalar::I32(2).cast(dt)),
                        dtype: dt,
                    },
                    Instr {
                        op: Op::Select(0, 1, 2),
                        dtype: dt,
                    },
                ],
                outputs: vec![KernelOutput {
                    value: 3,
                    dtype: dt,
                    layout: region,
                    buffer_len: 24,
                }],
                reduction: None,
            };
            let mut init = HostBuffer::zeroed(24 * dt.size_of());
            init.as_bytes_mut().fill(0x5A);
            if dt == DType::Bool {
                init.as_bytes_mut().fill(1);
            }
            let (g, c) = both(&gpu, &k, &[mask, x], &[init]);
            assert!(
                same(dt, &g[0], &c[0]),
                "{}: gpu {:?} cpu {:?}",
                dt.name(),
                g[0].as_bytes(),
                c[0].as_bytes()
            );
        }
    }
}

#[test]
fn a_fused_expression_with_constants_matches() {
    let Some(gpu) = gpu() else { return };
    // (a * 3 + b) // 2 < a, in int32, over 1000 elements with b broadcast.
    let n = 1000;
    let a: Vec<i32> = (0..n as i32).map(|i| i * 7919 % 2001 - 1000).collect();
    let k = Kernel {
        shape: vec![n],
        inputs: vec![
            input(DType::I32, Layout::contiguous(&[n]), n),
            input(
                DType::I32,
                Layout {
                    shape: vec![n],
                    strides: vec![0],
                    offset: 0,
                },
                1,
            ),
        ],
        instrs: vec![
            Instr {
                op: Op::Load(0),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Load(1),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Const(Scalar::I32(3)),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Mul, 0, 2),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Add, 3, 1),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Const(Scalar::I32(2)),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Binary(BinaryOp::FloorDiv, 4, 5),
                dtype: DType::I32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Lt, 6, 0),
                dtype: DType::Bool,
            },
        ],
        outputs: vec![out(7, DType::Bool, &[n]), out(6, DType::I32, &[n])],
        reduction: None,
    };
    let (g, c) = both(&gpu, &k, &[host(&a), host(&[-5i32])], &zeroed(&k));
    assert_eq!(g[0].as_bytes(), c[0].as_bytes());
    assert_eq!(g[1].as_bytes(), c[1].as_bytes());
}
