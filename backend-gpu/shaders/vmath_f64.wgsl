// tandem-gpu: float64 exponentials, logarithms, trigonometric and
// hyperbolic functions, sigmoid, atan2 and pow, as `// @fn NAME_f64`
// sections (see `codegen/helpers.rs`); used where the adapter has
// SHADER_F64 (and SHADER_INT64, which tandem asks for with it).
//
// These are the CPU backend's float64 lanes (`backend-cpu/src/vmath.rs`),
// in their FMA-free form ("unfused": `fma` is not fused on lavapipe, and
// Vulkan does not promise it): fdlibm's kernels and reductions for ln,
// log2, log10, sin, cos, tan, atan, asin, acos, minimax fits for exp,
// exp2, tanh, sinh, cosh, the double-double sigmoid and atan2. Two things
// vmath does otherwise are done here too: sin/cos/tan of |x| > 1.6e6 (a
// Payne-Hanek reduction in 32-bit integers; vmath calls libm) and pow
// (double-double logarithm and exponential; vmath's is table-driven, with
// gathers). Every function is within
// 2 ULP of glibc's result (measured: backend-gpu/tests/transcendental.rs).
//
// As in vmath_f32.wgsl: rounding to an integer uses `round` (NIR folds the
// magic-number trick away), the compensated steps go through `fast2sum`,
// `two_sum` and `two_prod` or `hide` their intermediate results (NIR
// reassociates sums), and NaN/inf are tested on bits. No 64-bit integer
// arithmetic beyond masks: llvmpipe miscompiles some of it (see `fmod_f64`
// in math.wgsl); exponents come from `frexp`, powers of two from `ldexp`.
// Constants are hexadecimal float literals, as in vmath_f32.wgsl.

// @fn scale_f64
// p * 2^n for n in [-2044, 2046]: two normal factors, so only the last
// multiplication rounds (correctly rounded subnormal results).
fn scale_f64(p: f64, n: i32) -> f64 {
    let n1 = n >> 1u;
    return p * ldexp(1.0lf, n1) * ldexp(1.0lf, n - n1);
}

// @fn clampnan_f64
// x limited to [lo, hi]; NaN stays NaN (WGSL's clamp may not keep it).
fn clampnan_f64(x: f64, lo: f64, hi: f64) -> f64 {
    return select(select(x, lo, x < lo), hi, x > hi);
}

// @fn expcore_f64
// vmath's minimax e^r on |r| <= 0.3473 (relative error 2^-55), Horner.
fn expcore_f64(r: f64) -> f64 {
    var p = 0x1.211a5d9b90b82p-29lf;
    p = p * r + 0x1.afaf18b5b1fe3p-26lf;
    p = p * r + 0x1.27e33a481a9a2p-22lf;
    p = p * r + 0x1.71ddc0fd06f85p-19lf;
    p = p * r + 0x1.a01a0261268bap-16lf;
    p = p * r + 0x1.a01a01c7a6e2bp-13lf;
    p = p * r + 0x1.6c16c16bf5033p-10lf;
    p = p * r + 0x1.111111110b4a3p-7lf;
    p = p * r + 0x1.5555555555594p-5lf;
    p = p * r + 0x1.5555555555568p-3lf;
    p = p * r + 0.5lf;
    p = p * r + 1.0lf;
    return p * r + 1.0lf;
}

// @fn expreduce_f64
// vmath's exp64_reduce: x = n ln2 + r, |r| <= ~ln2/2, as vec2(r, n);
// ln2 split (fdlibm) so that n * LN2_HI is exact.
fn expreduce_f64(x: f64) -> vec2<f64> {
    let nf = round(x * 0x1.71547652b82fep+0lf);
    let r = (x - nf * 0x1.62e42feep-1lf) - nf * 0x1.a39ef35793c76p-33lf;
    return vec2<f64>(r, nf);
}

// @fn exp_f64 needs expreduce expcore scale clampnan
fn exp_f64(x: f64) -> f64 {
    let rn = expreduce_f64(clampnan_f64(x, -746.0lf, 710.0lf));
    return scale_f64(expcore_f64(rn.x), i32(rn.y));
}

// @fn exp2_f64 needs scale clampnan
// vmath's exp2_f64_lane: 2^n 2^r, |r| <= 1/2, minimax (relative error 2^-57).
fn exp2_f64(x: f64) -> f64 {
    let xc = clampnan_f64(x, -1076.0lf, 1025.0lf);
    let nf = round(xc);
    let r = xc - nf;
    var p = 0x1.f799774ba3cc5p-36lf;
    p = p * r + 0x1.ebe1c85808803p-32lf;
    p = p * r + 0x1.e4ada063a249fp-28lf;
    p = p * r + 0x1.b52387f592029p-24lf;
    p = p * r + 0x1.62c02a1e613f9p-20lf;
    p = p * r + 0x1.ffcbfd25fa074p-17lf;
    p = p * r + 0x1.430912f6d9373p-13lf;
    p = p * r + 0x1.5d87fe7879e24p-10lf;
    p = p * r + 0x1.3b2ab6fba526ap-7lf;
    p = p * r + 0x1.c6b08d704a1c3p-5lf;
    p = p * r + 0x1.ebfbdff82c58ep-3lf;
    p = p * r + 0x1.62e42fefa39efp-1lf;
    p = p * r + 1.0lf;
    return scale_f64(p, i32(nf));
}

// @fn logreduce_f64
// vmath's log64_reduce through frexp: x = 2^k m, m in [sqrt(1/2), sqrt(2)),
// as vec2(m - 1, k) (exact). Subnormals are scaled by 2^54 first; zero,
// negative, inf and NaN give garbage that `logspecial_f64` replaces.
fn logreduce_f64(x: f64) -> vec2<f64> {
    let tiny = x < 2.2250738585072014e-308lf;
    let fr = frexp(select(x, x * 18014398509481984.0lf, tiny));
    let low = fr.fract < 0x1.6a09e667f3bcdp-1lf;
    let m = select(fr.fract, fr.fract + fr.fract, low);
    let k = i32(fr.exp) - select(0, 1, low) - select(0, 54, tiny);
    return vec2<f64>(m - 1.0lf, f64(k));
}

// @fn logspecial_f64 needs isnan
// The result for x outside (0, inf): inf -> inf, ±0 -> -inf, < 0 -> NaN.
fn logspecial_f64(x: f64, r: f64) -> f64 {
    var o = select(r, x, bitcast<u64>(x) == 0x7ff0000000000000lu);
    o = select(o, bitcast<f64>(0xfff0000000000000lu), x == 0.0lf);
    o = select(o, bitcast<f64>(0x7ff8000000000000lu), x < 0.0lf);
    return select(o, x, isnan_f64(x));
}

// @fn logkernel_f64
// fdlibm's log kernel: log(1+f) = f - f^2/2 + s (f^2/2 + R(s^2)),
// s = f/(2+f); returns vec2(f^2/2, s (f^2/2 + R)).
fn logkernel_f64(f: f64) -> vec2<f64> {
    let hfsq = 0.5lf * f * f;
    let s = f / (2.0lf + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * ((w * 0x1.39a09d078c69fp-3lf + 0x1.c71c51d8e78afp-3lf) * w + 0x1.999999997fa04p-2lf);
    let t2 = z * (((w * 0x1.2f112df3e5244p-3lf + 0x1.7466496cb03dep-3lf) * w + 0x1.2492494229359p-2lf) * w + 0x1.5555555555593p-1lf);
    return vec2<f64>(hfsq, s * (hfsq + (t2 + t1)));
}

// @fn ln_f64 needs logreduce logkernel logspecial
fn ln_f64(x: f64) -> f64 {
    let fk = logreduce_f64(x);
    let f = fk.x;
    let dk = fk.y;
    let hs = logkernel_f64(f);
    let r = hs.y + dk * 0x1.a39ef35793c76p-33lf - hs.x + f + dk * 0x1.62e42feep-1lf;
    return logspecial_f64(x, r);
}

// @fn zerolow_f64
// x with the low 32 bits of its significand cleared.
fn zerolow_f64(x: f64) -> f64 {
    return bitcast<f64>(bitcast<u64>(x) & 0xffffffff00000000lu);
}

// @fn log1philo_f64 needs logkernel zerolow
// (hi, lo), hi + lo = log(1+f) to extra precision, hi with 21 significant
// bits so that products with fdlibm's 32-bit constants are exact.
fn log1philo_f64(f: f64) -> vec2<f64> {
    let hs = logkernel_f64(f);
    let hi = zerolow_f64(f - hs.x);
    return vec2<f64>(hi, ((f - hi) - hs.x) + hs.y);
}

// @fn log2_f64 needs logreduce log1philo fast2sum logspecial oz
// fdlibm's log2: (hi + lo) / ln 2 with 1/ln2 split, k added exactly.
fn log2_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let fk = logreduce_f64(x);
    let hl = log1philo_f64(fk.x);
    let val_hi = hl.x * 0x1.71547652p+0lf;
    let val_lo = (hl.y + hl.x) * 0x1.705fc2eefa2p-33lf + hl.y * 0x1.71547652p+0lf;
    let w = fast2sum_f64(fk.y, val_hi, z);
    return logspecial_f64(x, (val_lo + w.y) + w.x);
}

// @fn log10_f64 needs logreduce log1philo fast2sum logspecial oz
// fdlibm's log10: k log10(2) + (hi + lo) log10(e), constants split.
fn log10_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let fk = logreduce_f64(x);
    let dk = fk.y;
    let hl = log1philo_f64(fk.x);
    let val_hi = hl.x * 0x1.bcb7b152p-2lf;
    let y = dk * 0x1.34413509f6p-2lf;
    let val_lo = dk * 0x1.9fef311f12b36p-42lf + (hl.y + hl.x) * 0x1.b9438ca9aadd5p-36lf + hl.y * 0x1.bcb7b152p-2lf;
    let w = fast2sum_f64(y, val_hi, z);
    return logspecial_f64(x, (val_lo + w.y) + w.x);
}

// @fn rempio2med_f64 needs hide
// fdlibm's medium-size rem_pio2 (|x| < 2^20 pi/2), its three rounds
// computed unconditionally and picked by selects: x = n pi/2 + y0 + y1, as
// vec3(y0, y1, n mod 4).
fn rempio2med_f64(x: f64, z: u32) -> vec3<f64> {
    let fnn = round(x * 0x1.45f306dc9c883p-1lf);
    // 1st round, good to 85 bits.
    let r1 = x - fnn * 0x1.921fb544p+0lf;
    let w1 = fnn * 0x1.0b4611a626331p-34lf;
    let y1 = r1 - w1;
    // 2nd round, good to 118 bits.
    let w2a = fnn * 0x1.0b4611a6p-34lf;
    let r2 = r1 - w2a;
    let w2 = fnn * 0x1.3198a2e037073p-69lf - ((r1 - hide_f64(r2, z)) - w2a);
    let y2 = r2 - w2;
    // 3rd round, good to 151 bits.
    let w3a = fnn * 0x1.3198a2ep-69lf;
    let r3 = r2 - w3a;
    let w3 = fnn * 0x1.b839a252049c1p-104lf - ((r2 - hide_f64(r3, z)) - w3a);
    let y3 = r3 - w3;
    let ex = i32(frexp(x).exp);
    let use2 = ex - i32(frexp(y1).exp) > 16;
    let use3 = use2 && ex - i32(frexp(y2).exp) > 49;
    let r = select(select(r1, r2, use2), r3, use3);
    let w = select(select(w1, w2, use2), w3, use3);
    let y0 = select(select(y1, y2, use2), y3, use3);
    let n = i32(fnn) & 3;
    return vec3<f64>(y0, (r - hide_f64(y0, z)) - w, f64(n));
}

// @fn rempio2big_f64 needs pio2bits mulwide acc fast2sum two_sum two_prod
// Payne-Hanek for finite |x| >= 2^20: with |x| = m 2^(e-53) (m < 2^53 in
// two u32 limbs), F = |x| 2/pi 2^126 mod 2^128 from six 32-bit windows of
// 2/pi accumulated in four u32 limbs, rounded to n; the remainder
// (normalised, 96 bits) as a double-double times pi/2. The integers stay
// 32-bit (llvmpipe miscompiles some 64-bit integer code). Returns
// vec3(y0, y1, n mod 4) as `rempio2med_f64` does.
fn rempio2big_f64(x: f64, z: u32) -> vec3<f64> {
    let fr = frexp(abs(x));
    let mf = fr.fract * 9007199254740992.0lf;
    let mhf = floor(mf * (1.0lf / 4294967296.0lf));
    let mh = u32(mhf);
    let ml = u32(mf - mhf * 4294967296.0lf);
    let o = i32(fr.exp) - 55;
    var w = array<u32, 4>(0u, 0u, 0u, 0u);
    // ml * V_i has weight 2^(96 - 32 i) (limb 3 - i, counting w[0] as 2^0),
    // mh * V_i one limb higher; parts at or above 2^128 vanish mod 2^128,
    // parts below 2^0 are dropped (F is needed to a few units).
    w[3] = ml * pio2bits_f64(o) + mh * pio2bits_f64(o + 32);
    for (var i = 1; i < 5; i = i + 1) {
        let p = mulwide_f64(ml, pio2bits_f64(o + 32 * i));
        acc_f64(&w, 3 - i, p.x);
        acc_f64(&w, 4 - i, p.y);
    }
    for (var i = 2; i < 6; i = i + 1) {
        let p = mulwide_f64(mh, pio2bits_f64(o + 32 * i));
        acc_f64(&w, 4 - i, p.x);
        acc_f64(&w, 5 - i, p.y);
    }
    // n = round(F / 2^126) mod 4; F - n 2^126 in [-2^125, 2^125).
    let n = ((w[3] + 0x20000000u) >> 30u) & 3u;
    w[3] = w[3] - (n << 30u);
    let neg = bitcast<i32>(w[3]) < 0;
    if (neg) {
        // Two's complement of the 128-bit remainder.
        var c = 1u;
        for (var i = 0; i < 4; i = i + 1) {
            let v = ~w[i] + c;
            c = select(0u, 1u, v < c);
            w[i] = v;
        }
    }
    // Normalise: whole limbs, then bits, so that the top bit of w[3] is set.
    var sh = 0;
    for (var i = 0; i < 3; i = i + 1) {
        if (w[3] == 0u) {
            w[3] = w[2];
            w[2] = w[1];
            w[1] = w[0];
            w[0] = 0u;
            sh = sh + 32;
        }
    }
    let l = countLeadingZeros(w[3]);
    if (l > 0u) {
        w[3] = (w[3] << l) | (w[2] >> (32u - l));
        w[2] = (w[2] << l) | (w[1] >> (32u - l));
        w[1] = (w[1] << l) | (w[0] >> (32u - l));
    }
    sh = sh + i32(l);
    // The top 96 bits as a double-double (each limb exact in f64).
    let a = two_sum_f64(f64(w[3]) * 18446744073709551616.0lf, f64(w[2]) * 4294967296.0lf, z);
    let v = fast2sum_f64(a.x, a.y + f64(w[1]), z);
    // v (the remainder shifted left by sh, over 2^32) times pi/2 2^(-94 - sh).
    let p = two_prod_f64(v.x, 0x1.921fb54442d18p+0lf, z);
    let pl = p.y + (v.x * 0x1.1a62633145c07p-54lf + v.y * 0x1.921fb54442d18p+0lf);
    let r = fast2sum_f64(p.x, pl, z);
    let y0 = ldexp(r.x, -94 - sh);
    let y1 = ldexp(r.y, -94 - sh);
    let flip = neg != (x < 0.0lf);
    let q = select(n, (4u - n) & 3u, x < 0.0lf);
    return vec3<f64>(select(y0, -y0, flip), select(y1, -y1, flip), f64(q));
}

// @fn acc_f64
// Adds v to limb j (0 = lowest) of a 128-bit number, carrying upwards.
fn acc_f64(w: ptr<function, array<u32, 4>>, j: i32, v: u32) {
    if (j < 0 || j > 3) {
        return;
    }
    var c = v;
    for (var i = j; i < 4; i = i + 1) {
        let s = (*w)[i] + c;
        c = select(0u, 1u, s < c);
        (*w)[i] = s;
        if (c == 0u) {
            break;
        }
    }
}

// @fn rempio2_f64 needs rempio2med rempio2big
// x = n pi/2 + y0 + y1 for every finite x (garbage for inf/NaN, which the
// callers replace): fdlibm's medium reduction up to 1.6e6 (as vmath),
// Payne-Hanek beyond (where vmath calls libm).
fn rempio2_f64(x: f64, z: u32) -> vec3<f64> {
    if (abs(x) <= 1.6e6lf) {
        return rempio2med_f64(x, z);
    }
    return rempio2big_f64(x, z);
}

// @fn ksin_f64
// fdlibm's __kernel_sin(x, y, 1): sin(x + y), |x| <= ~pi/4.
fn ksin_f64(x: f64, y: f64) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = (z * w) * (z * 0x1.5d93a5acfd57cp-33lf + -0x1.ae5e68a2b9cebp-26lf)
        + (z * (z * 0x1.71de357b1fe7dp-19lf + -0x1.a01a019c161d5p-13lf) + 0x1.111111110f8a6p-7lf);
    let v = z * x;
    return x - ((z * (0.5lf * y - v * r) - y) - v * -0x1.5555555555549p-3lf);
}

// @fn kcos_f64 needs hide
// fdlibm's __kernel_cos(x, y): cos(x + y), |x| <= ~pi/4.
fn kcos_f64(x: f64, y: f64, zz: u32) -> f64 {
    let z = x * x;
    let w = z * z;
    let r = z * (z * (z * 0x1.a01a019cb159p-16lf + -0x1.6c16c16c15177p-10lf) + 0x1.555555555554cp-5lf)
        + w * w * (z * (z * -0x1.8fae9be8838d4p-37lf + 0x1.1ee9ebdb4b1c4p-29lf) + -0x1.27e4f809c52adp-22lf);
    let hz = 0.5lf * z;
    let w1 = 1.0lf - hz;
    return w1 + (((1.0lf - hide_f64(w1, zz)) - hz) + (z * r - x * y));
}

// @fn trig_f64 needs rempio2 ksin kcos isfinite oz
// sin (q = 0) or cos (q = 1) as vmath's sincos64_pick.
fn trig_f64(x: f64, q: u32) -> f64 {
    let z = oz_f64(x);
    let red = rempio2_f64(x, z);
    let n = u32(red.z) + q;
    var v = select(ksin_f64(red.x, red.y), kcos_f64(red.x, red.y, z), (n & 1u) == 1u);
    v = select(v, -v, (n & 2u) == 2u);
    return select(bitcast<f64>(0x7ff8000000000000lu), v, isfinite_f64(x));
}

// @fn sin_f64 needs trig
fn sin_f64(x: f64) -> f64 {
    return select(trig_f64(x, 0u), x, x == 0.0lf);
}

// @fn cos_f64 needs trig
fn cos_f64(x: f64) -> f64 {
    return trig_f64(x, 1u);
}

// @fn ktan_f64 needs zerolow
// fdlibm's __kernel_tan(x, y, odd) with its branches as selects.
fn ktan_f64(x0: f64, y0: f64, odd: bool) -> f64 {
    let big = abs(x0) >= 0.6744lf;
    let neg = x0 < 0.0lf;
    let xa = select(x0, -x0, neg);
    let ya = select(y0, -y0, neg);
    let xb = (0x1.921fb54442d18p-1lf - xa) + (0x1.1a62633145c07p-55lf - ya);
    let x = select(x0, xb, big);
    let y = select(y0, 0.0lf, big);
    let z = x * x;
    let w = z * z;
    let r0 = ((((w * -0x1.375cbdb605373p-16lf + 0x1.47e88a03792a6p-14lf) * w + 0x1.344d8f2f26501p-11lf) * w + 0x1.d6d22c9560328p-9lf) * w + 0x1.664f48406d637p-6lf) * w + 0x1.111111110fe7ap-3lf;
    let v0 = z * (((((w * 0x1.b2a7074bf7ad4p-16lf + 0x1.2b80f32f0a7e9p-14lf) * w + 0x1.026f71a8d1068p-12lf) * w + 0x1.7dbc8fee08315p-10lf) * w + 0x1.226e3e96e8493p-7lf) * w + 0x1.ba1ba1bb341fep-5lf);
    let s = z * x;
    let r = y + z * (s * (r0 + v0) + y) + s * 0x1.5555555555563p-2lf;
    let ww = x + r;
    // |x| >= 0.6744: tan(pi/4 - x) transformed back.
    let sg = select(1.0lf, -1.0lf, odd);
    var vb = sg - 2.0lf * (x + (r - ww * ww / (ww + sg)));
    vb = select(vb, -vb, neg);
    // Odd quadrant: -1/(x + r), computed accurately.
    let w0 = zerolow_f64(ww);
    let v = r - (w0 - x);
    let a = -1.0lf / ww;
    let a0 = zerolow_f64(a);
    let vo = a0 + a * (1.0lf + a0 * w0 + a0 * v);
    return select(select(ww, vo, odd), vb, big);
}

// @fn tan_f64 needs rempio2 ktan isfinite oz
fn tan_f64(x: f64) -> f64 {
    let red = rempio2_f64(x, oz_f64(x));
    let v = ktan_f64(red.x, red.y, (u32(red.z) & 1u) == 1u);
    return select(select(bitcast<f64>(0x7ff8000000000000lu), v, isfinite_f64(x)), x, x == 0.0lf);
}

// @fn tanh_f64 needs exp copysign
// vmath's tanh_f64_lane: odd minimax polynomial below |x| = 0.5625, else
// 1 - 2/(e^2|x| + 1).
fn tanh_f64(x: f64) -> f64 {
    let ax = abs(x);
    let z = x * x;
    var p = -0x1.3dc4b10ec0af3p-16lf;
    p = p * z + 0x1.59e10675da79ap-14lf;
    p = p * z + -0x1.e845930ca170ap-13lf;
    p = p * z + 0x1.3468fc1c5e175p-11lf;
    p = p * z + -0x1.7d8cfbf86d0c8p-10lf;
    p = p * z + 0x1.d6d26d6a1b361p-9lf;
    p = p * z + -0x1.226e2e46c2bd5p-7lf;
    p = p * z + 0x1.664f4856cde0bp-6lf;
    p = p * z + -0x1.ba1ba1b9894d1p-5lf;
    p = p * z + 0x1.1111111110af7p-3lf;
    p = p * z + -0x1.5555555555555p-2lf;
    let small = (x * z) * p + x;
    let e = exp_f64(ax + ax);
    let large = copysign_f64(1.0lf - 2.0lf / (e + 1.0lf), x);
    return select(select(large, small, ax < 0.5625lf), x, x == 0.0lf);
}

// @fn sigmoid_f64 needs expreduce scale fast2sum two_prod clampnan isnan oz
// vmath's sigmoid_f64_lane: 1/(1+t) or t/(1+t), t = e^-|x|, in
// double-double (rounding t, 1 + t and the quotient separately costs up to
// 2 ULP for x < 0).
fn sigmoid_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let rn = expreduce_f64(-clampnan_f64(abs(x), 0.0lf, 746.0lf));
    let r = rn.x;
    let n = i32(rn.y);
    // e^r - 1 = r (vmath's EXP_F64 without its constant term).
    var q = 0x1.211a5d9b90b82p-29lf;
    q = q * r + 0x1.afaf18b5b1fe3p-26lf;
    q = q * r + 0x1.27e33a481a9a2p-22lf;
    q = q * r + 0x1.71ddc0fd06f85p-19lf;
    q = q * r + 0x1.a01a0261268bap-16lf;
    q = q * r + 0x1.a01a01c7a6e2bp-13lf;
    q = q * r + 0x1.6c16c16bf5033p-10lf;
    q = q * r + 0x1.111111110b4a3p-7lf;
    q = q * r + 0x1.5555555555594p-5lf;
    q = q * r + 0x1.5555555555568p-3lf;
    q = q * r + 0.5lf;
    q = q * r + 1.0lf;
    q = r * q;
    if (x < -40.0lf) {
        // Beyond |x| = 40 the result is e^x itself.
        return scale_f64(1.0lf + q, n);
    }
    // t = s (1 + q) = t_hi + t_lo (s = 2^n; exact products).
    let s = ldexp(1.0lf, max(n, -1022));
    let t = fast2sum_f64(s, s * q, z);
    // d = 1 + t as d + d_lo (t <= 1).
    let d1 = fast2sum_f64(1.0lf, t.x, z);
    let dl = d1.y + t.y;
    let pos = x >= 0.0lf;
    let nh = select(t.x, 1.0lf, pos);
    let nl = select(t.y, 0.0lf, pos);
    // Quotient by the reciprocal, then one correction from the residual.
    let rc = 1.0lf / d1.x;
    let q0 = nh * rc;
    let pp = two_prod_f64(q0, d1.x, z);
    let rem = ((nh - pp.x) - pp.y) + (nl - q0 * dl);
    let res = select(rem * rc + q0, 1.0lf, x > 40.0lf);
    return select(res, x, isnan_f64(x));
}

// @fn exphalf_f64 needs expreduce expcore scale clampnan
// e^|x| / 2 without intermediate overflow (for sinh / cosh); ax >= 0.
fn exphalf_f64(ax: f64) -> f64 {
    let rn = expreduce_f64(clampnan_f64(ax, -746.0lf, 711.0lf));
    return scale_f64(expcore_f64(rn.x), i32(rn.y) - 1);
}

// @fn sinh_f64 needs exphalf copysign
// vmath's sinh_f64_lane: odd minimax polynomial below |x| = 1, else
// e^|x|/2 - 1/(4 e^|x|/2).
fn sinh_f64(x: f64) -> f64 {
    let ax = abs(x);
    let z = x * x;
    var p = 0x1.ac6586b1c00cp-41lf;
    p = p * z + 0x1.6135ce943c3c7p-33lf;
    p = p * z + 0x1.ae642214fe317p-26lf;
    p = p * z + 0x1.71de3a98d1d8fp-19lf;
    p = p * z + 0x1.a01a019fcb711p-13lf;
    p = p * z + 0x1.1111111111333p-7lf;
    p = p * z + 0x1.5555555555555p-3lf;
    let small = (x * z) * p + x;
    let h = exphalf_f64(ax);
    let large = copysign_f64(h - 0.25lf / h, x);
    return select(select(large, small, ax < 1.0lf), x, x == 0.0lf);
}

// @fn cosh_f64 needs exphalf
fn cosh_f64(x: f64) -> f64 {
    let h = exphalf_f64(abs(x));
    return h + 0.25lf / h;
}

// @fn atan_f64 needs copysign isnan
// fdlibm's atan with its interval selection done by selects (vmath's
// atan_f64_lane).
fn atan_f64(x: f64) -> f64 {
    // atan is pi/2 (rounded) from 2^66 on; clamping also avoids 0 * inf.
    let ax0 = abs(x);
    let ax = select(ax0, 7.378697629483821e19lf, ax0 > 7.378697629483821e19lf);
    var a = 1.0lf;
    var b = 0.0lf;
    var c = 0.0lf;
    var d = 1.0lf;
    var hi = 0.0lf;
    var lo = 0.0lf;
    if (ax >= 2.4375lf) {
        a = 0.0lf; b = 1.0lf; c = 1.0lf; d = 0.0lf;
        hi = 0x1.921fb54442d18p+0lf;
        lo = 0x1.1a62633145c07p-54lf;
    } else if (ax >= 1.1875lf) {
        a = 1.0lf; b = 1.5lf; c = 1.5lf; d = 1.0lf;
        hi = 0x1.f730bd281f69bp-1lf;
        lo = 0x1.007887af0cbbdp-56lf;
    } else if (ax >= 0.6875lf) {
        a = 1.0lf; b = 1.0lf; c = 1.0lf; d = 1.0lf;
        hi = 0x1.921fb54442d18p-1lf;
        lo = 0x1.1a62633145c07p-55lf;
    } else if (ax >= 0.4375lf) {
        a = 2.0lf; b = 1.0lf; c = 1.0lf; d = 2.0lf;
        hi = 0x1.dac670561bb4fp-2lf;
        lo = 0x1.a2b7f222f65e2p-56lf;
    }
    let t = (a * ax - b) / (c * ax + d);
    let z = t * t;
    let w = z * z;
    let s1 = z * (w * (w * (w * (w * (w * 0x1.0ad3ae322da11p-6lf + 0x1.97b4b24760debp-5lf) + 0x1.10d66a0d03d51p-4lf) + 0x1.745cdc54c206ep-4lf) + 0x1.24924920083ffp-3lf) + 0x1.555555555550dp-2lf);
    let s2 = w * (w * (w * (w * (w * -0x1.2b4442c6a6c2fp-5lf + -0x1.dde2d52defd9ap-5lf) + -0x1.3b0f2af749a6dp-4lf) + -0x1.c71c6fe231671p-4lf) + -0x1.999999998ebc4p-3lf);
    let r = hi - ((t * (s1 + s2) - lo) - t);
    return select(copysign_f64(r, x), x, isnan_f64(x));
}

// @fn asinr_f64
// fdlibm's rational approximation R(z) of asin / acos.
fn asinr_f64(z: f64) -> f64 {
    let p = z * (z * (z * (z * (z * (z * 0x1.23de10dfdf709p-15lf + 0x1.9efe07501b288p-11lf) + -0x1.48228b5688f3bp-5lf) + 0x1.9c1550e884455p-3lf) + -0x1.4d61203eb6f7dp-2lf) + 0x1.5555555555555p-3lf);
    let q = z * (z * (z * (z * 0x1.3b8c5b12e9282p-4lf + -0x1.6066c1b8d0159p-1lf) + 0x1.02ae59c598ac8p+1lf) + -0x1.33a271c8a2d4bp+1lf) + 1.0lf;
    return p / q;
}

// @fn asin_f64 needs asinr zerolow copysign hide oz
// vmath's asin_f64_lane (fdlibm's three ranges as selects).
fn asin_f64(x: f64) -> f64 {
    let zz = oz_f64(x);
    let ax = abs(x);
    let small = ax < 0.5lf;
    let z = select((1.0lf - ax) * 0.5lf, x * x, small);
    let r = asinr_f64(z);
    let res_small = x + x * r;
    let s = sqrt(z);
    // 0.975 <= |x| <= 1
    let res_hi = 0x1.921fb54442d18p+0lf - (2.0lf * (s + s * r) - 0x1.1a62633145c07p-54lf);
    // 0.5 <= |x| < 0.975: s = f + c in extra precision.
    let f = zerolow_f64(s);
    let c = (z - f * f) / (s + f);
    let q = hide_f64(0.5lf * 0x1.921fb54442d18p+0lf - 2.0lf * f, zz);
    let res_mid = 0.5lf * 0x1.921fb54442d18p+0lf - (2.0lf * s * r - (0x1.1a62633145c07p-54lf - 2.0lf * c) - q);
    let res_big = copysign_f64(select(res_mid, res_hi, ax >= 0.975lf), x);
    let res = select(res_big, res_small, small);
    // |x| > 1 or NaN, compared on bits.
    return select(res, bitcast<f64>(0x7ff8000000000000lu), (bitcast<u64>(x) & 0x7ffffffffffffffflu) > 0x3ff0000000000000lu);
}

// @fn acos_f64 needs asinr zerolow
// vmath's acos_f64_lane.
fn acos_f64(x: f64) -> f64 {
    let ax = abs(x);
    let small = ax < 0.5lf;
    let z = select((1.0lf - ax) * 0.5lf, x * x, small);
    let r = asinr_f64(z);
    let res_small = 0x1.921fb54442d18p+0lf - (x - (0x1.1a62633145c07p-54lf - x * r));
    let s = sqrt(z);
    // x <= -0.5
    let res_neg = 2.0lf * (0x1.921fb54442d18p+0lf - (s + (r * s - 0x1.1a62633145c07p-54lf)));
    // x >= 0.5
    let df = zerolow_f64(s);
    let c = (z - df * df) / (s + df);
    let res_pos = select(2.0lf * (df + (r * s + c)), 0.0lf, x == 1.0lf);
    let res = select(select(res_pos, res_neg, x < 0.0lf), res_small, small);
    return select(res, bitcast<f64>(0x7ff8000000000000lu), (bitcast<u64>(x) & 0x7ffffffffffffffflu) > 0x3ff0000000000000lu);
}

// @fn atan2_f64 needs atan two_prod fast2sum copysign signbit isnan isinf oz
// vmath's atan2_f64_lane (FMA-free form): atan of t = min/max of |y|, |x|,
// its rounding error carried to first order (Dekker's residual), the
// quadrant's 0, pi/2 or pi added as an exact sum.
fn atan2_f64(y: f64, x: f64) -> f64 {
    let zz = oz_f64(x) | oz_f64(y);
    let ax = abs(x);
    let ay = abs(y);
    let swap = ay > ax;
    let num = select(ay, ax, swap);
    let den = select(ax, ay, swap);
    var t = num / den;
    t = select(t, 0.0lf, ay == 0.0lf);
    t = select(t, 1.0lf, isinf_f64(ax) && isinf_f64(ay));
    var a = atan_f64(t);
    let pp = two_prod_f64(t, den, zz);
    let resid = (num - pp.x) - pp.y;
    var corr = resid / (den * (t * t + 1.0lf));
    // Skip it for 0 * inf, inf - inf, and where the products underflow.
    let ok = num >= 1e-270lf && den <= 1e270lf && !isnan_f64(corr);
    corr = select(0.0lf, corr, ok);
    let neg = signbit_f64(x);
    var hi = 0.0lf;
    var lo = 0.0lf;
    if (swap) {
        hi = 0x1.921fb54442d18p+0lf;
        lo = 0x1.1a62633145c07p-54lf;
    } else if (neg) {
        hi = 0x1.921fb54442d18p+1lf;
        lo = 0x1.1a62633145c07p-53lf;
    }
    let flip = swap != neg;
    a = select(a, -a, flip);
    corr = select(corr, -corr, flip);
    let s = fast2sum_f64(hi, a, zz);
    let r = copysign_f64(s.x + (s.y + (lo + corr)), y);
    return select(r, x + y, isnan_f64(x) || isnan_f64(y));
}

// @fn expcoredd_f64 needs two_prod fast2sum
// e^(rh + rl) as hi + lo (relative error ~2^-62) for |rh| <= 0.35, rl
// tiny: 1 + r + r^2/2 summed exactly, the Taylor tail r^3 (1/3! + ... +
// r^14/17!) in double.
fn expcoredd_f64(rh: f64, rl: f64, z: u32) -> vec2<f64> {
    let a = two_prod_f64(rh, rh, z);
    var c = 0x1.952c77030ad4ap-49lf;
    c = c * rh + 0x1.ae7f3e733b81fp-45lf;
    c = c * rh + 0x1.ae7f3e733b81fp-41lf;
    c = c * rh + 0x1.93974a8c07c9dp-37lf;
    c = c * rh + 0x1.6124613a86d09p-33lf;
    c = c * rh + 0x1.1eed8eff8d898p-29lf;
    c = c * rh + 0x1.ae64567f544e4p-26lf;
    c = c * rh + 0x1.27e4fb7789f5cp-22lf;
    c = c * rh + 0x1.71de3a556c734p-19lf;
    c = c * rh + 0x1.a01a01a01a01ap-16lf;
    c = c * rh + 0x1.a01a01a01a01ap-13lf;
    c = c * rh + 0x1.6c16c16c16c17p-10lf;
    c = c * rh + 0x1.1111111111111p-7lf;
    c = c * rh + 0x1.5555555555555p-5lf;
    c = c * rh + 0x1.5555555555555p-3lf;
    c = c * (rh * a.x);
    let t1 = fast2sum_f64(1.0lf, rh, z);
    let t2 = fast2sum_f64(t1.x, 0.5lf * a.x, z);
    let lo = t1.y + t2.y + (0.5lf * a.y + c + rl * (1.0lf + rh));
    return fast2sum_f64(t2.x, lo, z);
}

// @fn lndd_f64 needs logreduce two_prod fast2sum two_sum
// ln(x) for finite x > 0 as hi + lo (relative error ~2^-66): k ln2 (ln2 in
// three parts, k * LN2_HI exact) plus ln(1+f) = 2 atanh(s) = 2s + 2s^3 P(s^2),
// s = f/(2+f), with s, s^3 and P's leading terms in double-double.
fn lndd_f64(x: f64, z: u32) -> vec2<f64> {
    let fk = logreduce_f64(x);
    let f = fk.x;
    let k = fk.y;
    let d = fast2sum_f64(2.0lf, f, z);
    let sh = f / d.x;
    let pp = two_prod_f64(sh, d.x, z);
    let sl = (((f - pp.x) - pp.y) - sh * d.y) / d.x;
    let t = two_prod_f64(sh, sh, z);
    let th = t.x;
    let tl = t.y + 2.0lf * sh * sl;
    // P(t) = 1/3 + t/5 + t^2 Q(t), Q = 1/7 + t/9 + ... + t^11/27.
    var q = 0x1.2f684bda12f68p-5lf;
    q = q * th + 0x1.47ae147ae147bp-5lf;
    q = q * th + 0x1.642c8590b2164p-5lf;
    q = q * th + 0x1.8618618618618p-5lf;
    q = q * th + 0x1.af286bca1af28p-5lf;
    q = q * th + 0x1.e1e1e1e1e1e1ep-5lf;
    q = q * th + 0x1.1111111111111p-4lf;
    q = q * th + 0x1.3b13b13b13b14p-4lf;
    q = q * th + 0x1.745d1745d1746p-4lf;
    q = q * th + 0x1.c71c71c71c71cp-4lf;
    q = q * th + 0x1.2492492492492p-3lf;
    let u = q * th + 0x1.999999999999ap-3lf;
    let ph = fast2sum_f64(0x1.5555555555555p-2lf, th * u, z);
    let pl = ph.y + 0x1.5555555555555p-56lf + tl * u;
    // s^3 = (th + tl) (sh + sl).
    let s3 = two_prod_f64(th, sh, z);
    let s3l = s3.y + (tl * sh + th * sl);
    // 2 s^3 P.
    let m = two_prod_f64(s3.x, ph.x, z);
    let ml = m.y + (s3.x * pl + s3l * ph.x);
    let l1 = fast2sum_f64(2.0lf * sh, 2.0lf * m.x, z);
    let l1l = l1.y + 2.0lf * (sl + ml);
    // + k ln 2.
    let kh = k * 0x1.62e42ffp-1lf;
    let s = two_sum_f64(kh, l1.x, z);
    let lo = s.y + (l1l + (k * -0x1.718432a1b0e26p-35lf + k * -0x1.9ff0342542fc3p-90lf));
    return fast2sum_f64(s.x, lo, z);
}

// @fn powcore_f64 needs lndd expcoredd two_prod two_sum fast2sum scale oz
// |x|^y for finite x > 0 and finite y != 0 (vmath reads tables instead):
// W = y ln(x) in double-double, e^W = 2^n e^r, r = W - n ln2 reduced with
// its error carried, e^r in double-double, one final rounding.
fn powcore_f64(ax: f64, y: f64) -> f64 {
    let z = oz_f64(ax);
    let l = lndd_f64(ax, z);
    let p = two_prod_f64(y, l.x, z);
    let wh = p.x;
    let wl = p.y + y * l.y;
    if (wh > 800.0lf) {
        return bitcast<f64>(0x7ff0000000000000lu);
    }
    if (wh < -800.0lf) {
        return 0.0lf;
    }
    let nf = round(wh * 0x1.71547652b82fep+0lf);
    // wh - n LN2_HI is exact (32-bit constant, |n| < 2^11, Sterbenz).
    let r1 = wh - nf * 0x1.62e42ffp-1lf;
    let r2 = two_sum_f64(r1, -(nf * -0x1.718432a1b0e26p-35lf), z);
    let r3 = two_sum_f64(r2.x, r2.y + (wl - nf * -0x1.9ff0342542fc3p-90lf), z);
    let e = expcoredd_f64(r3.x, r3.y, z);
    return scale_f64(e.x + e.y, i32(nf));
}

// ---------------------------------------------------------------------------
// log1p, expm1, cbrt, asinh, acosh, atanh, logaddexp, logaddexp2: vmath's
// float64 lanes (FMA-free form; exact products by `two_prod`), except
// cbrt (see there).
// ---------------------------------------------------------------------------

// @fn lnc_f64 needs logreduce logkernel logspecial
// vmath's ln_dd: ln(u + c) for |c| <= ~ulp(u) (the low part of a
// double-double): fdlibm's log of u with c / u added to its small terms.
// u outside (0, inf) gives ln(u)'s special value.
fn lnc_f64(u: f64, c: f64) -> f64 {
    let fk = logreduce_f64(u);
    let hs = logkernel_f64(fk.x);
    let r = (hs.y + c / u + fk.y * 0x1.a39ef35793c76p-33lf) - hs.x + fk.x + fk.y * 0x1.62e42feep-1lf;
    return logspecial_f64(u, r);
}

// @fn log1p_f64 needs two_sum lnc isnan oz
fn log1p_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let u = two_sum_f64(1.0lf, x, z);
    let r = lnc_f64(u.x, u.y);
    // log1p(±0) = ±0 (1 + x forgets the sign).
    return select(r, x, x == 0.0lf || isnan_f64(x));
}

// @fn expm1tail_f64
// (e^r - 1 - r) / r^2: vmath's EXP_F64 without its first two terms.
fn expm1tail_f64(r: f64) -> f64 {
    var q = 0x1.211a5d9b90b82p-29lf;
    q = q * r + 0x1.afaf18b5b1fe3p-26lf;
    q = q * r + 0x1.27e33a481a9a2p-22lf;
    q = q * r + 0x1.71ddc0fd06f85p-19lf;
    q = q * r + 0x1.a01a0261268bap-16lf;
    q = q * r + 0x1.a01a01c7a6e2bp-13lf;
    q = q * r + 0x1.6c16c16bf5033p-10lf;
    q = q * r + 0x1.111111110b4a3p-7lf;
    q = q * r + 0x1.5555555555594p-5lf;
    q = q * r + 0x1.5555555555568p-3lf;
    return q * r + 0.5lf;
}

// @fn expm1poly_f64 needs expm1tail
// (e^r - 1) / r: vmath's EXP_F64 without its constant term.
fn expm1poly_f64(r: f64) -> f64 {
    return expm1tail_f64(r) * r + 1.0lf;
}

// @fn expm1_f64 needs expm1tail two_sum scale clampnan isnan oz
// vmath's expm1_f64_lane: 2^n r + (2^n - 1) summed error-free (r with its
// reduction's rounding error carried), plus 2^n (e^r - 1 - r); e^x beyond
// n = 60.
fn expm1_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let xc = clampnan_f64(x, -60.0lf, 710.0lf);
    let nf = round(xc * 0x1.71547652b82fep+0lf);
    let r1 = xc - nf * 0x1.62e42feep-1lf;
    let rr = two_sum_f64(r1, -(nf * 0x1.a39ef35793c76p-33lf), z);
    let r = rr.x;
    let t = (r * r) * expm1tail_f64(r);
    let n = i32(nf);
    let s = ldexp(1.0lf, clamp(n, -1022, 1023));
    let ab = two_sum_f64(s * r, s - 1.0lf, z);
    let small = ab.x + (ab.y + s * (rr.y + t + rr.y * r));
    let big = scale_f64(1.0lf + (r + t), n);
    let res = select(small, big, n > 60);
    return select(res, x, x == 0.0lf || isnan_f64(x));
}

// @fn cbrt_f64 needs two_prod copysign isnan isinf oz
// |x| = 2^(3q) t, t in [0.5, 4) (frexp, exponent split by 3), a linear
// first guess within 7%, three Halley steps, then one Newton step from
// the exact residual t - y^3 (double-double): within ~0.5 ULP. vmath uses
// FreeBSD's exponent-bits estimate instead (64-bit integer arithmetic,
// which this file avoids).
fn cbrt_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let ax = abs(x);
    let tiny = ax < 2.2250738585072014e-308lf;
    // Subnormals: cbrt(ax 2^54) 2^-18.
    let fr = frexp(select(ax, ax * 18014398509481984.0lf, tiny));
    let e = i32(fr.exp) + 1200;
    let q = e / 3;
    let t = ldexp(fr.fract, e - 3 * q);
    var y = 0.7lf + 0.25lf * t;
    for (var i = 0; i < 3; i++) {
        let y3 = y * y * y;
        y = y * (y3 + 2.0lf * t) / (2.0lf * y3 + t);
    }
    let y2 = two_prod_f64(y, y, z);
    let c3 = two_prod_f64(y2.x, y, z);
    let res = (c3.x - t) + (c3.y + y2.y * y);
    y = y - res / (3.0lf * y * y);
    let r = copysign_f64(ldexp(y, q - 400 - select(0, 18, tiny)), x);
    // cbrt(±0) = ±0, cbrt(±inf) = ±inf, NaN stays NaN.
    return select(r, x, ax == 0.0lf || isnan_f64(x) || isinf_f64(x));
}

// @fn archdd_f64 needs two_prod two_sum lnc
// vmath's arch_ln: ln(x + sqrt(x^2 + sg)) (sg = 1: asinh, sg = -1:
// acosh) for x up to 2^28, the root and the sum in double-double.
fn archdd_f64(x: f64, sg: f64, z: u32) -> f64 {
    let p = two_prod_f64(x, x, z);
    let h = two_sum_f64(p.x, sg, z);
    let hl = h.y + p.y;
    let sh = sqrt(h.x);
    let q = two_prod_f64(sh, sh, z);
    // h - q is exact (q is within a few ULP of h).
    let sl = (((h.x - q.x) - q.y) + hl) / (sh + sh);
    let w = two_sum_f64(x, sh, z);
    return lnc_f64(w.x, w.y + sl);
}

// @fn archbig_f64 needs lnc
// ln(2x) for x > 2^28 (ln(x) + ln 2 beyond 1e300, where 2x may overflow).
fn archbig_f64(x: f64) -> f64 {
    let huge = x > 1e300lf;
    return lnc_f64(select(x + x, x, huge), 0.0lf) + select(0.0lf, 0x1.62e42fefa39efp-1lf, huge);
}

// @fn asinh_f64 needs archdd archbig copysign isnan oz
fn asinh_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let a = abs(x);
    var r = select(archdd_f64(min(a, 268435456.0lf), 1.0lf, z), archbig_f64(a), a > 268435456.0lf);
    // Below 2^-28, asinh(x) = x.
    r = select(r, a, a < 0x1p-28lf);
    return select(copysign_f64(r, x), x, isnan_f64(x));
}

// @fn acosh_f64 needs archdd archbig isnan oz
fn acosh_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    var r = select(archdd_f64(clamp(x, 1.0lf, 268435456.0lf), -1.0lf, z), archbig_f64(x), x > 268435456.0lf);
    r = select(r, 0.0lf, x == 1.0lf);
    // NaN below 1 (-inf included); NaN stays NaN.
    r = select(r, bitcast<f64>(0x7ff8000000000000lu), x < 1.0lf);
    return select(r, x, isnan_f64(x));
}

// @fn atanh_f64 needs two_sum two_prod lnc copysign isnan oz
// vmath's atanh_f64_lane: log1p(2a / (1 - a)) / 2, the quotient in
// double-double.
fn atanh_f64(x: f64) -> f64 {
    let z = oz_f64(x);
    let a = abs(x);
    let den = two_sum_f64(1.0lf, -a, z);
    let num = a + a;
    let qh = num / den.x;
    let pp = two_prod_f64(qh, den.x, z);
    let ql = (((num - pp.x) - pp.y) - qh * den.y) / den.x;
    let u = two_sum_f64(1.0lf, qh, z);
    var r = 0.5lf * lnc_f64(u.x, u.y + ql);
    r = select(r, a, a < 0x1p-28lf);
    r = select(r, bitcast<f64>(0x7ff0000000000000lu), a == 1.0lf);
    r = select(r, bitcast<f64>(0x7ff8000000000000lu), a > 1.0lf);
    return select(copysign_f64(r, x), x, isnan_f64(x));
}

// @fn laeany_f64 needs expreduce expm1poly log1philo logreduce scale clampnan two_sum two_prod fast2sum isnan isinf oz
// vmath's logaddexp_any: NumPy's logaddexp (base2: logaddexp2), a + ln 2
// (a + 1) for a == b, else max + log1p(e^-|a - b|) with |a - b|, the
// exponential and the log1p carried in double-double.
fn laeany_f64(a: f64, b: f64, base2: bool) -> f64 {
    let z = oz_f64(a);
    let m = select(b, a, a > b);
    let d = two_sum_f64(a, -b, z);
    let dh = abs(d.x);
    var dl = select(0.0lf, select(d.y, -d.y, d.x < 0.0lf), dh < 1e300lf);
    // t = 2^n (1 + q), q = e^r - 1 (or 2^r - 1).
    var r: f64;
    var nf: f64;
    var q: f64;
    if (base2) {
        let xc = -clampnan_f64(dh, 0.0lf, 1100.0lf);
        nf = round(xc);
        r = xc - nf;
        var p = 0x1.f799774ba3cc5p-36lf;
        p = p * r + 0x1.ebe1c85808803p-32lf;
        p = p * r + 0x1.e4ada063a249fp-28lf;
        p = p * r + 0x1.b52387f592029p-24lf;
        p = p * r + 0x1.62c02a1e613f9p-20lf;
        p = p * r + 0x1.ffcbfd25fa074p-17lf;
        p = p * r + 0x1.430912f6d9373p-13lf;
        p = p * r + 0x1.5d87fe7879e24p-10lf;
        p = p * r + 0x1.3b2ab6fba526ap-7lf;
        p = p * r + 0x1.c6b08d704a1c3p-5lf;
        p = p * r + 0x1.ebfbdff82c58ep-3lf;
        p = p * r + 0x1.62e42fefa39efp-1lf;
        q = r * p;
        dl = dl * 0x1.62e42fefa39efp-1lf;
    } else {
        let rn = expreduce_f64(-clampnan_f64(dh, 0.0lf, 760.0lf));
        r = rn.x;
        nf = rn.y;
        q = r * expm1poly_f64(r);
    }
    let s = scale_f64(1.0lf, i32(nf));
    let t = fast2sum_f64(s, s * q, z);
    let tl = t.y - t.x * dl;
    let u = two_sum_f64(1.0lf, t.x, z);
    // ln(u + c) in (1, 2] as hi + lo (fdlibm's split kernel).
    let c = u.y + tl;
    let fk = logreduce_f64(u.x);
    let hl = log1philo_f64(fk.x);
    let k2 = two_sum_f64(fk.y * 0x1.62e42feep-1lf, hl.x, z);
    var lh = k2.x;
    var ll = k2.y + (hl.y + fk.y * 0x1.a39ef35793c76p-33lf + c / u.x);
    if (base2) {
        let pp = two_prod_f64(lh, 0x1.71547652b82fep+0lf, z);
        ll = pp.y + (lh * 0x1.777d0ffda0d24p-56lf + ll * 0x1.71547652b82fep+0lf);
        lh = pp.x;
    }
    let sm = two_sum_f64(m, lh, z);
    var res = sm.x + (sm.y + ll);
    res = select(res, m, isinf_f64(m));
    res = select(res, a + select(0x1.62e42fefa39efp-1lf, 1.0lf, base2), a == b);
    return select(res, bitcast<f64>(0x7ff8000000000000lu), isnan_f64(a) || isnan_f64(b));
}

// @fn logaddexp_f64 needs laeany
fn logaddexp_f64(a: f64, b: f64) -> f64 {
    return laeany_f64(a, b, false);
}

// @fn logaddexp2_f64 needs laeany
fn logaddexp2_f64(a: f64, b: f64) -> f64 {
    return laeany_f64(a, b, true);
}
