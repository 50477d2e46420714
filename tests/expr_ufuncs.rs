//! The expression language over the op table: every row is a function
//! (by tandem's name, NumPy's, or an alias), a function of numbers alone is
//! folded to NumPy's strong scalar, `& | ^ ~ << >>` are NumPy's bitwise
//! ufuncs (logical on bools), and reductions take `axis=None`.

use std::collections::HashMap;
use tandem::expr::Expression;
use tandem::ops::{BinaryOp, UnaryOp};
use tandem::prelude::*;

fn inputs() -> HashMap<String, Array> {
    let mut m = HashMap::new();
    m.insert(
        "x".into(),
        Array::from_vec(vec![0.5f32, -2.0, 3.0], &[3]).unwrap(),
    );
    m.insert(
        "i".into(),
        Array::from_vec(vec![12i32, -10, 7], &[3]).unwrap(),
    );
    m.insert("j".into(), Array::from_vec(vec![6i32, 3, 1], &[3]).unwrap());
    m.insert(
        "m".into(),
        Array::from_vec(vec![true, false, true], &[3]).unwrap(),
    );
    m.insert(
        "g".into(),
        Array::from_vec((0..6).map(|v| v as f64).collect(), &[2, 3]).unwrap(),
    );
    m
}

fn build(src: &str) -> tandem::Result<Array> {
    Expression::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .build(&inputs())
        .map_err(|e| panic!("{src}: {e}"))
}

fn fails(src: &str) -> bool {
    Expression::parse(src).map_or(true, |e| e.build(&inputs()).is_err())
}

#[test]
fn every_row_is_a_function_by_every_name() {
    let x = inputs()["x"].clone();
    let i = inputs()["i"].clone();
    for &op in UnaryOp::ALL {
        let r = op.row();
        let arg = if r.rule.accepts(DType::F32) { "x" } else { "i" };
        let want = if arg == "x" {
            x.apply_unary(op)
        } else {
            i.apply_unary(op)
        }
        .unwrap();
        for name in [r.name, r.numpy].iter().chain(r.aliases) {
            let got = build(&format!("{name}({arg})")).unwrap();
            assert_eq!(got.dtype(), want.dtype(), "{name}");
            assert_eq!(format!("{}", got), format!("{}", want), "{name}");
        }
    }
    for &op in BinaryOp::ALL {
        let r = op.row();
        let (a, b) = if r.rule.accepts(DType::F32) && op != BinaryOp::Ldexp {
            ("x", "x")
        } else if op == BinaryOp::Ldexp {
            ("x", "j")
        } else {
            ("i", "j")
        };
        for name in [r.name, r.numpy].iter().chain(r.aliases) {
            assert!(
                Expression::parse(&format!("{name}({a}, {b})"))
                    .unwrap()
                    .build(&inputs())
                    .is_ok(),
                "{name}"
            );
        }
    }
}

#[test]
fn functions_of_numbers_are_numpy_scalars() {
    // np.sin(1.0) is a float64 scalar: it promotes a float32 array.
    assert_eq!(build("x * sin(1.0)").unwrap().dtype(), DType::F64);
    // An operator between numbers stays a weak Python scalar.
    assert_eq!(build("x * (2 * 3 + 0.5)").unwrap().dtype(), DType::F32);
    let h = build("hypot(3, 4)").unwrap();
    assert_eq!((h.dtype(), h.item::<f64>().unwrap()), (DType::F64, 5.0));
    let g = build("gcd(12, 18)").unwrap();
    assert_eq!((g.dtype(), g.item::<i64>().unwrap()), (DType::I64, 6));
    assert_eq!(build("abs(-3)").unwrap().dtype(), DType::I64);
    assert_eq!(
        build("where(True, 1, 2.5)").unwrap().item::<f64>().unwrap(),
        1.0
    );
    assert!(fails("negative(True)"));
    assert!(fails("gcd(1.5, 2)"));
}

#[test]
fn bitwise_operators_on_integers_and_bools() {
    assert_eq!(
        build("i & j").unwrap().to_vec::<i32>().unwrap(),
        vec![4, 2, 1]
    );
    assert_eq!(
        build("i | 1").unwrap().to_vec::<i32>().unwrap(),
        vec![13, -9, 7]
    );
    assert_eq!(
        build("5 ^ i").unwrap().to_vec::<i32>().unwrap(),
        vec![9, -13, 2]
    );
    assert_eq!(
        build("~i").unwrap().to_vec::<i32>().unwrap(),
        vec![-13, 9, -8]
    );
    assert_eq!(
        build("i << 2").unwrap().to_vec::<i32>().unwrap(),
        vec![48, -40, 28]
    );
    assert_eq!(
        build("i >> j").unwrap().to_vec::<i32>().unwrap(),
        vec![0, -2, 3]
    );
    assert_eq!(
        build("1 << j").unwrap().to_vec::<i32>().unwrap(),
        vec![64, 8, 2]
    );
    // Precedence as Python: shifts bind tighter than &, looser than +.
    assert_eq!(
        build("i & 1 << 2").unwrap().to_vec::<i32>().unwrap(),
        vec![4, 4, 4]
    );
    assert_eq!(build("1 << 1 + 1").unwrap().item::<i64>().unwrap(), 4);
    assert_eq!(
        build("(x > 0) & ~m").unwrap().to_vec::<bool>().unwrap(),
        vec![false, false, false]
    );
    assert_eq!(build("3 & 5 | 8").unwrap().item::<i64>().unwrap(), 9);
    assert!(fails("x & 1"));
    assert!(fails("~x"));
    assert!(fails("x << 1"));
    assert!(fails("1 << -1"));
}

#[test]
fn reductions_take_axis_none() {
    assert_eq!(
        build("sum(g, axis=None)").unwrap().item::<f64>().unwrap(),
        15.0
    );
    assert_eq!(build("max(g, None)").unwrap().item::<f64>().unwrap(), 5.0);
    let k = build("mean(g, axis=None, keepdims=True)").unwrap();
    assert_eq!(k.shape(), &[1, 1]);
    assert_eq!(
        build("sum(g, axis=1)").unwrap().to_vec::<f64>().unwrap(),
        vec![3.0, 12.0]
    );
    assert!(fails("sum(g, axis=None, axis=0)"));
}
