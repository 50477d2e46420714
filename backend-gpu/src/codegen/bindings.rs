//! What every shader kind's template shares: the storage bindings of a
//! kernel's inputs, and filling `{{NAME}}`s into a template.

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

/// The uniform block's binding is 0; input `i` is bound at `1 + i`.
pub(crate) fn bindings_header(body: &BodyKey, w: Width) -> String {
    let mut s = String::new();
    for (i, &(dt, access)) in body.inputs.iter().enumerate() {
        let elem = if access == Access::Contig {
            storage_elem(dt, w)
        } else {
            storage_elem(dt, Width::Scalar)
        };
        let _ = writeln!(
            s,
            "@group(0) @binding({}) var<storage, read> in{i}: array<{elem}>;",
            1 + i
        );
    }
    s
}
