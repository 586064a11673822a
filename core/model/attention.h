#pragma once
// Multi-head attention over token embeddings: projections, scores, masks, normalisers and the
// outputs of attention-math.md. Pure and deterministic: the same Config gives the same Result.

#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/text/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <functional>
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
    Normalizer normalizer = Normalizer::Softmax;              ///< default softmax
    PositionalEncoding positional = PositionalEncoding::None; ///< default none
    ProjectionInit projection = ProjectionInit::Identity;     ///< default identity slices
    std::uint64_t seed = 42; ///< seed of random projections and scoring parameters; default 42
    ManualProjection manual; ///< Manual projection matrices
};

/// One token as the views need it.
struct TokenInfo {
    std::string text;
    std::size_t begin = 0, end = 0; ///< byte span in its sentence (0, 0 for [PAD])
    bool unknown = false;           ///< no embedding was found; a hashed vector stands in
    bool padding = false;           ///< a [PAD] token added by the padding mask
};

/// The learned-or-chosen parameters of a scoring function (attention-math.md, "Scores").
struct ScoringParams {
    Matrix wa;          ///< general: d_k × d_k
    Matrix w1;          ///< additive: d_a × d_k
    Matrix w2;          ///< additive: d_a × d_k
    Vector v;           ///< additive: d_a
    float scale = 1.0f; ///< cosine: s
};

struct HeadResult {
    Matrix wq, wk, wv;       ///< projections, d_model × d_k
    ScoringParams params;    ///< parameters of the scoring function
    Matrix q, k, v;          ///< n_q × d_k, n_k × d_k, n_k × d_v (after RoPE when chosen)
    Matrix scores;           ///< S: n_q × n_k, before temperature, bias and mask
    Matrix logits;           ///< L = S / T (+ ALiBi bias), masked cells −∞
    Matrix weights;          ///< A = norm(L), masked cells exactly 0
    Matrix context;          ///< C = A V, n_q × d_v
    Vector entropy;          ///< −Σ_j A ln A per query row (0 for fully masked rows)
    std::vector<int> argmax; ///< key index of the largest weight per row, −1 when fully masked
};

struct Result {
    Config config;      ///< the config as run, with d_model, d_k, d_a resolved to their values
    int dK = 0;         ///< resolved d_k
    int dA = 0;         ///< resolved d_a (additive), else 0
    bool cross = false; ///< cross-attention (a source sentence was given)
    /// Weights imported from a model (importedResult): the heads hold weights, entropy and
    /// argmax only; Q, K, V, scores, logits, context, W_o and the output are empty.
    bool weightsOnly = false;
    std::vector<TokenInfo> queryTokens, keyTokens;
    Matrix queryInputs; ///< n_q × d_model, embeddings as fed to the projections (after sinusoidal)
    Matrix keyInputs;   ///< n_k × d_model
    Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>
        allowed; ///< mask, true = visible
    std::vector<HeadResult> heads;
    Matrix meanWeights;                ///< mean over heads
    Matrix maxWeights;                 ///< max over heads
    Matrix wo;                         ///< H·d_v × d_model
    Matrix output;                     ///< O = [C_1 … C_H] W_o, n_q × d_model
    std::vector<int> fullyMaskedRows;  ///< query rows whose keys are all masked (weights all 0)
    std::vector<int> degenerateRows;   ///< rows flagged by the normaliser (e.g. relu: no positive
                                       ///< logit), per any head
    std::vector<std::string> warnings; ///< things the user should know (e.g. "3 unknown tokens")
};

/// Checks every setting of `config` and throws InputError naming the first bad one.
void validate(const Config& config);
/// The checks of validate() that do not need the embeddings themselves (ranges, names, mask
/// against cross-attention): for a configuration read from a file before its embeddings load.
void validateSettings(const Config& config);

/// Tokenises, embeds and runs multi-head attention. Throws InputError for bad settings or text.
Result compute(const Config& config, const ProgressCallback& progress = {});

} // namespace attnlab::core
