//! `std::ops` for `Array`: `+ - * / %` between arrays, references and Rust
//! scalars on either side, and unary `-`. They panic with the `Error`'s
//! message where the `try_` methods return it.

use super::{Array, Operand};
use crate::ops::{BinaryOp, UnaryOp};
use std::ops::{Add, Div, Mul, Neg, Rem, Sub};

fn apply(op: BinaryOp, a: Operand, b: Operand) -> Array {
    Array::binary_operands(op, &a, &b).unwrap_or_else(|e| panic!("{e}"))
}

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $op:ident) => {
        impl $trait<&Array> for &Array {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        impl $trait<Array> for &Array {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        impl $trait<&Array> for Array {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        impl $trait<Array> for Array {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        // One float and one integer type: Rust literals (`2.0`, `3`) infer to them
        // unambiguously, and as weak scalars only their kind matters anyway.
        binary_operator!(@scalars $trait, $method, $op, i64, f64);
    };
    (@scalars $trait:ident, $method:ident, $op:ident, $($t:ty),*) => {$(
        impl $trait<$t> for &Array {
            type Output = Array;
            fn $method(self, rhs: $t) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        impl $trait<$t> for Array {
            type Output = Array;
            fn $method(self, rhs: $t) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        impl $trait<&Array> for $t {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
        impl $trait<Array> for $t {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                apply(BinaryOp::$op, self.into(), rhs.into())
            }
        }
    )*};
}

binary_operator!(Add, add, Add);
binary_operator!(Sub, sub, Sub);
binary_operator!(Mul, mul, Mul);
binary_operator!(Div, div, Div);
binary_operator!(Rem, rem, Rem);

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
