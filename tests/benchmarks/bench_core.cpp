// Core benchmarks: full multi-head compute (tokens → weights → output) over sizes, scoring
// functions and normalisers, with achieved GFLOP/s and that rate as a fraction of this machine's
// Eigen float GEMM rate, measured at start-up in the same run.
//
// Every case runs core::runBuiltin on a generated sentence of n words (ICU word tokenising and the
// built-in lexicon lookup are part of the time), random projections (so that the projections are
// real dense products, pre-drawn and passed as manual matrices) and no mask. Counters:
//   GFLOP/s     flops of the matrix products / wall time (see bench_workloads.h)
//   GEMM_frac   GFLOP/s / the GEMM rate of the calibration at start-up
//   n, d_model, heads   the shape, for the report script

#include "bench_workloads.h"

#include "core/base/memory.h"
#include "core/base/random.h"
#include "core/embeddings/embeddings.h"
#include "core/model/builtin_model.h"
#include "core/text/tokenizer.h"

#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using attnlab::core::Matrix;
using attnlab::core::Normalizer;
using attnlab::core::ScoringFunction;
namespace core = attnlab::core;

constexpr int kGemmSize = 1024;
double g_gemmGflops = 0.0; // calibrated in main() before any benchmark runs

double gemmFlops(int size) {
    return 2.0 * size * static_cast<double>(size) * size;
}

// Best of several timed GEMMs of `size`³ (row-major float, as the core stores its matrices).
double measureGemmGflops(int size, double seconds) {
    const Matrix a = Matrix::Random(size, size);
    const Matrix b = Matrix::Random(size, size);
    Matrix c(size, size);
    c.noalias() = a * b; // warm the caches and the thread pool
    double best = 0.0;
    const auto start = std::chrono::steady_clock::now();
    do {
        const auto t0 = std::chrono::steady_clock::now();
        c.noalias() = a * b;
        benchmark::DoNotOptimize(c.data());
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, gemmFlops(size) / elapsed * 1e-9);
    } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
             seconds);
    return best;
}

// Sets GFLOP/s and GEMM_frac from the wall time of the timed loop (measured by the caller, so
// that the counters read as plain numbers rather than Google Benchmark's per-second rates).
void setRateCounters(benchmark::State& state, double flopsPerIteration, double seconds) {
    if (seconds <= 0.0 || state.iterations() == 0)
        return;
    const double gflops =
        flopsPerIteration * static_cast<double>(state.iterations()) / seconds * 1e-9;
    state.counters["GFLOP/s"] = gflops;
    if (g_gemmGflops > 0.0)
        state.counters["GEMM_frac"] = gflops / g_gemmGflops;
}

// Wall time of a timed loop, summed over its iterations.
class WallClock {
public:
    void start() { m_start = std::chrono::steady_clock::now(); }
    void stop() {
        m_seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }
    double seconds() const { return m_seconds; }

private:
    std::chrono::steady_clock::time_point m_start;
    double m_seconds = 0.0;
};

void BM_Gemm(benchmark::State& state) {
    const int size = static_cast<int>(state.range(0));
    const Matrix a = Matrix::Random(size, size);
    const Matrix b = Matrix::Random(size, size);
    Matrix c(size, size);
    WallClock clock;
    for (auto _ : state) {
        clock.start();
        c.noalias() = a * b;
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
        clock.stop();
    }
    setRateCounters(state, gemmFlops(size), clock.seconds());
    state.counters["n"] = size;
}

// The built-in lexicon per width, built once (the GUI's controller caches it the same way).
std::shared_ptr<const core::EmbeddingTable> lexicon(int dModel) {
    static std::map<int, std::shared_ptr<const core::EmbeddingTable>> tables;
    auto& table = tables[dModel];
    if (!table)
        table = std::make_shared<const core::EmbeddingTable>(core::builtinLexicon(dModel));
    return table;
}

// Pre-drawn random projections (N(0, 1/d_model), W_o N(0, 1/(H·d_k))) per shape, given to
// runBuiltin() as manual matrices: the products are the same dense ones as with seeded random
// projections, without drawing d_model² normal numbers per call (see BM_RandomProjections),
// and the NumPy reference is given its matrices the same way.
const core::ManualProjection& projections(int dModel, int heads) {
    static std::map<std::pair<int, int>, core::ManualProjection> cache;
    core::ManualProjection& manual = cache[{dModel, heads}];
    if (manual.wq.empty()) {
        const int dK = dModel / heads;
        core::Random rng(1234);
        const double scale = 1.0 / std::sqrt(static_cast<double>(dModel));
        for (int h = 0; h < heads; ++h) {
            manual.wq.push_back(rng.normalMatrix(dModel, dK, scale));
            manual.wk.push_back(rng.normalMatrix(dModel, dK, scale));
            manual.wv.push_back(rng.normalMatrix(dModel, dK, scale));
        }
        manual.wo =
            rng.normalMatrix(heads * dK, dModel, 1.0 / std::sqrt(static_cast<double>(heads * dK)));
    }
    return manual;
}

core::Config benchConfig(int n, int dModel, int heads, ScoringFunction scoring,
                         Normalizer normalizer) {
    core::Config config;
    config.sentence = attnlab::bench::generatedSentence(n);
    config.dModel = dModel;
    config.heads = heads;
    config.scoring = scoring;
    config.normalizer = normalizer;
    config.projection = core::ProjectionInit::Manual;
    config.manual = projections(dModel, heads);
    config.table = lexicon(dModel);
    return config;
}

void BM_Attention(benchmark::State& state, int n, int dModel, int heads, ScoringFunction scoring,
                  Normalizer normalizer) {
    const core::Config config = benchConfig(n, dModel, heads, scoring, normalizer);
    const auto tokens = core::tokenize(config.sentence, config.tokenizer);
    if (static_cast<int>(tokens.size()) != n) {
        state.SkipWithError("the generated sentence has the wrong number of tokens");
        return;
    }
    WallClock clock;
    for (auto _ : state) {
        clock.start();
        {
            const core::ModelOutput result = core::runBuiltin(config);
            benchmark::DoNotOptimize(result.trace->output.data());
        } // freeing the result is part of the cost, as when the GUI replaces one
        clock.stop();
    }
    setRateCounters(state, attnlab::bench::attentionFlops(n, dModel, heads, scoring),
                    clock.seconds());
    state.counters["n"] = n;
    state.counters["d_model"] = dModel;
    state.counters["heads"] = heads;
}

// A sink that reads each block of weights once (as a file writer would copy it) and keeps
// nothing.
class DiscardingSink final : public core::WeightsSink {
public:
    void begin(int, int, Eigen::Index, Eigen::Index) override {}
    void rows(int, int, Eigen::Index, const Eigen::Ref<const Matrix>& rows) override {
        benchmark::DoNotOptimize(rows.sum());
    }
};

// The same computation as an export of the weights runs it (`--export-data w.npy`): weights
// only, no trace, every block handed to a sink as it is computed instead of kept; what the dense
// core does when nothing but the weights is asked for.
void BM_AttentionStreamed(benchmark::State& state, int n, int dModel, int heads) {
    const core::Config config =
        benchConfig(n, dModel, heads, ScoringFunction::ScaledDot, Normalizer::Softmax);
    DiscardingSink sink;
    core::RunOptions run;
    run.trace = false;
    run.weightsOnly = true;
    run.weightsSink = &sink;
    WallClock clock;
    for (auto _ : state) {
        clock.start();
        {
            const core::ModelOutput result = core::runBuiltin(config, run);
            benchmark::DoNotOptimize(result.weightsStreamed);
        }
        clock.stop();
    }
    setRateCounters(state,
                    attnlab::bench::attentionFlops(n, dModel, heads, ScoringFunction::ScaledDot),
                    clock.seconds());
    state.counters["n"] = n;
    state.counters["d_model"] = dModel;
    state.counters["heads"] = heads;
}

// The same computation with seeded random projections drawn inside runBuiltin() (3·H matrices of
// d_model × d_k and W_o): the difference to the manual case is the cost of drawing them.
void BM_RandomProjections(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const int dModel = static_cast<int>(state.range(1));
    const int heads = static_cast<int>(state.range(2));
    core::Config config =
        benchConfig(n, dModel, heads, ScoringFunction::ScaledDot, Normalizer::Softmax);
    config.projection = core::ProjectionInit::Random;
    config.manual = {};
    WallClock clock;
    for (auto _ : state) {
        clock.start();
        {
            const core::ModelOutput result = core::runBuiltin(config);
            benchmark::DoNotOptimize(result.trace->output.data());
        }
        clock.stop();
    }
    setRateCounters(state,
                    attnlab::bench::attentionFlops(n, dModel, heads, ScoringFunction::ScaledDot),
                    clock.seconds());
}

// The part of runBuiltin() before any head runs: tokenising and the lexicon lookup.
void BM_TokenizeAndEmbed(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const core::Config config =
        benchConfig(n, 256, 1, ScoringFunction::ScaledDot, Normalizer::Softmax);
    for (auto _ : state) {
        const auto tokens = core::tokenize(config.sentence, config.tokenizer);
        std::vector<std::string> texts;
        texts.reserve(tokens.size());
        for (const auto& token : tokens)
            texts.push_back(token.text);
        std::vector<bool> unknown;
        const Matrix x = core::embedTokens(texts, *config.table, unknown);
        benchmark::DoNotOptimize(x.data());
    }
    state.counters["n"] = n;
}

std::string caseName(int n, int dModel, int heads, ScoringFunction scoring, Normalizer normalizer) {
    return "attention/" + std::string(core::toString(scoring)) + "/" +
           std::string(core::toString(normalizer)) + "/n:" + std::to_string(n) +
           "/d_model:" + std::to_string(dModel) + "/heads:" + std::to_string(heads);
}

bool quickRun() {
    const char* quick = std::getenv("ATTNLAB_BENCH_QUICK");
    return quick && *quick && std::string(quick) != "0";
}

// Three repetitions by default: scripts/bench.sh reports the fastest (least disturbed by other
// work on the machine); the console shows the aggregates including that minimum.
benchmark::internal::Benchmark* configure(benchmark::internal::Benchmark* bench) {
    bench->UseRealTime()->Unit(benchmark::kMillisecond);
    if (!quickRun())
        bench->Repetitions(3)->DisplayAggregatesOnly(true)->ComputeStatistics(
            "min",
            [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
    return bench;
}

void registerAttention(int n, int dModel, int heads, ScoringFunction scoring,
                       Normalizer normalizer) {
    configure(benchmark::RegisterBenchmark(caseName(n, dModel, heads, scoring, normalizer).c_str(),
                                           BM_Attention, n, dModel, heads, scoring, normalizer));
}

void registerAll() {
    configure(benchmark::RegisterBenchmark("gemm/eigen_float", BM_Gemm)->Arg(256)->Arg(kGemmSize));

    // The size sweep: scaled-dot softmax, every n, d_model and head count.
    for (int n : {8, 64, 512, 2048})
        for (int dModel : {64, 256, 512})
            for (int heads : {1, 8})
                registerAttention(n, dModel, heads, ScoringFunction::ScaledDot,
                                  Normalizer::Softmax);

    // Every scoring function (with softmax) and every normaliser (with scaled-dot) at the
    // headline size n = 512, d_model = 256, 8 heads, and at the typing size n = 64.
    for (int n : {64, 512}) {
        for (ScoringFunction scoring : core::allScoringFunctions())
            if (scoring != ScoringFunction::ScaledDot || n != 512)
                registerAttention(n, 256, 8, scoring, Normalizer::Softmax);
        for (Normalizer normalizer : core::allNormalizers())
            if (normalizer != Normalizer::Softmax)
                registerAttention(n, 256, 8, ScoringFunction::ScaledDot, normalizer);
    }
    // Additive against scaled-dot at a long input (target: at most 4× its time), and n = 1024
    // for the GEMM-rate target (n ≥ 1024).
    registerAttention(2048, 256, 8, ScoringFunction::Additive, Normalizer::Softmax);
    registerAttention(1024, 256, 8, ScoringFunction::ScaledDot, Normalizer::Softmax);
    registerAttention(1024, 512, 1, ScoringFunction::ScaledDot, Normalizer::Softmax);

    // The GEMM-rate target's shapes computed as an export of the weights computes them.
    for (int n : {1024, 2048})
        for (int dModel : {256, 512})
            configure(
                benchmark::RegisterBenchmark(("weights_streamed/n:" + std::to_string(n) +
                                              "/d_model:" + std::to_string(dModel) + "/heads:8")
                                                 .c_str(),
                                             BM_AttentionStreamed, n, dModel, 8));

    configure(
        benchmark::RegisterBenchmark("random_projections/scaled-dot/softmax", BM_RandomProjections)
            ->Args({64, 256, 8})
            ->Args({512, 256, 8}));
    configure(benchmark::RegisterBenchmark("tokenize_and_embed", BM_TokenizeAndEmbed)
                  ->Arg(512)
                  ->Arg(2048));
}

} // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
    // The program's allocator policy (core/base/memory.h): freed result matrices stay in the
    // heap for the next computation instead of going back to the system and returning as page
    // faults. ATTNLAB_BENCH_SYSTEM_MALLOC=1 measures with glibc's defaults instead.
    const char* systemMalloc = std::getenv("ATTNLAB_BENCH_SYSTEM_MALLOC");
    const bool keepMemory = !(systemMalloc && *systemMalloc && std::string(systemMalloc) != "0");
    if (keepMemory)
        core::keepFreedMemoryForReuse();
#else
    const bool keepMemory = false;
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    registerAll();
    g_gemmGflops = measureGemmGflops(kGemmSize, quickRun() ? 0.3 : 2.0);
    benchmark::AddCustomContext("gemm_gflops", std::to_string(g_gemmGflops));
    benchmark::AddCustomContext("gemm_size", std::to_string(kGemmSize));
    benchmark::AddCustomContext("eigen_simd", Eigen::SimdInstructionSetsInUse());
#ifdef _OPENMP
    benchmark::AddCustomContext("openmp_threads", std::to_string(omp_get_max_threads()));
#else
    benchmark::AddCustomContext("openmp_threads", "0 (built without OpenMP)");
#endif
    benchmark::AddCustomContext("eigen_threads", std::to_string(Eigen::nbThreads()));
    benchmark::AddCustomContext("malloc", keepMemory ? "GUI policy: freed results kept for reuse"
                                                     : "glibc defaults");
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
