//! The lexer of the expression language: characters to [`Token`]s, each with
//! the columns it covers (counted in `char`s, so a caret lines up under the
//! offending character even after non-ASCII text).
//!
//! Numbers are integers (`12`, as `i64`) or floats (`1.5`, `.5`, `2.`,
//! `1e-3`, `1E+5`); `inf` and `nan` are names the evaluator knows. A number
//! directly followed by a letter, `_` or another `.` is an error (`2a`,
//! `1.2.3`, `1e`), as in Python.

use super::ExprError;

/// An operator token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Plus,
    Minus,
    Star,
    Slash,
    SlashSlash,
    Percent,
    StarStar,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Shl,
    Shr,
    /// `@`, the matrix product.
    At,
}

impl Op {
    /// How the operator is written.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Op::Plus => "+",
            Op::Minus => "-",
            Op::Star => "*",
            Op::Slash => "/",
            Op::SlashSlash => "//",
            Op::Percent => "%",
            Op::StarStar => "**",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::EqEq => "==",
            Op::Ne => "!=",
            Op::Amp => "&",
            Op::Pipe => "|",
            Op::Caret => "^",
            Op::Tilde => "~",
            Op::Shl => "<<",
            Op::Shr => ">>",
            Op::At => "@",
        }
    }
}

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Int(i64),
    Float(f64),
    Ident(String),
    /// A quoted string (`'ij,jk->ik'`): only `einsum`'s spec takes one.
    Str(String),
    Op(Op),
    LParen,
    RParen,
    Comma,
    /// A single `=`, as in `axis=1`.
    Assign,
    /// The end of the input (its column is the input's length).
    End,
}

impl Tok {
    /// The token as an error message names it.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Int(v) => format!("number {v}"),
            Tok::Float(v) => format!("number {v}"),
            Tok::Ident(s) => format!("name '{s}'"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Op(op) => format!("'{}'", op.text()),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::Assign => "'='".into(),
            Tok::End => "the end of the expression".into(),
        }
    }
}

/// A token and the columns `[start, end)` it covers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `src` into tokens, ending with [`Tok::End`].
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let (tok, end) = number(&chars, i)?;
            out.push(Token { tok, start, end });
            i = end;
            continue;
        }
        if c == '\'' || c == '"' {
            // A string, in either quote, with no escapes (an einsum spec
            // needs none).
            let close = chars[i + 1..].iter().position(|&d| d == c).ok_or_else(|| {
                ExprError::syntax(
                    format!("this string has no closing {c}"),
                    start,
                    chars.len(),
                )
            })?;
            let end = i + 1 + close + 1;
            out.push(Token {
                tok: Tok::Str(chars[i + 1..end - 1].iter().collect()),
                start,
                end,
            });
            i = end;
            continue;
        }
        if is_ident_start(c) {
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            out.push(Token {
                tok: Tok::Ident(name),
                start,
                end: i,
            });
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            ('*', Some('*')) => (Tok::Op(Op::StarStar), 2),
            ('/', Some('/')) => (Tok::Op(Op::SlashSlash), 2),
            ('<', Some('<')) => (Tok::Op(Op::Shl), 2),
            ('>', Some('>')) => (Tok::Op(Op::Shr), 2),
            ('<', Some('=')) => (Tok::Op(Op::Le), 2),
            ('>', Some('=')) => (Tok::Op(Op::Ge), 2),
            ('=', Some('=')) => (Tok::Op(Op::EqEq), 2),
            ('!', Some('=')) => (Tok::Op(Op::Ne), 2),
            ('+', _) => (Tok::Op(Op::Plus), 1),
            ('-', _) => (Tok::Op(Op::Minus), 1),
            ('*', _) => (Tok::Op(Op::Star), 1),
            ('/', _) => (Tok::Op(Op::Slash), 1),
            ('%', _) => (Tok::Op(Op::Percent), 1),
            ('<', _) => (Tok::Op(Op::Lt), 1),
            ('>', _) => (Tok::Op(Op::Gt), 1),
            ('&', _) => (Tok::Op(Op::Amp), 1),
            ('|', _) => (Tok::Op(Op::Pipe), 1),
            ('^', _) => (Tok::Op(Op::Caret), 1),
            ('@', _) => (Tok::Op(Op::At), 1),
            ('~', _) => (Tok::Op(Op::Tilde), 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('=', _) => (Tok::Assign, 1),
            ('!', _) => {
                return Err(ExprError::syntax(
                    "unexpected '!': write ~ for logical not, != for not-equal",
                    start,
                    start + 1,
                ))
            }
            _ => {
                return Err(ExprError::syntax(
                    format!("unexpected character {c:?}"),
                    start,
                    start + 1,
                ))
            }
        };
        out.push(Token {
            tok,
            start,
            end: start + len,
        });
        i += len;
    }
    out.push(Token {
        tok: Tok::End,
        start: chars.len(),
        end: chars.len(),
    });
    Ok(out)
}

/// Reads the number starting at `start`; returns it and the column after it.
fn number(chars: &[char], start: usize) -> Result<(Tok, usize), ExprError> {
    let mut i = start;
    let digits = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    digits(&mut i);
    let mut float = false;
    if chars.get(i) == Some(&'.') {
        float = true;
        i += 1;
        digits(&mut i);
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if !chars.get(j).is_some_and(|d| d.is_ascii_digit()) {
            return Err(ExprError::syntax(
                "invalid number: the exponent needs digits (as in 1e-3)",
                i,
                j.max(i + 1),
            ));
        }
        float = true;
        i = j;
        digits(&mut i);
    }
    if let Some(&c) = chars.get(i) {
        if is_ident_char(c) || c == '.' {
            return Err(ExprError::syntax(
                format!("invalid number: {c:?} cannot follow a number"),
                i,
                i + 1,
            ));
        }
    }
    let text: String = chars[start..i].iter().collect();
    let tok = if float {
        // Every string the scanner accepts is a valid Rust float literal.
        Tok::Float(
            text.parse::<f64>()
                .map_err(|_| ExprError::syntax(format!("invalid number {text:?}"), start, i))?,
        )
    } else {
        Tok::Int(text.parse::<i64>().map_err(|_| {
            ExprError::syntax(
                format!("integer {text} does not fit in int64; write it as a float ({text}.0)"),
                start,
                i,
            )
        })?)
    };
    Ok((tok, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_and_operators() {
        assert_eq!(
            toks("1 + 2.5e-1 ** .5"),
            vec![
                Tok::Int(1),
                Tok::Op(Op::Plus),
                Tok::Float(0.25),
                Tok::Op(Op::StarStar),
                Tok::Float(0.5),
                Tok::End
            ]
        );
        assert_eq!(toks("a//b")[1], Tok::Op(Op::SlashSlash));
        assert_eq!(toks("2.")[0], Tok::Float(2.0));
    }

    #[test]
    fn bad_numbers_point_at_the_column() {
        assert_eq!(lex("1 + 2a").unwrap_err().span, Some((5, 6)));
        assert_eq!(lex("1.2.3").unwrap_err().span, Some((3, 4)));
        assert!(lex("1e+").is_err());
        assert!(lex("99999999999999999999").is_err());
        assert_eq!(lex("a $ b").unwrap_err().span, Some((2, 3)));
    }
}
