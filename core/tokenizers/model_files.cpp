#include "core/tokenizers/model_files.h"

#include "core/base/file_io.h"
#include "core/base/types.h"

namespace attnlab::core::tokenizers::detail {
namespace {

constexpr std::size_t kMaxDepth = 128; // a tokenizer.json nests about 6 levels

/// Builds a JSON tree from parse events, except for the members it streams into flat vectors:
/// model.vocab and model.merges of tokenizer.json, or the whole document of a vocab.json.
class StreamingHandler : public nlohmann::json_sax<Json> {
public:
    StreamingHandler(bool vocabularyAtRoot, std::string fileName)
        : m_vocabularyAtRoot(vocabularyAtRoot), m_fileName(std::move(fileName)) {}

    Json root;
    StreamedVocabulary vocab;
    StreamedMerges merges;
    std::string error;           ///< the first shape error, with its member
    std::size_t errorOffset = 0; ///< byte of a syntax error
    bool syntaxError = false;

    bool null() override {
        return m_stream != Stream::None ? fail("unexpected null") : value(Json(nullptr));
    }
    bool boolean(bool v) override {
        return m_stream != Stream::None ? fail("unexpected true or false") : value(Json(v));
    }
    bool number_integer(number_integer_t v) override {
        if (m_stream != Stream::None)
            return streamInteger(v);
        return value(Json(v));
    }
    bool number_unsigned(number_unsigned_t v) override {
        if (m_stream != Stream::None)
            return streamInteger(v > static_cast<number_unsigned_t>(INT32_MAX)
                                     ? number_integer_t{-1}
                                     : static_cast<number_integer_t>(v));
        return value(Json(v));
    }
    bool number_float(number_float_t v, const string_t&) override {
        if (m_stream == Stream::VocabArray && m_streamDepth == 2 && m_haveEntryPiece &&
            !m_haveEntryValue) {
            m_entryScore = v;
            m_haveEntryValue = true;
            return true;
        }
        if (m_stream != Stream::None)
            return fail(m_stream == Stream::VocabObject ? "ids must be integers"
                                                        : "unexpected number");
        return value(Json(v));
    }
    bool string(string_t& v) override {
        if (m_stream != Stream::None)
            return streamString(v);
        return value(Json(std::move(v)));
    }
    bool binary(binary_t&) override { return fail("unexpected binary value"); }

    bool key(string_t& k) override {
        if (m_stream == Stream::VocabObject) {
            m_entryPiece = std::move(k);
            return true;
        }
        if (m_stream != Stream::None)
            return fail("unexpected object");
        m_key = std::move(k);
        return true;
    }

    bool start_object(std::size_t) override {
        if (m_stream != Stream::None)
            return fail(m_stream == Stream::VocabObject ? "ids must be integers"
                                                        : "unexpected object");
        if (atVocabulary()) {
            m_stream = Stream::VocabObject;
            m_streamDepth = 1;
            vocab.present = true;
            return true;
        }
        return open(Json::object());
    }
    bool end_object() override {
        if (m_stream != Stream::None) {
            m_stream = Stream::None;
            return true;
        }
        m_stack.pop_back();
        m_names.pop_back();
        return true;
    }
    bool start_array(std::size_t) override {
        if (m_stream == Stream::VocabArray || m_stream == Stream::Merges) {
            if (m_streamDepth != 1)
                return fail("unexpected nested array");
            m_streamDepth = 2;
            m_haveEntryPiece = m_haveEntryValue = false;
            m_pair.clear();
            return true;
        }
        if (m_stream != Stream::None)
            return fail("ids must be integers");
        if (atVocabulary() && m_vocabularyAtRoot)
            return fail("expected an object of pieces and their ids");
        if (atVocabulary()) {
            m_stream = Stream::VocabArray;
            m_streamDepth = 1;
            vocab.present = true;
            vocab.scored = true;
            return true;
        }
        if (atMerges()) {
            m_stream = Stream::Merges;
            m_streamDepth = 1;
            merges.present = true;
            return true;
        }
        return open(Json::array());
    }
    bool end_array() override {
        if (m_stream == Stream::VocabArray || m_stream == Stream::Merges) {
            if (m_streamDepth == 1) {
                m_stream = Stream::None;
                return true;
            }
            m_streamDepth = 1;
            if (m_stream == Stream::VocabArray) {
                if (!m_haveEntryPiece || !m_haveEntryValue)
                    return fail("each entry must be [piece, score]");
                vocab.scores.emplace_back(std::move(m_entryPiece), m_entryScore);
            } else {
                if (m_pair.size() != 2)
                    return fail("each merge must be a pair [left, right]");
                merges.pairs.emplace_back(std::move(m_pair[0]), std::move(m_pair[1]));
            }
            return true;
        }
        m_stack.pop_back();
        m_names.pop_back();
        return true;
    }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception&) override {
        syntaxError = true;
        errorOffset = position > 0 ? position - 1 : 0;
        return false;
    }

private:
    enum class Stream { None, VocabObject, VocabArray, Merges };

    bool atVocabulary() const {
        if (m_vocabularyAtRoot)
            return m_stack.empty();
        return m_stack.size() == 2 && m_names[1] == "model" && m_stack.back()->is_object() &&
               m_key == "vocab";
    }
    bool atMerges() const {
        return !m_vocabularyAtRoot && m_stack.size() == 2 && m_names[1] == "model" &&
               m_stack.back()->is_object() && m_key == "merges";
    }
    std::string streamWhere() const {
        if (m_vocabularyAtRoot)
            return m_fileName;
        return m_fileName + ": model." + (m_stream == Stream::Merges ? "merges" : "vocab");
    }
    bool fail(const std::string& message) {
        if (error.empty())
            error = (m_stream != Stream::None ? streamWhere() : m_fileName) + ": " + message;
        return false;
    }

    bool streamInteger(number_integer_t v) {
        if (m_stream == Stream::VocabObject) {
            if (v < 0 || v > INT32_MAX - 1)
                return fail("the id of '" + m_entryPiece + "' is out of range");
            vocab.ids.emplace_back(std::move(m_entryPiece), static_cast<long long>(v));
            return true;
        }
        if (m_stream == Stream::VocabArray && m_streamDepth == 2 && m_haveEntryPiece &&
            !m_haveEntryValue) {
            m_entryScore = static_cast<double>(v);
            m_haveEntryValue = true;
            return true;
        }
        return fail(m_stream == Stream::Merges ? "each merge must be \"left right\" or a pair"
                                               : "each entry must be [piece, score]");
    }
    bool streamString(string_t& v) {
        if (m_stream == Stream::Merges) {
            if (m_streamDepth == 2) {
                m_pair.push_back(std::move(v));
                return m_pair.size() <= 2 || fail("each merge must be a pair [left, right]");
            }
            const std::size_t space = v.find(' ');
            if (space == std::string::npos || v.find(' ', space + 1) != std::string::npos)
                return fail("merge " + std::to_string(merges.pairs.size()) + " '" + v +
                            "' is not two pieces separated by one space");
            merges.pairs.emplace_back(v.substr(0, space), v.substr(space + 1));
            return true;
        }
        if (m_stream == Stream::VocabArray && m_streamDepth == 2 && !m_haveEntryPiece) {
            m_entryPiece = std::move(v);
            m_haveEntryPiece = true;
            return true;
        }
        return fail(m_stream == Stream::VocabObject ? "ids must be integers"
                                                    : "each entry must be [piece, score]");
    }

    bool value(Json v) {
        if (m_stack.empty()) {
            root = std::move(v);
            return true;
        }
        Json& top = *m_stack.back();
        if (top.is_object())
            top[m_key] = std::move(v);
        else
            top.push_back(std::move(v));
        return true;
    }
    bool open(Json container) {
        if (m_stack.size() >= kMaxDepth)
            return fail("nested more than " + std::to_string(kMaxDepth) + " levels deep");
        Json* slot = nullptr;
        std::string name;
        if (m_stack.empty()) {
            root = std::move(container);
            slot = &root;
        } else if (m_stack.back()->is_object()) {
            slot = &((*m_stack.back())[m_key] = std::move(container));
            name = m_key;
        } else {
            m_stack.back()->push_back(std::move(container));
            slot = &m_stack.back()->back();
        }
        m_stack.push_back(slot);
        m_names.push_back(std::move(name));
        return true;
    }

    bool m_vocabularyAtRoot;
    std::string m_fileName;
    std::vector<Json*> m_stack;
    std::vector<std::string> m_names; ///< member name of each open container
    std::string m_key;
    Stream m_stream = Stream::None;
    int m_streamDepth = 0;
    std::string m_entryPiece;
    bool m_haveEntryPiece = false;
    bool m_haveEntryValue = false;
    double m_entryScore = 0.0;
    std::vector<std::string> m_pair;
};

void runParser(std::string_view text, StreamingHandler& handler, const std::string& fileName) {
    const bool ok = Json::sax_parse(text.begin(), text.end(), &handler);
    if (ok)
        return;
    if (handler.syntaxError)
        throw InputError(fileName + ": not valid JSON (" +
                         lineAndColumn(text, handler.errorOffset) + ")");
    throw InputError(handler.error.empty() ? fileName + ": not valid JSON" : handler.error);
}

} // namespace

std::string readModelFile(const std::filesystem::path& path, std::uintmax_t maxBytes) {
    // The program's one reader: never blocks on a named pipe, refuses what is not a regular file.
    return readFileBytes(path.string(), maxBytes);
}

TokenizerJsonDocument parseTokenizerJson(std::string_view text, const std::string& fileName) {
    StreamingHandler handler(false, fileName);
    runParser(text, handler, fileName);
    if (!handler.root.is_object())
        throw InputError(fileName + ": expected a JSON object at the top level");
    TokenizerJsonDocument document;
    document.root = std::move(handler.root);
    document.vocab = std::move(handler.vocab);
    document.merges = std::move(handler.merges);
    return document;
}

StreamedVocabulary parseVocabularyJson(std::string_view text, const std::string& fileName) {
    StreamingHandler handler(true, fileName);
    runParser(text, handler, fileName);
    if (!handler.vocab.present || handler.vocab.scored)
        throw InputError(fileName + ": expected an object of pieces and their ids");
    return std::move(handler.vocab);
}

StreamedMerges parseMergesText(std::string_view text, const std::string& fileName) {
    StreamedMerges merges;
    merges.present = true;
    std::size_t lineNumber = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty() || (lineNumber == 1 && line.substr(0, 8) == "#version"))
            continue;
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string_view::npos)
            throw InputError(fileName + " line " + std::to_string(lineNumber) +
                             ": expected two pieces separated by one space");
        merges.pairs.emplace_back(std::string(line.substr(0, space)),
                                  std::string(line.substr(space + 1)));
    }
    return merges;
}

} // namespace attnlab::core::tokenizers::detail
