//! WGSL for reductions, from `shaders/reduce.wgsl`: the first pass (the
//! fused kernel body, reduced per row) and the later passes (partials
//! reduced again). This file holds each `ReduceOp`'s identity, combine step
//! and NaN rule, as `tandem_core::ops::ReduceOp` documents them:
//! `min`/`max`/`argmin`/`argmax` propagate the first NaN, the `nan*`
//! variants skip NaN (`nanarg*` give -1 for an all-NaN row), arg-reductions
//! break ties by the smaller index, whatever order the tree combines in.
//!
//! Every op reduces every dtype. The output dtype is the value's (the
//! kernel contract; the core casts first when NumPy widens), so `sum` and
//! `prod` of `Bool` values are NumPy's `add`/`multiply` in `bool`: logical
//! or and logical and. `any`/`all` of any dtype accumulate truth values
//! (`x != 0`, with NaN true and -0.0 false, exactly as a cast to `Bool`)
//! and write 0 or 1 in the value's dtype.

use super::bindings::{bindings_header, fill};
use super::body::{self, unravel, unravel_axes};
use super::helpers::Helpers;
use super::ops;
use super::types::{lit, scalar_ty, Width};
use crate::key::{Access, PartialsKey, ReduceKey};
use crate::params::{pw, ParamLayout, Slot, CHUNKS, FLAT_BASE, IN_BASE, OUT_BASE, ROW};
use std::fmt::Write;
use tandem_core::ops::{Accumulate, ReduceOp};
use tandem_core::DType;

const TEMPLATE: &str = include_str!("../../shaders/reduce.wgsl");

/// Whether `op` reduces truth values (`any`, `all`): its row accumulates
/// in `Bool`.
fn reduces_truth(op: ReduceOp) -> bool {
    op.row().accumulate == Accumulate::Bool
}

/// The accumulator dtype of `op` over values of `dt` (what partial buffers
/// hold): truth values and `Bool` as 0/1 in a `u32`, else the value's.
pub(crate) fn acc_dtype(op: ReduceOp, dt: DType) -> DType {
    if reduces_truth(op) || dt == DType::Bool {
        DType::U32
    } else {
        dt
    }
}

/// The accumulator's WGSL type.
pub(crate) fn acc_ty(op: ReduceOp, dt: DType) -> &'static str {
    scalar_ty(acc_dtype(op, dt))
}

/// The output dtype of `op` over values of `dt`.
pub(crate) fn out_dtype(op: ReduceOp, dt: DType) -> DType {
    if op.is_arg() {
        DType::I64
    } else {
        dt
    }
}

/// Identity, combine, and element preparation for `op` on values of `dt`.
fn op_fns(op: ReduceOp, dt: DType, h: &mut Helpers) -> Result<(String, String), String> {
    use ReduceOp::*;
    let a = acc_dtype(op, dt);
    let float = dt.is_float();
    let truth = reduces_truth(op);
    // Bool sums and products are NumPy's bool add (or) and multiply (and).
    let logical = dt == DType::Bool && matches!(op, Sum | NanSum | Prod);
    let max_lit = match a {
        DType::I32 => "2147483647i".to_string(),
        DType::U32 => "4294967295u".to_string(),
        DType::I64 => "9223372036854775807li".to_string(),
        DType::F32 => "bitcast<f32>(0x7f800000u)".to_string(),
        _ => "bitcast<f64>(0x7ff0000000000000lu)".to_string(),
    };
    let min_lit = match a {
        DType::I32 => "(-2147483647i - 1i)".to_string(),
        DType::U32 => "0u".to_string(),
        DType::I64 => "(-9223372036854775807li - 1li)".to_string(),
        DType::F32 => "bitcast<f32>(0xff800000u)".to_string(),
        _ => "bitcast<f64>(0xfff0000000000000lu)".to_string(),
    };
    let nan_lit = match a {
        DType::F32 => "bitcast<f32>(0x7fc00000u)".to_string(),
        DType::F64 => "bitcast<f64>(0x7ff8000000000000lu)".to_string(),
        _ => lit(a, Width::Scalar, "0"),
    };
    let isnan = if float {
        h.call("isnan", dt, Width::Scalar)
            .ok_or("math.wgsl lacks isnan")?
    } else {
        String::new()
    };
    let zero = lit(a, Width::Scalar, "0");
    let one = lit(a, Width::Scalar, "1");
    let identity = match op {
        Sum | NanSum | Any => zero.clone(),
        Prod | All => one.clone(),
        Min => max_lit,
        Max => min_lit,
        NanMin if float => nan_lit,
        NanMax if float => nan_lit,
        NanMin => max_lit,
        NanMax => min_lit,
        ArgMin | ArgMax | NanArgMin | NanArgMax => zero.clone(),
    };
    // `better(x, y)`: x strictly beats y (values, no NaN).
    let lt = matches!(op, Min | NanMin | ArgMin | NanArgMin);
    let cmp = if lt { "<" } else { ">" };
    let combine = match op {
        Sum | NanSum if logical => "return Acc(a.v | b.v, min(a.i, b.i));".to_string(),
        Prod if logical => "return Acc(a.v & b.v, min(a.i, b.i));".to_string(),
        Sum | NanSum => "return Acc(a.v + b.v, min(a.i, b.i));".to_string(),
        Prod => "return Acc(a.v * b.v, min(a.i, b.i));".to_string(),
        Any => "return Acc(a.v | b.v, min(a.i, b.i));".to_string(),
        All => "return Acc(a.v & b.v, min(a.i, b.i));".to_string(),
        Min | Max if float => format!(
            "if ({isnan}(a.v)) {{ return a; }}\n    if ({isnan}(b.v)) {{ return b; }}\n    if (b.v {cmp} a.v) {{ return b; }}\n    return a;"
        ),
        NanMin | NanMax if float => format!(
            "if ({isnan}(b.v)) {{ return a; }}\n    if ({isnan}(a.v)) {{ return b; }}\n    if (b.v {cmp} a.v) {{ return b; }}\n    return a;"
        ),
        Min | Max | NanMin | NanMax => format!("if (b.v {cmp} a.v) {{ return b; }}\n    return a;"),
        ArgMin | ArgMax | NanArgMin | NanArgMax => {
            let nan_rule = if float && matches!(op, ArgMin | ArgMax) {
                format!(
                    "let an = {isnan}(a.v);\n    let bn = {isnan}(b.v);\n    if (an && bn) {{ if (a.i < b.i) {{ return a; }} return b; }}\n    if (an) {{ return a; }}\n    if (bn) {{ return b; }}\n    "
                )
            } else {
                String::new()
            };
            format!(
                "if (b.i == EMPTY) {{ return a; }}\n    if (a.i == EMPTY) {{ return b; }}\n    {nan_rule}if (b.v {cmp} a.v) {{ return b; }}\n    if (a.v {cmp} b.v) {{ return a; }}\n    if (a.i < b.i) {{ return a; }}\n    return b;"
            )
        }
    };
    // How a value `x` at row position `r` becomes an accumulator.
    let x = if truth {
        // The same truth test as a cast to Bool (`!(x == 0)`: NaN is true).
        format!(
            "select(0u, 1u, {})",
            ops::cast(dt, DType::Bool, Width::Scalar, "x", h)?
        )
    } else if dt == DType::Bool {
        "select(0u, 1u, x)".to_string()
    } else {
        "x".to_string()
    };
    let prep = match op {
        NanSum if float => format!("return Acc(select({x}, {zero}, {isnan}(x)), r);"),
        NanArgMin | NanArgMax if float => {
            format!("return Acc({x}, select(r, EMPTY, {isnan}(x)));")
        }
        // The value as it is: no NaN to skip, or `combine` skips it.
        Sum | Prod | Min | Max | NanSum | NanMin | NanMax | Any | All | ArgMin | ArgMax
        | NanArgMin | NanArgMax => format!("return Acc({x}, r);"),
    };
    let fns = format!(
        "fn identity() -> Acc {{\n    return Acc({identity}, EMPTY);\n}}\n\nfn combine(a: Acc, b: Acc) -> Acc {{\n    {combine}\n}}\n"
    );
    Ok((fns, prep))
}

/// Position (u32) of the output element of `row` (reductions' output
/// bases are the position of row 0, as `i32` bits, possibly negative
/// relative to a window).
fn out_position(access: Access, slot: &Slot, out_rank: usize) -> String {
    let base = format!("bitcast<i32>({})", pw(slot.base));
    match access {
        Access::Contig => format!("u32({base} + i32(row))"),
        Access::Scalar => format!("u32({base})"),
        Access::Strided => {
            let st = slot.strides.expect("strided output has stride words");
            let mut e = base;
            for k in 0..out_rank {
                let _ = write!(e, " + i32(o{k}) * bitcast<i32>({})", pw(st + k));
            }
            format!("u32({e})")
        }
    }
}

/// `fn store(row, part, a)`: the final value through the output's layout,
/// or the partial of part `part` of `row` (partials are laid out row by
/// row, `C` per row, relative to the window bound at `OUT_BASE`).
fn store_fn(
    last: bool,
    out: (DType, Access),
    op: ReduceOp,
    slot: Option<&Slot>,
    shape_at: usize,
    out_rank: usize,
) -> String {
    let mut s = String::from("fn store(row: u32, part: u32, a: Acc) {\n");
    if !last {
        let _ = writeln!(
            s,
            "    let q = row * {} + part - {};",
            pw(CHUNKS),
            pw(OUT_BASE)
        );
        s.push_str("    pv[q] = a.v;\n");
        if op.is_arg() {
            s.push_str("    pi[q] = a.i;\n");
        }
        s.push_str("}\n");
        return s;
    }
    let slot = slot.expect("the last pass has an output slot");
    let (odt, access) = out;
    if access == Access::Strided {
        s.push_str(&unravel(out_rank, shape_at, "row", "o"));
    }
    let p = out_position(access, slot, out_rank);
    let _ = writeln!(s, "    let p = {p};");
    let v = if op.is_arg() {
        // EMPTY (no non-NaN element) becomes -1, as the core expects; an
        // index is zero-extended by hand (rows may hold 2^31 or more).
        "select(i64(a.i & 0x7fffffffu) + select(0li, 2147483648li, a.i >= 0x80000000u), -1li, a.i == EMPTY)".to_string()
    } else if odt == DType::Bool {
        "(a.v != 0u)".to_string()
    } else if reduces_truth(op) {
        format!(
            "select({}, {}, a.v != 0u)",
            lit(odt, Width::Scalar, "0"),
            lit(odt, Width::Scalar, "1")
        )
    } else {
        "a.v".to_string()
    };
    if odt == DType::Bool {
        let _ = write!(
            s,
            "    let sh = (p & 3u) * 8u;\n    atomicAnd(&out0[p >> 2u], ~(0xffu << sh));\n    atomicOr(&out0[p >> 2u], select(0u, 1u, {v}) << sh);\n"
        );
    } else {
        let _ = writeln!(s, "    out0[p] = {v};");
    }
    s.push_str("}\n");
    s
}

/// Output bindings starting at `at`: the final output, or partial buffers.
fn out_bindings(
    last: bool,
    out: (DType, Access),
    value_dt: DType,
    op: ReduceOp,
    at: usize,
) -> String {
    if last {
        let elem = match out.0 {
            DType::Bool => "atomic<u32>".to_string(),
            d => scalar_ty(d).to_string(),
        };
        format!("@group(0) @binding({at}) var<storage, read_write> out0: array<{elem}>;\n")
    } else {
        let mut s = format!(
            "@group(0) @binding({at}) var<storage, read_write> pv: array<{}>;\n",
            acc_ty(op, value_dt)
        );
        if op.is_arg() {
            let _ = writeln!(
                s,
                "@group(0) @binding({}) var<storage, read_write> pi: array<u32>;",
                at + 1
            );
        }
        s
    }
}

/// The main function's body. Serial: an invocation per unit. With one part
/// per row (`last`: this pass writes the results) the unit is the row;
/// otherwise units are part-major (`row = u % rows`, `part = u / rows`) so
/// that neighbouring invocations reduce neighbouring rows (coalesced when
/// the kept axis is the contiguous one) and a dispatch covers one part of
/// a range of rows, which bounds its window when the reduced axis has a
/// huge stride. Workgroup: a workgroup per unit, units row-major
/// (`row = u / C`), each a chunk of one row reduced by a grid-stride loop
/// and a tree.
fn main_body(serial: bool, last: bool) -> String {
    if serial && last {
        return "    let unit = wid.x * WG + t + wid.y * (nwg.x * WG);\n    if (unit >= pw(0u)) {\n        return;\n    }\n    let row = pw(1u) + unit;\n    var acc = identity();\n    for (var r = 0u; r < k; r = r + 1u) {\n        acc = combine(acc, element(row, r));\n    }\n    store(row, 0u, acc);\n".to_string();
    }
    if serial {
        return "    let unit = wid.x * WG + t + wid.y * (nwg.x * WG);\n    if (unit >= pw(0u)) {\n        return;\n    }\n    let u = pw(1u) + unit;\n    let row = u % rows;\n    let part = u / rows;\n    let r0 = part * chunk;\n    let r1 = min(r0 + chunk, k);\n    var acc = identity();\n    for (var r = r0; r < r1; r = r + 1u) {\n        acc = combine(acc, element(row, r));\n    }\n    store(row, part, acc);\n".to_string();
    }
    "    let unit = wid.x + wid.y * nwg.x;\n    let live = unit < pw(0u);\n    let u = pw(1u) + unit;\n    let row = u / max(c, 1u);\n    let part = u % max(c, 1u);\n    var acc = identity();\n    if (live) {\n        let r1 = min(part * chunk + chunk, k);\n        for (var r = part * chunk + t; r < r1; r = r + WG) {\n            acc = combine(acc, element(row, r));\n        }\n    }\n    sv[t] = acc.v;\n    si[t] = acc.i;\n    workgroupBarrier();\n    for (var s = WG / 2u; s > 0u; s = s >> 1u) {\n        if (t < s) {\n            let m = combine(Acc(sv[t], si[t]), Acc(sv[t + s], si[t + s]));\n            sv[t] = m.v;\n            si[t] = m.i;\n        }\n        workgroupBarrier();\n    }\n    if (live && t == 0u) {\n        store(row, part, Acc(sv[0], si[0]));\n    }\n".to_string()
}

/// The uniform layout of a first pass.
pub(crate) fn first_layout(key: &ReduceKey) -> ParamLayout {
    let rank = key.body.rank;
    let mut ops: Vec<(Access, usize)> = key.body.inputs.iter().map(|&(_, a)| (a, rank)).collect();
    if key.last {
        ops.push((key.out.1, key.out_rank));
    }
    ParamLayout::new(rank, &ops, &key.body.const_dtypes())
}

/// The uniform layout of a partials pass.
pub(crate) fn partials_layout(key: &PartialsKey) -> ParamLayout {
    let ops: Vec<(Access, usize)> = if key.last {
        vec![(key.out.1, key.out_rank)]
    } else {
        vec![]
    };
    ParamLayout::new(key.out_rank, &ops, &[])
}

/// WGSL of a reduction's first pass.
pub(crate) fn generate_first(key: &ReduceKey, wg: u32) -> Result<String, String> {
    let value_dt = key
        .body
        .instrs
        .get(key.value)
        .map(|x| x.1)
        .ok_or("the reduced value does not exist")?;
    if key.last && key.out.0 != out_dtype(key.op, value_dt) {
        return Err(format!(
            "{} of {} writes {}, not {}",
            key.op.name(),
            value_dt.name(),
            out_dtype(key.op, value_dt).name(),
            key.out.0.name()
        ));
    }
    let pl = first_layout(key);
    let mut h = Helpers::default();
    let ni = key.body.inputs.len();
    let mut bindings = bindings_header(&key.body, Width::Scalar);
    bindings.push_str(&out_bindings(key.last, key.out, value_dt, key.op, 1 + ni));

    // `row` over the kept axes and `r` over the reduced ones are unravelled
    // separately (the flat index `row * K + r` may pass 2^32); contiguous
    // inputs read at `item`, the flat index relative to `FLAT_BASE`, in
    // wrapping arithmetic (exact: every position lies inside its window).
    let mut value = format!(
        "fn value(row: u32, r: u32) -> {} {{\n    let item = row * {} + r - {};\n",
        scalar_ty(value_dt),
        pw(ROW),
        pw(FLAT_BASE)
    );
    if body::needs_index(&key.body) {
        value.push_str(&unravel_axes(0..key.out_rank, pl.shape_at, "row", "i"));
        value.push_str(&unravel_axes(
            key.out_rank..key.body.rank,
            pl.shape_at,
            "r",
            "i",
        ));
    }
    value.push_str(&body::emit(
        &key.body,
        &pl,
        Width::Scalar,
        "i",
        None,
        &mut h,
    )?);
    let _ = write!(value, "    return v{};\n}}\n", key.value);

    let (fns, prep) = op_fns(key.op, value_dt, &mut h)?;
    let element = format!(
        "fn element(row: u32, r: u32) -> Acc {{\n    let x = value(row, r);\n    {prep}\n}}\n"
    );
    let store = store_fn(
        key.last,
        key.out,
        key.op,
        pl.slots.get(ni),
        pl.shape_at,
        key.out_rank,
    );
    Ok(assemble(
        &pl,
        bindings,
        &h,
        &[value, fns, element, store],
        acc_ty(key.op, value_dt),
        main_body(key.serial, key.last),
        wg,
    ))
}

/// WGSL of a later pass (partials of accumulator dtype `key.dtype` in, one
/// partial per unit or the final result out).
pub(crate) fn generate_partials(key: &PartialsKey, wg: u32) -> Result<String, String> {
    let value_dt = key.dtype;
    let pl = partials_layout(key);
    let mut h = Helpers::default();
    let mut bindings = format!(
        "@group(0) @binding(1) var<storage, read> qv: array<{}>;\n",
        acc_ty(key.op, value_dt)
    );
    let mut next = 2;
    if key.op.is_arg() {
        bindings.push_str("@group(0) @binding(2) var<storage, read> qi: array<u32>;\n");
        next = 3;
    }
    bindings.push_str(&out_bindings(key.last, key.out, value_dt, key.op, next));
    let (fns, _) = op_fns(key.op, value_dt, &mut h)?;
    let idx = if key.op.is_arg() { "qi[p]" } else { "r" };
    // Partials of row `row` are `K` consecutive values, read relative to
    // the window bound at `IN_BASE`.
    let element = format!(
        "fn element(row: u32, r: u32) -> Acc {{\n    let p = row * {} + r - {};\n    return Acc(qv[p], {idx});\n}}\n",
        pw(ROW),
        pw(IN_BASE)
    );
    let store = store_fn(
        key.last,
        key.out,
        key.op,
        pl.slots.first(),
        pl.shape_at,
        key.out_rank,
    );
    Ok(assemble(
        &pl,
        bindings,
        &h,
        &[fns, element, store],
        acc_ty(key.op, value_dt),
        main_body(key.serial, key.last),
        wg,
    ))
}

fn assemble(
    pl: &ParamLayout,
    bindings: String,
    h: &Helpers,
    fns: &[String],
    acc: &str,
    main: String,
    wg: u32,
) -> String {
    fill(
        TEMPLATE,
        &[
            ("{{PARAMS}}", pl.wgsl()),
            ("{{BINDINGS}}", bindings),
            ("{{HELPERS}}", h.source()),
            ("{{REDUCE_FNS}}", fns.join("\n")),
            ("{{ACC}}", acc.to_string()),
            ("{{WORKGROUP}}", wg.to_string()),
            ("{{MAIN}}", main),
        ],
    )
}
