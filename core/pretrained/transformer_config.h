#pragma once
// The architecture of a pretrained transformer as its config.json describes it (the key names of
// the model hubs' reference implementations), checked so that a forward pass can trust it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The layouts the program runs (docs/attention-math.md, "Transformers").
enum class TransformerFamily {
    Gpt2,  ///< pre-LayerNorm, Conv1D weights (in × out), learned positions, causal
    Bert,  ///< post-LayerNorm, Linear weights (out × in), token types, bidirectional
    Llama, ///< RMSNorm, rotary (half-split), grouped-query attention, SwiGLU, causal
};

/// The element-wise non-linearity of the feed-forward block (config "activation_function" or
/// "hidden_act").
enum class Activation {
    GeluErf,   ///< "gelu": x·Φ(x) with the exact erf
    GeluTanh,  ///< "gelu_new", "gelu_pytorch_tanh": the tanh approximation
    Relu,      ///< "relu"
    Silu,      ///< "silu", "swish": x·σ(x)
    QuickGelu, ///< "quick_gelu": x·σ(1.702·x)
};

std::string_view toString(TransformerFamily family);

/// What the program shows about a model, read from its config.json and weights.
struct ModelInfo {
    std::string folder;       ///< the model folder as given to load()
    std::string architecture; ///< as config.json names it, e.g. "Qwen2ForCausalLM"
    std::string modelType;    ///< config "model_type", e.g. "qwen2" (may be empty)
    TransformerFamily family = TransformerFamily::Gpt2;
    int layers = 0;        ///< transformer blocks, ≥ 1
    int heads = 0;         ///< query heads per layer, ≥ 1
    int kvHeads = 0;       ///< key/value heads (grouped-query attention), divides heads
    int dModel = 0;        ///< width of the residual stream
    int headDim = 0;       ///< d_k per head (Llama "head_dim" when given, else dModel / heads)
    int intermediate = 0;  ///< width of the feed-forward block
    int vocabSize = 0;     ///< rows of the token embedding
    int maxPositions = 0;  ///< longest input in tokens the model accepts
    int typeVocabSize = 0; ///< BERT token types (segments); 0 for the other families
    bool causal = true;    ///< a token attends only to itself and earlier tokens
    bool hasPredictions = false; ///< an LM head (causal) or a masked-LM head (BERT) is available
    std::optional<int> bosTokenId, eosTokenId, padTokenId; ///< from config.json when present
    std::string weightsDtype;       ///< "F32", "F16", "BF16" or "mixed", as stored on disk
    std::size_t fileBytes = 0;      ///< total size of the weight files
    std::size_t convertedBytes = 0; ///< memory holding F16/BF16 (or misaligned F32) weights as F32
    /// Memory holding the linear layers' weights in the product kernels' layout (copied once at
    /// load where the processor runs those kernels; 0 elsewhere)
    std::size_t packedBytes = 0;
};

/// The hyper-parameters the forward pass needs beyond ModelInfo.
struct TransformerConfig {
    ModelInfo info;
    Activation activation = Activation::GeluTanh;
    float normEps = 1e-5f;            ///< LayerNorm / RMSNorm epsilon, > 0
    double ropeTheta = 10000.0;       ///< Llama: rotary base θ ("rope_theta"), default 10000
    double ropeLinearFactor = 1.0;    ///< Llama: "rope_scaling" linear factor > 0, 1 = none
    bool scaleAttention = true;       ///< GPT-2 "scale_attn_weights": divide the scores by √d_k
    bool scaleByInverseLayer = false; ///< GPT-2 "scale_attn_by_inverse_layer_idx": also by l + 1
    bool qkvBias = false;          ///< biases on q, k, v (BERT, GPT-2 always; Qwen2; Llama option)
    bool outputBias = false;       ///< bias on the attention output projection
    bool mlpBias = false;          ///< biases in the feed-forward block
    bool tieWordEmbeddings = true; ///< the output head reuses the token embedding
};

/// Parses config.json text. `origin` (the file) prefixes every message. Throws InputError naming
/// the key for a missing or invalid value, and naming the supported architectures for any other.
TransformerConfig parseTransformerConfig(std::string_view text, const std::string& origin);

/// The config.json "architectures" names the program runs, for messages and menus.
const std::vector<std::string>& supportedArchitectures();
/// "GPT2LMHeadModel, GPT2Model, …" for messages.
std::string supportedArchitecturesText();

} // namespace attnlab::core
