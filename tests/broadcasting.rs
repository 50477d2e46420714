//! Broadcasting against NumPy (fixture shape pairs incl. 0-d, zero-length
//! axes and mismatches) and a property test against a reference
//! broadcasting written here, with every device agreeing with the CPU.

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;
use tandem::prelude::*;

#[test]
fn fixture_shape_pairs() {
    let fx = load("broadcast.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let op = case["op"].as_str().unwrap();
            let a = parse_array(&case["a"]);
            let b = parse_array(&case["b"]);
            total += 1;
            let got = catch(|| binary(op, &on(info, &a.build()), &on(info, &b.build())));
            let msg = match got {
                Ok(got) => check_case(case, got, &[]),
                Err(p) => Some(format!("panicked: {p}")),
            };
            if let Some(msg) = msg {
                failures.push(format!(
                    "{op}({} {:?}, {} {:?}) on {}: {msg}",
                    a.dtype.name(),
                    a.shape,
                    b.dtype.name(),
                    b.shape,
                    label(info)
                ));
            }
        }
    });
    report("broadcast fixtures", total, &failures);
}

/// The error for a mismatch is `ShapeMismatch`, raised when the op is built
/// (before any evaluation), and names both shapes.
#[test]
fn mismatch_is_eager_shape_mismatch() {
    let a = Array::zeros(&[2, 3], DType::F32);
    let b = Array::zeros(&[3, 2], DType::F32);
    match a.try_add(&b) {
        Err(e @ Error::ShapeMismatch { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("[2, 3]") && msg.contains("[3, 2]"),
                "message should name both shapes: {msg}"
            );
        }
        other => panic!("(2,3) + (3,2): expected ShapeMismatch, got {other:?}"),
    }
    assert!(
        catch(|| &a * &b).is_err(),
        "the * operator must panic on a shape mismatch"
    );
}

/// NumPy's broadcast of two shapes, or None.
fn broadcast_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for (k, o) in out.iter_mut().enumerate() {
        let da = if k + a.len() >= n {
            a[k + a.len() - n]
        } else {
            1
        };
        let db = if k + b.len() >= n {
            b[k + b.len() - n]
        } else {
            1
        };
        *o = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            return None;
        };
    }
    Some(out)
}

/// The flat index into an input of `shape` for output multi-index `idx`.
fn source_index(idx: &[usize], shape: &[usize]) -> usize {
    let off = idx.len() - shape.len();
    let mut flat = 0;
    for (k, &d) in shape.iter().enumerate() {
        let i = if d == 1 { 0 } else { idx[off + k] };
        flat = flat * d + i;
    }
    flat
}

/// Reference `a op b` with broadcasting, computed element by element.
fn reference<T: Copy, R>(
    a: &[T],
    sa: &[usize],
    b: &[T],
    sb: &[usize],
    f: impl Fn(T, T) -> R,
) -> (Vec<usize>, Vec<R>) {
    let out = broadcast_shape(sa, sb).expect("shapes broadcast");
    let size: usize = out.iter().product();
    let mut idx = vec![0usize; out.len()];
    let mut res = Vec::with_capacity(size);
    for _ in 0..size {
        res.push(f(a[source_index(&idx, sa)], b[source_index(&idx, sb)]));
        for k in (0..out.len()).rev() {
            idx[k] += 1;
            if idx[k] < out[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    (out, res)
}

/// A random output shape and two input shapes that broadcast to it: each
/// input drops some leading axes and turns some axes into 1.
fn shapes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    prop::collection::vec(0usize..5, 0..5).prop_flat_map(|out| {
        let n = out.len();
        (
            Just(out),
            0..=n,
            prop::collection::vec(any::<bool>(), n),
            0..=n,
            prop::collection::vec(any::<bool>(), n),
        )
            .prop_map(|(out, da, ma, db, mb)| {
                let pick = |drop: usize, ones: &[bool]| -> Vec<usize> {
                    (drop..out.len())
                        .map(|k| if ones[k] { 1 } else { out[k] })
                        .collect()
                };
                (pick(da, &ma), pick(db, &mb))
            })
    })
}

fn values_f64(n: usize, seed: u64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as u64 * 2654435761 + seed) % 1000) as f64 * 0.25 - 100.0)
        .collect()
}

fn values_i32(n: usize, seed: u64) -> Vec<i32> {
    (0..n)
        .map(|i| ((i as u64 * 40503 + seed) % 20001) as i32 - 10000)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// f64 add, i32 mul (wrapping) and f64 < on random broadcastable shapes
    /// equal the reference; every device gives the CPU's answer.
    #[test]
    fn random_shapes_match_reference((sa, sb) in shapes(), seed in 0u64..1000) {
        let na: usize = sa.iter().product();
        let nb: usize = sb.iter().product();
        let (fa, fb) = (values_f64(na, seed), values_f64(nb, seed + 7));
        let (ia, ib) = (values_i32(na, seed), values_i32(nb, seed + 3));
        let (out, add_ref) = reference(&fa, &sa, &fb, &sb, |x, y| x + y);
        let (_, lt_ref) = reference(&fa, &sa, &fb, &sb, |x, y| x < y);
        let (_, mul_ref) = reference(&ia, &sa, &ib, &sb, |x: i32, y: i32| x.wrapping_mul(y));

        let mut cpu: Option<(Vec<f64>, Vec<bool>, Vec<i32>)> = None;
        for info in devices() {
            let fa_t = on(&info, &Array::from_vec(fa.clone(), &sa).unwrap());
            let fb_t = on(&info, &Array::from_vec(fb.clone(), &sb).unwrap());
            let ia_t = on(&info, &Array::from_vec(ia.clone(), &sa).unwrap());
            let ib_t = on(&info, &Array::from_vec(ib.clone(), &sb).unwrap());
            let dev = label(&info);

            let add = fa_t.try_add(&fb_t).unwrap();
            prop_assert_eq!(add.shape(), &out[..], "add shape {:?} {:?} on {}", sa, sb, dev);
            let add = add.to_vec::<f64>().unwrap();
            prop_assert_eq!(&add, &add_ref, "add {:?} + {:?} on {}", sa, sb, dev);

            let lt = fa_t.lt(&fb_t).unwrap();
            prop_assert_eq!(lt.dtype(), DType::Bool);
            let lt = lt.to_vec::<bool>().unwrap();
            prop_assert_eq!(&lt, &lt_ref, "lt {:?} < {:?} on {}", sa, sb, dev);

            let mul = ia_t.try_mul(&ib_t).unwrap();
            prop_assert_eq!(mul.shape(), &out[..]);
            let mul = mul.to_vec::<i32>().unwrap();
            prop_assert_eq!(&mul, &mul_ref, "mul {:?} * {:?} on {}", sa, sb, dev);

            // Swapped operands broadcast the same way.
            let swapped = fb_t.try_add(&fa_t).unwrap().to_vec::<f64>().unwrap();
            prop_assert_eq!(&swapped, &add_ref, "add {:?} + {:?} on {}", sb, sa, dev);

            match &cpu {
                None => cpu = Some((add, lt, mul)),
                Some((c_add, c_lt, c_mul)) => {
                    prop_assert_eq!(&add, c_add, "{} disagrees with the CPU on add", dev);
                    prop_assert_eq!(&lt, c_lt, "{} disagrees with the CPU on lt", dev);
                    prop_assert_eq!(&mul, c_mul, "{} disagrees with the CPU on mul", dev);
                }
            }
        }
    }

    /// Shapes that do not broadcast give ShapeMismatch.
    #[test]
    fn random_mismatch_is_shape_mismatch(
        base in prop::collection::vec(2usize..5, 1..4),
        axis in 0usize..3,
        delta in 1usize..3,
    ) {
        let axis = axis % base.len();
        let mut other = base.clone();
        other[axis] += delta; // both >= 2 and different: neither is 1
        let a = Array::zeros(&base, DType::F32);
        let b = Array::zeros(&other, DType::F32);
        let r = a.try_add(&b);
        prop_assert!(matches!(r, Err(Error::ShapeMismatch { .. })),
            "{:?} + {:?}: expected ShapeMismatch, got {:?}", base, other, r.map(|x| x.shape().to_vec()));
    }
}
