// What every model behind the seam (core/model/model.h) must give the views, checked the same way
// for each: maps of the tokens' shape for every layer and head, entropy and argmax per map, the
// mean and the maximum over each layer's heads, rows that sum to 1 where the model says they do,
// masked cells at 0, fully masked rows listed and empty, no NaN, capabilities that match the
// output (a trace exactly when it says so, of the right shapes), the same maps from concurrent
// runs, run options and progress callbacks that change nothing but the trace, bad settings
// rejected as InputError naming the setting (or ignored by a model they do not apply to), and data
// exports (JSON, CSV, NPY) that read back to the same numbers.
//
// A new model type joins with one INSTANTIATE_TEST_SUITE_P line over a list of its cases.

#include "core/attention/normalizer.h"
#include "core/base/json.h"
#include "core/base/limits.h"
#include "core/base/npy.h"
#include "core/base/random.h"
#include "core/io/data_export.h"
#include "core/model/builtin_model.h"
#include "core/model/imported_attention.h"
#include "core/model/settings.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_model_conformance {

using namespace attnlab::core;

namespace {

// One model on one input.
struct ConformanceCase {
    std::string name;
    std::shared_ptr<const Model> model;
    Config config;
    /// Rows of visible keys sum to 1 (apart from fully masked and degenerate rows).
    bool distributions = true;
};

void PrintTo(const ConformanceCase& c, std::ostream* out) {
    *out << c.name;
}

std::string caseName(const ::testing::TestParamInfo<ConformanceCase>& info) {
    return info.param.name;
}

// ---- built-in model --------------------------------------------------------------------------

ConformanceCase builtinCase(const std::string& name, const std::function<void(Config&)>& change) {
    Config config;
    config.sentence = "the cat sat on the mat";
    config.dModel = 24; // divisible by 1, 3 and 8 heads
    change(config);
    return {name, std::make_shared<BuiltinModel>(), config,
            normalizerEntry(config.normalizer).sumsToOne};
}

std::vector<ConformanceCase> builtinCases() {
    std::vector<ConformanceCase> cases = {
        builtinCase("OneHead", [](Config&) {}),
        builtinCase("ThreeHeadsRandom",
                    [](Config& c) {
                        c.heads = 3;
                        c.projection = ProjectionInit::Random;
                    }),
        builtinCase("EightHeadsCausal",
                    [](Config& c) {
                        c.heads = 8;
                        c.mask = parseMask("causal");
                    }),
        builtinCase("Window",
                    [](Config& c) {
                        c.heads = 3;
                        c.mask = parseMask("window:1");
                    }),
        builtinCase("Padding",
                    [](Config& c) {
                        c.heads = 3;
                        c.mask = parseMask("padding:9");
                    }),
        builtinCase("FullyMaskedRow",
                    [](Config& c) {
                        c.heads = 3;
                        c.mask.kind = MaskKind::Custom;
                        for (int key = 0; key < 6; ++key)
                            c.mask.blocked.emplace_back(2, key);
                        c.mask.blocked.emplace_back(4, 1);
                    }),
        builtinCase("CrossAttention",
                    [](Config& c) {
                        c.heads = 3;
                        c.sentence = "I love deep learning";
                        c.source = "我爱深度学习";
                    }),
        builtinCase("CrossAttentionPadded",
                    [](Config& c) {
                        c.heads = 8;
                        c.sentence = "I love deep learning";
                        c.source = "我爱深度学习";
                        c.mask = parseMask("padding:7");
                    }),
        builtinCase("ManualEmbeddings",
                    [](Config& c) {
                        c.embeddings = EmbeddingSource::Manual;
                        c.tokenizer.mode = TokenizerMode::Whitespace;
                        c.sentence = "a b c d";
                        c.manualQueryEmbeddings = Random(5).normalMatrix(4, 6, 1.0);
                        c.dModel = 6;
                        c.heads = 3;
                    }),
    };
    for (Normalizer normalizer : allNormalizers()) {
        std::string name(toString(normalizer));
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
        cases.push_back(builtinCase("Normalizer" + name + "Causal", [normalizer](Config& c) {
            c.heads = 3;
            c.normalizer = normalizer;
            c.projection = ProjectionInit::Random;
            c.mask = parseMask("causal");
        }));
    }
    for (ScoringFunction scoring : allScoringFunctions()) {
        std::string name;
        for (char ch : toString(scoring))
            if (ch != '-')
                name += name.empty() ? static_cast<char>(std::toupper(ch)) : ch;
        cases.push_back(builtinCase("Scoring" + name, [scoring](Config& c) {
            c.heads = 3;
            c.scoring = scoring;
            c.projection = ProjectionInit::Random;
        }));
    }
    for (PositionalEncoding positional :
         {PositionalEncoding::Sinusoidal, PositionalEncoding::Rope, PositionalEncoding::Alibi}) {
        std::string name(toString(positional));
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
        cases.push_back(builtinCase("Positional" + name, [positional](Config& c) {
            c.heads = 8;
            c.positional = positional;
        }));
    }
    return cases;
}

// ---- imported attention ----------------------------------------------------------------------

// A [layers,] heads × n_q × n_k array of seeded values; softmax rows when `distributions`, raw
// scores (outside [0, 1], rows not summing to 1) otherwise.
ConformanceCase importedCase(const std::string& name, int layers, int heads,
                             const std::vector<std::string>& queries,
                             const std::vector<std::string>& keys, bool distributions,
                             std::uint64_t seed) {
    const int nq = static_cast<int>(queries.size());
    const int nk = static_cast<int>(keys.size());
    NpyArray array;
    if (layers > 1)
        array.shape.push_back(layers);
    array.shape.insert(array.shape.end(), {heads, nq, nk});
    Random rng(seed);
    for (int map = 0; map < layers * heads; ++map) {
        const Matrix logits = rng.normalMatrix(nq, nk, 2.0);
        for (int i = 0; i < nq; ++i) {
            double sum = 0;
            for (int j = 0; j < nk; ++j)
                sum += std::exp(static_cast<double>(logits(i, j)));
            for (int j = 0; j < nk; ++j)
                array.data.push_back(distributions
                                         ? static_cast<float>(std::exp(logits(i, j)) / sum)
                                         : 3.0f * logits(i, j));
        }
    }
    auto imported =
        std::make_shared<const ImportedAttention>(importAttention(array, queries, keys));
    return {name, std::make_shared<ImportedModel>(imported, name + ".npy"), Config{},
            distributions};
}

std::vector<ConformanceCase> importedCases() {
    const std::vector<std::string> words = {"我", "爱", "深度", "学习"};
    const std::vector<std::string> english = {"I", "love", "deep", "learning", "."};
    return {
        importedCase("OneLayerSelf", 1, 3, words, words, true, 1),
        importedCase("TwoLayersCross", 2, 2, english, words, true, 2),
        importedCase("FourLayersOneHead", 4, 1, words, words, true, 3),
        importedCase("RawScores", 2, 3, words, english, false, 4),
    };
}

// ---- reading exports back --------------------------------------------------------------------

// Records of RFC 4180 CSV (CRLF line ends, quoted fields with doubled quotes); blank lines are
// returned as empty records.
std::vector<std::vector<std::string>> csvRecords(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    bool anything = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
            anything = true;
        } else if (c == ',') {
            record.push_back(field);
            field.clear();
            anything = true;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            if (anything || !field.empty())
                record.push_back(field);
            records.push_back(record);
            record.clear();
            field.clear();
            anything = false;
            ++i;
        } else {
            field += c;
            anything = true;
        }
    }
    EXPECT_FALSE(anything) << "the CSV does not end in CRLF";
    return records;
}

float floatOf(const std::string& text) {
    float value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    EXPECT_TRUE(ec == std::errc() && end == text.data() + text.size()) << "'" << text << "'";
    return value;
}

std::vector<std::string> tokenTextsOf(const std::vector<MapToken>& tokens) {
    std::vector<std::string> texts;
    for (const MapToken& token : tokens)
        texts.push_back(token.text);
    return texts;
}

bool contains(const std::vector<int>& rows, int row) {
    return std::find(rows.begin(), rows.end(), row) != rows.end();
}

// Bitwise the same maps (weights, entropy, argmax, combinations, mask and row lists).
void expectSameMaps(const AttentionMaps& a, const AttentionMaps& b) {
    ASSERT_EQ(a.weights.size(), b.weights.size());
    for (std::size_t map = 0; map < a.weights.size(); ++map) {
        EXPECT_EIGEN_NEAR(a.weights[map], b.weights[map], 0.0) << "map " << map;
        EXPECT_EIGEN_NEAR(a.entropy[map], b.entropy[map], 0.0) << "map " << map;
        EXPECT_EQ(a.argmax[map], b.argmax[map]) << "map " << map;
    }
    ASSERT_EQ(a.mean.size(), b.mean.size());
    for (std::size_t l = 0; l < a.mean.size(); ++l) {
        EXPECT_EIGEN_NEAR(a.mean[l], b.mean[l], 0.0) << "layer " << l;
        EXPECT_EIGEN_NEAR(a.max[l], b.max[l], 0.0) << "layer " << l;
    }
    EXPECT_TRUE((a.allowed == b.allowed).all());
    EXPECT_EQ(a.fullyMaskedRows, b.fullyMaskedRows);
    EXPECT_EQ(a.degenerateRows, b.degenerateRows);
}

// ---- the suite -------------------------------------------------------------------------------

class ModelConformance : public ::testing::TestWithParam<ConformanceCase> {
protected:
    void SetUp() override {
        const ConformanceCase& c = GetParam();
        ASSERT_NO_THROW(m_output = c.model->run(c.config)) << c.name;
    }
    const ModelOutput& output() const { return m_output; }
    const AttentionMaps& maps() const { return m_output.maps; }

private:
    ModelOutput m_output;
};

TEST_P(ModelConformance, MapsHaveTheShapesOfTheirTokens) {
    const AttentionMaps& m = maps();
    const int nq = m.queries();
    const int nk = m.keys();
    ASSERT_GE(m.layers, 1);
    ASSERT_GE(m.heads, 1);
    ASSERT_GT(nq, 0);
    ASSERT_GT(nk, 0);
    const auto count = static_cast<std::size_t>(m.layers * m.heads);
    ASSERT_EQ(m.weights.size(), count);
    ASSERT_EQ(m.entropy.size(), count);
    ASSERT_EQ(m.argmax.size(), count);
    ASSERT_EQ(m.mean.size(), static_cast<std::size_t>(m.layers));
    ASSERT_EQ(m.max.size(), static_cast<std::size_t>(m.layers));
    for (std::size_t map = 0; map < count; ++map) {
        EXPECT_EQ(m.weights[map].rows(), nq) << "map " << map;
        EXPECT_EQ(m.weights[map].cols(), nk) << "map " << map;
        EXPECT_EQ(m.entropy[map].size(), nq) << "map " << map;
        EXPECT_EQ(m.argmax[map].size(), static_cast<std::size_t>(nq)) << "map " << map;
    }
    for (int layer = 0; layer < m.layers; ++layer) {
        const auto l = static_cast<std::size_t>(layer);
        EXPECT_EQ(m.mean[l].rows(), nq);
        EXPECT_EQ(m.mean[l].cols(), nk);
        EXPECT_EQ(m.max[l].rows(), nq);
        EXPECT_EQ(m.max[l].cols(), nk);
        for (int head = 0; head < m.heads; ++head)
            EXPECT_EQ(m.map(layer, head), &m.weights[m.index(layer, head)]);
        EXPECT_EQ(m.map(layer, kMeanOfHeads), &m.mean[l]);
        EXPECT_EQ(m.map(layer, kMaxOfHeads), &m.max[l]);
        EXPECT_EQ(m.map(layer, m.heads), nullptr);
    }
    EXPECT_EQ(m.map(m.layers, 0), nullptr);
    EXPECT_EQ(m.allowed.rows(), nq);
    EXPECT_EQ(m.allowed.cols(), nk);
    // A self-attention model has the same tokens on both sides (padding aside).
    if (!m.cross) {
        EXPECT_EQ(tokenTextsOf(m.queryTokens), tokenTextsOf(m.keyTokens));
    }
}

TEST_P(ModelConformance, EntropyAndArgmaxOfEveryMap) {
    const AttentionMaps& m = maps();
    for (std::size_t map = 0; map < m.weights.size(); ++map) {
        SCOPED_TRACE("map " + std::to_string(map));
        const Matrix& a = m.weights[map];
        for (int i = 0; i < a.rows(); ++i) {
            // −Σ a ln a with 0 ln 0 = 0, on weights taken into [0, 1] (imported scores can lie
            // outside it).
            double entropy = 0;
            int best = 0;
            for (int j = 0; j < a.cols(); ++j) {
                const double w = std::clamp(static_cast<double>(a(i, j)), 0.0, 1.0);
                if (w > 0)
                    entropy -= w * std::log(w);
                if (a(i, j) > a(i, best))
                    best = j;
            }
            EXPECT_NEAR(m.entropy[map](i), entropy, 1e-5 * std::max(1.0, entropy)) << "row " << i;
            const int expected = contains(m.fullyMaskedRows, i) ? -1 : best;
            EXPECT_EQ(m.argmax[map][static_cast<std::size_t>(i)], expected) << "row " << i;
        }
    }
}

TEST_P(ModelConformance, MeanAndMaxAreOverTheLayersHeads) {
    const AttentionMaps& m = maps();
    for (int layer = 0; layer < m.layers; ++layer) {
        Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(m.queries(), m.keys());
        Eigen::MatrixXd largest =
            Eigen::MatrixXd::Constant(m.queries(), m.keys(), -std::numeric_limits<double>::max());
        for (int head = 0; head < m.heads; ++head)
            for (int i = 0; i < m.queries(); ++i)
                for (int j = 0; j < m.keys(); ++j) {
                    const double w = m.weightsOf(layer, head)(i, j);
                    sum(i, j) += w;
                    largest(i, j) = std::max(largest(i, j), w);
                }
        const auto l = static_cast<std::size_t>(layer);
        EXPECT_EIGEN_NEAR(m.mean[l], Eigen::MatrixXd(sum / m.heads), 1e-6) << "layer " << layer;
        EXPECT_EIGEN_NEAR(m.max[l], largest, 0.0) << "layer " << layer;
    }
}

TEST_P(ModelConformance, MasksZerosAndDistributions) {
    const AttentionMaps& m = maps();
    // Fully masked rows are exactly the rows without a visible key.
    std::vector<int> noVisibleKey;
    for (int i = 0; i < m.queries(); ++i)
        if (!m.allowed.row(i).any())
            noVisibleKey.push_back(i);
    EXPECT_EQ(m.fullyMaskedRows, noVisibleKey);
    for (int row : m.degenerateRows)
        EXPECT_FALSE(contains(m.fullyMaskedRows, row)) << "row " << row << " is listed twice";
    // A padding key is never visible.
    for (int j = 0; j < m.keys(); ++j)
        if (m.keyTokens[static_cast<std::size_t>(j)].padding) {
            EXPECT_FALSE(m.allowed.col(j).any()) << "padding key " << j << " is visible";
        }
    for (std::size_t map = 0; map < m.weights.size(); ++map) {
        const Matrix& a = m.weights[map];
        for (int i = 0; i < m.queries(); ++i) {
            for (int j = 0; j < m.keys(); ++j)
                if (!m.allowed(i, j)) {
                    EXPECT_EQ(a(i, j), 0.0f) << "map " << map << " cell " << i << ", " << j;
                }
            if (contains(m.fullyMaskedRows, i)) {
                EXPECT_EQ(a.row(i).cwiseAbs().sum(), 0.0f) << "map " << map << " row " << i;
            } else if (GetParam().distributions && !contains(m.degenerateRows, i)) {
                EXPECT_NEAR(a.row(i).cast<double>().sum(), 1.0, 1e-5)
                    << "map " << map << " row " << i;
                EXPECT_GE(a.row(i).minCoeff(), 0.0f) << "map " << map << " row " << i;
            }
        }
    }
}

TEST_P(ModelConformance, NoNaNAnywhere) {
    const AttentionMaps& m = maps();
    for (std::size_t map = 0; map < m.weights.size(); ++map) {
        EXPECT_TRUE(m.weights[map].allFinite()) << "map " << map;
        EXPECT_TRUE(m.entropy[map].allFinite()) << "map " << map;
    }
    for (std::size_t l = 0; l < m.mean.size(); ++l) {
        EXPECT_TRUE(m.mean[l].allFinite()) << "layer " << l;
        EXPECT_TRUE(m.max[l].allFinite()) << "layer " << l;
    }
    if (!output().trace)
        return;
    const Trace& trace = *output().trace;
    EXPECT_TRUE(trace.queryInputs.allFinite());
    EXPECT_TRUE(trace.keyInputs.allFinite());
    EXPECT_TRUE(trace.output.allFinite());
    for (const HeadTrace& head : trace.heads) {
        EXPECT_TRUE(head.q.allFinite() && head.k.allFinite() && head.v.allFinite());
        EXPECT_TRUE(head.scores.allFinite());
        EXPECT_TRUE(head.logits.allFinite()) << "logits before the mask are clamped, never ±∞";
        EXPECT_TRUE(head.context.allFinite());
    }
}

TEST_P(ModelConformance, CapabilitiesMatchTheOutput) {
    const ConformanceCase& c = GetParam();
    const ModelOutput& out = output();
    const AttentionMaps& m = out.maps;
    const ModelCapabilities expected = c.model->capabilities(c.config);
    EXPECT_EQ(out.capabilities.hasTrace, expected.hasTrace);
    EXPECT_EQ(out.capabilities.hasPredictions, expected.hasPredictions);
    EXPECT_EQ(out.capabilities.layers, expected.layers);
    EXPECT_EQ(out.capabilities.heads, expected.heads);
    EXPECT_EQ(out.capabilities.takesText, expected.takesText);
    EXPECT_EQ(out.capabilities.attentionSettings, expected.attentionSettings);
    EXPECT_EQ(out.capabilities.layers, m.layers);
    EXPECT_EQ(out.capabilities.heads, m.heads);
    EXPECT_FALSE(out.model.empty());
    EXPECT_FALSE(c.model->name().empty());
    const double work = c.model->estimateWork(c.config);
    EXPECT_TRUE(std::isfinite(work) && work >= 0) << work;
    EXPECT_EQ(out.capabilities.hasPredictions, !out.predictions.empty());

    ASSERT_EQ(out.capabilities.hasTrace, out.trace.has_value());
    if (!out.trace)
        return;
    // The trace is of the one layer it explains, head by head.
    ASSERT_EQ(m.layers, 1);
    const Trace& trace = *out.trace;
    const int nq = m.queries();
    const int nk = m.keys();
    const int dK = trace.dK;
    const auto dModel = trace.queryInputs.cols();
    ASSERT_GT(dK, 0);
    ASSERT_GT(dModel, 0);
    EXPECT_EQ(out.config.dK, dK);
    EXPECT_EQ(out.config.dModel, dModel);
    EXPECT_EQ(trace.queryInputs.rows(), nq);
    EXPECT_EQ(trace.keyInputs.rows(), nk);
    EXPECT_EQ(trace.keyInputs.cols(), dModel);
    EXPECT_EQ(trace.wo.rows(), m.heads * dK);
    EXPECT_EQ(trace.wo.cols(), dModel);
    EXPECT_EQ(trace.output.rows(), nq);
    EXPECT_EQ(trace.output.cols(), dModel);
    ASSERT_EQ(trace.heads.size(), static_cast<std::size_t>(m.heads));
    const ScoringEntry& scoring = scoringEntry(out.config.scoring);
    for (int h = 0; h < m.heads; ++h) {
        SCOPED_TRACE("head " + std::to_string(h));
        const HeadTrace& head = trace.heads[static_cast<std::size_t>(h)];
        ASSERT_TRUE(head.traced()) << "a full run traces every head";
        for (const Matrix* w : {&head.wq, &head.wk, &head.wv}) {
            EXPECT_EQ(w->rows(), dModel);
            EXPECT_EQ(w->cols(), dK);
        }
        EXPECT_EQ(head.q.rows(), nq);
        EXPECT_EQ(head.k.rows(), nk);
        EXPECT_EQ(head.v.rows(), nk);
        EXPECT_EQ(head.q.cols(), dK);
        EXPECT_EQ(head.k.cols(), dK);
        EXPECT_EQ(head.v.cols(), dK);
        EXPECT_EQ(head.scores.rows(), nq);
        EXPECT_EQ(head.scores.cols(), nk);
        EXPECT_EQ(head.logits.rows(), nq);
        EXPECT_EQ(head.logits.cols(), nk);
        EXPECT_EQ(head.context.rows(), nq);
        EXPECT_EQ(head.context.cols(), dK);
        EXPECT_EQ(head.params.w1.rows(), scoring.usesAdditiveWidth ? trace.dA : 0);
        // The trace explains the map: normalised masked logits are the weights, and the context
        // is the weights times V.
        std::vector<int> flagged;
        EXPECT_EIGEN_NEAR(
            normalizeRows(out.config.normalizer, maskedLogits(head.logits, m.allowed), flagged),
            m.weights[m.index(0, h)], 0.0);
        EXPECT_EIGEN_NEAR(head.context, Matrix(m.weights[m.index(0, h)] * head.v), 1e-5);
    }
}

TEST_P(ModelConformance, ConcurrentRunsGiveTheSameMaps) {
    const ConformanceCase& c = GetParam();
    ModelOutput first, second;
    std::thread a([&] { first = c.model->run(c.config); });
    std::thread b([&] { second = c.model->run(c.config); });
    a.join();
    b.join();
    ASSERT_EQ(first.maps.weights.size(), maps().weights.size());
    ASSERT_EQ(second.maps.weights.size(), maps().weights.size());
    for (std::size_t map = 0; map < maps().weights.size(); ++map) {
        EXPECT_EIGEN_NEAR(first.maps.weights[map], maps().weights[map], 0.0);
        EXPECT_EIGEN_NEAR(second.maps.weights[map], maps().weights[map], 0.0);
    }
}

TEST_P(ModelConformance, RunOptionsChangeOnlyTheTrace) {
    const ConformanceCase& c = GetParam();
    RunOptions noTrace;
    noTrace.trace = false;
    const ModelOutput bare = c.model->run(c.config, noTrace);
    expectSameMaps(bare.maps, maps());
    EXPECT_FALSE(bare.trace.has_value());
    EXPECT_EQ(bare.capabilities.hasTrace, bare.trace.has_value());

    // Only the last head traced: the others keep their projections and parameters only.
    RunOptions lastHead;
    lastHead.traceHeads = {maps().heads - 1};
    const ModelOutput one = c.model->run(c.config, lastHead);
    expectSameMaps(one.maps, maps());
    EXPECT_EQ(one.capabilities.hasTrace, one.trace.has_value());
    if (!one.trace)
        return;
    ASSERT_EQ(one.trace->heads.size(), static_cast<std::size_t>(maps().heads));
    for (int h = 0; h < maps().heads; ++h) {
        const HeadTrace& head = one.trace->heads[static_cast<std::size_t>(h)];
        const HeadTrace& full = output().trace->heads[static_cast<std::size_t>(h)];
        EXPECT_EQ(head.traced(), h == maps().heads - 1) << "head " << h;
        EXPECT_EIGEN_NEAR(head.wq, full.wq, 0.0) << "head " << h;
        if (head.traced()) {
            EXPECT_EIGEN_NEAR(head.scores, full.scores, 0.0);
            EXPECT_EIGEN_NEAR(head.context, full.context, 0.0);
        }
    }
    EXPECT_EIGEN_NEAR(one.trace->output, output().trace->output, 0.0);

    // A run of at most traceAllCells cells keeps every head's stages all the same; one cell more
    // and only the heads asked for keep theirs.
    const double cells =
        static_cast<double>(maps().queries()) * static_cast<double>(maps().keys()) * maps().heads;
    lastHead.traceAllCells = cells;
    const ModelOutput small = c.model->run(c.config, lastHead);
    lastHead.traceAllCells = cells - 1;
    const ModelOutput large = c.model->run(c.config, lastHead);
    expectSameMaps(small.maps, maps());
    expectSameMaps(large.maps, maps());
    for (int h = 0; h < maps().heads; ++h) {
        const HeadTrace& full = output().trace->heads[static_cast<std::size_t>(h)];
        const HeadTrace& all = small.trace->heads[static_cast<std::size_t>(h)];
        const HeadTrace& chosen = large.trace->heads[static_cast<std::size_t>(h)];
        EXPECT_EQ(all.traced(), full.traced()) << "head " << h;
        EXPECT_EQ(all.q.size(), full.q.size()) << "head " << h;
        EXPECT_EQ(chosen.traced(), full.traced() && h == maps().heads - 1) << "head " << h;
        EXPECT_EQ(chosen.q.size(), h == maps().heads - 1 ? full.q.size() : 0) << "head " << h;
    }
}

TEST_P(ModelConformance, ProgressIsReportedAndCancels) {
    const ConformanceCase& c = GetParam();
    int calls = 0;
    bool inRange = true;
    const ModelOutput reported = c.model->run(c.config, {}, [&](int done, int total) {
        ++calls;
        inRange = inRange && total > 0 && done >= 0 && done <= total;
        return true;
    });
    EXPECT_TRUE(inRange);
    expectSameMaps(reported.maps, maps());

    // A model that reports progress stops when told to; one that never reports runs through.
    int refusals = 0;
    const auto refuse = [&](int, int) {
        ++refusals;
        return false;
    };
    if (calls > 0) {
        EXPECT_THROW(c.model->run(c.config, {}, refuse), Cancelled);
        EXPECT_EQ(refusals, 1) << "the run goes on after it was told to stop";
    } else {
        EXPECT_NO_THROW(c.model->run(c.config, {}, refuse));
        EXPECT_EQ(refusals, 0);
    }
}

// One bad value of one setting and the schema key its error must carry.
struct BadSetting {
    std::string key;
    std::function<void(Config&)> change;
};

std::vector<BadSetting> badSettings() {
    return {
        {"heads", [](Config& c) { c.heads = 0; }},
        {"heads", [](Config& c) { c.heads = limits::kMaxHeads + 1; }},
        {"temperature", [](Config& c) { c.temperature = 0; }},
        {"temperature", [](Config& c) { c.temperature = std::numeric_limits<float>::quiet_NaN(); }},
        {"d_k", [](Config& c) { c.dK = -1; }},
        {"max_tokens", [](Config& c) { c.tokenizer.maxTokens = 0; }},
        {"mask",
         [](Config& c) {
             c.mask = parseMask("padding:9");
             c.tokenizer.maxTokens = 8;
         }},
        {"mask",
         [](Config& c) {
             c.mask = parseMask("causal");
             if (c.source.empty())
                 c.source = "a b";
         }},
    };
}

TEST_P(ModelConformance, BadSettingsAreInputErrorsNamingTheSetting) {
    const ConformanceCase& c = GetParam();
    const bool readsSettings = c.model->capabilities(c.config).attentionSettings;
    for (const BadSetting& bad : badSettings()) {
        Config config = c.config;
        bad.change(config);
        SCOPED_TRACE("bad " + bad.key);
        if (!readsSettings) {
            // Settings that do not apply to the model are not its errors.
            ModelOutput ignored;
            ASSERT_NO_THROW(ignored = c.model->run(config));
            expectSameMaps(ignored.maps, maps());
            continue;
        }
        try {
            c.model->run(config);
            ADD_FAILURE() << "accepted";
        } catch (const InputError& error) {
            EXPECT_EQ(error.setting(), bad.key) << error.what();
            EXPECT_NE(findSetting(error.setting()), nullptr) << error.setting();
            EXPECT_FALSE(std::string(error.what()).empty());
            EXPECT_EQ(error.message().english(), error.what());
        } catch (const std::exception& error) {
            ADD_FAILURE() << "not an InputError: " << error.what();
        }
    }
}

TEST_P(ModelConformance, JsonExportReadsBack) {
    std::ostringstream text;
    writeJson(output(), text);
    const json::Value root = json::parse(text.str());
    const AttentionMaps& m = maps();
    EXPECT_EQ(json::stringArrayAt(json::require(root, "query_tokens", ""), "query_tokens"),
              tokenTextsOf(m.queryTokens));
    EXPECT_EQ(json::stringArrayAt(json::require(root, "key_tokens", ""), "key_tokens"),
              tokenTextsOf(m.keyTokens));
    const json::Value& heads = json::require(root, "heads", "");
    ASSERT_TRUE(heads.is_array());
    ASSERT_EQ(heads.size(), m.weights.size());
    for (int layer = 0; layer < m.layers; ++layer)
        for (int head = 0; head < m.heads; ++head) {
            SCOPED_TRACE("layer " + std::to_string(layer) + ", head " + std::to_string(head));
            const std::size_t map = m.index(layer, head);
            const json::Value& entry = heads[map];
            if (m.layers > 1) {
                EXPECT_EQ(json::integerAt(json::require(entry, "layer", "head"), "layer"), layer);
                EXPECT_EQ(json::integerAt(json::require(entry, "head", "head"), "head"), head);
            }
            // Nine significant digits read back to the same floats.
            EXPECT_EIGEN_NEAR(json::matrixAt(json::require(entry, "weights", "head"), "weights"),
                              m.weights[map], 0.0);
            EXPECT_EIGEN_NEAR(json::vectorAt(json::require(entry, "entropy", "head"), "entropy"),
                              m.entropy[map], 0.0);
            const json::Value& argmax = json::require(entry, "argmax", "head");
            ASSERT_EQ(argmax.size(), m.argmax[map].size());
            for (std::size_t i = 0; i < argmax.size(); ++i)
                EXPECT_EQ(json::integerAt(argmax[i], "argmax"), m.argmax[map][i]);
            EXPECT_EQ(json::member(entry, "scores") != nullptr, output().trace.has_value());
        }
    for (const char* key : {"mean_weights", "max_weights"}) {
        const std::vector<Matrix>& expected = std::string(key) == "mean_weights" ? m.mean : m.max;
        const json::Value& value = json::require(root, key, "");
        if (m.layers == 1) {
            EXPECT_EIGEN_NEAR(json::matrixAt(value, key), expected.front(), 0.0) << key;
        } else {
            ASSERT_EQ(value.size(), static_cast<std::size_t>(m.layers)) << key;
            for (int layer = 0; layer < m.layers; ++layer)
                EXPECT_EIGEN_NEAR(json::matrixAt(value[static_cast<std::size_t>(layer)], key),
                                  expected[static_cast<std::size_t>(layer)], 0.0)
                    << key << " of layer " << layer;
        }
    }
    EXPECT_EQ(json::member(root, "w_o") != nullptr, output().trace.has_value());
    std::vector<int> fullyMasked;
    for (const json::Value& row : json::require(root, "fully_masked_rows", ""))
        fullyMasked.push_back(json::integerAt(row, "fully_masked_rows"));
    EXPECT_EQ(fullyMasked, m.fullyMaskedRows);
    const std::vector<std::string> warnings =
        json::stringArrayAt(json::require(root, "warnings", ""), "warnings");
    ASSERT_EQ(warnings.size(), m.warnings.size());
    for (std::size_t i = 0; i < warnings.size(); ++i)
        EXPECT_EQ(warnings[i], m.warnings[i].english());
}

TEST_P(ModelConformance, CsvExportReadsBack) {
    std::ostringstream text;
    writeCsv(output(), text);
    const std::string bom = "\xEF\xBB\xBF";
    ASSERT_EQ(text.str().substr(0, 3), bom);
    const AttentionMaps& m = maps();
    // A layer column first when there are several layers; layers and heads counted from 1.
    const std::size_t first = m.layers > 1 ? 1 : 0;
    std::size_t map = 0;
    std::size_t cells = 0;
    for (const std::vector<std::string>& record : csvRecords(text.str().substr(3))) {
        if (record.empty()) { // a blank line between two maps
            ++map;
            continue;
        }
        ASSERT_EQ(record.size(), 6u + first);
        if (record[first] == "head")
            continue;
        ASSERT_LT(map, m.weights.size());
        const auto heads = static_cast<std::size_t>(m.heads);
        if (first == 1) {
            EXPECT_EQ(record[0], std::to_string(map / heads + 1));
        }
        EXPECT_EQ(record[first], std::to_string(map % heads + 1));
        const int i = std::stoi(record[first + 1]);
        const int j = std::stoi(record[first + 3]);
        ASSERT_TRUE(i >= 0 && i < m.queries() && j >= 0 && j < m.keys());
        EXPECT_EQ(record[first + 2], m.queryTokens[static_cast<std::size_t>(i)].text);
        EXPECT_EQ(record[first + 4], m.keyTokens[static_cast<std::size_t>(j)].text);
        EXPECT_EQ(floatOf(record[first + 5]), m.weights[map](i, j)) << record[first + 5];
        ++cells;
    }
    EXPECT_EQ(map + 1, m.weights.size());
    EXPECT_EQ(cells, m.weights.size() * static_cast<std::size_t>(m.queries() * m.keys()));
}

TEST_P(ModelConformance, NpyExportReadsBack) {
    std::ostringstream bytes(std::ios::out | std::ios::binary);
    writeNpy(output(), bytes);
    const NpyArray array = parseNpy(bytes.str(), "export.npy");
    const AttentionMaps& m = maps();
    std::vector<std::int64_t> shape = {m.heads, m.queries(), m.keys()};
    if (m.layers > 1)
        shape.insert(shape.begin(), m.layers);
    EXPECT_EQ(array.shape, shape);
    // What Import Attention reads back is these maps.
    std::vector<float> expected;
    for (const Matrix& weights : m.weights)
        expected.insert(expected.end(), weights.data(), weights.data() + weights.size());
    EXPECT_EQ(array.data, expected);
    const AttentionMaps again = importedMaps(
        importAttention(array, tokenTextsOf(m.queryTokens), tokenTextsOf(m.keyTokens)));
    ASSERT_EQ(again.weights.size(), m.weights.size());
    for (std::size_t map = 0; map < m.weights.size(); ++map)
        EXPECT_EIGEN_NEAR(again.weights[map], m.weights[map], 0.0);
}

INSTANTIATE_TEST_SUITE_P(Builtin, ModelConformance, ::testing::ValuesIn(builtinCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Imported, ModelConformance, ::testing::ValuesIn(importedCases()),
                         caseName);

} // namespace

} // namespace test_model_conformance
