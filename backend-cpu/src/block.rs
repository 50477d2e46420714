//! The CPU backend's block types, shared by the interpreter (`exec/`), the
//! JIT, the casts and the reductions: block sizes, registers ([`Reg`]), the
//! typed views of a block ([`Src`], [`Dst`]), how an input is read
//! ([`Read`]) and the output a kernel's chunks write into ([`Sink`]). A leaf:
//! it names no other module of the crate, so every loop can use it.

use tandem_core::kernel::Kernel;
use tandem_core::{DType, Scalar};

/// Elements per block of a reduction: registers of all instructions of a
/// typical kernel fit in L1/L2 (numexpr's tuned block is the same order).
pub(crate) const BLOCK: usize = 1024;
/// Elements per block of an elementwise kernel. Longer runs per input
/// stream than [`BLOCK`] (16 KiB of f32) measured ~10% faster on memory-bound
/// kernels over 10^7 elements (fewer switches between streams for the
/// prefetchers), and three such registers still fit in L2.
pub(crate) const ELEMENTWISE_BLOCK: usize = 4096;

/// A block-sized buffer of one dtype (`Bool` as 0/1 bytes).
#[derive(Clone, Debug)]
pub(crate) enum Reg {
    Bool(Vec<u8>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U32(Vec<u32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

thread_local! {
    /// Registers of finished workspaces, reused by the next kernel on this
    /// thread: a kernel of a few thousand elements spent more on zeroing
    /// fresh registers (a block per instruction) than on its arithmetic.
    static SPARE_REGS: std::cell::RefCell<Vec<Reg>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The most registers (and the largest, in bytes) kept for reuse per thread.
const SPARE_COUNT: usize = 64;
const SPARE_BYTES: usize = 64 << 10;

impl Reg {
    /// A register of `n` elements. Its values are unspecified (a reused
    /// register keeps old ones): every instruction writes its register over
    /// a block before anything reads it.
    pub(crate) fn new(dtype: DType, n: usize) -> Reg {
        if n > 0 {
            let spare = SPARE_REGS.with(|s| {
                let mut s = s.borrow_mut();
                let i = s
                    .iter()
                    .position(|r| r.dtype() == dtype && r.capacity() >= n)?;
                Some(s.swap_remove(i))
            });
            if let Some(mut r) = spare {
                r.set_len(n);
                return r;
            }
        }
        match dtype {
            DType::Bool => Reg::Bool(vec![0; n]),
            DType::I32 => Reg::I32(vec![0; n]),
            DType::I64 => Reg::I64(vec![0; n]),
            DType::U32 => Reg::U32(vec![0; n]),
            DType::F32 => Reg::F32(vec![0.0; n]),
            DType::F64 => Reg::F64(vec![0.0; n]),
        }
    }

    pub(crate) fn filled(s: Scalar, n: usize) -> Reg {
        let mut r = Reg::new(s.dtype(), n);
        match (&mut r, s) {
            (Reg::Bool(v), Scalar::Bool(x)) => v.fill(x as u8),
            (Reg::I32(v), Scalar::I32(x)) => v.fill(x),
            (Reg::I64(v), Scalar::I64(x)) => v.fill(x),
            (Reg::U32(v), Scalar::U32(x)) => v.fill(x),
            (Reg::F32(v), Scalar::F32(x)) => v.fill(x),
            (Reg::F64(v), Scalar::F64(x)) => v.fill(x),
            _ => unreachable!("Reg::new gives a register of the scalar's dtype"),
        }
        r
    }

    pub(crate) fn dtype(&self) -> DType {
        match self {
            Reg::Bool(_) => DType::Bool,
            Reg::I32(_) => DType::I32,
            Reg::I64(_) => DType::I64,
            Reg::U32(_) => DType::U32,
            Reg::F32(_) => DType::F32,
            Reg::F64(_) => DType::F64,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        with_view!(Reg, self, v => v.capacity())
    }

    /// Sets the length to `n` (at most the capacity: no allocation), new
    /// elements zero.
    pub(crate) fn set_len(&mut self, n: usize) {
        with_view!(Reg, self, v => v.resize(n, Default::default()))
    }

    /// Keeps `regs` for the next workspace on this thread (up to the bounds).
    pub(crate) fn release(regs: Vec<Reg>) {
        SPARE_REGS.with(|s| {
            let mut s = s.borrow_mut();
            for r in regs {
                let bytes = r.capacity() * r.dtype().size_of();
                if bytes > 0 && bytes <= SPARE_BYTES && s.len() < SPARE_COUNT {
                    s.push(r);
                }
            }
        });
    }
}

/// How a kernel input is read.
pub(crate) enum Read<'a> {
    /// Contiguous from `offset`: blocks are slices of the buffer, no copy.
    Contiguous { bytes: &'a [u8], offset: usize },
    /// Anything else: gathered through the layout.
    Strided { bytes: &'a [u8] },
}

/// An output buffer shared by the chunks of one kernel run.
///
/// Chunks cover disjoint ranges of the kernel's flat index, and the core
/// guarantees an output layout maps distinct indices to distinct positions
/// (see [`KernelOutput`](tandem_core::kernel::KernelOutput)); `validate`
/// re-checks that here. So concurrent chunks write disjoint bytes, which is
/// what makes sharing one `&mut [u8]` across rayon tasks sound. This is the
/// one place the backend needs it: strided outputs (assign, concatenate)
/// interleave the chunks' regions, so the buffer cannot be split into
/// sub-slices up front.
pub(crate) struct Sink {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: see the type's docs: writers through one `Sink` touch disjoint bytes.
unsafe impl Send for Sink {}
// SAFETY: as above; `Sink` offers no reads.
unsafe impl Sync for Sink {}

impl Sink {
    /// A sink over `buf`, which must outlive every write.
    pub(crate) fn new(buf: &mut [u8]) -> Sink {
        Sink {
            ptr: buf.as_mut_ptr(),
            len: buf.len(),
        }
    }

    /// The address of byte `at` (for alignment decisions).
    pub(crate) fn address(&self, at: usize) -> usize {
        self.ptr as usize + at
    }

    /// The bytes `at..at + len` as a slice to write.
    ///
    /// # Safety
    ///
    /// No other slice of these bytes may be alive while the returned one is:
    /// the caller owns this block of the output (chunks of one run cover
    /// disjoint blocks, see the type's docs).
    // A `&mut` from `&self` is the point: chunks share the sink and each
    // writes its own block; the safety contract above is what makes it sound.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn slice_mut(&self, at: usize, len: usize) -> &mut [u8] {
        assert!(at + len <= self.len, "kernel output block out of bounds");
        // SAFETY: in bounds (checked above) and alive for the run; exclusive
        // per this function's contract.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(at), len) }
    }

    /// Copies `src` to byte offset `at`.
    pub(crate) fn write(&self, at: usize, src: &[u8]) {
        assert!(
            at + src.len() <= self.len,
            "kernel output write out of bounds"
        );
        // SAFETY: in bounds (checked above); the buffer outlives the run
        // (`run` borrows it mutably throughout), and no other writer touches
        // these bytes (type docs).
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.add(at), src.len()) }
    }
}

/// How each input of `kernel` is read.
pub(crate) fn reads<'a>(kernel: &Kernel, inputs: &[&'a [u8]]) -> Vec<Read<'a>> {
    reads_into(kernel, inputs)
}

/// [`reads`] into any collection (a small vector on the per-run path).
pub(crate) fn reads_into<'a, C: FromIterator<Read<'a>>>(kernel: &Kernel, inputs: &[&'a [u8]]) -> C {
    kernel
        .inputs
        .iter()
        .zip(inputs)
        .map(|(inp, &bytes)| {
            if inp.layout.is_contiguous() {
                Read::Contiguous {
                    bytes,
                    offset: inp.layout.offset,
                }
            } else {
                Read::Strided { bytes }
            }
        })
        .collect()
}

/// A typed, read-only view of one block of values: a register, or the
/// input's own memory for a contiguous load (no copy).
#[derive(Clone, Copy)]
pub(crate) enum Src<'a> {
    Bool(&'a [u8]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U32(&'a [u32]),
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// A typed, writable block: a register, or the output's own memory.
pub(crate) enum Dst<'a> {
    Bool(&'a mut [u8]),
    I32(&'a mut [i32]),
    I64(&'a mut [i64]),
    U32(&'a mut [u32]),
    F32(&'a mut [f32]),
    F64(&'a mut [f64]),
}

/// Expands `$body` once per type of a [`Src`] or [`Dst`].
macro_rules! with_view {
    ($ty:ident, $view:expr, $v:ident => $body:expr) => {
        match $view {
            $ty::Bool($v) => $body,
            $ty::I32($v) => $body,
            $ty::I64($v) => $body,
            $ty::U32($v) => $body,
            $ty::F32($v) => $body,
            $ty::F64($v) => $body,
        }
    };
}
pub(crate) use with_view;

impl<'a> Src<'a> {
    pub(crate) fn of_reg(r: &'a Reg, len: usize) -> Src<'a> {
        match r {
            Reg::Bool(v) => Src::Bool(&v[..len]),
            Reg::I32(v) => Src::I32(&v[..len]),
            Reg::I64(v) => Src::I64(&v[..len]),
            Reg::U32(v) => Src::U32(&v[..len]),
            Reg::F32(v) => Src::F32(&v[..len]),
            Reg::F64(v) => Src::F64(&v[..len]),
        }
    }

    pub(crate) fn of_bytes(dtype: DType, b: &'a [u8]) -> Src<'a> {
        match dtype {
            DType::Bool => Src::Bool(b),
            DType::I32 => Src::I32(bytemuck::cast_slice(b)),
            DType::I64 => Src::I64(bytemuck::cast_slice(b)),
            DType::U32 => Src::U32(bytemuck::cast_slice(b)),
            DType::F32 => Src::F32(bytemuck::cast_slice(b)),
            DType::F64 => Src::F64(bytemuck::cast_slice(b)),
        }
    }

    pub(crate) fn bytes(self) -> &'a [u8] {
        with_view!(Src, self, v => bytemuck::cast_slice(v))
    }

    pub(crate) fn dtype(self) -> DType {
        match self {
            Src::Bool(_) => DType::Bool,
            Src::I32(_) => DType::I32,
            Src::I64(_) => DType::I64,
            Src::U32(_) => DType::U32,
            Src::F32(_) => DType::F32,
            Src::F64(_) => DType::F64,
        }
    }
}

impl<'a> Dst<'a> {
    pub(crate) fn of_reg(r: &'a mut Reg, len: usize) -> Dst<'a> {
        match r {
            Reg::Bool(v) => Dst::Bool(&mut v[..len]),
            Reg::I32(v) => Dst::I32(&mut v[..len]),
            Reg::I64(v) => Dst::I64(&mut v[..len]),
            Reg::U32(v) => Dst::U32(&mut v[..len]),
            Reg::F32(v) => Dst::F32(&mut v[..len]),
            Reg::F64(v) => Dst::F64(&mut v[..len]),
        }
    }

    pub(crate) fn of_bytes(dtype: DType, b: &'a mut [u8]) -> Dst<'a> {
        match dtype {
            DType::Bool => Dst::Bool(b),
            DType::I32 => Dst::I32(bytemuck::cast_slice_mut(b)),
            DType::I64 => Dst::I64(bytemuck::cast_slice_mut(b)),
            DType::U32 => Dst::U32(bytemuck::cast_slice_mut(b)),
            DType::F32 => Dst::F32(bytemuck::cast_slice_mut(b)),
            DType::F64 => Dst::F64(bytemuck::cast_slice_mut(b)),
        }
    }
}
