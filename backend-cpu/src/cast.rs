//! Dtype conversion of a register block, with NumPy's C-cast rules as
//! [`Scalar::cast`](tandem_core::Scalar::cast) defines them (the two must
//! agree; a unit test checks they do).

use crate::block::{with_view, Dst, Src};
use crate::simd::dispatch;

/// A primitive that converts to each storage type as `Scalar::cast` does.
trait CastTo: Copy {
    fn to_u8(self) -> u8;
    fn to_i32(self) -> i32;
    fn to_i64(self) -> i64;
    fn to_u32(self) -> u32;
    fn to_f32(self) -> f32;
    fn to_f64(self) -> f64;
}

macro_rules! cast_int {
    ($($t:ty),*) => {$(
        impl CastTo for $t {
            #[inline(always)] fn to_u8(self) -> u8 { (self != 0) as u8 }
            #[inline(always)] fn to_i32(self) -> i32 { self as i32 }
            #[inline(always)] fn to_i64(self) -> i64 { self as i64 }
            #[inline(always)] fn to_u32(self) -> u32 { self as i64 as u32 }
            #[inline(always)] fn to_f32(self) -> f32 { self as f32 }
            #[inline(always)] fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}
cast_int!(u8, i32, i64, u32);

macro_rules! cast_float {
    ($($t:ty),*) => {$(
        impl CastTo for $t {
            #[inline(always)] fn to_u8(self) -> u8 { (self != 0.0) as u8 }
            #[inline(always)] fn to_i32(self) -> i32 { self as i32 }
            #[inline(always)] fn to_i64(self) -> i64 { self as i64 }
            // Through i64 so negative values wrap modulo 2^32, as NumPy's C cast.
            #[inline(always)] fn to_u32(self) -> u32 { self as i64 as u32 }
            #[inline(always)] fn to_f32(self) -> f32 { self as f32 }
            #[inline(always)] fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}
cast_float!(f32, f64);

#[inline(always)]
fn convert<S: Copy, D>(src: &[S], dst: &mut [D], f: impl Fn(S) -> D) {
    dispatch(
        #[inline(always)]
        || {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = f(s);
            }
        },
    )
}

/// `dst = src` converted to `dst`'s dtype.
pub(crate) fn cast_slice(src: Src, dst: Dst) {
    with_view!(Src, src, s => {
        match dst {
            Dst::Bool(d) => convert(s, d, CastTo::to_u8),
            Dst::I32(d) => convert(s, d, CastTo::to_i32),
            Dst::I64(d) => convert(s, d, CastTo::to_i64),
            Dst::U32(d) => convert(s, d, CastTo::to_u32),
            Dst::F32(d) => convert(s, d, CastTo::to_f32),
            Dst::F64(d) => convert(s, d, CastTo::to_f64),
        }
    })
}
