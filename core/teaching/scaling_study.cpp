#include "core/teaching/scaling_study.h"

#include "core/base/random.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace attnlab::core {
namespace {

constexpr int kMaxDim = 4096;
constexpr int kMaxQueries = 1000000;
constexpr int kMaxKeys = 4096;
constexpr int kMaxBins = 10000;

// Running mean and variance (Welford): the products of wide vectors reach the hundreds, and a
// naive sum of squares would lose the small-d_k variances to rounding.
struct Moments {
    long long n = 0;
    double mean = 0.0, m2 = 0.0;
    void add(double x) {
        ++n;
        const double delta = x - mean;
        mean += delta / static_cast<double>(n);
        m2 += delta * (x - mean);
    }
    double sampleVariance() const { return n > 1 ? m2 / static_cast<double>(n - 1) : 0.0; }
};

// Entropy and largest weight of softmax(logits), computed stably.
void softmaxStats(const std::vector<double>& logits, double& entropy, double& maxWeight) {
    const double top = *std::max_element(logits.begin(), logits.end());
    double sum = 0.0;
    for (double l : logits)
        sum += std::exp(l - top);
    entropy = 0.0;
    maxWeight = 0.0;
    for (double l : logits) {
        const double p = std::exp(l - top) / sum;
        if (p > 0.0)
            entropy -= p * std::log(p);
        maxWeight = std::max(maxWeight, p);
    }
}

void requireRange(long long value, long long low, long long high, const std::string& what) {
    if (value < low || value > high)
        throw InputError(what + " must be between " + std::to_string(low) + " and " +
                         std::to_string(high) + ", not " + std::to_string(value));
}

} // namespace

std::vector<int> defaultStudyDims() {
    std::vector<int> dims;
    for (int power = 1; power <= 512; power *= 2) {
        dims.push_back(power);
        if (power >= 2 && power < 512)
            dims.push_back(power + power / 2); // 3, 6, 12, …, 384
    }
    return dims;
}

ScalingStudy runScalingStudy(const ScalingStudyConfig& config) {
    ScalingStudy study;
    study.config = config;
    if (study.config.dims.empty())
        study.config.dims = defaultStudyDims();
    for (int d : study.config.dims)
        requireRange(d, 1, kMaxDim, "d_k of the scaling study");
    requireRange(config.queries, 1, kMaxQueries, "the number of sampled queries");
    requireRange(config.keys, 2, kMaxKeys, "the number of keys per query");
    study.uniformEntropy = std::log(static_cast<double>(config.keys));

    std::vector<double> q, raw(static_cast<std::size_t>(config.keys)),
        scaled(static_cast<std::size_t>(config.keys));
    for (int d : study.config.dims) {
        // Each d_k gets its own stream, so adding a point never changes the others.
        Random rng(deriveSeed(config.seed, "scaling-study", d));
        const double scale = 1.0 / std::sqrt(static_cast<double>(d));
        q.assign(static_cast<std::size_t>(d), 0.0);
        Moments rawMoments, scaledMoments;
        double entropyRaw = 0.0, entropyScaled = 0.0, maxRaw = 0.0, maxScaled = 0.0;
        for (int i = 0; i < config.queries; ++i) {
            for (double& x : q)
                x = rng.normal();
            for (int j = 0; j < config.keys; ++j) {
                double dot = 0.0;
                for (int c = 0; c < d; ++c)
                    dot += q[static_cast<std::size_t>(c)] * rng.normal();
                raw[static_cast<std::size_t>(j)] = dot;
                scaled[static_cast<std::size_t>(j)] = dot * scale;
                rawMoments.add(dot);
                scaledMoments.add(dot * scale);
            }
            double entropy = 0.0, maxWeight = 0.0;
            softmaxStats(raw, entropy, maxWeight);
            entropyRaw += entropy;
            maxRaw += maxWeight;
            softmaxStats(scaled, entropy, maxWeight);
            entropyScaled += entropy;
            maxScaled += maxWeight;
        }
        const double count = static_cast<double>(config.queries);
        study.points.push_back({d, rawMoments.sampleVariance(), scaledMoments.sampleVariance(),
                                entropyRaw / count, entropyScaled / count, maxRaw / count,
                                maxScaled / count});
    }
    return study;
}

Histogram histogramOf(const Eigen::Ref<const Matrix>& values, int bins) {
    requireRange(bins, 1, kMaxBins, "the number of histogram bins");
    Histogram histogram;
    histogram.counts.assign(static_cast<std::size_t>(bins), 0);
    Moments moments;
    double low = 0.0, high = 0.0;
    for (Eigen::Index r = 0; r < values.rows(); ++r)
        for (Eigen::Index c = 0; c < values.cols(); ++c) {
            const double x = values(r, c);
            if (!std::isfinite(x))
                continue;
            low = moments.n == 0 ? x : std::min(low, x);
            high = moments.n == 0 ? x : std::max(high, x);
            moments.add(x);
        }
    histogram.values = static_cast<int>(moments.n);
    if (moments.n == 0)
        return histogram;
    histogram.mean = moments.mean;
    histogram.variance = moments.m2 / static_cast<double>(moments.n);
    if (!(high > low)) {
        low -= 0.5;
        high += 0.5;
    }
    histogram.low = low;
    histogram.high = high;
    const double width = (high - low) / bins;
    for (Eigen::Index r = 0; r < values.rows(); ++r)
        for (Eigen::Index c = 0; c < values.cols(); ++c) {
            const double x = values(r, c);
            if (!std::isfinite(x))
                continue;
            const int bin = std::clamp(static_cast<int>((x - low) / width), 0, bins - 1);
            ++histogram.counts[static_cast<std::size_t>(bin)];
        }
    return histogram;
}

} // namespace attnlab::core
