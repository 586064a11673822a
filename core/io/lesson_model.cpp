#include "core/io/lesson_model.h"

#include "core/base/types.h"

#include <cassert>

namespace attnlab::core {
namespace {

// A name that stays inside the folder it is looked up in: no "..", no absolute path, no
// backslash, and (for shipped models, which are one folder) no slash at all.
void checkName(const std::string& name, bool slashAllowed, const std::string& where) {
    if (name.empty())
        throw InputError(where + ": the model's name is empty");
    const bool badSlash = !slashAllowed && name.find('/') != std::string::npos;
    if (name.front() == '/' || name.back() == '/' || name.find('\\') != std::string::npos ||
        name.find("..") != std::string::npos || badSlash)
        throw InputError(where + ": '" + name + "' is not a model name" +
                         (slashAllowed ? " (write ORG/NAME or NAME, as the hub names the model)"
                                       : " (write the name of a folder of the shipped models)"));
}

} // namespace

LessonModel parseLessonModel(const json::Value& value, const std::string& where) {
    if (!value.is_object())
        throw InputError(where +
                         ": expected an object such as {\"shipped\": NAME} or "
                         "{\"hub\": NAME}, found " +
                         std::string(json::typeName(value)));
    LessonModel model;
    for (const auto& [key, member] : value.items()) {
        std::string here = where;
        here += '.';
        here += key;
        LessonModel::Source source = LessonModel::Source::None;
        if (key == "shipped")
            source = LessonModel::Source::Shipped;
        else if (key == "hub")
            source = LessonModel::Source::Hub;
        else
            throw InputError(here + ": unknown member; a lesson's model is {\"shipped\": NAME} "
                                    "or {\"hub\": NAME}");
        if (model.source != LessonModel::Source::None)
            throw InputError(here + ": a lesson names one model, either \"shipped\" or \"hub\"");
        model.source = source;
        model.name = json::stringAt(member, here);
        checkName(model.name, source == LessonModel::Source::Hub, here);
    }
    if (model.source == LessonModel::Source::None)
        throw InputError(where + ": name the model with \"shipped\" or \"hub\"");
    return model;
}

void writeLessonModel(json::Writer& out, const LessonModel& model) {
    assert(!model.empty());
    out.beginObject();
    out.key(model.source == LessonModel::Source::Shipped ? "shipped" : "hub");
    out.string(model.name);
    out.endObject();
}

} // namespace attnlab::core
