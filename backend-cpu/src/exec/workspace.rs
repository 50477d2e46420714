//! [`Workspace`]: one thread's registers, and the interpreter that
//! evaluates a kernel's instructions over one block after another.

use super::apply::{binary_into, copy, select, unary_into};
use super::gather::{broadcast_row, gather, repeat_row, scatter};
use super::validate::unsupported;
use crate::block::{with_view, Dst, Read, Reg, Sink, Src};
use crate::cast::cast_slice;
use crate::stream;
use tandem_core::kernel::{Kernel, Op};
use tandem_core::{DType, Error, Result};

/// One thread's registers.
pub(crate) struct Workspace {
    regs: Vec<Reg>,
    /// Registers of constants are filled once and never rewritten.
    is_const: Vec<bool>,
    /// Scratch for multi-index iteration of strided loads.
    index: Vec<usize>,
    /// Per input: its one row, gathered once, when every row it is read
    /// through is the same strided row (see [`broadcast_row`]).
    rows: Vec<Option<Reg>>,
    /// The direct output is computed into its register, then streamed out.
    streaming: bool,
    /// Elements per block (the registers' length).
    block: usize,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        Reg::release(std::mem::take(&mut self.regs));
    }
}

impl Workspace {
    pub(crate) fn new(kernel: &Kernel, block: usize, streaming: bool) -> Workspace {
        let full = block;
        // Small kernels need small registers (zeroing BLOCK-sized ones would
        // cost more than the kernel).
        let block = full.min(kernel.size().max(1));
        let direct = direct_output(kernel);
        let regs = kernel
            .instrs
            .iter()
            .enumerate()
            .map(|(i, ins)| match &ins.op {
                // Computed straight into the output: no register (unless
                // streamed out from one).
                _ if direct == Some(i) && !streaming => Reg::new(ins.dtype, 0),
                Op::Const(s) => Reg::filled(s.cast(ins.dtype), block),
                // Contiguous loads are read in place and need no register.
                Op::Load(k) if kernel.inputs[*k].layout.is_contiguous() => Reg::new(ins.dtype, 0),
                _ => Reg::new(ins.dtype, block),
            })
            .collect();
        let is_const = kernel
            .instrs
            .iter()
            .map(|i| matches!(i.op, Op::Const(_)))
            .collect();
        Workspace {
            regs,
            is_const,
            index: vec![0; kernel.shape.len()],
            rows: Vec::new(),
            streaming,
            block: full,
        }
    }

    /// Value `v` over the current block.
    pub(crate) fn src<'a>(
        &'a self,
        kernel: &Kernel,
        reads: &'a [Read],
        v: usize,
        start: usize,
        len: usize,
    ) -> Src<'a> {
        let dtype = kernel.instrs[v].dtype;
        if let Op::Load(k) = kernel.instrs[v].op {
            if let Read::Contiguous { bytes, offset } = &reads[k] {
                let size = dtype.size_of();
                let at = (offset + start) * size;
                return Src::of_bytes(dtype, &bytes[at..at + len * size]);
            }
        }
        Src::of_reg(&self.regs[v], len)
    }

    pub(crate) fn run_range(
        &mut self,
        kernel: &Kernel,
        reads: &[Read],
        start: usize,
        end: usize,
        sinks: &[Sink],
    ) -> Result<()> {
        let last = kernel.instrs.len().wrapping_sub(1);
        let direct = direct_output(kernel).is_some();
        let mut s = start;
        while s < end {
            let len = self.block.min(end - s);
            if direct {
                let out = &kernel.outputs[0];
                let size = out.dtype.size_of();
                // SAFETY: this chunk alone covers flat indices s..s+len, and a
                // contiguous output maps them to these bytes only.
                let bytes =
                    unsafe { sinks[0].slice_mut((out.layout.offset + s) * size, len * size) };
                if self.streaming {
                    // Into its register, then streamed out (see stream.rs).
                    self.run_instrs(kernel, reads, s, len, last + 1)?;
                    stream::copy(bytes, self.src(kernel, reads, last, s, len).bytes());
                } else {
                    self.run_instrs(kernel, reads, s, len, last)?;
                    self.eval(
                        kernel,
                        reads,
                        &kernel.instrs[last].op,
                        out.dtype,
                        s,
                        len,
                        Dst::of_bytes(out.dtype, bytes),
                    )?;
                }
            } else {
                self.run_instrs(kernel, reads, s, len, kernel.instrs.len())?;
                for (out, sink) in kernel.outputs.iter().zip(sinks) {
                    let size = out.dtype.size_of();
                    let src = self.src(kernel, reads, out.value, s, len).bytes();
                    if out.layout.is_contiguous() {
                        sink.write((out.layout.offset + s) * size, src);
                    } else {
                        let src = src.to_vec();
                        scatter(sink, size, &src, &out.layout, s, &mut self.index);
                    }
                }
            }
            s += len;
        }
        if self.streaming {
            stream::fence();
        }
        Ok(())
    }

    /// Evaluates the kernel over flat indices `start..start + len` (at most
    /// [`BLOCK`]) and returns value `value` there.
    pub(crate) fn values<'a>(
        &'a mut self,
        kernel: &Kernel,
        reads: &'a [Read],
        value: usize,
        start: usize,
        len: usize,
    ) -> Result<Src<'a>> {
        self.run_instrs(kernel, reads, start, len, value + 1)?;
        Ok(self.src(kernel, reads, value, start, len))
    }

    /// Runs instructions `0..upto` over one block.
    pub(crate) fn run_instrs(
        &mut self,
        kernel: &Kernel,
        reads: &[Read],
        start: usize,
        len: usize,
        upto: usize,
    ) -> Result<()> {
        for (i, ins) in kernel.instrs.iter().enumerate().take(upto) {
            if self.is_const[i] {
                continue;
            }
            if let Op::Load(k) = ins.op {
                if let Read::Contiguous { .. } = reads[k] {
                    continue;
                }
            }
            // Take the destination out so sources can be borrowed beside it.
            let mut reg = std::mem::replace(&mut self.regs[i], Reg::Bool(Vec::new()));
            let r = self.eval(
                kernel,
                reads,
                &ins.op,
                ins.dtype,
                start,
                len,
                Dst::of_reg(&mut reg, len),
            );
            self.regs[i] = reg;
            r?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn eval(
        &mut self,
        kernel: &Kernel,
        reads: &[Read],
        op: &Op,
        dtype: DType,
        start: usize,
        len: usize,
        dst: Dst,
    ) -> Result<()> {
        match op {
            Op::Const(_) => Ok(()),
            // `validate` keeps products out of the block loops.
            Op::Dot(_) => Err(Error::invalid(
                "cpu kernel",
                "a matrix product reached the block interpreter",
            )),
            Op::Load(k) => {
                let src = match &reads[*k] {
                    Read::Contiguous { bytes, offset } => {
                        let at = (offset + start) * dtype.size_of();
                        return copy(
                            Src::of_bytes(dtype, &bytes[at..at + len * dtype.size_of()]),
                            dst,
                        );
                    }
                    Read::Strided { bytes } => bytes,
                };
                let layout = &kernel.inputs[*k].layout;
                let mut index = std::mem::take(&mut self.index);
                if let Some(n_in) = broadcast_row(layout) {
                    // Gather the row once per workspace, then copy it.
                    if self.rows.len() <= *k {
                        self.rows.resize_with(kernel.inputs.len(), || None);
                    }
                    if self.rows[*k].is_none() {
                        let mut row = Reg::new(dtype, n_in);
                        with_view!(Dst, Dst::of_reg(&mut row, n_in), v => gather(bytemuck::cast_slice(src), layout, 0, v, &mut index));
                        self.rows[*k] = Some(row);
                    }
                    let row = Src::of_reg(self.rows[*k].as_ref().expect("gathered"), n_in).bytes();
                    with_view!(Dst, dst, v => repeat_row(bytemuck::cast_slice(row), start, v));
                } else {
                    with_view!(Dst, dst, v => gather(bytemuck::cast_slice(src), layout, start, v, &mut index));
                }
                self.index = index;
                Ok(())
            }
            Op::Cast(a) => {
                cast_slice(self.src(kernel, reads, *a, start, len), dst);
                Ok(())
            }
            Op::Unary(uop, a) => {
                let src = self.src(kernel, reads, *a, start, len);
                if unary_into(*uop, src, dst) {
                    Ok(())
                } else {
                    Err(unsupported(format!(
                        "{} on {} giving {dtype}",
                        uop.name(),
                        src.dtype()
                    )))
                }
            }
            Op::Binary(bop, a, b) => {
                let (x, y) = (
                    self.src(kernel, reads, *a, start, len),
                    self.src(kernel, reads, *b, start, len),
                );
                if binary_into(*bop, x, y, dst) {
                    Ok(())
                } else {
                    Err(unsupported(format!(
                        "{} on {} giving {dtype}",
                        bop.name(),
                        x.dtype()
                    )))
                }
            }
            Op::Select(c, a, b) => {
                let (c, x, y) = (
                    self.src(kernel, reads, *c, start, len),
                    self.src(kernel, reads, *a, start, len),
                    self.src(kernel, reads, *b, start, len),
                );
                let Src::Bool(c) = c else {
                    return Err(unsupported("where with a non-bool condition".into()));
                };
                let ok = match (x, y, dst) {
                    (Src::Bool(x), Src::Bool(y), Dst::Bool(o)) => select(c, x, y, o),
                    (Src::I32(x), Src::I32(y), Dst::I32(o)) => select(c, x, y, o),
                    (Src::I64(x), Src::I64(y), Dst::I64(o)) => select(c, x, y, o),
                    (Src::U32(x), Src::U32(y), Dst::U32(o)) => select(c, x, y, o),
                    (Src::F32(x), Src::F32(y), Dst::F32(o)) => select(c, x, y, o),
                    (Src::F64(x), Src::F64(y), Dst::F64(o)) => select(c, x, y, o),
                    _ => false,
                };
                if ok {
                    Ok(())
                } else {
                    Err(unsupported("where over mismatched dtypes".into()))
                }
            }
        }
    }
}

/// The instruction computed straight into the output's memory, if any: the
/// last one, when it is the only output, written contiguously, and not a
/// bare load or constant (those are copied).
pub(crate) fn direct_output(kernel: &Kernel) -> Option<usize> {
    if kernel.reduction.is_some() {
        // A reduction folds its value; only the folded result is written.
        return None;
    }
    let last = kernel.instrs.len().checked_sub(1)?;
    match kernel.outputs.as_slice() {
        [o] if o.value == last
            && o.layout.is_contiguous()
            && !matches!(kernel.instrs[last].op, Op::Load(_) | Op::Const(_)) =>
        {
            Some(last)
        }
        _ => None,
    }
}
