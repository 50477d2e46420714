#!/usr/bin/env python3
"""The peers' side of tandem's benchmarks: times NumPy (and numexpr, where
it has the workload) on the workloads named on the command line and prints
one JSON object {workload: {peer: median_seconds}}. The k-means kinds also
time NumPy's einsum form ("einsum"): the target there is the faster of the
two NumPy spellings.

Called by benches/compare.rs in the same run as tandem's timings, so the
ratios compare like with like on a noisy machine. Workload names and their
inputs must match compare.rs (see WORKLOADS below).
"""
import json
import os
import re
import sys
import time

import numpy as np

try:
    import numexpr as ne
    ne.set_num_threads(int(os.environ.get("TANDEM_BENCH_THREADS", "2")))
except ImportError:  # numexpr is optional
    ne = None


def median_time(f, repeat, calls=1):
    """Median seconds per call over `repeat` samples of `calls` calls each
    (many calls per sample for the microsecond workloads, as compare.rs
    does, so the timer's own cost does not count)."""
    f()  # warm-up (page faults, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(calls):
            f()
        times.append((time.perf_counter() - t) / calls)
    times.sort()
    return times[len(times) // 2]


def calls_for(name):
    """Calls per sample: enough that a sample of a small workload lasts
    about a millisecond (the same rule as compare.rs)."""
    n = int(name.split(":")[1]) if ":" in name else 0
    return max(1, 100_000 // max(n, 1)) if n <= 100_000 else 1


def f32(n, lo, hi):
    return np.linspace(lo, hi, n, dtype=np.float32)


DTYPES = {"_f64": np.float64, "_i32": np.int32, "_i64": np.int64, "_u32": np.uint32, "_bool": np.bool_}


def scrambled(n, start, dtype):
    """(i * 7919) % 65521 for i in start..start + n (workloads.rs's `scrambled`)."""
    i = np.arange(start, start + n, dtype=np.int64)
    return ((i * 7919) % 65521).astype(dtype)


def shaped(kind, n, dtype):
    """workloads.rs's ROWS ('<op>1x<W>') and KMEANS ('kmeans_k<K>_d<D>')
    kinds: {peer: fn}, or None for other kinds."""
    m = re.fullmatch(r"kmeans_k(\d+)_d(\d+)", kind)
    if m:
        k, d = int(m[1]), int(m[2])
        x = (scrambled(n * d, 0, dtype) / dtype(65521)).astype(dtype).reshape(n, d)
        c = (scrambled(k * d, 5, dtype) / dtype(65521)).astype(dtype).reshape(k, d)

        def einsum():
            diff = x[:, None, :] - c[None, :, :]
            return np.einsum("ijk,ijk->ij", diff, diff)

        return {"numpy": lambda: ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1), "einsum": einsum}
    m = re.fullmatch(r"(argmin|argmax|nanargmin|nanargmax|sum|mean|max)1x(\d+)", kind)
    if m:
        op, width = m[1], int(m[2])
        a = scrambled(n, 0, dtype).reshape(n // width, width)
        f = getattr(np, op)
        return {"numpy": lambda: f(a, axis=1)}
    return None


def workloads(name):
    """{peer: fn} (numpy, and numexpr or einsum where they apply) for a
    workload name 'kind[_dtype]:size'."""
    kind, size = name.split(":")
    n = int(float(size))
    dtype = np.float32
    for suffix, t in DTYPES.items():
        if kind.endswith(suffix):
            kind, dtype = kind[: -len(suffix)], t
    fns = shaped(kind, n, dtype)
    if fns is not None:
        return fns
    np_fn, ne_fn = ramp_workloads(kind, n, dtype)
    return {"numpy": np_fn} if ne_fn is None else {"numpy": np_fn, "numexpr": ne_fn}


def ramp_workloads(kind, n, dtype):
    """(numpy_fn, numexpr_fn or None) for the swept and matrix kinds."""
    if kind == "concat0" or kind == "concat1":
        side = int(round(n ** 0.5))
        a = f32(side * side, 0, 1).reshape(side, side)
        b = f32(side * side, 1, 2).reshape(side, side)
        axis = int(kind[-1])
        return (lambda: np.concatenate([a, b], axis=axis)), None
    if kind == "matmul":
        side = int(round(n ** 0.5))
        a = np.linspace(0, 1, side * side, dtype=dtype).reshape(side, side)
        b = np.linspace(1, 2, side * side, dtype=dtype).reshape(side, side)
        return (lambda: a @ b), None
    if kind in ("sum0", "sum1", "argmin1", "nanmax0", "summat"):
        side = int(round(n ** 0.5))
        m = f32(side * side, 0, 1).reshape(side, side)
        return {
            "sum0": lambda: m.sum(axis=0),
            "sum1": lambda: m.sum(axis=1),
            "argmin1": lambda: m.argmin(axis=1),
            "nanmax0": lambda: np.nanmax(m, axis=0),
            "summat": lambda: m.sum(),
        }[kind], None
    def arr(lo, hi):
        return np.linspace(lo, hi, n, dtype=dtype)

    a, b, c, e = arr(0, 1), arr(1, 2), arr(-1, 1), arr(2, 3)
    env = {"a": a, "b": b, "c": c, "e": e}

    def numexpr(expr):
        return (lambda: ne.evaluate(expr, local_dict=env)) if ne else None

    if kind == "add":
        return (lambda: a + b), numexpr("a + b")
    if kind == "fma2":
        return (lambda: a * b + c * e), numexpr("a*b + c*e")
    if kind == "sum":
        return (lambda: a.sum()), numexpr("sum(a)")
    if kind == "dot":
        return (lambda: (a * b).sum()), numexpr("sum(a*b)")
    if kind == "transc":
        return (lambda: np.sin(a) * np.exp(b) + np.sqrt(np.abs(c))), numexpr("sin(a)*exp(b) + sqrt(abs(c))")
    if kind == "pow2":
        return (lambda: a**2), numexpr("a**2")
    if kind == "pow":
        return (lambda: b**-1.5), numexpr("b**-1.5")
    if kind == "chain10":
        def chain():
            x = a * 1.5
            for k in range(9):
                x = x + b if k % 2 == 0 else x * 0.5
            return x
        return chain, numexpr("(((((((((a*1.5 + b)*0.5) + b)*0.5) + b)*0.5) + b)*0.5) + b)")
    raise SystemExit(f"unknown workload {kind}")


def main():
    repeat = int(os.environ.get("TANDEM_BENCH_REPEAT", "15"))
    out = {}
    for name in sys.argv[1:]:
        calls = calls_for(name)
        out[name] = {peer: median_time(fn, repeat, calls) for peer, fn in workloads(name).items()}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
