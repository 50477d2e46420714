//! Element types (`DType`) and NumPy's type-promotion rules, written as tables.
//!
//! Promotion is one lookup (`DType::promote`) plus the NEP 50 rule for weak
//! (Rust-literal) scalars (`DType::promote_weak`). The tests check both
//! against `np.result_type` through the committed fixtures.

use std::fmt;

/// The element type of an [`Array`](crate::Array).
///
/// ```
/// use tandem_core::DType;
/// assert_eq!(DType::I32.promote(DType::U32), DType::I64);
/// assert_eq!(DType::F32.size_of(), 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// Booleans, stored as one byte (0 or 1) per element.
    Bool,
    /// Signed 32-bit integers.
    I32,
    /// Signed 64-bit integers; the index type (`argmin` and friends).
    I64,
    /// Unsigned 32-bit integers.
    U32,
    /// 32-bit IEEE floats; tandem's default float.
    F32,
    /// 64-bit IEEE floats.
    F64,
}

/// The kind of a weak (Python-like, NEP 50) scalar: its value decides nothing,
/// only its kind does, and the array operand's dtype wins within a kind.
///
/// ```
/// use tandem_core::{DType, WeakKind};
/// assert_eq!(DType::F32.promote_weak(WeakKind::Float), DType::F32);
/// assert_eq!(DType::I32.promote_weak(WeakKind::Float), DType::F64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WeakKind {
    /// A Rust `bool` literal.
    Bool,
    /// A Rust integer literal (`i32`, `i64`, `u32`).
    Int,
    /// A Rust float literal (`f32`, `f64`).
    Float,
}

impl DType {
    /// Every dtype, in promotion order of kind (bool < ints < floats).
    ///
    /// ```
    /// assert_eq!(tandem_core::DType::ALL.len(), 6);
    /// ```
    pub const ALL: [DType; 6] = [
        DType::Bool,
        DType::I32,
        DType::I64,
        DType::U32,
        DType::F32,
        DType::F64,
    ];

    /// Bytes per element.
    ///
    /// ```
    /// assert_eq!(tandem_core::DType::Bool.size_of(), 1);
    /// ```
    pub const fn size_of(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        }
    }

    /// NumPy's name for the dtype (`"float32"`, `"bool"` …).
    ///
    /// ```
    /// assert_eq!(tandem_core::DType::U32.name(), "uint32");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U32 => "uint32",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// Parses NumPy's name for a dtype.
    ///
    /// ```
    /// use tandem_core::DType;
    /// assert_eq!(DType::from_name("int64"), Some(DType::I64));
    /// assert_eq!(DType::from_name("float16"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }

    /// `true` for `F32` and `F64`.
    ///
    /// ```
    /// assert!(tandem_core::DType::F64.is_float());
    /// ```
    pub const fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// `true` for the integer dtypes (not `Bool`).
    ///
    /// ```
    /// assert!(tandem_core::DType::U32.is_int());
    /// assert!(!tandem_core::DType::Bool.is_int());
    /// ```
    pub const fn is_int(self) -> bool {
        matches!(self, DType::I32 | DType::I64 | DType::U32)
    }

    /// NumPy's `np.result_type(a, b)` for two strong (array) operands.
    ///
    /// ```
    /// use tandem_core::DType::*;
    /// assert_eq!(I32.promote(F32), F64);
    /// assert_eq!(U32.promote(Bool), U32);
    /// ```
    pub const fn promote(self, other: DType) -> DType {
        use DType::*;
        // The table is symmetric; order the pair so each case is written once.
        let (a, b) = if (self as u8) <= (other as u8) {
            (self, other)
        } else {
            (other, self)
        };
        match (a, b) {
            (x, y) if x as u8 == y as u8 => x,
            (Bool, y) => y,
            (I32, I64) | (I32, U32) | (I64, U32) => I64,
            (I32 | I64 | U32, F32) => F64,
            (_, F64) => F64,
            // Unreachable given the ordering above, kept total for the compiler.
            _ => F64,
        }
    }

    /// NEP 50: the result dtype of an array of this dtype combined with a weak
    /// scalar of `kind`. The array's dtype wins unless the scalar's kind is
    /// higher (`int array + 2.5` is `F64`, `bool array + 3` is `I64`).
    ///
    /// ```
    /// use tandem_core::{DType::*, WeakKind};
    /// assert_eq!(I32.promote_weak(WeakKind::Int), I32);
    /// assert_eq!(Bool.promote_weak(WeakKind::Int), I64);
    /// ```
    pub const fn promote_weak(self, kind: WeakKind) -> DType {
        match (self, kind) {
            (DType::Bool, WeakKind::Int) => DType::I64,
            (DType::Bool | DType::I32 | DType::I64 | DType::U32, WeakKind::Float) => DType::F64,
            (d, _) => d,
        }
    }

    /// The dtype a weak scalar of `kind` takes on its own (both operands weak):
    /// NumPy's defaults `bool`, `int64`, `float64`.
    ///
    /// ```
    /// use tandem_core::{DType, WeakKind};
    /// assert_eq!(DType::default_for(WeakKind::Float), DType::F64);
    /// ```
    pub const fn default_for(kind: WeakKind) -> DType {
        match kind {
            WeakKind::Bool => DType::Bool,
            WeakKind::Int => DType::I64,
            WeakKind::Float => DType::F64,
        }
    }

    /// The float dtype a float-valued function (`sqrt`, `sin`, `atan2` …)
    /// returns for this input: floats keep their width, integers give `F64`
    /// as in NumPy; `Bool` gives `F32` where NumPy gives `float16`, a dtype
    /// tandem does not have (see CHANGELOG).
    ///
    /// ```
    /// use tandem_core::DType::*;
    /// assert_eq!(I32.float_result(), F64);
    /// assert_eq!(F32.float_result(), F32);
    /// ```
    pub const fn float_result(self) -> DType {
        match self {
            DType::Bool => DType::F32,
            DType::F32 => DType::F32,
            _ => DType::F64,
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promote_is_symmetric_and_idempotent() {
        for a in DType::ALL {
            assert_eq!(a.promote(a), a);
            for b in DType::ALL {
                assert_eq!(a.promote(b), b.promote(a), "{a} {b}");
            }
        }
    }

    #[test]
    fn promote_is_associative() {
        for a in DType::ALL {
            for b in DType::ALL {
                for c in DType::ALL {
                    assert_eq!(a.promote(b).promote(c), a.promote(b.promote(c)));
                }
            }
        }
    }
}
