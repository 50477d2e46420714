//! Running a kernel that ends in a reduction. The iteration axes are
//! reordered (kept axes first, reduced axes last, never the data), so each
//! of the `M` outputs (rows) reduces `K` elements. Rows are cut into parts,
//! and a dispatch runs a range of *units*, one part of one row each:
//!
//! - **Workgroup** units (rows longer than `SERIAL_MAX`): a part of
//!   `workgroup * PER_THREAD` elements per workgroup (tree reduction in
//!   workgroup memory). Units run row by row.
//! - **Serial** units: an invocation per unit. Short rows are one part;
//!   otherwise rows are cut into short parts, and units run part by part
//!   (a dispatch covers one part of a range of rows).
//!
//! With more than one part per row, the partials are reduced again, pass
//! after pass, until one per row remains, which is written through the
//! output's layout. Every buffer, partials included, is bound in windows
//! of at most one storage binding (`dispatch::window`), so arrays larger
//! than a binding reduce along any axis. The usual cut fails only when one
//! unit spans more than a binding: a reduced axis whose stride is huge (a
//! column sum of a matrix whose rows are wider than a binding / the part
//! length). Then rows are cut into shorter serial parts, part by part,
//! until each dispatch's window fits: that bounds the reduced extent of a
//! window to one part whatever the kept extent is. A plan that would need
//! hundreds of tiny dispatches is replaced the same way.
//!
//! Indices in the shaders stay 32-bit although a kernel may have more than
//! 2^32 elements (a reduction of broadcast inputs): a row and a position in
//! the row are separate `u32`s, and buffer positions are relative to their
//! window (wrapping arithmetic, exact because each lands inside it).

use crate::codegen::reduce::{acc_dtype, first_layout, out_dtype, partials_layout};
use crate::command::{Bound, Dispatch};
use crate::context::DeviceContext;
use crate::device::Limits;
use crate::dispatch::{self, grid, span, window, Window};
use crate::exec::put_operand;
use crate::key::{self, Access, Normalized, Operand, PartialsKey, ReduceKey, ShaderKey};
use crate::params::{
    put_const, ParamLayout, CHUNKS, CHUNK_LEN, FLAT_BASE, IN_BASE, N, OUT_BASE, ROW, ROWS, START,
};
use crate::pipeline_cache::BindKind;
use crate::pool::{GpuBuffer, STORAGE};
use crate::record;
use tandem_core::kernel::{Kernel, Reduction};
use tandem_core::ops::ReduceOp;
use tandem_core::{DType, Error, Result};

/// Rows up to this long are reduced by one invocation each.
pub(crate) const SERIAL_MAX: usize = 64;
/// Elements each invocation folds serially before the tree (keeps float
/// sums pairwise-accurate while giving each workgroup enough work).
const PER_THREAD: usize = 64;
/// The longest part a serial invocation folds when rows must be cut (a
/// float sum of a part is sequential, as NumPy's own sum over an outer axis).
const SEGMENT_MAX: usize = 1024;
/// More dispatches than this for one pass means the cut is wrong for the
/// layout (units whose windows barely fit one by one): try a shorter one.
const DISPATCH_BUDGET: usize = 256;
/// The longest row the shaders index: positions in a row are `u32`, and a
/// grid-stride loop steps one workgroup past the last.
pub(crate) const MAX_ROW: usize = u32::MAX as usize - (1 << 16);

/// How rows are cut into units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cut {
    /// An invocation per unit (units part by part), else a workgroup per
    /// unit (units row by row).
    pub serial: bool,
    /// Parts per row (`C`).
    pub parts: usize,
    /// Elements per part.
    pub len: usize,
}

/// What units `u0..u1` of a cut touch: rows `r0..r1`, positions `j0..j1`
/// in those rows (a bound: every row of a range that spans several parts),
/// and partial results `q0..=q1` (row-major, `C` per row).
struct Region {
    r0: usize,
    r1: usize,
    j0: usize,
    j1: usize,
    q0: usize,
    q1: usize,
}

impl Cut {
    /// The usual cut: short rows whole, long rows in workgroup chunks.
    fn usual(k: usize, limits: &Limits) -> Cut {
        if k <= SERIAL_MAX {
            Cut {
                serial: true,
                parts: 1,
                len: k.max(1),
            }
        } else {
            let ch = chunk_len(limits);
            Cut {
                serial: false,
                parts: k.div_ceil(ch).max(1),
                len: ch,
            }
        }
    }

    /// Serial parts of at most `len` elements.
    fn serial(k: usize, len: usize) -> Cut {
        let len = len.clamp(1, k.max(1));
        Cut {
            serial: true,
            parts: k.div_ceil(len).max(1),
            len,
        }
    }

    fn region(&self, m: usize, k: usize, u0: usize, u1: usize) -> Region {
        let c = self.parts;
        let (r0, r1, p0, p1) = if self.serial {
            let (p0, p1) = (u0 / m, (u1 - 1) / m);
            if p0 == p1 {
                (u0 % m, (u1 - 1) % m + 1, p0, p1)
            } else {
                (0, m, p0, p1)
            }
        } else {
            let (r0, r1) = (u0 / c, (u1 - 1) / c + 1);
            if r1 - r0 == 1 {
                (r0, r1, u0 % c, (u1 - 1) % c)
            } else {
                (r0, r1, 0, c - 1)
            }
        };
        Region {
            r0,
            r1,
            j0: (p0 * self.len).min(k),
            j1: (p1 * self.len + self.len).min(k),
            q0: r0 * c + p0,
            q1: (r1 - 1) * c + p1,
        }
    }
}

/// A reduction kernel normalised for the GPU: kept axes first.
pub(crate) struct Prepared {
    pub n: Normalized,
    /// Number of kept axes.
    pub split: usize,
    /// Rows (outputs).
    pub m: usize,
    /// Elements per row.
    pub k: usize,
    /// The dtype of the reduced value.
    pub value_dt: DType,
    /// The instruction whose value is reduced.
    pub value: usize,
}

/// Normalises `kernel` and checks its output dtype against `red`.
pub(crate) fn prepare(kernel: &Kernel, red: &Reduction) -> Result<Prepared> {
    let out = kernel
        .outputs
        .first()
        .filter(|_| kernel.outputs.len() == 1)
        .ok_or_else(|| {
            Error::invalid("gpu reduction", "a reduction kernel has exactly one output")
        })?;
    let value_dt = kernel
        .instrs
        .get(out.value)
        .map(|i| i.dtype)
        .ok_or_else(|| Error::invalid("gpu reduction", "the reduced value does not exist"))?;
    if out.dtype != out_dtype(red.op, value_dt) {
        return Err(Error::invalid(
            "gpu reduction",
            format!(
                "{} of {} cannot write {}",
                red.op.name(),
                value_dt.name(),
                out.dtype.name()
            ),
        ));
    }
    let (n, split) = key::normalize_reduction(kernel, &red.axes);
    let m = n.shape[..split].iter().product();
    let k = n.shape[split..].iter().product();
    Ok(Prepared {
        n,
        split,
        m,
        k,
        value_dt,
        value: out.value,
    })
}

/// The first pass's key for `cut`.
pub(crate) fn key_for(p: &Prepared, op: ReduceOp, cut: Cut) -> ReduceKey {
    let out = &p.n.outputs[0];
    ReduceKey {
        body: p.n.body.clone(),
        value: p.value,
        op,
        last: cut.parts <= 1,
        out: (out.dtype, out.access),
        out_rank: p.split,
        serial: cut.serial,
    }
}

/// The key of the first pass `kernel` usually needs (what `check` compiles).
pub(crate) fn first_key(kernel: &Kernel, red: &Reduction, limits: &Limits) -> Result<ReduceKey> {
    let p = prepare(kernel, red)?;
    Ok(key_for(&p, red.op, Cut::usual(p.k, limits)))
}

/// Elements per workgroup chunk: `PER_THREAD` per invocation, fewer when
/// the binding limit is tiny (a chunk of contiguous 8-byte elements must fit).
pub(crate) fn chunk_len(limits: &Limits) -> usize {
    let fit = (limits.max_binding / 16) as usize;
    (limits.workgroup as usize * PER_THREAD).min(fit.max(limits.workgroup as usize))
}

fn first_binds(key: &ReduceKey) -> Vec<BindKind> {
    let mut b = vec![BindKind::Uniform];
    b.extend(std::iter::repeat_n(BindKind::Read, key.body.inputs.len()));
    let outs = if key.last || !key.op.is_arg() { 1 } else { 2 };
    b.extend(std::iter::repeat_n(BindKind::Write, outs));
    b
}

fn partial_binds(key: &PartialsKey) -> Vec<BindKind> {
    let arg = key.op.is_arg();
    let mut b = vec![BindKind::Uniform, BindKind::Read];
    if arg {
        b.push(BindKind::Read);
    }
    b.push(BindKind::Write);
    if arg && !key.last {
        b.push(BindKind::Write);
    }
    b
}

/// The window of operand `o` over rows `r0..r1` and positions `j0..j1`
/// (the sum of the kept and the reduced axes' extents).
fn input_window(p: &Prepared, o: &Operand, reg: &Region, limits: &Limits, phys: u64) -> Window {
    let elem = o.dtype.size_of();
    if reg.j1 <= reg.j0 {
        return window(0, 0, elem, limits, phys, 4);
    }
    let s = p.split;
    let (klo, khi) = span(
        &p.n.shape[..s],
        &o.strides[..s],
        o.offset,
        Access::Strided,
        reg.r0,
        reg.r1,
    );
    let (rlo, rhi) = span(
        &p.n.shape[s..],
        &o.strides[s..],
        0,
        Access::Strided,
        reg.j0,
        reg.j1,
    );
    window(klo + rlo, khi + rhi, elem, limits, phys, 4)
}

/// The output window for rows `r0..r1`.
fn out_window(p: &Prepared, r0: usize, r1: usize, limits: &Limits, phys: u64) -> Window {
    let o = &p.n.outputs[0];
    let (lo, hi) = span(
        &p.n.shape[..p.split],
        &o.strides,
        o.offset,
        o.access,
        r0,
        r1,
    );
    window(lo, hi, o.dtype.size_of(), limits, phys, 4)
}

fn put_out(words: &mut [u32], pl: &ParamLayout, k: usize, o: &Operand, w: &Window) {
    let slot = &pl.slots[k];
    // The position of row 0, relative to the window.
    words[slot.base] = (o.offset as i64 - w.base as i64) as i32 as u32;
    if let Some(at) = slot.strides {
        for (i, &st) in o.strides.iter().enumerate() {
            words[at + i] = st as i32 as u32;
        }
    }
}

/// A partial-results buffer pair (values, and indices for arg-reductions).
struct Partials {
    values: GpuBuffer,
    indices: Option<GpuBuffer>,
    /// Bytes per value.
    elem: usize,
    /// Partials held.
    len: usize,
}

impl Partials {
    /// The windows of partials `q0..=q1` in both buffers. They share one
    /// base index (the shaders index both with it), so the base is aligned
    /// for 4-byte indices and 8-byte values alike.
    fn windows(&self, q0: usize, q1: usize, limits: &Limits) -> (Window, Option<Window>, usize) {
        let step = (limits.storage_align / 4).max(1) as usize;
        let base = q0 / step * step;
        let w = |elem: usize, b: &GpuBuffer| {
            let end = ((q1 + 1) * elem).div_ceil(4) * 4;
            let end = (end as u64).min(b.raw().size());
            Window {
                offset: (base * elem) as u64,
                size: end - (base * elem) as u64,
                base,
            }
        };
        (
            w(self.elem, &self.values),
            self.indices.as_ref().map(|ix| w(4, ix)),
            base,
        )
    }

    /// Whether the windows of partials `q0..=q1` fit one binding.
    fn fit(elem: usize, arg: bool, q0: usize, q1: usize, limits: &Limits) -> bool {
        let step = (limits.storage_align / 4).max(1) as usize;
        let base = q0 / step * step;
        let widest = if arg { elem.max(4) } else { elem };
        ((q1 + 1 - base) * widest) as u64 <= limits.max_binding
    }

    fn bind<'a>(
        &'a self,
        bound: &mut Vec<Bound<'a>>,
        q0: usize,
        q1: usize,
        limits: &Limits,
    ) -> usize {
        let (wv, wi, base) = self.windows(q0, q1, limits);
        bound.push(Bound {
            buffer: &self.values,
            window: wv,
        });
        if let (Some(ix), Some(window)) = (&self.indices, wi) {
            bound.push(Bound { buffer: ix, window });
        }
        base
    }
}

fn partials(inner: &DeviceContext, len: usize, op: ReduceOp, value_dt: DType) -> Result<Partials> {
    let elem = acc_dtype(op, value_dt).size_of();
    let values = inner.pool.get(
        &inner.gpu,
        STORAGE,
        (len * elem) as u64,
        "reduction partials",
    )?;
    let indices = if op.is_arg() {
        Some(
            inner
                .pool
                .get(&inner.gpu, STORAGE, len as u64 * 4, "reduction partials")?,
        )
    } else {
        None
    };
    Ok(Partials {
        values,
        indices,
        elem,
        len,
    })
}

/// Workgroups a dispatch of `units` needs.
fn groups(serial: bool, units: usize, limits: &Limits) -> u64 {
    if serial {
        (units as u64).div_ceil(u64::from(limits.workgroup))
    } else {
        units as u64
    }
}

/// The cut for the first pass and its dispatch ranges: the usual cut if
/// it fits in a reasonable number of dispatches, else the longest serial
/// parts that do, else (with more dispatches allowed, round by round) the
/// first that fits at all.
fn choose(
    p: &Prepared,
    op: ReduceOp,
    inputs: &[&GpuBuffer],
    output: &GpuBuffer,
    limits: &Limits,
) -> Option<(Cut, Vec<(usize, usize)>)> {
    let (m, k) = (p.m, p.k);
    let mut cuts = vec![Cut::usual(k, limits)];
    let mut len = k.clamp(1, SEGMENT_MAX);
    loop {
        let cut = Cut::serial(k, len);
        if !cuts.contains(&cut) {
            cuts.push(cut);
        }
        if len == 1 {
            break;
        }
        len /= 2;
    }
    let acc = acc_dtype(op, p.value_dt).size_of();
    let out_phys = output.raw().size();
    let try_cut = |cut: &Cut, budget: usize| -> Option<Vec<(usize, usize)>> {
        let units = m.checked_mul(cut.parts)?;
        let last = cut.parts <= 1;
        if units > u32::MAX as usize || (!last && (units * acc.max(4)) as u64 > limits.max_buffer) {
            return None;
        }
        let fits = |u0: usize, u1: usize| {
            let reg = cut.region(m, k, u0, u1);
            let out_ok = if last {
                out_window(p, reg.r0, reg.r1, limits, out_phys).size <= limits.max_binding
            } else {
                Partials::fit(acc, op.is_arg(), reg.q0, reg.q1, limits)
            };
            groups(cut.serial, u1 - u0, limits) <= dispatch::max_workgroups(limits)
                && out_ok
                && p.n.inputs.iter().zip(inputs).all(|(o, b)| {
                    input_window(p, o, &reg, limits, b.raw().size()).size <= limits.max_binding
                })
        };
        if !cut.serial || cut.parts == 1 {
            return dispatch::split_at_most(units, 1, budget, fits);
        }
        // Part by part: a range across two parts spans every row of both.
        let mut all = Vec::new();
        for base in (0..units).step_by(m) {
            let left = budget.saturating_sub(all.len());
            let part = dispatch::split_at_most(m, 1, left, |a, b| fits(base + a, base + b))?;
            all.extend(part.into_iter().map(|(a, b)| (base + a, base + b)));
        }
        Some(all)
    };
    // The first cut (in order of preference) within the smallest budget:
    // each round is capped, so planning stays cheap even when every cut
    // needs many dispatches.
    [
        DISPATCH_BUDGET,
        DISPATCH_BUDGET << 4,
        DISPATCH_BUDGET << 8,
        usize::MAX,
    ]
    .into_iter()
    .find_map(|budget| {
        cuts.iter()
            .find_map(|c| try_cut(c, budget).map(|r| (*c, r)))
    })
}

/// Runs a reduction kernel into `output`.
pub(crate) fn run(
    inner: &DeviceContext,
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&GpuBuffer],
    output: &GpuBuffer,
) -> Result<()> {
    let gpu = &inner.gpu;
    let limits = &gpu.limits;
    let p = prepare(kernel, red)?;
    let (m, k) = (p.m, p.k);
    if m == 0 {
        return Ok(());
    }
    let (cut, ranges) = choose(&p, red.op, inputs, output, limits)
        .ok_or_else(|| dispatch::too_big(gpu, "a reduction's operand"))?;
    let key = key_for(&p, red.op, cut);
    let n = &p.n;
    let kept = &n.shape[..p.split];
    let out = &n.outputs[0];
    let compiled = inner
        .cache
        .get(gpu, &ShaderKey::Reduce(key.clone()), &first_binds(&key))?;
    let pl = first_layout(&key);
    let mut rec = inner.batch.record(gpu);
    let mut keep_alive: Vec<GpuBuffer> = Vec::new();
    let first_out = if key.last {
        None
    } else {
        Some(partials(inner, m * cut.parts, red.op, p.value_dt)?)
    };

    // Pass 1: the kernel body, windows of the inputs per dispatch.
    let mut ds = Vec::new();
    for &(u0, u1) in &ranges {
        let reg = cut.region(m, k, u0, u1);
        let f0 = reg.r0 as u64 * k as u64 + reg.j0 as u64;
        let ws: Vec<Window> = n
            .inputs
            .iter()
            .zip(inputs)
            .map(|(o, b)| input_window(&p, o, &reg, limits, b.raw().size()))
            .collect();
        let mut words = pl.block();
        words[N] = (u1 - u0) as u32;
        words[START] = u0 as u32;
        words[ROW] = k as u32;
        words[CHUNKS] = cut.parts as u32;
        words[CHUNK_LEN] = cut.len as u32;
        // Modulo 2^32: contiguous positions are computed in wrapping arithmetic.
        words[FLAT_BASE] = f0 as u32;
        words[ROWS] = m as u32;
        for (i, &d) in n.shape.iter().enumerate() {
            words[pl.shape_at + i] = d as u32;
        }
        for (i, (o, w)) in n.inputs.iter().zip(&ws).enumerate() {
            put_operand(&mut words, &pl, i, o, w, f0 as usize);
        }
        for (cv, &at) in n.consts.iter().zip(&pl.consts) {
            put_const(&mut words, at, *cv);
        }
        let mut bound: Vec<Bound> = inputs
            .iter()
            .zip(ws)
            .map(|(b, window)| Bound { buffer: b, window })
            .collect();
        match &first_out {
            None => {
                let w = out_window(&p, reg.r0, reg.r1, limits, output.raw().size());
                put_out(&mut words, &pl, n.inputs.len(), out, &w);
                bound.push(Bound {
                    buffer: output,
                    window: w,
                });
            }
            Some(q) => {
                words[OUT_BASE] = q.bind(&mut bound, reg.q0, reg.q1, limits) as u32;
            }
        }
        ds.push(Dispatch {
            words,
            bound,
            grid: grid(groups(cut.serial, u1 - u0, limits), limits),
        });
    }
    gpu.scoped("reduction", 0, || {
        record::encode(inner, rec.encoder(), &compiled, &ds);
    })?;
    drop(ds);

    // Later passes: `prev_c` partials per row, reduced by an invocation per
    // row when few, else in workgroup chunks again.
    let ch = chunk_len(limits);
    let mut prev = first_out;
    let mut prev_c = cut.parts;
    while let Some(q) = prev {
        let serial = prev_c <= SERIAL_MAX;
        let (c2, ch2) = if serial {
            (1, prev_c)
        } else {
            (prev_c.div_ceil(ch), ch)
        };
        let last = c2 == 1;
        let pkey = PartialsKey {
            dtype: p.value_dt,
            op: red.op,
            last,
            out: (out.dtype, out.access),
            out_rank: p.split,
            serial,
        };
        let compiled = inner.cache.get(
            gpu,
            &ShaderKey::Partials(pkey.clone()),
            &partial_binds(&pkey),
        )?;
        let ppl = partials_layout(&pkey);
        let next = if last {
            None
        } else {
            Some(partials(inner, m * c2, red.op, p.value_dt)?)
        };
        let units = m * c2;
        // Units run row by row: units u0..u1 read partials from the first
        // one's chunk to the last one's, and write partials u0..u1.
        let reads = |u0: usize, u1: usize| {
            let (ra, rb) = (u0 / c2, (u1 - 1) / c2);
            let lo = ra * prev_c + (u0 % c2) * ch2;
            let hi = rb * prev_c + (((u1 - 1) % c2) * ch2 + ch2).min(prev_c) - 1;
            (ra, rb + 1, lo, hi)
        };
        let fits = |u0: usize, u1: usize| {
            let (r0, r1, lo, hi) = reads(u0, u1);
            let out_ok = match &next {
                None => {
                    out_window(&p, r0, r1, limits, output.raw().size()).size <= limits.max_binding
                }
                Some(nx) => Partials::fit(nx.elem, red.op.is_arg(), u0, u1 - 1, limits),
            };
            groups(serial, u1 - u0, limits) <= dispatch::max_workgroups(limits)
                && out_ok
                && Partials::fit(q.elem, red.op.is_arg(), lo, hi, limits)
        };
        let ranges = dispatch::split(units, 1, fits)
            .ok_or_else(|| dispatch::too_big(gpu, "a reduction's partial results"))?;
        let mut ds = Vec::new();
        for &(u0, u1) in &ranges {
            let (r0, r1, lo, hi) = reads(u0, u1);
            let mut words = ppl.block();
            words[N] = (u1 - u0) as u32;
            words[START] = u0 as u32;
            words[ROW] = prev_c as u32;
            words[CHUNKS] = c2 as u32;
            words[CHUNK_LEN] = ch2 as u32;
            words[ROWS] = m as u32;
            for (i, &d) in kept.iter().enumerate() {
                words[ppl.shape_at + i] = d as u32;
            }
            let mut bound = Vec::new();
            words[IN_BASE] = q.bind(&mut bound, lo, hi, limits) as u32;
            match &next {
                None => {
                    let w = out_window(&p, r0, r1, limits, output.raw().size());
                    put_out(&mut words, &ppl, 0, out, &w);
                    bound.push(Bound {
                        buffer: output,
                        window: w,
                    });
                }
                Some(nx) => {
                    words[OUT_BASE] = nx.bind(&mut bound, u0, u1 - 1, limits) as u32;
                }
            }
            ds.push(Dispatch {
                words,
                bound,
                grid: grid(groups(serial, u1 - u0, limits), limits),
            });
        }
        gpu.scoped("reduction", 0, || {
            record::encode(inner, rec.encoder(), &compiled, &ds);
        })?;
        drop(ds);
        debug_assert!(q.len >= m * prev_c);
        keep_alive.push(q.values);
        keep_alive.extend(q.indices);
        prev = next;
        prev_c = c2;
    }
    // Recorded into the pending batch: the core's flush submits it.
    drop(rec);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_cover_their_units() {
        // 5 rows of 10 elements, parts of 4 (3 per row).
        let (m, k) = (5, 10);
        for cut in [
            Cut {
                serial: true,
                parts: 3,
                len: 4,
            },
            Cut {
                serial: false,
                parts: 3,
                len: 4,
            },
        ] {
            let units = m * cut.parts;
            for u0 in 0..units {
                for u1 in u0 + 1..=units {
                    let reg = cut.region(m, k, u0, u1);
                    for u in u0..u1 {
                        let (row, part) = if cut.serial {
                            (u % m, u / m)
                        } else {
                            (u / cut.parts, u % cut.parts)
                        };
                        let q = row * cut.parts + part;
                        assert!(
                            reg.r0 <= row && row < reg.r1,
                            "{cut:?} {u0}..{u1}: row {row}"
                        );
                        assert!(
                            reg.q0 <= q && q <= reg.q1,
                            "{cut:?} {u0}..{u1}: partial {q}"
                        );
                        let (a, b) = (part * cut.len, (part * cut.len + cut.len).min(k));
                        assert!(
                            reg.j0 <= a && b <= reg.j1,
                            "{cut:?} {u0}..{u1}: part {part}"
                        );
                    }
                }
            }
        }
        // One part of a range of rows: the window is that part only.
        let cut = Cut::serial(k, 4);
        let reg = cut.region(m, k, m + 1, m + 3);
        assert_eq!((reg.r0, reg.r1, reg.j0, reg.j1), (1, 3, 4, 8));
    }
}
