#pragma once
// The architecture of the small transformer the program trains (attention-math.md,
// "Transformers" and "Training"): its named choices and one struct that fixes every shape.

#include "core/attention/options.h"
#include "core/base/types.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace attnlab::core::training {

/// A setting that is valid but cannot be trained (the hardmax normaliser, which has no
/// gradient); the message says why. The command line exits 1 for it, 2 for other InputErrors.
class CannotTrain : public InputError {
public:
    using InputError::InputError;
};

/// Decoder-only with a causal mask, or an encoder (no mask) and a decoder with cross-attention.
enum class Architecture { DecoderOnly, EncoderDecoder };
/// Position-wise feed-forward block after each attention block, or none (attention-only).
enum class FeedForward { None, Relu, Gelu };
/// Positional encodings of the trained model: the options of attention-math.md plus learned
/// absolute positions. Learned and sinusoidal are added to the token embeddings; rope and alibi
/// act on the self-attention of each layer (cross-attention has no positional term).
enum class ModelPositional { None, Learned, Sinusoidal, Rope, Alibi };

std::string_view toString(Architecture value);
std::string_view toString(FeedForward value);
std::string_view toString(ModelPositional value);
/// Canonical names: "decoder" | "encoder-decoder"; "none" | "relu" | "gelu"; "none" | "learned" |
/// "sinusoidal" | "rope" | "alibi". Throw InputError naming the choices.
Architecture parseArchitecture(std::string_view name);
FeedForward parseFeedForward(std::string_view name);
ModelPositional parseModelPositional(std::string_view name);
const std::vector<ModelPositional>& allModelPositionals();

/// Every setting that decides the model's shapes and its forward pass.
struct ModelConfig {
    int vocabSize = 16;    ///< tokens, special ones included; 2 … 65536, default 16
    int maxPositions = 64; ///< longest encoder or decoder input in tokens; 1 … 256, default 64
    Architecture architecture = Architecture::DecoderOnly; ///< default decoder-only
    int layers = 1;      ///< attention layers (each side for encoder–decoder); 1 … 4, default 1
    int heads = 1;       ///< heads per attention block; 1 … 8, must divide dModel; default 1
    int dModel = 64;     ///< width of the residual stream; 2 … 256, default 64
    int additiveDim = 0; ///< additive scoring's d_a; 0 (default) = d_k, else 1 … 256
    int ffnHidden = 0;   ///< hidden width of the feed-forward block; 0 (default) = 4·dModel
    ScoringFunction scoring = ScoringFunction::ScaledDot;  ///< default scaled-dot
    Normalizer normalizer = Normalizer::Softmax;           ///< any but hardmax; default softmax
    ModelPositional positional = ModelPositional::Learned; ///< default learned
    FeedForward ffn = FeedForward::None;                   ///< default none (attention-only)
    bool layerNorm = false; ///< pre-LayerNorm before each block and at the end; default off
    int window = 0; ///< self-attention sees keys with |i − j| ≤ window; 0 (default) = all
    float temperature = 1.0f;  ///< T in L = S / T; 0.01 … 100, default 1
    float cosineScale = 10.0f; ///< cosine's s (not trained); 0.1 … 100, default 10

    int dK() const { return dModel / heads; }
    int dA() const { return additiveDim > 0 ? additiveDim : dK(); }
    int hidden() const { return ffnHidden > 0 ? ffnHidden : 4 * dModel; }
    bool encoderDecoder() const { return architecture == Architecture::EncoderDecoder; }
};

/// Throws InputError naming the first setting out of range, CannotTrain for hardmax (with the
/// reason it has no gradient).
void validate(const ModelConfig& config);

} // namespace attnlab::core::training
