//! `pow` by a constant exponent against NumPy's fast paths, on every device.
//!
//! `tests/fixtures/elementwise/pow_fast.json` (written by
//! `scripts/fixtures/elementwise.py`, which also asserts the facts on the
//! installed NumPy) holds `x ** c` for bases of every dtype full of special
//! values and for exponents `2, 3, -1, 0, 1` (weak ints), `2.0, 3.0, 0.5,
//! -1.0, 0.0, -0.0, 1.0, -1.5` (weak floats) and 0-d arrays of every dtype.
//! Where NumPy takes a fast path (`x*x`, `sqrt`, `1/x`, `x`, `1`) or the
//! result is an integer, the expected values are NumPy's bit for bit; where
//! NumPy runs its general `pow` (`x ** 3` for floats, `x ** -1.5`), they are
//! compared within ulps like every other float `pow`.
//!
//! Each weak exponent is passed as every Rust scalar type that holds it
//! (and through `powf` for floats); each 0-d exponent both as host data and
//! as a constant (`Array::full(&[], ..)`), left on the host while the base
//! moves to the device: a 0-d exponent that lives only on a GPU is not
//! known when the node is built, and runs the general `pow`.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

/// The exponent forms one fixture case is run with.
enum Exponent {
    Weak(Weak),
    Powf(f64),
    Array(Array),
}

impl Exponent {
    fn describe(&self) -> String {
        match self {
            Exponent::Weak(w) => format!("weak {w:?}"),
            Exponent::Powf(f) => format!("powf({f:?})"),
            Exponent::Array(a) => format!("0-d {} {}", a.dtype().name(), a),
        }
    }

    fn apply(&self, base: &Array) -> Result<Array> {
        match self {
            Exponent::Weak(w) => with_opd!(&Opd::W(*w), |e| base.pow(e)),
            Exponent::Powf(f) => base.powf(*f),
            Exponent::Array(e) => base.pow(e),
        }
    }
}

fn exponents(v: &Value) -> Vec<Exponent> {
    if v.get("kind").is_some() {
        let mut out: Vec<Exponent> = weak_variants(v).into_iter().map(Exponent::Weak).collect();
        if let Some(Weak::F64(f)) = out.first().and_then(|e| match e {
            Exponent::Weak(w) => Some(*w),
            _ => None,
        }) {
            out.push(Exponent::Powf(f));
        }
        return out;
    }
    let data = parse_array(v).build();
    let value = data.get(&[]).expect("a 0-d exponent");
    vec![
        Exponent::Array(data),
        Exponent::Array(Array::full(&[], value)),
    ]
}

/// Whether NumPy's result for this case comes from a fast path (the
/// fixture compares it exactly); integer results are exact anyway.
fn fast(case: &Value) -> bool {
    case.get("cmp").and_then(Value::as_str) == Some("exact")
}

#[test]
fn pow_by_constants_matches_numpy() {
    let fx = load("pow_fast.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let base = parse_array(&case["base"]);
            let x = on(info, &base.build());
            for e in exponents(&case["exponent"]) {
                total += 1;
                let got = catch(|| e.apply(&x));
                let msg = match got {
                    Ok(got) => check_case(case, got, &[&base]),
                    Err(p) => Some(format!("panicked: {p}")),
                };
                if let Some(msg) = msg {
                    failures.push(format!(
                        "{} ** {} on {}: {msg}",
                        base.describe(),
                        e.describe(),
                        label(info)
                    ));
                }
            }
        }
    });
    report("pow by constants", total, &failures);
}

/// Where NumPy takes a fast path for a float result, tandem builds the
/// cheap op itself (so the CPU's JIT and the GPU see `square`, `sqrt` …),
/// not a `pow`; elsewhere the general `pow` stays.
#[test]
fn fast_paths_build_no_pow() {
    let fx = load("pow_fast.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for case in cases(fx, "cases") {
        if case.get("error").is_some() {
            continue;
        }
        let base = parse_array(&case["base"]);
        let x = base.build();
        for e in exponents(&case["exponent"]) {
            total += 1;
            let plan = e.apply(&x).expect("no error expected").explain();
            let has_pow = plan.contains("= pow ");
            let float = parse_array(&case["expected"]).dtype.is_float();
            // Integer results: 0..=3 are multiplies; larger exponents and
            // arrays of them keep the integer pow (none in this fixture).
            if has_pow == (fast(case) || !float) {
                failures.push(format!(
                    "{} ** {}: {} a pow node:\n{plan}",
                    base.describe(),
                    e.describe(),
                    if has_pow { "built" } else { "did not build" }
                ));
            }
        }
    }
    report("pow fast-path nodes", total, &failures);
}

/// The fast paths are exactly the cheap ops they stand for, in one fused
/// kernel with other work, on every device.
#[test]
fn fast_paths_equal_their_ops() {
    for_each_device(|info| {
        let v: Vec<f32> = (0..5000).map(|i| (i as f32 - 2500.0) * 0.731).collect();
        let a = on(info, &Array::from_vec(v, &[50, 100]).unwrap());
        let same = |p: Array, q: Array, what: &str| {
            let (p, q) = (p.to_vec::<f32>().unwrap(), q.to_vec::<f32>().unwrap());
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&p), bits(&q), "{what} on {}", label(info));
        };
        same(
            (&a + 1.0).pow(2).unwrap() + 3.0,
            (&a + 1.0).square() + 3.0,
            "(a+1)**2 + 3",
        );
        same(a.powf(-1.0).unwrap(), a.recip(), "a ** -1.0");
        same(a.abs().powf(0.5).unwrap(), a.abs().sqrt(), "|a| ** 0.5");
        same(a.pow(1).unwrap(), a.clone(), "a ** 1");
        same(
            a.pow(Array::scalar(2.0f32)).unwrap(),
            &a * &a,
            "a ** 0-d 2.0f32",
        );
    });
}

/// A negative integer exponent known at build time is NumPy's ValueError
/// for integer arrays, also as a 0-d array; float arrays take `1/x`.
#[test]
fn negative_integer_exponents() {
    let i = Array::from_vec(vec![1i32, 2], &[2]).unwrap();
    assert!(i.pow(-1).is_err());
    assert!(i.pow(Array::scalar(-2i64)).is_err());
    assert!(
        i.pow(Array::scalar(-1.0f32)).is_ok(),
        "float exponent: F64 result"
    );
    let b = Array::from_vec(vec![true, false], &[2]).unwrap();
    assert!(b.pow(-1).is_err());
    assert_eq!(
        b.pow(2).unwrap().dtype(),
        DType::I32,
        "bool ** 2 is square's I32"
    );
    assert_eq!(
        b.pow(3).unwrap().dtype(),
        DType::I64,
        "bool ** 3 is NumPy's int64"
    );
}
