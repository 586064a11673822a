#pragma once
// Positional encodings (attention-math.md, "Positional encodings").

#include "core/base/types.h"

#include <vector>

namespace attnlab::core {

/// n × d sinusoidal table: PE[p, 2i] = sin(p / 10000^{2i/d}), PE[p, 2i+1] = cos(…).
Matrix sinusoidalEncoding(int n, int d);

/// The RoPE angle p·θ_t of position p and pair t for head width d, θ_t = 10000^{−2t/d}, in
/// radians and in double (docs/attention-math.md#rope): the angle applyRope turns that pair by.
double ropeAngle(int position, int pair, int d);

/// n × ⌊d/2⌋ table of ropeAngle(p, t, d) (stored as float), the angles applyRope uses.
Matrix ropeAngles(int n, int d);

/// Rotates each pair (2i, 2i+1) of row p by angle p·θ_i, θ_i = 10000^{−2i/d_k}, in place.
/// An odd last column is left as it is.
void applyRope(Matrix& m);

/// The standard geometric ALiBi slopes m_1 … m_H (Press et al. 2021), also for H not a power of 2.
std::vector<float> alibiSlopes(int heads);

/// n_q × n_k bias −slope·|i − j|.
Matrix alibiBias(int nq, int nk, float slope);

/// The n_q × n_k ALiBi bias of head `head` (0-based) of `heads`: alibiBias with that head's
/// slope from alibiSlopes(heads) (docs/attention-math.md#alibi). `head` must be in [0, heads).
Matrix alibiHeadBias(int nq, int nk, int heads, int head);

} // namespace attnlab::core
