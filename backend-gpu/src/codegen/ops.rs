//! The WGSL expression of every elementwise op, per dtype: the GPU's row of
//! tandem's op table (`tandem_core::ops`). Each function returns the
//! expression, or `Err(reason)` when the GPU does not implement the op for
//! that dtype, so `check` can route the kernel to the CPU and say why.
//!
//! Semantics are the CPU backend's (backend-cpu/src/elem.rs, cast.rs):
//! wrapping integer arithmetic, NumPy's remainder/floor_divide signs,
//! integer division by zero = 0, NaN-propagating maximum/minimum, sign of
//! NaN is NaN, round half to even, saturating float → int casts.

use super::helpers::Helpers;
use super::types::{lit, splat, ty, Width};
use tandem_core::ops::{BinaryOp, UnaryOp};
use tandem_core::DType;

/// Result of generating one expression.
pub(crate) type Expr = Result<String, String>;

fn helper(h: &mut Helpers, name: &str, dt: DType, w: Width, args: &[&str]) -> Expr {
    let f = h
        .call(name, dt, w)
        .ok_or_else(|| format!("shaders/math.wgsl has no `{name}` helper"))?;
    Ok(format!("{f}({})", args.join(", ")))
}

/// `true`/`false` of width `w`.
fn bool_lit(w: Width, v: bool) -> String {
    lit(DType::Bool, w, if v { "true" } else { "false" })
}

/// Float ops Vulkan has no 64-bit built-in for (GLSL.std.450's
/// transcendentals take 16/32-bit floats only).
fn f64_unsupported(what: &str) -> String {
    format!(
        "float64 {what}: Vulkan/WGSL have no 64-bit transcendental built-ins, so the GPU backend leaves it to the CPU"
    )
}

/// Float functions whose WGSL built-ins are not accurate to NumPy's
/// results (WGSL allows e.g. 2^-11 absolute error for `sin`, and llvmpipe's
/// `tanh(1e-30)` is 3e-8): the shaders for them are generated and
/// validated, but `check` routes such kernels to the CPU until tandem has
/// its own accurate WGSL versions (as the CPU backend's `vmath`).
pub(crate) fn approximate_unary(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Exp | Exp2
            | Ln
            | Log2
            | Log10
            | Sin
            | Cos
            | Tan
            | Tanh
            | Asin
            | Acos
            | Atan
            | Sinh
            | Cosh
            | Sigmoid
    )
}

/// [`approximate_unary`] for binary ops (float `pow` and `atan2`).
pub(crate) fn approximate_binary(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Pow | BinaryOp::Atan2)
}

/// `op(x)` where `x` has dtype `dt` (the op's compute dtype).
pub(crate) fn unary(op: UnaryOp, dt: DType, w: Width, x: &str, h: &mut Helpers) -> Expr {
    use UnaryOp::*;
    let float = dt.is_float();
    if dt == DType::F64
        && matches!(
            op,
            Exp | Exp2
                | Ln
                | Log2
                | Log10
                | Sin
                | Cos
                | Tan
                | Tanh
                | Asin
                | Acos
                | Atan
                | Sinh
                | Cosh
                | Sigmoid
        )
    {
        return Err(f64_unsupported(op.name()));
    }
    let builtin = |f: &str| Ok(format!("{f}({x})"));
    match (op, dt) {
        (IsNan | IsInf, _) if !float => Ok(bool_lit(w, false)),
        (IsFinite, _) if !float => Ok(bool_lit(w, true)),
        (IsNan, _) => helper(h, "isnan", dt, w, &[x]),
        (IsInf, _) => helper(h, "isinf", dt, w, &[x]),
        (IsFinite, _) => helper(h, "isfinite", dt, w, &[x]),
        (LogicalNot, DType::Bool) => Ok(format!("(!{x})")),
        (Abs | Floor | Ceil | Trunc | Sign, DType::Bool) => Ok(x.to_string()),
        (_, DType::Bool) => Err(format!("{} is not defined for bool", op.name())),
        (Neg, DType::U32) => Ok(format!("({} - {x})", lit(dt, w, "0"))),
        (Neg, _) => Ok(format!("(-{x})")),
        (Abs, DType::U32) => Ok(x.to_string()),
        (Abs, _) if !float => Ok(format!("select({x}, -{x}, {x} < {})", lit(dt, w, "0"))),
        (Abs, _) => builtin("abs"),
        (Floor | Ceil | Round | Trunc, _) if !float => Ok(x.to_string()),
        (Floor, _) => builtin("floor"),
        (Ceil, _) => builtin("ceil"),
        // WGSL's round() rounds half to even, as np.round.
        (Round, _) => builtin("round"),
        (Trunc, _) => builtin("trunc"),
        (Sign, DType::U32) => Ok(format!(
            "select({}, {}, {x} > {})",
            lit(dt, w, "0"),
            lit(dt, w, "1"),
            lit(dt, w, "0")
        )),
        (Sign, _) if !float => {
            let (z, o) = (lit(dt, w, "0"), lit(dt, w, "1"));
            Ok(format!(
                "(select({z}, {o}, {x} > {z}) - select({z}, {o}, {x} < {z}))"
            ))
        }
        (Sign, _) => helper(h, "sign", dt, w, &[x]),
        (Square, _) => Ok(format!("({x} * {x})")),
        (Recip, DType::U32) => Ok(format!(
            "select({}, {}, {x} == {})",
            lit(dt, w, "0"),
            lit(dt, w, "1"),
            lit(dt, w, "1")
        )),
        // NumPy computes 1.0/x and casts: 1/0 is the minimum, ±1 stay, else 0.
        (Recip, DType::I32 | DType::I64) => {
            let min = int_min(dt, w);
            let (z, o, m1) = (lit(dt, w, "0"), lit(dt, w, "1"), lit(dt, w, "-1"));
            Ok(format!(
                "select(select(select({z}, {x}, {x} == {m1}), {o}, {x} == {o}), {min}, {x} == {z})"
            ))
        }
        (Recip, _) => Ok(format!("({} / {x})", lit(dt, w, "1"))),
        (_, _) if !float => Err(format!(
            "{} is computed in float (the core casts integers first)",
            op.name()
        )),
        (Sqrt, _) => builtin("sqrt"),
        (Exp, _) => builtin("exp"),
        (Exp2, _) => builtin("exp2"),
        (Ln, _) => builtin("log"),
        (Log2, _) => builtin("log2"),
        (Log10, _) => Ok(format!(
            "(log2({x}) * {})",
            lit(dt, w, "0.30102999566398119521")
        )),
        (Sin, _) => builtin("sin"),
        (Cos, _) => builtin("cos"),
        (Tan, _) => builtin("tan"),
        (Tanh, _) => builtin("tanh"),
        (Asin, _) => builtin("asin"),
        (Acos, _) => builtin("acos"),
        (Atan, _) => builtin("atan"),
        (Sinh, _) => builtin("sinh"),
        (Cosh, _) => builtin("cosh"),
        (Sigmoid, _) => helper(h, "sigmoid", dt, w, &[x]),
        (LogicalNot, _) => Err("logical_not takes bool (the core casts first)".into()),
    }
}

/// The most negative value of a signed integer dtype, as a WGSL expression.
fn int_min(dt: DType, w: Width) -> String {
    let s = match dt {
        DType::I64 => "(-9223372036854775807li - 1li)",
        _ => "(-2147483647i - 1i)",
    };
    splat(s, dt, w)
}

/// `a op b`, both of dtype `dt`.
pub(crate) fn binary(op: BinaryOp, dt: DType, w: Width, a: &str, b: &str, h: &mut Helpers) -> Expr {
    use BinaryOp::*;
    let float = dt.is_float();
    let cmp = |o: &str| Ok(format!("({a} {o} {b})"));
    if dt == DType::Bool {
        return match op {
            Add | Maximum | LogicalOr => Ok(format!("({a} | {b})")),
            Mul | Minimum | LogicalAnd => Ok(format!("({a} & {b})")),
            LogicalXor | Ne => cmp("!="),
            Eq => cmp("=="),
            Lt => Ok(format!("((!{a}) & {b})")),
            Le => Ok(format!("((!{a}) | {b})")),
            Gt => Ok(format!("({a} & (!{b}))")),
            Ge => Ok(format!("({a} | (!{b}))")),
            _ => Err(format!("{} is not defined for bool", op.name())),
        };
    }
    match op {
        Add => cmp("+"),
        Sub => cmp("-"),
        Mul => cmp("*"),
        Eq => cmp("=="),
        // NaN != anything; written `!(a == b)` because llvmpipe evaluates
        // float `!=` as an ordered comparison.
        Ne => Ok(format!("(!({a} == {b}))")),
        Lt => cmp("<"),
        Le => cmp("<="),
        Gt => cmp(">"),
        Ge => cmp(">="),
        Div if float => cmp("/"),
        Rem if float => helper(h, "rem", dt, w, &[a, b]),
        FloorDiv if float => helper(h, "floordiv", dt, w, &[a, b]),
        Pow if dt == DType::F64 => Err(f64_unsupported("pow")),
        Pow if float => helper(h, "pow", dt, w, &[a, b]),
        Maximum if float => helper(h, "maximum", dt, w, &[a, b]),
        Minimum if float => helper(h, "minimum", dt, w, &[a, b]),
        Atan2 if dt == DType::F64 => Err(f64_unsupported("atan2")),
        Atan2 if float => Ok(format!("atan2({a}, {b})")),
        Rem => helper(h, "irem", dt, w, &[a, b]),
        FloorDiv => helper(h, "ifloordiv", dt, w, &[a, b]),
        Pow => helper(h, "ipow", dt, w, &[a, b]),
        Maximum => Ok(format!("max({a}, {b})")),
        Minimum => Ok(format!("min({a}, {b})")),
        _ => Err(format!(
            "{} on {} (the core casts its operands first)",
            op.name(),
            dt.name()
        )),
    }
}

/// `x` (of dtype `from`) converted to `to` with NumPy's C-cast rules as the
/// CPU backend implements them.
pub(crate) fn cast(from: DType, to: DType, w: Width, x: &str, h: &mut Helpers) -> Expr {
    use DType::*;
    if from == to {
        return Ok(x.to_string());
    }
    let conv = |t: DType| Ok(format!("{}({x})", ty(t, w)));
    match (from, to) {
        // `!(x == 0)`: NaN is true, and llvmpipe evaluates float `!=` as ordered.
        (_, Bool) => Ok(format!("(!({x} == {}))", lit(from, w, "0"))),
        (Bool, _) => Ok(format!(
            "select({}, {}, {x})",
            lit(to, w, "0"),
            lit(to, w, "1")
        )),
        (I32, U32) | (U32, I32) => Ok(format!("bitcast<{}>({x})", ty(to, w))),
        (I32, I64) => conv(I64),
        // Zero-extend explicitly (whatever the SPIR-V conversion does with the top bit).
        (U32, I64) => Ok(format!(
            "({}({x} & {}) | select({}, {}, {x} >= {}))",
            ty(I64, w),
            lit(U32, w, "0x7fffffff"),
            lit(I64, w, "0"),
            lit(I64, w, "2147483648"),
            lit(U32, w, "0x80000000")
        )),
        (I64, U32) => Ok(format!(
            "{}({x} & {})",
            ty(U32, w),
            lit(I64, w, "4294967295")
        )),
        (I64, I32) => Ok(format!(
            "bitcast<{}>({}({x} & {}))",
            ty(I32, w),
            ty(U32, w),
            lit(I64, w, "4294967295")
        )),
        (I32 | U32 | I64, F32 | F64) => conv(to),
        (F32, F64) | (F64, F32) => conv(to),
        (F32 | F64, I32) => helper(h, "to_i32", from, w, &[x]),
        (F32 | F64, U32) => helper(h, "to_u32", from, w, &[x]),
        (F32 | F64, I64) => helper(h, "to_i64", from, w, &[x]),
        _ => Err(format!("cast {} -> {}", from.name(), to.name())),
    }
}

/// `if c { a } else { b }`.
pub(crate) fn select(c: &str, a: &str, b: &str) -> String {
    format!("select({b}, {a}, {c})")
}
