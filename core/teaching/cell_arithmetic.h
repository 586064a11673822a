#pragma once
// The arithmetic of one cell of the built-in model, from q_i and k_j to the weight, as steps the
// window prints ("q·k = 3.20, /√16 = 0.80, /T = 0.80, softmax → 0.33"): the details of a
// selected cell and the Steps page read the same numbers, computed here once.

#include "core/model/model.h"

#include <vector>

namespace attnlab::core {

/// The steps of cell (query, key) of head `head`: the scoring function's own (its registry
/// entry's explain), then the temperature, the ALiBi bias, the mask and the normaliser. Empty
/// when the output has no trace of that head.
std::vector<ArithmeticStep> cellArithmetic(const ModelOutput& output, int head, int query, int key);

/// Each head's weight at (query, key) of `layer`, for the arithmetic of the mean and the maximum.
std::vector<float> headWeightsAt(const AttentionMaps& maps, int layer, int query, int key);

} // namespace attnlab::core
