#include "core/model/builtin_inputs.h"

#include "core/base/random.h"
#include "core/embeddings/embeddings.h"
#include "core/text/tokenizer.h"

#include <cmath>
#include <string_view>

namespace attnlab::core::builtin {

namespace {

constexpr const char* kPadToken = "[PAD]";

std::vector<MapToken> mapTokens(const std::vector<Token>& tokens) {
    std::vector<MapToken> infos;
    infos.reserve(tokens.size());
    for (const Token& token : tokens)
        infos.push_back({token.text, token.begin, token.end});
    return infos;
}

} // namespace

Side embedSide(const std::string& text, const char* key, const Config& config,
               const EmbeddingTable* table, const Matrix* manual) {
    const bool source = std::string_view(key) == "source";
    Side side;
    try {
        side.tokens = mapTokens(tokenize(text, config.tokenizer));
    } catch (const InputError& error) {
        throw InputError(error.message(), key);
    }
    if (side.tokens.empty())
        throw InputError(source
                             ? message("the source sentence has no tokens; type at least one word")
                             : message("the sentence has no tokens; type at least one word"),
                         key);
    if (manual) {
        if (manual->rows() != static_cast<Eigen::Index>(side.tokens.size()))
            throw InputError(
                source ? message("the manual embeddings of the source sentence have %1 rows but it "
                                 "has %2 tokens",
                                 static_cast<int>(manual->rows()),
                                 static_cast<int>(side.tokens.size()))
                       : message("the manual embeddings of the sentence have %1 rows but it has %2 "
                                 "tokens",
                                 static_cast<int>(manual->rows()),
                                 static_cast<int>(side.tokens.size())),
                "embeddings");
        side.x = *manual;
        return side;
    }
    std::vector<std::string> texts;
    for (const MapToken& token : side.tokens)
        texts.push_back(token.text);
    std::vector<bool> unknown;
    side.x = embedTokens(texts, *table, unknown);
    for (std::size_t i = 0; i < unknown.size(); ++i)
        side.tokens[i].unknown = unknown[i];
    return side;
}

void appendPadding(Side& side, int length) {
    const int n = static_cast<int>(side.tokens.size());
    if (length < n)
        throw InputError(message("padding length %1 is shorter than the sentence (%2 tokens); "
                                 "choose at least %2",
                                 length, n),
                         "mask");
    Matrix padded = Matrix::Zero(length, side.x.cols()); // [PAD] embeds as the zero vector
    padded.topRows(n) = side.x;
    side.x = std::move(padded);
    for (int i = n; i < length; ++i)
        side.tokens.push_back({kPadToken, 0, 0, false, true, false});
}

Matrix identitySlice(int dModel, int dK, int head) {
    Matrix w = Matrix::Zero(dModel, dK);
    for (int c = 0; c < dK; ++c)
        w((head * dK + c) % dModel, c) = 1.0f;
    return w;
}

Matrix projection(const Config& config, int dModel, int dK, int head, const char* label,
                  const std::vector<Matrix>& manual) {
    switch (config.projection) {
    case ProjectionInit::Identity:
        return identitySlice(dModel, dK, head);
    case ProjectionInit::Random: {
        Random rng(deriveSeed(config.seed, label, head));
        return rng.normalMatrix(dModel, dK, 1.0 / std::sqrt(static_cast<double>(dModel)));
    }
    case ProjectionInit::Manual: {
        if (static_cast<int>(manual.size()) <= head)
            throw InputError(
                message("manual projection: no %1 matrix for head %2", label, head + 1),
                "projection");
        const Matrix& w = manual[static_cast<std::size_t>(head)];
        if (w.rows() != dModel || w.cols() != dK)
            throw InputError(
                message("manual projection: %1 of head %2 is %3 × %4, expected %5 × %6", label,
                        head + 1, static_cast<int>(w.rows()), static_cast<int>(w.cols()), dModel,
                        dK),
                "projection");
        return w;
    }
    }
    return identitySlice(dModel, dK, head);
}

Matrix outputProjection(const Config& config, int dModel, int concatWidth) {
    if (config.projection == ProjectionInit::Manual && config.manual.wo) {
        const Matrix& wo = *config.manual.wo;
        if (wo.rows() != concatWidth || wo.cols() != dModel)
            throw InputError(message("manual projection: W_o is %1 × %2, expected %3 × %4",
                                     static_cast<int>(wo.rows()), static_cast<int>(wo.cols()),
                                     concatWidth, dModel),
                             "projection");
        return wo;
    }
    if (config.projection == ProjectionInit::Random) {
        Random rng(deriveSeed(config.seed, "w_o", 0));
        return rng.normalMatrix(concatWidth, dModel,
                                1.0 / std::sqrt(static_cast<double>(concatWidth)));
    }
    // Identity: each head's context goes back to the dimensions its slice was read from.
    Matrix wo = Matrix::Zero(concatWidth, dModel);
    for (int r = 0; r < concatWidth; ++r)
        wo(r, r % dModel) = 1.0f;
    return wo;
}

} // namespace attnlab::core::builtin
