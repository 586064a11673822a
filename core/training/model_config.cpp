#include "core/training/model_config.h"

#include "core/attention/normalizer_backward.h"
#include "core/training/format.h"

#include <array>
#include <string>
#include <utility>

namespace attnlab::core::training {
namespace {

constexpr NameTable<Architecture, 2> kArchitectureNames{{
    {Architecture::DecoderOnly, "decoder"},
    {Architecture::EncoderDecoder, "encoder-decoder"},
}};
constexpr NameTable<FeedForward, 3> kFeedForwardNames{{
    {FeedForward::None, "none"},
    {FeedForward::Relu, "relu"},
    {FeedForward::Gelu, "gelu"},
}};
constexpr NameTable<ModelPositional, 5> kPositionalNames{{
    {ModelPositional::None, "none"},
    {ModelPositional::Learned, "learned"},
    {ModelPositional::Sinusoidal, "sinusoidal"},
    {ModelPositional::Rope, "rope"},
    {ModelPositional::Alibi, "alibi"},
}};

} // namespace

std::string_view toString(Architecture value) {
    return nameOf(kArchitectureNames, value);
}
std::string_view toString(FeedForward value) {
    return nameOf(kFeedForwardNames, value);
}
std::string_view toString(ModelPositional value) {
    return nameOf(kPositionalNames, value);
}
Architecture parseArchitecture(std::string_view name) {
    return parseName(kArchitectureNames, name, "architecture");
}
FeedForward parseFeedForward(std::string_view name) {
    return parseName(kFeedForwardNames, name, "feed-forward block");
}
ModelPositional parseModelPositional(std::string_view name) {
    return parseName(kPositionalNames, name, "positional encoding");
}
const std::vector<ModelPositional>& allModelPositionals() {
    static const std::vector<ModelPositional> values = [] {
        std::vector<ModelPositional> result;
        for (const auto& entry : kPositionalNames)
            result.push_back(entry.first);
        return result;
    }();
    return values;
}

void validate(const ModelConfig& config) {
    checkRange("the vocabulary size", config.vocabSize, 2, 65536);
    checkRange("the longest sequence (positions)", config.maxPositions, 1, 256);
    checkRange("the number of layers", config.layers, 1, 4);
    checkRange("the number of heads", config.heads, 1, 8);
    checkRange("d_model", config.dModel, 2, 256);
    if (config.dModel % config.heads != 0)
        throw InputError("d_model (" + std::to_string(config.dModel) +
                         ") must be a multiple of the number of heads (" +
                         std::to_string(config.heads) + ")");
    if (config.additiveDim != 0)
        checkRange("the additive hidden width d_a", config.additiveDim, 1, 256);
    if (config.ffnHidden != 0)
        checkRange("the feed-forward hidden width", config.ffnHidden, 1, 1024);
    checkRange("the attention window", config.window, 0, 1024);
    checkRange("the temperature", static_cast<double>(config.temperature), 0.01, 100.0);
    checkRange("the cosine scale", static_cast<double>(config.cosineScale), 0.1, 100.0);
    if (!hasGradient(config.normalizer))
        throw CannotTrain(noGradientReason(config.normalizer));
    if (config.positional == ModelPositional::Rope && config.dK() < 2)
        throw InputError("rope rotates pairs of query and key entries, so d_k = d_model / heads "
                         "must be at least 2");
}

} // namespace attnlab::core::training
