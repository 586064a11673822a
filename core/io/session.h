#pragma once
// A saved lesson (.attnlab): the sentences, every setting, manual matrices, how the window shows
// the result and, for shipped lessons, a title, an explanation and the controls a teacher hides.
// JSON with a "format" and a "version"; read strictly (a newer version or a wrong type is
// refused with the member named) but unknown members are only warned about, so a file written
// by a later release of the same version still opens; the lesson's checks alone are read
// strictly (core/io/lesson_check.h).

#include "core/base/json.h"
#include "core/io/lesson_check.h"
#include "core/io/lesson_complexity.h"
#include "core/io/lesson_model.h"
#include "core/model/builtin_model.h"
#include "core/model/settings.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

inline constexpr std::string_view kSessionFormat = "attention-lab-session";
/// The version this build writes; files with a higher version are refused.
inline constexpr int kSessionVersion = 1;

/// How the window shows the result (the view settings of the schema).
using SessionView = ViewSettings;

/// What a shipped lesson adds to a session. Texts are keyed by language ("en", "zh_CN"); a
/// viewer picks its language and falls back to "en".
struct SessionLesson {
    std::map<std::string, std::string> title;
    std::map<std::string, std::string> explanation;
    std::vector<std::string> hiddenControls; ///< names of controls the lesson hides
    /// What the explanation claims about the lesson's numbers, checkable by a machine
    /// (core/teaching/lesson_checks.h evaluates them).
    std::vector<LessonCheck> checks;
    /// The model the lesson runs on ("model"); none = the built-in attention layer.
    LessonModel model;
};

struct Session {
    /// Every setting. Embeddings from a file: `embeddingsPath` names it (absolute, or relative
    /// to the session file) and `table` is empty: the reader loads it. Manual embeddings and
    /// projections carry their matrices.
    Config config;
    SessionView view;
    /// The Complexity page's kinds and lengths ("complexity"): the session opens on that page.
    /// Required by the lesson's checks of the complexity lab, whose "of" names one of its kinds.
    std::optional<SessionComplexity> complexity;
    SessionLesson lesson;
};

/// Writes the members of a "config" object (every model setting of the schema, the embeddings
/// and manual matrices) into an open object: lessons and data exports share it.
void writeConfigMembers(json::Writer& out, const Config& config);

/// The .attnlab text of `session` (UTF-8 JSON, pretty-printed).
std::string serializeSession(const Session& session);

/// Reads .attnlab text. Throws InputError naming the member for a malformed file, a different
/// format, a newer version, a wrong type, a setting out of range, or a check of the complexity
/// lab without a "complexity" member holding its kind; unknown members are skipped and listed in
/// `warnings`.
Session parseSession(std::string_view text, std::vector<std::string>& warnings);

/// Reads a session file; a relative embeddings path is taken relative to the file's folder.
/// Throws FileError when the file cannot be read and InputError ("<path>: …") when it is bad.
Session loadSessionFile(const std::string& path, std::vector<std::string>& warnings);

/// The text of `lesson`'s entry for `language` ("zh_CN", "zh", "en", …): the exact language,
/// then its first part before '_', then "en", then any; empty when there is none.
std::string localizedText(const std::map<std::string, std::string>& texts,
                          std::string_view language);

} // namespace attnlab::core
