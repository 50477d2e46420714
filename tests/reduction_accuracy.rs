//! Accuracy of long float reductions: `sum` and `mean` of 10^7 float32
//! values (uniform in [0, 1), and mixed signs and magnitudes) and of 10^7
//! float64 values, and `sum_axis(1)` of the float32 values as 10 rows of
//! 10^6, on every device, against the exact sum.
//!
//! The bound is NumPy's own error on the same data: tandem's absolute error
//! must not exceed the larger of NumPy's (pairwise summation) and 4 units in
//! the last place of the exact result in the result dtype.
//!
//! The data is generated here and by `scripts/fixtures/reductions.py` with
//! the same counter-based generator (splitmix64 of `seed + i`), so every
//! value is an integer multiple of `2^-frac_bits` and the exact sum is an
//! integer, computed here in `i128` and checked against the fixture's
//! (which proves both sides generated the same data).
//! `tests/fixtures/reductions/accuracy.json` holds NumPy's results and
//! errors.

#[macro_use]
mod common;

use common::*;
use tandem::prelude::*;

/// Units in the last place of the exact result allowed whatever NumPy does.
const ULPS: f64 = 4.0;

/// splitmix64 of `x` (the `splitmix64` of the fixture script).
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One dataset of accuracy.json.
struct Dataset {
    name: String,
    seed: u64,
    frac_bits: u32,
    first: Vec<f64>,
    exact_fixed: i128,
    numpy_sum: f64,
    numpy_sum_err: f64,
    numpy_mean: f64,
    numpy_mean_err: f64,
}

fn dataset(name: &str) -> (usize, Dataset) {
    let fx = load_reductions("accuracy.json");
    let n = fx["n"].as_u64().expect("n") as usize;
    let d = fx["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("accuracy.json has no dataset {name:?}"));
    let f = |k: &str| parse_float(&d[k]);
    let ds = Dataset {
        name: name.to_string(),
        seed: d["seed"].as_u64().expect("seed"),
        frac_bits: d["frac_bits"].as_u64().expect("frac_bits") as u32,
        first: d["first"]
            .as_array()
            .expect("first")
            .iter()
            .map(parse_float)
            .collect(),
        exact_fixed: d["exact_fixed"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("exact_fixed: a decimal string"),
        numpy_sum: f("numpy_sum"),
        numpy_sum_err: f("numpy_sum_abs_err"),
        numpy_mean: f("numpy_mean"),
        numpy_mean_err: f("numpy_mean_abs_err"),
    };
    (n, ds)
}

/// `x` as `m * 2^e` exactly (`m` odd or zero).
fn decompose(x: f64) -> (i128, i32) {
    assert!(x.is_finite(), "not finite: {x}");
    if x == 0.0 {
        return (0, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = (bits & ((1 << 52) - 1)) as i128;
    let (mut m, mut e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    };
    while m & 1 == 0 {
        m >>= 1;
        e += 1;
    }
    (if x < 0.0 { -m } else { m }, e)
}

/// `|x - s / (n 2^frac)|`, with the difference taken exactly.
fn abs_err(x: f64, n: i128, s: i128, frac: u32) -> f64 {
    let (m, e) = decompose(x);
    let k = e + frac as i32;
    let (num, extra) = if k >= 0 {
        (m * n * (1i128 << k) - s, 0)
    } else {
        (m * n - (s << -k), -k)
    };
    num.unsigned_abs() as f64 / n as f64 / 2f64.powi(frac as i32 + extra)
}

/// One unit in the last place of `v` in a format with `mantissa` bits
/// after the point (23 for float32, 52 for float64).
fn ulp(v: f64, mantissa: i32) -> f64 {
    2f64.powi(v.abs().log2().floor() as i32 - mantissa)
}

/// The float32 data of a dataset and its exact sum in units of 2^-frac_bits.
fn f32_data(ds: &Dataset, n: usize) -> (Vec<f32>, i128) {
    let mut exact = 0i128;
    let data: Vec<f32> = match ds.name.as_str() {
        "f32_uniform" => (0..n as u64)
            .map(|i| {
                let m = mix(ds.seed.wrapping_add(i)) >> 40;
                exact += m as i128;
                m as f32 * (1.0 / (1u64 << 24) as f32)
            })
            .collect(),
        "f32_mixed" => (0..n as u64)
            .map(|i| {
                let h = mix(ds.seed.wrapping_add(i));
                let m = (h >> 40) as i128;
                let e = ((h >> 8) & 31) as i32 - 16;
                let neg = h & 1 == 1;
                let fixed = m << (e + 16);
                exact += if neg { -fixed } else { fixed };
                let v = (m as f64) * 2f64.powi(e - 24);
                (if neg { -v } else { v }) as f32
            })
            .collect(),
        other => panic!("no float32 generator for {other:?}"),
    };
    (data, exact)
}

/// Runs `f`, asserting that the kernels it ran ran on the device of `info`
/// (so that each device's own summation is what is measured).
fn ran_on<T>(info: &tandem::DeviceInfo, f: impl FnOnce() -> T) -> T {
    tandem::reset_stats();
    let r = f();
    let s = tandem::stats();
    let here = info.device.to_string();
    assert!(
        s.total_kernels() > 0 && s.kernels_on(&here) == s.total_kernels(),
        "expected the reductions to run on {here}, got kernels {:?}",
        s.kernels
    );
    r
}

/// Checks the generated data against the fixture (first values, exact sum).
fn check_generated(ds: &Dataset, first: &[f64], exact: i128) {
    assert_eq!(
        first,
        &ds.first[..],
        "{}: the first generated values differ from the fixture's; the generators disagree",
        ds.name
    );
    assert_eq!(
        exact, ds.exact_fixed,
        "{}: the exact sum of the generated data differs from the fixture's; the generators disagree",
        ds.name
    );
}

fn check_f32_dataset(name: &str) {
    let (n, ds) = dataset(name);
    let (data, exact) = f32_data(&ds, n);
    let first: Vec<f64> = data[..ds.first.len()].iter().map(|&x| x as f64).collect();
    check_generated(&ds, &first, exact);
    let exact_sum = exact as f64 / 2f64.powi(ds.frac_bits as i32);
    let exact_mean = exact_sum / n as f64;
    // NumPy's recorded errors are right (a check of the fixture itself).
    let np_sum_err = abs_err(ds.numpy_sum, 1, exact, ds.frac_bits);
    let np_mean_err = abs_err(ds.numpy_mean, n as i128, exact, ds.frac_bits);
    assert!(
        (np_sum_err - ds.numpy_sum_err).abs() <= 1e-9 * np_sum_err.max(1e-30)
            && (np_mean_err - ds.numpy_mean_err).abs() <= 1e-9 * np_mean_err.max(1e-30),
        "{name}: NumPy's recorded errors do not match its recorded results"
    );
    let sum_bound = ds.numpy_sum_err.max(ULPS * ulp(exact_sum, 23));
    let mean_bound = ds.numpy_mean_err.max(ULPS * ulp(exact_mean, 23));
    let host = Array::from_vec(data, &[n]).unwrap();
    let mut failures = Vec::new();
    for_each_device(|info| {
        let a = on(info, &host).eval().unwrap();
        let l = label(info);
        let (s, m) = ran_on(info, || (a.sum().eval().unwrap(), a.mean().eval().unwrap()));
        assert_eq!(s.dtype(), DType::F32, "sum of float32 on {l}");
        assert_eq!(m.dtype(), DType::F32, "mean of float32 on {l}");
        let s = s.item::<f32>().unwrap() as f64;
        let m = m.item::<f32>().unwrap() as f64;
        let (es, em) = if s.is_finite() && m.is_finite() {
            (
                abs_err(s, 1, exact, ds.frac_bits),
                abs_err(m, n as i128, exact, ds.frac_bits),
            )
        } else {
            (f64::INFINITY, f64::INFINITY)
        };
        if es > sum_bound {
            failures.push(format!(
                "{name} sum on {l}: {s} vs exact {exact_sum}: error {es:e} > bound {sum_bound:e} (NumPy's error {:e}, {ULPS} ulp = {:e})",
                ds.numpy_sum_err,
                ULPS * ulp(exact_sum, 23)
            ));
        }
        if em > mean_bound {
            failures.push(format!(
                "{name} mean on {l}: {m} vs exact {exact_mean}: error {em:e} > bound {mean_bound:e} (NumPy's error {:e})",
                ds.numpy_mean_err
            ));
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 10^7 float32 values in [0, 1): `sum` and `mean` as accurate as NumPy's.
#[test]
fn float32_uniform_sum_and_mean() {
    check_f32_dataset("f32_uniform");
}

/// 10^7 float32 values of both signs over 2^-16 .. 2^16: `sum` and `mean`
/// as accurate as NumPy's.
#[test]
fn float32_mixed_magnitudes_sum_and_mean() {
    check_f32_dataset("f32_mixed");
}

/// 10^7 float64 values in [0, 1): `sum` and `mean` as accurate as NumPy's.
#[test]
fn float64_uniform_sum_and_mean() {
    let (n, ds) = dataset("f64_uniform");
    let mut exact = 0i128;
    let data: Vec<f64> = (0..n as u64)
        .map(|i| {
            let k = mix(ds.seed.wrapping_add(i)) >> 11;
            exact += k as i128;
            k as f64 * 2f64.powi(-53)
        })
        .collect();
    check_generated(&ds, &data[..ds.first.len()], exact);
    let exact_sum = exact as f64 / 2f64.powi(53);
    let exact_mean = exact_sum / n as f64;
    let sum_bound = ds.numpy_sum_err.max(ULPS * ulp(exact_sum, 52));
    let mean_bound = ds.numpy_mean_err.max(ULPS * ulp(exact_mean, 52));
    let host = Array::from_vec(data, &[n]).unwrap();
    let mut failures = Vec::new();
    for_each_device(|info| {
        let a = on(info, &host).eval().unwrap();
        let l = label(info);
        let (s, m) = ran_on(info, || (a.sum().eval().unwrap(), a.mean().eval().unwrap()));
        assert_eq!(s.dtype(), DType::F64, "sum of float64 on {l}");
        assert_eq!(m.dtype(), DType::F64, "mean of float64 on {l}");
        let s = s.item::<f64>().unwrap();
        let m = m.item::<f64>().unwrap();
        let es = if s.is_finite() {
            abs_err(s, 1, exact, 53)
        } else {
            f64::INFINITY
        };
        let em = if m.is_finite() {
            abs_err(m, n as i128, exact, 53)
        } else {
            f64::INFINITY
        };
        if es > sum_bound {
            failures.push(format!(
                "f64 sum on {l}: {s} vs exact {exact_sum}: error {es:e} > bound {sum_bound:e} (NumPy's error {:e}, NumPy's sum {})",
                ds.numpy_sum_err, ds.numpy_sum
            ));
        }
        if em > mean_bound {
            failures.push(format!(
                "f64 mean on {l}: {m} vs exact {exact_mean}: error {em:e} > bound {mean_bound:e} (NumPy's error {:e}, NumPy's mean {})",
                ds.numpy_mean_err, ds.numpy_mean
            ));
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// NumPy's `pairwise_sum` for float32 (numpy/_core/src/umath/loops_utils.h):
/// sequential below 8 values, 8 accumulators up to 128, else the halves
/// (the first a multiple of 8) summed recursively; all in float32.
fn numpy_pairwise_f32(v: &[f32]) -> f32 {
    let n = v.len();
    if n < 8 {
        // NumPy starts from -0.0 for an empty run; a sum of a row is never empty here.
        let mut s = -0.0f32;
        for &x in v {
            s += x;
        }
        s
    } else if n <= 128 {
        let mut r = [0f32; 8];
        r.copy_from_slice(&v[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for (k, acc) in r.iter_mut().enumerate() {
                *acc += v[i + k];
            }
            i += 8;
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &v[i..] {
            s += x;
        }
        s
    } else {
        let half = (n / 2) - (n / 2) % 8;
        numpy_pairwise_f32(&v[..half]) + numpy_pairwise_f32(&v[half..])
    }
}

/// The 10^7 uniform float32 values as 10 rows of 10^6: `sum_axis(1)` of
/// each row on every device (the GPU's row reduction included) as accurate
/// as NumPy's pairwise sum of that row (reproduced above), or 4 ulp.
#[test]
fn float32_row_sums_as_accurate_as_numpy_pairwise() {
    let (n, ds) = dataset("f32_uniform");
    let (data, exact) = f32_data(&ds, n);
    let first: Vec<f64> = data[..ds.first.len()].iter().map(|&x| x as f64).collect();
    check_generated(&ds, &first, exact);
    let rows = 10usize;
    let cols = n / rows;
    assert_eq!(rows * cols, n);
    // Each row's exact sum in units of 2^-24 (the values are m · 2^-24).
    let row_exact: Vec<i128> = data
        .chunks(cols)
        .map(|r| r.iter().map(|&x| (x as f64 * 2f64.powi(24)) as i128).sum())
        .collect();
    let bounds: Vec<f64> = data
        .chunks(cols)
        .zip(&row_exact)
        .map(|(r, &e)| {
            let numpy = abs_err(numpy_pairwise_f32(r) as f64, 1, e, 24);
            numpy.max(ULPS * ulp(e as f64 / 2f64.powi(24), 23))
        })
        .collect();
    let host = Array::from_vec(data, &[rows, cols]).unwrap();
    let mut failures = Vec::new();
    for_each_device(|info| {
        let a = on(info, &host).eval().unwrap();
        let sums = ran_on(info, || a.sum_axis(1, false).unwrap().eval().unwrap());
        let got = sums.to_vec::<f32>().unwrap();
        for (r, ((&g, &e), &bound)) in got.iter().zip(&row_exact).zip(&bounds).enumerate() {
            let err = abs_err(g as f64, 1, e, 24);
            if err > bound {
                failures.push(format!(
                    "row {r} on {}: error {err:e} > bound {bound:e}",
                    label(info)
                ));
            }
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
