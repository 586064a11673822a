#!/usr/bin/python3
"""NumPy reference of Attention Lab's core computation, for the benchmark ratio.

Computes what core::compute computes for self-attention with random projections and no mask
(attention-math.md): per head Q, K, V; scores; logits L = S / T; the mask; the stable softmax;
context C = A V; the entropy and argmax of every row; the mean and max over heads; and the
output O = [C_1 … C_H] W_o. Everything is float32, heads are batched (the fastest plain NumPy
form). Tokenising and the lexicon lookup have no NumPy counterpart and are left out (the C++
figure includes them).

Writes Google-Benchmark-like JSON, so scripts/bench.sh can put it next to the C++ figures.
Exits 0 with a message on stderr when NumPy is not installed.
"""

import argparse
import json
import math
import os
import platform
import sys
import time

try:
    import numpy as np
except ImportError:
    np = None


def blas_library():
    """Which BLAS NumPy loaded, read from this process's memory map (Linux)."""
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


def make_inputs(n, d_model, heads, seed):
    rng = np.random.default_rng(seed)
    d_k = d_model // heads
    x = rng.standard_normal((n, d_model), dtype=np.float32)
    scale = np.float32(1.0 / math.sqrt(d_model))
    w_q = rng.standard_normal((d_model, heads * d_k), dtype=np.float32) * scale
    w_k = rng.standard_normal((d_model, heads * d_k), dtype=np.float32) * scale
    w_v = rng.standard_normal((d_model, heads * d_k), dtype=np.float32) * scale
    w_o = rng.standard_normal((heads * d_k, d_model), dtype=np.float32) * np.float32(
        1.0 / math.sqrt(heads * d_k))
    allowed = np.ones((n, n), dtype=bool)
    return x, w_q, w_k, w_v, w_o, allowed


def attention(x, w_q, w_k, w_v, w_o, allowed, heads, temperature=np.float32(1.0)):
    n = x.shape[0]
    d_k = w_q.shape[1] // heads
    # [heads, n, d_k]
    q = (x @ w_q).reshape(n, heads, d_k).transpose(1, 0, 2)
    k = (x @ w_k).reshape(n, heads, d_k).transpose(1, 0, 2)
    v = (x @ w_v).reshape(n, heads, d_k).transpose(1, 0, 2)
    scores = (q @ k.transpose(0, 2, 1)) / np.float32(math.sqrt(d_k))
    largest = np.finfo(np.float32).max
    logits = np.clip(scores / temperature, -largest, largest)
    logits = np.where(allowed, logits, np.float32(-np.inf))
    top = logits.max(axis=2, keepdims=True)
    weights = np.exp(logits - top)
    weights /= weights.sum(axis=2, keepdims=True)
    context = weights @ v
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(weights > 0, weights * np.log(weights), np.float32(0)).sum(axis=2)
    argmax = weights.argmax(axis=2)
    mean_weights = weights.mean(axis=0)
    max_weights = weights.max(axis=0)
    concatenated = context.transpose(1, 0, 2).reshape(n, heads * d_k)
    output = concatenated @ w_o
    return scores, logits, weights, context, entropy, argmax, mean_weights, max_weights, output


def time_case(n, d_model, heads, min_time, seed):
    inputs = make_inputs(n, d_model, heads, seed)
    attention(*inputs, heads)  # warm-up: BLAS threads, page faults
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < min_time or len(times) < 3:
        t0 = time.perf_counter()
        attention(*inputs, heads)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", default=[],
                        help="n,d_model,heads (repeatable; default 512,256,8)")
    parser.add_argument("--min-time", type=float, default=1.0,
                        help="seconds to spend per case (default 1)")
    parser.add_argument("--out", help="write JSON here as well as printing a summary")
    args = parser.parse_args()

    if np is None:
        print("numpy_reference: NumPy is not installed (apt-get install python3-numpy); "
              "skipping the NumPy reference", file=sys.stderr)
        return 0

    cases = args.case or ["512,256,8"]
    benchmarks = []
    for case in cases:
        n, d_model, heads = (int(part) for part in case.split(","))
        times = time_case(n, d_model, heads, args.min_time, seed=42)
        median = times[len(times) // 2]
        name = f"numpy/scaled-dot/softmax/n:{n}/d_model:{d_model}/heads:{heads}"
        benchmarks.append({
            "name": name,
            "run_type": "iteration",
            "iterations": len(times),
            "real_time": median * 1e3,
            "min_time_ms": times[0] * 1e3,
            "time_unit": "ms",
            "n": n,
            "d_model": d_model,
            "heads": heads,
        })
        print(f"{name:60s} {median * 1e3:10.3f} ms (median of {len(times)}, "
              f"best {times[0] * 1e3:.3f} ms)")

    report = {
        "context": {
            "numpy": np.__version__,
            "python": platform.python_version(),
            "blas": blas_library(),
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", ""),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", ""),
        },
        "benchmarks": benchmarks,
    }
    print(f"NumPy {np.__version__}, BLAS: {report['context']['blas']}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
