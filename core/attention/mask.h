#pragma once
// Which keys each query may see (attention-math.md, "Masks").

#include "core/attention/options.h"

#include <Eigen/Core>

#include <vector>

namespace attnlab::core {

using BoolMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// n_q × n_k, true where query i may see key j. `keyIsPadding[j]` marks [PAD] keys (padding
/// mask). Throws InputError for causal in cross-attention (`cross`), a negative window, or a
/// custom cell outside the matrix.
BoolMatrix buildMask(const MaskSpec& mask, int nq, int nk, bool cross,
                     const std::vector<bool>& keyIsPadding);

} // namespace attnlab::core
