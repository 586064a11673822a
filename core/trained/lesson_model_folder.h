#pragma once
// Where the model a lesson names (core/io/lesson_model.h) is on this computer, and what to tell
// the user when it is not: the shipped models sit in share/attention-lab/models beside the
// program (installed, or copied there in the build tree), hub models in the local caches the
// Open Model dialog lists.

#include "core/io/lesson_model.h"
#include "core/pretrained/model_folder.h"

#include <map>
#include <string>
#include <vector>

namespace attnlab::core {

/// The folders searched for a lesson's model.
struct LessonModelPlaces {
    /// Folders holding the shipped models, one subfolder per model, searched in order.
    std::vector<std::string> shipped;
    /// The caches searched for hub models.
    ModelCacheRoots caches;
};

/// The folder of the shipped models for a program in `programFolder` (the folder of the
/// executable): `programFolder`/../share/attention-lab/models, as installed (bin/ and
/// share/ side by side) and as the build tree lays it out (app/ and share/).
std::string shippedModelsFolder(const std::string& programFolder);

/// The shipped models beside a program in `programFolder`, and the usual caches.
LessonModelPlaces defaultLessonModelPlaces(const std::string& programFolder);

/// The folder of `model` in `places`, or empty when it is not there. A shipped model is the
/// first `shipped`/NAME holding config.json; a hub model is the cached model whose display name
/// is NAME (or NAME@snapshot), preferring one the program can run. Never throws.
std::string findLessonModel(const LessonModel& model, const LessonModelPlaces& places);

/// What to tell the user when `model` is not in `places`: which model, where it was looked for
/// and how to get it, by language ("en", "zh_CN").
std::map<std::string, std::string> missingLessonModelText(const LessonModel& model,
                                                          const LessonModelPlaces& places);

} // namespace attnlab::core
