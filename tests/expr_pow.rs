//! The expression language's `**` and `pow`/`power` take NumPy's fast paths
//! for a constant exponent like the `pow` method does: a number, or one
//! that folds to a number (`a ** (1/2)`, `a ** -1`), or a 0-d input, builds
//! `square`/`sqrt`/`recip`/… (no `pow` node), with NumPy's special values;
//! numbers alone fold with Python's float `pow` (`(-0.0) ** 0.5` is `0.0`
//! for Python scalars, as for NumPy's).

use std::collections::HashMap;
use tandem::expr::Expression;
use tandem::prelude::*;

fn inputs() -> HashMap<String, Array> {
    let mut m = HashMap::new();
    let a = vec![
        -0.0f32,
        f32::NEG_INFINITY,
        f32::NAN,
        2.5,
        -3.0,
        1e-45,
        3e30,
        0.7,
    ];
    m.insert("a".to_string(), Array::from_vec(a, &[2, 4]).unwrap());
    let i = vec![-3i32, 0, 1, 2, 46341, i32::MIN];
    m.insert("i".to_string(), Array::from_vec(i, &[6]).unwrap());
    m.insert("two".to_string(), Array::scalar(2.0f32));
    m.insert("half".to_string(), Array::scalar(0.5f32));
    m
}

fn build(src: &str) -> Array {
    Expression::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
        .build(&inputs())
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

fn bits(a: &Array) -> Vec<u64> {
    match a.dtype() {
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .iter()
            .map(|x| {
                if x.is_nan() {
                    u64::MAX
                } else {
                    x.to_bits() as u64
                }
            })
            .collect(),
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|x| if x.is_nan() { u64::MAX } else { x.to_bits() })
            .collect(),
        DType::I32 => a
            .to_vec::<i32>()
            .unwrap()
            .iter()
            .map(|&x| x as u32 as u64)
            .collect(),
        DType::I64 => a
            .to_vec::<i64>()
            .unwrap()
            .iter()
            .map(|&x| x as u64)
            .collect(),
        d => panic!("unexpected dtype {d:?}"),
    }
}

#[test]
fn constant_exponents_build_the_cheap_op() {
    let ins = inputs();
    let (a, i) = (&ins["a"], &ins["i"]);
    let cases: Vec<(&str, Array)> = vec![
        ("a ** 2", a.square()),
        ("a**2.0", a.square()),
        ("pow(a, 2)", a.square()),
        ("power(a, 1 + 1)", a.square()),
        ("a ** (4 / 2)", a.square()),
        ("a ** two", a.square()),
        ("a ** 0.5", a.sqrt()),
        ("a ** (1/2)", a.sqrt()),
        ("a ** 2 ** -1", a.sqrt()),
        ("a ** half", a.sqrt()),
        ("a ** -1", a.recip()),
        ("a ** (0 - 1.0)", a.recip()),
        ("a ** 1", a.clone()),
        ("a ** 0", Array::ones(&[2, 4], DType::F32)),
        ("a ** -0.0", Array::ones(&[2, 4], DType::F32)),
        ("i ** 2", i.square()),
        ("i ** 3", i.try_mul(i.square()).unwrap()),
        ("i ** 0.5", i.astype(DType::F64).sqrt()),
        ("i ** -1.0", i.astype(DType::F64).recip()),
    ];
    for (src, want) in cases {
        let got = build(src);
        assert_eq!(got.dtype(), want.dtype(), "{src}: dtype");
        assert_eq!(bits(&got), bits(&want), "{src}: values");
        let plan = got.explain();
        assert!(!plan.contains("= pow "), "{src} built a pow:\n{plan}");
    }
}

#[test]
fn numpy_special_values() {
    // NumPy's `a ** 0.5` is its sqrt: -0.0 stays -0.0, -inf is NaN (C's
    // pow gives +0.0 and +inf).
    let r = build("a ** 0.5").to_vec::<f32>().unwrap();
    assert!(r[0] == 0.0 && r[0].is_sign_negative(), "{r:?}");
    assert!(r[1].is_nan(), "{r:?}");
    // x ** 0 is 1 even for NaN.
    assert!(build("a ** 0")
        .to_vec::<f32>()
        .unwrap()
        .iter()
        .all(|&x| x == 1.0));
}

#[test]
fn other_exponents_stay_pow() {
    // Float x ** 3 is NumPy's general pow, not x*x*x.
    for src in ["a ** 3", "a ** -1.5", "a ** (a * 0 + 2)"] {
        assert!(build(src).explain().contains("= pow "), "{src}");
    }
}

#[test]
fn negative_integer_exponents_of_integers_are_errors() {
    for src in ["i ** -1", "i ** (1 - 3)", "power(i, -2)"] {
        let r = Expression::parse(src).unwrap().build(&inputs());
        assert!(r.is_err(), "{src} must fail as in NumPy");
    }
}

#[test]
fn numbers_alone_fold_with_python_pow() {
    let mut ins = HashMap::new();
    ins.insert("z".to_string(), Array::zeros(&[1], DType::F64));
    let eval = |src: &str| {
        Expression::parse(src)
            .unwrap()
            .build(&ins)
            .unwrap()
            .to_vec::<f64>()
            .unwrap()[0]
    };
    // Python: (-0.0) ** 0.5 == 0.0 and float('-inf') ** 0.5 == inf.
    let r = eval("z + (-0.0) ** 0.5");
    assert!(r == 0.0 && r.is_sign_positive());
    assert_eq!(eval("z + (-inf) ** 0.5"), f64::INFINITY);
    assert_eq!(eval("z + 2 ** 0.5"), 2f64.powf(0.5));
    assert_eq!(eval("z + 2 ** -1"), 0.5);
}
