//! [`ExprError`]: what went wrong in an expression, and where (the columns
//! it is about, which [`ExprError::render`] underlines). Its own module so
//! the lexer, the parser and the evaluator can all return it without
//! depending on the module that drives them.

use std::fmt;

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
