//! Elementwise methods: unary math, binary ops with broadcasting and NumPy
//! promotion (NEP 50 weak scalars), comparisons, logical ops, `where_`,
//! `clip` and `astype`. Each builds one lazy node; nothing runs here.

use super::{Array, Operand};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::graph::{Node, NodeDef};
use crate::layout::broadcast_shapes;
use crate::ops::{BinaryOp, UnaryOp};
use crate::scalar::Scalar;
use std::sync::Arc;

/// `node` converted to `dtype` (constants are converted now, not in the kernel).
pub(crate) fn cast_node(node: &Arc<Node>, dtype: DType) -> Arc<Node> {
    if node.dtype == dtype {
        return node.clone();
    }
    match node.def() {
        NodeDef::Const(s) => Node::lazy(node.shape.clone(), dtype, NodeDef::Const(s.cast(dtype))),
        _ => Node::lazy(node.shape.clone(), dtype, NodeDef::Cast(node.clone())),
    }
}

/// How many recent operator scalars each thread keeps as nodes.
const CONST_CACHE: usize = 8;

thread_local! {
    /// The 0-d constant nodes of recent operator scalars (`&x * 0.5`):
    /// a loop that scales by the same few scalars builds no new node for
    /// them. Sharing is safe: nothing can force or write these nodes, since
    /// no `Array` handle ever holds one.
    static CONSTS: std::cell::RefCell<Vec<Arc<Node>>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn const_node(s: Scalar, dtype: DType) -> Arc<Node> {
    let c = s.cast(dtype);
    let same = |n: &Arc<Node>| {
        n.dtype == dtype
            && n.with_def(
                |e| matches!(e, NodeDef::Const(k) if k.dtype() == c.dtype() && k.bits() == c.bits()),
            )
    };
    let hit = CONSTS
        .try_with(|cache| cache.borrow().iter().find(|n| same(n)).cloned())
        .ok()
        .flatten();
    if let Some(n) = hit {
        return n;
    }
    let n = Node::lazy(vec![], dtype, NodeDef::Const(c));
    let _ = CONSTS.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CONST_CACHE {
            cache.remove(0);
        }
        cache.push(n.clone());
    });
    n
}

/// An [`Operand`], borrowed: what the elementwise builders read, so an
/// operator over `&Array`s clones no handle (each clone is an atomic
/// operation; a small op is a few dozen of them).
#[derive(Clone, Copy)]
pub(crate) enum Arg<'a> {
    Array(&'a Array),
    Scalar(Scalar),
}

impl<'a> From<&'a Operand> for Arg<'a> {
    fn from(o: &'a Operand) -> Arg<'a> {
        match o {
            Operand::Array(a) => Arg::Array(a),
            Operand::Scalar(s) => Arg::Scalar(*s),
        }
    }
}

impl<'a> From<&'a Array> for Arg<'a> {
    fn from(a: &'a Array) -> Arg<'a> {
        Arg::Array(a)
    }
}

fn shape_of<'a>(o: Arg<'a>) -> &'a [usize] {
    match o {
        Arg::Array(a) => a.shape(),
        Arg::Scalar(_) => &[],
    }
}

/// NumPy's `result_type` over operands, with NEP 50 weak scalars.
fn result_type(operands: &[Arg]) -> DType {
    let strong = operands
        .iter()
        .filter_map(|o| match o {
            Arg::Array(a) => Some(a.dtype()),
            Arg::Scalar(_) => None,
        })
        .reduce(DType::promote);
    let weak = operands.iter().filter_map(|o| match o {
        Arg::Scalar(s) => Some(s.weak_kind()),
        Arg::Array(_) => None,
    });
    match strong {
        Some(d) => weak.fold(d, DType::promote_weak),
        None => DType::default_for(weak.max().unwrap_or(crate::WeakKind::Bool)),
    }
}

/// Checks that every weak integer keeps its value in `compute`, the dtype
/// the op computes in: NumPy raises `OverflowError` for `u32_array + (-1)`
/// but not for `u32_array / -2`, whose loop is `float64`.
fn check_weak_fit(op: &'static str, operands: &[Arg], compute: DType) -> Result<()> {
    for o in operands {
        if let Arg::Scalar(s) = o {
            if !s.fits_in(compute) {
                return Err(Error::invalid(
                    op,
                    format!(
                        "the integer {s} is out of bounds for {compute} (NumPy raises OverflowError too); \
                         cast the array first, e.g. astype(DType::I64)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The dtype a comparison computes in: NumPy compares a weak integer that
/// does not fit the array's dtype by its true value, which `I64` holds.
fn comparison_type(operands: &[Arg], promoted: DType) -> DType {
    let overflows = operands
        .iter()
        .any(|o| matches!(o, Arg::Scalar(s) if !s.fits_in(promoted)));
    if overflows {
        DType::I64
    } else {
        promoted
    }
}

/// The exponent's value when it is one number for the whole array and known
/// now: a weak scalar, or a 0-d array that is a constant or has a host copy
/// (NumPy's power loops take their fast paths for a scalar or 0-d exponent,
/// whose stride is 0; a lazy 0-d expression would have to run first).
fn known_exponent(o: &Operand) -> Option<Scalar> {
    let a = match o {
        Operand::Scalar(s) => return Some(*s),
        Operand::Array(a) if a.ndim() == 0 => a,
        Operand::Array(_) => return None,
    };
    match a.node.def() {
        NodeDef::Const(s) => Some(s),
        NodeDef::Data { storage, layout } => {
            let host = storage.copies().host.clone()?;
            Some(super::creation::read_scalar(
                &host,
                storage.dtype,
                layout.offset,
            ))
        }
        _ => None,
    }
}

/// An integer scalar's value (an exponent in an integer compute dtype).
fn exponent_value(s: Scalar) -> i128 {
    match s {
        Scalar::I32(v) => v.into(),
        Scalar::I64(v) => v.into(),
        Scalar::U32(v) => v.into(),
        Scalar::Bool(v) => v.into(),
        Scalar::F32(_) | Scalar::F64(_) => {
            unreachable!("a float exponent computes in a float dtype")
        }
    }
}

fn operand_node(o: Arg, dtype: DType) -> Arc<Node> {
    match o {
        Arg::Array(a) => cast_node(&a.node, dtype),
        Arg::Scalar(s) => const_node(s, dtype),
    }
}

impl Array {
    pub(crate) fn unary(&self, op: UnaryOp) -> Result<Array> {
        let (compute, result) = op.rule().resolve(op.name(), self.dtype())?;
        let x = cast_node(&self.node, compute);
        Ok(Array::from_node(Node::lazy(
            self.shape().to_vec(),
            result,
            NodeDef::Unary(op, x),
        )))
    }

    /// `op(self)`, or (for a dtype the op rejects) a value whose read gives
    /// the error, as the other non-`Result` forms do.
    fn unary_or_failed(&self, op: UnaryOp) -> Array {
        self.unary(op)
            .unwrap_or_else(|e| self.failed(self.shape().to_vec(), self.dtype(), e))
    }

    /// `op(self)` for any row of the unary op table, by the op: what the
    /// expression language and generic code call (the named methods are the
    /// same thing).
    ///
    /// # Errors
    ///
    /// [`Error::DTypeMismatch`] for a dtype the op's rule rejects.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// use tandem::ops::UnaryOp;
    /// let a = Array::from_vec(vec![0.0f64], &[1])?;
    /// assert_eq!(a.apply_unary(UnaryOp::Cos)?.to_vec::<f64>()?, vec![1.0]);
    /// assert!(a.apply_unary(UnaryOp::BitwiseNot).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn apply_unary(&self, op: UnaryOp) -> Result<Array> {
        self.unary(op)
    }

    /// `op(self, other)` for any row of the binary op table, by the op, with
    /// broadcasting and promotion (what the named methods do).
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast,
    /// [`Error::DTypeMismatch`] for a dtype the op's rule rejects,
    /// [`Error::InvalidArgument`] for a weak integer out of the dtype's range.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// use tandem::ops::BinaryOp;
    /// let a = Array::from_vec(vec![12i64, 18], &[2])?;
    /// assert_eq!(a.apply_binary(BinaryOp::Gcd, 8)?.to_vec::<i64>()?, vec![4, 2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn apply_binary(&self, op: BinaryOp, other: impl Into<Operand>) -> Result<Array> {
        match op {
            // The integer exponent keeps its dtype; pow takes NumPy's fast paths.
            BinaryOp::Ldexp => self.ldexp(other),
            BinaryOp::Pow => self.pow(other),
            _ => self.binary(op, other),
        }
    }

    pub(crate) fn binary_operands(op: BinaryOp, a: Arg, b: Arg) -> Result<Array> {
        let name = op.name();
        let shape = broadcast_shapes(name, shape_of(a), shape_of(b))?;
        let mut promoted = result_type(&[a, b]);
        if op.is_comparison() {
            promoted = comparison_type(&[a, b], promoted);
        }
        let (compute, result) = op.rule().resolve(name, promoted)?;
        check_weak_fit(name, &[a, b], compute)?;
        let x = operand_node(a, compute);
        let y = operand_node(b, compute);
        Ok(Array::from_node(Node::lazy(
            shape,
            result,
            NodeDef::Binary(op, x, y),
        )))
    }

    pub(crate) fn binary(&self, op: BinaryOp, other: impl Into<Operand>) -> Result<Array> {
        Self::binary_operands(op, Arg::Array(self), Arg::from(&other.into()))
    }

    /// `self + other` with broadcasting and promotion.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert_eq!(a.try_add(&a)?.to_vec::<i32>()?, vec![2, 4]);
    /// assert!(a.try_add(&Array::zeros(&[3], DType::I32)).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_add(&self, other: impl Into<Operand>) -> Result<Array> {
        self.binary(BinaryOp::Add, other)
    }

    /// `self - other` (rejected for two `Bool` operands, as in NumPy).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1u32, 5], &[2])?;
    /// assert_eq!(a.try_sub(2)?.to_vec::<u32>()?, vec![u32::MAX, 3]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_sub(&self, other: impl Into<Operand>) -> Result<Array> {
        self.binary(BinaryOp::Sub, other)
    }

    /// `self * other`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.5f32], &[1])?;
    /// assert_eq!(a.try_mul(2.0)?.to_vec::<f32>()?, vec![3.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_mul(&self, other: impl Into<Operand>) -> Result<Array> {
        self.binary(BinaryOp::Mul, other)
    }

    /// True division: integers divide as `F64`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 3], &[2])?;
    /// assert_eq!(a.try_div(2)?.to_vec::<f64>()?, vec![0.5, 1.5]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_div(&self, other: impl Into<Operand>) -> Result<Array> {
        self.binary(BinaryOp::Div, other)
    }

    /// Remainder with the sign of the divisor (Python's `%`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-7i32, 7], &[2])?;
    /// assert_eq!(a.try_rem(3)?.to_vec::<i32>()?, vec![2, 1]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_rem(&self, other: impl Into<Operand>) -> Result<Array> {
        self.binary(BinaryOp::Rem, other)
    }

    /// Negation; an error for `Bool` (as NumPy).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// assert!(Array::scalar(true).try_neg().is_err());
    /// assert_eq!(Array::scalar(2i32).try_neg()?.item::<i32>()?, -2);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn try_neg(&self) -> Result<Array> {
        self.unary(UnaryOp::Neg)
    }

    /// Floor division (Python's `//`); integer division by zero gives 0, as NumPy.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-7i64, 7], &[2])?;
    /// assert_eq!(a.floor_div(2)?.to_vec::<i64>()?, vec![-4, 3]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn floor_div(&self, other: impl Into<Operand>) -> Result<Array> {
        self.binary(BinaryOp::FloorDiv, other)
    }

    /// `self ** other`. For integer arrays a negative exponent in an *array*
    /// gives 0 (or ±1 for bases ±1) instead of NumPy's error, which tandem
    /// cannot raise lazily; a negative integer exponent known now (a weak
    /// scalar, or a 0-d constant) is rejected now, as NumPy does.
    ///
    /// An exponent that is one number for the whole array (a weak scalar, or
    /// a 0-d array whose value is known when the node is built: a constant
    /// or data on the host) takes NumPy's fast paths, so the node built is
    /// the cheap op NumPy runs and the results are NumPy's bit for bit:
    ///
    /// | exponent (in the compute dtype) | float arrays | integer arrays |
    /// | --- | --- | --- |
    /// | `2` | `square` (`x*x`) | `square` (wrapping) |
    /// | `1` | `x` | `x` |
    /// | `0` | `1` (also for NaN) | `1` |
    /// | `0.5` | `sqrt` (so `(-0.0)**0.5` is `-0.0`, `(-inf)**0.5` is NaN) | — (computes in `F64`) |
    /// | `-1` | `recip` (`1/x`) | error, as NumPy |
    /// | `3` | general `pow` (NumPy's too) | `x*x*x` (wrapping) |
    ///
    /// A weak integer `2` is NumPy's `np.square(x)` for every dtype, so
    /// `bool ** 2` is `square`'s `I32` (NumPy: int8). Other exponents, and
    /// arrays of exponents, run the general `pow` (floats: 0.52 ULP on the
    /// CPU, within 2 on the GPU).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![2i32, 3], &[2])?;
    /// assert_eq!(a.pow(3)?.to_vec::<i32>()?, vec![8, 27]);
    /// assert!(a.pow(-1).is_err());
    /// let x = Array::from_vec(vec![-0.0f32, f32::NEG_INFINITY, 4.0], &[3])?;
    /// let r = x.powf(0.5)?.to_vec::<f32>()?; // NumPy's sqrt fast path
    /// assert!(r[0] == 0.0 && r[0].is_sign_negative() && r[1].is_nan() && r[2] == 2.0);
    /// assert_eq!(x.pow(2)?.to_vec::<f32>()?, x.square().to_vec::<f32>()?);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn pow(&self, other: impl Into<Operand>) -> Result<Array> {
        let other = other.into();
        if let Operand::Scalar(s) = other {
            // NumPy's `array ** 2` (`fast_scalar_power`) calls `np.square`
            // for any dtype, bool included (square's own result dtype).
            if s.weak_kind() == crate::WeakKind::Int && s.to_f64() == 2.0 {
                return Ok(self.square());
            }
        }
        let out = Self::binary_operands(BinaryOp::Pow, Arg::Array(self), Arg::from(&other))?;
        let Some(exponent) = known_exponent(&other) else {
            return Ok(out);
        };
        let NodeDef::Binary(_, x, _) = out.node.def() else {
            unreachable!("binary_operands builds a binary node")
        };
        let (shape, dtype) = (out.shape().to_vec(), out.dtype());
        let unary = |op| Node::lazy(shape.clone(), dtype, NodeDef::Unary(op, x.clone()));
        let one = || {
            Node::lazy(
                shape.clone(),
                dtype,
                NodeDef::Const(Scalar::I64(1).cast(dtype)),
            )
        };
        let node = if dtype.is_float() {
            // NumPy's float power loop, for an exponent with stride 0.
            // (Float patterns compare with `==`: an exponent of -0.0 is 0.)
            match exponent.cast(dtype).to_f64() {
                2.0 => unary(UnaryOp::Square),
                1.0 => x.clone(),
                0.0 => one(),
                0.5 => unary(UnaryOp::Sqrt),
                -1.0 => unary(UnaryOp::Recip),
                _ => return Ok(out),
            }
        } else {
            // NumPy's integer power loop: by squaring, wrapping; small
            // exponents spelled as the multiplies they are.
            match exponent_value(exponent.cast(dtype)) {
                e if e < 0 => {
                    return Err(Error::invalid(
                        "pow",
                        "integers to negative integer powers are not allowed (as in NumPy); use a float exponent or astype(DType::F64)",
                    ))
                }
                0 => one(),
                1 => x.clone(),
                2 => unary(UnaryOp::Square),
                3 => Node::lazy(
                    shape.clone(),
                    dtype,
                    NodeDef::Binary(BinaryOp::Mul, x.clone(), unary(UnaryOp::Square)),
                ),
                _ => return Ok(out),
            }
        };
        Ok(Array::from_node(node))
    }

    /// `self ** exponent` with a float exponent (weak: `F32` arrays stay `F32`,
    /// integer arrays give `F64`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![4.0f32], &[1])?;
    /// assert_eq!(a.powf(0.5)?.to_vec::<f32>()?, vec![2.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn powf(&self, exponent: f64) -> Result<Array> {
        self.pow(exponent)
    }

    /// `self` clipped to `[lo, hi]`: `minimum(maximum(self, lo), hi)`, as
    /// NumPy (NaN propagates; `lo > hi` gives `hi`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-1.0f32, 0.5, 2.0], &[3])?;
    /// assert_eq!(a.clip(0.0, 1.0)?.to_vec::<f32>()?, vec![0.0, 0.5, 1.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn clip(&self, lo: impl Into<Operand>, hi: impl Into<Operand>) -> Result<Array> {
        let (lo, hi) = (lo.into(), hi.into());
        let (lo, hi) = (Arg::from(&lo), Arg::from(&hi));
        // Promote over all three at once (as np.clip does), then clip in that dtype.
        let dtype = result_type(&[Arg::Array(self), lo, hi]);
        check_weak_fit("clip", &[lo, hi], dtype)?;
        let cast = |o: Arg| match o {
            Arg::Array(a) => a.astype(dtype),
            Arg::Scalar(s) => Array::from_node(const_node(s, dtype)),
        };
        let low = Self::binary_operands(
            BinaryOp::Maximum,
            Arg::from(&self.astype(dtype)),
            Arg::from(&cast(lo)),
        )?;
        Self::binary_operands(BinaryOp::Minimum, Arg::from(&low), Arg::from(&cast(hi)))
    }

    /// Elementwise choice: `x` where `cond` is true (non-zero), else `y`; all
    /// three broadcast, `x` and `y` promote.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let c = Array::from_vec(vec![true, false], &[2])?;
    /// let r = Array::where_(&c, 1.0f32, 0)?;
    /// assert_eq!(r.to_vec::<f64>()?, vec![1.0, 0.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn where_(cond: &Array, x: impl Into<Operand>, y: impl Into<Operand>) -> Result<Array> {
        let (x, y) = (x.into(), y.into());
        let (x, y) = (Arg::from(&x), Arg::from(&y));
        let xy = broadcast_shapes("where", shape_of(x), shape_of(y))?;
        let shape = broadcast_shapes("where", cond.shape(), &xy)?;
        let dtype = result_type(&[x, y]);
        check_weak_fit("where", &[x, y], dtype)?;
        let c = cast_node(&cond.node, DType::Bool);
        Ok(Array::from_node(Node::lazy(
            shape,
            dtype,
            NodeDef::Select(c, operand_node(x, dtype), operand_node(y, dtype)),
        )))
    }

    /// The array converted to `dtype` with NumPy's cast rules (float → int
    /// truncates; NaN → int is 0, out-of-range saturates — NumPy leaves
    /// those undefined).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.7f64, -1.7], &[2])?;
    /// assert_eq!(a.astype(DType::I32).to_vec::<i32>()?, vec![1, -1]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn astype(&self, dtype: DType) -> Array {
        Array::from_node(cast_node(&self.node, dtype))
    }
}

/// Binary methods that return `Result`: shapes may not broadcast
/// ([`Error::ShapeMismatch`]), the op's rule may reject a dtype
/// ([`Error::DTypeMismatch`]), a weak integer may not fit
/// ([`Error::InvalidArgument`]).
macro_rules! binary_methods {
    ($($(#[$doc:meta])* $name:ident => $op:ident),* $(,)?) => {
        impl Array {$(
            $(#[$doc])*
            pub fn $name(&self, other: impl Into<Operand>) -> Result<Array> {
                self.binary(BinaryOp::$op, other)
            }
        )*}
    };
}

binary_methods! {
    /// Elementwise maximum, NaN-propagating (`np.maximum`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, f32::NAN], &[2])?;
    /// let m = a.maximum(0.5)?.to_vec::<f32>()?;
    /// assert_eq!(m[0], 1.0);
    /// assert!(m[1].is_nan());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    maximum => Maximum,
    /// Elementwise minimum, NaN-propagating (`np.minimum`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 5], &[2])?;
    /// assert_eq!(a.minimum(3)?.to_vec::<i32>()?, vec![1, 3]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    minimum => Minimum,
    /// `atan(self / other)` in the right quadrant.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let y = Array::from_vec(vec![1.0f64], &[1])?;
    /// assert_eq!(y.atan2(1.0)?.to_vec::<f64>()?, vec![std::f64::consts::FRAC_PI_4]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    atan2 => Atan2,
    /// `self == other`, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 2], &[2])?;
    /// assert_eq!(a.eq(2)?.to_vec::<bool>()?, vec![false, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    eq => Eq,
    /// `self != other`, as `Bool` (true for NaN).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![f64::NAN], &[1])?;
    /// assert_eq!(a.ne(&a)?.to_vec::<bool>()?, vec![true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    ne => Ne,
    /// `self < other`, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1u32], &[1])?;
    /// assert_eq!(a.lt(-1)?.to_vec::<bool>()?, vec![false]); // compared exactly, as NumPy
    /// # Ok::<(), tandem::Error>(())
    /// ```
    lt => Lt,
    /// `self <= other`, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, 2.0], &[2])?;
    /// assert_eq!(a.le(1.0)?.to_vec::<bool>()?, vec![true, false]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    le => Le,
    /// `self > other`, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32, 2.0], &[2])?;
    /// assert_eq!(a.gt(1.0)?.to_vec::<bool>()?, vec![false, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    gt => Gt,
    /// `self >= other`, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i64, 2], &[2])?;
    /// assert_eq!(a.ge(2)?.to_vec::<bool>()?, vec![false, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    ge => Ge,
    /// Both truthy (non-zero), as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![0.0f32, 2.0], &[2])?;
    /// assert_eq!(a.logical_and(true)?.to_vec::<bool>()?, vec![false, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    logical_and => LogicalAnd,
    /// Either truthy, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![0i32, 0], &[2])?;
    /// let b = Array::from_vec(vec![false, true], &[2])?;
    /// assert_eq!(a.logical_or(&b)?.to_vec::<bool>()?, vec![false, true]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    logical_or => LogicalOr,
    /// Exactly one truthy, as `Bool`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![true, true], &[2])?;
    /// let b = Array::from_vec(vec![false, true], &[2])?;
    /// assert_eq!(a.logical_xor(&b)?.to_vec::<bool>()?, vec![true, false]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    logical_xor => LogicalXor,
    /// `sqrt(self² + other²)` without overflow in the squares (`np.hypot`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![3.0f64, 1e300], &[2])?;
/// assert_eq!(a.hypot(4.0)?.to_vec::<f64>()?, vec![5.0, 1e300]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    hypot => Hypot,
    /// `|self|` with the sign of `other` (`np.copysign`; integers become `F64`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![3.0f32, -2.0], &[2])?;
/// assert_eq!(a.copysign(-0.0)?.to_vec::<f32>()?, vec![-3.0, -2.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    copysign => Copysign,
    /// The next representable value after `self` toward `other` (`np.nextafter`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1.0f32], &[1])?;
/// assert_eq!(a.nextafter(2.0)?.to_vec::<f32>()?, vec![1.0 + f32::EPSILON]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    nextafter => Nextafter,
    /// C's remainder, with the sign of the dividend (`np.fmod`); integer `x fmod 0` is 0.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-7i32, 7], &[2])?;
/// assert_eq!(a.fmod(3)?.to_vec::<i32>()?, vec![-1, 1]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    fmod => Fmod,
    /// `log(e^self + e^other)` without overflow (`np.logaddexp`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1000.0f64], &[1])?;
/// assert_eq!(a.logaddexp(1000.0)?.to_vec::<f64>()?, vec![1000.0 + std::f64::consts::LN_2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    logaddexp => Logaddexp,
    /// `log2(2^self + 2^other)` without overflow (`np.logaddexp2`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![3.0f64], &[1])?;
/// assert_eq!(a.logaddexp2(3.0)?.to_vec::<f64>()?, vec![4.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    logaddexp2 => Logaddexp2,
    /// Step function: 0 below zero, `other` at zero, 1 above (`np.heaviside`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-1.0f64, 0.0, 2.0], &[3])?;
/// assert_eq!(a.heaviside(0.5)?.to_vec::<f64>()?, vec![0.0, 0.5, 1.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    heaviside => Heaviside,
    /// `self ** other` computed in `F64` whatever the dtypes (`np.float_power`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![2i32], &[1])?;
/// assert_eq!(a.float_power(-1)?.to_vec::<f64>()?, vec![0.5]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    float_power => FloatPower,
    /// Elementwise maximum where NaN loses to a number (`np.fmax`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![f64::NAN, 1.0], &[2])?;
/// assert_eq!(a.fmax(0.5)?.to_vec::<f64>()?, vec![0.5, 1.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    fmax => Fmax,
    /// Elementwise minimum where NaN loses to a number (`np.fmin`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![f64::NAN, 1.0], &[2])?;
/// assert_eq!(a.fmin(0.5)?.to_vec::<f64>()?, vec![0.5, 0.5]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    fmin => Fmin,
    /// Greatest common divisor, non-negative (`np.gcd`; integers only).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![12i32, -18], &[2])?;
/// assert_eq!(a.gcd(8)?.to_vec::<i32>()?, vec![4, 2]);
/// assert!(a.astype(DType::F32).gcd(8).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    gcd => Gcd,
    /// Least common multiple, non-negative (`np.lcm`; integers only).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![4i64, -6], &[2])?;
/// assert_eq!(a.lcm(6)?.to_vec::<i64>()?, vec![12, 6]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    lcm => Lcm,
    /// Bitwise and (logical for `Bool`; floats rejected, as NumPy).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![12u32, 10], &[2])?;
/// assert_eq!(a.bitwise_and(6)?.to_vec::<u32>()?, vec![4, 2]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    bitwise_and => BitwiseAnd,
    /// Bitwise or (logical for `Bool`; floats rejected, as NumPy).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![12i32, 10], &[2])?;
/// assert_eq!(a.bitwise_or(1)?.to_vec::<i32>()?, vec![13, 11]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    bitwise_or => BitwiseOr,
    /// Bitwise exclusive or (logical for `Bool`; floats rejected).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![12i64, 10], &[2])?;
/// assert_eq!(a.bitwise_xor(6)?.to_vec::<i64>()?, vec![10, 12]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    bitwise_xor => BitwiseXor,
    /// `self << other`; 0 once the shift reaches the width (`np.left_shift`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![1i32, 3], &[2])?;
/// assert_eq!(a.left_shift(4)?.to_vec::<i32>()?, vec![16, 48]);
/// assert_eq!(a.left_shift(32)?.to_vec::<i32>()?, vec![0, 0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    left_shift => LeftShift,
    /// `self >> other`, arithmetic for signed dtypes (`np.right_shift`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-16i32, 16], &[2])?;
/// assert_eq!(a.right_shift(2)?.to_vec::<i32>()?, vec![-4, 4]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    right_shift => RightShift,
}

/// Unary methods: they accept every dtype, so they return `Array`.
macro_rules! unary_methods {
    ($($name:ident => $op:ident, $input:expr, $expect:expr);* $(;)?) => {
        impl Array {$(
            #[doc = concat!("Elementwise `", stringify!($name), "` (op `",
                stringify!($op), "`), lazily.\n\n",
                "```\nuse tandem::prelude::*;\n",
                "let a = Array::from_vec(vec![", $input, "], &[1])?;\n",
                "assert_eq!(a.", stringify!($name), "().to_vec_as::<f64>()?, vec![", $expect, "]);\n",
                "# Ok::<(), tandem::Error>(())\n```")]
            #[doc = ""]
            #[doc = "A dtype the op rejects (NumPy's `TypeError`: `positive` of `Bool`,"]
            #[doc = "`bitwise_not` of a float) gives a value whose read is that error."]
            pub fn $name(&self) -> Array {
                self.unary_or_failed(UnaryOp::$op)
            }
        )*}
    };
}

unary_methods! {
    abs => Abs, "-2.0f64", "2.0";
    sqrt => Sqrt, "4.0f64", "2.0";
    exp => Exp, "0.0f64", "1.0";
    exp2 => Exp2, "3.0f64", "8.0";
    ln => Ln, "1.0f64", "0.0";
    log2 => Log2, "8.0f64", "3.0";
    log10 => Log10, "100.0f64", "2.0";
    sin => Sin, "0.0f64", "0.0";
    cos => Cos, "0.0f64", "1.0";
    tan => Tan, "0.0f64", "0.0";
    tanh => Tanh, "0.0f64", "0.0";
    asin => Asin, "0.0f64", "0.0";
    acos => Acos, "1.0f64", "0.0";
    atan => Atan, "0.0f64", "0.0";
    sinh => Sinh, "0.0f64", "0.0";
    cosh => Cosh, "0.0f64", "1.0";
    floor => Floor, "-1.5f64", "-2.0";
    ceil => Ceil, "-1.5f64", "-1.0";
    round => Round, "2.5f64", "2.0";
    trunc => Trunc, "-1.7f64", "-1.0";
    sign => Sign, "-3.0f64", "-1.0";
    recip => Recip, "4.0f64", "0.25";
    square => Square, "3.0f64", "9.0";
    sigmoid => Sigmoid, "0.0f64", "0.5";
    log1p => Log1p, "0.0f64", "0.0";
    expm1 => Expm1, "0.0f64", "0.0";
    cbrt => Cbrt, "-8.0f64", "-2.0";
    asinh => Asinh, "0.0f64", "0.0";
    acosh => Acosh, "1.0f64", "0.0";
    atanh => Atanh, "0.0f64", "0.0";
    deg2rad => Deg2rad, "180.0f64", "std::f64::consts::PI";
    rad2deg => Rad2deg, "std::f64::consts::PI", "180.0";
    fabs => Fabs, "-2i32", "2.0";
    rint => Rint, "2.5f64", "2.0";
    spacing => Spacing, "1.0f64", "f64::EPSILON";
    positive => Positive, "-2.0f64", "-2.0";
    bitwise_not => BitwiseNot, "5i64", "-6.0";
    bitwise_count => BitwiseCount, "7i64", "3.0";
    conj => Conj, "-2.5f64", "-2.5";
}

macro_rules! predicate_methods {
    ($($name:ident => $op:ident, $input:expr, $expect:expr);* $(;)?) => {
        impl Array {$(
            #[doc = concat!("Elementwise `", stringify!($name), "` (op `",
                stringify!($op), "`), as `Bool`.\n\n",
                "```\nuse tandem::prelude::*;\n",
                "let a = Array::from_vec(vec![", $input, "], &[2])?;\n",
                "assert_eq!(a.", stringify!($name), "().to_vec::<bool>()?, vec![", $expect, "]);\n",
                "# Ok::<(), tandem::Error>(())\n```")]
            pub fn $name(&self) -> Array {
                self.unary_or_failed(UnaryOp::$op)
            }
        )*}
    };
}

predicate_methods! {
    is_nan => IsNan, "f32::NAN, 1.0", "true, false";
    is_inf => IsInf, "f32::NEG_INFINITY, 1.0", "true, false";
    is_finite => IsFinite, "f32::INFINITY, 1.0", "false, true";
    logical_not => LogicalNot, "0i32, 3", "true, false";
    signbit => Signbit, "-0.0f64, 1.0", "true, false";
}

impl Array {
    /// `self * 2**exponent`, exactly (`np.ldexp`): the exponent must be an
    /// integer (array or scalar); the result has `self`'s float dtype
    /// (integers become `F64`, `Bool` `F32`).
    ///
    /// # Errors
    ///
    /// [`Error::DTypeMismatch`] for a float exponent (NumPy's `TypeError`),
    /// [`Error::ShapeMismatch`] when the shapes do not broadcast.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let m = Array::from_vec(vec![0.75f32, 0.5], &[2])?;
    /// assert_eq!(m.ldexp(3)?.to_vec::<f32>()?, vec![6.0, 4.0]);
    /// assert!(m.ldexp(1.5).is_err());
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn ldexp(&self, exponent: impl Into<Operand>) -> Result<Array> {
        let e = exponent.into();
        let e_dtype = match &e {
            Operand::Array(a) => a.dtype(),
            Operand::Scalar(s) => s.dtype(),
        };
        if e_dtype.is_float() {
            return Err(Error::DTypeMismatch {
                op: "ldexp",
                expected: "an integer (or bool) exponent".into(),
                got: e_dtype,
                hint: "NumPy rejects float exponents too; astype(DType::I32) first".into(),
            });
        }
        let e = Arg::from(&e);
        let (compute, result) = BinaryOp::Ldexp.rule().resolve("ldexp", self.dtype())?;
        let shape = broadcast_shapes("ldexp", self.shape(), shape_of(e))?;
        let x = cast_node(&self.node, compute);
        let y = operand_node(e, compute);
        Ok(Array::from_node(Node::lazy(
            shape,
            result,
            NodeDef::Binary(BinaryOp::Ldexp, x, y),
        )))
    }

    /// `(self // other, self % other)` (`np.divmod`): Python's floor
    /// division and the remainder with the divisor's sign, both lazy.
    ///
    /// # Errors
    ///
    /// As [`floor_div`](Array::floor_div).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-7i32, 7], &[2])?;
    /// let (q, r) = a.divmod(3)?;
    /// assert_eq!(q.to_vec::<i32>()?, vec![-3, 2]);
    /// assert_eq!(r.to_vec::<i32>()?, vec![2, 1]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn divmod(&self, other: impl Into<Operand>) -> Result<(Array, Array)> {
        let other = other.into();
        Ok((
            self.binary(BinaryOp::FloorDiv, other.clone())?,
            self.binary(BinaryOp::Rem, other)?,
        ))
    }

    /// `(fractional part, integral part)`, both with the sign of `self`
    /// (`np.modf`; integers become `F64`, `Bool` `F32`): `modf(-2.5)` is
    /// `(-0.5, -2.0)`, `modf(inf)` is `(0.0, inf)`.
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![-2.5f64, 3.0], &[2])?;
    /// let (frac, int) = a.modf();
    /// assert_eq!(frac.to_vec::<f64>()?, vec![-0.5, 0.0]);
    /// assert_eq!(int.to_vec::<f64>()?, vec![-2.0, 3.0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn modf(&self) -> (Array, Array) {
        let fraction = self.unary_or_failed(UnaryOp::ModfFraction);
        let integral = self.astype(fraction.dtype()).trunc();
        (fraction, integral)
    }

    /// `(mantissa, exponent)` with `self = mantissa * 2**exponent` and
    /// `0.5 <= |mantissa| < 1` (`np.frexp`; the exponent is `I32`, and 0,
    /// ±inf and NaN give `(self, 0)`).
    ///
    /// ```
    /// use tandem::prelude::*;
    /// let a = Array::from_vec(vec![8.0f32, -0.75], &[2])?;
    /// let (m, e) = a.frexp();
    /// assert_eq!(m.to_vec::<f32>()?, vec![0.5, -0.75]);
    /// assert_eq!(e.to_vec::<i32>()?, vec![4, 0]);
    /// # Ok::<(), tandem::Error>(())
    /// ```
    pub fn frexp(&self) -> (Array, Array) {
        (
            self.unary_or_failed(UnaryOp::FrexpMantissa),
            self.unary_or_failed(UnaryOp::FrexpExponent),
        )
    }
}
