//! The panicking short forms of the view methods, for use inside
//! expressions, on every device: `at` (`slice`), `reshaped` (`reshape`),
//! `broadcast` (`broadcast_to`) and `transposed` (`transpose`) give what
//! their `Result` forms give, stay views (nothing runs or is allocated until
//! read), and panic with the `Result` form's message naming the short form;
//! the `Result` forms keep naming themselves. Also the NumPy idioms a port
//! writes with them: stencils (`u[1:-1] - u[:-2]`), `x[:, None, :] -
//! c[None, :, :]`, keepdims reductions broadcast back.

#[macro_use]
mod common;

use common::*;
use tandem::prelude::*;

fn grid(info: &tandem::DeviceInfo, rows: usize, cols: usize) -> (Array, Vec<f64>) {
    let v: Vec<f64> = (0..rows * cols)
        .map(|i| ((i * 7) % 11) as f64 + 0.5 * i as f64)
        .collect();
    let a = on(info, &Array::from_vec(v.clone(), &[rows, cols]).unwrap())
        .eval()
        .unwrap();
    (a, v)
}

#[test]
fn short_forms_give_what_the_result_forms_give() {
    for_each_device(|info| {
        let (a, _) = grid(info, 4, 6);
        let same = |x: &Array, y: &Array| {
            assert_eq!(x.shape(), y.shape());
            assert_eq!(x.to_vec::<f64>().unwrap(), y.to_vec::<f64>().unwrap());
        };
        same(&a.at(s![1..-1, ..;2]), &a.slice(s![1..-1, ..;2]).unwrap());
        same(&a.at(s![..;-1, -1]), &a.slice(s![..;-1, -1]).unwrap());
        same(
            &a.at(s![.., NewAxis, 2..]),
            &a.slice(s![.., NewAxis, 2..]).unwrap(),
        );
        same(&a.reshaped(&[3, -1]), &a.reshape(&[3, -1]).unwrap());
        same(&a.t().reshaped(&[-1]), &a.t().reshape(&[-1]).unwrap());
        let row = a.at(s![0]);
        same(
            &row.broadcast(&[2, 4, 6]),
            &row.broadcast_to(&[2, 4, 6]).unwrap(),
        );
        let cube = a.reshaped(&[2, 2, 6]);
        same(
            &cube.transposed(&[2, 0, 1]),
            &cube.transpose(&[2, 0, 1]).unwrap(),
        );
        // Of a lazy expression too.
        let e = &a * 2.0;
        same(&e.at(s![1.., ..3]), &e.slice(s![1.., ..3]).unwrap());
    });
}

#[test]
fn short_forms_are_views() {
    for_each_device(|info| {
        let (a, _) = grid(info, 64, 64);
        tandem::reset_stats();
        let v = a.at(s![1..-1, ..;2]).transposed(&[1, 0]).reshaped(&[-1]);
        let b = a.at(s![0]).broadcast(&[64, 64]);
        let s = tandem::stats();
        assert_eq!(
            (s.total_kernels(), s.allocations),
            (0, 0),
            "on {}",
            label(info)
        );
        assert_eq!(v.size(), 62 * 32);
        assert_eq!(b.shape(), &[64, 64]);
        assert_eq!(
            a.at(s![5..7, 3]).host_data_ptr().is_some(),
            a.host_data_ptr().is_some()
        );
    });
}

#[test]
fn a_five_point_stencil_reads_as_in_numpy() {
    for_each_device(|info| {
        let (rows, cols) = (7, 9);
        let (u, v) = grid(info, rows, cols);
        // lap = u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:] - 4 * u[1:-1, 1:-1]
        let lap = &u.at(s![..-2, 1..-1])
            + &u.at(s![2.., 1..-1])
            + &u.at(s![1..-1, ..-2])
            + &u.at(s![1..-1, 2..])
            - 4.0 * &u.at(s![1..-1, 1..-1]);
        let at = |i: usize, j: usize| v[i * cols + j];
        let mut want = Vec::new();
        for i in 1..rows - 1 {
            for j in 1..cols - 1 {
                want.push(
                    at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4.0 * at(i, j),
                );
            }
        }
        tandem::reset_stats();
        assert_eq!(lap.to_vec::<f64>().unwrap(), want, "on {}", label(info));
        assert_eq!(
            tandem::stats().total_kernels(),
            1,
            "one fused kernel on {}",
            label(info)
        );
        // In place: u[1:-1, 1:-1] += 0.1 * lap
        let mut w = u.clone();
        w.assign(s![1..-1, 1..-1], &u.at(s![1..-1, 1..-1]) + 0.1 * &lap)
            .unwrap();
        assert_eq!(w.get(&[1, 1]).unwrap().to_f64(), at(1, 1) + 0.1 * want[0]);
        assert_eq!(u.get(&[1, 1]).unwrap().to_f64(), at(1, 1));
    });
}

#[test]
fn pairwise_differences_with_new_axes() {
    for_each_device(|info| {
        // x[:, None, :] - c[None, :, :], then ((...)**2).sum(-1).argmin(1): k-means' assignment step.
        let x = on(
            info,
            &Array::from_vec(vec![0.0f32, 0.0, 6.0, 6.0, 0.0, 1.5], &[3, 2]).unwrap(),
        );
        let c = on(
            info,
            &Array::from_vec(vec![4.0f32, 4.0, 0.0, 1.0], &[2, 2]).unwrap(),
        );
        let d = x.at(s![.., NewAxis, ..]) - c.at(s![NewAxis, .., ..]);
        assert_eq!(d.shape(), &[3, 2, 2]);
        let nearest = d
            .square()
            .sum_axis(-1, false)
            .unwrap()
            .argmin_axis(1, false)
            .unwrap();
        assert_eq!(nearest.to_vec::<i64>().unwrap(), vec![1, 0, 1]);
        // x - x.mean(axis=0, keepdims=True)
        let centred = &x - &x.mean_axis(0, true).unwrap();
        assert_eq!(
            centred.sum_axis(0, false).unwrap().to_vec::<f32>().unwrap(),
            vec![0.0, 0.0]
        );
    });
}

#[test]
fn result_forms_still_name_themselves() {
    let a = Array::zeros(&[2, 3], DType::F32);
    let op = |e: Error| e.to_string().split(':').next().unwrap().to_string();
    assert_eq!(op(a.slice(s![5]).unwrap_err()), "slice");
    assert_eq!(op(a.slice(s![..;0]).unwrap_err()), "slice");
    assert_eq!(op(a.reshape(&[4, -1]).unwrap_err()), "reshape");
    assert_eq!(op(a.broadcast_to(&[3, 3]).unwrap_err()), "broadcast_to");
    assert_eq!(op(a.broadcast_to(&[1, 3]).unwrap_err()), "broadcast_to");
    assert_eq!(op(a.transpose(&[0, 0]).unwrap_err()), "transpose");
    assert_eq!(op(a.transpose(&[0, 2]).unwrap_err()), "transpose");
    assert_eq!(op(a.squeeze_axis(1).unwrap_err()), "squeeze_axis");
    assert_eq!(op(a.squeeze_axis(5).unwrap_err()), "squeeze_axis");
    assert_eq!(op(a.expand_dims(4).unwrap_err()), "expand_dims");
}

#[test]
#[should_panic(expected = "at: index 5 is out of bounds for axis 0 with size 3")]
fn at_panics_for_an_index_past_the_axis() {
    let _ = Array::zeros(&[3], DType::F32).at(s![5]);
}

#[test]
#[should_panic(expected = "at: ")]
fn at_panics_for_a_step_of_zero() {
    let _ = Array::zeros(&[3], DType::F32).at(s![..;0]);
}

#[test]
#[should_panic(expected = "at: ")]
fn at_panics_for_more_indices_than_axes() {
    let _ = Array::zeros(&[3], DType::F32).at(s![0, 0]);
}

#[test]
#[should_panic(
    expected = "reshaped: cannot reshape an array of shape [6] (6 elements) into [4, -1]"
)]
fn reshaped_panics_when_sizes_differ() {
    let _ = Array::zeros(&[6], DType::F32).reshaped(&[4, -1]);
}

#[test]
#[should_panic(
    expected = "reshaped: cannot reshape an array of shape [6] (6 elements) into [-1, -1]: only one dimension can be -1"
)]
fn reshaped_panics_for_two_unknown_dimensions() {
    let _ = Array::zeros(&[6], DType::F32).reshaped(&[-1, -1]);
}

#[test]
#[should_panic(expected = "broadcast: shapes [3] and [3, 2] cannot be broadcast together")]
fn broadcast_panics_when_shapes_do_not_broadcast() {
    let _ = Array::zeros(&[3], DType::F32).broadcast(&[3, 2]);
}

#[test]
#[should_panic(expected = "broadcast: shapes [2, 3] and [3] cannot be broadcast together")]
fn broadcast_panics_when_the_target_is_smaller() {
    let _ = Array::zeros(&[2, 3], DType::F32).broadcast(&[3]);
}

#[test]
#[should_panic(expected = "transposed: axes [0, 0] are not a permutation of 0..2")]
fn transposed_panics_for_a_repeated_axis() {
    let _ = Array::zeros(&[2, 3], DType::F32).transposed(&[0, 0]);
}

#[test]
#[should_panic(expected = "transposed: axis 2 is out of bounds for an array of dimension 2")]
fn transposed_panics_for_an_axis_past_ndim() {
    let _ = Array::zeros(&[2, 3], DType::F32).transposed(&[0, 2]);
}
