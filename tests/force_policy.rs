//! The force policy, seen through `tandem::stats()` (per-thread counters):
//! a value the program holds is computed once however many later forces
//! read it; a value nobody holds never touches memory; a loop costs work
//! linear in its iterations, in bounded memory; a repeated force reuses its
//! plan. Counts (kernels, bytes, allocations), never times.

use tandem::prelude::*;

fn ramp(n: usize, lo: f64) -> Array {
    Array::linspace(lo, lo + 1.0, n, DType::F32)
        .to_device(Device::Cpu)
        .unwrap()
}

/// Runs `f`. The inputs live on the host and these sizes are the CPU's
/// under `Auto` (a software GPU is never picked on its own, and placement
/// has its own tests); the default device is process-wide, so these tests
/// leave it alone rather than race each other over it.
fn on_cpu<T>(f: impl FnOnce() -> T) -> T {
    f()
}

#[test]
fn a_held_value_read_by_two_later_forces_is_computed_once() {
    on_cpu(|| {
        let n = 4096;
        let (a, b) = (ramp(n, 0.0), ramp(n, 1.0));
        let t = (&a * &b).sin(); // held by the program
        tandem::reset_stats();
        let u = (&t + 1.0).eval().unwrap();
        let v = (&t * 2.0).eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.recomputed, 0, "{s:?}");
        assert_eq!(s.total_kernels(), 2, "{s:?}");
        assert_eq!(s.kept, 1, "t is stored by u's kernel: {s:?}");
        // u's kernel reads a and b and writes u and t; v's reads t, writes v.
        assert_eq!(s.bytes_read, (3 * n * 4) as u64, "{s:?}");
        assert_eq!(s.bytes_written, (3 * n * 4) as u64, "{s:?}");
        let (t, u, v) = (
            t.to_vec::<f32>().unwrap(),
            u.to_vec::<f32>().unwrap(),
            v.to_vec::<f32>().unwrap(),
        );
        assert!((0..n).all(|i| u[i] == t[i] + 1.0 && v[i] == t[i] * 2.0));
    });
}

#[test]
fn a_value_nobody_holds_is_never_materialised() {
    on_cpu(|| {
        let n = 10_000;
        let (a, b, c) = (ramp(n, 0.0), ramp(n, 1.0), ramp(n, 2.0));
        let y = {
            let t = (&a * &b).exp(); // dropped before the force
            &t * &c + &t
        };
        tandem::reset_stats();
        y.eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 1, "{s:?}");
        assert_eq!(s.allocations, 1, "only the result: {s:?}");
        assert_eq!(s.bytes_written, (n * 4) as u64, "{s:?}");
        assert_eq!(s.kept, 0, "{s:?}");
    });
}

#[test]
fn a_held_value_under_reductions_is_learned_and_then_computed_once_per_iteration() {
    on_cpu(|| {
        let (rows, cols) = (64, 256);
        let x = ramp(rows * cols, 0.0)
            .reshape(&[rows as isize, cols as isize])
            .unwrap();
        tandem::reset_stats();
        for _ in 0..5 {
            let m = x.mean_axis(1, true).unwrap();
            let d = (&x - &m).exp(); // held; read by two reductions, forced apart
            let total = d.sum_axis(1, false).unwrap().to_vec::<f32>().unwrap();
            let peak = d.max_axis(1, false).unwrap().to_vec::<f32>().unwrap();
            assert!(total.iter().zip(&peak).all(|(t, p)| t >= p));
        }
        let s = tandem::stats();
        assert_eq!(
            s.recomputed, 1,
            "d is computed twice in the first iteration only: {s:?}"
        );
    });
}

#[test]
fn a_thousand_iteration_loop_does_linear_work() {
    on_cpu(|| {
        let n = 2048;
        let c = ramp(n, -0.5) * 0.1;
        let run = |iterations: usize| {
            let mut z = Array::zeros(&[n], DType::F32);
            tandem::reset_stats();
            for _ in 0..iterations {
                z = &z * &z + &c;
            }
            let z = z.eval().unwrap();
            (tandem::stats(), z)
        };
        let (s500, _) = run(500);
        let (s1000, z) = run(1000);
        // Work proportional to the iterations: the loop is cut into
        // kernels of bounded size, each the same plan.
        let (k500, k1000) = (s500.total_kernels(), s1000.total_kernels());
        assert!(
            k1000 >= 2 * k500 - 1 && k1000 <= 2 * k500 + 1,
            "{k500} vs {k1000}"
        );
        assert!(
            k1000 <= 1000 / 20,
            "fused, not one kernel per iteration: {s1000:?}"
        );
        assert!(s1000.bytes_written <= k1000 * (n * 4) as u64, "{s1000:?}");
        assert!(s1000.plan_cache_hits + 2 >= s1000.forces, "{s1000:?}");
        assert_eq!(s1000.recomputed, 0, "{s1000:?}");
        // (Live memory across the loop is checked in tests/loop_memory.rs,
        // alone in its binary: the counter is process-wide.)
        // Same values as evaluating every iteration.
        let mut e = Array::zeros(&[n], DType::F32);
        for _ in 0..1000 {
            e = (&e * &e + &c).eval().unwrap();
        }
        assert_eq!(z.to_vec::<f32>().unwrap(), e.to_vec::<f32>().unwrap());
    });
}

#[test]
fn a_masked_loop_forces_its_state_together() {
    // Mandelbrot's inner loop: three state arrays that read each other.
    on_cpu(|| {
        let n = 4096;
        let cr = ramp(n, -2.0) * 2.5;
        let ci = ramp(n, -1.0) * 0.0 + 0.3;
        let (mut zr, mut zi) = (
            Array::zeros(&[n], DType::F32),
            Array::zeros(&[n], DType::F32),
        );
        let mut count = Array::zeros(&[n], DType::F32);
        tandem::reset_stats();
        let iterations = 200;
        for _ in 0..iterations {
            let inside = (&zr * &zr + &zi * &zi).le(4.0).unwrap();
            let nzr = &zr * &zr - &zi * &zi + &cr;
            let nzi = &zr * &zi * 2.0 + &ci;
            zr = Array::where_(&inside, &nzr, &zr).unwrap();
            zi = Array::where_(&inside, &nzi, &zi).unwrap();
            count = &count + inside.astype(DType::F32);
        }
        let got = count.to_vec::<f32>().unwrap();
        let s = tandem::stats();
        assert!(
            s.total_kernels() <= (iterations / 10) as u64,
            "the state is forced together, many iterations per kernel: {s:?}"
        );
        assert_eq!(s.recomputed, 0, "{s:?}");
        // Reference: scalar f32 loop.
        let (crv, civ) = (cr.to_vec::<f32>().unwrap(), ci.to_vec::<f32>().unwrap());
        for i in (0..n).step_by(97) {
            let (mut x, mut y, mut k) = (0f32, 0f32, 0f32);
            for _ in 0..iterations {
                let inside = x * x + y * y <= 4.0;
                let (nx, ny) = (x * x - y * y + crv[i], x * y * 2.0 + civ[i]);
                if inside {
                    x = nx;
                    y = ny;
                    k += 1.0;
                }
            }
            assert_eq!(got[i], k, "element {i}");
        }
    });
}

#[test]
fn a_lazy_stencil_computes_each_step_once() {
    on_cpu(|| {
        let n = 1000;
        let mut u = ramp(n, 0.0).sin();
        tandem::reset_stats();
        let steps = 50;
        for _ in 0..steps {
            // Each step reads the previous one at three positions.
            let l = u.slice(s![..-2]).unwrap();
            let m = u.slice(s![1..-1]).unwrap();
            let r = u.slice(s![2..]).unwrap();
            u = (&l + &m * 2.0 + &r) * 0.25;
        }
        let got = u.to_vec::<f32>().unwrap();
        let s = tandem::stats();
        assert!(
            s.total_kernels() <= steps as u64 + 3,
            "one kernel per step, not a blow-up: {s:?}"
        );
        assert_eq!(got.len(), n - 2 * steps);
    });
}

#[test]
fn a_repeated_small_force_reuses_its_plan() {
    on_cpu(|| {
        let (a, b) = (ramp(1000, 0.0), ramp(1000, 1.0));
        (&a * 2.0 + &b).eval().unwrap();
        tandem::reset_stats();
        for k in 0..100 {
            // New constants each time: the plan is the same.
            (&a * (k as f64) + &b).eval().unwrap();
        }
        let s = tandem::stats();
        assert_eq!(s.plan_cache_hits, 100, "{s:?}");
        assert_eq!(s.plan_cache_misses, 0, "{s:?}");
    });
}

#[test]
fn explain_says_which_values_are_kept_and_why() {
    on_cpu(|| {
        let (a, b) = (ramp(100, 0.0), ramp(100, 1.0));
        let t = (&a * &b).exp();
        let y = &t + 1.0;
        let plan = y.explain();
        assert!(plan.contains("the value asked for"), "{plan}");
        assert!(plan.contains("kept: the program still holds it"), "{plan}");
        drop(t);
        let plan = y.explain();
        assert!(!plan.contains("kept"), "{plan}");
    });
}
