//! WGSL for a kernel with a matrix product ([`GemmKey`]), from
//! `shaders/gemm.wgsl`: what its two forms share.
//!
//! - **The epilogue** is one WGSL function, `epilogue(d, i0, …)`: the
//!   kernel's whole body emitted by `body.rs` (the elementwise generator)
//!   with the product's value `d` standing for the [`KOp::Dot`], every
//!   other input read at the output index `i0, …` through its strides, and
//!   then every output stored there (`Bool` outputs byte by byte with
//!   atomics, as the elementwise kernels do). So `relu(a @ b + bias)`, a
//!   cast or a comparison of a product costs nothing beyond its own
//!   arithmetic: the product kernel computes it as it writes its output,
//!   and the product itself is never stored.
//! - **Operands** are inputs read through strides in uniform words, like
//!   every strided input, with one more word each: the step along the
//!   contracted axis. Transposed, sliced, reversed and broadcast operands
//!   are read in place.
//! - **Dtypes**: floats and integers accumulate in their own type
//!   (integers wrap, as NumPy's do); `Bool` (bytes in packed words) is
//!   held as `0u`/`1u` words and accumulated as an `or` of `and`s.
//!
//! - `parts.rs`: the uniform layout, accumulator types and arithmetic;
//!   `tiled.rs` and `naive.rs`: the `main` of each form.

mod naive;
mod parts;
mod tiled;

pub(crate) use parts::{layout, FIRST, LEN, TILES_M, TILES_N, UNITS};

use crate::codegen::bindings::{fill, input_bindings, output_bindings};
use crate::codegen::body::{emit, position};
use crate::codegen::helpers::Helpers;
use crate::codegen::types::{storage_elem, Width};
use crate::key::{Access, GemmForm, GemmKey, KOp};
use crate::params::ParamLayout;
use parts::{acc_ty, product};
use std::fmt::Write;
use tandem_core::DType;

const TEMPLATE: &str = include_str!("../../../shaders/gemm.wgsl");

/// The WGSL source of `key`; `wg` is the naive form's workgroup size (a
/// tiled form's is its tile's).
pub(crate) fn generate(key: &GemmKey, wg: u32) -> Result<String, String> {
    let (_, a, b, dt) = product(&key.body)?;
    let pl = layout(key);
    let mut h = Helpers::default();
    let vec4 = |i: usize| match key.form {
        GemmForm::Tiled { a: fa, b: fb, .. } => (i == a && fa.vec4) || (i == b && fb.vec4),
        GemmForm::Naive => false,
    };
    let inputs = &key.body.inputs;
    if (0..inputs.len()).any(|i| vec4(i) && inputs[i].0 == DType::Bool) {
        return Err("a Bool operand cannot be read as vec4".into());
    }
    let width = |i| if vec4(i) { Width::Vec4 } else { Width::Scalar };
    let mut bindings = input_bindings(&key.body, width);
    if let Some(KOp::Load(k)) = key
        .body
        .instrs
        .iter()
        .map(|x| &x.0)
        .find(|op| matches!(op, KOp::Load(k) if vec4(*k)))
    {
        return Err(format!(
            "input {k} is read as vec4 by the product and loaded by the epilogue"
        ));
    }
    let out_elems = key.outputs.iter().map(|&(_, odt)| match odt {
        DType::Bool => "atomic<u32>".to_string(),
        _ => storage_elem(odt, Width::Scalar),
    });
    bindings.push_str(&output_bindings(inputs.len(), out_elems));
    let epi = epilogue(key, &pl, dt, &mut h)?;
    let (shared, main, size) = match key.form {
        GemmForm::Tiled { tile, a: fa, b: fb } => {
            if !tile.is_valid() {
                return Err(format!("the tile {tile} is not well formed"));
            }
            let shared = format!(
                "var<workgroup> sa: array<{t}, {}>;\nvar<workgroup> sb: array<{t}, {}>;\n",
                tile.bm * tile.bk,
                tile.bn * tile.bk,
                t = acc_ty(dt)
            );
            let main = tiled::main(key, &pl, tile, (a, fa), (b, fb), dt);
            (shared, main, tile.invocations())
        }
        GemmForm::Naive => (String::new(), naive::main(key, &pl, a, b, dt, wg), wg),
    };
    Ok(fill(
        TEMPLATE,
        &[
            ("{{PARAMS}}", pl.wgsl()),
            ("{{BINDINGS}}", bindings),
            ("{{HELPERS}}", h.source()),
            ("{{EPILOGUE}}", epi),
            ("{{SHARED}}", shared),
            ("{{WORKGROUP}}", size.to_string()),
            ("{{MAIN}}", main),
        ],
    ))
}

/// `fn epilogue(d, i0, …)`: the body at output index `i0, …` with the
/// product's value `d`, then every output stored there.
fn epilogue(key: &GemmKey, pl: &ParamLayout, dt: DType, h: &mut Helpers) -> Result<String, String> {
    let rank = key.body.rank;
    let mut s = format!("fn epilogue(d: {}", acc_ty(dt));
    for k in 0..rank {
        let _ = write!(s, ", i{k}: u32");
    }
    s.push_str(") {\n");
    let value = match dt {
        DType::Bool => "(d != 0u)",
        _ => "d",
    };
    s.push_str(&emit(&key.body, pl, Width::Scalar, "i", Some(value), h)?);
    let ni = key.body.inputs.len();
    for (j, &(v, odt)) in key.outputs.iter().enumerate() {
        let declared = key
            .body
            .instrs
            .get(v)
            .map(|x| x.1)
            .ok_or_else(|| format!("output {j} stores %{v}, which does not exist"))?;
        if declared != odt {
            return Err(format!(
                "output {j} is {} but %{v} is {}",
                odt.name(),
                declared.name()
            ));
        }
        let p = position(Access::Strided, &pl.slots[ni + j], rank, "i");
        if odt == DType::Bool {
            let _ = write!(
                s,
                "    {{\n        let p = {p};\n        let sh = (p & 3u) * 8u;\n        atomicAnd(&out{j}[p >> 2u], ~(0xffu << sh));\n        atomicOr(&out{j}[p >> 2u], select(0u, 1u, v{v}) << sh);\n    }}\n"
            );
        } else {
            let _ = writeln!(s, "    out{j}[{p}] = v{v};");
        }
    }
    s.push_str("}\n");
    Ok(s)
}
