//! `Array::concatenate`, `stack`, `hstack` and `vstack` against NumPy, on
//! every device: 1-d to 3-d, negative axes, dtype promotion across the
//! inputs (`np.result_type`), zero-length parts, non-contiguous and lazy
//! inputs, and the errors (empty list, rank or shape mismatch, axis out of
//! range, 0-d inputs to concatenate).
//!
//! Expected values come from `tests/fixtures/views/join.json`, written by
//! `scripts/fixtures/views.py` with NumPy.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

fn call_join(fun: &str, inputs: &[Array], axis: Option<isize>) -> Result<Array> {
    let refs: Vec<&Array> = inputs.iter().collect();
    match fun {
        "concatenate" => Array::concatenate(&refs, axis.expect("axis")),
        "stack" => Array::stack(&refs, axis.expect("axis")),
        "hstack" => Array::hstack(&refs),
        "vstack" => Array::vstack(&refs),
        other => panic!("unknown join {other:?}"),
    }
}

fn run_join(fun: &str) {
    let fx = load_views("join.json");
    let mine: Vec<&Value> = cases(fx, "cases")
        .iter()
        .filter(|c| c["fn"] == fun)
        .collect();
    assert!(mine.len() >= 8, "{fun}: only {} fixture cases", mine.len());
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &mine {
            let name = case["name"].as_str().unwrap();
            let axis = case.get("axis").map(|a| a.as_i64().unwrap() as isize);
            total += 1;
            let got = catch(|| {
                let r = case["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| placed(info, v))
                    .collect::<Result<Vec<Array>>>()
                    .and_then(|inputs| call_join(fun, &inputs, axis));
                check_view_case(case, r)
            });
            let msg = got.unwrap_or_else(|p| Some(format!("panicked: {p}")));
            if let Some(msg) = msg {
                failures.push(format!("{name} on {}: {msg}", label(info)));
            }
        }
    });
    report(&format!("{fun} fixtures"), total, &failures);
}

#[test]
fn concatenate_fixtures() {
    run_join("concatenate");
}

#[test]
fn stack_fixtures() {
    run_join("stack");
}

#[test]
fn hstack_fixtures() {
    run_join("hstack");
}

#[test]
fn vstack_fixtures() {
    run_join("vstack");
}

/// The join is a new array: the inputs are unchanged, and writing into the
/// result does not reach them (nor the other way round).
#[test]
fn join_result_is_independent_of_its_inputs() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap(),
        );
        let b = on(info, &Array::from_vec(vec![4.0f32, 5.0], &[2]).unwrap());
        let mut c = Array::concatenate(&[&a, &b], 0).unwrap();
        assert_eq!(c.shape(), &[5]);
        c.assign(s![1..3], -1.0).unwrap();
        assert_eq!(
            c.to_vec::<f32>().unwrap(),
            vec![1.0, -1.0, -1.0, 4.0, 5.0],
            "result after assign on {}",
            label(info)
        );
        assert_eq!(a.to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0], "input a");
        assert_eq!(b.to_vec::<f32>().unwrap(), vec![4.0, 5.0], "input b");
        let mut a2 = a.clone();
        let d = Array::stack(&[&a, &a], 0).unwrap();
        a2.set(&[0], 100.0).unwrap();
        assert_eq!(
            d.to_vec::<f32>().unwrap(),
            vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
            "stack made before a write to an input on {}",
            label(info)
        );
    });
}

/// The same array may appear several times, and a view of it next to it.
#[test]
fn join_an_array_with_its_own_views() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..6).map(|x| x as i64).collect(), &[2, 3]).unwrap(),
        );
        let r = a.slice(s![..;-1, ..;-1]).unwrap();
        let c = Array::concatenate(&[&a, &r, &a], 0).unwrap();
        assert_eq!(c.shape(), &[6, 3]);
        assert_eq!(
            c.to_vec::<i64>().unwrap(),
            vec![0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 5],
            "concatenate([a, a[::-1, ::-1], a]) on {}",
            label(info)
        );
        let h = Array::hstack(&[&a, &a.slice(s![.., 1..2]).unwrap()]).unwrap();
        assert_eq!(h.shape(), &[2, 4]);
        assert_eq!(
            h.to_vec::<i64>().unwrap(),
            vec![0, 1, 2, 1, 3, 4, 5, 4],
            "hstack([a, a[:, 1:2]]) on {}",
            label(info)
        );
    });
}

/// Large joins (past the CPU's parallel threshold), one part transposed.
#[test]
fn large_concatenate() {
    let n = 300usize;
    let a_host: Vec<f32> = (0..n * n).map(|x| x as f32).collect();
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(a_host.clone(), &[n, n]).unwrap());
        let c = Array::concatenate(&[&a, &a.t()], 1).unwrap();
        assert_eq!(c.shape(), &[n, 2 * n]);
        let got = c.to_vec::<f32>().unwrap();
        let mut bad = 0;
        for i in 0..n {
            for j in 0..2 * n {
                let want = if j < n { i * n + j } else { (j - n) * n + i } as f32;
                if got[i * 2 * n + j] != want {
                    bad += 1;
                }
            }
        }
        assert_eq!(
            bad,
            0,
            "concatenate([a, a.T], 1) of 300x300 on {}",
            label(info)
        );
    });
}
