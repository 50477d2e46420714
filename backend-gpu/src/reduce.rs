//! Running a kernel that ends in a reduction. The iteration axes are
//! reordered (kept axes first, reduced axes last, never the data), so each
//! output reduces one row of `K` flat indices. Short rows (`K <= SERIAL_MAX`)
//! take one invocation per row; longer rows are cut into chunks of
//! `workgroup * PER_THREAD` elements, one workgroup each (tree reduction in
//! workgroup memory), and the partials are reduced again, pass after pass,
//! until one per row remains, which is written through the output's layout.
//! A contiguous or strided reduced axis only changes the index arithmetic.

use crate::backend::Inner;
use crate::codegen::reduce::{acc_dtype, first_layout, out_dtype, partials_layout, supported};
use crate::device::Limits;
use crate::dispatch::{self, grid, span, window, Bound, Dispatch, Window};
use crate::exec::put_operand;
use crate::params::{put_const, ParamLayout, CHUNKS, CHUNK_LEN, FLAT_BASE, N, ROW, START};
use crate::pipeline_cache::BindKind;
use crate::plan::{self, Normalized, Operand, PartialsKey, ReduceKey, ShaderKey};
use crate::pool::{GpuBuffer, STORAGE};
use tandem_core::kernel::{Kernel, Reduction};
use tandem_core::{Error, Result};

/// Rows up to this long are reduced by one invocation each.
pub(crate) const SERIAL_MAX: usize = 64;
/// Elements each invocation folds serially before the tree (keeps float
/// sums pairwise-accurate while giving each workgroup enough work).
const PER_THREAD: usize = 64;

/// The first pass's key for `kernel`, and the normalised kernel with its
/// kept rank.
pub(crate) fn first_key(
    kernel: &Kernel,
    red: &Reduction,
    ch: usize,
) -> Result<(ReduceKey, Normalized, usize)> {
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
    supported(red.op, value_dt).map_err(|m| Error::unsupported("gpu reduction", m))?;
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
    let (n, split) = plan::normalize_reduction(kernel, &red.axes);
    let k: usize = n.shape[split..].iter().product();
    let serial = k <= SERIAL_MAX;
    let chunks = if serial { 1 } else { k.div_ceil(ch) };
    let key = ReduceKey {
        body: n.body.clone(),
        value: out.value,
        op: red.op,
        last: chunks <= 1,
        out: (out.dtype, n.outputs[0].access),
        out_rank: split,
        serial,
    };
    Ok((key, n, split))
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

/// The flat range (exclusive end) units `u0..u1` read, with rows of `k`
/// elements cut into `c` chunks of `ch`.
fn flat_range(u0: usize, u1: usize, k: usize, c: usize, ch: usize) -> (usize, usize) {
    let first = (u0 / c) * k + (u0 % c) * ch;
    let last = u1 - 1;
    let end = (last / c) * k + ((last % c) * ch + ch).min(k);
    (first, end)
}

/// The output window and the rows `r0..=r1` it covers.
fn out_window(
    o: &Operand,
    kept: &[usize],
    r0: usize,
    r1: usize,
    b: &GpuBuffer,
    inner: &Inner,
) -> Window {
    let (lo, hi) = span(kept, &o.strides, o.offset, o.access, r0, r1 + 1);
    window(
        lo,
        hi,
        o.dtype.size_of(),
        &inner.gpu.limits,
        b.raw().size(),
        4,
    )
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
}

fn partials(
    inner: &Inner,
    units: usize,
    value_dt: tandem_core::DType,
    arg: bool,
) -> Result<Partials> {
    let bytes = (units * acc_dtype(value_dt).size_of()) as u64;
    if bytes > inner.gpu.limits.max_binding {
        return Err(dispatch::too_big(
            &inner.gpu,
            "a reduction's partial results",
        ));
    }
    let values = inner
        .pool
        .get(&inner.gpu, STORAGE, bytes, "reduction partials")?;
    let indices = if arg {
        Some(
            inner
                .pool
                .get(&inner.gpu, STORAGE, units as u64 * 4, "reduction partials")?,
        )
    } else {
        None
    };
    Ok(Partials { values, indices })
}

fn whole(b: &GpuBuffer) -> Window {
    Window {
        offset: 0,
        size: b.raw().size(),
        base: 0,
    }
}

/// Runs a reduction kernel into `output`.
pub(crate) fn run(
    inner: &Inner,
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&GpuBuffer],
    output: &GpuBuffer,
) -> Result<()> {
    let gpu = &inner.gpu;
    let limits = &gpu.limits;
    let wg = limits.workgroup;
    let (key, n, split) = first_key(kernel, red, chunk_len(limits))?;
    let kept = &n.shape[..split];
    let m: usize = kept.iter().product();
    let k: usize = n.shape[split..].iter().product();
    if m == 0 {
        return Ok(());
    }
    let value_dt = kernel.instrs[kernel.outputs[0].value].dtype;
    let arg = red.op.is_arg();
    let out = &n.outputs[0];
    let (c, ch) = if key.serial {
        (1, k.max(1))
    } else {
        (k.div_ceil(chunk_len(limits)).max(1), chunk_len(limits))
    };
    let units = m * c;
    // Serial mode: units are rows, one invocation each.
    let unit_groups = |u: usize| -> u64 {
        if key.serial {
            (u as u64).div_ceil(u64::from(wg))
        } else {
            u as u64
        }
    };
    let compiled = inner
        .cache
        .get(gpu, &ShaderKey::Reduce(key.clone()), &first_binds(&key))?;
    let pl = first_layout(&key);
    let mut rec = inner.batch.record(gpu);
    let mut keep_alive: Vec<GpuBuffer> = Vec::new();
    let first_out = if key.last {
        None
    } else {
        Some(partials(inner, units, value_dt, arg)?)
    };

    // Pass 1: the kernel body, windows of the inputs per dispatch.
    let in_windows = |u0: usize, u1: usize| -> (usize, Vec<Window>) {
        let (f0, f1) = flat_range(u0, u1, k, c, ch);
        let ws = n
            .inputs
            .iter()
            .zip(inputs)
            .map(|(o, b)| {
                if f1 <= f0 {
                    return window(0, 0, o.dtype.size_of(), limits, b.raw().size(), 4);
                }
                let (lo, hi) = span(&n.shape, &o.strides, o.offset, o.access, f0, f1);
                window(lo, hi, o.dtype.size_of(), limits, b.raw().size(), 4)
            })
            .collect();
        (f0, ws)
    };
    let fits = |u0: usize, u1: usize| {
        let (_, ws) = in_windows(u0, u1);
        let out_ok = !key.last
            || out_window(out, kept, u0 / c, (u1 - 1) / c, output, inner).size
                <= limits.max_binding;
        unit_groups(u1 - u0) <= dispatch::max_workgroups(limits)
            && out_ok
            && ws.iter().all(|w| w.size <= limits.max_binding)
    };
    let ranges = dispatch::split(units, 1, fits)
        .ok_or_else(|| dispatch::too_big(gpu, "a reduction's operand"))?;
    let mut ds = Vec::new();
    for &(u0, u1) in &ranges {
        let (f0, ws) = in_windows(u0, u1);
        let mut words = pl.block();
        words[N] = (u1 - u0) as u32;
        words[START] = u0 as u32;
        words[ROW] = k as u32;
        words[CHUNKS] = c as u32;
        words[CHUNK_LEN] = ch as u32;
        words[FLAT_BASE] = f0 as u32;
        for (i, &d) in n.shape.iter().enumerate() {
            words[pl.shape_at + i] = d as u32;
        }
        for (i, (o, w)) in n.inputs.iter().zip(&ws).enumerate() {
            put_operand(&mut words, &pl, i, o, w, f0);
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
                let w = out_window(out, kept, u0 / c, (u1 - 1) / c, output, inner);
                put_out(&mut words, &pl, n.inputs.len(), out, &w);
                bound.push(Bound {
                    buffer: output,
                    window: w,
                });
            }
            Some(p) => {
                bound.push(Bound {
                    buffer: &p.values,
                    window: whole(&p.values),
                });
                if let Some(ix) = &p.indices {
                    bound.push(Bound {
                        buffer: ix,
                        window: whole(ix),
                    });
                }
            }
        }
        ds.push(Dispatch {
            words,
            bound,
            grid: grid(unit_groups(u1 - u0), limits),
        });
    }
    gpu.scoped("reduction", 0, || {
        dispatch::encode(inner, rec.encoder(), &compiled, &ds);
    })?;
    drop(ds);

    // Later passes: partials of `prev_c` per row, reduced in chunks again.
    let mut prev = first_out;
    let mut prev_c = c;
    while let Some(p) = prev {
        let c2 = prev_c.div_ceil(ch).max(1);
        let last = c2 == 1;
        let pkey = PartialsKey {
            dtype: value_dt,
            op: red.op,
            last,
            out: (out.dtype, out.access),
            out_rank: split,
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
            Some(partials(inner, m * c2, value_dt, arg)?)
        };
        let units = m * c2;
        let fits = |u0: usize, u1: usize| {
            (u1 - u0) as u64 <= dispatch::max_workgroups(limits)
                && (!last
                    || out_window(out, kept, u0 / c2, (u1 - 1) / c2, output, inner).size
                        <= limits.max_binding)
        };
        let ranges = dispatch::split(units, 1, fits)
            .ok_or_else(|| dispatch::too_big(gpu, "a reduction's output"))?;
        let mut ds = Vec::new();
        for &(u0, u1) in &ranges {
            let mut words = ppl.block();
            words[N] = (u1 - u0) as u32;
            words[START] = u0 as u32;
            words[ROW] = prev_c as u32;
            words[CHUNKS] = c2 as u32;
            words[CHUNK_LEN] = ch as u32;
            for (i, &d) in kept.iter().enumerate() {
                words[ppl.shape_at + i] = d as u32;
            }
            let mut bound = vec![Bound {
                buffer: &p.values,
                window: whole(&p.values),
            }];
            if let Some(ix) = &p.indices {
                bound.push(Bound {
                    buffer: ix,
                    window: whole(ix),
                });
            }
            match &next {
                None => {
                    let w = out_window(out, kept, u0 / c2, (u1 - 1) / c2, output, inner);
                    put_out(&mut words, &ppl, 0, out, &w);
                    bound.push(Bound {
                        buffer: output,
                        window: w,
                    });
                }
                Some(q) => {
                    bound.push(Bound {
                        buffer: &q.values,
                        window: whole(&q.values),
                    });
                    if let Some(ix) = &q.indices {
                        bound.push(Bound {
                            buffer: ix,
                            window: whole(ix),
                        });
                    }
                }
            }
            ds.push(Dispatch {
                words,
                bound,
                grid: grid((u1 - u0) as u64, limits),
            });
        }
        gpu.scoped("reduction", 0, || {
            dispatch::encode(inner, rec.encoder(), &compiled, &ds);
        })?;
        drop(ds);
        keep_alive.push(p.values);
        keep_alive.extend(p.indices);
        prev = next;
        prev_c = c2;
    }
    // Recorded into the pending batch: the core's flush submits it.
    drop(rec);
    Ok(())
}
