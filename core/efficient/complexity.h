#pragma once
// The complexity lab: time and peak memory of dense (materialised), tiled, sparse and linear
// attention over a list of lengths n on seeded synthetic inputs, the log–log slope of time
// (and memory) against n for each kind, and the approximation error of the approximate kinds
// against exact attention on the same input. core/efficient/complexity_report.h confronts the
// measurements with the tutorial's table and writes them as CSV.

#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/efficient/approximation_error.h"
#include "core/efficient/attention_kind.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

enum class ComplexityFamily { Dense, Tiled, Sparse, Linear };

/// One kind of attention the lab measures.
struct ComplexityKind {
    ComplexityFamily family = ComplexityFamily::Dense;
    MaskSpec mask;                           ///< Sparse: the pattern
    FeatureMap featureMap = FeatureMap::Elu; ///< Linear: the feature map
    int features = 256;                      ///< Linear favor: M
    int tileSize = 256;                      ///< Tiled: keys per block B
    std::string label;                       ///< canonical text ("window:64", "linear:elu")
};

/// Parses a comma-separated list such as "dense,tiled,window:64,linear:elu":
///   dense | tiled | tiled:B | linear | linear:MAP | linear:favor:M | sparse:MASK | MASK
/// where MAP is softmax, elu, relu or favor (linear alone is elu), M the random features, and
/// MASK any typed mask of the registry but padding (a bare mask is its sparse kind). Throws
/// InputError naming the item and the expected forms for anything else, an empty list or a
/// repeated kind.
std::vector<ComplexityKind> parseComplexityKinds(std::string_view list);
/// Parses a comma-separated list of lengths ("256,1024,4096"), each 1 … 10,000,000.
std::vector<int> parseComplexitySizes(std::string_view list);

struct ComplexityConfig {
    std::vector<ComplexityKind> kinds; ///< at least one
    /// Lengths n (n_q = n_k); 1 … 10,000,000 each; run in increasing order without repeats.
    std::vector<int> sizes = {128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 100000};
    int dK = 64;             ///< query/key width d_k (and d_v); 1 … 1024, default 64
    int heads = 1;           ///< heads, each with its own Q, K, V, run one after another; 1 … 64
    std::uint64_t seed = 42; ///< synthetic inputs (entries N(0, 1)) and random patterns
    /// Dense stops before its n × n weights (4·n² bytes per head at a time) exceed this; bytes,
    /// 1 MiB … 64 GiB, default 1 GiB.
    std::int64_t denseBudgetBytes = std::int64_t{1} << 30;
    /// A kind stops after a length takes longer than this (the larger lengths would take longer
    /// still); seconds, > 0, default 60.
    double maxSecondsPerPoint = 60.0;
    /// Short points are repeated until they add up to this and the fastest run is kept;
    /// seconds, ≥ 0, default 0.2.
    double minSecondsPerPoint = 0.2;
    int maxRepetitions = 20; ///< at most this many runs per point; 1 … 1000, default 20
    int slopeMinN = 1024;    ///< only lengths ≥ this enter the fitted slopes; ≥ 1, default 1024
    /// Length at which the approximation errors are computed (exact dense attention must fit);
    /// 0 skips them; 0 … 8192, default 1024.
    int errorN = 1024;
};

/// Throws InputError naming the first setting out of range.
void validate(const ComplexityConfig& config);

/// The lab as the window's Complexity page runs it, and with it a lesson's "complexity" member
/// (core/io/lesson_complexity.h), so that a first run takes seconds: the kinds, lengths, d_k,
/// heads and dense budget as given; short lengths repeated until their runs add up to 0.05 s; a
/// kind stopped after a length over 20 s; errors at n = 512; slopes over the lengths from 512 on,
/// or over the two longest when fewer than two reach 512. Not validated (runComplexity is).
ComplexityConfig pageComplexityConfig(std::vector<ComplexityKind> kinds, std::vector<int> sizes,
                                      int dK, int heads, std::int64_t denseBudgetBytes);

/// Whether `a` and `b` ask for the same measurement: the same set of kinds (by label) and of
/// lengths, and the same d_k, heads, seed, budget, limits, error length and slope range.
bool sameMeasurement(const ComplexityConfig& a, const ComplexityConfig& b);

/// One measured (or skipped) length of one kind.
struct ComplexityPoint {
    int n = 0;
    bool measured = false;       ///< false: skipped (see note)
    double seconds = 0.0;        ///< fastest run, all heads
    int repetitions = 0;         ///< runs timed
    std::int64_t peakBytes = -1; ///< peak resident memory above the start (first run), −1 unknown
    std::int64_t workCells = 0;  ///< score cells computed per head (n² dense and tiled, visible
                                 ///< cells sparse, 0 linear)
    std::string note;            ///< why it was skipped, empty otherwise
};

/// A least-squares line through (ln n, ln y) of the points with n ≥ slopeMinN.
struct SlopeFit {
    double slope = 0.0;     ///< NaN when fewer than two points
    double intercept = 0.0; ///< ln y at n = 1
    int points = 0;         ///< points fitted
    int minN = 0, maxN = 0; ///< their range
};

struct ComplexitySeries {
    ComplexityKind kind;
    std::vector<ComplexityPoint> points;     ///< one per length, in increasing n
    SlopeFit timeSlope;                      ///< of seconds against n
    SlopeFit memorySlope;                    ///< of peak bytes against n (points with a peak > 0)
    std::optional<ApproximationError> error; ///< against exact attention at errorN (not dense)
    std::vector<std::string> notes;          ///< e.g. where and why the kind stopped
};

struct ComplexityResult {
    ComplexityConfig config;              ///< sizes sorted and deduplicated
    std::vector<ComplexitySeries> series; ///< one per kind, in the order given
    bool memoryMeasured = false;          ///< the peak memory probe worked
    std::string memoryMethod;             ///< how peak memory was measured
    int threads = 1;                      ///< threads the kernels used
};

/// The fitted line (SlopeFit) of y against n over the points with n ≥ minN and y > 0.
SlopeFit fitLogLogSlope(const std::vector<int>& n, const std::vector<double>& y, int minN);

/// Runs the lab: for each length (increasing) and kind, seeded inputs, the kernel for every
/// head, its time and peak memory; then slopes and errors. `progress(done, total)` is called
/// after each point (total = kinds × lengths, plus one per error computed); returning false
/// throws Cancelled. Throws InputError for a bad config.
ComplexityResult runComplexity(const ComplexityConfig& config,
                               const ProgressCallback& progress = {});

} // namespace attnlab::core
