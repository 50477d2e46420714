//! Distances in units in the last place (ULP) between floats, the measure
//! the accuracy tests of every crate state their tolerances in (the facade's
//! fixture comparisons in `tests/common/` and op-table test, vmath's sweeps,
//! the GPU backend's elementwise and transcendental tests). One definition,
//! so "within 2 ULP" means the same everywhere.
//!
//! - [`ulps_f64`], [`ulps_f32`]: the raw count of representable values
//!   between two floats.
//! - [`err_f32`], [`dist`]: the sweeps' measures, which make a difference
//!   of class (NaN, infinity, the sign of a zero) infinitely wrong;
//!   [`Sweep`] says which one a sweep of each float type uses, and
//!   [`worst`] finds their largest.
//! - [`within`]: whether a result meets an op's accuracy class
//!   (`tandem_core::ops::Accuracy`).

use tandem_core::ops::Accuracy;
use tandem_core::DType;

/// Distance in units in the last place between two `f64`s: how many
/// representable values lie between them, counted across zero (`-0.0` and
/// `0.0` are 0 apart). Meaningful for finite values and infinities; callers
/// handle NaN themselves.
///
/// ```
/// use tandem_test_support::ulp::ulps_f64;
/// assert_eq!(ulps_f64(1.0, 1.0), 0);
/// assert_eq!(ulps_f64(1.0, f64::from_bits(1.0f64.to_bits() + 2)), 2);
/// assert_eq!(ulps_f64(-0.0, 0.0), 0);
/// ```
pub fn ulps_f64(a: f64, b: f64) -> u64 {
    fn key(x: f64) -> i128 {
        let i = x.to_bits() as i64;
        (if i < 0 { i64::MIN.wrapping_sub(i) } else { i }) as i128
    }
    (key(a) - key(b)).unsigned_abs() as u64
}

/// Distance in units in the last place between two `f32`s (as
/// [`ulps_f64`]).
///
/// ```
/// use tandem_test_support::ulp::ulps_f32;
/// assert_eq!(ulps_f32(1.0, f32::from_bits(1.0f32.to_bits() + 1)), 1);
/// assert_eq!(ulps_f32(f32::MIN_POSITIVE, -f32::MIN_POSITIVE), 2 * (1 << 23));
/// ```
pub fn ulps_f32(a: f32, b: f32) -> u64 {
    fn key(x: f32) -> i64 {
        let i = x.to_bits() as i32;
        (if i < 0 { i32::MIN.wrapping_sub(i) } else { i }) as i64
    }
    (key(a) - key(b)).unsigned_abs()
}

/// Error of an `f32` result in ULP of the exact result `exact` (an `f64`,
/// far more precise than an `f32` ULP), fractional. Infinite when the
/// classes differ (NaN, infinity, the sign of an exact zero).
///
/// ```
/// use tandem_test_support::ulp::err_f32;
/// assert_eq!(err_f32(1.0, 1.0), 0.0);
/// assert!((err_f32(1.0, 1.0 + f64::from(f32::EPSILON) / 2.0) - 0.5).abs() < 1e-9);
/// assert_eq!(err_f32(-0.0, 0.0), f64::INFINITY);
/// assert_eq!(err_f32(f32::NAN, f64::NAN), 0.0);
/// ```
pub fn err_f32(got: f32, exact: f64) -> f64 {
    let want = exact as f32;
    if want.is_nan() || got.is_nan() {
        return if want.is_nan() && got.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if want.is_infinite() || got.is_infinite() {
        return if want == got { 0.0 } else { f64::INFINITY };
    }
    if exact == 0.0 {
        return if got.to_bits() == want.to_bits() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let e = (((exact.to_bits() >> 52) & 0x7ff) as i32 - 1023).max(-126);
    (f64::from(got) - exact).abs() / f64::powi(2.0, e - 23)
}

/// Distance in ULP between two floats of the same class ([`ulps_f64`],
/// [`ulps_f32`]); infinite across classes (NaN or not, infinities, the
/// signs of zeros).
///
/// ```
/// use tandem_test_support::ulp::dist;
/// assert_eq!(dist(1.0f64, f64::from_bits(1.0f64.to_bits() + 1)), 1.0);
/// assert_eq!(dist(0.0f64, -0.0), f64::INFINITY);
/// assert_eq!(dist(f64::NAN, f64::NAN), 0.0);
/// assert_eq!(dist(f32::INFINITY, f32::MAX), f64::INFINITY);
/// assert_eq!(dist(1e-45f32, 0.0), 1.0);
/// ```
pub fn dist<T: Float>(a: T, b: T) -> f64 {
    if a.nan() || b.nan() {
        return if a.nan() && b.nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if a.same_bits(b) {
        return 0.0;
    }
    if a.infinite() || b.infinite() || (a.zero() && b.zero()) {
        return f64::INFINITY;
    }
    a.ulps(b) as f64
}

/// The largest of `errs` (a NaN counts as larger than anything) and its
/// position; `(0.0, 0)` when none is above zero.
///
/// ```
/// use tandem_test_support::ulp::worst;
/// assert_eq!(worst([0.5, 2.0, 1.0]), (2.0, 1));
/// assert_eq!(worst([0.0, 0.0]), (0.0, 0));
/// ```
pub fn worst(errs: impl IntoIterator<Item = f64>) -> (f64, usize) {
    let mut m = (0.0, 0);
    for (i, e) in errs.into_iter().enumerate() {
        if e > m.0 || e.is_nan() {
            m = (e, i);
        }
    }
    m
}

/// `f32` and `f64`, for the helpers that take either.
pub trait Float: Copy + PartialEq {
    /// Whether the value is NaN.
    fn nan(self) -> bool;
    /// Whether the value is ±inf.
    fn infinite(self) -> bool;
    /// Whether the value is ±0.
    fn zero(self) -> bool;
    /// Whether the two have the same bits (signed zeros and all).
    fn same_bits(self, other: Self) -> bool;
    /// [`ulps_f32`] or [`ulps_f64`].
    fn ulps(self, other: Self) -> u64;
}

macro_rules! float {
    ($t:ty, $ulps:ident) => {
        impl Float for $t {
            fn nan(self) -> bool {
                self.is_nan()
            }
            fn infinite(self) -> bool {
                self.is_infinite()
            }
            fn zero(self) -> bool {
                self == 0.0
            }
            fn same_bits(self, other: $t) -> bool {
                self.to_bits() == other.to_bits()
            }
            fn ulps(self, other: $t) -> u64 {
                $ulps(self, other)
            }
        }
    };
}

float!(f32, ulps_f32);
float!(f64, ulps_f64);

/// The float types of the accuracy sweeps (vmath's, the GPU's), and how a
/// sweep measures a result against its `f64` reference: an `f32` by its
/// error in ULP of the exact result ([`err_f32`]: `std`'s `f64` function is
/// exact to far below an `f32` ULP), an `f64` by its distance in ULP to
/// `std`'s result ([`dist`]; glibc's, itself within about an ULP).
///
/// ```
/// use tandem_test_support::ulp::Sweep;
/// assert_eq!(f32::error(1.0, 1.0), 0.0);
/// assert_eq!(<f64 as Sweep>::REFERENCE, "std");
/// ```
pub trait Sweep: Float + Default + Into<f64> + std::fmt::LowerExp + std::fmt::Debug {
    /// The dtype.
    const DTYPE: DType;
    /// The type, in messages.
    const LABEL: &'static str;
    /// What the error is measured from, in messages.
    const REFERENCE: &'static str;
    /// How far `got` is from the reference's result `want`.
    fn error(got: Self, want: f64) -> f64;
}

impl Sweep for f32 {
    const DTYPE: DType = DType::F32;
    const LABEL: &'static str = "f32";
    const REFERENCE: &'static str = "exact";
    fn error(got: f32, want: f64) -> f64 {
        err_f32(got, want)
    }
}

impl Sweep for f64 {
    const DTYPE: DType = DType::F64;
    const LABEL: &'static str = "f64";
    const REFERENCE: &'static str = "std";
    fn error(got: f64, want: f64) -> f64 {
        dist(got, want)
    }
}

/// Whether `got` meets the accuracy class `accuracy` of an op whose
/// reference result is `want`, with `slack` more ULP for a reference that
/// is itself not correctly rounded: any NaN matches any NaN; `Exact` needs
/// the very bits (signed zeros too); `Ulp(n)` needs at most `n + slack`
/// ULP, and the very infinity.
///
/// ```
/// use tandem_core::ops::Accuracy;
/// use tandem_test_support::ulp::within;
/// let next = f64::from_bits(1.0f64.to_bits() + 3);
/// assert!(within(next, 1.0, Accuracy::Ulp(2), 1));
/// assert!(!within(next, 1.0, Accuracy::Ulp(2), 0));
/// assert!(!within(-0.0f32, 0.0, Accuracy::Exact, 0));
/// assert!(within(f32::NAN, -f32::NAN, Accuracy::Exact, 0));
/// ```
pub fn within<T: Float>(got: T, want: T, accuracy: Accuracy, slack: u64) -> bool {
    if got.nan() || want.nan() {
        return got.nan() && want.nan();
    }
    match accuracy {
        Accuracy::Exact => got.same_bits(want),
        Accuracy::Ulp(_) if want.infinite() => got == want,
        Accuracy::Ulp(n) => got.ulps(want) <= u64::from(n) + slack,
    }
}
