#include "core/tokenizers/pre_tokenizers.h"

#include "core/base/types.h"
#include "core/tokenizers/icu_regex.h"
#include "core/tokenizers/unicode_text.h"

namespace attnlab::core::tokenizers::detail {
namespace {

/// GPT-2's pattern (its encoder.py): contractions, letters, digits and other symbols each with
/// at most one leading space, and whitespace.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// Applies `cut(piece, out)` to every piece.
template <typename Cut> void splitEach(std::vector<NormalizedText>& pieces, Cut cut) {
    std::vector<NormalizedText> out;
    out.reserve(pieces.size() * 2);
    for (const NormalizedText& piece : pieces)
        cut(piece, out);
    pieces = std::move(out);
}

class ByteLevel : public PreTokenizer {
public:
    ByteLevel(bool addPrefixSpace, bool useRegex)
        : m_addPrefixSpace(addPrefixSpace),
          m_pattern(useRegex ? std::optional<TextPattern>(
                                   TextPattern::regex(kGpt2Pattern, "the GPT-2 split pattern"))
                             : std::nullopt) {}

    void preTokenize(std::vector<NormalizedText>& pieces) const override {
        splitEach(pieces, [&](const NormalizedText& piece, std::vector<NormalizedText>& out) {
            NormalizedText text = piece;
            if (m_addPrefixSpace && (text.text.empty() || text.text[0] != ' '))
                prepend(text, " ");
            const std::size_t first = out.size();
            if (m_pattern)
                splitText(text, m_pattern->cover(text.text), SplitBehavior::Isolated, out);
            else if (!text.text.empty())
                out.push_back(std::move(text));
            for (std::size_t k = first; k < out.size(); ++k)
                toByteAlphabet(out[k]);
        });
    }

private:
    static void toByteAlphabet(NormalizedText& text) {
        std::string bytes;
        std::vector<Span> align;
        bytes.reserve(text.text.size() * 2);
        align.reserve(text.text.size() * 2);
        for (std::size_t i = 0; i < text.text.size(); ++i) {
            const std::size_t before = bytes.size();
            appendUtf8(bytes, byteToChar(static_cast<unsigned char>(text.text[i])));
            align.insert(align.end(), bytes.size() - before, text.align[i]);
        }
        text.text = std::move(bytes);
        text.align = std::move(align);
    }

    bool m_addPrefixSpace;
    std::optional<TextPattern> m_pattern;
};

class Split : public PreTokenizer {
public:
    Split(TextPattern pattern, SplitBehavior behavior, bool invert)
        : m_pattern(std::move(pattern)), m_behavior(behavior), m_invert(invert) {}

    void preTokenize(std::vector<NormalizedText>& pieces) const override {
        splitEach(pieces, [&](const NormalizedText& piece, std::vector<NormalizedText>& out) {
            std::vector<Match> matches = m_pattern.cover(piece.text);
            if (m_invert)
                for (Match& m : matches)
                    m.isMatch = !m.isMatch;
            splitText(piece, matches, m_behavior, out);
        });
    }

private:
    TextPattern m_pattern;
    SplitBehavior m_behavior;
    bool m_invert;
};

/// Splits on a predicate of characters with a behaviour (whitespace, punctuation, digits).
template <typename Predicate> class CharacterSplit : public PreTokenizer {
public:
    CharacterSplit(Predicate predicate, SplitBehavior behavior)
        : m_predicate(predicate), m_behavior(behavior) {}

    void preTokenize(std::vector<NormalizedText>& pieces) const override {
        splitEach(pieces, [&](const NormalizedText& piece, std::vector<NormalizedText>& out) {
            splitText(piece, matchCharacters(piece.text, m_predicate), m_behavior, out);
        });
    }

private:
    Predicate m_predicate;
    SplitBehavior m_behavior;
};

template <typename Predicate>
std::unique_ptr<PreTokenizer> splitOn(Predicate predicate, SplitBehavior behavior) {
    return std::make_unique<CharacterSplit<Predicate>>(predicate, behavior);
}

class PreTokenizerSequence : public PreTokenizer {
public:
    explicit PreTokenizerSequence(std::vector<std::unique_ptr<PreTokenizer>> steps)
        : m_steps(std::move(steps)) {}
    void preTokenize(std::vector<NormalizedText>& pieces) const override {
        for (const auto& step : m_steps)
            step->preTokenize(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_steps;
};

enum class PrependScheme { Always, First, Never };

/// SentencePiece's convention: spaces become '▁' and a '▁' is put in front of the text.
class Metaspace : public PreTokenizer {
public:
    Metaspace(std::string replacement, PrependScheme scheme, bool split)
        : m_replacement(std::move(replacement)), m_scheme(scheme), m_split(split) {}

    void preTokenize(std::vector<NormalizedText>& pieces) const override {
        splitEach(pieces, [&](const NormalizedText& piece, std::vector<NormalizedText>& out) {
            NormalizedText text = piece;
            replaceRanges(text, TextPattern::literal(" ").matches(text.text), m_replacement);
            const bool startsWithMarker =
                text.text.compare(0, m_replacement.size(), m_replacement) == 0;
            if (!startsWithMarker &&
                (m_scheme == PrependScheme::Always ||
                 (m_scheme == PrependScheme::First && text.original.begin == 0)))
                prepend(text, m_replacement);
            if (!m_split) {
                if (!text.text.empty())
                    out.push_back(std::move(text));
                return;
            }
            splitText(text, TextPattern::literal(m_replacement).cover(text.text),
                      SplitBehavior::MergedWithNext, out);
        });
    }

private:
    std::string m_replacement;
    PrependScheme m_scheme;
    bool m_split;
};

SplitBehavior readBehavior(const Json& json, const std::string& where, SplitBehavior fallback) {
    const Json* member = findMember(json, "behavior");
    if (member == nullptr)
        return fallback;
    const std::string name = stringValue(*member, memberPath(where, "behavior"));
    if (name == "Removed")
        return SplitBehavior::Removed;
    if (name == "Isolated")
        return SplitBehavior::Isolated;
    if (name == "MergedWithPrevious")
        return SplitBehavior::MergedWithPrevious;
    if (name == "MergedWithNext")
        return SplitBehavior::MergedWithNext;
    if (name == "Contiguous")
        return SplitBehavior::Contiguous;
    failAt(memberPath(where, "behavior"),
           "'" + name +
               "' is not a split behaviour (Removed, Isolated, MergedWithPrevious, "
               "MergedWithNext, Contiguous)");
}

std::unique_ptr<PreTokenizer> makeMetaspace(const Json& json, const std::string& where) {
    const std::string replacement =
        stringValue(requireMember(json, "replacement", where), memberPath(where, "replacement"));
    if (countCodePoints(replacement) != 1 || !isValidUtf8(replacement))
        failAt(memberPath(where, "replacement"), "expected one character");
    PrependScheme scheme = PrependScheme::Always;
    if (const auto name = optionalString(json, "prepend_scheme", where)) {
        if (*name == "always")
            scheme = PrependScheme::Always;
        else if (*name == "first")
            scheme = PrependScheme::First;
        else if (*name == "never")
            scheme = PrependScheme::Never;
        else
            failAt(memberPath(where, "prepend_scheme"),
                   "'" + *name + "' is not one of always, first, never");
    }
    // Files written before prepend_scheme existed say add_prefix_space instead.
    if (!boolOr(json, "add_prefix_space", true, where))
        scheme = PrependScheme::Never;
    return std::make_unique<Metaspace>(replacement, scheme, boolOr(json, "split", true, where));
}

} // namespace

std::unique_ptr<PreTokenizer> makeByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) {
    return std::make_unique<ByteLevel>(addPrefixSpace, useRegex);
}

std::unique_ptr<PreTokenizer> makeBertPreTokenizer() {
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    steps.push_back(splitOn(isWhitespace, SplitBehavior::Removed));
    steps.push_back(splitOn(isPunctuation, SplitBehavior::Isolated));
    return std::make_unique<PreTokenizerSequence>(std::move(steps));
}

std::unique_ptr<PreTokenizer> makePreTokenizer(const Json& json, const std::string& where) {
    const std::string type = componentType(json, where);
    if (type == "ByteLevel")
        return makeByteLevelPreTokenizer(boolOr(json, "add_prefix_space", true, where),
                                         boolOr(json, "use_regex", true, where));
    if (type == "Split") {
        const Json& pattern = requireMember(json, "pattern", where);
        const std::string patternWhere = memberPath(where, "pattern");
        requireObject(pattern, patternWhere);
        TextPattern compiled = TextPattern::literal("");
        if (const Json* literal = findMember(pattern, "String"))
            compiled =
                TextPattern::literal(stringValue(*literal, memberPath(patternWhere, "String")));
        else if (const Json* regex = findMember(pattern, "Regex"))
            compiled = TextPattern::regex(stringValue(*regex, memberPath(patternWhere, "Regex")),
                                          memberPath(patternWhere, "Regex"));
        else
            failAt(patternWhere, "expected {\"String\": …} or {\"Regex\": …}");
        return std::make_unique<Split>(std::move(compiled),
                                       readBehavior(json, where, SplitBehavior::Isolated),
                                       boolOr(json, "invert", false, where));
    }
    if (type == "BertPreTokenizer")
        return makeBertPreTokenizer();
    if (type == "Whitespace")
        // \w+|[^\w\s]+ kept, the rest (whitespace) dropped.
        return std::make_unique<Split>(TextPattern::regex(R"(\w+|[^\w\s]+)", where),
                                       SplitBehavior::Removed, true);
    if (type == "WhitespaceSplit")
        return splitOn(isWhitespace, SplitBehavior::Removed);
    if (type == "Metaspace")
        return makeMetaspace(json, where);
    if (type == "Digits") {
        const bool individual = boolOr(json, "individual_digits", false, where);
        return splitOn(isNumeric, individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
    }
    if (type == "Punctuation")
        return splitOn(isPunctuation, readBehavior(json, where, SplitBehavior::Isolated));
    if (type == "CharDelimiterSplit") {
        const std::string delimiter =
            stringValue(requireMember(json, "delimiter", where), memberPath(where, "delimiter"));
        if (countCodePoints(delimiter) != 1 || !isValidUtf8(delimiter))
            failAt(memberPath(where, "delimiter"), "expected one character");
        std::size_t i = 0;
        const char32_t c = nextCodePoint(delimiter, i);
        return splitOn([c](char32_t x) { return x == c; }, SplitBehavior::Removed);
    }
    if (type == "Sequence") {
        const Json& list = requireMember(json, "pretokenizers", where);
        const std::string listWhere = memberPath(where, "pretokenizers");
        requireArray(list, listWhere);
        std::vector<std::unique_ptr<PreTokenizer>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            steps.push_back(makePreTokenizer(list[i], elementPath(listWhere, i)));
        return std::make_unique<PreTokenizerSequence>(std::move(steps));
    }
    failAt(memberPath(where, "type"),
           "'" + type +
               "' is not supported (supported pre-tokenizers: ByteLevel, Split, "
               "BertPreTokenizer, Whitespace, WhitespaceSplit, Metaspace, Digits, Punctuation, "
               "CharDelimiterSplit, Sequence)");
}

} // namespace attnlab::core::tokenizers::detail
