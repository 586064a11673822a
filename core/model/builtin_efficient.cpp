#include "core/model/builtin_efficient.h"

#include "core/efficient/linear_attention.h"
#include "core/efficient/tiled_attention.h"

#include <cassert>
#include <cmath>
#include <numeric>

namespace attnlab::core {

float tiledLogitScale(const Config& config, int dK) {
    assert(config.scoring == ScoringFunction::ScaledDot || config.scoring == ScoringFunction::Dot);
    const float scaled = config.scoring == ScoringFunction::ScaledDot
                             ? std::sqrt(static_cast<float>(dK)) * config.temperature
                             : config.temperature;
    return 1.0f / scaled;
}

KindHeadResult runKindHead(const Config& config, const Eigen::Ref<const Matrix>& q,
                           const Eigen::Ref<const Matrix>& k, const Eigen::Ref<const Matrix>& v,
                           const MaskPattern& mask) {
    KindHeadResult result;
    if (config.attention == AttentionKind::Tiled) {
        TiledAttentionOptions options;
        options.scale = tiledLogitScale(config, static_cast<int>(q.cols()));
        const MaskPattern* pattern = mask.coversEverything() ? nullptr : &mask;
        TiledAttentionResult tiled = tiledAttention(q, k, v, pattern, options);
        std::vector<int> rows(static_cast<std::size_t>(q.rows()));
        std::iota(rows.begin(), rows.end(), 0);
        result.weights = tiledWeightRows(q, k, tiled, rows, pattern, options);
        result.context = std::move(tiled.context);
        return result;
    }
    assert(config.attention == AttentionKind::Linear);
    LinearAttentionOptions options;
    options.featureMap = config.featureMap;
    options.features = config.features;
    options.causal = config.mask.kind == MaskKind::Causal;
    options.seed = config.seed;
    LinearAttentionResult linear = linearAttention(q, k, v, options);
    result.weights = linearAttentionWeights(q, k, options);
    result.context = std::move(linear.context);
    result.flaggedRows = std::move(linear.zeroRows);
    return result;
}

} // namespace attnlab::core
