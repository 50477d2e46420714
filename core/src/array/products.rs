//! Matrix products with NumPy's semantics: `matmul` (the `@` operator),
//! `dot`, `vdot`, `inner`, `outer`, `vecdot`, `matvec`, `vecmat`, `kron`,
//! `tensordot`, `einsum` (explicit `->` specs), and the diagonal views
//! `diagonal` and `trace`.
//!
//! # How a product is computed (the first slice of issue 15)
//!
//! Every contracting product lowers to one batched [`matmul`](Array::matmul)
//! (`tensordot` as transpose + reshape + matmul; `dot`, `inner` on top of
//! it; `vecdot`, `matvec`, `vecmat` as matmul over an inserted axis).
//! `outer` and `kron` are elementwise products of reshaped views, so they
//! stay lazy and fuse like any other multiplication.
//!
//! `matmul` is lazy, like an elementwise op: it builds a
//! [`NodeDef::Product`] over its operands (cast to the promoted dtype and
//! broadcast to the batch, as views), and fusion makes that node the head
//! of a kernel, an [`Op::Dot`](crate::kernel::Op::Dot) instruction reading
//! its operands straight from memory. So a transposed, sliced or broadcast
//! operand (`a.t().matmul(&b)`) costs no copy, and the elementwise work on
//! the product (`relu(a @ b + bias)`, a scaling, a cast, a comparison) or a
//! reduction of it (`(a @ b).sum(axis)`) is computed in the same kernel, as
//! the product is written. A lazy operand that is not a view is computed
//! into memory first (a product reads each operand element many times).
//! How a backend computes the product is its own affair (the CPU: a GEMM
//! crate, see `tandem-cpu`'s `product/`).
//!
//! Result dtypes are NumPy's `np.result_type` of the operands (`I32 @ U32`
//! is `I64`), `trace` follows `sum` (integers widen to `I64`).

use super::elementwise::cast_node;
use super::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::graph::{Node, NodeDef};
use crate::layout::{broadcast_shapes, checked_bytes, normalize_axis};
use crate::view::ViewOp;
use std::sync::Arc;

fn mismatch(op: &'static str, a: &Array, b: &Array, detail: String) -> Error {
    Error::ShapeMismatch {
        op,
        lhs: a.shape().to_vec(),
        rhs: b.shape().to_vec(),
        detail,
    }
}

fn at_least(op: &'static str, a: &Array, which: &str, axes: usize, hint: &str) -> Result<()> {
    if a.ndim() < axes {
        let who = if which.is_empty() {
            "the array".to_string()
        } else {
            format!("the {which} operand")
        };
        return Err(Error::invalid(
            op,
            format!(
                "{who} has {} axes (shape {:?}) but needs at least {axes}{hint}",
                a.ndim(),
                a.shape()
            ),
        ));
    }
    Ok(())
}

/// NumPy's `matmul` (the gufunc `(n?,k),(k,m?)->(n?,m?)`), named `op` in errors.
fn matmul(op: &'static str, a: &Array, b: &Array) -> Result<Array> {
    let hint = "; multiply by a 0-d array with `try_mul` instead";
    at_least(op, a, "first", 1, hint)?;
    at_least(op, b, "second", 1, hint)?;
    let (an, bn) = (a.ndim(), b.ndim());
    let k = a.shape()[an - 1];
    let kb = b.shape()[bn.saturating_sub(2)];
    if k != kb {
        return Err(mismatch(
            op,
            a,
            b,
            format!(
                "contracted axes: axis {} of the first has length {k}, axis {} of the second has length {kb}; they must be equal",
                an - 1,
                bn.saturating_sub(2)
            ),
        ));
    }
    let m = if an == 1 { 1 } else { a.shape()[an - 2] };
    let n = if bn == 1 { 1 } else { b.shape()[bn - 1] };
    let a_batch = &a.shape()[..an.saturating_sub(2)];
    let b_batch = &b.shape()[..bn.saturating_sub(2)];
    let batch_shape = broadcast_shapes(op, a_batch, b_batch).map_err(|_| {
        mismatch(
            op,
            a,
            b,
            format!("the batch axes {a_batch:?} and {b_batch:?} do not broadcast"),
        )
    })?;
    let mut out_shape = batch_shape.clone();
    if an > 1 {
        out_shape.push(m);
    }
    if bn > 1 {
        out_shape.push(n);
    }
    let dtype = a.dtype().promote(b.dtype());
    checked_bytes(op, &out_shape, dtype)?;
    if out_shape.contains(&0) || k == 0 {
        // An empty sum is 0 (NumPy: `np.ones((2, 0)) @ np.ones((0, 3))` is zeros).
        return Ok(Array::zeros(&out_shape, dtype));
    }
    // NumPy's rule for 1-d operands: a length-1 axis is prepended (first
    // operand) or appended (second), and removed from the result. Then
    // both are broadcast to the batch, as views: fusion reads them in place.
    let side = |x: &Array, vector: &[usize], rows: usize, cols: usize| -> Result<Arc<Node>> {
        let x = if x.ndim() == 1 {
            x.view(ViewOp::Reshape(vector.to_vec()))
        } else {
            x.clone()
        };
        let x = Array::from_node(cast_node(&x.node, dtype));
        let mut full = batch_shape.clone();
        full.extend([rows, cols]);
        Ok(if x.shape() == full.as_slice() {
            x.node
        } else {
            x.broadcast_to(&full)?.node
        })
    };
    let na = side(a, &[1, k], m, k)?;
    let nb = side(b, &[k, 1], k, n)?;
    let mut shape = batch_shape;
    shape.extend([m, n]);
    let product = Array::from_node(Node::lazy(shape.clone(), dtype, NodeDef::Product(na, nb)));
    Ok(if shape == out_shape {
        product
    } else {
        product.view(ViewOp::Reshape(out_shape))
    })
}

/// `tensordot` with the axes already given per operand, named `op` in errors.
fn tensordot(
    op: &'static str,
    a: &Array,
    b: &Array,
    axes_a: &[isize],
    axes_b: &[isize],
) -> Result<Array> {
    if axes_a.len() != axes_b.len() {
        return Err(Error::invalid(
            op,
            format!("axes_a {axes_a:?} and axes_b {axes_b:?} must name the same number of axes"),
        ));
    }
    let resolve = |x: &Array, axes: &[isize], which: &str| -> Result<Vec<usize>> {
        let out = axes
            .iter()
            .map(|&ax| normalize_axis(op, ax, x.ndim()))
            .collect::<Result<Vec<_>>>()?;
        if (1..out.len()).any(|i| out[..i].contains(&out[i])) {
            return Err(Error::invalid(
                op,
                format!("the {which} operand's axes {axes:?} repeat an axis"),
            ));
        }
        Ok(out)
    };
    let ca = resolve(a, axes_a, "first")?;
    let cb = resolve(b, axes_b, "second")?;
    if let Some((&i, &j)) = ca
        .iter()
        .zip(&cb)
        .find(|(&i, &j)| a.shape()[i] != b.shape()[j])
    {
        return Err(mismatch(
            op,
            a,
            b,
            format!(
                "contracted axes: axis {i} of the first has length {}, axis {j} of the second has length {}; they must be equal",
                a.shape()[i],
                b.shape()[j]
            ),
        ));
    }
    let free_a: Vec<usize> = (0..a.ndim()).filter(|i| !ca.contains(i)).collect();
    let free_b: Vec<usize> = (0..b.ndim()).filter(|i| !cb.contains(i)).collect();
    let len = |x: &Array, axes: &[usize]| axes.iter().map(|&i| x.shape()[i]).product::<usize>();
    let (m, k, n) = (len(a, &free_a), len(a, &ca), len(b, &free_b));
    let perm_a: Vec<usize> = free_a.iter().chain(&ca).copied().collect();
    let perm_b: Vec<usize> = cb.iter().chain(&free_b).copied().collect();
    let a2 = a.transpose(&perm_a)?.reshape(&[m as isize, k as isize])?;
    let b2 = b.transpose(&perm_b)?.reshape(&[k as isize, n as isize])?;
    let shape: Vec<isize> = free_a
        .iter()
        .map(|&i| a.shape()[i])
        .chain(free_b.iter().map(|&i| b.shape()[i]))
        .map(|d| d as isize)
        .collect();
    matmul(op, &a2, &b2)?.reshape(&shape)
}

/// One operand of an `einsum` on its way through the lowering: the array
/// and the letter of each of its axes.
struct Term {
    x: Array,
    letters: Vec<u8>,
}

impl Term {
    fn size(&self, letter: u8) -> usize {
        let i = self.letters.iter().position(|&l| l == letter);
        self.x.shape()[i.expect("a letter of this term")]
    }

    /// The axes of `letters`, in that order.
    fn axes(&self, letters: &[u8]) -> Vec<usize> {
        letters
            .iter()
            .map(|l| {
                self.letters
                    .iter()
                    .position(|m| m == l)
                    .expect("a letter of this term")
            })
            .collect()
    }

    /// Transposed to `order` (a permutation of its letters), then reshaped
    /// to `shape`.
    fn arranged(&self, order: &[u8], shape: &[usize]) -> Result<Array> {
        let shape: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
        self.x.transpose(&self.axes(order))?.reshape(&shape)
    }
}

/// The letters of `spec`'s operands and of its output.
fn parse_einsum(spec: &str, count: usize) -> Result<(Vec<Vec<u8>>, Vec<u8>)> {
    let op = "einsum";
    let spec: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
    if spec.contains("...") {
        return Err(Error::unsupported(
            op,
            "ellipses (`...`) are not supported yet; name every axis with a letter",
        ));
    }
    let (inputs, output) = spec.split_once("->").ok_or_else(|| {
        Error::unsupported(
            op,
            format!("implicit output ({spec:?}) is not supported yet; write the output after `->`, e.g. \"ij,jk->ik\""),
        )
    })?;
    let letters = |t: &str| -> Result<Vec<u8>> {
        if let Some(c) = t.chars().find(|c| !c.is_ascii_alphabetic()) {
            return Err(Error::invalid(
                op,
                format!("{c:?} in {spec:?} is not a subscript; use the letters a-z and A-Z"),
            ));
        }
        Ok(t.bytes().collect())
    };
    let terms = inputs.split(',').map(letters).collect::<Result<Vec<_>>>()?;
    if terms.len() != count {
        return Err(Error::invalid(
            op,
            format!(
                "{spec:?} has {} operand(s) but {count} array(s) were given",
                terms.len()
            ),
        ));
    }
    let output = letters(output)?;
    for (i, &l) in output.iter().enumerate() {
        if output[..i].contains(&l) {
            return Err(Error::invalid(
                op,
                format!(
                    "the output subscript {:?} appears twice in {spec:?}",
                    l as char
                ),
            ));
        }
        if !terms.iter().any(|t| t.contains(&l)) {
            return Err(Error::invalid(
                op,
                format!(
                    "the output subscript {:?} of {spec:?} appears in no operand",
                    l as char
                ),
            ));
        }
    }
    Ok((terms, output))
}

/// NumPy's `einsum` with an explicit output, lowered to views, sums and
/// batched matmuls.
fn einsum(spec: &str, operands: &[&Array]) -> Result<Array> {
    let op = "einsum";
    if operands.is_empty() {
        return Err(Error::invalid(op, "need at least one operand"));
    }
    let (letters, output) = parse_einsum(spec, operands.len())?;
    let dtype = operands
        .iter()
        .map(|a| a.dtype())
        .reduce(DType::promote)
        .expect("at least one operand");
    let mut terms = Vec::with_capacity(operands.len());
    let mut sizes: Vec<Option<(usize, usize)>> = vec![None; 128];
    for (i, (&a, letters)) in operands.iter().zip(letters).enumerate() {
        if letters.len() != a.ndim() {
            return Err(Error::invalid(
                op,
                format!(
                    "operand {i} has {} axes (shape {:?}) but its subscripts {:?} name {}",
                    a.ndim(),
                    a.shape(),
                    String::from_utf8_lossy(&letters),
                    letters.len()
                ),
            ));
        }
        for (&l, &n) in letters.iter().zip(a.shape()) {
            match sizes[l as usize] {
                Some((m, j)) if m != n => {
                    return Err(mismatch(
                        op,
                        operands[j],
                        a,
                        format!(
                            "subscript {:?} has length {m} in operand {j} and {n} in operand {i}",
                            l as char
                        ),
                    ))
                }
                _ => sizes[l as usize] = Some((n, i)),
            }
        }
        terms.push(Term {
            x: a.astype(dtype),
            letters,
        });
    }
    // A letter repeated within an operand takes its diagonal (a view).
    for t in &mut terms {
        while let Some((i, j)) = (0..t.letters.len()).find_map(|j| {
            t.letters[..j]
                .iter()
                .position(|&l| l == t.letters[j])
                .map(|i| (i, j))
        }) {
            t.x = t.x.view(ViewOp::Diagonal {
                offset: 0,
                axis1: i,
                axis2: j,
            });
            let l = t.letters.remove(j);
            t.letters.remove(i);
            t.letters.push(l);
        }
    }
    // Left to right: sum the axes no one else needs, then contract with
    // the next operand.
    let mut rest = terms.into_iter();
    let mut acc = rest.next().expect("at least one operand");
    let later: Vec<Term> = rest.collect();
    for k in 0..=later.len() {
        let needed = |l: u8, skip_next: bool| {
            output.contains(&l)
                || later[k..]
                    .iter()
                    .skip(usize::from(skip_next))
                    .any(|t| t.letters.contains(&l))
        };
        let next = later.get(k);
        acc = sum_out(acc, |l| needed(l, false), dtype)?;
        let Some(next) = next else { break };
        let next = sum_out(
            Term {
                x: next.x.clone(),
                letters: next.letters.clone(),
            },
            |l| needed(l, true) || acc.letters.contains(&l),
            dtype,
        )?;
        acc = contract(&acc, &next, |l| needed(l, true))?;
    }
    let axes = acc.axes(&output);
    acc.x.transpose(&axes)
}

/// `t` with the axes whose letters `keep` rejects summed away (in `dtype`:
/// NumPy's einsum keeps the dtype, so integer sums wrap, bool sums are or).
fn sum_out(t: Term, keep: impl Fn(u8) -> bool, dtype: DType) -> Result<Term> {
    let gone: Vec<isize> = (0..t.letters.len())
        .filter(|&i| !keep(t.letters[i]))
        .map(|i| i as isize)
        .collect();
    if gone.is_empty() {
        return Ok(t);
    }
    let x = t.x.sum_axes(&gone, false)?.astype(dtype);
    let letters = t.letters.into_iter().filter(|&l| keep(l)).collect();
    Ok(Term { x, letters })
}

/// The product of two terms summed over their shared letters that `keep`
/// rejects; shared letters it keeps are a batch.
fn contract(a: &Term, b: &Term, keep: impl Fn(u8) -> bool) -> Result<Term> {
    let shared = |l: &&u8| b.letters.contains(l);
    let batch: Vec<u8> = a
        .letters
        .iter()
        .filter(shared)
        .filter(|&&l| keep(l))
        .copied()
        .collect();
    let summed: Vec<u8> = a
        .letters
        .iter()
        .filter(shared)
        .filter(|&&l| !keep(l))
        .copied()
        .collect();
    let only_a: Vec<u8> = a
        .letters
        .iter()
        .filter(|l| !b.letters.contains(l))
        .copied()
        .collect();
    let only_b: Vec<u8> = b
        .letters
        .iter()
        .filter(|l| !a.letters.contains(l))
        .copied()
        .collect();
    let len = |t: &Term, ls: &[u8]| ls.iter().map(|&l| t.size(l)).product::<usize>();
    let (nb, m, k, n) = (
        len(a, &batch),
        len(a, &only_a),
        len(a, &summed),
        len(b, &only_b),
    );
    let cat = |x: &[u8], y: &[u8], z: &[u8]| [x, y, z].concat();
    let a2 = a.arranged(&cat(&batch, &only_a, &summed), &[nb, m, k])?;
    let b2 = b.arranged(&cat(&batch, &summed, &only_b), &[nb, k, n])?;
    let letters = cat(&batch, &only_a, &only_b);
    let shape: Vec<isize> = batch
        .iter()
        .chain(&only_a)
        .map(|&l| a.size(l))
        .chain(only_b.iter().map(|&l| b.size(l)))
        .map(|d| d as isize)
        .collect();
    let x = matmul("einsum", &a2, &b2)?.reshape(&shape)?;
    Ok(Term { x, letters })
}

impl Array {
    /// The matrix product, NumPy's `a @ b` (`np.matmul`): the last two axes
    /// are matrices and the axes before them a batch, broadcast between the
    /// operands. A 1-d first operand is a row vector and a 1-d second one a
    /// column vector, and that axis is removed from the result, so
    /// `vector @ vector` is 0-d. The result dtype is the promotion of the two
    /// (`bool @ bool` is the logical or of ands; integers wrap on overflow);
    /// a length-0 contracted axis gives zeros.
    ///
    /// Lazy, like an elementwise op (see the module docs of `products.rs`):
    /// transposed and sliced operands are read in place, and elementwise
    /// work on the product or a reduction of it runs in the product's kernel.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a 0-d operand (as NumPy; use
    /// [`try_mul`](Array::try_mul)), [`Error::ShapeMismatch`] when the
    /// contracted axes differ (the message names both shapes and axes) or
    /// the batch axes do not broadcast.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])?;
    /// let b = Array::from_vec(vec![1i32, 0, 0, 1, 1, 1], &[3, 2])?;
    /// let c = a.matmul(&b)?;
    /// assert_eq!((c.shape(), c.dtype()), (&[2, 2][..], DType::F64));
    /// assert_eq!(c.to_vec::<f64>()?, vec![4.0, 5.0, 10.0, 11.0]);
    /// // A transposed operand is read in place; a 1-d one is a vector.
    /// assert_eq!(a.t().matmul(&a)?.shape(), &[3, 3]);
    /// let v = Array::from_vec(vec![1.0f32, 1.0, 1.0], &[3])?;
    /// assert_eq!(a.matmul(&v)?.to_vec::<f32>()?, vec![6.0, 15.0]);
    /// assert!(a.matmul(&a).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn matmul(&self, other: &Array) -> Result<Array> {
        matmul("matmul", self, other)
    }

    /// NumPy's `np.dot`: a 0-d operand multiplies elementwise; 1-d and 2-d
    /// operands are [`matmul`](Array::matmul); otherwise the sum over the
    /// last axis of `self` and the second-to-last of `other` (the last if
    /// it is 1-d), with *no* batching: the result's shape is `self`'s other
    /// axes followed by `other`'s.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the contracted axes differ.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::ones(&[2, 3, 4], DType::F64);
    /// let b = Array::ones(&[5, 4, 6], DType::F64);
    /// assert_eq!(a.dot(&b)?.shape(), &[2, 3, 5, 6]);
    /// let v = Array::from_vec(vec![1i64, 2, 3], &[3])?;
    /// assert_eq!(v.dot(&v)?.item::<i64>()?, 14);
    /// assert!(a.dot(&a).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn dot(&self, other: &Array) -> Result<Array> {
        if self.ndim() == 0 || other.ndim() == 0 {
            return self.try_mul(other);
        }
        if self.ndim() <= 2 && other.ndim() <= 2 {
            return matmul("dot", self, other);
        }
        let axis_b = if other.ndim() >= 2 { -2 } else { -1 };
        tensordot("dot", self, other, &[-1], &[axis_b])
    }

    /// NumPy's `np.vdot`: both operands flattened, then their dot product
    /// (a 0-d array). There are no complex dtypes yet, so nothing is
    /// conjugated.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the sizes differ.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2])?;
    /// let d = a.vdot(&a)?;
    /// assert_eq!((d.ndim(), d.item::<f64>()?), (0, 30.0));
    /// assert!(a.vdot(&Array::ones(&[3], DType::F64)).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn vdot(&self, other: &Array) -> Result<Array> {
        if self.size() != other.size() {
            return Err(mismatch(
                "vdot",
                self,
                other,
                format!(
                    "vdot needs the same number of elements, got {} and {}",
                    self.size(),
                    other.size()
                ),
            ));
        }
        matmul("vdot", &self.flatten(), &other.flatten())
    }

    /// NumPy's `np.inner`: the sum over the last axes of both operands
    /// (a 0-d operand multiplies). The result's shape is `self`'s other axes
    /// followed by `other`'s.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the last axes differ.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4, 5, 6], &[2, 3])?;
    /// let i = a.inner(&a)?;
    /// assert_eq!(i.shape(), &[2, 2]);
    /// assert_eq!(i.to_vec::<i32>()?, vec![14, 32, 32, 77]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn inner(&self, other: &Array) -> Result<Array> {
        if self.ndim() == 0 || other.ndim() == 0 {
            return self.try_mul(other);
        }
        tensordot("inner", self, other, &[-1], &[-1])
    }

    /// NumPy's `np.outer`: both operands flattened, `result[i, j] =
    /// self[i] * other[j]`. Lazy: it is an elementwise product and fuses
    /// with what follows.
    ///
    /// # Errors
    ///
    /// None in practice (the `Result` is that of the multiplication, e.g. a
    /// shape too large to address).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// let b = Array::from_vec(vec![1i32, 10, 100], &[3])?;
    /// assert_eq!(a.outer(&b)?.to_vec::<i32>()?, vec![1, 10, 100, 2, 20, 200]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn outer(&self, other: &Array) -> Result<Array> {
        let a = self.reshape(&[self.size() as isize, 1])?;
        let b = other.reshape(&[1, other.size() as isize])?;
        a.try_mul(&b)
    }

    /// NumPy's `np.vecdot` (axis −1): the dot product of the vectors along
    /// the last axes, with the other axes broadcast; the last axis is
    /// removed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a 0-d operand, [`Error::ShapeMismatch`]
    /// when the last axes differ or the other axes do not broadcast.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2])?;
    /// let v = Array::from_vec(vec![1.0f64, 1.0], &[2])?;
    /// assert_eq!(a.vecdot(&v)?.to_vec::<f64>()?, vec![3.0, 7.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn vecdot(&self, other: &Array) -> Result<Array> {
        let op = "vecdot";
        at_least(op, self, "first", 1, "")?;
        at_least(op, other, "second", 1, "")?;
        matmul(op, &self.expand_dims(-2)?, &other.expand_dims(-1)?)?
            .squeeze_axis(-1)?
            .squeeze_axis(-1)
    }

    /// NumPy's `np.matvec`: matrices (the last two axes of `self`) times
    /// vectors (the last axis of `v`), the other axes broadcast.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `self` has fewer than 2 axes or `v`
    /// is 0-d, [`Error::ShapeMismatch`] when the contracted axes differ or
    /// the batch axes do not broadcast.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i64, 2, 3, 4], &[2, 2])?;
    /// let v = Array::from_vec(vec![1i64, 10, 100, 1000], &[2, 2])?;
    /// let r = a.matvec(&v)?;
    /// assert_eq!(r.shape(), &[2, 2]);
    /// assert_eq!(r.to_vec::<i64>()?, vec![21, 43, 2100, 4300]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn matvec(&self, v: &Array) -> Result<Array> {
        let op = "matvec";
        at_least(op, self, "first", 2, "")?;
        at_least(op, v, "second", 1, "")?;
        matmul(op, self, &v.expand_dims(-1)?)?.squeeze_axis(-1)
    }

    /// NumPy's `np.vecmat`: vectors (the last axis of `self`) times matrices
    /// (the last two axes of `a`), the other axes broadcast.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `self` is 0-d or `a` has fewer than 2
    /// axes, [`Error::ShapeMismatch`] when the contracted axes differ or the
    /// batch axes do not broadcast.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let v = Array::from_vec(vec![1i64, 10], &[2])?;
    /// let a = Array::from_vec(vec![1i64, 2, 3, 4], &[2, 2])?;
    /// assert_eq!(v.vecmat(&a)?.to_vec::<i64>()?, vec![31, 42]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn vecmat(&self, a: &Array) -> Result<Array> {
        let op = "vecmat";
        at_least(op, self, "first", 1, "")?;
        at_least(op, a, "second", 2, "")?;
        matmul(op, &self.expand_dims(-2)?, a)?.squeeze_axis(-2)
    }

    /// NumPy's `np.kron`, the Kronecker product: the operand with fewer
    /// axes gets leading length-1 axes, and the result has axis lengths
    /// `a.shape[i] * b.shape[i]`, block `[i, j]` being `a[i, j] * b`. Lazy:
    /// an elementwise product of two views.
    ///
    /// # Errors
    ///
    /// None in practice (that of the multiplication, e.g. a shape too large
    /// to address).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// let b = Array::from_vec(vec![1i32, 10, 100], &[3])?;
    /// let k = Array::kron(&a, &b)?;
    /// assert_eq!(k.to_vec::<i32>()?, vec![1, 10, 100, 2, 20, 200]);
    /// assert_eq!(Array::kron(&Array::eye(2, DType::F32), &Array::ones(&[2, 2], DType::F32))?.shape(), &[4, 4]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn kron(a: &Array, b: &Array) -> Result<Array> {
        let nd = a.ndim().max(b.ndim());
        let padded = |x: &Array| {
            let mut s = vec![1usize; nd - x.ndim()];
            s.extend_from_slice(x.shape());
            s
        };
        let (sa, sb) = (padded(a), padded(b));
        let interleave = |s: &[usize], first: bool| -> Vec<isize> {
            s.iter()
                .flat_map(|&d| {
                    let d = d as isize;
                    if first {
                        [d, 1]
                    } else {
                        [1, d]
                    }
                })
                .collect()
        };
        let product = a
            .reshape(&interleave(&sa, true))?
            .try_mul(&b.reshape(&interleave(&sb, false))?)?;
        let shape: Vec<isize> = sa.iter().zip(&sb).map(|(x, y)| (x * y) as isize).collect();
        product.reshape(&shape)
    }

    /// NumPy's `np.tensordot(a, b, axes=(axes_a, axes_b))`: the sum over
    /// the pairs of axes `axes_a[i]` of `a` and `axes_b[i]` of `b`; the
    /// result has `a`'s other axes followed by `b`'s. Lowered to transposes,
    /// reshapes and one [`matmul`](Array::matmul). Empty axis lists give
    /// the outer product.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the lists differ in length or repeat
    /// an axis, [`Error::AxisOutOfBounds`], [`Error::ShapeMismatch`] when
    /// paired axes differ in length.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::ones(&[3, 4, 5], DType::F64);
    /// let b = Array::ones(&[4, 3, 2], DType::F64);
    /// let c = Array::tensordot(&a, &b, &[1, 0], &[0, 1])?;
    /// assert_eq!(c.shape(), &[5, 2]);
    /// assert_eq!(c.to_vec::<f64>()?[0], 12.0);
    /// assert!(Array::tensordot(&a, &b, &[0], &[0]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn tensordot(a: &Array, b: &Array, axes_a: &[isize], axes_b: &[isize]) -> Result<Array> {
        tensordot("tensordot", a, b, axes_a, axes_b)
    }

    /// NumPy's `np.einsum` with an explicit output (`"ij,jk->ik"`): each
    /// operand's axes are named by letters; a letter repeated within an
    /// operand takes its diagonal, letters missing from the output are
    /// summed over, and the output's letters give its axes in order. The
    /// result dtype is the operands' promotion (integer sums wrap and bool
    /// sums are `or`, as NumPy's einsum). Lowered to views, sums and one
    /// batched [`matmul`](Array::matmul) per pair of operands, left to right
    /// (no contraction-order optimisation yet).
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for an implicit output (no `->`) or `...`;
    /// [`Error::InvalidArgument`] for a malformed spec (a subscript count
    /// that differs from an operand's axes, an output letter that appears
    /// twice or in no operand, a different number of operands);
    /// [`Error::ShapeMismatch`] when one letter names axes of different
    /// lengths.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2, 3, 4], &[2, 2])?;
    /// let b = Array::from_vec(vec![5i32, 6, 7, 8], &[2, 2])?;
    /// assert_eq!(Array::einsum("ij,jk->ik", &[&a, &b])?.to_vec::<i32>()?, vec![19, 22, 43, 50]);
    /// assert_eq!(Array::einsum("ii->", &[&a])?.item::<i32>()?, 5);
    /// assert_eq!(Array::einsum("ij->ji", &[&a])?.to_vec::<i32>()?, vec![1, 3, 2, 4]);
    /// assert!(Array::einsum("ij,jk", &[&a, &b]).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn einsum(spec: &str, operands: &[&Array]) -> Result<Array> {
        einsum(spec, operands)
    }

    /// NumPy's `a.diagonal(offset)` over axes 0 and 1: those axes are
    /// removed and the diagonal becomes the last axis. `offset > 0` takes a
    /// diagonal above the main one, `< 0` below; one past the matrix is
    /// empty. A view (stride = the sum of the two axes' strides), as NumPy's.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the array has fewer than 2 axes.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::arange(0.0, 12.0, 1.0, DType::I32)?.reshape(&[3, 4])?;
    /// assert_eq!(a.diagonal(0)?.to_vec::<i32>()?, vec![0, 5, 10]);
    /// assert_eq!(a.diagonal(1)?.to_vec::<i32>()?, vec![1, 6, 11]);
    /// assert_eq!(a.diagonal(-2)?.to_vec::<i32>()?, vec![8]);
    /// assert!(Array::zeros(&[3], DType::F32).diagonal(0).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn diagonal(&self, offset: isize) -> Result<Array> {
        at_least("diagonal", self, "", 2, "")?;
        Ok(self.view(ViewOp::Diagonal {
            offset,
            axis1: 0,
            axis2: 1,
        }))
    }

    /// NumPy's `a.trace()`: the sum of the main diagonal (axes 0 and 1), so
    /// a 2-d array gives a 0-d one. The dtype is that of
    /// [`sum`](Array::sum): integers and bools widen to `I64`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the array has fewer than 2 axes.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::eye(3, DType::I32);
    /// let t = a.trace()?;
    /// assert_eq!((t.dtype(), t.item::<i64>()?), (DType::I64, 3));
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn trace(&self) -> Result<Array> {
        at_least("trace", self, "", 2, "")?;
        self.diagonal(0)?.sum_axis(-1, false)
    }
}
