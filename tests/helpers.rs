//! NumPy's non-ufunc helpers against NumPy, on every device: `isclose`,
//! `allclose`, `array_equal`, `nan_to_num`, `round_to`, `copy`, the
//! `*_like` constructors, `meshgrid`, `tril`, `triu`, `diag`, `tile`,
//! `repeat`, `flip`, `roll`, `pad`, `swapaxes`, `moveaxis`, `atleast_*d`,
//! `split`, `array_split`, and their errors; then properties (`flip` twice,
//! `split` + `concatenate`, `roll` there and back, `tril + triu`) and the
//! kernel counts that show which helpers are free views, which fuse into
//! one kernel, and which are joins.
//!
//! Expected values come from `tests/fixtures/helpers/helpers.json`, written
//! by `scripts/fixtures/helpers.py` with NumPy (its docstring records the
//! two deviations). Every comparison is exact: the helpers compute NumPy's
//! own formulas in the same dtype. Every result is read back, so no GPU
//! work is left in flight.

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;
use serde_json::Value;
use tandem::prelude::*;

/// What a helper returns.
enum Out {
    Arr(Array),
    List(Vec<Array>),
    Bool(bool),
}

fn int(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("argument {key:?} is not an integer: {v}"))
}

fn opt_axis(v: &Value) -> Option<isize> {
    v["axis"].as_i64().map(|a| a as isize)
}

fn opt_f64(v: &Value) -> Option<f64> {
    (!v.is_null()).then(|| parse_float(v))
}

fn weak_scalar(v: &Value) -> Scalar {
    match weak_variants(v)[0] {
        Weak::Bool(x) => Scalar::from(x),
        Weak::I32(x) => Scalar::from(x),
        Weak::I64(x) => Scalar::from(x),
        Weak::U32(x) => Scalar::from(x),
        Weak::F32(x) => Scalar::from(x),
        Weak::F64(x) => Scalar::from(x),
    }
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_u64().expect("a non-negative integer") as usize)
        .collect()
}

fn call(fun: &str, x: &[Array], args: &Value) -> Result<Out> {
    use Out::*;
    let a = x.first();
    let a0 = || a.expect("an input");
    let tol = || {
        (
            parse_float(&args["rtol"]),
            parse_float(&args["atol"]),
            args["equal_nan"].as_bool().expect("equal_nan"),
        )
    };
    let other = || match x.get(1) {
        Some(b) => Operand::from(b),
        None => weak_operand(weak_variants(&args["other"])[0]),
    };
    Ok(match fun {
        "isclose" => {
            let (r, t, e) = tol();
            Arr(a0().isclose(other(), r, t, e)?)
        }
        "allclose" => {
            let (r, t, e) = tol();
            Bool(a0().allclose(other(), r, t, e)?)
        }
        "array_equal" => Bool(a0().array_equal(&x[1])?),
        "nan_to_num" => Arr(a0().nan_to_num(
            parse_float(&args["nan"]),
            opt_f64(&args["posinf"]),
            opt_f64(&args["neginf"]),
        )),
        // `round_to` returns `Array`; its NumPy errors come back when read.
        "round_to" => Arr(a0().round_to(int(args, "decimals") as i32).eval()?),
        "copy" => Arr(a0().copy()),
        "zeros_like" => Arr(Array::zeros_like(a0())),
        "ones_like" => Arr(Array::ones_like(a0())),
        "empty_like" => Arr(Array::empty_like(a0())),
        "full_like" => Arr(Array::full_like(a0(), weak_scalar(&args["value"]))),
        "meshgrid" => List(Array::meshgrid(
            &x.iter().collect::<Vec<_>>(),
            args["ij"].as_bool().expect("ij"),
        )?),
        "tile" => Arr(a0().tile(&usizes(&args["reps"]))?),
        "repeat" => Arr(a0().repeat(int(args, "n") as usize, opt_axis(args))?),
        "flip" => Arr(a0().flip(opt_axis(args))?),
        "roll" => Arr(a0().roll(int(args, "shift") as isize, opt_axis(args))?),
        "pad" => {
            let widths: Vec<(usize, usize)> = args["widths"]
                .as_array()
                .expect("widths")
                .iter()
                .map(|p| {
                    let p = usizes(p);
                    (p[0], p[1])
                })
                .collect();
            let mode = match args["mode"].as_str().expect("mode") {
                "edge" => PadMode::Edge,
                "constant" => PadMode::Constant(weak_scalar(&args["value"])),
                m => panic!("unknown pad mode {m:?}"),
            };
            Arr(a0().pad(&widths, mode)?)
        }
        "tril" => Arr(a0().tril(int(args, "k") as isize)?),
        "triu" => Arr(a0().triu(int(args, "k") as isize)?),
        "diag" => Arr(Array::diag(a0(), int(args, "k") as isize)?),
        "swapaxes" => Arr(a0().swapaxes(int(args, "i") as isize, int(args, "j") as isize)?),
        "moveaxis" => Arr(a0().moveaxis(int(args, "from") as isize, int(args, "to") as isize)?),
        "atleast_1d" => Arr(a0().atleast_1d()),
        "atleast_2d" => Arr(a0().atleast_2d()),
        "atleast_3d" => Arr(a0().atleast_3d()),
        "split" => List(a0().split(int(args, "sections") as usize, int(args, "axis") as isize)?),
        "array_split" => {
            List(a0().array_split(int(args, "sections") as usize, int(args, "axis") as isize)?)
        }
        other => panic!("unknown helper {other:?}"),
    })
}

fn error_kind_matches(kind: &str, e: &Error) -> bool {
    match kind {
        "dtype" => matches!(e, Error::DTypeMismatch { .. }),
        other => view_error_matches(other, e),
    }
}

/// `None` when `got` matches the case (exact values, dtype and shape, or
/// the error kind), else what differs.
fn check(case: &Value, got: Result<Out>) -> Option<String> {
    if let Some(kind) = case.get("error").and_then(Value::as_str) {
        return match got {
            Err(e) if error_kind_matches(kind, &e) => None,
            Err(e) => Some(format!(
                "expected a {kind} error, got {}: {e}",
                error_variant(&e)
            )),
            Ok(_) => Some(format!("expected a {kind} error (NumPy raises), got Ok")),
        };
    }
    let got = match got {
        Ok(g) => g,
        Err(e) => return Some(format!("expected Ok, got {}: {e}", error_variant(&e))),
    };
    match got {
        Out::Arr(a) => compare(&a, &parse_array(&case["expected"]), Cmp::Exact, &[]).err(),
        Out::Bool(b) => {
            let e = case["expected_bool"].as_bool().expect("expected_bool");
            (b != e).then(|| format!("expected {e}, got {b}"))
        }
        Out::List(v) => {
            let exp = case["expected_list"].as_array().expect("expected_list");
            if v.len() != exp.len() {
                return Some(format!("expected {} arrays, got {}", exp.len(), v.len()));
            }
            v.iter().zip(exp).enumerate().find_map(|(i, (a, e))| {
                compare(a, &parse_array(e), Cmp::Exact, &[])
                    .err()
                    .map(|m| format!("array {i}: {m}"))
            })
        }
    }
}

fn run(funs: &[&str]) {
    let fx = load_fixture("helpers", "helpers.json");
    let mine: Vec<&Value> = cases(fx, "cases")
        .iter()
        .filter(|c| funs.contains(&c["fn"].as_str().unwrap()))
        .collect();
    for f in funs {
        assert!(
            mine.iter().filter(|c| c["fn"] == *f).count() >= 3,
            "{f}: fewer than 3 fixture cases; regenerate with `python3 scripts/fixtures/helpers.py`"
        );
    }
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &mine {
            let fun = case["fn"].as_str().unwrap();
            let name = case["name"].as_str().unwrap();
            total += 1;
            let got = catch(|| {
                let r = case["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| placed(info, v))
                    .collect::<Result<Vec<Array>>>()
                    .and_then(|x| call(fun, &x, &case["args"]));
                check(case, r)
            });
            if let Some(msg) = got.unwrap_or_else(|p| Some(format!("panicked: {p}"))) {
                failures.push(format!("{fun} {name} on {}: {msg}", label(info)));
            }
        }
    });
    report(&format!("{funs:?} fixtures"), total, &failures);
}

#[test]
fn comparisons_match_numpy() {
    run(&["isclose", "allclose", "array_equal"]);
}

#[test]
fn nan_to_num_and_round_to_match_numpy() {
    run(&["nan_to_num", "round_to"]);
}

#[test]
fn copy_and_like_match_numpy() {
    run(&["copy", "zeros_like", "ones_like", "empty_like", "full_like"]);
}

#[test]
fn grids_and_triangles_match_numpy() {
    run(&["meshgrid", "tril", "triu", "diag"]);
}

#[test]
fn rearrangements_match_numpy() {
    run(&[
        "tile",
        "repeat",
        "flip",
        "roll",
        "pad",
        "swapaxes",
        "moveaxis",
        "atleast_1d",
        "atleast_2d",
        "atleast_3d",
        "split",
        "array_split",
    ]);
}

// ---------------------------------------------------------------------------
// Laziness and fusion, counted

/// An evaluated `shape` f32 array on `info`'s device, values 0, 1, 2 …
fn evaluated(info: &tandem::DeviceInfo, shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    let a = Array::from_vec((0..n).map(|x| x as f32 * 0.5).collect(), shape).unwrap();
    on(info, &a).eval().unwrap()
}

/// Kernels run since the last reset, with the allocations in the message.
fn kernels() -> u64 {
    tandem::stats().total_kernels()
}

#[test]
fn views_cost_no_kernel() {
    for_each_device(|info| {
        let a = evaluated(info, &[6, 4, 3]);
        tandem::reset_stats();
        let views = [
            a.flip(None).unwrap(),
            a.flip(Some(1)).unwrap(),
            a.swapaxes(0, 2).unwrap(),
            a.moveaxis(0, -1).unwrap(),
            a.atleast_3d(),
            a.slice(s![0, 0]).unwrap().atleast_3d(),
            Array::diag(&a.slice(s![0]).unwrap(), 1).unwrap(),
        ];
        let parts = a.array_split(4, 0).unwrap();
        let more = a.split(2, 1).unwrap();
        let grid = Array::meshgrid(
            &[&a.slice(s![.., 0, 0]).unwrap(), &a.slice(s![0, 0]).unwrap()],
            false,
        )
        .unwrap();
        let likes = [Array::zeros_like(&a), Array::full_like(&a, 2.0)];
        let s = tandem::stats();
        assert_eq!(
            (s.total_kernels(), s.allocations),
            (0, 0),
            "views and *_like on {}: expected no kernel and no allocation before reading",
            label(info)
        );
        // Read everything back (no GPU work left in flight).
        for v in views
            .iter()
            .chain(&parts)
            .chain(&more)
            .chain(&grid)
            .chain(&likes)
        {
            read(v).unwrap();
        }
    });
}

#[test]
fn elementwise_helpers_are_one_kernel() {
    for_each_device(|info| {
        let a = evaluated(info, &[5, 7]);
        let b = (&a * 1.000001).eval().unwrap();
        let bad = on(
            info,
            &Array::from_vec(vec![f32::NAN, f32::INFINITY, -1.0], &[3]).unwrap(),
        )
        .eval()
        .unwrap();
        let check = |what: &str, f: &dyn Fn() -> Array, want: u64| {
            tandem::reset_stats();
            let r = f();
            read(&r).unwrap();
            assert_eq!(kernels(), want, "{what} on {}: kernels", label(info));
        };
        check("isclose", &|| a.isclose(&b, 1e-5, 1e-8, true).unwrap(), 1);
        check(
            "isclose of a weak scalar",
            &|| a.isclose(2.0, 1e-5, 1e-8, true).unwrap(),
            1,
        );
        check("nan_to_num", &|| bad.nan_to_num(0.0, None, None), 1);
        check("round_to", &|| a.round_to(1), 1);
        check("round_to(-1)", &|| a.round_to(-1), 1);
        check("tril", &|| a.tril(1).unwrap(), 1);
        check("triu of a transposed view", &|| a.t().triu(-1).unwrap(), 1);
        check(
            "diag of a vector",
            &|| Array::diag(&a.slice(s![0]).unwrap(), 0).unwrap(),
            1,
        );
        check("copy of a view", &|| a.flip(None).unwrap().copy(), 1);
        // Fused with the work around them: still one kernel.
        check(
            "tril(a * 2 + 1) * 3",
            &|| (&a * 2.0 + 1.0).tril(0).unwrap() * 3.0,
            1,
        );
        check("(a + 1).copy()", &|| (&a + 1.0).copy(), 1);
        check("a + zeros_like(a)", &|| &a + &Array::zeros_like(&a), 1);
        check("flip(a) - a", &|| &a.flip(Some(0)).unwrap() - &a, 1);
        check(
            "a.flip(None).isclose(a)",
            &|| a.flip(None).unwrap().isclose(&a, 0.0, 0.0, false).unwrap(),
            1,
        );

        tandem::reset_stats();
        assert!(a.allclose(&b, 1e-5, 1e-8, false).unwrap());
        assert_eq!(kernels(), 1, "allclose on {}: kernels", label(info));
        tandem::reset_stats();
        assert!(!a.array_equal(&b).unwrap());
        assert_eq!(kernels(), 1, "array_equal on {}: kernels", label(info));
        tandem::reset_stats();
        assert!(!a.array_equal(&a.t()).unwrap());
        assert_eq!(
            kernels(),
            0,
            "array_equal of other shapes on {}",
            label(info)
        );
        // Integers: nan_to_num and round_to(d >= 0) are the array itself.
        let i = on(info, &Array::arange(0.0, 5.0, 1.0, DType::I32).unwrap());
        tandem::reset_stats();
        let _ = (i.nan_to_num(0.0, None, None), i.round_to(3));
        assert_eq!(kernels(), 0, "integer identities on {}", label(info));
    });
}

#[test]
fn tile_and_repeat_are_lazy_copies_and_roll_pad_are_joins() {
    for_each_device(|info| {
        let a = evaluated(info, &[4, 3]);
        tandem::reset_stats();
        let t = a.tile(&[2, 3]).unwrap();
        let r = a.repeat(2, Some(1)).unwrap();
        assert_eq!(
            kernels(),
            0,
            "tile / repeat before reading on {}",
            label(info)
        );
        // Consumed: one copy (the repetition no strided layout expresses),
        // then the consumer, fused as usual.
        tandem::reset_stats();
        read(&(&t * 2.0)).unwrap();
        read(&(&r + &r)).unwrap();
        assert_eq!(kernels(), 4, "tile / repeat, consumed, on {}", label(info));
        // Read directly, the planner also stores the reshape of that copy
        // as its own output (as for any `a.t().reshape(..)`): at most 2.
        tandem::reset_stats();
        read(&t).unwrap();
        assert!(
            kernels() <= 2,
            "tile read directly on {}: {}",
            label(info),
            kernels()
        );

        // roll: one copy per part at the call, nothing more when read.
        tandem::reset_stats();
        let rolled = a.roll(1, Some(0)).unwrap();
        let at_call = kernels();
        assert!(at_call <= 2, "roll on {}: {at_call} kernels", label(info));
        read(&rolled).unwrap();
        assert_eq!(
            kernels(),
            at_call,
            "roll on {}: work after the call",
            label(info)
        );
        tandem::reset_stats();
        let same = a.roll(6, Some(1)).unwrap();
        read(&same).unwrap();
        assert_eq!(
            kernels(),
            0,
            "roll by a multiple of the length on {}",
            label(info)
        );
        // pad: one join per padded axis.
        tandem::reset_stats();
        let p = a.pad(&[(1, 1), (0, 0)], PadMode::Edge).unwrap();
        read(&p).unwrap();
        assert!(
            kernels() <= 3,
            "pad of one axis on {}: {} kernels",
            label(info),
            kernels()
        );
    });
}

// ---------------------------------------------------------------------------
// Properties

/// A shape of 1..=3 axes of lengths 0..=5 and an array of it (values
/// 0, 1, 2 … as `I32`).
fn shaped() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0usize..=5, 1..=3)
}

fn ramp(shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    Array::from_vec((0..n as i32).collect::<Vec<_>>(), shape).unwrap()
}

fn same(a: &Array, b: &Array) -> bool {
    a.shape() == b.shape() && a.dtype() == b.dtype() && read(a).unwrap() == read(b).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn flip_twice_is_the_identity(shape in shaped(), axis in -3isize..3) {
        let a = ramp(&shape);
        let axis = (axis < shape.len() as isize && axis >= -(shape.len() as isize)).then_some(axis);
        prop_assert!(same(&a.flip(axis).unwrap().flip(axis).unwrap(), &a));
    }

    #[test]
    fn split_then_concatenate_round_trips(shape in shaped(), sections in 1usize..7, axis in 0usize..3) {
        let a = ramp(&shape);
        let axis = (axis % shape.len()) as isize;
        let parts = a.array_split(sections, axis).unwrap();
        prop_assert_eq!(parts.len(), sections);
        let refs: Vec<&Array> = parts.iter().collect();
        prop_assert!(same(&Array::concatenate(&refs, axis).unwrap(), &a));
        if shape[axis as usize] % sections == 0 {
            let even = a.split(sections, axis).unwrap();
            prop_assert!(even.iter().zip(&parts).all(|(x, y)| same(x, y)));
        } else {
            prop_assert!(a.split(sections, axis).is_err());
        }
    }

    #[test]
    fn roll_there_and_back(shape in shaped(), shift in -12isize..12, axis in -1isize..3) {
        let a = ramp(&shape);
        let axis = (axis >= 0).then(|| axis % shape.len() as isize);
        let r = a.roll(shift, axis).unwrap();
        prop_assert!(same(&r.roll(-shift, axis).unwrap(), &a));
    }

    #[test]
    fn tril_plus_triu_is_the_matrix(rows in 0usize..6, cols in 0usize..6, k in -7isize..7) {
        let a = ramp(&[rows, cols]);
        let sum = a.tril(k).unwrap().try_add(a.triu(k + 1).unwrap()).unwrap();
        prop_assert!(same(&sum, &a));
    }

    #[test]
    fn moveaxis_is_undone_by_moving_back(shape in shaped(), from in 0usize..3, to in 0usize..3) {
        let a = ramp(&shape);
        let (f, t) = ((from % shape.len()) as isize, (to % shape.len()) as isize);
        prop_assert!(same(&a.moveaxis(f, t).unwrap().moveaxis(t, f).unwrap(), &a));
        prop_assert!(same(&a.swapaxes(f, t).unwrap().swapaxes(f, t).unwrap(), &a));
    }

    #[test]
    fn tile_and_repeat_sizes(shape in shaped(), n in 0usize..4) {
        let a = ramp(&shape);
        let r = a.repeat(n, None).unwrap();
        prop_assert_eq!(r.size(), a.size() * n);
        let t = a.tile(&[n]).unwrap();
        prop_assert_eq!(t.size(), a.size() * n);
        read(&r).unwrap();
        read(&t).unwrap();
    }
}
