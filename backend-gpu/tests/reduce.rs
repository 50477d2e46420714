//! Reductions on the real adapter against the CPU backend: every
//! `ReduceOp` × dtype × reduced axes (inner, outer = strided, all) ×
//! contiguous/transposed input × row length (serial rows, one workgroup
//! per row, several passes), with NaNs, ties and infinities in the data.
//! Integer and boolean results and all indices must match exactly; float
//! sums and products (whose order differs) to a relative tolerance.

mod common;

use common::*;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp;
use tandem_core::{Backend, DType};

const OPS: [ReduceOp; 13] = [
    ReduceOp::Sum,
    ReduceOp::Prod,
    ReduceOp::Min,
    ReduceOp::Max,
    ReduceOp::NanSum,
    ReduceOp::NanMin,
    ReduceOp::NanMax,
    ReduceOp::Any,
    ReduceOp::All,
    ReduceOp::ArgMin,
    ReduceOp::ArgMax,
    ReduceOp::NanArgMin,
    ReduceOp::NanArgMax,
];

/// Deterministic data for `n` elements of `dt`; `nan_rows` puts NaNs in
/// some rows of length `row` (one row all-NaN for the nan* ops' -1).
fn data(dt: DType, n: usize, row: usize, seed: u64) -> HostBuffer {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as i64
    };
    let small: Vec<i64> = (0..n).map(|_| next() % 7 - 3).collect();
    let float = |i: usize, v: i64| -> f64 {
        let r = i / row;
        match r % 4 {
            1 if i % row == row / 2 => f64::NAN,
            2 if i % 5 == 0 => f64::NAN,
            3 => f64::NAN,
            _ if i % 97 == 13 => -0.0,
            _ => 1.0 + v as f64 / 64.0,
        }
    };
    match dt {
        DType::F32 => host(
            &(0..n)
                .map(|i| float(i, small[i]) as f32)
                .collect::<Vec<_>>(),
        ),
        DType::F64 => host(&(0..n).map(|i| float(i, small[i])).collect::<Vec<_>>()),
        DType::I32 => host(&small.iter().map(|&v| v as i32).collect::<Vec<_>>()),
        DType::I64 => host(&small.iter().map(|&v| v << 33).collect::<Vec<_>>()),
        DType::U32 => host(&small.iter().map(|&v| (v + 3) as u32).collect::<Vec<_>>()),
        DType::Bool => host(&small.iter().map(|&v| u8::from(v > -3)).collect::<Vec<_>>()),
    }
}

fn kernel(op: ReduceOp, dt: DType, shape: [usize; 2], axes: &[usize], transposed: bool) -> Kernel {
    let layout = if transposed {
        Layout {
            shape: shape.to_vec(),
            strides: vec![1, shape[0] as isize],
            offset: 0,
        }
    } else {
        Layout::contiguous(&shape)
    };
    let kept: Vec<usize> = (0..2)
        .filter(|a| !axes.contains(a))
        .map(|a| shape[a])
        .collect();
    let out = Layout::contiguous(&kept);
    let odt = if op.is_arg() { DType::I64 } else { dt };
    Kernel {
        shape: shape.to_vec(),
        inputs: vec![KernelInput {
            dtype: dt,
            layout,
            buffer_len: shape[0] * shape[1],
        }],
        instrs: vec![Instr {
            op: Op::Load(0),
            dtype: dt,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: odt,
            buffer_len: out.size(),
            layout: out,
        }],
        reduction: Some(Reduction {
            op,
            axes: axes.to_vec(),
        }),
    }
}

fn close(g: f64, c: f64, rel: f64) -> bool {
    (g.is_nan() && c.is_nan()) || g == c || (g - c).abs() <= rel * c.abs().max(1.0)
}

fn compare(op: ReduceOp, dt: DType, g: &HostBuffer, c: &HostBuffer) -> Result<(), String> {
    let inexact = matches!(op, ReduceOp::Sum | ReduceOp::NanSum | ReduceOp::Prod) && dt.is_float();
    let same = match (dt, op.is_arg()) {
        (_, true) => g.typed::<i64>() == c.typed::<i64>(),
        (DType::F32, false) if inexact => g
            .typed::<f32>()
            .iter()
            .zip(c.typed::<f32>())
            .all(|(&a, &b)| close(a as f64, b as f64, 1e-5)),
        (DType::F64, false) if inexact => g
            .typed::<f64>()
            .iter()
            .zip(c.typed::<f64>())
            .all(|(&a, &b)| close(a, b, 1e-12)),
        (DType::F32, false) => g.typed::<f32>().iter().zip(c.typed::<f32>()).all(|(a, b)| {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || (*a == 0.0 && *b == 0.0)
        }),
        (DType::F64, false) => g.typed::<f64>().iter().zip(c.typed::<f64>()).all(|(a, b)| {
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || (*a == 0.0 && *b == 0.0)
        }),
        _ => g.as_bytes() == c.as_bytes(),
    };
    if same {
        Ok(())
    } else {
        let show = |h: &HostBuffer| -> String {
            let s = match (dt, op.is_arg()) {
                (_, true) => format!("{:?}", h.typed::<i64>()),
                (DType::F32, _) => format!("{:?}", h.typed::<f32>()),
                (DType::F64, _) => format!("{:?}", h.typed::<f64>()),
                (DType::I32, _) => format!("{:?}", h.typed::<i32>()),
                (DType::I64, _) => format!("{:?}", h.typed::<i64>()),
                (DType::U32, _) => format!("{:?}", h.typed::<u32>()),
                (DType::Bool, _) => format!("{:?}", h.as_bytes()),
            };
            s.chars().take(300).collect()
        };
        Err(format!("gpu {} vs cpu {}", show(g), show(c)))
    }
}

#[test]
fn every_reduction_matches_the_cpu_backend() {
    let Some(gpu) = gpu() else { return };
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut routed = 0;
    for op in OPS {
        for dt in DType::ALL {
            for (shape, long) in [([6, 9], false), ([4, 300], false), ([3, 9000], true)] {
                for axes in [vec![1], vec![0], vec![0, 1]] {
                    for transposed in [false, true] {
                        // Keep the slowest combinations (long rows) to the contiguous case.
                        if long && transposed && axes != [1] {
                            continue;
                        }
                        let k = kernel(op, dt, shape, &axes, transposed);
                        if gpu.check(&k).is_err() {
                            routed += 1;
                            continue;
                        }
                        let n = shape[0] * shape[1];
                        let row = if axes == [0] { shape[0] } else { shape[1] };
                        let input = data(dt, n, row, n as u64 + op as u64);
                        let init = HostBuffer::zeroed(
                            k.outputs[0].buffer_len * k.outputs[0].dtype.size_of(),
                        );
                        let (g, mut c) = both(
                            &gpu,
                            &k,
                            std::slice::from_ref(&input),
                            std::slice::from_ref(&init),
                        );
                        // For integers and bools nanmin/nanmax are min/max. (The CPU
                        // backend's rows strategy starts them from 0 instead:
                        // reported; compare with its min/max until it is fixed.)
                        if !dt.is_float() && matches!(op, ReduceOp::NanMin | ReduceOp::NanMax) {
                            let plain = if op == ReduceOp::NanMin {
                                ReduceOp::Min
                            } else {
                                ReduceOp::Max
                            };
                            let k2 = kernel(plain, dt, shape, &axes, transposed);
                            c = run_on(&tandem_cpu::CpuBackend::new(), &k2, &[input], &[init])
                                .expect("the CPU runs every reduction");
                        }
                        ran += 1;
                        if let Err(e) = compare(op, dt, &g[0], &c[0]) {
                            failures.push(format!(
                                "{}({}) shape {shape:?} axes {axes:?} transposed={transposed}: {e}",
                                op.name(),
                                dt.name()
                            ));
                        }
                    }
                }
            }
        }
    }
    eprintln!("reductions: {ran} compared, {routed} left to the CPU by check()");
    assert!(
        failures.is_empty(),
        "{} of {ran} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran > 600, "only {ran} reductions ran on the GPU");
}

#[test]
fn strided_reduction_output_leaves_other_elements_alone() {
    let Some(gpu) = gpu() else { return };
    let mut k = kernel(ReduceOp::Max, DType::I32, [4, 100], &[1], false);
    // Write the 4 results to positions 9, 6, 3, 0 of a 10-element buffer.
    k.outputs[0].layout = Layout {
        shape: vec![4],
        strides: vec![-3],
        offset: 9,
    };
    k.outputs[0].buffer_len = 10;
    let input = data(DType::I32, 400, 100, 7);
    let init = host(&[-99i32; 10]);
    let (g, c) = both(&gpu, &k, &[input], &[init]);
    assert_eq!(g[0].typed::<i32>(), c[0].typed::<i32>());
    assert_eq!(g[0].typed::<i32>()[1], -99);
}
