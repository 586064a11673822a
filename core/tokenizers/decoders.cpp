#include "core/tokenizers/decoders.h"

#include "core/tokenizers/icu_regex.h"
#include "core/tokenizers/unicode_text.h"

namespace attnlab::core::tokenizers::detail {
namespace {

void replaceAll(std::string& text, std::string_view from, std::string_view to) {
    if (from.empty())
        return;
    std::size_t at = text.find(from);
    while (at != std::string::npos) {
        text.replace(at, from.size(), to);
        at = text.find(from, at + to.size());
    }
}

class ByteLevelDecoder : public Decoder {
public:
    void decode(std::vector<std::string>& pieces) const override {
        std::string bytes;
        for (const std::string& piece : pieces) {
            std::string own;
            bool all = true;
            std::size_t i = 0;
            while (i < piece.size()) {
                const int byte = charToByte(nextCodePoint(piece, i));
                if (byte < 0) {
                    all = false;
                    break;
                }
                own.push_back(static_cast<char>(byte));
            }
            bytes += all ? own : piece; // pieces outside the alphabet (added tokens) as they are
        }
        pieces.assign(1, lossyUtf8(bytes));
    }
};

class MetaspaceDecoder : public Decoder {
public:
    MetaspaceDecoder(std::string replacement, bool prependedSpace)
        : m_replacement(std::move(replacement)), m_prependedSpace(prependedSpace) {}
    void decode(std::vector<std::string>& pieces) const override {
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            std::string& piece = pieces[i];
            if (i == 0 && m_prependedSpace && piece.starts_with(m_replacement))
                piece.erase(0, m_replacement.size());
            replaceAll(piece, m_replacement, " ");
        }
    }

private:
    std::string m_replacement;
    bool m_prependedSpace;
};

class WordPieceDecoder : public Decoder {
public:
    WordPieceDecoder(std::string prefix, bool cleanup)
        : m_prefix(std::move(prefix)), m_cleanup(cleanup) {}
    void decode(std::vector<std::string>& pieces) const override {
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            std::string& piece = pieces[i];
            if (i > 0) {
                if (!m_prefix.empty() && piece.starts_with(m_prefix))
                    piece.erase(0, m_prefix.size());
                else
                    piece.insert(0, " ");
            }
            if (m_cleanup)
                for (const auto& [from, to] : kCleanup)
                    replaceAll(piece, from, to);
        }
    }

private:
    static constexpr std::pair<std::string_view, std::string_view> kCleanup[] = {
        {" .", "."},   {" ?", "?"},     {" !", "!"},    {" ,", ","},
        {" ' ", "'"},  {" n't", "n't"}, {" 'm", "'m"},  {" do not", " don't"},
        {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    std::string m_prefix;
    bool m_cleanup;
};

class SuffixDecoder : public Decoder {
public:
    explicit SuffixDecoder(std::string suffix) : m_suffix(std::move(suffix)) {}
    void decode(std::vector<std::string>& pieces) const override {
        for (std::size_t i = 0; i < pieces.size(); ++i)
            replaceAll(pieces[i], m_suffix, i + 1 == pieces.size() ? "" : " ");
    }

private:
    std::string m_suffix;
};

/// Runs of <0xNN> pieces become the text their bytes spell (U+FFFD per byte when they do not
/// spell valid UTF-8).
class ByteFallbackDecoder : public Decoder {
public:
    void decode(std::vector<std::string>& pieces) const override {
        std::vector<std::string> out;
        std::string bytes;
        std::size_t count = 0;
        const auto flush = [&] {
            if (count == 0)
                return;
            if (isValidUtf8(bytes))
                out.push_back(bytes);
            else
                for (std::size_t k = 0; k < count; ++k)
                    out.emplace_back("\xEF\xBF\xBD");
            bytes.clear();
            count = 0;
        };
        for (std::string& piece : pieces) {
            const int byte = parseByteTokenName(piece);
            if (byte >= 0) {
                bytes.push_back(static_cast<char>(byte));
                ++count;
                continue;
            }
            flush();
            out.push_back(std::move(piece));
        }
        flush();
        pieces = std::move(out);
    }
};

class FuseDecoder : public Decoder {
public:
    void decode(std::vector<std::string>& pieces) const override {
        std::string joined;
        for (const std::string& piece : pieces)
            joined += piece;
        pieces.assign(1, joined);
    }
};

class StripDecoder : public Decoder {
public:
    StripDecoder(std::string content, std::size_t start, std::size_t stop)
        : m_content(std::move(content)), m_start(start), m_stop(stop) {}
    void decode(std::vector<std::string>& pieces) const override {
        if (m_content.empty())
            return;
        for (std::string& piece : pieces) {
            for (std::size_t k = 0; k < m_start && piece.starts_with(m_content); ++k)
                piece.erase(0, m_content.size());
            for (std::size_t k = 0; k < m_stop && piece.ends_with(m_content); ++k)
                piece.erase(piece.size() - m_content.size());
        }
    }

private:
    std::string m_content;
    std::size_t m_start;
    std::size_t m_stop;
};

class ReplaceDecoder : public Decoder {
public:
    ReplaceDecoder(TextPattern pattern, std::string content)
        : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void decode(std::vector<std::string>& pieces) const override {
        for (std::string& piece : pieces) {
            if (!isValidUtf8(piece))
                continue;
            std::string out;
            std::size_t last = 0;
            for (const Match& m : m_pattern.matches(piece)) {
                out.append(piece, last, m.begin - last);
                out += m_content;
                last = m.end;
            }
            out.append(piece, last, std::string::npos);
            piece = std::move(out);
        }
    }

private:
    TextPattern m_pattern;
    std::string m_content;
};

class SpaceJoinDecoder : public Decoder {
public:
    void decode(std::vector<std::string>& pieces) const override {
        for (std::size_t i = 1; i < pieces.size(); ++i)
            pieces[i].insert(0, " ");
    }
};

class SequenceDecoder : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps)
        : m_steps(std::move(steps)) {}
    void decode(std::vector<std::string>& pieces) const override {
        for (const auto& step : m_steps)
            step->decode(pieces);
    }

private:
    std::vector<std::unique_ptr<Decoder>> m_steps;
};

std::unique_ptr<Decoder> unsupported(const std::string& where, const std::string& type,
                                     std::string& warning) {
    warning = where + ": the decoder '" + type +
              "' is not supported; decoded text shows the pieces joined by spaces";
    return nullptr;
}

} // namespace

std::unique_ptr<Decoder> makeByteLevelDecoder() {
    return std::make_unique<ByteLevelDecoder>();
}

std::unique_ptr<Decoder> makeWordPieceDecoder(std::string prefix, bool cleanup) {
    return std::make_unique<WordPieceDecoder>(std::move(prefix), cleanup);
}

std::unique_ptr<Decoder> makeSpaceJoinDecoder() {
    return std::make_unique<SpaceJoinDecoder>();
}

std::unique_ptr<Decoder> makeDecoder(const Json& json, const std::string& where,
                                     std::string& warning) {
    const std::string type = componentType(json, where);
    if (type == "ByteLevel")
        return makeByteLevelDecoder();
    if (type == "Metaspace") {
        const std::string replacement =
            optionalString(json, "replacement", where).value_or("\xE2\x96\x81");
        const std::string scheme = optionalString(json, "prepend_scheme", where).value_or("always");
        const bool prepended = scheme != "never" && boolOr(json, "add_prefix_space", true, where);
        return std::make_unique<MetaspaceDecoder>(replacement, prepended);
    }
    if (type == "WordPiece")
        return makeWordPieceDecoder(optionalString(json, "prefix", where).value_or("##"),
                                    boolOr(json, "cleanup", true, where));
    if (type == "BPEDecoder")
        return std::make_unique<SuffixDecoder>(
            optionalString(json, "suffix", where).value_or("</w>"));
    if (type == "ByteFallback")
        return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse")
        return std::make_unique<FuseDecoder>();
    if (type == "Strip")
        return std::make_unique<StripDecoder>(
            optionalString(json, "content", where).value_or(" "),
            static_cast<std::size_t>(integerOr(json, "start", 0, where, 0, 1 << 20)),
            static_cast<std::size_t>(integerOr(json, "stop", 0, where, 0, 1 << 20)));
    if (type == "Replace") {
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
        return std::make_unique<ReplaceDecoder>(
            std::move(compiled),
            stringValue(requireMember(json, "content", where), memberPath(where, "content")));
    }
    if (type == "Sequence") {
        const Json& list = requireMember(json, "decoders", where);
        const std::string listWhere = memberPath(where, "decoders");
        requireArray(list, listWhere);
        std::vector<std::unique_ptr<Decoder>> steps;
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto step = makeDecoder(list[i], elementPath(listWhere, i), warning);
            if (!step)
                return nullptr;
            steps.push_back(std::move(step));
        }
        return std::make_unique<SequenceDecoder>(std::move(steps));
    }
    return unsupported(memberPath(where, "type"), type, warning);
}

} // namespace attnlab::core::tokenizers::detail
