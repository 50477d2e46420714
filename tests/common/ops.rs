//! Operations by their fixture name: weak (Rust literal) scalars and
//! operands ([`Weak`], [`Arg`]), calling a unary or binary method named by
//! a fixture (`"add"`, `"sqrt"` …), and [`catch`] for operators that panic.

use super::*;

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
