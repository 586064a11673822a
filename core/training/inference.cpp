#include "core/training/inference.h"

namespace attnlab::core::training {

Inference runExample(const ModelConfig& config, const TransformerParams& params,
                     const Example& example) {
    Inference out;
    out.input = layOut({example}, config.architecture);
    evaluate(config, params, out.input.batch, &out.result);
    for (Eigen::Index r = 0; r < out.result.logits.rows(); ++r) {
        Eigen::Index best = 0;
        out.result.logits.row(r).maxCoeff(&best);
        out.predicted.push_back(static_cast<int>(best));
    }
    return out;
}

std::vector<int> generate(const ModelConfig& config, const TransformerParams& params,
                          const std::vector<int>& source, int maxTokens) {
    std::vector<int> written;
    const bool decoderOnly = config.architecture == Architecture::DecoderOnly;
    while (static_cast<int>(written.size()) < maxTokens) {
        ModelBatch b;
        b.batch = 1;
        if (decoderOnly) {
            b.decoderTokens = source;
        } else {
            b.encoderTokens = source;
            b.encoderLength = static_cast<int>(source.size());
        }
        b.decoderTokens.push_back(Vocabulary::kStart);
        b.decoderTokens.insert(b.decoderTokens.end(), written.begin(), written.end());
        b.decoderLength = static_cast<int>(b.decoderTokens.size());
        if (b.decoderLength > config.maxPositions)
            break;
        b.targets.assign(b.decoderTokens.size(), -1);
        const ForwardResult result = forward(config, params, b);
        Eigen::Index best = 0;
        result.logits.row(result.logits.rows() - 1).maxCoeff(&best);
        written.push_back(static_cast<int>(best));
        if (best == Vocabulary::kEnd)
            break;
    }
    return written;
}

namespace {

std::vector<std::string> labels(const std::vector<int>& tokens, int length, int real,
                                const Vocabulary& vocabulary, int example) {
    std::vector<std::string> out;
    for (int p = 0; p < real; ++p) {
        const int id = tokens[static_cast<std::size_t>(example) * length + p];
        out.push_back(id >= 0 && id < vocabulary.size() ? vocabulary.token(id) : "<?>");
    }
    return out;
}

} // namespace

std::vector<std::string> decoderTokens(const LaidOutBatch& input, const Vocabulary& vocabulary,
                                       int example) {
    return labels(input.batch.decoderTokens, input.batch.decoderLength, input.batch.decoderLength,
                  vocabulary, example);
}

std::vector<std::string> encoderTokens(const LaidOutBatch& input, const Vocabulary& vocabulary,
                                       int example) {
    if (input.batch.encoderLength == 0)
        return {};
    return labels(input.batch.encoderTokens, input.batch.encoderLength, input.batch.encoderLength,
                  vocabulary, example);
}

} // namespace attnlab::core::training
