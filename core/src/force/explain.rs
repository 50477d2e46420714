//! `Array::explain`: the plan a force would run, in words, without running
//! anything: each kernel, the backend it runs on and why, how the backend
//! runs it, the values it stores and why each is stored.

use super::scratch::{prefix, put_walk, take_walk};
use crate::backend::Device;
use crate::fuse::plan::{self, Plan};
use crate::fuse::Source;
use crate::graph::Node;
use crate::place::{place, InputSite};
use crate::registry::{default_device, runtime};
use std::sync::Arc;

/// The kernels forcing `node` would run, where, and why.
pub(crate) fn explain(node: &Arc<Node>) -> String {
    let want = default_device();
    if !node.is_lazy() {
        return "already computed: no kernels to run\n".into();
    }
    let mut walk = take_walk();
    walk.walk(&[node], &prefix(want, None), true);
    let learned = super::cache::learned(&walk.key);
    let text = match plan::plan(&walk, want, None, &learned, 1) {
        Ok(p) => describe(&p, &walk, want),
        Err(e) => format!("0 kernel(s) (default device: {want})\nplanning stopped: {e}\n"),
    };
    put_walk(walk);
    text
}

fn describe(p: &Plan, walk: &crate::graph::walk::Walk, want: Device) -> String {
    let rt = runtime();
    let mut out = format!("{} kernel(s) (default device: {want})\n", p.steps.len());
    let name = |i: u32| -> String {
        let n = &walk.nodes[i as usize];
        format!("{:?} {}", n.shape, n.dtype)
    };
    for (k, step) in p.steps.iter().enumerate() {
        // Placement again, with its reasons this time (a plan keeps only the choice).
        let sites: Vec<InputSite> = step
            .fused
            .sources
            .iter()
            .zip(&step.fused.kernel.inputs)
            .map(|(s, input)| InputSite {
                bytes: input.buffer_len * input.dtype.size_of(),
                on: match *s {
                    Source::Leaf(slot) => {
                        crate::graph::walk::residency(&walk.storages[slot as usize])
                    }
                    Source::Result(i) => {
                        let b = p
                            .steps
                            .iter()
                            .find(|s| s.outputs.contains(&i))
                            .map_or(rt.host_index(), |s| s.backend);
                        1 << b.min(63)
                    }
                },
            })
            .collect();
        let why = place(&step.fused.kernel, &sites, want, true)
            .map(|(_, why)| why)
            .unwrap_or_else(|e| e.to_string());
        let entry = rt.entry(step.backend);
        let how = entry
            .backend
            .describe(&step.fused.kernel)
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "kernel {} on {} ({why}); {} bytes moved{how}\n",
            k + 1,
            entry.name,
            step.fused.kernel.bytes_moved(),
        ));
        for (o, r) in step.outputs.iter().zip(&step.reasons) {
            out.push_str(&format!("  stores {}: {}\n", name(*o), r.describe()));
        }
        out.push_str(&step.fused.kernel.to_string());
    }
    for a in &p.aliases {
        out.push_str(&format!(
            "{} is a free view of {} (no kernel)\n",
            name(a.node),
            name(a.of)
        ));
    }
    out
}
