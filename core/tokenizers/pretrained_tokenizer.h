#pragma once
// The tokenizers of pretrained models (GPT-2, BERT, Llama, Qwen2, SmolLM, …), read from the
// model folder as model hubs distribute it, so that the ids a model runs on are the ids it was
// trained with. Supported:
//  - tokenizer.json: models BPE (byte-level as GPT-2/Qwen2, or with byte fallback as Llama 2),
//    WordPiece (BERT) and WordLevel, with their normalisers, pre-tokenizers (split patterns run
//    through ICU), added tokens, post-processors and decoders;
//  - without tokenizer.json: vocab.json + merges.txt (GPT-2 byte-level BPE) or vocab.txt (BERT
//    WordPiece, lower-casing, accent stripping and CJK splitting as tokenizer_config.json says).
// tokenizer_config.json and special_tokens_map.json name the special tokens.
//
// Every token knows the bytes of the text it came from, so that maps can be labelled and
// aggregated to words (word_groups.h).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers {

namespace detail {
struct Pipeline;
}

/// One token of an encoding.
struct EncodedToken {
    int id = 0;            ///< vocabulary id (what the model runs on)
    std::string piece;     ///< the vocabulary entry as stored: "Ġthe", "▁the", "##ing", "<0xE6>"
    std::string text;      ///< a readable label: pieceText(id)
    std::size_t begin = 0; ///< first byte of the original text this token stands for
    std::size_t end = 0;   ///< one past its last byte; begin == end for inserted tokens
    int typeId = 0;        ///< segment id (BERT's token_type_ids); 0 for a single text
    bool special = false;  ///< a special token ([CLS], <s>, <|endoftext|>, [MASK] typed in)
    bool inserted = false; ///< added by the tokenizer around the text, not typed
    bool unknown = false;  ///< the unknown token, standing for text the vocabulary lacks
};

struct Encoding {
    std::vector<int> ids;             ///< exactly the ids the model runs on
    std::vector<EncodedToken> tokens; ///< one per id, in order
};

/// The indices of the tokens a map shows: all of them, or all but the special tokens the
/// tokenizer inserted ([CLS], [SEP], <s>). Special tokens the user typed are always shown. The
/// model still runs on every id; only the view leaves rows and columns out.
std::vector<int> visibleTokenIndices(const Encoding& encoding, bool showInsertedSpecials);

struct SpecialToken {
    std::string text; ///< as written in the text ("[MASK]", "<|endoftext|>")
    int id = -1;
};

/// The special tokens the model folder names (tokenizer_config.json, special_tokens_map.json,
/// the post-processor), each only when it is in the vocabulary.
struct SpecialTokens {
    std::optional<SpecialToken> bos;  ///< beginning of sequence (<s>, <|endoftext|>)
    std::optional<SpecialToken> eos;  ///< end of sequence
    std::optional<SpecialToken> unk;  ///< unknown
    std::optional<SpecialToken> sep;  ///< separator ([SEP])
    std::optional<SpecialToken> pad;  ///< padding
    std::optional<SpecialToken> cls;  ///< classification ([CLS])
    std::optional<SpecialToken> mask; ///< masked position for fill-in predictions ([MASK])
};

class PretrainedTokenizer {
public:
    /// Reads the tokenizer of a model folder (or of the folder holding the tokenizer.json
    /// given). Throws FileError when no tokenizer file is there or one cannot be read (naming
    /// the files looked for), InputError when a file is malformed or uses something not
    /// supported (naming the file and member, and listing what is supported).
    static PretrainedTokenizer load(const std::string& folder);

    /// A tokenizer from the text of a tokenizer.json and, optionally, of a
    /// tokenizer_config.json (empty: none). Same errors as load.
    static PretrainedTokenizer fromTokenizerJson(std::string_view tokenizerJson,
                                                 std::string_view tokenizerConfigJson = {});

    /// Tokenises UTF-8 text. With `addSpecialTokens` the tokens the model expects around a text
    /// are added ([CLS] … [SEP], <s> …). Throws InputError for invalid UTF-8 (naming the byte).
    /// Thread-safe.
    Encoding encode(std::string_view text, bool addSpecialTokens = true) const;

    /// The text of ids, as the model folder's decoder spells it (byte-level pieces become the
    /// characters their bytes encode, "▁" a space, "##" pieces join the previous one). Ids out
    /// of the vocabulary are skipped; so are special tokens when `skipSpecialTokens`.
    std::string decode(const std::vector<int>& ids, bool skipSpecialTokens = false) const;

    /// The vocabulary entry of an id as stored ("Ġthe"); empty for an unused id.
    std::string piece(int id) const;
    /// A readable label for an id: byte-level pieces as the text their bytes spell, '▁' and
    /// spaces as '␣', newlines as '↵', tabs as '⇥', bytes that are not a whole character as
    /// <0xNN>; WordPiece's "##" is kept. Empty for an unused id.
    std::string pieceText(int id) const;

    /// One past the largest id of the vocabulary and the added tokens.
    int vocabSize() const;
    /// The id of a vocabulary entry or added token, as stored ("Ġthe", "[MASK]").
    std::optional<int> tokenId(std::string_view piece) const;
    /// Whether an id is a special token.
    bool isSpecial(int id) const;
    const SpecialTokens& specials() const;

    /// Where the tokenizer came from ("tokenizer.json", "vocab.json + merges.txt",
    /// "vocab.txt") and what it is ("byte-level BPE", "WordPiece", …), for the status line.
    std::string description() const;
    /// Things the user may want to know that did not stop loading (an unsupported decoder).
    const std::vector<std::string>& warnings() const;

private:
    explicit PretrainedTokenizer(std::shared_ptr<const detail::Pipeline> pipeline);
    std::shared_ptr<const detail::Pipeline> m_pipeline;
};

} // namespace attnlab::core::tokenizers
