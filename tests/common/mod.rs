//! Shared helpers for the integration tests: the NumPy fixtures, building
//! arrays from them, comparing results, and running one body on every device.
//!
//! # Fixtures
//!
//! `scripts/fixtures/elementwise.py` writes JSON under
//! `tests/fixtures/elementwise/` with real NumPy. An array is
//! `{"dtype": "float32", "shape": [2, 3], "data": [...]}` (flat, C order) with
//! floats as strings (`"nan"`, `"-inf"`, `"-0.0"`, `"0.1"`), integers as
//! numbers and booleans as `true`/`false`. A weak (Rust literal, NEP 50)
//! scalar operand is `{"kind": "bool"|"int"|"float", "value": ...}`.
//!
//! # Comparison modes (the `"cmp"` of a case)
//!
//! The dtype and shape must always match exactly. Values:
//!
//! - [`Cmp::Exact`]: bit-exact for floats, except that every NaN equals every
//!   NaN; `-0.0` and `0.0` differ. Arithmetic, comparisons, casts, rounding
//!   and integer ops.
//! - [`Cmp::NoSign`]: exact, but `-0.0 == 0.0` (maximum/minimum/clip, where
//!   NumPy's own sign of zero depends on its SIMD path).
//! - [`Cmp::Ulp`]: floats within [`ULP_F32`] / [`ULP_F64`] units in the last
//!   place of the result dtype, counted on the ordered integer line of that
//!   dtype (so `-0.0` and `0.0` are 0 apart and the largest finite value is 1
//!   from infinity). A NaN must be NaN and an infinity must be that infinity.
//!   Transcendental functions, `sqrt`, `sigmoid`, float `pow` and `atan2`;
//!   the fixture's expected values there are NumPy evaluated at higher
//!   precision and rounded, i.e. (nearly) correctly rounded. Integer and
//!   bool results are still compared exactly.
//! - [`Cmp::Approx`]: creation functions with a float dtype (arange,
//!   linspace): `|got - expected| <= 4 * eps(dtype) * max(1, max|expected|)`,
//!   because NumPy's fill formula is not part of the contract.
//!
//! # Devices
//!
//! [`for_each_device`] runs a body once per entry of `tandem::devices()`.
//! With `TANDEM_REQUIRE_GPU=1` and no GPU listed it panics; otherwise, with
//! no GPU, it prints `skipping GPU: no adapter` once per test binary, past the
//! test harness's output capture so that it shows. A build without a GPU
//! backend (`tandem::GPU_BACKEND_BUILT` is false) has no GPU runs to require,
//! and says so the same way.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, Once, OnceLock};
use tandem::prelude::*;

/// Units in the last place allowed for `float32` results in [`Cmp::Ulp`].
pub const ULP_F32: u64 = 4;
/// Units in the last place allowed for `float64` results in [`Cmp::Ulp`].
pub const ULP_F64: u64 = 4;
/// Machine epsilons, in units of which [`Cmp::Approx`] is measured.
const APPROX_EPS: f64 = 4.0;

// ---------------------------------------------------------------------------
// Fixture files

/// The folder of the elementwise fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/elementwise")
}

/// Loads (once per test binary) and returns fixture `name` of `group`, the
/// folder `tests/fixtures/<group>` written by `scripts/fixtures/<group>.py`.
pub fn load_fixture(group: &str, name: &str) -> &'static Value {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, &'static Value>>> = OnceLock::new();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(group)
        .join(name);
    let mut cache = CACHE
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(v) = cache.get(&path) {
        return v;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read fixture {}: {e}; regenerate with `python3 scripts/fixtures/{group}.py`",
            path.display()
        )
    });
    let v: &'static Value =
        Box::leak(Box::new(serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("fixture {} is not JSON: {e}", path.display())
        })));
    cache.insert(path, v);
    v
}

/// Loads an elementwise fixture, e.g. `"unary.json"`.
pub fn load(name: &str) -> &'static Value {
    load_fixture("elementwise", name)
}

/// The cases array `v[key]` of a fixture.
pub fn cases<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("fixture has no array {key:?}"))
}

/// A dtype from its NumPy name.
pub fn dtype(name: &str) -> DType {
    DType::from_name(name).unwrap_or_else(|| panic!("unknown dtype name {name:?} in fixture"))
}

/// Every dtype, in the fixture order.
pub const DTYPES: [DType; 6] = [
    DType::Bool,
    DType::I32,
    DType::I64,
    DType::U32,
    DType::F32,
    DType::F64,
];

// ---------------------------------------------------------------------------
// Decoded arrays

/// Flat values of one dtype.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U32(Vec<u32>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Bool(v) => v.len(),
            Data::I32(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::U32(v) => v.len(),
            Data::F32(v) => v.len(),
            Data::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn dtype(&self) -> DType {
        match self {
            Data::Bool(_) => DType::Bool,
            Data::I32(_) => DType::I32,
            Data::I64(_) => DType::I64,
            Data::U32(_) => DType::U32,
            Data::F32(_) => DType::F32,
            Data::F64(_) => DType::F64,
        }
    }

    /// Element `i` for messages (floats with `{:?}`, so `-0.0` shows).
    pub fn show(&self, i: usize) -> String {
        match self {
            Data::Bool(v) => format!("{}", v[i]),
            Data::I32(v) => format!("{}", v[i]),
            Data::I64(v) => format!("{}", v[i]),
            Data::U32(v) => format!("{}", v[i]),
            Data::F32(v) => format!("{:?}f32", v[i]),
            Data::F64(v) => format!("{:?}", v[i]),
        }
    }
}

/// A decoded fixture array.
#[derive(Clone, Debug, PartialEq)]
pub struct Fx {
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub data: Data,
}

impl Fx {
    /// The tandem array with this content (on the CPU).
    pub fn build(&self) -> Array {
        let shape = &self.shape[..];
        let r = match &self.data {
            Data::Bool(v) => Array::from_vec(v.clone(), shape),
            Data::I32(v) => Array::from_vec(v.clone(), shape),
            Data::I64(v) => Array::from_vec(v.clone(), shape),
            Data::U32(v) => Array::from_vec(v.clone(), shape),
            Data::F32(v) => Array::from_vec(v.clone(), shape),
            Data::F64(v) => Array::from_vec(v.clone(), shape),
        };
        r.unwrap_or_else(|e| panic!("from_vec({:?}, {:?}) failed: {e}", self.dtype, shape))
    }

    /// Short description for messages: `float32[2, 3]`, with the values when few.
    pub fn describe(&self) -> String {
        let mut s = format!("{}{:?}", self.dtype.name(), self.shape);
        if self.data.len() <= 8 {
            let vals: Vec<String> = (0..self.data.len()).map(|i| self.data.show(i)).collect();
            s.push_str(&format!(" [{}]", vals.join(", ")));
        }
        s
    }
}

/// Parses one fixture value of dtype `dt` as a float (floats are strings).
pub fn parse_float(v: &Value) -> f64 {
    match v {
        Value::String(s) => s
            .parse::<f64>()
            .unwrap_or_else(|e| panic!("bad float {s:?} in fixture: {e}")),
        Value::Number(n) => n.as_f64().expect("number"),
        other => panic!("expected a float string, got {other}"),
    }
}

fn parse_i64(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("expected an integer, got {v}"))
}

/// Decodes `{"dtype", "shape", "data"}`.
pub fn parse_array(v: &Value) -> Fx {
    let dt = dtype(v["dtype"].as_str().expect("dtype string"));
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .expect("shape array")
        .iter()
        .map(|d| d.as_u64().expect("shape entry") as usize)
        .collect();
    let raw = v["data"].as_array().expect("data array");
    let data = match dt {
        DType::Bool => Data::Bool(raw.iter().map(|x| x.as_bool().expect("bool")).collect()),
        DType::I32 => Data::I32(raw.iter().map(|x| parse_i64(x) as i32).collect()),
        DType::I64 => Data::I64(raw.iter().map(parse_i64).collect()),
        DType::U32 => Data::U32(raw.iter().map(|x| parse_i64(x) as u32).collect()),
        DType::F32 => Data::F32(raw.iter().map(|x| parse_float(x) as f32).collect()),
        DType::F64 => Data::F64(raw.iter().map(parse_float).collect()),
    };
    assert_eq!(
        data.len(),
        shape.iter().product::<usize>(),
        "fixture array length does not match its shape {shape:?}"
    );
    Fx {
        dtype: dt,
        shape,
        data,
    }
}

/// Builds the tandem array for a fixture array value.
pub fn array(v: &Value) -> Array {
    parse_array(v).build()
}

/// Reads an array back (forcing evaluation) into [`Data`] of its own dtype.
pub fn read(a: &Array) -> Result<Data> {
    Ok(match a.dtype() {
        DType::Bool => Data::Bool(a.to_vec::<bool>()?),
        DType::I32 => Data::I32(a.to_vec::<i32>()?),
        DType::I64 => Data::I64(a.to_vec::<i64>()?),
        DType::U32 => Data::U32(a.to_vec::<u32>()?),
        DType::F32 => Data::F32(a.to_vec::<f32>()?),
        DType::F64 => Data::F64(a.to_vec::<f64>()?),
    })
}

// ---------------------------------------------------------------------------
// Weak scalars and operands

/// A Rust scalar as passed to a binary method (a NEP 50 weak scalar).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Weak {
    Bool(bool),
    I32(i32),
    I64(i64),
    U32(u32),
    F32(f32),
    F64(f64),
}

/// An operand from a fixture: an array or a weak scalar.
#[derive(Clone, Debug)]
pub enum Arg {
    Array(Fx),
    Weak(Weak),
}

/// Every Rust scalar type that holds the fixture's weak scalar exactly
/// (an int as `i64`, and as `i32`/`u32` when it fits; a float as `f64`,
/// and as `f32` when exact).
pub fn weak_variants(v: &Value) -> Vec<Weak> {
    match v["kind"].as_str().expect("weak kind") {
        "bool" => vec![Weak::Bool(v["value"].as_bool().expect("bool value"))],
        "int" => {
            let x = parse_i64(&v["value"]);
            let mut out = vec![Weak::I64(x)];
            if let Ok(y) = i32::try_from(x) {
                out.push(Weak::I32(y));
            }
            if let Ok(y) = u32::try_from(x) {
                out.push(Weak::U32(y));
            }
            out
        }
        "float" => {
            let x = parse_float(&v["value"]);
            let mut out = vec![Weak::F64(x)];
            if (x as f32) as f64 == x || x.is_nan() {
                out.push(Weak::F32(x as f32));
            }
            out
        }
        k => panic!("unknown weak kind {k:?}"),
    }
}

/// An operand: an array value or `{"kind", "value"}` (its first, widest variant).
pub fn parse_arg(v: &Value) -> Arg {
    if v.get("kind").is_some() {
        Arg::Weak(weak_variants(v)[0])
    } else {
        Arg::Array(parse_array(v))
    }
}

impl Arg {
    pub fn describe(&self) -> String {
        match self {
            Arg::Array(fx) => fx.describe(),
            Arg::Weak(w) => format!("{w:?}"),
        }
    }
}

/// Calls a binary method by its fixture name with any operand type.
macro_rules! binop {
    ($a:expr, $op:expr, $b:expr) => {
        match $op {
            "add" => $a.try_add($b),
            "sub" => $a.try_sub($b),
            "mul" => $a.try_mul($b),
            "div" => $a.try_div($b),
            "rem" => $a.try_rem($b),
            "floor_div" => $a.floor_div($b),
            "pow" => $a.pow($b),
            "maximum" => $a.maximum($b),
            "minimum" => $a.minimum($b),
            "atan2" => $a.atan2($b),
            "eq" => $a.eq($b),
            "ne" => $a.ne($b),
            "lt" => $a.lt($b),
            "le" => $a.le($b),
            "gt" => $a.gt($b),
            "ge" => $a.ge($b),
            "logical_and" => $a.logical_and($b),
            "logical_or" => $a.logical_or($b),
            "logical_xor" => $a.logical_xor($b),
            other => panic!("unknown binary op {other:?}"),
        }
    };
}

/// `a <op> b` for an array `b`.
pub fn binary(op: &str, a: &Array, b: &Array) -> Result<Array> {
    binop!(a, op, b)
}

/// `a <op> x` for a weak scalar `x`.
pub fn binary_weak(op: &str, a: &Array, x: Weak) -> Result<Array> {
    match x {
        Weak::Bool(x) => binop!(a, op, x),
        Weak::I32(x) => binop!(a, op, x),
        Weak::I64(x) => binop!(a, op, x),
        Weak::U32(x) => binop!(a, op, x),
        Weak::F32(x) => binop!(a, op, x),
        Weak::F64(x) => binop!(a, op, x),
    }
}

/// `x <op> a` through the operators (scalar on the left); `op` is `"sub"`,
/// `"div"`, `"add"` or `"mul"`. Panics inside the operator are returned as
/// `Err(message)`. The operators take `i64` and `f64` scalars (so that plain
/// literals infer); `None` for the other scalar types.
pub fn binary_left(op: &str, x: Weak, a: &Array) -> Option<std::result::Result<Array, String>> {
    macro_rules! left {
        ($x:expr) => {
            match op {
                "add" => $x + a,
                "sub" => $x - a,
                "mul" => $x * a,
                "div" => $x / a,
                other => panic!("no left-scalar form for {other:?}"),
            }
        };
    }
    match x {
        Weak::I64(x) => Some(catch(|| left!(x))),
        Weak::F64(x) => Some(catch(|| left!(x))),
        _ => None,
    }
}

/// Calls a unary method by its fixture name.
pub fn unary(op: &str, a: &Array) -> Result<Array> {
    Ok(match op {
        "abs" => a.abs(),
        "neg" => return a.try_neg(),
        "sqrt" => a.sqrt(),
        "exp" => a.exp(),
        "exp2" => a.exp2(),
        "ln" => a.ln(),
        "log2" => a.log2(),
        "log10" => a.log10(),
        "sin" => a.sin(),
        "cos" => a.cos(),
        "tan" => a.tan(),
        "tanh" => a.tanh(),
        "asin" => a.asin(),
        "acos" => a.acos(),
        "atan" => a.atan(),
        "sinh" => a.sinh(),
        "cosh" => a.cosh(),
        "floor" => a.floor(),
        "ceil" => a.ceil(),
        "round" => a.round(),
        "trunc" => a.trunc(),
        "sign" => a.sign(),
        "recip" => a.recip(),
        "square" => a.square(),
        "sigmoid" => a.sigmoid(),
        "is_nan" => a.is_nan(),
        "is_inf" => a.is_inf(),
        "is_finite" => a.is_finite(),
        "logical_not" => a.logical_not(),
        other => panic!("unknown unary op {other:?}"),
    })
}

/// Runs `f`, turning a panic into `Err(message)` (for operator forms).
pub fn catch<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        if let Some(s) = p.downcast_ref::<String>() {
            s.clone()
        } else if let Some(s) = p.downcast_ref::<&str>() {
            s.to_string()
        } else {
            "panic".to_string()
        }
    })
}

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

/// Distance in units in the last place between two finite-or-infinite f64s.
pub fn ulps_f64(a: f64, b: f64) -> u64 {
    fn key(x: f64) -> i128 {
        let i = x.to_bits() as i64;
        (if i < 0 { i64::MIN - i } else { i }) as i128
    }
    (key(a) - key(b)).unsigned_abs() as u64
}

/// Distance in units in the last place between two f32s.
pub fn ulps_f32(a: f32, b: f32) -> u64 {
    fn key(x: f32) -> i64 {
        let i = x.to_bits() as i32;
        (if i < 0 { i32::MIN - i } else { i }) as i64
    }
    (key(a) - key(b)).unsigned_abs()
}

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

// ---------------------------------------------------------------------------
// Devices

static GPU_NOTICE: Once = Once::new();

/// Every usable device, after enforcing `TANDEM_REQUIRE_GPU=1`.
pub fn devices() -> Vec<tandem::DeviceInfo> {
    let devices = tandem::devices();
    assert!(
        !devices.is_empty(),
        "tandem::devices() is empty; the CPU backend must always be listed"
    );
    let has_gpu = devices.iter().any(|d| matches!(d.device, Device::Gpu(_)));
    if !has_gpu && !tandem::GPU_BACKEND_BUILT {
        GPU_NOTICE.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "no GPU runs: this build of tandem has no GPU backend yet (TANDEM_REQUIRE_GPU applies once it has)"
            );
        });
    } else if !has_gpu {
        if std::env::var("TANDEM_REQUIRE_GPU").as_deref() == Ok("1") {
            panic!(
                "TANDEM_REQUIRE_GPU=1 but tandem::devices() lists no GPU (got: {}); \
                 install a Vulkan driver (e.g. Mesa's lavapipe: apt-get install mesa-vulkan-drivers) \
                 or unset TANDEM_REQUIRE_GPU to skip the GPU runs",
                devices
                    .iter()
                    .map(|d| d.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        GPU_NOTICE.call_once(|| {
            // Written to the real stderr, past libtest's capture, so it shows.
            let _ = writeln!(
                std::io::stderr(),
                "skipping GPU: no adapter (set TANDEM_REQUIRE_GPU=1 to make this a failure)"
            );
        });
    }
    devices
}

/// Runs `body` once per entry of `tandem::devices()` (see [`devices`]).
pub fn for_each_device(mut body: impl FnMut(&tandem::DeviceInfo)) {
    for info in devices() {
        body(&info);
    }
}

/// `a` placed on the device of `info` (panics with the device name if that fails).
pub fn on(info: &tandem::DeviceInfo, a: &Array) -> Array {
    a.to_device(info.device)
        .unwrap_or_else(|e| panic!("to_device({}) failed: {e}", info.name))
}

/// A short label for a device in messages.
pub fn label(info: &tandem::DeviceInfo) -> String {
    format!("{:?} ({})", info.device, info.name)
}

// ---------------------------------------------------------------------------
// Operands placed on a device

/// An operand ready to pass to a method: an array (already on its device)
/// or a weak Rust scalar.
#[derive(Clone, Debug)]
pub enum Opd {
    Arr(Array),
    W(Weak),
}

impl Arg {
    /// This operand on the device of `info`.
    pub fn place(&self, info: &tandem::DeviceInfo) -> Opd {
        match self {
            Arg::Array(fx) => Opd::Arr(on(info, &fx.build())),
            Arg::Weak(w) => Opd::W(*w),
        }
    }
}

/// Expands `$body` once per operand type, with `$v` bound to `&Array` or to
/// the Rust scalar (`&Opd` in `$o`).
#[allow(unused_macros)]
macro_rules! with_opd {
    ($o:expr, |$v:ident| $body:expr) => {
        match $o {
            Opd::Arr(a) => {
                let $v = a;
                $body
            }
            Opd::W(Weak::Bool(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::I32(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::I64(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::U32(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::F32(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::F64(x)) => {
                let $v = *x;
                $body
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Views, shape ops, joins and assignment
//
// `scripts/fixtures/views.py` writes these fixtures under
// `tests/fixtures/views/`, and `slices.rs` there: every slice the fixtures
// use, in `s!` syntax, keyed by its text (so the `s!` macro itself is what
// the tests exercise). The op pipelines ("ops") are described in that
// script's docstring.

/// The generated `s!` table (`slice`, `assign`, `SLICES`).
#[allow(dead_code, clippy::all)]
pub mod views_gen {
    use tandem::prelude::*;
    include!("../fixtures/views/slices.rs");
}

/// The folder of the views fixtures.
pub fn views_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/views")
}

/// Loads a views fixture, e.g. `"slicing.json"`.
pub fn load_views(name: &str) -> &'static Value {
    load_fixture("views", name)
}

/// What a views fixture's `"error"` requires of a tandem `Err`.
pub fn view_error_matches(kind: &str, e: &Error) -> bool {
    match kind {
        "index" => matches!(e, Error::IndexOutOfBounds { .. }),
        "axis" => matches!(e, Error::AxisOutOfBounds { .. }),
        "invalid" => matches!(e, Error::InvalidArgument { .. }),
        "shape" => matches!(e, Error::ShapeMismatch { .. }),
        other => panic!("unknown expected error kind {other:?}"),
    }
}

/// The name of the `Error` variant, for messages.
pub fn error_variant(e: &Error) -> &'static str {
    match e {
        Error::ShapeMismatch { .. } => "ShapeMismatch",
        Error::IndexOutOfBounds { .. } => "IndexOutOfBounds",
        Error::AxisOutOfBounds { .. } => "AxisOutOfBounds",
        Error::DTypeMismatch { .. } => "DTypeMismatch",
        Error::InvalidArgument { .. } => "InvalidArgument",
        Error::Unsupported { .. } => "Unsupported",
        Error::Device { .. } => "Device",
        Error::OutOfMemory { .. } => "OutOfMemory",
        Error::Io { .. } => "Io",
        #[allow(unreachable_patterns)]
        _ => "another error",
    }
}

/// `a.slice(s![text])` through the generated table.
pub fn slice_text(a: &Array, text: &str) -> Result<Array> {
    views_gen::slice(text, a).unwrap_or_else(|| {
        panic!("slice {text:?} is not in tests/fixtures/views/slices.rs; regenerate with `python3 scripts/fixtures/views.py`")
    })
}

/// `a.assign(s![text], value)` through the generated table.
pub fn assign_text(a: &mut Array, text: &str, value: Operand) -> Result<()> {
    views_gen::assign(text, a, value).unwrap_or_else(|| {
        panic!("slice {text:?} is not in tests/fixtures/views/slices.rs; regenerate with `python3 scripts/fixtures/views.py`")
    })
}

/// A weak scalar as an [`Operand`].
pub fn weak_operand(w: Weak) -> Operand {
    match w {
        Weak::Bool(x) => Operand::from(x),
        Weak::I32(x) => Operand::from(x),
        Weak::I64(x) => Operand::from(x),
        Weak::U32(x) => Operand::from(x),
        Weak::F32(x) => Operand::from(x),
        Weak::F64(x) => Operand::from(x),
    }
}

/// A fixture array (with its optional `"ops"`) built on the device of
/// `info`, the ops applied.
pub fn placed(info: &tandem::DeviceInfo, v: &Value) -> Result<Array> {
    let a = on(info, &parse_array(v).build());
    match v.get("ops").and_then(Value::as_array) {
        Some(ops) => apply_ops(info, &a, ops, &a),
        None => Ok(a),
    }
}

/// A pipeline operand: a weak scalar, an array (with its own ops), or
/// `{"self": ops}` (`origin` with those ops).
pub fn pipeline_operand(info: &tandem::DeviceInfo, v: &Value, origin: &Array) -> Result<Operand> {
    if v.get("kind").is_some() {
        return Ok(weak_operand(weak_variants(v)[0]));
    }
    if let Some(ops) = v.get("self").and_then(Value::as_array) {
        return Ok(Operand::from(apply_ops(info, origin, ops, origin)?));
    }
    Ok(Operand::from(placed(info, v)?))
}

fn isizes(v: &Value) -> Vec<isize> {
    v.as_array()
        .expect("an array of integers")
        .iter()
        .map(|x| x.as_i64().expect("integer") as isize)
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("an array of integers")
        .iter()
        .map(|x| x.as_u64().expect("non-negative integer") as usize)
        .collect()
}

/// Applies a fixture op pipeline to `a` (see scripts/fixtures/views.py);
/// `origin` is what `{"self": ..}` operands start from.
pub fn apply_ops(
    info: &tandem::DeviceInfo,
    a: &Array,
    ops: &[Value],
    origin: &Array,
) -> Result<Array> {
    let mut a = a.clone();
    for op in ops {
        a = match op["op"].as_str().expect("op name") {
            "slice" => slice_text(&a, op["slice"].as_str().expect("slice text"))?,
            "reshape" => a.reshape(&isizes(&op["shape"]))?,
            "t" => a.t(),
            "transpose" => a.transpose(&usizes(&op["axes"]))?,
            "broadcast_to" => a.broadcast_to(&usizes(&op["shape"]))?,
            "squeeze" => a.squeeze(),
            "squeeze_axis" => a.squeeze_axis(op["axis"].as_i64().expect("axis") as isize)?,
            "expand_dims" => a.expand_dims(op["axis"].as_i64().expect("axis") as isize)?,
            "flatten" => a.flatten(),
            "eval" => a.eval()?,
            "binary" => {
                let name = op["name"].as_str().expect("binary name");
                match pipeline_operand(info, &op["other"], origin)? {
                    Operand::Array(b) => binary(name, &a, &b)?,
                    Operand::Scalar(_) => binary_weak(name, &a, weak_variants(&op["other"])[0])?,
                }
            }
            other => panic!("unknown pipeline op {other:?}"),
        };
    }
    Ok(a)
}

/// A short text for an op pipeline, for messages.
pub fn describe_ops(ops: &[Value]) -> String {
    ops.iter()
        .map(|op| {
            let mut o = op.clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("op");
            }
            format!("{}{}", op["op"].as_str().unwrap_or("?"), o)
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Checks a result against a views case: `"expected"` (exact values, dtype
/// and shape) or `"error"` (a [`view_error_matches`] kind). `None` when it
/// matches.
pub fn check_view_case(case: &Value, got: Result<Array>) -> Option<String> {
    if let Some(kind) = case.get("error").and_then(Value::as_str) {
        return match got {
            Err(e) if view_error_matches(kind, &e) => None,
            Err(e) => Some(format!(
                "expected a {kind} error, got {}: {e}",
                error_variant(&e)
            )),
            Ok(a) => Some(format!(
                "expected a {kind} error (NumPy raises), got Ok({} {:?}{})",
                a.dtype().name(),
                a.shape(),
                read(&a).map(|d| format!(" = {d:?}")).unwrap_or_default()
            )),
        };
    }
    let expected = parse_array(&case["expected"]);
    match got {
        Err(e) => Some(format!(
            "expected Ok({} {:?}), got {}: {e}",
            expected.dtype.name(),
            expected.shape,
            error_variant(&e)
        )),
        Ok(a) => compare(&a, &expected, Cmp::Exact, &[]).err(),
    }
}

/// Element `i` (flat, C order) of a fixture array as a [`Scalar`].
pub fn fx_scalar(fx: &Fx, i: usize) -> Scalar {
    match &fx.data {
        Data::Bool(v) => Scalar::from(v[i]),
        Data::I32(v) => Scalar::from(v[i]),
        Data::I64(v) => Scalar::from(v[i]),
        Data::U32(v) => Scalar::from(v[i]),
        Data::F32(v) => Scalar::from(v[i]),
        Data::F64(v) => Scalar::from(v[i]),
    }
}

/// The multi-index (as `isize`) of flat position `i` in `shape`.
pub fn unravel(mut i: usize, shape: &[usize]) -> Vec<isize> {
    let mut idx = vec![0isize; shape.len()];
    for k in (0..shape.len()).rev() {
        idx[k] = (i % shape[k]) as isize;
        i /= shape[k];
    }
    idx
}

// ---------------------------------------------------------------------------
// Reductions
//
// `scripts/fixtures/reductions.py` writes these fixtures under
// `tests/fixtures/reductions/`; its docstring describes the format.

/// The folder of the reduction fixtures.
pub fn reductions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reductions")
}

/// Loads a reductions fixture, e.g. `"basic.json"`.
pub fn load_reductions(name: &str) -> &'static Value {
    load_fixture("reductions", name)
}

/// The values of `data` (C order, `shape`) grouped by output element of a
/// reduction over `axes` (distinct, in range): one `Vec` per element of the
/// result in C order, each holding its slice in C order of the reduced axes.
pub fn reduction_slices<T: Copy>(data: &[T], shape: &[usize], axes: &[usize]) -> Vec<Vec<T>> {
    let kept: Vec<usize> = (0..shape.len()).filter(|a| !axes.contains(a)).collect();
    let out_len: usize = kept.iter().map(|&a| shape[a]).product();
    let mut out = vec![Vec::new(); out_len];
    for (i, &x) in data.iter().enumerate() {
        let idx = unravel(i, shape);
        let o = kept
            .iter()
            .fold(0usize, |o, &k| o * shape[k] + idx[k] as usize);
        out[o].push(x);
    }
    out
}

/// Fixture values as `f64` (bools as 0/1), for references and tolerances.
pub fn data_f64(d: &Data) -> Vec<f64> {
    match d {
        Data::Bool(v) => v.iter().map(|&x| x as u8 as f64).collect(),
        Data::I32(v) => v.iter().map(|&x| x as f64).collect(),
        Data::I64(v) => v.iter().map(|&x| x as f64).collect(),
        Data::U32(v) => v.iter().map(|&x| x as f64).collect(),
        Data::F32(v) => v.iter().map(|&x| x as f64).collect(),
        Data::F64(v) => v.clone(),
    }
}
