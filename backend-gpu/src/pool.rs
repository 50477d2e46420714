//! A size-bucketed pool of wgpu buffers. Creating a buffer costs a driver
//! call and fresh memory; a loop that allocates one result per iteration
//! should reuse last iteration's. Sizes are rounded up to a bucket (quarter
//! steps between powers of two, at least 256 bytes), and a dropped
//! [`GpuBuffer`] goes back to its bucket instead of to the driver, up to a
//! cap of pooled bytes.
//!
//! Reuse is safe without waiting: wgpu orders every later queue write and
//! dispatch after the work already submitted that used the buffer. Work
//! recorded but not yet submitted (see `batch.rs`) is the exception for
//! queue writes, which land before it: each free buffer remembers the
//! submission epoch it was released in, and [`GpuBuffer::recycled_unsubmitted`]
//! tells an upload to flush first.

use crate::device::Gpu;
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tandem_core::backend::DeviceBuffer;
use tandem_core::{Error, Result};

/// At most this many bytes of free buffers wait in the pool.
const POOL_MAX_BYTES: u64 = 1 << 30;

/// Buffers the kernels read and write.
pub(crate) const STORAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::COPY_SRC)
    .union(wgpu::BufferUsages::COPY_DST);
/// Staging buffers for readback.
pub(crate) const READBACK: wgpu::BufferUsages =
    wgpu::BufferUsages::MAP_READ.union(wgpu::BufferUsages::COPY_DST);

/// The bucket size for a request of `bytes`.
///
/// Quarter steps between powers of two waste at most 25%; everything is a
/// multiple of 256 bytes, so `vec4` tails and binding offsets fit inside.
pub(crate) fn bucket(bytes: u64) -> u64 {
    let b = bytes.max(256);
    let top = b.next_power_of_two();
    let step = (top / 8).max(256);
    b.div_ceil(step) * step
}

/// Counters of the pool's behaviour (for tests and benchmarks).
///
/// ```
/// for b in tandem_gpu::gpu_backends() {
///     let before = b.pool_stats();
///     drop(b.alloc_buffer(1 << 20)?);
///     drop(b.alloc_buffer(1 << 20)?);
///     assert!(b.pool_stats().reused > before.reused);
/// }
/// # Ok::<(), tandem_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Requests served from the pool.
    pub reused: u64,
    /// Requests that created a new buffer.
    pub created: u64,
    /// Bytes of free buffers waiting in the pool.
    pub pooled_bytes: u64,
}

/// A free buffer: serial number, submission epoch of its release, buffer.
type FreeBuffer = (u64, u64, wgpu::Buffer);

#[derive(Default)]
struct Free {
    buckets: HashMap<(u32, u64), Vec<FreeBuffer>>,
    bytes: u64,
}

/// The shared state of one device's pool.
#[derive(Default)]
pub(crate) struct Pool {
    free: Mutex<Free>,
    reused: AtomicU64,
    created: AtomicU64,
    next_id: AtomicU64,
    /// Submissions so far (see the module docs).
    epoch: AtomicU64,
    /// Serial numbers of buffers given back to the driver since the bind
    /// group cache last looked (it drops groups that keep them alive).
    dropped: Mutex<Vec<u64>>,
}

impl Pool {
    /// A buffer of at least `bytes` bytes with `usage`.
    pub fn get(
        self: &Arc<Self>,
        gpu: &Gpu,
        usage: wgpu::BufferUsages,
        bytes: u64,
        op: &'static str,
    ) -> Result<GpuBuffer> {
        let size = bucket(bytes);
        if size > gpu.limits.max_buffer {
            return Err(Error::OutOfMemory {
                op,
                device: gpu.label.clone(),
                bytes,
            });
        }
        let found = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            let hit = free
                .buckets
                .get_mut(&(usage.bits(), size))
                .and_then(|v| v.pop());
            if hit.is_some() {
                free.bytes -= size;
            }
            hit
        };
        let (id, released, buffer) = match found {
            Some(b) => {
                self.reused.fetch_add(1, Ordering::Relaxed);
                b
            }
            None => {
                let buffer = gpu.scoped(op, size, || {
                    gpu.device.create_buffer(&wgpu::BufferDescriptor {
                        label: Some("tandem"),
                        size,
                        usage,
                        mapped_at_creation: false,
                    })
                })?;
                self.created.fetch_add(1, Ordering::Relaxed);
                (
                    self.next_id.fetch_add(1, Ordering::Relaxed),
                    u64::MAX,
                    buffer,
                )
            }
        };
        Ok(GpuBuffer {
            buffer: Some(buffer),
            len: bytes as usize,
            id,
            released,
            usage,
            pool: Arc::downgrade(self),
        })
    }

    fn put(&self, usage: wgpu::BufferUsages, id: u64, buffer: wgpu::Buffer) {
        let size = buffer.size();
        let epoch = self.epoch();
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.bytes + size <= POOL_MAX_BYTES {
            free.bytes += size;
            free.buckets
                .entry((usage.bits(), size))
                .or_default()
                .push((id, epoch, buffer));
        } else {
            drop(free);
            self.note_dropped([id]);
        }
    }

    fn note_dropped(&self, ids: impl IntoIterator<Item = u64>) {
        self.dropped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(ids);
    }

    /// Serial numbers of buffers given back to the driver since the last call.
    pub fn take_dropped(&self) -> Vec<u64> {
        std::mem::take(&mut *self.dropped.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The number of submissions so far.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Marks a submission: buffers released before it are no longer read
    /// by unsubmitted work.
    pub fn advance_epoch(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> PoolStats {
        PoolStats {
            reused: self.reused.load(Ordering::Relaxed),
            created: self.created.load(Ordering::Relaxed),
            pooled_bytes: self.free.lock().unwrap_or_else(|e| e.into_inner()).bytes,
        }
    }

    /// Frees every pooled buffer (e.g. after an out-of-memory error).
    pub fn clear(&self) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let ids: Vec<u64> = free
            .buckets
            .drain()
            .flat_map(|(_, v)| v.into_iter().map(|(id, _, _)| id))
            .collect();
        free.bytes = 0;
        drop(free);
        self.note_dropped(ids);
    }
}

/// A buffer in GPU memory, returned to its pool when dropped. The core sees
/// it as a `tandem_core::backend::DeviceBuffer`.
///
/// ```
/// use tandem_core::backend::DeviceBuffer;
/// for b in tandem_gpu::gpu_backends() {
///     let buf = b.alloc_buffer(100)?;
///     assert_eq!(buf.byte_len(), 100);
/// }
/// # Ok::<(), tandem_core::Error>(())
/// ```
pub struct GpuBuffer {
    buffer: Option<wgpu::Buffer>,
    len: usize,
    id: u64,
    /// The pool epoch this buffer was last released in (`u64::MAX`: new).
    released: u64,
    usage: wgpu::BufferUsages,
    pool: std::sync::Weak<Pool>,
}

impl GpuBuffer {
    /// The wgpu buffer (its size is the bucket size, at least `len`).
    pub(crate) fn raw(&self) -> &wgpu::Buffer {
        self.buffer
            .as_ref()
            .expect("a live GpuBuffer holds its buffer")
    }

    /// The pool's serial number of the underlying buffer (equal numbers
    /// mean the memory was reused).
    ///
    /// ```
    /// if let Some(b) = tandem_gpu::gpu_backends().first() {
    ///     let a = b.alloc_buffer(1 << 20)?;
    ///     let first = a.serial();
    ///     drop(a);
    ///     assert_eq!(b.alloc_buffer(1 << 20)?.serial(), first); // reused
    /// }
    /// # Ok::<(), tandem_core::Error>(())
    /// ```
    pub fn serial(&self) -> u64 {
        self.id
    }

    /// Whether work recorded but not yet submitted may still read this
    /// buffer's memory (it was recycled within the current epoch), so a
    /// queue write into it must flush that work first.
    pub(crate) fn recycled_unsubmitted(&self, pool: &Pool) -> bool {
        self.released == pool.epoch()
    }
}

impl Drop for GpuBuffer {
    fn drop(&mut self) {
        if let (Some(b), Some(pool)) = (self.buffer.take(), self.pool.upgrade()) {
            pool.put(self.usage, self.id, b);
        }
    }
}

impl fmt::Debug for GpuBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GpuBuffer(#{}, {} bytes)", self.id, self.len)
    }
}

impl DeviceBuffer for GpuBuffer {
    fn byte_len(&self) -> usize {
        self.len
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_up_by_at_most_a_quarter() {
        assert_eq!(bucket(0), 256);
        assert_eq!(bucket(257), 512);
        assert_eq!(bucket(160 << 20), 160 << 20);
        for b in [1000u64, 123_457, 40_000_000 * 4] {
            let s = bucket(b);
            assert!(s >= b && s <= b + b / 4 + 256, "{b} -> {s}");
            assert_eq!(s % 256, 0);
        }
    }
}
