//! Elementwise ops against NumPy: every unary op × every dtype, every binary
//! op × every dtype pair, `where_`, `clip` and `astype`, on every device.
//!
//! Expected values come from `tests/fixtures/elementwise/*.json`, written by
//! `scripts/fixtures/elementwise.py` with NumPy; see `tests/common/mod.rs`
//! for how values are compared.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

/// Runs every fixture case of unary `op` on every device.
fn run_unary(op: &str) {
    let fx = load("unary.json");
    let mine: Vec<&Value> = cases(fx, "cases")
        .iter()
        .filter(|c| c["op"] == op)
        .collect();
    assert_eq!(
        mine.len(),
        6,
        "unary {op}: expected one fixture case per dtype"
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &mine {
            let input = parse_array(&case["input"]);
            total += 1;
            let got = catch(|| unary(op, &on(info, &input.build())));
            let msg = match got {
                Ok(got) => check_case(case, got, &[&input]),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!(
                    "{op}({}) on {}: {msg}",
                    input.dtype.name(),
                    label(info)
                ));
            }
        }
    });
    report(&format!("unary {op}"), total, &failures);
}

macro_rules! unary_tests {
    ($($op:ident),* $(,)?) => {
        mod unary_op {
            $(
                #[test]
                fn $op() {
                    super::run_unary(stringify!($op));
                }
            )*
        }
    };
}

unary_tests!(
    abs,
    neg,
    sqrt,
    exp,
    exp2,
    ln,
    log2,
    log10,
    sin,
    cos,
    tan,
    tanh,
    asin,
    acos,
    atan,
    sinh,
    cosh,
    floor,
    ceil,
    round,
    trunc,
    sign,
    recip,
    square,
    sigmoid,
    is_nan,
    is_inf,
    is_finite,
    logical_not,
);

/// Runs every fixture case of binary `op` (all 36 dtype pairs) on every device.
fn run_binary(op: &str) {
    let fx = load("binary.json");
    let mine: Vec<&Value> = cases(fx, "cases")
        .iter()
        .filter(|c| c["op"] == op)
        .collect();
    assert_eq!(
        mine.len(),
        36,
        "binary {op}: expected one case per dtype pair"
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &mine {
            let a = parse_array(&case["a"]);
            let b = parse_array(&case["b"]);
            total += 1;
            let got = catch(|| binary(op, &on(info, &a.build()), &on(info, &b.build())));
            let msg = match got {
                Ok(got) => check_case(case, got, &[&a, &b]),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!(
                    "{op}({}, {}) on {}: {msg}",
                    a.dtype.name(),
                    b.dtype.name(),
                    label(info)
                ));
            }
        }
    });
    report(&format!("binary {op}"), total, &failures);
}

macro_rules! binary_tests {
    ($($op:ident),* $(,)?) => {
        mod binary_op {
            $(
                #[test]
                fn $op() {
                    super::run_binary(stringify!($op));
                }
            )*
        }
    };
}

binary_tests!(
    add,
    sub,
    mul,
    div,
    rem,
    floor_div,
    pow,
    maximum,
    minimum,
    atan2,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    logical_and,
    logical_or,
    logical_xor,
);

/// The operators `+ - * / %` on `&Array` and on owned arrays give what the
/// `try_` methods give (the fixture values), and panic where those fail.
#[test]
fn operators_match_fixtures() {
    let fx = load("binary.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let op = case["op"].as_str().unwrap();
            if !["add", "sub", "mul", "div", "rem"].contains(&op) {
                continue;
            }
            let a = parse_array(&case["a"]);
            let b = parse_array(&case["b"]);
            let (x, y) = (on(info, &a.build()), on(info, &b.build()));
            let by_ref = catch(|| match op {
                "add" => &x + &y,
                "sub" => &x - &y,
                "mul" => &x * &y,
                "div" => &x / &y,
                _ => &x % &y,
            });
            let by_value = catch(|| match op {
                "add" => x.clone() + y.clone(),
                "sub" => x.clone() - y.clone(),
                "mul" => x.clone() * y.clone(),
                "div" => x.clone() / y.clone(),
                _ => x.clone() % y.clone(),
            });
            for (form, got) in [("&a op &b", by_ref), ("a op b", by_value)] {
                total += 1;
                let name = format!(
                    "{form} for {op}({}, {}) on {}",
                    a.dtype.name(),
                    b.dtype.name(),
                    label(info)
                );
                match (case.get("error").is_some(), got) {
                    (true, Err(_)) => {}
                    (true, Ok(r)) => failures.push(format!(
                        "{name}: expected a panic (NumPy raises), got {}",
                        r.dtype().name()
                    )),
                    (false, Err(p)) => failures.push(format!("{name}: panicked: {p}")),
                    (false, Ok(r)) => {
                        let exp = parse_array(&case["expected"]);
                        if let Err(m) = compare(&r, &exp, Cmp::of(case), &[&a, &b]) {
                            failures.push(format!("{name}: {m}"));
                        }
                    }
                }
            }
        }
    });
    report("operators", total, &failures);
}

/// Unary `-` operator agrees with `try_neg` and panics for bool.
#[test]
fn neg_operator() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec(vec![1.5f64, -0.0, f64::NAN], &[3]).unwrap(),
        );
        let n = -&a;
        let v = n.to_vec::<f64>().unwrap();
        assert_eq!(v[0], -1.5, "-[1.5] on {}", label(info));
        assert!(
            v[1] == 0.0 && v[1].is_sign_positive(),
            "-(-0.0) must be +0.0 on {}, got {:?}",
            label(info),
            v[1]
        );
        assert!(v[2].is_nan(), "-nan on {}", label(info));
        let owned = -a.clone();
        assert_eq!(owned.to_vec::<f64>().unwrap()[0], -1.5);
        let b = on(info, &Array::from_vec(vec![true, false], &[2]).unwrap());
        assert!(
            catch(|| -&b).is_err(),
            "-bool must panic like NumPy's TypeError on {}",
            label(info)
        );
        assert!(b.try_neg().is_err(), "try_neg(bool) must be Err");
    });
}

/// `where_` with broadcasting, promotion of x/y and weak scalars.
#[test]
fn where_() {
    let fx = load("where_clip.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "where") {
            let name = case["name"].as_str().unwrap();
            let cond = parse_array(&case["cond"]);
            let (x, y) = (parse_arg(&case["x"]), parse_arg(&case["y"]));
            total += 1;
            let c = on(info, &cond.build());
            let (xo, yo) = (x.place(info), y.place(info));
            let got = catch(|| with_opd!(&xo, |xv| with_opd!(&yo, |yv| Array::where_(&c, xv, yv))));
            let inputs: Vec<&Fx> = [&x, &y]
                .iter()
                .filter_map(|a| match a {
                    Arg::Array(fx) => Some(fx),
                    Arg::Weak(_) => None,
                })
                .collect();
            let mut all = vec![&cond];
            all.extend(inputs);
            let msg = match got {
                Ok(got) => check_case(case, got, &all),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!(
                    "where_ {name:?} (cond {}, x {}, y {}) on {}: {msg}",
                    cond.describe(),
                    x.describe(),
                    y.describe(),
                    label(info)
                ));
            }
        }
    });
    report("where_", total, &failures);
}

/// `clip(lo, hi)` incl. NaN in the data and in the bounds, lo > hi, weak bounds.
#[test]
fn clip() {
    let fx = load("where_clip.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "clip") {
            let name = case["name"].as_str().unwrap();
            let a = parse_array(&case["a"]);
            let (lo, hi) = (parse_arg(&case["lo"]), parse_arg(&case["hi"]));
            total += 1;
            let x = on(info, &a.build());
            let (lo_o, hi_o) = (lo.place(info), hi.place(info));
            let got = catch(|| with_opd!(&lo_o, |l| with_opd!(&hi_o, |h| x.clip(l, h))));
            let msg = match got {
                Ok(got) => check_case(case, got, &[&a]),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!(
                    "clip {name:?} ({}, lo {}, hi {}) on {}: {msg}",
                    a.describe(),
                    lo.describe(),
                    hi.describe(),
                    label(info)
                ));
            }
        }
    });
    report("clip", total, &failures);
}

/// `astype` across all 36 dtype pairs (NaN/inf → bool, wrapping integer
/// narrowing, float rounding; no platform-defined float → int cases).
#[test]
fn astype() {
    let fx = load("astype.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let input = parse_array(&case["input"]);
            let exp = parse_array(&case["expected"]);
            total += 1;
            let got = catch(|| on(info, &input.build()).astype(exp.dtype));
            let msg = match got {
                Ok(got) => compare(&got, &exp, Cmp::of(case), &[&input]).err(),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!(
                    "astype {} -> {} on {}: {msg}",
                    input.dtype.name(),
                    exp.dtype.name(),
                    label(info)
                ));
            }
        }
    });
    report("astype", total, &failures);
}

/// A chain of ops (one fused kernel) gives the same values as the ops
/// evaluated one at a time.
#[test]
fn fused_chain_equals_stepwise() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec(
                (0..100).map(|i| i as f32 * 0.37 - 11.0).collect(),
                &[10, 10],
            )
            .unwrap(),
        );
        let b = on(
            info,
            &Array::from_vec((0..10).map(|i| i as f32 - 4.5).collect(), &[10]).unwrap(),
        );
        let fused = (&a * &b + 2.0).abs().sqrt().maximum(&a).unwrap();
        let step1 = (&a * &b).eval().unwrap();
        let step2 = (&step1 + 2.0).eval().unwrap();
        let step3 = step2.abs().eval().unwrap().sqrt().eval().unwrap();
        let stepwise = step3.maximum(&a).unwrap();
        assert_eq!(fused.dtype(), DType::F32);
        assert_eq!(
            fused.to_vec::<f32>().unwrap(),
            stepwise.to_vec::<f32>().unwrap(),
            "fused vs stepwise on {}",
            label(info)
        );
    });
}
