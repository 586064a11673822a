#pragma once
// Why scores are divided by √d_k (attention-math.md, "Scores"; seed 000): with q and k of
// independent N(0, 1) entries, Var(q·k) = d_k, so unscaled logits spread out as the heads get
// wider and softmax saturates onto one key. The study samples random q and k and measures this,
// with and without the 1/√d_k scaling. Deterministic: the same seed gives the same numbers.

#include "core/base/types.h"

#include <cstdint>
#include <vector>

namespace attnlab::core {

struct ScalingStudyConfig {
    std::vector<int> dims; ///< d_k values to sample, each 1 … 4096; empty = defaultStudyDims()
    int queries = 400;     ///< random queries per d_k; 1 … 1 000 000, default 400
    int keys = 10;         ///< keys per query (the softmax row length); 2 … 4096, default 10
    std::uint64_t seed = 2017; ///< seed of the samples; default 2017
};

struct ScalingPoint {
    int dK = 0;
    double varianceRaw = 0;     ///< sample variance of q·k
    double varianceScaled = 0;  ///< sample variance of q·k / √d_k
    double entropyRaw = 0;      ///< mean entropy of softmax over the keys of one query, unscaled
    double entropyScaled = 0;   ///< same, scaled by 1/√d_k
    double maxWeightRaw = 0;    ///< mean of the largest softmax weight per query, unscaled
    double maxWeightScaled = 0; ///< same, scaled
};

struct ScalingStudy {
    ScalingStudyConfig config;        ///< as run (dims filled in)
    std::vector<ScalingPoint> points; ///< one per d_k, in the order of config.dims
    double uniformEntropy = 0;        ///< ln(keys): the entropy of equal weights, the maximum
};

/// 1, 2, 3, 4, 6, 8, 12, … , 384, 512: two points per octave up to 512.
std::vector<int> defaultStudyDims();

/// Samples, for each d_k, `queries` queries and `keys` keys per query with N(0, 1) entries, and
/// measures the statistics of ScalingPoint. Throws InputError for settings out of range.
ScalingStudy runScalingStudy(const ScalingStudyConfig& config = {});

/// Equal-width histogram of the finite entries of a matrix.
struct Histogram {
    double low = 0, high = 0;      ///< range of the bins: bin i covers [low + i·w, low + (i+1)·w)
    std::vector<int> counts;       ///< one per bin; the largest value falls into the last bin
    int values = 0;                ///< finite entries counted
    double mean = 0, variance = 0; ///< of the counted entries (population variance)
};

/// Histogram of the finite entries of `values` in `bins` bins (1 … 10 000) over their range
/// (a single value or a constant matrix gets the range value ± 0.5). Infinite and NaN entries
/// are skipped.
Histogram histogramOf(const Eigen::Ref<const Matrix>& values, int bins);

} // namespace attnlab::core
