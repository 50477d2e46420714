//! One matrix product `c = a @ b` of a dtype, over operands read in place
//! through element strides (a transposed, sliced, reversed or broadcast
//! operand costs no copy), into a C-contiguous `m × n` output.
//!
//! - `F32`/`F64`: tandem's AVX-512 packed GEMM (`packed.rs`) where the CPU
//!   has AVX-512F, else the `matrixmultiply` crate (packed, AVX2/FMA
//!   micro-kernels).
//! - `I32`, `I64`, `U32`: a blocked i-k-j loop with wrapping arithmetic,
//!   which is what NumPy's integer matmul computes (it wraps).
//! - `Bool`: the same loop with `or` for `+` and `and` for `*` (NumPy's
//!   `bool @ bool` is the logical or of ands).

use super::matrix::within;
pub(crate) use super::matrix::{Dims, Mat};
use tandem_core::{DType, Error, Result};

/// `c = a @ b` for `dtype`, on the calling thread: `a` and `b` are buffers
/// of `dtype` elements, `c` holds exactly `m · n` of them, written
/// C-contiguously.
///
/// # Errors
///
/// `InvalidArgument` if an operand reaches outside its buffer or `c` has
/// the wrong length; nothing is written then.
pub(crate) fn gemm(
    dtype: DType,
    d: Dims,
    a: &[u8],
    ma: Mat,
    b: &[u8],
    mb: Mat,
    c: &mut [u8],
) -> Result<()> {
    let size = dtype.size_of();
    let fits = within(a.len() / size, ma, d.m, d.k)
        && within(b.len() / size, mb, d.k, d.n)
        && c.len() == d.m * d.n * size;
    if !fits {
        return Err(Error::invalid(
            "cpu matmul",
            format!(
                "a {}x{} @ {}x{} product reaches outside its buffers",
                d.m, d.k, d.k, d.n
            ),
        ));
    }
    match dtype {
        DType::F32 => f32::gemm(d, cast(a), ma, cast(b), mb, cast_mut(c)),
        DType::F64 => f64::gemm(d, cast(a), ma, cast(b), mb, cast_mut(c)),
        DType::I32 => i32::gemm(d, cast(a), ma, cast(b), mb, cast_mut(c)),
        DType::I64 => i64::gemm(d, cast(a), ma, cast(b), mb, cast_mut(c)),
        DType::U32 => u32::gemm(d, cast(a), ma, cast(b), mb, cast_mut(c)),
        DType::Bool => u8::gemm(d, a, ma, b, mb, c),
    }
    Ok(())
}

/// Whether the f32/f64 products run on tandem's AVX-512 GEMM here.
pub(crate) fn avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        super::packed::available()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

fn cast<T: bytemuck::Pod>(b: &[u8]) -> &[T] {
    bytemuck::cast_slice(b)
}

fn cast_mut<T: bytemuck::Pod>(b: &mut [u8]) -> &mut [T] {
    bytemuck::cast_slice_mut(b)
}

/// A dtype's matrix product of one `m × k` by `k × n` pair into a
/// C-contiguous `c` (bounds already checked by [`gemm`]).
trait Gemm: bytemuck::Pod {
    fn gemm(d: Dims, a: &[Self], ma: Mat, b: &[Self], mb: Mat, c: &mut [Self]);
}

macro_rules! float_gemm {
    ($t:ty, $f:ident) => {
        impl Gemm for $t {
            fn gemm(d: Dims, a: &[$t], ma: Mat, b: &[$t], mb: Mat, c: &mut [$t]) {
                debug_assert_eq!(c.len(), d.m * d.n);
                if d.k == 0 {
                    c.fill(0.0);
                    return;
                }
                #[cfg(target_arch = "x86_64")]
                if super::packed::available() {
                    // `gemm` checked the operands lie inside their slices.
                    return super::packed::gemm(d, a, ma, b, mb, c);
                }
                // SAFETY: `gemm` checked (`within`) that every element
                // `offset + i * rs + j * cs` of both operands lies inside its
                // slice, and `c` holds exactly `m * n` elements, written
                // C-contiguously (row stride n, column stride 1). The
                // operands are only read, `c` is a distinct `&mut`.
                unsafe {
                    matrixmultiply::$f(
                        d.m,
                        d.k,
                        d.n,
                        1.0,
                        a.as_ptr().offset(ma.offset),
                        ma.rs,
                        ma.cs,
                        b.as_ptr().offset(mb.offset),
                        mb.rs,
                        mb.cs,
                        0.0,
                        c.as_mut_ptr(),
                        d.n as isize,
                        1,
                    );
                }
            }
        }
    };
}
float_gemm!(f32, sgemm);
float_gemm!(f64, dgemm);

/// The ring an integer or bool product accumulates in: `c + a * b` with
/// wrapping arithmetic (NumPy's integer matmul wraps), or `c | (a & b)` for
/// bools (stored as `u8` 0/1).
pub(crate) trait Ring: bytemuck::Pod + PartialEq {
    const ZERO: Self;
    fn mul_add(self, a: Self, b: Self) -> Self;
}

macro_rules! int_ring {
    ($($t:ty),*) => {$(
        impl Ring for $t {
            const ZERO: $t = 0;
            #[inline(always)]
            fn mul_add(self, a: $t, b: $t) -> $t {
                self.wrapping_add(a.wrapping_mul(b))
            }
        }
        impl Gemm for $t {
            fn gemm(d: Dims, a: &[$t], ma: Mat, b: &[$t], mb: Mat, c: &mut [$t]) {
                ring_gemm(d, a, ma, b, mb, c)
            }
        }
    )*};
}
int_ring!(i32, i64, u32);

macro_rules! float_ring {
    ($($t:ty),*) => {$(
        impl Ring for $t {
            const ZERO: $t = 0.0;
            #[inline(always)]
            fn mul_add(self, a: $t, b: $t) -> $t {
                self + a * b
            }
        }
    )*};
}
float_ring!(f32, f64);

/// `Bool`'s storage.
impl Ring for u8 {
    const ZERO: u8 = 0;
    #[inline(always)]
    fn mul_add(self, a: u8, b: u8) -> u8 {
        self | (a & b)
    }
}

impl Gemm for u8 {
    fn gemm(d: Dims, a: &[u8], ma: Mat, b: &[u8], mb: Mat, c: &mut [u8]) {
        ring_gemm(d, a, ma, b, mb, c)
    }
}

/// Columns of `b` (and `c`) per block: a block row of `c` stays in L1.
const NC: usize = 1024;
/// Rows of `b` per block: the `KC × NC` panel of `b` is reused by every row
/// of `a` while it is in cache.
const KC: usize = 128;

/// The i-k-j product, blocked over `k` and `n`. The innermost loop runs
/// along a row of `b` and of `c`, so it vectorises when `b`'s rows are
/// contiguous; a zero element of `a` skips its row of `b`.
fn ring_gemm<T: Ring>(d: Dims, a: &[T], ma: Mat, b: &[T], mb: Mat, c: &mut [T]) {
    c.fill(T::ZERO);
    let at = |i: usize, p: usize| (ma.offset + i as isize * ma.rs + p as isize * ma.cs) as usize;
    for j0 in (0..d.n).step_by(NC) {
        let j1 = (j0 + NC).min(d.n);
        for p0 in (0..d.k).step_by(KC) {
            let p1 = (p0 + KC).min(d.k);
            for i in 0..d.m {
                let row = &mut c[i * d.n + j0..i * d.n + j1];
                for p in p0..p1 {
                    let x = a[at(i, p)];
                    if x == T::ZERO {
                        continue;
                    }
                    let start = mb.offset + p as isize * mb.rs + j0 as isize * mb.cs;
                    if mb.cs == 1 {
                        let start = start as usize;
                        let brow = &b[start..start + (j1 - j0)];
                        for (cv, &bv) in row.iter_mut().zip(brow) {
                            *cv = cv.mul_add(x, bv);
                        }
                    } else {
                        for (j, cv) in row.iter_mut().enumerate() {
                            let bv = b[(start + j as isize * mb.cs) as usize];
                            *cv = cv.mul_add(x, bv);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_of_every_dtype_match_a_naive_loop() {
        let (m, k, n) = (5usize, 7usize, 3usize);
        let a: Vec<i64> = (0..m * k).map(|i| (i as i64 * 7) % 11 - 5).collect();
        let b: Vec<i64> = (0..k * n).map(|i| (i as i64 * 5) % 13 - 6).collect();
        let mut want = vec![0i64; m * n];
        for i in 0..m {
            for j in 0..n {
                want[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        let d = Dims { m, k, n };
        let ma = Mat {
            offset: 0,
            rs: k as isize,
            cs: 1,
        };
        let mb = Mat {
            offset: 0,
            rs: n as isize,
            cs: 1,
        };
        let fa: Vec<f64> = a.iter().map(|&x| x as f64).collect();
        let fb: Vec<f64> = b.iter().map(|&x| x as f64).collect();
        let mut c = vec![0f64; m * n];
        gemm(
            DType::F64,
            d,
            bytemuck::cast_slice(&fa),
            ma,
            bytemuck::cast_slice(&fb),
            mb,
            bytemuck::cast_slice_mut(&mut c),
        )
        .unwrap();
        assert_eq!(c, want.iter().map(|&x| x as f64).collect::<Vec<_>>());
        let mut ci = vec![0i64; m * n];
        gemm(
            DType::I64,
            d,
            bytemuck::cast_slice(&a),
            ma,
            bytemuck::cast_slice(&b),
            mb,
            bytemuck::cast_slice_mut(&mut ci),
        )
        .unwrap();
        assert_eq!(ci, want);
        // Transposed in place: a's rows read as columns.
        let at: Vec<i64> = (0..k * m).map(|i| a[(i % m) * k + i / m]).collect();
        let mt = Mat {
            offset: 0,
            rs: 1,
            cs: m as isize,
        };
        gemm(
            DType::I64,
            d,
            bytemuck::cast_slice(&at),
            mt,
            bytemuck::cast_slice(&b),
            mb,
            bytemuck::cast_slice_mut(&mut ci),
        )
        .unwrap();
        assert_eq!(ci, want);
    }

    #[test]
    fn an_operand_outside_its_buffer_is_an_error() {
        let a = [0u8; 16];
        let d = Dims { m: 2, k: 2, n: 2 };
        let ok = Mat {
            offset: 0,
            rs: 2,
            cs: 1,
        };
        let far = Mat {
            offset: 3,
            rs: 2,
            cs: 1,
        };
        let mut c = [0u8; 16];
        assert!(gemm(DType::F32, d, &a, far, &a, ok, &mut c).is_err());
        assert!(gemm(DType::F32, d, &a, ok, &a, ok, &mut c).is_ok());
    }
}
