//! `main` of the naive product: one invocation per output element (the
//! flat index unravelled over the body's shape, as the elementwise kernels
//! do), a loop over the contracted axis reading both operands through
//! their strides, then the epilogue. It runs every product that is not a
//! matrix product (`matvec`, `vecdot`, batches of vector dots, whose
//! operands have no second axis to tile), and is the baseline the tiled
//! form is measured against.

use super::parts::{iw, mac, read_acc, zero, FIRST, LEN, UNITS};
use crate::codegen::body::unravel;
use crate::key::GemmKey;
use crate::params::ParamLayout;
use std::fmt::Write;
use tandem_core::DType;

/// The body of `main` for `key` (naive form) with workgroups of `wg`.
pub(crate) fn main(
    key: &GemmKey,
    pl: &ParamLayout,
    a: usize,
    b: usize,
    dt: DType,
    wg: u32,
) -> String {
    let rank = key.body.rank;
    let mut s = format!(
        "    let item = gid.x + gid.y * (nwg.x * {wg}u);\n    if (item >= pw({UNITS}u)) {{\n        return;\n    }}\n    let f = pw({FIRST}u) + item;\n"
    );
    s.push_str(&unravel(rank, pl.shape_at, "f", "i"));
    for (name, input) in [("a", a), ("b", b)] {
        let slot = &pl.slots[input];
        let st = slot.strides.expect("operands are strided");
        let mut e = iw(slot.base);
        for k in 0..rank {
            let _ = write!(e, " + i32(i{k}) * {}", iw(st + k));
        }
        let _ = writeln!(
            s,
            "    let p{name} = {e};\n    let k{name} = {};",
            iw(st + rank)
        );
    }
    let x = read_acc(&format!("in{a}"), dt, "u32(pa + i32(k) * ka)");
    let y = read_acc(&format!("in{b}"), dt, "u32(pb + i32(k) * kb)");
    let _ = write!(
        s,
        "    var acc = {};\n    let len = pw({LEN}u);\n    for (var k = 0u; k < len; k = k + 1u) {{\n        let x = {x};\n        let y = {y};\n        {}\n    }}\n",
        zero(dt),
        mac(dt, "acc", "x", "y")
    );
    let idx: Vec<String> = (0..rank).map(|k| format!(", i{k}")).collect();
    let _ = writeln!(s, "    epilogue(acc{});", idx.concat());
    s
}
