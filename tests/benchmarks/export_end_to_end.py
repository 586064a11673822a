#!/usr/bin/env python3
"""End-to-end export of the weights against NumPy, measured in one run (issue 16, items 1-2).

The program: `attention-lab --sentence <n words> --heads H --d-model D --export-data w.npy`, from
process start to the file on disk (tokens, embeddings, every head, the .npy streamed). NumPy: the
same shapes (X of n x D, identity slices as W_q = W_k, scaled-dot softmax per head) computed and
saved with np.save, timed inside the interpreter (its start-up is not counted, which favours
NumPy). Best of --repeat runs each; prints both times and the ratio NumPy / program (> 1 means
the program is faster).

Usage: export_end_to_end.py BINARY [--n 2000] [--heads 8] [--d-model 256] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def program_seconds(binary: str, n: int, heads: int, d_model: int, out: str) -> float:
    sentence = " ".join(f"w{i}" for i in range(n))
    args = [binary, "--sentence", sentence, "--heads", str(heads), "--d-model", str(d_model),
            "--max-tokens", str(max(n, 4096)), "--export-data", out]
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def numpy_seconds(n: int, heads: int, d_model: int, out: str) -> float:
    d_k = d_model // heads
    x = np.random.default_rng(0).standard_normal((n, d_model)).astype(np.float32)
    start = time.perf_counter()
    weights = np.empty((heads, n, n), dtype=np.float32)
    for h in range(heads):
        q = x[:, h * d_k:(h + 1) * d_k]
        s = q @ q.T / np.float32(np.sqrt(d_k))
        s -= s.max(axis=1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(axis=1, keepdims=True)
        weights[h] = s
    np.save(out, weights)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours = os.path.join(folder, "w.npy")
        theirs = os.path.join(folder, "w_numpy.npy")
        program = min(program_seconds(options.binary, options.n, options.heads, options.d_model,
                                      ours) for _ in range(options.repeat))
        reference = min(numpy_seconds(options.n, options.heads, options.d_model, theirs)
                        for _ in range(options.repeat))
        shape = np.load(ours, mmap_mode="r").shape
    print(f"n = {options.n}, {options.heads} heads, d_model {options.d_model}, weights {shape}")
    print(f"attention-lab end to end (best of {options.repeat}): {program:.3f} s")
    print(f"NumPy compute + np.save (best of {options.repeat}): {reference:.3f} s")
    print(f"ratio NumPy / attention-lab: {reference / program:.2f}x (target >= 1.5x)")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
