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
    /// Self-attention: how much more weight query i puts on key j + 1, the token after the
    /// last earlier occurrence j of its own token, than it puts on the same key in the control
    /// (inductionControl: the earlier occurrences replaced by <unk>), averaged over the rows that
    /// have such a j (docs/attention-math.md#induction). A head that looks up the token after an
    /// earlier copy by content (an induction head, Olsson et al. 2022) scores near its weight
    /// there; a head that reaches the same key by position alone scores near 0. None without
    /// such rows or without the control's maps.
    std::optional<double> induction;
    /// Self-attention: mean weight of query i on key i over real rows.
    std::optional<double> diagonal;
};

/// The control probe of the induction score: `probe` with every token of a self-attention
/// sequence that occurs again later in it (every occurrence but the last) replaced by <unk>, so
/// that no query has an earlier copy of its token while every position, and every token that is
/// scored, stays where it was.
LaidOutBatch inductionControl(const LaidOutBatch& probe);

/// Scores of every head of every attention block in `maps` (the forward result of `probe`);
/// `control` is the forward result of inductionControl(probe), without which the induction
/// score is left out.
std::vector<HeadScores> headScores(const std::vector<AttentionMaps>& maps,
                                   const LaidOutBatch& probe,
                                   const std::vector<AttentionMaps>* control = nullptr);

/// Index of the head with the highest alignment, or −1 when no head has one.
int bestAlignedHead(const std::vector<HeadScores>& scores);

/// Index of the head with the highest induction score, or −1.
int bestInductionHead(const std::vector<HeadScores>& scores);

} // namespace attnlab::core::training
