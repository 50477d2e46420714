//! Running an elementwise kernel: normalise it, fetch its pipeline from the
//! cache, split the iteration range into dispatches that fit the limits,
//! fill each dispatch's uniform words (sizes, window-relative bases,
//! strides, constants) and record it into the device's pending batch
//! (`batch.rs`). Nothing waits: readback does.

use crate::codegen::elementwise;
use crate::codegen::types::Width;
use crate::command::{Bound, Dispatch};
use crate::context::DeviceContext;
use crate::dispatch::{self, grid, span, window};
use crate::key::{self, Access, ElementwiseKey, Normalized, Operand, ShaderKey};
use crate::params::{put_const, ParamLayout, N, START};
use crate::pipeline_cache::BindKind;
use crate::pool::GpuBuffer;
use crate::record;
use tandem_core::kernel::Kernel;
use tandem_core::Result;

/// The cache key and normalised form of an elementwise kernel.
pub(crate) fn elementwise_key(kernel: &Kernel) -> (ElementwiseKey, Normalized) {
    let n = key::normalize(kernel);
    let width = if key::vec4_ok(&n) {
        Width::Vec4
    } else {
        Width::Scalar
    };
    let key = ElementwiseKey {
        body: n.body.clone(),
        outputs: kernel
            .outputs
            .iter()
            .zip(&n.outputs)
            .map(|(o, no)| (o.value, o.dtype, no.access))
            .collect(),
        width,
    };
    (key, n)
}

/// The bindings of an elementwise shader.
pub(crate) fn bind_kinds(inputs: usize, outputs: usize) -> Vec<BindKind> {
    std::iter::once(BindKind::Uniform)
        .chain(std::iter::repeat_n(BindKind::Read, inputs))
        .chain(std::iter::repeat_n(BindKind::Write, outputs))
        .collect()
}

/// Fills the words of operand `k` for a dispatch starting at flat `s`.
pub(crate) fn put_operand(
    words: &mut [u32],
    pl: &ParamLayout,
    k: usize,
    o: &Operand,
    w: &crate::dispatch::Window,
    s: usize,
) {
    let slot = &pl.slots[k];
    let rel = o.offset as i64 - w.base as i64;
    words[slot.base] = match o.access {
        Access::Contig => (rel + s as i64) as u32,
        Access::Scalar | Access::Strided => rel as i32 as u32,
    };
    if let Some(at) = slot.strides {
        for (i, &st) in o.strides.iter().enumerate() {
            words[at + i] = st as i32 as u32;
        }
    }
}

/// Runs `kernel` (no reduction) on `inputs` into `outputs`.
pub(crate) fn run(
    inner: &DeviceContext,
    kernel: &Kernel,
    inputs: &[&GpuBuffer],
    outputs: &[&GpuBuffer],
) -> Result<()> {
    let gpu = &inner.gpu;
    let (key, n) = elementwise_key(kernel);
    let size: usize = n.shape.iter().product();
    if size == 0 {
        return Ok(());
    }
    let width = key.width;
    let pl = elementwise::layout(&key);
    let compiled = inner.cache.get(
        gpu,
        &ShaderKey::Elementwise(key),
        &bind_kinds(n.inputs.len(), n.outputs.len()),
    )?;
    let limits = &gpu.limits;
    let (per, round) = match width {
        Width::Scalar => (1, 4),
        Width::Vec4 => (4, 16),
    };
    let wg = u64::from(limits.workgroup);
    let operands: Vec<(&Operand, &GpuBuffer)> = n
        .inputs
        .iter()
        .zip(inputs.iter().copied())
        .chain(n.outputs.iter().zip(outputs.iter().copied()))
        .collect();
    let windows = |s: usize, e: usize| -> Vec<crate::dispatch::Window> {
        operands
            .iter()
            .map(|(o, b)| {
                let (lo, hi) = span(&n.shape, &o.strides, o.offset, o.access, s, e);
                let r = if o.access == Access::Contig { round } else { 4 };
                window(lo, hi, o.dtype.size_of(), limits, b.raw().size(), r)
            })
            .collect()
    };
    let fits = |s: usize, e: usize| {
        let items = (e - s).div_ceil(per) as u64;
        items.div_ceil(wg) <= dispatch::max_workgroups(limits)
            && windows(s, e).iter().all(|w| w.size <= limits.max_binding)
    };
    let chunks = dispatch::split(size, per, fits)
        .ok_or_else(|| dispatch::too_big(gpu, "an elementwise kernel's operand"))?;
    let dispatches: Vec<Dispatch> = chunks
        .iter()
        .map(|&(s, e)| {
            let ws = windows(s, e);
            let mut words = pl.block();
            words[N] = (e - s) as u32;
            words[START] = s as u32;
            for (k, &d) in n.shape.iter().enumerate() {
                words[pl.shape_at + k] = d as u32;
            }
            for (k, ((o, _), w)) in operands.iter().zip(&ws).enumerate() {
                put_operand(&mut words, &pl, k, o, w, s);
            }
            for (c, &at) in n.consts.iter().zip(&pl.consts) {
                put_const(&mut words, at, *c);
            }
            let items = (e - s).div_ceil(per) as u64;
            Dispatch {
                words,
                bound: operands
                    .iter()
                    .zip(ws)
                    .map(|((_, b), window)| Bound { buffer: b, window })
                    .collect(),
                grid: grid(items.div_ceil(wg), limits),
            }
        })
        .collect();
    gpu.scoped("kernel", 0, || {
        let mut rec = inner.batch.record(gpu);
        record::encode(inner, rec.encoder(), &compiled, &dispatches);
    })
}
