#pragma once
// What the program's commands (attention-lab, attention-lab train, attention-lab complexity)
// share about their options: how a value the user typed is quoted in a message, the usage errors
// that name an option, numbers in a range, and the wrapping of --help.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::app {

/// Width of the lines of --help.
inline constexpr std::size_t kHelpWidth = 80;

/// `text` in single quotes, as messages show what the user typed.
std::string quoted(std::string_view text);

/// Throws UsageError "OPTION: MESSAGE".
[[noreturn]] void usageError(std::string_view option, const std::string& message);

/// Throws UsageError "unknown option 'NAME'", with "; did you mean X?" when one of `known` is
/// close to it.
[[noreturn]] void unknownOption(std::string_view name, const std::vector<std::string_view>& known);

/// The number `value` (a leading + allowed) of `option`, finite and in [low, high], and whole
/// when `whole`; otherwise throws UsageError naming the option and what it takes.
double parseNumber(std::string_view option, std::string_view value, double low, double high,
                   bool whole = false);

/// `text` broken at spaces into lines of at most `width` characters, the lines after the first
/// indented to `column` (the first continues a line already that long); ends in a newline.
std::string wrapped(std::string_view text, std::size_t column, std::size_t width = kHelpWidth);

} // namespace attnlab::app
