//! `a.assign(s![..], value)` and `a.set(..)`, on every device: against NumPy
//! (`a[idx] = value` with broadcasting of the value and casting to a's
//! dtype, strided / reversed / `NewAxis` regions, targets that are views or
//! lazy, values computed from the target itself), the errors, and
//! copy-on-write: clones, lazy expressions and views taken before a write
//! never see it, and a write into a view never reaches its source.
//!
//! Expected values come from `tests/fixtures/views/assign.json`, written by
//! `scripts/fixtures/views.py` with NumPy.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

/// Runs the steps of one assign case with weak scalars of variant `variant`
/// (an index into [`weak_variants`], clamped). Returns the target.
fn run_steps(info: &tandem::DeviceInfo, case: &Value, variant: usize) -> Result<Array> {
    let mut target = placed(info, &case["input"])?;
    let origin = target.clone();
    for step in case["steps"].as_array().unwrap() {
        let v = &step["value"];
        let value = if v.get("kind").is_some() {
            let vs = weak_variants(v);
            weak_operand(vs[variant.min(vs.len() - 1)])
        } else {
            pipeline_operand(info, v, &origin)?
        };
        assign_text(&mut target, step["slice"].as_str().unwrap(), value)?;
    }
    Ok(target)
}

fn weak_variant_count(case: &Value) -> usize {
    case["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["value"].get("kind").is_some())
        .map(|s| weak_variants(&s["value"]).len())
        .max()
        .unwrap_or(1)
}

#[test]
fn assign_fixtures() {
    let fx = load_views("assign.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let name = case["name"].as_str().unwrap();
            // Every Rust type that holds the weak scalar (i64 / i32 / u32,
            // f64 / f32) must give the same result.
            for variant in 0..weak_variant_count(case) {
                total += 1;
                let got = catch(|| check_view_case(case, run_steps(info, case, variant)));
                let msg = got.unwrap_or_else(|p| Some(format!("panicked: {p}")));
                if let Some(msg) = msg {
                    failures.push(format!(
                        "{name} (weak variant {variant}) of {} on {}: {msg}",
                        parse_array(&case["input"]).describe(),
                        label(info)
                    ));
                }
            }
        }
    });
    report("assign fixtures", total, &failures);
}

/// A failed assign leaves the target as it was.
#[test]
fn failed_assign_changes_nothing() {
    let fx = load_views("assign.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            if case.get("error").is_none() {
                continue;
            }
            let name = case["name"].as_str().unwrap();
            total += 1;
            let r = catch(|| -> Result<Option<String>> {
                let mut target = placed(info, &case["input"])?;
                let before = read(&target)?;
                let step = &case["steps"][0];
                let value = pipeline_operand(info, &step["value"], &target.clone())?;
                let r = assign_text(&mut target, step["slice"].as_str().unwrap(), value);
                if r.is_ok() {
                    return Ok(Some("the assign did not fail".into()));
                }
                let after = read(&target)?;
                Ok((after != before)
                    .then(|| format!("target changed: before {before:?}, after {after:?}")))
            });
            let msg = match r {
                Ok(Ok(m)) => m,
                Ok(Err(e)) => Some(format!("setting up failed: {e}")),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!("{name} on {}: {msg}", label(info)));
            }
        }
    });
    report("failed assign leaves the target", total, &failures);
}

fn f32s(a: &Array) -> Vec<f32> {
    a.to_vec::<f32>().unwrap()
}

fn base(info: &tandem::DeviceInfo) -> Array {
    on(
        info,
        &Array::from_vec((0..6).map(|x| x as f32).collect(), &[6]).unwrap(),
    )
}

/// A clone made before an assign never sees it; the assigned array does.
#[test]
fn cow_clone_before_assign() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = base(info);
        let c = a.clone();
        a.assign(s![1..3], 9.0).unwrap();
        assert_eq!(
            f32s(&a),
            vec![0.0, 9.0, 9.0, 3.0, 4.0, 5.0],
            "a after assign on {l}"
        );
        assert_eq!(f32s(&c), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "clone on {l}");
        // and the other way round: writing into the clone leaves a alone
        let mut c2 = a.clone();
        c2.assign(s![..], 0.0).unwrap();
        assert_eq!(
            f32s(&a),
            vec![0.0, 9.0, 9.0, 3.0, 4.0, 5.0],
            "a after its clone was written, on {l}"
        );
        assert_eq!(f32s(&c2), vec![0.0; 6], "written clone on {l}");
    });
}

/// An array computed lazily from `a` before an assign (not yet evaluated)
/// still computes from the old values.
#[test]
fn cow_lazy_expression_before_assign() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = base(info);
        let b = &a + 1.0;
        let r = a.slice(s![..;-1]).unwrap() * 2.0;
        let s = (&a - 1.0).slice(s![-1]).unwrap();
        a.assign(s![..], -1.0).unwrap();
        assert_eq!(
            f32s(&b),
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "a + 1 made before the write, on {l}"
        );
        assert_eq!(
            f32s(&r),
            vec![10.0, 8.0, 6.0, 4.0, 2.0, 0.0],
            "a[::-1] * 2 made before the write, on {l}"
        );
        assert_eq!(
            s.item::<f32>().unwrap(),
            4.0,
            "(a - 1)[-1] made before the write, on {l}"
        );
        assert_eq!(f32s(&a), vec![-1.0; 6], "a on {l}");
        // an expression made after the write sees it
        assert_eq!(
            f32s(&(&a + 1.0)),
            vec![0.0; 6],
            "a + 1 made after the write, on {l}"
        );
    });
}

/// Views taken before an assign (slice, transpose, reshape, broadcast_to,
/// expand_dims) do not see it.
#[test]
fn cow_views_before_assign() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = on(
            info,
            &Array::from_vec((0..6).collect::<Vec<i32>>(), &[2, 3]).unwrap(),
        );
        let v = a.slice(s![.., 1..]).unwrap();
        let t = a.t();
        let r = a.reshape(&[-1]).unwrap();
        let bc = a.slice(s![0]).unwrap().broadcast_to(&[2, 3]).unwrap();
        let e = a.expand_dims(0).unwrap();
        a.assign(s![.., 1], 100).unwrap();
        assert_eq!(
            a.to_vec::<i32>().unwrap(),
            vec![0, 100, 2, 3, 100, 5],
            "a on {l}"
        );
        assert_eq!(
            v.to_vec::<i32>().unwrap(),
            vec![1, 2, 4, 5],
            "slice view on {l}"
        );
        assert_eq!(
            t.to_vec::<i32>().unwrap(),
            vec![0, 3, 1, 4, 2, 5],
            "t view on {l}"
        );
        assert_eq!(
            r.to_vec::<i32>().unwrap(),
            vec![0, 1, 2, 3, 4, 5],
            "reshape view on {l}"
        );
        assert_eq!(
            bc.to_vec::<i32>().unwrap(),
            vec![0, 1, 2, 0, 1, 2],
            "broadcast view on {l}"
        );
        assert_eq!(
            e.to_vec::<i32>().unwrap(),
            vec![0, 1, 2, 3, 4, 5],
            "expand_dims view on {l}"
        );
    });
}

/// A view that was already read (so its data may be shared with the
/// source) still does not see a later write, and the other way round.
#[test]
fn cow_views_read_before_assign() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = base(info);
        let v = a.slice(s![2..]).unwrap();
        assert_eq!(f32s(&v), vec![2.0, 3.0, 4.0, 5.0]);
        let v = v.eval().unwrap();
        a.set(&[3], 42.0).unwrap();
        a.assign(s![4..], 7.0).unwrap();
        assert_eq!(f32s(&v), vec![2.0, 3.0, 4.0, 5.0], "evaluated view on {l}");
        assert_eq!(f32s(&a), vec![0.0, 1.0, 2.0, 42.0, 7.0, 7.0], "a on {l}");
    });
}

/// Writing into a view changes the view only, never its source (no clone
/// sees another's writes), unlike NumPy.
#[test]
fn cow_assign_into_a_view_leaves_the_source() {
    for_each_device(|info| {
        let l = label(info);
        let a = base(info);
        let mut v = a.slice(s![..;-2]).unwrap();
        v.assign(s![..], 0.5).unwrap();
        assert_eq!(f32s(&v), vec![0.5; 3], "view on {l}");
        assert_eq!(
            f32s(&a),
            vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            "source on {l}"
        );
        let m = on(
            info,
            &Array::from_vec((0..6).map(|x| x as f64).collect(), &[2, 3]).unwrap(),
        );
        let mut t = m.t();
        t.set(&[0, 1], -8.0).unwrap();
        assert_eq!(t.shape(), &[3, 2]);
        assert_eq!(
            t.to_vec::<f64>().unwrap(),
            vec![0.0, -8.0, 1.0, 4.0, 2.0, 5.0],
            "set into m.T on {l}"
        );
        assert_eq!(
            m.to_vec::<f64>().unwrap(),
            vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            "m after a set into m.T on {l}"
        );
    });
}

/// The same copy-on-write rules for `set`.
#[test]
fn cow_set() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = base(info);
        let c = a.clone();
        let lazy = &a * 10.0;
        let v = a.slice(s![1..4]).unwrap();
        a.set(&[2], -3.0).unwrap();
        a.set(&[-1], 50.0).unwrap();
        assert_eq!(f32s(&a), vec![0.0, 1.0, -3.0, 3.0, 4.0, 50.0], "a on {l}");
        assert_eq!(f32s(&c), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "clone on {l}");
        assert_eq!(
            f32s(&lazy),
            vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0],
            "lazy a * 10 on {l}"
        );
        assert_eq!(f32s(&v), vec![1.0, 2.0, 3.0], "view on {l}");
    });
}

/// Assigning into an array that is itself still lazy, and into one whose
/// source is shared.
#[test]
fn assign_into_a_lazy_array() {
    for_each_device(|info| {
        let l = label(info);
        let x = base(info);
        let mut y = &x * 2.0;
        y.assign(s![..;3], 1.5).unwrap();
        assert_eq!(f32s(&y), vec![1.5, 2.0, 4.0, 1.5, 8.0, 10.0], "y on {l}");
        assert_eq!(f32s(&x), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "x on {l}");
        // y is usable in further lazy expressions
        assert_eq!(
            f32s(&(&y + &x)),
            vec![1.5, 3.0, 6.0, 4.5, 12.0, 15.0],
            "y + x on {l}"
        );
    });
}

/// A sequence of writes with snapshots between them: every snapshot keeps
/// exactly the writes made before it.
#[test]
fn snapshots_between_writes() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = on(info, &Array::zeros(&[4], DType::I64));
        let mut snaps = Vec::new();
        for k in 0..4isize {
            a.assign(s![k..], k as i64 + 1).unwrap();
            snaps.push(a.clone());
        }
        let want = [
            vec![1i64, 1, 1, 1],
            vec![1, 2, 2, 2],
            vec![1, 2, 3, 3],
            vec![1, 2, 3, 4],
        ];
        for (k, (s, w)) in snaps.iter().zip(want.iter()).enumerate() {
            assert_eq!(&s.to_vec::<i64>().unwrap(), w, "snapshot {k} on {l}");
        }
    });
}

/// The value operand takes every form `impl Into<Operand>` allows.
#[test]
fn assign_value_forms() {
    for_each_device(|info| {
        let l = label(info);
        let mut a = on(info, &Array::zeros(&[2, 3], DType::F64));
        let row = on(
            info,
            &Array::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap(),
        );
        a.assign(s![0], &row).unwrap();
        a.assign(s![1], row.clone()).unwrap();
        a.assign(s![.., 0], 7i32).unwrap();
        a.assign(s![-1, -1], 0.25f32).unwrap();
        a.assign(s![0, 1..], Array::scalar(true)).unwrap();
        assert_eq!(
            a.to_vec::<f64>().unwrap(),
            vec![7.0, 1.0, 1.0, 7.0, 2.0, 0.25],
            "after the writes on {l}"
        );
        assert_eq!(a.dtype(), DType::F64, "assign never changes the dtype");
        let mut b = on(info, &Array::zeros(&[3], DType::Bool));
        b.assign(s![1], 3u32).unwrap();
        b.assign(s![2], Scalar::F64(-0.5)).unwrap();
        assert_eq!(
            b.to_vec::<bool>().unwrap(),
            vec![false, true, true],
            "bool on {l}"
        );
    });
}

/// Assignment over a large strided, reversed region (past the CPU's
/// parallel threshold) against a host reference.
#[test]
fn large_strided_assign() {
    let (r, c) = (256usize, 512usize);
    for_each_device(|info| {
        let mut a = on(
            info,
            &Array::from_vec((0..(r * c) as i32).collect(), &[r, c]).unwrap(),
        );
        let v = on(
            info,
            &Array::from_vec((0..(c / 2) as i32).map(|x| -x).collect(), &[c / 2]).unwrap(),
        );
        a.assign(s![..;-1, 1..;2], &v).unwrap();
        let got = a.to_vec::<i32>().unwrap();
        let mut want: Vec<i32> = (0..(r * c) as i32).collect();
        for i in 0..r {
            for (k, j) in (1..c).step_by(2).enumerate() {
                want[i * c + j] = -(k as i32);
            }
        }
        let bad = got.iter().zip(&want).filter(|(g, w)| g != w).count();
        assert_eq!(bad, 0, "a[::-1, 1::2] = v of 256x512 on {}", label(info));
    });
}
