//! The x86-64 min/max scans (`scan_x86.rs`) against the portable search
//! (`extreme.rs`), on every SIMD level this machine has. A sibling of both,
//! so the scan module itself depends on neither.

use super::scan_x86::*;
use crate::reduce::extreme;
use crate::simd::SimdLevel;

/// Values with ties, both zeros, infinities and NaNs: `mix(i)` picks one.
fn value(h: u64) -> f64 {
    match h % 16 {
        0 => f64::NAN,
        1 => 0.0,
        2 => -0.0,
        3 => f64::INFINITY,
        4 => f64::NEG_INFINITY,
        k => (k as f64 - 9.0) * 0.5,
    }
}

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 31)
}

/// Both levels this CPU has agree with the portable search, for every
/// rule, on every length up to a few steps, from every seed position
/// of a short run.
fn agree<A2, A5, T>(to: impl Fn(f64) -> T, nans: bool)
where
    A2: Lanes<E = T>,
    A5: Lanes<E = T>,
    T: crate::reduce::red::Red + std::fmt::Debug,
{
    let level = SimdLevel::detect();
    for len in 1..150usize {
        let v: Vec<T> = (0..len as u64)
            .map(|i| {
                let x = value(mix(i * 31 + len as u64));
                to(if x.is_nan() && !nans { 1.5 } else { x })
            })
            .collect();
        let Some(seed) = v.iter().position(|x| !x.is_nan()) else {
            continue;
        };
        macro_rules! check {
            ($max:literal, $nan:literal) => {{
                let want = extreme::scan::<T, $max, $nan>(&v, seed);
                let same = |got: (T, usize)| {
                    got.1 == want.1 && (got.0 == want.0 || (got.0.is_nan() && want.0.is_nan()))
                };
                if matches!(level, SimdLevel::Avx2 | SimdLevel::Avx512) {
                    // SAFETY: AVX2 is there; seed < len < 2^31.
                    let got = unsafe { scan_avx2::<A2, $max, $nan>(&v, seed) };
                    assert!(
                        same(got),
                        "avx2 {len} {}: {got:?} vs {want:?}",
                        stringify!($max)
                    );
                }
                if level == SimdLevel::Avx512 {
                    // SAFETY: AVX-512 is there; seed < len < 2^31.
                    let got = unsafe { scan_avx512::<A5, $max, $nan>(&v, seed) };
                    assert!(
                        same(got),
                        "avx512 {len} {}: {got:?} vs {want:?}",
                        stringify!($max)
                    );
                }
            }};
        }
        check!(true, true);
        check!(true, false);
        check!(false, true);
        check!(false, false);
    }
}

#[test]
fn every_level_agrees_with_the_portable_search() {
    agree::<F32x8, F32x16, f32>(|x| x as f32, true);
    agree::<F64x4, F64x8, f64>(|x| x, true);
    let int = |x: f64| {
        if x.is_finite() {
            x * 2.0
        } else {
            x.signum() * 1e9
        }
    };
    agree::<I32x8, I32x16, i32>(|x| int(x) as i32, false);
    agree::<I64x4, I64x8, i64>(|x| int(x) as i64 * (1 << 32), false);
    // Unsigned: values above 2^31 too, where a signed compare would err.
    agree::<U32x8, U32x16, u32>(|x| (int(x) as i64 + (1 << 31)) as u32, false);
}
