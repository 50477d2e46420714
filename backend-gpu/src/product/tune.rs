//! The autotuner: which [`Tile`] runs a dtype's products fastest on this
//! adapter is measured, not guessed, the first time a large product of
//! that dtype runs, and remembered for the backend's lifetime (in memory:
//! tandem keeps no cache directory). The best tile differs by an order of
//! magnitude in speed between adapters (a discrete GPU wants big register
//! blocks and many warps; lavapipe, which runs a workgroup's invocations
//! as SIMD lanes of one CPU thread, wants what its LLVM keeps in
//! registers), so no constant is right everywhere (cubecl's autotuner
//! makes the same point).
//!
//! The measurement: a square `s × s @ s × s` product (`s` = 256 on a
//! software adapter, 1024 on hardware) on scratch buffers, each candidate
//! of [`Tile::CANDIDATES`] that fits the adapter compiled, run once to
//! warm up, then timed by the wall clock around a submission repeating it
//! (enough times for ~10 ms, at most 32, so submission overhead does not
//! decide). No candidate is started once [`BUDGET`] has passed (the
//! fastest so far wins; the likeliest winners are tried first). On a
//! hardware adapter that is a fraction of a second once per (adapter,
//! dtype), mostly shader compilation; lavapipe compiles each candidate in
//! about half a second (more on a loaded machine), so there the budget
//! ends the search after two or three. Products under [`TUNE_MIN`]
//! multiply-adds never wait for it: they use [`Tile::SMALL`], whose small
//! blocks give small products enough workgroups.

use super::launch::prepare;
use super::units::Units;
use crate::context::DeviceContext;
use crate::pool::{GpuBuffer, STORAGE};
use crate::record;
use crate::tile::{ProductKernel, Tile};
use std::time::{Duration, Instant};
use tandem_core::kernel::{Dot, Instr, Kernel, KernelInput, KernelOutput, Op};
use tandem_core::layout::Layout;
use tandem_core::{DType, DeviceKind, Error, Result};

/// Products with fewer multiply-adds than this (256³) use the default tile.
pub(crate) const TUNE_MIN: usize = 1 << 24;
/// No candidate is started after this much time has passed.
const BUDGET: Duration = Duration::from_millis(1000);

/// The tile for a product of `dt` of `work` multiply-adds.
pub(crate) fn tile_for(inner: &DeviceContext, dt: DType, work: usize) -> Tile {
    match inner.gpu.product_kernel {
        ProductKernel::Tiled(t) => t,
        _ if work < TUNE_MIN => Tile::SMALL,
        _ => tuned(inner, dt).unwrap_or(Tile::SMALL),
    }
}

/// The tile measured fastest for `dt` on this adapter (measured now if it
/// has not been yet).
pub(crate) fn tuned(inner: &DeviceContext, dt: DType) -> Result<Tile> {
    let mut map = inner.tuned.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = map.get(&dt) {
        return Ok(*t);
    }
    let t = measure(inner, dt)?;
    map.insert(dt, t);
    Ok(t)
}

/// The tile measured for `dt`, if one has been.
pub(crate) fn known(inner: &DeviceContext, dt: DType) -> Option<Tile> {
    let map = inner.tuned.lock().unwrap_or_else(|e| e.into_inner());
    map.get(&dt).copied()
}

/// The candidates this adapter can run for `dt`: at most its workgroup
/// size, tiles within WebGPU's guaranteed 16 KiB of workgroup memory.
pub(crate) fn candidates(inner: &DeviceContext, dt: DType) -> Vec<Tile> {
    Tile::CANDIDATES
        .iter()
        .copied()
        .filter(|t| {
            t.invocations() <= inner.gpu.limits.workgroup
                && t.shared_bytes(dt.size_of() as u32) <= 16384
        })
        .collect()
}

/// `[s, s] @ [s, s]` of `dt`, every operand C-contiguous.
pub(crate) fn square(dt: DType, s: usize) -> Kernel {
    let input = |strides: Vec<isize>| KernelInput {
        dtype: dt,
        layout: Layout {
            shape: vec![s, s],
            strides,
            offset: 0,
        },
        buffer_len: s * s,
    };
    let si = s as isize;
    Kernel {
        shape: vec![s, s],
        inputs: vec![input(vec![si, 0]), input(vec![0, 1])],
        instrs: vec![Instr {
            op: Op::Dot(Dot {
                a: 0,
                b: 1,
                len: s,
                a_stride: 1,
                b_stride: si,
            }),
            dtype: dt,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: dt,
            layout: Layout::contiguous(&[s, s]),
            buffer_len: s * s,
        }],
        reduction: None,
    }
}

/// Times every candidate on a square product of `dt`; the fastest wins.
fn measure(inner: &DeviceContext, dt: DType) -> Result<Tile> {
    let gpu = &inner.gpu;
    // Scratch buffers come from the pool: work recorded but not submitted
    // may still read one it holds, so that work goes first.
    inner.batch.flush(gpu, &inner.pool)?;
    let s = if gpu.kind == DeviceKind::SoftwareGpu {
        256
    } else {
        1024
    };
    let kernel = square(dt, s);
    let mm = kernel.matmul_axes().expect("a matrix product");
    let bytes = (s * s * dt.size_of()) as u64;
    let bufs: Vec<GpuBuffer> = (0..3)
        .map(|_| inner.pool.get(gpu, STORAGE, bytes, "product tuning"))
        .collect::<Result<_>>()?;
    gpu.scoped("product tuning", 0, || {
        let mut enc = gpu.device.create_command_encoder(&Default::default());
        for b in &bufs {
            enc.clear_buffer(b.raw(), 0, None);
        }
        gpu.queue.submit([enc.finish()]);
    })?;
    let start = Instant::now();
    let mut best: Option<(f64, Tile)> = None;
    for tile in candidates(inner, dt) {
        if best.is_some() && start.elapsed() > BUDGET {
            break;
        }
        let units = Units::tiled(&kernel, mm, tile, &gpu.limits);
        let Ok(Some((compiled, ds))) = prepare(inner, &units, &[&bufs[0], &bufs[1]], &[&bufs[2]])
        else {
            continue;
        };
        let run = |reps: usize| -> Result<f64> {
            gpu.wait()?;
            let t0 = Instant::now();
            gpu.scoped("product tuning", 0, || {
                let mut enc = gpu.device.create_command_encoder(&Default::default());
                for _ in 0..reps {
                    record::encode(inner, &mut enc, &compiled, &ds);
                }
                gpu.queue.submit([enc.finish()]);
            })?;
            gpu.wait()?;
            Ok(t0.elapsed().as_secs_f64() / reps as f64)
        };
        let Ok(warm) = run(1) else {
            continue;
        };
        let reps = (0.01 / warm.max(1e-6)).ceil().clamp(1.0, 32.0) as usize;
        let t = run(reps).map_or(warm, |t| t.min(warm));
        if best.is_none_or(|(bt, _)| t < bt) {
            best = Some((t, tile));
        }
    }
    best.map(|(_, t)| t).ok_or_else(|| {
        Error::unsupported(
            "gpu matrix product",
            format!("no tile of a {} product runs on {}", dt.name(), gpu.label),
        )
    })
}
