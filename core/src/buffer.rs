//! Host memory: `HostBuffer`, a 64-byte-aligned byte buffer that every
//! backend can read, with a size-bucketed pool so that repeated work does not
//! page-fault fresh memory (at 10^7 elements that costs more than the math).

use crate::error::{Error, Result};
use bytemuck::{Pod, Zeroable};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One cache line; buffers are vectors of these so they are 64-byte aligned
/// for AVX-512 loads without any `unsafe`.
#[derive(Clone, Copy, Pod, Zeroable)]
#[repr(C, align(64))]
struct Line([u8; 64]);

/// At most this many freed buffers of one size wait in the pool (small
/// sizes recur constantly in loops over small arrays; a handful suffices).
const POOL_PER_SIZE: usize = 16;
/// At most this many bytes wait in the pool; beyond it freed buffers go back to the OS.
const POOL_MAX_BYTES: usize = 1 << 30;

struct Pool {
    free: HashMap<usize, Vec<Vec<Line>>>,
    bytes: usize,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);
/// Bytes held by live `HostBuffer`s (not counting the pool).
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Bytes held by live host buffers in this process (array data, results,
/// copies; not the pool of freed buffers). For tests that memory stays flat.
///
/// ```
/// let _ = tandem_core::buffer::live_bytes();
/// ```
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn take_from_pool(lines: usize) -> Option<Vec<Line>> {
    let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let pool = guard.as_mut()?;
    let v = pool.free.get_mut(&lines)?.pop()?;
    pool.bytes -= lines * 64;
    Some(v)
}

fn return_to_pool(v: Vec<Line>) {
    let bytes = v.len() * 64;
    if bytes == 0 {
        return;
    }
    let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let pool = guard.get_or_insert_with(|| Pool {
        free: HashMap::new(),
        bytes: 0,
    });
    let same = pool.free.entry(v.len()).or_default();
    if pool.bytes + bytes <= POOL_MAX_BYTES && same.len() < POOL_PER_SIZE {
        same.push(v);
        pool.bytes += bytes;
    }
}

/// Bytes held by freed buffers waiting for reuse (for tests and `stats`).
///
/// ```
/// let _ = tandem_core::buffer::pooled_bytes();
/// ```
pub fn pooled_bytes() -> usize {
    let guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    guard.as_ref().map_or(0, |p| p.bytes)
}

/// A 64-byte-aligned block of host memory holding `len` bytes of elements.
///
/// ```
/// use tandem_core::buffer::HostBuffer;
/// let mut b = HostBuffer::zeroed(8);
/// b.typed_mut::<f32>()[1] = 2.0;
/// assert_eq!(b.typed::<f32>(), &[0.0, 2.0]);
/// ```
pub struct HostBuffer {
    lines: Vec<Line>,
    len: usize,
}

impl HostBuffer {
    fn lines_for(len: usize) -> usize {
        len.div_ceil(64)
    }

    /// A buffer whose contents are unspecified (reused memory, or zeros);
    /// for outputs that are about to be overwritten entirely.
    ///
    /// ```
    /// assert_eq!(tandem_core::buffer::HostBuffer::for_overwrite(10).len(), 10);
    /// ```
    pub fn for_overwrite(len: usize) -> HostBuffer {
        let n = Self::lines_for(len);
        let lines = take_from_pool(n).unwrap_or_else(|| vec![Line::zeroed(); n]);
        LIVE.fetch_add(len, Ordering::Relaxed);
        HostBuffer { lines, len }
    }

    /// Like [`for_overwrite`](HostBuffer::for_overwrite), but an allocation
    /// the machine cannot satisfy is [`Error::OutOfMemory`] instead of an abort.
    ///
    /// ```
    /// use tandem_core::buffer::HostBuffer;
    /// assert!(HostBuffer::try_for_overwrite("zeros", usize::MAX / 2).is_err());
    /// ```
    pub fn try_for_overwrite(op: &'static str, len: usize) -> Result<HostBuffer> {
        let n = Self::lines_for(len);
        if let Some(lines) = take_from_pool(n) {
            LIVE.fetch_add(len, Ordering::Relaxed);
            return Ok(HostBuffer { lines, len });
        }
        let mut lines: Vec<Line> = Vec::new();
        lines.try_reserve_exact(n).map_err(|_| Error::OutOfMemory {
            op,
            device: "cpu".into(),
            bytes: len as u64,
        })?;
        lines.resize(n, Line::zeroed());
        LIVE.fetch_add(len, Ordering::Relaxed);
        Ok(HostBuffer { lines, len })
    }

    /// A buffer of zero bytes.
    ///
    /// ```
    /// assert!(tandem_core::buffer::HostBuffer::zeroed(3).as_bytes().iter().all(|&b| b == 0));
    /// ```
    pub fn zeroed(len: usize) -> HostBuffer {
        let mut b = Self::for_overwrite(len);
        b.as_bytes_mut().fill(0);
        b
    }

    /// A buffer holding a copy of `bytes`.
    ///
    /// ```
    /// let b = tandem_core::buffer::HostBuffer::from_bytes(&[1, 2, 3]);
    /// assert_eq!(b.as_bytes(), &[1, 2, 3]);
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> HostBuffer {
        let mut b = Self::for_overwrite(bytes.len());
        b.as_bytes_mut().copy_from_slice(bytes);
        b
    }

    /// Length in bytes.
    ///
    /// ```
    /// assert!(tandem_core::buffer::HostBuffer::zeroed(0).is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when the buffer holds no bytes.
    ///
    /// ```
    /// assert!(!tandem_core::buffer::HostBuffer::zeroed(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes.
    ///
    /// ```
    /// assert_eq!(tandem_core::buffer::HostBuffer::zeroed(2).as_bytes().len(), 2);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &bytemuck::cast_slice(&self.lines)[..self.len]
    }

    /// The bytes, mutably.
    ///
    /// ```
    /// let mut b = tandem_core::buffer::HostBuffer::zeroed(1);
    /// b.as_bytes_mut()[0] = 7;
    /// assert_eq!(b.as_bytes(), &[7]);
    /// ```
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        let len = self.len;
        &mut bytemuck::cast_slice_mut(&mut self.lines)[..len]
    }

    /// The elements as `T` (the buffer's length must be a multiple of `T`'s size).
    ///
    /// ```
    /// let b = tandem_core::buffer::HostBuffer::from_bytes(bytemuck::cast_slice(&[1i32, 2]));
    /// assert_eq!(b.typed::<i32>(), &[1, 2]);
    /// ```
    pub fn typed<T: Pod>(&self) -> &[T] {
        bytemuck::cast_slice(self.as_bytes())
    }

    /// The elements as `T`, mutably.
    ///
    /// ```
    /// let mut b = tandem_core::buffer::HostBuffer::zeroed(4);
    /// b.typed_mut::<u32>()[0] = 9;
    /// assert_eq!(b.typed::<u32>(), &[9]);
    /// ```
    pub fn typed_mut<T: Pod>(&mut self) -> &mut [T] {
        bytemuck::cast_slice_mut(self.as_bytes_mut())
    }
}

impl Clone for HostBuffer {
    fn clone(&self) -> HostBuffer {
        HostBuffer::from_bytes(self.as_bytes())
    }
}

impl Drop for HostBuffer {
    fn drop(&mut self) {
        LIVE.fetch_sub(self.len, Ordering::Relaxed);
        return_to_pool(std::mem::take(&mut self.lines));
    }
}

impl std::fmt::Debug for HostBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HostBuffer({} bytes)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_are_reused() {
        let len = 4 << 20;
        let a = HostBuffer::for_overwrite(len);
        let ptr = a.as_bytes().as_ptr();
        drop(a);
        let b = HostBuffer::for_overwrite(len);
        assert_eq!(b.as_bytes().as_ptr(), ptr);
    }

    #[test]
    fn zeroed_clears_reused_memory() {
        let len = 1 << 20;
        let mut a = HostBuffer::for_overwrite(len);
        a.as_bytes_mut().fill(0xAB);
        drop(a);
        let b = HostBuffer::zeroed(len);
        assert!(b.as_bytes().iter().all(|&x| x == 0));
    }
}
