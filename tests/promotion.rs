//! Result dtypes against NumPy: `np.result_type` for every dtype pair, NEP 50
//! weak Rust scalars (values too), strong 0-d arrays, and the dtype of every
//! unary and binary op in the fixtures.

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;
use serde_json::Value;
use tandem::prelude::*;

/// `(a, b, np.result_type(a, b))` for all 36 pairs.
fn result_type_table() -> Vec<(DType, DType, DType)> {
    cases(load("promotion.json"), "result_type")
        .iter()
        .map(|row| {
            let r = row.as_array().unwrap();
            (
                dtype(r[0].as_str().unwrap()),
                dtype(r[1].as_str().unwrap()),
                dtype(r[2].as_str().unwrap()),
            )
        })
        .collect()
}

fn expected_result_type(a: DType, b: DType) -> DType {
    result_type_table()
        .into_iter()
        .find(|(x, y, _)| *x == a && *y == b)
        .map(|(_, _, r)| r)
        .unwrap_or_else(|| panic!("no fixture row for ({a}, {b})"))
}

#[test]
fn result_type_table_matches_numpy() {
    let table = result_type_table();
    assert_eq!(table.len(), 36, "the fixture table has all 36 pairs");
    let mut failures = Vec::new();
    for (a, b, r) in &table {
        let x = Array::zeros(&[3], *a);
        let y = Array::zeros(&[3], *b);
        match x.try_add(&y) {
            Ok(s) if s.dtype() == *r => {}
            Ok(s) => failures.push(format!(
                "{a} + {b}: expected {r} (np.result_type), got {}",
                s.dtype()
            )),
            Err(e) => failures.push(format!("{a} + {b}: expected {r}, got error {e}")),
        }
    }
    report("result_type", table.len(), &failures);
}

/// A 0-d array (`Array::scalar`, `zeros(&[])`) is strong: it promotes like an
/// array (`f32 array + Array::scalar(2.5f64)` is F64), unlike a Rust literal.
#[test]
fn zero_d_arrays_are_strong() {
    let mut failures = Vec::new();
    let table = result_type_table();
    for (a, b, r) in &table {
        let x = Array::ones(&[2], *a);
        let s = Array::zeros(&[], *b);
        for (form, got) in [
            ("array + 0-d", x.try_add(&s)),
            ("0-d + array", s.try_add(&x)),
        ] {
            match got {
                Ok(g) if g.dtype() == *r && g.shape() == [2] => {}
                Ok(g) => failures.push(format!(
                    "{form} ({a}, {b}): expected {r} [2], got {} {:?}",
                    g.dtype(),
                    g.shape()
                )),
                Err(e) => failures.push(format!("{form} ({a}, {b}): error {e}")),
            }
        }
    }
    // Array::scalar of each Rust type is a 0-d array of that dtype.
    let scalars = [
        (Array::scalar(true), DType::Bool),
        (Array::scalar(1i32), DType::I32),
        (Array::scalar(1i64), DType::I64),
        (Array::scalar(1u32), DType::U32),
        (Array::scalar(1f32), DType::F32),
        (Array::scalar(1f64), DType::F64),
    ];
    for (s, d) in &scalars {
        if s.dtype() != *d || s.ndim() != 0 || s.size() != 1 {
            failures.push(format!(
                "Array::scalar of {d}: got {} with shape {:?}",
                s.dtype(),
                s.shape()
            ));
        }
    }
    let f32a = Array::ones(&[2], DType::F32);
    match f32a.try_add(Array::scalar(2.5f64)) {
        Ok(g) if g.dtype() == DType::F64 => {}
        Ok(g) => failures.push(format!(
            "f32 array + Array::scalar(2.5f64): expected float64 (strong), got {}",
            g.dtype()
        )),
        Err(e) => failures.push(format!("f32 array + Array::scalar(2.5f64): {e}")),
    }
    report("strong 0-d", table.len() * 2 + 7, &failures);
}

#[test]
fn weak_result_types_match_numpy() {
    let rows = cases(load("promotion.json"), "weak_result_type");
    assert_eq!(rows.len(), 18);
    let mut failures = Vec::new();
    for row in rows {
        let r = row.as_array().unwrap();
        let d = dtype(r[0].as_str().unwrap());
        let kind = r[1].as_str().unwrap();
        let res = dtype(r[2].as_str().unwrap());
        let a = Array::ones(&[2], d);
        let weaks: Vec<Weak> = match kind {
            "bool" => vec![Weak::Bool(true)],
            "int" => vec![Weak::I32(1), Weak::I64(1), Weak::U32(1)],
            _ => vec![Weak::F32(1.0), Weak::F64(1.0)],
        };
        for w in weaks {
            match binary_weak("add", &a, w) {
                Ok(g) if g.dtype() == res => {}
                Ok(g) => failures.push(format!(
                    "{d} array + {w:?}: expected {res}, got {}",
                    g.dtype()
                )),
                Err(e) => failures.push(format!("{d} array + {w:?}: expected {res}, error {e}")),
            }
        }
    }
    report("weak result types", rows.len(), &failures);
}

/// Every weak-scalar fixture case (add/mul/div/lt, scalars on the left,
/// out-of-range ints, powf), with each Rust scalar type that holds the value.
#[test]
fn weak_scalar_values_match_numpy() {
    let fx = load("promotion.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "weak") {
            let op = case["op"].as_str().unwrap();
            let arr = parse_array(&case["array"]);
            let left = case["left"].as_bool().unwrap_or(false);
            let a = on(info, &arr.build());
            for w in weak_variants(&case["scalar"]) {
                if op == "powf" && !matches!(w, Weak::F64(_)) {
                    continue;
                }
                if left && !matches!(w, Weak::I64(_) | Weak::F64(_)) {
                    continue; // the operators take i64 and f64 scalars
                }
                total += 1;
                let name = if left {
                    format!("{w:?} {op} {}", arr.describe())
                } else {
                    format!("{} {op} {w:?}", arr.describe())
                };
                let got = if left {
                    binary_left(op, w, &a).expect("i64/f64 operator").map(Ok)
                } else if op == "powf" {
                    let Weak::F64(e) = w else { unreachable!() };
                    catch(|| a.powf(e))
                } else {
                    catch(|| binary_weak(op, &a, w))
                };
                let msg = match got {
                    Ok(got) => check_case(case, got, &[&arr]),
                    Err(p) => Some(format!("panicked: {p}")),
                };
                if let Some(msg) = msg {
                    failures.push(format!("{name} on {}: {msg}", label(info)));
                }
            }
        }
    });
    report("weak scalars", total, &failures);
}

/// The explicit cases of the contract, spelled out.
#[test]
fn weak_scalar_contract_examples() {
    let f32a = Array::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    let i32a = Array::from_vec(vec![1i32, 2], &[2]).unwrap();
    let boola = Array::from_vec(vec![true, false], &[2]).unwrap();
    let u32a = Array::from_vec(vec![1u32, 2], &[2]).unwrap();
    assert_eq!((&f32a + 2.5f64).dtype(), DType::F32, "f32 array + 2.5f64");
    assert_eq!((&i32a + 2.5).dtype(), DType::F64, "i32 array + 2.5");
    assert_eq!((&i32a + 3i64).dtype(), DType::I32, "i32 array + 3i64");
    assert_eq!((&boola + 3).dtype(), DType::I64, "bool array + 3");
    assert_eq!(
        (2.0f64 * &f32a).to_vec::<f32>().unwrap(),
        vec![2.0, 4.0],
        "2.0 * f32 array"
    );
    assert_eq!(
        (1i64 - &i32a).to_vec::<i32>().unwrap(),
        vec![0, -1],
        "1 - i32 array"
    );
    match u32a.try_add(-1i64) {
        Err(Error::InvalidArgument { .. }) => {}
        other => panic!("u32 array + (-1i64): expected InvalidArgument, got {other:?}"),
    }
}

/// Result dtypes alone (no evaluation) of every unary op on every dtype.
#[test]
fn unary_result_dtypes() {
    let mut failures = Vec::new();
    let all = cases(load("unary.json"), "cases");
    for case in all {
        let op = case["op"].as_str().unwrap();
        let input = parse_array(&case["input"]);
        let a = input.build();
        let got = catch(|| unary(op, &a));
        let name = format!("{op}({})", input.dtype.name());
        match (&case["expected"], got) {
            (_, Err(p)) => failures.push(format!("{name}: panicked: {p}")),
            (Value::Null, Ok(Err(_))) => {}
            (Value::Null, Ok(Ok(r))) => failures.push(format!(
                "{name}: expected an error, got dtype {}",
                r.dtype()
            )),
            (exp, Ok(Err(e))) => {
                failures.push(format!("{name}: expected {}, got error {e}", exp["dtype"]))
            }
            (exp, Ok(Ok(r))) => {
                let d = dtype(exp["dtype"].as_str().unwrap());
                if r.dtype() != d {
                    failures.push(format!("{name}: expected {d}, got {}", r.dtype()));
                }
            }
        }
    }
    report("unary dtypes", all.len(), &failures);
}

/// Result dtypes alone of every binary op on every dtype pair.
#[test]
fn binary_result_dtypes() {
    let mut failures = Vec::new();
    let all = cases(load("binary.json"), "cases");
    for case in all {
        let op = case["op"].as_str().unwrap();
        let a = parse_array(&case["a"]);
        let b = parse_array(&case["b"]);
        let name = format!("{op}({}, {})", a.dtype.name(), b.dtype.name());
        let got = catch(|| binary(op, &a.build(), &b.build()));
        match (&case["expected"], got) {
            (_, Err(p)) => failures.push(format!("{name}: panicked: {p}")),
            (Value::Null, Ok(Err(_))) => {}
            (Value::Null, Ok(Ok(r))) => failures.push(format!(
                "{name}: expected an error (NumPy raises), got dtype {}",
                r.dtype()
            )),
            (exp, Ok(Err(e))) => {
                failures.push(format!("{name}: expected {}, got error {e}", exp["dtype"]))
            }
            (exp, Ok(Ok(r))) => {
                let d = dtype(exp["dtype"].as_str().unwrap());
                if r.dtype() != d {
                    failures.push(format!("{name}: expected {d}, got {}", r.dtype()));
                }
            }
        }
    }
    report("binary dtypes", all.len(), &failures);
}

proptest! {
    /// For random dtype pairs, `a + b` has np.result_type's dtype and the
    /// promotion is symmetric.
    #[test]
    fn add_promotion_is_symmetric_and_numpy(i in 0usize..6, j in 0usize..6, n in 0usize..4) {
        let (da, db) = (DTYPES[i], DTYPES[j]);
        let a = Array::zeros(&[n], da);
        let b = Array::ones(&[n], db);
        let ab = a.try_add(&b).map(|r| r.dtype());
        let ba = b.try_add(&a).map(|r| r.dtype());
        let want = expected_result_type(da, db);
        prop_assert_eq!(ab.clone(), Ok(want), "{} + {}", da, db);
        prop_assert_eq!(ab, ba, "{} + {} vs {} + {}", da, db, db, da);
        prop_assert_eq!(expected_result_type(db, da), want, "fixture table symmetric");
    }
}
