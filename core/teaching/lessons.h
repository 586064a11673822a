#pragma once
// The lessons that ship with the program (resources/lessons/*.attnlab, compiled in): sessions
// with a title, an explanation in English and Chinese, and the settings that make their point.

#include "core/io/session.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

struct BuiltinLesson {
    std::string id;   ///< the file name without extension, e.g. "03-causal-mask"
    std::string text; ///< the .attnlab file
};

/// Every shipped lesson, in file-name order (the names start with their place in the course).
const std::vector<BuiltinLesson>& builtinLessons();

/// The lesson with `id`, parsed. Throws InputError for an unknown id.
Session builtinLesson(std::string_view id);

namespace detail {
struct EmbeddedLesson {
    const char* id;
    const unsigned char* data;
    std::size_t size;
};
} // namespace detail

} // namespace attnlab::core
