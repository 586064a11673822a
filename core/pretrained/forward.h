#pragma once
// The forward pass of the three families over validated token ids. Internal to the engine.

#include "core/pretrained/kernels.h"
#include "core/pretrained/pretrained_model.h"

namespace attnlab::core::pretrained {

/// Scratch memory of one run, kept between runs (a keystroke re-runs the model).
struct Workspace {
    Scratch residual, normed, projections, context, attended, inner, gate, cosines, sines, heads;
    std::vector<Matrix> headWeights; ///< per head, when the run does not keep the attentions
    std::vector<Matrix> headLogits;  ///< per head, for intervened heads
    std::vector<std::vector<int>> headFlagged;
    std::vector<int> order; ///< vocabulary indices for the top-k
};

/// Everything run() needs that does not change between runs.
struct Engine {
    TransformerConfig config;
    ModelWeights weights;
    std::vector<float> ropeInverseFrequencies; ///< Llama only
};

/// Embeds the tokens, runs every layer and writes result.attentions (when `keepAttentions`),
/// result.flaggedRows and result.hidden. `settings[l]` is empty for a layer without
/// interventions, else one entry per head. Calls `progress` after each layer.
void runLayers(const Engine& engine, const std::vector<int>& tokens,
               const std::vector<int>& tokenTypes,
               const std::vector<std::vector<HeadSetting>>& settings, bool keepAttentions,
               const ProgressCallback& progress, Workspace& workspace, TransformerRun& result);

} // namespace attnlab::core::pretrained
