//! What every shader kind's template shares: the storage bindings of a
//! kernel's inputs and outputs, and filling `{{NAME}}`s into a template.

use super::types::{storage_elem, Width};
use crate::key::{Access, BodyKey};
use std::fmt::Write;

/// Replaces each `{{NAME}}` of `template`.
pub(crate) fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in pairs {
        s = s.replace(k, v);
    }
    s
}

/// The uniform block's binding is 0; input `i` is bound at `1 + i`, as
/// `vec4`s of its dtype where its access is contiguous and `w` is `vec4`.
pub(crate) fn bindings_header(body: &BodyKey, w: Width) -> String {
    input_bindings(body, |i| match body.inputs[i].1 {
        Access::Contig => w,
        _ => Width::Scalar,
    })
}

/// Input `i` of `body` bound at `1 + i` as `in{i}`, an array of its dtype
/// `width(i)` elements wide.
pub(crate) fn input_bindings(body: &BodyKey, width: impl Fn(usize) -> Width) -> String {
    let mut s = String::new();
    for (i, &(dt, _)) in body.inputs.iter().enumerate() {
        let _ = writeln!(
            s,
            "@group(0) @binding({}) var<storage, read> in{i}: array<{}>;",
            1 + i,
            storage_elem(dt, width(i))
        );
    }
    s
}

/// Output `j` bound after the `inputs` inputs (at `1 + inputs + j`) as
/// `out{j}`, an array of `elems[j]`.
pub(crate) fn output_bindings(inputs: usize, elems: impl IntoIterator<Item = String>) -> String {
    let mut s = String::new();
    for (j, elem) in elems.into_iter().enumerate() {
        let _ = writeln!(
            s,
            "@group(0) @binding({}) var<storage, read_write> out{j}: array<{elem}>;",
            1 + inputs + j
        );
    }
    s
}
