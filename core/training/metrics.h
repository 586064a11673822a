#pragma once
// Scores of each trained head on a probe set: how close it is to the task's ideal alignment,
// and how much it behaves like the classic head types (previous token, induction, diagonal).

#include "core/training/batch.h"
#include "core/training/transformer.h"

#include <optional>
#include <vector>

namespace attnlab::core::training {

struct HeadScores {
    AttentionKind kind = AttentionKind::DecoderSelf;
    int layer = 0;
    int head = 0;
    /// Mean over the probe's ideal cells of this kind of the weight on the ideal keys; none
    /// when the task has no ideal for this kind of attention.
    std::optional<double> alignment;
    /// Self-attention: mean weight of query i on key i − 1 over real rows i ≥ 1.
    std::optional<double> previousToken;
    /// Self-attention: mean over rows i whose token occurred before (last at j < i) of the
    /// weight on key j + 1, the token that followed it (Olsson et al. 2022); none without such
    /// rows.
    std::optional<double> induction;
    /// Self-attention: mean weight of query i on key i over real rows.
    std::optional<double> diagonal;
};

/// Scores of every head of every attention block in `maps` (the forward result of `probe`).
std::vector<HeadScores> headScores(const std::vector<AttentionMaps>& maps,
                                   const LaidOutBatch& probe);

/// Index of the head with the highest alignment, or −1 when no head has one.
int bestAlignedHead(const std::vector<HeadScores>& scores);

/// Index of the head with the highest induction score, or −1.
int bestInductionHead(const std::vector<HeadScores>& scores);

} // namespace attnlab::core::training
