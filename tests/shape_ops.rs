//! Shape operations against NumPy, on every device: `reshape` (with -1, of
//! transposed / sliced / broadcast inputs that force a copy in NumPy),
//! `t`, `transpose`, `broadcast_to`, `squeeze`, `squeeze_axis`,
//! `expand_dims`, `flatten` (of non-contiguous views), and their errors.
//!
//! Expected values come from `tests/fixtures/views/shape_ops.json`, written
//! by `scripts/fixtures/views.py` with NumPy.

#[macro_use]
mod common;

use common::*;
use tandem::prelude::*;

/// Runs every case of one group of shape_ops.json on every device.
fn run_group(group: &str) {
    let fx = load_views("shape_ops.json");
    let mine = cases(fx, group);
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in mine {
            let name = case["name"].as_str().unwrap();
            let ops = case["ops"].as_array().unwrap();
            total += 1;
            let got = catch(|| {
                let r = placed(info, &case["input"]).and_then(|a| apply_ops(info, &a, ops, &a));
                check_view_case(case, r)
            });
            let msg = got.unwrap_or_else(|p| Some(format!("panicked: {p}")));
            if let Some(msg) = msg {
                failures.push(format!(
                    "{name} [{}] of {} on {}: {msg}",
                    describe_ops(ops),
                    parse_array(&case["input"]).describe(),
                    label(info)
                ));
            }
        }
    });
    report(&format!("{group} fixtures"), total, &failures);
}

#[test]
fn reshape_fixtures() {
    run_group("reshape");
}

#[test]
fn transpose_fixtures() {
    run_group("transpose");
}

#[test]
fn broadcast_to_fixtures() {
    run_group("broadcast_to");
}

#[test]
fn squeeze_fixtures() {
    run_group("squeeze");
}

#[test]
fn expand_dims_fixtures() {
    run_group("expand_dims");
}

#[test]
fn flatten_fixtures() {
    run_group("flatten");
}

/// Every fixture group has its error cases where the op has errors, and
/// every error case names an expected kind.
#[test]
fn fixture_groups_have_error_cases() {
    let fx = load_views("shape_ops.json");
    for group in [
        "reshape",
        "transpose",
        "broadcast_to",
        "squeeze",
        "expand_dims",
    ] {
        let n = cases(fx, group)
            .iter()
            .filter(|c| c.get("error").is_some())
            .count();
        assert!(n >= 3, "{group}: only {n} error cases");
    }
}

/// Shapes are known at once (no evaluation needed), and the errors are
/// raised by the call itself, not later when the data is read.
#[test]
fn shapes_and_errors_are_eager() {
    let a = Array::zeros(&[2, 3, 4], DType::F32);
    let lazy = &a + 1.0;
    assert_eq!(lazy.reshape(&[-1, 4]).unwrap().shape(), &[6, 4]);
    assert_eq!(lazy.reshape(&[4, -1]).unwrap().shape(), &[4, 6]);
    assert_eq!(lazy.t().shape(), &[4, 3, 2]);
    assert_eq!(lazy.transpose(&[1, 2, 0]).unwrap().shape(), &[3, 4, 2]);
    assert_eq!(lazy.expand_dims(1).unwrap().shape(), &[2, 1, 3, 4]);
    assert_eq!(lazy.flatten().shape(), &[24]);
    assert_eq!(
        lazy.slice(s![.., 1..;-1])
            .unwrap()
            .broadcast_to(&[5, 2, 2, 4])
            .unwrap()
            .shape(),
        &[5, 2, 2, 4]
    );
    let expect = |what: &str, r: Result<Array>, kind: &str| match r {
        Err(e) if view_error_matches(kind, &e) => {}
        Err(e) => panic!(
            "{what}: expected a {kind} error, got {}: {e}",
            error_variant(&e)
        ),
        Ok(x) => panic!(
            "{what}: expected a {kind} error, got Ok(shape {:?})",
            x.shape()
        ),
    };
    expect("reshape [5, -1] of 24", lazy.reshape(&[5, -1]), "invalid");
    expect("reshape [-1, -1]", lazy.reshape(&[-1, -1]), "invalid");
    expect("transpose [0, 1, 3]", lazy.transpose(&[0, 1, 3]), "axis");
    expect("transpose [0, 1, 1]", lazy.transpose(&[0, 1, 1]), "invalid");
    expect("transpose [0, 1]", lazy.transpose(&[0, 1]), "invalid");
    expect(
        "broadcast_to [2, 3, 5]",
        lazy.broadcast_to(&[2, 3, 5]),
        "shape",
    );
    expect("broadcast_to [3, 4]", lazy.broadcast_to(&[3, 4]), "shape");
    expect(
        "squeeze_axis(0) of [2, 3, 4]",
        lazy.squeeze_axis(0),
        "invalid",
    );
    expect("squeeze_axis(3) of [2, 3, 4]", lazy.squeeze_axis(3), "axis");
    expect(
        "squeeze_axis(-4) of [2, 3, 4]",
        lazy.squeeze_axis(-4),
        "axis",
    );
    expect("expand_dims(4) of [2, 3, 4]", lazy.expand_dims(4), "axis");
    expect("expand_dims(-5) of [2, 3, 4]", lazy.expand_dims(-5), "axis");
}

/// The error messages name the operation (API.md: "Its Display names the
/// operation").
#[test]
fn error_messages_name_the_operation() {
    let a = Array::zeros(&[2, 3], DType::F32);
    let cases: Vec<(&str, Result<Array>)> = vec![
        ("reshape", a.reshape(&[4, 2])),
        ("transpose", a.transpose(&[0, 0])),
        ("broadcast_to", a.broadcast_to(&[3])),
        ("squeeze", a.squeeze_axis(0)),
        ("expand_dims", a.expand_dims(3)),
        ("slice", a.slice(s![.., 3])),
    ];
    for (op, r) in cases {
        match r {
            Err(e) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(op),
                    "the {op} error should name the operation: {msg:?}"
                );
            }
            Ok(x) => panic!("{op}: expected an error, got Ok(shape {:?})", x.shape()),
        }
    }
}

/// Reshape and flatten read in C order whatever the source layout: a large
/// transposed / reversed input (past the CPU's parallel threshold).
#[test]
fn large_reshape_and_flatten_of_views() {
    let (r, c) = (300usize, 400usize);
    let host: Vec<i32> = (0..(r * c) as i32).collect();
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(host.clone(), &[r, c]).unwrap());
        let t = a.t();
        let flat = t.flatten();
        assert_eq!(flat.shape(), &[r * c]);
        let got = flat.to_vec::<i32>().unwrap();
        let want: Vec<i32> = (0..c)
            .flat_map(|j| (0..r).map(move |i| (i * c + j) as i32))
            .collect();
        assert!(got == want, "a.T.flatten() of 300x400 on {}", label(info));

        let rs = t.reshape(&[(c * r / 8) as isize, -1]).unwrap();
        assert_eq!(rs.shape(), &[c * r / 8, 8]);
        assert!(
            rs.to_vec::<i32>().unwrap() == want,
            "a.T.reshape(-1, 8) of 300x400 on {}",
            label(info)
        );

        let rev = a.slice(s![..;-1, ..;-1]).unwrap().reshape(&[-1]).unwrap();
        let want: Vec<i32> = (0..(r * c) as i32).rev().collect();
        assert!(
            rev.to_vec::<i32>().unwrap() == want,
            "a[::-1, ::-1].reshape(-1) on {}",
            label(info)
        );
    });
}

/// `t()` twice and `transpose` by the inverse permutation give back the
/// original; `squeeze` undoes `expand_dims`.
#[test]
fn round_trips() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..60).map(|x| x as f64 * 0.5).collect(), &[3, 4, 5]).unwrap(),
        );
        let want = a.to_vec::<f64>().unwrap();
        let back = a.t().t();
        assert_eq!(back.shape(), &[3, 4, 5]);
        assert_eq!(
            back.to_vec::<f64>().unwrap(),
            want,
            "a.T.T on {}",
            label(info)
        );
        let p = a.transpose(&[2, 0, 1]).unwrap();
        assert_eq!(p.shape(), &[5, 3, 4]);
        let back = p.transpose(&[1, 2, 0]).unwrap();
        assert_eq!(back.shape(), &[3, 4, 5]);
        assert_eq!(
            back.to_vec::<f64>().unwrap(),
            want,
            "transpose(2,0,1).transpose(1,2,0) on {}",
            label(info)
        );
        let e = a.expand_dims(-1).unwrap().expand_dims(0).unwrap();
        assert_eq!(e.shape(), &[1, 3, 4, 5, 1]);
        let s = e.squeeze();
        assert_eq!(s.shape(), &[3, 4, 5]);
        assert_eq!(
            s.to_vec::<f64>().unwrap(),
            want,
            "squeeze(expand_dims) on {}",
            label(info)
        );
    });
}
