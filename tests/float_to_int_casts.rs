//! Float → integer casts of values NumPy leaves undefined (NaN, ±inf, out
//! of range) behave as CHANGELOG says on every device (issue 14, "numerics
//! as documented"): to `int32`/`int64` they saturate, NaN to 0, exactly as
//! Rust's `as`; to `uint32` the value is first cast so to `int64`, then
//! wrapped to 32 bits, which is NumPy's own (x86) result for every value in
//! `int64`'s range (`-1.0` gives 4294967295, `2^32` gives 0). In range,
//! the value is truncated toward zero. Each case runs through the direct
//! path (a lone `astype` of data) and through a fused kernel. (Found by
//! this test: CHANGELOG said `uint32` saturated too.)

mod common;

use common::*;
use tandem::prelude::*;

/// The values: NaN, ±inf, ±0, fractions, and the edges of every target.
fn specials() -> Vec<f64> {
    vec![
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        2.75,
        -2.75,
        1e20,
        -1e20,
        3e9,
        -3e9,
        2147483647.0,
        2147483648.0,
        -2147483648.0,
        -2147483649.0,
        4294967295.0,
        4294967296.0,
        9.3e18,
        -9.3e18,
        1.8446744073709552e19,
    ]
}

/// What CHANGELOG documents, by target dtype.
fn expected(x: f64, to: DType) -> i64 {
    match to {
        DType::I32 => x as i32 as i64,
        DType::I64 => x as i64,
        DType::U32 => x as i64 as u32 as i64,
        _ => unreachable!(),
    }
}

#[test]
fn float_to_int_casts_saturate_with_nan_as_zero_on_every_device() {
    let mut failures = Vec::new();
    for_each_device(|info| {
        for from in [DType::F32, DType::F64] {
            // The f32 inputs are the values rounded to f32 first, and the
            // expectation follows the rounded value.
            let xs: Vec<f64> = specials()
                .into_iter()
                .map(|x| {
                    if from == DType::F32 {
                        x as f32 as f64
                    } else {
                        x
                    }
                })
                .collect();
            let a = on(
                info,
                &Array::from_vec(xs.clone(), &[xs.len()])
                    .unwrap()
                    .astype(from),
            );
            for to in [DType::I32, DType::I64, DType::U32] {
                let want: Vec<i64> = xs.iter().map(|&x| expected(x, to)).collect();
                // Direct: a cast of data. Fused: a cast at the end of a kernel.
                let direct = a.astype(to);
                let fused = (&a * 1.0).astype(to);
                for (how, got) in [("direct", direct), ("fused", fused)] {
                    match got.to_vec_as::<i64>() {
                        Ok(got) if got == want => {}
                        Ok(got) => {
                            for ((x, g), w) in xs.iter().zip(&got).zip(&want) {
                                if g != w {
                                    failures.push(format!(
                                        "{} {how} {} -> {}: {x:e} gave {g}, documented {w}",
                                        label(info),
                                        from.name(),
                                        to.name()
                                    ));
                                }
                            }
                        }
                        Err(e) => failures.push(format!("{} {how}: {e}", label(info))),
                    }
                }
            }
        }
    });
    assert!(
        failures.is_empty(),
        "{} casts differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
