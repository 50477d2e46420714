//! Views are index maps, not copies (DESIGN.md, "Fuse"): on every device,
//! slicing, transposing, `broadcast_to` and `reshape` (of a contiguous
//! array) of an evaluated array allocate nothing and run no kernel until
//! read; an expression over views fuses into one kernel with one output
//! buffer; and a broadcast of one element to 10^6 allocates nothing.
//!
//! `tandem::stats()` counts per thread, so these tests need no locking.

#[macro_use]
mod common;

use common::*;
use tandem::prelude::*;

/// An evaluated `[rows, cols]` f32 array on the device of `info`, values
/// `0, 1, 2, ...`.
fn evaluated(info: &tandem::DeviceInfo, rows: usize, cols: usize) -> Array {
    let a = Array::from_vec((0..rows * cols).map(|x| x as f32).collect(), &[rows, cols]).unwrap();
    on(info, &a).eval().unwrap()
}

/// Asserts that nothing ran and nothing was allocated since the last reset.
fn assert_nothing_ran(what: &str, info: &tandem::DeviceInfo) {
    let s = tandem::stats();
    assert!(
        s.total_kernels() == 0 && s.allocations == 0 && s.allocated_bytes == 0,
        "{what} on {}: expected no kernels and no allocations before reading, got {} kernels ({:?}), {} allocations, {} bytes",
        label(info),
        s.total_kernels(),
        s.kernels,
        s.allocations,
        s.allocated_bytes
    );
}

#[test]
fn views_of_an_evaluated_array_are_free_until_read() {
    for_each_device(|info| {
        let a = evaluated(info, 64, 48);
        let one = on(info, &Array::from_vec(vec![2.0f32], &[1]).unwrap())
            .eval()
            .unwrap();

        tandem::reset_stats();
        let s1 = a.slice(s![1..60;3, ..;-1]).unwrap();
        let s2 = a.slice(s![-1, NewAxis, 5..]).unwrap();
        let s3 = s1.slice(s![..;-2, 7]).unwrap();
        assert_nothing_ran("slicing", info);

        tandem::reset_stats();
        let t = a.t();
        let p = a
            .reshape(&[4, 16, 48])
            .unwrap()
            .transpose(&[2, 0, 1])
            .unwrap();
        assert_nothing_ran("t / transpose", info);

        tandem::reset_stats();
        let b = a.slice(s![3]).unwrap().broadcast_to(&[10, 64, 48]).unwrap();
        let b1 = one.broadcast_to(&[7, 9]).unwrap();
        assert_nothing_ran("broadcast_to", info);

        tandem::reset_stats();
        let r1 = a.reshape(&[-1]).unwrap();
        let r2 = a.reshape(&[8, 8, -1]).unwrap();
        let r3 = a.reshape(&[48, 64]).unwrap();
        assert_nothing_ran("reshape of a contiguous array", info);

        tandem::reset_stats();
        let chain = a
            .t()
            .slice(s![..;2, 10..50])
            .unwrap()
            .broadcast_to(&[3, 24, 40])
            .unwrap()
            .transpose(&[1, 0, 2])
            .unwrap();
        assert_nothing_ran("a chain of views", info);

        // The views are right when read.
        let l = label(info);
        assert_eq!(s1.shape(), &[20, 48]);
        assert_eq!(
            s1.get(&[0, 0]).unwrap(),
            Scalar::F32((48 + 47) as f32),
            "s1 on {l}"
        );
        assert_eq!(s2.shape(), &[1, 43]);
        assert_eq!(
            s2.get(&[0, 0]).unwrap(),
            Scalar::F32((63 * 48 + 5) as f32),
            "s2 on {l}"
        );
        assert_eq!(s3.shape(), &[10]);
        // s1[::-2, 7] -> s1 rows 19, 17, ..: a row 1 + 3 * 19 = 58, col 47 - 7 = 40
        assert_eq!(
            s3.get(&[0]).unwrap(),
            Scalar::F32((58 * 48 + 40) as f32),
            "s3 on {l}"
        );
        assert_eq!(
            t.get(&[5, 2]).unwrap(),
            Scalar::F32((2 * 48 + 5) as f32),
            "t on {l}"
        );
        assert_eq!(p.shape(), &[48, 4, 16]);
        assert_eq!(
            p.get(&[3, 1, 2]).unwrap(),
            Scalar::F32((16 * 48 + 2 * 48 + 3) as f32),
            "p on {l}"
        );
        assert_eq!(
            b.get(&[9, 5, 4]).unwrap(),
            Scalar::F32((3 * 48 + 4) as f32),
            "b on {l}"
        );
        assert_eq!(b1.to_vec::<f32>().unwrap(), vec![2.0; 63], "b1 on {l}");
        assert_eq!(
            r1.to_vec::<f32>().unwrap(),
            a.to_vec::<f32>().unwrap(),
            "r1 on {l}"
        );
        assert_eq!(r2.shape(), &[8, 8, 48]);
        assert_eq!(r3.get(&[1, 0]).unwrap(), Scalar::F32(64.0), "r3 on {l}");
        assert_eq!(chain.shape(), &[24, 3, 40]);
        // chain[i, k, j] = a.T[2i, 10 + j] = a[10 + j, 2i]
        assert_eq!(
            chain.get(&[5, 2, 7]).unwrap(),
            Scalar::F32((17 * 48 + 10) as f32),
            "chain on {l}"
        );
    });
}

/// `(a.t() + &b).eval()` is one kernel writing one new buffer.
#[test]
fn transposed_plus_array_is_one_kernel_one_allocation() {
    for_each_device(|info| {
        let a = evaluated(info, 48, 64);
        let b = on(
            info,
            &Array::from_vec((0..64 * 48).map(|x| x as f32 * 0.5).collect(), &[64, 48]).unwrap(),
        )
        .eval()
        .unwrap();
        tandem::reset_stats();
        let c = (&a.t() + &b).eval().unwrap();
        let s = tandem::stats();
        assert_eq!(
            (s.total_kernels(), s.allocations),
            (1, 1),
            "(a.t() + b).eval() on {}: expected 1 kernel and 1 allocation, got {} kernels ({:?}) and {} allocations",
            label(info),
            s.total_kernels(),
            s.kernels,
            s.allocations
        );
        assert!(
            s.allocated_bytes >= (64 * 48 * 4) as u64,
            "(a.t() + b).eval() on {}: the one allocation must hold the f32 result, got {} bytes",
            label(info),
            s.allocated_bytes
        );
        let got = c.to_vec::<f32>().unwrap();
        let mut bad = 0;
        for i in 0..64 {
            for j in 0..48 {
                let want = (j * 64 + i) as f32 + (i * 48 + j) as f32 * 0.5;
                if got[i * 48 + j] != want {
                    bad += 1;
                }
            }
        }
        assert_eq!(bad, 0, "(a.t() + b) values on {}", label(info));
    });
}

/// `a.slice(s![..;-1]) * 2.0` evaluates in one kernel (the reversal is an
/// index map inside it, not a copy first).
#[test]
fn reversed_slice_times_scalar_is_one_kernel() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..1000).map(|x| x as f32).collect(), &[1000]).unwrap(),
        )
        .eval()
        .unwrap();
        tandem::reset_stats();
        let r = (a.slice(s![..;-1]).unwrap() * 2.0).eval().unwrap();
        let s = tandem::stats();
        assert_eq!(
            s.total_kernels(),
            1,
            "a[::-1] * 2 on {}: expected 1 kernel, got {:?}",
            label(info),
            s.kernels
        );
        assert_eq!(
            s.allocations,
            1,
            "a[::-1] * 2 on {}: allocations",
            label(info)
        );
        let want: Vec<f32> = (0..1000).rev().map(|x| 2.0 * x as f32).collect();
        assert_eq!(
            r.to_vec::<f32>().unwrap(),
            want,
            "a[::-1] * 2 on {}",
            label(info)
        );

        // also in 2-d, with a reversed and strided view of each axis
        let m = evaluated(info, 40, 30);
        tandem::reset_stats();
        let r = (m.slice(s![..;-3, 1..;2]).unwrap() * 2.0).eval().unwrap();
        assert_eq!(
            tandem::stats().total_kernels(),
            1,
            "m[::-3, 1::2] * 2 on {}",
            label(info)
        );
        assert_eq!(r.shape(), &[14, 15]);
        assert_eq!(
            r.get(&[1, 2]).unwrap(),
            Scalar::F32(2.0 * (36 * 30 + 5) as f32),
            "m[::-3, 1::2] * 2 values on {}",
            label(info)
        );
    });
}

/// A broadcast of one element to 10^6 elements allocates nothing until read.
#[test]
fn broadcast_of_one_element_to_a_million_allocates_nothing() {
    for_each_device(|info| {
        let one = on(info, &Array::from_vec(vec![3.5f32], &[1]).unwrap())
            .eval()
            .unwrap();
        let zero_d = on(info, &Array::scalar(1.25f64)).eval().unwrap();
        tandem::reset_stats();
        let big = one.broadcast_to(&[1_000_000]).unwrap();
        let big2 = zero_d.broadcast_to(&[1000, 1000]).unwrap();
        assert_nothing_ran("broadcast_to 10^6 elements", info);
        assert_eq!(big.shape(), &[1_000_000]);
        assert_eq!(big2.shape(), &[1000, 1000]);
        assert_eq!(big.size(), 1_000_000);
        assert_nothing_ran("shape / size of the broadcast", info);
        let l = label(info);
        assert_eq!(
            big.get(&[999_999]).unwrap(),
            Scalar::F32(3.5),
            "big[-1] on {l}"
        );
        assert_eq!(
            big2.get(&[999, 0]).unwrap(),
            Scalar::F64(1.25),
            "big2[999, 0] on {l}"
        );
        // reshape of a broadcast is allowed (NumPy copies); values are right
        match big.reshape(&[1000, 1000]).map(|x| x.t()) {
            Ok(v) => assert_eq!(
                v.get(&[3, 7]).unwrap(),
                Scalar::F32(3.5),
                "reshape+t on {l}"
            ),
            Err(e) => panic!("reshape of a broadcast failed on {l}: {e}"),
        }
    });
}
