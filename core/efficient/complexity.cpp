#include "core/efficient/complexity.h"

#include "core/attention/mask.h"
#include "core/base/random.h"
#include "core/efficient/dense_attention.h"
#include "core/efficient/kernel_support.h"
#include "core/efficient/linear_attention.h"
#include "core/efficient/memory_probe.h"
#include "core/efficient/sparse_attention.h"
#include "core/efficient/tiled_attention.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace attnlab::core {
namespace {

constexpr int kMaxLength = 10'000'000;
constexpr std::string_view kKindForms =
    "dense, tiled, tiled:B, linear, linear:softmax|elu|relu|favor, linear:favor:M, sparse:MASK or "
    "a mask such as window:64";

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> splitList(std::string_view list) {
    std::vector<std::string_view> items;
    while (true) {
        const std::size_t comma = list.find(',');
        items.push_back(trim(list.substr(0, comma)));
        if (comma == std::string_view::npos)
            return items;
        list = list.substr(comma + 1);
    }
}

bool parseInt(std::string_view text, int& value) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

[[noreturn]] void kindError(std::string_view item, const std::string& problem) {
    throw InputError("complexity kind '" + std::string(item) + "': " + problem + "; expected " +
                     std::string(kKindForms));
}

ComplexityKind parseKind(std::string_view item) {
    ComplexityKind kind;
    if (item.empty())
        kindError(item, "an empty item");
    if (item == "dense") {
        kind.label = "dense";
        return kind;
    }
    if (item == "tiled" || item.starts_with("tiled:")) {
        kind.family = ComplexityFamily::Tiled;
        kind.label = std::string(item);
        if (item.size() > 5 && (!parseInt(item.substr(6), kind.tileSize) ||
                                kind.tileSize < kMinTileSize || kind.tileSize > kMaxTileSize))
            kindError(item, "the tile size B must be a whole number from " +
                                std::to_string(kMinTileSize) + " to " +
                                std::to_string(kMaxTileSize));
        return kind;
    }
    if (item == "linear" || item.starts_with("linear:")) {
        kind.family = ComplexityFamily::Linear;
        std::string_view rest = item.size() > 6 ? item.substr(7) : "elu";
        const std::size_t colon = rest.find(':');
        try {
            kind.featureMap = parseFeatureMap(rest.substr(0, colon));
        } catch (const InputError& error) {
            kindError(item, error.what());
        }
        if (colon != std::string_view::npos) {
            if (kind.featureMap != FeatureMap::Favor)
                kindError(item, "only favor takes a number of features");
            if (!parseInt(rest.substr(colon + 1), kind.features) ||
                kind.features < kMinFavorFeatures || kind.features > kMaxFavorFeatures)
                kindError(item, "the number of features M must be a whole number from " +
                                    std::to_string(kMinFavorFeatures) + " to " +
                                    std::to_string(kMaxFavorFeatures));
        }
        kind.label = "linear:" + std::string(toString(kind.featureMap));
        if (kind.featureMap == FeatureMap::Favor)
            kind.label += ":" + std::to_string(kind.features);
        return kind;
    }
    const std::string_view maskText = item.starts_with("sparse:") ? item.substr(7) : item;
    kind.family = ComplexityFamily::Sparse;
    try {
        kind.mask = parseMask(maskText);
    } catch (const InputError& error) {
        if (!item.starts_with("sparse:") && maskText.find(':') == std::string_view::npos)
            kindError(item, "not a kind of attention nor a mask");
        kindError(item, error.what());
    }
    if (kind.mask.kind == MaskKind::Padding)
        kindError(item, "the padding mask needs a sentence; choose another mask");
    kind.label = toString(kind.mask);
    return kind;
}

struct Inputs {
    std::vector<Matrix> q, k, v;
};

// Entries N(0, 1), one stream per head and matrix, so the inputs of a shorter length are the
// first rows of those of a longer one.
Inputs syntheticInputs(int n, int dK, int heads, std::uint64_t seed) {
    Inputs inputs;
    for (int h = 0; h < heads; ++h) {
        inputs.q.push_back(Random(deriveSeed(seed, "complexity-q", h)).normalMatrix(n, dK, 1.0));
        inputs.k.push_back(Random(deriveSeed(seed, "complexity-k", h)).normalMatrix(n, dK, 1.0));
        inputs.v.push_back(Random(deriveSeed(seed, "complexity-v", h)).normalMatrix(n, dK, 1.0));
    }
    return inputs;
}

// The kind's context for one head.
Matrix runKind(const ComplexityKind& kind, const Matrix& q, const Matrix& k, const Matrix& v,
               std::uint64_t seed) {
    switch (kind.family) {
    case ComplexityFamily::Dense:
        return denseAttention(q, k, v).context;
    case ComplexityFamily::Tiled: {
        TiledAttentionOptions options;
        options.blockSize = kind.tileSize;
        return tiledAttention(q, k, v, nullptr, options).context;
    }
    case ComplexityFamily::Sparse: {
        const int n = static_cast<int>(q.rows());
        const MaskPattern pattern(kind.mask, n, n, false, {}, seed);
        SparseAttentionOptions options;
        options.keepWeights = false;
        return sparseAttention(q, k, v, pattern, options).context;
    }
    case ComplexityFamily::Linear: {
        LinearAttentionOptions options;
        options.featureMap = kind.featureMap;
        options.features = kind.features;
        options.seed = seed;
        return linearAttention(q, k, v, options).context;
    }
    }
    return {};
}

// Weights and context of the kind for one head (small n only).
std::pair<Matrix, Matrix> kindWeights(const ComplexityKind& kind, const Matrix& q, const Matrix& k,
                                      const Matrix& v, std::uint64_t seed) {
    const int n = static_cast<int>(q.rows());
    switch (kind.family) {
    case ComplexityFamily::Dense: {
        DenseAttentionResult dense = denseAttention(q, k, v);
        return {std::move(dense.weights), std::move(dense.context)};
    }
    case ComplexityFamily::Tiled: {
        TiledAttentionOptions options;
        options.blockSize = kind.tileSize;
        TiledAttentionResult tiled = tiledAttention(q, k, v, nullptr, options);
        std::vector<int> rows(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            rows[static_cast<std::size_t>(i)] = i;
        Matrix weights = tiledWeightRows(q, k, tiled, rows, nullptr, options);
        return {std::move(weights), std::move(tiled.context)};
    }
    case ComplexityFamily::Sparse: {
        const MaskPattern pattern(kind.mask, n, n, false, {}, seed);
        SparseAttentionResult sparse = sparseAttention(q, k, v, pattern);
        return {sparse.weights.toDense(), std::move(sparse.context)};
    }
    case ComplexityFamily::Linear: {
        LinearAttentionOptions options;
        options.featureMap = kind.featureMap;
        options.features = kind.features;
        options.seed = seed;
        return {linearAttentionWeights(q, k, options), linearAttention(q, k, v, options).context};
    }
    }
    return {};
}

std::int64_t workCells(const ComplexityKind& kind, int n, std::uint64_t seed) {
    switch (kind.family) {
    case ComplexityFamily::Dense:
    case ComplexityFamily::Tiled:
        return std::int64_t{n} * n;
    case ComplexityFamily::Sparse:
        return MaskPattern(kind.mask, n, n, false, {}, seed).visibleCells();
    case ComplexityFamily::Linear:
        return 0;
    }
    return 0;
}

std::string mebibytes(std::int64_t bytes) {
    return std::to_string((bytes + (1 << 19)) >> 20) + " MiB";
}

std::string secondsText(double seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g s", seconds);
    return buffer;
}

} // namespace

std::vector<ComplexityKind> parseComplexityKinds(std::string_view list) {
    std::vector<ComplexityKind> kinds;
    std::set<std::string> seen;
    if (trim(list).empty())
        throw InputError("no complexity kinds given; expected a comma-separated list of " +
                         std::string(kKindForms));
    for (std::string_view item : splitList(list)) {
        ComplexityKind kind = parseKind(item);
        if (!seen.insert(kind.label).second)
            throw InputError("complexity kind '" + kind.label + "' is listed twice");
        kinds.push_back(std::move(kind));
    }
    return kinds;
}

std::vector<int> parseComplexitySizes(std::string_view list) {
    std::vector<int> sizes;
    for (std::string_view item : splitList(list)) {
        int n = 0;
        if (!parseInt(item, n) || n < 1 || n > kMaxLength)
            throw InputError("length '" + std::string(item) +
                             "' must be a whole number from 1 to " + std::to_string(kMaxLength));
        sizes.push_back(n);
    }
    return sizes;
}

void validate(const ComplexityConfig& config) {
    auto range = [](double value, double lo, double hi, const std::string& what) {
        if (!(value >= lo && value <= hi))
            throw InputError("complexity lab: " + what + " must be from " + std::to_string(lo) +
                             " to " + std::to_string(hi));
    };
    if (config.kinds.empty())
        throw InputError("complexity lab: choose at least one kind of attention");
    if (config.sizes.empty())
        throw InputError("complexity lab: choose at least one length n");
    for (int n : config.sizes)
        range(n, 1, kMaxLength, "every length n");
    range(config.dK, 1, 1024, "d_k");
    range(config.heads, 1, 64, "the number of heads");
    range(static_cast<double>(config.denseBudgetBytes), 1 << 20,
          static_cast<double>(std::int64_t{64} << 30), "the dense memory budget in bytes");
    if (!(config.maxSecondsPerPoint > 0.0))
        throw InputError("complexity lab: the time limit per length must be above 0 s");
    range(config.minSecondsPerPoint, 0.0, 3600.0, "the minimum time per length in seconds");
    range(config.maxRepetitions, 1, 1000, "the number of repetitions");
    range(config.slopeMinN, 1, kMaxLength, "the smallest length of the fitted slopes");
    range(config.errorN, 0, 8192, "the length of the error measurement");
    for (const ComplexityKind& kind : config.kinds) {
        range(kind.tileSize, kMinTileSize, kMaxTileSize, "the tile size B of " + kind.label);
        range(kind.features, kMinFavorFeatures, kMaxFavorFeatures,
              "the number of features M of " + kind.label);
        if (kind.family == ComplexityFamily::Sparse) {
            validateMask(kind.mask);
            if (kind.mask.kind == MaskKind::Padding || kind.mask.kind == MaskKind::Custom)
                throw InputError("complexity lab: the " + toString(kind.mask) +
                                 " mask needs a sentence; choose another mask");
        }
    }
}

ComplexityConfig pageComplexityConfig(std::vector<ComplexityKind> kinds, std::vector<int> sizes,
                                      int dK, int heads, std::int64_t denseBudgetBytes) {
    ComplexityConfig config;
    config.kinds = std::move(kinds);
    config.sizes = std::move(sizes);
    config.dK = dK;
    config.heads = heads;
    config.denseBudgetBytes = denseBudgetBytes;
    config.minSecondsPerPoint = 0.05;
    config.maxSecondsPerPoint = 20.0;
    config.errorN = 512;
    std::vector<int> sorted = config.sizes;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    config.slopeMinN = sorted.empty()       ? 1
                       : sorted.size() >= 2 ? std::min(512, sorted[sorted.size() - 2])
                                            : sorted.front();
    return config;
}

bool sameMeasurement(const ComplexityConfig& a, const ComplexityConfig& b) {
    const auto lengths = [](std::vector<int> sizes) {
        std::sort(sizes.begin(), sizes.end());
        sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
        return sizes;
    };
    // Each kind is measured on its own, so their order changes nothing but the colours.
    const auto labels = [](const std::vector<ComplexityKind>& kinds) {
        std::vector<std::string> out;
        out.reserve(kinds.size());
        for (const ComplexityKind& kind : kinds)
            out.push_back(kind.label);
        std::sort(out.begin(), out.end());
        return out;
    };
    return labels(a.kinds) == labels(b.kinds) && lengths(a.sizes) == lengths(b.sizes) &&
           a.dK == b.dK && a.heads == b.heads && a.seed == b.seed &&
           a.denseBudgetBytes == b.denseBudgetBytes &&
           a.maxSecondsPerPoint == b.maxSecondsPerPoint &&
           a.minSecondsPerPoint == b.minSecondsPerPoint && a.maxRepetitions == b.maxRepetitions &&
           a.slopeMinN == b.slopeMinN && a.errorN == b.errorN;
}

SlopeFit fitLogLogSlope(const std::vector<int>& n, const std::vector<double>& y, int minN) {
    SlopeFit fit;
    fit.slope = std::numeric_limits<double>::quiet_NaN();
    fit.intercept = std::numeric_limits<double>::quiet_NaN();
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t t = 0; t < n.size() && t < y.size(); ++t) {
        if (n[t] < minN || !(y[t] > 0.0) || !std::isfinite(y[t]))
            continue;
        const double x = std::log(static_cast<double>(n[t])), ly = std::log(y[t]);
        sx += x;
        sy += ly;
        sxx += x * x;
        sxy += x * ly;
        fit.minN = fit.points == 0 ? n[t] : std::min(fit.minN, n[t]);
        fit.maxN = std::max(fit.maxN, n[t]);
        ++fit.points;
    }
    const double count = fit.points;
    const double spread = sxx - sx * sx / std::max(1.0, count);
    if (fit.points >= 2 && spread > 0.0) {
        fit.slope = (sxy - sx * sy / count) / spread;
        fit.intercept = (sy - fit.slope * sx) / count;
    }
    return fit;
}

ComplexityResult runComplexity(const ComplexityConfig& input, const ProgressCallback& progress) {
    validate(input);
    ComplexityResult result;
    result.config = input;
    std::vector<int>& sizes = result.config.sizes;
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    const ComplexityConfig& config = result.config;
    result.memoryMethod = std::string(PeakMemoryProbe::method());
    result.memoryMeasured = PeakMemoryProbe().available();
    result.threads = kernels::KernelThreads().threads();

    const int kinds = static_cast<int>(config.kinds.size());
    const int errorSteps =
        config.errorN > 0
            ? static_cast<int>(std::count_if(
                  config.kinds.begin(), config.kinds.end(),
                  [](const ComplexityKind& k) { return k.family != ComplexityFamily::Dense; }))
            : 0;
    const int total = kinds * static_cast<int>(sizes.size()) + errorSteps;
    int done = 0;
    auto step = [&] { kernels::reportProgress(progress, ++done, total); };

    for (const ComplexityKind& kind : config.kinds) {
        ComplexitySeries series;
        series.kind = kind;
        result.series.push_back(std::move(series));
    }
    std::vector<std::string> stopped(static_cast<std::size_t>(kinds));
    using Clock = std::chrono::steady_clock;

    for (int n : sizes) {
        const Inputs inputs = syntheticInputs(n, config.dK, config.heads, config.seed);
        for (int s = 0; s < kinds; ++s) {
            ComplexitySeries& series = result.series[static_cast<std::size_t>(s)];
            const ComplexityKind& kind = series.kind;
            ComplexityPoint point;
            point.n = n;
            std::string& stop = stopped[static_cast<std::size_t>(s)];
            const std::int64_t denseBytes = 4 * std::int64_t{n} * n;
            if (stop.empty() && kind.family == ComplexityFamily::Dense &&
                denseBytes > config.denseBudgetBytes) {
                stop = "dense stops at n = " + std::to_string(n) + ": its n × n weights (" +
                       mebibytes(denseBytes) + " per head) exceed the memory budget of " +
                       mebibytes(config.denseBudgetBytes);
                series.notes.push_back(stop);
            }
            if (!stop.empty()) {
                point.note = stop;
                series.points.push_back(point);
                step();
                continue;
            }
            point.workCells = workCells(kind, n, config.seed);
            double best = std::numeric_limits<double>::infinity(), spent = 0.0;
            do {
                std::vector<Matrix> contexts;
                contexts.reserve(static_cast<std::size_t>(config.heads));
                const PeakMemoryProbe probe;
                const auto start = Clock::now();
                for (int h = 0; h < config.heads; ++h)
                    contexts.push_back(runKind(kind, inputs.q[static_cast<std::size_t>(h)],
                                               inputs.k[static_cast<std::size_t>(h)],
                                               inputs.v[static_cast<std::size_t>(h)], config.seed));
                const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
                if (point.repetitions == 0)
                    point.peakBytes = probe.peakBytes();
                best = std::min(best, seconds);
                spent += seconds;
                ++point.repetitions;
            } while (spent < config.minSecondsPerPoint &&
                     point.repetitions < config.maxRepetitions);
            point.measured = true;
            point.seconds = best;
            if (best > config.maxSecondsPerPoint) {
                stop = kind.label + " stops after n = " + std::to_string(n) + ", which took " +
                       secondsText(best) + " (the limit per length is " +
                       secondsText(config.maxSecondsPerPoint) + ")";
                series.notes.push_back(stop);
            }
            series.points.push_back(point);
            step();
        }
    }

    for (ComplexitySeries& series : result.series) {
        std::vector<int> n;
        std::vector<double> seconds, bytes;
        for (const ComplexityPoint& point : series.points) {
            if (!point.measured)
                continue;
            n.push_back(point.n);
            seconds.push_back(point.seconds);
            bytes.push_back(static_cast<double>(point.peakBytes));
        }
        series.timeSlope = fitLogLogSlope(n, seconds, config.slopeMinN);
        series.memorySlope = fitLogLogSlope(n, bytes, config.slopeMinN);
        if (series.timeSlope.points < 2)
            series.notes.push_back("fewer than two measured lengths of n ≥ " +
                                   std::to_string(config.slopeMinN) + ": no time slope");
    }

    if (config.errorN > 0) {
        const Inputs inputs = syntheticInputs(config.errorN, config.dK, 1, config.seed);
        const ComplexityKind exactKind;
        const auto [exactWeights, exactContext] =
            kindWeights(exactKind, inputs.q[0], inputs.k[0], inputs.v[0], config.seed);
        for (ComplexitySeries& series : result.series) {
            if (series.kind.family == ComplexityFamily::Dense)
                continue;
            const auto [weights, context] =
                kindWeights(series.kind, inputs.q[0], inputs.k[0], inputs.v[0], config.seed);
            series.error = approximationError(exactWeights, weights, exactContext, context);
            step();
        }
    }
    return result;
}

} // namespace attnlab::core
