#include "core/io/model_export.h"

#include "core/base/json.h"

#include <cassert>

namespace attnlab::core {

void writeModelJson(const ModelOutput& output, std::ostream& out) {
    assert(output.transformer);
    const TransformerDescription& model = *output.transformer;
    const AttentionMaps& maps = output.maps;
    json::Writer json(out);
    json.beginObject();
    json.key("format");
    json.string("attention-lab-model/1");
    json.key("model");
    json.beginObject();
    json.key("name");
    json.string(output.model);
    json.key("architecture");
    json.string(model.architecture);
    json.key("layers");
    json.integer(model.layers);
    json.key("heads");
    json.integer(model.heads);
    json.key("kv_heads");
    json.integer(model.kvHeads);
    json.key("d_model");
    json.integer(model.dModel);
    json.key("vocab_size");
    json.integer(model.vocabSize);
    json.endObject();
    json.key("sentence");
    json.string(output.config.sentence);
    std::vector<std::string> tokens;
    for (const MapToken& token : maps.queryTokens)
        tokens.push_back(token.text);
    json.key("tokens");
    json.stringArray(tokens);
    json.key("token_ids");
    json.integerArray(model.tokenIds);
    json.key("token_pieces");
    json.stringArray(model.pieces);
    json.key("layers");
    json.beginArray();
    for (int layer = 0; layer < maps.layers; ++layer) {
        json.beginObject();
        json.key("heads");
        json.beginArray();
        for (int head = 0; head < maps.heads; ++head) {
            json.beginObject();
            json.key("weights");
            json.matrix(maps.weightsOf(layer, head));
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }
    json.endArray();
    if (maps.rollout) {
        json.key("rollout");
        json.matrix(*maps.rollout);
    }
    json.key("predictions");
    json.beginArray();
    for (const Prediction& prediction : output.predictions) {
        json.beginObject();
        json.key("position");
        json.integer(prediction.position);
        json.key("top");
        json.beginArray();
        for (const Prediction::Candidate& candidate : prediction.top) {
            json.beginObject();
            json.key("id");
            json.integer(candidate.tokenId);
            json.key("text");
            json.string(candidate.text);
            json.key("probability");
            json.number(candidate.probability);
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }
    json.endArray();
    std::vector<std::string> warnings;
    for (const Message& warning : maps.warnings)
        warnings.push_back(warning.english());
    json.key("warnings");
    json.stringArray(warnings);
    json.endObject();
    out << '\n';
}

} // namespace attnlab::core
