#include "core/tokenizers/loaders.h"

#include <algorithm>

namespace attnlab::core::tokenizers::detail {
namespace {

int idOf(const Pipeline& pipeline, std::string_view content) {
    const int added = pipeline.added.find(content);
    if (added >= 0)
        return pipeline.added.tokens()[static_cast<std::size_t>(added)].id;
    return pipeline.model->vocabulary().idOf(content);
}

std::optional<SpecialToken>* field(SpecialTokens& specials, std::string_view key) {
    if (key == "bos_token")
        return &specials.bos;
    if (key == "eos_token")
        return &specials.eos;
    if (key == "unk_token")
        return &specials.unk;
    if (key == "sep_token")
        return &specials.sep;
    if (key == "pad_token")
        return &specials.pad;
    if (key == "cls_token")
        return &specials.cls;
    if (key == "mask_token")
        return &specials.mask;
    return nullptr;
}

/// Makes a configured token an added token (matched in the text as one token) when it is not
/// one yet; returns its id, or -1 when the vocabulary does not have it.
int addConfigured(Pipeline& pipeline, const ConfigToken& token, int id) {
    if (token.content.empty())
        return -1;
    const int existing = pipeline.added.find(token.content);
    if (existing >= 0)
        return pipeline.added.tokens()[static_cast<std::size_t>(existing)].id;
    if (id < 0)
        id = pipeline.model->vocabulary().idOf(token.content);
    if (id < 0)
        return -1;
    AddedToken added;
    added.id = id;
    added.content = token.content;
    added.singleWord = token.singleWord;
    added.lstrip = token.lstrip;
    added.rstrip = token.rstrip;
    added.normalized = token.normalized;
    added.special = token.special;
    pipeline.added.add(std::move(added));
    return id;
}

} // namespace

void applyConfigTokens(Pipeline& pipeline, const FolderConfig& config) {
    for (const auto& [id, token] : config.addedTokens)
        addConfigured(pipeline, token, id);
    for (const auto& [key, token] : config.named) {
        ConfigToken special = token;
        special.special = true;
        const int id = addConfigured(pipeline, special, -1);
        if (id < 0) {
            pipeline.warnings.push_back("the " + key + " '" + token.content +
                                        "' of the configuration is not in the vocabulary");
            continue;
        }
        if (auto* slot = field(pipeline.specials, key))
            *slot = SpecialToken{token.content, id};
    }
    for (const ConfigToken& token : config.additionalSpecialTokens) {
        ConfigToken special = token;
        special.special = true;
        addConfigured(pipeline, special, -1);
    }
    // What the configuration mentions but leaves empty (null) is not guessed later.
    for (const std::string& key : config.mentioned)
        if (config.named.count(key) == 0)
            if (auto* slot = field(pipeline.specials, key))
                *slot = SpecialToken{"", -1};
}

void guessMissingSpecials(Pipeline& pipeline) {
    const auto guess = [&](std::optional<SpecialToken>& slot,
                           std::initializer_list<std::string_view> names) {
        if (slot)
            return;
        for (const std::string_view name : names) {
            const int id = idOf(pipeline, name);
            if (id >= 0) {
                slot = SpecialToken{std::string(name), id};
                return;
            }
        }
    };
    SpecialTokens& s = pipeline.specials;
    const int unknown = pipeline.model->unknownId();
    if (!s.unk && unknown >= 0)
        s.unk = SpecialToken{pipeline.model->vocabulary().pieceOf(unknown), unknown};
    guess(s.unk, {"[UNK]", "<unk>"});
    guess(s.cls, {"[CLS]"});
    guess(s.sep, {"[SEP]"});
    guess(s.pad, {"[PAD]", "<pad>"});
    guess(s.mask, {"[MASK]", "<mask>"});
    guess(s.bos, {"<s>", "<|begin_of_text|>", "<|endoftext|>"});
    guess(s.eos, {"</s>", "<|end_of_text|>", "<|endoftext|>"});
    // Slots left empty on purpose (null in the configuration) are dropped now.
    for (auto* slot : {&s.bos, &s.eos, &s.unk, &s.sep, &s.pad, &s.cls, &s.mask})
        if (*slot && (*slot)->id < 0)
            slot->reset();
}

} // namespace attnlab::core::tokenizers::detail
