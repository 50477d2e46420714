//! A product kernel normalised for the GPU and cut into units of work
//! ([`Units`]): its shader key, its
//! operands' strides over the normalised shape, and how its work is cut
//! into dispatches that fit the device's limits.
//!
//! - **Tiled** (a matrix product, [`Kernel::matmul_axes`]): the shape is
//!   `[batch…, m, n]`, the batch axes collapsed where every operand walks
//!   them as one. A *unit* is one row block (`bm` rows) of one product of
//!   the batch; its workgroups are that block's column tiles.
//! - **Naive**: the kernel's shape collapsed as an elementwise kernel's;
//!   a unit is one output element.
//!
//! A dispatch runs a range of units and binds, of every buffer, only the
//! *window* those units touch (`dispatch::window`), so operands, outputs
//! and epilogue inputs larger than one storage binding are bound piece by
//! piece, never copied: row blocks of `a`, of the output and of every
//! epilogue input, and the matrices of `b` of the products in range. What
//! cannot be cut that way is one unit's window: a tiled product needs one
//! whole matrix of `b` (and `bm` rows of `a`) in a binding, a naive one a
//! whole line of each operand. Such a product is refused by `check` (and
//! so runs on the CPU) with the reason.

use crate::codegen::gemm::{layout, FIRST, LEN, TILES_M, TILES_N, UNITS};
use crate::device::Limits;
use crate::dispatch::{self, span, window, Window};
use crate::exec::put_operand;
use crate::key::{body_of, collapse, Access, Fetch, GemmForm, GemmKey, Operand};
use crate::params::put_const;
use crate::tile::Tile;
use tandem_core::kernel::{Kernel, MatmulAxes};
use tandem_core::{DType, Scalar};

/// A product kernel ready to dispatch.
#[derive(Clone, Debug)]
pub(crate) struct Units {
    /// The shader.
    pub key: GemmKey,
    /// The normalised shape (tiled: `[batch…, m, n]`).
    pub shape: Vec<usize>,
    /// Inputs, then outputs, each strided over `shape`.
    pub operands: Vec<Operand>,
    /// How many of `operands` are inputs.
    pub inputs: usize,
    /// Constant values, in instruction order.
    pub consts: Vec<Scalar>,
    /// The operand inputs `a` and `b`.
    pub a: usize,
    pub b: usize,
    /// Their steps along the contracted axis.
    pub ka: isize,
    pub kb: isize,
    /// The contracted length.
    pub len: usize,
    /// Invocations per workgroup.
    pub workgroup: u32,
}

/// `(lo, hi)` of `k · step` for `k` in `0..len`.
fn reach(len: usize, step: isize) -> (i64, i64) {
    let far = len.saturating_sub(1) as i64 * step as i64;
    (far.min(0), far.max(0))
}

/// Every input and output of `kernel` as (dtype, layout strides, offset, buffer length).
fn all_strides(kernel: &Kernel) -> Vec<Vec<isize>> {
    kernel
        .inputs
        .iter()
        .map(|i| i.layout.strides.clone())
        .chain(kernel.outputs.iter().map(|o| o.layout.strides.clone()))
        .collect()
}

/// The operands of `kernel` over `shape` with the given strides, all strided.
fn operands(kernel: &Kernel, shape: &[usize], strides: Vec<Vec<isize>>) -> Vec<Operand> {
    let heads = kernel
        .inputs
        .iter()
        .map(|i| (i.dtype, i.layout.offset, i.buffer_len))
        .chain(
            kernel
                .outputs
                .iter()
                .map(|o| (o.dtype, o.layout.offset, o.buffer_len)),
        );
    heads
        .zip(strides)
        .map(|((dtype, offset, len), s)| {
            let mut o = Operand::new(dtype, shape, s, offset, len);
            o.access = Access::Strided;
            o
        })
        .collect()
}

impl Units {
    /// The naive plan of `kernel` (which has a product), with workgroups
    /// of `wg` invocations.
    pub fn naive(kernel: &Kernel, wg: u32) -> Units {
        let (_, dot) = kernel.dot().expect("a product kernel");
        let rank = kernel.shape.len();
        let (shape, strides, _) = collapse(&kernel.shape, &all_strides(kernel), rank);
        Units::new(kernel, shape, strides, GemmForm::Naive, wg, dot)
    }

    /// The tiled plan of `kernel`, a matrix product `mm`, with `tile`.
    pub fn tiled(kernel: &Kernel, mm: MatmulAxes, tile: Tile, limits: &Limits) -> Units {
        let r = kernel.shape.len();
        let all = all_strides(kernel);
        let batch: Vec<Vec<isize>> = all.iter().map(|s| s[..r - 2].to_vec()).collect();
        let (mut shape, bstrides, _) = collapse(&kernel.shape[..r - 2], &batch, r - 2);
        let br = shape.len();
        shape.extend([mm.m, mm.n]);
        let strides: Vec<Vec<isize>> = bstrides
            .into_iter()
            .zip(&all)
            .map(|(mut b, s)| {
                b.extend([s[r - 2], s[r - 1]]);
                b
            })
            .collect();
        let dot = mm.dot;
        let loaded = |i: usize| {
            kernel
                .instrs
                .iter()
                .any(|x| x.op == tandem_core::kernel::Op::Load(i))
        };
        let fetch = |i: usize, other: usize, k: isize, extent: usize| {
            let s = &strides[i];
            let inp = &kernel.inputs[i];
            let (o, kk) = (s[other].unsigned_abs(), k.unsigned_abs());
            let along_k = if kk == 1 || o == 1 {
                kk == 1
            } else {
                kk != 0 && (kk <= o || o == 0)
            };
            let (fast, slow, fast_len) = if along_k {
                (k, s[other], dot.len)
            } else {
                (s[other], k, extent)
            };
            let elem = inp.dtype.size_of() as u64;
            let vec4 = inp.dtype != DType::Bool
                && dot.a != dot.b
                && !loaded(i)
                && fast == 1
                && slow % 4 == 0
                && fast_len.is_multiple_of(4)
                && s[..br].iter().all(|x| x % 4 == 0)
                && inp.layout.offset.is_multiple_of(4)
                && limits.storage_align.is_multiple_of(4 * elem);
            Fetch { along_k, vec4 }
        };
        let form = GemmForm::Tiled {
            tile,
            a: fetch(dot.a, br, dot.a_stride, mm.m),
            b: fetch(dot.b, br + 1, dot.b_stride, mm.n),
        };
        Units::new(kernel, shape, strides, form, tile.invocations(), dot)
    }

    fn new(
        kernel: &Kernel,
        shape: Vec<usize>,
        strides: Vec<Vec<isize>>,
        form: GemmForm,
        workgroup: u32,
        dot: tandem_core::kernel::Dot,
    ) -> Units {
        let operands = operands(kernel, &shape, strides);
        let inputs = kernel.inputs.len();
        let (body, consts) = body_of(kernel, shape.len(), &operands[..inputs]);
        let key = GemmKey {
            body,
            outputs: kernel.outputs.iter().map(|o| (o.value, o.dtype)).collect(),
            form,
        };
        Units {
            key,
            shape,
            operands,
            inputs,
            consts,
            a: dot.a,
            b: dot.b,
            ka: dot.a_stride,
            kb: dot.b_stride,
            len: dot.len,
            workgroup,
        }
    }

    /// The tile, for a tiled plan.
    fn tile(&self) -> Option<Tile> {
        match self.key.form {
            GemmForm::Tiled { tile, .. } => Some(tile),
            GemmForm::Naive => None,
        }
    }

    /// Whether input `i` is read as `vec4`s.
    fn vec4(&self, i: usize) -> bool {
        match self.key.form {
            GemmForm::Tiled { a, b, .. } => (i == self.a && a.vec4) || (i == self.b && b.vec4),
            GemmForm::Naive => false,
        }
    }

    /// `(m, n, tiles along m, tiles along n, products in the batch)` of a tiled plan.
    fn grid_dims(&self, tile: Tile) -> (usize, usize, usize, usize, usize) {
        let r = self.shape.len();
        let (m, n) = (self.shape[r - 2], self.shape[r - 1]);
        let batch = self.shape[..r - 2].iter().product();
        (
            m,
            n,
            m.div_ceil(tile.bm as usize),
            n.div_ceil(tile.bn as usize),
            batch,
        )
    }

    /// Units of work (tiled: row blocks of products; naive: elements).
    pub fn units(&self) -> usize {
        match self.tile() {
            Some(t) => {
                let (_, _, tm, _, batch) = self.grid_dims(t);
                tm * batch
            }
            None => self.shape.iter().product(),
        }
    }

    /// Workgroups that units `u0..u1` take.
    pub fn workgroups(&self, u0: usize, u1: usize) -> u64 {
        match self.tile() {
            Some(t) => {
                let (_, _, _, tn, _) = self.grid_dims(t);
                ((u1 - u0) * tn) as u64
            }
            None => ((u1 - u0) as u64).div_ceil(u64::from(self.workgroup)),
        }
    }

    /// The window of every operand (inputs, then outputs) that units
    /// `u0..u1` (non-empty) touch; `phys` are the buffers' sizes in bytes.
    pub fn windows(&self, u0: usize, u1: usize, phys: &[u64], limits: &Limits) -> Vec<Window> {
        let spans: Vec<(i64, i64)> = match self.tile() {
            Some(t) => self.tiled_spans(t, u0, u1),
            None => self
                .operands
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let (mut lo, mut hi) =
                        span(&self.shape, &o.strides, o.offset, Access::Strided, u0, u1);
                    for (which, k) in [(self.a, self.ka), (self.b, self.kb)] {
                        if i == which {
                            let (x, y) = reach(self.len, k);
                            (lo, hi) = (lo.min(lo + x), hi.max(hi + y));
                        }
                    }
                    (lo, hi)
                })
                .collect(),
        };
        spans
            .into_iter()
            .zip(&self.operands)
            .zip(phys)
            .enumerate()
            .map(|(i, (((lo, hi), o), &p))| {
                let elem = o.dtype.size_of();
                let round = if i < self.inputs && self.vec4(i) {
                    4 * elem as u64
                } else {
                    4
                };
                window(lo, hi, elem, limits, p, round)
            })
            .collect()
    }

    /// The positions each operand may touch for row blocks `u0..u1`.
    fn tiled_spans(&self, t: Tile, u0: usize, u1: usize) -> Vec<(i64, i64)> {
        let (m, n, tm, _, _) = self.grid_dims(t);
        let r = self.shape.len();
        let br = r - 2;
        let bm = t.bm as usize;
        // Rows (flat over [batch…, m]) and products of the batch in range.
        let (b0, b1) = (u0 / tm, (u1 - 1) / tm);
        let row0 = b0 * m + (u0 % tm) * bm;
        let row1 = b1 * m + (((u1 - 1) % tm + 1) * bm).min(m);
        let rows_shape = &self.shape[..r - 1];
        self.operands
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let mut parts: Vec<(i64, i64)> = Vec::new();
                if i == self.a {
                    let (lo, hi) = span(
                        rows_shape,
                        &o.strides[..r - 1],
                        o.offset,
                        Access::Strided,
                        row0,
                        row1,
                    );
                    let (x, y) = reach(self.len, self.ka);
                    parts.push((lo + x, hi + y));
                }
                if i == self.b {
                    let (lo, hi) = span(
                        &self.shape[..br],
                        &o.strides[..br],
                        o.offset,
                        Access::Strided,
                        b0,
                        b1 + 1,
                    );
                    let (x, y) = reach(self.len, self.kb);
                    let (p, q) = reach(n, o.strides[r - 1]);
                    parts.push((lo + x + p, hi + y + q));
                }
                if parts.is_empty() {
                    parts.push(span(
                        &self.shape,
                        &o.strides,
                        o.offset,
                        Access::Strided,
                        row0 * n,
                        row1 * n,
                    ));
                }
                parts
                    .into_iter()
                    .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
                    .expect("a span")
            })
            .collect()
    }

    /// Cuts the units into dispatches that fit the limits, or `None` when
    /// one unit does not (see the module docs).
    pub fn split(&self, phys: &[u64], limits: &Limits) -> Option<Vec<(usize, usize)>> {
        let units = self.units();
        if units == 0 {
            return Some(Vec::new());
        }
        let max_wg = dispatch::max_workgroups(limits);
        dispatch::split(units, 1, |u0, u1| {
            self.workgroups(u0, u1) <= max_wg
                && self
                    .windows(u0, u1, phys, limits)
                    .iter()
                    .all(|w| w.size <= limits.max_binding)
        })
    }

    /// The uniform words of the dispatch of units `u0..u1` with windows `ws`.
    pub fn words(&self, u0: usize, u1: usize, ws: &[Window]) -> Vec<u32> {
        let pl = layout(&self.key);
        let mut words = pl.block();
        words[UNITS] = (u1 - u0) as u32;
        words[FIRST] = u0 as u32;
        words[LEN] = self.len as u32;
        if let Some(t) = self.tile() {
            let (_, _, tm, tn, _) = self.grid_dims(t);
            words[TILES_M] = tm as u32;
            words[TILES_N] = tn as u32;
        }
        for (k, &d) in self.shape.iter().enumerate() {
            words[pl.shape_at + k] = d as u32;
        }
        for (k, (o, w)) in self.operands.iter().zip(ws).enumerate() {
            put_operand(&mut words, &pl, k, o, w, 0);
        }
        let rank = self.shape.len();
        for (i, step) in [(self.a, self.ka), (self.b, self.kb)] {
            let at = pl.slots[i].strides.expect("operands are strided");
            words[at + rank] = step as i32 as u32;
        }
        for (c, &at) in self.consts.iter().zip(&pl.consts) {
            put_const(&mut words, at, *c);
        }
        words
    }
}
