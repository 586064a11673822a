#pragma once
// Running a trained model on any token sequence of its task's vocabulary: attention maps for
// the heatmaps, predictions, and greedy generation.

#include "core/training/batch.h"
#include "core/training/tasks.h"
#include "core/training/transformer.h"

#include <string>
#include <vector>

namespace attnlab::core::training {

/// One example through the model, teacher-forced.
struct Inference {
    LaidOutBatch input;         ///< how the example was laid out (one example)
    ForwardResult result;       ///< logits and every attention block's maps (example 0)
    std::vector<int> predicted; ///< argmax token at every decoder position
};

/// Runs `example` (source and target token ids; its ideal may be empty). Throws InputError when
/// a token is outside the vocabulary or the sequence is longer than the model's positions.
Inference runExample(const ModelConfig& config, const TransformerParams& params,
                     const Example& example);

/// Greedy decoding: the target the model writes for `source`, one argmax token at a time, until
/// </s>, `maxTokens` tokens or the model's last position.
std::vector<int> generate(const ModelConfig& config, const TransformerParams& params,
                          const std::vector<int>& source, int maxTokens);

/// Text of the decoder's input tokens of example `example` (the query axis of self-attention,
/// and of cross-attention), and of the encoder's (the key axis of cross-attention).
std::vector<std::string> decoderTokens(const LaidOutBatch& input, const Vocabulary& vocabulary,
                                       int example);
std::vector<std::string> encoderTokens(const LaidOutBatch& input, const Vocabulary& vocabulary,
                                       int example);

} // namespace attnlab::core::training
