//! naga validation of every shader variant the generator can produce: all
//! unary and binary ops × dtypes (the transcendental functions for float32
//! and float64 included: every op must have a GPU form), casts between
//! every dtype pair, select, constants, contiguous (`vec4`) / strided /
//! broadcast inputs, strided outputs, every reduction op × dtype (bool sums
//! and any/all of every dtype included) × contiguous/strided axes × pass
//! kind (first or later pass, serial or workgroup units, final or partial
//! results), and every helper section of the templates on its own. Runs on
//! any machine; a GPU is never needed.

use crate::codegen::generate;
use crate::device::Limits;
use crate::exec::elementwise_key;
use crate::key::{Access, PartialsKey, ReduceKey, ShaderKey};
use crate::reduce::first_key;
use tandem_core::kernel::{Instr, Kernel, KernelInput, KernelOutput, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::{BinaryOp, ReduceOp, Rule, UnaryOp};
use tandem_core::{DType, Scalar};

/// Parses and validates `src` with naga, with the capabilities tandem
/// requests where the adapter has them.
pub(crate) fn validate(src: &str) -> Result<(), String> {
    let module = naga::front::wgsl::parse_str(src).map_err(|e| e.emit_to_string(src))?;
    let caps = naga::valid::Capabilities::FLOAT64 | naga::valid::Capabilities::SHADER_INT64;
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps)
        .validate(&module)
        .map(|_| ())
        .map_err(|e| e.emit_to_string(src))
}

/// Input layouts over a 2-D iteration shape [4, 6].
#[derive(Clone, Copy, Debug)]
enum In {
    Contig,
    Transposed,
    Broadcast,
    Offset,
}

const SHAPE: [usize; 2] = [4, 6];

fn input(dt: DType, how: In) -> KernelInput {
    let layout = match how {
        In::Contig => Layout::contiguous(&SHAPE),
        In::Transposed => Layout {
            shape: SHAPE.to_vec(),
            strides: vec![1, 4],
            offset: 0,
        },
        In::Broadcast => Layout {
            shape: SHAPE.to_vec(),
            strides: vec![0, 0],
            offset: 3,
        },
        In::Offset => Layout {
            shape: SHAPE.to_vec(),
            strides: vec![-6, 1],
            offset: 18,
        },
    };
    KernelInput {
        dtype: dt,
        layout,
        buffer_len: 24,
    }
}

fn output(value: usize, dt: DType, strided: bool) -> KernelOutput {
    let layout = if strided {
        Layout {
            shape: SHAPE.to_vec(),
            strides: vec![2, 8],
            offset: 1,
        }
    } else {
        Layout::contiguous(&SHAPE)
    };
    KernelOutput {
        value,
        dtype: dt,
        layout,
        buffer_len: 64,
    }
}

fn ins(op: Op, dtype: DType) -> Instr {
    Instr { op, dtype }
}

/// Generates `k`'s shader and validates it with naga; `Err` names `what`
/// and says whether generation or validation failed, and why.
fn check_elementwise(k: &Kernel, what: &str) -> Result<(), String> {
    let (key, _) = elementwise_key(k);
    let src = generate(&ShaderKey::Elementwise(key), 256)
        .map_err(|reason| format!("{what} not generated: {reason}"))?;
    validate(&src).map_err(|e| format!("{what}: {e}"))
}

/// The layouts every op is tried with: (input layout, strided output).
const VARIANTS: [(In, bool); 4] = [
    (In::Contig, false),
    (In::Transposed, false),
    (In::Broadcast, true),
    (In::Offset, true),
];

/// Every variant an op with `rule` is tried in: (compute dtype, result
/// dtype, input layout, strided output), for every dtype the rule accepts
/// and every layout of [`VARIANTS`].
fn variants(name: &'static str, rule: Rule) -> impl Iterator<Item = (DType, DType, In, bool)> {
    DType::ALL
        .into_iter()
        .filter_map(move |dt| rule.resolve(name, dt).ok())
        .flat_map(|(compute, result)| {
            VARIANTS
                .into_iter()
                .map(move |(how, strided)| (compute, result, how, strided))
        })
}

/// Validates each `(what, kernel)`; fails listing every failure, or when
/// fewer than `at_least` validated.
fn validate_all(kernels: impl Iterator<Item = (String, Kernel)>, at_least: usize) {
    let mut validated = 0;
    let mut failures = Vec::new();
    for (what, k) in kernels {
        match check_elementwise(&k, &what) {
            Ok(()) => validated += 1,
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(validated > at_least, "only {validated} variants validated");
}

/// The kernels of `op` over `arity` operands (the first in each layout,
/// the others contiguous), named after op `name`, in every variant of
/// [`variants`].
fn op_kernels(
    name: &'static str,
    rule: Rule,
    op: Op,
    arity: usize,
) -> impl Iterator<Item = (String, Kernel)> {
    variants(name, rule).map(move |(compute, result, how, strided)| {
        let mut instrs: Vec<Instr> = (0..arity).map(|i| ins(Op::Load(i), compute)).collect();
        instrs.push(ins(op.clone(), result));
        let layout = |i| if i == 0 { how } else { In::Contig };
        let k = Kernel {
            shape: SHAPE.to_vec(),
            inputs: (0..arity).map(|i| input(compute, layout(i))).collect(),
            instrs,
            outputs: vec![output(arity, result, strided)],
            reduction: None,
        };
        (format!("{name}({}) {how:?}", compute.name()), k)
    })
}

#[test]
fn every_unary_op_and_dtype_validates() {
    let kernels = UnaryOp::ALL
        .iter()
        .flat_map(|&op| op_kernels(op.name(), op.rule(), Op::Unary(op, 0), 1));
    validate_all(kernels, 400);
}

#[test]
fn every_binary_op_and_dtype_validates() {
    let kernels = BinaryOp::ALL
        .iter()
        .flat_map(|&op| op_kernels(op.name(), op.rule(), Op::Binary(op, 0, 1), 2));
    validate_all(kernels, 300);
}

#[test]
fn casts_between_every_dtype_pair_validate() {
    let mut n = 0;
    for from in DType::ALL {
        for to in DType::ALL {
            for (how, strided) in VARIANTS {
                let k = Kernel {
                    shape: SHAPE.to_vec(),
                    inputs: vec![input(from, how)],
                    instrs: vec![ins(Op::Load(0), from), ins(Op::Cast(0), to)],
                    outputs: vec![output(1, to, strided)],
                    reduction: None,
                };
                let what = format!("cast {} -> {} {how:?}", from.name(), to.name());
                check_elementwise(&k, &what).unwrap_or_else(|e| panic!("{e}"));
                n += 1;
            }
        }
    }
    assert_eq!(n, 36 * VARIANTS.len());
}

#[test]
fn select_constants_and_multiple_outputs_validate() {
    let consts = [
        Scalar::Bool(true),
        Scalar::I32(-7),
        Scalar::I64(-1 << 40),
        Scalar::U32(u32::MAX),
        Scalar::F32(0.5),
        Scalar::F64(-2.5),
    ];
    for c in consts {
        let dt = c.dtype();
        for (how, strided) in VARIANTS {
            let k = Kernel {
                shape: SHAPE.to_vec(),
                inputs: vec![input(DType::Bool, how), input(dt, In::Contig)],
                instrs: vec![
                    ins(Op::Load(0), DType::Bool),
                    ins(Op::Load(1), dt),
                    ins(Op::Const(c), dt),
                    ins(Op::Select(0, 1, 2), dt),
                ],
                outputs: vec![output(3, dt, strided), output(0, DType::Bool, !strided)],
                reduction: None,
            };
            let what = format!("select {} {how:?}", dt.name());
            check_elementwise(&k, &what).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn rank_zero_and_one_kernels_validate() {
    for shape in [vec![], vec![7], vec![8], vec![3, 1, 5]] {
        let l = Layout::contiguous(&shape);
        let k = Kernel {
            shape: shape.clone(),
            inputs: vec![KernelInput {
                dtype: DType::Bool,
                layout: l.clone(),
                buffer_len: l.size(),
            }],
            instrs: vec![
                ins(Op::Load(0), DType::Bool),
                ins(Op::Unary(UnaryOp::LogicalNot, 0), DType::Bool),
            ],
            outputs: vec![KernelOutput {
                value: 1,
                dtype: DType::Bool,
                layout: l.clone(),
                buffer_len: l.size(),
            }],
            reduction: None,
        };
        check_elementwise(&k, &format!("{shape:?}")).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// A reduction of a [4, 100] (serial rows when short) or [4, 5000] input
/// over `axes`, contiguous or transposed.
fn reduction(op: ReduceOp, dt: DType, axes: Vec<usize>, transposed: bool, long: bool) -> Kernel {
    let n = if long { 5000 } else { 10 };
    let shape = vec![4, n];
    let layout = if transposed {
        Layout {
            shape: shape.clone(),
            strides: vec![1, 4],
            offset: 0,
        }
    } else {
        Layout::contiguous(&shape)
    };
    let kept: Vec<usize> = (0..2)
        .filter(|a| !axes.contains(a))
        .map(|a| shape[a])
        .collect();
    let odt = if op.is_arg() { DType::I64 } else { dt };
    let ol = Layout::contiguous(&kept);
    Kernel {
        shape: shape.clone(),
        inputs: vec![KernelInput {
            dtype: dt,
            layout,
            buffer_len: 4 * n,
        }],
        instrs: vec![ins(Op::Load(0), dt)],
        outputs: vec![KernelOutput {
            value: 0,
            dtype: odt,
            buffer_len: ol.size(),
            layout: ol,
        }],
        reduction: Some(Reduction { op, axes }),
    }
}

const REDUCE_OPS: [ReduceOp; 13] = [
    ReduceOp::Sum,
    ReduceOp::Prod,
    ReduceOp::Min,
    ReduceOp::Max,
    ReduceOp::NanSum,
    ReduceOp::NanMin,
    ReduceOp::NanMax,
    ReduceOp::Any,
    ReduceOp::All,
    ReduceOp::ArgMin,
    ReduceOp::ArgMax,
    ReduceOp::NanArgMin,
    ReduceOp::NanArgMax,
];

fn limits() -> Limits {
    Limits {
        max_binding: 1 << 27,
        max_buffer: 1 << 31,
        max_workgroups: 65535,
        storage_align: 256,
        uniform_align: 256,
        max_storage_buffers: 8,
        workgroup: 64,
    }
}

/// Every shader a reduction whose first pass is `key` can run: the first
/// pass with serial or workgroup units writing final or partial results,
/// and the later passes of each kind.
fn pass_keys(key: &ReduceKey, dt: DType, op: ReduceOp) -> Vec<ShaderKey> {
    let mut keys = Vec::new();
    for serial in [false, true] {
        for last in [false, true] {
            let mut k = key.clone();
            k.serial = serial;
            k.last = last;
            keys.push(ShaderKey::Reduce(k));
            keys.push(ShaderKey::Partials(PartialsKey {
                dtype: dt,
                op,
                last,
                out: (key.out.0, key.out.1),
                out_rank: key.out_rank,
                serial,
            }));
        }
    }
    keys
}

#[test]
fn every_reduction_op_dtype_and_axis_validates() {
    let mut validated = 0;
    let mut failures = Vec::new();
    for op in REDUCE_OPS {
        for dt in DType::ALL {
            for axes in [vec![0], vec![1], vec![0, 1]] {
                for transposed in [false, true] {
                    for long in [false, true] {
                        let k = reduction(op, dt, axes.clone(), transposed, long);
                        let what = format!(
                            "{}({}) axes {axes:?} transposed={transposed} long={long}",
                            op.name(),
                            dt.name()
                        );
                        let key = match first_key(
                            &k,
                            k.reduction.as_ref().expect("a reduction"),
                            &limits(),
                        ) {
                            Ok(x) => x,
                            Err(e) => {
                                failures.push(format!("{what}: {e}"));
                                continue;
                            }
                        };
                        for key in pass_keys(&key, dt, op) {
                            match generate(&key, 256).and_then(|s| validate(&s)) {
                                Ok(()) => validated += 1,
                                Err(e) => failures.push(format!("{what} {key:?}: {e}")),
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(validated > 4000, "only {validated} variants validated");
}

#[test]
fn fused_truth_values_and_rank_3_strided_reductions_validate() {
    // any/all over a fused comparison and over a cast-free float value,
    // bool sums over a fused comparison, and every op over a rank-3
    // transposed input with kept and reduced axes interleaved (two
    // separate unravellings, row and position in the row).
    let shape = vec![3, 4, 5];
    let layout = Layout {
        shape: shape.clone(),
        strides: vec![1, 20, 4],
        offset: 2,
    };
    let mut validated = 0;
    for op in REDUCE_OPS {
        for dt in [DType::F32, DType::F64, DType::I32, DType::U32, DType::Bool] {
            for compare in [false, true] {
                let mut instrs = vec![ins(Op::Load(0), dt)];
                let vdt = if compare {
                    instrs.push(ins(Op::Const(Scalar::I32(1).cast(dt)), dt));
                    instrs.push(ins(Op::Binary(BinaryOp::Ne, 0, 1), DType::Bool));
                    DType::Bool
                } else {
                    dt
                };
                let odt = if op.is_arg() { DType::I64 } else { vdt };
                let k = Kernel {
                    shape: shape.clone(),
                    inputs: vec![KernelInput {
                        dtype: dt,
                        layout: layout.clone(),
                        buffer_len: 96,
                    }],
                    outputs: vec![KernelOutput {
                        value: instrs.len() - 1,
                        dtype: odt,
                        layout: Layout::contiguous(&[4]),
                        buffer_len: 4,
                    }],
                    instrs,
                    reduction: Some(Reduction {
                        op,
                        axes: vec![0, 2],
                    }),
                };
                let key = first_key(&k, k.reduction.as_ref().expect("a reduction"), &limits())
                    .unwrap_or_else(|e| panic!("{}({}): {e}", op.name(), dt.name()));
                assert_eq!((key.body.rank, key.out_rank), (3, 1));
                for key in pass_keys(&key, vdt, op) {
                    let src = generate(&key, 256).unwrap_or_else(|e| panic!("{key:?}: {e}"));
                    validate(&src).unwrap_or_else(|e| panic!("{key:?}: {e}"));
                    validated += 1;
                }
            }
        }
    }
    assert_eq!(validated, 13 * 5 * 2 * 8);
}

#[test]
fn strided_reduction_outputs_validate() {
    let mut k = reduction(ReduceOp::Max, DType::Bool, vec![1], true, true);
    k.outputs[0].layout = Layout {
        shape: vec![4],
        strides: vec![-3],
        offset: 9,
    };
    k.outputs[0].buffer_len = 10;
    let key =
        first_key(&k, k.reduction.as_ref().expect("a reduction"), &limits()).expect("supported");
    assert_eq!(key.out.1, Access::Strided);
    validate(&generate(&ShaderKey::Reduce(key), 256).expect("generated")).expect("valid");
}

#[test]
fn every_helper_section_validates_for_its_dtypes() {
    use crate::codegen::helpers::{section_names, Helpers};
    use crate::key::Width;
    let mut validated = 0;
    let mut failures = Vec::new();
    for (name, only) in section_names() {
        let dtypes: Vec<DType> = match only {
            Some(dt) => vec![dt],
            None => DType::ALL.to_vec(),
        };
        for dt in dtypes {
            // Generic sections are written for floats or for integers.
            if only.is_none() && !applies(&name, dt) {
                continue;
            }
            let mut h = Helpers::default();
            let Some(_) = h.call(&name, dt, Width::Scalar) else {
                failures.push(format!(
                    "{name} for {}: a section it needs is missing",
                    dt.name()
                ));
                continue;
            };
            let src = format!(
                "{}\n@compute @workgroup_size(1)\nfn main() {{}}\n",
                h.source()
            );
            if let Some(p) = leftover_placeholder(&src) {
                failures.push(format!("{name} for {}: placeholder {p} left", dt.name()));
            }
            match validate(&src) {
                Ok(()) => validated += 1,
                Err(e) => failures.push(format!("{name} for {}: {e}", dt.name())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(validated > 60, "only {validated} helper sections validated");
}

/// A `{PLACEHOLDER}` (upper-case letters and `_` in braces) left in `src`.
fn leftover_placeholder(src: &str) -> Option<&str> {
    src.match_indices('{').find_map(|(at, _)| {
        let rest = &src[at + 1..];
        let end = rest.find('}')?;
        let inner = &rest[..end];
        (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .then(|| &src[at..at + end + 2])
    })
}

/// Whether a generic section is meant for `dt` (float helpers for floats,
/// integer helpers for integers).
fn applies(name: &str, dt: DType) -> bool {
    let int_helpers = [
        "irem",
        "ifloordiv",
        "ipow",
        "ifmod",
        "gcd",
        "lcm",
        "left_shift",
        "right_shift",
        "bitwise_count",
        "isneg",
    ];
    if int_helpers.contains(&name) {
        matches!(dt, DType::I32 | DType::I64 | DType::U32)
    } else {
        dt.is_float()
    }
}
