//! The parser of a `.npy` header's text: the subset of Python literals
//! that headers use (dicts, tuples, lists, strings, integers, `True`,
//! `False`, `None`), parsed by recursive descent, never evaluated, with its
//! nesting and sizes bounded (the limits are in the [module docs](crate::npy)).

use super::limits::{MAX_ITEMS, MAX_NESTING};

/// A Python literal from the header.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Py {
    Str(String),
    /// An integer: its sign and magnitude (`None` when past `u128`).
    Int {
        negative: bool,
        magnitude: Option<u128>,
    },
    Bool(bool),
    None,
    Tuple(Vec<Py>),
    List(Vec<Py>),
    Dict(Vec<(Py, Py)>),
}

impl Py {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Py::Str(_) => "a string",
            Py::Int { .. } => "an integer",
            Py::Bool(_) => "a bool",
            Py::None => "None",
            Py::Tuple(_) => "a tuple",
            Py::List(_) => "a list",
            Py::Dict(_) => "a dict",
        }
    }

    /// Python-like text of the value, shortened, for messages.
    pub(super) fn show(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        if s.chars().count() > 80 {
            let head: String = s.chars().take(80).collect();
            format!("{head}…")
        } else {
            s
        }
    }

    fn write(&self, out: &mut String) {
        if out.len() > 200 {
            return;
        }
        let seq = |out: &mut String, items: &[Py], open: char, close: char| {
            out.push(open);
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                x.write(out);
            }
            if open == '(' && items.len() == 1 {
                out.push(',');
            }
            out.push(close);
        };
        match self {
            Py::Str(s) => out.push_str(&format!("{s:?}")),
            Py::Int {
                negative,
                magnitude,
            } => {
                if *negative {
                    out.push('-');
                }
                match magnitude {
                    Some(m) => out.push_str(&m.to_string()),
                    None => out.push_str("<huge>"),
                }
            }
            Py::Bool(true) => out.push_str("True"),
            Py::Bool(false) => out.push_str("False"),
            Py::None => out.push_str("None"),
            Py::Tuple(items) => seq(out, items, '(', ')'),
            Py::List(items) => seq(out, items, '[', ']'),
            Py::Dict(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write(out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A recursive-descent parser for the subset of Python literals that
/// `.npy` headers use: dicts, tuples, lists, strings, integers (with
/// Python 2's `L` suffix), `True`, `False`, `None`.
pub(super) struct Parser<'a> {
    text: &'a [char],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a [char]) -> Parser<'a> {
        Parser {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// The whole text: one literal with only whitespace around it.
    pub(super) fn document(&mut self) -> std::result::Result<Py, String> {
        let v = self.value()?;
        self.skip_ws();
        if self.pos < self.text.len() {
            return Err(format!(
                "unexpected {} at character {} after the literal",
                self.show_here(),
                self.pos
            ));
        }
        Ok(v)
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn show_here(&self) -> String {
        match self.peek() {
            Some(c) => format!("{c:?}"),
            None => "end of header".into(),
        }
    }

    fn expect(&mut self, c: char) -> std::result::Result<(), String> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected {c:?} at character {} but found {}",
                self.pos,
                self.show_here()
            ))
        }
    }

    fn value(&mut self) -> std::result::Result<Py, String> {
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err("the header ended where a value was expected".into());
        };
        match c {
            '{' | '(' | '[' => {
                if self.depth >= MAX_NESTING {
                    return Err(format!("literals nest more than {MAX_NESTING} levels deep"));
                }
                self.depth += 1;
                let v = match c {
                    '{' => self.dict(),
                    '(' => self.tuple(),
                    _ => self.list(),
                };
                self.depth -= 1;
                v
            }
            '\'' | '"' => self.string(),
            '-' | '+' | '0'..='9' => self.int(),
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                let word: String = self.text[start..self.pos].iter().collect();
                match word.as_str() {
                    "True" => Ok(Py::Bool(true)),
                    "False" => Ok(Py::Bool(false)),
                    "None" => Ok(Py::None),
                    // String prefixes: u'…' (Python 2 unicode), b'…'.
                    "u" | "U" | "b" | "B" if matches!(self.peek(), Some('\'' | '"')) => {
                        self.string()
                    }
                    _ => Err(format!(
                        "unexpected name {word:?} at character {start}; only True, False and None are literals"
                    )),
                }
            }
            _ => Err(format!(
                "unexpected {} at character {} where a value was expected",
                self.show_here(),
                self.pos
            )),
        }
    }

    /// Items up to `close`, comma-separated, with an optional trailing comma.
    /// Returns the items and whether a comma was seen.
    fn items(
        &mut self,
        close: char,
        mut item: impl FnMut(&mut Self) -> std::result::Result<(), String>,
    ) -> std::result::Result<bool, String> {
        let mut comma = false;
        let mut count = 0usize;
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(comma);
            }
            count += 1;
            if count > MAX_ITEMS {
                return Err(format!("a literal has more than {MAX_ITEMS} entries"));
            }
            item(self)?;
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    comma = true;
                }
                Some(c) if c == close => {}
                _ => {
                    return Err(format!(
                        "expected ',' or {close:?} at character {} but found {}",
                        self.pos,
                        self.show_here()
                    ))
                }
            }
        }
    }

    fn dict(&mut self) -> std::result::Result<Py, String> {
        self.pos += 1; // '{'
        let mut entries = Vec::new();
        self.items('}', |p| {
            let k = p.value()?;
            p.expect(':')?;
            let v = p.value()?;
            // A repeated key keeps its last value, as in Python: the
            // reader takes the last occurrence.
            entries.push((k, v));
            Ok(())
        })?;
        Ok(Py::Dict(entries))
    }

    fn tuple(&mut self) -> std::result::Result<Py, String> {
        self.pos += 1; // '('
        let mut items = Vec::new();
        let comma = self.items(')', |p| {
            items.push(p.value()?);
            Ok(())
        })?;
        // `(x)` is just `x` in Python; `(x,)` and `()` are tuples.
        if items.len() == 1 && !comma {
            return Ok(items.pop().unwrap_or(Py::None));
        }
        Ok(Py::Tuple(items))
    }

    fn list(&mut self) -> std::result::Result<Py, String> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.items(']', |p| {
            items.push(p.value()?);
            Ok(())
        })?;
        Ok(Py::List(items))
    }

    fn string(&mut self) -> std::result::Result<Py, String> {
        let start = self.pos;
        let Some(quote) = self.peek() else {
            return Err("the header ended where a string was expected".into());
        };
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None | Some('\n') => {
                    return Err(format!(
                        "the string starting at character {start} is not closed"
                    ))
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(Py::Str(s));
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => {
                            return Err(format!(
                                "the string starting at character {start} is not closed"
                            ))
                        }
                        Some(c) => {
                            self.pos += 1;
                            match c {
                                'n' => s.push('\n'),
                                't' => s.push('\t'),
                                'r' => s.push('\r'),
                                '0' => s.push('\0'),
                                '\\' | '\'' | '"' => s.push(c),
                                other => {
                                    s.push('\\');
                                    s.push(other);
                                }
                            }
                        }
                    }
                }
                Some(c) => {
                    self.pos += 1;
                    s.push(c);
                }
            }
        }
    }

    fn int(&mut self) -> std::result::Result<Py, String> {
        let start = self.pos;
        let mut negative = false;
        while let Some(c @ ('-' | '+')) = self.peek() {
            if c == '-' {
                negative = !negative;
            }
            self.pos += 1;
            self.skip_ws();
        }
        let mut magnitude: Option<u128> = Some(0);
        let mut digits = 0usize;
        while let Some(c) = self.peek() {
            if let Some(d) = c.to_digit(10) {
                magnitude = magnitude
                    .and_then(|m| m.checked_mul(10))
                    .and_then(|m| m.checked_add(d as u128));
                digits += 1;
                self.pos += 1;
            } else if c == '_' && digits > 0 {
                self.pos += 1;
            } else {
                break;
            }
        }
        if digits == 0 {
            return Err(format!("expected digits at character {start}"));
        }
        // Python 2 long integers: `3L`.
        if matches!(self.peek(), Some('L' | 'l')) {
            self.pos += 1;
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            return Err(format!(
                "the number at character {start} is not an integer literal"
            ));
        }
        Ok(Py::Int {
            negative: negative && magnitude != Some(0),
            magnitude,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> std::result::Result<Py, String> {
        let chars: Vec<char> = s.chars().collect();
        Parser::new(&chars).document()
    }

    fn int(n: u128) -> Py {
        Py::Int {
            negative: false,
            magnitude: Some(n),
        }
    }

    #[test]
    fn parses_header_variants() {
        let d = parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }   \n").unwrap();
        assert_eq!(
            d,
            Py::Dict(vec![
                (Py::Str("descr".into()), Py::Str("<f4".into())),
                (Py::Str("fortran_order".into()), Py::Bool(false)),
                (Py::Str("shape".into()), Py::Tuple(vec![int(3), int(4)])),
            ])
        );
        assert_eq!(parse("(3)").unwrap(), int(3));
        assert_eq!(parse("(3,)").unwrap(), Py::Tuple(vec![int(3)]));
        assert_eq!(parse("()").unwrap(), Py::Tuple(vec![]));
        assert_eq!(parse("(3L, 4l)").unwrap(), Py::Tuple(vec![int(3), int(4)]));
        assert_eq!(parse("u'x'").unwrap(), Py::Str("x".into()));
        assert_eq!(parse("\"a\\\"b\"").unwrap(), Py::Str("a\"b".into()));
        assert_eq!(parse("-0").unwrap(), int(0));
        assert!(matches!(
            parse("-5").unwrap(),
            Py::Int { negative: true, .. }
        ));
        assert_eq!(
            parse("99999999999999999999999999999999999999999999").unwrap(),
            Py::Int {
                negative: false,
                magnitude: None
            }
        );
    }

    #[test]
    fn rejects_malformed_literals() {
        for bad in [
            "",
            "{",
            "{'a' 1}",
            "{'a': }",
            "(1 2)",
            "'abc",
            "1.5",
            "0x10",
            "eval('1')",
            "{}}",
            "[1,,]",
            "3e5",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let deep = "(".repeat(10_000);
        assert!(parse(&deep).unwrap_err().contains("nest"));
    }
}
