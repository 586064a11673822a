// The kinds of attention and the sparse masks on the command line, end to end against the
// attention-lab binary: --attention tiled exports the weights of dense attention, --attention
// linear exports the implicit weights φ(q)·φ(k) / Σ_j φ(q)·φ(k_j), recomputed here in double
// from the file's own q and k; the config records the kind; bad values are refused with the
// option's name.

#include "support/cli_export_testing.h"
#include "test_support.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_kinds {

namespace {

using attnlab::testing::describe;
using attnlab::testing::ProcessResult;
using attnlab::testing::readFile;
using attnlab::testing::TempDirTest;
using Mat = std::vector<std::vector<double>>;

const char* const kSentence = "the quick brown fox jumps over the lazy dog again";

ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), ATTNLAB_BINARY);
    return attnlab::testing::runProgram(args);
}

QJsonObject readJson(const std::string& path) {
    const std::string text = readFile(path);
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    EXPECT_TRUE(document.isObject()) << path;
    return document.object();
}

Mat matrixOf(const QJsonValue& value) {
    Mat m;
    for (const QJsonValue& row : value.toArray()) {
        std::vector<double> cells;
        for (const QJsonValue& cell : row.toArray()) {
            // A weight is always a number: a null (NaN or ∞ in the program) is a failure, not 0.
            cells.push_back(attnlab::testing::cli::numberOf(cell, "a weight"));
        }
        m.push_back(std::move(cells));
    }
    return m;
}

double largestDifference(const Mat& a, const Mat& b) {
    if (a.size() != b.size())
        return INFINITY;
    double largest = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].size() != b[i].size())
            return INFINITY;
        for (std::size_t j = 0; j < a[i].size(); ++j)
            largest = std::max(largest, std::abs(a[i][j] - b[i][j]));
    }
    return largest;
}

std::vector<double> phi(const std::string& map, const std::vector<double>& x) {
    std::vector<double> out;
    if (map == "elu")
        for (double value : x)
            out.push_back(value > 0 ? value + 1 : std::exp(value));
    else if (map == "relu")
        for (double value : x)
            out.push_back(std::max(0.0, value));
    else { // softmax over the features
        const double top = *std::max_element(x.begin(), x.end());
        double sum = 0;
        for (double value : x)
            sum += std::exp(value - top);
        for (double value : x)
            out.push_back(std::exp(value - top) / sum);
    }
    return out;
}

// A_ij = φ(q_i)·φ(k_j) / Σ_j φ(q_i)·φ(k_j), over j ≤ i when causal.
Mat implicitWeights(const std::string& map, const Mat& q, const Mat& k, bool causal) {
    Mat a(q.size(), std::vector<double>(k.size(), 0.0));
    for (std::size_t i = 0; i < q.size(); ++i) {
        const std::vector<double> fq = phi(map, q[i]);
        double total = 0;
        for (std::size_t j = 0; j < k.size() && (!causal || j <= i); ++j) {
            const std::vector<double> fk = phi(map, k[j]);
            for (std::size_t c = 0; c < fq.size(); ++c)
                a[i][j] += fq[c] * fk[c];
            total += a[i][j];
        }
        for (double& cell : a[i])
            cell = total > 0 ? cell / total : 0;
    }
    return a;
}

class CliKinds : public TempDirTest {};

TEST_F(CliKinds, TiledExportsTheWeightsOfDenseAttention) {
    for (const char* mask : {"none", "causal", "longformer:1:1", "dilated:1:2", "block:3"}) {
        SCOPED_TRACE(mask);
        const std::string dense = m_dir.file("dense.json"), tiled = m_dir.file("tiled.json");
        const std::vector<std::string> common = {"--sentence",   kSentence, "--heads", "3",
                                                 "--d-model",    "24",      "--mask",  mask,
                                                 "--projection", "random",  "--seed",  "11"};
        std::vector<std::string> a = common, b = common;
        a.insert(a.end(), {"--export-data", dense});
        b.insert(b.end(), {"--attention", "tiled", "--export-data", tiled});
        const ProcessResult first = run(a);
        ASSERT_EQ(first.exitCode, 0) << describe(first);
        const ProcessResult second = run(b);
        ASSERT_EQ(second.exitCode, 0) << describe(second);
        const QJsonObject x = readJson(dense), y = readJson(tiled);
        EXPECT_EQ(x.value("config").toObject().value("attention").toString(), "dense");
        EXPECT_EQ(y.value("config").toObject().value("attention").toString(), "tiled");
        EXPECT_EQ(y.value("config").toObject().value("mask").toString(), mask);
        const QJsonArray headsX = x.value("heads").toArray(), headsY = y.value("heads").toArray();
        ASSERT_EQ(headsX.size(), 3);
        ASSERT_EQ(headsY.size(), 3);
        for (int h = 0; h < 3; ++h)
            EXPECT_LE(largestDifference(matrixOf(headsX[h].toObject().value("weights")),
                                        matrixOf(headsY[h].toObject().value("weights"))),
                      1e-5)
                << "head " << h;
        EXPECT_LE(
            largestDifference(matrixOf(x.value("mean_weights")), matrixOf(y.value("mean_weights"))),
            1e-5);
        EXPECT_LE(largestDifference(matrixOf(x.value("output")), matrixOf(y.value("output"))),
                  1e-4);
    }
}

TEST_F(CliKinds, LinearExportsTheImplicitWeightsOfItsFeatureMap) {
    for (const char* map : {"elu", "relu", "softmax"}) {
        for (bool causal : {false, true}) {
            SCOPED_TRACE(std::string(map) + (causal ? ", causal" : ""));
            const std::string path = m_dir.file("linear.json");
            const ProcessResult result =
                run({"--sentence", kSentence, "--heads", "2", "--d-model", "16", "--projection",
                     "random", "--attention", "linear", "--feature-map", map, "--mask",
                     causal ? "causal" : "none", "--export-data", path});
            ASSERT_EQ(result.exitCode, 0) << describe(result);
            const QJsonObject json = readJson(path);
            const QJsonObject config = json.value("config").toObject();
            EXPECT_EQ(config.value("attention").toString(), "linear");
            EXPECT_EQ(config.value("feature_map").toString(), map);
            const QJsonArray heads = json.value("heads").toArray();
            ASSERT_EQ(heads.size(), 2);
            for (int h = 0; h < 2; ++h) {
                const QJsonObject head = heads[h].toObject();
                EXPECT_FALSE(head.contains("scores")) << "linear attention forms no scores";
                const Mat q = matrixOf(head.value("q")), k = matrixOf(head.value("k"));
                ASSERT_EQ(q.size(), 10u);
                const Mat expected = implicitWeights(map, q, k, causal);
                EXPECT_LE(largestDifference(matrixOf(head.value("weights")), expected), 1e-5)
                    << "head " << h;
            }
        }
    }
}

TEST_F(CliKinds, FavorRecordsItsFeaturesAndItsRowsSumToOne) {
    const std::string path = m_dir.file("favor.json");
    const ProcessResult result =
        run({"--sentence", kSentence, "--attention", "linear", "--feature-map", "favor",
             "--features", "32", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject json = readJson(path);
    EXPECT_EQ(json.value("config").toObject().value("features").toInt(), 32);
    for (const QJsonValue& head : json.value("heads").toArray())
        for (const std::vector<double>& row : matrixOf(head.toObject().value("weights"))) {
            double sum = 0;
            for (double cell : row) {
                EXPECT_GE(cell, 0.0);
                sum += cell;
            }
            EXPECT_NEAR(sum, 1.0, 1e-5);
        }
}

TEST_F(CliKinds, NpyOfLinearAttentionHoldsTheSameWeights) {
    const std::string json = m_dir.file("w.json"), npy = m_dir.file("w.npy");
    const std::vector<std::string> common = {"--sentence", kSentence, "--attention",
                                             "linear",     "--heads", "2"};
    std::vector<std::string> a = common, b = common;
    a.insert(a.end(), {"--export-data", json});
    b.insert(b.end(), {"--export-data", npy});
    ASSERT_EQ(run(a).exitCode, 0);
    ASSERT_EQ(run(b).exitCode, 0);
    const std::string bytes = readFile(npy);
    ASSERT_GT(bytes.size(), 10u);
    const std::size_t headerLength =
        static_cast<unsigned char>(bytes[8]) + 256u * static_cast<unsigned char>(bytes[9]);
    const std::size_t data = 10 + headerLength;
    EXPECT_NE(bytes.find("'shape': (2, 10, 10)"), std::string::npos);
    ASSERT_EQ(bytes.size(), data + 2 * 10 * 10 * 4);
    const QJsonArray heads = readJson(json).value("heads").toArray();
    for (int h = 0; h < 2; ++h) {
        const Mat weights = matrixOf(heads[h].toObject().value("weights"));
        for (int i = 0; i < 10; ++i)
            for (int j = 0; j < 10; ++j) {
                float cell = 0;
                std::memcpy(&cell, bytes.data() + data + 4 * ((h * 10 + i) * 10 + j), 4);
                EXPECT_NEAR(cell, weights[std::size_t(i)][std::size_t(j)], 1e-7);
            }
    }
}

TEST_F(CliKinds, BadValuesNameTheOptionAndTheChoices) {
    const std::string out = m_dir.file("out.json");
    struct Case {
        std::vector<std::string> args;
        int exitCode;
        std::vector<std::string> says;
    };
    const std::vector<Case> cases = {
        {{"--attention", "sparse"}, 2, {"--attention", "dense, tiled or linear"}},
        {{"--attention", "linaer"}, 2, {"--attention", "did you mean 'linear'"}},
        {{"--feature-map", "gelu"}, 2, {"--feature-map", "softmax, elu, relu or favor"}},
        {{"--features", "many"}, 2, {"--features", "not a whole number"}},
        {{"--mask", "dilated:2"}, 2, {"--mask", "dilated:W:D"}},
        {{"--mask", "bigbird:1:1"}, 2, {"--mask", "bigbird:W:G:R"}},
        // Values of the right type out of range, and choices that contradict each other, are
        // input errors (exit 1), as for every other setting.
        {{"--attention", "linear", "--feature-map", "favor", "--features", "0"},
         1,
         {"random features", "1", "16384"}},
        {{"--attention", "tiled", "--normalizer", "sparsemax"}, 1, {"tiled", "softmax"}},
        {{"--attention", "linear", "--mask", "window:2"}, 1, {"linear", "causal"}},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--export-data", out});
        const ProcessResult result = run(args);
        SCOPED_TRACE(describe(result));
        EXPECT_EQ(result.exitCode, c.exitCode);
        for (const std::string& text : c.says)
            EXPECT_NE(result.err.find(text), std::string::npos) << "missing: " << text;
        EXPECT_FALSE(std::filesystem::exists(out));
    }
}

TEST_F(CliKinds, HelpListsTheKindsTheFeatureMapsAndEveryMask) {
    const ProcessResult help = run({"--help"});
    ASSERT_EQ(help.exitCode, 0);
    for (const char* text : {"--attention KIND", "--feature-map NAME", "--features M",
                             "dense, tiled, linear", "softmax, elu, relu, favor", "dilated:W:D",
                             "strided:S", "longformer:W:G", "bigbird:W:G:R", "block:B"})
        EXPECT_NE(help.out.find(text), std::string::npos) << text;
}

TEST_F(CliKinds, SparseMasksRunWithTheDenseKind) {
    const std::string path = m_dir.file("sparse.json");
    const ProcessResult result =
        run({"--sentence", kSentence, "--mask", "strided:3", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const Mat weights =
        matrixOf(readJson(path).value("heads").toArray()[0].toObject().value("weights"));
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j) {
            const bool visible = std::abs(i - j) < 3 || (i - j) % 3 == 0;
            if (!visible)
                EXPECT_EQ(weights[std::size_t(i)][std::size_t(j)], 0.0) << i << ", " << j;
            else
                EXPECT_GT(weights[std::size_t(i)][std::size_t(j)], 0.0) << i << ", " << j;
        }
}

} // namespace

} // namespace test_cli_kinds
