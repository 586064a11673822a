#pragma once
// Locale-independent shortest round-trip text for numbers in messages and files.

#include <charconv>
#include <string>

namespace attnlab::core::training {

/// The shortest text that reads back as `value` ("0.01", "3000", "1e-08"); "nan", "inf" as such.
inline std::string formatNumber(double value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

} // namespace attnlab::core::training
