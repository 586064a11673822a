#!/usr/bin/python3
"""NumPy reference of Attention Lab's efficient kinds of attention, for bench_efficient.

Each case computes, in float32 and in the plainest fast NumPy form, what the C++ kernel of the
same name computes (docs/attention-math.md, "Efficient attention"):

  exact:N:D         exact softmax attention softmax(QKᵀ/√d)V, a block of 1024 queries at a time
                    (the n × n scores of n = 32768 would need 4 GiB)
  linear:MAP:N:D    linear attention φ(Q)(φ(K)ᵀV) / (φ(Q)Σφ(k)), MAP elu, relu, softmax or
                    favor (256 features, stabilised as the C++ kernel)
  causal:N:D        causal linear attention with elu features, 1024 rows at a time with a
                    running state
  window:N:D:W      sliding-window attention |i − j| ≤ W over a strided view of the keys

Prints one JSON object {"context": …, "cases": {name: best seconds}, "cpu": {name: CPU seconds
of that run, all threads}} on stdout, so that the
benchmark program that starts it reads the figures measured in the same run. Exits 0 with an
empty "cases" when NumPy is missing.
"""

import argparse
import json
import math
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    np = None


def blas_library():
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            names = {line.split()[-1] for line in maps if ".so" in line}
    except OSError:
        return "unknown"
    for name in sorted(names):
        base = os.path.basename(name)
        if "openblas" in base or "libblas" in base or "mkl" in base or "blis" in base:
            return os.path.realpath(name)
    return "unknown"


def inputs(n, d, seed=42):
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal((n, d), dtype=np.float32) for _ in range(3))


def exact(q, k, v, block=1024):
    scale = np.float32(1.0 / math.sqrt(q.shape[1]))
    out = np.empty((q.shape[0], v.shape[1]), dtype=np.float32)
    kt = k.T.copy()
    for start in range(0, q.shape[0], block):
        s = (q[start:start + block] * scale) @ kt
        s -= s.max(axis=1, keepdims=True)
        np.exp(s, out=s)
        total = s.sum(axis=1, keepdims=True)
        out[start:start + block] = (s @ v) / total
    return out


def features(x, name, omega=None):
    if name == "elu":
        return np.where(x > 0, x + 1, np.exp(np.minimum(x, 0)))
    if name == "relu":
        return np.maximum(x, 0)
    if name == "softmax":
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def favor(x, omega, query):
    scaled = x * np.float32(x.shape[1] ** -0.25)
    p = scaled @ omega.T
    if query:
        p -= p.max(axis=1, keepdims=True)
    else:
        p -= 0.5 * (scaled * scaled).sum(axis=1, keepdims=True)
        p -= p.max()
    return np.exp(p)


def linear(q, k, v, name):
    if name == "favor":
        omega = np.random.default_rng(7).standard_normal((256, q.shape[1]), dtype=np.float32)
        fq, fk = favor(q, omega, True), favor(k, omega, False)
    else:
        fq, fk = features(q, name), features(k, name)
    kv = fk.T @ v
    z = fk.sum(axis=0)
    return (fq @ kv) / (fq @ z)[:, None]


def causal(q, k, v, block=1024):
    fq, fk = features(q, "elu"), features(k, "elu")
    state = np.zeros((fq.shape[1], v.shape[1]), dtype=np.float32)
    z = np.zeros(fq.shape[1], dtype=np.float32)
    out = np.empty((q.shape[0], v.shape[1]), dtype=np.float32)
    for start in range(0, q.shape[0], block):
        a, b, c = fq[start:start + block], fk[start:start + block], v[start:start + block]
        scores = np.tril(a @ b.T)
        out[start:start + block] = (a @ state + scores @ c) / (a @ z + scores.sum(axis=1))[:, None]
        state += b.T @ c
        z += b.sum(axis=0)
    return out


def window(q, k, v, w):
    n, d = q.shape
    scale = np.float32(1.0 / math.sqrt(d))
    pad = np.zeros((w, d), dtype=np.float32)
    kw = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, k, pad]), (2 * w + 1, d))
    vw = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, v, pad]), (2 * w + 1, d))
    kw, vw = kw[:, 0], vw[:, 0]  # n × (2w + 1) × d views, no copy
    s = np.einsum("nd,nwd->nw", q * scale, kw)
    offsets = np.arange(-w, w + 1)
    rows = np.arange(n)[:, None] + offsets[None, :]
    s[(rows < 0) | (rows >= n)] = -np.inf
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return np.einsum("nw,nwd->nd", s, vw)


def run(case):
    parts = case.split(":")
    kind = parts[0]
    if kind == "exact":
        n, d = int(parts[1]), int(parts[2])
        q, k, v = inputs(n, d)
        return lambda: exact(q, k, v)
    if kind == "linear":
        name, n, d = parts[1], int(parts[2]), int(parts[3])
        q, k, v = inputs(n, d)
        return lambda: linear(q, k, v, name)
    if kind == "causal":
        n, d = int(parts[1]), int(parts[2])
        q, k, v = inputs(n, d)
        return lambda: causal(q, k, v)
    if kind == "window":
        n, d, w = int(parts[1]), int(parts[2]), int(parts[3])
        q, k, v = inputs(n, d)
        return lambda: window(q, k, v, w)
    raise ValueError(f"unknown case {case}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="time the first run too (the long cases take tens of seconds)")
    args = parser.parse_args()
    report = {"context": {}, "cases": {}, "cpu": {}}
    if np is None:
        print("numpy_efficient: NumPy is not installed; no reference", file=sys.stderr)
        print(json.dumps(report))
        return 0
    report["context"] = {"numpy": np.__version__, "blas": blas_library(),
                         "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "")}
    for case in args.cases:
        compute = run(case)
        if args.warmup:
            compute()  # BLAS threads, page faults
        best, best_cpu = math.inf, math.inf
        for _ in range(args.repetitions):
            start, start_cpu = time.perf_counter(), time.process_time()
            compute()
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
        report["cases"][case] = best
        report["cpu"][case] = best_cpu
        print(f"numpy_efficient: {case}: {best:.3f} s ({best_cpu:.3f} s of CPU)", file=sys.stderr)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
