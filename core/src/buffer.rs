//! Host memory: `HostBuffer`, a byte buffer that every backend can read.
//!
//! tandem allocates its own buffers 64-byte aligned, from a size-bucketed
//! pool so that repeated work does not page-fault fresh memory (at 10^7
//! elements that costs more than the math). A buffer can also *adopt* a
//! `Vec<T>` that someone else allocated ([`HostBuffer::from_vec`]), which is
//! how an owned `ndarray` array becomes an `Array` without a copy: the `Vec`
//! is kept whole and freed as a `Vec<T>` (never pooled), and
//! [`HostBuffer::into_vec`] hands it back.

use crate::error::{Error, Result};
use bytemuck::{Pod, Zeroable};
use std::any::Any;
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
    free: rustc_hash::FxHashMap<usize, Vec<Vec<Line>>>,
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

/// Buffers up to this many lines (64 KiB) are also kept per thread, in
/// front of the shared pool: a loop over small arrays frees and takes one
/// per force, and the shared pool's lock and map cost more than the kernel.
const LOCAL_MAX_LINES: usize = 1024;
/// Small buffers kept per thread.
const LOCAL_SLOTS: usize = 32;

thread_local! {
    static LOCAL: std::cell::RefCell<Vec<Vec<Line>>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn take_from_pool(lines: usize) -> Option<Vec<Line>> {
    if lines <= LOCAL_MAX_LINES {
        let local = LOCAL
            .try_with(|l| {
                let mut l = l.borrow_mut();
                let at = l.iter().rposition(|v| v.len() == lines)?;
                Some(l.swap_remove(at))
            })
            .ok()
            .flatten();
        if local.is_some() {
            return local;
        }
    }
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
    let v = if v.len() <= LOCAL_MAX_LINES {
        // Kept per thread if there is room (and the thread is not exiting).
        let mut v = Some(v);
        let _ = LOCAL.try_with(|l| {
            let mut l = l.borrow_mut();
            if l.len() < LOCAL_SLOTS {
                l.push(v.take().expect("not yet taken"));
            }
        });
        match v {
            Some(v) => v,
            None => return,
        }
    } else {
        v
    };
    let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let pool = guard.get_or_insert_with(|| Pool {
        free: Default::default(),
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

/// A `Vec<T>` of plain elements that a [`HostBuffer`] adopted. Dropping the
/// box drops the `Vec<T>`, which frees the allocation with the layout it
/// was made with (`T`'s alignment, not 64 bytes).
trait Adopted: Send + Sync {
    fn bytes(&self) -> &[u8];
    fn bytes_mut(&mut self) -> &mut [u8];
    fn as_any(&self) -> &dyn Any;
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<T: Pod + Send + Sync> Adopted for Vec<T> {
    fn bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        bytemuck::cast_slice_mut(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// Where a buffer's bytes live.
enum Backing {
    /// tandem's own allocation: 64-byte aligned, returned to the pool on drop.
    Lines(Vec<Line>),
    /// A foreign `Vec<T>`, used in place; freed as that `Vec` on drop.
    Adopted(Box<dyn Adopted>),
}

/// A block of host memory holding `len` bytes of elements: either tandem's
/// own (64-byte aligned, pooled) or a `Vec<T>` adopted without copying
/// (aligned for `T`; see [`from_vec`](HostBuffer::from_vec)).
///
/// ```
/// use tandem_core::buffer::HostBuffer;
/// let mut b = HostBuffer::zeroed(8);
/// b.typed_mut::<f32>()[1] = 2.0;
/// assert_eq!(b.typed::<f32>(), &[0.0, 2.0]);
/// ```
pub struct HostBuffer {
    backing: Backing,
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
        HostBuffer {
            backing: Backing::Lines(lines),
            len,
        }
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
            return Ok(HostBuffer {
                backing: Backing::Lines(lines),
                len,
            });
        }
        let mut lines: Vec<Line> = Vec::new();
        lines.try_reserve_exact(n).map_err(|_| Error::OutOfMemory {
            op,
            device: "cpu".into(),
            bytes: len as u64,
        })?;
        lines.resize(n, Line::zeroed());
        LIVE.fetch_add(len, Ordering::Relaxed);
        Ok(HostBuffer {
            backing: Backing::Lines(lines),
            len,
        })
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

    /// Adopts `v` without copying: the buffer's bytes are `v`'s elements,
    /// in place. The memory is aligned for `T` (not to 64 bytes like
    /// tandem's own buffers), counts in [`live_bytes`] while the buffer
    /// lives, and is freed as the `Vec<T>` it is (never pooled) when the
    /// buffer drops, unless [`into_vec`](HostBuffer::into_vec) hands it back.
    ///
    /// ```
    /// use tandem_core::buffer::HostBuffer;
    /// let v = vec![1.5f64, 2.5];
    /// let ptr = v.as_ptr();
    /// let b = HostBuffer::from_vec(v);
    /// assert_eq!(b.typed::<f64>(), &[1.5, 2.5]);
    /// assert_eq!(b.as_bytes().as_ptr(), ptr.cast::<u8>());
    /// ```
    pub fn from_vec<T: Pod + Send + Sync>(v: Vec<T>) -> HostBuffer {
        let len = std::mem::size_of_val(v.as_slice());
        LIVE.fetch_add(len, Ordering::Relaxed);
        HostBuffer {
            backing: Backing::Adopted(Box::new(v)),
            len,
        }
    }

    /// The `Vec<T>` this buffer adopted with [`from_vec`](HostBuffer::from_vec),
    /// without copying; the buffer itself back (`Err`) if it did not adopt a
    /// `Vec` of exactly this `T` (tandem's own 64-byte-aligned memory cannot
    /// become a `Vec<T>`, which must be freed with `T`'s alignment).
    ///
    /// ```
    /// use tandem_core::buffer::HostBuffer;
    /// let v = vec![7u32, 8, 9];
    /// let ptr = v.as_ptr();
    /// let b = HostBuffer::from_vec(v);
    /// let b = b.into_vec::<i32>().unwrap_err(); // another element type
    /// let back = b.into_vec::<u32>().unwrap();
    /// assert_eq!((back.as_ptr(), back), (ptr, vec![7, 8, 9]));
    /// assert!(HostBuffer::zeroed(4).into_vec::<u32>().is_err()); // tandem's own memory
    /// ```
    pub fn into_vec<T: Pod>(mut self) -> std::result::Result<Vec<T>, HostBuffer> {
        match std::mem::replace(&mut self.backing, Backing::Lines(Vec::new())) {
            Backing::Adopted(a) if a.as_any().is::<Vec<T>>() => {
                LIVE.fetch_sub(self.len, Ordering::Relaxed);
                self.len = 0;
                let v = a.into_any().downcast::<Vec<T>>();
                Ok(*v.expect("the adopted Vec's type was checked just above"))
            }
            other => {
                self.backing = other;
                Err(self)
            }
        }
    }

    /// `true` when the buffer is an adopted `Vec` (see
    /// [`from_vec`](HostBuffer::from_vec)) rather than tandem's own memory.
    ///
    /// ```
    /// use tandem_core::buffer::HostBuffer;
    /// assert!(HostBuffer::from_vec(vec![1i64]).is_adopted());
    /// assert!(!HostBuffer::zeroed(8).is_adopted());
    /// ```
    pub fn is_adopted(&self) -> bool {
        matches!(self.backing, Backing::Adopted(_))
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
        match &self.backing {
            Backing::Lines(lines) => &bytemuck::cast_slice(lines)[..self.len],
            Backing::Adopted(a) => a.bytes(),
        }
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
        match &mut self.backing {
            Backing::Lines(lines) => &mut bytemuck::cast_slice_mut(lines)[..len],
            Backing::Adopted(a) => a.bytes_mut(),
        }
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

/// A clone is always tandem's own (pooled, 64-byte-aligned) memory, also
/// for an adopted buffer.
impl Clone for HostBuffer {
    fn clone(&self) -> HostBuffer {
        HostBuffer::from_bytes(self.as_bytes())
    }
}

impl Drop for HostBuffer {
    fn drop(&mut self) {
        LIVE.fetch_sub(self.len, Ordering::Relaxed);
        // Adopted memory is freed by dropping its `Vec<T>`; only tandem's
        // own lines may be pooled.
        if let Backing::Lines(lines) = &mut self.backing {
            return_to_pool(std::mem::take(lines));
        }
    }
}

impl std::fmt::Debug for HostBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_adopted() { ", adopted" } else { "" };
        write!(f, "HostBuffer({} bytes{kind})", self.len)
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

    #[test]
    fn adopted_vecs_are_used_in_place() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let ptr = v.as_ptr().cast::<u8>();
        let mut b = HostBuffer::from_vec(v);
        assert!(b.is_adopted());
        assert_eq!((b.len(), b.as_bytes().as_ptr()), (8000, ptr));
        b.typed_mut::<f64>()[3] = -1.0;
        assert_eq!(b.typed::<f64>()[..4], [0.0, 1.0, 2.0, -1.0]);
        // A clone is tandem's own memory; the original keeps its Vec.
        let c = b.clone();
        assert!(!c.is_adopted());
        assert_ne!(c.as_bytes().as_ptr(), ptr);
        assert_eq!(c.as_bytes(), b.as_bytes());
        // (That dropping it frees the Vec with its own layout, not into the
        // pool, is checked with a counting allocator in tests/ndarray_interop.rs.)
    }

    #[test]
    fn into_vec_returns_only_the_same_element_type() {
        let v = vec![1i32, 2, 3];
        let ptr = v.as_ptr();
        let b = HostBuffer::from_vec(v);
        let b = b.into_vec::<u32>().unwrap_err();
        let b = b.into_vec::<f32>().unwrap_err();
        assert_eq!(b.typed::<i32>(), &[1, 2, 3]);
        let v = b.into_vec::<i32>().unwrap();
        assert_eq!((v.as_ptr(), v.as_slice()), (ptr, &[1, 2, 3][..]));
        let own = HostBuffer::from_bytes(&[0; 12]);
        assert!(own.into_vec::<i32>().is_err());
    }
}
