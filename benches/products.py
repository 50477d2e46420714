#!/usr/bin/env python3
"""NumPy's side of benches/products.rs: times `a @ b` (and `relu(a @ b +
bias)` as NumPy's three operations) for the workloads named on the command
line (`matmul_f32_1024`, `bmatmul_f64_64x128`, `relumm_f32_1024`) and prints
{name: median_seconds} as JSON. The inputs are the ramps products.rs makes.
TANDEM_BENCH_SECONDS is the time budget per workload (at least 3 samples).
"""
import json
import os
import sys
import time

import numpy as np


def median(f):
    budget = float(os.environ.get("TANDEM_BENCH_SECONDS", "1"))
    f()
    start, times = time.perf_counter(), []
    while len(times) < 3 or (time.perf_counter() - start < budget and len(times) < 50):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def workload(name):
    kind, dtype, size = name.split("_")
    dt = {"f32": np.float32, "f64": np.float64}[dtype]
    batch, side = (int(size.split("x")[0]), int(size.split("x")[1])) if "x" in size else (1, int(size))
    n = batch * side * side
    shape = (batch, side, side) if kind == "bmatmul" else (side, side)
    ramp = lambda lo, hi: (lo + (hi - lo) * np.arange(n, dtype=np.float64) / n).astype(dt).reshape(shape)
    a, b = ramp(0.0, 1.0), ramp(1.0, 2.0)
    bias = np.linspace(-1.0, 1.0, side).astype(dt)
    if kind == "relumm":
        return lambda: np.maximum(a @ b + bias, 0)
    return lambda: a @ b


if __name__ == "__main__":
    json.dump({name: median(workload(name)) for name in sys.argv[1:]}, sys.stdout)
