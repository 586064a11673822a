#pragma once
// Messages for the user that the window can translate: an English template with numbered
// placeholders (%1 … %9) and the values that fill them. The command line prints english(); the
// window looks the template up in its translations (context "core") and fills in the same
// values, so a Chinese interface shows Chinese messages for errors found by the core.

#include <charconv>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace attnlab::core {

struct Message {
    std::string text;              ///< English template; "%1" … "%9" stand for args
    std::vector<std::string> args; ///< the values, already written as text
    /// Per value: true when it is a term the window translates as well (a setting's name in a
    /// sentence, "the number of heads"); empty = none is.
    std::vector<bool> translatedArgs;

    /// The template with every placeholder replaced by its value.
    std::string english() const;
    /// The same substitution on another template (a translation of `text`).
    std::string fill(std::string_view translated) const;
};

/// A number as a person reads it: integers as they are, floats in their shortest round-trip
/// form ("1e-30", "0.25", "4096"), never "0.000000".
std::string numberText(double value);
std::string numberText(float value);

/// A value of a message that is itself a text to translate (see Message::translatedArgs).
struct Term {
    std::string_view text;
};

/// Marks a literal as text the window translates (context "core"); returns it unchanged.
constexpr std::string_view translatable(std::string_view text) {
    return text;
}
/// A translatable value for message(): term(setting.noun).
constexpr Term term(std::string_view text) {
    return Term{text};
}

namespace detail {
inline std::string argText(Term value) {
    return std::string(value.text);
}
inline std::string argText(std::string_view value) {
    return std::string(value);
}
inline std::string argText(const std::string& value) {
    return value;
}
inline std::string argText(const char* value) {
    return value;
}
inline std::string argText(double value) {
    return numberText(value);
}
inline std::string argText(float value) {
    return numberText(value);
}
template <std::integral T> std::string argText(T value) {
    return std::to_string(value);
}
} // namespace detail

/// message("the sentence has %1 tokens; the limit is %2", 20000, 4096). The template must be a
/// string literal so that the translation tools find it.
template <typename... Args> Message message(std::string_view text, const Args&... args) {
    Message result{std::string(text), {detail::argText(args)...}, {}};
    if constexpr ((std::is_same_v<Args, Term> || ...))
        result.translatedArgs = {std::is_same_v<Args, Term>...};
    return result;
}

} // namespace attnlab::core
