#pragma once
// The trainer's settings as text: locale-independent numbers in messages and files, the names of
// its choices, and the range checks whose messages name the setting.

#include "core/base/names.h"
#include "core/base/types.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace attnlab::core::training {

/// The shortest text that reads back as `value` ("0.01", "3000", "1e-08"); "nan", "inf" as such.
inline std::string formatNumber(double value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

/// The value named `name`; an InputError listing the choices when there is none ("unknown
/// <what> 'x'; choose one of: a, b").
template <typename Enum, std::size_t N>
Enum parseName(const NameTable<Enum, N>& table, std::string_view name, std::string_view what) {
    std::string choices;
    for (const auto& [entry, entryName] : table) {
        if (entryName == name)
            return entry;
        if (!choices.empty())
            choices += ", ";
        choices += entryName;
    }
    throw InputError("unknown " + std::string(what) + " '" + std::string(name) +
                     "'; choose one of: " + choices);
}

/// An InputError "<what> must be between <low> and <high>, not <value>" outside [low, high]
/// (NaN included).
inline void checkRange(std::string_view what, double value, double low, double high) {
    if (!(value >= low && value <= high))
        throw InputError(std::string(what) + " must be between " + formatNumber(low) + " and " +
                         formatNumber(high) + ", not " + formatNumber(value));
}

inline void checkRange(std::string_view what, int value, int low, int high) {
    if (value < low || value > high)
        throw InputError(std::string(what) + " must be between " + std::to_string(low) + " and " +
                         std::to_string(high) + ", not " + std::to_string(value));
}

} // namespace attnlab::core::training
