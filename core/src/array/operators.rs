//! `std::ops` for `Array`: `+ - * / %` between arrays, references and Rust
//! scalars (`i64`, `f64`) on either side; the bitwise `& | ^` (integers, and
//! logical on `Bool`; scalars `i64` and `bool`) and shifts `<< >>`
//! (integers; `i64` scalars); unary `-` and `!` (bitwise not for integers,
//! logical not for `Bool`); and the compound assignments `+= -= *= /= %=
//! &= |= ^= <<= >>=` (with their `try_*_assign` forms). They panic with the
//! `Error`'s message where the `try_` methods return it.

use super::elementwise::Arg;
use super::{Array, Operand};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::{BinaryOp, UnaryOp};
use crate::scalar::Scalar;
use std::ops::{
    Add, AddAssign, BitAnd, BitAndAssign, BitOr, BitOrAssign, BitXor, BitXorAssign, Div, DivAssign,
    Mul, MulAssign, Neg, Not, Rem, RemAssign, Shl, ShlAssign, Shr, ShrAssign, Sub, SubAssign,
};

fn apply(op: BinaryOp, a: Arg, b: Arg) -> Array {
    Array::binary_operands(op, a, b).unwrap_or_else(|e| panic!("{e}"))
}

/// An operator's operand, borrowed (owned or not, an `Array` is only read).
trait AsArg {
    fn arg(&self) -> Arg<'_>;
}

impl AsArg for Array {
    fn arg(&self) -> Arg<'_> {
        Arg::Array(self)
    }
}

impl AsArg for &Array {
    fn arg(&self) -> Arg<'_> {
        Arg::Array(self)
    }
}

impl AsArg for i64 {
    fn arg(&self) -> Arg<'_> {
        Arg::Scalar(Scalar::from(*self))
    }
}

impl AsArg for f64 {
    fn arg(&self) -> Arg<'_> {
        Arg::Scalar(Scalar::from(*self))
    }
}

impl AsArg for bool {
    fn arg(&self) -> Arg<'_> {
        Arg::Scalar(Scalar::from(*self))
    }
}

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $op:ident) => {
        // One float and one integer type: Rust literals (`2.0`, `3`) infer to them
        // unambiguously, and as weak scalars only their kind matters anyway.
        binary_operator!($trait, $method, $op; i64, f64);
    };
    ($trait:ident, $method:ident, $op:ident; $($t:ty),*) => {
        impl $trait<&Array> for &Array {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        impl $trait<Array> for &Array {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        impl $trait<&Array> for Array {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        impl $trait<Array> for Array {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        binary_operator!(@scalars $trait, $method, $op, $($t),*);
    };
    (@scalars $trait:ident, $method:ident, $op:ident, $($t:ty),*) => {$(
        impl $trait<$t> for &Array {
            type Output = Array;
            fn $method(self, rhs: $t) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        impl $trait<$t> for Array {
            type Output = Array;
            fn $method(self, rhs: $t) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        impl $trait<&Array> for $t {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
        impl $trait<Array> for $t {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                apply(BinaryOp::$op, self.arg(), rhs.arg())
            }
        }
    )*};
}

binary_operator!(Add, add, Add);
binary_operator!(Sub, sub, Sub);
binary_operator!(Mul, mul, Mul);
binary_operator!(Div, div, Div);
binary_operator!(Rem, rem, Rem);
// Bitwise: integers (logical on bools); floats panic, as NumPy raises.
binary_operator!(BitAnd, bitand, BitwiseAnd; i64, bool);
binary_operator!(BitOr, bitor, BitwiseOr; i64, bool);
binary_operator!(BitXor, bitxor, BitwiseXor; i64, bool);
binary_operator!(Shl, shl, LeftShift; i64);
binary_operator!(Shr, shr, RightShift; i64);

impl Not for &Array {
    type Output = Array;
    /// `~a`: bitwise not of integers, logical not of `Bool`.
    ///
    /// **Panics** for float arrays, as NumPy raises.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let m = Array::from_vec(vec![true, false], &[2])?;
    /// assert_eq!((!&m).to_vec::<bool>()?, vec![false, true]);
    /// let i = Array::from_vec(vec![0i32, 5], &[2])?;
    /// assert_eq!((!&i).to_vec::<i32>()?, vec![-1, -6]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    fn not(self) -> Array {
        self.unary(UnaryOp::BitwiseNot)
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Not for Array {
    type Output = Array;
    /// As `!&a`.
    fn not(self) -> Array {
        !&self
    }
}

impl Neg for &Array {
    type Output = Array;
    /// **Panics** for `Bool` arrays (use `logical_not`), as NumPy raises.
    fn neg(self) -> Array {
        self.unary(UnaryOp::Neg).unwrap_or_else(|e| panic!("{e}"))
    }
}

impl Neg for Array {
    type Output = Array;
    /// **Panics** for `Bool` arrays (use `logical_not`), as NumPy raises.
    fn neg(self) -> Array {
        -&self
    }
}

/// NumPy's `np.can_cast(from, to, casting="same_kind")` over tandem's dtypes:
/// a cast within a kind or to a higher one (bool < unsigned < signed <
/// float), narrowing included (`int64 → int32`, `float64 → float32`), as
/// NumPy 2.4 answers for every pair of these six dtypes.
fn can_cast_same_kind(from: DType, to: DType) -> bool {
    let kind = |d: DType| match d {
        DType::Bool => 0,
        DType::U32 => 1,
        DType::I32 | DType::I64 => 2,
        DType::F32 | DType::F64 => 3,
    };
    kind(from) <= kind(to)
}

impl Array {
    /// `self = self <op> other`, NumPy's in-place `np.<op>(a, b, out=a)`:
    /// computed in the promoted dtype, cast back to `self`'s dtype under
    /// NumPy's `same_kind` rule, `other` broadcast to `self`'s shape. Lazy:
    /// `self` is rebound to the new expression, so no clone sees it.
    fn compound(
        &mut self,
        name: &'static str,
        symbol: &str,
        op: BinaryOp,
        other: Operand,
    ) -> Result<()> {
        let result = Array::binary_operands(op, Arg::Array(self), Arg::from(&other))
            .map_err(|e| e.with_op(name))?;
        let (from, to) = (result.dtype(), self.dtype());
        // NumPy resolves the dtypes before it looks at the output's shape.
        if !can_cast_same_kind(from, to) {
            return Err(Error::DTypeMismatch {
                op: name,
                expected: to.name().into(),
                got: from,
                hint: format!(
                    "`a {symbol} x` keeps a's dtype, and NumPy's 'same_kind' rule does not cast \
                     the {from} result back to {to} (NumPy raises UFuncTypeError too); write \
                     `a = &a {} x` to get the {from} result, or cast a first with \
                     a.astype(DType::{from:?})",
                    &symbol[..symbol.len() - 1],
                ),
            });
        }
        if result.shape() != self.shape() {
            let value = match &other {
                Operand::Array(b) => b.shape().to_vec(),
                Operand::Scalar(_) => vec![],
            };
            return Err(Error::ShapeMismatch {
                op: name,
                lhs: self.shape().to_vec(),
                rhs: value,
                detail: format!(
                    "non-broadcastable output operand: they broadcast to {:?}, but `a {symbol} b` \
                     keeps a's shape {:?}, so b must broadcast to it",
                    result.shape(),
                    self.shape()
                ),
            });
        }
        self.node = result.astype(to).node;
        Ok(())
    }
}

macro_rules! compound_assignment {
    ($trait:ident, $method:ident, $try:ident, $op:ident, $symbol:literal, $doc:literal) => {
        compound_assignment!(@arrays $trait, $method, $try, $op, $symbol, $doc);
        compound_assignment!(@float $trait, $method, $try, $symbol);
        compound_assignment!(@int $trait, $method, $try, $symbol);
    };
    (@bits $trait:ident, $method:ident, $try:ident, $op:ident, $symbol:literal, $doc:literal) => {
        compound_assignment!(@arrays $trait, $method, $try, $op, $symbol, $doc);
        compound_assignment!(@int $trait, $method, $try, $symbol);
    };
    (@arrays $trait:ident, $method:ident, $try:ident, $op:ident, $symbol:literal, $doc:literal) => {
        impl Array {
            #[doc = concat!("`self ", $symbol, " other` as a `Result`: NumPy's in-place `a ", $symbol, " b`.")]
            ///
            /// The result keeps `self`'s dtype and shape: it is computed in
            /// the promoted dtype and cast back, which NumPy's `same_kind`
            /// rule must allow (an `I32` array takes `I64` or `U32` results,
            /// not `F64` ones; a `U32` array takes no signed results; a
            /// `Bool` array only `Bool` ones), and `other` must broadcast to
            /// `self`'s shape. Lazy and copy-on-write: `self` becomes a new
            /// lazy expression, so clones taken before never see the change
            /// and nothing runs until it is read.
            ///
            /// Errors: [`Error::DTypeMismatch`] when the result's dtype
            /// cannot be cast back under `same_kind`,
            /// [`Error::ShapeMismatch`] when `other` does not broadcast to
            /// `self`'s shape, and those of the binary operation (a weak
            /// integer out of range, `Bool` subtraction). On error `self` is
            /// unchanged.
            ///
            /// ```
            /// use tandem::prelude::*;
            #[doc = $doc]
            /// # Ok::<(), tandem::Error>(())
            /// ```
            pub fn $try(&mut self, other: impl Into<Operand>) -> Result<()> {
                self.compound(stringify!($method), $symbol, BinaryOp::$op, other.into())
            }
        }

        impl $trait<&Array> for Array {
            #[doc = concat!("`a ", $symbol, " &b`; see [`Array::", stringify!($try), "`].")]
            ///
            /// **Panics** with the message of the error the `try_` form
            /// returns: a result dtype NumPy's `same_kind` rule cannot cast
            /// back to `a`'s, or `b` not broadcasting to `a`'s shape.
            #[track_caller]
            fn $method(&mut self, rhs: &Array) {
                if let Err(e) = self.$try(rhs) {
                    panic!("{e}");
                }
            }
        }
        impl $trait<Array> for Array {
            #[doc = concat!("`a ", $symbol, " b`; see [`Array::", stringify!($try), "`].")]
            ///
            /// **Panics** as the `&Array` form does.
            #[track_caller]
            fn $method(&mut self, rhs: Array) {
                if let Err(e) = self.$try(rhs) {
                    panic!("{e}");
                }
            }
        }
    };
    (@float $trait:ident, $method:ident, $try:ident, $symbol:literal) => {
        impl $trait<f64> for Array {
            #[doc = concat!("`a ", $symbol, " 2.0` (a weak float); see [`Array::", stringify!($try), "`].")]
            ///
            /// **Panics** for integer and `Bool` arrays, as NumPy raises
            /// (the float result cannot be cast back under `same_kind`).
            #[track_caller]
            fn $method(&mut self, rhs: f64) {
                if let Err(e) = self.$try(rhs) {
                    panic!("{e}");
                }
            }
        }
    };
    (@int $trait:ident, $method:ident, $try:ident, $symbol:literal) => {
        impl $trait<i64> for Array {
            #[doc = concat!("`a ", $symbol, " 2` (a weak integer); see [`Array::", stringify!($try), "`].")]
            ///
            /// **Panics** where the `try_` form errs: `Bool` arrays, an
            /// integer out of the array's range (`u32_array -= -1`).
            #[track_caller]
            fn $method(&mut self, rhs: i64) {
                if let Err(e) = self.$try(rhs) {
                    panic!("{e}");
                }
            }
        }
    };
}

compound_assignment!(
    AddAssign,
    add_assign,
    try_add_assign,
    Add,
    "+=",
    "let mut a = Array::from_vec(vec![1i32, 2, 3], &[3])?;
let before = a.clone();
a.try_add_assign(&Array::from_vec(vec![10i64], &[1])?)?; // int64 → int32: same kind
a += 1;
assert_eq!(a.dtype(), DType::I32);
assert_eq!(a.to_vec::<i32>()?, vec![12, 13, 14]);
assert_eq!(before.to_vec::<i32>()?, vec![1, 2, 3]); // copy-on-write
assert!(matches!(a.try_add_assign(0.5), Err(Error::DTypeMismatch { .. })));
assert!(matches!(a.try_add_assign(&Array::zeros(&[2, 3], DType::I32)), Err(Error::ShapeMismatch { .. })));"
);
compound_assignment!(
    SubAssign,
    sub_assign,
    try_sub_assign,
    Sub,
    "-=",
    "let mut x = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
x -= &x.mean_axis(0, true)?; // keepdims broadcasts back
assert_eq!(x.to_vec::<f32>()?, vec![-1.0, -1.0, 1.0, 1.0]);
let mut m = Array::from_vec(vec![true, false], &[2])?;
assert!(m.try_sub_assign(true).is_err()); // NumPy has no boolean subtract"
);
compound_assignment!(
    MulAssign,
    mul_assign,
    try_mul_assign,
    Mul,
    "*=",
    "let mut a = Array::from_vec(vec![1.0f32, 2.0], &[2])?;
a *= 2.0;
a.try_mul_assign(&Array::scalar(0.5f64))?; // float64 → float32: same kind
assert_eq!(a.dtype(), DType::F32);
assert_eq!(a.to_vec::<f32>()?, vec![1.0, 2.0]);"
);
compound_assignment!(
    DivAssign,
    div_assign,
    try_div_assign,
    Div,
    "/=",
    "let mut a = Array::from_vec(vec![1.0f64, 3.0], &[2])?;
a /= 2.0;
assert_eq!(a.to_vec::<f64>()?, vec![0.5, 1.5]);
let mut n = Array::from_vec(vec![1i32, 3], &[2])?;
assert!(n.try_div_assign(2).is_err()); // true division is float64: not cast back to int32"
);
compound_assignment!(
    RemAssign,
    rem_assign,
    try_rem_assign,
    Rem,
    "%=",
    "let mut a = Array::from_vec(vec![-7i64, 7], &[2])?;
a %= 3;
assert_eq!(a.to_vec::<i64>()?, vec![2, 1]); // the sign of the divisor, as Python
let mut f = Array::from_vec(vec![5.5f32], &[1])?;
f %= 2.0;
assert_eq!(f.item::<f32>()?, 1.5);"
);
compound_assignment!(
    @bits BitAndAssign,
    bitand_assign,
    try_bitand_assign,
    BitwiseAnd,
    "&=",
    "let mut a = Array::from_vec(vec![12i32, 10], &[2])?;
a &= 6;
assert_eq!(a.to_vec::<i32>()?, vec![4, 2]);
let mut m = Array::from_vec(vec![true, true], &[2])?;
m.try_bitand_assign(&Array::from_vec(vec![true, false], &[2])?)?;
assert_eq!(m.to_vec::<bool>()?, vec![true, false]);"
);
compound_assignment!(
    @bits BitOrAssign,
    bitor_assign,
    try_bitor_assign,
    BitwiseOr,
    "|=",
    "let mut a = Array::from_vec(vec![12u32, 10], &[2])?;
a |= 1;
assert_eq!(a.to_vec::<u32>()?, vec![13, 11]);"
);
compound_assignment!(
    @bits BitXorAssign,
    bitxor_assign,
    try_bitxor_assign,
    BitwiseXor,
    "^=",
    "let mut a = Array::from_vec(vec![12i64, 10], &[2])?;
a ^= 6;
assert_eq!(a.to_vec::<i64>()?, vec![10, 12]);
let mut f = Array::from_vec(vec![1.0f32], &[1])?;
assert!(f.try_bitxor_assign(1).is_err()); // floats have no bits to xor, as in NumPy"
);
compound_assignment!(
    @bits ShlAssign,
    shl_assign,
    try_shl_assign,
    LeftShift,
    "<<=",
    "let mut a = Array::from_vec(vec![1i32, 3], &[2])?;
a <<= 4;
assert_eq!(a.to_vec::<i32>()?, vec![16, 48]);"
);
compound_assignment!(
    @bits ShrAssign,
    shr_assign,
    try_shr_assign,
    RightShift,
    ">>=",
    "let mut a = Array::from_vec(vec![-16i64, 16], &[2])?;
a >>= 2;
assert_eq!(a.to_vec::<i64>()?, vec![-4, 4]);"
);
