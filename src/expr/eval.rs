//! The evaluator: walks the tree and builds one lazy tandem graph, calling
//! only the `Result`-returning array methods (never an operator that could
//! panic), so a bad expression is an [`ExprError`] pointing at its columns.
//!
//! Numbers stay NumPy *weak* scalars ([`Weak`]) for as long as they meet only
//! other numbers: `2 * 3 + 0.5` folds to one weak `6.5` here, in Rust, so
//! `a_f32 * (2 * 3 + 0.5)` is still `float32` and no kernel runs before the
//! caller forces the result. A number meeting an array becomes a weak
//! [`Operand`]; on the left of a non-commutative operator (`1 - a`, `2 ** a`)
//! it becomes a 0-d array of the dtype NEP 50 would give it, which promotes
//! the same way.

use super::parser::{Ast, BinOp, Kind, Kwarg, Span, UnOp};
use super::{ExprError, ExprErrorKind};
use crate::ops::{reference, BinaryOp, UnaryOp};
use crate::{Array, DType, Operand, Scalar};
use std::collections::HashMap;

/// A number not yet combined with any array: NumPy's weak Python scalar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Weak {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Weak {
    fn scalar(self) -> Scalar {
        match self {
            Weak::Bool(b) => Scalar::Bool(b),
            Weak::Int(i) => Scalar::I64(i),
            Weak::Float(f) => Scalar::F64(f),
        }
    }

    fn to_f64(self) -> f64 {
        match self {
            Weak::Bool(b) => f64::from(u8::from(b)),
            Weak::Int(i) => i as f64,
            Weak::Float(f) => f,
        }
    }

    /// The value as an integer, unless it is a float (bools count, as in Python).
    fn to_int(self) -> Option<i64> {
        match self {
            Weak::Bool(b) => Some(i64::from(b)),
            Weak::Int(i) => Some(i),
            Weak::Float(_) => None,
        }
    }

    fn kind_name(self) -> &'static str {
        match self {
            Weak::Bool(_) => "bool",
            Weak::Int(_) => "int",
            Weak::Float(_) => "float",
        }
    }
}

/// What a subexpression evaluates to.
pub(crate) enum Value {
    Arr(Array),
    Weak(Weak),
}

impl Value {
    /// The value as an array (a number becomes a 0-d `bool`/`int64`/`float64`).
    pub(crate) fn into_array(self) -> Array {
        match self {
            Value::Arr(a) => a,
            Value::Weak(w) => Array::scalar(w.scalar()),
        }
    }

    fn operand(&self) -> Operand {
        match self {
            Value::Arr(a) => Operand::Array(a.clone()),
            Value::Weak(w) => Operand::Scalar(w.scalar()),
        }
    }

    fn is_float(&self) -> bool {
        match self {
            Value::Arr(a) => a.dtype().is_float(),
            Value::Weak(w) => matches!(w, Weak::Float(_)),
        }
    }

    fn type_name(&self) -> String {
        let name = match self {
            Value::Arr(a) => format!("{} array", a.dtype().name()),
            Value::Weak(w) => format!("{} number", w.kind_name()),
        };
        let article = if name.starts_with('i') { "an" } else { "a" };
        format!("{article} {name}")
    }
}

fn argument(message: impl Into<String>, span: Span) -> ExprError {
    ExprError::new(ExprErrorKind::Argument, message, span)
}

/// Evaluates `node` over `inputs`.
pub(crate) fn eval(node: &Ast, inputs: &HashMap<String, Array>) -> Result<Value, ExprError> {
    match &node.kind {
        Kind::Int(v) => Ok(Value::Weak(Weak::Int(*v))),
        Kind::Float(v) => Ok(Value::Weak(Weak::Float(*v))),
        Kind::Name(name) => name_value(name, node.span, inputs),
        Kind::Str(s) => Err(argument(
            format!("a string ({s:?}) is only an einsum spec, as in einsum('ij,jk->ik', a, b)"),
            node.span,
        )),
        Kind::Unary { op, op_span, arg } => unary(*op, *op_span, eval(arg, inputs)?),
        Kind::Binary {
            op,
            op_span,
            lhs,
            rhs,
        } => {
            let a = eval(lhs, inputs)?;
            let b = eval(rhs, inputs)?;
            binary(*op, *op_span, a, b)
        }
        Kind::Call {
            name,
            name_span,
            args,
            kwargs,
        } => call(name, *name_span, node.span, args, kwargs, inputs),
    }
}

fn name_value(name: &str, span: Span, inputs: &HashMap<String, Array>) -> Result<Value, ExprError> {
    if let Some(a) = inputs.get(name) {
        return Ok(Value::Arr(a.clone()));
    }
    match name {
        "inf" => return Ok(Value::Weak(Weak::Float(f64::INFINITY))),
        "nan" => return Ok(Value::Weak(Weak::Float(f64::NAN))),
        "True" | "true" => return Ok(Value::Weak(Weak::Bool(true))),
        "False" | "false" => return Ok(Value::Weak(Weak::Bool(false))),
        _ => {}
    }
    if lookup(name).is_some() {
        return Err(argument(
            format!("'{name}' is a function: call it, as in {name}(x)"),
            span,
        ));
    }
    let mut known: Vec<&str> = inputs.keys().map(String::as_str).collect();
    known.sort_unstable();
    let mut message = format!("'{name}' is not an input");
    if matches!(name, "and" | "or" | "not") {
        message.push_str(
            "; for logical operations write & | ~ on bool arrays, as in (a > 0) & ~(b > 1)",
        );
    } else if let Some(close) = closest(name, known.iter().copied()) {
        message.push_str(&format!("; did you mean '{close}'?"));
    }
    if known.is_empty() {
        message.push_str(" (there are no inputs)");
    } else {
        message.push_str(&format!(" (the inputs are {})", known.join(", ")));
    }
    Err(ExprError::new(ExprErrorKind::UnknownName, message, span))
}

/// The candidate within edit distance 2 of `name` (the nearest), if any.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, c)| d <= 2 && d < c.len().max(name.len()))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn unary(op: UnOp, span: Span, v: Value) -> Result<Value, ExprError> {
    match (op, v) {
        (UnOp::Pos, v) => Ok(v),
        (UnOp::Neg, Value::Weak(w)) => match w {
            Weak::Int(i) => Ok(Value::Weak(Weak::Int(i.wrapping_neg()))),
            Weak::Float(f) => Ok(Value::Weak(Weak::Float(-f))),
            Weak::Bool(_) => Err(argument(
                "unary - is not defined for bools (as in NumPy); use ~ for logical not",
                span,
            )),
        },
        (UnOp::Neg, Value::Arr(a)) => a
            .try_neg()
            .map(Value::Arr)
            .map_err(|e| ExprError::array(e, span)),
        (UnOp::Not, Value::Weak(Weak::Bool(b))) => Ok(Value::Weak(Weak::Bool(!b))),
        (UnOp::Not, Value::Weak(Weak::Int(i))) => Ok(Value::Weak(Weak::Int(!i))),
        (UnOp::Not, Value::Arr(a)) if a.dtype() != DType::F32 && a.dtype() != DType::F64 => {
            Ok(Value::Arr(a.bitwise_not()))
        }
        (UnOp::Not, v) => Err(argument(
            format!(
                "~ is NumPy's invert: logical not of bools, bitwise not of integers, and not defined for {}; compare first, as in ~(a > 0)",
                v.type_name()
            ),
            span,
        )),
    }
}

/// `op` with the operands swapped, where that gives the same result.
fn swapped(op: BinOp) -> Option<BinOp> {
    Some(match op {
        BinOp::Add | BinOp::Mul | BinOp::Eq | BinOp::Ne | BinOp::And | BinOp::Or | BinOp::Xor => op,
        BinOp::Shl | BinOp::Shr | BinOp::MatMul => return None,
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        BinOp::Sub | BinOp::Div | BinOp::FloorDiv | BinOp::Rem | BinOp::Pow => return None,
    })
}

/// A weak number as the strong 0-d array NEP 50 promotes it to next to an
/// array of `dtype` (so that it can stand on the left of `-`, `/`, `**` …).
fn strong_like(w: Weak, dtype: DType, what: &str, span: Span) -> Result<Array, ExprError> {
    let s = w.scalar();
    let d = dtype.promote_weak(s.weak_kind());
    if !s.fits_in(d) {
        return Err(ExprError::array(
            crate::Error::InvalidArgument {
                op: "expression",
                message: format!(
                    "{what}: the number {s} does not fit in {} (NumPy raises OverflowError); cast the array first, e.g. int64(a)",
                    d.name()
                ),
            },
            span,
        ));
    }
    Ok(Array::scalar(s.cast(d)))
}

fn array_binary(op: BinOp, a: &Array, b: Operand) -> crate::Result<Array> {
    match op {
        BinOp::Add => a.try_add(b),
        BinOp::Sub => a.try_sub(b),
        BinOp::Mul => a.try_mul(b),
        BinOp::Div => a.try_div(b),
        BinOp::FloorDiv => a.floor_div(b),
        BinOp::Rem => a.try_rem(b),
        BinOp::Pow => a.pow(b),
        BinOp::Lt => a.lt(b),
        BinOp::Le => a.le(b),
        BinOp::Gt => a.gt(b),
        BinOp::Ge => a.ge(b),
        BinOp::Eq => a.eq(b),
        BinOp::Ne => a.ne(b),
        // NumPy's & | ^ are the bitwise ufuncs: logical on bools.
        BinOp::And => a.bitwise_and(b),
        BinOp::Or => a.bitwise_or(b),
        BinOp::Xor => a.bitwise_xor(b),
        BinOp::Shl => a.left_shift(b),
        BinOp::Shr => a.right_shift(b),
        BinOp::MatMul => match b {
            Operand::Array(b) => a.matmul(&b),
            Operand::Scalar(s) => a.matmul(&Array::scalar(s)),
        },
    }
}

fn binary(op: BinOp, span: Span, a: Value, b: Value) -> Result<Value, ExprError> {
    if op == BinOp::MatMul {
        // NumPy: `@` of a number is an error (matmul needs 1-d or more).
        return a
            .into_array()
            .matmul(&b.into_array())
            .map(Value::Arr)
            .map_err(|e| ExprError::array(e, span));
    }
    if matches!(
        op,
        BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Shl | BinOp::Shr
    ) {
        for (side, v) in [("left", &a), ("right", &b)] {
            if v.is_float() {
                return Err(argument(
                    format!(
                        "{} is bitwise (logical on bools) and takes bool or integer operands, as in NumPy; the {side} side is {}. Compare first, and mind that {} binds tighter than comparisons: (a > 0) {} (b < 1)",
                        op.text(),
                        v.type_name(),
                        op.text(),
                        op.text()
                    ),
                    span,
                ));
            }
        }
    }
    let result = match (a, b) {
        (Value::Weak(x), Value::Weak(y)) => {
            return fold_binary(op, x, y)
                .map(Value::Weak)
                .map_err(|m| argument(m, span))
        }
        (Value::Arr(x), y) => array_binary(op, &x, y.operand()),
        (Value::Weak(x), Value::Arr(y)) => match swapped(op) {
            Some(sw) => array_binary(sw, &y, Operand::Scalar(x.scalar())),
            None => {
                let left = strong_like(x, y.dtype(), op.text(), span)?;
                array_binary(op, &left, Operand::Array(y))
            }
        },
    };
    result
        .map(Value::Arr)
        .map_err(|e| ExprError::array(e, span))
}

/// `x op y` for two numbers, with NumPy's results for weak scalars.
fn fold_binary(op: BinOp, x: Weak, y: Weak) -> Result<Weak, String> {
    use std::cmp::Ordering;
    let floats = matches!(x, Weak::Float(_)) || matches!(y, Weak::Float(_));
    let ord = || -> Option<Ordering> {
        if floats {
            x.to_f64().partial_cmp(&y.to_f64())
        } else {
            x.to_int().cmp(&y.to_int()).into()
        }
    };
    let cmp = |f: fn(Ordering) -> bool| Ok(Weak::Bool(ord().is_some_and(f)));
    match op {
        BinOp::Lt => return cmp(|o| o == Ordering::Less),
        BinOp::Le => return cmp(|o| o != Ordering::Greater),
        BinOp::Gt => return cmp(|o| o == Ordering::Greater),
        BinOp::Ge => return cmp(|o| o != Ordering::Less),
        BinOp::Eq => return cmp(|o| o == Ordering::Equal),
        // NaN != anything.
        BinOp::Ne => return Ok(Weak::Bool(ord() != Some(Ordering::Equal))),
        BinOp::And | BinOp::Or | BinOp::Xor => {
            if let (Weak::Bool(p), Weak::Bool(q)) = (x, y) {
                return Ok(Weak::Bool(match op {
                    BinOp::And => p & q,
                    BinOp::Or => p | q,
                    _ => p ^ q,
                }));
            }
            let (Some(p), Some(q)) = (x.to_int(), y.to_int()) else {
                return Err(format!("{} takes bool or integer operands", op.text()));
            };
            return Ok(Weak::Int(match op {
                BinOp::And => p & q,
                BinOp::Or => p | q,
                _ => p ^ q,
            }));
        }
        BinOp::Shl | BinOp::Shr => {
            let (Some(p), Some(q)) = (x.to_int(), y.to_int()) else {
                return Err(format!("{} takes integer operands", op.text()));
            };
            if q < 0 {
                return Err("negative shift count (Python raises ValueError)".into());
            }
            return Ok(Weak::Int(if op == BinOp::Shl {
                reference::left_shift(p, q)
            } else {
                reference::right_shift(p, q)
            }));
        }
        _ => {}
    }
    if let (false, Some(a), Some(b)) = (floats, x.to_int(), y.to_int()) {
        return Ok(match op {
            BinOp::Add => Weak::Int(a.wrapping_add(b)),
            BinOp::Sub => Weak::Int(a.wrapping_sub(b)),
            BinOp::Mul => Weak::Int(a.wrapping_mul(b)),
            BinOp::Div => Weak::Float(a as f64 / b as f64),
            BinOp::FloorDiv => Weak::Int(reference::int_floor_div(a, b)),
            BinOp::Rem => Weak::Int(reference::int_rem(a, b)),
            // Python's `2 ** -1` is 0.5: a negative exponent makes a float.
            BinOp::Pow if b < 0 => Weak::Float((a as f64).powf(b as f64)),
            BinOp::Pow => Weak::Int(reference::int_pow(a, b)),
            _ => unreachable!("comparisons and logical operators returned above"),
        });
    }
    let (a, b) = (x.to_f64(), y.to_f64());
    Ok(Weak::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::FloorDiv => reference::divmod_f64(a, b).0,
        BinOp::Rem => reference::divmod_f64(a, b).1,
        BinOp::Pow => a.powf(b),
        _ => unreachable!("comparisons and logical operators returned above"),
    }))
}

/// A function of the language.
#[derive(Clone, Copy)]
enum Func {
    /// A unary row of the op table (`sin`, `log1p`, `isnan` …).
    Unary(UnaryOp),
    /// A binary row of the op table (`hypot`, `maximum`, `gcd` …).
    Binary(BinaryOp),
    Where,
    Clip,
    Cast(DType),
    Reduce(Reduction),
    /// `matmul(a, b)`, `dot(a, b)`.
    Product(fn(&Array, &Array) -> crate::Result<Array>),
    /// `einsum('spec', a, b, …)`.
    Einsum,
}

type Full = fn(&Array) -> crate::Result<Array>;
type AlongAxis = fn(&Array, isize, bool) -> crate::Result<Array>;
type AlongAxes = fn(&Array, &[isize], bool) -> crate::Result<Array>;
type WithDdof = fn(&Array, isize, usize, bool) -> crate::Result<Array>;

/// A reduction: over everything, along one axis, along several (not the
/// arg-reductions), and with `ddof` (only `var`/`std`).
#[derive(Clone, Copy)]
struct Reduction {
    full: Full,
    axis: AlongAxis,
    axes: Option<AlongAxes>,
    ddof: Option<WithDdof>,
}

const fn red(full: Full, axis: AlongAxis, axes: AlongAxes) -> Func {
    Func::Reduce(Reduction {
        full,
        axis,
        axes: Some(axes),
        ddof: None,
    })
}

const fn arg_red(full: Full, axis: AlongAxis) -> Func {
    Func::Reduce(Reduction {
        full,
        axis,
        axes: None,
        ddof: None,
    })
}

/// The functions that are not rows of the op table.
const OTHER_NAMES: &[&str] = &[
    "all",
    "any",
    "argmax",
    "argmin",
    "bool",
    "clip",
    "dot",
    "einsum",
    "float32",
    "float64",
    "int32",
    "int64",
    "matmul",
    "max",
    "mean",
    "min",
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmean",
    "nanmin",
    "nansum",
    "prod",
    "std",
    "sum",
    "uint32",
    "var",
    "where",
];

/// Every function name the language knows, aliases included, sorted: the
/// op table's rows (tandem's names, NumPy's, and their aliases) and the rest.
pub(crate) fn function_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = OTHER_NAMES.to_vec();
    for op in UnaryOp::ALL {
        let r = op.row();
        names.extend([r.name, r.numpy].iter().chain(r.aliases));
    }
    for op in BinaryOp::ALL {
        let r = op.row();
        names.extend([r.name, r.numpy].iter().chain(r.aliases));
    }
    names.sort_unstable();
    names.dedup();
    names
}

fn lookup(name: &str) -> Option<Func> {
    if let Some(op) = UnaryOp::from_name(name) {
        return Some(Func::Unary(op));
    }
    if let Some(op) = BinaryOp::from_name(name) {
        return Some(Func::Binary(op));
    }
    Some(match name {
        "where" => Func::Where,
        "clip" => Func::Clip,
        "matmul" => Func::Product(Array::matmul),
        "dot" => Func::Product(Array::dot),
        "einsum" => Func::Einsum,
        "float32" => Func::Cast(DType::F32),
        "float64" => Func::Cast(DType::F64),
        "int32" => Func::Cast(DType::I32),
        "int64" => Func::Cast(DType::I64),
        "uint32" => Func::Cast(DType::U32),
        "bool" => Func::Cast(DType::Bool),
        "sum" => red(Array::try_sum, Array::sum_axis, Array::sum_axes),
        "prod" => red(Array::try_prod, Array::prod_axis, Array::prod_axes),
        "mean" => red(Array::try_mean, Array::mean_axis, Array::mean_axes),
        "min" => red(Array::try_min, Array::min_axis, Array::min_axes),
        "max" => red(Array::try_max, Array::max_axis, Array::max_axes),
        "var" => Func::Reduce(Reduction {
            full: Array::try_var,
            axis: Array::var_axis,
            axes: Some(Array::var_axes),
            ddof: Some(Array::var_axis_ddof),
        }),
        "std" => Func::Reduce(Reduction {
            full: Array::try_std,
            axis: Array::std_axis,
            axes: Some(Array::std_axes),
            ddof: Some(Array::std_axis_ddof),
        }),
        "any" => red(Array::try_any, Array::any_axis, Array::any_axes),
        "all" => red(Array::try_all, Array::all_axis, Array::all_axes),
        "nansum" => red(Array::try_nansum, Array::nansum_axis, Array::nansum_axes),
        "nanmean" => red(Array::try_nanmean, Array::nanmean_axis, Array::nanmean_axes),
        "nanprod" => red(Array::try_nanprod, Array::nanprod_axis, Array::nanprod_axes),
        "nanmin" => red(Array::try_nanmin, Array::nanmin_axis, Array::nanmin_axes),
        "nanmax" => red(Array::try_nanmax, Array::nanmax_axis, Array::nanmax_axes),
        "argmin" => arg_red(Array::try_argmin, Array::argmin_axis),
        "argmax" => arg_red(Array::try_argmax, Array::argmax_axis),
        "nanargmin" => arg_red(Array::try_nanargmin, Array::nanargmin_axis),
        "nanargmax" => arg_red(Array::try_nanargmax, Array::nanargmax_axis),
        _ => return None,
    })
}

/// The NumPy scalar a number becomes when a function (a ufunc) takes it:
/// `bool`, `int64` or `float64` (`np.sin(2)` computes on `np.int64(2)`).
fn numpy_scalar(w: Weak) -> Scalar {
    w.scalar()
}

/// `op(x)` folded now with the op table's reference: the result is a NumPy
/// scalar (a strong 0-d array), as `np.sin(1.0)` is a `float64`, so
/// `a_f32 * sin(1.0)` is `float64`, as in NumPy.
fn fold_unary(op: UnaryOp, w: Weak) -> crate::Result<Array> {
    let x = numpy_scalar(w);
    let (compute, _) = op.rule().resolve(op.name(), x.dtype())?;
    Ok(Array::scalar((op.row().reference)(x.cast(compute))))
}

/// `op(x, y)` of two numbers, folded now (see [`fold_unary`]).
fn fold_binary_op(op: BinaryOp, x: Weak, y: Weak) -> crate::Result<Array> {
    let (x, y) = (numpy_scalar(x), numpy_scalar(y));
    let promoted = x.dtype().promote(y.dtype());
    if op == BinaryOp::Ldexp {
        // The exponent keeps its own (integer) dtype; the reference takes
        // it as a float of the mantissa's dtype.
        return Array::scalar(x).ldexp(Array::scalar(y));
    }
    let (compute, _) = op.rule().resolve(op.name(), promoted)?;
    Ok(Array::scalar((op.row().reference)(
        x.cast(compute),
        y.cast(compute),
    )))
}

/// `op` with its operands swapped, where that gives the same result (so a
/// number on the left can stay a weak scalar on the right).
fn swapped_op(op: BinaryOp) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match op {
        Add | Mul | Maximum | Minimum | Eq | Ne | LogicalAnd | LogicalOr | LogicalXor | Hypot
        | Fmax | Fmin | Logaddexp | Logaddexp2 | Gcd | Lcm | BitwiseAnd | BitwiseOr
        | BitwiseXor => op,
        Lt => Gt,
        Le => Ge,
        Gt => Lt,
        Ge => Le,
        _ => return None,
    })
}

/// The argument count a function takes, for its error message.
fn expect_args(
    name: &str,
    call_span: Span,
    args: &[Ast],
    kwargs: &[Kwarg],
    n: usize,
    usage: &str,
) -> Result<(), ExprError> {
    if let Some(k) = kwargs.first() {
        return Err(argument(
            format!(
                "{name}() takes no keyword arguments (got {}=); usage: {usage}",
                k.name
            ),
            k.name_span,
        ));
    }
    if args.len() != n {
        let plural = if n == 1 { "" } else { "s" };
        return Err(argument(
            format!(
                "{name}() takes {n} argument{plural}, got {}; usage: {usage}",
                args.len()
            ),
            call_span,
        ));
    }
    Ok(())
}

/// A keyword argument's value, which must be an integer (or bool) number.
fn constant_int(kw: &Kwarg, inputs: &HashMap<String, Array>, what: &str) -> Result<i64, ExprError> {
    match eval(&kw.value, inputs)? {
        Value::Weak(w) => w.to_int().ok_or(()),
        Value::Arr(_) => Err(()),
    }
    .map_err(|()| {
        argument(
            format!("{}= must be {what}, as in {}=1", kw.name, kw.name),
            kw.value.span,
        )
    })
}

fn call(
    name: &str,
    name_span: Span,
    call_span: Span,
    args: &[Ast],
    kwargs: &[Kwarg],
    inputs: &HashMap<String, Array>,
) -> Result<Value, ExprError> {
    let Some(func) = lookup(name) else {
        let mut message = format!("'{name}' is not a function");
        if inputs.contains_key(name) {
            message.push_str(&format!(
                " ('{name}' is an input; multiply explicitly, as in {name} * (…))"
            ));
        } else if let Some(close) = closest(name, function_names().into_iter()) {
            message.push_str(&format!("; did you mean '{close}'?"));
        } else {
            message.push_str(&format!(
                "; the functions are {}",
                function_names().join(" ")
            ));
        }
        return Err(ExprError::new(
            ExprErrorKind::UnknownFunction,
            message,
            name_span,
        ));
    };
    let arr_err = |e: crate::Error| ExprError::array(e, call_span);
    match func {
        Func::Unary(op) => {
            expect_args(name, call_span, args, kwargs, 1, &format!("{name}(x)"))?;
            let r = match eval(&args[0], inputs)? {
                Value::Weak(w) => fold_unary(op, w),
                Value::Arr(a) => a.apply_unary(op),
            };
            r.map(Value::Arr).map_err(arr_err)
        }
        Func::Binary(op) => {
            expect_args(name, call_span, args, kwargs, 2, &format!("{name}(a, b)"))?;
            let a = eval(&args[0], inputs)?;
            let b = eval(&args[1], inputs)?;
            let r = match (a, b) {
                (Value::Weak(x), Value::Weak(y)) => fold_binary_op(op, x, y),
                (Value::Arr(x), y) => x.apply_binary(op, y.operand()),
                (Value::Weak(x), Value::Arr(y)) => match swapped_op(op) {
                    Some(sw) => y.apply_binary(sw, Operand::Scalar(x.scalar())),
                    None => {
                        let left = strong_like(x, y.dtype(), name, call_span)?;
                        left.apply_binary(op, Operand::Array(y))
                    }
                },
            };
            r.map(Value::Arr).map_err(arr_err)
        }
        // A function of numbers only gives what NumPy's does: a strong
        // 0-d value (`where(True, 1, 2.5)` is a float64 array).
        Func::Where => {
            expect_args(name, call_span, args, kwargs, 3, "where(condition, x, y)")?;
            let c = eval(&args[0], inputs)?;
            let x = eval(&args[1], inputs)?;
            let y = eval(&args[2], inputs)?;
            Array::where_(&c.into_array(), x.operand(), y.operand())
                .map(Value::Arr)
                .map_err(arr_err)
        }
        Func::Clip => {
            expect_args(name, call_span, args, kwargs, 3, "clip(x, lo, hi)")?;
            let x = eval(&args[0], inputs)?;
            let lo = eval(&args[1], inputs)?;
            let hi = eval(&args[2], inputs)?;
            x.into_array()
                .clip(lo.operand(), hi.operand())
                .map(Value::Arr)
                .map_err(arr_err)
        }
        Func::Cast(dtype) => {
            expect_args(name, call_span, args, kwargs, 1, &format!("{name}(x)"))?;
            Ok(Value::Arr(
                eval(&args[0], inputs)?.into_array().astype(dtype),
            ))
        }
        Func::Reduce(r) => reduce(name, r, call_span, args, kwargs, inputs),
        Func::Product(f) => {
            expect_args(name, call_span, args, kwargs, 2, &format!("{name}(a, b)"))?;
            let a = eval(&args[0], inputs)?.into_array();
            let b = eval(&args[1], inputs)?.into_array();
            f(&a, &b).map(Value::Arr).map_err(arr_err)
        }
        Func::Einsum => {
            let usage = "einsum('ij,jk->ik', a, b)";
            let spec = match args.first().map(|a| &a.kind) {
                Some(Kind::Str(s)) if kwargs.is_empty() => s,
                _ => {
                    return Err(argument(
                        format!("einsum() takes a quoted spec, then the operands; usage: {usage}"),
                        call_span,
                    ))
                }
            };
            let operands = args[1..]
                .iter()
                .map(|a| eval(a, inputs).map(Value::into_array))
                .collect::<Result<Vec<_>, _>>()?;
            let refs: Vec<&Array> = operands.iter().collect();
            Array::einsum(spec, &refs).map(Value::Arr).map_err(arr_err)
        }
    }
}

fn reduce(
    name: &str,
    r: Reduction,
    call_span: Span,
    args: &[Ast],
    kwargs: &[Kwarg],
    inputs: &HashMap<String, Array>,
) -> Result<Value, ExprError> {
    let usage = if r.ddof.is_some() {
        format!("{name}(x), {name}(x, axis=0, keepdims=False, ddof=0)  (axis=None: every axis)")
    } else {
        format!("{name}(x), {name}(x, axis=0, keepdims=False)  (axis=None: every axis)")
    };
    if args.is_empty() || args.len() > 2 {
        return Err(argument(
            format!(
                "{name}() takes 1 or 2 arguments (x and axis), got {}; usage: {usage}",
                args.len()
            ),
            call_span,
        ));
    }
    let mut axis: Option<isize> = None;
    let mut axis_given = false;
    // `axis=None` (NumPy's default: every axis) is the same as no axis.
    let is_none = |n: &Ast| matches!(&n.kind, Kind::Name(v) if v == "None");
    if let Some(a) = args.get(1) {
        axis_given = true;
        if !is_none(a) {
            let kw = Kwarg {
                name: "axis".into(),
                name_span: a.span,
                value: a.clone(),
            };
            axis = Some(constant_int(&kw, inputs, "an integer or None")? as isize);
        }
    }
    let mut keepdims = false;
    let mut ddof: usize = 0;
    for kw in kwargs {
        match kw.name.as_str() {
            "axis" => {
                if axis_given {
                    return Err(argument(format!("{name}() got axis twice"), kw.name_span));
                }
                axis_given = true;
                if !is_none(&kw.value) {
                    axis = Some(constant_int(kw, inputs, "an integer or None")? as isize);
                }
            }
            "keepdims" => keepdims = constant_int(kw, inputs, "True or False")? != 0,
            "ddof" if r.ddof.is_some() => {
                let d = constant_int(kw, inputs, "a non-negative integer")?;
                ddof = usize::try_from(d)
                    .map_err(|_| argument("ddof= must be a non-negative integer", kw.value.span))?;
            }
            other => {
                return Err(argument(
                    format!("{name}() has no keyword argument '{other}'; usage: {usage}"),
                    kw.name_span,
                ))
            }
        }
    }
    let x = eval(&args[0], inputs)?.into_array();
    let arr_err = |e: crate::Error| ExprError::array(e, call_span);
    let all_axes: Vec<isize> = (0..x.ndim() as isize).collect();
    let out = match (axis, r.ddof, r.axes) {
        (Some(ax), Some(f), _) => f(&x, ax, ddof, keepdims),
        (Some(ax), None, _) => (r.axis)(&x, ax, keepdims),
        (None, Some(f), _) if ddof != 0 => {
            // NumPy's ddof over everything: the flattened array along its only axis.
            let flat = f(&x.flatten(), 0, ddof, false).map_err(arr_err)?;
            if keepdims {
                let ones = vec![1isize; x.ndim()];
                flat.reshape(&ones)
            } else {
                Ok(flat)
            }
        }
        (None, _, Some(axes)) if keepdims => axes(&x, &all_axes, true),
        (None, _, _) => {
            let full = (r.full)(&x).map_err(arr_err)?;
            if keepdims {
                full.reshape(&vec![1isize; x.ndim()])
            } else {
                Ok(full)
            }
        }
    };
    out.map(Value::Arr).map_err(arr_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_is_a_function() {
        let names = function_names();
        for n in &names {
            assert!(lookup(n).is_some(), "{n}");
        }
        for n in OTHER_NAMES {
            assert!(names.contains(n), "{n}");
        }
        for must in [
            "log1p",
            "arcsinh",
            "degrees",
            "invert",
            "gcd",
            "bitwise_left_shift",
        ] {
            assert!(names.contains(&must), "{must}");
        }
    }

    #[test]
    fn folding_follows_numpy() {
        use Weak::*;
        assert_eq!(fold_binary(BinOp::FloorDiv, Int(-7), Int(2)), Ok(Int(-4)));
        assert_eq!(fold_binary(BinOp::Rem, Int(-7), Int(3)), Ok(Int(2)));
        assert_eq!(
            fold_binary(BinOp::Rem, Float(-7.0), Float(3.0)),
            Ok(Float(2.0))
        );
        assert_eq!(
            fold_binary(BinOp::FloorDiv, Float(-7.0), Float(2.0)),
            Ok(Float(-4.0))
        );
        assert_eq!(fold_binary(BinOp::Div, Int(1), Int(2)), Ok(Float(0.5)));
        assert_eq!(fold_binary(BinOp::Pow, Int(2), Int(10)), Ok(Int(1024)));
        assert_eq!(fold_binary(BinOp::Pow, Int(2), Int(-1)), Ok(Float(0.5)));
        assert_eq!(fold_binary(BinOp::Lt, Int(1), Float(1.5)), Ok(Bool(true)));
        assert_eq!(
            fold_binary(BinOp::Ne, Float(f64::NAN), Float(f64::NAN)),
            Ok(Bool(true))
        );
        assert_eq!(
            fold_binary(BinOp::FloorDiv, Int(i64::MIN), Int(-1)),
            Ok(Int(i64::MIN))
        );
        let a = fold_unary(UnaryOp::Abs, Int(-3)).unwrap();
        assert_eq!((a.dtype(), a.item::<i64>().unwrap()), (DType::I64, 3));
        let s = fold_unary(UnaryOp::Sin, Int(0)).unwrap();
        assert_eq!(s.dtype(), DType::F64); // np.sin(0) is a float64
        assert!(fold_unary(UnaryOp::Neg, Bool(true)).is_err());
        let h = fold_binary_op(BinaryOp::Hypot, Int(3), Float(4.0)).unwrap();
        assert_eq!(h.item::<f64>().unwrap(), 5.0);
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("sqrtt", function_names().into_iter()), Some("sqrt"));
        assert_eq!(closest("qqqqqq", function_names().into_iter()), None);
    }
}
