#include "app/option_text.h"

#include "app/cli.h"
#include "core/base/names.h"
#include "core/base/types.h"

#include <charconv>
#include <cmath>

namespace attnlab::app {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

void usageError(std::string_view option, const std::string& message) {
    throw UsageError(std::string(option) + ": " + message);
}

void unknownOption(std::string_view name, const std::vector<std::string_view>& known) {
    std::string message = "unknown option " + quoted(name);
    const std::string closest = core::closestName(name, known);
    if (!closest.empty())
        message += "; did you mean " + closest + "?";
    throw UsageError(message);
}

double parseNumber(std::string_view option, std::string_view value, double low, double high,
                   bool whole) {
    std::string_view digits = value;
    if (digits.starts_with('+'))
        digits.remove_prefix(1);
    double number = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        !std::isfinite(number))
        usageError(option, quoted(value) + " is not a number");
    if (whole && number != std::floor(number))
        usageError(option, quoted(value) + " is not a whole number");
    if (!(number >= low && number <= high))
        usageError(option, quoted(value) + " is out of range; use " + core::numberText(low) +
                               " to " + core::numberText(high));
    return number;
}

std::string wrapped(std::string_view text, std::size_t column, std::size_t width) {
    std::string result;
    std::size_t lineLength = column;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        if (lineLength > column && lineLength + 1 + word.size() > width) {
            result += "\n" + std::string(column, ' ');
            lineLength = column;
        } else if (lineLength > column) {
            result += ' ';
            ++lineLength;
        }
        result += word;
        lineLength += word.size();
    }
    return result + "\n";
}

} // namespace attnlab::app
