// tandem-gpu: float32 exponentials, logarithms, trigonometric and
// hyperbolic functions, sigmoid, atan2 and pow, as `// @fn NAME_f32`
// sections (see `codegen/helpers.rs`; the shared error-free building blocks
// `fast2sum`, `two_sum`, `two_prod`, `hide`, `oz` live in math.wgsl).
//
// The algorithms are the CPU backend's (`backend-cpu/src/vmath.rs`, same
// coefficients and reductions) where its float32 kernel is native (exp,
// exp2, ln, tanh); where the CPU widens float32 to float64 (tan, atan,
// asin, acos, sinh, cosh, sigmoid, atan2, pow) these compute in pure
// float32 with double-float ("ff": hi + lo) steps instead, because float64
// is an optional GPU feature. Every function is within 2 ULP of the exact
// result (the CPU's bound; measured values in backend-gpu/tests/transcendental.rs).
//
// Three rules every section follows, learned on lavapipe (Mesa llvmpipe):
// * `fma` is not fused there (Vulkan lets `fma` round twice), so nothing
//   relies on a fused multiply-add: exact products come from `two_prod`
//   (Dekker, split by masking), and `a * b + c` may be fused or not.
// * NIR rewrites `(a + b) - a` to `b` and `(x + 1.5*2^23) - 1.5*2^23` to
//   `x`, which destroys error-free sums and magic-number rounding: sums go
//   through `fast2sum`/`two_sum`, whose `hide(s, z)` (an OR with a zero NIR
//   cannot prove to be zero) keeps the rewrite away; rounding uses `round`.
// * NaN and infinities are tested on bits (`isnan_f32`), as WGSL lets
//   compilers assume floats are finite.
//
// Constants are hexadecimal float literals: exactly vmath's values (the
// float32 or float64 its decimal constants parse to) or the named
// mathematical constant rounded to nearest; "split" constants are a head
// with trailing zero bits (so products with it are exact) plus the rest.
// Subnormal inputs and results are handled as the CPU does (lavapipe keeps
// float32 subnormals); a device that flushes them to zero returns zero
// where the exact result is subnormal.

// @fn scale_f32
// p * 2^n for n in [-252, 254]: two normal factors, so only the last
// multiplication rounds (correctly rounded subnormal results).
fn scale_f32(p: f32, n: i32) -> f32 {
    let n1 = n >> 1u;
    let n2 = n - n1;
    return p * bitcast<f32>(u32(n1 + 127) << 23u) * bitcast<f32>(u32(n2 + 127) << 23u);
}

// @fn exp_f32 needs scale
// vmath's exp_f32_lane: n = round(x log2 e), r = x - n ln2 with ln2 split
// so that n * LN2_HI is exact, a degree-6 minimax polynomial on |r| <= 0.3473.
fn exp_f32(x: f32) -> f32 {
    let xc = select(select(x, -104.0f, x < -104.0f), 89.0f, x > 89.0f);
    let nf = round(xc * 0x1.715476p+0f);
    let r0 = xc - nf * 0x1.62e4p-1f;
    let r = r0 - nf * 0x1.7f7d1cp-20f;
    var p = 0x1.6d4d78p-10f;
    p = p * r + 0x1.1286fp-7f;
    p = p * r + 0x1.555656p-5f;
    p = p * r + 0x1.55541ep-3f;
    p = p * r + 0x1.fffffcp-2f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    return scale_f32(p, i32(nf));
}

// @fn exp2_f32 needs scale
// vmath's exp2_f32_lane: 2^x = 2^n * 2^r, |r| <= 1/2, degree-6 minimax.
fn exp2_f32(x: f32) -> f32 {
    let xc = select(select(x, -151.0f, x < -151.0f), 129.0f, x > 129.0f);
    let nf = round(xc);
    let r = xc - nf;
    var p = 0x1.4bf6bcp-13f;
    p = p * r + 0x1.5fbb7ap-10f;
    p = p * r + 0x1.3b21cap-7f;
    p = p * r + 0x1.c6ada8p-5f;
    p = p * r + 0x1.ebfbe6p-3f;
    p = p * r + 0x1.62e432p-1f;
    p = p * r + 1.0f;
    return scale_f32(p, i32(nf));
}

// @fn expcore_f32 needs two_prod fast2sum
// e^(rh + rl) as hi + lo (relative error ~2^-30) for |rh| <= 0.35, rl tiny:
// 1 + r + r^2/2 summed exactly, the Taylor tail r^3 (1/6 + ... + r^5/8!) in float.
fn expcore_f32(rh: f32, rl: f32, z: u32) -> vec2<f32> {
    let a = two_prod_f32(rh, rh, z);
    var c = 0x1.a01a02p-16f;
    c = c * rh + 0x1.a01a02p-13f;
    c = c * rh + 0x1.6c16c2p-10f;
    c = c * rh + 0x1.111112p-7f;
    c = c * rh + 0x1.555556p-5f;
    c = c * rh + 0x1.555556p-3f;
    c = c * (rh * a.x);
    let t1 = fast2sum_f32(1.0f, rh, z);
    let t2 = fast2sum_f32(t1.x, 0.5f * a.x, z);
    let lo = t1.y + t2.y + (0.5f * a.y + c + rl * (1.0f + rh));
    return fast2sum_f32(t2.x, lo, z);
}

// @fn expff_f32 needs expcore two_sum
// e^x = (hi + lo) * 2^n for x in [-150, 90], as vec3(hi, lo, n): the
// reduction of exp_f32 with its rounding error carried (x - n * LN2_HI is
// exact), then `expcore_f32`.
fn expff_f32(x: f32, z: u32) -> vec3<f32> {
    let nf = round(x * 0x1.715476p+0f);
    let rh = x - nf * 0x1.62e4p-1f;
    let rr = two_sum_f32(rh, -(nf * 0x1.7f7d1cp-20f), z);
    let e = expcore_f32(rr.x, rr.y, z);
    return vec3<f32>(e.x, e.y, nf);
}

// @fn logreduce_f32
// vmath's log32_reduce: x = 2^k * m, m in [sqrt(1/2), sqrt(2)); returns
// (m - 1, k) (exact). Subnormals are scaled first; zero, negative, inf
// and NaN give garbage that `logspecial_f32` replaces.
fn logreduce_f32(x: f32) -> vec2<f32> {
    let tiny = x < 1.17549435e-38f;
    let xs = select(x, x * 33554432.0f, tiny);
    let ix = bitcast<u32>(xs) - 0x3f3504f3u;
    let k = (bitcast<i32>(ix) >> 23u) - select(0, 25, tiny);
    let m = bitcast<f32>((ix & 0x7fffffu) + 0x3f3504f3u);
    return vec2<f32>(m - 1.0f, f32(k));
}

// @fn logspecial_f32 needs isnan
// The result for x outside (0, inf): inf -> inf, ±0 -> -inf, < 0 -> NaN.
fn logspecial_f32(x: f32, r: f32) -> f32 {
    var o = select(r, x, bitcast<u32>(x) == 0x7f800000u);
    o = select(o, bitcast<f32>(0xff800000u), x == 0.0f);
    o = select(o, bitcast<f32>(0x7fc00000u), x < 0.0f);
    return select(o, x, isnan_f32(x));
}

// @fn ln_f32 needs logreduce logspecial
// vmath's ln_f32_lane: ln(1+f) = f + f^2 Q(f), Q minimax on
// [sqrt(1/2)-1, sqrt(2)-1], plus k ln2 (split).
fn ln_f32(x: f32) -> f32 {
    let fk = logreduce_f32(x);
    let f = fk.x;
    let k = fk.y;
    var q = 0x1.1c957p-4f;
    q = q * f + -0x1.e4969ep-4f;
    q = q * f + 0x1.e6729ap-4f;
    q = q * f + -0x1.fadcd8p-4f;
    q = q * f + 0x1.2327c2p-3f;
    q = q * f + -0x1.55664cp-3f;
    q = q * f + 0x1.99a626p-3f;
    q = q * f + -0x1.ffffep-3f;
    q = q * f + 0x1.555544p-2f;
    q = q * f + -0.5f;
    let p = (f * f) * q + f;
    let r = k * 0x1.62e4p-1f + (k * 0x1.7f7d1cp-20f + p);
    return logspecial_f32(x, r);
}

// @fn ln1pff_f32 needs two_prod fast2sum
// ln(1 + f) for f in [sqrt(1/2)-1, sqrt(2)-1] as hi + lo, relative error
// ~2^-34: 2 atanh(s) = 2s + 2s^3/3 + 2s^5 (1/5 + s^2/7 + ...), s = f/(2+f),
// with s, s^3 and the 2/3 term carried in double-float.
fn ln1pff_f32(f: f32, z: u32) -> vec2<f32> {
    let d = fast2sum_f32(2.0f, f, z);
    let sh = f / d.x;
    let pp = two_prod_f32(sh, d.x, z);
    let sl = (((f - pp.x) - pp.y) - sh * d.y) / d.x;
    let t = two_prod_f32(sh, sh, z);
    let u = two_prod_f32(t.x, sh, z);
    let s3h = u.x;
    let s3l = u.y + t.y * sh + 3.0f * t.x * sl;
    let v = two_prod_f32(0x1.555556p-1f, s3h, z);
    let vl = v.y + 0x1.555556p-1f * s3l + -0x1.555556p-26f * s3h;
    let tt = t.x;
    var w = 0x1.3b13b2p-3f;
    w = w * tt + 0x1.745d18p-3f;
    w = w * tt + 0x1.c71c72p-3f;
    w = w * tt + 0x1.24924ap-2f;
    w = w * tt + 0x1.99999ap-2f;
    let tail = s3h * tt * w;
    let a = fast2sum_f32(2.0f * sh, v.x, z);
    let lo = a.y + (2.0f * sl + vl + tail);
    return fast2sum_f32(a.x, lo, z);
}

// @fn log2ff_f32 needs logreduce ln1pff two_prod fast2sum
// log2(x) as hi + lo for finite x > 0: k + ln(1+f) log2(e), in double-float.
fn log2ff_f32(x: f32, z: u32) -> vec2<f32> {
    let fk = logreduce_f32(x);
    let l = ln1pff_f32(fk.x, z);
    let m = two_prod_f32(l.x, 0x1.715476p+0f, z);
    let ml = m.y + l.x * 0x1.4ae0cp-26f + l.y * 0x1.715476p+0f;
    // |m| < 1 <= |k| unless k = 0: Fast2Sum applies.
    let s = fast2sum_f32(fk.y, m.x, z);
    return fast2sum_f32(s.x, s.y + ml, z);
}

// @fn log2_f32 needs log2ff logspecial oz
// log2 through the double-float logarithm (vmath's FMA-free form sums in
// float64; pure float32 needs the extra precision another way).
fn log2_f32(x: f32) -> f32 {
    let l = log2ff_f32(x, oz_f32(x));
    return logspecial_f32(x, l.x + l.y);
}

// @fn log10_f32 needs logreduce ln1pff two_prod two_sum logspecial oz
// k log10(2) + ln(1+f) log10(e): log10(2) split so that k * HI is exact.
fn log10_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let fk = logreduce_f32(x);
    let k = fk.y;
    let l = ln1pff_f32(fk.x, z);
    let m = two_prod_f32(l.x, 0x1.bcb7b2p-2f, z);
    let ml = m.y + l.x * -0x1.5b235ep-27f + l.y * 0x1.bcb7b2p-2f;
    let s = two_sum_f32(k * 0x1.344p-2f, m.x, z);
    let r = s.x + (s.y + (ml + k * 0x1.3509f8p-18f));
    return logspecial_f32(x, r);
}

// @fn tanh_f32 needs exp copysign
// vmath's tanh_f32_lane: odd minimax polynomial below |x| = 1, else
// 1 - 2/(e^2|x| + 1); saturates to ±1, keeps the sign of zero.
fn tanh_f32(x: f32) -> f32 {
    let ax = abs(x);
    let z = x * x;
    var p = -0x1.8f927cp-12f;
    p = p * z + 0x1.386b9cp-9f;
    p = p * z + -0x1.0840d6p-7f;
    p = p * z + 0x1.616e66p-6f;
    p = p * z + -0x1.b9a4ap-5f;
    p = p * z + 0x1.110ed8p-3f;
    p = p * z + -0x1.555554p-2f;
    let small = (x * z) * p + x;
    let e = exp_f32(ax + ax);
    let large = copysign_f32(1.0f - 2.0f / (e + 1.0f), x);
    return select(select(large, small, ax < 1.0f), x, x == 0.0f);
}

// @fn sigmoid_f32 needs expff scale two_prod fast2sum isnan oz
// 1/(1 + t) (x >= 0) or t/(1 + t) (x < 0), t = e^-|x|, with t and 1 + t in
// double-float and one corrected division (vmath does this in float64).
fn sigmoid_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let ax = abs(x);
    let e = expff_f32(-select(ax, 104.0f, ax > 104.0f), z);
    let n = i32(e.z);
    if (x < -30.0f) {
        // t < 2^-43: t/(1+t) is t to far below an ULP.
        return scale_f32(e.x + e.y, n);
    }
    // 2^n (n >= -44 for x >= -30; t below 2^-126 is irrelevant to 1/(1+t)).
    let s = bitcast<f32>(u32(clamp(n, -126, 0) + 127) << 23u);
    let th = e.x * s;
    let tl = e.y * s;
    let d = fast2sum_f32(1.0f, th, z);
    let dl = d.y + tl;
    let nh = select(th, 1.0f, x >= 0.0f);
    let nl = select(tl, 0.0f, x >= 0.0f);
    let q0 = nh / d.x;
    let pp = two_prod_f32(q0, d.x, z);
    let rho = ((nh - pp.x) - pp.y) + (nl - q0 * dl);
    return select(q0 + rho / d.x, x, isnan_f32(x));
}

// @fn sinhcosh_f32 needs expff scale two_prod two_sum
// 2^(n-1) (m ± 2^-2n / m) with e^ax = m 2^n, m = hi + lo: sinh (sg = -1)
// and cosh (sg = 1) of ax in [0, 90] (ax >= 1 for sinh), in double-float.
fn sinhcosh_f32(ax: f32, sg: f32, z: u32) -> f32 {
    let e = expff_f32(ax, z);
    let n = i32(e.z);
    // 2^-2n, or 0 where it is negligible (and not a normal number).
    let c = select(bitcast<f32>(u32(127 - 2 * n) << 23u), 0.0f, n > 60);
    let u = c / e.x;
    let pp = two_prod_f32(u, e.x, z);
    let ul = (((c - pp.x) - pp.y) - u * e.y) / e.x;
    let s = two_sum_f32(e.x, sg * u, z);
    return scale_f32(s.x + (s.y + (e.y + sg * ul)), n - 1);
}

// @fn sinh_f32 needs sinhcosh copysign isnan oz
// Odd Taylor polynomial below |x| = 1 (error < 2^-30 there), else
// (e^|x| - e^-|x|)/2 in double-float; vmath computes it in float64.
fn sinh_f32(x: f32) -> f32 {
    let ax = abs(x);
    if (ax < 1.0f) {
        let z = x * x;
        var p = 0x1.612462p-33f;
        p = p * z + 0x1.ae6456p-26f;
        p = p * z + 0x1.71de3ap-19f;
        p = p * z + 0x1.a01a02p-13f;
        p = p * z + 0x1.111112p-7f;
        p = p * z + 0x1.555556p-3f;
        return select((x * z) * p + x, x, x == 0.0f);
    }
    let r = sinhcosh_f32(select(ax, 90.0f, ax > 90.0f), -1.0f, oz_f32(x));
    return select(copysign_f32(r, x), x, isnan_f32(x));
}

// @fn cosh_f32 needs sinhcosh isnan oz
fn cosh_f32(x: f32) -> f32 {
    let ax = abs(x);
    let r = sinhcosh_f32(select(ax, 90.0f, ax > 90.0f), 1.0f, oz_f32(x));
    return select(r, ax, isnan_f32(x));
}

// @fn rempio2_f32 needs pio2bits mulwide fast2sum
// x = n pi/2 + r, |r| <= pi/4, as vec3(r_hi, r_lo, n mod 4), for every
// finite x: |x| < pi/4 as is, else Payne-Hanek in 32-bit integers: with
// x = m 2^(e-150), F = x 2/pi 2^62 mod 2^64 from three 32-bit windows of
// 2/pi (glibc's sinf reduction), rounded to n, the remainder scaled by
// pi/2 in double-float (relative error ~2^-36 even for the hardest f32
// arguments). vmath reduces by pi/2 with FMA up to 65536 and calls libm
// beyond; this one reduction serves every argument.
fn rempio2_f32(x: f32, z: u32) -> vec3<f32> {
    let bits = bitcast<u32>(x) & 0x7fffffffu;
    if (bits < 0x3f490fdbu) {
        return vec3<f32>(x, 0.0f, 0.0f);
    }
    let e = i32(bits >> 23u);
    let m = (bits & 0x7fffffu) | 0x800000u;
    let o = e - 152;
    let a = m * pio2bits_f32(o);
    let b = mulwide_f32(m, pio2bits_f32(o + 32));
    let c = mulwide_f32(m, pio2bits_f32(o + 64)).y;
    let lo = b.x + c;
    var hi = a + b.y + select(0u, 1u, lo < c);
    // n = round(F / 2^62) mod 4; F - n 2^62 in [-2^61, 2^61) as (hi, lo).
    let n = ((hi + 0x20000000u) >> 30u) & 3u;
    hi = hi - (n << 30u);
    let neg = bitcast<i32>(hi) < 0;
    var mh = select(hi, ~hi + select(0u, 1u, lo == 0u), neg);
    var ml = select(lo, 0u - lo, neg);
    // Normalise so that the top bit of mh is set.
    var sh = 0;
    if (mh == 0u) {
        mh = ml;
        ml = 0u;
        sh = 32;
    }
    let l = countLeadingZeros(mh);
    mh = select((mh << l) | (ml >> ((32u - l) & 31u)), mh, l == 0u);
    ml = ml << l;
    sh = sh + i32(l);
    // |F - n 2^62| 2^-62 = v1 + v2 + v3: 12, 12 and 24 bits, each exact.
    let v1 = f32(mh >> 20u) * bitcast<f32>(u32(117 - sh) << 23u);
    let v2 = f32((mh >> 8u) & 0xfffu) * bitcast<f32>(u32(105 - sh) << 23u);
    let v3 = f32(((mh & 0xffu) << 16u) | (ml >> 16u)) * bitcast<f32>(u32(81 - sh) << 23u);
    // times pi/2 = P1 + P2 + P3 (12, 12, 24 bits): v1 P1, v1 P2, v2 P1 are exact.
    let p1 = 0x1.922p+0f;
    let p2 = -0x1.2aep-18f;
    let p3 = -0x1.de973ep-31f;
    let small = (v1 * p3 + v2 * p2 + v3 * p1) + (v2 * p3 + v3 * p2);
    let r = fast2sum_f32(v1 * p1, (v1 * p2 + v2 * p1) + small, z);
    // The sign of the remainder, then of x (x < 0: r -> -r, n -> -n).
    let flip = neg != (x < 0.0f);
    let rn = select(r, -r, flip);
    let q = select(n, (4u - n) & 3u, x < 0.0f);
    return vec3<f32>(rn.x, rn.y, f32(q));
}

// @fn sincosff_f32 needs two_prod hide fast2sum
// (sin, cos) of rh + rl, |rh| <= pi/4, as vec4(s_hi, s_lo, c_hi, c_lo):
// vmath's minimax polynomials, with r^2 exact, 1 - r^2/2 as an exact sum,
// and rl's first-order terms.
fn sincosff_f32(rh: f32, rl: f32, z: u32) -> vec4<f32> {
    let t = two_prod_f32(rh, rh, z);
    let zz = t.x;
    var sp = 0x1.8af2dcp-19f;
    sp = sp * zz + -0x1.a09314p-13f;
    sp = sp * zz + 0x1.1111aap-7f;
    sp = sp * zz + -0x1.555556p-3f;
    let sl = (rh * zz) * sp + rl * (1.0f - 0.5f * zz);
    var cp = 0x1.9aa82cp-16f;
    cp = cp * zz + -0x1.6c0f34p-10f;
    cp = cp * zz + 0x1.55555p-5f;
    let hz = 0.5f * zz;
    let w = 1.0f - hz;
    let cl = ((1.0f - hide_f32(w, z)) - hz) + ((zz * zz) * cp - (0.5f * t.y + rh * rl));
    // Normalised (|lo| below half an ULP of hi), as tan's division needs.
    let sn = fast2sum_f32(rh, sl, z);
    let cn = fast2sum_f32(w, cl, z);
    return vec4<f32>(sn.x, sn.y, cn.x, cn.y);
}

// @fn trig_f32 needs rempio2 sincosff isfinite oz
// sin (q = 0) or cos (q = 1): the quadrant picks the polynomial and sign.
fn trig_f32(x: f32, q: u32) -> f32 {
    let z = oz_f32(x);
    let red = rempio2_f32(x, z);
    let sc = sincosff_f32(red.x, red.y, z);
    let n = u32(red.z) + q;
    var v = select(sc.x + sc.y, sc.z + sc.w, (n & 1u) == 1u);
    v = select(v, -v, (n & 2u) == 2u);
    return select(bitcast<f32>(0x7fc00000u), v, isfinite_f32(x));
}

// @fn sin_f32 needs trig
fn sin_f32(x: f32) -> f32 {
    return select(trig_f32(x, 0u), x, x == 0.0f);
}

// @fn cos_f32 needs trig
fn cos_f32(x: f32) -> f32 {
    return trig_f32(x, 1u);
}

// @fn tan_f32 needs rempio2 sincosff two_prod isfinite oz
// sin/cos (even quadrant) or -cos/sin (odd), both in double-float, one
// corrected division (vmath: fdlibm's kernel in float64).
fn tan_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let red = rempio2_f32(x, z);
    let sc = sincosff_f32(red.x, red.y, z);
    let odd = (u32(red.z) & 1u) == 1u;
    let a = select(sc.xy, sc.zw, odd);
    let b = select(sc.zw, sc.xy, odd);
    let q0 = a.x / b.x;
    let pp = two_prod_f32(q0, b.x, z);
    let q = q0 + (((a.x - pp.x) - pp.y) + (a.y - q0 * b.y)) / b.x;
    let v = select(q, -q, odd);
    return select(select(bitcast<f32>(0x7fc00000u), v, isfinite_f32(x)), x, x == 0.0f);
}

// @fn atanff_f32 needs two_sum two_prod fast2sum
// atan(ax), ax >= 0 (NaN-free), as hi + lo: fdlibm's intervals (0, 7/16,
// 11/16, 19/16, 39/16, inf) map ax to t = N/D, |t| <= 7/16, and atan(ax) =
// atan(c) + atan(t); t's rounding error is carried (N exact, D as hi + lo,
// the quotient's residual exact), fdlibm's polynomial in float32.
fn atanff_f32(ax0: f32, z: u32) -> vec2<f32> {
    let ax = select(ax0, 1.0e18f, ax0 > 1.0e18f);
    var nn = ax;
    var dh = 1.0f;
    var dl = 0.0f;
    var ch = 0.0f;
    var cl = 0.0f;
    if (ax >= 2.4375f) {
        nn = -1.0f;
        dh = ax;
        ch = 0x1.921fb6p+0f;
        cl = -0x1.777a5cp-25f;
    } else if (ax >= 1.1875f) {
        // (ax - 1.5) / (1 + 1.5 ax), 1.5 ax = ax + ax/2 as an exact pair.
        nn = ax - 1.5f;
        let p = two_sum_f32(ax, 0.5f * ax, z);
        let d = two_sum_f32(1.0f, p.x, z);
        dh = d.x;
        dl = d.y + p.y;
        ch = 0x1.f730bep-1f;
        cl = -0x1.afc12cp-26f;
    } else if (ax >= 0.6875f) {
        nn = ax - 1.0f;
        let d = two_sum_f32(ax, 1.0f, z);
        dh = d.x;
        dl = d.y;
        ch = 0x1.921fb6p-1f;
        cl = -0x1.777a5cp-26f;
    } else if (ax >= 0.4375f) {
        nn = 2.0f * ax - 1.0f;
        let d = two_sum_f32(2.0f, ax, z);
        dh = d.x;
        dl = d.y;
        ch = 0x1.dac67p-2f;
        cl = 0x1.586ed4p-28f;
    }
    let th = nn / dh;
    let pp = two_prod_f32(th, dh, z);
    let tl = (((nn - pp.x) - pp.y) - th * dl) / dh;
    let zt = th * th;
    let w = zt * zt;
    var s1 = 0x1.0ad3aep-6f;
    s1 = s1 * w + 0x1.97b4b2p-5f;
    s1 = s1 * w + 0x1.10d66ap-4f;
    s1 = s1 * w + 0x1.745cdcp-4f;
    s1 = s1 * w + 0x1.24924ap-3f;
    s1 = s1 * w + 0x1.555556p-2f;
    var s2 = -0x1.2b4442p-5f;
    s2 = s2 * w + -0x1.dde2d6p-5f;
    s2 = s2 * w + -0x1.3b0f2ap-4f;
    s2 = s2 * w + -0x1.c71c7p-4f;
    s2 = s2 * w + -0x1.99999ap-3f;
    let poly = zt * s1 + w * s2;
    let s = fast2sum_f32(ch, th, z);
    let lo = s.y + (cl + tl / (1.0f + zt) - th * poly);
    return fast2sum_f32(s.x, lo, z);
}

// @fn atan_f32 needs atanff copysign isnan oz
fn atan_f32(x: f32) -> f32 {
    let a = atanff_f32(abs(x), oz_f32(x));
    return select(copysign_f32(a.x + a.y, x), x, isnan_f32(x));
}

// @fn asinr_f32
// fdlibm's rational R(z) = (asin(s)/s - 1)/s^2 at z = s^2, z <= 1/4.
fn asinr_f32(zz: f32) -> f32 {
    var p = 0x1.23de1p-15f;
    p = p * zz + 0x1.9efe08p-11f;
    p = p * zz + -0x1.48228cp-5f;
    p = p * zz + 0x1.9c155p-3f;
    p = p * zz + -0x1.4d612p-2f;
    p = p * zz + 0x1.555556p-3f;
    var q = 0x1.3b8c5cp-4f;
    q = q * zz + -0x1.6066c2p-1f;
    q = q * zz + 0x1.02ae5ap+1f;
    q = q * zz + -0x1.33a272p+1f;
    q = q * zz + 1.0f;
    return zz * p / q;
}

// @fn asinacos_f32 needs asinr two_prod two_sum copysign
// asin(x) (which = 0) or acos(x) (which = 1) for |x| <= 1. Below 1/2
// directly (x + x R(x^2)); above, through s = sqrt((1-|x|)/2) (z exact,
// s's residual exact): asin = ±(pi/2 - 2 asin(s)), acos = 2 asin(s) or
// pi - 2 asin(s), asin(s) = s + (s_lo + s R(z)); constants as hi + lo.
fn asinacos_f32(x: f32, which: u32, z: u32) -> f32 {
    let ax = abs(x);
    let pio2h = 0x1.921fb6p+0f;
    let pio2l = -0x1.777a5cp-25f;
    if (ax < 0.5f) {
        let r = x * asinr_f32(x * x);
        if (which == 0u) {
            return x + r;
        }
        let s = two_sum_f32(pio2h, -x, z);
        return s.x + (s.y + (pio2l - r));
    }
    let zz = (1.0f - ax) * 0.5f;
    let s = sqrt(zz);
    let pp = two_prod_f32(s, s, z);
    let sl = select(((zz - pp.x) - pp.y) / (s + s), 0.0f, zz == 0.0f);
    let lo = sl + s * asinr_f32(zz);
    if (which == 1u && x > 0.0f) {
        return 2.0f * (s + lo);
    }
    let ch = select(pio2h, 0x1.921fb6p+1f, which == 1u);
    let cl = select(pio2l, -0x1.777a5cp-24f, which == 1u);
    let t = two_sum_f32(ch, -2.0f * s, z);
    let r = t.x + (t.y + (cl - 2.0f * lo));
    return select(r, copysign_f32(r, x), which == 0u);
}

// @fn asin_f32 needs asinacos copysign oz
fn asin_f32(x: f32) -> f32 {
    // |x| > 1 or NaN (compared on bits).
    if ((bitcast<u32>(x) & 0x7fffffffu) > 0x3f800000u) {
        return bitcast<f32>(0x7fc00000u);
    }
    return select(asinacos_f32(x, 0u, oz_f32(x)), x, x == 0.0f);
}

// @fn acos_f32 needs asinacos copysign oz
fn acos_f32(x: f32) -> f32 {
    if ((bitcast<u32>(x) & 0x7fffffffu) > 0x3f800000u) {
        return bitcast<f32>(0x7fc00000u);
    }
    return asinacos_f32(x, 1u, oz_f32(x));
}

// @fn atan2_f32 needs atanff two_prod fast2sum scale copysign signbit isnan isinf isfinite oz
// vmath's atan2_f64_lane in float32: t = min/max of |y|, |x|, atan(t) in
// double-float plus the first-order correction for t's rounding (the
// residual num - t den exact, on copies scaled near 1), then the quadrant's
// 0, pi/2 or pi added as an exact sum.
fn atan2_f32(y: f32, x: f32) -> f32 {
    let z = oz_f32(x) | oz_f32(y);
    let ax = abs(x);
    let ay = abs(y);
    let swap = ay > ax;
    let num = select(ay, ax, swap);
    let den = select(ax, ay, swap);
    var t = num / den;
    t = select(t, 0.0f, ay == 0.0f);
    t = select(t, 1.0f, isinf_f32(ax) && isinf_f32(ay));
    let a = atanff_f32(t, z);
    // Residual of t on copies scaled so that den is in [1/2, 1).
    let k = 126 - i32((bitcast<u32>(den) >> 23u) & 0xffu);
    let dd = scale_f32(den, k);
    let nd = scale_f32(num, k);
    let pp = two_prod_f32(t, dd, z);
    var corr = ((nd - pp.x) - pp.y) / (dd * (1.0f + t * t));
    // Skip it for 0/0, inf/inf and where nd lost bits to underflow.
    let ok = nd >= 7.8886091e-31f && isfinite_f32(den) && isfinite_f32(corr);
    corr = select(0.0f, corr, ok);
    let neg = signbit_f32(x);
    var hi = 0.0f;
    var lo = 0.0f;
    if (swap) {
        hi = 0x1.921fb6p+0f;
        lo = -0x1.777a5cp-25f;
    } else if (neg) {
        hi = 0x1.921fb6p+1f;
        lo = -0x1.777a5cp-24f;
    }
    let flip = swap != neg;
    let ah = select(a.x, -a.x, flip);
    let al = select(a.y + corr, -(a.y + corr), flip);
    let s = fast2sum_f32(hi, ah, z);
    let r = copysign_f32(s.x + (s.y + (lo + al)), y);
    return select(r, x + y, isnan_f32(x) || isnan_f32(y));
}

// @fn powcore_f32 needs log2ff expcore two_prod two_sum scale oz
// |x|^y for finite x > 0 and finite y != 0: W = y log2(x) in double-float,
// 2^W = 2^n e^((W - n) ln 2) with the exponential in double-float (vmath
// computes 2^(y log2|x|) in float64).
fn powcore_f32(ax: f32, y: f32) -> f32 {
    let z = oz_f32(ax);
    let l = log2ff_f32(ax, z);
    // |y| > 2^32 overflows or underflows whenever x != 1 (|log2 x| >= 2^-25).
    let yc = select(select(y, -4294967296.0f, y < -4294967296.0f), 4294967296.0f, y > 4294967296.0f);
    let p = two_prod_f32(yc, l.x, z);
    let wh = p.x;
    let wl = p.y + yc * l.y;
    if (wh > 200.0f) {
        return bitcast<f32>(0x7f800000u);
    }
    if (wh < -200.0f) {
        return 0.0f;
    }
    let nf = round(wh);
    let v = two_sum_f32(wh - nf, wl, z);
    let u = two_prod_f32(v.x, 0x1.62e43p-1f, z);
    let ul = u.y + (v.x * -0x1.05c61p-29f + v.y * 0x1.62e43p-1f);
    let e = expcore_f32(u.x, ul, z);
    return scale_f32(e.x + e.y, i32(nf));
}

// ---------------------------------------------------------------------------
// log1p, expm1, cbrt, asinh, acosh, atanh, logaddexp, logaddexp2. vmath
// computes these in float64; here in double-float, around one logarithm
// that takes a double-float argument (`lnff_f32`), so that 1 + x, x +
// sqrt(x^2 ± 1), 2x / (1 - x) and 1 + e^-d cost no rounding.
// ---------------------------------------------------------------------------

// @fn lnff_f32 needs logreduce ln1pff two_sum fast2sum
// ln(uh + ul) as hi + lo for finite uh > 0 and |ul| <= ~ulp(uh) (the low
// part of a double-float): k ln2 + ln(1 + f) in double-float (ln2 split
// so that k * LN2_HI is exact), plus ul / uh. vmath's `ln_dd`.
fn lnff_f32(uh: f32, ul: f32, z: u32) -> vec2<f32> {
    let fk = logreduce_f32(uh);
    let l = ln1pff_f32(fk.x, z);
    let s = two_sum_f32(fk.y * 0x1.62e4p-1f, l.x, z);
    let lo = s.y + (l.y + (fk.y * 0x1.7f7d1cp-20f + ul / uh));
    return fast2sum_f32(s.x, lo, z);
}

// @fn log1p_f32 needs two_sum lnff logspecial isnan oz
// ln(u + c) with u + c = 1 + x exactly (TwoSum).
fn log1p_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let u = two_sum_f32(1.0f, x, z);
    let l = lnff_f32(u.x, u.y, z);
    let r = logspecial_f32(u.x, l.x + l.y);
    // log1p(±0) = ±0 (1 + x forgets the sign).
    return select(r, x, x == 0.0f || isnan_f32(x));
}

// @fn expm1_f32 needs expff scale two_sum isnan oz
// e^x - 1 = 2^n (hi + lo) - 1 with e^x from `expff_f32`: its hi + lo is
// 1 + r + r^2/2 summed exactly plus a small tail, so the cancellation of
// the 1 near x = 0 is exact (hi - 1 by Sterbenz) and the result accurate
// relative to itself; beyond n = 24 the -1 is below half an ULP.
fn expm1_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    // Below -30 the result is -1 (rounded); above 89 it overflows.
    let xc = select(select(x, -30.0f, x < -30.0f), 90.0f, x > 90.0f);
    let e = expff_f32(xc, z);
    let n = i32(e.z);
    let s = bitcast<f32>(u32(clamp(n, -126, 127) + 127) << 23u);
    let a = two_sum_f32(e.x * s, -1.0f, z);
    let small = a.x + (a.y + e.y * s);
    let big = scale_f32(e.x + e.y, n);
    let r = select(small, big, n > 24);
    return select(r, x, x == 0.0f || isnan_f32(x));
}

// @fn cbrt_f32 needs two_prod copysign isnan isinf oz
// |x| = 2^(3q) t, t in [0.5, 4) (frexp, exponent split by 3), a linear
// first guess within 7%, two Halley steps (to ~2^-30), then one Newton
// step from the exact residual t - y^3 (double-float), so the result is
// within ~0.5 ULP whatever WGSL's division does. vmath uses FreeBSD's
// exponent-bits estimate instead (64-bit integer arithmetic, which this
// file avoids).
fn cbrt_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let ax = abs(x);
    let tiny = ax < 1.17549435e-38f;
    // Subnormals: cbrt(ax 2^24) 2^-8.
    let fr = frexp(select(ax, ax * 16777216.0f, tiny));
    let e = fr.exp + 150;
    let q = e / 3;
    let t = ldexp(fr.fract, e - 3 * q);
    var y = 0.7f + 0.25f * t;
    var y3 = y * y * y;
    y = y * (y3 + 2.0f * t) / (2.0f * y3 + t);
    y3 = y * y * y;
    y = y * (y3 + 2.0f * t) / (2.0f * y3 + t);
    let y2 = two_prod_f32(y, y, z);
    let c3 = two_prod_f32(y2.x, y, z);
    let res = (c3.x - t) + (c3.y + y2.y * y);
    y = y - res / (3.0f * y * y);
    let r = copysign_f32(ldexp(y, q - 50 - select(0, 8, tiny)), x);
    // cbrt(±0) = ±0, cbrt(±inf) = ±inf, NaN stays NaN.
    return select(r, x, ax == 0.0f || isnan_f32(x) || isinf_f32(x));
}

// @fn archff_f32 needs two_prod two_sum lnff
// ln(x + sqrt(x^2 + sg)) (sg = 1: asinh, x in [2^-12, 4096]; sg = -1:
// acosh, x in (1, 4096]): x^2 + sg and its square root (one correction
// from the exact residual) and the sum in double-float, into `lnff_f32`.
fn archff_f32(x: f32, sg: f32, z: u32) -> f32 {
    let p = two_prod_f32(x, x, z);
    let h = two_sum_f32(p.x, sg, z);
    let hl = h.y + p.y;
    let sh = sqrt(h.x);
    let q = two_prod_f32(sh, sh, z);
    // h - q is exact (q is within a few ULP of h).
    let sl = (((h.x - q.x) - q.y) + hl) / (sh + sh);
    let w = two_sum_f32(x, sh, z);
    let l = lnff_f32(w.x, w.y + sl, z);
    return l.x + l.y;
}

// @fn archbig_f32 needs lnff
// ln(2x) for x > 4096, where asinh and acosh are ln(2x) to the last bit
// (ln(x) + ln 2 beyond 1e38, where 2x overflows).
fn archbig_f32(x: f32, z: u32) -> f32 {
    let huge = x > 1e38f;
    let l = lnff_f32(select(x + x, x, huge), 0.0f, z);
    return l.x + (l.y + select(0.0f, 0x1.62e43p-1f, huge));
}

// @fn asinh_f32 needs archff archbig copysign isnan isinf oz
fn asinh_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let a = abs(x);
    var r = select(archff_f32(min(a, 4096.0f), 1.0f, z), archbig_f32(a, z), a > 4096.0f);
    // Below 2^-12, asinh(x) = x (the next term, x^3/6, is below 0.2 ULP).
    r = select(r, a, a < 0x1p-12f || isinf_f32(x));
    return select(copysign_f32(r, x), x, isnan_f32(x));
}

// @fn acosh_f32 needs archff archbig isnan isinf oz
fn acosh_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let xm = clamp(x, 1.0f, 4096.0f);
    var r = select(archff_f32(xm, -1.0f, z), archbig_f32(x, z), x > 4096.0f);
    r = select(r, 0.0f, x == 1.0f);
    r = select(r, x, isinf_f32(x));
    // NaN below 1 (-inf included); NaN stays NaN.
    r = select(r, bitcast<f32>(0x7fc00000u), x < 1.0f);
    return select(r, x, isnan_f32(x));
}

// @fn atanh_f32 needs two_sum two_prod lnff copysign isnan oz
// log1p(2a / (1 - a)) / 2 with the quotient in double-float (its residual
// exact), then log1p through `lnff_f32`.
fn atanh_f32(x: f32) -> f32 {
    let z = oz_f32(x);
    let a = abs(x);
    let den = two_sum_f32(1.0f, -a, z);
    let num = a + a;
    let qh = num / den.x;
    let pp = two_prod_f32(qh, den.x, z);
    let ql = (((num - pp.x) - pp.y) - qh * den.y) / den.x;
    let u = two_sum_f32(1.0f, qh, z);
    let l = lnff_f32(u.x, u.y + ql, z);
    var r = 0.5f * (l.x + l.y);
    // Below 2^-13, atanh(x) = x (x^3/3 is below 0.1 ULP).
    r = select(r, a, a < 0x1p-13f);
    r = select(r, bitcast<f32>(0x7f800000u), a == 1.0f);
    r = select(r, bitcast<f32>(0x7fc00000u), a > 1.0f);
    return select(copysign_f32(r, x), x, isnan_f32(x));
}

// @fn laeterms_f32 needs two_sum
// |a - b| as (dh, dl); dl = 0 from dh = 200 on (infinite and NaN dh
// included), where e^-dh is far below the result's ULP and dl, up to half
// an ULP of dh, would no longer be small enough to go into the exponent.
fn laeterms_f32(a: f32, b: f32, z: u32) -> vec2<f32> {
    let d = two_sum_f32(a, -b, z);
    let dh = abs(d.x);
    let dl = select(0.0f, select(d.y, -d.y, d.x < 0.0f), dh < 200.0f);
    return vec2<f32>(dh, dl);
}

// @fn logaddexp_f32 needs laeterms expff lnff two_sum scale isnan isinf oz
// NumPy's logaddexp: a + ln 2 for a == b (so inf, inf is inf), else
// max + log1p(e^-|a - b|), with |a - b|, e^-|a - b| and the log1p in
// double-float so that the sum rounds once.
fn logaddexp_f32(a: f32, b: f32) -> f32 {
    let z = oz_f32(a);
    let m = select(b, a, a > b);
    let dd = laeterms_f32(a, b, z);
    let e = expff_f32(-min(dd.x, 150.0f), z);
    let n = i32(e.z);
    let th = scale_f32(e.x, n);
    // e^-(dh + dl) = e^-dh (1 - dl).
    let tl = scale_f32(e.y, n) - th * dd.y;
    let u = two_sum_f32(1.0f, th, z);
    let l = lnff_f32(u.x, u.y + tl, z);
    let s = two_sum_f32(m, l.x, z);
    var r = s.x + (s.y + l.y);
    r = select(r, m, isinf_f32(m));
    r = select(r, a + 0x1.62e43p-1f, a == b);
    return select(r, bitcast<f32>(0x7fc00000u), isnan_f32(a) || isnan_f32(b));
}

// @fn logaddexp2_f32 needs laeterms expcore lnff two_sum two_prod fast2sum scale isnan isinf oz
// NumPy's logaddexp2: a + 1 for a == b, else max + log2(1 + 2^-|a - b|):
// 2^-d = 2^-n e^(-f ln2) (d = n + f, f ln2 in double-float into
// `expcore_f32`), the log1p as in `logaddexp_f32`, times log2(e) in
// double-float.
fn logaddexp2_f32(a: f32, b: f32) -> f32 {
    let z = oz_f32(a);
    let m = select(b, a, a > b);
    let dd = laeterms_f32(a, b, z);
    let dc = min(dd.x, 160.0f);
    let nf = round(dc);
    let f = dc - nf;
    let pr = two_prod_f32(-f, 0x1.62e43p-1f, z);
    let rl = pr.y + (f * 0x1.05c61p-29f - dd.y * 0x1.62e43p-1f);
    let rr = fast2sum_f32(pr.x, rl, z);
    let e = expcore_f32(rr.x, rr.y, z);
    let th = scale_f32(e.x, -i32(nf));
    let tl = scale_f32(e.y, -i32(nf));
    let u = two_sum_f32(1.0f, th, z);
    let l = lnff_f32(u.x, u.y + tl, z);
    let p = two_prod_f32(l.x, 0x1.715476p+0f, z);
    let pl = p.y + (l.x * 0x1.4ae0cp-26f + l.y * 0x1.715476p+0f);
    let s = two_sum_f32(m, p.x, z);
    var r = s.x + (s.y + pl);
    r = select(r, m, isinf_f32(m));
    r = select(r, a + 1.0f, a == b);
    return select(r, bitcast<f32>(0x7fc00000u), isnan_f32(a) || isnan_f32(b));
}
