#pragma once
// The settings of a run: the sentences and every choice of docs/attention-math.md. Plain values;
// the settings schema (core/model/settings.h) names, documents, reads, writes and checks them.

#include "core/attention/mask.h"
#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/efficient/attention_kind.h"
#include "core/text/tokenizer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attnlab::core {

class EmbeddingTable;

/// Where token vectors come from.
enum class EmbeddingSource { Builtin, File, Manual };

/// Per-head matrices typed or loaded by the user (ProjectionInit::Manual).
struct ManualProjection {
    std::vector<Matrix> wq;   ///< one per head, d_model × d_k
    std::vector<Matrix> wk;   ///< one per head, d_model × d_k
    std::vector<Matrix> wv;   ///< one per head, d_model × d_v (d_v = d_k)
    std::optional<Matrix> wo; ///< H·d_v × d_model; identity-like when absent
};

/// Everything that decides the numbers. Field comments give unit, range and default.
struct Config {
    std::string sentence = "The cat sat on the mat"; ///< query sentence, UTF-8
    std::string source;        ///< source sentence for cross-attention; empty = self-attention
    TokenizerConfig tokenizer; ///< how both sentences are split

    EmbeddingSource embeddings = EmbeddingSource::Builtin; ///< default built-in lexicon
    std::shared_ptr<const EmbeddingTable> table; ///< File: the loaded table (its dim sets d_model)
    std::string embeddingsPath;   ///< File: where `table` came from (reported, never read here)
    Matrix manualQueryEmbeddings; ///< Manual: n_q × d_model, one row per query token
    Matrix manualKeyEmbeddings;   ///< Manual, cross-attention: n_k × d_model

    int dModel = 64; ///< embedding width d_model; 1 … 4096, default 64 (File: the file's width)
    int heads = 1;   ///< number of heads H; 1 … 16, default 1
    int dK = 0;      ///< per-head width d_k; 1 … 4096, 0 (default) = d_model / H, must divide
    ScoringFunction scoring = ScoringFunction::ScaledDot; ///< default scaled-dot
    float cosineScale = 10.0f;                            ///< cosine scale s; finite, default 10
    int additiveDim = 0;      ///< additive hidden width d_a; 1 … 4096, 0 (default) = d_k
    float temperature = 1.0f; ///< T in L = S / T; 1e-6 … 1e6, default 1
    MaskSpec mask;            ///< default none
    AttentionKind attention = AttentionKind::Dense; ///< how the weights are computed; default dense
    FeatureMap featureMap = FeatureMap::Elu;        ///< linear attention's φ; default elu
    int features = 256; ///< random features M of the favor map; 1 … 16384, default 256
    Normalizer normalizer = Normalizer::Softmax;              ///< default softmax
    PositionalEncoding positional = PositionalEncoding::None; ///< default none
    ProjectionInit projection = ProjectionInit::Identity;     ///< default identity slices
    std::uint64_t seed = 42; ///< seed of random projections and scoring parameters; default 42
    ManualProjection manual; ///< Manual projection matrices
};

} // namespace attnlab::core
