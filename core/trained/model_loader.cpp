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
    if (progress && !progress(0, 1))
        throw Cancelled();
    const std::shared_ptr<const TrainedModel> model = TrainedModel::load(folder);
    return settings.interventions.empty() ? model
                                          : model->withInterventions(settings.interventions);
}

} // namespace attnlab::core
