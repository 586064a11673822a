#pragma once
// The forward pass of the three families over validated token ids. Internal to the engine.

#include "core/pretrained/kernels.h"
#include "core/pretrained/pretrained_model.h"

#include <array>
#include <cstdint>

namespace attnlab::core::pretrained {

/// What a run of a causal model keeps for the next one: the ids it ran on, its interventions as
/// resolved, every layer's projections (Q, K, V) of every position, and the final hidden states.
/// In a causal model these depend only on the ids up to their position, so a run whose ids begin
/// with the same ones (a keystroke at the end of the text), under interventions that treat those
/// positions alike, computes the layers' products for the positions after them only
/// (docs/attention-math.md, "Reusing a prefix").
struct PrefixEntry {
    std::vector<int> tokens; ///< empty: holds nothing (never filled, or its run did not finish)
    std::vector<std::vector<HeadSetting>> settings;
    std::vector<Matrix> projections; ///< per layer, n × (heads + 2·kvHeads)·d_k
    Matrix hidden;                   ///< n × d_model, as TransformerRun::hidden
    std::uint64_t lastUse = 0;
};

/// An entry holds at most this many bytes (GPT-2 small at 1,024 tokens: 111 MiB); a longer input
/// of a larger model runs without one.
inline constexpr std::size_t kPrefixEntryBytes = std::size_t{128} << 20;

/// Bytes of a PrefixEntry for `tokens` positions of the model `info` describes.
std::size_t prefixEntryBytes(const ModelInfo& info, std::size_t tokens);

/// The leading positions of `tokens` whose projections and hidden states `entry` holds for the
/// interventions `settings`: the ids they share, cut at the first query row where an
/// intervention's mask differs on the keys that row sees; 0 when any other part of an
/// intervention differs.
int reusablePositions(const PrefixEntry& entry, const std::vector<int>& tokens,
                      const std::vector<std::vector<HeadSetting>>& settings);

/// Scratch memory of one run, kept between runs (a keystroke re-runs the model).
struct Workspace {
    Scratch residual, normed, projections, context, attended, inner, gate, cosines, sines, heads;
    std::vector<Matrix> headWeights; ///< per head, when the run does not keep the attentions
    std::vector<Matrix> headLogits;  ///< per head, for intervened heads
    std::vector<std::vector<int>> headFlagged;
    std::vector<int> order; ///< vocabulary indices for the top-k
    /// Two, so that the window's What-if comparison (a run with the changes and one without,
    /// taking turns) keeps the prefix of each.
    std::array<PrefixEntry, 2> prefixes;
    std::uint64_t runs = 0;
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
///
/// With a `prefix` entry (causal models only) the first `reused` positions (at most
/// reusablePositions() of it) are taken from it: their projections and hidden states are not
/// computed again, only every row's attention. The entry then holds this run; it holds nothing
/// while the run is under way, so a cancelled run leaves nothing to reuse.
void runLayers(const Engine& engine, const std::vector<int>& tokens,
               const std::vector<int>& tokenTypes,
               const std::vector<std::vector<HeadSetting>>& settings, bool keepAttentions,
               const ProgressCallback& progress, Workspace& workspace, PrefixEntry* prefix,
               int reused, TransformerRun& result);

} // namespace attnlab::core::pretrained
