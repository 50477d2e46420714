//! Command recording: a kernel's dispatches into one compute pass of the
//! batch's encoder, each with its cached bind group.

use crate::command::Dispatch;
use crate::context::DeviceContext;
use crate::pipeline_cache::Compiled;
use std::sync::Arc;

/// Records `dispatches` of `compiled` into `enc` in one compute pass, each
/// with its bind group (uniform words and buffer windows) from the
/// device's bind group cache.
pub(crate) fn encode(
    inner: &DeviceContext,
    enc: &mut wgpu::CommandEncoder,
    compiled: &Arc<Compiled>,
    dispatches: &[Dispatch<'_>],
) {
    let groups: Vec<wgpu::BindGroup> = dispatches
        .iter()
        .map(|d| inner.binds.get(&inner.gpu, &inner.pool, compiled, d))
        .collect();
    let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
        label: Some("tandem kernel"),
        timestamp_writes: None,
    });
    pass.set_pipeline(&compiled.pipeline);
    for (d, g) in dispatches.iter().zip(&groups) {
        pass.set_bind_group(0, g, &[]);
        pass.dispatch_workgroups(d.grid.0, d.grid.1, 1);
    }
}
