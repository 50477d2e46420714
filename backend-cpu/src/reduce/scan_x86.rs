//! The one-pass extreme-and-position search of `extreme.rs` written with
//! x86-64 intrinsics (AVX-512 and AVX2) for f32, f64, i32, i64 and u32.
//!
//! Why intrinsics: the portable lane loop is vectorised by LLVM or not
//! depending on details as small as how the lanes are merged at the end
//! (measured on a 4096-value row: 11-19 values per ns when it is, 1 when
//! it is not, and floats lost it first). This loop is the whole cost of an
//! arg-reduction, so it is written out once, here, and is the same code
//! every time. AVX-512 (16 f32 lanes, mask registers) runs it about twice
//! as fast as AVX2 (8 lanes, blends) on the machines CI runs on.
//!
//! Each of four vectors of lanes keeps its best value and the position of
//! its first occurrence; a step compares, then blends values and positions
//! under the one mask (positions are lanes as wide as the values; a lane
//! keeps the start of the step that set it, and its offset in the step is
//! added at the end). The tail is one more step over a copy padded with the
//! start value, which never wins. The four vectors are merged lane by lane,
//! then the lanes of the last one, ties going to the earlier position.

// The AVX-512 intrinsics are stable since Rust 1.89, the workspace's
// `rust-version` (which `simd.rs`'s `#[target_feature(enable = "avx512f")]`
// needs too).

use std::arch::x86_64::*;

/// One vector of a type's lanes, and the operations the search needs. They
/// must run in code compiled for the level's features: they are inlined
/// into [`scan_avx2`] or [`scan_avx512`].
pub(super) trait Lanes: Copy {
    /// The element type.
    type E: Copy + PartialOrd;
    /// A lane mask.
    type M: Copy;
    /// A vector of positions, lanes as wide as the elements'.
    type P: Copy;
    /// Lanes per vector.
    const N: usize;
    /// # Safety
    /// `p` points at `N` readable elements.
    unsafe fn load(p: *const Self::E) -> Self;
    fn splat(x: Self::E) -> Self;
    /// Lanes where `x` replaces `b`: strictly better (greater if `MAX`,
    /// else less), or, if `NAN_WINS`, a NaN where `b` is not.
    fn wins<const MAX: bool, const NAN_WINS: bool>(x: Self, b: Self) -> Self::M;
    /// Lanes where `x` and `b` are the same value (or both NaN).
    fn tie(x: Self, b: Self) -> Self::M;
    fn or(a: Self::M, b: Self::M) -> Self::M;
    fn and(a: Self::M, b: Self::M) -> Self::M;
    /// `x` where `m` is set, else `b`.
    fn select(m: Self::M, x: Self, b: Self) -> Self;
    /// Positions `x` where `m` is set, else `b`.
    fn select_at(m: Self::M, x: Self::P, b: Self::P) -> Self::P;
    /// Positions `0..N`.
    fn iota() -> Self::P;
    /// Position `i` in every lane (`i < 2^31`).
    fn at(i: usize) -> Self::P;
    /// Lane-wise sum of positions (wrapping).
    fn add_at(a: Self::P, b: Self::P) -> Self::P;
    /// Lane-wise difference of positions (wrapping).
    fn sub_at(a: Self::P, b: Self::P) -> Self::P;
    /// Lanes where position `a` is below `b` (both below 2^31).
    fn before(a: Self::P, b: Self::P) -> Self::M;
    /// The lanes and their positions (the first `N` of each array).
    fn store(self, at: Self::P) -> ([Self::E; 16], [u64; 16]);
}

/// Positions of 32-bit lanes as `u64`s.
#[inline(always)]
fn widen(p: [u32; 16]) -> [u64; 16] {
    p.map(u64::from)
}

// ---------------------------------------------------------------------------
// AVX2: 256-bit vectors, masks as all-ones lanes, blends.

/// Lanes of AVX2.
macro_rules! avx2_type {
    ($name:ident, $v:ty) => {
        #[derive(Clone, Copy)]
        pub(super) struct $name($v);
    };
}
avx2_type!(F32x8, __m256);
avx2_type!(F64x4, __m256d);
avx2_type!(I32x8, __m256i);
avx2_type!(U32x8, __m256i);
avx2_type!(I64x4, __m256i);

/// The mask and position operations of AVX2 lanes `$w` bits wide.
macro_rules! avx2_common {
    (32) => {
        avx2_common!(@ _mm256_set1_epi32, _mm256_add_epi32, _mm256_sub_epi32, _mm256_cmpgt_epi32,
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), i32);
        #[inline(always)]
        fn store(self, at: __m256i) -> ([Self::E; 16], [u64; 16]) {
            let mut p = [0u32; 16];
            // SAFETY: `p` has 32 writable bytes; AVX2 code (see `Lanes`).
            unsafe { _mm256_storeu_si256(p.as_mut_ptr().cast(), at) };
            (self.values(), widen(p))
        }
    };
    (64) => {
        avx2_common!(@ _mm256_set1_epi64x, _mm256_add_epi64, _mm256_sub_epi64, _mm256_cmpgt_epi64,
            _mm256_setr_epi64x(0, 1, 2, 3), i64);
        #[inline(always)]
        fn store(self, at: __m256i) -> ([Self::E; 16], [u64; 16]) {
            let mut p = [0u64; 16];
            // SAFETY: `p` has 32 writable bytes; AVX2 code (see `Lanes`).
            unsafe { _mm256_storeu_si256(p.as_mut_ptr().cast(), at) };
            (self.values(), p)
        }
    };
    (@ $set1:ident, $add:ident, $sub:ident, $gt:ident, $iota:expr, $i:ty) => {
        type M = __m256i;
        type P = __m256i;
        #[inline(always)]
        fn or(a: __m256i, b: __m256i) -> __m256i {
            // SAFETY: AVX2 code (see `Lanes`); likewise below.
            unsafe { _mm256_or_si256(a, b) }
        }
        #[inline(always)]
        fn and(a: __m256i, b: __m256i) -> __m256i {
            unsafe { _mm256_and_si256(a, b) }
        }
        #[inline(always)]
        fn select_at(m: __m256i, x: __m256i, b: __m256i) -> __m256i {
            unsafe { _mm256_blendv_epi8(b, x, m) }
        }
        #[inline(always)]
        fn iota() -> __m256i {
            unsafe { $iota }
        }
        #[inline(always)]
        fn at(i: usize) -> __m256i {
            unsafe { $set1(i as $i) }
        }
        #[inline(always)]
        fn add_at(a: __m256i, b: __m256i) -> __m256i {
            unsafe { $add(a, b) }
        }
        #[inline(always)]
        fn sub_at(a: __m256i, b: __m256i) -> __m256i {
            unsafe { $sub(a, b) }
        }
        #[inline(always)]
        fn before(a: __m256i, b: __m256i) -> __m256i {
            unsafe { $gt(b, a) }
        }
    };
}

/// AVX2 float lanes: `$s` is the intrinsics' suffix (`ps`, `pd`).
macro_rules! avx2_float {
    ($name:ident, $e:ty, $n:expr, $w:tt, $load:ident, $set1:ident, $cmp:ident, $and:ident,
     $andnot:ident, $or:ident, $blend:ident, $to_int:ident, $from_int:ident, $store:ident) => {
        impl $name {
            #[inline(always)]
            fn values(self) -> [$e; 16] {
                let mut v = [0 as $e; 16];
                // SAFETY: `v` has 32 writable bytes; AVX2 code (see `Lanes`).
                unsafe { $store(v.as_mut_ptr(), self.0) };
                v
            }
        }
        impl Lanes for $name {
            type E = $e;
            const N: usize = $n;
            avx2_common!($w);
            #[inline(always)]
            unsafe fn load(p: *const $e) -> Self {
                // SAFETY: the caller's contract.
                $name(unsafe { $load(p) })
            }
            #[inline(always)]
            fn splat(x: $e) -> Self {
                // SAFETY: AVX2 code (see `Lanes`); likewise below.
                $name(unsafe { $set1(x) })
            }
            #[inline(always)]
            fn wins<const MAX: bool, const NAN_WINS: bool>(x: Self, b: Self) -> __m256i {
                unsafe {
                    let (x, b) = (x.0, b.0);
                    let m = match (MAX, NAN_WINS) {
                        // "Not worse" holds for a NaN `x` too; a NaN `b` stays.
                        (true, true) => $andnot($cmp::<_CMP_UNORD_Q>(b, b), $cmp::<_CMP_NLE_UQ>(x, b)),
                        (false, true) => $andnot($cmp::<_CMP_UNORD_Q>(b, b), $cmp::<_CMP_NGE_UQ>(x, b)),
                        (true, false) => $cmp::<_CMP_GT_OQ>(x, b),
                        (false, false) => $cmp::<_CMP_LT_OQ>(x, b),
                    };
                    $to_int(m)
                }
            }
            #[inline(always)]
            fn tie(x: Self, b: Self) -> __m256i {
                unsafe {
                    let (x, b) = (x.0, b.0);
                    let both_nan = $and($cmp::<_CMP_UNORD_Q>(x, x), $cmp::<_CMP_UNORD_Q>(b, b));
                    $to_int($or($cmp::<_CMP_EQ_OQ>(x, b), both_nan))
                }
            }
            #[inline(always)]
            fn select(m: __m256i, x: Self, b: Self) -> Self {
                $name(unsafe { $blend(b.0, x.0, $from_int(m)) })
            }
        }
    };
}
avx2_float!(
    F32x8,
    f32,
    8,
    32,
    _mm256_loadu_ps,
    _mm256_set1_ps,
    _mm256_cmp_ps,
    _mm256_and_ps,
    _mm256_andnot_ps,
    _mm256_or_ps,
    _mm256_blendv_ps,
    _mm256_castps_si256,
    _mm256_castsi256_ps,
    _mm256_storeu_ps
);
avx2_float!(
    F64x4,
    f64,
    4,
    64,
    _mm256_loadu_pd,
    _mm256_set1_pd,
    _mm256_cmp_pd,
    _mm256_and_pd,
    _mm256_andnot_pd,
    _mm256_or_pd,
    _mm256_blendv_pd,
    _mm256_castpd_si256,
    _mm256_castsi256_pd,
    _mm256_storeu_pd
);

/// AVX2 integer lanes: `$gt` is the signed greater-than of the lane width
/// (AVX2 has no other), `$flip` the bits that make an unsigned comparison
/// a signed one.
macro_rules! avx2_int {
    ($name:ident, $e:ty, $n:expr, $w:tt, $set1:ident, $gt:ident, $eq:ident, $flip:expr) => {
        impl $name {
            #[inline(always)]
            fn values(self) -> [$e; 16] {
                let mut v = [0 as $e; 16];
                // SAFETY: `v` has 32 writable bytes; AVX2 code (see `Lanes`).
                unsafe { _mm256_storeu_si256(v.as_mut_ptr().cast(), self.0) };
                v
            }
        }
        impl Lanes for $name {
            type E = $e;
            const N: usize = $n;
            avx2_common!($w);
            #[inline(always)]
            unsafe fn load(p: *const $e) -> Self {
                // SAFETY: the caller's contract.
                $name(unsafe { _mm256_loadu_si256(p.cast()) })
            }
            #[inline(always)]
            fn splat(x: $e) -> Self {
                // SAFETY: AVX2 code (see `Lanes`); likewise below.
                $name(unsafe { $set1(x as _) })
            }
            #[inline(always)]
            fn wins<const MAX: bool, const NAN_WINS: bool>(x: Self, b: Self) -> __m256i {
                unsafe {
                    let f = $set1($flip as _);
                    let (x, b) = (_mm256_xor_si256(x.0, f), _mm256_xor_si256(b.0, f));
                    if MAX {
                        $gt(x, b)
                    } else {
                        $gt(b, x)
                    }
                }
            }
            #[inline(always)]
            fn tie(x: Self, b: Self) -> __m256i {
                unsafe { $eq(x.0, b.0) }
            }
            #[inline(always)]
            fn select(m: __m256i, x: Self, b: Self) -> Self {
                $name(unsafe { _mm256_blendv_epi8(b.0, x.0, m) })
            }
        }
    };
}
avx2_int!(
    I32x8,
    i32,
    8,
    32,
    _mm256_set1_epi32,
    _mm256_cmpgt_epi32,
    _mm256_cmpeq_epi32,
    0
);
avx2_int!(
    U32x8,
    u32,
    8,
    32,
    _mm256_set1_epi32,
    _mm256_cmpgt_epi32,
    _mm256_cmpeq_epi32,
    i32::MIN
);
avx2_int!(
    I64x4,
    i64,
    4,
    64,
    _mm256_set1_epi64x,
    _mm256_cmpgt_epi64,
    _mm256_cmpeq_epi64,
    0
);

// ---------------------------------------------------------------------------
// AVX-512: 512-bit vectors, mask registers.

/// Lanes of AVX-512.
macro_rules! avx512_type {
    ($name:ident, $v:ty) => {
        #[derive(Clone, Copy)]
        pub(super) struct $name($v);
    };
}
avx512_type!(F32x16, __m512);
avx512_type!(F64x8, __m512d);
avx512_type!(I32x16, __m512i);
avx512_type!(U32x16, __m512i);
avx512_type!(I64x8, __m512i);

/// The mask and position operations of AVX-512 lanes `$w` bits wide.
macro_rules! avx512_common {
    (32) => {
        avx512_common!(@ __mmask16, _mm512_set1_epi32, _mm512_add_epi32, _mm512_sub_epi32,
            _mm512_cmplt_epi32_mask, _mm512_mask_mov_epi32,
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), i32);
        #[inline(always)]
        fn store(self, at: __m512i) -> ([Self::E; 16], [u64; 16]) {
            let mut p = [0u32; 16];
            // SAFETY: `p` has 64 writable bytes; AVX-512 code (see `Lanes`).
            unsafe { _mm512_storeu_si512(p.as_mut_ptr().cast(), at) };
            (self.values(), widen(p))
        }
    };
    (64) => {
        avx512_common!(@ __mmask8, _mm512_set1_epi64, _mm512_add_epi64, _mm512_sub_epi64,
            _mm512_cmplt_epi64_mask, _mm512_mask_mov_epi64,
            _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), i64);
        #[inline(always)]
        fn store(self, at: __m512i) -> ([Self::E; 16], [u64; 16]) {
            let mut p = [0u64; 16];
            // SAFETY: `p` has 64 writable bytes; AVX-512 code (see `Lanes`).
            unsafe { _mm512_storeu_si512(p.as_mut_ptr().cast(), at) };
            (self.values(), p)
        }
    };
    (@ $m:ty, $set1:ident, $add:ident, $sub:ident, $lt:ident, $mov:ident, $iota:expr, $i:ty) => {
        type M = $m;
        type P = __m512i;
        #[inline(always)]
        fn or(a: $m, b: $m) -> $m {
            a | b
        }
        #[inline(always)]
        fn and(a: $m, b: $m) -> $m {
            a & b
        }
        #[inline(always)]
        fn select_at(m: $m, x: __m512i, b: __m512i) -> __m512i {
            // SAFETY: AVX-512 code (see `Lanes`); likewise below.
            unsafe { $mov(b, m, x) }
        }
        #[inline(always)]
        fn iota() -> __m512i {
            unsafe { $iota }
        }
        #[inline(always)]
        fn at(i: usize) -> __m512i {
            unsafe { $set1(i as $i) }
        }
        #[inline(always)]
        fn add_at(a: __m512i, b: __m512i) -> __m512i {
            unsafe { $add(a, b) }
        }
        #[inline(always)]
        fn sub_at(a: __m512i, b: __m512i) -> __m512i {
            unsafe { $sub(a, b) }
        }
        #[inline(always)]
        fn before(a: __m512i, b: __m512i) -> $m {
            unsafe { $lt(a, b) }
        }
    };
}

/// AVX-512 float lanes.
macro_rules! avx512_float {
    ($name:ident, $e:ty, $n:expr, $w:tt, $load:ident, $set1:ident, $cmp:ident, $blend:ident,
     $store:ident) => {
        impl $name {
            #[inline(always)]
            fn values(self) -> [$e; 16] {
                let mut v = [0 as $e; 16];
                // SAFETY: `v` has 64 writable bytes; AVX-512 code (see `Lanes`).
                unsafe { $store(v.as_mut_ptr(), self.0) };
                v
            }
        }
        impl Lanes for $name {
            type E = $e;
            const N: usize = $n;
            avx512_common!($w);
            #[inline(always)]
            unsafe fn load(p: *const $e) -> Self {
                // SAFETY: the caller's contract.
                $name(unsafe { $load(p) })
            }
            #[inline(always)]
            fn splat(x: $e) -> Self {
                // SAFETY: AVX-512 code (see `Lanes`); likewise below.
                $name(unsafe { $set1(x) })
            }
            #[inline(always)]
            fn wins<const MAX: bool, const NAN_WINS: bool>(x: Self, b: Self) -> Self::M {
                unsafe {
                    let (x, b) = (x.0, b.0);
                    match (MAX, NAN_WINS) {
                        // "Not worse" holds for a NaN `x` too; a NaN `b` stays.
                        (true, true) => $cmp::<_CMP_NLE_UQ>(x, b) & $cmp::<_CMP_ORD_Q>(b, b),
                        (false, true) => $cmp::<_CMP_NGE_UQ>(x, b) & $cmp::<_CMP_ORD_Q>(b, b),
                        (true, false) => $cmp::<_CMP_GT_OQ>(x, b),
                        (false, false) => $cmp::<_CMP_LT_OQ>(x, b),
                    }
                }
            }
            #[inline(always)]
            fn tie(x: Self, b: Self) -> Self::M {
                unsafe {
                    let (x, b) = (x.0, b.0);
                    $cmp::<_CMP_EQ_OQ>(x, b) | ($cmp::<_CMP_UNORD_Q>(x, x) & $cmp::<_CMP_UNORD_Q>(b, b))
                }
            }
            #[inline(always)]
            fn select(m: Self::M, x: Self, b: Self) -> Self {
                $name(unsafe { $blend(m, b.0, x.0) })
            }
        }
    };
}
avx512_float!(
    F32x16,
    f32,
    16,
    32,
    _mm512_loadu_ps,
    _mm512_set1_ps,
    _mm512_cmp_ps_mask,
    _mm512_mask_blend_ps,
    _mm512_storeu_ps
);
avx512_float!(
    F64x8,
    f64,
    8,
    64,
    _mm512_loadu_pd,
    _mm512_set1_pd,
    _mm512_cmp_pd_mask,
    _mm512_mask_blend_pd,
    _mm512_storeu_pd
);

/// AVX-512 integer lanes (`$lt`, `$gt`, `$eq`: the comparisons of the type,
/// signed or not).
macro_rules! avx512_int {
    ($name:ident, $e:ty, $n:expr, $w:tt, $set1:ident, $lt:ident, $gt:ident, $eq:ident,
     $blend:ident) => {
        impl $name {
            #[inline(always)]
            fn values(self) -> [$e; 16] {
                let mut v = [0 as $e; 16];
                // SAFETY: `v` has 64 writable bytes; AVX-512 code (see `Lanes`).
                unsafe { _mm512_storeu_si512(v.as_mut_ptr().cast(), self.0) };
                v
            }
        }
        impl Lanes for $name {
            type E = $e;
            const N: usize = $n;
            avx512_common!($w);
            #[inline(always)]
            unsafe fn load(p: *const $e) -> Self {
                // SAFETY: the caller's contract.
                $name(unsafe { _mm512_loadu_si512(p.cast()) })
            }
            #[inline(always)]
            fn splat(x: $e) -> Self {
                // SAFETY: AVX-512 code (see `Lanes`); likewise below.
                $name(unsafe { $set1(x as _) })
            }
            #[inline(always)]
            fn wins<const MAX: bool, const NAN_WINS: bool>(x: Self, b: Self) -> Self::M {
                unsafe {
                    if MAX {
                        $gt(x.0, b.0)
                    } else {
                        $lt(x.0, b.0)
                    }
                }
            }
            #[inline(always)]
            fn tie(x: Self, b: Self) -> Self::M {
                unsafe { $eq(x.0, b.0) }
            }
            #[inline(always)]
            fn select(m: Self::M, x: Self, b: Self) -> Self {
                $name(unsafe { $blend(m, b.0, x.0) })
            }
        }
    };
}
avx512_int!(
    I32x16,
    i32,
    16,
    32,
    _mm512_set1_epi32,
    _mm512_cmplt_epi32_mask,
    _mm512_cmpgt_epi32_mask,
    _mm512_cmpeq_epi32_mask,
    _mm512_mask_blend_epi32
);
avx512_int!(
    U32x16,
    u32,
    16,
    32,
    _mm512_set1_epi32,
    _mm512_cmplt_epu32_mask,
    _mm512_cmpgt_epu32_mask,
    _mm512_cmpeq_epu32_mask,
    _mm512_mask_blend_epi32
);
avx512_int!(
    I64x8,
    i64,
    8,
    64,
    _mm512_set1_epi64,
    _mm512_cmplt_epi64_mask,
    _mm512_cmpgt_epi64_mask,
    _mm512_cmpeq_epi64_mask,
    _mm512_mask_blend_epi64
);

// ---------------------------------------------------------------------------
// The search.

/// Vectors of lanes per step: four compare/blend chains side by side.
const G: usize = 4;

/// [`scan`] compiled for AVX2.
///
/// # Safety
///
/// The CPU must have AVX2, and `L` be one of the AVX2 lanes; `seed <
/// v.len() < 2^31`.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn scan_avx2<L: Lanes, const MAX: bool, const NAN_WINS: bool>(
    v: &[L::E],
    seed: usize,
) -> (L::E, usize) {
    // SAFETY: the caller's contract.
    unsafe { scan::<L, MAX, NAN_WINS>(v, seed) }
}

/// [`scan`] compiled for AVX-512.
///
/// # Safety
///
/// The CPU must have AVX-512 F/BW/DQ/VL (and AVX2); `seed < v.len() < 2^31`.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(super) unsafe fn scan_avx512<L: Lanes, const MAX: bool, const NAN_WINS: bool>(
    v: &[L::E],
    seed: usize,
) -> (L::E, usize) {
    // SAFETY: the caller's contract.
    unsafe { scan::<L, MAX, NAN_WINS>(v, seed) }
}

/// The best value of `v` by the (`MAX`, `NAN_WINS`) rule and the position
/// of its first occurrence, every lane starting from `v[seed]`, a number
/// (`extreme.rs`'s portable `scan`, which this is).
///
/// # Safety
///
/// Inlined into code compiled for `L`'s level on a CPU that has it;
/// `seed < v.len() < 2^31`.
#[inline(always)]
unsafe fn scan<L: Lanes, const MAX: bool, const NAN_WINS: bool>(
    v: &[L::E],
    seed: usize,
) -> (L::E, usize) {
    let n = L::N;
    let mut b = [L::splat(v[seed]); G];
    // Lanes keep the start of the step that set them (one add per step
    // instead of one per vector); their offsets are added at the end.
    let iota = L::iota();
    let offset: [L::P; G] = std::array::from_fn(|g| L::add_at(iota, L::at(g * n)));
    let mut a: [L::P; G] = std::array::from_fn(|g| L::sub_at(L::at(seed), offset[g]));
    let mut cur = L::at(0);
    let stride = L::at(G * n);
    // One step over the `G * n` elements at `$p` (a macro: a closure over
    // the lanes may keep them in memory).
    macro_rules! step {
        ($p:expr) => {{
            let p: *const L::E = $p;
            for g in 0..G {
                // SAFETY: `p` covers `G * n` elements (the uses below).
                let x = unsafe { L::load(p.add(g * n)) };
                let m = L::wins::<MAX, NAN_WINS>(x, b[g]);
                b[g] = L::select(m, x, b[g]);
                a[g] = L::select_at(m, cur, a[g]);
            }
        }};
    }
    let whole = v.len() / (G * n) * (G * n);
    for i in (0..whole).step_by(G * n) {
        // SAFETY: `i + G * n <= whole <= v.len()`.
        step!(unsafe { v.as_ptr().add(i) });
        cur = L::add_at(cur, stride);
    }
    if whole < v.len() {
        // The tail, padded with the start value (which never wins: lanes
        // only move to values strictly better than it, or to a NaN).
        let mut last = [v[seed]; 4 * 16];
        last[..v.len() - whole].copy_from_slice(&v[whole..]);
        step!(last.as_ptr());
    }
    // The four vectors lane by lane, then the lanes.
    for g in 0..G {
        a[g] = L::add_at(a[g], offset[g]);
    }
    for g in 1..G {
        let tie_before = L::and(L::tie(b[g], b[0]), L::before(a[g], a[0]));
        let take = L::or(L::wins::<MAX, NAN_WINS>(b[g], b[0]), tie_before);
        b[0] = L::select(take, b[g], b[0]);
        a[0] = L::select_at(take, a[g], a[0]);
    }
    let (vals, at) = b[0].store(a[0]);
    let nan = |y: L::E| y.partial_cmp(&y).is_none();
    let (mut best, mut first) = (vals[0], at[0]);
    for j in 1..n {
        let (x, i) = (vals[j], at[j]);
        let better = if MAX { x > best } else { x < best };
        let wins = better || (NAN_WINS && nan(x) && !nan(best));
        let tie = x == best || (nan(x) && nan(best));
        if wins || (tie && i < first) {
            (best, first) = (x, i);
        }
    }
    (best, first as usize)
}
