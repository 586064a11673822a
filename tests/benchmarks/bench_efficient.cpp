// Benchmarks of the efficient kinds of attention against their targets (issue 16) and against a
// NumPy reference computing the same, measured in the same run (tests/benchmarks/
// numpy_efficient.py, started by this program before the C++ cases):
//
//   tiled exact attention   n = 32,768, d_k 64, one head: ≤ 3 s and ≤ 200 MB
//                           n = 100,000: completes within the same memory
//   linear attention        n = 1,000,000, d_k 64: ≤ 2 s (every feature map, and causal elu)
//   window attention        n = 100,000, W = 64: ≤ 1 s (computed sparsely)
//
// and the complexity lab on the command line's example (dense, tiled, window:64, linear:elu at
// n = 256 … 65536), whose table and findings are printed.
//
// Counters: seconds (wall time, best of ATTNLAB_BENCH_REPS runs, default 1), cpu_s (CPU time of
// the process, all threads, in the best run: on a machine shared with other work the wall time
// can be several times the CPU time), peak_MB (peak resident memory above the start of the
// first run: inputs excluded, outputs included), target_s, target_MB, numpy_s and x_numpy
// (NumPy's wall time / ours, > 1 means faster than NumPy), numpy_cpu_s and x_numpy_cpu (the same
// with CPU times), meets (1 when every target of the case is met by the wall time).
// ATTNLAB_BENCH_NO_NUMPY=1 skips the reference. ATTNLAB_BENCH_QUICK=1 (scripts/bench.sh --quick)
// times NumPy without its warm-up run and stops the complexity lab at n = 16384; the cases with
// targets keep their sizes, since a target is only met or missed at its own size.
// After the cases a summary prints each figure beside its target and NumPy's.

#include "core/attention/mask.h"
#include "core/efficient/complexity.h"
#include "core/efficient/complexity_report.h"
#include "core/efficient/linear_attention.h"
#include "core/efficient/memory_probe.h"
#include "core/efficient/sparse_attention.h"
#include "core/efficient/tiled_attention.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace core = attnlab::core;
using core::Matrix;

std::map<std::string, double> g_numpy;    // case → seconds, measured at start-up
std::map<std::string, double> g_numpyCpu; // case → CPU seconds (all threads) of that run
std::string g_numpyContext;

// One line of the closing summary.
struct Row {
    std::string name;
    double seconds = 0, cpuSeconds = 0, peakMB = -1, targetSeconds = 0, targetMB = 0;
    double numpySeconds = -1, numpyCpuSeconds = -1;
    bool meets = true;
};
std::vector<Row> g_rows;
std::string g_current; // the name of the case being run, set where it is registered

bool quick() {
    const char* text = std::getenv("ATTNLAB_BENCH_QUICK");
    return text && *text && std::string(text) != "0";
}

struct Inputs {
    Matrix q, k, v;
};

// Uniform random inputs (Eigen's generator: the benchmark needs no cross-machine identity).
const Inputs& inputs(int n, int d) {
    static std::map<std::pair<int, int>, std::unique_ptr<Inputs>> cache;
    auto& slot = cache[{n, d}];
    if (!slot) {
        cache.clear(); // one size at a time: 1,000,000 × 64 × 3 floats is 768 MB
        std::srand(42);
        auto& fresh = cache[{n, d}];
        fresh = std::make_unique<Inputs>(
            Inputs{Matrix::Random(n, d), Matrix::Random(n, d), Matrix::Random(n, d)});
        return *fresh;
    }
    return *slot;
}

// CPU time of the whole process (every thread), seconds.
double processCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

int repetitions() {
    const char* text = std::getenv("ATTNLAB_BENCH_REPS");
    return text ? std::max(1, std::atoi(text)) : 1;
}

// Runs `work` the chosen number of times; reports the best time, the first run's peak memory and
// the comparison with the targets and NumPy.
void measure(benchmark::State& state, const std::function<void()>& work, double targetSeconds,
             double targetMegabytes, const std::string& numpyCase) {
    double best = 1e300, bestCpu = 1e300, peak = -1;
    for (auto _ : state) {
        for (int r = 0; r < repetitions(); ++r) {
            const core::PeakMemoryProbe probe;
            const double cpuStart = processCpuSeconds();
            const auto start = std::chrono::steady_clock::now();
            work();
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            bestCpu = std::min(bestCpu, processCpuSeconds() - cpuStart);
            if (r == 0)
                peak = static_cast<double>(probe.peakBytes()) / (1 << 20);
            best = std::min(best, seconds);
        }
        state.SetIterationTime(best);
    }
    state.counters["seconds"] = best;
    state.counters["cpu_s"] = bestCpu;
    state.counters["peak_MB"] = peak;
    bool meets = true;
    if (targetSeconds > 0) {
        state.counters["target_s"] = targetSeconds;
        meets = meets && best <= targetSeconds;
    }
    if (targetMegabytes > 0) {
        state.counters["target_MB"] = targetMegabytes;
        meets = meets && peak >= 0 && peak <= targetMegabytes;
    }
    state.counters["meets"] = meets ? 1 : 0;
    Row row{g_current, best, bestCpu, peak, targetSeconds, targetMegabytes};
    row.meets = meets;
    if (const auto it = g_numpy.find(numpyCase); it != g_numpy.end()) {
        state.counters["numpy_s"] = it->second;
        state.counters["x_numpy"] = it->second / best;
        row.numpySeconds = it->second;
    }
    if (const auto it = g_numpyCpu.find(numpyCase); it != g_numpyCpu.end()) {
        state.counters["numpy_cpu_s"] = it->second;
        state.counters["x_numpy_cpu"] = it->second / bestCpu;
        row.numpyCpuSeconds = it->second;
    }
    g_rows.push_back(row);
}

// The closing summary: every measured case against its target and against NumPy.
void printSummary() {
    if (g_rows.empty())
        return;
    std::printf("\nIssue 16 targets (wall time, best of %d; peak memory above the inputs)\n",
                repetitions());
    std::printf("%-36s %9s %9s %8s %8s %9s %9s %9s  %s\n", "case", "seconds", "cpu_s", "target_s",
                "peak_MB", "target_MB", "numpy_s", "x_numpy", "verdict");
    // A figure, or "-" where there is none (no target, no reference).
    auto cell = [](bool present, double value, const char* format) {
        char text[32] = "-";
        if (present)
            std::snprintf(text, sizeof text, format, value);
        return std::string(text);
    };
    for (const Row& row : g_rows) {
        const bool hasTarget = row.targetSeconds > 0 || row.targetMB > 0;
        const bool hasNumpy = row.numpySeconds > 0;
        std::printf("%-36s %9.3f %9.3f %8s %8s %9s %9s %9s  %s\n", row.name.c_str(), row.seconds,
                    row.cpuSeconds, cell(row.targetSeconds > 0, row.targetSeconds, "%.1f").c_str(),
                    cell(row.peakMB >= 0, row.peakMB, "%.0f").c_str(),
                    cell(row.targetMB > 0, row.targetMB, "%.0f").c_str(),
                    cell(hasNumpy, row.numpySeconds, "%.3f").c_str(),
                    cell(hasNumpy, row.numpySeconds / row.seconds, "%.2f").c_str(),
                    !hasTarget  ? "(no target)"
                    : row.meets ? "meets"
                                : "MISSES");
    }
    std::printf("x_numpy > 1: faster than NumPy measured in the same run%s\n",
                g_numpy.empty() ? " (NumPy reference not run)" : "");
    std::fflush(stdout);
}

void tiled(benchmark::State& state, int n, int pooled, double targetSeconds, double targetMB) {
    const Inputs& in = inputs(n, 64);
    measure(
        state,
        [&] {
            const core::TiledAttentionResult result = core::tiledAttention(in.q, in.k, in.v);
            benchmark::DoNotOptimize(result.context.data());
            if (pooled > 0) {
                const Matrix image = core::tiledPooledWeights(in.q, in.k, result, pooled, pooled);
                benchmark::DoNotOptimize(image.data());
            }
        },
        targetSeconds, targetMB, pooled > 0 ? "" : "exact:" + std::to_string(n) + ":64");
}

void linear(benchmark::State& state, core::FeatureMap map, bool causal) {
    const int n = 1'000'000;
    const Inputs& in = inputs(n, 64);
    core::LinearAttentionOptions options;
    options.featureMap = map;
    options.features = 256;
    options.causal = causal;
    const std::string name = std::string(core::toString(map));
    measure(
        state,
        [&] {
            const core::LinearAttentionResult result =
                core::linearAttention(in.q, in.k, in.v, options);
            benchmark::DoNotOptimize(result.context.data());
        },
        2.0, 0, causal ? "causal:1000000:64" : "linear:" + name + ":1000000:64");
}

void window(benchmark::State& state, bool keepWeights) {
    const int n = 100'000;
    const Inputs& in = inputs(n, 64);
    const core::MaskPattern mask(core::parseMask("window:64"), n, n);
    core::SparseAttentionOptions options;
    options.keepWeights = keepWeights;
    measure(
        state,
        [&] {
            const core::SparseAttentionResult result =
                core::sparseAttention(in.q, in.k, in.v, mask, options);
            benchmark::DoNotOptimize(result.context.data());
        },
        1.0, 0, keepWeights ? "" : "window:100000:64:64");
}

void complexityLab(benchmark::State& state) {
    core::ComplexityConfig config;
    config.kinds = core::parseComplexityKinds("dense,tiled,window:64,linear:elu");
    config.sizes =
        core::parseComplexitySizes(quick() ? "256,1024,4096,16384" : "256,1024,4096,16384,65536");
    config.dK = 64;
    config.heads = 1;
    core::ComplexityResult result;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        result = core::runComplexity(config);
        state.SetIterationTime(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::cout << "\n"
              << core::formatComplexityTable(result, core::compareWithTutorial(result)) << "\n"
              << core::complexityCsv(result) << std::endl;
}

// Starts the NumPy reference for the cases of this program and reads its figures.
void runNumpy() {
    if (std::getenv("ATTNLAB_BENCH_NO_NUMPY"))
        return;
    const std::string script =
        std::string(ATTNLAB_SOURCE_DIR) + "/tests/benchmarks/numpy_efficient.py";
    const std::string command = "/usr/bin/python3 '" + script + "' --repetitions " +
                                std::to_string(repetitions()) + (quick() ? " --no-warmup" : "") +
                                " exact:32768:64 linear:elu:1000000:64 linear:relu:1000000:64"
                                " linear:softmax:1000000:64 linear:favor:1000000:64"
                                " causal:1000000:64 window:100000:64:64";
    std::FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        std::cerr << "bench_efficient: cannot start " << command << "\n";
        return;
    }
    std::string output;
    char buffer[4096];
    while (std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe))
        output.append(buffer, read);
    if (pclose(pipe) != 0 || output.empty()) {
        std::cerr << "bench_efficient: the NumPy reference failed; no comparison\n";
        return;
    }
    const nlohmann::json report = nlohmann::json::parse(output, nullptr, false);
    if (report.is_discarded() || !report.contains("cases"))
        return;
    for (const auto& [name, seconds] : report["cases"].items())
        g_numpy[name] = seconds.get<double>();
    if (report.contains("cpu"))
        for (const auto& [name, seconds] : report["cpu"].items())
            g_numpyCpu[name] = seconds.get<double>();
    g_numpyContext = report["context"].dump();
}

// Registers `function(state, arguments…)` under `name`, run once with manual timing, the name
// kept for the summary (this version of Google Benchmark does not give it to the case).
template <typename Function, typename... Arguments>
void add(const std::string& name, Function function, Arguments... arguments) {
    benchmark::RegisterBenchmark(name.c_str(),
                                 [=](benchmark::State& state) {
                                     g_current = name;
                                     function(state, arguments...);
                                 })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
}

} // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    runNumpy();
    if (!g_numpyContext.empty())
        benchmark::AddCustomContext("numpy", g_numpyContext);
    benchmark::AddCustomContext("peak_memory", std::string(core::PeakMemoryProbe::method()));
    add("tiled/n:32768/d_k:64", tiled, 32768, 0, 3.0, 200.0);
    add("tiled+pooled512/n:32768/d_k:64", tiled, 32768, 512, 0.0, 200.0);
    add("tiled/n:100000/d_k:64", tiled, 100000, 0, 0.0, 200.0);
    for (core::FeatureMap map : {core::FeatureMap::Elu, core::FeatureMap::Relu,
                                 core::FeatureMap::Softmax, core::FeatureMap::Favor})
        add("linear:" + std::string(core::toString(map)) + "/n:1000000/d_k:64", linear, map, false);
    add("linear:elu:causal/n:1000000/d_k:64", linear, core::FeatureMap::Elu, true);
    add("window:64/n:100000/d_k:64", window, false);
    add("window:64+weights/n:100000/d_k:64", window, true);
    add("complexity-lab/cli-example", complexityLab);
    benchmark::RunSpecifiedBenchmarks();
    printSummary();
    benchmark::Shutdown();
    return 0;
}
