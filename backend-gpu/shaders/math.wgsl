// tandem-gpu: helper functions the generated kernels call, one template
// per `// @fn NAME` section. `codegen::helpers` instantiates a section per
// dtype by replacing the {PLACEHOLDERS} (see `codegen/helpers.rs` for their
// meaning), and wraps each scalar function componentwise for `vec4` values.
// They implement the CPU backend's exact semantics (backend-cpu/src/elem.rs
// and cast.rs): NaN tests on bits (WGSL lets compilers assume no NaN in
// float comparisons; llvmpipe evaluates `!=` as ordered, so `x != y` is
// written `!(x == y)`), exact `fmod`, NumPy's remainder and floor_divide,
// saturating float → int casts with NaN → 0, integer power by squaring;
// and the error-free sums and products the transcendental functions of
// vmath_f32.wgsl / vmath_f64.wgsl build on.

// @fn isnan
fn isnan_{T}(x: {F}) -> bool {
    return (bitcast<{U}>(x) & {ABSMASK}) > {EXPMASK};
}

// @fn isinf
fn isinf_{T}(x: {F}) -> bool {
    return (bitcast<{U}>(x) & {ABSMASK}) == {EXPMASK};
}

// @fn isfinite
fn isfinite_{T}(x: {F}) -> bool {
    return (bitcast<{U}>(x) & {ABSMASK}) < {EXPMASK};
}

// @fn signbit
fn signbit_{T}(x: {F}) -> bool {
    return (bitcast<{U}>(x) & {SIGN}) != 0{US};
}

// @fn copysign
fn copysign_{T}(mag: {F}, sgn: {F}) -> {F} {
    return bitcast<{F}>((bitcast<{U}>(mag) & {ABSMASK}) | (bitcast<{U}>(sgn) & {SIGN}));
}

// @fn oz
// A zero the shader compiler cannot prove to be zero (the leading zeros of
// a nonzero word number at most 31), for `hide`.
fn oz_{T}(x: {F}) -> u32 {
    return countLeadingZeros(u32(bitcast<{U}>(x) & 0xffffffff{US}) | 1u) >> 5u;
}

// @fn hide
// `v` itself, through an OR with `z` (from `oz`). NIR (Mesa's shader
// optimiser) reassociates float sums freely, rewriting `(a + b) - a` to `b`
// and `(x - p) - ((u - p) + v)` to `x - u - v`, which is right in real
// numbers and wrong for the error-free sums and products below, whose
// whole point is the rounding error. It cannot see through this OR. LLVM
// can, and removes it, so it costs nothing on lavapipe.
fn hide_{T}(v: {F}, z: u32) -> {F} {
    return bitcast<{F}>(bitcast<{U}>(v) | {U}(z));
}

// @fn fast2sum needs hide
// (s, e) with s = a + b rounded and s + e = a + b exactly, for |a| >= |b|
// or a = 0 (Dekker's Fast2Sum). Both results are hidden from the
// optimiser, so that what the caller does with them cannot cancel terms.
fn fast2sum_{T}(a: {F}, b: {F}, z: u32) -> vec2<{F}> {
    let s = a + b;
    let e = b - (hide_{T}(s, z) - a);
    return vec2<{F}>(hide_{T}(s, z), hide_{T}(e, z));
}

// @fn two_sum needs hide
// (s, e) with s + e = a + b exactly, any magnitudes (Knuth's TwoSum).
fn two_sum_{T}(a: {F}, b: {F}, z: u32) -> vec2<{F}> {
    let s = a + b;
    let bb = hide_{T}(s, z) - a;
    let e = (a - (s - bb)) + (b - bb);
    return vec2<{F}>(hide_{T}(s, z), hide_{T}(e, z));
}

// @fn hihalf
// `a` with the low half of its significand cleared (a - hihalf(a) is exact).
fn hihalf_{T}(a: {F}) -> {F} {
    return bitcast<{F}>(bitcast<{U}>(a) & {SPLITMASK});
}

// @fn two_prod needs hihalf hide
// (p, e) with p = a * b rounded and p + e = a * b (Dekker's product, the
// operands split by masking, which cannot overflow). No `fma`: Vulkan lets
// it round twice, and lavapipe's does.
fn two_prod_{T}(a: {F}, b: {F}, z: u32) -> vec2<{F}> {
    let p = a * b;
    let ah = hihalf_{T}(a);
    let al = a - ah;
    let bh = hihalf_{T}(b);
    let bl = b - bh;
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return vec2<{F}>(hide_{T}(p, z), hide_{T}(e, z));
}

// @fn mulwide
// The 64-bit product of two u32 as (low word, high word), from 16-bit
// halves (WGSL has no widening multiply; the Payne-Hanek reductions of
// vmath_f32/f64.wgsl keep to 32-bit integers).
fn mulwide_{T}(a: u32, b: u32) -> vec2<u32> {
    let a0 = a & 0xffffu;
    let a1 = a >> 16u;
    let b0 = b & 0xffffu;
    let b1 = b >> 16u;
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
    return vec2<u32>((mid << 16u) | (p00 & 0xffffu), a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}

// @fn pio2bits
// The 32 bits of 2/pi after its bit `o` (bits o+1 .. o+32 after the binary
// point, o >= -64), for Payne-Hanek reductions: the table holds 2/pi to
// 1280 bits (enough for every float64), after two zero words.
const PIO2BITS_{T} = array<u32, 42>(
    0x00000000u, 0x00000000u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u, 0xdb629599u,
    0x3c439041u, 0xfe5163abu, 0xdebbc561u, 0xb7246e3au, 0x424dd2e0u, 0x06492eeau, 0x09d1921cu,
    0xfe1deb1cu, 0xb129a73eu, 0xe88235f5u, 0x2ebb4484u, 0xe99c7026u, 0xb45f7e41u, 0x3991d639u,
    0x835339f4u, 0x9c845f8bu, 0xbdf9283bu, 0x1ff897ffu, 0xde05980fu, 0xef2f118bu, 0x5a0a6d1fu,
    0x6d367ecfu, 0x27cb09b7u, 0x4f463f66u, 0x9e5fea2du, 0x7527bac7u, 0xebe5f17bu, 0x3d0739f7u,
    0x8a5292eau, 0x6bfb5fb1u, 0x1f8d5d08u, 0x56033046u, 0xfc7b6babu, 0xf0cfbc20u, 0x9af4361du
);
fn pio2bits_{T}(o: i32) -> u32 {
    let p = u32(o + 64);
    let w = p >> 5u;
    let sh = p & 31u;
    let a = PIO2BITS_{T}[w];
    let b = PIO2BITS_{T}[w + 1u];
    return select((a << sh) | (b >> ((32u - sh) & 31u)), a, sh == 0u);
}

// @fn fmod needs isnan copysign
// C's fmod, exact (musl's bit-by-bit algorithm; a zero result has x's sign,
// written with copysign because NIR folds `x * 0.0` to +0): WGSL's `%` on floats is
// x - y * trunc(x / y), which is not. Shifts are written as multiplications
// and divisions by powers of two: llvmpipe (Mesa 22) miscompiles 64-bit
// shifts by a 32-bit amount, which is the only kind WGSL has.
fn fmod_{T}(x: {F}, y: {F}) -> {F} {
    var uxi: {U} = bitcast<{U}>(x);
    var uyi: {U} = bitcast<{U}>(y);
    var ex: i32 = i32((uxi / {P_MANT}) & {EXPMAXU});
    var ey: i32 = i32((uyi / {P_MANT}) & {EXPMAXU});
    let sx: {U} = uxi & {SIGN};
    if ((uyi * 2{US}) == 0{US} || isnan_{T}(y) || ex == {EXPMAXI}) {
        return bitcast<{F}>({QNAN});
    }
    if ((uxi * 2{US}) <= (uyi * 2{US})) {
        if ((uxi * 2{US}) == (uyi * 2{US})) {
            return copysign_{T}(0.0{FS}, x);
        }
        return x;
    }
    if (ex == 0) {
        var i: {U} = uxi * {P_TOP};
        loop {
            if ((i / {P_HIGH}) != 0{US}) { break; }
            ex = ex - 1;
            i = i * 2{US};
        }
        for (var s = 0; s < 1 - ex; s = s + 1) {
            uxi = uxi * 2{US};
        }
    } else {
        uxi = (uxi & {MANTMASK}) | {P_MANT};
    }
    if (ey == 0) {
        var i: {U} = uyi * {P_TOP};
        loop {
            if ((i / {P_HIGH}) != 0{US}) { break; }
            ey = ey - 1;
            i = i * 2{US};
        }
        for (var s = 0; s < 1 - ey; s = s + 1) {
            uyi = uyi * 2{US};
        }
    } else {
        uyi = (uyi & {MANTMASK}) | {P_MANT};
    }
    loop {
        if (ex <= ey) { break; }
        let i = uxi - uyi;
        if ((i / {P_HIGH}) == 0{US}) {
            if (i == 0{US}) {
                return copysign_{T}(0.0{FS}, x);
            }
            uxi = i;
        }
        uxi = uxi * 2{US};
        ex = ex - 1;
    }
    let i = uxi - uyi;
    if ((i / {P_HIGH}) == 0{US}) {
        if (i == 0{US}) {
            return copysign_{T}(0.0{FS}, x);
        }
        uxi = i;
    }
    loop {
        if ((uxi / {P_MANT}) != 0{US}) { break; }
        uxi = uxi * 2{US};
        ex = ex - 1;
    }
    if (ex > 0) {
        uxi = (uxi - {P_MANT}) | ({U}(u32(ex)) * {P_MANT});
    } else {
        for (var s = 0; s < 1 - ex; s = s + 1) {
            uxi = uxi / 2{US};
        }
    }
    return bitcast<{F}>(uxi | sx);
}

// @fn fmod_f64 needs isnan isinf copysign
// C's fmod for float64, exact, in floating point: subtract the largest
// y·2^k not above |x| until |x| < |y| (each subtraction is exact,
// Sterbenz). llvmpipe (Mesa 22) miscompiles the 64-bit integer arithmetic
// of the bit-by-bit version.
fn fmod_{T}(x: {F}, y: {F}) -> {F} {
    if (y == 0.0{FS} || isnan_{T}(x) || isnan_{T}(y) || isinf_{T}(x)) {
        return bitcast<{F}>({QNAN});
    }
    let ay = abs(y);
    var ax = abs(x);
    if (isinf_{T}(y) || ax < ay) {
        return x;
    }
    loop {
        if (ax < ay) { break; }
        var t = ldexp(ay, i32(frexp(ax).exp - frexp(ay).exp));
        if (t > ax) {
            t = t * 0.5{FS};
        }
        ax = ax - t;
    }
    return copysign_{T}(ax, x);
}

// @fn rem needs fmod isnan isinf copysign
// NumPy's remainder (npy_divmod): the result takes the divisor's sign.
fn rem_{T}(x: {F}, y: {F}) -> {F} {
    let m = fmod_{T}(x, y);
    if (!(m == 0.0{FS})) {
        if ((y < 0.0{FS}) != (m < 0.0{FS})) {
            return m + y;
        }
        return m;
    }
    if (isnan_{T}(y) || isnan_{T}(x) || y == 0.0{FS} || isinf_{T}(x)) {
        return m;
    }
    return copysign_{T}(0.0{FS}, y);
}

// @fn floordiv needs fmod copysign
// NumPy's floor_divide (npy_floor_divide).
fn floordiv_{T}(x: {F}, y: {F}) -> {F} {
    if (y == 0.0{FS}) {
        return x / y;
    }
    let m = fmod_{T}(x, y);
    var div = (x - m) / y;
    if (!(m == 0.0{FS}) && ((y < 0.0{FS}) != (m < 0.0{FS}))) {
        div = div - 1.0{FS};
    }
    if (!(div == 0.0{FS})) {
        var f = floor(div);
        if (div - f > 0.5{FS}) {
            f = f + 1.0{FS};
        }
        return f;
    }
    return copysign_{T}(0.0{FS}, x / y);
}

// @fn pow needs isnan isinf signbit powcore
// C99 pow (as vmath's pow lanes): special values by the book, |x|^y for
// finite x != 0 and finite y != 0 from `powcore` (vmath_f32/f64.wgsl).
fn pow_{T}(x: {F}, y: {F}) -> {F} {
    if (y == 0.0{FS} || x == 1.0{FS}) {
        return 1.0{FS};
    }
    if (isnan_{T}(x) || isnan_{T}(y)) {
        return bitcast<{F}>({QNAN});
    }
    let inf = bitcast<{F}>({EXPMASK});
    let ax = abs(x);
    let ay = abs(y);
    let yint = floor(ay) == ay;
    let yodd = yint && (ay - 2.0{FS} * floor(ay * 0.5{FS})) == 1.0{FS};
    var r: {F};
    if (ax == 0.0{FS}) {
        r = select(0.0{FS}, inf, y < 0.0{FS});
    } else if (isinf_{T}(ax)) {
        r = select(inf, 0.0{FS}, y < 0.0{FS});
    } else if (isinf_{T}(y)) {
        if (ax == 1.0{FS}) {
            return 1.0{FS};
        }
        r = select(0.0{FS}, inf, (ax > 1.0{FS}) == (y > 0.0{FS}));
    } else {
        r = powcore_{T}(ax, y);
    }
    if (signbit_{T}(x)) {
        if (!yint && ax != 0.0{FS} && !isinf_{T}(ax)) {
            return bitcast<{F}>({QNAN});
        }
        if (yodd) {
            return -r;
        }
    }
    return r;
}

// @fn sign
// NumPy: sign(±0) is +0, sign(NaN) is NaN.
fn sign_{T}(x: {F}) -> {F} {
    return select(select(select(x, 0.0{FS}, x == 0.0{FS}), -1.0{FS}, x < 0.0{FS}), 1.0{FS}, x > 0.0{FS});
}

// @fn maximum needs isnan
// NaN-propagating; on ties the second operand wins, as NumPy.
fn maximum_{T}(x: {F}, y: {F}) -> {F} {
    return select(y, x, x > y || isnan_{T}(x));
}

// @fn minimum needs isnan
fn minimum_{T}(x: {F}, y: {F}) -> {F} {
    return select(y, x, x < y || isnan_{T}(x));
}

// @fn to_i32 needs isnan
// Saturating, NaN → 0 (Rust's `as`, the CPU backend's cast).
fn to_i32_{T}(x: {F}) -> i32 {
    let c = i32(clamp(x, -2147483648.0{FS}, {I32MAXF}));
    return select(select(c, 2147483647i, x >= 2147483648.0{FS}), 0i, isnan_{T}(x));
}

// @fn to_u32 needs isnan
// Through i64 (saturating), then the low 32 bits: negative values wrap
// modulo 2^32, as NumPy's C cast.
fn to_u32_{T}(x: {F}) -> u32 {
    let t = trunc(x);
    let m = t - floor(t * (1.0{FS} / 4294967296.0{FS})) * 4294967296.0{FS};
    var r = select(u32(m), bitcast<u32>(i32(clamp(t, -2147483648.0{FS}, {I32MAXF}))), abs(t) < 2147483648.0{FS});
    r = select(r, 4294967295u, t >= 9223372036854775808.0{FS});
    return select(r, 0u, t <= -9223372036854775808.0{FS} || isnan_{T}(x));
}

// @fn to_i64 needs isnan
fn to_i64_{T}(x: {F}) -> i64 {
    let c = i64(clamp(x, -9223372036854775808.0{FS}, {I64MAXF}));
    return select(select(c, 9223372036854775807li, x >= 9223372036854775808.0{FS}), 0li, isnan_{T}(x));
}

// @fn irem
// NumPy's integer remainder: the divisor's sign; x % 0 == 0. "Signs
// differ" is tested as (r ^ y) < 0: llvmpipe (Mesa 22, LLVM 15) gets
// `(r < 0) != (y < 0)` wrong when y is a sign-extended i32.
fn irem_{T}(x: {I}, y: {I}) -> {I} {
    if (y == {ZERO}) {
        return {ZERO};
    }
    let r = x % y;
    if (r != {ZERO} && ((r ^ y) < {ZERO})) {
        return r + y;
    }
    return r;
}

// @fn ifloordiv
// Python's //; x // 0 == 0; MIN // -1 wraps to MIN.
fn ifloordiv_{T}(x: {I}, y: {I}) -> {I} {
    if (y == {ZERO}) {
        return {ZERO};
    }
    let q = x / y;
    let r = x % y;
    if (r != {ZERO} && ((r ^ y) < {ZERO})) {
        return q - {ONE};
    }
    return q;
}

// @fn ipow
// x ** y by squaring, wrapping; a negative exponent gives the truncated
// true value (0, or ±1 for bases ±1), as the CPU backend's int_pow.
fn ipow_{T}(x: {I}, y: {I}) -> {I} {
    if (y < {ZERO}) {
        if (x == {ONE}) {
            return {ONE};
        }
        if (x == {ZERO} - {ONE}) {
            return select({ZERO} - {ONE}, {ONE}, (y & {ONE}) == {ZERO});
        }
        return {ZERO};
    }
    var base = x;
    var e = y;
    var acc = {ONE};
    loop {
        if (e == {ZERO}) { break; }
        if ((e & {ONE}) == {ONE}) {
            acc = acc * base;
        }
        base = base * base;
        e = e / {TWO};
    }
    return acc;
}

// @fn isneg
// x < 0 for an integer type.
fn isneg_{T}(x: {I}) -> bool {
    return x < {ZERO};
}

// @fn isneg_i64
// x < 0 on the sign bit: llvmpipe (Mesa 22, LLVM 15) compares a
// sign-extended i32 wrongly (see `irem`).
fn isneg_{T}(x: {I}) -> bool {
    return (bitcast<u64>(x) & 0x8000000000000000lu) != 0lu;
}

// @fn ifmod
// C's remainder (np.fmod): the dividend's sign; x fmod 0 == 0. WGSL's `%`
// truncates, and gives 0 for MIN % -1, as wrapping_rem.
fn ifmod_{T}(x: {I}, y: {I}) -> {I} {
    if (y == {ZERO}) {
        return {ZERO};
    }
    return x % y;
}

// @fn gcd needs isneg
// np.gcd: Euclid on the magnitudes (|MIN| wraps to MIN, as NumPy's abs).
fn gcd_{T}(x: {I}, y: {I}) -> {I} {
    var a = {UI}(select(x, {ZERO} - x, isneg_{T}(x)));
    var b = {UI}(select(y, {ZERO} - y, isneg_{T}(y)));
    loop {
        if (b == {UI}(0)) { break; }
        let t = a % b;
        a = b;
        b = t;
    }
    return {I}(a);
}

// @fn lcm needs gcd isneg
// np.lcm: |x| / gcd * |y|, wrapping; 0 when either is 0.
fn lcm_{T}(x: {I}, y: {I}) -> {I} {
    let g = gcd_{T}(x, y);
    if (g == {ZERO}) {
        return {ZERO};
    }
    let ax = select(x, {ZERO} - x, isneg_{T}(x));
    let ay = select(y, {ZERO} - y, isneg_{T}(y));
    return {I}({UI}(ax) / {UI}(g)) * ay;
}

// @fn left_shift needs isneg
// np.left_shift: 0 once the count reaches the width or is negative (WGSL
// would take the count modulo the width).
fn left_shift_{T}(x: {I}, y: {I}) -> {I} {
    if (isneg_{T}(y) || y >= {BITS}) {
        return {ZERO};
    }
    return x << u32(y);
}

// @fn left_shift_i64 needs ipow isneg
// As `left_shift`, multiplying by 2^y: llvmpipe (Mesa 22) miscompiles
// 64-bit shifts by a 32-bit amount, the only kind WGSL has.
fn left_shift_{T}(x: {I}, y: {I}) -> {I} {
    if (isneg_{T}(y) || y >= {BITS}) {
        return {ZERO};
    }
    return x * ipow_{T}({TWO}, y);
}

// @fn right_shift needs isneg
// np.right_shift: arithmetic for signed types; past the width (or for a
// negative count) 0, or -1 for negative x.
fn right_shift_{T}(x: {I}, y: {I}) -> {I} {
    if (isneg_{T}(y) || y >= {BITS}) {
        return select({ZERO}, {ZERO} - {ONE}, isneg_{T}(x));
    }
    return x >> u32(y);
}

// @fn right_shift_i64 needs ipow isneg
// As `right_shift`, by floor division by 2^y (see `left_shift_i64`).
fn right_shift_{T}(x: {I}, y: {I}) -> {I} {
    if (isneg_{T}(y) || y >= {BITS} - {ONE}) {
        return select({ZERO}, {ZERO} - {ONE}, isneg_{T}(x));
    }
    let p = ipow_{T}({TWO}, y);
    let q = x / p;
    return select(q, q - {ONE}, (x % p) != {ZERO} && isneg_{T}(x));
}

// @fn bitwise_count needs isneg
// np.bitwise_count: the 1-bits of |x|, as I32.
fn bitwise_count_{T}(x: {I}) -> i32 {
    return i32(countOneBits({UI}(select(x, {ZERO} - x, isneg_{T}(x)))));
}

// @fn bitwise_count_i64 needs isneg
// Counted per 32-bit half (no 64-bit shifts, see `left_shift_i64`).
fn bitwise_count_{T}(x: {I}) -> i32 {
    let m = u64(select(x, {ZERO} - x, isneg_{T}(x)));
    return i32(countOneBits(u32(m & 0xfffffffflu)) + countOneBits(u32(m / 4294967296lu)));
}

// @fn fmax needs isnan
// np.fmax: NaN loses to a number.
fn fmax_{T}(x: {F}, y: {F}) -> {F} {
    return select(y, x, x >= y || isnan_{T}(y));
}

// @fn fmin needs isnan
fn fmin_{T}(x: {F}, y: {F}) -> {F} {
    return select(y, x, x <= y || isnan_{T}(y));
}

// @fn heaviside needs isnan
// 0 below zero, h0 at zero, 1 above, NaN for NaN.
fn heaviside_{T}(x: {F}, h0: {F}) -> {F} {
    if (isnan_{T}(x)) {
        return x;
    }
    return select(select(1.0{FS}, h0, x == 0.0{FS}), 0.0{FS}, x < 0.0{FS});
}

// @fn hypot needs isnan isinf
// sqrt(x² + y²) as max·sqrt(1 + (min/max)²): no overflow or underflow in
// the squares; inf wins over NaN, as C99.
fn hypot_{T}(x: {F}, y: {F}) -> {F} {
    let ax = abs(x);
    let ay = abs(y);
    if (isinf_{T}(ax) || isinf_{T}(ay)) {
        return bitcast<{F}>({EXPMASK});
    }
    if (isnan_{T}(ax) || isnan_{T}(ay)) {
        return ax + ay;
    }
    let m = max(ax, ay);
    if (m == 0.0{FS}) {
        return 0.0{FS};
    }
    let r = min(ax, ay) / m;
    return m * sqrt(1.0{FS} + r * r);
}

// @fn float_power needs pow
// np.float_power: pow in float64 (the core casts to F64 first).
fn float_power_{T}(x: {F}, y: {F}) -> {F} {
    return pow_{T}(x, y);
}

// @fn nextafter needs isnan copysign
// The next representable value after x toward y, on the bits.
fn nextafter_{T}(x: {F}, y: {F}) -> {F} {
    if (isnan_{T}(x) || isnan_{T}(y)) {
        return x + y;
    }
    if (x == y) {
        return y;
    }
    if (x == 0.0{FS}) {
        return copysign_{T}(bitcast<{F}>(1{US}), y);
    }
    let b = bitcast<{U}>(x);
    return bitcast<{F}>(select(b - 1{US}, b + 1{US}, (y > x) == (x > 0.0{FS})));
}

// @fn spacing needs isfinite nextafter
// np.spacing: the gap to the next value away from zero (negative for
// negative x), NaN for ±inf and NaN.
fn spacing_{T}(x: {F}) -> {F} {
    if (!isfinite_{T}(x)) {
        return bitcast<{F}>({QNAN});
    }
    // NumPy: spacing(±0) is the smallest positive subnormal.
    let away = select(bitcast<{F}>({EXPMASK}), -bitcast<{F}>({EXPMASK}), x < 0.0{FS});
    return nextafter_{T}(x, away) - x;
}

// @fn ldexp
// np.ldexp: x·2^e rounded once (musl's scalbn: the subnormal range is
// entered in one step). The exponent arrives as a float of the same dtype;
// powers of two are built from their bits (WGSL's ldexp is indeterminate
// outside the normal range).
fn ldexp_{T}(x: {F}, e: {F}) -> {F} {
    if (!(e == e)) {
        return e;
    }
    let bias = {EXPMAXI} / 2;
    let digits = {MANT} + 1;
    let min_e = 1 - bias;
    var n = i32(clamp(e, {F}(3 * min_e), {F}(3 * bias)));
    var y = x;
    if (n > bias) {
        y = y * bitcast<{F}>({U}(u32(2 * bias)) * {P_MANT});
        n = n - bias;
        if (n > bias) {
            y = y * bitcast<{F}>({U}(u32(2 * bias)) * {P_MANT});
            n = min(n - bias, bias);
        }
    } else if (n < min_e) {
        // 2^min_e · 2^digits: normal, so only the last step rounds.
        let down = bitcast<{F}>({U}(u32(min_e + bias)) * {P_MANT}) * bitcast<{F}>({U}(u32(digits + bias)) * {P_MANT});
        y = y * down;
        n = n - min_e - digits;
        if (n < min_e) {
            y = y * down;
            n = max(n - min_e - digits, min_e);
        }
    }
    return y * bitcast<{F}>({U}(u32(n + bias)) * {P_MANT});
}

// @fn frexp_mantissa needs isfinite
// np.frexp's mantissa: 0.5 <= |m| < 1, or x itself for 0, ±inf and NaN.
fn frexp_mantissa_{T}(x: {F}) -> {F} {
    if (x == 0.0{FS} || !isfinite_{T}(x)) {
        return x;
    }
    return frexp(x).fract;
}

// @fn frexp_exponent needs isfinite
// np.frexp's exponent (I32): 0 for 0, ±inf and NaN.
fn frexp_exponent_{T}(x: {F}) -> i32 {
    if (x == 0.0{FS} || !isfinite_{T}(x)) {
        return 0i;
    }
    return i32(frexp(x).exp);
}

// @fn modf_fraction needs isinf copysign
// np.modf's fractional part: the sign of x; ±0 for ±inf; NaN for NaN.
fn modf_fraction_{T}(x: {F}) -> {F} {
    if (isinf_{T}(x)) {
        return copysign_{T}(0.0{FS}, x);
    }
    return copysign_{T}(x - trunc(x), x);
}

// @fn deg2rad_f32
// x · (π/180) with NumPy's float32 constant ((float)π / 180f).
fn deg2rad_{T}(x: {F}) -> {F} {
    return x * 0.01745329238474369f;
}

// @fn deg2rad_f64
fn deg2rad_{T}(x: {F}) -> {F} {
    return x * 0.017453292519943295lf;
}

// @fn rad2deg_f32
// x · (180/π) with NumPy's float32 constant (180f / (float)π).
fn rad2deg_{T}(x: {F}) -> {F} {
    return x * 57.2957763671875f;
}

// @fn rad2deg_f64
fn rad2deg_{T}(x: {F}) -> {F} {
    return x * 57.29577951308232lf;
}
