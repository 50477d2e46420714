//! Work larger than the device's limits: an f32 array of more than 40
//! million elements (over lavapipe's 128 MiB storage-binding limit) through
//! an elementwise op and a sum; reductions over either axis of f32 and i32
//! matrices larger than a binding, including a reduced axis whose stride
//! alone spans more than a binding; a launch of more than 65,535 × 256
//! invocations (a 2-D grid); on a backend opened with tiny limits, strided
//! kernels and reductions split across many windows and grid rows; a long
//! run of distinct kernels whose pipeline and bind group caches level off
//! at their caps; and
//! (ignored by default: tens of seconds on lavapipe) reductions of more
//! than 2^31 elements.

mod common;

use common::*;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp as R;
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
    // (Rows wider than a binding: tiny_limits_reduce_axes_whose_outputs_span_more_than_a_binding.)
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

/// A kernel reducing `op` over `axes` of a plain load of one input with
/// `layout` (of `buffer_len` elements), into a contiguous output.
fn reduce_load(
    op: ReduceOp,
    dt: DType,
    layout: Layout,
    buffer_len: usize,
    axes: &[usize],
) -> Kernel {
    let kept: Vec<usize> = (0..layout.shape.len())
        .filter(|a| !axes.contains(a))
        .map(|a| layout.shape[a])
        .collect();
    let out = Layout::contiguous(&kept);
    Kernel {
        shape: layout.shape.clone(),
        inputs: vec![KernelInput {
            dtype: dt,
            layout,
            buffer_len,
        }],
        instrs: vec![Instr {
            op: Op::Load(0),
            dtype: dt,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: if op.is_arg() { DType::I64 } else { dt },
            buffer_len: out.size(),
            layout: out,
        }],
        reduction: Some(Reduction {
            op,
            axes: axes.to_vec(),
        }),
    }
}

/// Runs `k` on `gpu` over the already uploaded `x`, returning the output.
fn execute(
    gpu: &tandem_gpu::GpuBackend,
    k: &Kernel,
    x: &tandem_core::backend::Buffer,
) -> HostBuffer {
    gpu.check(k).expect("check accepts the kernel");
    let o = &k.outputs[0];
    let mut out = [gpu.alloc(o.buffer_len * o.dtype.size_of()).expect("alloc")];
    gpu.execute(k, std::slice::from_ref(x), &mut out)
        .unwrap_or_else(|e| panic!("{e}\n{k}"));
    gpu.download(&out[0]).expect("download")
}

#[test]
fn column_and_row_sums_of_matrices_larger_than_a_binding() {
    let Some(gpu) = gpu() else { return };
    let max = gpu.limits().max_binding as usize;
    // f32 values 0/1 (column sums stay below 2^24, so every order of
    // summation is exact).
    let one = |i: usize| f32::from(u8::from(i.is_multiple_of(11) || i % 7 == 3));
    // A (10.5M, 4) matrix (168 MB): sum over axis 0 (four long strided
    // columns) and over axis 1 (10.5M rows of 4).
    let (r, c) = (10_500_000usize, 4usize);
    assert!(r * c * 4 > max, "the test must exceed the binding limit");
    let data: Vec<f32> = (0..r * c).map(one).collect();
    let x = gpu.upload(&host(&data)).expect("upload");
    let layout = Layout::contiguous(&[r, c]);
    let cols = execute(
        &gpu,
        &reduce_load(R::Sum, DType::F32, layout.clone(), r * c, &[0]),
        &x,
    );
    let mut want = [0f32; 4];
    for (i, v) in data.iter().enumerate() {
        want[i % c] += v;
    }
    assert_eq!(cols.typed::<f32>(), want, "sum over axis 0");
    let rows = execute(
        &gpu,
        &reduce_load(R::Sum, DType::F32, layout, r * c, &[1]),
        &x,
    );
    let rows = rows.typed::<f32>();
    for i in [0, 1, 2, 77, r / 2, r - 2, r - 1] {
        let w: f32 = data[i * c..i * c + c].iter().sum();
        assert_eq!(rows[i], w, "sum of row {i}");
    }
    drop((x, data));

    // A (4, 12M) matrix (192 MB): over axis 0 each output reduces 4
    // elements 48 MB apart, so one output's elements span 144 MB, more
    // than a binding. The same through a transposed (12M, 4) view over
    // axis 1, and an argmax (partial indices) over i32.
    let (r, c) = (4usize, 12_000_000usize);
    assert!(
        (r - 1) * c * 4 > max,
        "one output must span more than a binding"
    );
    let data: Vec<f32> = (0..r * c).map(one).collect();
    let x = gpu.upload(&host(&data)).expect("upload");
    let want = |j: usize| -> f32 { (0..r).map(|i| data[i * c + j]).sum() };
    let check = |got: &[f32], what: &str| {
        assert_eq!(got.len(), c);
        for j in [0, 1, 2, 3, 4, 5, 6, 7, 1000, c / 2, c - 2, c - 1] {
            assert_eq!(got[j], want(j), "{what}: column {j}");
        }
        let total: f64 = got.iter().map(|&v| f64::from(v)).sum();
        let expected: f64 = data.iter().map(|&v| f64::from(v)).sum();
        assert_eq!(total, expected, "{what}: total");
    };
    let got = execute(
        &gpu,
        &reduce_load(R::Sum, DType::F32, Layout::contiguous(&[r, c]), r * c, &[0]),
        &x,
    );
    check(got.typed::<f32>(), "(4, 12M) over axis 0");
    let t = Layout {
        shape: vec![c, r],
        strides: vec![1, c as isize],
        offset: 0,
    };
    let got = execute(&gpu, &reduce_load(R::Sum, DType::F32, t, r * c, &[1]), &x);
    check(got.typed::<f32>(), "transposed (12M, 4) over axis 1");
    drop((x, data));
    let ints: Vec<i32> = (0..r * c).map(|i| ((i * 7919) % 13) as i32).collect();
    let x = gpu.upload(&host(&ints)).expect("upload");
    let got = execute(
        &gpu,
        &reduce_load(
            R::ArgMax,
            DType::I32,
            Layout::contiguous(&[r, c]),
            r * c,
            &[0],
        ),
        &x,
    );
    let got = got.typed::<i64>();
    for j in (0..c).step_by(99_991).chain([c - 1]) {
        let col: Vec<i32> = (0..r).map(|i| ints[i * c + j]).collect();
        let best = col.iter().copied().max().expect("non-empty");
        let first = col.iter().position(|&v| v == best).expect("present") as i64;
        assert_eq!(got[j], first, "argmax of column {j}");
    }
}

/// Deterministic small integers (as `dt`) for `n` elements, with NaNs in
/// float data (every 23rd element) when `nans`.
fn small(dt: DType, n: usize, seed: usize, nans: bool) -> HostBuffer {
    let v = |i: usize| ((i.wrapping_mul(2654435761) ^ seed) >> 3) % 9;
    let nan = |i: usize| nans && i % 23 == 5;
    match dt {
        DType::F32 => host(
            &(0..n)
                .map(|i| if nan(i) { f32::NAN } else { v(i) as f32 - 4.0 })
                .collect::<Vec<_>>(),
        ),
        DType::F64 => host(
            &(0..n)
                .map(|i| if nan(i) { f64::NAN } else { v(i) as f64 - 4.0 })
                .collect::<Vec<_>>(),
        ),
        DType::I32 => host(&(0..n).map(|i| v(i) as i32 - 4).collect::<Vec<_>>()),
        DType::U32 => host(&(0..n).map(|i| v(i) as u32).collect::<Vec<_>>()),
        DType::I64 => host(&(0..n).map(|i| (v(i) as i64 - 4) << 33).collect::<Vec<_>>()),
        DType::Bool => host(&(0..n).map(|i| u8::from(v(i) != 0)).collect::<Vec<_>>()),
    }
}

#[test]
fn tiny_limits_reduce_axes_whose_outputs_span_more_than_a_binding() {
    let opts = GpuOptions {
        max_binding_bytes: Some(4096),
        max_workgroups_per_dim: Some(7),
        ..Default::default()
    };
    let Some(small_gpu) = tandem_gpu::backends_with(&opts).into_iter().next() else {
        let _ = gpu();
        return;
    };
    let cpu = tandem_cpu::CpuBackend::new();
    // Layouts whose reduced elements lie far apart (each output spans far
    // more than the 4 KiB binding), kept and reduced axes interleaved, and
    // long rows that take several passes of windowed partials.
    let layouts: Vec<(Layout, Vec<usize>)> = vec![
        (Layout::contiguous(&[30, 2000]), vec![0]),
        (
            Layout {
                shape: vec![2000, 30],
                strides: vec![1, 2000],
                offset: 0,
            },
            vec![1],
        ),
        (Layout::contiguous(&[300, 200]), vec![0]),
        (
            Layout {
                shape: vec![6, 40, 50],
                strides: vec![1, 300, 6],
                offset: 0,
            },
            vec![0, 2],
        ),
        (
            Layout {
                shape: vec![200, 150],
                strides: vec![1, 200],
                offset: 0,
            },
            vec![0, 1],
        ),
        (Layout::contiguous(&[3, 20_000]), vec![1]),
    ];
    let cases: [(ReduceOp, DType); 9] = [
        (R::Sum, DType::I32),
        (R::Sum, DType::F64),
        (R::NanSum, DType::F32),
        (R::Prod, DType::Bool),
        (R::Sum, DType::Bool),
        (R::Any, DType::F32),
        (R::All, DType::I64),
        (R::NanMin, DType::F32),
        (R::ArgMax, DType::F64),
    ];
    let mut failures = Vec::new();
    let mut ran = 0;
    for (layout, axes) in &layouts {
        let n: usize = layout.shape.iter().product();
        for (i, &(op, dt)) in cases.iter().enumerate() {
            let k = reduce_load(op, dt, layout.clone(), n, axes);
            if let Err(e) = small_gpu.check(&k) {
                failures.push(format!("{} refused: {e}", op.name()));
                continue;
            }
            let input = small(dt, n, i, true);
            let init = HostBuffer::zeroed(k.outputs[0].buffer_len * k.outputs[0].dtype.size_of());
            let g = run_on(
                &*small_gpu,
                &k,
                std::slice::from_ref(&input),
                std::slice::from_ref(&init),
            );
            let c = run_on(&cpu, &k, &[input], &[init]).expect("the CPU runs every reduction");
            ran += 1;
            match g {
                Ok(g) if g[0].as_bytes() == c[0].as_bytes() => {}
                Ok(_) => failures.push(format!(
                    "{}({}) over {axes:?} of {:?} strides {:?}: GPU and CPU differ",
                    op.name(),
                    dt.name(),
                    layout.shape,
                    layout.strides
                )),
                Err(e) => failures.push(format!(
                    "{}({}) over {axes:?} of {:?}: {e}",
                    op.name(),
                    dt.name(),
                    layout.shape
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A reduction over a [rows, cols] broadcast of one input of `len`
/// elements (`strides` picks which axis it varies along), `op` over both axes.
fn broadcast_reduction(
    op: ReduceOp,
    dt: DType,
    rows: usize,
    cols: usize,
    strides: [isize; 2],
    len: usize,
) -> Kernel {
    reduce_load(
        op,
        dt,
        Layout {
            shape: vec![rows, cols],
            strides: strides.to_vec(),
            offset: 0,
        },
        len,
        &[0, 1],
    )
}

#[test]
fn reductions_of_more_than_2_pow_31_elements_are_accepted() {
    let Some(gpu) = gpu() else { return };
    // A broadcast input makes a kernel of 2^31 + 4633 elements from a
    // buffer of 46,341: check() accepts it (it used to refuse kernels of
    // more than i32::MAX elements); the ignored test below runs it.
    let k = broadcast_reduction(R::Sum, DType::U32, 46_341, 46_341, [0, 1], 46_341);
    assert!(k.size() > 1 << 31);
    gpu.check(&k)
        .expect("a reduction of more than 2^31 elements runs on the GPU");
    // Elementwise kernels keep the 32-bit limit.
    let mut e = k.clone();
    e.reduction = None;
    e.outputs[0].layout = Layout::contiguous(&[46_341, 46_341]);
    e.outputs[0].buffer_len = k.size();
    assert!(gpu.check(&e).is_err());
}

/// Runs for tens of seconds on lavapipe (2^31 elements through a strided
/// read): `cargo test -p tandem-gpu --test limits -- --ignored`.
#[test]
#[ignore]
fn reductions_of_more_than_2_pow_31_elements_run() {
    let Some(gpu) = gpu() else { return };
    let n = 46_341usize;
    // Sum of a row broadcast down 46,341 rows, wrapping in u32 as NumPy's
    // uint32 add.reduce does.
    let b: Vec<u32> = (0..n as u32).map(|i| i % 1000 + 1).collect();
    let x = gpu.upload(&host(&b)).expect("upload");
    let got = execute(
        &gpu,
        &broadcast_reduction(R::Sum, DType::U32, n, n, [0, 1], n),
        &x,
    );
    let row: u64 = b.iter().map(|&v| u64::from(v)).sum();
    assert_eq!(got.typed::<u32>()[0], (row * n as u64) as u32, "sum");
    // argmax of a column broadcast along rows, whose largest value comes
    // first in its last row: the answer, (n-1) * n + ... > 2^31, must come
    // back as a non-negative i64.
    let rows = n + 1;
    let mut a: Vec<i32> = (0..rows as i32).map(|i| i % 100).collect();
    a[rows - 1] = 1000;
    let x = gpu.upload(&host(&a)).expect("upload");
    let got = execute(
        &gpu,
        &broadcast_reduction(R::ArgMax, DType::I32, rows, n, [1, 0], rows),
        &x,
    );
    let want = ((rows - 1) * n) as i64;
    assert!(want > 1 << 31);
    assert_eq!(got.typed::<i64>()[0], want, "argmax");
}

#[test]
fn the_caches_level_off_in_a_long_run_of_distinct_kernels() {
    // A backend keeping 6 pipelines runs 24 kernels of distinct structure
    // (x + c, then x * c + c, … : one more op each), twice: the pipeline
    // cache never holds more than 6, evicted pipelines are compiled again,
    // bind groups stay under their cap, and every result matches the CPU.
    let opts = GpuOptions {
        max_cached_pipelines: Some(6),
        ..Default::default()
    };
    let Some(gpu) = tandem_gpu::backends_with(&opts).into_iter().next() else {
        let _ = common::gpu();
        return;
    };
    let n = 1000usize;
    let x: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 100.0).collect();
    let ops = [
        BinaryOp::Add,
        BinaryOp::Mul,
        BinaryOp::Sub,
        BinaryOp::Maximum,
    ];
    for round in 0..2 {
        for len in 1..=24usize {
            let mut instrs = vec![Instr {
                op: Op::Load(0),
                dtype: DType::F32,
            }];
            for i in 0..len {
                instrs.push(Instr {
                    op: Op::Const(Scalar::F32(1.0 + i as f32)),
                    dtype: DType::F32,
                });
                let (a, b) = (instrs.len() - 2, instrs.len() - 1);
                instrs.push(Instr {
                    op: Op::Binary(ops[(i + len) % ops.len()], a, b),
                    dtype: DType::F32,
                });
            }
            let k = Kernel {
                shape: vec![n],
                inputs: vec![contiguous_in(DType::F32, n)],
                outputs: vec![KernelOutput {
                    value: instrs.len() - 1,
                    dtype: DType::F32,
                    layout: Layout::contiguous(&[n]),
                    buffer_len: n,
                }],
                instrs,
                reduction: None,
            };
            let (g, c) = both(&gpu, &k, &[host(&x)], &[HostBuffer::zeroed(n * 4)]);
            assert_eq!(g[0].as_bytes(), c[0].as_bytes(), "round {round}, {len} ops");
            assert!(
                gpu.cached_pipelines() <= 6,
                "{} pipelines",
                gpu.cached_pipelines()
            );
            assert!(gpu.cached_bind_groups() <= 4096);
        }
    }
    // The second round found none of the first round's early kernels.
    let misses = tandem_core::stats().pipeline_cache_misses;
    assert!(misses >= 2 * 24 - 6, "{misses} compilations");
}
