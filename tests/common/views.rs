//! Helpers of the view, shape-op, join and assignment fixtures: slices
//! and assignments written as text, operand placement, pipelines of ops,
//! and the errors those cases expect.

use super::*;

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
