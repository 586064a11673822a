#pragma once
// Positional encodings (attention-math.md, "Positional encodings").

#include "core/base/types.h"

#include <vector>

namespace attnlab::core {

/// n × d sinusoidal table: PE[p, 2i] = sin(p / 10000^{2i/d}), PE[p, 2i+1] = cos(…).
Matrix sinusoidalEncoding(int n, int d);

/// Rotates each pair (2i, 2i+1) of row p by angle p·θ_i, θ_i = 10000^{−2i/d_k}, in place.
/// An odd last column is left as it is.
void applyRope(Matrix& m);

/// The standard geometric ALiBi slopes m_1 … m_H (Press et al. 2021), also for H not a power of 2.
std::vector<float> alibiSlopes(int heads);

/// n_q × n_k bias −slope·|i − j|.
Matrix alibiBias(int nq, int nk, float slope);

} // namespace attnlab::core
