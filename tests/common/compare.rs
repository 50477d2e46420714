//! Checking results against the fixtures: the expected error of a case,
//! and comparing values under the case's [`Cmp`] mode (exact, sign of zero
//! ignored, within [`ULP_F32`]/[`ULP_F64`], or approximately), with a
//! report of every mismatch.

use super::*;

/// Units in the last place allowed for `float32` results in [`Cmp::Ulp`].
pub const ULP_F32: u64 = 4;
/// Units in the last place allowed for `float64` results in [`Cmp::Ulp`].
pub const ULP_F64: u64 = 4;
/// Machine epsilons, in units of which [`Cmp::Approx`] is measured.
const APPROX_EPS: f64 = 4.0;

// ---------------------------------------------------------------------------
// Expected errors

/// What a fixture's `"error"` means for a tandem `Err`: `"type"` accepts any
/// error (NumPy's TypeError), `"overflow"` needs `InvalidArgument` (NumPy's
/// OverflowError for an out-of-range weak int), `"shape"` needs
/// `ShapeMismatch`.
pub fn error_matches(kind: &str, e: &Error) -> bool {
    match kind {
        "type" => true,
        "overflow" => matches!(e, Error::InvalidArgument { .. }),
        "value" => matches!(e, Error::InvalidArgument { .. }),
        "shape" => matches!(e, Error::ShapeMismatch { .. }),
        other => panic!("unknown expected error kind {other:?}"),
    }
}

/// Checks a result against a case that may expect an error. Returns a
/// failure message, or `None` when it matches.
pub fn check_case(case: &Value, got: Result<Array>, inputs: &[&Fx]) -> Option<String> {
    if let Some(kind) = case.get("error").and_then(Value::as_str) {
        return match got {
            Err(e) if error_matches(kind, &e) => None,
            Err(e) => Some(format!(
                "expected a {kind} error, got a different error: {e}"
            )),
            Ok(a) => Some(format!(
                "expected a {kind} error (as NumPy raises), got Ok({} {:?}{})",
                a.dtype().name(),
                a.shape(),
                read(&a).map(|d| format!(" = {d:?}")).unwrap_or_default()
            )),
        };
    }
    let expected = parse_array(&case["expected"]);
    let cmp = Cmp::of(case);
    match got {
        Err(e) => Some(format!(
            "expected Ok({} {:?}), got error: {e}",
            expected.dtype.name(),
            expected.shape
        )),
        Ok(a) => compare(&a, &expected, cmp, inputs).err(),
    }
}

// ---------------------------------------------------------------------------
// Comparison

/// How values are compared; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Exact,
    NoSign,
    Ulp,
    Approx,
}

impl Cmp {
    /// The `"cmp"` of a fixture case (default exact).
    pub fn of(case: &Value) -> Cmp {
        match case.get("cmp").and_then(Value::as_str) {
            None | Some("exact") => Cmp::Exact,
            Some("nosign") => Cmp::NoSign,
            Some("ulp") => Cmp::Ulp,
            Some("approx") => Cmp::Approx,
            Some(other) => panic!("unknown cmp {other:?}"),
        }
    }
}

/// ULP distances, defined once for every crate's tests.
pub use tandem_test_support::ulp::{ulps_f32, ulps_f64};

fn float_ok(got: f64, exp: f64, cmp: Cmp, is_f32: bool, scale: f64) -> bool {
    if exp.is_nan() || got.is_nan() {
        return exp.is_nan() && got.is_nan();
    }
    match cmp {
        Cmp::Exact => got.to_bits() == exp.to_bits(),
        Cmp::NoSign => got == exp,
        Cmp::Ulp => {
            if exp.is_infinite() {
                return got == exp;
            }
            if is_f32 {
                ulps_f32(got as f32, exp as f32) <= ULP_F32
            } else {
                ulps_f64(got, exp) <= ULP_F64
            }
        }
        Cmp::Approx => {
            if exp.is_infinite() {
                return got == exp;
            }
            let eps = if is_f32 {
                f32::EPSILON as f64
            } else {
                f64::EPSILON
            };
            (got - exp).abs() <= APPROX_EPS * eps * scale
        }
    }
}

/// Compares an array with the expected fixture array: dtype and shape
/// exactly, values by `cmp`. `inputs` (same-length operands) are shown next
/// to mismatching elements.
pub fn compare(got: &Array, exp: &Fx, cmp: Cmp, inputs: &[&Fx]) -> std::result::Result<(), String> {
    if got.dtype() != exp.dtype {
        return Err(format!(
            "dtype: expected {}, got {} (shape expected {:?}, got {:?})",
            exp.dtype.name(),
            got.dtype().name(),
            exp.shape,
            got.shape()
        ));
    }
    if got.shape() != &exp.shape[..] {
        return Err(format!(
            "shape: expected {:?}, got {:?}",
            exp.shape,
            got.shape()
        ));
    }
    let data = read(got).map_err(|e| format!("reading the result failed: {e}"))?;
    compare_data(&data, exp, cmp, inputs)
}

/// [`compare`] on already read values.
pub fn compare_data(
    data: &Data,
    exp: &Fx,
    cmp: Cmp,
    inputs: &[&Fx],
) -> std::result::Result<(), String> {
    if data.len() != exp.data.len() {
        return Err(format!(
            "length: expected {}, got {}",
            exp.data.len(),
            data.len()
        ));
    }
    let scale = match &exp.data {
        Data::F32(v) => v
            .iter()
            .filter(|x| x.is_finite())
            .fold(1.0f64, |m, x| m.max(x.abs() as f64)),
        Data::F64(v) => v
            .iter()
            .filter(|x| x.is_finite())
            .fold(1.0f64, |m, x| m.max(x.abs())),
        _ => 1.0,
    };
    let mut bad = Vec::new();
    for i in 0..data.len() {
        let ok = match (data, &exp.data) {
            (Data::Bool(g), Data::Bool(e)) => g[i] == e[i],
            (Data::I32(g), Data::I32(e)) => g[i] == e[i],
            (Data::I64(g), Data::I64(e)) => g[i] == e[i],
            (Data::U32(g), Data::U32(e)) => g[i] == e[i],
            (Data::F32(g), Data::F32(e)) => float_ok(g[i] as f64, e[i] as f64, cmp, true, scale),
            (Data::F64(g), Data::F64(e)) => float_ok(g[i], e[i], cmp, false, scale),
            _ => {
                return Err(format!(
                    "dtype: expected {}, got {}",
                    exp.dtype.name(),
                    data.dtype().name()
                ))
            }
        };
        if !ok {
            bad.push(i);
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = bad
        .iter()
        .take(8)
        .map(|&i| {
            let ins: Vec<String> = inputs
                .iter()
                .filter(|fx| fx.data.len() == data.len())
                .map(|fx| fx.data.show(i))
                .collect();
            let ins = if ins.is_empty() {
                String::new()
            } else {
                format!(" (inputs {})", ins.join(", "))
            };
            let extra = match (data, &exp.data) {
                (Data::F32(g), Data::F32(e)) if cmp == Cmp::Ulp => {
                    format!(", {} ulp", ulps_f32(g[i], e[i]))
                }
                (Data::F64(g), Data::F64(e)) if cmp == Cmp::Ulp => {
                    format!(", {} ulp", ulps_f64(g[i], e[i]))
                }
                _ => String::new(),
            };
            format!(
                "[{i}]{ins}: expected {}, got {}{extra}",
                exp.data.show(i),
                data.show(i)
            )
        })
        .collect();
    Err(format!(
        "{} of {} values differ ({cmp:?}): {}{}",
        bad.len(),
        data.len(),
        shown.join("; "),
        if bad.len() > 8 { "; ..." } else { "" }
    ))
}

/// Panics listing every failure, if any, out of `total` checks.
pub fn report(what: &str, total: usize, failures: &[String]) {
    assert!(total > 0, "{what}: no cases ran");
    if !failures.is_empty() {
        panic!(
            "{what}: {} of {total} checks failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
}
