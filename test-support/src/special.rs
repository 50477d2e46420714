//! The exact special values of vmath's functions, as tables of
//! `(input, expected output)`: NaN, infinities, signed zeros, overflow and
//! underflow thresholds, subnormal results, exact powers and logarithms,
//! saturation of `tanh` and `sigmoid`, and the C99 tables of `atan2` and
//! `pow`.
//!
//! # Why this module exists
//!
//! Two test suites check these values: vmath's own tests (the CPU) and
//! `backend-gpu/tests/transcendental.rs` (the GPU's shaders must give the
//! very same values). Both read the tables here, so a case added or fixed
//! is added or fixed for both. It is test data shared across crates, not
//! API: it lives in this unpublished crate, which the backends use only as a
//! dev-dependency.
//!
//! # The rule
//!
//! A result matches an expected value when both are NaN (any NaN), or when
//! their bits are equal, so the sign of a zero counts: [`is_exact`].
//!
//! Sources: IEEE 754 and C99 Annex F for NaN, infinities, zeros and the
//! `atan2` / `pow` tables (NumPy follows them); the thresholds are those of
//! the types (the largest `x` with a finite `exp(x)`, the smallest
//! subnormal).

use std::f32::consts as c32;
use std::f64::consts as c64;
use tandem_core::ops::UnaryOp::{self, *};

/// True when `got` is `want` exactly: both NaN, or the same bits (so `-0.0`
/// does not match `0.0`). `f32` values compare through `f64`, which keeps
/// NaN-ness, the sign of zero and every other bit pattern apart.
///
/// ```
/// use tandem_test_support::special::is_exact;
/// assert!(is_exact(f32::NAN, -f32::NAN));
/// assert!(!is_exact(-0.0f32, 0.0));
/// assert!(is_exact(1.5f64, 1.5));
/// ```
pub fn is_exact<T: Into<f64>>(got: T, want: T) -> bool {
    let (g, w): (f64, f64) = (got.into(), want.into());
    (g.is_nan() && w.is_nan()) || g.to_bits() == w.to_bits()
}

const INF32: f32 = f32::INFINITY;
const NAN32: f32 = f32::NAN;
const INF64: f64 = f64::INFINITY;
const NAN64: f64 = f64::NAN;

/// `ln`, `log2` and `log10` (`f32`) alike: NaN, infinities, zeros, negative
/// arguments, `log(1) = 0`.
const LOGS_F32: &[(f32, f32)] = &[
    (NAN32, NAN32),
    (INF32, INF32),
    (-INF32, NAN32),
    (0.0, -INF32),
    (-0.0, -INF32),
    (-1.0, NAN32),
    (-1e-45, NAN32),
    (1.0, 0.0),
];

/// Odd functions that are `x` near 0 (`sin`, `tan`, `tanh`, `sinh`,
/// `atan`, `asin`; `f32`): NaN, signed zeros, a subnormal and a tiny `x`
/// come back unchanged.
const ODD_F32: &[(f32, f32)] = &[
    (NAN32, NAN32),
    (0.0, 0.0),
    (-0.0, -0.0),
    (1e-40, 1e-40),
    (-1e-8, -1e-8),
];

/// `sin`, `cos` and `tan` (`f32`) of an infinity.
const TRIG_INF_F32: &[(f32, f32)] = &[(INF32, NAN32), (-INF32, NAN32)];

/// The `f32` unary tables: each row is a function and cases it must
/// reproduce exactly. A function may have several rows (the families that
/// several functions share, such as the logarithms' or the odd functions',
/// are rows of their own).
///
/// ```
/// use tandem_core::ops::UnaryOp;
/// use tandem_test_support::special::{is_exact, UNARY_F32};
/// let exp = || UNARY_F32.iter().filter(|row| row.0 == UnaryOp::Exp);
/// // exp(x) overflows from x = 88.72284 on.
/// assert!(exp().any(|row| row.1.contains(&(88.72284, f32::INFINITY))));
/// for &(_, cases) in exp() {
///     let xs: Vec<f32> = cases.iter().map(|c| c.0).collect();
///     let mut got = vec![0.0; xs.len()];
///     tandem_cpu::vmath::exp_f32(&xs, &mut got);
///     for (&(_, want), &g) in cases.iter().zip(&got) {
///         assert!(is_exact(g, want));
///     }
/// }
/// ```
pub const UNARY_F32: &[(UnaryOp, &[(f32, f32)])] = &[
    (
        Exp,
        &[
            (NAN32, NAN32),
            (INF32, INF32),
            (-INF32, 0.0),
            (0.0, 1.0),
            (-0.0, 1.0),
            (88.72284, INF32),
            (89.0, INF32),
            (1e30, INF32),
            (-104.0, 0.0),
            (-1e30, 0.0),
            (-103.28, 1e-45),
        ],
    ),
    (
        Exp2,
        &[
            (NAN32, NAN32),
            (INF32, INF32),
            (-INF32, 0.0),
            (0.0, 1.0),
            (128.0, INF32),
            (127.0, 1.7014118e38),
            (-149.0, 1e-45),
            (-150.0, 0.0),
            (-126.0, f32::MIN_POSITIVE),
            (3.0, 8.0),
            (-1.0, 0.5),
        ],
    ),
    (Ln, LOGS_F32),
    (Ln, &[(1e-45, -103.27893)]),
    (Log2, LOGS_F32),
    (
        Log2,
        &[
            (1e-45, -149.0),
            (f32::MIN_POSITIVE, -126.0),
            (0.5, -1.0),
            (1024.0, 10.0),
            // 2^127
            (f32::from_bits(0x7f00_0000), 127.0),
        ],
    ),
    (Log10, LOGS_F32),
    (
        Log10,
        &[(10.0, 1.0), (100.0, 2.0), (1e10, 10.0), (0.1, -1.0)],
    ),
    (Sin, ODD_F32),
    (Sin, TRIG_INF_F32),
    (Cos, &[(NAN32, NAN32), (0.0, 1.0), (-0.0, 1.0), (1e-8, 1.0)]),
    (Cos, TRIG_INF_F32),
    (Tan, ODD_F32),
    (Tan, TRIG_INF_F32),
    (Tanh, ODD_F32),
    (
        Tanh,
        &[
            (INF32, 1.0),
            (-INF32, -1.0),
            (10.0, 1.0),
            (-1e30, -1.0),
            (1e-8, 1e-8),
            (-3e-20, -3e-20),
        ],
    ),
    (
        Sigmoid,
        &[
            (NAN32, NAN32),
            (INF32, 1.0),
            (-INF32, 0.0),
            (0.0, 0.5),
            (-0.0, 0.5),
            (20.0, 1.0),
            (-200.0, 0.0),
            (1e-9, 0.5),
        ],
    ),
    (Sinh, ODD_F32),
    (
        Sinh,
        &[
            (INF32, INF32),
            (-INF32, -INF32),
            (90.0, INF32),
            (-90.0, -INF32),
        ],
    ),
    (
        Cosh,
        &[
            (NAN32, NAN32),
            (INF32, INF32),
            (-INF32, INF32),
            (0.0, 1.0),
            (90.0, INF32),
        ],
    ),
    (Atan, ODD_F32),
    (Atan, &[(INF32, c32::FRAC_PI_2), (-INF32, -c32::FRAC_PI_2)]),
    (Asin, ODD_F32),
    (
        Asin,
        &[
            (1.0, c32::FRAC_PI_2),
            (-1.0, -c32::FRAC_PI_2),
            (1.0000001, NAN32),
            (-2.0, NAN32),
            (INF32, NAN32),
        ],
    ),
    (
        Acos,
        &[
            (NAN32, NAN32),
            (1.0, 0.0),
            (-1.0, c32::PI),
            (0.0, c32::FRAC_PI_2),
            (1.0000001, NAN32),
            (-INF32, NAN32),
        ],
    ),
];

/// `ln`, `log2` and `log10` (`f64`) alike, as [`LOGS_F32`].
const LOGS_F64: &[(f64, f64)] = &[
    (NAN64, NAN64),
    (INF64, INF64),
    (-INF64, NAN64),
    (0.0, -INF64),
    (-0.0, -INF64),
    (-1.0, NAN64),
    (-5e-324, NAN64),
    (1.0, 0.0),
];

/// Odd functions near 0 (`f64`), as [`ODD_F32`].
const ODD_F64: &[(f64, f64)] = &[
    (NAN64, NAN64),
    (0.0, 0.0),
    (-0.0, -0.0),
    (1e-310, 1e-310),
    (-1e-17, -1e-17),
];

/// `sin`, `cos` and `tan` (`f64`) of an infinity.
const TRIG_INF_F64: &[(f64, f64)] = &[(INF64, NAN64), (-INF64, NAN64)];

/// The `f64` unary tables, laid out as [`UNARY_F32`].
///
/// ```
/// use tandem_core::ops::UnaryOp;
/// use tandem_test_support::special::{is_exact, UNARY_F64};
/// // exp2 is exact at integers, down to the smallest subnormal.
/// let (_, cases) = UNARY_F64.iter().find(|r| r.0 == UnaryOp::Exp2).unwrap();
/// assert!(cases.contains(&(-1074.0, 5e-324)));
/// let mut got = [0.0];
/// tandem_cpu::vmath::exp2_f64(&[-1074.0], &mut got);
/// assert!(is_exact(got[0], 5e-324));
/// ```
pub const UNARY_F64: &[(UnaryOp, &[(f64, f64)])] = &[
    (
        Exp,
        &[
            (NAN64, NAN64),
            (INF64, INF64),
            (-INF64, 0.0),
            (0.0, 1.0),
            (-0.0, 1.0),
            (709.8, INF64),
            (1e300, INF64),
            (-746.0, 0.0),
            (-1e300, 0.0),
            (-745.0, 5e-324),
        ],
    ),
    (
        Exp2,
        &[
            (NAN64, NAN64),
            (INF64, INF64),
            (-INF64, 0.0),
            (0.0, 1.0),
            (1024.0, INF64),
            // 2^1023
            (1023.0, f64::from_bits(0x7fe0_0000_0000_0000)),
            (-1074.0, 5e-324),
            (-1075.0, 0.0),
            (-1022.0, f64::MIN_POSITIVE),
            (3.0, 8.0),
        ],
    ),
    (Ln, LOGS_F64),
    (Log2, LOGS_F64),
    (
        Log2,
        &[
            (5e-324, -1074.0),
            (f64::MIN_POSITIVE, -1022.0),
            (0.5, -1.0),
            (1024.0, 10.0),
        ],
    ),
    (Log10, LOGS_F64),
    (
        Log10,
        &[(10.0, 1.0), (100.0, 2.0), (1e10, 10.0), (1e-300, -300.0)],
    ),
    (Sin, ODD_F64),
    (Sin, TRIG_INF_F64),
    (Cos, &[(NAN64, NAN64), (0.0, 1.0), (-0.0, 1.0), (1e-9, 1.0)]),
    (Cos, TRIG_INF_F64),
    (Tan, ODD_F64),
    (Tan, TRIG_INF_F64),
    (Tanh, ODD_F64),
    (
        Tanh,
        &[
            (INF64, 1.0),
            (-INF64, -1.0),
            (20.0, 1.0),
            (-1e300, -1.0),
            (-3e-200, -3e-200),
        ],
    ),
    (
        Sigmoid,
        &[
            (NAN64, NAN64),
            (INF64, 1.0),
            (-INF64, 0.0),
            (0.0, 0.5),
            (-0.0, 0.5),
            (40.0, 1.0),
            (-800.0, 0.0),
            (1e-18, 0.5),
        ],
    ),
    (Sinh, ODD_F64),
    (
        Sinh,
        &[
            (INF64, INF64),
            (-INF64, -INF64),
            (711.0, INF64),
            (-711.0, -INF64),
        ],
    ),
    (
        Cosh,
        &[
            (NAN64, NAN64),
            (INF64, INF64),
            (-INF64, INF64),
            (0.0, 1.0),
            (711.0, INF64),
        ],
    ),
    (Atan, ODD_F64),
    (
        Atan,
        &[
            (INF64, c64::FRAC_PI_2),
            (-INF64, -c64::FRAC_PI_2),
            (1.0, c64::FRAC_PI_4),
        ],
    ),
    (Asin, ODD_F64),
    (
        Asin,
        &[
            (1.0, c64::FRAC_PI_2),
            (-1.0, -c64::FRAC_PI_2),
            (1.0000000000000002, NAN64),
            (-2.0, NAN64),
            (INF64, NAN64),
        ],
    ),
    (
        Acos,
        &[
            (NAN64, NAN64),
            (1.0, 0.0),
            (-1.0, c64::PI),
            (0.0, c64::FRAC_PI_2),
            (1.0000000000000002, NAN64),
            (-INF64, NAN64),
        ],
    ),
];

/// C99's table for `atan2(y, x)` as `(y, x, want)`, for positive `y`; each
/// row holds with `y` and `want` negated too (`atan2` is odd in `y`), and
/// [`atan2_cases`] lists both. `f64` values: the `f32` checks use each
/// case with every value cast to `f32` (where `1e-300` and `1e300` become
/// `0` and `inf`, and the rows still hold).
///
/// ```
/// use tandem_test_support::special::ATAN2;
/// use std::f64::consts::PI;
/// // +0 against -0 is pi: the sign of a zero x counts.
/// assert!(ATAN2.contains(&(0.0, -0.0, PI)));
/// ```
pub const ATAN2: &[(f64, f64, f64)] = &[
    (0.0, 0.0, 0.0),
    (0.0, -0.0, c64::PI),
    (0.0, 1.0, 0.0),
    (0.0, -1.0, c64::PI),
    (1.0, 0.0, c64::FRAC_PI_2),
    (1.0, -0.0, c64::FRAC_PI_2),
    (1.0, INF64, 0.0),
    (1.0, -INF64, c64::PI),
    (INF64, 1.0, c64::FRAC_PI_2),
    (INF64, -1.0, c64::FRAC_PI_2),
    (INF64, INF64, c64::FRAC_PI_4),
    (INF64, -INF64, 3.0 * c64::FRAC_PI_4),
    (1e-300, 1e300, 0.0),
    (1e300, 1e-300, c64::FRAC_PI_2),
    (NAN64, 1.0, NAN64),
    (1.0, NAN64, NAN64),
    (NAN64, NAN64, NAN64),
];

/// Every `atan2` case: each row of [`ATAN2`] as it is, then with `y` and
/// `want` negated.
///
/// ```
/// use tandem_test_support::special::{atan2_cases, ATAN2};
/// let cases = atan2_cases();
/// assert_eq!(cases.len(), 2 * ATAN2.len());
/// // -0 against -0 is -pi.
/// assert!(cases.contains(&(-0.0, -0.0, -std::f64::consts::PI)));
/// ```
pub fn atan2_cases() -> Vec<(f64, f64, f64)> {
    ATAN2
        .iter()
        .flat_map(|&(y, x, want)| [(y, x, want), (-y, x, -want)])
        .collect()
}

/// C99 Annex F's (and NumPy's) table for `pow(x, y)` as `(x, y, want)`.
/// `f64` values: the `f32` checks use each row with every value cast to
/// `f32` (where `1e300` becomes `inf`, and the rows still hold).
///
/// ```
/// use tandem_test_support::special::{is_exact, POW};
/// // pow(x, ±0) is 1 even for a NaN x.
/// assert!(POW.iter().any(|&(x, y, w)| x.is_nan() && y == 0.0 && w == 1.0));
/// for &(x, y, want) in POW {
///     let mut got = [0.0f64];
///     tandem_cpu::vmath::pow_f64(&[x], &[y], &mut got);
///     assert!(is_exact(got[0], want), "pow({x}, {y})");
/// }
/// ```
pub const POW: &[(f64, f64, f64)] = &[
    (NAN64, 0.0, 1.0),
    (NAN64, -0.0, 1.0),
    (1.0, NAN64, 1.0),
    (1.0, INF64, 1.0),
    (-1.0, INF64, 1.0),
    (-1.0, -INF64, 1.0),
    (NAN64, 1.0, NAN64),
    (2.0, NAN64, NAN64),
    (-2.0, 0.5, NAN64),
    (-2.0, 3.0, -8.0),
    (-2.0, 2.0, 4.0),
    (-2.0, -1.0, -0.5),
    (0.0, -1.0, INF64),
    (-0.0, -1.0, -INF64),
    (-0.0, -2.0, INF64),
    (-0.0, -0.5, INF64),
    (0.0, 3.0, 0.0),
    (-0.0, 3.0, -0.0),
    (-0.0, 2.0, 0.0),
    (-0.0, 0.5, 0.0),
    (0.5, -INF64, INF64),
    (2.0, -INF64, 0.0),
    (0.5, INF64, 0.0),
    (2.0, INF64, INF64),
    (-0.5, INF64, 0.0),
    (-2.0, INF64, INF64),
    (-INF64, -3.0, -0.0),
    (-INF64, -2.0, 0.0),
    (-INF64, 3.0, -INF64),
    (-INF64, 2.0, INF64),
    (-INF64, 0.5, INF64),
    (INF64, -1.0, 0.0),
    (INF64, 0.5, INF64),
    (2.0, 1024.0, INF64),
    (2.0, -1075.0, 0.0),
    (-1.0, 1e300, 1.0),
];

/// `pow(-1, y)` for large `y`, `f64` only (these `y` are not `f32`
/// values): the parity of an exponent near and beyond 2^52, where every
/// `f64` is an integer, and a half-integer just below it (NaN).
///
/// ```
/// use tandem_test_support::special::POW_PARITY_F64;
/// // 2^53 - 1 is odd.
/// assert!(POW_PARITY_F64.contains(&(-1.0, 9007199254740991.0, -1.0)));
/// ```
pub const POW_PARITY_F64: &[(f64, f64, f64)] = &[
    (-1.0, 9007199254740991.0, -1.0),
    (-1.0, 9007199254740992.0, 1.0),
    (-1.0, 4503599627370497.0, -1.0),
    (-1.0, 4503599627370495.5, NAN64),
    (-1.0, 1e300, 1.0),
];

// ---------------------------------------------------------------------------
// log1p, expm1, cbrt, asinh, acosh, atanh, logaddexp, logaddexp2 (NumPy's
// remaining transcendental ufuncs). Kept apart from the tables above so the
// two sets can be read (and merged) separately; the tests walk both.
// ---------------------------------------------------------------------------

/// The `f32` cases of `log1p` … `atanh`, as [`UNARY_F32`].
///
/// ```
/// use tandem_test_support::special::UNARY_F32_MORE;
/// use tandem_core::ops::UnaryOp;
/// assert!(UNARY_F32_MORE.iter().any(|(op, c)| *op == UnaryOp::Atanh && c.contains(&(1.0, f32::INFINITY))));
/// ```
pub const UNARY_F32_MORE: &[(UnaryOp, &[(f32, f32)])] = &[
    (Log1p, ODD_F32),
    (
        Log1p,
        &[
            (INF32, INF32),
            (-INF32, NAN32),
            (-1.0, -INF32),
            (-1.5, NAN32),
            (-2.0, NAN32),
            (-1e-40, -1e-40),
        ],
    ),
    (Expm1, ODD_F32),
    (
        Expm1,
        &[
            (INF32, INF32),
            (-INF32, -1.0),
            (-1e-40, -1e-40),
            (-20.0, -1.0),
            (-40.0, -1.0),
            (88.72284, INF32),
            (100.0, INF32),
        ],
    ),
    (
        Cbrt,
        &[
            (NAN32, NAN32),
            (0.0, 0.0),
            (-0.0, -0.0),
            (INF32, INF32),
            (-INF32, -INF32),
            (-27.0, -3.0),
            (8.0, 2.0),
            (0.125, 0.5),
            (-64.0, -4.0),
            // 2^-147 (subnormal) and 2^-49.
            (6e-45, 1.776_356_8e-15),
            (-6e-45, -1.776_356_8e-15),
        ],
    ),
    (Asinh, ODD_F32),
    (Asinh, &[(INF32, INF32), (-INF32, -INF32)]),
    (
        Acosh,
        &[
            (NAN32, NAN32),
            (INF32, INF32),
            (-INF32, NAN32),
            (1.0, 0.0),
            (0.999_999_94, NAN32),
            (0.0, NAN32),
            (-0.0, NAN32),
            (-1.0, NAN32),
        ],
    ),
    (Atanh, ODD_F32),
    (
        Atanh,
        &[
            (1.0, INF32),
            (-1.0, -INF32),
            (1.000_000_1, NAN32),
            (-2.0, NAN32),
            (INF32, NAN32),
            (-INF32, NAN32),
        ],
    ),
];

/// The `f64` cases of `log1p` … `atanh`, as [`UNARY_F64`].
///
/// ```
/// use tandem_test_support::special::UNARY_F64_MORE;
/// use tandem_core::ops::UnaryOp;
/// assert!(UNARY_F64_MORE.iter().any(|(op, c)| *op == UnaryOp::Log1p && c.contains(&(-1.0, f64::NEG_INFINITY))));
/// ```
pub const UNARY_F64_MORE: &[(UnaryOp, &[(f64, f64)])] = &[
    (Log1p, ODD_F64),
    (
        Log1p,
        &[
            (INF64, INF64),
            (-INF64, NAN64),
            (-1.0, -INF64),
            (-1.5, NAN64),
            (-2.0, NAN64),
            (-5e-324, -5e-324),
        ],
    ),
    (Expm1, ODD_F64),
    (
        Expm1,
        &[
            (INF64, INF64),
            (-INF64, -1.0),
            (-5e-324, -5e-324),
            (-40.0, -1.0),
            (-800.0, -1.0),
            (709.79, INF64),
            (1000.0, INF64),
        ],
    ),
    (
        Cbrt,
        &[
            (NAN64, NAN64),
            (0.0, 0.0),
            (-0.0, -0.0),
            (INF64, INF64),
            (-INF64, -INF64),
            (-27.0, -3.0),
            (8.0, 2.0),
            (0.125, 0.5),
            (-64.0, -4.0),
            (1e-300, 1e-100),
            // 2^-1071 (subnormal) and 2^-357.
            (4e-323, 3.406_367_872_006_520_6e-108),
        ],
    ),
    (Asinh, ODD_F64),
    (Asinh, &[(INF64, INF64), (-INF64, -INF64)]),
    (
        Acosh,
        &[
            (NAN64, NAN64),
            (INF64, INF64),
            (-INF64, NAN64),
            (1.0, 0.0),
            (0.999_999_999_999_999_9, NAN64),
            (0.0, NAN64),
            (-0.0, NAN64),
            (-1.0, NAN64),
        ],
    ),
    (Atanh, ODD_F64),
    (
        Atanh,
        &[
            (1.0, INF64),
            (-1.0, -INF64),
            (1.000_000_000_000_000_2, NAN64),
            (-2.0, NAN64),
            (INF64, NAN64),
            (-INF64, NAN64),
        ],
    ),
];

/// `logaddexp(x, y)` (either order) for `f64` and, cast, `f32`: NumPy's
/// equal-argument rule (`x + log(2)`, so `inf, inf` is `inf`), an infinity
/// against a number, NaN.
///
/// ```
/// use tandem_test_support::special::LOGADDEXP;
/// assert!(LOGADDEXP.contains(&(f64::INFINITY, f64::INFINITY, f64::INFINITY)));
/// ```
pub const LOGADDEXP: &[(f64, f64, f64)] = &[
    (INF64, INF64, INF64),
    (-INF64, -INF64, -INF64),
    (INF64, -INF64, INF64),
    (INF64, 1.0, INF64),
    (-INF64, 1.5, 1.5),
    (0.0, -INF64, 0.0),
    (NAN64, 1.0, NAN64),
    (NAN64, INF64, NAN64),
    (NAN64, -INF64, NAN64),
    (0.0, 0.0, c64::LN_2),
    (1000.0, -1000.0, 1000.0),
];

/// `logaddexp2(x, y)` (either order), as [`LOGADDEXP`].
///
/// ```
/// use tandem_test_support::special::LOGADDEXP2;
/// assert!(LOGADDEXP2.contains(&(3.0, 3.0, 4.0)));
/// ```
pub const LOGADDEXP2: &[(f64, f64, f64)] = &[
    (INF64, INF64, INF64),
    (-INF64, -INF64, -INF64),
    (INF64, -INF64, INF64),
    (INF64, 1.0, INF64),
    (-INF64, 1.5, 1.5),
    (0.0, -INF64, 0.0),
    (NAN64, 1.0, NAN64),
    (NAN64, INF64, NAN64),
    (3.0, 3.0, 4.0),
    (1000.0, -1000.0, 1000.0),
];
