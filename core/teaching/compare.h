#pragma once
// Two attention matrices of the same sentence side by side: their difference, and per query row
// how far apart the two distributions are (KL divergence) and how much sharper or flatter the
// second one is (entropy change).

#include "core/model/builtin_model.h"

#include <vector>

namespace attnlab::core {

struct Comparison {
    Matrix difference;             ///< A − B, cell by cell, n_q × n_k
    float maxAbsDifference = 0.0f; ///< largest |A − B| (0 for empty matrices)
    /// Per query row: KL(A‖B) = Σ_j a_j ln(a_j / b_j) and KL(B‖A), on the rows scaled to sum 1
    /// (sigmoid rows need not). +∞ where one row gives weight to a key the other gives exactly 0
    /// (e.g. softmax against sparsemax); 0 for rows that are not comparable.
    Vector klAB, klBA;
    /// Per query row: −Σ a ln a of the weights as they are (attention-math.md, "Outputs").
    Vector entropyA, entropyB;
    Vector entropyChange; ///< entropyB − entropyA: negative when B is sharper
    /// Per query row: false when either row sums to 0 (every key masked, or a relu row with no
    /// positive logit), so no distribution exists to compare.
    std::vector<bool> comparable;
};

/// Compares two weight matrices of equal shape. Throws InputError when the shapes differ.
Comparison compareWeights(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b);

/// Compares map `head` (0 … H−1, kMeanOfHeads or kMaxOfHeads) of `layer` in two sets of maps of
/// the same sentence. Throws InputError when the two split the sentence into different tokens
/// (other tokenizer, other padding) or when the map is missing from either.
Comparison compareMaps(const AttentionMaps& a, const AttentionMaps& b, int layer, int head);

} // namespace attnlab::core
