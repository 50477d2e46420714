//! naga validation of every product shader variant: each tile candidate ×
//! every dtype × each way of reading each operand (along either axis,
//! scalar or `vec4`) × batch ranks 0–2, the naive form at ranks 0–3, and
//! epilogues (a bias and `maximum`, a comparison into a `Bool` output, a
//! cast, several outputs). Runs on any machine; a GPU is never needed.

use crate::codegen::generate;
use crate::codegen_tests::validate;
use crate::key::{Access, BodyKey, Fetch, GemmForm, GemmKey, KOp, ShaderKey};
use crate::tile::Tile;
use tandem_core::ops::BinaryOp;
use tandem_core::DType;

/// The body `d = a @ b` then `epi` (instructions after the product, which
/// is `%0`; input 2 is an extra input of `extra`), stored as `outs`.
fn key(
    dt: DType,
    rank: usize,
    extra: Option<DType>,
    epi: &[(KOp, DType)],
    outs: &[(usize, DType)],
    form: GemmForm,
) -> GemmKey {
    let mut inputs = vec![(dt, Access::Strided), (dt, Access::Strided)];
    inputs.extend(extra.map(|d| (d, Access::Strided)));
    let mut instrs = vec![(KOp::Dot { a: 0, b: 1 }, dt)];
    instrs.extend(epi.iter().cloned());
    GemmKey {
        body: BodyKey {
            rank,
            inputs,
            instrs,
        },
        outputs: outs.to_vec(),
        form,
    }
}

fn check(k: &GemmKey, what: &str) -> Result<(), String> {
    let src = generate(&ShaderKey::Gemm(k.clone()), 256)
        .map_err(|e| format!("{what}: not generated: {e}"))?;
    validate(&src).map_err(|e| format!("{what}: {e}"))
}

const FETCHES: [Fetch; 4] = [
    Fetch {
        along_k: true,
        vec4: false,
    },
    Fetch {
        along_k: false,
        vec4: false,
    },
    Fetch {
        along_k: true,
        vec4: true,
    },
    Fetch {
        along_k: false,
        vec4: true,
    },
];

#[test]
fn every_tile_dtype_fetch_and_batch_rank_validates() {
    let mut failures = Vec::new();
    let mut validated = 0;
    for tile in Tile::CANDIDATES {
        for dt in DType::ALL {
            for (i, &fa) in FETCHES.iter().enumerate() {
                // Each fetch of `a` against two of `b` (every pair would be
                // 16 per tile and dtype: the two loaders are independent).
                for fb in [FETCHES[i], FETCHES[(i + 1) % 4]] {
                    if dt == DType::Bool && (fa.vec4 || fb.vec4) {
                        continue;
                    }
                    for batch in 0..3 {
                        let form = GemmForm::Tiled { tile, a: fa, b: fb };
                        let k = key(dt, batch + 2, None, &[], &[(0, dt)], form);
                        let what = format!("{tile} {} {fa:?} {fb:?} batch rank {batch}", dt.name());
                        match check(&k, &what) {
                            Ok(()) => validated += 1,
                            Err(e) => failures.push(e),
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(validated >= 4 * 6 * 6, "{validated}");
}

#[test]
fn every_naive_rank_and_dtype_validates() {
    let mut failures = Vec::new();
    for dt in DType::ALL {
        for rank in 0..4 {
            let k = key(dt, rank, None, &[], &[(0, dt)], GemmForm::Naive);
            if let Err(e) = check(&k, &format!("naive {} rank {rank}", dt.name())) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn epilogues_validate_in_both_forms() {
    let tiled = GemmForm::Tiled {
        tile: Tile::CANDIDATES[1],
        a: FETCHES[2],
        b: FETCHES[3],
    };
    let mut failures = Vec::new();
    for form in [tiled, GemmForm::Naive] {
        for dt in [DType::F32, DType::F64, DType::I32, DType::I64, DType::U32] {
            // relu(a @ b + bias), a comparison of it, both stored.
            let epi = [
                (KOp::Load(2), dt),
                (KOp::Binary(BinaryOp::Add, 0, 1), dt),
                (KOp::Const, dt),
                (KOp::Binary(BinaryOp::Maximum, 2, 3), dt),
                (KOp::Binary(BinaryOp::Gt, 4, 1), DType::Bool),
                (KOp::Cast(4), DType::F32),
            ];
            let outs = [(4, dt), (5, DType::Bool), (6, DType::F32)];
            for rank in [2, 3] {
                let k = key(dt, rank, Some(dt), &epi, &outs, form);
                if let Err(e) = check(&k, &format!("{form:?} epilogue {} rank {rank}", dt.name())) {
                    failures.push(e);
                }
            }
        }
        // bool @ bool, negated, stored as bool and cast to int.
        let epi = [
            (
                KOp::Unary(tandem_core::ops::UnaryOp::LogicalNot, 0),
                DType::Bool,
            ),
            (KOp::Cast(0), DType::I32),
        ];
        let k = key(
            DType::Bool,
            2,
            None,
            &epi,
            &[(1, DType::Bool), (2, DType::I32)],
            match form {
                GemmForm::Tiled { tile, .. } => GemmForm::Tiled {
                    tile,
                    a: FETCHES[0],
                    b: FETCHES[1],
                },
                f => f,
            },
        );
        if let Err(e) = check(&k, &format!("{form:?} bool epilogue")) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn malformed_product_keys_are_refused() {
    let tiled = GemmForm::Tiled {
        tile: Tile::CANDIDATES[0],
        a: FETCHES[2],
        b: FETCHES[0],
    };
    // An operand read as vec4 and loaded by the epilogue.
    let k = key(
        DType::F32,
        2,
        None,
        &[(KOp::Load(0), DType::F32)],
        &[(1, DType::F32)],
        tiled,
    );
    assert!(check(&k, "vec4 and loaded").is_err());
    // Operands of another dtype than the product's.
    let mut k = key(
        DType::F32,
        2,
        None,
        &[],
        &[(0, DType::F32)],
        GemmForm::Naive,
    );
    k.body.inputs[1].0 = DType::I32;
    assert!(check(&k, "mixed dtypes").is_err());
    // A tile whose blocks do not divide it.
    let bad = GemmForm::Tiled {
        tile: Tile {
            bm: 64,
            bn: 64,
            bk: 8,
            tm: 3,
            tn: 4,
        },
        a: FETCHES[0],
        b: FETCHES[0],
    };
    let k = key(DType::F32, 2, None, &[], &[(0, DType::F32)], bad);
    assert!(check(&k, "bad tile").is_err());
}
