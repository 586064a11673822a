#pragma once
// A pretrained transformer behind the model interface: the sentence is tokenised with the model
// folder's own tokenizer, the model runs on exactly those ids, and every layer × head of its
// attention becomes the maps the views and exports read, with the rollout over the layers and the
// model's predictions (docs/attention-math.md#transformers, #rollout, #word-aggregation).

#include "core/model/model.h"
#include "core/pretrained/pretrained_model.h"
#include "core/tokenizers/pretrained_tokenizer.h"
#include "core/tokenizers/word_groups.h"

#include <memory>
#include <string>
#include <vector>

namespace attnlab::core {

/// What a run of a pretrained model shows beyond the sentence. Defaults are what a first look
/// wants: every token the model sees, pieces not words, ten predictions.
struct TransformerSettings {
    /// Show the special tokens the tokenizer inserts ([CLS], [SEP], <s>); default true. Hidden
    /// tokens still take part in the run; their rows and columns are left out of the maps.
    bool showSpecialTokens = true;
    /// Aggregate piece-level maps to words (mean over a query word's pieces of the sum over a
    /// key word's pieces); default false.
    bool words = false;
    /// How words are found when `words` is on; default auto (ICU for CJK, else whitespace).
    tokenizers::WordSegmentation segmentation = tokenizers::WordSegmentation::Auto;
    /// Predictions kept, 0 … 50; default 10; 0 = none.
    int topK = 10;
    /// Changes to heads or layers at inference, applied in order (HeadIntervention).
    std::vector<HeadIntervention> interventions;
    /// Threads of one run, ≥ 0; 0 = every core.
    int threads = 0;
};

/// The maps of one run of `model` on `encoding` (of `text`), shaped as `settings` says: every
/// layer × head, the mean and maximum per layer, the rollout (computed on the pieces the model
/// saw, then selected or aggregated like the maps). Throws InputError for an input the model
/// cannot take.
AttentionMaps transformerMaps(const TransformerRun& run, const tokenizers::Encoding& encoding,
                              std::string_view text, const TransformerSettings& settings,
                              bool causal);

class TransformerModel : public Model {
public:
    /// Reads the model folder: config.json, the safetensors weights (memory-mapped) and the
    /// tokenizer files. Throws FileError / InputError naming what is missing or unsupported;
    /// Cancelled when `progress` returns false.
    static std::shared_ptr<const TransformerModel> load(const std::string& folder,
                                                        const ProgressCallback& progress = {});

    /// The same weights and tokenizer with other settings (cheap: nothing is copied).
    std::shared_ptr<const TransformerModel> withSettings(TransformerSettings settings) const;

    std::string name() const override { return m_name; }
    ModelCapabilities capabilities(const Config& config) const override;
    /// Runs on config.sentence (the other attention settings do not apply: the model has its
    /// own). Throws InputError for an empty or too long sentence.
    ModelOutput run(const Config& config, const RunOptions& options = {},
                    const ProgressCallback& progress = {}) const override;
    double estimateWork(const Config& config) const override;

    const ModelInfo& info() const { return m_model->info(); }
    const tokenizers::PretrainedTokenizer& tokenizer() const { return *m_tokenizer; }
    const TransformerSettings& settings() const { return m_settings; }
    /// The ids the model runs on for `text` (with the special tokens it expects).
    tokenizers::Encoding encode(std::string_view text) const;
    /// The folder the model was read from.
    const std::string& folder() const { return m_folder; }

private:
    TransformerModel() = default;

    std::shared_ptr<const PretrainedModel> m_model;
    std::shared_ptr<const tokenizers::PretrainedTokenizer> m_tokenizer;
    TransformerSettings m_settings;
    std::string m_name;
    std::string m_folder;
};

} // namespace attnlab::core
