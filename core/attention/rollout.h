#pragma once
// Summaries of the attention maps of a whole model: attention rollout across layers, and maps of
// sub-word pieces aggregated to words (docs/attention-math.md, "Transformers").

#include "core/base/types.h"

#include <vector>

namespace attnlab::core {

/// Attention rollout (Abnar & Zuidema 2020): per layer Â_l = 0.5·mean_h A_l,h + 0.5·I with its
/// rows renormalised to sum to 1, and R = Â_L ⋯ Â_1. `attentions` is [layer][head], every matrix
/// n × n. Throws InputError for no layers, a layer without heads, or matrices of other shapes.
Matrix attentionRollout(const std::vector<std::vector<Matrix>>& attentions);

/// As attentionRollout from each layer's mean over heads (n × n each).
Matrix attentionRolloutOfMeans(const std::vector<Matrix>& layerMeans);

/// A map of pieces (n_q × n_k) aggregated to words: A[W_q, W_k] = mean over the query word's
/// pieces of the sum over the key word's pieces, so that rows that summed to 1 still do.
/// `queryWordOfPiece[i]` is the word of query piece i (0-based, the words numbered 0..W_q−1,
/// each with at least one piece), or −1 to leave the piece out (a special token); likewise
/// `keyWordOfPiece`. Throws InputError for vectors of the wrong length, a word without pieces, or
/// indices below −1.
Matrix aggregateToWords(const Eigen::Ref<const Matrix>& pieces,
                        const std::vector<int>& queryWordOfPiece,
                        const std::vector<int>& keyWordOfPiece);

/// Self-attention form: the same word index for queries and keys.
Matrix aggregateToWords(const Eigen::Ref<const Matrix>& pieces,
                        const std::vector<int>& wordOfPiece);

} // namespace attnlab::core
