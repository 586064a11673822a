#!/usr/bin/python3
"""Summary of a scripts/bench.sh run: the core table with the NumPy ratio and each target.

Reads every *.json in the given folder (Google Benchmark's format, plus numpy.json from
numpy_reference.py). With repetitions, each case is represented by its fastest repetition (the
one least disturbed by other work on the machine); NumPy is timed as a median of many runs and
also reports its fastest, which is what the ratio uses, so both sides are measured alike.
"""

import argparse
import glob
import json
import os
import re
import sys

CASE = re.compile(r"^attention/(?P<scoring>[^/]+)/(?P<norm>[^/]+)/n:(?P<n>\d+)/"
                  r"d_model:(?P<d>\d+)/heads:(?P<h>\d+)(/repeats:\d+)?(/real_time)?$")


def load(folder):
    runs = {}     # file name -> {run name -> best iteration entry}
    contexts = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        name = os.path.splitext(os.path.basename(path))[0]
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"(skipping {path}: {error})")
            continue
        contexts[name] = data.get("context", {})
        best = {}
        for entry in data.get("benchmarks", []):
            if entry.get("run_type", "iteration") != "iteration" or entry.get("error_occurred"):
                continue
            key = entry.get("run_name", entry["name"])
            if key not in best or entry["real_time"] < best[key]["real_time"]:
                best[key] = entry
        runs[name] = best
    return runs, contexts


def ms(entry):
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[entry.get("time_unit", "ns")]
    return entry["real_time"] * scale


def verdict(ok):
    return "met" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--load", default="", help="load average to print with the figures")
    args = parser.parse_args()
    runs, contexts = load(args.folder)
    targets = []

    core = runs.get("bench_core", {})
    context = contexts.get("bench_core", {})
    gemm = float(context.get("gemm_gflops", "nan"))
    numpy = {}
    for name, entry in runs.get("numpy", {}).items():
        numpy[name.replace("numpy/", "attention/", 1)] = entry.get("min_time_ms", ms(entry))

    print(f"machine load (1, 5, 15 min) before / after: {args.load}")
    if context:
        print(f"host: {context.get('host_name', '?')}, {context.get('num_cpus', '?')} CPUs, "
              f"OpenMP threads {context.get('openmp_threads', '?')}, "
              f"Eigen SIMD {context.get('eigen_simd', '?')}")
    if "numpy" in contexts:
        c = contexts["numpy"]
        print(f"NumPy {c.get('numpy')} with BLAS {c.get('blas')}")
    else:
        print("NumPy reference: not run (python3-numpy missing)")

    if core:
        print(f"\nEigen float GEMM {context.get('gemm_size', '?')}^3 (calibration at start-up): "
              f"{gemm:.1f} GFLOP/s")
        for name, entry in sorted(core.items()):
            if name.startswith("gemm/"):
                print(f"  {name:40s} {ms(entry):9.3f} ms  {entry.get('GFLOP/s', 0):7.1f} GFLOP/s")
        print("Parts and variants of compute():")
        for name, entry in sorted(core.items()):
            if not name.startswith(("gemm/", "attention/")):
                rate = f"{entry['GFLOP/s']:7.1f} GFLOP/s" if "GFLOP/s" in entry else ""
                print(f"  {name:56s} {ms(entry):9.3f} ms  {rate}")
        print("\nCore: core::compute on a generated sentence of n words (tokenising and lexicon "
              "lookup included),\npre-drawn random projections passed as manual matrices (as "
              "NumPy gets them), no mask")
        header = (f"{'scoring':10s} {'normaliser':10s} {'n':>5s} {'d_model':>7s} {'H':>2s} "
                  f"{'ms':>9s} {'GFLOP/s':>8s} {'of GEMM':>8s} {'NumPy ms':>9s} {'× NumPy':>8s}")
        print(header)
        print("-" * len(header))
        cases = {}
        for name, entry in core.items():
            match = CASE.match(name)
            if not match:
                continue
            key = (match["scoring"], match["norm"], int(match["n"]), int(match["d"]),
                   int(match["h"]))
            cases[key] = entry
        for key in sorted(cases, key=lambda k: (k[2], k[3], k[4], k[0], k[1])):
            entry = cases[key]
            scoring, norm, n, d, h = key
            plain = f"attention/{scoring}/{norm}/n:{n}/d_model:{d}/heads:{h}"
            reference = numpy.get(plain)
            ratio = f"{reference / ms(entry):8.1f}" if reference else f"{'':8s}"
            ref_text = f"{reference:9.2f}" if reference else f"{'':9s}"
            print(f"{scoring:10s} {norm:10s} {n:5d} {d:7d} {h:2d} {ms(entry):9.3f} "
                  f"{entry.get('GFLOP/s', 0):8.1f} {entry.get('GEMM_frac', 0) * 100:7.1f}% "
                  f"{ref_text} {ratio}")

        head = cases.get(("scaled-dot", "softmax", 512, 256, 8))
        reference = numpy.get("attention/scaled-dot/softmax/n:512/d_model:256/heads:8")
        if head and reference:
            ratio = reference / ms(head)
            targets.append((f"n=512, d_model=256, 8 heads, scaled-dot softmax ≥ 3× faster than "
                            f"NumPy", f"{ratio:.1f}× ({ms(head):.2f} ms vs {reference:.2f} ms)",
                            ratio >= 3.0))
        for key, entry in sorted(cases.items(), key=lambda item: (item[0][2], item[0][3], item[0][4])):
            scoring, norm, n, d, h = key
            if n >= 1024 and scoring == "scaled-dot" and norm == "softmax":
                fraction = entry.get("GEMM_frac", 0.0)
                targets.append((f"n={n}, d_model={d}, {h} head(s): ≥ 50 % of the GEMM rate",
                                f"{fraction * 100:.0f} % ({entry.get('GFLOP/s', 0):.1f} of "
                                f"{gemm:.1f} GFLOP/s)", fraction >= 0.5))
        for key, entry in sorted(cases.items()):
            scoring, norm, n, d, h = key
            if scoring == "additive" and norm == "softmax":
                base = cases.get(("scaled-dot", "softmax", n, d, h))
                if base:
                    ratio = ms(entry) / ms(base)
                    targets.append((f"additive ≤ 4× scaled-dot at n={n}, d_model={d}, {h} heads",
                                    f"{ratio:.2f}×", ratio <= 4.0))

    ui = runs.get("bench_ui", {})
    if ui:
        print("\nGUI (offscreen): keystroke to replot finished, cold start, event-loop stalls")
        for name, entry in sorted(ui.items()):
            counters = {k: v for k, v in entry.items()
                        if isinstance(v, (int, float)) and k not in (
                            "real_time", "cpu_time", "iterations", "repetitions",
                            "repetition_index", "threads", "family_index",
                            "per_family_instance_index")}
            text = ", ".join(f"{k}={v:.2f}" for k, v in sorted(counters.items()))
            print(f"  {name:48s} {text}")
            limit = entry.get("target_ms")
            if limit is None:
                continue
            for measure in ("p95_ms", "max_stall_ms", "first_heatmap_ms", "export_ms"):
                if measure in entry:
                    value = entry[measure]
                    targets.append((f"{name}: {measure} ≤ {limit:g} ms", f"{value:.1f} ms",
                                    value <= limit))
                    break

    for name, best in sorted(runs.items()):
        if name in ("bench_core", "bench_ui", "numpy") or not best:
            continue
        print(f"\n{name}")
        for run, entry in sorted(best.items()):
            counters = {k: v for k, v in entry.items()
                        if isinstance(v, (int, float)) and k not in (
                            "real_time", "cpu_time", "iterations", "repetitions",
                            "repetition_index", "threads", "family_index",
                            "per_family_instance_index")}
            text = ", ".join(f"{k}={v:.4g}" for k, v in sorted(counters.items()))
            print(f"  {run:48s} {ms(entry):10.3f} ms  {text}")

    if targets:
        print("\nTargets")
        for what, value, ok in targets:
            print(f"  [{verdict(ok):6s}] {what}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
