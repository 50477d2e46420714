//! Matrix products in the expression language: `@` (at `*`'s precedence,
//! as in Python), `matmul(a, b)`, `dot(a, b)` and `einsum('spec', …)` with
//! a quoted spec, each the same as the `Array` method, and fused with the
//! elementwise work around it.

use std::collections::HashMap;
use tandem::expr::Expression;
use tandem::prelude::*;

fn inputs() -> HashMap<String, Array> {
    let mut m = HashMap::new();
    let a: Vec<f64> = (0..6).map(|v| v as f64 - 2.0).collect();
    let b: Vec<f64> = (0..12).map(|v| (v % 5) as f64).collect();
    m.insert("a".into(), Array::from_vec(a, &[2, 3]).unwrap());
    m.insert("b".into(), Array::from_vec(b, &[3, 4]).unwrap());
    m.insert(
        "v".into(),
        Array::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap(),
    );
    m.insert(
        "bias".into(),
        Array::from_vec(vec![-3.0f64, 0.0, 3.0, 6.0], &[4]).unwrap(),
    );
    m
}

fn build(src: &str) -> tandem::Result<Array> {
    Expression::parse(src)
        .map_err(|e| tandem::Error::invalid("test", e.to_string()))?
        .build(&inputs())
        .map_err(|e| tandem::Error::invalid("test", e.to_string()))
}

#[test]
fn the_at_operator_and_the_functions_match_the_methods() {
    let x = inputs();
    let want = x["a"].matmul(&x["b"]).unwrap().to_vec::<f64>().unwrap();
    for src in [
        "a @ b",
        "matmul(a, b)",
        "dot(a, b)",
        "einsum('ij,jk->ik', a, b)",
        "einsum(\"ij,jk->ik\", a, b)",
    ] {
        let got = build(src).unwrap();
        assert_eq!(got.shape(), &[2, 4], "{src}");
        assert_eq!(got.to_vec::<f64>().unwrap(), want, "{src}");
    }
    // `@` binds as `*`: left to right, tighter than `+`.
    let got = build("a @ b + bias").unwrap().to_vec::<f64>().unwrap();
    let bias = x["bias"].to_vec::<f64>().unwrap();
    let sum: Vec<f64> = want
        .iter()
        .enumerate()
        .map(|(i, p)| p + bias[i % 4])
        .collect();
    assert_eq!(got, sum);
    let got = build("2 * a @ b").unwrap().to_vec::<f64>().unwrap();
    assert_eq!(got, want.iter().map(|p| 2.0 * p).collect::<Vec<_>>());
    // Vectors follow NumPy's rules; einsum's other specs too.
    let mv = build("a @ v").unwrap();
    assert_eq!(mv.shape(), &[2]);
    assert_eq!(
        mv.to_vec::<f64>().unwrap(),
        x["a"].matmul(&x["v"]).unwrap().to_vec::<f64>().unwrap()
    );
    assert_eq!(
        build("einsum('ij->j', a)")
            .unwrap()
            .to_vec::<f64>()
            .unwrap(),
        vec![-1.0, 1.0, 3.0]
    );
    assert_eq!(build("v @ v").unwrap().item::<f32>().unwrap(), 14.0);
}

#[test]
fn relu_of_a_product_plus_bias_is_one_kernel() {
    let y = build("maximum(a @ b + bias, 0)").unwrap();
    tandem::reset_stats();
    let y = y.eval().unwrap();
    assert_eq!(tandem::stats().total_kernels(), 1);
    let x = inputs();
    let p = x["a"].matmul(&x["b"]).unwrap().to_vec::<f64>().unwrap();
    let bias = x["bias"].to_vec::<f64>().unwrap();
    let want: Vec<f64> = p
        .iter()
        .enumerate()
        .map(|(i, v)| (v + bias[i % 4]).max(0.0))
        .collect();
    assert_eq!(y.to_vec::<f64>().unwrap(), want);
}

#[test]
fn product_errors_are_clear() {
    let msg = |src: &str| match Expression::parse(src) {
        Err(e) => e.to_string(),
        Ok(e) => e
            .build(&inputs())
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string()),
    };
    // Shapes that do not contract, numbers, strings where arrays go.
    assert!(msg("b @ a").contains("contracted"), "{}", msg("b @ a"));
    assert!(!msg("a @ 2").is_empty());
    assert!(
        msg("'ij' + a").contains("einsum spec"),
        "{}",
        msg("'ij' + a")
    );
    assert!(
        msg("einsum(a, b)").contains("quoted spec"),
        "{}",
        msg("einsum(a, b)")
    );
    assert!(
        msg("einsum('ij,jk->ik', a)").contains("einsum"),
        "{}",
        msg("einsum('ij,jk->ik', a)")
    );
    assert!(msg("a + 'ij").contains("closing"), "{}", msg("a + 'ij"));
    assert!(
        msg("matmul(a)").contains("takes 2 arguments"),
        "{}",
        msg("matmul(a)")
    );
}
