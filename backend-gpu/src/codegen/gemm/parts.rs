//! The pieces of a product shader both forms use: the product
//! instruction of a body, the uniform layout and its header words, the
//! accumulator type of each dtype and its arithmetic.

use crate::codegen::body::read_scalar;
use crate::codegen::types::{lit, scalar_ty, Width};
use crate::key::{Access, BodyKey, GemmKey, KOp};
use crate::params::{ParamLayout, CHUNKS, CHUNK_LEN, N, ROW, START};
use tandem_core::DType;

/// Header word: units (tiled: row blocks of one product; naive: output
/// elements) in this dispatch.
pub(crate) const UNITS: usize = N;
/// Header word: the first unit of this dispatch.
pub(crate) const FIRST: usize = START;
/// Header word: the length of the contracted axis.
pub(crate) const LEN: usize = ROW;
/// Header word (tiled): workgroup tiles along the columns.
pub(crate) const TILES_N: usize = CHUNKS;
/// Header word (tiled): workgroup tiles along the rows of one product.
pub(crate) const TILES_M: usize = CHUNK_LEN;

/// The product of a body: its instruction, the inputs it reads as `a` and
/// `b`, and its dtype; `Err` unless there is exactly one, over inputs of
/// its dtype.
pub(crate) fn product(body: &BodyKey) -> Result<(usize, usize, usize, DType), String> {
    let mut dots = body
        .instrs
        .iter()
        .enumerate()
        .filter_map(|(i, (op, dt))| match op {
            KOp::Dot { a, b } => Some((i, *a, *b, *dt)),
            _ => None,
        });
    let (i, a, b, dt) = dots.next().ok_or("a product kernel without a product")?;
    if dots.next().is_some() {
        return Err("a kernel has at most one matrix product".into());
    }
    for (which, k) in [("a", a), ("b", b)] {
        match body.inputs.get(k) {
            Some(&(d, _)) if d == dt => {}
            Some(&(d, _)) => {
                return Err(format!(
                    "the product's operand {which} (input {k}) is {} but the product is {}",
                    d.name(),
                    dt.name()
                ))
            }
            None => {
                return Err(format!(
                    "the product's operand {which} is missing input {k}"
                ))
            }
        }
    }
    Ok((i, a, b, dt))
}

/// The uniform layout of a product shader: the header (see the constants
/// above), the shape, every input strided (the operands with one more
/// stride word: their step along the contracted axis, at `rank`), every
/// output strided, the constants.
pub(crate) fn layout(key: &GemmKey) -> ParamLayout {
    let rank = key.body.rank;
    let (a, b) = product(&key.body).map_or((usize::MAX, usize::MAX), |p| (p.1, p.2));
    let ops: Vec<(Access, usize)> = (0..key.body.inputs.len())
        .map(|i| {
            let n = if i == a || i == b { rank + 1 } else { rank };
            (Access::Strided, n)
        })
        .chain(key.outputs.iter().map(|_| (Access::Strided, rank)))
        .collect();
    ParamLayout::new(rank, &ops, &key.body.const_dtypes())
}

/// The WGSL type a product of `dt` is staged and accumulated in.
pub(crate) fn acc_ty(dt: DType) -> &'static str {
    match dt {
        DType::Bool => "u32",
        _ => scalar_ty(dt),
    }
}

/// Zero of [`acc_ty`].
pub(crate) fn zero(dt: DType) -> String {
    match dt {
        DType::Bool => "0u".into(),
        _ => lit(dt, Width::Scalar, "0"),
    }
}

/// The statement accumulating `x · y` into `acc`.
pub(crate) fn mac(dt: DType, acc: &str, x: &str, y: &str) -> String {
    match dt {
        DType::Bool => format!("{acc} = {acc} | ({x} & {y});"),
        _ => format!("{acc} = {acc} + {x} * {y};"),
    }
}

/// Element `p` (a `u32` expression) of operand array `arr` as [`acc_ty`].
pub(crate) fn read_acc(arr: &str, dt: DType, p: &str) -> String {
    match dt {
        DType::Bool => format!("select(0u, 1u, {})", read_scalar(arr, dt, p)),
        _ => read_scalar(arr, dt, p),
    }
}

/// `bitcast<i32>` of uniform word `i`.
pub(crate) fn iw(i: usize) -> String {
    format!("bitcast<i32>(pw({i}u))")
}
