#pragma once
// The model a lesson runs on (the member "model" of a lesson in an .attnlab file): none (the
// built-in attention layer), a model that ships with the program, or a model folder the user
// provides from a model hub. Finding the folder is core/trained/lesson_model_folder.h.
//
//   "model": {"shipped": "induction-2x2"}   a folder of the installed models (resources/models)
//   "model": {"hub": "gpt2"}                a model in the usual local caches ("ORG/NAME" or
//                                           "NAME", as the hub names it)
//
// Read strictly: an unknown member, both members, a name that is empty or could leave its
// folder ("..", a leading "/") is an InputError naming the member.

#include "core/base/json.h"

#include <string>

namespace attnlab::core {

struct LessonModel {
    enum class Source {
        None,    ///< the built-in attention layer
        Shipped, ///< a model installed with the program, by its folder name
        Hub,     ///< a model from a hub, by its hub name, found in the local caches
    };
    Source source = Source::None;
    std::string name; ///< the folder name (Shipped) or the hub name (Hub); empty for None

    bool empty() const { return source == Source::None; }
    bool operator==(const LessonModel&) const = default;
};

/// Reads the object at `where` ("lesson.model"). Throws InputError naming the member.
LessonModel parseLessonModel(const json::Value& value, const std::string& where);

/// Writes `model` (not None) as the object parseLessonModel reads back.
void writeLessonModel(json::Writer& out, const LessonModel& model);

} // namespace attnlab::core
