#pragma once
// The feature maps φ of linear attention (docs/attention-math.md, "Efficient attention"): softmax
// over the features of each row (seed 004), elu(x) + 1, relu, and Performer's FAVOR+ positive
// random features φ(x) = exp(ωᵀx − ‖x‖²/2)/√M on x = q/d_k^{1/4}, so that φ(q)·φ(k) estimates
// exp(q·k/√d_k).

#include "core/base/types.h"
#include "core/efficient/attention_kind.h"

#include <cstdint>

namespace attnlab::core {

/// FAVOR+'s M × d_k random directions ω (one per row), each marginally N(0, I). Orthogonal
/// (default): blocks of d_k rows are orthogonalised (Gram-Schmidt of Gaussian rows, in double)
/// and each row is given the length of an independent Gaussian vector, so rows of a block are
/// exactly orthogonal; otherwise every row is an independent Gaussian vector. Drawn from
/// Random(deriveSeed(seed, "favor")): the same seed gives the same ω on every machine.
Matrix favorProjection(int dK, int features, std::uint64_t seed, bool orthogonal = true);

/// φ(x) row by row, exactly as the math page writes it (no stabilisation: FAVOR+ can overflow
/// for large inputs; the kernels use the stabilised form, which gives the same weights).
/// `omega` is favorProjection(...) for Favor and ignored otherwise. Rows of the result have
/// d_k features (M for Favor).
Matrix featureMap(FeatureMap map, const Eigen::Ref<const Matrix>& x, const Matrix& omega = {});

namespace kernels {

/// φ of a block of query rows up to a positive factor per row (which cancels between numerator
/// and denominator of the row): FAVOR+ drops exp(−‖x‖²/2)/√M and subtracts the row's largest
/// ωᵀx, so no entry exceeds 1. Other maps are φ itself.
void queryFeatures(FeatureMap map, const Eigen::Ref<const Matrix>& q, const Matrix& omega,
                   Matrix& out);

/// φ of a block of key rows up to one positive factor shared by every key: FAVOR+ subtracts
/// `shift`, the largest exponent of the block, returned (0 for the other maps). Scaling by
/// exp(shift − g) puts two blocks on a common shift g.
float keyFeatures(FeatureMap map, const Eigen::Ref<const Matrix>& k, const Matrix& omega,
                  Matrix& out);

} // namespace kernels
} // namespace attnlab::core
