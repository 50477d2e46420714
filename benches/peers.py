#!/usr/bin/env python3
"""The peers' side of tandem's benchmarks: times NumPy (and numexpr, where
it has the workload) on the workloads named on the command line and prints
one JSON object {workload: {peer: median_seconds}}.

Called by benches/compare.rs in the same run as tandem's timings, so the
ratios compare like with like on a noisy machine. Workload names and their
inputs must match compare.rs (see WORKLOADS below).
"""
import json
import os
import sys
import time

import numpy as np

try:
    import numexpr as ne
    ne.set_num_threads(int(os.environ.get("TANDEM_BENCH_THREADS", "2")))
except ImportError:  # numexpr is optional
    ne = None


def median_time(f, repeat):
    f()  # warm-up (page faults, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def f32(n, lo, hi):
    return np.linspace(lo, hi, n, dtype=np.float32)


def workloads(name):
    """(numpy_fn, numexpr_fn or None) for a workload name 'kind[_f64]:size'."""
    kind, size = name.split(":")
    n = int(float(size))
    dtype = np.float32
    if kind.endswith("_f64"):
        kind, dtype = kind[: -len("_f64")], np.float64
    if kind == "concat0" or kind == "concat1":
        side = int(round(n ** 0.5))
        a = f32(side * side, 0, 1).reshape(side, side)
        b = f32(side * side, 1, 2).reshape(side, side)
        axis = int(kind[-1])
        return (lambda: np.concatenate([a, b], axis=axis)), None
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
    raise SystemExit(f"unknown workload {name}")


def main():
    repeat = int(os.environ.get("TANDEM_BENCH_REPEAT", "15"))
    out = {}
    for name in sys.argv[1:]:
        np_fn, ne_fn = workloads(name)
        out[name] = {"numpy": median_time(np_fn, repeat)}
        if ne_fn is not None:
            out[name]["numexpr"] = median_time(ne_fn, repeat)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
