//! What a GEMM is given: the sizes of one product ([`Dims`]) and where an
//! operand matrix lies in its buffer ([`Mat`]), with the bounds check the
//! raw-pointer GEMMs rely on. Its own module so that the dtype dispatch
//! (`gemm.rs`) and tandem's AVX-512 GEMM (`packed.rs`) share it without
//! depending on each other.

/// The sizes of one product: `[m, k] @ [k, n]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dims {
    pub m: usize,
    pub k: usize,
    pub n: usize,
}

/// One operand matrix: where element `[0, 0]` is and the row and column
/// strides, in elements of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mat {
    pub offset: isize,
    pub rs: isize,
    pub cs: isize,
}

/// Whether every element of the `rows × cols` matrix `m` lies in a buffer
/// of `len` elements (the guard of the raw-pointer GEMM).
pub(crate) fn within(len: usize, m: Mat, rows: usize, cols: usize) -> bool {
    if rows == 0 || cols == 0 {
        return true;
    }
    let reach = |n: usize, s: isize| (n as isize - 1).checked_mul(s);
    let (Some(r), Some(c)) = (reach(rows, m.rs), reach(cols, m.cs)) else {
        return false;
    };
    let lo = m.offset + r.min(0) + c.min(0);
    let hi = m.offset + r.max(0) + c.max(0);
    lo >= 0 && (hi as usize) < len
}
