//! Deterministic inputs that tandem and `programs.py` build from the same
//! formula, bit for bit: the originals draw random numbers, which tandem
//! cannot yet (and whose streams differ between libraries anyway), so the
//! programs draw from Weyl sequences instead, `((i * a + c) mod m) / m` with
//! `m = 2^31 - 1` and `a` near `m` times an irrational: integer arithmetic
//! and one correctly rounded division, hence the same `f64` on both sides.
//! `programs.py`'s `weyl` is the same function.

use tandem::prelude::*;

/// The modulus, `2^31 - 1`.
pub const M: i64 = 2_147_483_647;

/// Multipliers: `M` times the fractional parts of the golden ratio, √2,
/// √3, √5, π and e. Streams with different multipliers look independent.
pub const A: [i64; 6] = [
    1_327_217_884,
    889_516_852,
    1_572_067_135,
    506_952_114,
    304_069_513,
    1_542_483_952,
];

/// `n` values in `[0, 1)` (`F64`) of stream `stream` (an index into [`A`]),
/// starting at offset `c`: `((arange(n) * A[stream] + c) % M) / M`.
pub fn weyl(n: usize, stream: usize, c: i64) -> tandem::Result<Array> {
    let i = Array::arange(0.0, n as f64, 1.0, DType::I64)?;
    ((&i * A[stream] + c) % M).try_div(M)
}

/// `a`, computed now and placed on the default device: an input stands for
/// data a program already holds in memory, so building it is not timed.
pub fn materialise(a: Array) -> tandem::Result<Array> {
    let a = a.eval()?;
    match tandem::default_device() {
        d @ Device::Gpu(_) => a.to_device(d),
        _ => Ok(a),
    }
}
