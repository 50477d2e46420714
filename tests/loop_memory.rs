//! A loop that never reads its state runs in bounded memory: the lazy graph
//! is cut into kernels as it grows, and each kernel's inputs are freed once
//! its result replaces them. Alone in its test binary, because the counter
//! it reads (`tandem::buffer::live_bytes`) is process-wide.

use tandem::prelude::*;

#[test]
fn live_memory_stays_flat_across_a_long_lazy_loop() {
    let n = 1 << 14;
    let c = Array::linspace(-0.5, 0.5, n, DType::F32) * 0.1;
    let c = c.eval().unwrap();
    let mut z = Array::zeros(&[n], DType::F32);
    let before = tandem::buffer::live_bytes();
    let mut peak = before;
    for i in 0..3000 {
        z = &z * &z + &c;
        if i % 100 == 0 {
            peak = peak.max(tandem::buffer::live_bytes());
        }
    }
    let z = z.eval().unwrap();
    let after = tandem::buffer::live_bytes();
    // At any time: c, the current state and at most a kernel's output.
    assert!(
        peak <= before + 3 * n * 4,
        "live bytes grew from {before} to {peak} during the loop"
    );
    assert!(after <= before + n * 4, "{before} -> {after}");
    assert!(z.to_vec::<f32>().unwrap().iter().all(|v| v.is_finite()));
}
