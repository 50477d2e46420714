//! Reductions on the real adapter against the CPU backend: every
//! `ReduceOp` × dtype × reduced axes (inner, outer = strided, all) ×
//! contiguous/transposed input × row length (serial rows, one workgroup
//! per row, several passes), with NaNs, ties and infinities in the data.
//! Integer and boolean results and all indices must match exactly; float
//! sums and products (whose order differs) to a relative tolerance. Every
//! combination runs on the GPU (`check` routes none to the CPU), including
//! sums of `Bool` values and `any`/`all` of numbers, which are also checked
//! against NumPy's values written out here.

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
            2 if i.is_multiple_of(5) => f64::NAN,
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
    let mut routed = Vec::new();
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
                        if let Err(e) = gpu.check(&k) {
                            routed.push(format!("{}({}): {e}", op.name(), dt.name()));
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
    eprintln!(
        "reductions: {ran} compared, {} left to the CPU by check()",
        routed.len()
    );
    assert!(
        routed.is_empty(),
        "check() routes reductions to the CPU:\n{}",
        routed.join("\n")
    );
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

/// A kernel reducing `op` over `axes` of values of `dt` read from a
/// contiguous input of `shape`, writing the value's dtype (NumPy's
/// `np.add.reduce(x, axis, dtype=x.dtype)` and friends).
fn plain(op: ReduceOp, dt: DType, shape: &[usize], axes: &[usize]) -> Kernel {
    let kept: Vec<usize> = (0..shape.len())
        .filter(|a| !axes.contains(a))
        .map(|a| shape[a])
        .collect();
    let out = Layout::contiguous(&kept);
    Kernel {
        shape: shape.to_vec(),
        inputs: vec![KernelInput {
            dtype: dt,
            layout: Layout::contiguous(shape),
            buffer_len: shape.iter().product(),
        }],
        instrs: vec![Instr {
            op: Op::Load(0),
            dtype: dt,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: dt,
            buffer_len: out.size(),
            layout: out,
        }],
        reduction: Some(Reduction {
            op,
            axes: axes.to_vec(),
        }),
    }
}

/// Runs `op` over `axes` on the GPU (which must accept it) and on the CPU
/// backend, checks they agree bit for bit, and returns the GPU's bytes.
fn run_both(
    op: ReduceOp,
    dt: DType,
    shape: &[usize],
    axes: &[usize],
    input: HostBuffer,
) -> Vec<u8> {
    let gpu = gpu().expect("a GPU (the caller checked)");
    let k = plain(op, dt, shape, axes);
    gpu.check(&k)
        .unwrap_or_else(|e| panic!("check refuses {}({}): {e}", op.name(), dt.name()));
    let init = HostBuffer::zeroed(k.outputs[0].buffer_len * dt.size_of());
    let (g, c) = both(&gpu, &k, &[input], &[init]);
    assert_eq!(
        g[0].as_bytes(),
        c[0].as_bytes(),
        "{}({}) over {axes:?} of {shape:?}: GPU and CPU differ",
        op.name(),
        dt.name()
    );
    g[0].as_bytes().to_vec()
}

#[test]
fn bool_sums_are_numpy_bool_add_and_multiply() {
    if gpu().is_none() {
        return;
    }
    // np.add.reduce(b, axis, dtype=bool) is logical or, np.multiply.reduce
    // logical and (and nansum is sum): 256 trues sum to True, not a wrapped 0.
    let all_true = vec![1u8; 256 * 3];
    for op in [ReduceOp::Sum, ReduceOp::NanSum, ReduceOp::Prod] {
        let g = run_both(op, DType::Bool, &[256, 3], &[0], host(&all_true));
        assert_eq!(g, vec![1, 1, 1], "{} of 256 trues", op.name());
        let g = run_both(op, DType::Bool, &[3, 256], &[1], host(&all_true));
        assert_eq!(g, vec![1, 1, 1], "{} of 256 trues", op.name());
    }
    // Rows: all false, one true, all true, alternating; over both axes and all.
    let rows: [[u8; 8]; 4] = [
        [0; 8],
        [0, 0, 0, 0, 0, 1, 0, 0],
        [1; 8],
        [1, 0, 1, 0, 1, 0, 1, 0],
    ];
    let flat: Vec<u8> = rows.iter().flatten().copied().collect();
    let any_row = vec![0, 1, 1, 1];
    let all_row = vec![0, 0, 1, 0];
    let any_col = vec![1u8; 8];
    let all_col = vec![0u8; 8];
    for (op, row, col, whole) in [
        (ReduceOp::Sum, &any_row, &any_col, 1u8),
        (ReduceOp::NanSum, &any_row, &any_col, 1),
        (ReduceOp::Prod, &all_row, &all_col, 0),
    ] {
        let g = run_both(op, DType::Bool, &[4, 8], &[1], host(&flat));
        assert_eq!(&g, row, "{} over axis 1", op.name());
        let g = run_both(op, DType::Bool, &[4, 8], &[0], host(&flat));
        assert_eq!(&g, col, "{} over axis 0", op.name());
        let g = run_both(op, DType::Bool, &[4, 8], &[0, 1], host(&flat));
        assert_eq!(g, vec![whole], "{} over both axes", op.name());
    }
    // Long rows (several passes): one true at the very end of each.
    let n = 70_000;
    let mut long = vec![0u8; 2 * n];
    long[n - 1] = 1;
    long[2 * n - 1] = 1;
    let g = run_both(ReduceOp::Sum, DType::Bool, &[2, n], &[1], host(&long));
    assert_eq!(g, vec![1, 1]);
    let g = run_both(ReduceOp::Prod, DType::Bool, &[2, n], &[1], host(&long));
    assert_eq!(g, vec![0, 0]);
}

#[test]
fn any_and_all_of_numbers_test_truth_like_numpy() {
    if gpu().is_none() {
        return;
    }
    // Rows of 3: NaN is true, -0.0 and 0.0 are false, the smallest f32
    // subnormal (no flush to zero) and infinities are true. any/all write 0 or 1 in the
    // value's dtype (np.logical_or.reduce(x, dtype=x.dtype)).
    let nan = f64::NAN;
    let rows: [[f64; 3]; 6] = [
        [-0.0, 0.0, -0.0],
        [nan, 0.0, 0.0],
        [0.0, -0.0, f64::from(f32::from_bits(1))],
        [1.0, nan, -1.0],
        [f64::INFINITY, f64::NEG_INFINITY, nan],
        [0.5, 0.0, 2.0],
    ];
    let any = [0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let all = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0];
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    for (op, want) in [(ReduceOp::Any, any), (ReduceOp::All, all)] {
        let g = run_both(op, DType::F64, &[6, 3], &[1], host(&flat));
        assert_eq!(
            bytemuck::cast_slice::<u8, f64>(&g),
            want,
            "{}(f64)",
            op.name()
        );
        let f32s: Vec<f32> = flat.iter().map(|&x| x as f32).collect();
        let g = run_both(op, DType::F32, &[6, 3], &[1], host(&f32s));
        let want32: Vec<f32> = want.iter().map(|&x| x as f32).collect();
        assert_eq!(
            bytemuck::cast_slice::<u8, f32>(&g),
            want32,
            "{}(f32)",
            op.name()
        );
        // Over axis 0 of the transpose-free [6, 3]: columns.
        let g = run_both(op, DType::F32, &[6, 3], &[0], host(&f32s));
        let col = if op == ReduceOp::Any {
            [1.0f32; 3]
        } else {
            [0.0; 3]
        };
        assert_eq!(
            bytemuck::cast_slice::<u8, f32>(&g),
            col,
            "{}(f32) axis 0",
            op.name()
        );
    }
    // Integers: only 0 is false (i32::MIN and u32::MAX are true).
    let ints: [[i32; 3]; 4] = [[0, 0, 0], [0, i32::MIN, 0], [1, -1, i32::MAX], [7, 0, 7]];
    let flat: Vec<i32> = ints.iter().flatten().copied().collect();
    let g = run_both(ReduceOp::Any, DType::I32, &[4, 3], &[1], host(&flat));
    assert_eq!(bytemuck::cast_slice::<u8, i32>(&g), [0, 1, 1, 1]);
    let g = run_both(ReduceOp::All, DType::I32, &[4, 3], &[1], host(&flat));
    assert_eq!(bytemuck::cast_slice::<u8, i32>(&g), [0, 0, 1, 0]);
    let u: Vec<u32> = flat.iter().map(|&x| x as u32).collect();
    let g = run_both(ReduceOp::Any, DType::U32, &[4, 3], &[1], host(&u));
    assert_eq!(bytemuck::cast_slice::<u8, u32>(&g), [0, 1, 1, 1]);
    let g = run_both(ReduceOp::All, DType::U32, &[4, 3], &[1], host(&u));
    assert_eq!(bytemuck::cast_slice::<u8, u32>(&g), [0, 0, 1, 0]);
    let wide: Vec<i64> = flat.iter().map(|&x| i64::from(x) << 32).collect();
    let g = run_both(ReduceOp::Any, DType::I64, &[4, 3], &[1], host(&wide));
    assert_eq!(bytemuck::cast_slice::<u8, i64>(&g), [0, 1, 1, 1]);
    // Long rows (several passes): a single NaN or -0.0 decides.
    let n = 70_000;
    let mut x = vec![-0.0f32; 2 * n];
    x[2 * n - 1] = f32::NAN;
    let g = run_both(ReduceOp::Any, DType::F32, &[2, n], &[1], host(&x));
    assert_eq!(bytemuck::cast_slice::<u8, f32>(&g), [0.0, 1.0]);
    let mut y = vec![1.0f32; 2 * n];
    y[n / 2] = -0.0;
    let g = run_both(ReduceOp::All, DType::F32, &[2, n], &[1], host(&y));
    assert_eq!(bytemuck::cast_slice::<u8, f32>(&g), [0.0, 1.0]);
}
