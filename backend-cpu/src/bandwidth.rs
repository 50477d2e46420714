//! A STREAM-style measurement of this machine's memory bandwidth, with the
//! CPU backend's own thread pool and SIMD dispatch: the ceiling the
//! bandwidth-bound kernels are reported against (`benches/compare.rs`,
//! `tandem bench`), measured in the same run as they are.

use rayon::prelude::*;
use std::time::Instant;

/// Bytes per second of a read (a sum) and of a triad (`a = b + 3c`) over
/// `n` f32 on all threads; the best of `repeat` runs after a warm-up. The
/// triad is timed with ordinary stores and, where the CPU has them, with
/// streaming stores (as STREAM is built for its best figure: no
/// read-for-ownership of `a`), and the faster counts: the ceiling is what
/// the machine can do, not what one way of storing gets.
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
    let triad_streaming = best(&mut || {
        a.par_chunks_mut(chunk)
            .zip(b.par_chunks(chunk))
            .zip(c.par_chunks(chunk))
            .for_each(|((a, b), c)| triad_streaming(a, b, c));
        std::hint::black_box(&a);
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
    let triad = triad.min(triad_streaming);
    ((n * 4) as f64 / read, (3 * n * 4) as f64 / triad)
}

/// `a = b + 3c`, with streaming stores for the 32-byte-aligned middle of
/// `a` where AVX has them (ordinary stores elsewhere).
fn triad_streaming(a: &mut [f32], b: &[f32], c: &[f32]) {
    assert!(
        a.len() == b.len() && a.len() == c.len(),
        "triad of unequal lengths"
    );
    let scalar = |a: &mut [f32], b: &[f32], c: &[f32]| {
        for ((a, &b), &c) in a.iter_mut().zip(b).zip(c) {
            *a = b + 3.0 * c;
        }
    };
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        let head = a.as_ptr().align_offset(32).min(a.len());
        let body = (a.len() - head) / 8 * 8;
        let (a_head, rest) = a.split_at_mut(head);
        let (a_body, a_tail) = rest.split_at_mut(body);
        scalar(a_head, &b[..head], &c[..head]);
        // SAFETY: AVX was detected just above; `a_body` starts 32-byte
        // aligned and is whole vectors long; `b` and `c` cover it.
        unsafe { triad_avx(a_body, &b[head..head + body], &c[head..head + body]) };
        scalar(a_tail, &b[head + body..], &c[head + body..]);
        return;
    }
    scalar(a, b, c)
}

/// # Safety
///
/// AVX must be available, `a` 32-byte aligned and a whole number of
/// vectors long, and `b`, `c` at least as long as `a`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn triad_avx(a: &mut [f32], b: &[f32], c: &[f32]) {
    use std::arch::x86_64::*;
    let three = _mm256_set1_ps(3.0);
    for i in (0..a.len()).step_by(8) {
        // SAFETY: `i + 8 <= a.len() <= b.len(), c.len()` (whole vectors), and
        // `a`'s vector at `i` is 32-byte aligned (the caller's contract).
        unsafe {
            let v = _mm256_add_ps(
                _mm256_loadu_ps(b.as_ptr().add(i)),
                _mm256_mul_ps(three, _mm256_loadu_ps(c.as_ptr().add(i))),
            );
            _mm256_stream_ps(a.as_mut_ptr().add(i), v);
        }
    }
    _mm_sfence();
}
