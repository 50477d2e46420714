//! What one GPU kernel costs, measured on the first adapter (lavapipe in CI:
//! a CPU-emulated device, so only the *ratios* to a bare dispatch mean
//! anything there). In one run, interleaved round by round:
//!
//! - a bare wgpu dispatch of a hand-written `c = a + b` shader (bind group
//!   built once), submitted and waited for: the floor any wgpu program pays;
//! - the GPU backend's `execute` of the same 16-element kernel, then
//!   `synchronize` (flush + wait);
//! - tandem end to end: `(&a + &b).eval()` on `Device::Gpu(0)` with `a`, `b`
//!   resident, then `synchronize`: fusion, placement, allocation, the kernel.
//!
//! Each figure is the fastest round's mean (other processes only ever add
//! time), reported with its ratio to the bare dispatch. Then submissions per
//! forced graph, throughput on large resident arrays, and matrix products:
//! the tiled GEMM (with the tile the autotuner chose, and each candidate
//! tile) against the naive one-invocation-per-output kernel at 1024² f32,
//! in ms and GFLOP/s.
//!
//! `cargo bench --bench gpu`; `cargo bench --bench gpu -- products` runs
//! only the product comparison, and `-- products 1024 2048` only the tuned
//! kernel at those sizes (what `scripts/gpu_gemm_check.sh` does, with the
//! CPU's figures beside).

use std::time::Instant;
use tandem::prelude::*;
use tandem_core::backend::Buffer;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Dot, Instr, Kernel, KernelInput, KernelOutput, Op};
use tandem_core::layout::Layout;
use tandem_core::ops::BinaryOp;
use tandem_core::Backend;
use tandem_gpu::{GpuBackend, GpuOptions, ProductKernel, Tile};

/// The kernel `out = x + y` over `n` contiguous f32.
fn add_kernel(n: usize) -> Kernel {
    let l = Layout::contiguous(&[n]);
    let i = KernelInput {
        dtype: DType::F32,
        layout: l.clone(),
        buffer_len: n,
    };
    let instr = |op| Instr {
        op,
        dtype: DType::F32,
    };
    Kernel {
        shape: vec![n],
        inputs: vec![i.clone(), i],
        instrs: vec![
            instr(Op::Load(0)),
            instr(Op::Load(1)),
            instr(Op::Binary(BinaryOp::Add, 0, 1)),
        ],
        outputs: vec![KernelOutput {
            value: 2,
            dtype: DType::F32,
            layout: l,
            buffer_len: n,
        }],
        reduction: None,
    }
}

/// A bare wgpu dispatch of `c[i] = a[i] + b[i]` over 16 elements: one call
/// records, submits and waits.
fn bare_dispatch(gpu: &GpuBackend) -> impl Fn() + '_ {
    let (device, queue) = gpu.wgpu();
    let src = "@group(0) @binding(0) var<storage, read> a: array<f32>;\n\
               @group(0) @binding(1) var<storage, read> b: array<f32>;\n\
               @group(0) @binding(2) var<storage, read_write> c: array<f32>;\n\
               @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {\n\
                   if (g.x < 16u) { c[g.x] = a[g.x] + b[g.x]; }\n}";
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: None,
        source: wgpu::ShaderSource::Wgsl(src.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: None,
        layout: None,
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    let bufs: Vec<wgpu::Buffer> = (0..3)
        .map(|_| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: None,
                size: 256,
                usage: wgpu::BufferUsages::STORAGE,
                mapped_at_creation: false,
            })
        })
        .collect();
    let entries: Vec<wgpu::BindGroupEntry> = bufs
        .iter()
        .enumerate()
        .map(|(i, b)| wgpu::BindGroupEntry {
            binding: i as u32,
            resource: b.as_entire_binding(),
        })
        .collect();
    let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    });
    move || {
        let mut enc = device.create_command_encoder(&Default::default());
        {
            let mut pass = enc.begin_compute_pass(&Default::default());
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &group, &[]);
            pass.dispatch_workgroups(1, 1, 1);
        }
        queue.submit([enc.finish()]);
        let _ = device.poll(wgpu::PollType::wait_indefinitely());
    }
}

/// Seconds per call of each of `fs`: interleaved rounds of `per_round`
/// calls each, keeping each one's fastest round.
fn fastest_rounds(
    fs: &mut [&mut dyn FnMut() -> Result<()>],
    rounds: usize,
    per_round: usize,
) -> Result<Vec<f64>> {
    let mut best = vec![f64::INFINITY; fs.len()];
    for _ in 0..rounds {
        for (f, b) in fs.iter_mut().zip(best.iter_mut()) {
            let s = Instant::now();
            for _ in 0..per_round {
                f()?;
            }
            *b = b.min(s.elapsed().as_secs_f64() / per_round as f64);
        }
    }
    Ok(best)
}

fn upload(gpu: &GpuBackend, n: usize) -> Result<Buffer> {
    let v: Vec<f32> = (0..n).map(|i| (i % 100) as f32).collect();
    gpu.upload(&HostBuffer::from_bytes(bytemuck::cast_slice(&v)))
}

/// The kernel `[n, n] @ [n, n]` of `dt`, every operand C-contiguous.
fn matmul_kernel(n: usize, dt: DType) -> Kernel {
    let input = |strides: Vec<isize>| KernelInput {
        dtype: dt,
        layout: Layout {
            shape: vec![n, n],
            strides,
            offset: 0,
        },
        buffer_len: n * n,
    };
    let s = n as isize;
    Kernel {
        shape: vec![n, n],
        inputs: vec![input(vec![s, 0]), input(vec![0, 1])],
        instrs: vec![Instr {
            op: Op::Dot(Dot {
                a: 0,
                b: 1,
                len: n,
                a_stride: 1,
                b_stride: s,
            }),
            dtype: dt,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: dt,
            layout: Layout::contiguous(&[n, n]),
            buffer_len: n * n,
        }],
        reduction: None,
    }
}

/// Seconds of one `n³` f32 product on `backend` (resident operands,
/// executed and synchronised; the fastest of `rounds` after a warm-up).
fn product_seconds(
    backend: &dyn Backend,
    sync: &dyn Fn() -> Result<()>,
    n: usize,
    rounds: usize,
) -> Result<f64> {
    let k = matmul_kernel(n, DType::F32);
    backend.check(&k)?;
    let v: Vec<f32> = (0..n * n).map(|i| (i % 100) as f32).collect();
    let h = HostBuffer::from_bytes(bytemuck::cast_slice(&v));
    let (x, y) = (backend.upload(&h)?, backend.upload(&h)?);
    let mut out = [backend.alloc(n * n * 4)?];
    let mut run = || -> Result<()> {
        backend.execute(&k, &[x.clone(), y.clone()], &mut out)?;
        sync()
    };
    run()?;
    Ok(fastest_rounds(&mut [&mut run], rounds, 1)?[0])
}

/// [`product_seconds`] on a GPU backend.
fn gpu_product_seconds(gpu: &GpuBackend, n: usize, rounds: usize) -> Result<f64> {
    product_seconds(gpu, &|| gpu.synchronize(), n, rounds)
}

/// GFLOP/s of an `n³` product taking `t` seconds.
fn gflops(n: usize, t: f64) -> f64 {
    2.0 * (n as f64).powi(3) / t / 1e9
}

/// The product section: with `compare`, tiled (tuned) against naive at
/// 1024² and each candidate tile; then `sizes` with the tuned tile beside
/// the CPU backend's GEMM in the same run (and, when `GPU_PEAK_TFLOPS` is
/// set, the fraction of that f32 peak reached).
fn products(gpu: &GpuBackend, sizes: &[usize], compare: bool) -> Result<()> {
    let tile = gpu.tune_products(DType::F32)?;
    println!("\nmatrix products, f32, resident operands (tuned tile: {tile}):");
    if compare {
        let n = 1024;
        let tiled = gpu_product_seconds(gpu, n, 3)?;
        let naive_opts = GpuOptions {
            product_kernel: ProductKernel::Naive,
            ..Default::default()
        };
        if let Some(naive) = tandem_gpu::backends_with(&naive_opts).into_iter().next() {
            let t = gpu_product_seconds(&naive, n, 1)?;
            println!(
                "  {n}² tiled {:8.1} ms {:7.1} GFLOP/s | naive {:8.1} ms {:7.1} GFLOP/s | tiled/naive {:.1}x",
                tiled * 1e3,
                gflops(n, tiled),
                t * 1e3,
                gflops(n, t),
                t / tiled
            );
        }
        for cand in Tile::CANDIDATES {
            let opts = GpuOptions {
                product_kernel: ProductKernel::Tiled(cand),
                ..Default::default()
            };
            if let Some(b) = tandem_gpu::backends_with(&opts).into_iter().next() {
                let t = gpu_product_seconds(&b, n, 2)?;
                println!(
                    "    tile {:<14} {:8.1} ms {:7.1} GFLOP/s",
                    cand.to_string(),
                    t * 1e3,
                    gflops(n, t)
                );
            }
        }
    }
    let peak: Option<f64> = std::env::var("GPU_PEAK_TFLOPS")
        .ok()
        .and_then(|p| p.parse().ok());
    let cpu = tandem_cpu::CpuBackend::new();
    for &n in sizes {
        let rounds = if n >= 4096 { 2 } else { 3 };
        let g = match gpu_product_seconds(gpu, n, rounds) {
            Ok(t) => {
                let share = peak.map_or(String::new(), |p| {
                    format!(" ({:.0}% of {p} TFLOP/s)", gflops(n, t) / (p * 1e3) * 100.0)
                });
                format!("gpu {:9.2} ms {:8.1} GFLOP/s{share}", t * 1e3, gflops(n, t))
            }
            Err(e) => format!("gpu: not run ({e})"),
        };
        let c = match product_seconds(&cpu, &|| Ok(()), n, if n >= 4096 { 1 } else { 2 }) {
            Ok(t) => format!("cpu {:9.2} ms {:8.1} GFLOP/s", t * 1e3, gflops(n, t)),
            Err(e) => format!("cpu: not run ({e})"),
        };
        println!("  {n:>5}²  {g} | {c}");
    }
    Ok(())
}

fn main() -> Result<()> {
    let Some(gpu) = tandem_gpu::gpu_backends().into_iter().next() else {
        println!("no GPU adapter: nothing to measure (install mesa-vulkan-drivers for lavapipe)");
        return Ok(());
    };
    println!("{}", gpu.info());
    // `-- products N…`: the product section alone, at those sizes.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "products") {
        let sizes: Vec<usize> = args[at + 1..]
            .iter()
            .filter_map(|a| a.parse().ok())
            .collect();
        return products(&gpu, &sizes, sizes.is_empty());
    }
    let dev = Device::Gpu(0);

    // Per-kernel overhead on 16 elements.
    let k = add_kernel(16);
    let (x, y) = (upload(&gpu, 16)?, upload(&gpu, 16)?);
    let mut out = [gpu.alloc(64)?];
    let a = Array::from_vec((0..16).map(|i| i as f32).collect(), &[16])?.to_device(dev)?;
    let b = a.to_device(dev)?;
    let bare = bare_dispatch(&gpu);
    let mut run_bare = || -> Result<()> {
        bare();
        Ok(())
    };
    let mut run_backend = || -> Result<()> {
        gpu.execute(&k, &[x.clone(), y.clone()], &mut out)?;
        gpu.synchronize()
    };
    let mut run_tandem = || -> Result<()> {
        let c = (&a + &b).eval()?;
        gpu.synchronize()?;
        drop(c);
        Ok(())
    };
    // Warm up: shader builds, pools, bind-group cache.
    for _ in 0..20 {
        run_bare()?;
        run_backend()?;
        run_tandem()?;
    }
    let t = fastest_rounds(
        &mut [&mut run_bare, &mut run_backend, &mut run_tandem],
        40,
        25,
    )?;
    println!("\nper-kernel overhead, 16 f32 (fastest of 40 interleaved rounds of 25):");
    println!("  bare wgpu dispatch + wait         {:7.1} us", t[0] * 1e6);
    println!(
        "  GpuBackend::execute + synchronize {:7.1} us  ({:.2}x bare)",
        t[1] * 1e6,
        t[1] / t[0]
    );
    println!(
        "  (&a + &b).eval() + synchronize    {:7.1} us  ({:.2}x bare)",
        t[2] * 1e6,
        t[2] / t[0]
    );

    // Submissions: a graph of three kernels (two reductions feeding an
    // elementwise kernel), forced and read back.
    let m = Array::from_vec((0..64 * 64).map(|i| i as f32).collect(), &[64, 64])?.to_device(dev)?;
    tandem::reset_stats();
    let g = (m.sum_axis(0, false)? + m.max_axis(1, false)?) * 2.0;
    let forced = g.eval()?;
    let s = tandem::stats();
    println!(
        "\nsum(m, 0) + max(m, 1), forced: {} kernels, {} submission(s)",
        s.total_kernels(),
        s.submissions
    );
    tandem::reset_stats();
    let _ = forced.to_vec::<f32>()?;
    println!("  read back: {} submission(s)", tandem::stats().submissions);

    // Throughput on resident data.
    let n = 1 << 24;
    let k = add_kernel(n);
    let (x, y) = (upload(&gpu, n)?, upload(&gpu, n)?);
    let mut out = [gpu.alloc(n * 4)?];
    let mut big_add = || -> Result<()> {
        gpu.execute(&k, &[x.clone(), y.clone()], &mut out)?;
        gpu.synchronize()
    };
    big_add()?;
    let t = fastest_rounds(&mut [&mut big_add], 5, 1)?[0];
    println!(
        "\nadd 2^24 f32 (resident): {:.1} ms, {:.1} GB/s",
        t * 1e3,
        12.0 * n as f64 / t / 1e9
    );
    let big = Array::from_vec((0..n).map(|i| (i % 100) as f32).collect(), &[n])?.to_device(dev)?;
    let mut big_sum = || -> Result<()> {
        let s = big.sum().eval()?;
        gpu.synchronize()?;
        drop(s);
        Ok(())
    };
    big_sum()?;
    let t = fastest_rounds(&mut [&mut big_sum], 5, 1)?[0];
    println!(
        "sum 2^24 f32 (resident): {:.1} ms, {:.1} GB/s",
        t * 1e3,
        4.0 * n as f64 / t / 1e9
    );
    let mut readback = || gpu.download(&out[0]).map(|_| ());
    let t = fastest_rounds(&mut [&mut readback], 3, 1)?[0];
    println!(
        "readback 64 MiB: {:.1} ms, {:.1} GB/s",
        t * 1e3,
        4.0 * n as f64 / t / 1e9
    );
    products(&gpu, &[], true)?;
    let pool = gpu.pool_stats();
    println!(
        "buffer pool: {} created, {} reused; {} pipelines cached",
        pool.created,
        pool.reused,
        gpu.cached_pipelines()
    );
    Ok(())
}
