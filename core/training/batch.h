#pragma once
// Laying examples out as model input: a decoder-only model reads "source <s> target" and
// predicts each target token at the position before it; an encoder–decoder reads the source in
// its encoder and "<s> target" in its decoder. The ideal alignment of each target token is
// mapped to the attention block, query row and key columns where a head should put its weight.

#include "core/training/model_config.h"
#include "core/training/tasks.h"
#include "core/training/transformer.h"

#include <vector>

namespace attnlab::core::training {

/// Where a target token's ideal keys are in the attention maps.
struct IdealCell {
    AttentionKind kind = AttentionKind::DecoderSelf; ///< self-attention or cross-attention
    int example = 0;
    int query = 0;         ///< query row (the position that predicts the token)
    std::vector<int> keys; ///< key columns whose weights add up to the alignment
};

struct LaidOutBatch {
    ModelBatch batch;
    std::vector<int> decoderLengths; ///< real (unpadded) decoder tokens per example
    std::vector<IdealCell> ideal;    ///< every scored target token that has an ideal
};

/// The batch for `examples` (at least one). Throws InputError when the architecture cannot read
/// the examples (an encoder–decoder for a task without source).
LaidOutBatch layOut(const std::vector<Example>& examples, Architecture architecture);

/// Decoder input length of one example (decoder-only: |source| + |target|; else |target|).
int decoderLength(const Example& example, Architecture architecture);

} // namespace attnlab::core::training
