//! A numexpr-style expression language over tandem arrays, used by the
//! `tandem eval` command and callable directly.
//!
//! ```
//! use std::collections::HashMap;
//! use tandem::prelude::*;
//! use tandem::expr::Expression;
//!
//! let mut inputs = HashMap::new();
//! inputs.insert("a".to_string(), Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2])?);
//! inputs.insert("b".to_string(), Array::from_vec(vec![10.0f32, 20.0], &[2])?);
//! let e = Expression::parse("sum(a * b + 1, axis=1)").unwrap();
//! let y = e.build(&inputs).unwrap(); // lazy: the whole expression is one graph
//! assert_eq!(y.dtype(), DType::F32); // 1 is a weak scalar: float32 stays float32
//! assert_eq!(y.to_vec::<f32>()?, vec![52.0, 112.0]);
//! # Ok::<(), tandem::Error>(())
//! ```
//!
//! # The language
//!
//! - **Values**: numbers (`3`, `-2`, `1.5`, `.5`, `1e-3`), `inf`, `nan`,
//!   `True`/`False`, and input names. Numbers are NumPy *weak* scalars
//!   (NEP 50): `a_f32 * 2.5` stays `float32`; arithmetic between numbers
//!   alone is folded before any array is touched.
//! - **Operators**, with Python's precedence (lowest first): comparisons
//!   `< <= > >= == !=` (not chainable); `|`; `^`; `&`; `+ -`;
//!   `<< >>`; `* / // %`; unary `- + ~`; `**` (right-associative, `-a**2` is
//!   `-(a**2)`; an exponent that is a number, or folds to one, or a 0-d
//!   input takes NumPy's fast paths, as [`Array::pow`](crate::Array::pow):
//!   `a**2` is a multiply, `a**0.5` a `sqrt`). `& | ^ ~` are NumPy's bitwise ufuncs: logical on
//!   `bool` operands (`(a > 0) & (b < 1)` — the parentheses are needed
//!   because `&` binds tighter than `>`), bitwise on integers; `<< >>`
//!   shift integers; floats are an error for all five, as in NumPy.
//! - **Functions**: every row of tandem's op table
//!   ([`tandem::ops`](crate::ops)), by its method name, NumPy's name or an
//!   alias: `sin cos tan arcsin`/`asin … exp exp2 expm1 log`/`ln log2 log10
//!   log1p sqrt cbrt abs fabs sign floor ceil round rint trunc square
//!   reciprocal negative positive sigmoid sinh cosh tanh arcsinh arccosh
//!   arctanh degrees radians isnan isinf isfinite signbit spacing invert
//!   bitwise_count`; `minimum maximum fmin fmax arctan2 hypot pow`/`power
//!   float_power fmod remainder copysign nextafter logaddexp logaddexp2
//!   heaviside ldexp gcd lcm bitwise_and bitwise_or bitwise_xor left_shift
//!   right_shift` (and the arithmetic and comparison ufuncs by name:
//!   `add(a, b)`, `less(a, b)` …); `where(c, x, y) clip(x, lo, hi)`; casts
//!   `float32(x) float64(x) int32(x) int64(x) uint32(x) bool(x)`. A
//!   function of numbers alone is folded now by the op table's reference
//!   implementation and gives what NumPy's does, a NumPy scalar (strong):
//!   `a_f32 * sin(1.0)` is `float64`, as `a * np.sin(1.0)` is.
//! - **Reductions**: `sum prod mean min max var std any all nansum nanmean
//!   nanmin nanmax argmin argmax nanargmin nanargmax`, over everything or
//!   along `axis=` (negative counts from the end; also the second positional
//!   argument; `axis=None` is every axis, NumPy's default), with
//!   `keepdims=True` and, for `var`/`std`, `ddof=`.
//!
//! Every operation broadcasts and promotes as NumPy does. [`Expression::build`]
//! returns the result *lazily*: forcing it once runs the whole expression as
//! fused kernels.
//!
//! # Errors
//!
//! [`ExprError`] carries the columns it is about; [`ExprError::render`]
//! prints the expression with a caret under them. [`ExprErrorKind::Syntax`]
//! errors come from [`Expression::parse`]; unknown names and functions,
//! wrong arguments and array errors (shapes that do not broadcast …) from
//! [`Expression::build`]. Nothing here panics on any input.

mod eval;
mod lexer;
mod parser;

use crate::Array;
use std::collections::HashMap;
use std::fmt;

/// A parsed expression, ready to be built over inputs any number of times.
///
/// ```
/// use tandem::expr::Expression;
/// let e = Expression::parse("a * 2 + sin(b)").unwrap();
/// assert_eq!(e.names(), vec!["a", "b"]);
/// assert_eq!(e.source(), "a * 2 + sin(b)");
/// ```
#[derive(Clone, Debug)]
pub struct Expression {
    source: String,
    root: parser::Node,
}

impl Expression {
    /// Parses `source`; a malformed expression is an [`ExprErrorKind::Syntax`]
    /// error whose span points at the offending token.
    ///
    /// ```
    /// use tandem::expr::{Expression, ExprErrorKind};
    /// let err = Expression::parse("a + * b").unwrap_err();
    /// assert_eq!(err.kind, ExprErrorKind::Syntax);
    /// assert_eq!(err.column(), Some(5)); // 1-based: the '*'
    /// ```
    pub fn parse(source: &str) -> Result<Expression, ExprError> {
        Ok(Expression {
            source: source.to_string(),
            root: parser::parse(source)?,
        })
    }

    /// The text it was parsed from.
    ///
    /// ```
    /// use tandem::expr::Expression;
    /// assert_eq!(Expression::parse("1+1").unwrap().source(), "1+1");
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The names the expression reads as inputs (not function names or
    /// keywords), in order of first use, each once. `inf`, `nan`, `True` and
    /// `False` are included only if they are used: an input of that name
    /// would take precedence.
    ///
    /// ```
    /// use tandem::expr::Expression;
    /// let e = Expression::parse("where(x > 0, x, y) + sum(x, axis=0)").unwrap();
    /// assert_eq!(e.names(), vec!["x", "y"]);
    /// ```
    pub fn names(&self) -> Vec<&str> {
        fn walk<'a>(n: &'a parser::Node, out: &mut Vec<&'a str>) {
            match &n.kind {
                parser::Kind::Name(s) => {
                    if !out.contains(&s.as_str()) {
                        out.push(s);
                    }
                }
                parser::Kind::Unary { arg, .. } => walk(arg, out),
                parser::Kind::Binary { lhs, rhs, .. } => {
                    walk(lhs, out);
                    walk(rhs, out);
                }
                parser::Kind::Call { args, kwargs, .. } => {
                    for a in args {
                        walk(a, out);
                    }
                    for k in kwargs {
                        walk(&k.value, out);
                    }
                }
                parser::Kind::Int(_) | parser::Kind::Float(_) => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }

    /// Builds the expression over `inputs` as one lazy graph: nothing runs
    /// until the result is read or [`eval`](Array::eval)uated, and then the
    /// elementwise parts fuse (into the reductions that consume them, too).
    /// An expression of numbers alone gives a 0-d array.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use tandem::prelude::*;
    /// use tandem::expr::{Expression, ExprErrorKind};
    /// let mut inputs = HashMap::new();
    /// inputs.insert("a".to_string(), Array::ones(&[3], DType::F64));
    /// let e = Expression::parse("a + b").unwrap();
    /// assert_eq!(e.build(&inputs).unwrap_err().kind, ExprErrorKind::UnknownName);
    /// let y = Expression::parse("a / 2 ** 2").unwrap().build(&inputs).unwrap();
    /// assert_eq!(y.to_vec::<f64>()?, vec![0.25; 3]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn build(&self, inputs: &HashMap<String, Array>) -> Result<Array, ExprError> {
        Ok(eval::eval(&self.root, inputs)?.into_array())
    }
}

/// Parses, builds and forces `source` over `inputs` in one call.
///
/// ```
/// use std::collections::HashMap;
/// use tandem::prelude::*;
/// let mut inputs = HashMap::new();
/// inputs.insert("x".to_string(), Array::from_vec(vec![-1i32, 0, 5], &[3])?);
/// let y = tandem::expr::evaluate("clip(x, 0, 3) * 2", &inputs).unwrap();
/// assert_eq!(y.to_vec::<i32>()?, vec![0, 0, 6]);
/// # Ok::<(), tandem::Error>(())
/// ```
pub fn evaluate(source: &str, inputs: &HashMap<String, Array>) -> Result<Array, ExprError> {
    let e = Expression::parse(source)?;
    let y = e.build(inputs)?;
    y.eval()
        .map_err(|err| ExprError::array(err, (0, e.source.chars().count())))
}

/// The function names the language knows (aliases included), sorted.
///
/// ```
/// let f = tandem::expr::functions();
/// assert!(f.contains(&"sin") && f.contains(&"where") && f.contains(&"sum"));
/// ```
pub fn functions() -> Vec<&'static str> {
    eval::function_names()
}

/// What went wrong, as far as a caller needs to tell the cases apart.
///
/// ```
/// use std::collections::HashMap;
/// use tandem::expr::{ExprErrorKind, Expression};
/// let none = HashMap::new();
/// let kind = |s: &str| match Expression::parse(s) {
///     Err(e) => e.kind,
///     Ok(e) => e.build(&none).unwrap_err().kind,
/// };
/// assert_eq!(kind("1 +"), ExprErrorKind::Syntax);
/// assert_eq!(kind("x + 1"), ExprErrorKind::UnknownName);
/// assert_eq!(kind("frob(1)"), ExprErrorKind::UnknownFunction);
/// assert_eq!(kind("sin(1, 2)"), ExprErrorKind::Argument);
/// assert_eq!(kind("sum(1, axis=3)"), ExprErrorKind::Array);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprErrorKind {
    /// The text is not a well-formed expression.
    Syntax,
    /// A name that is not an input (nor `inf`, `nan`, `True`, `False`).
    UnknownName,
    /// A call of a function the language does not have.
    UnknownFunction,
    /// A known function called with the wrong number or kind of arguments,
    /// or an operator given operands it does not take (`~` on a float array).
    Argument,
    /// The array operation failed: shapes that do not broadcast, an axis out
    /// of bounds, a dtype rejected, a device error ([`ExprError::source_error`]
    /// has tandem's error).
    Array,
}

/// An error about an expression, with the columns it is about.
///
/// ```
/// use tandem::expr::Expression;
/// let err = Expression::parse("sin(a))").unwrap_err();
/// assert_eq!(err.span, Some((6, 7)));
/// let shown = err.render("sin(a))");
/// assert!(shown.contains("  sin(a))\n        ^"));
/// ```
#[derive(Clone, Debug)]
pub struct ExprError {
    /// The kind of error.
    pub kind: ExprErrorKind,
    /// What is wrong, and what to do about it.
    pub message: String,
    /// Columns `[start, end)` of the expression (0-based, in characters).
    pub span: Option<(usize, usize)>,
    source: Option<Box<crate::Error>>,
}

impl ExprError {
    pub(crate) fn new(
        kind: ExprErrorKind,
        message: impl Into<String>,
        span: (usize, usize),
    ) -> Self {
        ExprError {
            kind,
            message: message.into(),
            span: Some(span),
            source: None,
        }
    }

    pub(crate) fn syntax(message: impl Into<String>, start: usize, end: usize) -> Self {
        ExprError::new(ExprErrorKind::Syntax, message, (start, end))
    }

    pub(crate) fn array(err: crate::Error, span: (usize, usize)) -> Self {
        ExprError {
            kind: ExprErrorKind::Array,
            message: err.to_string(),
            span: Some(span),
            source: Some(Box::new(err)),
        }
    }

    /// The 1-based column the error points at, if any.
    ///
    /// ```
    /// use tandem::expr::Expression;
    /// assert_eq!(Expression::parse("(a").unwrap_err().column(), Some(3));
    /// ```
    pub fn column(&self) -> Option<usize> {
        self.span.map(|(s, _)| s + 1)
    }

    /// `true` for a malformed expression (the command exits with 2 for
    /// these, 1 for the others).
    ///
    /// ```
    /// use tandem::expr::Expression;
    /// assert!(Expression::parse("1 +").unwrap_err().is_syntax());
    /// ```
    pub fn is_syntax(&self) -> bool {
        self.kind == ExprErrorKind::Syntax
    }

    /// tandem's own error, for [`ExprErrorKind::Array`].
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use tandem::prelude::*;
    /// use tandem::expr::Expression;
    /// let mut inputs = HashMap::new();
    /// inputs.insert("a".to_string(), Array::ones(&[2], DType::F32));
    /// inputs.insert("b".to_string(), Array::ones(&[3], DType::F32));
    /// let err = Expression::parse("a + b").unwrap().build(&inputs).unwrap_err();
    /// assert!(matches!(err.source_error(), Some(Error::ShapeMismatch { .. })));
    /// ```
    pub fn source_error(&self) -> Option<&crate::Error> {
        self.source.as_deref()
    }

    /// The message, the expression, and a caret line under the columns the
    /// error is about (`^` under the first, `~` under the rest):
    ///
    /// ```text
    /// syntax error at column 5: expected a value before '*'
    ///   a + * b
    ///       ^
    /// ```
    ///
    /// ```
    /// use tandem::expr::Expression;
    /// let src = "a + * b";
    /// let text = Expression::parse(src).unwrap_err().render(src);
    /// assert_eq!(text.lines().nth(2), Some("      ^"));
    /// ```
    pub fn render(&self, source: &str) -> String {
        let mut out = self.to_string();
        if let Some((start, end)) = self.span {
            // Tabs and newlines would misalign the caret: show them as spaces.
            let line: String = source
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            let len = line.chars().count();
            let start = start.min(len);
            let width = end.saturating_sub(start).clamp(1, (len + 1 - start).max(1));
            out.push_str("\n  ");
            out.push_str(&line);
            out.push_str("\n  ");
            out.push_str(&" ".repeat(start));
            out.push('^');
            out.push_str(&"~".repeat(width - 1));
        }
        out
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ExprErrorKind::Syntax => "syntax error",
            ExprErrorKind::UnknownName => "unknown name",
            ExprErrorKind::UnknownFunction => "unknown function",
            ExprErrorKind::Argument => "invalid argument",
            ExprErrorKind::Array => "error",
        };
        match self.column() {
            Some(c) => write!(f, "{what} at column {c}: {}", self.message),
            None => write!(f, "{what}: {}", self.message),
        }
    }
}

impl std::error::Error for ExprError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
