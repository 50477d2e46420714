//! Kernels that start from a matrix product ([`Op::Dot`]): the product is
//! computed first, by a GEMM per matrix of the batch (`gemm.rs`) or a dot
//! per element for a batch of vector dots (a `matvec`, a `vecdot`), and the
//! rest of the kernel — its epilogue (`relu(a @ b + bias)`, a scaling, a
//! cast, a comparison) or its reduction (`(a @ b).sum(axis)`) — then runs on
//! the ordinary paths (the JIT, the interpreter, the reductions), reading
//! the product as one more contiguous input. So the epilogue costs one pass
//! over a buffer the product has just written, and a plain `a @ b` is
//! written by the GEMM straight into its output.
//!
//! Operands are read in place through their layouts: a transposed, sliced
//! or broadcast operand (`a.t().matmul(&b)`) costs no copy.

mod gemm;
mod matrix;
#[cfg(target_arch = "x86_64")]
mod packed;

use crate::{exec, reduce};
use gemm::{Dims, Mat, Ring};
use rayon::prelude::*;
use tandem_core::buffer::HostBuffer;
use tandem_core::kernel::{Dot, Kernel, MatmulAxes, Op, ValueId};
use tandem_core::layout::Layout;
use tandem_core::{DType, Error, Result};

/// Products smaller than this many multiply-adds run on the calling
/// thread; a batch of them is spread over the threads instead.
const SMALL: usize = 1 << 18;

/// Runs `kernel`, which has a product, writing output `j` into `outputs[j]`.
pub(crate) fn run(kernel: &Kernel, inputs: &[&[u8]], outputs: &mut [&mut [u8]]) -> Result<()> {
    let (value, dot) = kernel
        .dot()
        .ok_or_else(|| Error::invalid("cpu matmul", "a product kernel without a product"))?;
    check(kernel, value, dot, inputs)?;
    // A plain product stored C-contiguously: the GEMM writes the output.
    let plain = kernel.reduction.is_none()
        && kernel.outputs.len() == 1
        && kernel.outputs[0].value == value
        && kernel.outputs[0].dtype == kernel.instrs[value].dtype
        && kernel.outputs[0].layout.is_contiguous()
        && kernel.outputs[0].layout.offset == 0
        && outputs.len() == 1
        && outputs[0].len() == kernel.size() * kernel.instrs[value].dtype.size_of();
    if plain {
        return product(kernel, value, dot, inputs, outputs[0]);
    }
    let dtype = kernel.instrs[value].dtype;
    let mut temp = HostBuffer::try_for_overwrite("matmul", kernel.size() * dtype.size_of())?;
    product(kernel, value, dot, inputs, temp.as_bytes_mut())?;
    let (lowered, kept) = kernel
        .with_product_loaded()
        .ok_or_else(|| Error::invalid("cpu matmul", "a product kernel without a product"))?;
    let mut all: Vec<&[u8]> = kept.iter().map(|&i| inputs[i]).collect();
    all.push(temp.as_bytes());
    match (&lowered.reduction, outputs) {
        (Some(red), [out]) => reduce::run(&lowered, red, &all, out),
        (Some(_), _) => Err(Error::invalid(
            "cpu kernel",
            "a reduction kernel has exactly one output",
        )),
        (None, outs) => exec::run(&lowered, &all, outs),
    }
}

/// How the CPU runs a product kernel, for `explain()`.
pub(crate) fn describe(kernel: &Kernel) -> String {
    let Some((value, dot)) = kernel.dot() else {
        return "no product".into();
    };
    let dtype = kernel.instrs[value].dtype;
    let how = match kernel.matmul_axes() {
        Some(MatmulAxes { m, n, .. }) => {
            let batch: usize = kernel.shape[..kernel.shape.len() - 2].iter().product();
            let gemm = match dtype {
                DType::F32 | DType::F64 if gemm::avx512() => "tandem's AVX-512 packed GEMM",
                DType::F32 | DType::F64 => "matrixmultiply's packed SIMD GEMM",
                _ => "a blocked wrapping i-k-j loop",
            };
            let threads = rayon::current_num_threads().max(1);
            let split = if batch > 1 && (batch >= threads || m * n * dot.len < SMALL) {
                ", one product per thread"
            } else if m * n * dot.len >= SMALL {
                ", one panel of rows per thread"
            } else {
                ""
            };
            format!(
                "{batch} × ({m}×{} @ {}×{n}) by {gemm}{split}",
                dot.len, dot.len
            )
        }
        None => format!(
            "{} dots of length {}, element by element",
            kernel.size(),
            dot.len
        ),
    };
    let rest = kernel.instrs.len() > 1 || kernel.reduction.is_some();
    if rest {
        format!("matrix product: {how}; the rest of the kernel reads it as it is written")
    } else {
        format!("matrix product: {how}, written straight into the output")
    }
}

/// The checks the raw loops rely on: operand inputs exist, have the
/// product's dtype and the kernel's shape.
fn check(kernel: &Kernel, value: ValueId, dot: Dot, inputs: &[&[u8]]) -> Result<()> {
    let dtype = kernel.instrs[value].dtype;
    for (which, i) in [("a", dot.a), ("b", dot.b)] {
        let Some(input) = kernel.inputs.get(i) else {
            return Err(Error::invalid(
                "cpu matmul",
                format!("operand {which} is missing input {i}"),
            ));
        };
        if input.dtype != dtype || input.layout.shape != kernel.shape || inputs.len() <= i {
            return Err(Error::invalid(
                "cpu matmul",
                format!("operand {which} (input {i}) does not match its product"),
            ));
        }
    }
    if kernel
        .instrs
        .iter()
        .filter(|i| matches!(i.op, Op::Dot(_)))
        .count()
        != 1
    {
        return Err(Error::invalid(
            "cpu matmul",
            "a kernel has at most one product",
        ));
    }
    Ok(())
}

/// The product's value at every index of the kernel, C-contiguously into `out`.
fn product(
    kernel: &Kernel,
    value: ValueId,
    dot: Dot,
    inputs: &[&[u8]],
    out: &mut [u8],
) -> Result<()> {
    let dtype = kernel.instrs[value].dtype;
    if out.is_empty() {
        return Ok(());
    }
    match kernel.matmul_axes() {
        Some(mm) => batched(kernel, mm, dtype, inputs, out),
        None => match dtype {
            DType::F32 => dots::<f32>(kernel, dot, inputs, out),
            DType::F64 => dots::<f64>(kernel, dot, inputs, out),
            DType::I32 => dots::<i32>(kernel, dot, inputs, out),
            DType::I64 => dots::<i64>(kernel, dot, inputs, out),
            DType::U32 => dots::<u32>(kernel, dot, inputs, out),
            DType::Bool => dots::<u8>(kernel, dot, inputs, out),
        },
    }
}

/// The position `layout` maps flat index `i` of its shape to.
fn position(layout: &Layout, mut i: usize) -> isize {
    let mut at = layout.offset as isize;
    for (&n, &s) in layout.shape.iter().zip(&layout.strides).rev() {
        if n > 0 {
            at += (i % n) as isize * s;
            i /= n;
        }
    }
    at
}

/// One GEMM per matrix of the batch (the axes before the last two): spread
/// over the threads when there are enough of them, else one after another,
/// a large one cut into one panel of rows per thread.
fn batched(
    kernel: &Kernel,
    mm: MatmulAxes,
    dtype: DType,
    inputs: &[&[u8]],
    out: &mut [u8],
) -> Result<()> {
    let r = kernel.shape.len();
    let (la, lb) = (
        &kernel.inputs[mm.dot.a].layout,
        &kernel.inputs[mm.dot.b].layout,
    );
    let d = Dims {
        m: mm.m,
        k: mm.dot.len,
        n: mm.n,
    };
    let batch = Layout {
        shape: kernel.shape[..r - 2].to_vec(),
        strides: vec![0; r - 2],
        offset: 0,
    };
    let at = |l: &Layout, b: usize| {
        position(
            &Layout {
                shape: batch.shape.clone(),
                strides: l.strides[..r - 2].to_vec(),
                offset: l.offset,
            },
            b,
        )
    };
    // Matrix `b` of the batch: where each operand's matrix starts.
    let mats = |b: usize| {
        let ma = Mat {
            offset: at(la, b),
            rs: la.strides[r - 2],
            cs: mm.dot.a_stride,
        };
        let mb = Mat {
            offset: at(lb, b),
            rs: mm.dot.b_stride,
            cs: lb.strides[r - 1],
        };
        (ma, mb)
    };
    let one = |b: usize, c: &mut [u8]| {
        let (ma, mb) = mats(b);
        gemm::gemm(dtype, d, inputs[mm.dot.a], ma, inputs[mm.dot.b], mb, c)
    };
    let chunk = d.m * d.n * dtype.size_of();
    let threads = rayon::current_num_threads().max(1);
    let count = out.len() / chunk;
    // A batch with a product per thread at least runs one product per
    // thread; a single small product runs on the calling thread.
    if d.m * d.n * d.k < SMALL || count >= threads {
        return if count > 1 {
            out.par_chunks_mut(chunk)
                .enumerate()
                .try_for_each(|(b, c)| one(b, c))
        } else {
            out.chunks_mut(chunk)
                .enumerate()
                .try_for_each(|(b, c)| one(b, c))
        };
    }
    // A large product: its rows cut into one panel per thread, each a GEMM
    // of its own on tandem's rayon pool (each packs its own `b`: measured
    // faster than threads sharing one packed `b`, see `packed.rs`).
    let rows = d.m.div_ceil(threads).next_multiple_of(PANEL_ROWS).min(d.m);
    let row_bytes = d.n * dtype.size_of();
    out.chunks_mut(chunk)
        .enumerate()
        .try_for_each(|(batch, c)| {
            let (ma, mb) = mats(batch);
            c.par_chunks_mut(rows * row_bytes)
                .enumerate()
                .try_for_each(|(p, panel)| {
                    let m = panel.len() / row_bytes;
                    let pa = Mat {
                        offset: ma.offset + (p * rows) as isize * ma.rs,
                        ..ma
                    };
                    gemm::gemm(
                        dtype,
                        Dims { m, ..d },
                        inputs[mm.dot.a],
                        pa,
                        inputs[mm.dot.b],
                        mb,
                        panel,
                    )
                })
        })
}

/// Panels of a threaded product start at a multiple of this many rows (a
/// multiple of every GEMM micro-kernel's row count).
const PANEL_ROWS: usize = 32;

/// A dot per element (a batch of vector dots): positions through the
/// operands' layouts, spread over the threads in chunks.
fn dots<T: Ring + Send + Sync>(
    kernel: &Kernel,
    dot: Dot,
    inputs: &[&[u8]],
    out: &mut [u8],
) -> Result<()> {
    let (la, lb) = (&kernel.inputs[dot.a].layout, &kernel.inputs[dot.b].layout);
    let size = std::mem::size_of::<T>();
    let (a, b) = (inputs[dot.a], inputs[dot.b]);
    let (na, nb) = ((a.len() / size) as isize, (b.len() / size) as isize);
    let read = |bytes: &[u8], p: isize| -> T {
        bytemuck::pod_read_unaligned(&bytes[p as usize * size..(p as usize + 1) * size])
    };
    // Every position a dot reads lies inside its buffer: the ends of each
    // line are checked (a line is straight, so its ends bound it).
    let last = dot.len.saturating_sub(1) as isize;
    let inside =
        |p: isize, s: isize, n: isize| p >= 0 && p < n && p + last * s >= 0 && p + last * s < n;
    let out: &mut [T] = bytemuck::cast_slice_mut(out);
    out.par_chunks_mut(4096)
        .enumerate()
        .try_for_each(|(c, chunk)| {
            for (j, o) in chunk.iter_mut().enumerate() {
                let i = c * 4096 + j;
                let (pa, pb) = (position(la, i), position(lb, i));
                if dot.len > 0 && !(inside(pa, dot.a_stride, na) && inside(pb, dot.b_stride, nb)) {
                    return Err(Error::invalid(
                        "cpu matmul",
                        "a dot reaches outside its operands",
                    ));
                }
                let mut acc = T::ZERO;
                for k in 0..dot.len as isize {
                    acc = acc.mul_add(
                        read(a, pa + k * dot.a_stride),
                        read(b, pb + k * dot.b_stride),
                    );
                }
                *o = acc;
            }
            Ok(())
        })
}
