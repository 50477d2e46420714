//! Compiling a [`Units`]'s shader and turning its dispatch ranges into
//! [`Dispatch`]es (uniform words, buffer windows, a 2-D grid), recorded into
//! the device's pending batch or, for the autotuner, into an encoder of its
//! own.

use super::units::Units;
use crate::command::{Bound, Dispatch};
use crate::context::DeviceContext;
use crate::dispatch::grid;
use crate::exec::bind_kinds;
use crate::key::ShaderKey;
use crate::pipeline_cache::Compiled;
use crate::pool::GpuBuffer;
use crate::record;
use std::sync::Arc;
use tandem_core::Result;

/// The compiled shader of `units` and its dispatches over `inputs` and
/// `outputs`; `Ok(None)` when one unit's windows exceed a binding.
pub(crate) fn prepare<'a>(
    inner: &DeviceContext,
    units: &Units,
    inputs: &[&'a GpuBuffer],
    outputs: &[&'a GpuBuffer],
) -> Result<Option<(Arc<Compiled>, Vec<Dispatch<'a>>)>> {
    let gpu = &inner.gpu;
    let limits = &gpu.limits;
    let bufs: Vec<&GpuBuffer> = inputs.iter().chain(outputs).copied().collect();
    let phys: Vec<u64> = bufs.iter().map(|b| b.raw().size()).collect();
    let Some(ranges) = units.split(&phys, limits) else {
        return Ok(None);
    };
    let compiled = inner.cache.get(
        gpu,
        &ShaderKey::Gemm(units.key.clone()),
        &bind_kinds(inputs.len(), outputs.len()),
    )?;
    let dispatches = ranges
        .into_iter()
        .map(|(u0, u1)| {
            let ws = units.windows(u0, u1, &phys, limits);
            Dispatch {
                words: units.words(u0, u1, &ws),
                bound: bufs
                    .iter()
                    .zip(ws)
                    .map(|(b, window)| Bound { buffer: b, window })
                    .collect(),
                grid: grid(units.workgroups(u0, u1), limits),
            }
        })
        .collect();
    Ok(Some((compiled, dispatches)))
}

/// Records the dispatches `ds` of `compiled` in the pending batch.
pub(crate) fn record(
    inner: &DeviceContext,
    compiled: &Arc<Compiled>,
    ds: &[Dispatch],
) -> Result<()> {
    if ds.is_empty() {
        return Ok(());
    }
    let gpu = &inner.gpu;
    gpu.scoped("matrix product", 0, || {
        let mut rec = inner.batch.record(gpu);
        record::encode(inner, rec.encoder(), compiled, ds);
    })
}
