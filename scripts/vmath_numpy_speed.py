#!/usr/bin/env python3
"""NumPy's time per element for the ufuncs vmath added last (log1p, expm1,
cbrt, arcsinh, arccosh, arctanh, logaddexp, logaddexp2), on the inputs
`backend-cpu/examples/vmath_speed.rs` uses, single-threaded (NumPy's ufuncs
are). Usage: python3 scripts/vmath_numpy_speed.py [n]"""
import sys, time
import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
g = 0.6180339887498949

def inputs(dt, lo, hi):
    i = np.arange(n, dtype=np.float64)
    return (lo + (hi - lo) * ((i * g) % 1.0)).astype(np.float32).astype(dt)

def best(f, reps=5):
    t = float('inf')
    for _ in range(reps):
        s = time.perf_counter()
        f()
        t = min(t, time.perf_counter() - s)
    return t

cases = [
    ('log1p', np.log1p, -0.9, 10.0), ('expm1', np.expm1, -5.0, 5.0),
    ('cbrt', np.cbrt, -100.0, 100.0), ('asinh', np.arcsinh, -10.0, 10.0),
    ('acosh', np.arccosh, 1.0, 10.0), ('atanh', np.arctanh, -0.99, 0.99),
]
print(f'{n} elements, numpy {np.__version__}')
for name, f, lo, hi in cases:
    for dt in (np.float32, np.float64):
        x = inputs(dt, lo, hi)
        out = np.empty_like(x)
        t = best(lambda: f(x, out=out))
        print(f'{name}_{np.dtype(dt).name[5:] and "f" + np.dtype(dt).name[5:]:<10} numpy {t / n * 1e9:6.2f} ns/elem')
for name, f in (('logaddexp', np.logaddexp), ('logaddexp2', np.logaddexp2)):
    for dt in (np.float32, np.float64):
        a = inputs(dt, -10.0, 10.0)
        b = a[::-1].copy()
        out = np.empty_like(a)
        t = best(lambda: f(a, b, out=out))
        print(f'{name}_{"f" + np.dtype(dt).name[5:]:<10} numpy {t / n * 1e9:6.2f} ns/elem')
