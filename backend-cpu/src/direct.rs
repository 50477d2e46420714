//! The direct path of a tiny force ([`Backend::execute_direct`]): one op
//! over whole contiguous operands, straight through the interpreter's SIMD
//! loops (`elem.rs`), with no kernel to validate, bind or compile. The
//! loops are the ones every interpreted kernel runs, so the results are
//! the same bits as the general path's.
//!
//! [`Backend::execute_direct`]: tandem_core::Backend::execute_direct

use crate::elem::Elem;
use std::cell::RefCell;
use tandem_core::backend::Buffer;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{DirectInput, OneOp};
use tandem_core::ops::UnaryOp;
use tandem_core::{DType, Scalar};

thread_local! {
    /// A constant operand, repeated (8-byte words: aligned for any dtype).
    static SPLAT: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// `op` over `n` elements of `inputs` of `dtype` into `output`; `None` if
/// the interpreter has no loop for it (or an operand is not host memory of
/// the right size and alignment), with `output` untouched.
pub(crate) fn run(
    op: OneOp,
    dtype: DType,
    inputs: &[DirectInput],
    output: &mut Buffer,
    n: usize,
) -> Option<()> {
    let Buffer::Host(out) = output else {
        return None;
    };
    let out = std::sync::Arc::get_mut(out)?.as_bytes_mut();
    match dtype {
        DType::Bool => typed::<u8>(op, dtype, inputs, out, n),
        DType::I32 => typed::<i32>(op, dtype, inputs, out, n),
        DType::I64 => typed::<i64>(op, dtype, inputs, out, n),
        DType::U32 => typed::<u32>(op, dtype, inputs, out, n),
        DType::F32 => typed::<f32>(op, dtype, inputs, out, n),
        DType::F64 => typed::<f64>(op, dtype, inputs, out, n),
    }
}

/// The `n` elements of a buffer operand from element `offset` on.
fn elements<T: Elem>(h: &HostBuffer, offset: usize, n: usize) -> Option<&[T]> {
    let size = std::mem::size_of::<T>();
    let bytes = h.as_bytes().get(offset * size..(offset + n) * size)?;
    bytemuck::try_cast_slice(bytes).ok()
}

/// `value` as a `T` (the core gives constants in the operand dtype).
fn scalar<T: Elem>(value: Scalar, dtype: DType) -> Option<T> {
    let bits = value.cast(dtype).bits();
    let bytes = bits.to_le_bytes();
    bytemuck::try_pod_read_unaligned(&bytes[..std::mem::size_of::<T>()]).ok()
}

fn typed<T: Elem>(
    op: OneOp,
    dtype: DType,
    inputs: &[DirectInput],
    out: &mut [u8],
    n: usize,
) -> Option<()> {
    // At most one operand is a constant: it is read from a scratch filled
    // with it (the thread's, reused).
    match inputs.iter().find_map(|i| match i {
        DirectInput::Scalar(s) => Some(*s),
        DirectInput::Host(..) => None,
    }) {
        None => apply::<T>(op, inputs, &[], out, n),
        Some(v) => SPLAT.with(|splat| {
            let mut splat = splat.borrow_mut();
            let words = (n * std::mem::size_of::<T>()).div_ceil(8);
            if splat.len() < words {
                splat.resize(words, 0);
            }
            let v = scalar::<T>(v, dtype)?;
            let filled = &mut bytemuck::cast_slice_mut::<u64, T>(&mut splat[..words])[..n];
            filled.fill(v);
            apply::<T>(op, inputs, filled, out, n)
        }),
    }
}

/// [`typed`] with the constant operand's values in `splat`.
fn apply<'a, T: Elem>(
    op: OneOp,
    inputs: &[DirectInput<'a>],
    splat: &'a [T],
    out: &mut [u8],
    n: usize,
) -> Option<()> {
    let operand = |i: &DirectInput<'a>| -> Option<&'a [T]> {
        match *i {
            DirectInput::Host(b, offset) => elements(b, offset, n),
            DirectInput::Scalar(_) => Some(splat),
        }
    };
    let ok = match (op, inputs) {
        (OneOp::Unary(u @ (UnaryOp::IsNan | UnaryOp::IsInf | UnaryOp::IsFinite)), [x]) => {
            T::predicate(u, operand(x)?, out.get_mut(..n)?)
        }
        (OneOp::Unary(u), [x]) => T::unary(u, operand(x)?, typed_out(out, n)?),
        (OneOp::Binary(b), [x, y]) if b.is_comparison() => {
            T::compare(b, operand(x)?, operand(y)?, out.get_mut(..n)?)
        }
        (OneOp::Binary(b), [x, y]) => T::binary(b, operand(x)?, operand(y)?, typed_out(out, n)?),
        _ => false,
    };
    ok.then_some(())
}

fn typed_out<T: Elem>(out: &mut [u8], n: usize) -> Option<&mut [T]> {
    let bytes = out.get_mut(..n * std::mem::size_of::<T>())?;
    bytemuck::try_cast_slice_mut(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tandem_core::ops::BinaryOp;

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
        assert!(run(OneOp::Unary(UnaryOp::Neg), DType::F32, &inputs, &mut out, 3).is_none());
    }
}
