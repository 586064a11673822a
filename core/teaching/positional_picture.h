#pragma once
// What the window draws of a run's positional encoding (docs/attention-math.md#positional): the
// sinusoidal table added to X, the RoPE angles that turn each pair of q and k, or the ALiBi bias
// of one head added to the logits. The numbers come from the functions the built-in model calls
// (core/attention/positional.h), for the run's own sentence length, d_model, d_k and heads.

#include "core/model/model.h"

namespace attnlab::core {

/// What the rows or columns of a positional picture are.
enum class PositionalAxis {
    None,         ///< an empty picture
    Positions,    ///< query positions 0 … n_q − 1
    KeyPositions, ///< key positions 0 … n_k − 1
    ModelDims,    ///< the d_model columns of the sinusoidal table
    RopePairs,    ///< the ⌊d_k/2⌋ rotated pairs (2t, 2t + 1) of a head
};

struct PositionalPicture {
    PositionalEncoding encoding = PositionalEncoding::None;
    /// Sinusoidal: n_q × d_model PE, in [−1, 1]. RoPE: n_q × ⌊d_k/2⌋ angles p·θ_t in radians.
    /// ALiBi: n_q × n_k bias −m_h·|i − j| of head `head`. None: empty.
    Matrix values;
    PositionalAxis rows = PositionalAxis::None;
    PositionalAxis cols = PositionalAxis::None;
    int head = 0;       ///< ALiBi: the head whose bias `values` is, 0-based; else 0
    float slope = 0.0f; ///< ALiBi: that head's slope m_h; else 0
    int width = 0;      ///< sinusoidal: d_model; RoPE: d_k (the width θ_t is taken over); else 0
};

/// The picture of `output`'s positional encoding as it ran (config.positional, d_model and d_k
/// as resolved, its query and key token counts). `head` selects the ALiBi head and is clamped
/// to [0, H − 1]; the other encodings are the same for every head.
PositionalPicture positionalPicture(const ModelOutput& output, int head);

/// The same for settings not yet run: `nq` query and `nk` key tokens, width `dModel`, head width
/// `dK` (> 0), `heads` heads.
PositionalPicture positionalPicture(PositionalEncoding encoding, int nq, int nk, int dModel, int dK,
                                    int heads, int head);

} // namespace attnlab::core
