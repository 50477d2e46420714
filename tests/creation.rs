//! Creation functions against NumPy: arange (negative and float steps),
//! linspace (num 0 and 1, integer dtypes), eye, full, zeros, ones; and that
//! created arrays survive a trip to every device.

mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

fn f(v: &Value) -> f64 {
    parse_float(v)
}

#[test]
fn arange_matches_numpy() {
    let all = cases(load("creation.json"), "arange");
    let mut failures = Vec::new();
    for case in all {
        let (start, stop, step) = (f(&case["start"]), f(&case["stop"]), f(&case["step"]));
        let dt = dtype(case["dtype"].as_str().unwrap());
        let exp = parse_array(&case["expected"]);
        let name = format!("arange({start}, {stop}, {step}, {dt})");
        match catch(|| Array::arange(start, stop, step, dt)) {
            Err(p) => failures.push(format!("{name}: panicked: {p}")),
            Ok(Err(e)) => failures.push(format!("{name}: error {e}")),
            Ok(Ok(a)) => {
                if let Err(m) = compare(&a, &exp, Cmp::of(case), &[]) {
                    failures.push(format!("{name}: {m}"));
                }
            }
        }
    }
    report("arange", all.len(), &failures);
}

#[test]
fn linspace_matches_numpy() {
    let all = cases(load("creation.json"), "linspace");
    let mut failures = Vec::new();
    for case in all {
        let (start, stop) = (f(&case["start"]), f(&case["stop"]));
        let num = case["num"].as_u64().unwrap() as usize;
        let dt = dtype(case["dtype"].as_str().unwrap());
        let exp = parse_array(&case["expected"]);
        let name = format!("linspace({start}, {stop}, {num}, {dt})");
        match catch(|| Array::linspace(start, stop, num, dt)) {
            Err(p) => failures.push(format!("{name}: panicked: {p}")),
            Ok(a) => {
                if let Err(m) = compare(&a, &exp, Cmp::of(case), &[]) {
                    failures.push(format!("{name}: {m}"));
                }
            }
        }
    }
    report("linspace", all.len(), &failures);
}

#[test]
fn eye_matches_numpy() {
    let all = cases(load("creation.json"), "eye");
    let mut failures = Vec::new();
    for case in all {
        let n = case["n"].as_u64().unwrap() as usize;
        let dt = dtype(case["dtype"].as_str().unwrap());
        let exp = parse_array(&case["expected"]);
        match catch(|| Array::eye(n, dt)) {
            Err(p) => failures.push(format!("eye({n}, {dt}): panicked: {p}")),
            Ok(a) => {
                if let Err(m) = compare(&a, &exp, Cmp::Exact, &[]) {
                    failures.push(format!("eye({n}, {dt}): {m}"));
                }
            }
        }
    }
    report("eye", all.len(), &failures);
}

#[test]
fn zeros_and_ones_match_numpy() {
    let all = cases(load("creation.json"), "zeros_ones");
    let mut failures = Vec::new();
    for case in all {
        let shape: Vec<usize> = case["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let dt = dtype(case["dtype"].as_str().unwrap());
        for (name, key) in [("zeros", "zeros"), ("ones", "ones")] {
            let exp = parse_array(&case[key]);
            let got = catch(|| {
                if key == "zeros" {
                    Array::zeros(&shape, dt)
                } else {
                    Array::ones(&shape, dt)
                }
            });
            match got {
                Err(p) => failures.push(format!("{name}({shape:?}, {dt}): panicked: {p}")),
                Ok(a) => {
                    if let Err(m) = compare(&a, &exp, Cmp::Exact, &[]) {
                        failures.push(format!("{name}({shape:?}, {dt}): {m}"));
                    }
                }
            }
        }
    }
    report("zeros/ones", all.len() * 2, &failures);
}

#[test]
fn full_matches_numpy() {
    let all = cases(load("creation.json"), "full");
    let mut failures = Vec::new();
    for case in all {
        let shape: Vec<usize> = case["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap() as usize)
            .collect();
        let dt = dtype(case["dtype"].as_str().unwrap());
        let v = &case["value"];
        let exp = parse_array(&case["expected"]);
        let got = catch(|| match dt {
            DType::Bool => Array::full(&shape, v.as_bool().unwrap()),
            DType::I32 => Array::full(&shape, v.as_i64().unwrap() as i32),
            DType::I64 => Array::full(&shape, v.as_i64().unwrap()),
            DType::U32 => Array::full(&shape, v.as_i64().unwrap() as u32),
            DType::F32 => Array::full(&shape, parse_float(v) as f32),
            DType::F64 => Array::full(&shape, parse_float(v)),
        });
        let name = format!("full({shape:?}, {v} as {dt})");
        match got {
            Err(p) => failures.push(format!("{name}: panicked: {p}")),
            Ok(a) => {
                if let Err(m) = compare(&a, &exp, Cmp::Exact, &[]) {
                    failures.push(format!("{name}: {m}"));
                }
            }
        }
    }
    report("full", all.len(), &failures);
}

/// from_vec / from_slice keep shape and C-order data for every dtype.
#[test]
fn from_vec_and_from_slice_round_trip() {
    let a = Array::from_vec(vec![1i32, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
    assert_eq!(a.shape(), &[2, 3]);
    assert_eq!(a.ndim(), 2);
    assert_eq!(a.size(), 6);
    assert_eq!(a.len(), 2);
    assert_eq!(a.dtype(), DType::I32);
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6]);
    let b = Array::from_slice(&[1.5f64, -0.0], &[2, 1]).unwrap();
    assert_eq!(b.shape(), &[2, 1]);
    let v = b.to_vec::<f64>().unwrap();
    assert!(
        v[1] == 0.0 && v[1].is_sign_negative(),
        "-0.0 survives from_slice"
    );
    let e = Array::from_vec(Vec::<u32>::new(), &[0, 4]).unwrap();
    assert_eq!((e.shape(), e.size(), e.len()), (&[0usize, 4][..], 0, 0));
    let s = Array::from_vec(vec![true], &[]).unwrap();
    assert_eq!((s.ndim(), s.size(), s.len()), (0, 1, 0), "0-d: len is 0");
    assert!(s.item::<bool>().unwrap());
}

/// Every created array survives to_device and back on every device.
#[test]
fn created_arrays_round_trip_every_device() {
    for_each_device(|info| {
        for d in DTYPES {
            let src = Array::eye(3, d);
            let moved = on(info, &src);
            let back = read(&moved).unwrap_or_else(|e| panic!("{d} on {}: {e}", label(info)));
            assert_eq!(
                back,
                read(&src).unwrap(),
                "eye(3, {d}) after to_device({})",
                label(info)
            );
            let r = Array::arange(0.0, 6.0, 1.0, DType::F64).unwrap();
            let moved = on(info, &r).astype(d);
            assert_eq!(moved.dtype(), d);
            assert_eq!(moved.shape(), &[6]);
            let want = r.astype(d);
            assert_eq!(
                read(&moved).unwrap(),
                read(&want).unwrap(),
                "arange astype {d} on {}",
                label(info)
            );
        }
    });
}
