#include "core/tokenizers/normalizers.h"

#include "core/base/types.h"
#include "core/tokenizers/icu_regex.h"
#include "core/tokenizers/unicode_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <vector>

namespace attnlab::core::tokenizers::detail {
namespace {

enum class Form { NFC, NFD, NFKC, NFKD };

const icu::Normalizer2& instance(Form form) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = nullptr;
    switch (form) {
    case Form::NFC:
        normalizer = icu::Normalizer2::getNFCInstance(status);
        break;
    case Form::NFD:
        normalizer = icu::Normalizer2::getNFDInstance(status);
        break;
    case Form::NFKC:
        normalizer = icu::Normalizer2::getNFKCInstance(status);
        break;
    case Form::NFKD:
        normalizer = icu::Normalizer2::getNFKDInstance(status);
        break;
    }
    if (U_FAILURE(status) || normalizer == nullptr)
        throw InputError(std::string("the Unicode normalisation data is missing (") +
                         u_errorName(status) + ")");
    return *normalizer;
}

/// Applies a Unicode normalisation form. The text is cut where the form says a character starts
/// a new segment (base letters, not the combining marks after them); a segment that changes
/// keeps the alignment of the whole segment, one that does not keeps its own.
void applyForm(NormalizedText& text, const icu::Normalizer2& form) {
    const Utf16Text utf16 = toUtf16(text.text);
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString whole(false, utf16.text.data(),
                                   static_cast<int32_t>(utf16.text.size()));
    if (form.isNormalized(whole, status) && U_SUCCESS(status))
        return;
    std::string out;
    std::vector<Span> align;
    out.reserve(text.text.size());
    align.reserve(text.text.size());
    const auto flush = [&](std::size_t begin16, std::size_t end16) {
        if (end16 == begin16)
            return;
        const std::size_t begin = utf16.byteOffset[begin16];
        const std::size_t end = utf16.byteOffset[end16];
        UErrorCode segmentStatus = U_ZERO_ERROR;
        const icu::UnicodeString segment(false, utf16.text.data() + begin16,
                                         static_cast<int32_t>(end16 - begin16));
        if (form.isNormalized(segment, segmentStatus) && U_SUCCESS(segmentStatus)) {
            out.append(text.text, begin, end - begin);
            align.insert(align.end(), text.align.begin() + static_cast<std::ptrdiff_t>(begin),
                         text.align.begin() + static_cast<std::ptrdiff_t>(end));
            return;
        }
        segmentStatus = U_ZERO_ERROR;
        const icu::UnicodeString result = form.normalize(segment, segmentStatus);
        const std::string bytes =
            toUtf8(std::u16string_view(reinterpret_cast<const char16_t*>(result.getBuffer()),
                                       static_cast<std::size_t>(result.length())));
        const Span span = originalSpan(text, begin, end);
        out += bytes;
        align.insert(align.end(), bytes.size(), span);
    };
    std::size_t segmentStart = 0;
    std::size_t i = 0;
    while (i < utf16.text.size()) {
        UChar32 c = utf16.text[i];
        std::size_t next = i + 1;
        if (U16_IS_LEAD(c) && next < utf16.text.size() && U16_IS_TRAIL(utf16.text[next])) {
            c = U16_GET_SUPPLEMENTARY(c, utf16.text[next]);
            ++next;
        }
        if (i > segmentStart && form.hasBoundaryBefore(c)) {
            flush(segmentStart, i);
            segmentStart = i;
        }
        i = next;
    }
    flush(segmentStart, utf16.text.size());
    text.text = std::move(out);
    text.align = std::move(align);
}

/// Full Unicode lower-casing of one character, like the formats' reference code, which
/// lower-cases character by character (so a final Σ becomes σ, not ς). The only character whose
/// full lower case is longer than its simple one is İ (SpecialCasing.txt).
void appendLowercase(char32_t c, std::string& out) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
        return;
    }
    if (c == 0x130) {
        out += "i\xCC\x87"; // i + combining dot above
        return;
    }
    appendUtf8(out, static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
}

class UnicodeForm : public Normalizer {
public:
    explicit UnicodeForm(Form form) : m_form(instance(form)) {}
    void normalize(NormalizedText& text) const override { applyForm(text, m_form); }

private:
    const icu::Normalizer2& m_form;
};

class Lowercase : public Normalizer {
public:
    void normalize(NormalizedText& text) const override {
        mapCharacters(text, [](char32_t c, std::string& out) { appendLowercase(c, out); });
    }
};

class StripAccents : public Normalizer {
public:
    void normalize(NormalizedText& text) const override {
        mapCharacters(text, [](char32_t c, std::string& out) {
            if (!isMark(c))
                appendUtf8(out, c);
        });
    }
};

class BertNormalizer : public Normalizer {
public:
    BertNormalizer(bool cleanText, bool handleChineseChars, bool stripAccents, bool lowercase)
        : m_cleanText(cleanText), m_handleChineseChars(handleChineseChars),
          m_stripAccents(stripAccents), m_lowercase(lowercase),
          m_nfd(stripAccents ? &instance(Form::NFD) : nullptr) {}

    void normalize(NormalizedText& text) const override {
        if (m_cleanText)
            mapCharacters(text, [](char32_t c, std::string& out) {
                if (c == 0 || c == 0xFFFD || isBertControl(c))
                    return;
                appendUtf8(out, isWhitespace(c) ? U' ' : c);
            });
        if (m_handleChineseChars)
            mapCharacters(text, [](char32_t c, std::string& out) {
                if (!isChineseCharacter(c)) {
                    appendUtf8(out, c);
                    return;
                }
                out.push_back(' ');
                appendUtf8(out, c);
                out.push_back(' ');
            });
        if (m_stripAccents) {
            applyForm(text, *m_nfd);
            mapCharacters(text, [](char32_t c, std::string& out) {
                if (!isNonspacingMark(c))
                    appendUtf8(out, c);
            });
        }
        if (m_lowercase)
            mapCharacters(text, [](char32_t c, std::string& out) { appendLowercase(c, out); });
    }

private:
    bool m_cleanText;
    bool m_handleChineseChars;
    bool m_stripAccents;
    bool m_lowercase;
    const icu::Normalizer2* m_nfd;
};

class Prepend : public Normalizer {
public:
    explicit Prepend(std::string prefix) : m_prefix(std::move(prefix)) {}
    void normalize(NormalizedText& text) const override { prepend(text, m_prefix); }

private:
    std::string m_prefix;
};

class Replace : public Normalizer {
public:
    Replace(TextPattern pattern, std::string content)
        : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void normalize(NormalizedText& text) const override {
        replaceRanges(text, m_pattern.matches(text.text), m_content);
    }

private:
    TextPattern m_pattern;
    std::string m_content;
};

class Strip : public Normalizer {
public:
    Strip(bool left, bool right) : m_left(left), m_right(right) {}
    void normalize(NormalizedText& text) const override {
        std::size_t begin = 0;
        std::size_t end = text.text.size();
        if (m_left) {
            std::size_t i = 0;
            while (i < end) {
                const std::size_t start = i;
                if (!isWhitespace(nextCodePoint(text.text, i))) {
                    i = start;
                    break;
                }
            }
            begin = i;
        }
        if (m_right) {
            while (end > begin) {
                std::size_t start = end - 1;
                while (start > begin &&
                       (static_cast<unsigned char>(text.text[start]) & 0xC0) == 0x80)
                    --start;
                std::size_t i = start;
                if (!isWhitespace(nextCodePoint(text.text, i)))
                    break;
                end = start;
            }
        }
        if (begin != 0 || end != text.text.size()) {
            const Span original = text.original;
            text = slice(text, begin, end);
            text.original = original;
        }
    }

private:
    bool m_left;
    bool m_right;
};

class NormalizerSequence : public Normalizer {
public:
    explicit NormalizerSequence(std::vector<std::unique_ptr<Normalizer>> steps)
        : m_steps(std::move(steps)) {}
    void normalize(NormalizedText& text) const override {
        for (const auto& step : m_steps)
            step->normalize(text);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_steps;
};

/// A Replace or Split "pattern": {"String": "…"} or {"Regex": "…"}.
TextPattern readPattern(const Json& json, const std::string& where) {
    const Json& pattern = requireMember(json, "pattern", where);
    const std::string patternWhere = memberPath(where, "pattern");
    requireObject(pattern, patternWhere);
    if (const Json* literal = findMember(pattern, "String"))
        return TextPattern::literal(stringValue(*literal, memberPath(patternWhere, "String")));
    if (const Json* regex = findMember(pattern, "Regex"))
        return TextPattern::regex(stringValue(*regex, memberPath(patternWhere, "Regex")),
                                  memberPath(patternWhere, "Regex"));
    failAt(patternWhere, "expected {\"String\": …} or {\"Regex\": …}");
}

} // namespace

std::unique_ptr<Normalizer> makeBertNormalizer(bool cleanText, bool handleChineseChars,
                                               std::optional<bool> stripAccents, bool lowercase) {
    return std::make_unique<BertNormalizer>(cleanText, handleChineseChars,
                                            stripAccents.value_or(lowercase), lowercase);
}

std::unique_ptr<Normalizer> makeNormalizer(const Json& json, const std::string& where) {
    const std::string type = componentType(json, where);
    if (type == "NFC")
        return std::make_unique<UnicodeForm>(Form::NFC);
    if (type == "NFD")
        return std::make_unique<UnicodeForm>(Form::NFD);
    if (type == "NFKC")
        return std::make_unique<UnicodeForm>(Form::NFKC);
    if (type == "NFKD")
        return std::make_unique<UnicodeForm>(Form::NFKD);
    if (type == "Lowercase")
        return std::make_unique<Lowercase>();
    if (type == "StripAccents")
        return std::make_unique<StripAccents>();
    if (type == "BertNormalizer") {
        std::optional<bool> stripAccents;
        if (const Json* member = findMember(json, "strip_accents"))
            stripAccents = boolValue(*member, memberPath(where, "strip_accents"));
        return makeBertNormalizer(boolOr(json, "clean_text", true, where),
                                  boolOr(json, "handle_chinese_chars", true, where), stripAccents,
                                  boolOr(json, "lowercase", true, where));
    }
    if (type == "Prepend")
        return std::make_unique<Prepend>(
            stringValue(requireMember(json, "prepend", where), memberPath(where, "prepend")));
    if (type == "Replace")
        return std::make_unique<Replace>(
            readPattern(json, where),
            stringValue(requireMember(json, "content", where), memberPath(where, "content")));
    if (type == "Strip")
        return std::make_unique<Strip>(boolOr(json, "strip_left", true, where),
                                       boolOr(json, "strip_right", true, where));
    if (type == "Sequence") {
        const Json& list = requireMember(json, "normalizers", where);
        const std::string listWhere = memberPath(where, "normalizers");
        requireArray(list, listWhere);
        std::vector<std::unique_ptr<Normalizer>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            steps.push_back(makeNormalizer(list[i], elementPath(listWhere, i)));
        return std::make_unique<NormalizerSequence>(std::move(steps));
    }
    failAt(memberPath(where, "type"),
           "'" + type +
               "' is not supported (supported normalizers: NFC, NFD, NFKC, NFKD, Lowercase, "
               "StripAccents, BertNormalizer, Prepend, Replace, Strip, Sequence)");
}

} // namespace attnlab::core::tokenizers::detail
