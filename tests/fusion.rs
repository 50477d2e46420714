//! Fusion, seen through `tandem::stats()` (per-thread counters): whole
//! expressions run as one kernel on every device, shared subexpressions are
//! read once, reductions absorb the expression that feeds them, and forcing
//! twice does nothing.

mod common;

use common::{for_each_device, on};
use tandem::prelude::*;

fn inputs(n: usize) -> [Array; 4] {
    [0.0, 1.0, 2.0, 3.0].map(|lo| Array::linspace(lo, lo + 1.0, n, DType::F32).eval().unwrap())
}

#[test]
fn two_products_and_a_sum_are_one_kernel_on_every_device() {
    for_each_device(|info| {
        let [a, b, c, d] = inputs(10_000).map(|x| on(info, &x));
        tandem::reset_stats();
        let y = (&a * &b + &c * &d).eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 1, "on {}: {s:?}", info.name);
        assert_eq!(
            s.allocations, 1,
            "only the result is allocated on {}: {s:?}",
            info.name
        );
        let want: Vec<f32> = (0..10_000)
            .map(|i| {
                let v = |x: &Array| x.get(&[i as isize]).unwrap().to_f64() as f32;
                v(&a) * v(&b) + v(&c) * v(&d)
            })
            .take(5)
            .collect();
        assert_eq!(
            &y.to_vec::<f32>().unwrap()[..5],
            &want[..],
            "values on {}",
            info.name
        );
    });
}

#[test]
fn a_reduction_absorbs_its_producer() {
    for_each_device(|info| {
        let [a, b, _, _] = inputs(100_000).map(|x| on(info, &x));
        tandem::reset_stats();
        let dot = (&a * &b).sum().eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 1, "on {}: {s:?}", info.name);
        assert!(
            s.allocated_bytes < 100_000 * 4,
            "no full-size temporary on {}: {s:?}",
            info.name
        );
        let want: f64 = (0..100_000)
            .map(|i| {
                let t = i as f64 / 99_999.0;
                (t as f32 as f64) * ((1.0 + t) as f32 as f64)
            })
            .sum();
        let got = dot.item::<f32>().unwrap() as f64;
        assert!(
            (got - want).abs() / want < 1e-5,
            "{got} vs {want} on {}",
            info.name
        );
    });
}

#[test]
fn shared_subexpressions_read_their_inputs_once() {
    let n = 50_000;
    let [a, b, _, _] = inputs(n);
    // `t` is a temporary here: nobody holds it once `y` is built.
    let y = {
        let t = &a * &b;
        &t + &t.sin()
    };
    let plan = y.explain();
    assert_eq!(
        plan.matches("= mul").count(),
        1,
        "t is one instruction:\n{plan}"
    );
    tandem::reset_stats();
    y.eval().unwrap();
    let s = tandem::stats();
    assert_eq!(s.total_kernels(), 1, "{s:?}");
    assert_eq!(
        s.bytes_read,
        (2 * n * 4) as u64,
        "a and b read once each, t computed once: {s:?}"
    );
    assert_eq!(s.bytes_written, (n * 4) as u64, "t never touches memory");
}

#[test]
fn a_held_intermediate_is_stored_by_the_same_kernel_and_never_recomputed() {
    let n = 50_000;
    let [a, b, _, _] = inputs(n);
    let t = &a * &b; // held: the program may read it again
    let y = &t + &t.sin();
    tandem::reset_stats();
    y.eval().unwrap();
    let s = tandem::stats();
    assert_eq!(s.total_kernels(), 1, "{s:?}");
    assert_eq!(s.bytes_read, (2 * n * 4) as u64, "{s:?}");
    assert_eq!(
        s.bytes_written,
        (2 * n * 4) as u64,
        "y and t stored in the same pass: {s:?}"
    );
    assert_eq!(s.kept, 1, "{s:?}");
    tandem::reset_stats();
    let z = (&t * 2.0).eval().unwrap();
    let s = tandem::stats();
    assert_eq!(s.recomputed, 0, "{s:?}");
    assert_eq!(
        s.bytes_read,
        (n * 4) as u64,
        "z reads t, not a and b: {s:?}"
    );
    assert_eq!(
        z.get(&[7]).unwrap().to_f64(),
        t.get(&[7]).unwrap().to_f64() * 2.0
    );
}

#[test]
fn held_values_are_extra_outputs_on_every_device() {
    for_each_device(|info| {
        let n = 5000;
        let [a, b, c, _] = inputs(n).map(|x| on(info, &x));
        let t = &a * &b; // held: stored by the kernel computing y
        let m = (&t - &c).abs(); // held too
        let y = &m + &t;
        tandem::reset_stats();
        let y = y.eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 1, "on {}: {s:?}", info.name);
        assert_eq!(s.kept, 2, "on {}: {s:?}", info.name);
        tandem::reset_stats();
        let z = (&t + &m).eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.recomputed, 0, "on {}: {s:?}", info.name);
        assert_eq!(s.bytes_read, (2 * n * 4) as u64, "reads t and m: {s:?}");
        let (y, z) = (y.to_vec::<f32>().unwrap(), z.to_vec::<f32>().unwrap());
        assert_eq!(y, z, "on {}", info.name);
        let (a, b, c) = (
            a.to_vec::<f32>().unwrap(),
            b.to_vec::<f32>().unwrap(),
            c.to_vec::<f32>().unwrap(),
        );
        for i in [0, 1, n / 2, n - 1] {
            let t = a[i] * b[i];
            assert_eq!(y[i], (t - c[i]).abs() + t, "element {i} on {}", info.name);
        }
    });
}

#[test]
fn forcing_twice_does_nothing_the_second_time() {
    let [a, b, _, _] = inputs(1000);
    let y = (&a - &b).abs();
    y.eval().unwrap();
    tandem::reset_stats();
    y.eval().unwrap();
    let _ = y.to_vec::<f32>().unwrap();
    let s = tandem::stats();
    assert_eq!(s.total_kernels(), 0, "{s:?}");
    assert_eq!(s.allocations, 0, "{s:?}");
}

#[test]
fn views_and_broadcasts_fuse_into_the_kernel() {
    let m = Array::linspace(0.0, 1.0, 64 * 32, DType::F32)
        .reshape(&[64, 32])
        .unwrap()
        .eval()
        .unwrap();
    let row = Array::linspace(0.0, 1.0, 64, DType::F32).eval().unwrap();
    tandem::reset_stats();
    let y = (m.t() * 2.0 + &row)
        .slice(s![..;-1, 1..])
        .unwrap()
        .eval()
        .unwrap();
    assert_eq!(tandem::stats().total_kernels(), 1, "{:?}", tandem::stats());
    assert_eq!(y.shape(), &[32, 63]);
    let want =
        m.get(&[1, 31]).unwrap().to_f64() as f32 * 2.0 + row.get(&[1]).unwrap().to_f64() as f32;
    assert_eq!(y.get(&[0, 0]).unwrap(), Scalar::F32(want));
}

#[test]
fn a_reduction_over_a_small_computed_expression() {
    // Regression: a small kernel ending in a reduction over a computed value.
    let a = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    assert_eq!((&a * 2.0).sum().item::<f32>().unwrap(), 20.0);
    assert_eq!(
        (&a + 1.0)
            .sum_axis(1, false)
            .unwrap()
            .to_vec::<f32>()
            .unwrap(),
        vec![5.0, 9.0]
    );
    assert_eq!(
        (&a - 1.0)
            .max_axis(0, false)
            .unwrap()
            .to_vec::<f32>()
            .unwrap(),
        vec![2.0, 3.0]
    );
}

/// Whether the CPU backend compiles kernels here (x86-64 with AVX, and
/// not turned off).
fn cpu_jit_expected() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
            && std::env::var("TANDEM_CPU_JIT").map_or(true, |v| v.trim() != "0")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[test]
fn explain_says_how_the_cpu_runs_each_kernel() {
    let [a, b, c, _] = inputs(10_000);
    let arith = (&a * &b + c.clip(0.0, 1.0).unwrap()).explain();
    let dot = (&a * &b).sum().explain();
    let sin = a.sin().explain();
    if !arith.contains(" on cpu ") {
        return; // a hardware GPU took it: nothing to say about the CPU
    }
    assert!(sin.contains("interpreted in blocks"), "{sin}");
    if cpu_jit_expected() {
        assert!(
            arith.contains("compiled: one register-fused AVX loop"),
            "{arith}"
        );
        assert!(
            dot.contains("compiled: computed and summed in one AVX loop"),
            "{dot}"
        );
        assert!(sin.contains("`sin` is not compiled"), "{sin}");
    } else {
        assert!(arith.contains("interpreted in blocks"), "{arith}");
        assert!(sin.contains("JIT"), "says why nothing is compiled: {sin}");
    }
}
