#include "core/trained/model_loader.h"

#include "core/trained/trained_model.h"
#include "core/training/model_folder.h"

namespace attnlab::core {

bool isTrainedModel(const std::string& folder) {
    return training::isTrainedModelFolder(folder);
}

std::shared_ptr<const Model> loadModel(const std::string& folder,
                                       const TransformerSettings& settings,
                                       const ProgressCallback& progress) {
    if (!isTrainedModel(folder))
        return TransformerModel::load(folder, progress)->withSettings(settings);
    if (!settings.interventions.empty())
        throw InputError(folder + " holds a model trained by Attention Lab; changes to its heads "
                                  "(ablation, another normaliser or temperature per head) apply "
                                  "to pretrained models only");
    if (progress && !progress(0, 1))
        throw Cancelled();
    return TrainedModel::load(folder);
}

} // namespace attnlab::core
