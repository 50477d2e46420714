//! `.npy` files: every fixture NumPy wrote (scripts/fixtures/npy.py) loads to
//! the values in its manifest; malformed and unsupported files give the
//! right error; tandem → bytes → tandem round-trips every dtype and view;
//! what tandem writes is byte-for-byte what `np.save` writes, and NumPy
//! itself loads it (when `python3` with NumPy is available).

mod common;

use common::{compare, for_each_device, label, on, parse_array, Cmp};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tandem::io::{from_npy_bytes, load_npy, save_npy, to_npy_bytes};
use tandem::prelude::*;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/npy")
}

fn manifest() -> Value {
    let path = fixture_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; regenerate with `python3 scripts/fixtures/npy.py`",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

fn entries<'a>(m: &'a Value, key: &str) -> &'a [Value] {
    m[key].as_array().expect("manifest list")
}

/// A fresh scratch directory for this test binary's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem_npy_{}_{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// One array of every dtype, of `shape`, with varied values (C order).
fn sample(dtype: DType, shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    let f = |i: usize| (i as f64) * 1.25 - 3.0;
    match dtype {
        DType::Bool => Array::from_vec((0..n).map(|i| i % 3 == 1).collect(), shape),
        DType::I32 => Array::from_vec((0..n).map(|i| i as i32 * -7 + 3).collect(), shape),
        DType::I64 => Array::from_vec((0..n).map(|i| (i as i64) << 33 | 5).collect(), shape),
        DType::U32 => Array::from_vec((0..n).map(|i| u32::MAX - i as u32).collect(), shape),
        DType::F32 => Array::from_vec((0..n).map(|i| f(i) as f32).collect(), shape),
        DType::F64 => Array::from_vec(
            (0..n)
                .map(|i| if i == 1 { f64::NAN } else { f(i) / 3.0 })
                .collect(),
            shape,
        ),
    }
    .expect("sample array")
}

/// The dtype, shape and C-order contents agree (floats bit for bit, NaN = NaN).
fn assert_same(got: &Array, want: &Array, what: &str) {
    let exp = common::Fx {
        dtype: want.dtype(),
        shape: want.shape().to_vec(),
        data: common::read(want).expect("read expected"),
    };
    if let Err(e) = compare(got, &exp, Cmp::Exact, &[]) {
        panic!("{what}: {e}");
    }
}

#[test]
fn every_fixture_loads_as_numpy_read_it() {
    let m = manifest();
    let valid = entries(&m, "valid");
    assert!(
        valid.len() >= 60,
        "the manifest lists {} valid files",
        valid.len()
    );
    for case in valid {
        let file = case["file"].as_str().expect("file");
        let path = fixture_dir().join(file);
        let exp = parse_array(&case["expected"]);
        let what = format!("{file} ({})", case["note"].as_str().unwrap_or(""));
        let a = load_npy(&path).unwrap_or_else(|e| panic!("{what}: load_npy failed: {e}"));
        if let Err(e) = compare(&a, &exp, Cmp::Exact, &[]) {
            panic!("{what}: {e}");
        }
        let bytes = std::fs::read(&path).expect("read fixture");
        let b = from_npy_bytes(&bytes).unwrap_or_else(|e| panic!("{what}: from_npy_bytes: {e}"));
        if let Err(e) = compare(&b, &exp, Cmp::Exact, &[]) {
            panic!("{what} (from bytes): {e}");
        }
    }
}

#[test]
fn malformed_and_unsupported_fixtures_give_the_right_error() {
    let m = manifest();
    let invalid = entries(&m, "invalid");
    assert!(
        invalid.len() >= 30,
        "the manifest lists {} invalid files",
        invalid.len()
    );
    for case in invalid {
        let file = case["file"].as_str().expect("file");
        let kind = case["error"].as_str().expect("error kind");
        let path = fixture_dir().join(file);
        let what = format!("{file} ({})", case["note"].as_str().unwrap_or(""));
        let bytes = std::fs::read(&path).expect("read fixture");
        for (how, got) in [
            ("load_npy", load_npy(&path)),
            ("from_npy_bytes", from_npy_bytes(&bytes)),
        ] {
            let e = match got {
                Ok(a) => panic!(
                    "{what}: {how} succeeded with shape {:?} {}",
                    a.shape(),
                    a.dtype()
                ),
                Err(e) => e,
            };
            let ok = match kind {
                "io" => matches!(e, Error::Io { .. }),
                "unsupported" => matches!(e, Error::Unsupported { .. }),
                other => panic!("unknown error kind {other:?} in the manifest"),
            };
            assert!(ok, "{what}: {how} expected a {kind} error, got {e:?}");
            let msg = e.to_string();
            if how == "load_npy" {
                assert!(
                    msg.contains(file),
                    "{what}: the message does not name the file: {msg}"
                );
            }
            assert!(
                msg.contains(how),
                "{what}: the message does not name {how}: {msg}"
            );
        }
    }
}

#[test]
fn error_messages_say_what_is_wrong_and_what_to_do() {
    let dir = fixture_dir();
    let msg = |f: &str| load_npy(dir.join(f)).unwrap_err().to_string();
    assert!(
        msg("bad_magic.npy").contains("magic"),
        "{}",
        msg("bad_magic.npy")
    );
    assert!(
        msg("npz_archive.npy").contains("zip"),
        "{}",
        msg("npz_archive.npy")
    );
    assert!(
        msg("data_too_short.npy").contains("80 bytes"),
        "{}",
        msg("data_too_short.npy")
    );
    assert!(
        msg("shape_overflow.npy").contains("address"),
        "{}",
        msg("shape_overflow.npy")
    );
    assert!(
        msg("complex128.npy").contains("'<c16'"),
        "{}",
        msg("complex128.npy")
    );
    assert!(
        msg("float16.npy").contains("astype(np.float32)"),
        "{}",
        msg("float16.npy")
    );
    assert!(
        msg("object.npy").contains("pickled"),
        "{}",
        msg("object.npy")
    );
    assert!(
        msg("header_eval.npy").contains("does not parse"),
        "{}",
        msg("header_eval.npy")
    );
    let missing = dir.join("no_such_file.npy");
    match load_npy(&missing) {
        Err(Error::Io { path, op, .. }) => {
            assert_eq!(path, missing.display().to_string());
            assert_eq!(op, "load_npy");
        }
        other => panic!("a missing file gave {other:?}"),
    }
    assert!(
        matches!(load_npy(&dir), Err(Error::Io { .. })),
        "a directory must be an Io error"
    );
    let bad_dir = scratch("errors").join("no/such/dir/a.npy");
    match save_npy(&bad_dir, &Array::scalar(1.0)) {
        Err(Error::Io { path, message, .. }) => {
            assert_eq!(path, bad_dir.display().to_string());
            assert!(message.contains("writable"), "{message}");
        }
        other => panic!("saving into a missing directory gave {other:?}"),
    }
}

/// Files NumPy's `np.save` wrote (C order, little-endian, version 1.0): what
/// tandem writes for the same array must be the same bytes.
#[test]
fn tandem_writes_exactly_what_np_save_writes() {
    let m = manifest();
    let mut checked = 0;
    for case in entries(&m, "valid") {
        let file = case["file"].as_str().expect("file");
        let np_save_default = file.ends_with("_c_le.npy")
            || file.ends_with("_0d.npy")
            || file.ends_with("_empty.npy")
            || file == "uint32_1d.npy"
            || file == "float32_empty_1d.npy";
        if !np_save_default {
            continue;
        }
        let path = fixture_dir().join(file);
        let want = std::fs::read(&path).expect("read fixture");
        let a = parse_array(&case["expected"]).build();
        let got = to_npy_bytes(&a).expect("to_npy_bytes");
        assert_eq!(
            String::from_utf8_lossy(&got[..want.len().min(128)]),
            String::from_utf8_lossy(&want[..want.len().min(128)]),
            "{file}: header differs from np.save's"
        );
        assert_eq!(got, want, "{file}: bytes differ from np.save's");
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} np.save files compared");
}

#[test]
fn round_trip_every_dtype_and_shape() {
    let shapes: [&[usize]; 7] = [&[], &[0], &[1], &[7], &[2, 3], &[2, 0, 3], &[3, 1, 4, 2]];
    for dtype in DType::ALL {
        for shape in shapes {
            let a = sample(dtype, shape);
            let bytes = to_npy_bytes(&a).expect("to_npy_bytes");
            let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
            assert_eq!(
                (10 + header_len) % 64,
                0,
                "{dtype} {shape:?}: data not 64-aligned"
            );
            assert_eq!(bytes.len(), 10 + header_len + a.size() * dtype.size_of());
            let b = from_npy_bytes(&bytes).expect("from_npy_bytes");
            assert_same(&b, &a, &format!("{dtype} {shape:?}"));
        }
    }
}

#[test]
fn views_save_their_logical_c_order_contents() {
    for_each_device(|info| {
        for dtype in DType::ALL {
            let base = on(info, &sample(dtype, &[4, 6]));
            let views = [
                ("transposed", base.t()),
                ("sliced", base.slice(s![1..4, ..;2]).expect("slice")),
                ("reversed", base.slice(s![..;-1, 2..;-2]).expect("slice")),
                ("column", base.slice(s![.., 3]).expect("slice")),
                (
                    "broadcast",
                    base.slice(s![0..1, ..])
                        .expect("slice")
                        .broadcast_to(&[3, 6])
                        .expect("broadcast"),
                ),
                (
                    "reshaped transpose",
                    base.t().reshape(&[4, 6]).expect("reshape"),
                ),
            ];
            for (name, v) in views {
                let what = format!("{dtype} {name} on {}", label(info));
                let plain = plain_copy(&v);
                let bytes = to_npy_bytes(&v).expect("to_npy_bytes");
                assert_eq!(bytes, to_npy_bytes(&plain).expect("bytes"), "{what}");
                let back = from_npy_bytes(&bytes).expect("from_npy_bytes");
                assert_same(&back, &v, &what);
            }
        }
    });
}

/// A C-order copy of `a` built from its read-out values (no views).
fn plain_copy(a: &Array) -> Array {
    let shape = a.shape();
    match a.dtype() {
        DType::Bool => Array::from_vec(a.to_vec::<bool>().unwrap(), shape),
        DType::I32 => Array::from_vec(a.to_vec::<i32>().unwrap(), shape),
        DType::I64 => Array::from_vec(a.to_vec::<i64>().unwrap(), shape),
        DType::U32 => Array::from_vec(a.to_vec::<u32>().unwrap(), shape),
        DType::F32 => Array::from_vec(a.to_vec::<f32>().unwrap(), shape),
        DType::F64 => Array::from_vec(a.to_vec::<f64>().unwrap(), shape),
    }
    .unwrap()
}

#[test]
fn lazy_expressions_save_their_values() {
    let a = Array::arange(0.0, 12.0, 1.0, DType::F32)
        .unwrap()
        .reshape(&[3, 4])
        .unwrap();
    let lazy = (&a * 2.0 + 1.0).t();
    let back = from_npy_bytes(&to_npy_bytes(&lazy).unwrap()).unwrap();
    assert_same(&back, &lazy, "lazy expression");
}

#[test]
fn files_round_trip_through_the_file_system() {
    let dir = scratch("files");
    for dtype in DType::ALL {
        let a = sample(dtype, &[3, 5]);
        let path = dir.join(format!("{}.npy", dtype.name()));
        save_npy(&path, &a).expect("save_npy");
        assert_eq!(std::fs::read(&path).unwrap(), to_npy_bytes(&a).unwrap());
        let b = load_npy(&path).expect("load_npy");
        assert_same(&b, &a, dtype.name());
        // Overwriting an existing file replaces it.
        save_npy(&path, &a.t()).expect("save_npy again");
        assert_same(&load_npy(&path).unwrap(), &a.t(), "overwritten");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn fortran_order_loads_as_c_order() {
    // Built by hand: shape (2, 3, 4) of int64 whose memory is Fortran order.
    let shape = [2usize, 3, 4];
    let value = |i: usize, j: usize, k: usize| (i * 100 + j * 10 + k) as i64;
    let mut data = Vec::new();
    for k in 0..4 {
        for j in 0..3 {
            for i in 0..2 {
                data.extend_from_slice(&value(i, j, k).to_le_bytes());
            }
        }
    }
    let header = "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3, 4), }";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    let pad = 64 - (10 + header.len() + 1) % 64;
    bytes.extend_from_slice(&((header.len() + pad + 1) as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend(std::iter::repeat_n(b' ', pad));
    bytes.push(b'\n');
    bytes.extend_from_slice(&data);
    let a = from_npy_bytes(&bytes).expect("fortran file");
    assert_eq!(a.shape(), &shape);
    let mut want = Vec::new();
    for i in 0..2 {
        for j in 0..3 {
            for k in 0..4 {
                want.push(value(i, j, k));
            }
        }
    }
    assert_eq!(a.to_vec::<i64>().unwrap(), want);
    // Saving writes C order.
    let again = to_npy_bytes(&a).unwrap();
    assert!(String::from_utf8_lossy(&again[..64]).contains("'fortran_order': False"));
}

fn python_with_numpy() -> bool {
    Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Loads every file in `dir` with NumPy and prints {name: {"dtype", "shape",
/// "data"}} in the fixtures' encoding.
const NUMPY_READER: &str = r#"
import json, os, sys
import numpy as np
out = {}
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if not name.endswith(".npy"):
        continue
    a = np.load(os.path.join(d, name), allow_pickle=False)
    k = a.dtype.name
    flat = np.ascontiguousarray(a).reshape(-1).tolist()
    if k == "bool":
        data = [bool(x) for x in flat]
    elif k in ("int32", "int64", "uint32"):
        data = [int(x) for x in flat]
    else:
        data = [repr(float(x)) for x in flat]
    out[name] = {"dtype": k, "shape": list(a.shape), "data": data,
                 "c_contiguous": bool(a.flags.c_contiguous)}
print(json.dumps(out))
"#;

#[test]
fn numpy_loads_what_tandem_writes() {
    if !python_with_numpy() {
        eprintln!("skipping: python3 with numpy not importable");
        return;
    }
    let dir = scratch("numpy");
    let mut written = Vec::new();
    let shapes: [&[usize]; 5] = [&[], &[0], &[5], &[2, 3], &[2, 0, 3]];
    for dtype in DType::ALL {
        for (i, shape) in shapes.iter().enumerate() {
            let a = sample(dtype, shape);
            let name = format!("{}_{i}.npy", dtype.name());
            save_npy(dir.join(&name), &a).expect("save_npy");
            written.push((name, a));
        }
        let t = sample(dtype, &[3, 4]).t();
        let name = format!("{}_t.npy", dtype.name());
        save_npy(dir.join(&name), &t).expect("save_npy");
        written.push((name, t));
    }
    let out = Command::new("python3")
        .args(["-c", NUMPY_READER, dir.to_str().expect("utf-8 temp dir")])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "NumPy failed to load tandem's files: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded: Value = serde_json::from_slice(&out.stdout).expect("JSON from python");
    for (name, a) in &written {
        let got = &loaded[name.as_str()];
        assert!(!got.is_null(), "NumPy did not report {name}");
        assert_eq!(got["c_contiguous"], Value::Bool(true), "{name}");
        let fx = parse_array(got);
        let exp = common::Fx {
            dtype: a.dtype(),
            shape: a.shape().to_vec(),
            data: common::read(a).unwrap(),
        };
        assert_eq!(fx.dtype, exp.dtype, "{name}: dtype as NumPy read it");
        assert_eq!(fx.shape, exp.shape, "{name}: shape as NumPy read it");
        if let Err(e) = compare(&fx.build(), &exp, Cmp::Exact, &[]) {
            panic!("{name}: values as NumPy read them: {e}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bytes_after_the_data_are_ignored_and_short_data_is_an_error() {
    let a = sample(DType::F32, &[2, 2]);
    let mut bytes = to_npy_bytes(&a).unwrap();
    bytes.extend_from_slice(b"trailing");
    assert_same(&from_npy_bytes(&bytes).unwrap(), &a, "trailing bytes");
    let full = to_npy_bytes(&a).unwrap();
    for cut in [full.len() - 1, full.len() - 4, 64, 20, 11, 9, 7, 3, 0] {
        let e = from_npy_bytes(&full[..cut]).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "cut at {cut}: {e:?}");
    }
}

#[test]
fn large_arrays_round_trip() {
    let a = Array::arange(0.0, 1_000_000.0, 1.0, DType::F64)
        .unwrap()
        .reshape(&[1000, 1000])
        .unwrap();
    let path = scratch("large").join("big.npy");
    save_npy(&path, &a.t()).unwrap();
    let b = load_npy(&path).unwrap();
    assert_eq!(b.get(&[3, 7]).unwrap(), Scalar::F64(7003.0));
    assert_same(&b, &a.t(), "1e6 transposed");
    std::fs::remove_file(Path::new(&path)).ok();
}
