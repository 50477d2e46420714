//! Reductions against NumPy: every reduction (`sum prod mean min max var std
//! any all nansum nanmean nanmin nanmax`) and arg-reduction (`argmin argmax
//! nanargmin nanargmax`) × dtype × axis choice × keepdims, special values
//! (NaN, ±inf, -0.0, ties, integer extremes), empty inputs, `ddof`, views,
//! and axis errors, on every device; then property tests against naive
//! references computed here.
//!
//! Expected values come from `tests/fixtures/reductions/*.json`, written by
//! `scripts/fixtures/reductions.py` with NumPy; its docstring describes the
//! format, which methods each case calls, and how values are compared
//! (`"tol"`: the tolerance of [`tolerance`], computed here from the reduced
//! slice of the input).

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use tandem::prelude::*;

/// The fixture files with reduction cases (accuracy.json is
/// tests/reduction_accuracy.rs's).
const FILES: [&str; 6] = [
    "basic.json",
    "special.json",
    "empty.json",
    "ddof.json",
    "views.json",
    "errors.json",
];

/// How many failures a test lists in full (the count is always given).
const SHOW: usize = 60;

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`catch`] without the panic hook's report: many cases expect a panic
/// (`a.max()` of an empty array), and every caught panic's message is in
/// the failure list anyway.
fn quiet<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = catch(f);
    QUIET.with(|q| q.set(false));
    r
}

// ---------------------------------------------------------------------------
// Calling a reduction by its fixture name

/// `a.try_R()` (arg-reductions: the flat `try_argmin()` etc.).
fn call_full(op: &str, a: &Array) -> Result<Array> {
    match op {
        "sum" => a.try_sum(),
        "prod" => a.try_prod(),
        "mean" => a.try_mean(),
        "min" => a.try_min(),
        "max" => a.try_max(),
        "var" => a.try_var(),
        "std" => a.try_std(),
        "any" => a.try_any(),
        "all" => a.try_all(),
        "nansum" => a.try_nansum(),
        "nanmean" => a.try_nanmean(),
        "nanprod" => a.try_nanprod(),
        "nanmin" => a.try_nanmin(),
        "nanmax" => a.try_nanmax(),
        "argmin" => a.try_argmin(),
        "argmax" => a.try_argmax(),
        "nanargmin" => a.try_nanargmin(),
        "nanargmax" => a.try_nanargmax(),
        other => panic!("unknown reduction {other:?}"),
    }
}

/// `a.R()`, the form that returns `Array`: where NumPy raises it gives a
/// value whose read fails (an empty `max`), or panics for a call-time error
/// the `Array` form cannot carry.
fn call_full_panicking(op: &str, a: &Array) -> Array {
    match op {
        "sum" => a.sum(),
        "prod" => a.prod(),
        "mean" => a.mean(),
        "min" => a.min(),
        "max" => a.max(),
        "var" => a.var(),
        "std" => a.std(),
        "any" => a.any(),
        "all" => a.all(),
        "nansum" => a.nansum(),
        "nanmean" => a.nanmean(),
        "nanprod" => a.nanprod(),
        "nanmin" => a.nanmin(),
        "nanmax" => a.nanmax(),
        "argmin" => a.argmin(),
        "argmax" => a.argmax(),
        "nanargmin" => a.nanargmin(),
        "nanargmax" => a.nanargmax(),
        other => panic!("unknown reduction {other:?}"),
    }
}

/// `a.R_axis(axis, keepdims)`.
fn call_axis(op: &str, a: &Array, axis: isize, keepdims: bool) -> Result<Array> {
    match op {
        "sum" => a.sum_axis(axis, keepdims),
        "prod" => a.prod_axis(axis, keepdims),
        "mean" => a.mean_axis(axis, keepdims),
        "min" => a.min_axis(axis, keepdims),
        "max" => a.max_axis(axis, keepdims),
        "var" => a.var_axis(axis, keepdims),
        "std" => a.std_axis(axis, keepdims),
        "any" => a.any_axis(axis, keepdims),
        "all" => a.all_axis(axis, keepdims),
        "nansum" => a.nansum_axis(axis, keepdims),
        "nanmean" => a.nanmean_axis(axis, keepdims),
        "nanprod" => a.nanprod_axis(axis, keepdims),
        "nanmin" => a.nanmin_axis(axis, keepdims),
        "nanmax" => a.nanmax_axis(axis, keepdims),
        "argmin" => a.argmin_axis(axis, keepdims),
        "argmax" => a.argmax_axis(axis, keepdims),
        "nanargmin" => a.nanargmin_axis(axis, keepdims),
        "nanargmax" => a.nanargmax_axis(axis, keepdims),
        other => panic!("unknown reduction {other:?}"),
    }
}

/// `a.R_axes(axes, keepdims)` (not for arg-reductions).
fn call_axes(op: &str, a: &Array, axes: &[isize], keepdims: bool) -> Result<Array> {
    match op {
        "sum" => a.sum_axes(axes, keepdims),
        "prod" => a.prod_axes(axes, keepdims),
        "mean" => a.mean_axes(axes, keepdims),
        "min" => a.min_axes(axes, keepdims),
        "max" => a.max_axes(axes, keepdims),
        "var" => a.var_axes(axes, keepdims),
        "std" => a.std_axes(axes, keepdims),
        "any" => a.any_axes(axes, keepdims),
        "all" => a.all_axes(axes, keepdims),
        "nansum" => a.nansum_axes(axes, keepdims),
        "nanmean" => a.nanmean_axes(axes, keepdims),
        "nanprod" => a.nanprod_axes(axes, keepdims),
        "nanmin" => a.nanmin_axes(axes, keepdims),
        "nanmax" => a.nanmax_axes(axes, keepdims),
        other => panic!("reduction {other:?} has no R_axes form"),
    }
}

fn is_arg(op: &str) -> bool {
    op.starts_with("arg") || op.starts_with("nanarg")
}

// ---------------------------------------------------------------------------
// Inputs

/// A fixture input: the array built, the view ops applied to it, and the
/// logical (NumPy view) values.
struct Input {
    base: Fx,
    ops: Vec<Value>,
    logical: Fx,
}

fn parse_input(v: &Value) -> Input {
    let base = parse_array(v);
    let ops = v
        .get("ops")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let logical = match v.get("logical") {
        Some(l) => parse_array(l),
        None => base.clone(),
    };
    Input { base, ops, logical }
}

/// The slices the view fixtures use (scripts/fixtures/reductions.py `SLICES`).
fn view_slice(a: &Array, text: &str) -> Result<Array> {
    match text {
        "..;-1" => a.slice(s![..;-1]),
        ".., ..;-1" => a.slice(s![.., ..;-1]),
        ".., ..;-1, ..;2" => a.slice(s![.., ..;-1, ..;2]),
        "1.., ..;2" => a.slice(s![1.., ..;2]),
        "..;-2, .., 1..;2" => a.slice(s![..;-2, .., 1..;2]),
        "..;2, 1..5" => a.slice(s![..;2, 1..5]),
        other => panic!("slice {other:?} is not in view_slice; add it with its s! form"),
    }
}

fn ints<T: TryFrom<i64>>(v: &Value) -> Vec<T> {
    v.as_array()
        .expect("an array of integers")
        .iter()
        .map(|x| {
            T::try_from(x.as_i64().expect("integer"))
                .unwrap_or_else(|_| panic!("integer {x} out of range"))
        })
        .collect()
}

/// The input on the device of `info`, its ops applied.
fn place(info: &tandem::DeviceInfo, input: &Input) -> Result<Array> {
    let mut a = on(info, &input.base.build());
    for op in &input.ops {
        a = match op["op"].as_str().expect("op name") {
            "t" => a.t(),
            "transpose" => a.transpose(&ints::<usize>(&op["axes"]))?,
            "slice" => view_slice(&a, op["slice"].as_str().expect("slice text"))?,
            "broadcast_to" => a.broadcast_to(&ints::<usize>(&op["shape"]))?,
            "reshape" => a.reshape(&ints::<isize>(&op["shape"]))?,
            "mul" => a.try_mul(op["value"].as_i64().expect("integer value"))?,
            "abs" => a.abs(),
            other => panic!("unknown view op {other:?}"),
        };
    }
    Ok(a)
}

// ---------------------------------------------------------------------------
// Cases

/// The axis argument of a case.
#[derive(Clone, Debug)]
enum Axis {
    All,
    One(isize),
    Many(Vec<isize>),
}

impl Axis {
    fn parse(v: &Value) -> Axis {
        match v {
            Value::Null => Axis::All,
            Value::Array(_) => Axis::Many(ints::<isize>(v)),
            n => Axis::One(n.as_i64().expect("axis") as isize),
        }
    }

    /// The reduced axes, sorted (only for cases that do not expect an error).
    fn resolve(&self, ndim: usize) -> Vec<usize> {
        let norm = |a: isize| (if a < 0 { a + ndim as isize } else { a }) as usize;
        let mut out: Vec<usize> = match self {
            Axis::All => (0..ndim).collect(),
            Axis::One(a) => vec![norm(*a)],
            Axis::Many(v) => v.iter().map(|&a| norm(a)).collect(),
        };
        out.sort_unstable();
        out
    }
}

/// How a case's values are compared (the fixture's `"cmp"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Exact,
    NoSign,
    Tol,
}

/// What a case expects.
enum Expect {
    Value {
        fx: Fx,
        mode: Mode,
        /// Per-element tolerances (mode `Tol`).
        tols: Vec<f64>,
    },
    Error {
        kind: String,
        at_read: bool,
    },
}

/// One fixture case.
struct Case {
    what: String,
    op: String,
    ddof: Option<usize>,
    axis: Axis,
    keepdims: bool,
    input: std::sync::Arc<Input>,
    expect: Expect,
}

/// Every case of `op` in the fixtures.
fn load_cases(op: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for file in FILES {
        let fx = load_reductions(file);
        let inputs = fx["inputs"].as_object().expect("inputs object");
        let mut parsed: std::collections::HashMap<&str, std::sync::Arc<Input>> =
            std::collections::HashMap::new();
        for g in fx["groups"].as_array().expect("groups array") {
            if g["op"] != op {
                continue;
            }
            let name = g["input"].as_str().expect("input name");
            let input = parsed
                .entry(name)
                .or_insert_with(|| {
                    std::sync::Arc::new(parse_input(
                        inputs
                            .get(name)
                            .unwrap_or_else(|| panic!("{file}: no input {name:?}")),
                    ))
                })
                .clone();
            let ddof = g.get("ddof").and_then(Value::as_u64).map(|d| d as usize);
            for run in g["runs"].as_array().expect("runs array") {
                let run = run.as_array().expect("a run is an array");
                let axis = Axis::parse(&run[0]);
                let keepdims = run[1].as_bool().expect("keepdims");
                let expect = if let Some(kind) = run[2].get("error") {
                    Expect::Error {
                        kind: kind.as_str().expect("error kind").to_string(),
                        at_read: run[2]["at"] == "read",
                    }
                } else {
                    let fx = parse_array(&json!({
                        "dtype": g["dtype"],
                        "shape": run[2],
                        "data": run[3],
                    }));
                    let mode = match g["cmp"].as_str() {
                        Some("exact") => Mode::Exact,
                        Some("nosign") => Mode::NoSign,
                        Some("tol") => Mode::Tol,
                        other => panic!("{file}: unknown cmp {other:?}"),
                    };
                    let tols = if mode == Mode::Tol {
                        let axes = axis.resolve(input.logical.shape.len());
                        tolerances(op, &input.logical, &axes, ddof.unwrap_or(0), &fx)
                    } else {
                        Vec::new()
                    };
                    Expect::Value { fx, mode, tols }
                };
                let what = format!(
                    "{file} {name} ({}): {op}(axis {}, keepdims {keepdims}{})",
                    input.logical.describe(),
                    match &axis {
                        Axis::All => "None".to_string(),
                        Axis::One(a) => a.to_string(),
                        Axis::Many(v) => format!("{v:?}"),
                    },
                    ddof.map(|d| format!(", ddof {d}")).unwrap_or_default()
                );
                out.push(Case {
                    what,
                    op: op.to_string(),
                    ddof,
                    axis,
                    keepdims,
                    input: input.clone(),
                    expect,
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Tolerances (see the docstring of scripts/fixtures/reductions.py)

/// Per-element absolute tolerances of a float result `exp` of `op` over
/// `axes` of `x`.
fn tolerances(op: &str, x: &Fx, axes: &[usize], ddof: usize, exp: &Fx) -> Vec<f64> {
    let u = match exp.dtype {
        DType::F32 => f32::EPSILON as f64,
        _ => f64::EPSILON,
    };
    let slices = reduction_slices(&data_f64(&x.data), &x.shape, axes);
    let e = data_f64(&exp.data);
    assert_eq!(
        slices.len(),
        e.len(),
        "{op}: {} slices for {} expected values",
        slices.len(),
        e.len()
    );
    slices
        .iter()
        .zip(&e)
        .map(|(s, &e)| tolerance(op, s, ddof, u, e))
        .collect()
}

/// The tolerance for one result element `e` of `op` over the slice `s`, with
/// `u` the epsilon of the result dtype (2^-23 or 2^-52).
fn tolerance(op: &str, s: &[f64], ddof: usize, u: f64, e: f64) -> f64 {
    let n = s.len() as f64;
    let k = 2.0 * (n + 1.0) * u;
    let kept: Vec<f64> = s.iter().copied().filter(|x| !x.is_nan()).collect();
    let abs_sum = |v: &[f64]| v.iter().map(|x| x.abs()).sum::<f64>();
    match op {
        "sum" => k * abs_sum(s),
        "nansum" => k * abs_sum(&kept),
        "mean" => k * abs_sum(s) / n + 2.0 * u * e.abs(),
        "nanmean" => k * abs_sum(&kept) / kept.len() as f64 + 2.0 * u * e.abs(),
        "prod" | "nanprod" => k * e.abs(),
        "var" | "std" => {
            let mean = s.iter().sum::<f64>() / n;
            let m_err = k * abs_sum(s) / n;
            let (mut grow, mut sq) = (0.0, 0.0);
            for &x in s {
                let d = x - mean;
                let big = d.abs() + m_err;
                grow += big * big - d * d;
                sq += big * big;
            }
            let denom = (n - ddof as f64).max(0.0);
            let var = if op == "var" { e } else { e * e };
            let tv = (grow + 1.5 * k * sq) / denom + 2.0 * u * var.abs();
            if op == "var" {
                tv
            } else if e > 0.0 {
                (tv / (2.0 * e)).min(tv.sqrt()) + 2.0 * u * e
            } else {
                tv.sqrt()
            }
        }
        other => panic!("no tolerance rule for {other:?}"),
    }
}

/// Compares values within per-element tolerances: NaN must be NaN, an
/// infinity that infinity, and a zero tolerance means bit-exact.
fn compare_tol(got: &Data, exp: &Fx, tols: &[f64]) -> std::result::Result<(), String> {
    let g = data_f64(got);
    let e = data_f64(&exp.data);
    let mut bad = Vec::new();
    for i in 0..e.len() {
        let ok = if e[i].is_nan() {
            g[i].is_nan()
        } else if e[i].is_infinite() {
            g[i] == e[i]
        } else if !g[i].is_finite() {
            false
        } else if tols[i] == 0.0 {
            g[i].to_bits() == e[i].to_bits()
        } else {
            (g[i] - e[i]).abs() <= tols[i]
        };
        if !ok {
            bad.push(format!(
                "[{i}]: expected {} (± {:.3e}), got {} (off by {:.3e})",
                exp.data.show(i),
                tols[i],
                got.show(i),
                (g[i] - e[i]).abs()
            ));
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    let n = bad.len();
    bad.truncate(6);
    Err(format!(
        "{n} of {} values differ beyond tolerance: {}{}",
        e.len(),
        bad.join("; "),
        if n > 6 { "; ..." } else { "" }
    ))
}

// ---------------------------------------------------------------------------
// Running cases

/// The outcome of one call: a panic message, or the Result.
type Outcome = std::result::Result<Result<Array>, String>;

/// Every form of the call that a case names (see the fixture docstring).
fn forms(case: &Case, a: &Array) -> Vec<(String, Outcome, bool)> {
    let op = case.op.as_str();
    let kd = case.keepdims;
    let mut out: Vec<(String, Outcome, bool)> = Vec::new();
    if let Some(ddof) = case.ddof {
        let Axis::One(axis) = case.axis else {
            panic!("{}: ddof cases have one axis", case.what)
        };
        let r = quiet(|| match op {
            "var" => a.var_axis_ddof(axis, ddof, kd),
            "std" => a.std_axis_ddof(axis, ddof, kd),
            other => panic!("ddof for {other:?}"),
        });
        out.push((format!("{op}_axis_ddof({axis}, {ddof}, {kd})"), r, false));
        return out;
    }
    match &case.axis {
        Axis::All if !kd => {
            out.push((format!("try_{op}()"), quiet(|| call_full(op, a)), false));
            out.push((
                format!("{op}()"),
                quiet(|| Ok(call_full_panicking(op, a))),
                true,
            ));
        }
        Axis::All => {
            let all: Vec<isize> = (0..a.ndim() as isize).collect();
            out.push((
                format!("{op}_axes({all:?}, true)"),
                quiet(|| call_axes(op, a, &all, true)),
                false,
            ));
        }
        Axis::One(axis) => {
            out.push((
                format!("{op}_axis({axis}, {kd})"),
                quiet(|| call_axis(op, a, *axis, kd)),
                false,
            ));
            if !is_arg(op) {
                out.push((
                    format!("{op}_axes(&[{axis}], {kd})"),
                    quiet(|| call_axes(op, a, &[*axis], kd)),
                    false,
                ));
            }
        }
        Axis::Many(axes) => {
            out.push((
                format!("{op}_axes({axes:?}, {kd})"),
                quiet(|| call_axes(op, a, axes, kd)),
                false,
            ));
        }
    }
    out
}

fn error_ok(kind: &str, e: &Error) -> bool {
    match kind {
        "invalid" => matches!(e, Error::InvalidArgument { .. }),
        "axis" => matches!(e, Error::AxisOutOfBounds { .. }),
        other => panic!("unknown expected error kind {other:?}"),
    }
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "invalid" => "InvalidArgument",
        "axis" => "AxisOutOfBounds",
        _ => "?",
    }
}

/// Checks one outcome against the case; `None` when it matches.
fn check(case: &Case, outcome: Outcome, panicking_form: bool) -> Option<String> {
    match (&case.expect, outcome) {
        (Expect::Value { .. }, Err(p)) => Some(format!("panicked: {p}")),
        (Expect::Value { .. }, Ok(Err(e))) => {
            Some(format!("expected a value, got {}: {e}", error_variant(&e)))
        }
        (Expect::Value { fx, mode, tols }, Ok(Ok(a))) => check_value(&a, fx, *mode, tols),
        // The panicking form may panic for an error found at call time, and
        // for one found when read too (the message is NumPy's ValueError).
        (Expect::Error { kind, .. }, Err(p)) => {
            if panicking_form && !p.contains("no identity") {
                None
            } else {
                Some(format!(
                    "expected Err({}), but the Result form panicked: {p}",
                    kind_name(kind)
                ))
            }
        }
        (Expect::Error { kind, .. }, Ok(Err(e))) => {
            if panicking_form {
                Some(format!("expected a panic, got Err: {e}"))
            } else if error_ok(kind, &e) {
                None
            } else {
                Some(format!(
                    "expected Err({}), got Err({}): {e}",
                    kind_name(kind),
                    error_variant(&e)
                ))
            }
        }
        (Expect::Error { kind, at_read }, Ok(Ok(a))) => {
            let read_back = quiet(|| read(&a));
            let shown = |d: &Data| format!("Ok({} {:?} = {d:?})", a.dtype().name(), a.shape());
            // The `Array` form (`a.max()`) cannot return the error NumPy
            // raises at the call: it never panics for it, and its result
            // fails when read instead (issue 14).
            if !at_read && !panicking_form {
                let what = if panicking_form {
                    "a panic".to_string()
                } else {
                    format!("Err({})", kind_name(kind))
                };
                return Some(format!(
                    "expected {what} at the call (NumPy raises), got {}",
                    match read_back {
                        Ok(Ok(d)) => shown(&d),
                        Ok(Err(e)) => format!("an array whose read fails with {e}"),
                        Err(p) => format!("an array whose read panics: {p}"),
                    }
                ));
            }
            match read_back {
                Ok(Err(e)) if error_ok(kind, &e) => None,
                Ok(Err(e)) => Some(format!(
                    "expected Err({}) when read, got Err({}): {e}",
                    kind_name(kind),
                    error_variant(&e)
                )),
                Ok(Ok(d)) => Some(format!(
                    "expected Err({}) when read (NumPy raises), got {}",
                    kind_name(kind),
                    shown(&d)
                )),
                Err(p) => Some(format!(
                    "expected Err({}) when read, reading panicked: {p}",
                    kind_name(kind)
                )),
            }
        }
    }
}

/// Dtype, shape and values of a result against the expected array.
fn check_value(a: &Array, fx: &Fx, mode: Mode, tols: &[f64]) -> Option<String> {
    if a.dtype() != fx.dtype || a.shape() != &fx.shape[..] {
        return Some(format!(
            "expected {} {:?}, got {} {:?}",
            fx.dtype.name(),
            fx.shape,
            a.dtype().name(),
            a.shape()
        ));
    }
    let data = match quiet(|| read(a)) {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return Some(format!("reading the result failed: {e}")),
        Err(p) => return Some(format!("reading the result panicked: {p}")),
    };
    let r = match mode {
        Mode::Exact => compare_data(&data, fx, Cmp::Exact, &[]),
        Mode::NoSign => compare_data(&data, fx, Cmp::NoSign, &[]),
        Mode::Tol => compare_tol(&data, fx, tols),
    };
    r.err()
}

/// Runs every fixture case of `op` on every device.
fn run_op(op: &str) {
    let cases = load_cases(op);
    assert!(
        cases.len() >= 100,
        "{op}: only {} fixture cases; regenerate with `python3 scripts/fixtures/reductions.py`",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &cases {
            let a = match quiet(|| place(info, &case.input)) {
                Ok(Ok(a)) => a,
                other => {
                    failures.push(format!(
                        "{} on {}: building the input failed: {:?}",
                        case.what,
                        label(info),
                        other.map(|r| r.err())
                    ));
                    continue;
                }
            };
            tandem::reset_stats();
            for (form, outcome, panicking) in forms(case, &a) {
                total += 1;
                if let Some(msg) = check(case, outcome, panicking) {
                    failures.push(format!(
                        "{} via {form} on {}: {msg}",
                        case.what,
                        label(info)
                    ));
                }
            }
            // The device under test is the one that ran the case (the input
            // lives there), or it was not tested at all.
            let s = tandem::stats();
            let here = info.device.to_string();
            if s.kernels_on(&here) != s.total_kernels() {
                failures.push(format!(
                    "{} on {}: kernels ran elsewhere: {:?}",
                    case.what,
                    label(info),
                    s.kernels
                ));
            }
        }
    });
    assert!(total > 0, "{op}: no checks ran");
    if !failures.is_empty() {
        let n = failures.len();
        failures.truncate(SHOW);
        panic!(
            "{op}: {n} of {total} checks failed{}:\n  {}",
            if n > SHOW {
                format!(" (first {SHOW} shown)")
            } else {
                String::new()
            },
            failures.join("\n  ")
        );
    }
}

macro_rules! reduction_tests {
    ($($op:ident),* $(,)?) => {
        mod reduction {
            $(
                #[test]
                fn $op() {
                    super::run_op(stringify!($op));
                }
            )*
        }
    };
}

reduction_tests!(
    sum, prod, mean, min, max, var, std, any, all, nansum, nanmean, nanmin, nanmax, argmin, argmax,
    nanargmin, nanargmax, nanprod,
);

/// `sum`/`prod`/`nansum` of bools count (NumPy gives int64), and `any`/`all`
/// of numbers test `x != 0` (NaN true, -0.0 false), on every device, with
/// every kernel run by that device (the stats say where), over several
/// shapes and axes: rows short and long, strided and contiguous.
#[test]
fn bool_counts_and_truth_values_run_on_every_device() {
    let shapes: [&[usize]; 4] = [&[1000], &[4, 300], &[300, 4], &[2, 3, 20_000]];
    let axis_sets = |nd: usize| -> Vec<Vec<usize>> {
        let mut v: Vec<Vec<usize>> = (0..nd).map(|a| vec![a]).collect();
        v.push((0..nd).collect());
        if nd == 3 {
            v.push(vec![0, 2]);
        }
        v
    };
    let mut failures = Vec::new();
    let mut kernels = 0;
    for_each_device(|info| {
        let here = info.device.to_string();
        tandem::reset_stats();
        for (si, shape) in shapes.iter().enumerate() {
            let n: usize = shape.iter().product();
            // Bools: mostly true, runs of false; one all-true slice along axis 0.
            let b: Vec<bool> = (0..n)
                .map(|i| !mix(i as u64 + si as u64).is_multiple_of(5) || i % shape[0] == 1)
                .collect();
            let a = on(info, &Array::from_vec(b.clone(), shape).unwrap());
            for axes in axis_sets(shape.len()) {
                let slices = reduction_slices(&b, shape, &axes);
                let ax: Vec<isize> = axes.iter().map(|&x| x as isize).collect();
                for op in ["sum", "nansum", "prod"] {
                    let want: Vec<i64> = slices
                        .iter()
                        .map(|s| match op {
                            "prod" => i64::from(s.iter().all(|&x| x)),
                            _ => s.iter().filter(|&&x| x).count() as i64,
                        })
                        .collect();
                    let got = call_axes(op, &a, &ax, false).and_then(|r| {
                        if r.dtype() != DType::I64 {
                            return Err(Error::invalid("test", format!("dtype {}", r.dtype())));
                        }
                        r.to_vec::<i64>()
                    });
                    match got {
                        Ok(g) if g == want => {}
                        other => failures.push(format!(
                            "{op} of bool {shape:?} over {axes:?} on {here}: {other:?}"
                        )),
                    }
                }
            }
            // Numbers: zeros of both signs, NaN, and a few non-zero values.
            let vals: Vec<f64> = (0..n)
                .map(|i| match mix(i as u64 * 7 + si as u64) % 9 {
                    0 => f64::NAN,
                    1 | 2 => 0.0,
                    3 | 4 => -0.0,
                    5 => -3.0,
                    _ => 1.0,
                })
                .collect();
            for dt in [DType::F32, DType::F64, DType::I32, DType::U32] {
                let host = match dt {
                    DType::F32 => Array::from_vec(vals.iter().map(|&x| x as f32).collect(), shape),
                    DType::F64 => Array::from_vec(vals.clone(), shape),
                    // NaN becomes 7 (true), -0.0 becomes 0 (false).
                    DType::I32 => Array::from_vec(
                        vals.iter()
                            .map(|&x| if x.is_nan() { 7 } else { x as i32 })
                            .collect(),
                        shape,
                    ),
                    _ => Array::from_vec(
                        vals.iter()
                            .map(|&x| if x.is_nan() { u32::MAX } else { x.abs() as u32 })
                            .collect(),
                        shape,
                    ),
                }
                .unwrap();
                let a = on(info, &host);
                let truth: Vec<bool> = vals.iter().map(|&x| x != 0.0 || x.is_nan()).collect();
                for axes in axis_sets(shape.len()) {
                    let slices = reduction_slices(&truth, shape, &axes);
                    let ax: Vec<isize> = axes.iter().map(|&x| x as isize).collect();
                    for op in ["any", "all"] {
                        let want: Vec<bool> = slices
                            .iter()
                            .map(|s| {
                                if op == "any" {
                                    s.iter().any(|&x| x)
                                } else {
                                    s.iter().all(|&x| x)
                                }
                            })
                            .collect();
                        match call_axes(op, &a, &ax, false).and_then(|r| r.to_vec::<bool>()) {
                            Ok(g) if g == want => {}
                            other => failures.push(format!(
                                "{op} of {} {shape:?} over {axes:?} on {here}: {:?}",
                                dt.name(),
                                other.map(|g| g.iter().take(20).copied().collect::<Vec<_>>())
                            )),
                        }
                    }
                }
            }
        }
        let s = tandem::stats();
        kernels += s.kernels_on(&here);
        if s.kernels_on(&here) == 0 || s.kernels_on(&here) != s.total_kernels() {
            failures.push(format!("on {here}, kernels ran elsewhere: {:?}", s.kernels));
        }
    });
    assert!(kernels > 0);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The fixture files hold what the docstring of the script promises (a
/// guard against a truncated regeneration).
#[test]
fn fixtures_cover_every_reduction_and_group() {
    let mut seen = std::collections::BTreeMap::<(String, String), usize>::new();
    for file in FILES {
        for g in load_reductions(file)["groups"].as_array().unwrap() {
            let n = g["runs"].as_array().unwrap().len();
            *seen
                .entry((file.to_string(), g["op"].as_str().unwrap().to_string()))
                .or_default() += n;
        }
    }
    let ops = [
        "sum",
        "prod",
        "mean",
        "min",
        "max",
        "var",
        "std",
        "any",
        "all",
        "nansum",
        "nanmean",
        "nanmin",
        "nanmax",
        "argmin",
        "argmax",
        "nanargmin",
        "nanargmax",
    ];
    for file in [
        "basic.json",
        "special.json",
        "empty.json",
        "views.json",
        "errors.json",
    ] {
        for op in ops {
            assert!(
                seen.get(&(file.to_string(), op.to_string()))
                    .copied()
                    .unwrap_or(0)
                    > 0,
                "{file} has no cases of {op}"
            );
        }
    }
    for op in ["var", "std"] {
        assert!(seen[&("ddof.json".to_string(), op.to_string())] > 0);
    }
}

// ---------------------------------------------------------------------------
// Property tests: naive references computed here

/// splitmix64: deterministic data from a seed and an index.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The dtypes the property tests draw from.
const PROP_DTYPES: [DType; 5] = [DType::F32, DType::F64, DType::I32, DType::U32, DType::I64];

/// An array of `dtype` and `shape` with small integer values (so sums are
/// exact in any order and there are many ties), and NaN in about one
/// float element in 12 when `nans`; also its values as `f64`.
fn small_ints(dtype: DType, shape: &[usize], seed: u64, nans: bool) -> (Array, Vec<f64>) {
    let n: usize = shape.iter().product();
    let vals: Vec<f64> = (0..n as u64)
        .map(|i| {
            let h = mix(seed.wrapping_add(i));
            if nans && dtype.is_float() && h.is_multiple_of(12) {
                f64::NAN
            } else if dtype == DType::U32 {
                ((h >> 8) % 9) as f64
            } else {
                ((h >> 8) % 9) as f64 - 4.0
            }
        })
        .collect();
    let a = match dtype {
        DType::F32 => Array::from_vec(vals.iter().map(|&x| x as f32).collect(), shape),
        DType::F64 => Array::from_vec(vals.clone(), shape),
        DType::I32 => Array::from_vec(vals.iter().map(|&x| x as i32).collect(), shape),
        DType::I64 => Array::from_vec(vals.iter().map(|&x| x as i64).collect(), shape),
        DType::U32 => Array::from_vec(vals.iter().map(|&x| x as u32).collect(), shape),
        other => panic!("no property data for {other:?}"),
    }
    .unwrap();
    (a, vals)
}

/// The naive results along one axis: sums, maxima and argmaxima (NaN
/// propagates in sum and max; argmax is the first NaN if there is one, else
/// the first maximum).
fn naive(vals: &[f64], shape: &[usize], axis: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let slices = reduction_slices(vals, shape, &[axis]);
    let mut sums = Vec::new();
    let mut maxs = Vec::new();
    let mut args = Vec::new();
    for s in &slices {
        sums.push(s.iter().sum::<f64>());
        let first_nan = s.iter().position(|x| x.is_nan());
        let mut best = 0;
        for (i, &x) in s.iter().enumerate() {
            if x > s[best] {
                best = i;
            }
        }
        match first_nan {
            Some(i) => {
                maxs.push(f64::NAN);
                args.push(i as f64);
            }
            None => {
                maxs.push(s.get(best).copied().unwrap_or(f64::NAN));
                args.push(best as f64);
            }
        }
    }
    (sums, maxs, args)
}

/// Equal values, NaN equal to NaN.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// The shape after reducing `axis`.
fn reduced_shape(shape: &[usize], axis: usize, keepdims: bool) -> Vec<usize> {
    let mut out = Vec::new();
    for (k, &d) in shape.iter().enumerate() {
        if k != axis {
            out.push(d);
        } else if keepdims {
            out.push(1);
        }
    }
    out
}

/// A result read back as (dtype, shape, values as `f64`), or what went wrong.
type ReadBack = std::result::Result<(DType, Vec<usize>, Vec<f64>), String>;

fn read_f64(a: &Outcome) -> ReadBack {
    match a {
        Ok(Ok(a)) => match quiet(|| read(a)) {
            Ok(Ok(d)) => Ok((a.dtype(), a.shape().to_vec(), data_f64(&d))),
            Ok(Err(e)) => Err(format!("read failed: {e}")),
            Err(p) => Err(format!("read panicked: {p}")),
        },
        Ok(Err(e)) => Err(format!("{}: {e}", error_variant(e))),
        Err(p) => Err(format!("panicked: {p}")),
    }
}

/// One device's label and its sums, maxima and argmaxima (as `f64`).
type PerDevice = (String, Vec<f64>, Vec<f64>, Vec<f64>);

fn prop_shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..=5, 1..=3)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// sum / max / argmax along a random axis (negative or not, keepdims or
    /// not) equal the naive reference on every device, and every device
    /// gives the same answer as the first (the CPU).
    #[test]
    fn axis_sum_max_argmax_match_naive(
        shape in prop_shape(),
        seed in any::<u64>(),
        pick in 0usize..3,
        negative in any::<bool>(),
        keepdims in any::<bool>(),
        dt in 0usize..PROP_DTYPES.len(),
        nans in any::<bool>(),
    ) {
        let dtype = PROP_DTYPES[dt];
        let ndim = shape.len();
        let axis = pick % ndim;
        let axis_arg = if negative { axis as isize - ndim as isize } else { axis as isize };
        let (host, vals) = small_ints(dtype, &shape, seed, nans);
        let (sums, maxs, args) = naive(&vals, &shape, axis);
        let out_shape = reduced_shape(&shape, axis, keepdims);
        let sum_dtype = if dtype.is_float() { dtype } else { DType::I64 };
        let empty_axis = shape[axis] == 0;
        let mut failures: Vec<String> = Vec::new();
        let mut per_device: Vec<(String, Vec<ReadBack>)> = Vec::new();
        for_each_device(|info| {
            let a = on(info, &host);
            let results: [Outcome; 3] = [
                quiet(|| a.sum_axis(axis_arg, keepdims)),
                quiet(|| a.max_axis(axis_arg, keepdims)),
                quiet(|| a.argmax_axis(axis_arg, keepdims)),
            ];
            let l = label(info);
            let checks: [(&str, DType, &Vec<f64>, bool); 3] = [
                ("sum_axis", sum_dtype, &sums, false),
                ("max_axis", dtype, &maxs, empty_axis),
                ("argmax_axis", DType::I64, &args, empty_axis),
            ];
            let mut read_back = Vec::new();
            for ((name, want_dtype, want, want_err), r) in checks.iter().zip(&results) {
                let what = format!("{name}({axis_arg}, {keepdims}) of {} {shape:?} on {l}", dtype.name());
                if *want_err {
                    match r {
                        Ok(Err(Error::InvalidArgument { .. })) => {}
                        Ok(Err(e)) => failures.push(format!("{what}: expected Err(InvalidArgument) (empty axis), got {}: {e}", error_variant(e))),
                        Ok(Ok(a)) => failures.push(format!("{what}: expected Err(InvalidArgument) (empty axis), got Ok {:?}", a.shape())),
                        Err(p) => failures.push(format!("{what}: expected Err(InvalidArgument) (empty axis), panicked: {p}")),
                    }
                    read_back.push(Err("error".to_string()));
                    continue;
                }
                let got = read_f64(r);
                match &got {
                    Ok((d, s, v)) => {
                        if *d != *want_dtype || s != &out_shape || !same(v, want) {
                            failures.push(format!("{what}: expected {} {out_shape:?} {want:?}, got {} {s:?} {v:?} (input {vals:?})", want_dtype.name(), d.name()));
                        }
                    }
                    Err(e) => failures.push(format!("{what}: {e}")),
                }
                read_back.push(got);
            }
            per_device.push((l, read_back));
        });
        if let Some((first, base)) = per_device.first() {
            for (l, other) in &per_device[1..] {
                let agree = base.iter().zip(other).all(|(x, y)| match (x, y) {
                    (Ok((d1, s1, v1)), Ok((d2, s2, v2))) => d1 == d2 && s1 == s2 && same(v1, v2),
                    (Err(_), Err(_)) => true,
                    _ => false,
                });
                if !agree {
                    failures.push(format!("{l} disagrees with {first}: {other:?} vs {base:?}"));
                }
            }
        }
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Random non-integer float32 data: every device agrees with the CPU
    /// (sums within the summation-order tolerance, max and argmax exactly),
    /// and max / argmax equal the naive reference.
    #[test]
    fn devices_agree_on_random_floats(
        shape in prop::collection::vec(1usize..=40, 1..=3),
        seed in any::<u64>(),
        pick in 0usize..3,
    ) {
        let axis = pick % shape.len();
        let n: usize = shape.iter().product();
        let vals: Vec<f32> = (0..n as u64)
            .map(|i| ((mix(seed.wrapping_add(i)) >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 8.0)
            .collect();
        let host = Array::from_vec(vals.clone(), &shape).unwrap();
        let vals64: Vec<f64> = vals.iter().map(|&x| x as f64).collect();
        let slices = reduction_slices(&vals64, &shape, &[axis]);
        let (_, maxs, args) = naive(&vals64, &shape, axis);
        let mut failures = Vec::new();
        let mut results: Vec<PerDevice> = Vec::new();
        for_each_device(|info| {
            let a = on(info, &host);
            let l = label(info);
            let get = |r: Outcome| read_f64(&r).map(|(_, _, v)| v);
            let ax = axis as isize;
            match (
                get(quiet(|| a.sum_axis(ax, false))),
                get(quiet(|| a.max_axis(ax, false))),
                get(quiet(|| a.argmax_axis(ax, false))),
            ) {
                (Ok(s), Ok(m), Ok(g)) => {
                    if !same(&m, &maxs) || !same(&g, &args) {
                        failures.push(format!("max/argmax along {axis} of {shape:?} on {l}: expected {maxs:?} / {args:?}, got {m:?} / {g:?}"));
                    }
                    results.push((l, s, m, g));
                }
                (s, m, g) => failures.push(format!("on {l}: sum {:?} max {:?} argmax {:?}", s.err(), m.err(), g.err())),
            }
        });
        if let Some((first, s0, m0, g0)) = results.first() {
            for (l, s, m, g) in &results[1..] {
                if m != m0 || g != g0 {
                    failures.push(format!("{l} max/argmax disagree with {first}"));
                }
                for (i, sl) in slices.iter().enumerate() {
                    let tol = tolerance("sum", sl, 0, f32::EPSILON as f64, 0.0);
                    if (s[i] - s0[i]).abs() > tol {
                        failures.push(format!("sum[{i}] along {axis} of {shape:?}: {l} gives {}, {first} {} (tolerance {tol:e})", s[i], s0[i]));
                    }
                }
            }
            // and both are close to the exact sum
            for (i, sl) in slices.iter().enumerate() {
                let exact: f64 = sl.iter().sum();
                let tol = tolerance("sum", sl, 0, f32::EPSILON as f64, 0.0);
                if (s0[i] - exact).abs() > tol {
                    failures.push(format!("sum[{i}] along {axis} of {shape:?} on {first}: {} vs exact {exact} (tolerance {tol:e})", s0[i]));
                }
            }
        }
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The min/max family over larger shapes (rows of up to 70 elements, so
    /// the backends' wide and strided paths run): for NaN-free data,
    /// `min == nanmin` and `max == nanmax` equal the naive extrema and
    /// `argmin`, `argmax`, `nanargmin`, `nanargmax` the first index of
    /// them, along a random axis, for every dtype, on every device.
    #[test]
    fn min_max_family_matches_naive_on_larger_shapes(
        shape in prop::collection::vec(1usize..=70, 1..=3),
        seed in any::<u64>(),
        pick in 0usize..3,
        dt in 0usize..6,
    ) {
        let dtype = DTYPES[dt];
        let axis = pick % shape.len();
        let n: usize = shape.iter().product();
        // Values of both signs (and ties); bools half true.
        let vals: Vec<f64> = (0..n as u64)
            .map(|i| {
                let h = mix(seed.wrapping_add(i));
                match dtype {
                    DType::Bool => (h >> 63) as f64,
                    DType::U32 => ((h >> 8) % 1000) as f64,
                    DType::F32 | DType::F64 => ((h >> 8) % 2001) as f64 / 8.0 - 125.0,
                    _ => ((h >> 8) % 2001) as f64 - 1000.0,
                }
            })
            .collect();
        let host = match dtype {
            DType::Bool => Array::from_vec(vals.iter().map(|&x| x != 0.0).collect(), &shape),
            DType::I32 => Array::from_vec(vals.iter().map(|&x| x as i32).collect(), &shape),
            DType::I64 => Array::from_vec(vals.iter().map(|&x| x as i64).collect(), &shape),
            DType::U32 => Array::from_vec(vals.iter().map(|&x| x as u32).collect(), &shape),
            DType::F32 => Array::from_vec(vals.iter().map(|&x| x as f32).collect(), &shape),
            DType::F64 => Array::from_vec(vals.clone(), &shape),
        }
        .unwrap();
        let slices = reduction_slices(&vals, &shape, &[axis]);
        let first = |s: &Vec<f64>, better: fn(f64, f64) -> bool| {
            let mut b = 0;
            for i in 1..s.len() {
                if better(s[i], s[b]) {
                    b = i;
                }
            }
            b
        };
        let argmins: Vec<f64> = slices.iter().map(|s| first(s, |x, y| x < y) as f64).collect();
        let argmaxs: Vec<f64> = slices.iter().map(|s| first(s, |x, y| x > y) as f64).collect();
        let mins: Vec<f64> = slices.iter().zip(&argmins).map(|(s, &i)| s[i as usize]).collect();
        let maxs: Vec<f64> = slices.iter().zip(&argmaxs).map(|(s, &i)| s[i as usize]).collect();
        let mut failures = Vec::new();
        for_each_device(|info| {
            let a = on(info, &host);
            let ax = axis as isize;
            let runs: [(&str, Outcome, &Vec<f64>, DType); 8] = [
                ("min_axis", quiet(|| a.min_axis(ax, false)), &mins, dtype),
                ("nanmin_axis", quiet(|| a.nanmin_axis(ax, false)), &mins, dtype),
                ("max_axis", quiet(|| a.max_axis(ax, false)), &maxs, dtype),
                ("nanmax_axis", quiet(|| a.nanmax_axis(ax, false)), &maxs, dtype),
                ("argmin_axis", quiet(|| a.argmin_axis(ax, false)), &argmins, DType::I64),
                ("nanargmin_axis", quiet(|| a.nanargmin_axis(ax, false)), &argmins, DType::I64),
                ("argmax_axis", quiet(|| a.argmax_axis(ax, false)), &argmaxs, DType::I64),
                ("nanargmax_axis", quiet(|| a.nanargmax_axis(ax, false)), &argmaxs, DType::I64),
            ];
            for (name, r, want, want_dtype) in runs {
                match read_f64(&r) {
                    Ok((d, _, v)) if d == want_dtype && same(&v, want) => {}
                    Ok((d, _, v)) => {
                        let bad: Vec<String> = (0..v.len().min(want.len()))
                            .filter(|&i| v[i] != want[i])
                            .take(4)
                            .map(|i| format!("[{i}] expected {} got {}", want[i], v[i]))
                            .collect();
                        let dt_msg = if d == want_dtype {
                            String::new()
                        } else {
                            format!("dtype {} (expected {}); ", d.name(), want_dtype.name())
                        };
                        failures.push(format!(
                            "{name}({axis}) of {} {shape:?} on {}: {dt_msg}{}",
                            dtype.name(),
                            label(info),
                            bad.join(", ")
                        ));
                    }
                    Err(e) => failures.push(format!(
                        "{name}({axis}) of {} {shape:?} on {}: {e}",
                        dtype.name(),
                        label(info)
                    )),
                }
            }
        });
        prop_assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
