#include "core/teaching/lessons.h"

namespace attnlab::core {

namespace detail {
extern const EmbeddedLesson kEmbeddedLessons[]; // lessons_data.cpp, generated
}

const std::vector<BuiltinLesson>& builtinLessons() {
    static const std::vector<BuiltinLesson> lessons = [] {
        std::vector<BuiltinLesson> list;
        for (const detail::EmbeddedLesson* lesson = detail::kEmbeddedLessons; lesson->id; ++lesson)
            list.push_back({lesson->id, std::string(reinterpret_cast<const char*>(lesson->data),
                                                    lesson->size)});
        return list;
    }();
    return lessons;
}

Session builtinLesson(std::string_view id) {
    for (const BuiltinLesson& lesson : builtinLessons()) {
        if (lesson.id == id) {
            std::vector<std::string> warnings;
            return parseSession(lesson.text, warnings);
        }
    }
    std::string known;
    for (const BuiltinLesson& lesson : builtinLessons())
        known += (known.empty() ? "" : ", ") + lesson.id;
    throw InputError("there is no lesson '" + std::string(id) + "'; the lessons are " + known);
}

} // namespace attnlab::core
