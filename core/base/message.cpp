#include "core/base/message.h"

#include <cmath>

namespace attnlab::core {

std::string Message::english() const {
    return fill(text);
}

std::string Message::fill(std::string_view translated) const {
    std::string out;
    out.reserve(translated.size() + 16 * args.size());
    for (std::size_t i = 0; i < translated.size(); ++i) {
        const char c = translated[i];
        if (c == '%' && i + 1 < translated.size() && translated[i + 1] >= '1' &&
            translated[i + 1] <= '9') {
            const auto index = static_cast<std::size_t>(translated[i + 1] - '1');
            if (index < args.size()) {
                out += args[index];
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

namespace {

// "1e-06" → "1e-6", "1e+06" → "1e6": exponents as people write them.
std::string plainExponent(std::string text) {
    const std::size_t e = text.find('e');
    if (e == std::string::npos)
        return text;
    std::size_t digits = e + 1;
    if (digits < text.size() && text[digits] == '+')
        text.erase(digits, 1);
    else if (digits < text.size() && text[digits] == '-')
        ++digits;
    while (digits + 1 < text.size() && text[digits] == '0')
        text.erase(digits, 1);
    return text;
}

} // namespace

std::string numberText(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "infinity" : "-infinity";
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? plainExponent(std::string(buffer, end)) : std::string("?");
}

std::string numberText(float value) {
    if (std::isnan(value) || std::isinf(value))
        return numberText(static_cast<double>(value));
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? plainExponent(std::string(buffer, end)) : std::string("?");
}

} // namespace attnlab::core
