//! WGSL generation: a [`ShaderKey`] (a kernel's structure) becomes one
//! compute shader, filled into a template from `backend-gpu/shaders/`
//! (inside this crate, so they ship in its package; the top-level
//! `shaders/` is a symlink to that folder). Every variant is validated with naga in this module's tests,
//! so a codegen bug fails on any machine, GPU or not.
//!
//! - `types.rs`: dtypes as WGSL types and literals.
//! - `helpers.rs`: the helper functions of `shaders/math.wgsl`.
//! - `ops.rs`: the expression of every op per dtype (the GPU's op table).
//! - `body.rs`: the kernel body, inputs read through strided index arithmetic.
//! - `elementwise.rs`, `reduce.rs`: the shader kinds. A strided copy (what
//!   `contiguous()`, `assign` and `concatenate` run) is an elementwise kernel
//!   whose body is one load, so it uses `elementwise.wgsl` (at `vec4` width
//!   when both sides are contiguous) rather than a template of its own.

pub(crate) mod body;
pub(crate) mod elementwise;
pub(crate) mod helpers;
pub(crate) mod ops;
pub(crate) mod reduce;
pub(crate) mod types;

#[cfg(test)]
mod validate_tests;

use crate::plan::{Access, BodyKey, ShaderKey};
use std::fmt::Write;
use types::{storage_elem, Width};

/// The WGSL source for `key`, workgroups of `wg` invocations, or why the
/// GPU cannot run it.
pub(crate) fn generate(key: &ShaderKey, wg: u32) -> Result<String, String> {
    match key {
        ShaderKey::Elementwise(k) => elementwise::generate(k, wg),
        ShaderKey::Reduce(k) => reduce::generate_first(k, wg),
        ShaderKey::Partials(k) => reduce::generate_partials(k, wg),
    }
}

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
