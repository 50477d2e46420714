//! Forcing into a region of a buffer: `concatenate`'s result assembled
//! from parts, and `assign` writing a value into data it owns. Both force
//! their parts straight into the destination (one kernel per part, no
//! temporaries).

use super::entry::{force_all, write};
use super::pending::share_work;
use crate::backend::{Buffer, Memory};
use crate::buffer::HostBuffer;
use crate::error::Result;
use crate::graph::{Node, Storage};
use crate::layout::Layout;
use crate::registry::{default_device_checked, runtime};
use crate::run::batch;
use std::sync::Arc;

/// A new buffer of `size` elements of `dtype`, each part (a node of its
/// region's shape and of `dtype`) written into its region: the result of
/// `concatenate`, or of `assign` on shared data (the old values as the first
/// part). One kernel per part (plus what computing a part needs), one
/// allocation, on the device placement picks for the first part.
pub(crate) fn assemble(
    dtype: crate::DType,
    size: usize,
    parts: &[(Arc<Node>, Layout)],
) -> Result<Arc<Storage>> {
    batch(|| assemble_parts(dtype, size, parts))
}

fn assemble_parts(
    dtype: crate::DType,
    size: usize,
    parts: &[(Arc<Node>, Layout)],
) -> Result<Arc<Storage>> {
    let parts: Vec<&(Arc<Node>, Layout)> = parts.iter().filter(|(_, r)| r.size() > 0).collect();
    if parts.is_empty() {
        let bytes = size * dtype.size_of();
        return Ok(Storage::from_host(dtype, size, HostBuffer::zeroed(bytes)));
    }
    // Parts that share lazy work (`hstack([ax, ay, az])` of three sums over
    // one lazy matrix) are computed together first, so the shared part runs
    // once; each part is then a copy into its region.
    let nodes: Vec<&Arc<Node>> = parts.iter().map(|(n, _)| n).collect();
    if share_work(&nodes) {
        let lazy: Vec<&Arc<Node>> = nodes.into_iter().filter(|n| n.is_lazy()).collect();
        force_all(&lazy, default_device_checked()?)?;
    }
    let mut buffer = None;
    let mut backend = None;
    for (node, region) in parts {
        let s = write(
            node,
            region.clone(),
            size,
            backend,
            &mut buffer,
            default_device_checked()?,
        )?;
        if backend.is_none() {
            let on = s.copies().devices.first().map(|(b, _)| *b);
            backend = Some(on.unwrap_or_else(|| runtime().host_index()));
        }
        // Only `buffer` may hold the buffer while the next part is written.
        drop(s);
    }
    let buffer = buffer.expect("the first part allocated the buffer");
    let backend = backend.expect("placed");
    let host_memory = runtime().entry(backend).memory == Memory::Host;
    Ok(Storage::from_buffer(
        dtype,
        size,
        backend,
        host_memory,
        buffer,
    ))
}

/// Writes `value` (a node of `region`'s shape and the storage's dtype) into
/// `region` of `storage`'s only copy, in place. Returns `false`, writing
/// nothing, when the buffer has other holders or several copies; the caller
/// must have checked that no array can observe the storage.
pub(crate) fn write_in_place(storage: &Storage, value: &Arc<Node>, region: Layout) -> Result<bool> {
    batch(|| write_in_place_now(storage, value, region))
}

fn write_in_place_now(storage: &Storage, value: &Arc<Node>, region: Layout) -> Result<bool> {
    let rt = runtime();
    // Move the only copy out, so the kernel's writer holds the only handle.
    let (backend, buf) = {
        let mut copies = storage.copies();
        match (copies.host.take(), copies.devices.len()) {
            (Some(h), 0) => (rt.host_index(), Buffer::Host(h)),
            (None, 1) => copies.devices.pop().expect("one device copy"),
            (host, _) => {
                copies.host = host;
                return Ok(false);
            }
        }
    };
    let unique = match &buf {
        Buffer::Host(h) => Arc::strong_count(h) == 1,
        Buffer::Device(d) => Arc::strong_count(d) == 1,
    };
    let put_back = |buf: Buffer| {
        let mut copies = storage.copies();
        match buf {
            Buffer::Host(h) => copies.host = Some(h),
            d => copies.devices.push((backend, d)),
        }
    };
    if !unique {
        put_back(buf);
        return Ok(false);
    }
    let mut slot = Some(buf);
    let result = write(
        value,
        region,
        storage.len,
        Some(backend),
        &mut slot,
        default_device_checked()?,
    )
    .map(drop);
    if let Some(buf) = slot {
        put_back(buf);
    }
    result.map(|_| true)
}
