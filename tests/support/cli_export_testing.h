#pragma once
// What the end-to-end tests of the attention-lab binary share (test_cli, test_cli_errors,
// test_cli_images): a fixture that runs the binary with a folder for its exports, and the JSON
// export read back with QJsonDocument, every number of which is recomputed from the file's own
// inputs and matrices with plain per-cell loops in double precision (attention-math.md), without
// the core library.

#include "test_support.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

/// Two matrices of the export equal within the tolerance below; −∞ must meet −∞.
#define EXPECT_MATRIX_NEAR(a, b) EXPECT_PRED_FORMAT2(::attnlab::testing::cli::matricesNear, a, b)

namespace attnlab::testing::cli {

using attnlab::testing::describe;
using attnlab::testing::readFile;
using attnlab::testing::TempDir;
using attnlab::testing::writeFile;

/// A matrix as rows of cells, read from the export.
using Mat = std::vector<std::vector<double>>;
/// What a run of the binary did.
using ProcessRun = attnlab::testing::ProcessResult;

/// Relative tolerance of EXPECT_MATRIX_NEAR.
inline constexpr double kTolerance = 2e-4;
inline constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ---- running the binary --------------------------------------------------------------------

/// How to run the binary beyond its arguments.
struct RunSettings {
    std::optional<rlim_t> fileSizeLimit; ///< RLIMIT_FSIZE in bytes: makes writing fail part-way
    bool withoutDisplay = false; ///< no DISPLAY and the xcb platform: any Qt GUI start would fail
};

/// Runs the attention-lab binary with `args` and returns its exit code, stdout and stderr.
inline ProcessRun runBinary(const std::vector<std::string>& args,
                            const RunSettings& settings = {}) {
    std::vector<std::string> command{ATTNLAB_BINARY};
    command.insert(command.end(), args.begin(), args.end());
    EnvironmentChanges env;
    if (settings.withoutDisplay)
        env = {{"DISPLAY", std::nullopt},
               {"WAYLAND_DISPLAY", std::nullopt},
               {"QT_QPA_PLATFORM", std::string("xcb")}};
    RunExtras extras;
    if (settings.fileSizeLimit) {
        const rlim_t bytes = *settings.fileSizeLimit;
        extras.inChild = [bytes] {
            // An ignored SIGXFSZ stays ignored across exec, so write() fails with EFBIG instead of
            // killing the process.
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{bytes, bytes};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        };
    }
    return runProgram(command, env, std::chrono::seconds(60), extras);
}

// ---- reading the JSON export --------------------------------------------------------------------

inline QJsonObject parseJsonFile(const std::string& path) {
    const std::string text = readFile(path);
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray(text.data(), static_cast<qsizetype>(text.size())), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        ADD_FAILURE() << path << " is not a JSON object: " << error.errorString().toStdString();
        return {};
    }
    return document.object();
}

// A number of the file: anything else (a missing member, null, a string) fails the test instead
// of reading as 0.
inline double numberOf(const QJsonValue& value, const char* what) {
    EXPECT_TRUE(value.isDouble()) << what << " is not a number";
    return value.isDouble() ? value.toDouble() : std::nan("");
}

// An array of rows; null (a masked logit) reads as −∞.
inline Mat matrixOf(const QJsonValue& value) {
    Mat m;
    for (const QJsonValue& row : value.toArray()) {
        std::vector<double> cells;
        for (const QJsonValue& cell : row.toArray())
            cells.push_back(cell.isNull() ? kNegInf : numberOf(cell, "a cell"));
        m.push_back(std::move(cells));
    }
    return m;
}

inline std::vector<double> vectorOf(const QJsonValue& value) {
    std::vector<double> v;
    for (const QJsonValue& cell : value.toArray())
        v.push_back(numberOf(cell, "an entry"));
    return v;
}

inline std::vector<int> indicesOf(const QJsonValue& value) {
    std::vector<int> v;
    for (const QJsonValue& cell : value.toArray())
        v.push_back(cell.toInt());
    return v;
}

inline std::vector<std::string> stringsOf(const QJsonValue& value) {
    std::vector<std::string> v;
    for (const QJsonValue& cell : value.toArray())
        v.push_back(cell.toString().toStdString());
    return v;
}

inline std::string stringOf(const QJsonObject& object, const char* key) {
    return object.value(key).toString().toStdString();
}

inline std::size_t rows(const Mat& m) {
    return m.size();
}
inline std::size_t cols(const Mat& m) {
    return m.empty() ? 0 : m.front().size();
}

inline Mat multiply(const Mat& a, const Mat& b) {
    Mat c(rows(a), std::vector<double>(cols(b), 0.0));
    for (std::size_t i = 0; i < rows(a); ++i)
        for (std::size_t j = 0; j < cols(b); ++j)
            for (std::size_t k = 0; k < cols(a); ++k)
                c[i][j] += a[i][k] * b[k][j];
    return c;
}

// Compares two matrices with a relative tolerance; −∞ must meet −∞. Prints both on failure.
inline ::testing::AssertionResult matricesNear(const char* aExpr, const char* bExpr, const Mat& a,
                                               const Mat& b) {
    auto print = [](const Mat& m) {
        std::ostringstream out;
        for (const auto& row : m) {
            for (double x : row)
                out << x << ' ';
            out << '\n';
        }
        return out.str();
    };
    if (rows(a) != rows(b) || cols(a) != cols(b))
        return ::testing::AssertionFailure()
               << aExpr << " is " << rows(a) << "×" << cols(a) << " but " << bExpr << " is "
               << rows(b) << "×" << cols(b);
    for (std::size_t i = 0; i < rows(a); ++i) {
        if (a[i].size() != b[i].size())
            return ::testing::AssertionFailure() << "row " << i << " lengths differ";
        for (std::size_t j = 0; j < a[i].size(); ++j) {
            const double x = a[i][j], y = b[i][j];
            if (std::isinf(x) || std::isinf(y)) {
                if (x == y)
                    continue;
            } else if (std::abs(x - y) <= kTolerance * std::max({1.0, std::abs(x), std::abs(y)})) {
                continue;
            }
            return ::testing::AssertionFailure() << aExpr << " and " << bExpr << " differ at (" << i
                                                 << ", " << j << "): " << x << " vs " << y << "\n"
                                                 << aExpr << " =\n"
                                                 << print(a) << bExpr << " =\n"
                                                 << print(b);
        }
    }
    return ::testing::AssertionSuccess();
}

// ---- the independent recomputation (attention-math.md) ------------------------------------------

// Which keys query i may see, from the exported mask name and key tokens.
inline bool visible(const std::string& mask, const std::vector<std::string>& keyTokens,
                    std::size_t i, std::size_t j) {
    if (mask == "none")
        return true;
    if (mask == "causal")
        return j <= i;
    if (mask.rfind("window:", 0) == 0) {
        const long w = std::stol(mask.substr(7));
        return std::labs(static_cast<long>(i) - static_cast<long>(j)) <= w;
    }
    if (mask.rfind("padding:", 0) == 0)
        return keyTokens[j] != "[PAD]";
    ADD_FAILURE() << "unexpected mask " << mask;
    return true;
}

inline double scoreOf(const std::string& scoring, const QJsonObject& params,
                      const std::vector<double>& q, const std::vector<double>& k) {
    const std::size_t dk = q.size();
    double dot = 0.0;
    for (std::size_t c = 0; c < dk; ++c)
        dot += q[c] * k[c];
    if (scoring == "dot")
        return dot;
    if (scoring == "scaled-dot")
        return dot / std::sqrt(static_cast<double>(dk));
    if (scoring == "general") {
        const Mat wa = matrixOf(params.value("w_a"));
        double s = 0.0;
        for (std::size_t a = 0; a < dk; ++a)
            for (std::size_t b = 0; b < dk; ++b)
                s += q[a] * wa[a][b] * k[b];
        return s;
    }
    if (scoring == "additive") {
        const Mat w1 = matrixOf(params.value("w_1"));
        const Mat w2 = matrixOf(params.value("w_2"));
        const std::vector<double> v = vectorOf(params.value("v"));
        double s = 0.0;
        for (std::size_t r = 0; r < v.size(); ++r) {
            double hidden = 0.0;
            for (std::size_t c = 0; c < dk; ++c)
                hidden += w1[r][c] * q[c] + w2[r][c] * k[c];
            s += v[r] * std::tanh(hidden);
        }
        return s;
    }
    if (scoring == "cosine") {
        double nq = 0.0, nk = 0.0;
        for (std::size_t c = 0; c < dk; ++c) {
            nq += q[c] * q[c];
            nk += k[c] * k[c];
        }
        if (nq == 0.0 || nk == 0.0)
            return 0.0;
        return numberOf(params.value("scale"), "the cosine scale") * dot / std::sqrt(nq * nk);
    }
    ADD_FAILURE() << "unexpected scoring " << scoring;
    return 0.0;
}

// Recomputes scores, logits, weights, context, entropy, argmax, the combined weights and the
// output from the file's inputs and parameters, and compares them with the file's own numbers.
// Softmax only; positional encodings that change X are already in `inputs`.
inline void expectExportRecomputes(const QJsonObject& root) {
    const QJsonObject config = root.value("config").toObject();
    const std::string scoring = stringOf(config, "scoring");
    const std::string mask = stringOf(config, "mask");
    const double temperature = numberOf(config.value("temperature"), "config.temperature");
    const int headCount = config.value("heads").toInt();
    const int dModel = config.value("d_model").toInt();
    const int dK = config.value("d_k").toInt();
    ASSERT_EQ(stringOf(config, "normalizer"), "softmax");
    ASSERT_TRUE(stringOf(config, "positional") == "none" ||
                stringOf(config, "positional") == "sinusoidal");

    const std::vector<std::string> queryTokens = stringsOf(root.value("query_tokens"));
    const std::vector<std::string> keyTokens = stringsOf(root.value("key_tokens"));
    const QJsonObject inputs = root.value("inputs").toObject();
    const Mat xq = matrixOf(inputs.value("query_embeddings"));
    const Mat xk = matrixOf(inputs.value("key_embeddings"));
    const std::size_t nq = queryTokens.size(), nk = keyTokens.size();
    ASSERT_EQ(rows(xq), nq);
    ASSERT_EQ(rows(xk), nk);
    ASSERT_EQ(cols(xq), static_cast<std::size_t>(dModel));
    ASSERT_EQ(cols(xk), static_cast<std::size_t>(dModel));

    const QJsonArray heads = root.value("heads").toArray();
    ASSERT_EQ(heads.size(), headCount);
    Mat concatenated(nq);
    Mat meanWeights(nq, std::vector<double>(nk, 0.0));
    std::vector<int> fullyMasked;
    for (std::size_t i = 0; i < nq; ++i) {
        bool any = false;
        for (std::size_t j = 0; j < nk; ++j)
            any = any || visible(mask, keyTokens, i, j);
        if (!any)
            fullyMasked.push_back(static_cast<int>(i));
    }

    for (int h = 0; h < headCount; ++h) {
        SCOPED_TRACE("head " + std::to_string(h));
        const QJsonObject head = heads.at(h).toObject();
        const Mat wq = matrixOf(head.value("w_q"));
        const Mat wk = matrixOf(head.value("w_k"));
        const Mat wv = matrixOf(head.value("w_v"));
        ASSERT_EQ(rows(wq), static_cast<std::size_t>(dModel));
        ASSERT_EQ(cols(wq), static_cast<std::size_t>(dK));
        const Mat q = multiply(xq, wq), k = multiply(xk, wk), v = multiply(xk, wv);
        EXPECT_MATRIX_NEAR(q, matrixOf(head.value("q")));
        EXPECT_MATRIX_NEAR(k, matrixOf(head.value("k")));
        EXPECT_MATRIX_NEAR(v, matrixOf(head.value("v")));

        const QJsonObject params = head.value("scoring_params").toObject();
        Mat scores(nq, std::vector<double>(nk)), logits = scores, weights = scores;
        for (std::size_t i = 0; i < nq; ++i) {
            double largest = kNegInf;
            for (std::size_t j = 0; j < nk; ++j) {
                scores[i][j] = scoreOf(scoring, params, q[i], k[j]);
                logits[i][j] =
                    visible(mask, keyTokens, i, j) ? scores[i][j] / temperature : kNegInf;
                largest = std::max(largest, logits[i][j]);
            }
            double sum = 0.0;
            for (std::size_t j = 0; j < nk; ++j) {
                weights[i][j] = std::isinf(logits[i][j]) ? 0.0 : std::exp(logits[i][j] - largest);
                sum += weights[i][j];
            }
            for (std::size_t j = 0; j < nk; ++j)
                weights[i][j] = sum > 0.0 ? weights[i][j] / sum : 0.0;
        }
        EXPECT_MATRIX_NEAR(scores, matrixOf(head.value("scores")));
        EXPECT_MATRIX_NEAR(logits, matrixOf(head.value("logits")));
        const Mat exported = matrixOf(head.value("weights"));
        EXPECT_MATRIX_NEAR(weights, exported);

        // Rows sum to 1 except fully masked rows, which are all zero; masked cells are exactly 0.
        for (std::size_t i = 0; i < rows(exported); ++i) {
            double sum = 0.0;
            for (std::size_t j = 0; j < nk; ++j) {
                sum += exported[i][j];
                if (!visible(mask, keyTokens, i, j)) {
                    EXPECT_EQ(exported[i][j], 0.0) << "masked cell " << i << "," << j;
                }
            }
            const bool empty = std::find(fullyMasked.begin(), fullyMasked.end(),
                                         static_cast<int>(i)) != fullyMasked.end();
            EXPECT_NEAR(sum, empty ? 0.0 : 1.0, 1e-5) << "row " << i;
        }

        const Mat context = multiply(exported, v);
        EXPECT_MATRIX_NEAR(context, matrixOf(head.value("context")));
        for (std::size_t i = 0; i < nq; ++i)
            concatenated[i].insert(concatenated[i].end(), context[i].begin(), context[i].end());

        const std::vector<double> entropy = vectorOf(head.value("entropy"));
        const std::vector<int> argmax = indicesOf(head.value("argmax"));
        ASSERT_EQ(entropy.size(), nq);
        ASSERT_EQ(argmax.size(), nq);
        for (std::size_t i = 0; i < nq; ++i) {
            double expected = 0.0;
            for (double a : exported[i])
                expected -= a > 0.0 ? a * std::log(a) : 0.0;
            EXPECT_NEAR(entropy[i], expected, 1e-4) << "row " << i;
            const bool empty = std::find(fullyMasked.begin(), fullyMasked.end(),
                                         static_cast<int>(i)) != fullyMasked.end();
            if (empty) {
                EXPECT_EQ(argmax[i], -1);
            } else {
                ASSERT_GE(argmax[i], 0);
                ASSERT_LT(static_cast<std::size_t>(argmax[i]), nk);
                EXPECT_EQ(exported[i][static_cast<std::size_t>(argmax[i])],
                          *std::max_element(exported[i].begin(), exported[i].end()));
            }
        }
        for (std::size_t i = 0; i < nq; ++i)
            for (std::size_t j = 0; j < nk; ++j)
                meanWeights[i][j] += exported[i][j] / headCount;
    }

    EXPECT_MATRIX_NEAR(meanWeights, matrixOf(root.value("mean_weights")));
    const Mat wo = matrixOf(root.value("w_o"));
    ASSERT_EQ(rows(wo), static_cast<std::size_t>(headCount * dK));
    ASSERT_EQ(cols(wo), static_cast<std::size_t>(dModel));
    EXPECT_MATRIX_NEAR(multiply(concatenated, wo), matrixOf(root.value("output")));
    EXPECT_EQ(indicesOf(root.value("fully_masked_rows")), fullyMasked);
}

/// Each test gets a folder for its exports, m_dir, and runs the binary with run().
class CommandLine : public ::testing::Test {
protected:
    ProcessRun run(const std::vector<std::string>& args, const RunSettings& settings = {}) {
        return runBinary(args, settings);
    }
    TempDir m_dir{"attnlab-cli-e2e"}; ///< where exports go
};

} // namespace attnlab::testing::cli
