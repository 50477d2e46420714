//! The WGSL expression of every elementwise op, per dtype: the GPU's row of
//! tandem's op table (`tandem_core::ops`). Each function returns the
//! expression, or `Err(reason)` when the GPU does not implement the op for
//! that dtype, so `check` can route the kernel to the CPU and say why.
//!
//! Semantics are the CPU backend's (backend-cpu/src/elem.rs, cast.rs):
//! wrapping integer arithmetic, NumPy's remainder/floor_divide signs,
//! integer division by zero = 0, NaN-propagating maximum/minimum, sign of
//! NaN is NaN, round half to even, saturating float → int casts; the
//! transcendental functions are helpers ported from the CPU's vmath
//! (shaders/vmath_f32.wgsl, vmath_f64.wgsl), within 2 ULP as it is.

use super::helpers::Helpers;
use super::types::{lit, splat, ty, Width};
use tandem_core::ops::{BinaryOp, Rule, UnaryOp};
use tandem_core::DType;

/// The WGSL expression for one op, or why the GPU has none.
pub(crate) type Wgsl = Result<String, String>;

fn helper(h: &mut Helpers, name: &str, dt: DType, w: Width, args: &[&str]) -> Wgsl {
    let f = h.call(name, dt, w).ok_or_else(|| {
        format!(
            "the WGSL templates (shaders/math.wgsl, vmath_*.wgsl) have no `{name}` helper for {}",
            dt.name()
        )
    })?;
    Ok(format!("{f}({})", args.join(", ")))
}

/// `true`/`false` of width `w`.
fn bool_lit(w: Width, v: bool) -> String {
    lit(DType::Bool, w, if v { "true" } else { "false" })
}

/// `Err` unless `dt` is a dtype the op computes in: one its row's rule
/// keeps (the core casts the others first, or rejects them). The matches
/// below cover every op with no catch-all, each arm for the dtypes its row
/// computes in, so a new row is a compile error here until its WGSL is
/// written (or routed to a helper).
fn computes_in(name: &str, rule: Rule, dt: DType) -> Result<(), String> {
    match rule.resolve("", dt) {
        Ok((compute, _)) if compute == dt => Ok(()),
        _ if dt == DType::Bool => Err(format!("{name} is not defined for bool")),
        _ => Err(format!(
            "{name} does not compute in {} (its rule casts or rejects it)",
            dt.name()
        )),
    }
}

/// `op(x)` where `x` has dtype `dt` (the op's compute dtype).
pub(crate) fn unary(op: UnaryOp, dt: DType, w: Width, x: &str, h: &mut Helpers) -> Wgsl {
    use UnaryOp::*;
    computes_in(op.name(), op.rule(), dt)?;
    let float = dt.is_float();
    let boolean = dt == DType::Bool;
    let builtin = |f: &str| Ok(format!("{f}({x})"));
    match op {
        IsNan | IsInf if !float => Ok(bool_lit(w, false)),
        IsFinite if !float => Ok(bool_lit(w, true)),
        IsNan => helper(h, "isnan", dt, w, &[x]),
        IsInf => helper(h, "isinf", dt, w, &[x]),
        IsFinite => helper(h, "isfinite", dt, w, &[x]),
        // Bools only (the rule casts the others first).
        LogicalNot => Ok(format!("(!{x})")),
        BitwiseNot if boolean => Ok(format!("(!{x})")),
        BitwiseNot => Ok(format!("(~{x})")),
        Neg if dt == DType::U32 => Ok(format!("({} - {x})", lit(dt, w, "0"))),
        Neg => Ok(format!("(-{x})")),
        Abs if boolean || dt == DType::U32 => Ok(x.to_string()),
        Abs if !float => Ok(format!("select({x}, -{x}, {x} < {})", lit(dt, w, "0"))),
        Abs => builtin("abs"),
        Floor | Ceil | Round | Trunc if !float => Ok(x.to_string()),
        Floor => builtin("floor"),
        Ceil => builtin("ceil"),
        // WGSL's round() rounds half to even, as np.round.
        Round => builtin("round"),
        Trunc => builtin("trunc"),
        Sign if boolean => Ok(x.to_string()),
        Sign if dt == DType::U32 => Ok(format!(
            "select({}, {}, {x} > {})",
            lit(dt, w, "0"),
            lit(dt, w, "1"),
            lit(dt, w, "0")
        )),
        Sign if !float => {
            let (z, o) = (lit(dt, w, "0"), lit(dt, w, "1"));
            Ok(format!(
                "(select({z}, {o}, {x} > {z}) - select({z}, {o}, {x} < {z}))"
            ))
        }
        Sign => helper(h, "sign", dt, w, &[x]),
        Square => Ok(format!("({x} * {x})")),
        Recip if dt == DType::U32 => Ok(format!(
            "select({}, {}, {x} == {})",
            lit(dt, w, "0"),
            lit(dt, w, "1"),
            lit(dt, w, "1")
        )),
        // NumPy computes 1.0/x and casts: 1/0 is the minimum, ±1 stay, else 0.
        Recip if !float => {
            let min = int_min(dt, w);
            let (z, o, m1) = (lit(dt, w, "0"), lit(dt, w, "1"), lit(dt, w, "-1"));
            Ok(format!(
                "select(select(select({z}, {x}, {x} == {m1}), {o}, {x} == {o}), {min}, {x} == {z})"
            ))
        }
        Recip => Ok(format!("({} / {x})", lit(dt, w, "1"))),
        Positive | Conj => Ok(x.to_string()),
        // Floats only (their rules cast the others).
        Sqrt => builtin("sqrt"),
        Fabs => builtin("abs"),
        // WGSL's round() rounds half to even, as np.rint.
        Rint => builtin("round"),
        // The helper named after the op's row: the transcendental functions
        // are not WGSL's built-ins, which may be far less accurate than
        // NumPy (WGSL allows sin an absolute error of 2^-11; llvmpipe's
        // tanh(1e-30) is 3e-8) and have no float64 forms; they port the CPU
        // backend's vmath (shaders/vmath_f32.wgsl, vmath_f64.wgsl). A dtype
        // without a template is routed to the CPU with the reason (and
        // tests/op_table.rs fails on it).
        Exp | Exp2 | Ln | Log2 | Log10 | Sin | Cos | Tan | Tanh | Asin | Acos | Atan | Sinh
        | Cosh | Sigmoid | Log1p | Expm1 | Cbrt | Asinh | Acosh | Atanh | Deg2rad | Rad2deg
        | Signbit | Spacing | BitwiseCount | ModfFraction | FrexpMantissa | FrexpExponent => {
            helper(h, op.name(), dt, w, &[x])
        }
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
pub(crate) fn binary(op: BinaryOp, dt: DType, w: Width, a: &str, b: &str, h: &mut Helpers) -> Wgsl {
    use BinaryOp::*;
    computes_in(op.name(), op.rule(), dt)?;
    let float = dt.is_float();
    let boolean = dt == DType::Bool;
    let cmp = |o: &str| Ok(format!("({a} {o} {b})"));
    match op {
        // NumPy's bool arithmetic: + is or, * is and; max/min likewise.
        Add | Maximum | Fmax if boolean => cmp("|"),
        Mul | Minimum | Fmin if boolean => cmp("&"),
        Add => cmp("+"),
        Sub => cmp("-"),
        Mul => cmp("*"),
        Eq => cmp("=="),
        Ne if boolean => cmp("!="),
        // NaN != anything; written `!(a == b)` because llvmpipe evaluates
        // float `!=` as an ordered comparison.
        Ne => Ok(format!("(!({a} == {b}))")),
        // WGSL orders no bools: false < true.
        Lt if boolean => Ok(format!("((!{a}) & {b})")),
        Le if boolean => Ok(format!("((!{a}) | {b})")),
        Gt if boolean => Ok(format!("({a} & (!{b}))")),
        Ge if boolean => Ok(format!("({a} | (!{b}))")),
        Lt => cmp("<"),
        Le => cmp("<="),
        Gt => cmp(">"),
        Ge => cmp(">="),
        // Floats only (true division).
        Div => cmp("/"),
        Rem if float => helper(h, "rem", dt, w, &[a, b]),
        Rem => helper(h, "irem", dt, w, &[a, b]),
        FloorDiv if float => helper(h, "floordiv", dt, w, &[a, b]),
        FloorDiv => helper(h, "ifloordiv", dt, w, &[a, b]),
        Pow if float => helper(h, "pow", dt, w, &[a, b]),
        Pow => helper(h, "ipow", dt, w, &[a, b]),
        Fmod if float => helper(h, "fmod", dt, w, &[a, b]),
        Fmod => helper(h, "ifmod", dt, w, &[a, b]),
        Maximum if float => helper(h, "maximum", dt, w, &[a, b]),
        Minimum if float => helper(h, "minimum", dt, w, &[a, b]),
        // NaN loses to a number; WGSL's max/min leave NaN unspecified.
        Fmax if float => helper(h, "fmax", dt, w, &[a, b]),
        Fmin if float => helper(h, "fmin", dt, w, &[a, b]),
        Maximum | Fmax => Ok(format!("max({a}, {b})")),
        Minimum | Fmin => Ok(format!("min({a}, {b})")),
        // Bools only (the rule casts the others first), and integers and
        // bools: WGSL's `&`, `|` take both; bools have no `^`.
        LogicalAnd | BitwiseAnd => cmp("&"),
        LogicalOr | BitwiseOr => cmp("|"),
        LogicalXor | BitwiseXor if boolean => cmp("!="),
        LogicalXor | BitwiseXor => cmp("^"),
        // The helper named after the op's row (see `unary`).
        Atan2 | Hypot | Copysign | Nextafter | Logaddexp | Logaddexp2 | Heaviside | FloatPower
        | Ldexp | Gcd | Lcm | LeftShift | RightShift => helper(h, op.name(), dt, w, &[a, b]),
    }
}

/// `x` (of dtype `from`) converted to `to` with NumPy's C-cast rules as the
/// CPU backend implements them.
pub(crate) fn cast(from: DType, to: DType, w: Width, x: &str, h: &mut Helpers) -> Wgsl {
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
        // Sign-extend explicitly: llvmpipe (LLVM 15) miscompiles later
        // sign tests of an `i64(i32)` conversion inside helper functions
        // (`gcd(i64(x), 0)` kept x's sign).
        (I32, I64) => Ok(format!(
            "({}({x} & {}) | select({}, {}, {x} < {}))",
            ty(I64, w),
            lit(I32, w, "0x7fffffff"),
            lit(I64, w, "0"),
            lit(I64, w, "-2147483648"),
            lit(I32, w, "0")
        )),
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
