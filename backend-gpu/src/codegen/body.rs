//! The part every kernel shader shares: turning the kernel's SSA list into
//! WGSL `let` statements, with inputs read at any strides/offset/broadcast
//! through index arithmetic on uniform data (never copied first).
//!
//! In scope where the body is emitted: `f` (the flat iteration index, u32),
//! `item` (the invocation's index within the dispatch: an element, or a
//! `vec4` of elements at [`Width::Vec4`]).

use super::helpers::Helpers;
use super::ops;
use super::types::{splat, ty, Width};
use crate::key::{Access, BodyKey, KOp};
use crate::params::{pw, ParamLayout, Slot};
use std::fmt::Write;
use tandem_core::DType;

/// `let i0 … i{rank-1}`: the multi-index of flat index `f`.
pub(crate) fn unravel(rank: usize, shape_at: usize, flat: &str, prefix: &str) -> String {
    unravel_axes(0..rank, shape_at, flat, prefix)
}

/// `let i{a} … i{b-1}` for `axes = a..b`: the multi-index over those axes
/// alone of `flat`, a flat index over their sub-shape. Reductions unravel a
/// row over the kept axes and a position in the row over the reduced ones
/// separately, so neither index needs more than 32 bits even when the
/// kernel has more than 2^32 elements.
pub(crate) fn unravel_axes(
    axes: std::ops::Range<usize>,
    shape_at: usize,
    flat: &str,
    prefix: &str,
) -> String {
    let mut s = String::new();
    if axes.is_empty() {
        return s;
    }
    let first = axes.start;
    let tmp = format!("{prefix}r{first}");
    let _ = writeln!(s, "    var {tmp} = {flat};");
    for k in (first + 1..axes.end).rev() {
        let n = pw(shape_at + k);
        let _ = writeln!(
            s,
            "    let {prefix}{k} = {tmp} % {n};\n    {tmp} = {tmp} / {n};"
        );
    }
    let _ = writeln!(s, "    let {prefix}{first} = {tmp};");
    s
}

/// The buffer position (u32 expression) of the current element for an
/// operand at `slot` with `access`, over a shape of `rank`, in scalar width.
pub(crate) fn position(access: Access, slot: &Slot, rank: usize, idx: &str) -> String {
    match access {
        Access::Contig => format!("({} + item)", pw(slot.base)),
        Access::Scalar => pw(slot.base),
        Access::Strided => {
            let st = slot.strides.expect("strided operands have stride words");
            let mut e = format!("bitcast<i32>({})", pw(slot.base));
            for k in 0..rank {
                let _ = write!(e, " + i32({idx}{k}) * bitcast<i32>({})", pw(st + k));
            }
            format!("u32({e})")
        }
    }
}

/// Reads element `p` (a u32 expression) of input array `arr` holding `dt`.
pub(crate) fn read_scalar(arr: &str, dt: DType, p: &str) -> String {
    match dt {
        DType::Bool => format!("((({arr}[({p}) >> 2u] >> ((({p}) & 3u) * 8u)) & 0xffu) != 0u)"),
        _ => format!("{arr}[{p}]"),
    }
}

/// A constant of `dt` read from word `at`, at width `w`.
fn const_expr(dt: DType, w: Width, at: usize) -> String {
    let lo = pw(at);
    let hi = pw(at + 1);
    let s = match dt {
        DType::Bool => format!("({lo} != 0u)"),
        DType::U32 => lo,
        DType::I32 => format!("bitcast<i32>({lo})"),
        DType::F32 => format!("bitcast<f32>({lo})"),
        // Multiplying, not shifting: llvmpipe miscompiles 64-bit shifts.
        DType::I64 => format!("bitcast<i64>(u64({lo}) | (u64({hi}) * 4294967296lu))"),
        DType::F64 => format!("bitcast<f64>(u64({lo}) | (u64({hi}) * 4294967296lu))"),
    };
    splat(&s, dt, w)
}

/// `true` if any input of the body is strided (the body needs the multi-index).
pub(crate) fn needs_index(body: &BodyKey) -> bool {
    body.inputs.iter().any(|(_, a)| *a == Access::Strided)
}

/// The `let v{i} = …;` statements of `body`. Inputs are `in{i}` arrays,
/// their words at `layout.slots[i]`; multi-index variables are `{idx}{k}`.
pub(crate) fn emit(
    body: &BodyKey,
    layout: &ParamLayout,
    w: Width,
    idx: &str,
    h: &mut Helpers,
) -> Result<String, String> {
    let mut s = String::new();
    let mut next_const = 0;
    for (i, (op, dt)) in body.instrs.iter().enumerate() {
        let dt = *dt;
        let operand = |v: usize| -> Result<DType, String> {
            body.instrs
                .get(v)
                .filter(|_| v < i)
                .map(|x| x.1)
                .ok_or_else(|| format!("instruction {i} uses %{v}, which is not defined before it"))
        };
        let e = match op {
            KOp::Load(k) => {
                let (in_dt, access) = *body.inputs.get(*k).ok_or_else(|| {
                    format!("instruction {i} loads input {k}, which does not exist")
                })?;
                if in_dt != dt {
                    return Err(format!(
                        "instruction {i} loads input {k} of {} as {}",
                        in_dt.name(),
                        dt.name()
                    ));
                }
                load(
                    &format!("in{k}"),
                    dt,
                    access,
                    &layout.slots[*k],
                    body.rank,
                    w,
                    idx,
                )
            }
            KOp::Const => {
                let at = *layout
                    .consts
                    .get(next_const)
                    .ok_or("more constants than uniform slots")?;
                next_const += 1;
                const_expr(dt, w, at)
            }
            KOp::Unary(o, a) => {
                let adt = operand(*a)?;
                let e = ops::unary(*o, adt, w, &format!("v{a}"), h)?;
                check_result(i, dt, o.rule().result(adt))?;
                e
            }
            KOp::Binary(o, a, b) => {
                let (adt, bdt) = (operand(*a)?, operand(*b)?);
                if adt != bdt {
                    return Err(format!(
                        "instruction {i}: {} of {} and {}",
                        o.name(),
                        adt.name(),
                        bdt.name()
                    ));
                }
                let e = ops::binary(*o, adt, w, &format!("v{a}"), &format!("v{b}"), h)?;
                check_result(i, dt, o.rule().result(adt))?;
                e
            }
            KOp::Select(c, a, b) => {
                if operand(*c)? != DType::Bool || operand(*a)? != dt || operand(*b)? != dt {
                    return Err(format!(
                        "instruction {i}: select operands of the wrong dtype"
                    ));
                }
                ops::select(&format!("v{c}"), &format!("v{a}"), &format!("v{b}"))
            }
            KOp::Cast(a) => ops::cast(operand(*a)?, dt, w, &format!("v{a}"), h)?,
            KOp::Dot { .. } => {
                return Err(format!(
                    "instruction {i}: a matrix product has no elementwise WGSL form (the product kernel generates it)"
                ))
            }
        };
        let _ = writeln!(s, "    let v{i}: {} = {e};", ty(dt, w));
    }
    Ok(s)
}

fn check_result(i: usize, declared: DType, computed: DType) -> Result<(), String> {
    if declared == computed {
        Ok(())
    } else {
        Err(format!(
            "instruction {i} is declared {} but computes {}",
            declared.name(),
            computed.name()
        ))
    }
}

/// The value of input array `arr` at the current element(s).
fn load(
    arr: &str,
    dt: DType,
    access: Access,
    slot: &Slot,
    rank: usize,
    w: Width,
    idx: &str,
) -> String {
    match (w, access) {
        (Width::Scalar, _) => read_scalar(arr, dt, &position(access, slot, rank, idx)),
        (Width::Vec4, Access::Scalar) => splat(&read_scalar(arr, dt, &pw(slot.base)), dt, w),
        (Width::Vec4, _) => {
            let at = format!("{arr}[({} >> 2u) + item]", pw(slot.base));
            match dt {
                DType::Bool => format!(
                    "(((vec4<u32>({at}) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(0xffu)) != vec4<u32>(0u))"
                ),
                _ => at,
            }
        }
    }
}
