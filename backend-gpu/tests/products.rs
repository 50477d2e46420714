//! Kernels with a matrix product, built by hand, on the real adapter
//! against the CPU backend: transposed, reversed, offset and broadcast
//! operands, batches (broadcast too), sizes that no tile divides, every
//! dtype, epilogues (a bias and `maximum`, a comparison into `Bool`),
//! reductions after the product, vector products (the naive form), every
//! tile candidate and the naive form on the same kernels, operands larger
//! than a storage binding (tiny limits), and a property test over random
//! shapes and strides.
//!
//! Integer products (wrapping ones included) must match bit for bit; so
//! must float products of small integers (exact in any order). Random
//! floats must agree within the product's error bound: `k · ε · Σ|a||b|`.

mod common;

use common::*;
use proptest::prelude::*;
use std::sync::Arc;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Dot, Instr, Kernel, KernelInput, KernelOutput, Op, Reduction};
use tandem_core::layout::{c_strides, Layout};
use tandem_core::ops::{BinaryOp, ReduceOp};
use tandem_core::{Backend, DType, Scalar};
use tandem_gpu::{GpuBackend, GpuOptions, ProductKernel, Tile};

/// How one operand matrix is stored: transposed, its contracted axis
/// reversed, after `pad` elements, shared by the whole batch.
#[derive(Clone, Copy, Debug, Default)]
struct Store {
    t: bool,
    rev: bool,
    pad: usize,
    bcast: bool,
}

/// Where the product's operand matrix `rows × cols` sits in its buffer:
/// (offset, row stride, column stride, batch stride, buffer length).
fn placement(
    s: Store,
    rows: usize,
    cols: usize,
    batches: usize,
    rev_cols: bool,
) -> (usize, isize, isize, isize, usize) {
    let (mut rs, mut cs) = if s.t {
        (1, rows as isize)
    } else {
        (cols as isize, 1)
    };
    let each = rows * cols;
    let mut off = s.pad as isize;
    if s.rev {
        // Reverse the contracted axis (columns of `a`, rows of `b`).
        if rev_cols {
            off += (cols as isize - 1) * cs;
            cs = -cs;
        } else {
            off += (rows as isize - 1) * rs;
            rs = -rs;
        }
    }
    let nb = if s.bcast { 1 } else { batches };
    let bs = if s.bcast { 0 } else { each as isize };
    // (An empty operand's layout still reaches along its other axis.)
    let room = nb.max(1) * rows.max(1) * cols.max(1);
    (off as usize, rs, cs, bs, s.pad + room)
}

/// Values of `dt`: small integers (exact products), or with `big` wide
/// integers whose products wrap.
fn values(dt: DType, n: usize, seed: u64, big: bool) -> HostBuffer {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as i64
    };
    let small: Vec<i64> = (0..n)
        .map(|_| {
            let v = next();
            if big {
                v % (1 << 24) - (1 << 23)
            } else {
                v % 7 - 3
            }
        })
        .collect();
    match dt {
        DType::F32 => host(&small.iter().map(|&v| v as f32).collect::<Vec<_>>()),
        DType::F64 => host(&small.iter().map(|&v| v as f64).collect::<Vec<_>>()),
        DType::I32 => host(&small.iter().map(|&v| v as i32).collect::<Vec<_>>()),
        DType::I64 => host(
            &small
                .iter()
                .map(|&v| {
                    if big {
                        v.wrapping_mul(v).wrapping_mul(v)
                    } else {
                        v
                    }
                })
                .collect::<Vec<_>>(),
        ),
        DType::U32 => host(&small.iter().map(|&v| v as u32).collect::<Vec<_>>()),
        DType::Bool => host(&small.iter().map(|&v| u8::from(v > 0)).collect::<Vec<_>>()),
    }
}

/// What follows the product.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Epi {
    /// `a @ b`.
    Plain,
    /// `maximum(a @ b + bias, 0)`, `bias` of shape `[n]`.
    BiasRelu,
    /// `(a @ b) > 1`, a `Bool` output.
    Compare,
    /// `sum(a @ b, axis=-2)`.
    SumRows,
}

/// One product to check: a matmul `[batch…, m, k] @ [batch…, k, n]`
/// with `dims = (m, k, n)`, operands stored as `layouts` says, `epi` after
/// it, values from `seed` (wide, wrapping ones with `big`).
#[derive(Clone, Copy, Debug)]
struct Case<'a> {
    dt: DType,
    batch: &'a [usize],
    dims: (usize, usize, usize),
    layouts: (Store, Store),
    epi: Epi,
    seed: u64,
    big: bool,
}

impl<'a> Case<'a> {
    /// A plain product of C-contiguous operands, seed 0; the other fields
    /// are set with `Case { epi, .., ..Case::of(..) }`.
    fn of(dt: DType, batch: &'a [usize], dims: (usize, usize, usize)) -> Case<'a> {
        Case {
            dt,
            batch,
            dims,
            layouts: LAYOUTS[0],
            epi: Epi::Plain,
            seed: 0,
            big: false,
        }
    }
}

/// The kernel of `case` and its inputs and initial outputs.
fn matmul(case: &Case) -> (Kernel, Vec<HostBuffer>, Vec<HostBuffer>) {
    let Case {
        dt,
        batch,
        dims: (m, k, n),
        layouts: (sa, sb),
        epi,
        seed,
        big,
    } = *case;
    let nb: usize = batch.iter().product();
    let (oa, rsa, csa, bsa, la) = placement(sa, m, k, nb, true);
    let (ob, rsb, csb, bsb, lb) = placement(sb, k, n, nb, false);
    let batch_strides =
        |each: isize| -> Vec<isize> { c_strides(batch).iter().map(|&s| s * each).collect() };
    let mut shape = batch.to_vec();
    shape.extend([m, n]);
    let mut a_str = batch_strides(bsa);
    a_str.extend([rsa, 0]);
    let mut b_str = batch_strides(bsb);
    b_str.extend([0, csb]);
    let input = |strides: Vec<isize>, offset: usize, len: usize, dtype: DType| KernelInput {
        dtype,
        layout: Layout {
            shape: shape.clone(),
            strides,
            offset,
        },
        buffer_len: len,
    };
    let mut inputs = vec![input(a_str, oa, la, dt), input(b_str, ob, lb, dt)];
    let mut data = vec![values(dt, la, seed, big), values(dt, lb, seed + 1, big)];
    let ins = |op, dtype| Instr { op, dtype };
    let mut instrs = vec![ins(
        Op::Dot(Dot {
            a: 0,
            b: 1,
            len: k,
            a_stride: csa,
            b_stride: rsb,
        }),
        dt,
    )];
    let size: usize = shape.iter().product();
    let mut out_shape = shape.clone();
    let (value, odt, reduction) = match epi {
        Epi::Plain => (0, dt, None),
        Epi::BiasRelu => {
            let mut s = vec![0; shape.len()];
            s[shape.len() - 1] = 1;
            inputs.push(input(s, 0, n, dt));
            data.push(values(dt, n, seed + 2, big));
            instrs.push(ins(Op::Load(2), dt));
            instrs.push(ins(Op::Binary(BinaryOp::Add, 0, 1), dt));
            instrs.push(ins(Op::Const(Scalar::I64(0).cast(dt)), dt));
            instrs.push(ins(Op::Binary(BinaryOp::Maximum, 2, 3), dt));
            (4, dt, None)
        }
        Epi::Compare => {
            instrs.push(ins(Op::Const(Scalar::I64(1).cast(dt)), dt));
            instrs.push(ins(Op::Binary(BinaryOp::Gt, 0, 1), DType::Bool));
            (2, DType::Bool, None)
        }
        Epi::SumRows => {
            out_shape.remove(shape.len() - 2);
            let r = Reduction {
                op: ReduceOp::Sum,
                axes: vec![shape.len() - 2],
            };
            (0, dt, Some(r))
        }
    };
    let out_len: usize = out_shape.iter().product();
    let kernel = Kernel {
        shape,
        inputs,
        instrs,
        outputs: vec![KernelOutput {
            value,
            dtype: odt,
            layout: Layout::contiguous(&out_shape),
            buffer_len: out_len,
        }],
        reduction,
    };
    assert!(kernel.matmul_axes().is_some() || m == 1 || n == 1);
    let _ = size;
    // Outputs start as a pattern, so a missed element shows.
    let initial = vec![HostBuffer::from_bytes(&vec![
        0xA5u8;
        out_len * odt.size_of()
    ])];
    (kernel, data, initial)
}

/// `got` and `want` equal bit for bit, or as f64 within `tol`.
fn compare(what: &str, dt: DType, got: &HostBuffer, want: &HostBuffer, tol: f64) {
    let (g, w) = (got.as_bytes(), want.as_bytes());
    if tol == 0.0 || !matches!(dt, DType::F32 | DType::F64) {
        if g != w {
            let at = g.iter().zip(w).position(|(x, y)| x != y).unwrap_or(0) / dt.size_of();
            panic!("{what}: GPU and CPU differ first at element {at}");
        }
        return;
    }
    let as_f64 = |b: &[u8]| -> Vec<f64> {
        match dt {
            DType::F32 => bytemuck::cast_slice::<u8, f32>(b)
                .iter()
                .map(|&x| x as f64)
                .collect(),
            _ => bytemuck::cast_slice::<u8, f64>(b).to_vec(),
        }
    };
    for (i, (x, y)) in as_f64(g).iter().zip(as_f64(w)).enumerate() {
        assert!(
            (x - y).abs() <= tol,
            "{what}: element {i}: GPU {x} CPU {y} (tolerance {tol})"
        );
    }
}

/// Runs a hand-built kernel (with its inputs and initial outputs) on
/// `gpu` and the CPU; exact comparison.
fn matches_cpu(
    gpu: &GpuBackend,
    what: &str,
    (k, data, initial): (Kernel, Vec<HostBuffer>, Vec<HostBuffer>),
) {
    gpu.check(&k)
        .unwrap_or_else(|e| panic!("{what}: the GPU refuses it: {e}\n{k}"));
    let (g, c) = both(gpu, &k, &data, &initial);
    compare(what, k.outputs[0].dtype, &g[0], &c[0], 0.0);
}

/// Runs every case on `gpu` and the CPU, exactly (a failure names the
/// case after `label`); how many ran.
fn run_cases<'a>(
    gpu: &GpuBackend,
    label: &str,
    cases: impl IntoIterator<Item = Case<'a>>,
) -> usize {
    cases
        .into_iter()
        .map(|c| matches_cpu(gpu, &format!("{label}: {c:?}"), matmul(&c)))
        .count()
}

/// The cases `each(dtype, i, LAYOUTS[i])` gives, for every layout of
/// [`LAYOUTS`] and every dtype of `dtypes` the adapter has, run as
/// [`run_cases`] does; how many ran.
fn every_layout<'a>(
    gpu: &GpuBackend,
    label: &str,
    dtypes: &[DType],
    each: impl Fn(DType, usize, (Store, Store)) -> Vec<Case<'a>>,
) -> usize {
    let mut ran = 0;
    for &dt in dtypes {
        if !gpu.info().dtypes.contains(&dt) {
            eprintln!("{} not on this adapter: skipped", dt.name());
            continue;
        }
        for (i, &layouts) in LAYOUTS.iter().enumerate() {
            ran += run_cases(gpu, label, each(dt, i, layouts));
        }
    }
    ran
}

/// `Store { t, rev, pad, bcast }`, short enough for a table.
const fn store(t: bool, rev: bool, pad: usize, bcast: bool) -> Store {
    Store { t, rev, pad, bcast }
}

/// The operand layouts every test draws from: plain, `a` transposed after
/// a pad, `b` transposed after a pad, both transposed with `a` reversed
/// and `b` shared by the batch, both reversed with `a` shared.
const LAYOUTS: [(Store, Store); 5] = [
    // a: t, rev, pad, bcast            b: t, rev, pad, bcast
    (store(false, false, 0, false), store(false, false, 0, false)),
    (store(true, false, 3, false), store(false, false, 0, false)),
    (store(false, false, 0, false), store(true, false, 5, false)),
    (store(true, true, 1, false), store(true, false, 0, true)),
    (store(false, true, 0, true), store(false, true, 8, false)),
];

#[test]
fn every_dtype_layout_and_epilogue_matches_the_cpu() {
    let Some(gpu) = gpu() else { return };
    let shapes: [(&[usize], _); 3] = [
        (&[], (67, 45, 70)),
        (&[3], (33, 8, 40)),
        (&[2, 2], (5, 12, 36)),
    ];
    let ran = every_layout(&gpu, "every dtype", &DType::ALL, |dt, i, layouts| {
        let epis: &[Epi] = if dt == DType::Bool {
            &[Epi::Plain]
        } else {
            &[Epi::Plain, Epi::BiasRelu, Epi::Compare, Epi::SumRows]
        };
        let mut cases = Vec::new();
        for &(batch, dims) in &shapes {
            for &epi in epis {
                cases.push(Case {
                    layouts,
                    epi,
                    seed: i as u64,
                    ..Case::of(dt, batch, dims)
                });
            }
        }
        cases
    });
    assert!(ran >= 4 * 5 * 3 * 4, "{ran}");
    // Products that wrap.
    let wrapping = [DType::I32, DType::I64, DType::U32]
        .into_iter()
        .filter(|dt| gpu.info().dtypes.contains(dt))
        .map(|dt| Case {
            layouts: LAYOUTS[1],
            seed: 9,
            big: true,
            ..Case::of(dt, &[2], (40, 50, 36))
        });
    run_cases(&gpu, "wrapping", wrapping);
}

/// Every tile candidate, and the naive form, compute the same products.
#[test]
fn every_tile_and_the_naive_form_agree() {
    let Some(_) = gpu() else { return };
    let mut kinds: Vec<ProductKernel> = Tile::CANDIDATES
        .iter()
        .map(|&t| ProductKernel::Tiled(t))
        .collect();
    kinds.push(ProductKernel::Naive);
    for kind in kinds {
        let opts = GpuOptions {
            product_kernel: kind,
            ..Default::default()
        };
        let Some(gpu) = tandem_gpu::backends_with(&opts).into_iter().next() else {
            continue;
        };
        let label = format!("{kind:?}");
        let dtypes = [DType::F32, DType::I32, DType::Bool];
        every_layout(&gpu, &label, &dtypes, |dt, _, layouts| {
            let epi = if dt == DType::Bool {
                Epi::Plain
            } else {
                Epi::BiasRelu
            };
            vec![Case {
                layouts,
                epi,
                seed: 3,
                ..Case::of(dt, &[2], (130, 20, 129))
            }]
        });
    }
}

/// Products that are not matrix products: `matvec`, `vecdot` over a
/// batch, a dot of two vectors (0-d output), through strided operands.
#[test]
fn vector_products_run_naive() {
    let Some(gpu) = gpu() else { return };
    for dt in [DType::F32, DType::I64, DType::Bool, DType::U32] {
        if !gpu.info().dtypes.contains(&dt) {
            continue;
        }
        // matvec: [m, k] @ [k] over shape [m]; the matrix transposed.
        let (m, k) = (37, 29);
        let a = KernelInput {
            dtype: dt,
            layout: Layout {
                shape: vec![m],
                strides: vec![1],
                offset: 0,
            },
            buffer_len: m * k,
        };
        let x = KernelInput {
            dtype: dt,
            layout: Layout {
                shape: vec![m],
                strides: vec![0],
                offset: 2,
            },
            buffer_len: 2 + 2 * k,
        };
        let dot = Dot {
            a: 0,
            b: 1,
            len: k,
            a_stride: m as isize,
            b_stride: 2,
        };
        let mv = Kernel {
            shape: vec![m],
            inputs: vec![a, x],
            instrs: vec![Instr {
                op: Op::Dot(dot),
                dtype: dt,
            }],
            outputs: vec![KernelOutput {
                value: 0,
                dtype: dt,
                layout: Layout::contiguous(&[m]),
                buffer_len: m,
            }],
            reduction: None,
        };
        assert!(mv.matmul_axes().is_none());
        let data = vec![values(dt, m * k, 1, false), values(dt, 2 + 2 * k, 2, false)];
        let init = vec![HostBuffer::from_bytes(&vec![0x5Au8; m * dt.size_of()])];
        matches_cpu(
            &gpu,
            &format!("matvec {}", dt.name()),
            (mv.clone(), data.clone(), init),
        );
        // vdot: the same, over a 0-d shape.
        let mut vd = mv.clone();
        vd.shape = vec![];
        for i in &mut vd.inputs {
            i.layout.shape = vec![];
            i.layout.strides = vec![];
        }
        vd.outputs[0].layout = Layout::contiguous(&[]);
        vd.outputs[0].buffer_len = 1;
        let init = vec![HostBuffer::from_bytes(&vec![0x5Au8; dt.size_of()])];
        matches_cpu(&gpu, &format!("vdot {}", dt.name()), (vd, data, init));
    }
}

/// `a @ b` of shape `[m, n]` with `n == 1` or `m == 1` (not `matmul_axes`)
/// and batched vecdot: still correct, through the naive form.
#[test]
fn degenerate_matrix_shapes_match() {
    let Some(gpu) = gpu() else { return };
    let mut cases = Vec::new();
    for dims in [(1, 7, 9), (9, 7, 1), (1, 1, 1), (5, 1, 6)] {
        for dt in [DType::F32, DType::I32] {
            cases.push(Case {
                layouts: LAYOUTS[1],
                epi: Epi::BiasRelu,
                seed: 4,
                ..Case::of(dt, &[2], dims)
            });
        }
    }
    // An empty contracted axis: zeros (then the epilogue).
    cases.push(Case {
        epi: Epi::BiasRelu,
        seed: 2,
        ..Case::of(DType::F32, &[2], (5, 0, 6))
    });
    // An empty batch.
    cases.push(Case {
        layouts: LAYOUTS[1],
        seed: 1,
        ..Case::of(DType::F32, &[0], (4, 3, 5))
    });
    run_cases(&gpu, "degenerate", cases);
}

/// Operands and outputs larger than a storage binding, and grids wider
/// than the per-dimension limit, on a backend opened with tiny limits.
#[test]
fn products_beyond_a_binding_are_cut_into_windows() {
    let Some(_) = gpu() else { return };
    let opts = GpuOptions {
        max_binding_bytes: Some(16 << 10),
        max_workgroups_per_dim: Some(3),
        ..Default::default()
    };
    let Some(gpu) = tandem_gpu::backends_with(&opts).into_iter().next() else {
        return;
    };
    let cases = [
        // `a` [300, 40] f32 is 48 KB, the output [300, 50] 60 KB: row blocks.
        Case {
            epi: Epi::BiasRelu,
            seed: 1,
            ..Case::of(DType::F32, &[], (300, 40, 50))
        },
        // A batch whose `b` (64 KB) spans bindings, each of its matrices does not.
        Case {
            seed: 2,
            ..Case::of(DType::I32, &[8], (40, 40, 50))
        },
        // The same reduced, `a` transposed.
        Case {
            layouts: (LAYOUTS[1].0, LAYOUTS[0].1),
            epi: Epi::SumRows,
            seed: 3,
            ..Case::of(DType::F32, &[8], (40, 40, 50))
        },
    ];
    run_cases(&gpu, "beyond a binding", cases);
    // Blocks of 128 rows do not fit, blocks of 32 do: the small tile runs.
    let big_tile = GpuOptions {
        product_kernel: ProductKernel::Tiled(Tile::CANDIDATES[0]),
        ..opts.clone()
    };
    if let Some(g) = tandem_gpu::backends_with(&big_tile).into_iter().next() {
        let tall = Case {
            seed: 5,
            ..Case::of(DType::F32, &[], (300, 40, 50))
        };
        run_cases(&g, "tall, big tile", [tall]);
    }
    // One matrix of `b` larger than a binding: refused, with the reason.
    let (k, _, _) = matmul(&Case {
        seed: 4,
        ..Case::of(DType::F32, &[], (8, 100, 60))
    });
    let e = gpu.check(&k).expect_err("b spans more than a binding");
    assert!(e.to_string().contains("storage bindings"), "{e}");
}

/// The autotuner picks one of the candidates, remembers it, and large
/// products then run with it.
#[test]
fn the_tuner_picks_a_candidate_and_remembers_it() {
    let Some(gpu) = gpu() else { return };
    let t = gpu.tune_products(DType::F32).expect("tuning");
    assert!(Tile::CANDIDATES.contains(&t), "{t}");
    assert_eq!(gpu.product_tile(DType::F32), Some(t));
    assert_eq!(gpu.tune_products(DType::F32).unwrap(), t);
    let large = Case {
        layouts: LAYOUTS[2],
        epi: Epi::BiasRelu,
        seed: 5,
        ..Case::of(DType::F32, &[], (260, 250, 270))
    };
    run_cases(&gpu, "tuned", [large]);
}

/// Random floats: within `k · ε · Σ|a||b|` of the CPU (per element; here
/// bounded by `k · ε · k · max|a| · max|b|`).
fn float_case(gpu: &Arc<GpuBackend>, case: &Case) {
    let (k, _, init) = matmul(case);
    let (dt, dims, seed) = (case.dt, case.dims, case.seed);
    let lens: Vec<usize> = k.inputs.iter().map(|i| i.buffer_len).collect();
    let mut x = seed;
    let mut rnd = |n: usize| -> Vec<f64> {
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                ((x >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    };
    let data: Vec<HostBuffer> = lens
        .iter()
        .map(|&n| {
            let v = rnd(n);
            match dt {
                DType::F32 => host(&v.iter().map(|&x| x as f32).collect::<Vec<_>>()),
                _ => host(&v),
            }
        })
        .collect();
    let (g, c) = both(gpu, &k, &data, &init);
    let eps = if dt == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    };
    let kk = dims.1 as f64;
    compare(
        &format!("random {dims:?}"),
        dt,
        &g[0],
        &c[0],
        2.0 * kk * kk * eps,
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// CPU and GPU agree on random shapes, batches and strides.
    #[test]
    fn cpu_and_gpu_agree_on_random_products(
        m in 1usize..80, k in 0usize..70, n in 1usize..80,
        batch in proptest::collection::vec(1usize..3, 0..3),
        ta: bool, tb: bool, ra: bool, rb: bool, ba: bool, bb: bool,
        pad in 0usize..6, f64_: bool, seed in 0u64..1000,
    ) {
        let Some(gpu) = gpu() else { return Ok(()) };
        let dt = if f64_ && gpu.info().dtypes.contains(&DType::F64) { DType::F64 } else { DType::F32 };
        let layouts = (store(ta, ra, pad, ba), store(tb, rb, pad / 2, bb));
        let case = Case { layouts, seed, ..Case::of(dt, &batch, (m, k, n)) };
        float_case(&gpu, &case);
        // And exactly, on small integers.
        run_cases(&gpu, "random ints", [Case { dt: DType::I32, epi: Epi::BiasRelu, ..case }]);
    }
}

/// A product's cost estimate counts its arithmetic (`Kernel::flops`), not
/// only the bytes it moves: a 512³ product is estimated far above a
/// product writing the same output from a contracted length of 1.
#[test]
fn a_products_estimate_counts_its_flops() {
    let Some(gpu) = gpu() else { return };
    let (deep, _, _) = matmul(&Case::of(DType::F32, &[], (512, 512, 512)));
    let (flat, _, _) = matmul(&Case::of(DType::F32, &[], (512, 1, 512)));
    let (d, f) = (gpu.estimate_seconds(&deep), gpu.estimate_seconds(&flat));
    assert!(d > 10.0 * f, "{d} vs {f}");
}

/// On an adapter without float64 shaders, a float64 product is refused
/// with the reason (so the core runs it on the CPU and `explain()` says
/// why); float32 products still run there.
#[test]
fn float64_products_without_the_feature_are_refused_with_the_reason() {
    let Some(_) = gpu() else { return };
    let opts = GpuOptions {
        without_f64: true,
        ..Default::default()
    };
    let Some(g) = tandem_gpu::backends_with(&opts).into_iter().next() else {
        return;
    };
    let (k, _, _) = matmul(&Case {
        seed: 1,
        ..Case::of(DType::F64, &[], (20, 30, 40))
    });
    let e = g.check(&k).expect_err("no f64 on this adapter");
    assert!(e.to_string().contains("float64"), "{e}");
    let f32 = Case {
        seed: 1,
        ..Case::of(DType::F32, &[], (20, 30, 40))
    };
    run_cases(&g, "f32 without f64", [f32]);
}
