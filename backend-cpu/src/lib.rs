//! # tandem-cpu
//!
//! tandem's CPU backend: it runs fused kernels on host memory, block by
//! block (blocks sized to stay in cache), with SIMD inner loops compiled for
//! the running CPU (AVX-512, AVX2, NEON) and rayon across blocks for large
//! arrays; kernels of plain floating-point arithmetic are compiled at run
//! time into one register-fused loop (x86-64 AVX). See `exec/` for the
//! execution model, `jit.rs` for the compiled loops and `elem.rs` for the ops.

pub mod bandwidth;
mod block;
mod cast;
mod direct;
mod elem;
mod exec;
mod jit;
#[cfg(test)]
mod jit_tests;
mod product;
mod reduce;
pub mod simd;
mod stream;
pub mod vmath;

use smallvec::SmallVec;
use std::sync::Arc;
use tandem_core::backend::{Buffer, Prepared};
use tandem_core::kernel::{DirectInput, Kernel, OneOp};
use tandem_core::{Backend, DType, Device, DeviceInfo, DeviceKind, Error, Memory, Result};

/// The host backend.
///
/// ```
/// use tandem_core::Backend;
/// let cpu = tandem_cpu::CpuBackend::new();
/// assert_eq!(cpu.info().device, tandem_core::Device::Cpu);
/// ```
#[derive(Debug, Default)]
pub struct CpuBackend;

impl CpuBackend {
    /// The CPU backend (threads come from rayon's global pool).
    ///
    /// ```
    /// let _ = tandem_cpu::CpuBackend::new();
    /// ```
    pub fn new() -> CpuBackend {
        CpuBackend
    }
}

/// The CPU's model name, from /proc/cpuinfo where there is one.
fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|n| n.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// The bytes of an input buffer (the core hands a host backend host buffers).
fn host_bytes(b: &Buffer) -> Result<&[u8]> {
    match b {
        Buffer::Host(h) => Ok(h.as_bytes()),
        Buffer::Device(d) => Err(Error::unsupported(
            "cpu kernel",
            format!("the CPU backend was handed a device buffer ({d:?}); the core must download it first"),
        )),
    }
}

/// The bytes of an output buffer, which the core passes as its only holder.
fn host_bytes_mut(b: &mut Buffer) -> Result<&mut [u8]> {
    match b {
        Buffer::Host(h) => Arc::get_mut(h).map(|h| h.as_bytes_mut()).ok_or_else(|| {
            Error::invalid(
                "cpu kernel",
                "an output buffer is shared; the core must pass a buffer it alone holds",
            )
        }),
        Buffer::Device(d) => Err(Error::unsupported(
            "cpu kernel",
            format!("cannot write a device buffer ({d:?})"),
        )),
    }
}

impl Backend for CpuBackend {
    fn info(&self) -> DeviceInfo {
        let simd = simd::SimdLevel::detect();
        DeviceInfo {
            device: Device::Cpu,
            name: cpu_name(),
            kind: DeviceKind::Cpu,
            backend: "cpu".into(),
            dtypes: DType::ALL.to_vec(),
            details: vec![
                ("simd".into(), simd.name().into()),
                ("threads".into(), rayon::current_num_threads().to_string()),
                (
                    "jit".into(),
                    if jit::enabled() { "x86-64 AVX" } else { "off" }.into(),
                ),
            ],
        }
    }

    fn memory(&self) -> Memory {
        Memory::Host
    }

    fn check(&self, _kernel: &Kernel) -> Result<()> {
        Ok(())
    }

    fn execute(&self, kernel: &Kernel, inputs: &[Buffer], outputs: &mut [Buffer]) -> Result<()> {
        let hosts = inputs.iter().map(host_bytes).collect::<Result<Vec<_>>>()?;
        let mut outs = outputs
            .iter_mut()
            .map(host_bytes_mut)
            .collect::<Result<Vec<_>>>()?;
        if kernel.dot().is_some() {
            return product::run(kernel, &hosts, &mut outs);
        }
        match (&kernel.reduction, outs.as_mut_slice()) {
            (Some(red), [out]) => reduce::run(kernel, red, &hosts, out),
            (Some(_), _) => Err(Error::invalid(
                "cpu kernel",
                "a reduction kernel has exactly one output",
            )),
            (None, _) => exec::run(kernel, &hosts, &mut outs),
        }
    }

    fn prepare(&self, kernel: &Kernel) -> Option<Prepared> {
        if kernel.dot().is_some() {
            return None;
        }
        exec::prepare(kernel).map(|p| Arc::new(p) as Prepared)
    }

    fn execute_prepared(
        &self,
        kernel: &Kernel,
        prepared: &Prepared,
        inputs: &[Buffer],
        outputs: &mut [Buffer],
    ) -> Result<()> {
        let Some(p) = prepared.downcast_ref::<exec::Prepared>() else {
            return self.execute(kernel, inputs, outputs);
        };
        let hosts = inputs
            .iter()
            .map(host_bytes)
            .collect::<Result<SmallVec<[&[u8]; 4]>>>()?;
        let mut outs = outputs
            .iter_mut()
            .map(host_bytes_mut)
            .collect::<Result<SmallVec<[&mut [u8]; 2]>>>()?;
        exec::run_prepared(kernel, p, &hosts, &mut outs)
    }

    fn execute_direct(
        &self,
        op: OneOp,
        dtype: DType,
        result: DType,
        inputs: &[DirectInput],
        output: &mut Buffer,
        n: usize,
    ) -> Option<Result<()>> {
        direct::run(op, dtype, result, inputs, output, n).map(Ok)
    }

    fn describe(&self, kernel: &Kernel) -> Option<String> {
        if kernel.dot().is_some() {
            return Some(product::describe(kernel));
        }
        Some(match &kernel.reduction {
            Some(red) => reduce::describe(kernel, red),
            None => exec::describe(kernel),
        })
    }

    fn estimate_seconds(&self, kernel: &Kernel) -> f64 {
        use tandem_core::kernel::Op;
        // Memory at ~20 GB/s over all threads, plus the arithmetic by the
        // op table's cost class (SIMD on one core), split over the threads.
        let per_element: f64 = kernel
            .instrs
            .iter()
            .map(|i| match i.op {
                Op::Unary(op, _) => op.cost().seconds_per_element(),
                Op::Binary(op, _, _) => op.cost().seconds_per_element(),
                Op::Load(_) | Op::Const(_) | Op::Dot(_) => 0.0,
                Op::Select(..) | Op::Cast(_) => 1e-10,
            })
            .sum();
        let threads = rayon::current_num_threads().max(1) as f64;
        // A product's multiply-adds at a GEMM's rate: ~30 GFLOP/s a core
        // in f32 (packed SIMD micro-kernels), half that in f64, far less
        // for the integer loops.
        let product = kernel.dot().map_or(0.0, |(v, d)| {
            let flops = 2.0 * d.len as f64 * kernel.size() as f64;
            let rate = match kernel.instrs[v].dtype {
                DType::F32 => 30e9,
                DType::F64 => 15e9,
                _ => 4e9,
            };
            flops / rate / threads
        });
        2e-6 + kernel.bytes_moved() as f64 / 20e9
            + kernel.size() as f64 * per_element / threads
            + product
    }
}
