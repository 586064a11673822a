// Pretrained-transformer benchmarks: the forward pass of random models in the shapes of GPT-2
// small (32 and 1024 tokens), BERT-base (128 tokens) and Qwen2-0.5B (32 tokens), and loading the
// ~500 MB F32 GPT-2 file, each printed against its target (issue 14) and against PyTorch timed in
// the same run by pretrained_reference.py; then the causal cases with a key typed at the end,
// where the run reuses the positions before it.
//
// The models are written with random weights by pretrained_reference.py into a temporary folder
// (removed at the end) or into $ATTNLAB_BENCH_MODELS when set (kept, and reused by later runs).
// Both run with one thread and with as many as OpenMP gives this process (on a machine busy with
// other work, waiting for a second thread at every product can cost more than it gains; one
// thread compares one core with one core). Figures: the median and the
// best of the timed runs; the best is the one least disturbed by other work on the machine, and
// the ratio to PyTorch is given for both. ATTNLAB_BENCH_TORCH=0 skips PyTorch's timing (the
// models are still written).

#include "core/base/memory.h"
#include "core/base/types.h"
#include "core/pretrained/pretrained_model.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

namespace core = attnlab::core;
namespace fs = std::filesystem;

struct Case {
    std::string model;
    int tokens;
    std::string target;         ///< printed
    double maxMs = 0.0;         ///< absolute target, 0 = none
    double minTorchRatio = 0.0; ///< PyTorch time / ours at least this, 0 = none
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"gpt2-small", 32, ">= 2x faster than PyTorch", 0.0, 2.0},
        {"gpt2-small", 1024, "not slower than PyTorch", 0.0, 1.0},
        {"bert-base", 128, "<= 100 ms", 100.0, 0.0},
        {"qwen2-0.5b", 32, "<= 400 ms", 400.0, 0.0},
    };
    return all;
}

// Wall times of every timed run, by case name (benchmark program state, not core code).
std::map<std::string, std::vector<double>>& timings() {
    static std::map<std::string, std::vector<double>> all;
    return all;
}

std::map<std::string, std::shared_ptr<const core::PretrainedModel>>& models() {
    static std::map<std::string, std::shared_ptr<const core::PretrainedModel>> all;
    return all;
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

core::RunRequest requestFor(const core::PretrainedModel& model, int tokens) {
    core::RunRequest request;
    std::uint64_t state = 12345 + static_cast<std::uint64_t>(tokens);
    for (int i = 0; i < tokens; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        request.tokenIds.push_back(
            static_cast<int>((state >> 33) % static_cast<std::uint64_t>(model.info().vocabSize)));
    }
    request.topK = 10;
    if (model.info().family == core::TransformerFamily::Bert) {
        request.maskTokenId = 103; // [MASK] in bert-base-uncased
        request.tokenIds[3] = request.tokenIds[7] = 103;
    }
    return request;
}

std::string caseKey(const std::string& model, int tokens, int threads) {
    return model + "/" + std::to_string(tokens) + "/threads:" + std::to_string(threads);
}

std::string typedKey(const std::string& model, int tokens, int threads) {
    return "typed/" + caseKey(model, tokens, threads);
}

// The causal cases of BM_Typed.
const std::vector<std::pair<std::string, int>>& typedCases() {
    static const std::vector<std::pair<std::string, int>> all = {
        {"gpt2-small", 32}, {"gpt2-small", 1024}, {"qwen2-0.5b", 32}};
    return all;
}

// Every position computed in every run, as PyTorch computes them: the same request again would
// otherwise take every position from the run before (RunRequest::reusePrefix).
void BM_Forward(benchmark::State& state, const std::string& name, int tokens, int threads) {
    const auto& model = models().at(name);
    core::RunRequest request = requestFor(*model, tokens);
    request.threads = threads;
    request.reusePrefix = false;
    core::TransformerRun result; // reused, as the program reuses it between keystrokes
    model->run(request, result); // warm: pages of the weights, scratch memory
    auto& times = timings()[caseKey(name, tokens, threads)];
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        model->run(request, result);
        benchmark::DoNotOptimize(result.hidden.data());
        const double elapsed = seconds(start);
        times.push_back(elapsed);
        state.SetIterationTime(elapsed);
    }
    state.counters["tokens"] = tokens;
}

// A key typed at the end of the text of a causal model: each timed run of n tokens follows a run
// of its first n − 1, so it computes the products of the last position only and the attention
// of every row. The typed token changes every time (another key), so that no run finds its
// whole input kept.
void BM_Typed(benchmark::State& state, const std::string& name, int tokens, int threads) {
    const auto& model = models().at(name);
    core::RunRequest request = requestFor(*model, tokens);
    request.threads = threads;
    core::RunRequest before = request;
    before.tokenIds.pop_back();
    core::TransformerRun result;
    model->run(request, result);
    auto& times = timings()[typedKey(name, tokens, threads)];
    for (auto _ : state) {
        request.tokenIds.back() = (request.tokenIds.back() + 1) % model->info().vocabSize;
        model->run(before, result);
        const auto start = std::chrono::steady_clock::now();
        model->run(request, result);
        benchmark::DoNotOptimize(result.hidden.data());
        const double elapsed = seconds(start);
        if (result.reusedPositions != tokens - 1) {
            state.SkipWithError("the run did not reuse the positions before the typed one");
            return;
        }
        times.push_back(elapsed);
        state.SetIterationTime(elapsed);
    }
    state.counters["tokens"] = tokens;
}

// Resident memory of this process (kB) from /proc/self/status: VmRSS or VmHWM (its peak).
long statusKb(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0)
            return std::atol(line.c_str() + std::strlen(field) + 1);
    return -1;
}

// Resets the peak resident size to the current one (Linux ≥ 4.0); false if not possible.
bool resetPeakMemory() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    return static_cast<bool>(clear);
}

// Drops the file from the page cache, so that a load reads it from disk (best effort).
void evictFromPageCache(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

struct LoadFigures {
    double fileMb = 0, warmLoadMs = 0, coldLoadMs = 0, coldFirstRunMs = 0, peakMb = -1;
};

LoadFigures measureLoad(const fs::path& folder) {
    LoadFigures figures;
    const fs::path file = folder / "model.safetensors";
    figures.fileMb = static_cast<double>(fs::file_size(file)) / 1e6;
    // Cold: the file evicted from the page cache, then the load and the first run (which
    // reads every weight through the memory map).
    evictFromPageCache(file);
    const bool peakKnown = resetPeakMemory();
    const long rssBefore = statusKb("VmRSS:");
    auto start = std::chrono::steady_clock::now();
    auto model = core::PretrainedModel::load(folder.string());
    figures.coldLoadMs = seconds(start) * 1e3;
    start = std::chrono::steady_clock::now();
    const core::TransformerRun run = model->run(requestFor(*model, 32));
    figures.coldFirstRunMs = seconds(start) * 1e3;
    if (peakKnown && rssBefore >= 0)
        figures.peakMb = static_cast<double>(statusKb("VmHWM:") - rssBefore) * 1024.0 / 1e6;
    model.reset();
    // Warm: the best of a few loads with the file in the page cache.
    figures.warmLoadMs = 1e9;
    for (int i = 0; i < 5; ++i) {
        start = std::chrono::steady_clock::now();
        auto again = core::PretrainedModel::load(folder.string());
        figures.warmLoadMs = std::min(figures.warmLoadMs, seconds(start) * 1e3);
    }
    return figures;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

double best(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

std::string loadAverage() {
    std::ifstream file("/proc/loadavg");
    std::string one, five, fifteen;
    file >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

void printSummary(const nlohmann::json& torch, const LoadFigures& load,
                  const std::vector<int>& threadCounts, const std::string& loadBefore) {
    std::printf("\nPretrained forward (random weights); load average before / after: %s / %s\n",
                loadBefore.c_str(), loadAverage().c_str());
    std::printf(
        "(PyTorch: its faster thread count on this case, so that a slow setting of its own\n"
        " does not flatter the ratio)\n");
    std::printf("%-30s %11s %11s %9s %13s %13s %9s %9s  %-26s %s\n", "case", "median ms", "best ms",
                "PyTorch", "PyTorch med", "PyTorch best", "x (med)", "x (best)", "target",
                "met (best)");
    for (const Case& c : cases()) {
        // PyTorch's fastest thread count (by its median) on this case.
        double torchMedian = 0.0, torchBest = 0.0;
        int torchThreads = 0;
        for (const int threads : threadCounts) {
            const std::string key = caseKey(c.model, c.tokens, threads);
            if (!torch.contains("cases") || !torch["cases"].contains(key))
                continue;
            const double candidate = torch["cases"][key]["median_ms"].get<double>();
            if (torchThreads == 0 || candidate < torchMedian) {
                torchMedian = candidate;
                torchBest = torch["cases"][key]["best_ms"].get<double>();
                torchThreads = threads;
            }
        }
        const std::string torchOn =
            torchThreads > 0
                ? std::to_string(torchThreads) + (torchThreads == 1 ? " thread" : " threads")
                : "-";
        for (const int threads : threadCounts) {
            const std::string key = caseKey(c.model, c.tokens, threads);
            const auto& times = timings()[key];
            if (times.empty())
                continue;
            const double ours = median(times) * 1e3, oursBest = best(times) * 1e3;
            const double ratioMedian = torchMedian > 0 ? torchMedian / ours : 0.0;
            const double ratioBest = torchBest > 0 ? torchBest / oursBest : 0.0;
            std::string met = "?";
            if (c.maxMs > 0)
                met = oursBest <= c.maxMs ? "yes" : "NO";
            else if (c.minTorchRatio > 0 && torchBest > 0)
                met = ratioBest >= c.minTorchRatio ? "yes" : "NO";
            std::printf("%-30s %11.1f %11.1f %9s %13.1f %13.1f %9.2f %9.2f  %-26s %s\n",
                        key.c_str(), ours, oursBest, torchOn.c_str(), torchMedian, torchBest,
                        ratioMedian, ratioBest, c.target.c_str(), met.c_str());
        }
    }
    if (torch.contains("error"))
        std::printf("(no PyTorch figures: %s)\n", torch["error"].get<std::string>().c_str());
    std::printf("\nA key typed at the end (the positions before it reused from the run before):\n");
    std::printf("%-36s %11s %11s %22s\n", "case", "median ms", "best ms", "every position (med)");
    for (const auto& [model, tokens] : typedCases())
        for (const int threads : threadCounts) {
            const auto& times = timings()[typedKey(model, tokens, threads)];
            const auto& full = timings()[caseKey(model, tokens, threads)];
            if (times.empty())
                continue;
            std::printf("%-36s %11.1f %11.1f %22.1f\n", typedKey(model, tokens, threads).c_str(),
                        median(times) * 1e3, best(times) * 1e3,
                        full.empty() ? 0.0 : median(full) * 1e3);
        }
    std::printf("\nLoading gpt2-small (%.0f MB F32 safetensors):\n", load.fileMb);
    std::printf("  load, file in the page cache   %8.1f ms   (target <= 1000 ms: %s)\n",
                load.warmLoadMs, load.warmLoadMs <= 1000 ? "yes" : "NO");
    std::printf("  load, file evicted from cache  %8.1f ms   (target <= 1000 ms: %s)\n",
                load.coldLoadMs, load.coldLoadMs <= 1000 ? "yes" : "NO");
    std::printf("  first run (32 tokens) after it %8.1f ms   (reads the weights from disk)\n",
                load.coldFirstRunMs);
    if (load.peakMb >= 0)
        std::printf(
            "  peak memory of load + run      %8.1f MB = %.2f x the weights (target <= 1.3: %s)\n",
            load.peakMb, load.peakMb / load.fileMb,
            load.peakMb <= 1.3 * load.fileMb ? "yes" : "NO");
    else
        std::printf("  peak memory: not measurable here (/proc/self/clear_refs)\n");
}

} // namespace

int main(int argc, char** argv) {
    // The program's allocator policy: freed result matrices stay in the heap for the next run.
    attnlab::core::keepFreedMemoryForReuse();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
#ifdef _OPENMP
    const int threads = omp_get_max_threads();
#else
    const int threads = 1;
#endif
    const bool quick = std::getenv("ATTNLAB_BENCH_QUICK") != nullptr;
    const char* torchSetting = std::getenv("ATTNLAB_BENCH_TORCH");
    const bool skipTorch = torchSetting != nullptr && std::string(torchSetting) == "0";
    const char* kept = std::getenv("ATTNLAB_BENCH_MODELS");
    fs::path folder;
    if (kept != nullptr && *kept != '\0') {
        folder = kept;
    } else {
        std::string pattern = (fs::temp_directory_path() / "attnlab_bench_models_XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::fprintf(stderr, "bench_pretrained: cannot create a temporary folder\n");
            return 1;
        }
        folder = pattern;
    }
    const std::string loadBefore = loadAverage();
    std::vector<int> threadCounts = {1};
    if (threads > 1)
        threadCounts.push_back(threads);
    std::string threadList;
    for (const int count : threadCounts)
        threadList += (threadList.empty() ? "" : ",") + std::to_string(count);

    // The models, and PyTorch's times on them.
    const fs::path script =
        fs::path(ATTNLAB_SOURCE_DIR) / "tests/benchmarks/pretrained_reference.py";
    const fs::path torchJson = folder / "torch.json";
    const std::string command = "/usr/bin/python3 '" + script.string() + "' --out '" +
                                folder.string() + "' --threads " + threadList + " --min-time " +
                                (quick ? "0.5" : "3") + (skipTorch ? "" : " --time") + " --json '" +
                                torchJson.string() + "'";
    std::fprintf(stderr, "bench_pretrained: writing the models and timing PyTorch:\n  %s\n",
                 command.c_str());
    int status = std::system(command.c_str());
    nlohmann::json torch;
    if (skipTorch)
        torch = {{"error", "skipped (ATTNLAB_BENCH_TORCH=0)"}};
    else if (status == 0 && fs::exists(torchJson))
        torch = nlohmann::json::parse(std::ifstream(torchJson));
    else
        torch = {
            {"error", "pretrained_reference.py failed (status " + std::to_string(status) + ")"}};

    int exitCode = 0;
    try {
        const LoadFigures load = measureLoad(folder / "gpt2-small");
        for (const char* name : {"gpt2-small", "bert-base", "qwen2-0.5b"})
            models()[name] = core::PretrainedModel::load((folder / name).string());
        for (const Case& c : cases())
            for (const int count : threadCounts)
                benchmark::RegisterBenchmark(
                    ("forward/" + caseKey(c.model, c.tokens, count)).c_str(), BM_Forward, c.model,
                    c.tokens, count)
                    ->UseManualTime()
                    ->Unit(benchmark::kMillisecond)
                    ->MinTime(quick ? 0.5 : (c.tokens >= 1024 ? 10.0 : 3.0));
        for (const auto& [model, tokens] : typedCases())
            for (const int count : threadCounts)
                benchmark::RegisterBenchmark(("forward/" + typedKey(model, tokens, count)).c_str(),
                                             BM_Typed, model, tokens, count)
                    ->UseManualTime()
                    ->Unit(benchmark::kMillisecond)
                    ->MinTime(quick ? 0.5 : 3.0);
        benchmark::AddCustomContext("openmp_threads", std::to_string(threads));
        benchmark::RunSpecifiedBenchmarks();
        printSummary(torch, load, threadCounts, loadBefore);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_pretrained: %s\n", error.what());
        exitCode = 1;
    }
    models().clear();
    if (kept == nullptr || *kept == '\0')
        fs::remove_all(folder);
    benchmark::Shutdown();
    return exitCode;
}
