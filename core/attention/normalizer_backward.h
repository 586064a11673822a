#pragma once
// Gradients of the row-wise normalisers (attention-math.md, "Normalisers" and "Training"):
// given A = norm(L) and ∂loss/∂A, the gradient ∂loss/∂L.

#include "core/attention/options.h"
#include "core/base/types.h"

#include <string>

namespace attnlab::core {

/// True when `normalizer` has a gradient that training can use (every one but hardmax).
bool hasGradient(Normalizer normalizer);

/// The sentence that says why `normalizer` cannot be trained (hardmax), or an empty string.
std::string noGradientReason(Normalizer normalizer);

/// ∂loss/∂L for weights = normalizeRows(normalizer, logits) and the upstream dWeights, row by
/// row: softmax a ⊙ (g − a·g); sparsemax 𝟙_S ⊙ (g − mean_S g) on the support S; relu
/// 𝟙[L > 0] ⊙ (g − a·g) / Σ max(L, 0); sigmoid g ⊙ a ⊙ (1 − a). Masked cells (−∞ logits),
/// fully masked rows and rows without a positive logit (relu) get 0. Throws InputError for
/// hardmax, with noGradientReason().
Matrix normalizerBackward(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                          const Eigen::Ref<const Matrix>& weights,
                          const Eigen::Ref<const Matrix>& dWeights);

/// As normalizerBackward, writing into `dLogits` (the shape of `logits`, every cell written).
void normalizerBackwardInto(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                            const Eigen::Ref<const Matrix>& weights,
                            const Eigen::Ref<const Matrix>& dWeights, Eigen::Ref<Matrix> dLogits);

} // namespace attnlab::core
