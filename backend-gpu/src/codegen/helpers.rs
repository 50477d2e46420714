//! Instantiates the helper functions of `shaders/math.wgsl` (and of the
//! transcendental functions in `shaders/vmath_f32.wgsl`, `vmath_f64.wgsl`)
//! that a shader calls: each `// @fn NAME [needs A B …]` section is a
//! template over one dtype, filled in per dtype by replacing its
//! `{PLACEHOLDERS}`; `vec4` versions are generated as componentwise
//! wrappers of the scalar ones.
//!
//! Placeholders: `{T}` the dtype's tag (`f32`), `{F}` the float type, `{U}`
//! the unsigned type of the same width, `{US}`/`{FS}` literal suffixes,
//! `{SIGN}`/`{ABSMASK}`/`{EXPMASK}`/`{QNAN}`/`{MANTMASK}` bit patterns,
//! `{MANT}` mantissa bits, `{EXPMAXU}`/`{EXPMAXI}` the all-ones exponent,
//! `{P_MANT}`/`{P_TOP}`/`{P_HIGH}` the powers of two shifts multiply by, `{I32MAXF}`/`{I64MAXF}` the largest float
//! below 2^31/2^63, `{SPLITMASK}` the mask keeping the high half of the
//! significand (Dekker's split), and for integer templates `{I}`, `{UI}`
//! (the unsigned type of the same width), `{BITS}` (the width, as a literal
//! of the type), `{ZERO}`, `{ONE}`, `{TWO}`.

use super::types::{scalar_ty, Width};
use std::collections::BTreeMap;
use tandem_core::DType;

/// The helper templates (compiled into the crate): the general helpers, and
/// the float32 and float64 transcendental functions (one file per dtype, as
/// their algorithms differ).
const TEMPLATES: [&str; 3] = [
    include_str!("../../shaders/math.wgsl"),
    include_str!("../../shaders/vmath_f32.wgsl"),
    include_str!("../../shaders/vmath_f64.wgsl"),
];

/// One template section: its dependencies and body.
struct Section {
    needs: Vec<&'static str>,
    body: &'static str,
}

/// Finds the `// @fn name` section of the templates.
fn section(name: &str) -> Option<Section> {
    TEMPLATES.iter().find_map(|t| section_in(t, name))
}

/// Finds the `// @fn name` section of one template file.
fn section_in(text: &'static str, name: &str) -> Option<Section> {
    let marker = "// @fn ";
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let after = &rest[at + marker.len()..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let header = &after[..line_end];
        let body_all = &after[line_end..];
        let end = body_all.find(marker).unwrap_or(body_all.len());
        let mut words = header.split_whitespace();
        if words.next() == Some(name) {
            let needs = match words.next() {
                Some("needs") => words.collect(),
                _ => Vec::new(),
            };
            return Some(Section {
                needs,
                body: &body_all[..end],
            });
        }
        rest = body_all;
    }
    None
}

/// Every section of the templates: its name, and the float dtype it is
/// limited to when its name ends in one (`fmod_f64`, `left_shift_i64`;
/// `to_i32` is the generic float helper converting to `I32`).
#[cfg(test)]
pub(crate) fn section_names() -> Vec<(String, Option<DType>)> {
    let marker = "// @fn ";
    let mut out = Vec::new();
    for t in TEMPLATES {
        for line in t.lines() {
            if let Some(rest) = line.strip_prefix(marker) {
                let name = rest.split_whitespace().next().unwrap_or("").to_string();
                let only = [DType::F32, DType::F64, DType::I32, DType::I64, DType::U32]
                    .into_iter()
                    .find(|dt| name.ends_with(&format!("_{}", scalar_ty(*dt))))
                    .filter(|_| !name.starts_with("to_"));
                let base = match only {
                    Some(dt) => name[..name.len() - 1 - scalar_ty(dt).len()].to_string(),
                    None => name,
                };
                out.push((base, only));
            }
        }
    }
    out
}

/// The placeholder values for dtype `dt`.
fn placeholders(dt: DType) -> Vec<(&'static str, &'static str)> {
    match dt {
        DType::F32 => vec![
            ("{T}", "f32"),
            ("{F}", "f32"),
            ("{U}", "u32"),
            ("{US}", "u"),
            ("{FS}", "f"),
            ("{ABSMASK}", "0x7fffffffu"),
            ("{EXPMASK}", "0x7f800000u"),
            ("{SIGN}", "0x80000000u"),
            ("{QNAN}", "0x7fc00000u"),
            ("{MANTMASK}", "0x7fffffu"),
            ("{MANT}", "23"),
            ("{EXPMAXU}", "0xffu"),
            ("{EXPMAXI}", "255"),
            ("{P_MANT}", "0x800000u"),
            ("{P_TOP}", "512u"),
            ("{P_HIGH}", "0x80000000u"),
            ("{I32MAXF}", "2147483520.0f"),
            ("{I64MAXF}", "9223371487098961920.0f"),
            ("{SPLITMASK}", "0xfffff000u"),
        ],
        DType::F64 => vec![
            ("{T}", "f64"),
            ("{F}", "f64"),
            ("{U}", "u64"),
            ("{US}", "lu"),
            ("{FS}", "lf"),
            ("{ABSMASK}", "0x7ffffffffffffffflu"),
            ("{EXPMASK}", "0x7ff0000000000000lu"),
            ("{SIGN}", "0x8000000000000000lu"),
            ("{QNAN}", "0x7ff8000000000000lu"),
            ("{MANTMASK}", "0xfffffffffffffflu"),
            ("{MANT}", "52"),
            ("{EXPMAXU}", "0x7fflu"),
            ("{EXPMAXI}", "2047"),
            ("{P_MANT}", "0x10000000000000lu"),
            ("{P_TOP}", "4096lu"),
            ("{P_HIGH}", "0x8000000000000000lu"),
            ("{I32MAXF}", "2147483647.0lf"),
            ("{I64MAXF}", "9223372036854774784.0lf"),
            ("{SPLITMASK}", "0xfffffffff8000000lu"),
        ],
        DType::I32 => vec![
            ("{T}", "i32"),
            ("{I}", "i32"),
            ("{UI}", "u32"),
            ("{BITS}", "32i"),
            ("{ZERO}", "0i"),
            ("{ONE}", "1i"),
            ("{TWO}", "2i"),
        ],
        DType::U32 => vec![
            ("{T}", "u32"),
            ("{I}", "u32"),
            ("{UI}", "u32"),
            ("{BITS}", "32u"),
            ("{ZERO}", "0u"),
            ("{ONE}", "1u"),
            ("{TWO}", "2u"),
        ],
        DType::I64 => vec![
            ("{T}", "i64"),
            ("{I}", "i64"),
            ("{UI}", "u64"),
            ("{BITS}", "64li"),
            ("{ZERO}", "0li"),
            ("{ONE}", "1li"),
            ("{TWO}", "2li"),
        ],
        DType::Bool => vec![("{T}", "bool")],
    }
}

/// Fills a template for `dt`.
fn instantiate(body: &str, dt: DType) -> String {
    let mut s = body.to_string();
    // Longest placeholders first would matter only for prefixes; none are.
    for (k, v) in placeholders(dt) {
        s = s.replace(k, v);
    }
    s
}

/// The helper functions one shader needs, collected while its body is
/// generated and emitted once each.
#[derive(Default)]
pub(crate) struct Helpers {
    defs: BTreeMap<String, String>,
}

impl Helpers {
    /// The name of helper `name` for `dt` at width `w`, defining it (and
    /// what it needs) in this shader. `None` if `math.wgsl` has no such section.
    pub fn call(&mut self, name: &str, dt: DType, w: Width) -> Option<String> {
        let scalar = format!("{name}_{}", scalar_ty(dt));
        if !self.defs.contains_key(&scalar) {
            // A dtype-specific section (`fmod_f64`) wins over the generic one.
            let sec = section(&scalar).or_else(|| section(name))?;
            for need in &sec.needs {
                self.call(need, dt, Width::Scalar)?;
            }
            self.defs.insert(scalar.clone(), instantiate(sec.body, dt));
        }
        match w {
            Width::Scalar => Some(scalar),
            Width::Vec4 => {
                let vname = format!("{scalar}x4");
                if !self.defs.contains_key(&vname) {
                    let def = vec4_wrapper(&scalar, &self.defs[&scalar])?;
                    self.defs.insert(vname.clone(), def);
                }
                Some(vname)
            }
        }
    }

    /// All collected definitions, in a stable order.
    pub fn source(&self) -> String {
        self.defs.values().cloned().collect::<Vec<_>>().join("\n")
    }
}

/// `fn NAMEx4(a: vec4<P>, …) -> vec4<R>` applying scalar `name` per component,
/// from the scalar definition's signature.
fn vec4_wrapper(name: &str, def: &str) -> Option<String> {
    let sig_at = def.find(&format!("fn {name}("))?;
    let sig = &def[sig_at..];
    let open = sig.find('(')?;
    let close = sig.find(')')?;
    let params: Vec<(&str, &str)> = sig[open + 1..close]
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut it = p.split(':');
            (
                it.next().unwrap_or("").trim(),
                it.next().unwrap_or("").trim(),
            )
        })
        .collect();
    let ret = sig[close + 1..]
        .split('{')
        .next()?
        .trim()
        .strip_prefix("->")?
        .trim();
    let args: Vec<String> = params
        .iter()
        .map(|(p, t)| format!("{p}: vec4<{t}>"))
        .collect();
    let comps = ["x", "y", "z", "w"]
        .iter()
        .map(|c| {
            let a: Vec<String> = params.iter().map(|(p, _)| format!("{p}.{c}")).collect();
            format!("{name}({})", a.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "fn {name}x4({}) -> vec4<{ret}> {{\n    return vec4<{ret}>({comps});\n}}\n",
        args.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_resolve_with_their_dependencies() {
        let mut h = Helpers::default();
        assert_eq!(
            h.call("rem", DType::F32, Width::Vec4).as_deref(),
            Some("rem_f32x4")
        );
        let src = h.source();
        for f in [
            "fn fmod_f32(",
            "fn isnan_f32(",
            "fn copysign_f32(",
            "fn rem_f32x4(",
        ] {
            assert!(src.contains(f), "{f} missing from:\n{src}");
        }
        assert!(!src.contains('{') || !src.contains("{F}"));
        assert!(h
            .call("no_such_helper", DType::F32, Width::Scalar)
            .is_none());
    }
}
