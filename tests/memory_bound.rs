//! A loop that accumulates without ever reading its result must not grow
//! memory without bound: the lazy graph is cut (forced) at a fixed depth,
//! and forced nodes release what they were computed from. One test per
//! binary, because it watches process-wide live bytes.

use tandem::prelude::*;

#[test]
fn ten_thousand_step_accumulation_stays_within_a_fixed_memory_bound() {
    let n = 4096;
    let base = tandem::buffer::live_bytes();
    let mut acc = Array::zeros(&[n], DType::F32);
    let mut peak = 0;
    for step in 0..10_000 {
        // A new data array every step: unbounded growth would keep all of them.
        let x = Array::full(&[n], step as f32 * 1e-3).eval().unwrap();
        acc = &acc + &x;
        peak = peak.max(tandem::buffer::live_bytes().saturating_sub(base));
    }
    let bound = 300 * n * 4;
    assert!(
        peak < bound,
        "live host memory peaked at {peak} bytes (bound {bound}): the graph is not being cut"
    );
    let total: f64 = (0..10_000).map(|s| (s as f32 * 1e-3) as f64).sum();
    let got = acc.get(&[0]).unwrap().to_f64();
    assert!((got - total).abs() / total < 1e-3, "{got} vs {total}");
}
