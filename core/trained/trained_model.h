#pragma once
// A transformer trained by the program (`attention-lab train --save DIR`, the Learn page) behind
// the model seam, so that File → Open Model and `--model DIR` show its attention like any other
// model's: every trained layer × head on the typed tokens.
//
// What the typed sentence becomes (tokens split at spaces, or into characters for the language
// task; a token outside the task's vocabulary reads <unk>):
//  - a task with a source (copy, reverse, sort, …): the sentence is the source; the model writes
//    its answer greedily, and the maps show the model reading its input and writing its answer.
//    Typing "<s>" gives the answer instead: the tokens after it are read, not written;
//  - induction and language modelling (no source): the sentence follows <s> as the text read;
//  - encoder–decoder (translation): the maps are the cross-attention of each decoder layer,
//    rows the written target (after <s>), columns the source. Decoder-only models show the
//    self-attention of each layer over "source <s> target".

#include "core/model/model.h"
#include "core/pretrained/pretrained_model.h"
#include "core/training/batch.h"
#include "core/training/model_folder.h"
#include "core/training/tasks.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The architecture name TransformerDescription gives a trained model.
inline constexpr const char* kTrainedModelArchitecture = training::kTrainedArchitecture;

/// The decoder input (and encoder input) one run feeds the model, with the text of each token.
struct TrainedInput {
    std::vector<int> encoderTokens;      ///< encoder–decoder: the source; empty for decoder-only
    std::vector<int> decoderTokens;      ///< decoder-only: source, <s>, target; else <s>, target
    std::vector<MapToken> encoderLabels; ///< per encoder token: its text and place in the sentence
    std::vector<MapToken> decoderLabels; ///< per decoder token
    int written = 0;      ///< how many of the last decoder tokens the model wrote itself
    bool unknown = false; ///< some typed token is outside the vocabulary (read as <unk>)
};

/// The maps of `input` through the model (`config`, `params`): what TrainedModel::run shows,
/// for a model still in training too (the Learn page's probe). `settings` is returned as the
/// output's config; `name` names the model. `interventions` change heads of the layers the maps
/// show (decoder self-attention, or cross-attention of an encoder–decoder) as for pretrained
/// models; greedy writing (TrainedModel::inputFor) is not affected. Throws InputError when
/// `input` does not fit the model or an intervention is refused (checkIntervention).
ModelOutput trainedModelOutput(const training::ModelConfig& config,
                               const training::TransformerParams& params,
                               const training::Vocabulary& vocabulary, const TrainedInput& input,
                               const Config& settings, const std::string& name,
                               const std::vector<HeadIntervention>& interventions = {});

/// Example `example` of a laid-out batch (e.g. a trainer's probe) as the model reads it,
/// labelled with the vocabulary's tokens.
TrainedInput trainedInputOf(const training::LaidOutBatch& batch,
                            const training::Vocabulary& vocabulary, int example);

class TrainedModel : public Model {
public:
    /// Reads a folder written by training::saveModelFolder. Throws FileError / InputError naming
    /// the file and the problem.
    static std::shared_ptr<const TrainedModel> load(const std::string& folder);
    /// A model in memory (e.g. the Learn page's), named `name`.
    static std::shared_ptr<const TrainedModel> fromSaved(training::SavedModel model,
                                                         std::string name);

    std::string name() const override { return m_name; }
    ModelCapabilities capabilities(const Config& config) const override;
    /// Runs on config.sentence (the attention settings of `config` do not apply: the model has
    /// its own). Throws InputError for an empty sentence or one longer than the model reads.
    ModelOutput run(const Config& config, const RunOptions& options = {},
                    const ProgressCallback& progress = {}) const override;
    double estimateWork(const Config& config) const override;

    /// The same model with `changes` at inference (what if): its maps and predictions on the
    /// answer the unchanged model writes. Throws InputError for a change it cannot take.
    std::shared_ptr<const TrainedModel>
    withInterventions(std::vector<HeadIntervention> changes) const;
    const std::vector<HeadIntervention>& interventions() const { return m_interventions; }

    /// The model's input for `sentence` as described above (the answer written greedily).
    /// Throws InputError as run().
    TrainedInput inputFor(std::string_view sentence) const;

    const training::SavedModel& saved() const { return m_saved; }
    const training::Vocabulary& vocabulary() const { return m_vocabulary; }
    /// The folder the model was read from (empty when made in memory).
    const std::string& folder() const { return m_folder; }

private:
    TrainedModel() = default;

    training::SavedModel m_saved;
    std::shared_ptr<const training::Task> m_task; ///< whether it has a source, its lengths
    training::Vocabulary m_vocabulary;            ///< as saved (the ids the weights know)
    std::string m_name;
    std::string m_folder;
    std::vector<HeadIntervention> m_interventions;
};

} // namespace attnlab::core
