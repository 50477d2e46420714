//! Matrix products against NumPy, on every device: `matmul` (every dtype
//! pair, the 1-d rules, batch broadcasting, empty axes, integer wrap-around,
//! `bool @ bool`, transposed / strided / reversed / broadcast operands read
//! in place), `dot` (0-d, 1-d, 2-d, n-d unbatched), `vdot`, `inner`,
//! `outer`, `vecdot`, `matvec`, `vecmat`, `kron`, `tensordot`, `einsum`,
//! `diagonal`, `trace`, and their errors.
//!
//! Expected values come from `tests/fixtures/products/products.json`,
//! written by `scripts/fixtures/products.py` with NumPy. Values are small
//! integers (quarters for floats), so results are exact in any summation
//! order; the random-float cases carry an `atol` (see the script).

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

fn isizes(v: &Value) -> Vec<isize> {
    v.as_array()
        .expect("a list of axes")
        .iter()
        .map(|x| x.as_i64().expect("an axis") as isize)
        .collect()
}

fn call(fun: &str, x: &[Array], args: &Value) -> Result<Array> {
    match fun {
        "matmul" => x[0].matmul(&x[1]),
        "dot" => x[0].dot(&x[1]),
        "vdot" => x[0].vdot(&x[1]),
        "inner" => x[0].inner(&x[1]),
        "outer" => x[0].outer(&x[1]),
        "vecdot" => x[0].vecdot(&x[1]),
        "matvec" => x[0].matvec(&x[1]),
        "vecmat" => x[0].vecmat(&x[1]),
        "kron" => Array::kron(&x[0], &x[1]),
        "tensordot" => Array::tensordot(
            &x[0],
            &x[1],
            &isizes(&args["axes_a"]),
            &isizes(&args["axes_b"]),
        ),
        "diagonal" => x[0].diagonal(args["offset"].as_i64().expect("offset") as isize),
        "trace" => x[0].trace(),
        "einsum" => Array::einsum(
            args["spec"].as_str().expect("spec"),
            &x.iter().collect::<Vec<_>>(),
        ),
        other => panic!("unknown product {other:?}"),
    }
}

/// Within the case's `atol` (floats), after dtype and shape match exactly.
fn check_atol(case: &Value, got: Result<Array>) -> Option<String> {
    let atol = parse_float(&case["atol"]);
    let exp = parse_array(&case["expected"]);
    let got = match got {
        Ok(a) => a,
        Err(e) => return Some(format!("expected Ok, got {e}")),
    };
    if got.dtype() != exp.dtype || got.shape() != &exp.shape[..] {
        return Some(format!(
            "expected {} {:?}, got {} {:?}",
            exp.dtype.name(),
            exp.shape,
            got.dtype().name(),
            got.shape()
        ));
    }
    let g = data_f64(&read(&got).expect("readable"));
    let e = data_f64(&exp.data);
    let worst = g
        .iter()
        .zip(&e)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    (worst > atol).then(|| format!("off by {worst:e} > atol {atol:e}"))
}

fn run(fun: &str, min_cases: usize) {
    let fx = load_fixture("products", "products.json");
    let mine: Vec<&Value> = cases(fx, "cases")
        .iter()
        .filter(|c| c["fn"] == fun)
        .collect();
    assert!(
        mine.len() >= min_cases,
        "{fun}: only {} fixture cases",
        mine.len()
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &mine {
            let name = case["name"].as_str().unwrap();
            total += 1;
            let got = catch(|| {
                let r = case["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| placed(info, v))
                    .collect::<Result<Vec<Array>>>()
                    .and_then(|x| call(fun, &x, &case["args"]));
                if case.get("atol").is_some() {
                    check_atol(case, r)
                } else {
                    check_view_case(case, r)
                }
            });
            if let Some(msg) = got.unwrap_or_else(|p| Some(format!("panicked: {p}"))) {
                failures.push(format!("{fun} {name} on {}: {msg}", label(info)));
            }
        }
    });
    report(&format!("{fun} fixtures"), total, &failures);
}

#[test]
fn matmul_fixtures() {
    run("matmul", 150);
}

#[test]
fn dot_fixtures() {
    run("dot", 40);
}

#[test]
fn vdot_fixtures() {
    run("vdot", 15);
}

#[test]
fn inner_fixtures() {
    run("inner", 25);
}

#[test]
fn outer_fixtures() {
    run("outer", 20);
}

#[test]
fn vecdot_fixtures() {
    run("vecdot", 20);
}

#[test]
fn matvec_fixtures() {
    run("matvec", 20);
}

#[test]
fn vecmat_fixtures() {
    run("vecmat", 15);
}

#[test]
fn kron_fixtures() {
    run("kron", 30);
}

#[test]
fn tensordot_fixtures() {
    run("tensordot", 30);
}

#[test]
fn diagonal_fixtures() {
    run("diagonal", 150);
}

#[test]
fn trace_fixtures() {
    run("trace", 30);
}

#[test]
fn einsum_fixtures() {
    run("einsum", 120);
}

/// What this slice of `einsum` does not do yet says so (NumPy accepts both).
#[test]
fn einsum_unsupported_forms() {
    let a = Array::ones(&[2, 2], DType::F64);
    for spec in ["ij,jk", "...ij->...ji"] {
        let e = Array::einsum(spec, &[&a, &a][..spec.matches(',').count() + 1]).unwrap_err();
        assert!(matches!(e, Error::Unsupported { .. }), "{spec}: {e}");
    }
}

/// The error names both shapes and the contracted axes.
#[test]
fn matmul_error_names_shapes_and_axes() {
    let a = Array::zeros(&[2, 3], DType::F32);
    let b = Array::zeros(&[4, 5], DType::F32);
    let e = a.matmul(&b).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::ShapeMismatch { .. }), "{msg}");
    for part in [
        "matmul", "[2, 3]", "[4, 5]", "axis 1", "axis 0", "length 3", "length 4",
    ] {
        assert!(msg.contains(part), "{part:?} not in {msg:?}");
    }
    let e = Array::scalar(1.0).matmul(&b).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }), "{e}");
}

/// A transposed operand is read in place: no copy of it is made (the only
/// host allocation is the result). `tandem::stats()` counts the calling
/// thread's work, so the tests running beside this one do not disturb it.
#[test]
fn transposed_operands_are_not_copied() {
    let a = Array::from_vec((0..64 * 48).map(|i| i as f64).collect(), &[64, 48]).unwrap();
    let a = a.eval().unwrap();
    let expect = a
        .t()
        .eval()
        .unwrap()
        .matmul(&a)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    tandem::reset_stats();
    let got = a.t().matmul(&a).unwrap().eval().unwrap();
    let stats = tandem::stats();
    assert_eq!(stats.allocations, 1, "a transposed operand was copied");
    assert_eq!(
        stats.kernels.values().sum::<u64>(),
        1,
        "the product is one kernel: {:?}",
        stats.kernels
    );
    assert_eq!(got.to_vec::<f64>().unwrap(), expect);
    // `z.t() @ z` of a lazy `z`: `z` is computed once (one kernel, one
    // buffer) and read through the transpose by the product's kernel.
    let z = &a * 0.5;
    tandem::reset_stats();
    let got = z.t().matmul(&z).unwrap().eval().unwrap();
    let stats = tandem::stats();
    assert_eq!(stats.kernels.values().sum::<u64>(), 2, "{stats:?}");
    assert_eq!(stats.allocations, 2, "{stats:?}");
    let want: Vec<f64> = expect.iter().map(|x| x * 0.25).collect();
    assert_eq!(got.to_vec::<f64>().unwrap(), want);
    // Views of constants and slices of lazy work.
    let ones = Array::ones(&[2, 3], DType::F64);
    let r = ones.t().matmul(&ones).unwrap();
    assert_eq!(r.to_vec::<f64>().unwrap(), vec![2.0; 9]);
    let part = (&a * 2.0).slice(s![..2, ..3]).unwrap();
    let r = part.t().matmul(&part).unwrap();
    let rows: Vec<f64> = (0..2)
        .flat_map(|i| (0..3).map(move |j| 2.0 * (i * 48 + j) as f64))
        .collect();
    let naive: Vec<f64> = (0..3)
        .flat_map(|i| {
            let rows = &rows;
            (0..3).map(move |j| (0..2).map(|p| rows[p * 3 + i] * rows[p * 3 + j]).sum())
        })
        .collect();
    assert_eq!(r.to_vec::<f64>().unwrap(), naive);
}

/// Larger products agree with a naive f64 reference (exercises the GEMM's
/// packing past one block, and the integer kernel's blocks).
#[test]
fn larger_products_match_a_naive_reference() {
    let (m, k, n) = (67, 300, 1100);
    let av: Vec<i64> = (0..m * k).map(|i| (i as i64 * 7919) % 13 - 6).collect();
    let bv: Vec<i64> = (0..k * n).map(|i| (i as i64 * 104729) % 11 - 5).collect();
    let mut want = vec![0i64; m * n];
    for i in 0..m {
        for p in 0..k {
            for j in 0..n {
                want[i * n + j] += av[i * k + p] * bv[p * n + j];
            }
        }
    }
    let a = Array::from_vec(av.clone(), &[m, k]).unwrap();
    let b = Array::from_vec(bv.clone(), &[k, n]).unwrap();
    assert_eq!(a.matmul(&b).unwrap().to_vec::<i64>().unwrap(), want);
    let bt = Array::from_vec(bv, &[k, n])
        .unwrap()
        .t()
        .eval()
        .unwrap()
        .t();
    assert_eq!(a.matmul(&bt).unwrap().to_vec::<i64>().unwrap(), want);
    for dtype in [DType::F32, DType::F64] {
        let r = a.astype(dtype).matmul(&b.astype(dtype)).unwrap();
        let got = r.astype(DType::F64).to_vec::<f64>().unwrap();
        assert!(
            got.iter().zip(&want).all(|(g, w)| *g == *w as f64),
            "{dtype:?} product of small integers is not exact"
        );
    }
}

/// `f64` inputs of `[r, c]` with small integer values (exact products).
fn ints(r: usize, c: usize, seed: usize) -> Array {
    let v: Vec<f64> = (0..r * c)
        .map(|i| ((i * 7 + seed * 13) % 11) as f64 - 5.0)
        .collect();
    Array::from_vec(v, &[r, c]).unwrap().eval().unwrap()
}

/// `a @ b` by the schoolbook loop.
fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
    (0..m * n)
        .map(|i| (0..k).map(|p| a[i / n * k + p] * b[p * n + i % n]).sum())
        .collect()
}

/// The evidence: `relu(a @ b + bias)` is one kernel (the epilogue
/// runs in the product's kernel), and only its result is allocated.
#[test]
fn an_epilogue_is_computed_in_the_products_kernel() {
    for_each_device(|info| {
        let (m, k, n) = (33, 20, 17);
        let (a, b) = (on(info, &ints(m, k, 1)), on(info, &ints(k, n, 2)));
        let bias = on(info, &ints(1, n, 3).reshape(&[n as isize]).unwrap());
        // (Built in its own statement: a temporary still alive when the
        // force runs is a held value, which the force keeps.)
        let y = (a.matmul(&b).unwrap() + &bias).maximum(0.0).unwrap();
        tandem::reset_stats();
        let y = y.eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 1, "on {}: {s:?}", info.name);
        assert_eq!(s.allocations, 1, "on {}: {s:?}", info.name);
        let p = naive(
            &a.to_vec::<f64>().unwrap(),
            &b.to_vec::<f64>().unwrap(),
            m,
            k,
            n,
        );
        let bv = bias.to_vec::<f64>().unwrap();
        let want: Vec<f64> = p
            .iter()
            .enumerate()
            .map(|(i, x)| (x + bv[i % n]).max(0.0))
            .collect();
        assert_eq!(y.to_vec::<f64>().unwrap(), want, "on {}", info.name);
        // A cast and a comparison of a product, too.
        let c = a.matmul(&b).unwrap().astype(DType::F32).gt(0.0).unwrap();
        tandem::reset_stats();
        let c = c.eval().unwrap();
        assert_eq!(tandem::stats().total_kernels(), 1, "on {}", info.name);
        let want: Vec<bool> = p.iter().map(|&x| x > 0.0).collect();
        assert_eq!(c.to_vec::<bool>().unwrap(), want, "on {}", info.name);
    });
}

/// `(a @ b).sum(axis)` computes the product once, in the reduction's kernel.
#[test]
fn a_reduction_of_a_product_is_one_kernel() {
    for_each_device(|info| {
        let (m, k, n) = (24, 9, 31);
        let (a, b) = (on(info, &ints(m, k, 4)), on(info, &ints(k, n, 5)));
        tandem::reset_stats();
        let s0 = a
            .matmul(&b)
            .unwrap()
            .sum_axis(0, false)
            .unwrap()
            .eval()
            .unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 1, "on {}: {s:?}", info.name);
        let p = naive(
            &a.to_vec::<f64>().unwrap(),
            &b.to_vec::<f64>().unwrap(),
            m,
            k,
            n,
        );
        let want: Vec<f64> = (0..n).map(|j| (0..m).map(|i| p[i * n + j]).sum()).collect();
        assert_eq!(s0.to_vec::<f64>().unwrap(), want, "on {}", info.name);
    });
}

/// A product the program holds is computed once: the first force keeps it,
/// a later one reads it.
#[test]
fn a_held_product_is_computed_once() {
    let (a, b) = (ints(40, 30, 6), ints(30, 20, 7));
    let p = a.matmul(&b).unwrap();
    tandem::reset_stats();
    let y = (&p + 1.0).eval().unwrap();
    let z = (&p * 2.0).eval().unwrap();
    let s = tandem::stats();
    assert_eq!(s.recomputed, 0, "{s:?}");
    let want = naive(
        &a.to_vec::<f64>().unwrap(),
        &b.to_vec::<f64>().unwrap(),
        40,
        30,
        20,
    );
    assert_eq!(
        y.to_vec::<f64>().unwrap(),
        want.iter().map(|x| x + 1.0).collect::<Vec<_>>()
    );
    assert_eq!(
        z.to_vec::<f64>().unwrap(),
        want.iter().map(|x| x * 2.0).collect::<Vec<_>>()
    );
    assert_eq!(p.to_vec::<f64>().unwrap(), want);
}

/// Two products in one expression: each heads a kernel of its own, and a
/// product read through a transpose is computed first; `explain()` says so.
#[test]
fn products_of_products_and_views_of_products() {
    let (a, b) = (ints(8, 8, 8), ints(8, 8, 9));
    let av = a.to_vec::<f64>().unwrap();
    let bv = b.to_vec::<f64>().unwrap();
    let ab = naive(&av, &bv, 8, 8, 8);
    let ba = naive(&bv, &av, 8, 8, 8);
    let s = a.matmul(&b).unwrap() + b.matmul(&a).unwrap();
    let want: Vec<f64> = ab.iter().zip(&ba).map(|(x, y)| x + y).collect();
    assert_eq!(s.to_vec::<f64>().unwrap(), want);
    let t = a.matmul(&b).unwrap().t() * 1.0;
    let text = t.explain();
    assert!(text.contains("matrix product"), "{text}");
    let want: Vec<f64> = (0..64).map(|i| ab[(i % 8) * 8 + i / 8]).collect();
    assert_eq!(t.to_vec::<f64>().unwrap(), want);
    // A product of a product.
    let abc = a.matmul(&b).unwrap().matmul(&a).unwrap();
    assert_eq!(abc.to_vec::<f64>().unwrap(), naive(&ab, &av, 8, 8, 8));
}
