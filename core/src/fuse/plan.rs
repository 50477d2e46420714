//! Planning a force: which values are computed into memory, which kernels
//! compute them, in what order and where.
//!
//! A *boundary* is a value a kernel stores: the force's roots, every
//! reduction, every value something outside the graph still holds (see
//! `graph/walk.rs`), and what fusion reports as needing it (a value read at
//! several positions, broadcast, needed by two kernels, or behind a reshape
//! no layout expresses). Boundaries of one shape form one *group*, computed
//! by one kernel with an output each; a reduction is a group of its own.
//! Fusing a group may ask for another boundary or for an output to leave its
//! group (it is read inside the group at other positions); groups that would
//! wait on each other are split the same way. The planner applies those
//! changes and fuses again until every group fuses, then orders the groups
//! and places each kernel on a backend.
//!
//! A plan depends only on the walk's structure key, so it is cached by that
//! key (`force/cache.rs`) and a repeated force skips all of this.

use super::group::alias_of;
use super::{fuse_group, Context, FusedGroup, Reason, Replan, Source, Target, NO_OWNER};
use crate::backend::{Device, Prepared};
use crate::error::Result;
use crate::graph::walk::{residency, Kind, Walk};
use crate::graph::NodeDef;
use crate::ops::ReduceOp;
use crate::place::{place, InputSite};
use crate::registry::runtime;
use crate::view::ViewOp;
use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// One kernel of a plan.
pub(crate) struct Step {
    pub fused: FusedGroup,
    /// The walked nodes the kernel stores, in output order.
    pub outputs: Vec<u32>,
    /// Why each output is stored.
    pub reasons: Vec<Reason>,
    /// The backend it runs on.
    pub backend: usize,
    /// Output 0 goes to the force's target buffer.
    pub targeted: bool,
    /// A NaN-skipping arg-reduction: an all-NaN slice is an error (the
    /// kernel marks it -1).
    pub nan_arg: Option<ReduceOp>,
    /// What the backend worked out once for this kernel.
    pub prepared: Option<Prepared>,
    /// Bytes read and written per run (for `Stats`).
    pub bytes: (u64, u64),
}

/// A boundary that needs no kernel: a view of data or of another boundary.
#[derive(Debug)]
pub(crate) struct Alias {
    pub node: u32,
    pub of: u32,
    pub view: ViewOp,
}

/// What a force runs.
#[derive(Default)]
pub(crate) struct Plan {
    /// Unique among the plans of this process (see `force::mark`).
    pub id: u64,
    pub steps: Vec<Step>,
    /// Resolved after the steps, in walk order (an alias may view an alias).
    pub aliases: Vec<Alias>,
    /// Boundaries with no elements: empty buffers, no kernel.
    pub empties: Vec<u32>,
    /// Stored values that are not roots (kept for later forces).
    pub kept: usize,
}

/// Builds the plan for a walk (taken with snapshots). `target`: the first
/// root is written into a region of a buffer on backend `target.1` instead
/// of a fresh buffer, even if it is data already.
///
/// `learned`: walk positions of held values that an earlier run of this
/// plan computed without keeping, and a later force needed again: they are
/// kept this time whatever kernel computes them.
///
/// Roots past the first `asked` are pending values computed alongside
/// (see `force::run_forced`): they are stored as kept values.
pub(crate) fn plan(
    walk: &Walk,
    want: Device,
    target: Option<(&Target, usize)>,
    learned: &[u32],
    asked: usize,
) -> Result<Plan> {
    plan_with(walk, want, target, learned, true, asked)
}

/// The plan that keeps only the roots (what memory pressure falls back to):
/// held values are left for a later force to recompute.
pub(crate) fn plan_lean(walk: &Walk, want: Device) -> Result<Plan> {
    plan_with(walk, want, None, &[], false, usize::MAX)
}

fn plan_with(
    walk: &Walk,
    want: Device,
    target: Option<(&Target, usize)>,
    learned: &[u32],
    keep_held: bool,
    asked: usize,
) -> Result<Plan> {
    let n = walk.nodes.len();
    let mut boundary: Vec<Option<Reason>> = vec![None; n];
    for (i, v) in walk.visited.iter().enumerate() {
        match v.kind {
            Kind::Reduce => boundary[i] = Some(Reason::Reduction),
            // Held and computed before: this is the second time, keep it.
            Kind::Elementwise if v.reused && keep_held => boundary[i] = Some(Reason::Held),
            _ => {}
        }
    }
    if keep_held {
        for &i in learned {
            let v = &walk.visited[i as usize];
            if (i as usize) < n && v.held && v.kind == Kind::Elementwise {
                boundary[i as usize] = Some(Reason::Held);
            }
        }
    }
    for (k, &r) in walk.roots.iter().enumerate() {
        let lazy = !matches!(walk.visited[r as usize].kind, Kind::Data { .. });
        if lazy || (k == 0 && target.is_some()) {
            let why = if k < asked {
                Reason::Root
            } else {
                Reason::Held
            };
            boundary[r as usize] = Some(why);
        }
    }
    let target_root = target.map(|_| walk.roots[0]);
    // A reshape of a lazy value at the root: compute the value, and the
    // reshape is a free view of it (NumPy's keepdims results, `reshape` of
    // an expression).
    for &r in &walk.roots {
        if Some(r) == target_root {
            continue;
        }
        if let NodeDef::View(ViewOp::Reshape(_), _) = &walk.exprs[r as usize] {
            let x = walk.visited[r as usize].children()[0];
            if matches!(walk.visited[x as usize].kind, Kind::Elementwise)
                && boundary[x as usize].is_none()
            {
                boundary[x as usize] = Some(Reason::Reshape);
            }
        }
    }
    let mut solo = vec![false; n];
    let mut owner = vec![NO_OWNER; n];
    loop {
        let groups = form_groups(walk, &boundary, &solo, target_root);
        let mut changes: Vec<Replan> = Vec::new();
        let mut fused: Vec<Option<FusedGroup>> = Vec::with_capacity(groups.members.len());
        owner.iter_mut().for_each(|o| *o = NO_OWNER);
        for (g, members) in groups.members.iter().enumerate() {
            let mut ctx = Context {
                walk,
                boundary: &boundary,
                owner: &mut owner,
            };
            let t = if target_root == Some(members[0]) {
                target.map(|t| t.0)
            } else {
                None
            };
            match fuse_group(&mut ctx, g as u32, members, t, keep_held) {
                Ok(f) => fused.push(Some(f)),
                Err(r) => {
                    changes.push(r);
                    fused.push(None);
                }
            }
        }
        if changes.is_empty() {
            let fused: Vec<FusedGroup> = fused.into_iter().map(|f| f.expect("fused")).collect();
            match order(walk, &groups, &fused) {
                Ok(order) => {
                    let fits = too_wide(walk, want, &groups, &fused, &boundary);
                    if fits.is_empty() {
                        return finish(walk, want, target, groups, fused, order, &boundary);
                    }
                    changes.extend(fits.into_iter().map(|i| Replan::Boundary(i, Reason::Fit)));
                }
                Err(splits) => changes.extend(splits.into_iter().map(Replan::Split)),
            }
        }
        // Every round adds a boundary or a split, so planning ends; a round
        // that would add none is a planner bug, reported rather than looped.
        let mut progressed = false;
        for &c in &changes {
            match c {
                Replan::Boundary(i, why) => {
                    // A reshape of a boundary that is a view (an alias)
                    // turns it into a copy.
                    let copy = why == Reason::Reshape && boundary[i as usize] != Some(why);
                    if boundary[i as usize].is_none() || copy {
                        boundary[i as usize] = Some(why);
                        progressed = true;
                    }
                }
                Replan::Split(i) => {
                    progressed |= !solo[i as usize];
                    solo[i as usize] = true;
                }
            }
        }
        if !progressed {
            return Err(crate::Error::unsupported(
                "plan",
                format!("the fusion planner cannot place this graph (stuck at {changes:?}); please report it"),
            ));
        }
    }
}

/// The groups of a plan and what needs no kernel.
struct Groups {
    /// Walked nodes each group's kernel stores (all of one shape, or one reduction).
    members: Vec<Vec<u32>>,
    aliases: Vec<Alias>,
    empties: Vec<u32>,
    /// The group computing each boundary.
    group_of: HashMap<u32, u32>,
}

fn form_groups(
    walk: &Walk,
    boundary: &[Option<Reason>],
    solo: &[bool],
    target_root: Option<u32>,
) -> Groups {
    let mut g = Groups {
        members: Vec::new(),
        aliases: Vec::new(),
        empties: Vec::new(),
        group_of: HashMap::default(),
    };
    let mut by_shape: HashMap<&[usize], u32> = HashMap::default();
    let add = |g: &mut Groups, i: u32, group: Option<u32>| -> u32 {
        let id = match group {
            Some(id) => {
                g.members[id as usize].push(i);
                id
            }
            None => {
                g.members.push(vec![i]);
                g.members.len() as u32 - 1
            }
        };
        g.group_of.insert(i, id);
        id
    };
    // The targeted root first, so its group's output 0 is the root.
    if let Some(r) = target_root {
        let id = add(&mut g, r, None);
        if !solo[r as usize] && matches!(walk.visited[r as usize].kind, Kind::Elementwise) {
            by_shape.insert(walk.shape(r), id);
        }
    }
    for (i, reason) in boundary.iter().enumerate() {
        let i = i as u32;
        if reason.is_none() || Some(i) == target_root {
            continue;
        }
        if walk.size(i) == 0 {
            g.empties.push(i);
            continue;
        }
        if let Some(alias) = alias(walk, boundary, i) {
            g.aliases.push(alias);
            continue;
        }
        let v = &walk.visited[i as usize];
        // A value split off to make a kernel fit must not join another
        // kernel of its shape again.
        let alone = solo[i as usize]
            || *reason == Some(Reason::Fit)
            || matches!(walk.exprs[i as usize], crate::graph::NodeDef::Product(..));
        if v.kind == Kind::Reduce || alone || !matches!(v.kind, Kind::Elementwise) {
            add(&mut g, i, None);
            continue;
        }
        let shape = walk.shape(i);
        match by_shape.get(shape) {
            Some(&id) => {
                add(&mut g, i, Some(id));
            }
            None => {
                let id = add(&mut g, i, None);
                by_shape.insert(shape, id);
            }
        }
    }
    g
}

/// For each group whose kernel reads more buffers than the device it is
/// bound to binds (the device asked for, or the one holding all its data),
/// the value to compute first so that both kernels fit: the lazy value of
/// the group's region reading the most buffers that one kernel can still
/// read. Groups with no such value are left as they are (placement then
/// routes them elsewhere and counts a fallback).
fn too_wide(
    walk: &Walk,
    want: Device,
    groups: &Groups,
    fused: &[FusedGroup],
    boundary: &[Option<Reason>],
) -> Vec<u32> {
    let rt = runtime();
    let host = rt.host_index();
    let mut out = Vec::new();
    for (members, f) in groups.members.iter().zip(fused) {
        let bound = if want != Device::Auto {
            rt.index_of(want).ok()
        } else {
            // A device holding every input (and no host copy) keeps the work.
            let mut on = u64::MAX;
            for s in &f.sources {
                if let Source::Leaf(slot) = *s {
                    on &= residency(&walk.storages[slot as usize]);
                }
            }
            (on != u64::MAX && on & (1 << host.min(63)) == 0 && on != 0)
                .then(|| on.trailing_zeros() as usize)
        };
        let Some(b) = bound else { continue };
        let backend = &rt.entry(b).backend;
        let limit = backend.max_inputs(&f.kernel);
        if f.kernel.inputs.len() <= limit {
            continue;
        }
        // The buffers each lazy value of the region reads, children first.
        let mut reads: HashMap<u32, Vec<u32>> = HashMap::default();
        let mut stack: Vec<u32> = members.clone();
        let mut region: Vec<u32> = Vec::new();
        while let Some(i) = stack.pop() {
            if reads.contains_key(&i) {
                continue;
            }
            reads.insert(i, Vec::new());
            region.push(i);
            for &c in walk.visited[i as usize].children() {
                let lazy = matches!(walk.visited[c as usize].kind, Kind::Elementwise);
                if lazy && boundary[c as usize].is_none() {
                    stack.push(c);
                }
            }
        }
        region.sort_unstable();
        for &i in &region {
            let mut set: Vec<u32> = Vec::new();
            for &c in walk.visited[i as usize].children() {
                match reads.get(&c) {
                    Some(r) if c != i => set.extend_from_slice(r),
                    _ => {
                        if !matches!(walk.visited[c as usize].kind, Kind::Const { .. }) {
                            set.push(c);
                        }
                    }
                }
            }
            set.sort_unstable();
            set.dedup();
            reads.insert(i, set);
        }
        // One output for the split-off kernel: it may read one buffer more
        // than a kernel with this group's outputs.
        let own = limit + f.kernel.outputs.len().saturating_sub(1);
        let best = region
            .iter()
            .filter(|i| !members.contains(i))
            .map(|&i| (reads[&i].len(), i))
            .filter(|&(n, _)| n >= 2 && n <= own)
            .max();
        if let Some((_, i)) = best {
            out.push(i);
        }
    }
    out
}

/// A boundary that is a view of data or of another boundary needs no kernel.
fn alias(walk: &Walk, boundary: &[Option<Reason>], i: u32) -> Option<Alias> {
    alias_of(walk, boundary, i).map(|(view, of)| Alias { node: i, of, view })
}

/// The groups in an order where each runs after those whose results it
/// reads, or the outputs to split out of groups that wait on each other.
fn order(
    walk: &Walk,
    groups: &Groups,
    fused: &[FusedGroup],
) -> std::result::Result<Vec<usize>, Vec<u32>> {
    let ng = groups.members.len();
    // The group whose result (or alias of a result) each source reads.
    let producer = |i: u32| -> Option<u32> {
        let mut i = i;
        loop {
            if let Some(&g) = groups.group_of.get(&i) {
                return Some(g);
            }
            // An alias reads what it views.
            match groups.aliases.iter().find(|a| a.node == i) {
                Some(a) => i = a.of,
                None => return None,
            }
        }
    };
    let _ = walk;
    let mut deps: Vec<Vec<(u32, u32)>> = vec![Vec::new(); ng];
    for (g, f) in fused.iter().enumerate() {
        for s in &f.sources {
            if let Source::Result(i) = *s {
                if let Some(p) = producer(i) {
                    if p as usize != g {
                        deps[g].push((p, i));
                    }
                }
            }
        }
    }
    let mut indegree: Vec<usize> = deps.iter().map(|d| d.len()).collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); ng];
    for (g, d) in deps.iter().enumerate() {
        for &(p, _) in d {
            users[p as usize].push(g);
        }
    }
    let mut ready: Vec<usize> = (0..ng).filter(|&g| indegree[g] == 0).collect();
    let mut out = Vec::with_capacity(ng);
    while let Some(g) = ready.pop() {
        out.push(g);
        for &u in &users[g] {
            indegree[u] -= 1;
            if indegree[u] == 0 {
                ready.push(u);
            }
        }
    }
    if out.len() == ng {
        return Ok(out);
    }
    // Groups left wait on each other: outputs of a multi-output group that
    // another waiting group reads go to groups of their own.
    let waiting: Vec<usize> = (0..ng).filter(|&g| indegree[g] > 0).collect();
    let mut splits = Vec::new();
    for &g in &waiting {
        for &(p, i) in &deps[g] {
            if groups.members[p as usize].len() > 1 && indegree[p as usize] > 0 {
                splits.push(i);
            }
        }
    }
    splits.sort_unstable();
    splits.dedup();
    assert!(!splits.is_empty(), "the lazy graph has a cycle");
    Err(splits)
}

fn finish(
    walk: &Walk,
    want: Device,
    target: Option<(&Target, usize)>,
    groups: Groups,
    fused: Vec<FusedGroup>,
    order: Vec<usize>,
    boundary: &[Option<Reason>],
) -> Result<Plan> {
    let rt = runtime();
    static IDS: AtomicU64 = AtomicU64::new(1);
    let mut plan = Plan {
        id: IDS.fetch_add(1, Ordering::Relaxed),
        aliases: groups.aliases,
        empties: groups.empties,
        ..Plan::default()
    };
    let mut fused: Vec<Option<FusedGroup>> = fused.into_iter().map(Some).collect();
    // Where each boundary's result will live, for the placement of its readers.
    let mut lives: HashMap<u32, usize> = HashMap::default();
    let host = rt.host_index();
    for g in order {
        let f = fused[g].take().expect("each group once");
        let mut outputs = groups.members[g].clone();
        let own = outputs.len();
        outputs.extend_from_slice(&f.kept);
        let targeted = target.is_some() && outputs[0] == walk.roots[0];
        let sites: Vec<InputSite> = f
            .sources
            .iter()
            .zip(&f.kernel.inputs)
            .map(|(s, input)| InputSite {
                bytes: input.buffer_len * input.dtype.size_of(),
                on: match *s {
                    Source::Leaf(slot) => residency(&walk.storages[slot as usize]),
                    Source::Result(i) => {
                        let b =
                            resolve(&plan.aliases, i, |n| lives.get(&n).copied()).unwrap_or(host);
                        1u64 << b.min(63)
                    }
                },
            })
            .collect();
        let backend = match target {
            Some((_, b)) if targeted && b != usize::MAX => b,
            _ => place(&f.kernel, &sites, want, false)?.0,
        };
        for &o in &outputs {
            lives.insert(o, backend);
        }
        let reasons: Vec<Reason> = outputs
            .iter()
            .enumerate()
            .map(|(j, &o)| match boundary[o as usize] {
                Some(r) if j < own => r,
                _ => Reason::Held,
            })
            .collect();
        plan.kept += reasons.iter().filter(|r| **r == Reason::Held).count();
        let nan_arg = match f.kernel.reduction.as_ref().map(|r| r.op) {
            Some(op @ (ReduceOp::NanArgMin | ReduceOp::NanArgMax)) => Some(op),
            _ => None,
        };
        let prepared = rt.entry(backend).backend.prepare(&f.kernel);
        plan.steps.push(Step {
            prepared,
            bytes: crate::run::kernel_bytes(&f.kernel),
            fused: f,
            outputs,
            reasons,
            backend,
            targeted,
            nan_arg,
        });
    }
    plan.kept += plan
        .aliases
        .iter()
        .filter(|a| boundary[a.node as usize] == Some(Reason::Held))
        .count();
    Ok(plan)
}

/// Follows aliases from node `i` to the boundary (or data) they view, and
/// answers `f` for it.
fn resolve<T>(aliases: &[Alias], mut i: u32, f: impl Fn(u32) -> Option<T>) -> Option<T> {
    loop {
        if let Some(t) = f(i) {
            return Some(t);
        }
        i = aliases.iter().find(|a| a.node == i)?.of;
    }
}
