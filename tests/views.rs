//! Slicing (`a.slice(s![..])`) against NumPy, on every device: ranges with
//! positive and negative steps, negative and clamped bounds, open ends,
//! empty results, single indices, `NewAxis`, 0-d to 4-d inputs, every dtype,
//! slices of slices, and the bad-input errors. Also views of lazy
//! expressions (`(&a + 1.0).slice(..)`, `(&a * 2.0).t()`,
//! `(&a + &b).reshape(..)`) and large chained views checked against index
//! arithmetic done here.
//!
//! Expected values come from `tests/fixtures/views/*.json`, written by
//! `scripts/fixtures/views.py` with NumPy.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

/// Applies a chain of slice texts to `a`.
fn slice_chain(a: &Array, chain: &[Value]) -> Result<Array> {
    let mut a = a.clone();
    for text in chain {
        a = slice_text(&a, text.as_str().expect("slice text"))?;
    }
    Ok(a)
}

/// Beyond `to_vec`, a view must read the same through `get` (first, middle
/// and last element) and `Display`.
fn check_other_readouts(got: &Array, expected: &Fx) -> Option<String> {
    let n = expected.data.len();
    if got.shape() != &expected.shape[..] {
        return None; // already reported by the comparison
    }
    for i in [0, n / 2, n.saturating_sub(1)] {
        if i >= n {
            continue;
        }
        let idx = unravel(i, &expected.shape);
        match got.get(&idx) {
            Ok(v) if v == fx_scalar(expected, i) => {}
            Ok(v) => {
                return Some(format!(
                    "get({idx:?}): expected {:?}, got {v:?}",
                    fx_scalar(expected, i)
                ))
            }
            Err(e) => return Some(format!("get({idx:?}) failed: {e}")),
        }
    }
    let shown = format!("{got}");
    let want = format!("{}", expected.build());
    if shown != want {
        return Some(format!(
            "Display differs from the contiguous array's: expected {want:?}, got {shown:?}"
        ));
    }
    None
}

#[test]
fn slicing_fixtures() {
    let fx = load_views("slicing.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let name = case["name"].as_str().unwrap();
            let input = parse_array(&case["input"]);
            let chain = case["slices"].as_array().unwrap();
            total += 1;
            let got = catch(|| match slice_chain(&on(info, &input.build()), chain) {
                Ok(got) => check_view_case(case, Ok(got.clone()))
                    .or_else(|| check_other_readouts(&got, &parse_array(&case["expected"]))),
                Err(e) => check_view_case(case, Err(e)),
            });
            let msg = got.unwrap_or_else(|p| Some(format!("panicked: {p}")));
            if let Some(msg) = msg {
                failures.push(format!(
                    "{name} of {} on {}: {msg}",
                    input.describe(),
                    label(info)
                ));
            }
        }
    });
    report("slicing fixtures", total, &failures);
}

#[test]
fn slicing_errors() {
    let fx = load_views("slicing.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "errors") {
            let name = case["name"].as_str().unwrap();
            let input = parse_array(&case["input"]);
            let text = case["slice"].as_str().unwrap();
            total += 1;
            let got = catch(|| check_view_case(case, slice_text(&on(info, &input.build()), text)));
            let msg = got
                .unwrap_or_else(|p| Some(format!("panicked instead of returning an error: {p}")));
            if let Some(msg) = msg {
                failures.push(format!("{name} on {}: {msg}", label(info)));
            }
        }
    });
    report("slicing errors", total, &failures);
}

/// Every slice in the generated table is used by some fixture case, and the
/// fixture's decoded elements agree with the text (guards the generator).
#[test]
fn slice_table_matches_fixture_elements() {
    let fx = load_views("slicing.json");
    let mut seen = 0;
    for case in cases(fx, "cases") {
        let chain = case["slices"].as_array().unwrap();
        let elems = case["elems"].as_array().unwrap();
        assert_eq!(chain.len(), elems.len(), "{}", case["name"]);
        for (text, el) in chain.iter().zip(elems) {
            let text = text.as_str().unwrap();
            assert!(
                views_gen::SLICES.contains(&text),
                "slice {text:?} missing from slices.rs"
            );
            let parts: Vec<&str> = text.split(',').map(str::trim).collect();
            let el = el.as_array().unwrap();
            assert_eq!(parts.len(), el.len(), "slice {text:?}: elements {el:?}");
            for (p, e) in parts.iter().zip(el) {
                let ok = if *p == "NewAxis" {
                    e.get("newaxis").is_some()
                } else if p.contains("..") {
                    e.get("range").is_some()
                } else {
                    e.get("index").and_then(Value::as_i64) == p.parse::<i64>().ok()
                };
                assert!(ok, "slice {text:?}: element {p:?} decoded as {e}");
            }
            seen += 1;
        }
    }
    assert!(seen > 100, "only {seen} slices in the fixtures");
}

/// Views of lazy expressions and lazy expressions of views
/// (`(&a + 1.0).slice(..)`, `(&a * 2.0).t()`, `(&a + &b).reshape(..)`,
/// `a - a[::-1]` ...), against NumPy.
#[test]
fn lazy_expression_view_fixtures() {
    let fx = load_views("shape_ops.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "lazy") {
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
                    "{name} [{}] on {}: {msg}",
                    describe_ops(ops),
                    label(info)
                ));
            }
        }
    });
    report("views of lazy expressions", total, &failures);
}

/// The same lazy expression read twice (once through a view, once whole)
/// gives consistent values: a view does not disturb its source.
#[test]
fn view_of_lazy_expression_leaves_the_expression_intact() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..12).map(|x| x as f32).collect(), &[3, 4]).unwrap(),
        );
        let e = &a * 2.0;
        let v = e.slice(s![..;-1, 1..3]).unwrap();
        assert_eq!(
            v.to_vec::<f32>().unwrap(),
            vec![18.0, 20.0, 10.0, 12.0, 2.0, 4.0],
            "(a * 2)[::-1, 1:3] on {}",
            label(info)
        );
        assert_eq!(
            e.to_vec::<f32>().unwrap(),
            (0..12).map(|x| 2.0 * x as f32).collect::<Vec<_>>(),
            "a * 2 after reading a view of it, on {}",
            label(info)
        );
        let w = e.t();
        assert_eq!(w.shape(), &[4, 3]);
        assert_eq!(
            w.to_vec::<f32>().unwrap(),
            vec![0.0, 8.0, 16.0, 2.0, 10.0, 18.0, 4.0, 12.0, 20.0, 6.0, 14.0, 22.0],
            "(a * 2).T on {}",
            label(info)
        );
    });
}

/// Large (past the CPU backend's parallel threshold) chained views against
/// index arithmetic: `a[::-1, 3::7].T[5:50:3]` of a 512×512 arange, then
/// `(view + 1.0)`, and a 3-d transpose + slice.
#[test]
fn large_chained_views() {
    const N: usize = 512;
    let host: Vec<f32> = (0..N * N).map(|x| x as f32).collect();
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(host.clone(), &[N, N]).unwrap());
        // a[::-1, ::2]: 512 x 256 = 131072 elements.
        let v = a.slice(s![..;-1, ..;2]).unwrap();
        assert_eq!(v.shape(), &[N, N / 2], "a[::-1, ::2] shape");
        let got = v.to_vec::<f32>().unwrap();
        let mut bad = 0;
        for i in 0..N {
            for j in 0..N / 2 {
                let want = ((N - 1 - i) * N + 2 * j) as f32;
                if got[i * (N / 2) + j] != want {
                    bad += 1;
                }
            }
        }
        assert_eq!(
            bad,
            0,
            "a[::-1, ::2] of 512x512 on {}: {bad} wrong values",
            label(info)
        );

        // a[::-1, 3::7].T[5:50:3] + 1.0
        let w = a
            .slice(s![..;-1, 3..;7])
            .unwrap()
            .t()
            .slice(s![5..50;3])
            .unwrap();
        let cols: Vec<usize> = (3..N).step_by(7).collect();
        let rows_t: Vec<usize> = (5..50).step_by(3).collect();
        assert_eq!(
            w.shape(),
            &[rows_t.len(), N],
            "a[::-1, 3::7].T[5:50:3] shape"
        );
        let got = (&w + 1.0).to_vec::<f32>().unwrap();
        let mut bad = Vec::new();
        for (r, &k) in rows_t.iter().enumerate() {
            for i in 0..N {
                // w[r, i] = a[::-1, 3::7][i, k] = a[N-1-i, cols[k]]
                let want = ((N - 1 - i) * N + cols[k]) as f32 + 1.0;
                if got[r * N + i] != want {
                    bad.push((r, i, want, got[r * N + i]));
                }
            }
        }
        assert!(
            bad.is_empty(),
            "a[::-1, 3::7].T[5:50:3] + 1 on {}: {} wrong, first {:?}",
            label(info),
            bad.len(),
            &bad[..bad.len().min(4)]
        );

        // (64, 64, 32) transpose(2, 0, 1)[1::2, ::-1, 5]
        let b = a.reshape(&[64, 64, 64]).unwrap();
        let u = b
            .transpose(&[2, 0, 1])
            .unwrap()
            .slice(s![1..;2, ..;-1, 5])
            .unwrap();
        assert_eq!(u.shape(), &[32, 64], "transpose + slice shape");
        let got = u.to_vec::<f32>().unwrap();
        let mut bad = 0;
        for p in 0..32 {
            for q in 0..64 {
                // u[p, q] = b[63 - q, 5, 1 + 2p]
                let want = ((63 - q) * 4096 + 5 * 64 + 1 + 2 * p) as f32;
                if got[p * 64 + q] != want {
                    bad += 1;
                }
            }
        }
        assert_eq!(
            bad,
            0,
            "b.transpose(2,0,1)[1::2, ::-1, 5] on {}",
            label(info)
        );
    });
}

/// `s!` takes variables and expressions, not only literals.
#[test]
fn slice_macro_takes_expressions() {
    let a = Array::from_vec((0..10).collect::<Vec<i32>>(), &[10]).unwrap();
    let (lo, hi, step) = (2isize, 9isize, 3isize);
    let v = a.slice(s![lo..hi;step]).unwrap();
    assert_eq!(v.to_vec::<i32>().unwrap(), vec![2, 5, 8], "a[lo:hi:step]");
    let k = -2isize;
    let v = a.slice(s![k]).unwrap();
    assert_eq!(v.shape(), &[] as &[usize], "a[k] is 0-d");
    assert_eq!(v.item::<i32>().unwrap(), 8, "a[-2]");
    let v = a.slice(s![hi - 1..lo;-step]).unwrap();
    assert_eq!(v.to_vec::<i32>().unwrap(), vec![8, 5], "a[8:2:-3]");
}

/// A view has the source's dtype, and the source keeps its own shape.
#[test]
fn slicing_does_not_change_the_source() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..24).map(|x| x as u32).collect(), &[4, 6]).unwrap(),
        );
        let v = a.slice(s![1..3, ..;-2]).unwrap();
        assert_eq!(v.dtype(), DType::U32);
        assert_eq!(v.to_vec::<u32>().unwrap(), vec![11, 9, 7, 17, 15, 13]);
        assert_eq!(a.shape(), &[4, 6]);
        assert_eq!(
            a.to_vec::<u32>().unwrap(),
            (0..24).collect::<Vec<u32>>(),
            "source after slicing, on {}",
            label(info)
        );
    });
}

/// The fixture's decoded elements, as `tandem::SliceArg`s.
fn slice_args(elems: &Value) -> Vec<tandem::SliceArg> {
    elems
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            if e.get("newaxis").is_some() {
                tandem::SliceArg::NewAxis
            } else if let Some(i) = e.get("index") {
                tandem::SliceArg::Index(i.as_i64().unwrap() as isize)
            } else {
                let r = e["range"].as_array().unwrap();
                let opt = |v: &Value| v.as_i64().map(|x| x as isize);
                tandem::SliceArg::Range {
                    start: opt(&r[0]),
                    end: opt(&r[1]),
                    step: r[2].as_i64().unwrap() as isize,
                }
            }
        })
        .collect()
}

/// The same slicing fixtures through `SliceArg`s built at run time (a
/// `Vec<SliceArg>` instead of `s!`), from the fixture's decoded elements.
#[test]
fn slicing_fixtures_with_runtime_slice_args() {
    let fx = load_views("slicing.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let name = case["name"].as_str().unwrap();
            let input = parse_array(&case["input"]);
            total += 1;
            let got = catch(|| {
                let mut a = on(info, &input.build());
                for elems in case["elems"].as_array().unwrap() {
                    match a.slice(slice_args(elems)) {
                        Ok(v) => a = v,
                        Err(e) => return check_view_case(case, Err(e)),
                    }
                }
                check_view_case(case, Ok(a))
            });
            if let Some(msg) = got.unwrap_or_else(|p| Some(format!("panicked: {p}"))) {
                failures.push(format!("{name} on {}: {msg}", label(info)));
            }
        }
    });
    report("slicing fixtures (runtime SliceArg)", total, &failures);
}

/// A long chain of views (past the lazy graph's depth bound) still reads
/// right: 300 steps alternating a full reversal, a transpose and a
/// `NewAxis` insert/remove give back the original after every 4 steps.
#[test]
fn long_chain_of_views() {
    for_each_device(|info| {
        let src: Vec<i32> = (0..35).collect();
        let a = on(info, &Array::from_vec(src.clone(), &[5, 7]).unwrap());
        let mut v = a.clone();
        for k in 0..300 {
            v = match k % 4 {
                0 => v.slice(s![..;-1, ..;-1]).unwrap(),
                1 => v.t(),
                2 => v
                    .slice(s![NewAxis, ..;-1, ..;-1])
                    .unwrap()
                    .squeeze_axis(0)
                    .unwrap(),
                _ => v.t(),
            };
        }
        assert_eq!(
            v.shape(),
            &[5, 7],
            "shape after 300 views on {}",
            label(info)
        );
        assert_eq!(
            v.to_vec::<i32>().unwrap(),
            src,
            "values after 300 views on {}",
            label(info)
        );
        let w = (&v + 1).slice(s![1..3, -1]).unwrap();
        assert_eq!(
            w.to_vec::<i32>().unwrap(),
            vec![14, 21],
            "(v + 1)[1:3, -1] on {}",
            label(info)
        );
    });
}

/// Views of one shared array, taken and read on several threads at once
/// (`Array` is `Send + Sync`), each see the right values.
#[test]
fn views_across_threads() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..4096).map(|x| x as f32).collect(), &[64, 64]).unwrap(),
        );
        let handles: Vec<_> = (0..8)
            .map(|k| {
                let a = a.clone();
                std::thread::spawn(move || {
                    let v = a.slice(s![k..;8, ..;-1]).unwrap().t();
                    let got = (&v * 2.0).to_vec::<f32>().unwrap();
                    // v[j, i] = a[k + 8i, 63 - j]
                    let mut bad = 0;
                    for j in 0..64 {
                        for i in 0..8 {
                            let want = 2.0 * ((k + 8 * i) * 64 + 63 - j) as f32;
                            if got[j * 8 + i] != want {
                                bad += 1;
                            }
                        }
                    }
                    bad
                })
            })
            .collect();
        for (k, h) in handles.into_iter().enumerate() {
            let bad = h.join().expect("thread panicked");
            assert_eq!(bad, 0, "thread {k}: a[k::8, ::-1].T * 2 on {}", label(info));
        }
    });
}
