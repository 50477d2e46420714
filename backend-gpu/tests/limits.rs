//! Work larger than the device's limits: an f32 array of more than 40
//! million elements (over lavapipe's 128 MiB storage-binding limit) through
//! an elementwise op and a sum; a launch of more than 65,535 × 256
//! invocations (a 2-D grid); and, on a backend opened with tiny limits,
//! strided kernels and reductions split across many windows and grid rows.

mod common;

use common::*;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::{BinaryOp, ReduceOp};
use tandem_core::{Backend, DType, Scalar};
use tandem_gpu::GpuOptions;

fn contiguous_in(dt: DType, n: usize) -> KernelInput {
    KernelInput {
        dtype: dt,
        layout: Layout::contiguous(&[n]),
        buffer_len: n,
    }
}

#[test]
fn an_array_larger_than_a_binding_maps_and_sums() {
    let Some(gpu) = gpu() else { return };
    let n = 40_000_003usize;
    assert!(
        (n * 4) as u64 > gpu.limits().max_binding,
        "the test must exceed the binding limit"
    );
    // x = i mod 1024, as f32; y = x * 0.5 - 1 (one pass), then sum(x) (one reduction).
    let data: Vec<f32> = (0..n).map(|i| (i % 1024) as f32).collect();
    let x = gpu.upload(&host(&data)).expect("upload");
    drop(data);
    let map = Kernel {
        shape: vec![n],
        inputs: vec![contiguous_in(DType::F32, n)],
        instrs: vec![
            Instr {
                op: Op::Load(0),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Const(Scalar::F32(0.5)),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Mul, 0, 1),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Const(Scalar::F32(1.0)),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Sub, 2, 3),
                dtype: DType::F32,
            },
        ],
        outputs: vec![KernelOutput {
            value: 4,
            dtype: DType::F32,
            layout: Layout::contiguous(&[n]),
            buffer_len: n,
        }],
        reduction: None,
    };
    let mut y = [gpu.alloc(n * 4).expect("alloc")];
    gpu.execute(&map, std::slice::from_ref(&x), &mut y)
        .expect("elementwise over > 128 MiB");
    let host_y = gpu.download(&y[0]).expect("download");
    let y = host_y.typed::<f32>();
    for i in [
        0,
        1,
        1023,
        1024,
        33_554_431,
        33_554_432,
        33_554_433,
        n / 2,
        n - 1,
    ] {
        assert_eq!(y[i], (i % 1024) as f32 * 0.5 - 1.0, "element {i}");
    }
    drop(host_y);
    let sum = Kernel {
        shape: vec![n],
        inputs: vec![contiguous_in(DType::F32, n)],
        instrs: vec![Instr {
            op: Op::Load(0),
            dtype: DType::F32,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: DType::F32,
            layout: Layout::contiguous(&[]),
            buffer_len: 1,
        }],
        reduction: Some(Reduction {
            op: ReduceOp::Sum,
            axes: vec![0],
        }),
    };
    let mut s = [gpu.alloc(4).expect("alloc")];
    gpu.execute(&sum, &[x], &mut s).expect("sum over > 128 MiB");
    let got = gpu.download(&s[0]).expect("download").typed::<f32>()[0] as f64;
    let full = (n / 1024) as f64 * (1023.0 * 1024.0 / 2.0);
    let tail: f64 = (0..n % 1024).map(|v| v as f64).sum();
    let want = full + tail;
    assert!((got - want).abs() <= want * 1e-6, "sum {got} vs {want}");
}

#[test]
fn more_than_65535_workgroups_use_a_2d_grid() {
    let Some(gpu) = gpu() else { return };
    // A transposed 4097×4097 u32 input: the strided (scalar) path, one
    // invocation per element, 4097² / 256 > 65,535 workgroups.
    let m = 4097usize;
    let n = m * m;
    assert!(n / gpu.limits().workgroup as usize > 65_535);
    let data: Vec<u32> = (0..n as u32).collect();
    let k = Kernel {
        shape: vec![m, m],
        inputs: vec![KernelInput {
            dtype: DType::U32,
            layout: Layout {
                shape: vec![m, m],
                strides: vec![1, m as isize],
                offset: 0,
            },
            buffer_len: n,
        }],
        instrs: vec![
            Instr {
                op: Op::Load(0),
                dtype: DType::U32,
            },
            Instr {
                op: Op::Const(Scalar::U32(1)),
                dtype: DType::U32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Add, 0, 1),
                dtype: DType::U32,
            },
        ],
        outputs: vec![KernelOutput {
            value: 2,
            dtype: DType::U32,
            layout: Layout::contiguous(&[m, m]),
            buffer_len: n,
        }],
        reduction: None,
    };
    let out = run_on(&*gpu, &k, &[host(&data)], &[HostBuffer::zeroed(n * 4)]).expect("runs");
    let out = out[0].typed::<u32>();
    for (i, j) in [
        (0, 0),
        (0, 1),
        (1, 0),
        (4096, 4096),
        (2000, 17),
        (4096, 0),
        (0, 4096),
    ] {
        assert_eq!(out[i * m + j], (j * m + i) as u32 + 1, "[{i}, {j}]");
    }
}

#[test]
fn tiny_limits_split_work_into_windows_and_grid_rows() {
    let opts = GpuOptions {
        max_binding_bytes: Some(4096),
        max_workgroups_per_dim: Some(3),
        ..Default::default()
    };
    let Some(small) = tandem_gpu::backends_with(&opts).into_iter().next() else {
        let _ = gpu();
        return;
    };
    assert_eq!(small.limits().max_binding, 4096);
    // Elementwise: a reversed f32 input (strided) plus a contiguous one, 20k elements.
    let n = 20_000usize;
    let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.25).collect();
    let b: Vec<f32> = (0..n).map(|i| (n - i) as f32).collect();
    let k = Kernel {
        shape: vec![n],
        inputs: vec![
            KernelInput {
                dtype: DType::F32,
                layout: Layout {
                    shape: vec![n],
                    strides: vec![-1],
                    offset: n - 1,
                },
                buffer_len: n,
            },
            contiguous_in(DType::F32, n),
        ],
        instrs: vec![
            Instr {
                op: Op::Load(0),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Load(1),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Sub, 0, 1),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Binary(BinaryOp::Gt, 0, 1),
                dtype: DType::Bool,
            },
        ],
        outputs: vec![
            KernelOutput {
                value: 2,
                dtype: DType::F32,
                layout: Layout::contiguous(&[n]),
                buffer_len: n,
            },
            KernelOutput {
                value: 3,
                dtype: DType::Bool,
                layout: Layout::contiguous(&[n]),
                buffer_len: n,
            },
        ],
        reduction: None,
    };
    let init = [HostBuffer::zeroed(n * 4), HostBuffer::zeroed(n)];
    let (g, c) = both(&small, &k, &[host(&a), host(&b)], &init);
    assert_eq!(g[0].as_bytes(), c[0].as_bytes());
    assert_eq!(g[1].as_bytes(), c[1].as_bytes());
    // Reductions of i32 matrices, split over many windows and passes.
    // (Strided rows must fit one binding: the 30×20 case.)
    for (r, cols, axes, op) in [
        (30usize, 2000usize, vec![1], ReduceOp::Sum),
        (30, 2000, vec![1], ReduceOp::ArgMax),
        (30, 2000, vec![0, 1], ReduceOp::Min),
        (30, 20, vec![0], ReduceOp::ArgMin),
    ] {
        let m: Vec<i32> = (0..(r * cols) as i32)
            .map(|i| (i * 37) % 1001 - 500)
            .collect();
        let kept: Vec<usize> = [r, cols]
            .iter()
            .enumerate()
            .filter(|(a, _)| !axes.contains(a))
            .map(|(_, &d)| d)
            .collect();
        let ol = Layout::contiguous(&kept);
        let k = Kernel {
            shape: vec![r, cols],
            inputs: vec![KernelInput {
                dtype: DType::I32,
                layout: Layout::contiguous(&[r, cols]),
                buffer_len: r * cols,
            }],
            instrs: vec![Instr {
                op: Op::Load(0),
                dtype: DType::I32,
            }],
            outputs: vec![KernelOutput {
                value: 0,
                dtype: if op.is_arg() { DType::I64 } else { DType::I32 },
                buffer_len: ol.size(),
                layout: ol,
            }],
            reduction: Some(Reduction {
                op,
                axes: axes.clone(),
            }),
        };
        let init = HostBuffer::zeroed(k.outputs[0].buffer_len * k.outputs[0].dtype.size_of());
        let (g, c) = both(&small, &k, &[host(&m)], &[init]);
        assert_eq!(
            g[0].as_bytes(),
            c[0].as_bytes(),
            "{} over {axes:?}",
            op.name()
        );
    }
}
