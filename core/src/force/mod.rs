//! Forcing: turning lazy values into data (walk → plan → place → move → run).
//!
//! # The force policy
//!
//! Fusion must never cost more than evaluating op by op, as NumPy does. So a
//! force computes every value it needs **once**, and stores only what
//! someone needs again:
//!
//! - **Values nobody else holds stay fused.** An intermediate that only the
//!   values being forced read is computed in registers inside their kernel
//!   and never touches memory.
//! - **Values that are held are kept.** A lazy value that an `Array` handle
//!   still holds (`let m = x.mean_axis(0, true)?;`), or that a lazy value
//!   outside this force reads (so a later force will need it), is stored by
//!   the first force that computes it, and later forces read it. The walk
//!   sees this from the node's handle count (`walk.rs`). Storing it usually
//!   costs one extra store in the same pass: values of one shape are outputs
//!   of one kernel (multi-output kernels, as ArrayFire's JIT has); a held
//!   value under a reduction, or of another shape, is computed by a kernel
//!   of its own that the rest then reads.
//! - **Within one force, nothing is computed twice**: a value read at
//!   several positions (a stencil's shifted views of one lazy array), one
//!   broadcast along an axis, or one that two kernels need is stored once
//!   and read, unless it costs a single cheap instruction over data, which
//!   is cheaper to recompute than to store and load (`fuse.rs`).
//! - **Memory pressure says recompute instead.** If storing the kept values
//!   fails for lack of memory, the force runs again keeping only what was
//!   asked for, and a later force recomputes the rest (counted in
//!   [`Stats::recomputed`](crate::Stats::recomputed)).
//! - **Loops cost what their iterations cost.** A chain that grows past a
//!   depth bound while nothing reads it ([`flush`]) forces all the pending
//!   work connected to it together: the values the program holds (the loop's
//!   state: `z`, a mask, an accumulator) become the outputs of one set of
//!   kernels, and the iterations in between are fused. The graph never grows
//!   without bound, and a loop of 1000 iterations runs about 1000/48
//!   kernels, each the same shape, whose plan is reused.
//! - **Plans are reused.** The plan of a force (kernels, placement) depends
//!   only on the graph's structure, so it is cached by the walk's structure
//!   key; constants are patched in per force. A repeated small force skips
//!   planning, and its buffers and scratch come from pools.
//! - **Tiny forces take a direct path.** One op over small host data (`(&a
//!   + &b).eval()` on 1000 elements) skips the walk, the plan and the
//!   kernel altogether (`direct.rs`).

pub(crate) mod cache;
mod direct;
pub(crate) mod explain;
mod plan;
pub(crate) mod walk;

use crate::backend::{Buffer, Device, Memory};
use crate::buffer::HostBuffer;
use crate::error::{Error, Result};
use crate::fuse::{Source, Target};
use crate::graph::{Node, Storage};
use crate::kernel::Op;
use crate::layout::Layout;
use crate::runtime::{batch, buffer_for, default_device, host_copy, record_kernel, runtime};
use crate::stats::record;
use plan::Plan;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::sync::{Arc, Weak};
use walk::{Kind, Walk};

thread_local! {
    /// The walk's buffers, reused by every force on this thread.
    static SCRATCH: RefCell<Option<Box<Walk>>> = const { RefCell::new(None) };
    /// Lazy nodes built on this thread, for [`flush`] to find the pending work.
    static PENDING: RefCell<Pending> = const { RefCell::new(Pending { nodes: Vec::new(), pruned: 0 }) };
}

struct Pending {
    nodes: Vec<Weak<Node>>,
    /// Length after the last pruning.
    pruned: usize,
}

/// Notes a new lazy node (for [`flush`]). Dead nodes are pruned once the
/// list has doubled, so it stays proportional to the live lazy nodes.
pub(crate) fn register(node: &Arc<Node>) {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        // Values already gone at the end of the list (a loop's last
        // temporaries) are let go now: their memory is freed while it is
        // still warm, for the next node to reuse, not 64 nodes later.
        while p.nodes.last().is_some_and(|w| w.strong_count() == 0) {
            p.nodes.pop();
        }
        p.pruned = p.pruned.min(p.nodes.len());
        p.nodes.push(Arc::downgrade(node));
        if p.nodes.len() >= 2 * p.pruned.max(64) {
            p.nodes.retain(|w| w.strong_count() > 0);
            p.pruned = p.nodes.len();
        }
    });
}

fn take_walk() -> Box<Walk> {
    SCRATCH.with(|s| s.borrow_mut().take()).unwrap_or_default()
}

fn put_walk(mut walk: Box<Walk>) {
    walk.clear();
    SCRATCH.with(|s| *s.borrow_mut() = Some(walk));
}

/// Marks the key word saying how many of a force's roots were asked for
/// (the rest are pending values computed alongside).
const ASKED: u64 = 0xA5 << 56;

/// The key words naming what a force is asked for beyond its graph.
fn prefix(want: Device, target: Option<(&Target, Option<usize>)>) -> SmallVec<[u64; 4]> {
    let device = match want {
        Device::Auto => 0,
        Device::Cpu => 1,
        Device::Gpu(i) => 2 + ((i as u64) << 8),
    };
    let mut p = SmallVec::new();
    p.push(device);
    if let Some((t, backend)) = target {
        p.push(1 + backend.map_or(0, |b| b as u64 + 1));
        p.push(t.buffer_len as u64);
        p.push(t.layout.offset as u64);
        p.push(t.layout.shape.len() as u64);
        p.extend(t.layout.shape.iter().map(|&d| d as u64));
        p.extend(t.layout.strides.iter().map(|&d| d as u64));
    }
    p
}

/// Computes `node` if it is lazy; afterwards it holds data.
pub(crate) fn force(node: &Arc<Node>) -> Result<()> {
    force_on(node, default_device())
}

/// [`force`] with an explicit device choice.
pub(crate) fn force_on(node: &Arc<Node>, want: Device) -> Result<()> {
    // The direct path first: it looks at the node anyway (one lock fewer
    // for the commonest small force), and declines data.
    if let Some(done) = direct::try_force(node, want) {
        return done;
    }
    if !node.is_lazy() {
        return Ok(());
    }
    batch(|| force_all(&[node], want))
}

/// Computes every lazy node of `roots` together: one plan, shared values
/// computed once.
pub(crate) fn force_all(roots: &[&Arc<Node>], want: Device) -> Result<()> {
    let mut walk = take_walk();
    let result = run_forced(&mut walk, roots, want, None, None).map(|_| ());
    put_walk(walk);
    result
}

/// Walks, plans (or finds the plan) and runs. With a target, root 0 is
/// written into it (a region of `buffer`, or of a new buffer when `buffer`
/// is `None`, placed by the planner) and is not turned into data; the
/// storage of that buffer comes back.
fn run_forced(
    walk: &mut Walk,
    roots: &[&Arc<Node>],
    want: Device,
    target: Option<(&Target, Option<usize>)>,
    buffer: Option<&mut Option<Buffer>>,
) -> Result<Option<Arc<Storage>>> {
    let mut key_prefix = prefix(want, target);
    walk.walk(roots, &key_prefix, false);
    // A value known to fail: nothing to plan or run.
    if let Some(e) = walk.failed.take() {
        return Err(e);
    }
    // A value this graph shares with pending lazy values of the same shape
    // (`let d1 = …; let call = f(d1); let put = g(d1);` then `call` read):
    // compute those values in the same kernel, so the shared part runs once.
    let shared = walk
        .visited
        .iter()
        .enumerate()
        .any(|(i, v)| v.held && !walk.roots.contains(&(i as u32)));
    let siblings = (shared && target.is_none() && roots.len() == 1)
        .then(|| {
            // The walk's handles would count as holders: let them go first.
            walk.clear();
            connected_heads(roots[0], true)
        })
        .filter(|s| s.len() > 1);
    if siblings.is_none() && walk.nodes.is_empty() {
        walk.walk(roots, &key_prefix, false);
    }
    let sibling_refs: Vec<&Arc<Node>>;
    // The roots asked for come first; the others are kept values.
    let asked = roots.len();
    let roots = match &siblings {
        Some(s) => {
            sibling_refs = s.iter().collect();
            key_prefix.push(ASKED | asked as u64);
            walk.walk(&sibling_refs, &key_prefix, false);
            sibling_refs.as_slice()
        }
        None => roots,
    };

    let cached = cache::get(&walk.key);
    let hit = cached.is_some();
    let plan = match cached {
        Some(p) => p,
        None => {
            // Walk again with snapshots (the graph may have changed since, if
            // another thread forced part of it: the plan follows this walk).
            walk.walk(roots, &key_prefix, true);
            let p = Arc::new(plan::plan(
                walk,
                want,
                target.map(|(t, b)| (t, b.unwrap_or(usize::MAX))),
                &cache::learned(&walk.key),
                asked,
            )?);
            record(|s| s.plan_cache_misses += 1);
            cache::put(&walk.key, p.clone());
            p
        }
    };
    match execute(&plan, walk, buffer, Some(hit)) {
        Err(Error::OutOfMemory { .. }) if plan.kept > 0 && target.is_none() => {
            // Memory pressure: keep only what was asked for.
            walk.walk(roots, &key_prefix, true);
            let lean = plan::plan_lean(walk, want)?;
            execute(&lean, walk, None, None)
        }
        r => r,
    }
}

/// Runs `plan` with the walk's bindings. Output 0 of the targeted step goes
/// into `*target` (allocated there first if `None`). `count`: whether the
/// plan came from the cache, to count the force (once per force).
fn execute(
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

/// Writes `node`'s values into `region` of `buffer` (a buffer of
/// `buffer_len` elements of `node`'s dtype on backend `backend`; `None`:
/// allocated on the backend placement picks, and returned in `buffer`).
pub(crate) fn write(
    node: &Arc<Node>,
    region: Layout,
    buffer_len: usize,
    backend: Option<usize>,
    buffer: &mut Option<Buffer>,
    want: Device,
) -> Result<Arc<Storage>> {
    let target = Target {
        layout: region,
        buffer_len,
    };
    batch(|| {
        let mut walk = take_walk();
        let r = run_forced(
            &mut walk,
            &[node],
            want,
            Some((&target, backend)),
            Some(buffer),
        );
        put_walk(walk);
        r
    })
    .map(|s| s.expect("a targeted force returns its storage"))
}

/// Whether two of `nodes` reach a common lazy node: forced one by one,
/// the work below it would run once per node.
pub(crate) fn share_work(nodes: &[&Arc<Node>]) -> bool {
    let lazy = nodes.iter().filter(|n| n.is_lazy()).count();
    if lazy < 2 {
        return false;
    }
    let mut seen: rustc_hash::FxHashMap<usize, usize> = Default::default();
    for (k, root) in nodes.iter().enumerate() {
        let mut stack = vec![(*root).clone()];
        while let Some(n) = stack.pop() {
            if !n.is_lazy() {
                continue;
            }
            match seen.insert(Arc::as_ptr(&n) as usize, k) {
                Some(j) if j != k => return true,
                Some(_) => continue,
                None => {}
            }
            n.with_expr(|e| e.for_each_child(|c| stack.push(c.clone())));
        }
    }
    false
}

/// Forces the pending work connected to `deep`, a value whose lazy chain
/// has grown past the depth bound (see the module docs): every lazy value
/// built on this thread that the program (or another lazy value outside
/// this work) still holds, and that shares lazy nodes with `deep`, is
/// computed in one force.
///
/// A failure is not lost: when `deep` alone fails too, it becomes a failed
/// value ([`Expr::Fail`](crate::graph::Expr)) that reports the error when
/// read. Otherwise every later op on it would find it past the bound and
/// walk the whole, ever longer, chain again: a loop extending a value that
/// cannot be computed would cost O(n²), and its graph would grow without
/// bound. This holds for running out of memory too: NumPy would have
/// raised at the op, and an eager program has no later retry either.
/// The other pending values (whose failure may be `deep`'s alone) stay lazy.
pub(crate) fn flush(deep: &Arc<Node>) {
    let heads = connected_heads(deep, false);
    let refs: Vec<&Arc<Node>> = heads.iter().collect();
    if batch(|| force_all(&refs, default_device())).is_ok() || !deep.is_lazy() {
        return;
    }
    if let Err(e) = batch(|| force_all(&[deep], default_device())) {
        deep.set_failed(e);
    }
}

/// `root` and the lazy values built on this thread that something outside
/// their graphs still holds (an `Array` handle, mostly) and that share lazy
/// nodes with `root`: the pending work a force of `root` can do in the same
/// kernels, so the shared part runs once (`same_shape`: only values of
/// `root`'s shape, which become extra outputs of its kernel).
fn connected_heads(root: &Arc<Node>, same_shape: bool) -> Vec<Arc<Node>> {
    let candidates: Vec<Arc<Node>> = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        p.nodes.retain(|w| w.strong_count() > 0);
        p.pruned = p.nodes.len();
        p.nodes
            .iter()
            .filter_map(Weak::upgrade)
            .filter(|n| !same_shape || n.shape == root.shape)
            .filter(|n| !Arc::ptr_eq(n, root) && n.is_lazy())
            .collect()
    });
    if candidates.is_empty() {
        return vec![root.clone()];
    }
    let mut walk = take_walk();
    let mut roots: Vec<&Arc<Node>> = candidates.iter().collect();
    roots.push(root);
    walk.walk(&roots, &[], false);
    // Union the walked nodes into connected components of lazy nodes.
    let n = walk.nodes.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], mut i: u32) -> u32 {
        while p[i as usize] != i {
            p[i as usize] = p[p[i as usize] as usize];
            i = p[i as usize];
        }
        i
    }
    for i in 0..n {
        if !matches!(walk.visited[i].kind, Kind::Elementwise | Kind::Reduce) {
            continue;
        }
        for &c in walk.visited[i].children() {
            if matches!(
                walk.visited[c as usize].kind,
                Kind::Elementwise | Kind::Reduce
            ) {
                let (a, b) = (find(&mut parent, i as u32), find(&mut parent, c));
                parent[a as usize] = b;
            }
        }
    }
    let last = *walk.roots.last().expect("root is a root");
    let component = find(&mut parent, last);
    // Heads: `root` (first), and candidates held beyond the union's own
    // edges (the walk's handle and the candidate list's).
    let mut heads: Vec<Arc<Node>> = vec![root.clone()];
    heads.extend(
        walk.roots
            .iter()
            .zip(roots.iter())
            .filter(|(&r, node)| {
                let v = &walk.visited[r as usize];
                !Arc::ptr_eq(node, root)
                    && find(&mut parent, r) == component
                    && Arc::strong_count(node) > v.refs as usize + 2
            })
            .map(|(_, node)| (*node).clone()),
    );
    drop(roots);
    put_walk(walk);
    heads
}
