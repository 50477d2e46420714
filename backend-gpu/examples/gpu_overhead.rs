//! What one tandem GPU kernel costs: per-kernel overhead on tiny arrays
//! (next to a bare wgpu dispatch of a hand-written shader in the same run,
//! the floor any wgpu program pays), and throughput on large arrays
//! (elementwise add, sum, readback), data resident on the device.
//!
//! `cargo run --release -p tandem-gpu --example gpu_overhead`

use std::time::Instant;
use tandem_core::backend::Buffer;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::{BinaryOp, ReduceOp};
use tandem_core::{Backend, DType, Result};
use tandem_gpu::GpuBackend;

fn add(n: usize) -> Kernel {
    let l = Layout::contiguous(&[n]);
    let i = KernelInput {
        dtype: DType::F32,
        layout: l.clone(),
        buffer_len: n,
    };
    Kernel {
        shape: vec![n],
        inputs: vec![i.clone(), i],
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
                op: Op::Binary(BinaryOp::Add, 0, 1),
                dtype: DType::F32,
            },
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

fn sum(n: usize) -> Kernel {
    Kernel {
        shape: vec![n],
        inputs: vec![KernelInput {
            dtype: DType::F32,
            layout: Layout::contiguous(&[n]),
            buffer_len: n,
        }],
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
    }
}

fn upload(gpu: &GpuBackend, n: usize) -> Result<Buffer> {
    let v: Vec<f32> = (0..n).map(|i| (i % 100) as f32).collect();
    gpu.upload(&HostBuffer::from_bytes(bytemuck::cast_slice(&v)))
}

/// Median seconds of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let s = Instant::now();
        f()?;
        t.push(s.elapsed().as_secs_f64());
    }
    t.sort_by(f64::total_cmp);
    Ok(t[runs / 2])
}

/// A bare wgpu dispatch (`c[i] = a[i] + b[i]`, one workgroup), submitted and waited for.
fn bare_dispatch(gpu: &GpuBackend, iters: usize) -> f64 {
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
    let once = || {
        let mut enc = device.create_command_encoder(&Default::default());
        {
            let mut pass = enc.begin_compute_pass(&Default::default());
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &group, &[]);
            pass.dispatch_workgroups(1, 1, 1);
        }
        queue.submit([enc.finish()]);
        let _ = device.poll(wgpu::PollType::wait_indefinitely());
    };
    once();
    let s = Instant::now();
    for _ in 0..iters {
        once();
    }
    s.elapsed().as_secs_f64() / iters as f64
}

fn main() -> Result<()> {
    let Some(gpu) = tandem_gpu::gpu_backends().into_iter().next() else {
        println!("no GPU adapter: nothing to measure (install mesa-vulkan-drivers for lavapipe)");
        return Ok(());
    };
    println!("{}", gpu.info());

    // Tiny arrays: overhead per kernel.
    let iters = 500;
    let k = add(16);
    let (a, b) = (upload(&gpu, 16)?, upload(&gpu, 16)?);
    let mut out = [gpu.alloc(64)?];
    gpu.execute(&k, &[a.clone(), b.clone()], &mut out)?; // compile once
    gpu.synchronize()?;
    let s = Instant::now();
    for _ in 0..iters {
        gpu.execute(&k, &[a.clone(), b.clone()], &mut out)?;
        gpu.synchronize()?;
    }
    let waited = s.elapsed().as_secs_f64() / iters as f64;
    let s = Instant::now();
    for _ in 0..iters {
        gpu.execute(&k, &[a.clone(), b.clone()], &mut out)?;
    }
    gpu.synchronize()?;
    let queued = s.elapsed().as_secs_f64() / iters as f64;
    let bare = bare_dispatch(&gpu, iters);
    println!("tiny add (16 f32), per kernel: {:.1} us submit+wait, {:.1} us queued back to back; bare wgpu dispatch+wait: {:.1} us",
        waited * 1e6, queued * 1e6, bare * 1e6);

    // Compile cost of a never-seen shader (cache miss), for reference.
    let s = Instant::now();
    let mut o2 = [gpu.alloc(64)?];
    let mut k2 = add(16);
    k2.instrs[2].op = Op::Binary(BinaryOp::Maximum, 0, 1);
    gpu.execute(&k2, &[a.clone(), b.clone()], &mut o2)?;
    gpu.synchronize()?;
    println!(
        "first run of a new expression (shader build): {:.1} ms",
        s.elapsed().as_secs_f64() * 1e3
    );

    // Large arrays: throughput.
    let n = 1 << 24;
    let k = add(n);
    let (a, b) = (upload(&gpu, n)?, upload(&gpu, n)?);
    let mut out = [gpu.alloc(n * 4)?];
    gpu.execute(&k, &[a.clone(), b.clone()], &mut out)?;
    gpu.synchronize()?;
    let t = median(5, || {
        gpu.execute(&k, &[a.clone(), b.clone()], &mut out)?;
        gpu.synchronize()
    })?;
    println!(
        "add 2^24 f32 (resident): {:.1} ms, {:.1} GB/s",
        t * 1e3,
        12.0 * n as f64 / t / 1e9
    );

    let ks = sum(n);
    let mut s_out = [gpu.alloc(4)?];
    gpu.execute(&ks, std::slice::from_ref(&a), &mut s_out)?;
    gpu.synchronize()?;
    let t = median(5, || {
        gpu.execute(&ks, std::slice::from_ref(&a), &mut s_out)?;
        gpu.synchronize()
    })?;
    println!(
        "sum 2^24 f32 (resident): {:.1} ms, {:.1} GB/s",
        t * 1e3,
        4.0 * n as f64 / t / 1e9
    );

    let t = median(3, || gpu.download(&out[0]).map(|_| ()))?;
    println!(
        "readback 64 MiB: {:.1} ms, {:.1} GB/s",
        t * 1e3,
        4.0 * n as f64 / t / 1e9
    );
    let pool = gpu.pool_stats();
    println!(
        "buffer pool: {} created, {} reused; {} pipelines cached",
        pool.created,
        pool.reused,
        gpu.cached_pipelines()
    );
    Ok(())
}
