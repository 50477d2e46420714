//! Runtime SIMD dispatch: run a closure compiled for the widest vector
//! extension the running CPU has (AVX-512, AVX2+FMA, NEON, or baseline).
//!
//! The inner loops of the CPU backend are plain `#[inline(always)]` slice
//! loops; inlined into one of the `#[target_feature]` trampolines below, LLVM
//! vectorises them for that extension. One portable binary thus uses
//! AVX-512 on this machine and AVX2 or SSE2 elsewhere. (The `pulp` crate
//! does the same, but its AVX-512 level needs a nightly compiler.)

use std::sync::OnceLock;

/// The vector extension the CPU backend dispatches to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimdLevel {
    /// x86-64 with AVX-512 F/BW/DQ/VL.
    Avx512,
    /// x86-64 with AVX2 and FMA.
    Avx2,
    /// AArch64 NEON (always present there).
    Neon,
    /// No extension beyond the target's baseline (SSE2 on x86-64).
    Baseline,
}

impl SimdLevel {
    /// Detects the level once per process.
    ///
    /// ```
    /// let level = tandem_cpu::simd::SimdLevel::detect();
    /// assert!(!level.name().is_empty());
    /// ```
    pub fn detect() -> SimdLevel {
        static LEVEL: OnceLock<SimdLevel> = OnceLock::new();
        *LEVEL.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            {
                if std::env::var_os("TANDEM_NO_AVX512").is_none()
                    && is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512bw")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                {
                    return SimdLevel::Avx512;
                }
                if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                    return SimdLevel::Avx2;
                }
            }
            #[cfg(target_arch = "aarch64")]
            {
                return SimdLevel::Neon;
            }
            #[allow(unreachable_code)]
            SimdLevel::Baseline
        })
    }

    /// A short name: `"avx512"`, `"avx2"`, `"neon"`, `"baseline"`.
    ///
    /// ```
    /// assert_eq!(tandem_cpu::simd::SimdLevel::Avx2.name(), "avx2");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            SimdLevel::Avx512 => "avx512",
            SimdLevel::Avx2 => "avx2",
            SimdLevel::Neon => "neon",
            SimdLevel::Baseline => "baseline",
        }
    }

    /// Bytes per vector register at this level.
    ///
    /// ```
    /// assert_eq!(tandem_cpu::simd::SimdLevel::Avx512.vector_bytes(), 64);
    /// ```
    pub fn vector_bytes(self) -> usize {
        match self {
            SimdLevel::Avx512 => 64,
            SimdLevel::Avx2 => 32,
            SimdLevel::Neon | SimdLevel::Baseline => 16,
        }
    }
}

/// Runs `f` compiled for the detected [`SimdLevel`]. `f` and everything it
/// inlines are vectorised for that level; keep the hot loops
/// `#[inline(always)]` so they are.
///
/// ```
/// let v = vec![1.0f32; 1000];
/// let s: f32 = tandem_cpu::simd::dispatch(|| v.iter().sum());
/// assert_eq!(s, 1000.0);
/// ```
#[inline(always)]
pub fn dispatch<R>(f: impl FnOnce() -> R) -> R {
    match SimdLevel::detect() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `detect` saw these features on this CPU at run time.
        SimdLevel::Avx512 => unsafe { with_avx512(f) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `detect` saw AVX2 and FMA on this CPU at run time.
        SimdLevel::Avx2 => unsafe { with_avx2(f) },
        _ => f(),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn with_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}
