//! Bind groups (with their uniform blocks) cached by what they bind. A loop
//! that runs the same expression on the same buffers (results recycled by
//! the pool land in the same buffers) would otherwise create a uniform
//! buffer, write it through the queue and create a bind group for every
//! kernel: on lavapipe that is a third of a small kernel's cost. Here a
//! dispatch whose pipeline, uniform words and bound buffer windows were
//! seen before reuses the group as is.
//!
//! Uniform buffers are immutable (filled at creation, never rewritten), so
//! a cached group can be recorded any number of times, in any batch,
//! without ordering hazards. A group keeps its buffers alive, so groups
//! binding a buffer the pool gave back to the driver are dropped, and the
//! cache keeps the most recently used [`CAPACITY`] groups at most
//! ([`Recent`]).

use crate::command::Dispatch;
use crate::device::Gpu;
use crate::pipeline_cache::Compiled;
use crate::pool::Pool;
use crate::recent::Recent;
use std::num::NonZeroU64;
use std::sync::{Arc, Mutex};
use wgpu::util::DeviceExt;

/// Most groups kept; a workload cycling through more simply rebuilds them.
const CAPACITY: usize = 4096;

/// What a bind group binds: the pipeline (by serial number), the uniform
/// words, and each buffer's serial number and window.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    pipeline: u64,
    words: Vec<u32>,
    bound: Vec<(u64, u64, u64)>,
}

/// One device's cache.
pub(crate) struct BindCache {
    map: Mutex<Recent<Key, wgpu::BindGroup>>,
}

impl Default for BindCache {
    fn default() -> BindCache {
        BindCache {
            map: Mutex::new(Recent::new(CAPACITY)),
        }
    }
}

impl BindCache {
    /// The bind group for `d` under `compiled`, created on first use.
    pub fn get(
        &self,
        gpu: &Gpu,
        pool: &Pool,
        compiled: &Arc<Compiled>,
        d: &Dispatch<'_>,
    ) -> wgpu::BindGroup {
        let key = Key {
            pipeline: compiled.serial,
            words: d.words.clone(),
            bound: d
                .bound
                .iter()
                .map(|b| (b.buffer.serial(), b.window.offset, b.window.size))
                .collect(),
        };
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let dropped = pool.take_dropped();
        if !dropped.is_empty() {
            map.retain(|k, _| !k.bound.iter().any(|(id, _, _)| dropped.contains(id)));
        }
        if let Some(g) = map.get(&key) {
            return g.clone();
        }
        let group = create(gpu, compiled, d);
        map.insert(key, group.clone());
        group
    }

    /// Number of cached groups.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Drops every cached group (after an out-of-memory error).
    pub fn clear(&self) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// A new uniform buffer holding `d`'s words and a bind group of it and
/// `d`'s buffer windows.
fn create(gpu: &Gpu, compiled: &Compiled, d: &Dispatch<'_>) -> wgpu::BindGroup {
    // A uniform binding is at least 16 bytes.
    let mut words = d.words.clone();
    words.resize(words.len().max(4), 0);
    let uniform = gpu
        .device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("tandem kernel parameters"),
            contents: bytemuck::cast_slice(&words),
            usage: wgpu::BufferUsages::UNIFORM,
        });
    let mut entries = vec![wgpu::BindGroupEntry {
        binding: 0,
        resource: uniform.as_entire_binding(),
    }];
    for (k, b) in d.bound.iter().enumerate() {
        entries.push(wgpu::BindGroupEntry {
            binding: 1 + k as u32,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer: b.buffer.raw(),
                offset: b.window.offset,
                size: NonZeroU64::new(b.window.size),
            }),
        });
    }
    gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("tandem kernel"),
        layout: &compiled.layout,
        entries: &entries,
    })
}
