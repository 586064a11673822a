#include "core/teaching/cell_arithmetic.h"

#include "core/attention/normalizer.h"

#include <algorithm>

namespace attnlab::core {

std::vector<ArithmeticStep> cellArithmetic(const ModelOutput& output, int head, int query,
                                           int key) {
    if (!output.trace || head < 0 || head >= static_cast<int>(output.trace->heads.size()))
        return {};
    const HeadTrace& trace = output.trace->heads[static_cast<std::size_t>(head)];
    if (!trace.traced() || query < 0 || key < 0 || query >= trace.scores.rows() ||
        key >= trace.scores.cols())
        return {};
    const Config& config = output.config;
    const ScoringEntry& scoring = scoringEntry(config.scoring);
    const float score = trace.scores(query, key);
    std::vector<ArithmeticStep> steps;
    if (scoring.explain)
        steps =
            scoring.explain(ScoringCell{trace.q.row(query), trace.k.row(key), trace.params, score});
    const AttentionMaps& maps = output.maps;
    const bool masked = maps.allowed.size() > 0 && !maps.allowed(query, key);
    if (masked) {
        steps.push_back({translatable("masked → 0"), {}});
        return steps;
    }
    const double temperature = config.temperature;
    const double scaled = static_cast<double>(score) / temperature;
    if (temperature != 1.0)
        steps.push_back({"/T = %1 (T = %2)", {{scaled, false, {}}, {temperature, true, {}}}});
    else
        steps.push_back({"/T = %1", {{scaled, false, {}}}});
    const double logit = trace.logits(query, key);
    if (config.positional == PositionalEncoding::Alibi)
        steps.push_back(
            {translatable("+ ALiBi %1 = %2"), {{logit - scaled, false, {}}, {logit, false, {}}}});
    const double weight = maps.weights[maps.index(0, head)](query, key);
    steps.push_back(
        {"%1 → %2", {{0, false, normalizerEntry(config.normalizer).name}, {weight, false, {}}}});
    return steps;
}

std::vector<float> headWeightsAt(const AttentionMaps& maps, int layer, int query, int key) {
    std::vector<float> weights;
    weights.reserve(static_cast<std::size_t>(std::max(maps.heads, 0)));
    for (int head = 0; head < maps.heads; ++head)
        weights.push_back(maps.weights[maps.index(layer, head)](query, key));
    return weights;
}

} // namespace attnlab::core
