// Trainer benchmarks (issue 15's targets), with the PyTorch reference measured in the same run:
//   1. steps per second of typical models (Google Benchmark cases TrainStep/…);
//   2. C++ against PyTorch CPU on the same model, batch and length (the default reverse model):
//      target ≥ 3× PyTorch's steps per second;
//   3. reverse, length 8, vocabulary 10, one layer, one head, for every scoring function ×
//      normaliser: the first evaluated step with held-out accuracy ≥ 99 % and alignment ≥ 0.9,
//      its wall and CPU seconds (target: within 60 s for scaled-dot and additive);
//   4. induction with two attention-only layers: the step at which an induction head (score
//      ≥ 0.4) appears, and a one-layer model for contrast;
//   5. Pause (cases PauseGap/…): at the Learn page's largest settings, for each task, the time
//      between two consecutive calls of a step's cancel callback (the longest, p100, and p95),
//      target ≤ 100 ms: Pause takes effect at the next call.
// Sections 2–4 run after the Google Benchmark cases and print a table; ATTNLAB_BENCH_QUICK=1
// shortens them (15 s per training run instead of 60) and ATTNLAB_BENCH_CASES_ONLY=1 leaves
// them out (only the Google Benchmark cases, e.g. --benchmark_filter=PauseGap). Other programs
// on the machine slow the wall-clock figures; CPU seconds and the load average are printed
// beside them.

#include "core/base/memory.h"
#include "core/training/model_folder.h"
#include "core/training/trainer.h"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace attnlab::core::training;

namespace {

TrainSettings settingsOf(std::initializer_list<std::pair<const char*, const char*>> options) {
    TrainSettings s;
    s.evalEvery = 1000000; // no evaluation inside the timed steps
    s.heldOut = 16;
    s.probe = 4;
    for (const auto& [option, value] : options)
        applyTrainSetting(s, option, value);
    return s;
}

// The model the speed target is about: the defaults (reverse, length 8, vocabulary 10, one
// layer, one head, d_model 64, batch 32).
TrainSettings speedModel() {
    return settingsOf({});
}

void trainSteps(benchmark::State& state, TrainSettings settings) {
    settings.threads = static_cast<int>(state.range(0));
    Trainer trainer(settings);
    for (auto _ : state)
        benchmark::DoNotOptimize(trainer.trainStep().loss);
    state.counters["steps_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(trainSteps, reverse_default, speedModel())
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(trainSteps, reverse_additive, settingsOf({{"scoring", "additive"}}))
    ->ArgName("threads")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(
    trainSteps, induction_2layers_2heads,
    settingsOf({{"task", "induction"}, {"layers", "2"}, {"heads", "2"}, {"vocab", "16"}}))
    ->ArgName("threads")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(trainSteps, reverse_4layers_8heads_ffn_layernorm_d256,
                  settingsOf({{"layers", "4"},
                              {"heads", "8"},
                              {"d-model", "256"},
                              {"ffn", "gelu"},
                              {"layernorm", "on"}}))
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(
    trainSteps, translation_encoder_decoder,
    settingsOf({{"task", "translation"}, {"heads", "2"}, {"layernorm", "on"}, {"ffn", "relu"}}))
    ->ArgName("threads")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

bool quick() {
    return std::getenv("ATTNLAB_BENCH_QUICK") != nullptr;
}

double cpuSeconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a.empty() ? "unknown" : a + " " + b + " " + c;
}

// CPU time of the calling thread: the work between two checks, without the time other programs
// held the core.
double threadCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) * 1e-6;
}

double loadAverage1() {
    std::ifstream in("/proc/loadavg");
    double load = -1.0;
    in >> load;
    return load;
}

// ---- Pause: the longest time between two cancel checks ----

constexpr double kPauseTargetMs = 100.0;

// The Learn page's largest choices as LearnPage::settings() (ui/learn_page.cpp) turns them into
// a run: length 16, 4 layers, 8 heads, one thread, every other setting at its default (d_model
// 64, batch 32, 256 held-out and 32 probe examples; the page offers no d_model or batch). Only
// the evaluation interval differs (the page's is 100): every second step evaluates, so a few
// steps also time the evaluation's passes.
TrainSettings learnPageLargest(const char* task, const char* scoring) {
    TrainSettings s;
    applyTrainSetting(s, "task", task);
    applyTrainSetting(s, "length", "16");
    applyTrainSetting(s, "layers", "4");
    applyTrainSetting(s, "heads", "8");
    applyTrainSetting(s, "scoring", scoring);
    s.threads = 1;
    s.evalEvery = 2;
    return s;
}

struct PauseRow {
    std::string name;
    double p100 = 0.0, p95 = 0.0, cpuMax = 0.0, checksPerStep = 0.0, load = 0.0;
};

std::vector<PauseRow>& pauseRows() {
    static std::vector<PauseRow> rows;
    return rows;
}

// Each iteration is one training step (every second one with its evaluation) whose cancel
// callback notes the time since its previous call, across steps too: a Pause pressed during
// the update or the next batch's sampling waits for the next step's first check.
void pauseGap(benchmark::State& state, const char* task, const char* scoring) {
    Trainer trainer(learnPageLargest(task, scoring));
    using Clock = std::chrono::steady_clock;
    std::vector<double> wall, cpu;
    Clock::time_point last;
    double lastCpu = 0.0;
    const attnlab::core::ProgressCallback cancel = [&](int, int) {
        const Clock::time_point now = Clock::now();
        const double nowCpu = threadCpuMs();
        wall.push_back(std::chrono::duration<double, std::milli>(now - last).count());
        cpu.push_back(nowCpu - lastCpu);
        last = now;
        lastCpu = nowCpu;
        return true;
    };
    bool first = true;
    for (auto _ : state) {
        if (first) {
            last = Clock::now();
            lastCpu = threadCpuMs();
            first = false;
        }
        benchmark::DoNotOptimize(trainer.trainStep(cancel).loss);
    }
    std::vector<double> sorted = wall;
    std::sort(sorted.begin(), sorted.end());
    PauseRow row;
    row.name = std::string(task) + " " + scoring;
    if (!sorted.empty()) {
        row.p100 = sorted.back();
        const auto rank = static_cast<std::size_t>(std::ceil(0.95 * sorted.size()));
        row.p95 = sorted[std::max<std::size_t>(rank, 1) - 1];
        row.cpuMax = *std::max_element(cpu.begin(), cpu.end());
    }
    row.checksPerStep = static_cast<double>(wall.size()) / static_cast<double>(state.iterations());
    row.load = loadAverage1();
    state.counters["gap_p100_ms"] = row.p100;
    state.counters["gap_p95_ms"] = row.p95;
    state.counters["gap_max_cpu_ms"] = row.cpuMax;
    state.counters["p100_over_target"] = row.p100 / kPauseTargetMs;
    state.counters["checks_per_step"] = row.checksPerStep;
    state.counters["load_1min"] = row.load;
    pauseRows().push_back(row);
}

// Registers PauseGap/<task>/<scoring> for every task the Learn page's Pause was measured on,
// with the default scoring and with additive scoring (the costliest heads). Translation has its
// own sentence lengths (the length setting does not apply); the language task reads 16
// characters.
void registerPauseCases() {
    for (const char* task : {"reverse", "sort", "induction", "language", "translation"})
        for (const char* scoring : {"scaled-dot", "additive"})
            benchmark::RegisterBenchmark(
                (std::string("PauseGap/") + task + "/" + scoring).c_str(),
                [task, scoring](benchmark::State& state) { pauseGap(state, task, scoring); })
                ->Iterations(8)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
}

void printPauseTable() {
    if (pauseRows().empty())
        return;
    std::printf(
        "\n== Pause at the Learn page's largest settings (4 layers × 8 heads, length 16, one "
        "thread): longest time between two cancel checks (target ≤ %.0f ms)\n",
        kPauseTargetMs);
    for (const PauseRow& row : pauseRows())
        std::printf("  %-24s p100 %6.1f ms  p95 %6.1f ms  (longest CPU %5.1f ms, %3.0f checks a "
                    "step, load %.2f): %s\n",
                    row.name.c_str(), row.p100, row.p95, row.cpuMax, row.checksPerStep, row.load,
                    row.p100 <= kPauseTargetMs ? "met" : "MISSED");
    std::fflush(stdout);
}

// C++ steps per second of `settings` over about `seconds`, after a warm-up.
double cppStepsPerSecond(TrainSettings settings, int threads, double seconds) {
    settings.threads = threads;
    Trainer trainer(settings);
    for (int i = 0; i < 5; ++i)
        trainer.trainStep();
    int steps = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0.0;
    while (elapsed < seconds) {
        trainer.trainStep();
        ++steps;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return steps / elapsed;
}

// PyTorch's steps per second on the same model and batches (tests/training/torch_reference.py
// in speed mode); an error text when PyTorch is missing.
nlohmann::json torchStepsPerSecond(const std::filesystem::path& folder, int threads,
                                   double seconds) {
    std::ostringstream command;
    command << "/usr/bin/python3 '" << ATTNLAB_SOURCE_DIR << "/tests/training/torch_reference.py' "
            << "--time " << seconds << " ";
    if (threads > 0)
        command << "--threads " << threads << " ";
    command << "'" << folder.string() << "' 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.str().c_str(), "r")) {
        char buffer[4096];
        while (std::fgets(buffer, sizeof(buffer), pipe))
            output += buffer;
        pclose(pipe);
    }
    try {
        return nlohmann::json::parse(output.substr(output.rfind('{')));
    } catch (const std::exception&) {
        return {{"error", output.empty() ? "no output from /usr/bin/python3" : output}};
    }
}

// The reference folder of torch_reference.py: weights at step 0, batches, decay flags.
std::filesystem::path exportForTorch(const TrainSettings& settings) {
    const auto folder = std::filesystem::temp_directory_path() / "attnlab-bench-training";
    std::filesystem::remove_all(folder);
    Trainer trainer(settings);
    saveModelFolder(folder.string(), trainer);
    nlohmann::json steps = nlohmann::json::array();
    for (int step = 0; step < 50; ++step) {
        const ModelBatch b = trainer.nextBatch().batch;
        steps.push_back({{"batch", b.batch},
                         {"decoder_length", b.decoderLength},
                         {"decoder_tokens", b.decoderTokens},
                         {"targets", b.targets},
                         {"encoder_length", b.encoderLength},
                         {"encoder_tokens", b.encoderTokens},
                         {"encoder_lengths", b.encoderLengths}});
    }
    std::ofstream(folder / "batches.json") << steps.dump();
    nlohmann::json decay = nlohmann::json::array();
    for (const ConstParameterView& view : parameterViews(trainer.parameters()))
        if (view.decay)
            decay.push_back(view.name);
    std::ofstream(folder / "decay.json") << decay.dump();
    return folder;
}

nlohmann::json speedAgainstTorch() {
    const double seconds = quick() ? 1.0 : 4.0;
    const TrainSettings settings = speedModel();
    nlohmann::json result;
    result["cpp_1_thread"] = cppStepsPerSecond(settings, 1, seconds);
    result["cpp_2_threads"] = cppStepsPerSecond(settings, 2, seconds);
    const auto folder = exportForTorch(settings);
    result["torch_1_thread"] = torchStepsPerSecond(folder, 1, seconds);
    result["torch_default_threads"] = torchStepsPerSecond(folder, 0, seconds);
    std::filesystem::remove_all(folder);
    return result;
}

struct TargetRun {
    int step = -1;     ///< first evaluated step meeting the target; −1 = not within the limit
    double wall = 0.0; ///< seconds to that step (including evaluations)
    double cpu = 0.0;  ///< CPU seconds to that step
    int steps = 0;     ///< steps run
    double accuracy = 0.0, alignment = 0.0, induction = 0.0; ///< at the last evaluation
};

// Trains until the target holds at an evaluation, or the time limit or step limit is reached.
template <typename Reached>
TargetRun trainUntil(TrainSettings settings, double limit, int maxSteps, Reached reached) {
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = cpuSeconds();
    Trainer trainer(settings);
    TargetRun run;
    double elapsed = 0.0;
    while (elapsed < limit && trainer.step() < maxSteps) {
        trainer.trainStep();
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (trainer.step() % settings.evalEvery != 0)
            continue;
        const Evaluation& e = trainer.evaluations().back();
        run.accuracy = e.accuracy;
        run.alignment = e.alignment.value_or(0.0);
        run.induction = e.induction.value_or(0.0);
        if (reached(e)) {
            run.step = e.step;
            run.wall = elapsed;
            run.cpu = cpuSeconds() - cpuStart;
            break;
        }
    }
    run.steps = trainer.step();
    if (run.step < 0) {
        run.wall = elapsed;
        run.cpu = cpuSeconds() - cpuStart;
    }
    return run;
}

nlohmann::json reverseTable() {
    const double limit = quick() ? 15.0 : 60.0;
    nlohmann::json rows = nlohmann::json::array();
    for (const char* scoring : {"scaled-dot", "additive", "dot", "general", "cosine"})
        for (const char* normalizer : {"softmax", "sparsemax", "relu", "sigmoid"}) {
            TrainSettings s = settingsOf({{"scoring", scoring}, {"normalizer", normalizer}});
            s.evalEvery = 25;
            s.heldOut = 256;
            s.probe = 32;
            const TargetRun run = trainUntil(s, limit, 1000000, [](const Evaluation& e) {
                return e.accuracy >= 0.99 && e.alignment.value_or(0.0) >= 0.9;
            });
            rows.push_back({{"scoring", scoring},
                            {"normalizer", normalizer},
                            {"reached", run.step >= 0},
                            {"step", run.step},
                            {"wall_seconds", run.wall},
                            {"cpu_seconds", run.cpu},
                            {"steps_run", run.steps},
                            {"accuracy", run.accuracy},
                            {"alignment", run.alignment}});
            std::printf("  reverse %-10s %-9s %s step %5d  %6.1f s wall %6.1f s cpu  acc %.3f "
                        "align %.3f\n",
                        scoring, normalizer, run.step >= 0 ? "reached" : "MISSED ", run.step,
                        run.wall, run.cpu, run.accuracy, run.alignment);
            std::fflush(stdout);
        }
    return rows;
}

nlohmann::json inductionRuns() {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [layers, heads] : {std::pair{2, 2}, std::pair{2, 1}, std::pair{1, 2}}) {
        TrainSettings s = settingsOf({{"task", "induction"}, {"vocab", "16"}});
        s.layers = layers;
        s.heads = heads;
        s.evalEvery = 25;
        s.heldOut = 256;
        s.probe = 32;
        const TargetRun run = trainUntil(s, quick() ? 15.0 : 60.0, 3000, [](const Evaluation& e) {
            return e.induction.value_or(0.0) >= 0.4;
        });
        rows.push_back({{"layers", layers},
                        {"heads", heads},
                        {"formed", run.step >= 0},
                        {"step", run.step},
                        {"wall_seconds", run.wall},
                        {"steps_run", run.steps},
                        {"induction", run.induction},
                        {"accuracy", run.accuracy}});
        std::printf("  induction %d layer(s) %d head(s): %s step %5d (%.1f s), induction score "
                    "%.3f, accuracy %.3f\n",
                    layers, heads, run.step >= 0 ? "head formed at" : "no head by    ", run.step,
                    run.wall, run.induction, run.accuracy);
        std::fflush(stdout);
    }
    return rows;
}

} // namespace

int main(int argc, char** argv) {
    // The program's allocator policy (core/base/memory.h), under which the window's Learn page
    // and `attention-lab train` run: a step's freed matrices stay in the heap for the next step.
    attnlab::core::keepFreedMemoryForReuse();
    // Read before Initialize, which removes the flags it knows from argv.
    std::string out;
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]).rfind("--benchmark_out=", 0) == 0)
            out = std::string(argv[i]).substr(16);
    benchmark::Initialize(&argc, argv);
    registerPauseCases();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    printPauseTable();
    if (std::getenv("ATTNLAB_BENCH_CASES_ONLY") != nullptr)
        return 0;

    nlohmann::json report;
    report["load_before"] = loadAverage();
    report["pause"] = nlohmann::json::array();
    for (const PauseRow& row : pauseRows())
        report["pause"].push_back({{"case", row.name},
                                   {"gap_p100_ms", row.p100},
                                   {"gap_p95_ms", row.p95},
                                   {"gap_max_cpu_ms", row.cpuMax},
                                   {"checks_per_step", row.checksPerStep},
                                   {"load_1min", row.load},
                                   {"met", row.p100 <= kPauseTargetMs}});
    std::printf("\n== Speed against PyTorch (default reverse model, batch 32, 16 positions)\n");
    report["speed"] = speedAgainstTorch();
    const nlohmann::json& speed = report["speed"];
    for (const char* key : {"torch_1_thread", "torch_default_threads"}) {
        const nlohmann::json& torch = speed[key];
        if (torch.contains("steps_per_second")) {
            const double ratio1 =
                speed["cpp_1_thread"].get<double>() / torch["steps_per_second"].get<double>();
            std::printf("  C++ %.0f steps/s (1 thread), %.0f (2 threads); PyTorch %.0f steps/s "
                        "(%d thread(s)): C++ 1 thread / PyTorch = %.1f× (target ≥ 3×: %s)\n",
                        speed["cpp_1_thread"].get<double>(), speed["cpp_2_threads"].get<double>(),
                        torch["steps_per_second"].get<double>(), torch["threads"].get<int>(),
                        ratio1, ratio1 >= 3.0 ? "met" : "MISSED");
        } else {
            std::printf("  PyTorch not measured: %s\n", torch.dump().c_str());
        }
    }
    std::printf("\n== Reverse, length 8, vocabulary 10, 1 layer, 1 head (target: accuracy ≥ 99 %% "
                "and alignment ≥ 0.9 within 60 s for scaled-dot and additive)\n");
    report["reverse"] = reverseTable();
    std::printf("\n== Induction, attention-only (target: a head with induction score ≥ 0.4)\n");
    report["induction"] = inductionRuns();
    report["load_after"] = loadAverage();
    std::printf("\nload average before / after: %s / %s\n",
                report["load_before"].get<std::string>().c_str(),
                report["load_after"].get<std::string>().c_str());
    if (!out.empty()) {
        const auto path =
            std::filesystem::path(out).replace_filename("bench_training_targets.json");
        std::ofstream(path) << report.dump(2) << "\n";
    }
    return 0;
}
