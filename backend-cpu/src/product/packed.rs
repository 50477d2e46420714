//! tandem's own packed GEMM for `f32` and `f64` on x86-64 CPUs with
//! AVX-512: `c = a @ b` with AVX-512 micro-kernels. Chosen by measurement
//! against the crates (see `Cargo.toml`): on this project's 2-core AVX-512
//! machine it beats `matrixmultiply` (AVX2/FMA kernels) by 15-45%, and
//! `gemm` 0.19 and `faer` 0.23 (which have AVX-512 kernels) by 10-60% at
//! 1024² and above. Elsewhere `gemm.rs` uses `matrixmultiply`.
//!
//! The structure is the classic one (Goto & van de Geijn; BLIS): `b` is
//! packed a block of `KC` rows × `NC` columns at a time into panels of `NR`
//! columns, `a` a block of `MC` rows × `KC` at a time into panels of `MR`
//! rows, both laid out in the order the micro-kernel reads them, and the
//! micro-kernel keeps an `MR × NR` tile of `c` in 24 vector registers while
//! it runs down `KC`. A panel of `b` (`KC · NR` elements, a few dozen KiB)
//! stays in L1 while the panels of `a` stream past it from L2.
//!
//! The micro-kernel vectorises along `n`: each register holds a piece of a
//! row of `c`, so the tile is stored with plain vector stores into the
//! C-contiguous output. Packing reads the operands through any strides
//! (transposed, reversed, broadcast: no copy of the operand is made), with
//! fast paths for unit strides.
//!
//! Threads: the caller gives each thread a panel of rows of `c`; each
//! packs its own blocks of `a` and `b` (measured faster here than threads
//! sharing one packed `b`, which must sync at every block: f32 1024² 321
//! against 248 GFLOP/s, same run).

#![allow(unsafe_code)]

use super::matrix::{Dims, Mat};
use std::arch::x86_64::*;
use std::cell::RefCell;
use std::sync::OnceLock;

/// Rows of `c` per micro-tile (one broadcast of `a` each per step of `k`).
const MR: usize = 12;

/// Whether this CPU runs the AVX-512 kernels (checked once).
pub(crate) fn available() -> bool {
    static AVX512: OnceLock<bool> = OnceLock::new();
    *AVX512.get_or_init(|| is_x86_feature_detected!("avx512f"))
}

/// The cache blocking of one dtype: `kc` steps of `k` per packed panel,
/// `mc` rows of `a` and `nc` columns of `b` per packed block.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocking {
    pub kc: usize,
    pub mc: usize,
    pub nc: usize,
}

/// The blocking of both dtypes: measured on this project's machine (48 KiB
/// L1, 2 MiB L2 per core), a panel of `b` (`kc · NR` elements, 24 KiB at
/// `kc` 192) fills half of L1; `kc` from 128 to 320 were within a few per
/// cent, 192 best.
const BLOCKING: Blocking = Blocking {
    kc: 192,
    mc: 240,
    nc: 2048,
};

/// An element type with an AVX-512 micro-kernel.
pub(crate) trait Micro:
    bytemuck::Pod + Default + Send + Sync + std::ops::Add<Output = Self>
{
    /// Columns of `c` per micro-tile: two vector registers.
    const NR: usize;
    /// Its cache blocking ([`BLOCKING`]).
    const BLOCKING: Blocking;
    /// `c[0..MR, 0..NR]` (rows `rsc` apart, columns contiguous) is set to,
    /// or with `accumulate` increased by, the product of the packed panel
    /// `a` (`kc` steps of `MR`) and the packed panel `b` (`kc` steps of `NR`).
    ///
    /// # Safety
    ///
    /// AVX-512F is available; `a` holds `kc · MR` and `b` `kc · NR`
    /// elements; `c + i · rsc + j` is valid for reads and writes for every
    /// `i < MR`, `j < NR`. `next` is only prefetched (any address).
    unsafe fn kernel(
        kc: usize,
        a: *const Self,
        b: *const Self,
        c: *mut Self,
        rsc: usize,
        accumulate: bool,
        next: *const Self,
    );
}

/// One micro-kernel: `$lanes` elements per register, two registers per row
/// of the tile, `MR` rows: 24 accumulators, two loads of `b` and `MR`
/// broadcasts of `a` per step of `k`.
macro_rules! micro_kernel {
    ($name:ident, $t:ty, $lanes:literal, $zero:ident, $load:ident, $store:ident, $set1:ident, $fmadd:ident, $add:ident) => {
        /// The micro-kernel for this element type (see [`Micro::kernel`]).
        ///
        /// # Safety
        ///
        /// As [`Micro::kernel`].
        #[target_feature(enable = "avx512f")]
        unsafe fn $name(
            kc: usize,
            a: *const $t,
            b: *const $t,
            c: *mut $t,
            rsc: usize,
            accumulate: bool,
            next: *const $t,
        ) {
            // SAFETY: the caller guarantees the extents of `a`, `b` and `c`
            // (see `Micro::kernel`); every pointer below stays inside them,
            // and prefetches of `next` never fault.
            unsafe {
                let z = $zero();
                let mut acc = [[z; 2]; MR];
                let (mut a, mut b) = (a, b);
                // One step of `k`: two vectors of `b`, MR broadcasts of `a`.
                // Unrolled by the compiler (constant bounds); each
                // accumulator lives in its own register.
                macro_rules! step {
                    () => {
                        let b0 = $load(b);
                        let b1 = $load(b.add($lanes));
                        for (i, row) in acc.iter_mut().enumerate() {
                            let ai = $set1(*a.add(i));
                            row[0] = $fmadd(ai, b0, row[0]);
                            row[1] = $fmadd(ai, b1, row[1]);
                        }
                        a = a.add(MR);
                        b = b.add(2 * $lanes);
                    };
                }
                // The next tile of `c` is fetched towards L2 while this one
                // computes, a line per step over the first steps.
                let early = kc.min(2 * MR);
                for p in 0..early {
                    _mm_prefetch::<_MM_HINT_T1>(
                        next.wrapping_add((p >> 1) * rsc + (p & 1) * $lanes) as *const i8,
                    );
                    step!();
                }
                for _ in early..kc {
                    step!();
                }
                for (i, row) in acc.iter().enumerate() {
                    let p = c.add(i * rsc);
                    if accumulate {
                        $store(p, $add($load(p), row[0]));
                        $store(p.add($lanes), $add($load(p.add($lanes)), row[1]));
                    } else {
                        $store(p, row[0]);
                        $store(p.add($lanes), row[1]);
                    }
                }
            }
        }

        impl Micro for $t {
            const NR: usize = 2 * $lanes;
            const BLOCKING: Blocking = BLOCKING;
            unsafe fn kernel(
                kc: usize,
                a: *const $t,
                b: *const $t,
                c: *mut $t,
                rsc: usize,
                accumulate: bool,
                next: *const $t,
            ) {
                // SAFETY: forwarded from this function's own contract.
                unsafe { $name(kc, a, b, c, rsc, accumulate, next) }
            }
        }
    };
}

micro_kernel!(
    kernel_f32,
    f32,
    16,
    _mm512_setzero_ps,
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_set1_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps
);
micro_kernel!(
    kernel_f64,
    f64,
    8,
    _mm512_setzero_pd,
    _mm512_loadu_pd,
    _mm512_storeu_pd,
    _mm512_set1_pd,
    _mm512_fmadd_pd,
    _mm512_add_pd
);

/// `c = a @ b` on the calling thread (the caller gives each thread a
/// panel of rows: measured faster here than threads sharing one packed
/// `b`, which must sync at every block).
///
/// `c` is C-contiguous `m × n`; `d.k > 0`. The caller has checked that
/// every element of both operands lies inside its slice (`gemm::within`).
pub(crate) fn gemm<T: Micro>(d: Dims, a: &[T], ma: Mat, b: &[T], mb: Mat, c: &mut [T]) {
    gemm_blocked(d, a, ma, b, mb, c, T::BLOCKING);
}

/// [`gemm`] with a given blocking (tests use tiny blocks to reach every
/// edge of the loops on small matrices).
pub(crate) fn gemm_blocked<T: Micro>(
    d: Dims,
    a: &[T],
    ma: Mat,
    b: &[T],
    mb: Mat,
    c: &mut [T],
    bl: Blocking,
) {
    let Dims { m, k, n } = d;
    assert!(available(), "the AVX-512 GEMM runs only where AVX-512F is");
    assert_eq!(c.len(), m * n, "c is the C-contiguous m × n output");
    if m == 0 || n == 0 {
        return;
    }
    assert!(k > 0, "a product over k = 0 is the caller's (zeros)");
    let nr = T::NR;
    let (kcb, mcb) = (bl.kc.max(1), bl.mc.next_multiple_of(MR));
    let ncb = bl.nc.next_multiple_of(nr);
    let blen = kcb.min(k) * ncb.min(n.next_multiple_of(nr));
    let alen = mcb.min(m.next_multiple_of(MR)) * kcb.min(k);
    with_scratch(&PACKED_B, blen, |bpack: &mut [T]| {
        with_scratch(&PACKED_A, alen, |apack: &mut [T]| {
            for j0 in (0..n).step_by(ncb) {
                let nc = ncb.min(n - j0);
                for p0 in (0..k).step_by(kcb) {
                    let kc = kcb.min(k - p0);
                    let block = Block { j0, nc, p0, kc };
                    // SAFETY: the caller checked that every element of `a`
                    // and `b` lies inside its slice; `bpack` and `apack`
                    // hold a whole block each (`blen`, `alen`).
                    unsafe {
                        pack_b(b.as_ptr(), mb, block, bpack);
                        rows_times_block(a.as_ptr(), ma, c, n, apack, bpack, block, mcb);
                    }
                }
            }
        })
    });
}

thread_local! {
    /// Each thread's packing buffers, kept between products: a fresh
    /// buffer of a few MiB per product costs page faults that a 256²
    /// product notices. Bounded by the blocking (a few MiB per thread).
    static PACKED_A: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    static PACKED_B: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on `len` elements of this thread's buffer `which` (or of a
/// fresh one if the thread's is in use: a thread waiting in one product's
/// parallel loop may run a step of another product).
fn with_scratch<T: Micro, R>(
    which: &'static std::thread::LocalKey<RefCell<Vec<f64>>>,
    len: usize,
    f: impl FnOnce(&mut [T]) -> R,
) -> R {
    let words = (len * std::mem::size_of::<T>()).div_ceil(8);
    which.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < words {
                *buf = vec![0.0; words];
            }
            f(&mut bytemuck::cast_slice_mut(&mut buf[..words])[..len])
        }
        Err(_) => f(&mut vec![T::default(); len]),
    })
}

/// One packed block of `b`: columns `j0 .. j0 + nc`, rows `p0 .. p0 + kc`.
#[derive(Clone, Copy)]
struct Block {
    j0: usize,
    nc: usize,
    p0: usize,
    kc: usize,
}

/// Packs `b`'s block into panels of `NR` columns, each `kc` steps of `NR`
/// (zero-padded past the last column). Row-major `b` is read row by row,
/// sequentially (prefetcher-friendly), and scattered to the panels.
///
/// # Safety
///
/// The block's elements of `b` lie inside its buffer; `bpack` holds the
/// block's panels (`kc · NR` elements per `NR` columns).
unsafe fn pack_b<T: Micro>(b: *const T, mb: Mat, bl: Block, bpack: &mut [T]) {
    let nr = T::NR;
    let panels = bl.nc.div_ceil(nr);
    let full = bl.nc / nr;
    assert!(bpack.len() >= panels * bl.kc * nr);
    let dst = bpack.as_mut_ptr();
    for p in 0..bl.kc {
        // SAFETY: row `p0 + p`, columns `j0 .. j0 + nc` of `b` are inside
        // its buffer (this function's contract); panel `jp` holds `kc · NR`
        // elements at `jp · kc · NR` of `bpack` (checked just above).
        unsafe {
            let src = b.offset(mb.offset + (bl.p0 + p) as isize * mb.rs + bl.j0 as isize * mb.cs);
            for jp in 0..panels {
                let d = dst.add(jp * bl.kc * nr + p * nr);
                let cols = if jp < full { nr } else { bl.nc - jp * nr };
                let s = src.offset((jp * nr) as isize * mb.cs);
                if mb.cs == 1 && cols == nr {
                    std::ptr::copy_nonoverlapping(s, d, nr);
                } else {
                    for j in 0..cols {
                        *d.add(j) = *s.offset(j as isize * mb.cs);
                    }
                    for j in cols..nr {
                        *d.add(j) = T::default();
                    }
                }
            }
        }
    }
}

/// `crows` (all of `c`'s rows) gets the product of `a`'s rows,
/// over the block's steps of `k`, with the packed block of `b`: `a` packed
/// `mc` rows at a time into `apack`, then one micro-kernel per tile.
///
/// # Safety
///
/// Rows `0 .. crows.len() / n` × the block's columns of `k` of `a` lie
/// inside its buffer; `bpack` holds the block packed by [`pack_b`].
#[allow(clippy::too_many_arguments)]
unsafe fn rows_times_block<T: Micro>(
    a: *const T,
    ma: Mat,
    crows: &mut [T],
    n: usize,
    apack: &mut [T],
    bpack: &[T],
    bl: Block,
    mcb: usize,
) {
    let nr = T::NR;
    let m = crows.len() / n;
    let accumulate = bl.p0 > 0;
    // The widest tile (f32's NR is 32).
    let mut edge = [T::default(); MR * 32];
    for r0 in (0..m).step_by(mcb) {
        let mc = mcb.min(m - r0);
        // SAFETY: these rows of `a` are inside its slice (this function's
        // contract); `apack` holds `mcb · kcb` elements.
        unsafe { pack_a(a, ma, r0, mc, bl, apack) };
        for jp in 0..bl.nc.div_ceil(nr) {
            let bpanel = bpack[jp * bl.kc * nr..].as_ptr();
            let cols = nr.min(bl.nc - jp * nr);
            for ip in 0..mc.div_ceil(MR) {
                let tile_rows = MR.min(mc - ip * MR);
                let apanel = apack[ip * bl.kc * MR..].as_ptr();
                let at = (r0 + ip * MR) * n + bl.j0 + jp * nr;
                let next = crows.as_ptr().wrapping_add(at + MR * n);
                if tile_rows == MR && cols == nr {
                    // SAFETY: a whole tile: rows `at / n .. + MR` and
                    // columns `.. + NR` are inside `crows`; the panels hold
                    // `kc` steps each.
                    unsafe {
                        T::kernel(
                            bl.kc,
                            apanel,
                            bpanel,
                            crows.as_mut_ptr().add(at),
                            n,
                            accumulate,
                            next,
                        )
                    };
                } else {
                    // SAFETY: `edge` is a whole `MR × NR` tile.
                    unsafe { T::kernel(bl.kc, apanel, bpanel, edge.as_mut_ptr(), nr, false, next) };
                    for i in 0..tile_rows {
                        let row = &mut crows[at + i * n..at + i * n + cols];
                        for (o, &v) in row.iter_mut().zip(&edge[i * nr..]) {
                            *o = if accumulate { *o + v } else { v };
                        }
                    }
                }
            }
        }
    }
}

/// Packs rows `i0 .. i0 + mc` × the block's columns of `k` of `a` into
/// panels of `MR` rows, each `kc` steps of `MR` (zero-padded past the last
/// row).
///
/// # Safety
///
/// Those elements of `a` lie inside its slice; `apack` holds at least
/// `mc.next_multiple_of(MR) · kc` elements.
unsafe fn pack_a<T: Micro>(a: *const T, ma: Mat, i0: usize, mc: usize, bl: Block, apack: &mut [T]) {
    let kc = bl.kc;
    for (panel, dst) in apack.chunks_mut(kc * MR).take(mc.div_ceil(MR)).enumerate() {
        let r0 = panel * MR;
        let rows = MR.min(mc - r0);
        // SAFETY: every read is of an element of the rows and columns this
        // function's contract names; every write inside `dst` (kc · MR).
        unsafe {
            let base = a.offset(ma.offset + (i0 + r0) as isize * ma.rs + bl.p0 as isize * ma.cs);
            if rows == MR && ma.cs == 1 {
                // Row-major `a`: MR sequential streams.
                let src: [*const T; MR] = std::array::from_fn(|i| base.offset(i as isize * ma.rs));
                for (p, step) in dst.chunks_exact_mut(MR).enumerate() {
                    for (o, s) in step.iter_mut().zip(&src) {
                        *o = *s.add(p);
                    }
                }
            } else if rows == MR && ma.rs == 1 {
                // Column-major `a` (a transposed operand): a step is contiguous.
                for (p, step) in dst.chunks_exact_mut(MR).enumerate() {
                    std::ptr::copy_nonoverlapping(
                        base.offset(p as isize * ma.cs),
                        step.as_mut_ptr(),
                        MR,
                    );
                }
            } else {
                for (p, step) in dst.chunks_exact_mut(MR).enumerate() {
                    let s = base.offset(p as isize * ma.cs);
                    for (i, o) in step.iter_mut().enumerate() {
                        *o = if i < rows {
                            *s.offset(i as isize * ma.rs)
                        } else {
                            T::default()
                        };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a @ b` by the naive loop in f64, through the same strides.
    fn naive(d: Dims, a: &[f64], ma: Mat, b: &[f64], mb: Mat) -> Vec<f64> {
        let at = |m: Mat, i: usize, j: usize| {
            (m.offset + i as isize * m.rs + j as isize * m.cs) as usize
        };
        let mut c = vec![0.0; d.m * d.n];
        for i in 0..d.m {
            for j in 0..d.n {
                c[i * d.n + j] = (0..d.k).map(|p| a[at(ma, i, p)] * b[at(mb, p, j)]).sum();
            }
        }
        c
    }

    /// Small integers, so every product and sum is exact in f32 and f64
    /// whatever the order of the additions.
    fn values(len: usize, seed: usize) -> Vec<f64> {
        (0..len)
            .map(|i| ((i * 7 + seed * 13) % 11) as f64 - 5.0)
            .collect()
    }

    /// The layouts an operand of `rows × cols` can arrive in, each over a
    /// buffer of the returned length: row-major, column-major (a transposed
    /// view), reversed rows inside a wider buffer, and a broadcast row.
    fn layouts(rows: usize, cols: usize) -> Vec<(Mat, usize)> {
        let (r, c) = (rows as isize, cols as isize);
        vec![
            (
                Mat {
                    offset: 0,
                    rs: c,
                    cs: 1,
                },
                rows * cols,
            ),
            (
                Mat {
                    offset: 0,
                    rs: 1,
                    cs: r,
                },
                rows * cols,
            ),
            (
                Mat {
                    offset: (r - 1) * (c + 3) + 2,
                    rs: -(c + 3),
                    cs: 1,
                },
                rows * (cols + 3),
            ),
            (
                Mat {
                    offset: 1,
                    rs: 0,
                    cs: 2,
                },
                2 * cols + 1,
            ),
        ]
    }

    fn check<T: Micro + Into<f64>>(from: fn(f64) -> T, d: Dims, bl: Blocking) {
        for (ma, alen) in layouts(d.m, d.k) {
            for (mb, blen) in layouts(d.k, d.n) {
                let (a64, b64) = (values(alen, 1), values(blen, 2));
                let want = naive(d, &a64, ma, &b64, mb);
                let a: Vec<T> = a64.iter().map(|&x| from(x)).collect();
                let b: Vec<T> = b64.iter().map(|&x| from(x)).collect();
                // Garbage in `c` first: the GEMM overwrites, never adds to it.
                let mut c = vec![from(f64::NAN); d.m * d.n];
                gemm_blocked(d, &a, ma, &b, mb, &mut c, bl);
                let got: Vec<f64> = c.into_iter().map(Into::into).collect();
                assert_eq!(got, want, "{d:?} a {ma:?} b {mb:?} {bl:?}");
            }
        }
    }

    #[test]
    fn every_edge_of_the_blocking_matches_the_naive_loop() {
        if !available() {
            return;
        }
        // Tiny blocks: several blocks of k, of rows and of columns, with
        // partial micro-tiles at every edge.
        let tiny = Blocking {
            kc: 5,
            mc: 24,
            nc: 64,
        };
        for (m, k, n) in [
            (1, 1, 1),
            (12, 5, 32),
            (13, 11, 33),
            (37, 17, 70),
            (25, 3, 100),
        ] {
            let d = Dims { m, k, n };
            check::<f32>(|x| x as f32, d, tiny);
            check::<f64>(|x| x, d, tiny);
        }
        // The real blocking over more than one block of k.
        let d = Dims {
            m: 30,
            k: 600,
            n: 50,
        };
        check::<f32>(|x| x as f32, d, f32::BLOCKING);
        check::<f64>(|x| x, d, f64::BLOCKING);
    }

    #[test]
    fn empty_outputs_write_nothing() {
        if !available() {
            return;
        }
        let mut c: Vec<f32> = vec![];
        let m = Mat {
            offset: 0,
            rs: 1,
            cs: 1,
        };
        gemm(
            Dims { m: 0, k: 3, n: 4 },
            &[0.0; 12],
            m,
            &[0.0; 12],
            m,
            &mut c,
        );
        gemm(
            Dims { m: 4, k: 3, n: 0 },
            &[0.0; 12],
            m,
            &[0.0; 12],
            m,
            &mut c,
        );
    }
}
