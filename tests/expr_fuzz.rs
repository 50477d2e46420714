//! Fuzzing the expression language (`tandem::expr`) with proptest: random
//! strings over the language's characters, random token sequences,
//! arbitrary Unicode, random mutations of valid expressions (deleted,
//! inserted, replaced and duplicated pieces, truncation), and random
//! well-formed expressions over every operator and function family. Parsing
//! must never panic; a syntax error must point inside the text (or just past
//! its end) and render; whatever parses is built over small inputs of three
//! dtypes and forced, which must give a value or an error, never a panic.
//! About 6,000 cases; well under a second.

use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;
use tandem::expr::{ExprErrorKind, Expression};
use tandem::prelude::*;

/// Valid expressions to mutate: every syntax form and function family.
const SEEDS: &[&str] = &[
    "a + b * c",
    "(a + b) * c - a / b // 2 % 3",
    "-a ** 2 ** -1",
    "a ** b ** c",
    "(a > 0) & (b <= 1) | ~(c == 2) ^ (a != b)",
    "where(a > 0, sqrt(a), -1e-3)",
    "sum(a * b, axis=1) + mean(c, axis=-1, keepdims=True)",
    "var(a, ddof=1) + std(b, 0) + argmax(c) + nanmin(a)",
    "clip(sin(a) * exp(b) + log(abs(c) + 1), -inf, nan)",
    "minimum(a, 2) + maximum(1, b) + arctan2(a, c) + pow(2, a)",
    "float32(a) * int32(b) + uint32(c) + bool(a) + int64(2) + float64(True)",
    "any(a > b, axis=0) & all(isfinite(c))",
    "prod(floor(a) + ceil(b) + round(c) + trunc(a) + sign(b))",
    "sigmoid(a) + square(b) + tanh(c) + cosh(a) + sinh(b) + exp2(c)",
    "1 - a + 2.5 * .5 - 3. / 1e2",
    "nansum(a) + nanmean(b) + nanmax(c, axis=0) + nanargmin(a)",
];

/// Pieces to insert: tokens and near-tokens of the language.
const PIECES: &[&str] = &[
    "(",
    ")",
    ",",
    "=",
    "==",
    "+",
    "-",
    "*",
    "**",
    "/",
    "//",
    "%",
    "<",
    "<=",
    ">",
    ">=",
    "!=",
    "!",
    "&",
    "|",
    "^",
    "~",
    "a",
    "b",
    "c",
    "zz",
    "sum(",
    "axis=",
    "axis=9",
    "keepdims=",
    "1e",
    "1e-",
    ".",
    "..",
    "0",
    "-1",
    "99999999999999999999",
    "inf",
    "nan",
    "True",
    "where(",
    "clip(",
    " ",
    "é",
    "\t",
    "((",
    "))",
    "[0]",
    "a.T",
    "'",
    "\"",
    "\\",
    "#",
    "ddof=-1",
    "axis=a",
];

fn inputs() -> &'static HashMap<String, Array> {
    static INPUTS: OnceLock<HashMap<String, Array>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let mut m = HashMap::new();
        m.insert(
            "a".to_string(),
            Array::from_vec(vec![-1.5f32, 0.0, 2.0, 3.5, f32::NAN, -0.25], &[2, 3]).unwrap(),
        );
        m.insert(
            "b".to_string(),
            Array::from_vec(vec![1i32, -2, 3], &[3]).unwrap(),
        );
        m.insert(
            "c".to_string(),
            Array::from_vec(vec![0.5f64, -4.0], &[2, 1]).unwrap(),
        );
        m
    })
}

/// The property: no panic anywhere, errors that point inside the text, and
/// a forced result (or an error) for whatever parses.
fn check(src: &str) -> Result<(), TestCaseError> {
    let len = src.chars().count();
    match Expression::parse(src) {
        Err(e) => {
            prop_assert!(e.is_syntax(), "parse gave a non-syntax error: {e}");
            let (start, end) = e.span.expect("a syntax error has a span");
            prop_assert!(
                start <= len && end <= len + 1 && start <= end,
                "span {start}..{end} outside {len}: {src:?}"
            );
            let shown = e.render(src);
            prop_assert!(shown.contains('^'));
        }
        Ok(expr) => match expr.build(inputs()) {
            Ok(y) => {
                // Forcing may fail (e.g. an all-NaN nanargmin), but never panic.
                if let Ok(y) = y.eval() {
                    let _ = format!("{y}");
                }
            }
            Err(e) => {
                prop_assert!(
                    e.kind != ExprErrorKind::Syntax,
                    "build gave a syntax error: {e}"
                );
                let _ = e.render(src);
            }
        },
    }
    Ok(())
}

/// One random edit of a string (positions are taken modulo its length).
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, usize),
    Replace(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..4).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, p)| Edit::Insert(i, p)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, p)| Edit::Replace(i, p)),
        (any::<usize>(), 1usize..12).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(src: &str, edits: &[Edit]) -> String {
    let mut s: Vec<char> = src.chars().collect();
    for e in edits {
        let pos = |i: usize| if s.is_empty() { 0 } else { i % (s.len() + 1) };
        match *e {
            Edit::Delete(i, n) => {
                let at = pos(i).min(s.len());
                let end = (at + n).min(s.len());
                s.drain(at..end);
            }
            Edit::Insert(i, p) => {
                let at = pos(i);
                let piece: Vec<char> = PIECES[p % PIECES.len()].chars().collect();
                s.splice(at..at, piece);
            }
            Edit::Replace(i, p) => {
                let at = pos(i).min(s.len());
                let end = (at + 1).min(s.len());
                let piece: Vec<char> = PIECES[p % PIECES.len()].chars().collect();
                s.splice(at..end, piece);
            }
            Edit::Duplicate(i, n) => {
                let at = pos(i).min(s.len());
                let end = (at + n).min(s.len());
                let copy: Vec<char> = s[at..end].to_vec();
                s.splice(end..end, copy);
            }
            Edit::Truncate(i) => {
                let at = pos(i).min(s.len());
                s.truncate(at);
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_language_strings(src in "[abcz0-9 .e+*/%<>=!&|^~(),_-]{0,40}") {
        check(&src)?;
    }

    #[test]
    fn random_token_sequences(parts in prop::collection::vec(0..PIECES.len(), 0..24)) {
        let src: String = parts.iter().map(|&i| PIECES[i]).collect();
        check(&src)?;
    }

    #[test]
    fn mutated_valid_expressions(seed in 0..SEEDS.len(), edits in prop::collection::vec(edit(), 1..5)) {
        check(&apply(SEEDS[seed], &edits))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode(src in "\\PC{0,30}") {
        check(&src)?;
    }
}

/// Random well-formed expressions: every operator and function family over
/// the three inputs (float32, int32, float64) and numbers, so that building
/// and forcing (not only parsing) meet every combination of dtypes.
fn well_formed() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        (-3i64..4).prop_map(|i| i.to_string()),
        (-4.0f64..4.0).prop_map(|f| format!("{f:.2}")),
        Just("inf".to_string()),
        Just("nan".to_string()),
        Just("True".to_string()),
    ];
    const BIN: &[&str] = &[
        "+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!=", "&", "|", "^",
    ];
    const UN: &[&str] = &[
        "sin",
        "cos",
        "exp",
        "log",
        "sqrt",
        "abs",
        "floor",
        "round",
        "sign",
        "sigmoid",
        "square",
        "isnan",
        "negative",
        "reciprocal",
        "float32",
        "int32",
        "uint32",
        "bool",
        "-",
        "~",
    ];
    const F2: &[&str] = &["minimum", "maximum", "arctan2", "pow"];
    const RED: &[&str] = &[
        "sum", "prod", "mean", "min", "max", "var", "std", "any", "all", "nansum", "nanmean",
        "nanmin", "nanmax", "argmin", "argmax",
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), 0..BIN.len(), inner.clone())
                .prop_map(|(x, o, y)| format!("({x} {} {y})", BIN[o])),
            (0..UN.len(), inner.clone()).prop_map(|(f, x)| match UN[f] {
                op @ ("-" | "~") => format!("{op}({x})"),
                f => format!("{f}({x})"),
            }),
            (0..F2.len(), inner.clone(), inner.clone())
                .prop_map(|(f, x, y)| format!("{}({x}, {y})", F2[f])),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, x, y)| format!("where({c}, {x}, {y})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(x, l, h)| format!("clip({x}, {l}, {h})")),
            (0..RED.len(), inner, -3i64..3, any::<bool>()).prop_map(|(r, x, ax, kd)| {
                match ax {
                    -3 => format!("{}({x})", RED[r]),
                    ax if kd => format!("{}({x}, axis={ax}, keepdims=True)", RED[r]),
                    ax => format!("{}({x}, axis={ax})", RED[r]),
                }
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_well_formed_expressions(src in well_formed()) {
        // Well-formed by construction: it must parse.
        prop_assert!(Expression::parse(&src).is_ok(), "{src}");
        check(&src)?;
    }
}

#[test]
fn every_seed_is_valid() {
    for s in SEEDS {
        let e = Expression::parse(s).unwrap_or_else(|e| panic!("{s}: {}", e.render(s)));
        e.build(inputs())
            .unwrap_or_else(|e| panic!("{s}: {}", e.render(s)));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for n in [300, 100_000] {
        for src in [
            "(".repeat(n) + "a" + &")".repeat(n),
            "-".repeat(n) + "a",
            "~".repeat(n) + "a",
            vec!["a"; n].join("+"),
            vec!["a"; n].join("**"),
            "sin(".repeat(n) + "a" + &")".repeat(n),
            "(".repeat(n),
        ] {
            let e = Expression::parse(&src).expect_err("too deep");
            assert!(e.message.contains("deep"), "{}", e.message);
        }
    }
    // Moderate depth is fine.
    let src = "(".repeat(40) + "a" + &")".repeat(40);
    assert!(Expression::parse(&src).unwrap().build(inputs()).is_ok());
    let src = vec!["a"; 200].join(" + ");
    let y = Expression::parse(&src).unwrap().build(inputs()).unwrap();
    assert_eq!(y.to_vec::<f32>().unwrap()[2], 400.0);
}
