//! Distances in units in the last place (ULP) between floats, the measure
//! the accuracy tests of every crate state their tolerances in (the facade's
//! fixture comparisons in `tests/common/`, the GPU backend's elementwise
//! tests). One definition, so "within 2 ULP" means the same everywhere.

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
