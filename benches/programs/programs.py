#!/usr/bin/env python3
"""The NumPy side of tandem's real-program suite (benches/programs/).

Each program below is a well-known public NumPy program, its source cited,
adapted only as needed: sizes from the command line, deterministic inputs
instead of np.random (the Weyl sequences of benches/programs/inputs.rs, the
same formula bit for bit), plotting left out. The tandem ports live beside
this file, one .rs file per program, and benches/programs.rs (and
`tandem bench`) call this script in the same run as their own timings.

    programs.py --out DIR NAME...

NAME is `program:key=value,...` (e.g. `nbody:n=200,steps=100`). For each
name it times the program (median of TANDEM_BENCH_REPEAT runs after a
warm-up, fewer where they would take more than TANDEM_BENCH_BUDGET seconds;
inputs built outside the timing), saves its results as
DIR/<stem>_<i>.npy (<stem> = NAME with every character but ASCII letters and
digits turned to `_`), and finally prints one JSON object {NAME: seconds}.
"""
import json
import os
import re
import sys
import time

import numpy as np

# ---------------------------------------------------------------------------
# Inputs: Weyl sequences ((i*a + c) % m) / m, as benches/programs/inputs.rs.

M = 2_147_483_647
A = [1_327_217_884, 889_516_852, 1_572_067_135, 506_952_114, 304_069_513, 1_542_483_952]


def weyl(n, stream, c=0):
    return ((np.arange(n, dtype=np.int64) * A[stream] + c) % M) / M


# ---------------------------------------------------------------------------
# poly: numexpr bench/poly.py (Francesc Alted, 2010)
# https://github.com/pydata/numexpr/blob/master/bench/poly.py


def poly(n):
    x = np.linspace(-1, 1, n)  # the x in range [-1, 1]

    def run():
        y = .25*x**3 + .75*x**2 - 1.5*x - 2
        return (y,)
    return run


# ---------------------------------------------------------------------------
# ne_timing: numexpr bench/timing.py, its 12 expressions (float32)
# https://github.com/pydata/numexpr/blob/master/bench/timing.py


def ne_timing(n):
    from numpy import arctan2, cos, sinh, sqrt, where
    a = np.arange(2 * n, dtype='float32')[::2]
    b = np.arange(n, dtype='float32')
    c = np.arange(n, dtype='float32')
    d = np.arange(n, dtype='float32')
    e = np.arange(n, dtype='float32')

    def run():
        return (
            b*c+d*e,
            2*a+3*b,
            2*a + (cos(3)+5)*sinh(cos(b)),
            2*a + arctan2(a, b),
            where(0.1*a > arctan2(a, b), 2*a, arctan2(a, b)),
            where(a != 0.0, 2, b),
            where(a-10 != 0.0, a, 2),
            where(a % 2 != 0.0, b+5, 2),
            where(a % 2 != 0.0, 2, b+5),
            a**2 + (b+1)**-2.5,
            (a+1)**50,
            sqrt(a**2 + b**2),
        )
    return run


# ---------------------------------------------------------------------------
# black_scholes: Numba examples/blackscholes/blackscholes_numpy.py
# https://github.com/numba/numba (examples/blackscholes)

RISKFREE = 0.02
VOLATILITY = 0.30


def cnd(d):
    A1 = 0.31938153
    A2 = -0.356563782
    A3 = 1.781477937
    A4 = -1.821255978
    A5 = 1.330274429
    RSQRT2PI = 0.39894228040143267793994605993438
    K = 1.0 / (1.0 + 0.2316419 * np.abs(d))
    ret_val = (RSQRT2PI * np.exp(-0.5 * d * d) *
               (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5))))))
    return np.where(d > 0, 1.0 - ret_val, ret_val)


def black_scholes_np(stockPrice, optionStrike, optionYears, Riskfree, Volatility):
    S = stockPrice
    X = optionStrike
    T = optionYears
    R = Riskfree
    V = Volatility
    sqrtT = np.sqrt(T)
    d1 = (np.log(S / X) + (R + 0.5 * V * V) * T) / (V * sqrtT)
    d2 = d1 - V * sqrtT
    cndd1 = cnd(d1)
    cndd2 = cnd(d2)

    expRT = np.exp(- R * T)

    callResult = S * cndd1 - X * expRT * cndd2
    putResult = X * expRT * (1.0 - cndd2) - S * (1.0 - cndd1)

    return callResult, putResult


def randfloat(rand_var, low, high):
    return (1.0 - rand_var) * low + rand_var * high


def black_scholes(n):
    stockPrice = randfloat(weyl(n, 0), 5.0, 30.0)
    optionStrike = randfloat(weyl(n, 1), 1.0, 100.0)
    optionYears = randfloat(weyl(n, 2), 0.25, 10.0)
    return lambda: black_scholes_np(stockPrice, optionStrike, optionYears, RISKFREE, VOLATILITY)


# ---------------------------------------------------------------------------
# nbody: Philip Mocz, "Create Your Own N-body Simulation (With Python)"
# https://github.com/pmocz/nbody-python/blob/main/nbody.py (plotting left out)


def getAcc(pos, mass, G, softening):
    # positions r = [x,y,z] for all particles
    x = pos[:, 0:1]
    y = pos[:, 1:2]
    z = pos[:, 2:3]

    # matrix that stores all pairwise particle separations: r_j - r_i
    dx = x.T - x
    dy = y.T - y
    dz = z.T - z

    # matrix that stores 1/r^3 for all particle pairwise particle separations
    inv_r3 = (dx**2 + dy**2 + dz**2 + softening**2)
    inv_r3[inv_r3 > 0] = inv_r3[inv_r3 > 0]**(-1.5)

    ax = G * (dx * inv_r3) @ mass
    ay = G * (dy * inv_r3) @ mass
    az = G * (dz * inv_r3) @ mass

    # pack together the acceleration components
    a = np.hstack((ax, ay, az))

    return a


def getEnergy(pos, vel, mass, G):
    # Kinetic Energy:
    KE = 0.5 * np.sum(np.sum(mass * vel**2))

    # Potential Energy:

    # positions r = [x,y,z] for all particles
    x = pos[:, 0:1]
    y = pos[:, 1:2]
    z = pos[:, 2:3]

    # matrix that stores all pairwise particle separations: r_j - r_i
    dx = x.T - x
    dy = y.T - y
    dz = z.T - z

    # matrix that stores 1/r for all particle pairwise particle separations
    inv_r = np.sqrt(dx**2 + dy**2 + dz**2)
    inv_r[inv_r > 0] = 1.0/inv_r[inv_r > 0]

    # sum over upper triangle, to count each interaction only once
    PE = G * np.sum(np.sum(np.triu(-(mass*mass.T)*inv_r, 1)))

    return KE, PE


def nbody(n, steps):
    N = n
    dt = 0.01
    softening = 0.1
    G = 1.0
    mass = 20.0*np.ones((N, 1))/N  # total mass of particles is 20
    # pos, vel = np.random.randn(N,3) there: uniform on [-1.7, 1.7) here
    pos0 = (weyl(3 * N, 0) * 3.4 - 1.7).reshape(N, 3)
    vel0 = (weyl(3 * N, 1) * 3.4 - 1.7).reshape(N, 3)
    Nt = steps

    def run():
        pos = pos0.copy()
        vel = vel0.copy()

        # Convert to Center-of-Mass frame
        vel -= np.mean(mass * vel, 0) / np.mean(mass)

        # calculate initial gravitational accelerations
        acc = getAcc(pos, mass, G, softening)

        # calculate initial energy of system
        KE, PE = getEnergy(pos, vel, mass, G)

        # save energies, particle orbits for plotting trails
        pos_save = np.zeros((N, 3, Nt+1))
        pos_save[:, :, 0] = pos
        KE_save = np.zeros(Nt+1)
        KE_save[0] = KE
        PE_save = np.zeros(Nt+1)
        PE_save[0] = PE

        # Simulation Main Loop
        for i in range(Nt):
            # (1/2) kick
            vel += acc * dt/2.0

            # drift
            pos += vel * dt

            # update accelerations
            acc = getAcc(pos, mass, G, softening)

            # (1/2) kick
            vel += acc * dt/2.0

            # get energy of system
            KE, PE = getEnergy(pos, vel, mass, G)

            # save energies, positions for plotting trail
            pos_save[:, :, i+1] = pos
            KE_save[i+1] = KE
            PE_save[i+1] = PE
        return pos, vel, pos_save, KE_save, PE_save
    return run


# ---------------------------------------------------------------------------
# kmeans: Jake VanderPlas, Python Data Science Handbook, 05.11 "In Depth:
# k-Means Clustering", find_clusters
# https://github.com/jakevdp/PythonDataScienceHandbook (notebooks/05.11-K-Means.ipynb)
# sklearn's pairwise_distances_argmin written out in NumPy, the first
# n_clusters points as the initial centres, an iteration cap.


def find_clusters(X, n_clusters, max_iter):
    # 1. The first points as the initial clusters
    centers = X[:n_clusters]
    iterations = 0
    for _ in range(max_iter):
        iterations += 1
        # 2a. Assign labels based on closest center
        labels = ((X[:, None, :] - centers[None, :, :])**2).sum(-1).argmin(1)
        # 2b. Find new centers from means of points
        new_centers = np.array([X[labels == i].mean(0)
                                for i in range(n_clusters)])
        # 2c. Check for convergence
        if np.all(centers == new_centers):
            break
        centers = new_centers
    return centers, labels, np.int64(iterations)


def kmeans(n, k, max_iter):
    blob = np.floor(weyl(n, 0) * 8.0)
    x0 = (blob % 4.0) * 3.0 + (weyl(n, 1) * 2.0 - 1.0)
    x1 = np.floor(blob / 4.0) * 3.0 + (weyl(n, 2) * 2.0 - 1.0)
    X = np.stack([x0, x1], 1)
    return lambda: find_clusters(X, k, max_iter)


# ---------------------------------------------------------------------------
# mandelbrot: Nicolas P. Rougier, From Python to NumPy, mandelbrot_numpy_1.py
# https://github.com/rougier/from-python-to-numpy/blob/master/code/mandelbrot_numpy_1.py
# Z and C as real and imaginary parts (tandem has no complex dtype yet).


def mandelbrot_numpy(xmin, xmax, ymin, ymax, xn, yn, maxiter, horizon=2.0):
    X = np.linspace(xmin, xmax, xn, dtype=np.float32)
    Y = np.linspace(ymin, ymax, yn, dtype=np.float32)
    # C = X + Y[:,None]*1j
    Cr = X + np.zeros((yn, 1), np.float32)
    Ci = Y[:, None] + np.zeros(xn, np.float32)
    N = np.zeros(Cr.shape, dtype=int)
    Zr = np.zeros(Cr.shape, np.float32)
    Zi = np.zeros(Cr.shape, np.float32)
    for n in range(maxiter):
        I = np.less(np.sqrt(Zr*Zr + Zi*Zi), horizon)
        N[I] = n
        # Z[I] = Z[I]**2 + C[I]
        zr, zi = Zr[I], Zi[I]
        Zr[I] = zr*zr - zi*zi + Cr[I]
        Zi[I] = 2*zr*zi + Ci[I]
    N[N == maxiter-1] = 0
    return Zr, Zi, N


def mandelbrot(xn, yn, maxiter):
    return lambda: mandelbrot_numpy(-2.25, 0.75, -1.25, 1.25, xn, yn, maxiter)


# ---------------------------------------------------------------------------
# heat: Lorena Barba, CFD Python (12 steps to Navier-Stokes), step 7, 2-D diffusion
# https://github.com/barbagroup/CFDPython/blob/master/lessons/09_Step_7.ipynb


def diffuse(nx, ny, nt):
    nu = .05
    dx = 2 / (nx - 1)
    dy = 2 / (ny - 1)
    sigma = .25
    dt = sigma * dx * dy / nu

    u = np.ones((ny, nx))
    u[int(.5 / dy):int(1 / dy + 1), int(.5 / dx):int(1 / dx + 1)] = 2

    for n in range(nt + 1):
        un = u.copy()
        u[1:-1, 1:-1] = (un[1:-1, 1:-1] +
                         nu * dt / dx**2 *
                         (un[1:-1, 2:] - 2 * un[1:-1, 1:-1] + un[1:-1, 0:-2]) +
                         nu * dt / dy**2 *
                         (un[2:, 1: -1] - 2 * un[1:-1, 1:-1] + un[0:-2, 1:-1]))
        u[0, :] = 1
        u[-1, :] = 1
        u[:, 0] = 1
        u[:, -1] = 1
    return (u,)


def heat(nx, ny, nt):
    return lambda: diffuse(nx, ny, nt)


# ---------------------------------------------------------------------------
# softmax: SciPy 1.x scipy/special/_logsumexp.py (softmax; logsumexp without b/return_sign)
# https://github.com/scipy/scipy/blob/v1.11.4/scipy/special/_logsumexp.py


def sp_softmax(x, axis=None):
    x_max = np.amax(x, axis=axis, keepdims=True)
    exp_x_shifted = np.exp(x - x_max)
    return exp_x_shifted / np.sum(exp_x_shifted, axis=axis, keepdims=True)


def sp_logsumexp(a, axis=None, keepdims=False):
    a_max = np.amax(a, axis=axis, keepdims=True)

    if a_max.ndim > 0:
        a_max[~np.isfinite(a_max)] = 0
    elif not np.isfinite(a_max):
        a_max = 0

    tmp = np.exp(a - a_max)

    # suppress warnings about log of zero
    with np.errstate(divide='ignore'):
        s = np.sum(tmp, axis=axis, keepdims=keepdims)
        out = np.log(s)

    if not keepdims:
        a_max = np.squeeze(a_max, axis=axis)
    out += a_max
    return out


def softmax(rows, cols):
    x = (weyl(rows * cols, 0) * 20.0 - 10.0).reshape(rows, cols)
    return lambda: (sp_softmax(x, axis=1), sp_logsumexp(x, axis=1))


# ---------------------------------------------------------------------------
# standardize: scikit-learn's StandardScaler (sklearn/preprocessing/_data.py:
# mean and sqrt(var) per column), then the correlation of the standardised
# columns, Z.T @ Z / n (np.corrcoef(X, rowvar=False) up to rounding)


def standardize(n, p):
    u = weyl(n * p, 0).reshape(n, p)
    f = weyl(n, 1)
    w = np.arange(p, dtype=np.float64) / p
    X = u + f[:, None] * w

    def run():
        mu = X.mean(axis=0)
        sigma = X.std(axis=0)
        Z = (X - mu) / sigma
        corr = Z.T @ Z / n
        return Z, corr
    return run


# ---------------------------------------------------------------------------
# moving_average: https://stackoverflow.com/a/14314054 (Jaime), and the
# crossings of a fast and a slow average


def moving_average_np(a, n=3):
    ret = np.cumsum(a, dtype=float)
    ret[n:] = ret[n:] - ret[:-n]
    return ret[n - 1:] / n


def moving_average(n, fast, slow):
    i = np.arange(n, dtype=np.float64)
    price = 100.0 + 10.0 * np.sin(i * 1e-4) + weyl(n, 0)

    def run():
        fast_ma = moving_average_np(price, fast)
        slow_ma = moving_average_np(price, slow)
        fast_ma = fast_ma[slow - fast:]
        signal = fast_ma > slow_ma
        crossings = np.sum(signal[1:] != signal[:-1])
        return fast_ma, slow_ma, crossings
    return run


# ---------------------------------------------------------------------------
# haversine: https://stackoverflow.com/a/29546836


def haversine_np(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = map(np.radians, [lon1, lat1, lon2, lat2])

    dlon = lon2 - lon1
    dlat = lat2 - lat1

    a = np.sin(dlat/2.0)**2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon/2.0)**2

    c = 2 * np.arcsin(np.sqrt(a))
    km = 6367 * c
    return km


def haversine(n):
    def draw(stream, lo, hi):
        return weyl(n, stream) * (hi - lo) + lo
    lon1, lat1 = draw(0, -180.0, 180.0), draw(1, -90.0, 90.0)
    lon2, lat2 = draw(2, -180.0, 180.0), draw(3, -90.0, 90.0)
    return lambda: (haversine_np(lon1, lat1, lon2, lat2),)


# ---------------------------------------------------------------------------
# rosenbrock: scipy.optimize rosen, rosen_der (scipy/optimize/_optimize.py)
# https://github.com/scipy/scipy/blob/main/scipy/optimize/_optimize.py
# in the textbook steepest descent with step halving


def rosen(x):
    x = np.asarray(x)
    r = np.sum(100.0 * (x[1:] - x[:-1]**2.0)**2.0 + (1 - x[:-1])**2.0,
               axis=0)
    return r


def rosen_der(x):
    x = np.asarray(x)
    xm = x[1:-1]
    xm_m1 = x[:-2]
    xm_p1 = x[2:]
    der = np.zeros_like(x)
    der[1:-1] = (200 * (xm - xm_m1**2) -
                 400 * (xm_p1 - xm**2) * xm - 2 * (1 - xm))
    der[0] = -400 * x[0] * (x[1] - x[0]**2) - 2 * (1 - x[0])
    der[-1] = 200 * (x[-1] - x[-2]**2)
    return der


def descend(x0, iters, step):
    x = x0.copy()
    f = rosen(x)
    fs = [f]
    for _ in range(iters):
        g = rosen_der(x)
        x_new = x - step * g
        f_new = rosen(x_new)
        if f_new < f:
            x, f = x_new, f_new
        else:
            step = step / 2
        fs.append(f)
    return x, np.array(fs)


def rosenbrock(n, iters):
    x0 = 0.8 + 0.4 * weyl(n, 0)
    return lambda: descend(x0, iters, 1e-3)


# ---------------------------------------------------------------------------
# life: Nicolas P. Rougier, From Python to NumPy, game-of-life-numpy.py
# https://github.com/rougier/from-python-to-numpy/blob/master/code/game-of-life-numpy.py


def life_update(Z, M):
    N = (Z[0:-2, 0:-2] + Z[0:-2, 1:-1] + Z[0:-2, 2:] +
         Z[1:-1, 0:-2]                 + Z[1:-1, 2:] +
         Z[2:  , 0:-2] + Z[2:  , 1:-1] + Z[2:  , 2:])
    birth = (N == 3) & (Z[1:-1, 1:-1] == 0)
    survive = ((N == 2) | (N == 3)) & (Z[1:-1, 1:-1] == 1)
    Z[...] = 0
    Z[1:-1, 1:-1][birth | survive] = 1

    # Show past activities
    M[M > 0.25] = 0.25
    M *= 0.995
    M[Z == 1] = 1


def life(rows, cols, frames):
    Z0 = np.floor(weyl(rows * cols, 0) * 2.0).astype(np.int64).reshape(rows, cols)

    def run():
        Z = Z0.copy()
        M = np.zeros(Z.shape)
        for _ in range(frames):
            life_update(Z, M)
        return Z, M
    return run


# ---------------------------------------------------------------------------
# gray_scott: Nicolas P. Rougier, From Python to NumPy, gray-scott.py
# https://github.com/rougier/from-python-to-numpy/blob/master/code/gray-scott.py


def gray_scott_np(n, noise_u, noise_v, frames):
    Du, Dv, F, k = 0.16, 0.08, 0.035, 0.065  # Bacteria 1

    Z = np.zeros((n+2, n+2), [('U', np.double),
                              ('V', np.double)])
    U, V = Z['U'], Z['V']
    u, v = U[1:-1, 1:-1], V[1:-1, 1:-1]

    r = 20
    u[...] = 1.0
    U[n//2-r:n//2+r, n//2-r:n//2+r] = 0.50
    V[n//2-r:n//2+r, n//2-r:n//2+r] = 0.25
    u += 0.05*noise_u
    v += 0.05*noise_v

    vmin, vmax = [], []
    for _ in range(frames):
        for i in range(10):
            Lu = (                  U[0:-2, 1:-1] +
                  U[1:-1, 0:-2] - 4*U[1:-1, 1:-1] + U[1:-1, 2:] +
                                    U[2:  , 1:-1])
            Lv = (                  V[0:-2, 1:-1] +
                  V[1:-1, 0:-2] - 4*V[1:-1, 1:-1] + V[1:-1, 2:] +
                                    V[2:  , 1:-1])
            uvv = u*v*v
            u += (Du*Lu - uvv + F*(1-u))
            v += (Dv*Lv + uvv - (F+k)*v)

        # im.set_clim(vmin=V.min(), vmax=V.max())
        vmin.append(V.min())
        vmax.append(V.max())
    return U, V, np.array(vmin), np.array(vmax)


def gray_scott(n, frames):
    noise_u = (weyl(n * n, 0) * 2.0 - 1.0).reshape(n, n)
    noise_v = (weyl(n * n, 1) * 2.0 - 1.0).reshape(n, n)
    return lambda: gray_scott_np(n, noise_u, noise_v, frames)


# ---------------------------------------------------------------------------
# gpt2: Jay Mody's picoGPT gpt2.py: the transformer blocks (mha, ffn,
# layer_norm, gelu) and ln_f; token/position embeddings and the projection to
# the vocabulary left out (the input is the embedded sequence)
# https://github.com/jaymody/picoGPT/blob/main/gpt2.py


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def gpt_softmax(x):
    exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


def layer_norm(x, g, b, eps: float = 1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    variance = np.var(x, axis=-1, keepdims=True)
    x = (x - mean) / np.sqrt(variance + eps)  # normalize x to have mean=0 and var=1 over last axis
    return g * x + b  # scale and offset with gamma/beta params


def linear(x, w, b):  # [m, in], [in, out], [out] -> [m, out]
    return x @ w + b


def ffn(x, c_fc, c_proj):  # [n_seq, n_embd] -> [n_seq, n_embd]
    # project up
    a = gelu(linear(x, **c_fc))  # [n_seq, n_embd] -> [n_seq, 4*n_embd]
    # project back down
    x = linear(a, **c_proj)  # [n_seq, 4*n_embd] -> [n_seq, n_embd]
    return x


def attention(q, k, v, mask):  # [n_q, d_k], [n_k, d_k], [n_k, d_v], [n_q, n_k] -> [n_q, d_v]
    return gpt_softmax(q @ k.T / np.sqrt(q.shape[-1]) + mask) @ v


def mha(x, c_attn, c_proj, n_head):  # [n_seq, n_embd] -> [n_seq, n_embd]
    # qkv projection
    x = linear(x, **c_attn)  # [n_seq, n_embd] -> [n_seq, 3*n_embd]
    # split into qkv
    qkv = np.split(x, 3, axis=-1)  # [n_seq, 3*n_embd] -> [3, n_seq, n_embd]
    # split into heads
    qkv_heads = list(map(lambda x: np.split(x, n_head, axis=-1), qkv))  # [3, n_head, n_seq, n_embd/n_head]
    # causal mask to hide future inputs from being attended to
    causal_mask = (1 - np.tri(x.shape[0], dtype=x.dtype)) * -1e10  # [n_seq, n_seq]
    # perform attention over each head
    out_heads = [attention(q, k, v, causal_mask) for q, k, v in zip(*qkv_heads)]  # [n_head, n_seq, n_embd/n_head]
    # merge heads
    x = np.hstack(out_heads)  # [n_head, n_seq, n_embd/n_head] -> [n_seq, n_embd]
    # out projection
    x = linear(x, **c_proj)  # [n_seq, n_embd] -> [n_seq, n_embd]
    return x


def transformer_block(x, mlp, attn, ln_1, ln_2, n_head):  # [n_seq, n_embd] -> [n_seq, n_embd]
    # multi-head causal self attention
    x = x + mha(layer_norm(x, **ln_1), **attn, n_head=n_head)  # [n_seq, n_embd] -> [n_seq, n_embd]
    # position-wise feed forward network
    x = x + ffn(layer_norm(x, **ln_2), **mlp)  # [n_seq, n_embd] -> [n_seq, n_embd]
    return x


def gpt2_forward(x, blocks, ln_f, n_head):
    for block in blocks:
        x = transformer_block(x, **block, n_head=n_head)
    return layer_norm(x, **ln_f)


def gpt2(seq, embd, heads, layers):
    x = (weyl(seq * embd, 0) * 4.0 - 2.0).reshape(seq, embd).astype(np.float32)

    def draw(layer, which, n):
        return weyl(n, 3, (layer * 12 + which) * 12 * embd * embd)

    def norm(layer, which):
        return {"g": (1.0 + 0.2 * (draw(layer, which, embd) - 0.5)).astype(np.float32),
                "b": (0.1 * (draw(layer, which + 1, embd) - 0.5)).astype(np.float32)}

    def lin(layer, which, n_in, n_out):
        w = ((draw(layer, which, n_in * n_out) - 0.5) * 0.04).reshape(n_in, n_out)
        return {"w": w.astype(np.float32),
                "b": (0.02 * (draw(layer, which + 1, n_out) - 0.5)).astype(np.float32)}

    def block(l):
        return {"ln_1": norm(l, 0),
                "attn": {"c_attn": lin(l, 2, embd, 3 * embd), "c_proj": lin(l, 4, embd, embd)},
                "ln_2": norm(l, 6),
                "mlp": {"c_fc": lin(l, 8, embd, 4 * embd), "c_proj": lin(l, 10, 4 * embd, embd)}}
    blocks = [block(l) for l in range(layers)]
    ln_f = norm(layers, 0)
    return lambda: (gpt2_forward(x, blocks, ln_f, heads),)


# ---------------------------------------------------------------------------

PROGRAMS = {
    "poly": poly,
    "ne_timing": ne_timing,
    "black_scholes": black_scholes,
    "nbody": nbody,
    "kmeans": kmeans,
    "mandelbrot": mandelbrot,
    "heat": heat,
    "softmax": softmax,
    "standardize": standardize,
    "moving_average": moving_average,
    "haversine": haversine,
    "rosenbrock": rosenbrock,
    "life": life,
    "gray_scott": gray_scott,
    "gpt2": gpt2,
}


def median_time(f, repeat, budget):
    t = time.perf_counter()
    out = f()  # warm-up (page faults, caches); its results are saved
    first = time.perf_counter() - t
    times = []
    for _ in range(max(1, min(repeat, int(budget / max(first, 1e-9))))):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], out


def stem(name):
    return re.sub(r"[^A-Za-z0-9]", "_", name)


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--out":
        raise SystemExit(__doc__)
    out_dir, names = args[1], args[2:]
    os.makedirs(out_dir, exist_ok=True)
    repeat = int(os.environ.get("TANDEM_BENCH_REPEAT", "5"))
    budget = float(os.environ.get("TANDEM_BENCH_BUDGET", "10"))
    times = {}
    for name in names:
        program, _, params = name.partition(":")
        kwargs = {k: int(v) for k, v in (kv.split("=") for kv in params.split(",") if kv)}
        if program not in PROGRAMS:
            raise SystemExit(f"unknown program {program}")
        run = PROGRAMS[program](**kwargs)
        with np.errstate(all="ignore"):
            seconds, results = median_time(run, repeat, budget)
        for i, r in enumerate(results):
            np.save(os.path.join(out_dir, f"{stem(name)}_{i}.npy"), np.asarray(r))
        times[name] = seconds
    json.dump(times, sys.stdout)


if __name__ == "__main__":
    main()
