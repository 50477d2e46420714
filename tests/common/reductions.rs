//! Helpers of the reduction fixtures: loading them and slicing the data
//! along reduced axes for reference results.

use super::*;

// ---------------------------------------------------------------------------
// Reductions
//
// `scripts/fixtures/reductions.py` writes these fixtures under
// `tests/fixtures/reductions/`; its docstring describes the format.

/// The folder of the reduction fixtures.
pub fn reductions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reductions")
}

/// Loads a reductions fixture, e.g. `"basic.json"`.
pub fn load_reductions(name: &str) -> &'static Value {
    load_fixture("reductions", name)
}

/// The values of `data` (C order, `shape`) grouped by output element of a
/// reduction over `axes` (distinct, in range): one `Vec` per element of the
/// result in C order, each holding its slice in C order of the reduced axes.
pub fn reduction_slices<T: Copy>(data: &[T], shape: &[usize], axes: &[usize]) -> Vec<Vec<T>> {
    let kept: Vec<usize> = (0..shape.len()).filter(|a| !axes.contains(a)).collect();
    let out_len: usize = kept.iter().map(|&a| shape[a]).product();
    let mut out = vec![Vec::new(); out_len];
    for (i, &x) in data.iter().enumerate() {
        let idx = unravel(i, shape);
        let o = kept
            .iter()
            .fold(0usize, |o, &k| o * shape[k] + idx[k] as usize);
        out[o].push(x);
    }
    out
}

/// Fixture values as `f64` (bools as 0/1), for references and tolerances.
pub fn data_f64(d: &Data) -> Vec<f64> {
    match d {
        Data::Bool(v) => v.iter().map(|&x| x as u8 as f64).collect(),
        Data::I32(v) => v.iter().map(|&x| x as f64).collect(),
        Data::I64(v) => v.iter().map(|&x| x as f64).collect(),
        Data::U32(v) => v.iter().map(|&x| x as f64).collect(),
        Data::F32(v) => v.iter().map(|&x| x as f64).collect(),
        Data::F64(v) => v.clone(),
    }
}
