#pragma once
// Pretrained transformers read from a model folder (GPT-2, BERT, and the Llama family: Llama,
// Mistral, Qwen2), run on token ids: the attention weights of every layer and head exactly as the
// model computes them, the final hidden states, and its predictions; with "what if" changes to
// single heads or layers at inference (docs/attention-math.md, "Transformers").
//
// Threading: a loaded model is immutable. run() is const and may be called from several threads
// at once (each call takes its own scratch buffers from a small pool inside the model); keep the
// model alive while a run uses it (load() returns a shared_ptr for that). A run uses OpenMP
// threads for its products when the work is large enough.
//
// A causal model's scratch buffers keep what the last runs computed for each position, so that a
// run of the same ids plus a few more (typing at the end) computes the new positions' products
// only; see RunRequest::reusePrefix.

#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/pretrained/transformer_config.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace attnlab::core {

/// A change to one head, or every head of a layer, at inference. The model's other heads and the
/// layers before it are untouched; later layers and the predictions see the change.
struct HeadIntervention {
    /// 0-based layer, [0, layers).
    int layer = 0;
    /// 0-based query head, [0, heads); −1 = every head of the layer.
    int head = -1;
    /// Replaces softmax (sparsemax, relu, sigmoid, hardmax); unset = softmax.
    std::optional<Normalizer> normalizer;
    /// T > 0 (finite): the scaled logits are divided by T; unset = 1.
    std::optional<float> temperature;
    /// An extra mask (causal, window:W, custom) on top of the model's own; padding is refused;
    /// unset = none.
    std::optional<MaskSpec> mask;
    /// The head's output (its context vectors) is zeroed; its weights are still returned.
    bool ablate = false;
};

/// Checks one change against a model of `layers` layers of `heads` heads each, before any run:
/// the layer and head exist, a temperature is positive and finite, a mask is not padding and a
/// window is at least 1 wide (window:0 would leave each token only itself). Throws InputError
/// whose message names the problem and what to use instead (setting "intervention").
void checkIntervention(const HeadIntervention& change, int layers, int heads);

/// One forward pass.
struct RunRequest {
    /// Ids in [0, vocabSize), 1 to maxPositions of them.
    std::vector<int> tokenIds;
    /// BERT: the segment of each token, [0, typeVocabSize); empty = all 0.
    std::vector<int> tokenTypeIds;
    /// Predictions kept per position, ≥ 0 (at most the vocabulary); 0 = none.
    int topK = 10;
    /// Causal models: the position whose next token is predicted, [0, n); −1 = the last.
    int predictPosition = -1;
    /// BERT: every position holding this id gets fill-ins; −1 = none.
    int maskTokenId = -1;
    /// Applied in order: a later setting of a head replaces an earlier one; ablation accumulates.
    std::vector<HeadIntervention> interventions;
    /// false leaves TransformerRun::attentions empty (saves layers · heads · n² floats).
    bool keepAttentions = true;
    /// OpenMP threads for this run, ≥ 0; 0 = as many as OpenMP allows (OMP_NUM_THREADS, else the
    /// cores). On a machine busy with other work, 1 is often faster for short inputs.
    int threads = 0;
    /// Called after each layer with (layers done, layers); returning false throws Cancelled.
    ProgressCallback progress;
    /// Causal models: reuse what an earlier run of the model kept for the ids this request
    /// begins with (TransformerRun::reusedPositions); false computes every position afresh (the
    /// run is still kept for later ones). Within float rounding both give the same result.
    bool reusePrefix = true;
};

struct TokenProbability {
    int tokenId = 0;
    float probability = 0.0f; ///< softmax over the whole vocabulary
    float logit = 0.0f;
};

/// The top-k continuations (causal) or fill-ins (BERT [MASK]) at one position, most likely first.
struct PositionPrediction {
    int position = 0;
    std::vector<TokenProbability> top;
};

/// The result of a run. Passing the previous result to run() again reuses its storage.
struct TransformerRun {
    /// [layer][head], n × n, row = query, column = key: softmax(Q_h K_hᵀ/√d_k + mask), or the
    /// intervention's normaliser. Empty when the request did not keep them.
    std::vector<std::vector<Matrix>> attentions;
    /// [layer][head]: rows of an intervened head without a defined distribution (every key
    /// masked, or relu with no positive logit); always empty for the model's own softmax.
    std::vector<std::vector<std::vector<int>>> flaggedRows;
    /// n × d_model: after the final norm for GPT-2 and Llama, BERT's last layer output.
    Matrix hidden;
    std::vector<PositionPrediction> predictions;
    /// One row of vocabSize logits per prediction, in the same order (only these positions go
    /// through the output head).
    Matrix logits;
    /// Leading positions whose projections and hidden states came from an earlier run (causal
    /// models, RunRequest::reusePrefix): the layers' products ran for the others only.
    int reusedPositions = 0;
};

class PretrainedModel {
public:
    /// Reads config.json and the safetensors weights (memory-mapped) of a model folder. F32
    /// weights are used in place; F16 and BF16 are converted to F32 once (4 bytes per weight in
    /// memory, twice the file; see ModelInfo::convertedBytes). Where the processor runs the
    /// vector kernels, the linear layers' weights are copied once more into the layout those
    /// read (ModelInfo::packedBytes), and the file's pages or the converted copy let go, so the
    /// memory stays about that of the weights. `progress` is called per layer
    /// bound. Throws FileError / InputError with a message naming the folder, file, tensor or key
    /// and what is supported; Cancelled when `progress` returns false.
    static std::shared_ptr<const PretrainedModel> load(const std::string& folder,
                                                       const ProgressCallback& progress = {});
    ~PretrainedModel();
    PretrainedModel(const PretrainedModel&) = delete;
    PretrainedModel& operator=(const PretrainedModel&) = delete;

    const ModelInfo& info() const;
    const TransformerConfig& config() const;

    /// Runs the model. Throws InputError for an empty or too long input (more than
    /// maxPositions tokens), an id outside the vocabulary, a bad token type, position or
    /// intervention (each message names it).
    TransformerRun run(const RunRequest& request) const;
    /// As run(request), writing into `result` and reusing its matrices when their shapes fit.
    void run(const RunRequest& request, TransformerRun& result) const;

    /// Bytes the attention weights of a run of `tokens` tokens take (layers · heads · n² floats).
    std::size_t attentionBytes(int tokens) const;

    struct Impl;
    explicit PretrainedModel(std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace attnlab::core
