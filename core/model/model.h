#pragma once
// The model seam: every kind of model (the built-in attention layer, imported weights, pretrained
// transformers read from disk, transformers trained in the program) turns settings into
// attention maps behind this one interface. Views and exports read the maps; the teaching pages
// read the trace where a model has one; capabilities say what a model offers instead of empty
// matrices.

#include "core/attention/scoring.h"
#include "core/model/attention_maps.h"
#include "core/model/config.h"

#include <memory>
#include <string>
#include <vector>

namespace attnlab::core {

/// One head's intermediate matrices (docs/attention-math.md#shapes), for the teaching pages.
struct HeadTrace {
    Matrix wq, wk, wv;    ///< projections, d_model × d_k
    ScoringParams params; ///< parameters of the scoring function
    Matrix q, k, v;       ///< n_q × d_k, n_k × d_k, n_k × d_v (after RoPE when chosen)
    Matrix qBeforeRope, kBeforeRope; ///< X W_q and X W_k before the rotation (RoPE only)
    Matrix scores;                   ///< S: n_q × n_k, before temperature, bias and mask
    Matrix logits;  ///< L = S / T (+ ALiBi bias), clamped to the float range, before the
                    ///< mask (maskedLogits() applies it)
    Matrix context; ///< C = A V, n_q × d_v
    bool traced() const { return scores.size() > 0; }
    /// The run kept this head's stages (Q, K, V and C, and S and L but for linear attention,
    /// which has none): false for a head outside RunOptions::traceHeads.
    bool hasStages() const { return q.size() > 0; }
};

/// Every number of a run of the built-in layer, stage by stage: what the Steps, Your numbers,
/// Compare and Why √d_k pages and the JSON export explain. The weights live in the maps.
struct Trace {
    int dK = 0;             ///< resolved d_k
    int dA = 0;             ///< resolved d_a (additive), else 0
    Matrix queryEmbeddings; ///< n_q × d_model, the token embeddings (before positions)
    Matrix keyEmbeddings;   ///< n_k × d_model
    Matrix queryInputs; ///< n_q × d_model, embeddings as fed to the projections (after sinusoidal)
    Matrix keyInputs;   ///< n_k × d_model
    /// One per head; a head outside RunOptions::traceHeads has only its projections and
    /// parameters (traced() is false).
    std::vector<HeadTrace> heads;
    Matrix wo;     ///< H·d_v × d_model
    Matrix output; ///< O = [C_1 … C_H] W_o, n_q × d_model
};

/// A next-token or fill-in prediction of a language model.
struct Prediction {
    int position = -1; ///< the query position predicted from (causal) or filled in (masked)
    struct Candidate {
        int tokenId = 0;
        std::string text;
        float probability = 0.0f;
    };
    std::vector<Candidate> top; ///< most probable first
};

/// What a transformer (pretrained or trained) is and what it ran on, for exports; absent for the
/// built-in layer and imported maps.
struct TransformerDescription {
    std::string architecture; ///< "GPT2LMHeadModel", "BertForMaskedLM", "Qwen2ForCausalLM", …
    int layers = 0;
    int heads = 0;
    int kvHeads = 0; ///< key/value heads (grouped-query attention)
    int dModel = 0;
    int vocabSize = 0;
    std::vector<int> tokenIds;       ///< every id the model ran on, in order
    std::vector<std::string> pieces; ///< the vocabulary entry of each id
};

/// What a model offers, so views enable what applies instead of testing for empty matrices.
struct ModelCapabilities {
    bool hasTrace = false;       ///< Q, K, V, scores, logits and context per head (teaching pages)
    bool hasPredictions = false; ///< next-token or fill-in predictions
    bool causal = false;         ///< the model always masks future keys
    bool takesText = true;       ///< runs on the sentence (imported maps ignore it)
    bool attentionSettings = true; ///< scoring, normaliser, mask, … settings apply
    int layers = 1;
    int heads = 1;
};

/// Everything one run gives the views.
struct ModelOutput {
    Config config;     ///< the settings as run, with d_model, d_k and d_a resolved
    std::string model; ///< name of the model that ran ("built-in", a folder's name, …)
    ModelCapabilities capabilities; ///< of this output (no trace when the run kept none)
    AttentionMaps maps;
    std::optional<Trace> trace;                        ///< when capabilities.hasTrace
    std::vector<Prediction> predictions;               ///< when capabilities.hasPredictions
    std::optional<TransformerDescription> transformer; ///< pretrained and trained transformers
    /// Every map's weights went to RunOptions::weightsSink, and maps.weights holds none.
    bool weightsStreamed = false;
};

/// Takes a run's attention weights block by block as they are computed (RunOptions::weightsSink),
/// so that an export of the weights writes each block and nothing keeps all the maps at once.
class WeightsSink {
public:
    virtual ~WeightsSink() = default;
    /// Once, on the calling thread, before any rows: layers, heads per layer, query and key
    /// counts of the maps to come.
    virtual void begin(int layers, int heads, Eigen::Index queries, Eigen::Index keys) = 0;
    /// Rows [firstRow, firstRow + rows.rows()) of the map of `head` in `layer`. Called from
    /// several threads at once, for different maps or rows. What it throws stops the run and
    /// leaves Model::run.
    virtual void rows(int layer, int head, Eigen::Index firstRow,
                      const Eigen::Ref<const Matrix>& rows) = 0;
};

/// What to compute beyond the maps.
struct RunOptions {
    bool trace = true;           ///< keep the intermediate matrices (the teaching pages)
    std::vector<int> traceHeads; ///< heads whose Q, K, V, S, L, C are kept; empty = all
    /// With traceHeads given, every head is still traced while n_q · n_k · heads is at most
    /// this many cells: a small trace costs little, and a caller that shows one head at a time
    /// then needs no second run when another head is shown. Default 0: traceHeads at any size.
    double traceAllCells = 0;
    /// Only each head's weights (an export of the weights): entropy, argmax and the mean and
    /// maximum over heads are left empty where the model can skip them. Default false.
    bool weightsOnly = false;
    /// With weightsOnly, a model that computes its weights block by block may hand every block
    /// to this sink instead of keeping it; it then sets ModelOutput::weightsStreamed and leaves
    /// maps.weights empty. Others ignore it (the caller sends their kept maps). Default null.
    WeightsSink* weightsSink = nullptr;
};

class Model {
public:
    virtual ~Model() = default;
    /// Display name ("built-in attention layer", "gpt2", a file name).
    virtual std::string name() const = 0;
    /// What a run with `config` offers.
    virtual ModelCapabilities capabilities(const Config& config) const = 0;
    /// Runs on `config` (sentence, settings). Throws InputError for bad settings or text,
    /// Cancelled when `progress` returns false. Safe to call from several threads at once.
    virtual ModelOutput run(const Config& config, const RunOptions& options = {},
                            const ProgressCallback& progress = {}) const = 0;
    /// A rough count of multiply-adds, to decide whether a run is quick enough for the UI
    /// thread.
    virtual double estimateWork(const Config& config) const = 0;
};

} // namespace attnlab::core
