#pragma once
// One entry to every model folder, for --model and File → Open Model: a transformer trained by
// the program (its config.json names the architecture AttentionLabTransformer) or a pretrained
// one in the layout of the model hubs.

#include "core/model/model.h"
#include "core/pretrained/transformer_maps.h"

#include <memory>
#include <string>

namespace attnlab::core {

/// True when `folder` holds a model trained by the program (false for other or unreadable
/// folders).
bool isTrainedModel(const std::string& folder);

/// The model in `folder`: a TrainedModel, or a TransformerModel with `settings`. A trained model
/// shows every token it reads and takes only the head interventions of `settings` (on the
/// blocks its maps show). Throws InputError for a refused intervention and the loaders' errors
/// (FileError for files that cannot be read); Cancelled when `progress` returns false.
std::shared_ptr<const Model> loadModel(const std::string& folder,
                                       const TransformerSettings& settings = {},
                                       const ProgressCallback& progress = {});

} // namespace attnlab::core
