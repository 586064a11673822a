#include "core/teaching/presets.h"

#include "core/embeddings/embeddings.h"
#include "core/text/tokenizer.h"

#include <algorithm>
#include <cmath>

namespace attnlab::core {
namespace {

constexpr int kMaxWidth = 4096;

struct PresetName {
    Preset preset;
    std::string_view key;
};

constexpr PresetName kPresetNames[] = {
    {Preset::ZaoShangHao, "seed001-zao-shang-hao"},
    {Preset::TheCatSat, "seed003-the-cat-sat"},
};

// The settings every worked example shares: one head, d_k = d, no mask, softmax, T = 1.
Config workedExampleBase() {
    Config config;
    config.heads = 1;
    config.dK = 0;
    config.temperature = 1.0f;
    config.normalizer = Normalizer::Softmax;
    config.mask = MaskSpec{};
    config.positional = PositionalEncoding::None;
    config.embeddings = EmbeddingSource::Manual;
    return config;
}

Config zaoShangHao() {
    // Seed 001 only gives the result (0.4, 0.4, 0.2), so X is chosen to produce it:
    // x0·x0 = x0·x1 = 1 and x0·x2 = 1 − ln 2 make the first row of exp(XXᵀ) proportional to
    // (1, 1, ½). Same X as the core's worked-example test.
    Config config = workedExampleBase();
    config.sentence = "早上好";
    config.tokenizer.mode = TokenizerMode::Char;
    config.scoring = ScoringFunction::Dot;
    config.projection = ProjectionInit::Identity;
    Matrix x(3, 2);
    x << 1.0f, 0.0f, //
        1.0f, 1.0f,  //
        static_cast<float>(1.0 - std::log(2.0)), 0.5f;
    config.manualQueryEmbeddings = x;
    config.dModel = 2;
    return config;
}

Config theCatSat() {
    // Seed 003's published text lost its matrices (they were images); these small integer
    // matrices give the same step-by-step structure with numbers a class can check by hand,
    // and are the ones the core's worked-example test checks.
    Config config = workedExampleBase();
    config.sentence = "The cat sat";
    config.tokenizer.mode = TokenizerMode::Word;
    config.scoring = ScoringFunction::ScaledDot;
    config.projection = ProjectionInit::Manual;
    Matrix x(3, 4), wq(4, 4), wk(4, 4), wv(4, 4);
    x << 0.5f, 0.0f, 0.5f, 0.0f, //
        0.0f, 1.0f, 0.0f, 1.0f,  //
        0.5f, 0.5f, 0.5f, 0.5f;
    wq << 1, 0, 0, 1, //
        0, 1, 1, 0,   //
        1, 0, 1, 0,   //
        0, 1, 0, 1;
    wk << 0, 1, 0, 1, //
        1, 0, 1, 0,   //
        1, 1, 0, 0,   //
        0, 0, 1, 1;
    wv << 1, 0, 0, 2, //
        0, 1, 0, 0,   //
        0, 0, 1, 1,   //
        1, 0, -1, 0;
    config.manualQueryEmbeddings = x;
    config.dModel = 4;
    config.manual.wq = {wq};
    config.manual.wk = {wk};
    config.manual.wv = {wv};
    return config;
}

float roundTo2(float value) {
    return std::round(value * 100.0f) / 100.0f;
}

} // namespace

const std::vector<Preset>& allPresets() {
    static const std::vector<Preset> presets{Preset::ZaoShangHao, Preset::TheCatSat};
    return presets;
}

std::string_view toString(Preset preset) {
    for (const auto& [value, key] : kPresetNames)
        if (value == preset)
            return key;
    return "?";
}

Preset parsePreset(std::string_view key) {
    std::string choices;
    for (const auto& [value, name] : kPresetNames) {
        if (name == key)
            return value;
        choices += (choices.empty() ? "" : ", ") + std::string(name);
    }
    throw InputError("unknown worked example '" + std::string(key) +
                     "'; choose one of: " + choices);
}

Config presetConfig(Preset preset) {
    switch (preset) {
    case Preset::ZaoShangHao:
        return zaoShangHao();
    case Preset::TheCatSat:
        return theCatSat();
    }
    return zaoShangHao();
}

Matrix fitManualEmbeddings(const Matrix& old, const std::vector<std::string>& oldTokens,
                           const std::vector<std::string>& newTokens, int width) {
    if (width < 1 || width > kMaxWidth)
        throw InputError("the width of manual embeddings must be between 1 and " +
                         std::to_string(kMaxWidth) + ", not " + std::to_string(width));
    const auto n = static_cast<Eigen::Index>(newTokens.size());
    Matrix fitted = Matrix::Zero(n, width);
    const Eigen::Index keptCols = std::min<Eigen::Index>(old.cols(), width);
    const std::size_t usableOld =
        std::min(oldTokens.size(), static_cast<std::size_t>(std::max<Eigen::Index>(0, old.rows())));
    std::vector<bool> used(usableOld, false);
    std::vector<Eigen::Index> fresh;
    for (Eigen::Index i = 0; i < n; ++i) {
        const std::string& text = newTokens[static_cast<std::size_t>(i)];
        bool found = false;
        for (std::size_t j = 0; j < usableOld && !found; ++j) {
            if (used[j] || oldTokens[j] != text)
                continue;
            used[j] = true;
            found = true;
            fitted.row(i).head(keptCols) = old.row(static_cast<Eigen::Index>(j)).head(keptCols);
        }
        if (!found)
            fresh.push_back(i);
    }
    if (fresh.empty() || width < 2)
        return fitted; // width 1 has no lexicon: new rows stay 0
    const EmbeddingTable lexicon = builtinLexicon(width);
    std::vector<std::string> texts;
    texts.reserve(fresh.size());
    for (Eigen::Index i : fresh)
        texts.push_back(newTokens[static_cast<std::size_t>(i)]);
    std::vector<bool> unknown;
    const Matrix vectors = embedTokens(texts, lexicon, unknown);
    for (std::size_t r = 0; r < fresh.size(); ++r)
        fitted.row(fresh[r]) = vectors.row(static_cast<Eigen::Index>(r)).unaryExpr(&roundTo2);
    return fitted;
}

Matrix fitManualProjection(const Matrix& old, int rows, int cols, int head) {
    if (rows < 1 || cols < 1 || rows > kMaxWidth || cols > kMaxWidth)
        throw InputError("a projection matrix must be between 1 × 1 and " +
                         std::to_string(kMaxWidth) + " × " + std::to_string(kMaxWidth) + ", not " +
                         std::to_string(rows) + " × " + std::to_string(cols));
    Matrix fitted = Matrix::Zero(rows, cols);
    for (int c = 0; c < cols; ++c)
        fitted((std::max(head, 0) * cols + c) % rows, c) = 1.0f;
    const Eigen::Index keptRows = std::min<Eigen::Index>(old.rows(), rows);
    const Eigen::Index keptCols = std::min<Eigen::Index>(old.cols(), cols);
    fitted.topLeftCorner(keptRows, keptCols) = old.topLeftCorner(keptRows, keptCols);
    return fitted;
}

std::vector<std::string> tokenTexts(const std::string& text, const Config& config) {
    std::vector<std::string> texts;
    for (const Token& token : tokenize(text, config.tokenizer))
        texts.push_back(token.text);
    return texts;
}

} // namespace attnlab::core
