//! Moving bytes between host and GPU: upload through the queue's staging
//! writes, readback through a pooled `MAP_READ` staging buffer, `map_async`
//! and a blocking poll. A readback's copy joins the pending batch, so a
//! graph forced by reading its result is one submission in all. Buffers keep the host layout byte for byte (`Bool`
//! is one byte per element on both sides).

use crate::context::DeviceContext;
use crate::pool::{GpuBuffer, READBACK, STORAGE};
use std::sync::mpsc;
use tandem_core::buffer::HostBuffer;
use tandem_core::{Error, Result};

/// Copies `data` into a new device buffer.
pub(crate) fn upload(inner: &DeviceContext, data: &HostBuffer) -> Result<GpuBuffer> {
    let (gpu, pool) = (&inner.gpu, &inner.pool);
    let bytes = data.as_bytes();
    let buf = pool.get(gpu, STORAGE, bytes.len() as u64, "upload")?;
    if buf.recycled_unsubmitted(pool) {
        // Queue writes land before the pending work, which may still read
        // this memory under its previous owner.
        inner.batch.flush(gpu, pool)?;
    }
    gpu.scoped("upload", bytes.len() as u64, || {
        // Queue writes must be multiples of 4 bytes: pad the tail.
        let whole = bytes.len() / 4 * 4;
        if whole > 0 {
            gpu.queue.write_buffer(buf.raw(), 0, &bytes[..whole]);
        }
        if whole < bytes.len() {
            let mut tail = [0u8; 4];
            tail[..bytes.len() - whole].copy_from_slice(&bytes[whole..]);
            gpu.queue.write_buffer(buf.raw(), whole as u64, &tail);
        }
    })?;
    Ok(buf)
}

/// Copies the first `len` bytes of `buf` to the host.
pub(crate) fn download(inner: &DeviceContext, buf: &GpuBuffer, len: usize) -> Result<HostBuffer> {
    let (gpu, pool) = (&inner.gpu, &inner.pool);
    let mut host = HostBuffer::try_for_overwrite("download", len)?;
    if len == 0 {
        return Ok(host);
    }
    let size = (len as u64).div_ceil(4) * 4;
    let staging = pool.get(gpu, READBACK, size, "download")?;
    let copy = |enc: &mut wgpu::CommandEncoder| {
        enc.copy_buffer_to_buffer(buf.raw(), 0, staging.raw(), 0, size);
    };
    inner.batch.submit_with(gpu, pool, Some(&copy))?;
    let (tx, rx) = mpsc::channel();
    staging
        .raw()
        .slice(..size)
        .map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
    gpu.wait()?;
    let mapped = rx.recv().map_err(|_| Error::Device {
        device: gpu.label.clone(),
        message: "the readback was never completed (device lost?)".into(),
    })?;
    mapped.map_err(|e| Error::Device {
        device: gpu.label.clone(),
        message: format!("mapping the readback buffer failed: {e}"),
    })?;
    {
        let view = staging
            .raw()
            .slice(..size)
            .get_mapped_range()
            .map_err(|e| Error::Device {
                device: gpu.label.clone(),
                message: format!("reading the mapped readback buffer failed: {e}"),
            })?;
        host.as_bytes_mut().copy_from_slice(&view[..len]);
    }
    staging.raw().unmap();
    Ok(host)
}
