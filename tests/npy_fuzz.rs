//! Fuzzing `from_npy_bytes` with proptest: random bytes, random bytes after
//! a valid preamble, mutations of valid files (flipped, overwritten,
//! inserted and deleted bytes, truncation), headers assembled from random
//! Python tokens, and well-formed headers with random shapes and data
//! lengths. It must never panic, and never try an absurd allocation: a file
//! that claims more data than it holds is an `Error::Io`, never an
//! `Error::OutOfMemory` (which is what a failed attempt to allocate the
//! claimed size would give). About 8,000 cases; a few seconds.

use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;
use tandem::io::{from_npy_bytes, to_npy_bytes};
use tandem::prelude::*;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Valid `.npy` files to mutate: every fixture NumPy wrote, plus tandem's own.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/npy");
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths {
                if p.extension().is_some_and(|e| e == "npy") {
                    if let Ok(b) = std::fs::read(&p) {
                        if from_npy_bytes(&b).is_ok() {
                            out.push(b);
                        }
                    }
                }
            }
        }
        for dtype in DType::ALL {
            let a = Array::ones(&[2, 3], dtype);
            out.push(to_npy_bytes(&a).expect("to_npy_bytes"));
            out.push(to_npy_bytes(&Array::zeros(&[], dtype)).expect("to_npy_bytes"));
        }
        assert!(out.len() > 20, "too few seed files ({})", out.len());
        out
    })
}

/// The property every input must have: no panic (proptest reports one as a
/// failure), no attempted absurd allocation, and a readable result.
fn check(bytes: &[u8]) -> std::result::Result<(), TestCaseError> {
    match from_npy_bytes(bytes) {
        Ok(a) => {
            let need = a.size() * a.dtype().size_of();
            prop_assert!(
                need <= bytes.len(),
                "an array of {need} bytes from {} input bytes",
                bytes.len()
            );
            // Reading it back must work and agree in length.
            let n = match a.dtype() {
                DType::Bool => a.to_vec::<bool>().map(|v| v.len()),
                DType::I32 => a.to_vec::<i32>().map(|v| v.len()),
                DType::I64 => a.to_vec::<i64>().map(|v| v.len()),
                DType::U32 => a.to_vec::<u32>().map(|v| v.len()),
                DType::F32 => a.to_vec::<f32>().map(|v| v.len()),
                DType::F64 => a.to_vec::<f64>().map(|v| v.len()),
            };
            prop_assert_eq!(n.ok(), Some(a.size()));
        }
        Err(Error::OutOfMemory { bytes: b, .. }) => {
            prop_assert!(
                false,
                "tried to allocate {b} bytes for {} input bytes",
                bytes.len()
            );
        }
        Err(Error::Io { message, .. }) => prop_assert!(!message.is_empty()),
        Err(Error::Unsupported { .. }) => {}
        Err(e) => prop_assert!(false, "unexpected error variant {e:?}"),
    }
    Ok(())
}

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, m)| Mutation::Flip(i, m)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..32).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

/// Applies `m`; edits aim mostly at the preamble and header, where the
/// interesting checks are.
fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    let at = |i: usize| {
        if i.is_multiple_of(4) {
            i % len
        } else {
            i % len.min(140)
        }
    };
    match m {
        Mutation::Flip(i, mask) => {
            let i = at(*i);
            if let Some(b) = bytes.get_mut(i) {
                *b ^= mask;
            }
        }
        Mutation::Set(i, v) => {
            let i = at(*i);
            if let Some(b) = bytes.get_mut(i) {
                *b = *v;
            }
        }
        Mutation::Truncate(i) => bytes.truncate(i % len),
        Mutation::Insert(i, new) => {
            let i = at(*i).min(bytes.len());
            bytes.splice(i..i, new.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let i = at(*i).min(bytes.len());
            let j = (i + n).min(bytes.len());
            bytes.drain(i..j);
        }
    }
}

/// A file whose header is `header` verbatim (version 1.0 or 3.0), with `data` after it.
fn with_header(header: &str, data: &[u8], v3: bool) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    let h = header.as_bytes();
    if v3 {
        out.extend_from_slice(&[3, 0]);
        out.extend_from_slice(&(h.len() as u32).to_le_bytes());
    } else {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(h.len().min(u16::MAX as usize) as u16).to_le_bytes());
    }
    out.extend_from_slice(h);
    out.extend_from_slice(data);
    out
}

/// Tokens headers are assembled from: the pieces of real headers, and the
/// pieces of hostile ones.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "'descr'",
    "'shape'",
    "'fortran_order'",
    "\"descr\"",
    "'<f4'",
    "'>f8'",
    "'|b1'",
    "'<i8'",
    "'<u4'",
    "'=i4'",
    "'<c16'",
    "'|O'",
    "'<f2'",
    "True",
    "False",
    "None",
    "0",
    "1",
    "3",
    "-1",
    "3L",
    "65536",
    "4294967296",
    "9223372036854775807",
    "18446744073709551616",
    "4611686018427387904",
    "99999999999999999999999999999999999999999",
    "'",
    "\"",
    "\\",
    "u'",
    "1.5",
    "1e9",
    "#",
    "__import__",
    "\u{e9}",
    "\u{0}",
];

fn token_header() -> impl Strategy<Value = String> {
    prop::collection::vec(0..TOKENS.len(), 0..40)
        .prop_map(|ix| ix.into_iter().map(|i| TOKENS[i]).collect::<String>())
}

const DESCRS: &[&str] = &[
    "<f4", ">f4", "<f8", ">f8", "<i4", ">i4", "<i8", ">i8", "<u4", ">u4", "|b1", "<b1", "=f8",
    "|i4", "f4", "<f2", "<c8", "|O", "<U3", "<u8", "|i1",
];

fn shape_entry() -> impl Strategy<Value = u128> {
    prop_oneof![
        4 => 0u128..6,
        1 => Just(1u128 << 31),
        1 => Just(1u128 << 62),
        1 => Just(u64::MAX as u128),
        1 => Just(1u128 << 64),
        1 => any::<u64>().prop_map(|x| x as u128),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes)?;
    }

    #[test]
    fn random_bytes_after_a_valid_preamble(
        version in prop_oneof![Just(1u8), Just(2u8), Just(3u8), any::<u8>()],
        rest in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[version, 0]);
        bytes.extend_from_slice(&rest);
        check(&bytes)?;
    }

    #[test]
    fn mutations_of_valid_files(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(mutation(), 1..5),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for m in &edits {
            apply(&mut bytes, m);
        }
        check(&bytes)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn headers_from_random_tokens(
        header in token_header(),
        data in prop::collection::vec(any::<u8>(), 0..64),
        v3 in any::<bool>(),
    ) {
        check(&with_header(&header, &data, v3))?;
        let wrapped = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {header}}}");
        check(&with_header(&wrapped, &data, v3))?;
    }

    /// Well-formed headers with random shapes: the outcome is exactly
    /// determined by whether the size overflows and whether the data is there.
    #[test]
    fn well_formed_headers_with_random_shapes(
        descr in prop::sample::select(DESCRS),
        shape in prop::collection::vec(shape_entry(), 0..5),
        fortran in any::<bool>(),
        extra in 0usize..40,
        short in any::<bool>(),
    ) {
        let parts: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
        let tuple = match parts.len() {
            1 => format!("({},)", parts[0]),
            _ => format!("({})", parts.join(", ")),
        };
        let header = format!(
            "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {tuple}, }}",
            if fortran { "True" } else { "False" }
        );
        let item = descr[descr.len() - 1..].parse::<usize>().unwrap_or(1);
        // NumPy's rule: the non-zero axes' bytes must be addressable.
        let need = shape.iter().filter(|&&n| n != 0)
            .try_fold(item as u128, |acc, &n| acc.checked_mul(n))
            .filter(|&n| n <= isize::MAX as u128)
            .map(|n| if shape.contains(&0) { 0 } else { n });
        let code = descr.trim_start_matches(['<', '>', '=', '|']);
        let supported = ["f4", "f8", "i4", "i8", "u4", "b1"].contains(&code);
        let len = match need {
            Some(n) if n <= 4096 => {
                let n = n as usize;
                if short && n > 0 { n - 1 } else { n + extra }
            }
            _ => extra,
        };
        let bytes = with_header(&header, &vec![0x5a; len], false);
        let got = from_npy_bytes(&bytes);
        match (supported, need) {
            (false, _) => prop_assert!(matches!(got, Err(Error::Unsupported { .. })), "{header}: {got:?}"),
            (true, None) => prop_assert!(matches!(got, Err(Error::Io { .. })), "{header}: {got:?}"),
            (true, Some(n)) if n as usize > len => {
                prop_assert!(matches!(got, Err(Error::Io { .. })), "{header}: {got:?}")
            }
            (true, Some(_)) => {
                let a = got.map_err(|e| TestCaseError::fail(format!("{header}: {e}")))?;
                let want: Vec<usize> = shape.iter().map(|&n| n as usize).collect();
                prop_assert_eq!(a.shape(), &want[..]);
            }
        }
        check(&bytes)?;
    }
}
