#pragma once
// The weights of a pretrained transformer bound by name from its safetensors files, with their
// shapes checked against the configuration. Internal to the pretrained engine.

#include "core/base/safetensors.h"
#include "core/base/types.h"
#include "core/pretrained/transformer_config.h"

#include <memory>
#include <vector>

namespace attnlab::core::pretrained {

/// y = x·W + b for x with `in` columns. The matrix is stored either out × in (PyTorch Linear) or
/// in × out (GPT-2's Conv1D); `bias` (out values) may be null.
struct Linear {
    const float* weight = nullptr;
    const float* bias = nullptr;
    int in = 0;
    int out = 0;
    bool outByIn = true; ///< stored out × in (Linear) rather than in × out (Conv1D)
    /// 0: as stored. Else copied into the vector kernels' layout (packWeights): panels of this
    /// many columns one after the other, each `in` rows of panelWidth floats, the columns past
    /// `out` zero. outByIn then says how the file stored them.
    int panelWidth = 0;

    bool packed() const { return panelWidth > 0; }
};

/// LayerNorm (weight and bias) or RMSNorm (weight only, bias null) over `size` features.
struct Norm {
    const float* weight = nullptr;
    const float* bias = nullptr;
    int size = 0;
};

/// One transformer block. BERT's norms come after their sub-block, the others' before it.
struct LayerWeights {
    /// GPT-2 ln_1, Llama input_layernorm; BERT attention.output.LayerNorm.
    Norm attentionNorm;
    /// GPT-2 ln_2, Llama post_attention_layernorm; BERT output.LayerNorm.
    Norm mlpNorm;
    Linear qkv;               ///< GPT-2's fused c_attn (out = 3·d_model); unused by the others
    Linear query, key, value; ///< BERT and Llama
    Linear output;            ///< the attention output projection
    Linear up;                ///< GPT-2 c_fc, BERT intermediate.dense, Llama up_proj
    Linear gate;              ///< Llama gate_proj (SwiGLU); unused by the others
    Linear down;              ///< GPT-2 mlp.c_proj, BERT output.dense, Llama down_proj
};

struct ModelWeights {
    const float* tokenEmbedding = nullptr;     ///< vocab × d_model
    const float* positionEmbedding = nullptr;  ///< maxPositions × d_model (GPT-2, BERT)
    const float* tokenTypeEmbedding = nullptr; ///< typeVocab × d_model (BERT)
    Norm embeddingNorm;                        ///< BERT embeddings.LayerNorm
    std::vector<LayerWeights> layers;
    Norm finalNorm;                    ///< GPT-2 ln_f, Llama norm
    const float* outputHead = nullptr; ///< vocab × d_model (LM head or MLM decoder), null if none
    const float* outputBias = nullptr; ///< vocab (BERT's MLM bias), may be null
    Linear mlmTransform;               ///< BERT cls.predictions.transform.dense
    Norm mlmNorm;                      ///< BERT cls.predictions.transform.LayerNorm

    /// F32 copies of F16/BF16/misaligned tensors, and the packed weights of the linear layers
    std::vector<std::unique_ptr<float[]>> owned;
    std::vector<std::shared_ptr<const SafetensorsFile>> mapped; ///< files used in place
    std::size_t convertedBytes = 0; ///< of `owned`, the converted tensors kept as they are
    std::size_t packedBytes = 0;    ///< of `owned`, the linear layers' packed weights
    std::string dtypes;             ///< "F32", "F16", "BF16" or "mixed"
};

/// Binds every weight `config` needs from `tensors` (whose names may carry the "transformer.",
/// "bert." or "model." prefix of the task heads or not), checking each shape. Throws InputError
/// naming a missing tensor or the found and expected shapes; Cancelled if `progress` says so.
/// Sets config.info.hasPredictions.
ModelWeights bindWeights(TransformerConfig& config, const SafetensorsSet& tensors,
                         const std::string& folder, const ProgressCallback& progress);

} // namespace attnlab::core::pretrained
