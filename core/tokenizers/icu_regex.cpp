#include "core/tokenizers/icu_regex.h"

#include "core/base/types.h"
#include "core/tokenizers/unicode_text.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace attnlab::core::tokenizers::detail {

TextPattern TextPattern::regex(const std::string& pattern, const std::string& where) {
    if (!isValidUtf8(pattern))
        throw InputError(where + ": the pattern is not valid UTF-8");
    UErrorCode status = U_ZERO_ERROR;
    UParseError parseError{};
    const Utf16Text utf16 = toUtf16(pattern);
    const icu::UnicodeString source(utf16.text.data(), static_cast<int32_t>(utf16.text.size()));
    std::unique_ptr<icu::RegexPattern> compiled(
        icu::RegexPattern::compile(source, 0, parseError, status));
    if (U_FAILURE(status) || !compiled)
        throw InputError(where + ": the regular expression cannot be used (" + u_errorName(status) +
                         " at character " + std::to_string(parseError.offset + 1) + ")");
    TextPattern out;
    out.m_regex = std::move(compiled);
    return out;
}

TextPattern TextPattern::literal(std::string text) {
    TextPattern out;
    out.m_literal = std::move(text);
    return out;
}

std::vector<Match> TextPattern::matches(std::string_view text) const {
    std::vector<Match> found;
    if (text.empty())
        return found;
    if (!m_regex) {
        if (m_literal.empty())
            return found;
        std::size_t at = text.find(m_literal);
        while (at != std::string_view::npos) {
            found.push_back({at, at + m_literal.size(), true});
            at = text.find(m_literal, at + m_literal.size());
        }
        return found;
    }
    const Utf16Text utf16 = toUtf16(text);
    // A read-only alias: the matcher reads our buffer without copying it.
    const icu::UnicodeString input(false, utf16.text.data(),
                                   static_cast<int32_t>(utf16.text.size()));
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(m_regex->matcher(input, status));
    if (U_FAILURE(status) || !matcher)
        throw InputError("the text cannot be split (" + std::string(u_errorName(status)) + ")");
    // A pattern from a file must not hang the program: ICU counts this in steps of its matching
    // engine, about a millisecond each; the patterns of real tokenizers need a handful.
    matcher->setTimeLimit(1000, status);
    while (matcher->find(status) && U_SUCCESS(status)) {
        const int32_t begin = matcher->start(status);
        const int32_t end = matcher->end(status);
        if (U_FAILURE(status))
            break;
        if (end > begin)
            found.push_back({utf16.byteOffset[static_cast<std::size_t>(begin)],
                             utf16.byteOffset[static_cast<std::size_t>(end)], true});
    }
    if (status == U_REGEX_TIME_OUT)
        throw InputError("the tokenizer's split pattern takes too long on this text");
    if (U_FAILURE(status))
        throw InputError("the text cannot be split (" + std::string(u_errorName(status)) + ")");
    return found;
}

std::vector<Match> TextPattern::cover(std::string_view text) const {
    const std::vector<Match> found = matches(text);
    std::vector<Match> covered;
    covered.reserve(found.size() * 2 + 1);
    std::size_t last = 0;
    for (const Match& m : found) {
        if (m.begin > last)
            covered.push_back({last, m.begin, false});
        covered.push_back(m);
        last = m.end;
    }
    if (last < text.size())
        covered.push_back({last, text.size(), false});
    return covered;
}

} // namespace attnlab::core::tokenizers::detail
