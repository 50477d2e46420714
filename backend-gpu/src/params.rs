//! The uniform block every tandem shader reads its sizes from: one layout
//! of `u32` words, computed from the shader's key, that the code generator
//! reads through (`pw(i)`) and the host fills per dispatch. Sizes, strides,
//! offsets and constants live here so they never enter the pipeline key.
//!
//! Words 0‥8 are the header: `n` (elements, or reduction units, in this
//! dispatch), `start` (the flat index of its first element, or first unit),
//! and for reductions `K` (elements per row), `C` (parts per row), the
//! part length, the flat index contiguous bases refer to, the number of
//! rows, and the first element of the windows of the partial results
//! written and read. Then the shape, then per operand its base (and strides
//! if strided), then the constants.

use crate::key::Access;
use tandem_core::{DType, Scalar};

/// Header word: elements in this dispatch.
pub(crate) const N: usize = 0;
/// Header word: flat index of the dispatch's first element.
pub(crate) const START: usize = 1;
/// Header word: elements per reduced row.
pub(crate) const ROW: usize = 2;
/// Header word: parts (chunks) per row.
pub(crate) const CHUNKS: usize = 3;
/// Header word: elements per part.
pub(crate) const CHUNK_LEN: usize = 4;
/// Header word: the flat index whose position contiguous bases give
/// (modulo 2^32: positions are computed with wrapping `u32` arithmetic and
/// are exact because each lands inside its window).
pub(crate) const FLAT_BASE: usize = 5;
/// Header word: rows (outputs) of a reduction.
pub(crate) const ROWS: usize = 6;
/// Header word: the partial-result index at the start of the window of
/// partials a reduction pass writes.
pub(crate) const OUT_BASE: usize = 7;
/// Header word: the partial-result index at the start of the window of
/// partials a later reduction pass reads.
pub(crate) const IN_BASE: usize = 8;
/// Words before the shape.
const HEADER: usize = 9;

/// Where one operand's words are.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Slot {
    /// The base position word (contiguous/scalar: the position of flat
    /// index `start`/of the element; strided: the offset, as `i32` bits).
    pub base: usize,
    /// The first stride word (strided operands only).
    pub strides: Option<usize>,
}

/// The word layout of one shader's uniform block.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ParamLayout {
    /// The first shape word.
    pub shape_at: usize,
    /// One slot per operand (inputs, then outputs).
    pub slots: Vec<Slot>,
    /// The first word of each constant.
    pub consts: Vec<usize>,
    /// Total words.
    pub words: usize,
}

impl ParamLayout {
    /// The layout for a shape of `rank`, operands of the given access (and
    /// stride counts), and constants of the given dtypes.
    pub fn new(rank: usize, operands: &[(Access, usize)], consts: &[DType]) -> ParamLayout {
        let shape_at = HEADER;
        let mut at = shape_at + rank;
        let slots = operands
            .iter()
            .map(|&(access, n)| {
                let base = at;
                at += 1;
                let strides = (access == Access::Strided).then(|| {
                    let s = at;
                    at += n;
                    s
                });
                Slot { base, strides }
            })
            .collect();
        let consts = consts
            .iter()
            .map(|d| {
                let c = at;
                at += if d.size_of() == 8 { 2 } else { 1 };
                c
            })
            .collect();
        ParamLayout {
            shape_at,
            slots,
            consts,
            words: at,
        }
    }

    /// How many `vec4<u32>` the block holds (at least one).
    pub fn vec4s(&self) -> usize {
        self.words.div_ceil(4).max(1)
    }

    /// The WGSL of the block and of `pw`, which every template takes as
    /// `{{PARAMS}}` (one declaration, `shaders/params.wgsl`, for every
    /// shader kind).
    pub fn wgsl(&self) -> String {
        include_str!("../shaders/params.wgsl").replace("{{PARAM_VEC4S}}", &self.vec4s().to_string())
    }

    /// A zeroed block of the right size.
    pub fn block(&self) -> Vec<u32> {
        vec![0; self.vec4s() * 4]
    }
}

/// Writes constant `s` at word `at`.
pub(crate) fn put_const(words: &mut [u32], at: usize, s: Scalar) {
    let bits = s.bits();
    words[at] = bits as u32;
    if s.dtype().size_of() == 8 {
        words[at + 1] = (bits >> 32) as u32;
    }
}

/// The WGSL expression reading word `i`.
pub(crate) fn pw(i: usize) -> String {
    format!("pw({i}u)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_shape() {
        let l = ParamLayout::new(
            2,
            &[(Access::Contig, 2), (Access::Strided, 2)],
            &[DType::F64, DType::F32],
        );
        assert_eq!(l.slots[0].base, 11);
        assert_eq!(l.slots[1].strides, Some(13));
        assert_eq!(l.consts, vec![15, 17]);
        assert_eq!(l.words, 18);
        assert_eq!(l.vec4s(), 5);
    }
}
