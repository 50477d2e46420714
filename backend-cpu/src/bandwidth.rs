//! A STREAM-style measurement of this machine's memory bandwidth, with the
//! CPU backend's own thread pool and SIMD dispatch: the ceiling the
//! bandwidth-bound kernels are reported against (`benches/compare.rs`,
//! `tandem bench`), measured in the same run as they are.

use rayon::prelude::*;
use std::time::Instant;

/// Bytes per second of a read (a sum) and of a triad (`a = b + 3c`) over
/// `n` f32 on all threads; the best of `repeat` runs after a warm-up.
///
/// ```
/// let (read, triad) = tandem_cpu::bandwidth::stream(1 << 16, 2);
/// assert!(read > 0.0 && triad > 0.0);
/// ```
pub fn stream(n: usize, repeat: usize) -> (f64, f64) {
    let b = vec![1.0f32; n];
    let c = vec![2.0f32; n];
    let mut a = vec![0.0f32; n];
    let chunk = n.div_ceil(rayon::current_num_threads() * 4).max(64);
    let best = |f: &mut dyn FnMut()| {
        f();
        (0..repeat.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let read = best(&mut || {
        let s: f32 = b
            .par_chunks(chunk)
            .map(|x| {
                // 64 independent lanes: bound by memory, not by add latency.
                crate::simd::dispatch(
                    #[inline(always)]
                    || {
                        let mut acc = [0.0f32; 64];
                        for c in x.chunks_exact(64) {
                            let c: &[f32; 64] = c.try_into().expect("chunks of 64");
                            for j in 0..64 {
                                acc[j] += c[j];
                            }
                        }
                        acc.iter().sum::<f32>()
                    },
                )
            })
            .sum();
        std::hint::black_box(s);
    });
    let triad = best(&mut || {
        a.par_chunks_mut(chunk)
            .zip(b.par_chunks(chunk))
            .zip(c.par_chunks(chunk))
            .for_each(|((a, b), c)| {
                crate::simd::dispatch(
                    #[inline(always)]
                    || {
                        for ((a, &b), &c) in a.iter_mut().zip(b).zip(c) {
                            *a = b + 3.0 * c;
                        }
                    },
                )
            });
        std::hint::black_box(&a);
    });
    ((n * 4) as f64 / read, (3 * n * 4) as f64 / triad)
}
