//! Executing a plan: for each kernel, in order, move its inputs to the
//! backend placement chose (`transfer.rs`), run it (`run.rs`), and turn the
//! values it stores into data; then note what the plan computed without
//! keeping, for the plan cache to learn from.

use super::cache;
use crate::backend::{Buffer, Memory};
use crate::buffer::HostBuffer;
use crate::error::{Error, Result};
use crate::fuse::plan::Plan;
use crate::fuse::Source;
use crate::graph::walk::{Kind, Walk};
use crate::graph::Storage;
use crate::kernel::Op;
use crate::layout::Layout;
use crate::registry::runtime;
use crate::run::record_kernel;
use crate::stats::record;
use crate::transfer::{buffer_for, host_copy};
use smallvec::SmallVec;
use std::sync::Arc;

/// Runs `plan` with the walk's bindings. Output 0 of the targeted step goes
/// into `*target` (allocated there first if `None`). `count`: whether the
/// plan came from the cache, to count the force (once per force).
pub(crate) fn execute(
    plan: &Plan,
    walk: &Walk,
    mut target: Option<&mut Option<Buffer>>,
    count: Option<bool>,
) -> Result<Option<Arc<Storage>>> {
    let rt = runtime();
    if let Some(hit) = count {
        // Values an earlier plan computed without keeping them, needed again.
        let mut recomputed = 0;
        for (n, v) in walk.nodes.iter().zip(&walk.visited) {
            let by = n.computed_by();
            if v.kind == Kind::Elementwise && by != 0 {
                recomputed += 1;
                cache::learn(by >> 32, (by & 0xffff_ffff) as u32 - 1);
            }
        }
        record(|s| {
            s.forces += 1;
            s.plan_cache_hits += u64::from(hit);
            s.recomputed += recomputed as u64;
            s.kept += plan.kept as u64;
        });
    }
    // Results later steps or aliases read (none for a one-kernel plan).
    let mut results: Vec<Option<(Arc<Storage>, Layout)>> =
        if plan.steps.len() > 1 || !plan.aliases.is_empty() || !plan.empties.is_empty() {
            vec![None; walk.nodes.len()]
        } else {
            Vec::new()
        };
    let mut targeted = None;
    for &e in &plan.empties {
        let node = &walk.nodes[e as usize];
        let storage = Storage::from_host(node.dtype, 0, HostBuffer::zeroed(0));
        let layout = Layout::contiguous(&node.shape);
        node.set_data(storage.clone(), layout.clone());
        results[e as usize] = Some((storage, layout));
    }
    let entries = rt.entries();
    for step in &plan.steps {
        let backend = step.backend;
        let entry = &entries[backend];
        // The constants of this force, where they differ from the plan's.
        let template = &step.fused.kernel;
        let same = step.fused.consts.iter().all(|&(instr, slot)| {
            matches!(&template.instrs[instr].op, Op::Const(c)
                if c.bits() == walk.consts[slot as usize].bits())
        });
        let patched;
        let kernel = if same {
            template
        } else {
            let mut k = template.clone();
            for &(instr, slot) in &step.fused.consts {
                k.instrs[instr].op = Op::Const(walk.consts[slot as usize]);
            }
            patched = k;
            &patched
        };
        let mut inputs: SmallVec<[Buffer; 4]> = SmallVec::with_capacity(step.fused.sources.len());
        for s in &step.fused.sources {
            let storage = match *s {
                Source::Leaf(slot) => &walk.storages[slot as usize],
                Source::Result(i) => &results[i as usize].as_ref().expect("computed earlier").0,
            };
            inputs.push(buffer_for(storage, backend, entry)?);
        }
        let mut outputs: SmallVec<[Buffer; 2]> = SmallVec::new();
        let (mut allocations, mut allocated) = (0u64, 0u64);
        for (j, o) in kernel.outputs.iter().enumerate() {
            let given = match (&mut target, step.targeted && j == 0) {
                (Some(t), true) => t.take(),
                _ => None,
            };
            let buf = match given {
                Some(b) => b,
                None => {
                    let bytes = o.buffer_len * o.dtype.size_of();
                    allocations += 1;
                    allocated += bytes as u64;
                    match entry.backend.alloc(bytes) {
                        Ok(b) => b,
                        Err(e) => {
                            // A buffer the caller lent goes back untouched.
                            if step.targeted && j > 0 {
                                if let Some(t) = target.as_mut() {
                                    **t = Some(outputs.swap_remove(0));
                                }
                            }
                            return Err(e);
                        }
                    }
                }
            };
            outputs.push(buf);
        }
        let ran = match &step.prepared {
            Some(p) => entry
                .backend
                .execute_prepared(kernel, p, &inputs, &mut outputs),
            None => entry.backend.execute(kernel, &inputs, &mut outputs),
        };
        drop(inputs);
        if let Err(e) = ran {
            // A targeted buffer goes back to its owner untouched by us.
            if step.targeted {
                if let Some(t) = target.as_mut() {
                    **t = Some(outputs.swap_remove(0));
                }
            }
            return Err(e);
        }
        record_kernel(entry, backend, step.bytes, allocations, allocated)?;
        let host_memory = entry.memory == Memory::Host;
        for (j, (buf, &node)) in outputs.into_iter().zip(&step.outputs).enumerate() {
            let n = &walk.nodes[node as usize];
            if step.targeted && j == 0 {
                let len = kernel.outputs[0].buffer_len;
                let storage = Storage::from_buffer(n.dtype, len, backend, host_memory, buf.clone());
                if let Some(t) = target.as_mut() {
                    **t = Some(buf);
                }
                targeted = Some(storage);
                continue;
            }
            let storage = Storage::from_buffer(n.dtype, n.size(), backend, host_memory, buf);
            let layout = Layout::contiguous(&n.shape);
            if let Some(op) = step.nan_arg {
                // The kernels mark an all-NaN slice with -1; NumPy raises there.
                let host = host_copy(&storage)?;
                if host.typed::<i64>().contains(&-1) {
                    return Err(Error::invalid(
                        op.name(),
                        "All-NaN slice encountered: it has no index of a non-NaN extreme; use argmin/argmax, or fill NaNs first",
                    ));
                }
            }
            if results.is_empty() {
                n.set_data(storage, layout);
            } else {
                n.set_data(storage.clone(), layout.clone());
                results[node as usize] = Some((storage, layout));
            }
        }
    }
    for a in &plan.aliases {
        let (storage, layout) = match &results[a.of as usize] {
            Some(r) => r.clone(),
            None => walk.nodes[a.of as usize]
                .as_data()
                .expect("an alias views data or a computed boundary"),
        };
        let layout = a.view.apply(&layout).expect("the planner checked the view");
        walk.nodes[a.node as usize].set_data(storage.clone(), layout.clone());
        results[a.node as usize] = Some((storage, layout));
    }
    // Held values that ran inside kernels without being kept: a later
    // force that needs one again recomputes it, says so in
    // `Stats::recomputed`, and this plan learns to keep it.
    for (i, (n, v)) in walk.nodes.iter().zip(&walk.visited).enumerate() {
        if v.held && v.kind == Kind::Elementwise && n.is_lazy() {
            n.mark_computed(plan.id << 32 | (i as u64 + 1));
        }
    }
    Ok(targeted)
}
