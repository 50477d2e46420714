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

    fn truthy(self) -> bool {
        match self {
            Weak::Bool(b) => b,
            Weak::Int(i) => i != 0,
            Weak::Float(f) => f != 0.0,
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

    fn is_bool(&self) -> bool {
        match self {
            Value::Arr(a) => a.dtype() == DType::Bool,
            Value::Weak(w) => matches!(w, Weak::Bool(_)),
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
        (UnOp::Not, Value::Arr(a)) if a.dtype() == DType::Bool => Ok(Value::Arr(a.logical_not())),
        (UnOp::Not, v) => Err(argument(
            format!(
                "~ is logical not and takes a bool operand (as in numexpr), not {}; compare first, as in ~(a > 0)",
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
        BinOp::And => a.logical_and(b),
        BinOp::Or => a.logical_or(b),
        BinOp::Xor => a.logical_xor(b),
    }
}

fn binary(op: BinOp, span: Span, a: Value, b: Value) -> Result<Value, ExprError> {
    if matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) {
        for (side, v) in [("left", &a), ("right", &b)] {
            if !v.is_bool() {
                return Err(argument(
                    format!(
                        "{} is logical and takes bool operands (as in numexpr); the {side} side is {}. Compare first, and mind that {} binds tighter than comparisons: (a > 0) {} (b < 1)",
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

/// `a ** b` for integers with NumPy's wrapping, by squaring.
fn wrapping_pow(mut base: i64, mut exp: u64) -> i64 {
    let mut acc: i64 = 1;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        exp >>= 1;
    }
    acc
}

/// Python's `//` for integers (NumPy's, with `x // 0 == 0`).
fn int_floor_div(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let q = a.wrapping_div(b);
    if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
        q.wrapping_sub(1)
    } else {
        q
    }
}

/// Python's `%` for integers (NumPy's, with `x % 0 == 0`).
fn int_rem(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let r = a.wrapping_rem(b);
    if r != 0 && ((r < 0) != (b < 0)) {
        r.wrapping_add(b)
    } else {
        r
    }
}

/// NumPy's float `divmod`: the remainder takes the divisor's sign.
fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    if b == 0.0 {
        return (a / b, f64::NAN);
    }
    let m = a % b;
    let mut div = (a - m) / b;
    let m = if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            div -= 1.0;
            m + b
        } else {
            m
        }
    } else {
        0.0f64.copysign(b)
    };
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
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
            let (Weak::Bool(p), Weak::Bool(q)) = (x, y) else {
                return Err(format!("{} takes bool operands", op.text()));
            };
            return Ok(Weak::Bool(match op {
                BinOp::And => p & q,
                BinOp::Or => p | q,
                _ => p ^ q,
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
            BinOp::FloorDiv => Weak::Int(int_floor_div(a, b)),
            BinOp::Rem => Weak::Int(int_rem(a, b)),
            // Python's `2 ** -1` is 0.5: a negative exponent makes a float.
            BinOp::Pow if b < 0 => Weak::Float((a as f64).powf(b as f64)),
            BinOp::Pow => Weak::Int(wrapping_pow(a, b as u64)),
            _ => unreachable!("comparisons and logical operators returned above"),
        });
    }
    let (a, b) = (x.to_f64(), y.to_f64());
    Ok(Weak::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::FloorDiv => float_divmod(a, b).0,
        BinOp::Rem => float_divmod(a, b).1,
        BinOp::Pow => a.powf(b),
        _ => unreachable!("comparisons and logical operators returned above"),
    }))
}

/// How a one-argument function folds on a number.
#[derive(Clone, Copy)]
enum Fold {
    /// Computed in `f64` (integers become floats, as NumPy's `sin(2)`).
    Float(fn(f64) -> f64),
    /// Integers stay integers (`abs`, `floor` …).
    Keep(fn(f64) -> f64, fn(i64) -> i64),
    /// A predicate: the result is a bool.
    Pred(fn(f64) -> bool),
}

/// A function of the language.
#[derive(Clone, Copy)]
enum Func {
    Unary(fn(&Array) -> Array, Fold),
    Binary(Bin),
    Where,
    Clip,
    Cast(DType),
    Reduce(Reduction),
}

/// The two-argument elementwise functions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bin {
    Minimum,
    Maximum,
    Atan2,
    Pow,
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

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        f64::NAN
    }
}

fn int_recip(i: i64) -> i64 {
    match i {
        1 => 1,
        -1 => -1,
        _ => 0,
    }
}

/// Every function name the language knows, aliases included, sorted.
const NAMES: &[&str] = &[
    "abs",
    "absolute",
    "acos",
    "all",
    "any",
    "arccos",
    "arcsin",
    "arctan",
    "arctan2",
    "argmax",
    "argmin",
    "asin",
    "atan",
    "atan2",
    "bool",
    "ceil",
    "clip",
    "cos",
    "cosh",
    "exp",
    "exp2",
    "float32",
    "float64",
    "floor",
    "int32",
    "int64",
    "isfinite",
    "isinf",
    "isnan",
    "ln",
    "log",
    "log10",
    "log2",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmean",
    "nanmin",
    "nansum",
    "negative",
    "pow",
    "power",
    "prod",
    "reciprocal",
    "round",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "std",
    "sum",
    "tan",
    "tanh",
    "trunc",
    "uint32",
    "var",
    "where",
];

pub(crate) fn function_names() -> Vec<&'static str> {
    NAMES.to_vec()
}

fn lookup(name: &str) -> Option<Func> {
    use Fold::{Float, Keep, Pred};
    let id = |i: i64| i;
    Some(match name {
        "sin" => Func::Unary(Array::sin, Float(f64::sin)),
        "cos" => Func::Unary(Array::cos, Float(f64::cos)),
        "tan" => Func::Unary(Array::tan, Float(f64::tan)),
        "exp" => Func::Unary(Array::exp, Float(f64::exp)),
        "exp2" => Func::Unary(Array::exp2, Float(f64::exp2)),
        "log" | "ln" => Func::Unary(Array::ln, Float(f64::ln)),
        "log2" => Func::Unary(Array::log2, Float(f64::log2)),
        "log10" => Func::Unary(Array::log10, Float(f64::log10)),
        "sqrt" => Func::Unary(Array::sqrt, Float(f64::sqrt)),
        "tanh" => Func::Unary(Array::tanh, Float(f64::tanh)),
        "arcsin" | "asin" => Func::Unary(Array::asin, Float(f64::asin)),
        "arccos" | "acos" => Func::Unary(Array::acos, Float(f64::acos)),
        "arctan" | "atan" => Func::Unary(Array::atan, Float(f64::atan)),
        "sinh" => Func::Unary(Array::sinh, Float(f64::sinh)),
        "cosh" => Func::Unary(Array::cosh, Float(f64::cosh)),
        "sigmoid" => Func::Unary(Array::sigmoid, Float(sigmoid)),
        "abs" | "absolute" => Func::Unary(Array::abs, Keep(f64::abs, i64::wrapping_abs)),
        "floor" => Func::Unary(Array::floor, Keep(f64::floor, id)),
        "ceil" => Func::Unary(Array::ceil, Keep(f64::ceil, id)),
        "round" => Func::Unary(Array::round, Keep(f64::round_ties_even, id)),
        "trunc" => Func::Unary(Array::trunc, Keep(f64::trunc, id)),
        "sign" => Func::Unary(Array::sign, Keep(sign, i64::signum)),
        "square" => Func::Unary(Array::square, Keep(|x| x * x, |i| i.wrapping_mul(i))),
        "reciprocal" => Func::Unary(Array::recip, Keep(f64::recip, int_recip)),
        "negative" => Func::Unary(
            |a: &Array| a.try_neg().unwrap_or_else(|_| a.logical_not()),
            Keep(|x| -x, i64::wrapping_neg),
        ),
        "isnan" => Func::Unary(Array::is_nan, Pred(f64::is_nan)),
        "isinf" => Func::Unary(Array::is_inf, Pred(f64::is_infinite)),
        "isfinite" => Func::Unary(Array::is_finite, Pred(f64::is_finite)),
        "minimum" => Func::Binary(Bin::Minimum),
        "maximum" => Func::Binary(Bin::Maximum),
        "arctan2" | "atan2" => Func::Binary(Bin::Atan2),
        "pow" | "power" => Func::Binary(Bin::Pow),
        "where" => Func::Where,
        "clip" => Func::Clip,
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
        "nanmin" => red(Array::try_nanmin, Array::nanmin_axis, Array::nanmin_axes),
        "nanmax" => red(Array::try_nanmax, Array::nanmax_axis, Array::nanmax_axes),
        "argmin" => arg_red(Array::try_argmin, Array::argmin_axis),
        "argmax" => arg_red(Array::try_argmax, Array::argmax_axis),
        "nanargmin" => arg_red(Array::try_nanargmin, Array::nanargmin_axis),
        "nanargmax" => arg_red(Array::try_nanargmax, Array::nanargmax_axis),
        _ => return None,
    })
}

fn fold_unary(fold: Fold, w: Weak) -> Weak {
    match (fold, w.to_int()) {
        (Fold::Float(f), _) => Weak::Float(f(w.to_f64())),
        (Fold::Keep(_, i), Some(v)) => Weak::Int(i(v)),
        (Fold::Keep(f, _), None) => Weak::Float(f(w.to_f64())),
        (Fold::Pred(p), _) => Weak::Bool(p(w.to_f64())),
    }
}

fn fold_bin(which: Bin, x: Weak, y: Weak) -> Result<Weak, String> {
    match which {
        Bin::Pow => fold_binary(BinOp::Pow, x, y),
        Bin::Atan2 => Ok(Weak::Float(x.to_f64().atan2(y.to_f64()))),
        Bin::Minimum | Bin::Maximum => {
            let floats = matches!(x, Weak::Float(_)) || matches!(y, Weak::Float(_));
            if floats {
                let (a, b) = (x.to_f64(), y.to_f64());
                Ok(Weak::Float(if a.is_nan() || b.is_nan() {
                    f64::NAN
                } else if (which == Bin::Minimum) == (a <= b) {
                    a
                } else {
                    b
                }))
            } else {
                let (a, b) = (x.to_int().unwrap_or(0), y.to_int().unwrap_or(0));
                let v = if which == Bin::Minimum {
                    a.min(b)
                } else {
                    a.max(b)
                };
                Ok(match (x, y) {
                    (Weak::Bool(_), Weak::Bool(_)) => Weak::Bool(v != 0),
                    _ => Weak::Int(v),
                })
            }
        }
    }
}

fn array_bin(which: Bin, a: &Array, b: Operand) -> crate::Result<Array> {
    match which {
        Bin::Minimum => a.minimum(b),
        Bin::Maximum => a.maximum(b),
        Bin::Atan2 => a.atan2(b),
        Bin::Pow => a.pow(b),
    }
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
        } else if let Some(close) = closest(name, NAMES.iter().copied()) {
            message.push_str(&format!("; did you mean '{close}'?"));
        } else {
            message.push_str(&format!("; the functions are {}", NAMES.join(" ")));
        }
        return Err(ExprError::new(
            ExprErrorKind::UnknownFunction,
            message,
            name_span,
        ));
    };
    let arr_err = |e: crate::Error| ExprError::array(e, call_span);
    match func {
        Func::Unary(f, fold) => {
            expect_args(name, call_span, args, kwargs, 1, &format!("{name}(x)"))?;
            Ok(match eval(&args[0], inputs)? {
                Value::Weak(w) => Value::Weak(fold_unary(fold, w)),
                Value::Arr(a) => {
                    if name == "negative" && a.dtype() == DType::Bool {
                        return Err(argument(
                            "negative() is not defined for bool arrays (as in NumPy); use ~",
                            call_span,
                        ));
                    }
                    Value::Arr(f(&a))
                }
            })
        }
        Func::Binary(which) => {
            expect_args(name, call_span, args, kwargs, 2, &format!("{name}(a, b)"))?;
            let a = eval(&args[0], inputs)?;
            let b = eval(&args[1], inputs)?;
            match (a, b) {
                (Value::Weak(x), Value::Weak(y)) => fold_bin(which, x, y)
                    .map(Value::Weak)
                    .map_err(|m| argument(m, call_span)),
                (Value::Arr(x), y) => array_bin(which, &x, y.operand())
                    .map(Value::Arr)
                    .map_err(arr_err),
                (Value::Weak(x), Value::Arr(y)) => {
                    let r = if matches!(which, Bin::Minimum | Bin::Maximum) {
                        array_bin(which, &y, Operand::Scalar(x.scalar()))
                    } else {
                        let left = strong_like(x, y.dtype(), name, call_span)?;
                        array_bin(which, &left, Operand::Array(y))
                    };
                    r.map(Value::Arr).map_err(arr_err)
                }
            }
        }
        Func::Where => {
            expect_args(name, call_span, args, kwargs, 3, "where(condition, x, y)")?;
            let c = eval(&args[0], inputs)?;
            let x = eval(&args[1], inputs)?;
            let y = eval(&args[2], inputs)?;
            match (c, &x, &y) {
                (Value::Weak(c), Value::Weak(xw), Value::Weak(yw)) => {
                    let chosen = if c.truthy() { *xw } else { *yw };
                    Ok(Value::Weak(match (xw, yw) {
                        (Weak::Float(_), _) | (_, Weak::Float(_)) => Weak::Float(chosen.to_f64()),
                        (Weak::Int(_), _) | (_, Weak::Int(_)) => {
                            Weak::Int(chosen.to_int().unwrap_or(0))
                        }
                        _ => chosen,
                    }))
                }
                (c, x, y) => Array::where_(&c.into_array(), x.operand(), y.operand())
                    .map(Value::Arr)
                    .map_err(arr_err),
            }
        }
        Func::Clip => {
            expect_args(name, call_span, args, kwargs, 3, "clip(x, lo, hi)")?;
            let x = eval(&args[0], inputs)?;
            let lo = eval(&args[1], inputs)?;
            let hi = eval(&args[2], inputs)?;
            match (x, &lo, &hi) {
                (Value::Weak(x), Value::Weak(l), Value::Weak(h)) => {
                    let m = fold_bin(Bin::Maximum, x, *l).map_err(|m| argument(m, call_span))?;
                    fold_bin(Bin::Minimum, m, *h)
                        .map(Value::Weak)
                        .map_err(|m| argument(m, call_span))
                }
                (x, lo, hi) => x
                    .into_array()
                    .clip(lo.operand(), hi.operand())
                    .map(Value::Arr)
                    .map_err(arr_err),
            }
        }
        Func::Cast(dtype) => {
            expect_args(name, call_span, args, kwargs, 1, &format!("{name}(x)"))?;
            Ok(Value::Arr(
                eval(&args[0], inputs)?.into_array().astype(dtype),
            ))
        }
        Func::Reduce(r) => reduce(name, r, call_span, args, kwargs, inputs),
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
        format!("{name}(x), {name}(x, axis=0, keepdims=False, ddof=0)")
    } else {
        format!("{name}(x), {name}(x, axis=0, keepdims=False)")
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
    if let Some(a) = args.get(1) {
        let kw = Kwarg {
            name: "axis".into(),
            name_span: a.span,
            value: a.clone(),
        };
        axis = Some(constant_int(&kw, inputs, "an integer")? as isize);
    }
    let mut keepdims = false;
    let mut ddof: usize = 0;
    for kw in kwargs {
        match kw.name.as_str() {
            "axis" => {
                if axis.is_some() {
                    return Err(argument(format!("{name}() got axis twice"), kw.name_span));
                }
                axis = Some(constant_int(kw, inputs, "an integer")? as isize);
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
        for n in NAMES {
            assert!(lookup(n).is_some(), "{n}");
        }
        let mut sorted = NAMES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, NAMES);
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
        assert_eq!(int_rem(5, 0), 0);
        assert_eq!(wrapping_pow(3, 4), 81);
        assert_eq!(
            fold_unary(Fold::Keep(f64::abs, i64::wrapping_abs), Int(-3)),
            Int(3)
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("sqrtt", NAMES.iter().copied()), Some("sqrt"));
        assert_eq!(closest("qqqqqq", NAMES.iter().copied()), None);
    }
}
