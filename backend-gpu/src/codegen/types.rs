//! How tandem's dtypes look in WGSL: value types (scalar or `vec4`), storage
//! element types, literals, and the `Features` a dtype needs.
//!
//! Values of every dtype live in registers as their natural WGSL type
//! (`Bool` as `bool`); in buffers `Bool` stays one byte per element, packed
//! four to a `u32` word, so host and device share one layout.

use tandem_core::DType;

pub(crate) use crate::key::Width;

/// The WGSL scalar type holding one value of `dt` in registers.
pub(crate) fn scalar_ty(dt: DType) -> &'static str {
    match dt {
        DType::Bool => "bool",
        DType::I32 => "i32",
        DType::I64 => "i64",
        DType::U32 => "u32",
        DType::F32 => "f32",
        DType::F64 => "f64",
    }
}

/// The WGSL type of a value of `dt` at width `w`.
pub(crate) fn ty(dt: DType, w: Width) -> String {
    wrap(scalar_ty(dt), w)
}

/// `t` itself, or `vec4<t>`.
pub(crate) fn wrap(t: &str, w: Width) -> String {
    match w {
        Width::Scalar => t.to_string(),
        Width::Vec4 => format!("vec4<{t}>"),
    }
}

/// The element type of a storage array holding `dt` (`Bool` as packed words).
pub(crate) fn storage_elem(dt: DType, w: Width) -> String {
    match dt {
        DType::Bool => "u32".to_string(),
        _ => ty(dt, w),
    }
}

/// A literal of `dt` written `text` (a WGSL numeric literal without suffix,
/// or `true`/`false`), splatted to `w`.
pub(crate) fn lit(dt: DType, w: Width, text: &str) -> String {
    let s = match dt {
        DType::Bool => text.to_string(),
        DType::I32 => format!("{text}i"),
        DType::U32 => format!("{text}u"),
        DType::I64 => format!("{text}li"),
        DType::F32 => {
            if text.contains(['.', 'e']) {
                format!("{text}f")
            } else {
                format!("{text}.0f")
            }
        }
        DType::F64 => {
            if text.contains(['.', 'e']) {
                format!("{text}lf")
            } else {
                format!("{text}.0lf")
            }
        }
    };
    splat(&s, dt, w)
}

/// `e` (a scalar expression of `dt`) splatted to width `w`.
pub(crate) fn splat(e: &str, dt: DType, w: Width) -> String {
    match w {
        Width::Scalar => e.to_string(),
        Width::Vec4 => format!("vec4<{}>({e})", scalar_ty(dt)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_carry_their_type() {
        assert_eq!(lit(DType::F32, Width::Scalar, "1"), "1.0f");
        assert_eq!(lit(DType::F64, Width::Vec4, "0.5"), "vec4<f64>(0.5lf)");
        assert_eq!(lit(DType::I64, Width::Scalar, "-1"), "-1li");
        assert_eq!(ty(DType::Bool, Width::Vec4), "vec4<bool>");
        assert_eq!(storage_elem(DType::Bool, Width::Vec4), "u32");
    }
}
