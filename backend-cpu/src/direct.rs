//! The direct path of a tiny force ([`Backend::execute_direct`]): one op
//! over whole contiguous operands, straight through the interpreter's SIMD
//! loops (`elem.rs`), with no kernel to validate, bind or compile. The
//! loops are the ones every interpreted kernel runs, so the results are
//! the same bits as the general path's.
//!
//! [`Backend::execute_direct`]: tandem_core::Backend::execute_direct

use crate::block::{Dst, Src};
use crate::exec::{binary_into, unary_into};
use std::cell::RefCell;
use tandem_core::backend::Buffer;
use tandem_core::kernel::{DirectInput, OneOp};
use tandem_core::DType;

thread_local! {
    /// A constant operand, repeated (8-byte words: aligned for any dtype).
    static SPLAT: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// `op` over `n` elements of `inputs` of `dtype` into `output` (of
/// `out_dtype`, the op's result dtype); `None` if
/// the interpreter has no loop for it (or an operand is not host memory of
/// the right size and alignment), with `output` untouched.
pub(crate) fn run(
    op: OneOp,
    dtype: DType,
    out_dtype: DType,
    inputs: &[DirectInput],
    output: &mut Buffer,
    n: usize,
) -> Option<()> {
    let Buffer::Host(out) = output else {
        return None;
    };
    let out = std::sync::Arc::get_mut(out)?.as_bytes_mut();
    let out = out.get_mut(..n * out_dtype.size_of())?;
    if !(out.as_ptr() as usize).is_multiple_of(out_dtype.size_of()) {
        return None;
    }
    let dst = Dst::of_bytes(out_dtype, out);
    let size = dtype.size_of();
    // At most one operand is a constant: it is read from a scratch filled
    // with it (the thread's, reused).
    let constant = inputs.iter().find_map(|i| match i {
        DirectInput::Scalar(s) => Some(*s),
        DirectInput::Host(..) => None,
    });
    let apply = move |splat: &[u8]| -> Option<()> {
        let operand = |i| operand(i, splat, dtype, n);
        let ok = match (op, inputs) {
            (OneOp::Unary(u), [x]) => unary_into(u, operand(x)?, dst),
            (OneOp::Binary(b), [x, y]) => binary_into(b, operand(x)?, operand(y)?, dst),
            _ => false,
        };
        ok.then_some(())
    };
    match constant {
        None => apply(&[]),
        Some(v) => SPLAT.with(|splat| {
            let mut splat = splat.borrow_mut();
            let words = (n * size).div_ceil(8);
            if splat.len() < words {
                splat.resize(words, 0);
            }
            let bytes = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut splat[..words])[..n * size];
            let one = v.cast(dtype).bits().to_le_bytes();
            for e in bytes.chunks_exact_mut(size) {
                e.copy_from_slice(&one[..size]);
            }
            apply(bytes)
        }),
    }
}

/// Operand `i` over `n` elements (a constant's are `splat`).
fn operand<'a>(i: &DirectInput<'a>, splat: &'a [u8], dtype: DType, n: usize) -> Option<Src<'a>> {
    let bytes = match *i {
        DirectInput::Host(h, offset) => elements(h.as_bytes(), offset, n, dtype.size_of())?,
        DirectInput::Scalar(_) => splat,
    };
    Some(Src::of_bytes(dtype, bytes))
}

/// Elements `offset..offset + n` (of `size` bytes) of `bytes`, if they are
/// there and aligned for their dtype (host buffers always are).
fn elements(bytes: &[u8], offset: usize, n: usize, size: usize) -> Option<&[u8]> {
    let b = bytes.get(offset * size..(offset + n) * size)?;
    (b.as_ptr() as usize).is_multiple_of(size).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tandem_core::buffer::HostBuffer;
    use tandem_core::ops::BinaryOp;
    use tandem_core::ops::UnaryOp;
    use tandem_core::Scalar;

    fn host(v: &[f32]) -> HostBuffer {
        HostBuffer::from_vec(v.to_vec())
    }

    #[test]
    fn binary_with_a_constant_and_an_offset() {
        let a = host(&[9.0, 1.0, 2.0, 3.0]);
        let mut out = Buffer::Host(Arc::new(HostBuffer::zeroed(12)));
        let inputs = [
            DirectInput::Host(&a, 1),
            DirectInput::Scalar(Scalar::F64(0.5)),
        ];
        run(
            OneOp::Binary(BinaryOp::Mul),
            DType::F32,
            DType::F32,
            &inputs,
            &mut out,
            3,
        )
        .unwrap();
        let Buffer::Host(h) = &out else {
            unreachable!()
        };
        assert_eq!(h.typed::<f32>(), &[0.5, 1.0, 1.5]);
    }

    #[test]
    fn comparisons_and_predicates_write_bools() {
        let a = host(&[1.0, f32::NAN, 3.0]);
        let b = host(&[1.0, 2.0, 4.0]);
        let mut out = Buffer::Host(Arc::new(HostBuffer::zeroed(3)));
        let inputs = [DirectInput::Host(&a, 0), DirectInput::Host(&b, 0)];
        run(
            OneOp::Binary(BinaryOp::Lt),
            DType::F32,
            DType::Bool,
            &inputs,
            &mut out,
            3,
        )
        .unwrap();
        let Buffer::Host(h) = &out else {
            unreachable!()
        };
        assert_eq!(h.as_bytes(), &[0, 0, 1]);
        let mut out = Buffer::Host(Arc::new(HostBuffer::zeroed(3)));
        run(
            OneOp::Unary(UnaryOp::IsNan),
            DType::F32,
            DType::Bool,
            &inputs[..1],
            &mut out,
            3,
        )
        .unwrap();
        let Buffer::Host(h) = &out else {
            unreachable!()
        };
        assert_eq!(h.as_bytes(), &[0, 1, 0]);
    }

    #[test]
    fn an_operand_too_short_is_declined() {
        let a = host(&[1.0, 2.0]);
        let mut out = Buffer::Host(Arc::new(HostBuffer::zeroed(12)));
        let inputs = [DirectInput::Host(&a, 0)];
        assert!(run(
            OneOp::Unary(UnaryOp::Neg),
            DType::F32,
            DType::F32,
            &inputs,
            &mut out,
            3
        )
        .is_none());
    }
}
