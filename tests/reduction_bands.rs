//! Large axis-0 reductions: the CPU splits the reduced rows into bands (one
//! per thread) and merges the bands' partial rows, so NaN propagation, the
//! NaN-skipping variants and first-index ties must survive the merge. Checked
//! against a naive reference on every device.

mod common;

use common::{for_each_device, on};
use tandem::prelude::*;

const ROWS: usize = 1001;
const COLS: usize = 300;

/// Values with ties across the whole column, NaNs in some columns (late,
/// early, everywhere), and a later-band maximum in others.
fn data() -> Vec<f32> {
    let mut v = vec![0.0f32; ROWS * COLS];
    for r in 0..ROWS {
        for c in 0..COLS {
            let x = ((r * 7 + c * 13) % 50) as f32;
            v[r * COLS + c] = match c % 6 {
                0 if r == 900 => f32::NAN, // NaN in the last band only
                1 if r == 3 => f32::NAN,   // NaN in the first band only
                2 => f32::NAN,             // all NaN
                3 => 5.0,                  // all tied
                4 if r == 950 => 1e9,      // maximum in the last band
                _ => x,
            };
        }
    }
    v
}

fn column(v: &[f32], c: usize) -> Vec<f32> {
    (0..ROWS).map(|r| v[r * COLS + c]).collect()
}

#[test]
fn axis_zero_reductions_merge_bands_like_numpy() {
    let v = data();
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(v.clone(), &[ROWS, COLS]).unwrap());
        let max = a.max_axis(0, false).unwrap().to_vec::<f32>().unwrap();
        let nanmax = a.nanmax_axis(0, false).unwrap().to_vec::<f32>().unwrap();
        let argmax = a.argmax_axis(0, false).unwrap().to_vec::<i64>().unwrap();
        let sum = a.nansum_axis(0, false).unwrap().to_vec::<f32>().unwrap();
        for c in 0..COLS {
            let col = column(&v, c);
            let first_nan = col.iter().position(|x| x.is_nan());
            let finite: Vec<f32> = col.iter().copied().filter(|x| !x.is_nan()).collect();
            let m = finite.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let want_max = if first_nan.is_some() { f32::NAN } else { m };
            assert!(
                max[c] == want_max || (max[c].is_nan() && want_max.is_nan()),
                "max col {c} on {}: {} vs {want_max}",
                info.name,
                max[c]
            );
            let want_nanmax = if finite.is_empty() { f32::NAN } else { m };
            assert!(
                nanmax[c] == want_nanmax || (nanmax[c].is_nan() && want_nanmax.is_nan()),
                "nanmax col {c} on {}",
                info.name
            );
            let want_arg = first_nan.unwrap_or_else(|| col.iter().position(|&x| x == m).unwrap());
            assert_eq!(
                argmax[c], want_arg as i64,
                "argmax col {c} on {}",
                info.name
            );
            let want_sum: f64 = finite.iter().map(|&x| x as f64).sum();
            assert!(
                (sum[c] as f64 - want_sum).abs() <= 1e-6 * want_sum.abs().max(1.0),
                "nansum col {c} on {}",
                info.name
            );
        }
        // All-NaN columns make nanargmax fail, as NumPy.
        assert!(a.nanargmax_axis(0, false).unwrap().to_vec::<i64>().is_err());
        let ok = a
            .slice(s![.., 3..5])
            .unwrap()
            .nanargmin_axis(0, false)
            .unwrap()
            .to_vec::<i64>()
            .unwrap();
        assert_eq!(
            ok[0], 0,
            "ties keep the first index across bands on {}",
            info.name
        );
    });
}
