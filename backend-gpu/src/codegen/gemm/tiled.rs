//! `main` of the tiled product. The body's shape is `[batch…, m, n]`.
//! Each workgroup computes a `bm × bn` block of one product of the batch
//! (its place in the grid says which: tiles along the columns first, then
//! row blocks, then the batch, so consecutive workgroups share a row block
//! of `a`). Per step of `bk` along the contracted axis, the workgroup's
//! invocations copy a `bm × bk` tile of `a` and a `bk × bn` tile of `b`
//! into workgroup memory (zeros past the edges, so uneven sizes need no
//! other case), then each invocation accumulates its `tm × tn` block of
//! outputs in registers from `tm + tn` values per step: `tm·tn` multiply-
//! adds per `tm + tn` workgroup-memory reads instead of one per two.
//!
//! Tiles are stored contracted-axis-major (`sa[k·bm + row]`). Invocation
//! `(ty, tx)` owns rows `ty + r·(bm/tm)` and columns `tx + c·(bn/tn)` of
//! the block (strided, not a contiguous sub-block): consecutive
//! invocations then read consecutive words of `sb` (no bank conflicts on
//! hardware), invocations of one row group the same word of `sa` (a
//! broadcast), and neighbours store neighbouring outputs. Filling tiles,
//! consecutive invocations step along whichever axis of the operand is the
//! closer in memory ([`Fetch::along_k`]), four elements per load where the
//! operand is an array of `vec4`s ([`Fetch::vec4`]: that axis contiguous,
//! everything else a multiple of four, checked by the planner).
//!
//! Every index and size is uniform data; the tile is a constant. All the
//! loops over a register block are unrolled here (named registers, never
//! an indexed array, which a compiler may keep in memory).

use super::parts::{acc_ty, iw, mac, read_acc, zero, FIRST, LEN, TILES_M, TILES_N, UNITS};
use crate::codegen::body::unravel_axes;
use crate::key::{Fetch, GemmKey};
use crate::params::{pw, ParamLayout};
use crate::tile::Tile;
use std::fmt::Write;
use tandem_core::DType;

/// One operand as the tile loader sees it.
struct Side<'a> {
    /// The operand's array.
    arr: String,
    /// The tile in workgroup memory.
    shared: &'a str,
    /// The tile's extent along the operand's other axis (`bm` or `bn`).
    extent: u32,
    /// The first row (column) of the block, and the rows (columns) there are.
    first: &'a str,
    limit: &'a str,
    /// Names of the base position and of the strides along the other and the contracted axis.
    base: &'a str,
    step: &'a str,
    kstep: &'a str,
    fetch: Fetch,
}

/// The body of `main` for `key` with `tile`; `a` and `b` are the operand
/// inputs and how each is read.
pub(crate) fn main(
    key: &GemmKey,
    pl: &ParamLayout,
    tile: Tile,
    (a, fa): (usize, Fetch),
    (b, fb): (usize, Fetch),
    dt: DType,
) -> String {
    let rank = key.body.rank;
    let br = rank - 2;
    let Tile { bm, bn, bk, tm, tn } = tile;
    let tx = bn / tn;
    let ty_n = bm / tm;
    let mut s = String::new();
    let _ = write!(
        s,
        "    let tiles_n = pw({TILES_N}u);\n    let wg = wid.x + wid.y * nwg.x;\n    let u = wg / tiles_n;\n    if (u >= pw({UNITS}u)) {{\n        return;\n    }}\n    let unit = pw({FIRST}u) + u;\n    let tiles_m = pw({TILES_M}u);\n    let col0 = (wg % tiles_n) * {bn}u;\n    let row0 = (unit % tiles_m) * {bm}u;\n    let batch = unit / tiles_m;\n"
    );
    s.push_str(&unravel_axes(0..br, pl.shape_at, "batch", "i"));
    let _ = write!(
        s,
        "    let m = {};\n    let n = {};\n    let len = pw({LEN}u);\n",
        pw(pl.shape_at + br),
        pw(pl.shape_at + br + 1)
    );
    // Operand bases at this product of the batch, and their strides.
    for (name, input, other) in [("a", a, br), ("b", b, br + 1)] {
        let slot = &pl.slots[input];
        let st = slot.strides.expect("operands are strided");
        let mut e = iw(slot.base);
        for k in 0..br {
            let _ = write!(e, " + i32(i{k}) * {}", iw(st + k));
        }
        let _ = writeln!(
            s,
            "    let {name}0 = {e};\n    let {name}step = {};\n    let {name}kstep = {};",
            iw(st + other),
            iw(st + rank)
        );
    }
    let _ = writeln!(s, "    let tx = t % {tx}u;\n    let ty = t / {tx}u;");
    let z = zero(dt);
    for r in 0..tm {
        for c in 0..tn {
            let _ = writeln!(s, "    var c{r}_{c}: {} = {z};", acc_ty(dt));
        }
    }
    let _ = writeln!(s, "    for (var k0 = 0u; k0 < len; k0 = k0 + {bk}u) {{");
    let threads = tile.invocations();
    let sides = [
        Side {
            arr: format!("in{a}"),
            shared: "sa",
            extent: bm,
            first: "row0",
            limit: "m",
            base: "a0",
            step: "astep",
            kstep: "akstep",
            fetch: fa,
        },
        Side {
            arr: format!("in{b}"),
            shared: "sb",
            extent: bn,
            first: "col0",
            limit: "n",
            base: "b0",
            step: "bstep",
            kstep: "bkstep",
            fetch: fb,
        },
    ];
    for side in &sides {
        s.push_str(&load_tile(side, bk, threads, dt));
    }
    s.push_str("        workgroupBarrier();\n");
    let _ = writeln!(s, "        for (var kk = 0u; kk < {bk}u; kk = kk + 1u) {{");
    for r in 0..tm {
        let _ = writeln!(
            s,
            "            let x{r} = sa[kk * {bm}u + ty + {}u];",
            r * ty_n
        );
    }
    for c in 0..tn {
        let _ = writeln!(
            s,
            "            let y{c} = sb[kk * {bn}u + tx + {}u];",
            c * tx
        );
    }
    for r in 0..tm {
        for c in 0..tn {
            let _ = writeln!(
                s,
                "            {}",
                mac(dt, &format!("c{r}_{c}"), &format!("x{r}"), &format!("y{c}"))
            );
        }
    }
    s.push_str("        }\n        workgroupBarrier();\n    }\n");
    let batch_idx: String = (0..br).map(|k| format!("i{k}, ")).collect();
    let _ = writeln!(s, "    let r0 = row0 + ty;\n    let q0 = col0 + tx;");
    for r in 0..tm {
        for c in 0..tn {
            let (dr, dc) = (r * ty_n, c * tx);
            let _ = writeln!(
                s,
                "    if (r0 + {dr}u < m && q0 + {dc}u < n) {{\n        epilogue(c{r}_{c}, {batch_idx}r0 + {dr}u, q0 + {dc}u);\n    }}"
            );
        }
    }
    s
}

/// The statements copying one operand's tile for step `k0` into workgroup
/// memory: each invocation `ceil(elements / threads)` loads (of `vec4`s
/// where it may), zeros outside the operand.
fn load_tile(side: &Side, bk: u32, threads: u32, dt: DType) -> String {
    let Side {
        arr,
        shared,
        extent,
        first,
        limit,
        base,
        step,
        kstep,
        fetch,
    } = side;
    let lanes = if fetch.vec4 { 4 } else { 1 };
    let items = extent * bk / lanes;
    let mut s = String::new();
    for l in 0..items.div_ceil(threads) {
        let _ = writeln!(s, "        {{\n            let e = t + {}u;", l * threads);
        let guarded = (l + 1) * threads > items;
        if guarded {
            let _ = writeln!(s, "            if (e < {items}u) {{");
        }
        // (q, kq): the element's place along the other and the contracted axis.
        let (q, kq) = match (fetch.along_k, fetch.vec4) {
            (true, false) => (format!("e / {bk}u"), format!("e % {bk}u")),
            (false, false) => (format!("e % {extent}u"), format!("e / {extent}u")),
            (true, true) => (
                format!("e / {}u", bk / 4),
                format!("(e % {}u) * 4u", bk / 4),
            ),
            (false, true) => (
                format!("(e % {}u) * 4u", extent / 4),
                format!("e / {}u", extent / 4),
            ),
        };
        let _ = writeln!(
            s,
            "            let q = {q};\n            let kq = {kq};\n            let gq = {first} + q;\n            let gk = k0 + kq;\n            let inside = gq < {limit} && gk < len;\n            let p = {base} + i32(gq) * {step} + i32(gk) * {kstep};"
        );
        if fetch.vec4 {
            let ty = acc_ty(dt);
            let _ = writeln!(
                s,
                "            var v = vec4<{ty}>({});\n            if (inside) {{\n                v = {arr}[u32(p) >> 2u];\n            }}",
                zero(dt)
            );
            for c in 0..4 {
                let at = if fetch.along_k {
                    format!("(kq + {c}u) * {extent}u + q")
                } else {
                    format!("kq * {extent}u + q + {c}u")
                };
                let _ = writeln!(s, "            {shared}[{at}] = v[{c}];");
            }
        } else {
            let _ = writeln!(
                s,
                "            var v = {};\n            if (inside) {{\n                v = {};\n            }}\n            {shared}[kq * {extent}u + q] = v;",
                zero(dt),
                read_acc(arr, dt, "u32(p)")
            );
        }
        if guarded {
            s.push_str("            }\n");
        }
        s.push_str("        }\n");
    }
    s
}
