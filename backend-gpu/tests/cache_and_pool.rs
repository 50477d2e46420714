//! The pipeline cache (the second run of an expression is a hit, also with
//! other sizes and constants) and the buffer pool (a freed buffer is reused),
//! plus faults as values: wrong buffers and unsupported kernels are errors,
//! never panics.

mod common;

use common::*;
use tandem_core::backend::Buffer;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op};
use tandem_core::layout::Layout;
use tandem_core::ops::{BinaryOp, UnaryOp};
use tandem_core::{Backend, DType, Error, Scalar};

/// `x * c + 1` over `n` f32 elements.
fn axpy(n: usize, c: f32) -> Kernel {
    let l = Layout::contiguous(&[n]);
    Kernel {
        shape: vec![n],
        inputs: vec![KernelInput {
            dtype: DType::F32,
            layout: l.clone(),
            buffer_len: n,
        }],
        instrs: vec![
            Instr {
                op: Op::Load(0),
                dtype: DType::F32,
            },
            Instr {
                op: Op::Const(Scalar::F32(c)),
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
                op: Op::Binary(BinaryOp::Add, 2, 3),
                dtype: DType::F32,
            },
        ],
        outputs: vec![KernelOutput {
            value: 4,
            dtype: DType::F32,
            layout: l,
            buffer_len: n,
        }],
        reduction: None,
    }
}

/// The pool's serial number of a buffer this backend made.
fn serial(b: &Buffer) -> u64 {
    let Buffer::Device(d) = b else {
        panic!("a GPU buffer is device memory")
    };
    d.as_any()
        .downcast_ref::<tandem_gpu::GpuBuffer>()
        .expect("ours")
        .serial()
}

#[test]
fn the_second_run_of_an_expression_is_a_cache_hit() {
    let Some(gpu) = gpu() else { return };
    tandem_core::reset_stats();
    let first = run_on(
        &*gpu,
        &axpy(1000, 3.0),
        &[host(&vec![2.0f32; 1000])],
        &[HostBuffer::zeroed(4000)],
    )
    .expect("runs");
    assert_eq!(first[0].typed::<f32>()[999], 7.0);
    let s = tandem_core::stats();
    assert_eq!(
        (s.pipeline_cache_misses, s.pipeline_cache_hits),
        (1, 0),
        "{s:?}"
    );
    // Same structure, other size and constant: no new pipeline.
    let second = run_on(
        &*gpu,
        &axpy(5000, -1.0),
        &[host(&vec![2.0f32; 5000])],
        &[HostBuffer::zeroed(20000)],
    )
    .expect("runs");
    assert_eq!(second[0].typed::<f32>()[4999], -1.0);
    let s = tandem_core::stats();
    assert_eq!(
        (s.pipeline_cache_misses, s.pipeline_cache_hits),
        (1, 1),
        "{s:?}"
    );
}

#[test]
fn freed_buffers_are_reused() {
    let Some(gpu) = gpu() else { return };
    let a = gpu.alloc_buffer(3 << 20).expect("alloc");
    let first = a.serial();
    let before = gpu.pool_stats();
    drop(a);
    assert!(gpu.pool_stats().pooled_bytes >= 3 << 20);
    let b = gpu.alloc_buffer((3 << 20) - 100).expect("alloc");
    assert_eq!(b.serial(), first, "same bucket, same buffer");
    assert_eq!(gpu.pool_stats().reused, before.reused + 1);
    // Through the trait: a result buffer goes back and serves the next alloc.
    let out = gpu.alloc(1 << 16).expect("alloc");
    let id = serial(&out);
    drop(out);
    let again = gpu.alloc(1 << 16).expect("alloc");
    assert_eq!(serial(&again), id);
}

#[test]
fn faults_are_errors_not_panics() {
    let Some(gpu) = gpu() else { return };
    // A host buffer handed to the GPU.
    let k = axpy(4, 2.0);
    let host_in = Buffer::Host(std::sync::Arc::new(host(&[1.0f32; 4])));
    let mut outs = [gpu.alloc(16).expect("alloc")];
    assert!(matches!(
        gpu.execute(&k, &[host_in], &mut outs),
        Err(Error::InvalidArgument { .. })
    ));
    // Too few inputs.
    assert!(gpu.execute(&k, &[], &mut outs).is_err());
    // A float64 transcendental: it runs here if the adapter has SHADER_F64;
    // without (opened so on purpose) check says why, and the core routes
    // it to the CPU.
    let l = Layout::contiguous(&[4]);
    let sin = Kernel {
        shape: vec![4],
        inputs: vec![KernelInput {
            dtype: DType::F64,
            layout: l.clone(),
            buffer_len: 4,
        }],
        instrs: vec![
            Instr {
                op: Op::Load(0),
                dtype: DType::F64,
            },
            Instr {
                op: Op::Unary(UnaryOp::Sin, 0),
                dtype: DType::F64,
            },
        ],
        outputs: vec![KernelOutput {
            value: 1,
            dtype: DType::F64,
            layout: l,
            buffer_len: 4,
        }],
        reduction: None,
    };
    if gpu.info().dtypes.contains(&DType::F64) {
        gpu.check(&sin)
            .expect("float64 sin runs on an adapter with SHADER_F64");
    }
    let opts = tandem_gpu::GpuOptions {
        without_f64: true,
        ..Default::default()
    };
    let no_f64 = tandem_gpu::backends_with(&opts)
        .into_iter()
        .next()
        .expect("the adapter opens without SHADER_F64 too");
    match no_f64.check(&sin) {
        Err(Error::Unsupported { message, .. }) => {
            assert!(message.contains("float64"), "{message}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    // An allocation beyond the device's largest buffer.
    let huge = gpu.limits().max_buffer as usize + 1;
    assert!(matches!(gpu.alloc(huge), Err(Error::OutOfMemory { .. })));
}

#[test]
fn the_adapter_is_described() {
    let Some(gpu) = gpu() else { return };
    let info = gpu.info();
    assert_eq!(info.device, tandem_core::Device::Gpu(0));
    assert!(info.dtypes.contains(&DType::F32) && info.dtypes.contains(&DType::Bool));
    if info.name.contains("llvmpipe") {
        assert_eq!(info.kind, tandem_core::DeviceKind::SoftwareGpu);
    }
    eprintln!("{info}");
}

#[test]
fn an_upload_into_a_recycled_buffer_waits_for_the_pending_kernel() {
    // `execute` only records; the kernel reading `x` is still unsubmitted
    // when `x` goes back to the pool and the next upload takes the same
    // memory. The upload must not land before the kernel reads `x`.
    let Some(gpu) = gpu() else { return };
    gpu.synchronize().expect("idle");
    let n = 1 << 12;
    let old: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let x = gpu
        .upload(&HostBuffer::from_bytes(bytemuck::cast_slice(&old)))
        .expect("upload");
    let old_serial = serial(&x);
    let mut out = [gpu.alloc(n * 4).expect("alloc")];
    // x - 2 + 1 (not `axpy` itself: the cache-hit test counts its pipeline).
    let mut k = axpy(n, 2.0);
    k.instrs[2].op = Op::Binary(BinaryOp::Sub, 0, 1);
    gpu.execute(&k, std::slice::from_ref(&x), &mut out)
        .expect("execute");
    drop(x);
    let new = vec![-1f32; n];
    let y = gpu
        .upload(&HostBuffer::from_bytes(bytemuck::cast_slice(&new)))
        .expect("upload");
    assert_eq!(
        serial(&y),
        old_serial,
        "the upload reuses the freed buffer (else this test proves nothing)"
    );
    let got = gpu.download(&out[0]).expect("download");
    let want: Vec<f32> = old.iter().map(|v| v - 2.0 + 1.0).collect();
    assert_eq!(got.typed::<f32>(), &want[..]);
    let back = gpu.download(&y).expect("download");
    assert_eq!(back.typed::<f32>(), &new[..]);
}

#[test]
fn the_end_of_a_graph_submits_only_what_this_thread_recorded() {
    // The pending encoder is the device's. Another thread's half-recorded
    // graph must not be submitted (and counted) by this thread's
    // end-of-graph flush; reads and waits submit everything pending.
    let Some(gpu) = gpu() else { return };
    let n = 256;
    let x = gpu
        .upload(&HostBuffer::from_bytes(bytemuck::cast_slice(&vec![
            1f32;
            n
        ])))
        .expect("upload");
    gpu.synchronize().expect("idle");
    let mut out = [gpu.alloc(n * 4).expect("alloc")];
    // x * 3 - 1 (not `axpy` itself: the cache-hit test counts its pipeline).
    let mut k = axpy(n, 3.0);
    k.instrs[4].op = Op::Binary(BinaryOp::Sub, 2, 3);
    std::thread::scope(|s| {
        s.spawn(|| {
            gpu.execute(&k, std::slice::from_ref(&x), &mut out)
                .expect("execute");
        });
    });
    tandem_core::reset_stats();
    gpu.flush().expect("flush");
    assert_eq!(
        tandem_core::stats().submissions,
        0,
        "nothing of this thread's was pending"
    );
    // A read submits whatever is pending (unless a test on another thread
    // already did), and the other thread's kernel ran.
    let got = gpu.download(&out[0]).expect("download");
    assert_eq!(got.typed::<f32>(), &vec![2f32; n][..]);
}
