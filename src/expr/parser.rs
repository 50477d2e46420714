//! The parser: tokens to an abstract syntax tree, by recursive descent with
//! Python's (and so numexpr's) precedence, lowest first:
//!
//! | level | operators | associativity |
//! | --- | --- | --- |
//! | comparison | `< <= > >= == !=` | not chainable (an error names the fix) |
//! | or | `\|` | left |
//! | xor | `^` | left |
//! | and | `&` | left |
//! | sum | `+ -` | left |
//! | product | `* / // % @` | left |
//! | unary | `- + ~` | prefix |
//! | power | `**` | right; binds tighter than a unary on its left (`-a**2` is `-(a**2)`), looser than one on its right (`2**-1`) |
//! | primary | numbers, names, `f(args, kw=value)`, `( … )` | |
//!
//! As in Python, `&` and `|` bind tighter than comparisons, so
//! `a > 0 & b > 0` would read as the chained comparison `a > (0 & b) > 0`;
//! chained comparisons are rejected with a message that says to write
//! `(a > 0) & (b > 0)`.
//!
//! Nesting is bounded ([`MAX_NESTING`], [`MAX_DEPTH`]) so that no input can
//! overflow the stack, here or in the evaluator.

use super::lexer::{lex, Op, Tok, Token};
use super::ExprError;

/// The deepest the tree may be (a leaf is 1): long chains like `a+a+…+a`
/// build it up as much as parentheses do. The evaluator recurses this deep.
pub(crate) const MAX_DEPTH: usize = 256;

/// The deepest the parser may recurse: parentheses, calls, unary operators
/// and exponents nested in one another.
pub(crate) const MAX_NESTING: usize = 64;

/// A prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Pos,
    Not,
}

/// An infix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Rem,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    /// `@`: NumPy's `matmul`.
    MatMul,
}

impl BinOp {
    fn from_op(op: Op) -> Option<BinOp> {
        Some(match op {
            Op::Plus => BinOp::Add,
            Op::Minus => BinOp::Sub,
            Op::Star => BinOp::Mul,
            Op::Slash => BinOp::Div,
            Op::SlashSlash => BinOp::FloorDiv,
            Op::Percent => BinOp::Rem,
            Op::StarStar => BinOp::Pow,
            Op::At => BinOp::MatMul,
            Op::Lt => BinOp::Lt,
            Op::Le => BinOp::Le,
            Op::Gt => BinOp::Gt,
            Op::Ge => BinOp::Ge,
            Op::EqEq => BinOp::Eq,
            Op::Ne => BinOp::Ne,
            Op::Amp => BinOp::And,
            Op::Pipe => BinOp::Or,
            Op::Caret => BinOp::Xor,
            Op::Shl => BinOp::Shl,
            Op::Shr => BinOp::Shr,
            Op::Tilde => return None,
        })
    }

    /// How the operator is written.
    pub(crate) fn text(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Rem => "%",
            BinOp::Pow => "**",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::MatMul => "@",
        }
    }

    fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }
}

/// Columns `[start, end)`.
pub(crate) type Span = (usize, usize);

/// A node of the syntax tree, with the columns of the source it came from
/// (`Ast`, not `Node`: the array graph has the nodes).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Ast {
    pub kind: Kind,
    pub span: Span,
    /// Height of the subtree (a leaf is 1).
    pub depth: usize,
}

/// A keyword argument, `name=value`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Kwarg {
    pub name: String,
    pub name_span: Span,
    pub value: Ast,
}

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Int(i64),
    Float(f64),
    Name(String),
    /// A quoted string: `einsum`'s spec.
    Str(String),
    Unary {
        op: UnOp,
        op_span: Span,
        arg: Box<Ast>,
    },
    Binary {
        op: BinOp,
        op_span: Span,
        lhs: Box<Ast>,
        rhs: Box<Ast>,
    },
    Call {
        name: String,
        name_span: Span,
        args: Vec<Ast>,
        kwargs: Vec<Kwarg>,
    },
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    nesting: usize,
}

/// Parses a whole expression.
pub(crate) fn parse(src: &str) -> Result<Ast, ExprError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        nesting: 0,
    };
    if p.peek().tok == Tok::End {
        return Err(ExprError::syntax("the expression is empty", 0, 1));
    }
    let node = p.expr()?;
    let t = p.peek();
    if t.tok != Tok::End {
        let msg = match &t.tok {
            Tok::RParen => "unmatched ')'".to_string(),
            Tok::Assign => {
                "unexpected '=': write == to compare (a single = only names a keyword argument, as in sum(a, axis=0))".to_string()
            }
            other => format!(
                "expected an operator or the end of the expression, found {}",
                other.describe()
            ),
        };
        return Err(ExprError::syntax(msg, t.start, t.end));
    }
    Ok(node)
}

impl Parser {
    fn peek(&self) -> &Token {
        // `lex` always ends with `End`, and `bump` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn peek_op(&self) -> Option<Op> {
        match self.peek().tok {
            Tok::Op(op) => Some(op),
            _ => None,
        }
    }

    fn enter(&mut self, at: &Token) -> Result<(), ExprError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(ExprError::syntax(
                format!("the expression is nested too deeply (more than {MAX_NESTING} levels)"),
                at.start,
                at.end.max(at.start + 1),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting -= 1;
    }

    fn binary(op: BinOp, op_tok: &Token, lhs: Ast, rhs: Ast) -> Result<Ast, ExprError> {
        let depth = 1 + lhs.depth.max(rhs.depth);
        if depth > MAX_DEPTH {
            return Err(ExprError::syntax(
                format!(
                    "the expression is too deep (more than {MAX_DEPTH} nested operations); split it up"
                ),
                op_tok.start,
                op_tok.end,
            ));
        }
        let span = (lhs.span.0, rhs.span.1);
        Ok(Ast {
            kind: Kind::Binary {
                op,
                op_span: (op_tok.start, op_tok.end),
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span,
            depth,
        })
    }

    fn expr(&mut self) -> Result<Ast, ExprError> {
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Ast, ExprError> {
        let lhs = self.or()?;
        let Some(op) = self
            .peek_op()
            .and_then(BinOp::from_op)
            .filter(|o| o.is_comparison())
        else {
            return Ok(lhs);
        };
        let op_tok = self.bump();
        let rhs = self.or()?;
        if let Some(second) = self
            .peek_op()
            .and_then(BinOp::from_op)
            .filter(|o| o.is_comparison())
        {
            let t = self.peek();
            return Err(ExprError::syntax(
                format!(
                    "comparisons cannot be chained ('{}' after '{}'); note that & and | bind tighter than comparisons, as in Python and numexpr: write (a > 0) & (b < 1)",
                    second.text(),
                    op.text()
                ),
                t.start,
                t.end,
            ));
        }
        Self::binary(op, &op_tok, lhs, rhs)
    }

    /// One left-associative level: `next (op next)*` for the operators in `ops`.
    fn left_assoc(
        &mut self,
        ops: &[Op],
        next: fn(&mut Parser) -> Result<Ast, ExprError>,
    ) -> Result<Ast, ExprError> {
        let mut lhs = next(self)?;
        while let Some(op) = self.peek_op().filter(|o| ops.contains(o)) {
            let op_tok = self.bump();
            let rhs = next(self)?;
            let bin = BinOp::from_op(op).expect("only binary operators are listed");
            lhs = Self::binary(bin, &op_tok, lhs, rhs)?;
        }
        Ok(lhs)
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        self.left_assoc(&[Op::Pipe], Parser::xor)
    }

    fn xor(&mut self) -> Result<Ast, ExprError> {
        self.left_assoc(&[Op::Caret], Parser::and)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        self.left_assoc(&[Op::Amp], Parser::shift)
    }

    fn shift(&mut self) -> Result<Ast, ExprError> {
        self.left_assoc(&[Op::Shl, Op::Shr], Parser::sum)
    }

    fn sum(&mut self) -> Result<Ast, ExprError> {
        self.left_assoc(&[Op::Plus, Op::Minus], Parser::product)
    }

    fn product(&mut self) -> Result<Ast, ExprError> {
        self.left_assoc(
            &[Op::Star, Op::Slash, Op::SlashSlash, Op::Percent, Op::At],
            Parser::unary,
        )
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        let op = match self.peek_op() {
            Some(Op::Minus) => UnOp::Neg,
            Some(Op::Plus) => UnOp::Pos,
            Some(Op::Tilde) => UnOp::Not,
            _ => return self.power(),
        };
        let op_tok = self.bump();
        self.enter(&op_tok)?;
        let arg = self.unary();
        self.leave();
        let arg = arg?;
        let depth = arg.depth + 1;
        Ok(Ast {
            span: (op_tok.start, arg.span.1),
            kind: Kind::Unary {
                op,
                op_span: (op_tok.start, op_tok.end),
                arg: Box::new(arg),
            },
            depth,
        })
    }

    fn power(&mut self) -> Result<Ast, ExprError> {
        let base = self.primary()?;
        if self.peek_op() != Some(Op::StarStar) {
            return Ok(base);
        }
        let op_tok = self.bump();
        self.enter(&op_tok)?;
        // Right-associative, and the exponent may carry its own sign: `2**-1`.
        let exponent = self.unary();
        self.leave();
        Self::binary(BinOp::Pow, &op_tok, base, exponent?)
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        let t = self.bump();
        match t.tok {
            Tok::Int(v) => Ok(leaf(Kind::Int(v), &t)),
            Tok::Float(v) => Ok(leaf(Kind::Float(v), &t)),
            Tok::Str(ref s) => Ok(leaf(Kind::Str(s.clone()), &t)),
            Tok::Ident(ref name) => {
                if self.peek().tok == Tok::LParen {
                    self.call(name.clone(), &t)
                } else {
                    Ok(leaf(Kind::Name(name.clone()), &t))
                }
            }
            Tok::LParen => {
                self.enter(&t)?;
                let inner = self.expr();
                self.leave();
                let mut inner = inner?;
                let close = self.bump();
                if close.tok != Tok::RParen {
                    return Err(unclosed(&t, &close));
                }
                inner.span = (t.start, close.end);
                Ok(inner)
            }
            other => {
                let msg = match other {
                    Tok::End => "the expression ends too early: a value is missing".to_string(),
                    Tok::Op(op) if BinOp::from_op(op).is_some() => {
                        format!("expected a value before '{}'", op.text())
                    }
                    other => format!("expected a value, found {}", other.describe()),
                };
                Err(ExprError::syntax(msg, t.start, t.end.max(t.start + 1)))
            }
        }
    }

    fn call(&mut self, name: String, name_tok: &Token) -> Result<Ast, ExprError> {
        let open = self.bump();
        self.enter(&open)?;
        let result = self.call_args(name, name_tok, &open);
        self.leave();
        result
    }

    fn call_args(
        &mut self,
        name: String,
        name_tok: &Token,
        open: &Token,
    ) -> Result<Ast, ExprError> {
        let mut args: Vec<Ast> = Vec::new();
        let mut kwargs: Vec<Kwarg> = Vec::new();
        loop {
            if self.peek().tok == Tok::RParen {
                break;
            }
            // `name=value` (a keyword argument) or a positional expression.
            let is_kw = matches!(self.peek().tok, Tok::Ident(_))
                && self
                    .tokens
                    .get(self.pos + 1)
                    .is_some_and(|t| t.tok == Tok::Assign);
            if is_kw {
                let kw_tok = self.bump();
                self.bump(); // '='
                let value = self.expr()?;
                let Tok::Ident(kw) = kw_tok.tok else {
                    unreachable!("checked above")
                };
                if kwargs.iter().any(|k| k.name == kw) {
                    return Err(ExprError::syntax(
                        format!("keyword argument '{kw}' repeated"),
                        kw_tok.start,
                        kw_tok.end,
                    ));
                }
                kwargs.push(Kwarg {
                    name: kw,
                    name_span: (kw_tok.start, kw_tok.end),
                    value,
                });
            } else {
                let start = self.peek().clone();
                let arg = self.expr()?;
                if !kwargs.is_empty() {
                    return Err(ExprError::syntax(
                        "positional argument after a keyword argument",
                        start.start,
                        arg.span.1.max(start.start + 1),
                    ));
                }
                args.push(arg);
            }
            match self.peek().tok {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => break,
                _ => {
                    let t = self.peek().clone();
                    return Err(if t.tok == Tok::End {
                        unclosed(open, &t)
                    } else {
                        ExprError::syntax(
                            format!(
                                "expected ',' or ')' in the arguments of {name}(), found {}",
                                t.tok.describe()
                            ),
                            t.start,
                            t.end.max(t.start + 1),
                        )
                    });
                }
            }
        }
        let close = self.bump();
        let depth = 1 + args
            .iter()
            .map(|a| a.depth)
            .chain(kwargs.iter().map(|k| k.value.depth))
            .max()
            .unwrap_or(0);
        if depth > MAX_DEPTH {
            return Err(ExprError::syntax(
                format!("the expression is too deep (more than {MAX_DEPTH} nested operations)"),
                name_tok.start,
                name_tok.end,
            ));
        }
        Ok(Ast {
            kind: Kind::Call {
                name,
                name_span: (name_tok.start, name_tok.end),
                args,
                kwargs,
            },
            span: (name_tok.start, close.end),
            depth,
        })
    }
}

fn leaf(kind: Kind, t: &Token) -> Ast {
    Ast {
        kind,
        span: (t.start, t.end),
        depth: 1,
    }
}

/// The error for a `(` whose `)` never came: points at where it should be,
/// and names the column of the `(`.
fn unclosed(open: &Token, found: &Token) -> ExprError {
    let msg = if found.tok == Tok::End {
        format!("'(' at column {} is never closed", open.start + 1)
    } else {
        format!(
            "expected ')' to close the '(' at column {}, found {}",
            open.start + 1,
            found.tok.describe()
        )
    };
    ExprError::syntax(msg, found.start, found.end.max(found.start + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as a fully parenthesised string.
    fn show(n: &Ast) -> String {
        match &n.kind {
            Kind::Int(v) => v.to_string(),
            Kind::Float(v) => format!("{v:?}"),
            Kind::Name(s) => s.clone(),
            Kind::Str(s) => format!("{s:?}"),
            Kind::Unary { op, arg, .. } => {
                let o = match op {
                    UnOp::Neg => "-",
                    UnOp::Pos => "+",
                    UnOp::Not => "~",
                };
                format!("({o}{})", show(arg))
            }
            Kind::Binary { op, lhs, rhs, .. } => {
                format!("({} {} {})", show(lhs), op.text(), show(rhs))
            }
            Kind::Call {
                name, args, kwargs, ..
            } => {
                let mut parts: Vec<String> = args.iter().map(show).collect();
                parts.extend(
                    kwargs
                        .iter()
                        .map(|k| format!("{}={}", k.name, show(&k.value))),
                );
                format!("{name}({})", parts.join(", "))
            }
        }
    }

    fn p(s: &str) -> String {
        show(&parse(s).unwrap())
    }

    #[test]
    fn precedence_follows_python() {
        assert_eq!(p("a + b * c"), "(a + (b * c))");
        assert_eq!(p("a - b - c"), "((a - b) - c)");
        assert_eq!(p("a ** b ** c"), "(a ** (b ** c))");
        assert_eq!(p("-a ** 2"), "(-(a ** 2))");
        assert_eq!(p("2 ** -1"), "(2 ** (-1))");
        assert_eq!(p("a < b | c"), "(a < (b | c))");
        assert_eq!(p("(a < b) | ~c & d"), "((a < b) | ((~c) & d))");
        assert_eq!(p("a // b % c"), "((a // b) % c)");
        assert_eq!(p("sum(a*b, axis=-1)"), "sum((a * b), axis=(-1))");
        assert_eq!(p("f()"), "f()");
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = parse("a + * b").unwrap_err();
        assert_eq!(e.span, Some((4, 5)));
        let e = parse("a > 0 & b > 0").unwrap_err();
        assert_eq!(e.span, Some((10, 11)));
        assert!(e.message.contains("(a > 0) & (b < 1)"));
        assert_eq!(parse("(a + b").unwrap_err().span, Some((6, 6 + 1)));
        assert_eq!(parse("a b").unwrap_err().span, Some((2, 3)));
        assert!(parse("").is_err());
        assert!(parse("f(x=1, 2)").is_err());
        assert!(parse("f(x=1, x=2)").is_err());
        assert!(parse(&"(".repeat(10_000)).is_err());
        assert!(parse(&"-".repeat(10_000)).is_err());
        assert!(parse(&vec!["a"; 1000].join("+")).is_err());
    }
}
