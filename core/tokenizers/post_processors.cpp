#include "core/tokenizers/post_processors.h"

#include "core/base/types.h"

#include <map>

namespace attnlab::core::tokenizers::detail {
namespace {

/// One item of a template: a special token (its ids) or the text ($A).
struct TemplateItem {
    bool isSequence = false;
    std::vector<int> ids;
    int typeId = 0;
};

class TemplateProcessor : public PostProcessor {
public:
    explicit TemplateProcessor(std::vector<TemplateItem> items) : m_items(std::move(items)) {}

    void process(std::vector<PipelineToken>& tokens, std::string_view,
                 bool addSpecialTokens) const override {
        std::vector<PipelineToken> out;
        out.reserve(tokens.size() + 4);
        for (const TemplateItem& item : m_items) {
            if (item.isSequence) {
                for (PipelineToken& token : tokens) {
                    token.typeId = item.typeId;
                    out.push_back(token);
                }
                continue;
            }
            if (!addSpecialTokens)
                continue;
            for (const int id : item.ids) {
                PipelineToken token;
                token.id = id;
                token.typeId = item.typeId;
                token.special = true;
                token.inserted = true;
                out.push_back(token);
            }
        }
        tokens = std::move(out);
    }

private:
    std::vector<TemplateItem> m_items;
};

class TrimOffsets : public PostProcessor {
public:
    void process(std::vector<PipelineToken>& tokens, std::string_view text, bool) const override {
        for (PipelineToken& token : tokens) {
            if (token.inserted || token.span.end <= token.span.begin)
                continue;
            Span& span = token.span;
            std::size_t begin = span.begin;
            std::size_t end = span.end;
            while (begin < end && text[begin] == ' ')
                ++begin;
            while (end > begin && text[end - 1] == ' ')
                --end;
            // A token of spaces keeps an empty span where its spaces end.
            span = begin < end ? Span{begin, end} : Span{span.end, span.end};
        }
    }
};

class SequenceProcessor : public PostProcessor {
public:
    explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> steps)
        : m_steps(std::move(steps)) {}
    void process(std::vector<PipelineToken>& tokens, std::string_view text,
                 bool addSpecialTokens) const override {
        for (const auto& step : m_steps)
            step->process(tokens, text, addSpecialTokens);
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> m_steps;
};

/// ["[CLS]", 101] of BertProcessing and RobertaProcessing.
int tokenPairId(const Json& json, std::string_view key, const std::string& where) {
    const Json& pair = requireMember(json, key, where);
    const std::string pairWhere = memberPath(where, key);
    requireArray(pair, pairWhere);
    if (pair.size() != 2)
        failAt(pairWhere, "expected [token, id]");
    stringValue(pair[0], elementPath(pairWhere, 0));
    return static_cast<int>(integerValue(pair[1], elementPath(pairWhere, 1), 0, INT32_MAX));
}

std::unique_ptr<PostProcessor> makeTemplate(const Json& json, const std::string& where) {
    const Json& single = requireMember(json, "single", where);
    const std::string singleWhere = memberPath(where, "single");
    requireArray(single, singleWhere);
    std::map<std::string, std::vector<int>, std::less<>> specials;
    if (const Json* table = findMember(json, "special_tokens")) {
        const std::string tableWhere = memberPath(where, "special_tokens");
        requireObject(*table, tableWhere);
        for (const auto& [name, entry] : table->items()) {
            const std::string entryWhere = memberPath(tableWhere, name);
            const Json& ids = requireMember(entry, "ids", entryWhere);
            requireArray(ids, memberPath(entryWhere, "ids"));
            std::vector<int> values;
            for (std::size_t i = 0; i < ids.size(); ++i)
                values.push_back(static_cast<int>(integerValue(
                    ids[i], elementPath(memberPath(entryWhere, "ids"), i), 0, INT32_MAX)));
            specials[name] = std::move(values);
        }
    }
    std::vector<TemplateItem> items;
    for (std::size_t i = 0; i < single.size(); ++i) {
        const std::string itemWhere = elementPath(singleWhere, i);
        requireObject(single[i], itemWhere);
        TemplateItem item;
        if (const Json* sequence = findMember(single[i], "Sequence")) {
            item.isSequence = true;
            item.typeId = static_cast<int>(
                integerOr(*sequence, "type_id", 0, memberPath(itemWhere, "Sequence"), 0, 255));
        } else if (const Json* special = findMember(single[i], "SpecialToken")) {
            const std::string specialWhere = memberPath(itemWhere, "SpecialToken");
            const std::string name = stringValue(requireMember(*special, "id", specialWhere),
                                                 memberPath(specialWhere, "id"));
            const auto found = specials.find(name);
            if (found == specials.end())
                failAt(specialWhere, "'" + name + "' is not listed in special_tokens");
            item.ids = found->second;
            item.typeId = static_cast<int>(integerOr(*special, "type_id", 0, specialWhere, 0, 255));
        } else {
            failAt(itemWhere, "expected {\"Sequence\": …} or {\"SpecialToken\": …}");
        }
        items.push_back(std::move(item));
    }
    return std::make_unique<TemplateProcessor>(std::move(items));
}

} // namespace

std::unique_ptr<PostProcessor> makeWrapProcessor(std::vector<int> prefix, std::vector<int> suffix) {
    std::vector<TemplateItem> items;
    if (!prefix.empty())
        items.push_back({false, std::move(prefix), 0});
    items.push_back({true, {}, 0});
    if (!suffix.empty())
        items.push_back({false, std::move(suffix), 0});
    return std::make_unique<TemplateProcessor>(std::move(items));
}

std::unique_ptr<PostProcessor> makeTrimOffsetsProcessor() {
    return std::make_unique<TrimOffsets>();
}

std::unique_ptr<PostProcessor> makeSequenceProcessor(std::unique_ptr<PostProcessor> first,
                                                     std::unique_ptr<PostProcessor> second) {
    std::vector<std::unique_ptr<PostProcessor>> steps;
    steps.push_back(std::move(first));
    steps.push_back(std::move(second));
    return std::make_unique<SequenceProcessor>(std::move(steps));
}

std::unique_ptr<PostProcessor> makePostProcessor(const Json& json, const std::string& where) {
    const std::string type = componentType(json, where);
    if (type == "TemplateProcessing")
        return makeTemplate(json, where);
    if (type == "BertProcessing")
        return makeWrapProcessor({tokenPairId(json, "cls", where)},
                                 {tokenPairId(json, "sep", where)});
    if (type == "RobertaProcessing") {
        auto wrap =
            makeWrapProcessor({tokenPairId(json, "cls", where)}, {tokenPairId(json, "sep", where)});
        if (!boolOr(json, "trim_offsets", true, where))
            return wrap;
        return makeSequenceProcessor(makeTrimOffsetsProcessor(), std::move(wrap));
    }
    if (type == "ByteLevel") {
        if (boolOr(json, "trim_offsets", true, where))
            return makeTrimOffsetsProcessor();
        return makeWrapProcessor({}, {});
    }
    if (type == "Sequence") {
        const Json& list = requireMember(json, "processors", where);
        const std::string listWhere = memberPath(where, "processors");
        requireArray(list, listWhere);
        std::vector<std::unique_ptr<PostProcessor>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            steps.push_back(makePostProcessor(list[i], elementPath(listWhere, i)));
        return std::make_unique<SequenceProcessor>(std::move(steps));
    }
    failAt(memberPath(where, "type"),
           "'" + type +
               "' is not supported (supported post-processors: TemplateProcessing, "
               "BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
}

} // namespace attnlab::core::tokenizers::detail
