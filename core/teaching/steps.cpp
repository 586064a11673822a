#include "core/teaching/steps.h"

#include <algorithm>
#include <string>

namespace attnlab::core {
namespace {

bool isQueryKeyStage(StageKind kind) {
    switch (kind) {
    case StageKind::DotProducts:
    case StageKind::Scores:
    case StageKind::Logits:
    case StageKind::MaskedLogits:
    case StageKind::Weights:
        return true;
    default:
        return false;
    }
}

bool isScoringParameter(StageKind kind) {
    return kind == StageKind::ScoringWa || kind == StageKind::ScoringW1 ||
           kind == StageKind::ScoringW2 || kind == StageKind::ScoringV;
}

StageHighlight whole() {
    return {Involvement::Whole, {}, {}, -1, -1};
}

StageHighlight part(std::vector<int> rows, std::vector<int> cols, int cellRow = -1,
                    int cellCol = -1) {
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return {Involvement::Part, std::move(rows), std::move(cols), cellRow, cellCol};
}

// Involvement of a stage of kind `kind` in cell (i, c) of a stage of kind `selected`, ignoring
// the order of the stages.
StageHighlight involvement(StageKind kind, StageKind selected, int i, int c, bool cross) {
    const bool inputs = kind == StageKind::QueryInputs || kind == StageKind::KeyInputs;
    if (isQueryKeyStage(selected)) {
        const int j = c; // query i, key j
        if (isQueryKeyStage(kind))
            return part({i}, {j}, i, j);
        if (kind == StageKind::Q)
            return part({i}, {});
        if (kind == StageKind::K)
            return part({j}, {});
        if (kind == StageKind::Wq || kind == StageKind::Wk || isScoringParameter(kind))
            return whole();
        if (inputs && !cross)
            return part({i, j}, {});
        if (kind == StageKind::QueryInputs)
            return part({i}, {});
        if (kind == StageKind::KeyInputs)
            return part({j}, {});
        return {};
    }
    switch (selected) {
    case StageKind::Context:
        if (isQueryKeyStage(kind) || kind == StageKind::Q)
            return part({i}, {});
        if (kind == StageKind::V || kind == StageKind::Wv)
            return part({}, {c});
        if (kind == StageKind::K || kind == StageKind::Wq || kind == StageKind::Wk ||
            isScoringParameter(kind) || kind == StageKind::KeyInputs)
            return whole();
        if (kind == StageKind::QueryInputs)
            return cross ? part({i}, {}) : whole();
        return {};
    case StageKind::Q:
        if (kind == StageKind::QueryInputs)
            return part({i}, {});
        if (kind == StageKind::Wq)
            return part({}, {c});
        return {};
    case StageKind::K:
    case StageKind::V:
        if (kind == (cross ? StageKind::KeyInputs : StageKind::QueryInputs))
            return part({i}, {});
        if (kind == (selected == StageKind::K ? StageKind::Wk : StageKind::Wv))
            return part({}, {c});
        return {};
    default:
        return {}; // inputs, projections and parameters come from nothing earlier
    }
}

} // namespace

std::vector<Stage> stepStages(const ModelOutput& output, int head) {
    if (!output.trace)
        throw InputError(message("this model keeps no intermediate stages to show"));
    const Trace& trace = *output.trace;
    if (head < 0 || head >= static_cast<int>(trace.heads.size()))
        throw InputError(message("there is no head %1; the result has %2", head + 1,
                                 static_cast<int>(trace.heads.size())));
    const HeadTrace& h = trace.heads[static_cast<std::size_t>(head)];
    if (!h.traced())
        throw InputError(message("head %1 was computed without its intermediate stages", head + 1));
    const AttentionMaps& maps = output.maps;
    std::vector<Stage> stages;
    const StageAxis keys = StageAxis::KeyTokens;
    const StageAxis queries = StageAxis::QueryTokens;
    stages.push_back({StageKind::QueryInputs, trace.queryInputs, queries, StageAxis::ModelDims});
    if (maps.cross)
        stages.push_back({StageKind::KeyInputs, trace.keyInputs, keys, StageAxis::ModelDims});
    stages.push_back({StageKind::Wq, h.wq, StageAxis::ModelDims, StageAxis::HeadDims});
    stages.push_back({StageKind::Wk, h.wk, StageAxis::ModelDims, StageAxis::HeadDims});
    stages.push_back({StageKind::Wv, h.wv, StageAxis::ModelDims, StageAxis::HeadDims});
    stages.push_back({StageKind::Q, h.q, queries, StageAxis::HeadDims});
    stages.push_back({StageKind::K, h.k, keys, StageAxis::HeadDims});
    stages.push_back({StageKind::V, h.v, keys, StageAxis::HeadDims});

    // The parameters the scoring function has, then, for a scaled product of q and k, the
    // products themselves as a stage of their own.
    if (h.params.wa.size() > 0)
        stages.push_back(
            {StageKind::ScoringWa, h.params.wa, StageAxis::HeadDims, StageAxis::HeadDims});
    if (h.params.w1.size() > 0) {
        stages.push_back(
            {StageKind::ScoringW1, h.params.w1, StageAxis::HiddenDims, StageAxis::HeadDims});
        stages.push_back(
            {StageKind::ScoringW2, h.params.w2, StageAxis::HiddenDims, StageAxis::HeadDims});
        stages.push_back(
            {StageKind::ScoringV, Matrix(h.params.v), StageAxis::HiddenDims, StageAxis::Single});
    }
    const ScoringEntry& scoring = scoringEntry(output.config.scoring);
    if (scoring.showsDotProducts) {
        Matrix dots;
        dots.noalias() = h.q * h.k.transpose();
        stages.push_back({StageKind::DotProducts, std::move(dots), queries, keys});
    }
    stages.push_back({StageKind::Scores, h.scores, queries, keys});
    stages.push_back({StageKind::Logits, h.logits, queries, keys});
    stages.push_back(
        {StageKind::MaskedLogits, maskedLogits(h.logits, maps.allowed), queries, keys});
    stages.push_back({StageKind::Weights, maps.weights[maps.index(0, head)], queries, keys});
    stages.push_back({StageKind::Context, h.context, queries, StageAxis::HeadDims});
    return stages;
}

std::vector<StageHighlight> traceSources(const std::vector<Stage>& stages, int selected, int row,
                                         int col, bool cross) {
    std::vector<StageHighlight> highlights(stages.size());
    if (selected < 0 || selected >= static_cast<int>(stages.size()))
        return highlights;
    const StageKind kind = stages[static_cast<std::size_t>(selected)].kind;
    for (int s = 0; s < selected; ++s)
        highlights[static_cast<std::size_t>(s)] =
            involvement(stages[static_cast<std::size_t>(s)].kind, kind, row, col, cross);
    highlights[static_cast<std::size_t>(selected)] = part({row}, {col}, row, col);
    return highlights;
}

} // namespace attnlab::core
