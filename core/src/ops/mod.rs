//! The op table: every elementwise operation is one row, and every layer
//! reads that row instead of keeping its own list.
//!
//! A row ([`Row`]) says an op's name (the `Array` method), NumPy's name and
//! the other spellings the expression language accepts, its dtype rule
//! ([`Rule`]), what it does with NaN ([`NanRule`]), what it costs
//! ([`Cost`]), how close to the correctly rounded result a backend must be
//! ([`Accuracy`]), and a scalar reference implementation with NumPy's
//! semantics ([`reference`]). The readers:
//!
//! | layer | reads |
//! | --- | --- |
//! | `Array` methods (`array/elementwise.rs`) | the rule (promotion, result dtype) |
//! | fusion (`fuse.rs`) | the cost: cheap values are recomputed where read |
//! | placement (each backend's `estimate_seconds`) | the cost |
//! | CPU backend | the interpreter's loops and the JIT's instructions, one exhaustive `match` per layer keyed by the op; the rule (result dtype, what takes or gives `Bool`) picks the loop and the JIT's lanes; a test walks every row × dtype |
//! | GPU code generator | one exhaustive `match` keyed by the op; the rule says which dtypes an op computes in; transcendental rows call the WGSL helper named after the row |
//! | expression language | names and aliases (its function table), the reference (constant folding) |
//! | tests | the accuracy class (exact or within *n* ULP) |
//!
//! Files: `rule.rs` (dtype rules), `row.rs` (the row type, its classes and
//! the `op_table!` macro), `unary.rs` / `binary.rs` / `reduce.rs` (the
//! tables), `reference.rs` (NumPy's scalar semantics the rows point at).
//!
//! What a backend must supply per op (a SIMD loop, a WGSL function) stays in
//! that backend, keyed by the op; `tests/op_table.rs` runs every row on
//! every dtype its rule accepts on every backend, so a missing kernel is a
//! test failure, not a run-time `Unsupported` for a user to find.

mod binary;
mod reduce;
pub mod reference;
mod row;
mod rule;
mod unary;

pub use binary::BinaryOp;
pub use reduce::{Accumulate, Identity, ReduceOp, ReduceRow};
pub use row::{Accuracy, BinaryRow, Cost, NanRule, Row, UnaryRow};
pub use rule::{
    Out, Rule, Take, BITWISE, BOOL_AS_I32, COUNT, F64_ONLY, FLOAT, FLOAT_PREDICATE, FLOAT_TO_I32,
    INTEGER, LOGICAL, NUMERIC, PREDICATE, ROUND, SAME, SHIFT, TRUE_DIV,
};
pub use unary::UnaryOp;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::DType;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut names: Vec<&str> = Vec::new();
        for op in UnaryOp::ALL {
            let r = op.row();
            names.push(r.name);
            if r.numpy != r.name {
                names.push(r.numpy);
            }
            names.extend(r.aliases);
        }
        for op in BinaryOp::ALL {
            let r = op.row();
            names.push(r.name);
            if r.numpy != r.name {
                names.push(r.numpy);
            }
            names.extend(r.aliases);
        }
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(n, names.len(), "a name means two ops");
    }

    #[test]
    fn rows_are_in_variant_order() {
        for (i, op) in UnaryOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(UnaryOp::from_name(op.name()), Some(*op));
            assert_eq!(UnaryOp::from_name(op.numpy_name()), Some(*op));
        }
        for (i, op) in BinaryOp::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(BinaryOp::from_name(op.name()), Some(*op));
        }
    }

    #[test]
    fn rules_match_numpy_for_bool() {
        assert_eq!(
            BinaryOp::Add.rule().resolve("add", DType::Bool).unwrap(),
            (DType::Bool, DType::Bool)
        );
        assert!(BinaryOp::Sub.rule().resolve("sub", DType::Bool).is_err());
        assert_eq!(
            BinaryOp::Div.rule().resolve("div", DType::I32).unwrap(),
            (DType::F64, DType::F64)
        );
        assert_eq!(
            BinaryOp::Lt.rule().resolve("lt", DType::F32).unwrap(),
            (DType::F32, DType::Bool)
        );
        assert_eq!(
            BinaryOp::LogicalAnd
                .rule()
                .resolve("logical_and", DType::F64)
                .unwrap(),
            (DType::Bool, DType::Bool)
        );
    }

    #[test]
    fn float_only_ops_are_not_exact_by_accident() {
        // A transcendental row promises a ULP bound, never bit-exactness
        // (the backends' polynomial approximations are not correctly rounded).
        for op in UnaryOp::ALL {
            if op.cost() == Cost::Transcendental {
                assert!(matches!(op.row().accuracy, Accuracy::Ulp(_)), "{op:?}");
            }
        }
    }
}
