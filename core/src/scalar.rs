//! `Scalar`, a dynamically typed single value, and the casts between dtypes.
//!
//! Casts follow NumPy's C casts: integer narrowing wraps, float → integer
//! truncates toward zero (Rust's `as` saturates where C leaves it undefined:
//! NaN → 0, see CHANGELOG), anything → bool is "non-zero" (NaN is `true`).

use crate::dtype::{DType, WeakKind};
use std::fmt;

/// One value of some [`DType`].
///
/// ```
/// use tandem_core::{DType, Scalar};
/// let s = Scalar::from(2.5f32);
/// assert_eq!(s.dtype(), DType::F32);
/// assert_eq!(s.cast(DType::I32), Scalar::I32(2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// A `bool`.
    Bool(bool),
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// A `u32`.
    U32(u32),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
}

macro_rules! cast_to {
    ($v:expr, $t:ty) => {
        match $v {
            Scalar::Bool(x) => x as u8 as $t,
            Scalar::I32(x) => x as $t,
            Scalar::I64(x) => x as $t,
            Scalar::U32(x) => x as $t,
            Scalar::F32(x) => x as $t,
            Scalar::F64(x) => x as $t,
        }
    };
}

impl Scalar {
    /// The dtype of the value.
    ///
    /// ```
    /// assert_eq!(tandem_core::Scalar::U32(3).dtype(), tandem_core::DType::U32);
    /// ```
    pub const fn dtype(&self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::I32(_) => DType::I32,
            Scalar::I64(_) => DType::I64,
            Scalar::U32(_) => DType::U32,
            Scalar::F32(_) => DType::F32,
            Scalar::F64(_) => DType::F64,
        }
    }

    /// The NEP 50 kind of the value when it is used as a weak scalar operand.
    ///
    /// ```
    /// use tandem_core::{Scalar, WeakKind};
    /// assert_eq!(Scalar::I64(1).weak_kind(), WeakKind::Int);
    /// ```
    pub const fn weak_kind(&self) -> WeakKind {
        match self {
            Scalar::Bool(_) => WeakKind::Bool,
            Scalar::I32(_) | Scalar::I64(_) | Scalar::U32(_) => WeakKind::Int,
            Scalar::F32(_) | Scalar::F64(_) => WeakKind::Float,
        }
    }

    /// Converts with NumPy's (C) cast rules; see the module docs.
    ///
    /// ```
    /// use tandem_core::{DType, Scalar};
    /// assert_eq!(Scalar::I64(-1).cast(DType::U32), Scalar::U32(u32::MAX));
    /// assert_eq!(Scalar::F64(f64::NAN).cast(DType::Bool), Scalar::Bool(true));
    /// ```
    pub fn cast(self, to: DType) -> Scalar {
        match to {
            DType::Bool => Scalar::Bool(match self {
                Scalar::Bool(x) => x,
                Scalar::I32(x) => x != 0,
                Scalar::I64(x) => x != 0,
                Scalar::U32(x) => x != 0,
                Scalar::F32(x) => x != 0.0,
                Scalar::F64(x) => x != 0.0,
            }),
            DType::I32 => Scalar::I32(cast_to!(self, i32)),
            // Wrapping through i64 keeps NumPy's modular narrowing for
            // negative values (`-1 → 4294967295`) rather than saturating.
            DType::U32 => Scalar::U32(match self {
                Scalar::F32(x) => (x as i64) as u32,
                Scalar::F64(x) => (x as i64) as u32,
                other => cast_to!(other, i64) as u32,
            }),
            DType::I64 => Scalar::I64(cast_to!(self, i64)),
            DType::F32 => Scalar::F32(cast_to!(self, f32)),
            DType::F64 => Scalar::F64(cast_to!(self, f64)),
        }
    }

    /// The value's bit pattern, zero-extended (`bits` and `dtype` together
    /// identify a value exactly, NaN payloads included).
    ///
    /// ```
    /// use tandem_core::Scalar;
    /// assert_ne!(Scalar::F64(0.0).bits(), Scalar::F64(-0.0).bits());
    /// ```
    pub fn bits(self) -> u64 {
        match self {
            Scalar::Bool(x) => x as u64,
            Scalar::I32(x) => x as u32 as u64,
            Scalar::I64(x) => x as u64,
            Scalar::U32(x) => x as u64,
            Scalar::F32(x) => x.to_bits() as u64,
            Scalar::F64(x) => x.to_bits(),
        }
    }

    /// The value as `f64` (exact for every dtype but large `I64`).
    ///
    /// ```
    /// assert_eq!(tandem_core::Scalar::Bool(true).to_f64(), 1.0);
    /// ```
    pub fn to_f64(self) -> f64 {
        cast_to!(self, f64)
    }

    /// The value as `i64`, with NumPy's cast rules: floats truncate toward
    /// zero (NaN → 0 and out-of-range values saturate, as in
    /// [`cast`](Scalar::cast)), `Bool` is 0 or 1. NumPy's `int(a[0, 1])`
    /// is `a.get(&[0, 1])?.to_i64()`.
    ///
    /// ```
    /// use tandem_core::Scalar;
    /// assert_eq!(Scalar::F64(-2.7).to_i64(), -2);
    /// assert_eq!(Scalar::U32(u32::MAX).to_i64(), 4294967295);
    /// assert_eq!(Scalar::Bool(true).to_i64(), 1);
    /// ```
    pub fn to_i64(self) -> i64 {
        cast_to!(self, i64)
    }

    /// The value as `bool`: "non-zero" (NaN is `true`), NumPy's
    /// `bool(a[0, 1])`.
    ///
    /// ```
    /// use tandem_core::Scalar;
    /// assert!(!Scalar::F32(-0.0).to_bool());
    /// assert!(Scalar::F64(f64::NAN).to_bool());
    /// assert!(Scalar::I64(-3).to_bool());
    /// ```
    pub fn to_bool(self) -> bool {
        matches!(self.cast(DType::Bool), Scalar::Bool(true))
    }

    /// `true` when a weak integer scalar keeps its value in `to` (NEP 50
    /// raises `OverflowError` otherwise: `u32_array + (-1)`).
    ///
    /// ```
    /// use tandem_core::{DType, Scalar};
    /// assert!(!Scalar::I64(-1).fits_in(DType::U32));
    /// assert!(Scalar::F64(1e300).fits_in(DType::F32)); // floats overflow to inf, as in NumPy
    /// ```
    pub fn fits_in(self, to: DType) -> bool {
        let wide: i128 = match self {
            Scalar::I32(x) => x as i128,
            Scalar::I64(x) => x as i128,
            Scalar::U32(x) => x as i128,
            _ => return true,
        };
        match to {
            DType::I32 => i32::try_from(wide).is_ok(),
            DType::I64 => i64::try_from(wide).is_ok(),
            DType::U32 => u32::try_from(wide).is_ok(),
            _ => true,
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(x) => write!(f, "{}", if *x { "True" } else { "False" }),
            Scalar::I32(x) => write!(f, "{x}"),
            Scalar::I64(x) => write!(f, "{x}"),
            Scalar::U32(x) => write!(f, "{x}"),
            Scalar::F32(x) => write!(f, "{x:?}"),
            Scalar::F64(x) => write!(f, "{x:?}"),
        }
    }
}

macro_rules! scalar_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Scalar {
            fn from(x: $t) -> Scalar {
                Scalar::$v(x)
            }
        }
    )*};
}
scalar_from!(bool => Bool, i32 => I32, i64 => I64, u32 => U32, f32 => F32, f64 => F64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_match_numpy_c_casts() {
        assert_eq!(Scalar::F64(-1.5).cast(DType::I32), Scalar::I32(-1));
        assert_eq!(Scalar::F64(-3.0).cast(DType::U32), Scalar::U32(4294967293));
        assert_eq!(Scalar::I64(1 << 33).cast(DType::I32), Scalar::I32(0));
        assert_eq!(Scalar::U32(u32::MAX).cast(DType::I32), Scalar::I32(-1));
        assert_eq!(Scalar::F64(0.0).cast(DType::Bool), Scalar::Bool(false));
        assert_eq!(Scalar::Bool(true).cast(DType::F32), Scalar::F32(1.0));
    }
}
