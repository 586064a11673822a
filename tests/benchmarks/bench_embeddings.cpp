// Embedding file loading (issue 6): a generated 400 000 × 100 GloVe-format text file (about
// 300 MB, written to the temporary folder and removed afterwards; never shipped).
//
// Figures and targets:
//   load_text      parse the text file, no cache               target ≤ 3 s
//   peak memory    the process's peak RSS while loading         target ≤ 1.5 × the float data
//   cache_reload   read the binary cache written by a load      target ≤ 0.3 s
//
// Times come from Google Benchmark (in this process, page cache warm: the file was just written).
// Peak memory comes from a fresh child process (this program re-run with --child-load), whose
// getrusage() maximum resident set size covers nothing but start-up and the load. A summary with
// each figure against its target is printed at the end.
//
//   bench_embeddings [--words N] [--dim D] [google benchmark flags]
//   bench_embeddings --generate FILE      (only writes the 400 000 × 100 file)

#include "core/embeddings/embeddings.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace core = attnlab::core;
namespace fs = std::filesystem;

constexpr double kLoadTarget = 3.0;        // seconds
constexpr double kReloadTarget = 0.3;      // seconds
constexpr double kMemoryTargetRatio = 1.5; // peak RSS / float data

long g_words = 400'000;
int g_dim = 100;
std::string g_path;
std::string g_cacheDir;

double floatMegabytes() {
    return static_cast<double>(g_words) * g_dim * sizeof(float) / 1e6;
}

/// GloVe-like numbers: five decimals, |x| mostly below 1, from a fixed SplitMix64 stream.
void generateFile(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) {
        std::perror(path.c_str());
        std::exit(1);
    }
    std::uint64_t state = 12345;
    const auto next = [&state] {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    std::vector<char> buffer(1 << 20);
    std::size_t used = 0;
    for (long w = 0; w < g_words; ++w) {
        if (buffer.size() - used < 64 + static_cast<std::size_t>(g_dim) * 16) {
            std::fwrite(buffer.data(), 1, used, file);
            used = 0;
        }
        char* p = buffer.data() + used;
        char* const end = buffer.data() + buffer.size();
        p += std::snprintf(p, 32, "w%ld", w);
        for (int k = 0; k < g_dim; ++k) {
            *p++ = ' ';
            const double u = static_cast<double>(next() >> 11) * 0x1.0p-53; // [0, 1)
            const double value = (u - 0.5) * 2.4;
            p = std::to_chars(p, end, value, std::chars_format::fixed, 5).ptr;
        }
        *p++ = '\n';
        used = static_cast<std::size_t>(p - buffer.data());
    }
    std::fwrite(buffer.data(), 1, used, file);
    std::fclose(file);
}

core::EmbeddingLoadOptions cacheOptions() {
    core::EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = g_cacheDir;
    return options;
}

void removeCaches() {
    std::error_code ignored;
    fs::remove(g_path + ".attnlab-cache", ignored);
    fs::remove_all(g_cacheDir, ignored);
}

void BM_LoadText(benchmark::State& state) {
    std::size_t words = 0;
    for (auto _ : state) {
        const core::EmbeddingTable table = core::loadEmbeddingsFile(g_path);
        words = table.size();
        benchmark::DoNotOptimize(table.matrix().data());
    }
    state.counters["words"] = static_cast<double>(words);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(fs::file_size(g_path)));
}

void BM_LoadTextAndWriteCache(benchmark::State& state) {
    for (auto _ : state) {
        state.PauseTiming();
        removeCaches();
        state.ResumeTiming();
        const core::EmbeddingLoadResult loaded = core::loadEmbeddings(g_path, cacheOptions());
        if (loaded.fromCache || loaded.cachePath.empty())
            state.SkipWithError("the cache was not written");
    }
}

void BM_ReloadFromCache(benchmark::State& state) {
    const core::EmbeddingLoadResult first = core::loadEmbeddings(g_path, cacheOptions());
    if (first.cachePath.empty()) {
        state.SkipWithError("the cache could not be written");
        return;
    }
    for (auto _ : state) {
        const core::EmbeddingLoadResult loaded = core::loadEmbeddings(g_path, cacheOptions());
        if (!loaded.fromCache)
            state.SkipWithError("the cache was not used");
        benchmark::DoNotOptimize(loaded.table.matrix().data());
    }
}

long maxRssKilobytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/// Child mode: load once and print "seconds peak_kB baseline_kB words".
int childLoad(const std::string& path, const std::string& mode) {
    const long baseline = maxRssKilobytes();
    const auto start = std::chrono::steady_clock::now();
    core::EmbeddingLoadOptions options;
    if (mode == "cache") {
        options = cacheOptions();
    }
    const core::EmbeddingLoadResult loaded = core::loadEmbeddings(path, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (mode == "cache" && !loaded.fromCache)
        return 3;
    std::printf("%.6f %ld %ld %zu\n", seconds, maxRssKilobytes(), baseline, loaded.table.size());
    return 0;
}

struct ChildFigures {
    bool ok = false;
    double seconds = 0;
    double peakMegabytes = 0;
    double baselineMegabytes = 0;
};

/// Runs this program again as a child that only loads the file (mode "text" or "cache").
ChildFigures measureInChild(const std::string& self, const std::string& mode) {
    ChildFigures figures;
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        return figures;
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(pipeFds[1], STDOUT_FILENO);
        close(pipeFds[0]);
        close(pipeFds[1]);
        execl(self.c_str(), self.c_str(), "--child-load", g_path.c_str(), mode.c_str(),
              g_cacheDir.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(pipeFds[1]);
    std::string output;
    char buffer[256];
    ssize_t n = 0;
    while ((n = read(pipeFds[0], buffer, sizeof buffer)) > 0)
        output.append(buffer, static_cast<std::size_t>(n));
    close(pipeFds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    long peak = 0;
    long baseline = 0;
    std::size_t words = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        std::sscanf(output.c_str(), "%lf %ld %ld %zu", &figures.seconds, &peak, &baseline,
                    &words) == 4) {
        figures.ok = words == static_cast<std::size_t>(g_words);
        figures.peakMegabytes = static_cast<double>(peak) * 1024 / 1e6;
        figures.baselineMegabytes = static_cast<double>(baseline) * 1024 / 1e6;
    }
    return figures;
}

const char* verdict(bool met) {
    return met ? "met" : "MISSED";
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--generate") == 0) {
        generateFile(argv[2]); // only the file, for loading it elsewhere
        return 0;
    }
    if (argc == 5 && std::strcmp(argv[1], "--child-load") == 0) {
        g_cacheDir = argv[4];
        return childLoad(argv[2], argv[3]);
    }
    // Our own flags first; the rest goes to Google Benchmark.
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--words") == 0 && i + 1 < argc)
            g_words = std::max(1L, std::atol(argv[++i]));
        else if (std::strcmp(argv[i], "--dim") == 0 && i + 1 < argc)
            g_dim = std::clamp(std::atoi(argv[++i]), 1, core::kMaxEmbeddingDimension);
        else
            rest.push_back(argv[i]);
    }
    int restCount = static_cast<int>(rest.size());
    benchmark::Initialize(&restCount, rest.data());
    if (benchmark::ReportUnrecognizedArguments(restCount, rest.data()))
        return 1;

    const fs::path folder =
        fs::temp_directory_path() / ("attnlab-bench-embeddings-" + std::to_string(getpid()));
    fs::create_directories(folder);
    g_path = (folder / ("glove_" + std::to_string(g_words) + "x" + std::to_string(g_dim) + ".txt"))
                 .string();
    g_cacheDir = (folder / "cache").string();
    std::fprintf(stderr, "generating %s (%ld words × %d numbers) …\n", g_path.c_str(), g_words,
                 g_dim);
    generateFile(g_path);
    const double fileMegabytes = static_cast<double>(fs::file_size(g_path)) / 1e6;
    benchmark::AddCustomContext("embeddings_file", g_path);
    benchmark::AddCustomContext("embeddings_file_MB", std::to_string(fileMegabytes));
    benchmark::AddCustomContext("embeddings_float_MB", std::to_string(floatMegabytes()));
    benchmark::AddCustomContext("hardware_threads",
                                std::to_string(std::thread::hardware_concurrency()));

    benchmark::RegisterBenchmark("embeddings/load_text", BM_LoadText)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
    benchmark::RegisterBenchmark("embeddings/load_text_and_write_cache", BM_LoadTextAndWriteCache)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(2)
        ->UseRealTime();
    benchmark::RegisterBenchmark("embeddings/cache_reload", BM_ReloadFromCache)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(5)
        ->UseRealTime();
    benchmark::RunSpecifiedBenchmarks();

    // Peak memory in fresh processes: a text load (no cache), then a cache reload.
    removeCaches();
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    const ChildFigures text = measureInChild(self, "text");
    {
        const core::EmbeddingLoadResult written = core::loadEmbeddings(g_path, cacheOptions());
        if (written.cachePath.empty())
            std::fprintf(stderr, "the cache could not be written\n");
    }
    const ChildFigures cache = measureInChild(self, "cache");

    const double floats = floatMegabytes();
    std::printf("\nEmbeddings: %ld words × %d numbers, text file %.0f MB, float data %.0f MB, "
                "%u hardware threads\n",
                g_words, g_dim, fileMegabytes, floats, std::thread::hardware_concurrency());
    std::printf("%-44s %14s %14s %8s\n", "figure", "measured", "target", "");
    if (text.ok) {
        std::printf("%-44s %12.2f s %12.2f s %8s\n", "text load, fresh process (no cache)",
                    text.seconds, kLoadTarget, verdict(text.seconds <= kLoadTarget));
        const double ratio = text.peakMegabytes / floats;
        std::printf("%-44s %11.0f MB %11.0f MB %8s\n", "peak RSS of that process",
                    text.peakMegabytes, kMemoryTargetRatio * floats,
                    verdict(ratio <= kMemoryTargetRatio));
        std::printf("%-44s %13.2fx %13.2fx\n", "  … as a multiple of the float data", ratio,
                    kMemoryTargetRatio);
        std::printf("%-44s %11.0f MB\n", "  … of which start-up before loading",
                    text.baselineMegabytes);
    } else {
        std::printf("text load in a child process failed\n");
    }
    if (cache.ok) {
        std::printf("%-44s %12.3f s %12.3f s %8s\n", "cache reload, fresh process", cache.seconds,
                    kReloadTarget, verdict(cache.seconds <= kReloadTarget));
        std::printf("%-44s %11.0f MB %11.0f MB %8s\n", "peak RSS of that process",
                    cache.peakMegabytes, kMemoryTargetRatio * floats,
                    verdict(cache.peakMegabytes <= kMemoryTargetRatio * floats));
    } else {
        std::printf("cache reload in a child process failed\n");
    }
    std::printf("(in-process times, warm: see embeddings/load_text and embeddings/cache_reload "
                "above)\n");

    benchmark::Shutdown();
    std::error_code ignored;
    fs::remove_all(folder, ignored);
    return 0;
}
