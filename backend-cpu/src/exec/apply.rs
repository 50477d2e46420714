//! One op over a block: the interpreter's per-dtype dispatch of unary,
//! binary, select and copy, shared by kernels and the direct path of tiny
//! forces (`direct.rs`).

use super::validate::unsupported;
use crate::block::{with_view, Dst, Src};
use crate::elem::Elem;
use tandem_core::ops::{BinaryOp, Out, UnaryOp};
use tandem_core::{DType, Result};

/// `out[i] = op(x[i])` by the interpreter's loops; `false` if `op` is not
/// defined for these dtypes. The row's result dtype picks the loop: `Bool`
/// (predicates, `logical_not`) from any dtype, `I32` from any dtype, or
/// the compute dtype itself. Kernels and the direct path of tiny forces
/// (`direct.rs`) both run ops through here.
pub(crate) fn unary_into(op: UnaryOp, src: Src, dst: Dst) -> bool {
    match (op.rule().out, src, dst) {
        (Out::Bool, src, Dst::Bool(o)) => with_view!(Src, src, x => Elem::predicate(op, x, o)),
        (Out::Fixed(DType::I32), src, Dst::I32(o)) => {
            with_view!(Src, src, x => Elem::to_i32(op, x, o))
        }
        (Out::Compute, Src::Bool(x), Dst::Bool(o)) => u8::unary(op, x, o),
        (Out::Compute, Src::I32(x), Dst::I32(o)) => i32::unary(op, x, o),
        (Out::Compute, Src::I64(x), Dst::I64(o)) => i64::unary(op, x, o),
        (Out::Compute, Src::U32(x), Dst::U32(o)) => u32::unary(op, x, o),
        (Out::Compute, Src::F32(x), Dst::F32(o)) => f32::unary(op, x, o),
        (Out::Compute, Src::F64(x), Dst::F64(o)) => f64::unary(op, x, o),
        // Views whose dtypes the row does not give (whatever the op): a
        // core bug, which the caller reports.
        _ => false,
    }
}

/// `out[i] = op(x[i], y[i])` by the interpreter's loops (comparisons into
/// bools); `false` if `op` is not defined for these dtypes.
pub(crate) fn binary_into(op: BinaryOp, x: Src, y: Src, dst: Dst) -> bool {
    if op.is_comparison() {
        match (x, y, dst) {
            (Src::Bool(x), Src::Bool(y), Dst::Bool(o)) => u8::compare(op, x, y, o),
            (Src::I32(x), Src::I32(y), Dst::Bool(o)) => i32::compare(op, x, y, o),
            (Src::I64(x), Src::I64(y), Dst::Bool(o)) => i64::compare(op, x, y, o),
            (Src::U32(x), Src::U32(y), Dst::Bool(o)) => u32::compare(op, x, y, o),
            (Src::F32(x), Src::F32(y), Dst::Bool(o)) => f32::compare(op, x, y, o),
            (Src::F64(x), Src::F64(y), Dst::Bool(o)) => f64::compare(op, x, y, o),
            // Views of mixed dtypes (whatever the op): a core bug.
            _ => false,
        }
    } else {
        match (x, y, dst) {
            (Src::Bool(x), Src::Bool(y), Dst::Bool(o)) => u8::binary(op, x, y, o),
            (Src::I32(x), Src::I32(y), Dst::I32(o)) => i32::binary(op, x, y, o),
            (Src::I64(x), Src::I64(y), Dst::I64(o)) => i64::binary(op, x, y, o),
            (Src::U32(x), Src::U32(y), Dst::U32(o)) => u32::binary(op, x, y, o),
            (Src::F32(x), Src::F32(y), Dst::F32(o)) => f32::binary(op, x, y, o),
            (Src::F64(x), Src::F64(y), Dst::F64(o)) => f64::binary(op, x, y, o),
            // Views of mixed dtypes (whatever the op): a core bug.
            _ => false,
        }
    }
}

/// `dst = src` for views of one dtype.
pub(crate) fn copy(src: Src, dst: Dst) -> Result<()> {
    let d = with_view!(Dst, dst, v => bytemuck::cast_slice_mut::<_, u8>(v));
    let s = src.bytes();
    if s.len() != d.len() {
        return Err(unsupported(
            "a load whose dtype differs from its input".into(),
        ));
    }
    d.copy_from_slice(s);
    Ok(())
}

pub(crate) fn select<T: Copy>(c: &[u8], x: &[T], y: &[T], out: &mut [T]) -> bool {
    crate::simd::dispatch(
        #[inline(always)]
        || {
            for (((o, &c), &x), &y) in out.iter_mut().zip(c).zip(x).zip(y) {
                *o = if c != 0 { x } else { y };
            }
        },
    );
    true
}
