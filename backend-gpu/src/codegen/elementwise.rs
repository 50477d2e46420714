//! WGSL for an elementwise kernel, from `shaders/elementwise.wgsl`: the
//! body (see `body.rs`), then one store per output through its layout.
//! `Bool` outputs are bytes packed four to a word: at scalar width each
//! invocation writes its byte with `atomicAnd`/`atomicOr` (neighbours may be
//! written concurrently by other invocations, and bytes outside the kernel's
//! region are left untouched); at `vec4` width an invocation owns whole words.

use super::bindings::{bindings_header, fill, output_bindings};
use super::body::{self, position};
use super::helpers::Helpers;
use super::types::{storage_elem, Width};
use crate::key::{Access, ElementwiseKey};
use crate::params::{pw, ParamLayout};
use std::fmt::Write;
use tandem_core::DType;

const TEMPLATE: &str = include_str!("../../shaders/elementwise.wgsl");

/// The uniform layout of an elementwise shader.
pub(crate) fn layout(key: &ElementwiseKey) -> ParamLayout {
    let rank = key.body.rank;
    let ops: Vec<(Access, usize)> = key
        .body
        .inputs
        .iter()
        .map(|&(_, a)| (a, rank))
        .chain(key.outputs.iter().map(|&(_, _, a)| (a, rank)))
        .collect();
    ParamLayout::new(rank, &ops, &key.body.const_dtypes())
}

/// The WGSL source of `key` with workgroups of `wg` invocations.
pub(crate) fn generate(key: &ElementwiseKey, wg: u32) -> Result<String, String> {
    let w = key.width;
    let pl = layout(key);
    let rank = key.body.rank;
    let ni = key.body.inputs.len();
    let mut h = Helpers::default();

    let mut bindings = bindings_header(&key.body, w);
    let out_elems = key.outputs.iter().map(|&(_, dt, access)| match (dt, w) {
        (DType::Bool, Width::Scalar) => "atomic<u32>".to_string(),
        _ if access == Access::Contig => storage_elem(dt, w),
        _ => storage_elem(dt, Width::Scalar),
    });
    bindings.push_str(&output_bindings(ni, out_elems));

    let mut b = String::new();
    match w {
        Width::Scalar => {
            b.push_str("    if (item >= n) {\n        return;\n    }\n    let f = start + item;\n");
        }
        Width::Vec4 => {
            b.push_str("    if (item * 4u >= n) {\n        return;\n    }\n    let rem = n - item * 4u;\n    let f = start + item * 4u;\n");
        }
    }
    let strided_out = key.outputs.iter().any(|o| o.2 == Access::Strided);
    if body::needs_index(&key.body) || strided_out {
        b.push_str(&body::unravel(rank, pl.shape_at, "f", "i"));
    }
    b.push_str(&body::emit(&key.body, &pl, w, "i", None, &mut h)?);
    for (j, &(value, dt, access)) in key.outputs.iter().enumerate() {
        let declared = key
            .body
            .instrs
            .get(value)
            .map(|x| x.1)
            .ok_or_else(|| format!("output {j} stores %{value}, which does not exist"))?;
        if declared != dt {
            return Err(format!(
                "output {j} is {} but %{value} is {}",
                dt.name(),
                declared.name()
            ));
        }
        let slot = &pl.slots[ni + j];
        let v = format!("v{value}");
        match (w, dt) {
            (Width::Scalar, DType::Bool) => {
                let p = position(access, slot, rank, "i");
                let _ = write!(
                    b,
                    "    {{\n        let p = {p};\n        let sh = (p & 3u) * 8u;\n        atomicAnd(&out{j}[p >> 2u], ~(0xffu << sh));\n        atomicOr(&out{j}[p >> 2u], select(0u, 1u, {v}) << sh);\n    }}\n"
                );
            }
            (Width::Scalar, _) => {
                let p = position(access, slot, rank, "i");
                let _ = writeln!(b, "    out{j}[{p}] = {v};");
            }
            (Width::Vec4, DType::Bool) => {
                let _ = write!(
                    b,
                    "    {{\n        let o = ({} >> 2u) + item;\n        let bits = select(vec4<u32>(0u), vec4<u32>(1u), {v});\n        let word = bits.x | (bits.y << 8u) | (bits.z << 16u) | (bits.w << 24u);\n        if (rem >= 4u) {{\n            out{j}[o] = word;\n        }} else {{\n            let mask = (1u << (8u * rem)) - 1u;\n            out{j}[o] = (out{j}[o] & ~mask) | (word & mask);\n        }}\n    }}\n",
                    pw(slot.base)
                );
            }
            (Width::Vec4, _) => {
                let _ = write!(
                    b,
                    "    {{\n        let o = ({} >> 2u) + item;\n        if (rem >= 4u) {{\n            out{j}[o] = {v};\n        }} else {{\n            for (var c = 0u; c < rem; c = c + 1u) {{\n                out{j}[o][c] = {v}[c];\n            }}\n        }}\n    }}\n",
                    pw(slot.base)
                );
            }
        }
    }

    Ok(fill(
        TEMPLATE,
        &[
            ("{{PARAMS}}", pl.wgsl()),
            ("{{BINDINGS}}", bindings),
            ("{{HELPERS}}", h.source()),
            ("{{WORKGROUP}}", wg.to_string()),
            ("{{BODY}}", b),
        ],
    ))
}
