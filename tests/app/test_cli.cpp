// End-to-end tests of the attention-lab binary on the command line: exit codes, stdout/stderr,
// and the JSON export read back with QJsonDocument, every number of which is recomputed here
// from the file's own inputs and matrices with plain per-cell loops in double precision
// (attention-math.md), without the core library.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Mat = std::vector<std::vector<double>>;
constexpr double kTolerance = 2e-4;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ---- files and processes ------------------------------------------------------------------------

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "attnlab-cli-e2e-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (m_path / name).string(); }
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(m_path))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    fs::path m_path;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

struct ProcessRun {
    int exitCode = -1;
    std::string out, err;
};

struct RunSettings {
    std::optional<rlim_t> fileSizeLimit; ///< RLIMIT_FSIZE in bytes: makes writing fail part-way
    bool withoutDisplay = false; ///< no DISPLAY and the xcb platform: any Qt GUI start would fail
};

// Runs the binary with `args`, capturing stdout and stderr through files in `capture`.
ProcessRun runProgram(const TempDir& capture, const std::vector<std::string>& args,
                      const RunSettings& settings = {}) {
    const std::string outPath = capture.file("stdout"), errPath = capture.file("stderr");
    std::vector<std::string> argvStrings{ATTNLAB_BINARY};
    argvStrings.insert(argvStrings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argvStrings)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    const pid_t child = ::fork();
    if (child == 0) {
        const int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
            ::_exit(126);
        if (settings.fileSizeLimit) {
            // The limit also caps stdout/stderr files; they are tiny. An ignored SIGXFSZ stays
            // ignored across exec, so write() fails with EFBIG instead of killing the process.
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{*settings.fileSizeLimit, *settings.fileSizeLimit};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        if (settings.withoutDisplay) {
            ::unsetenv("DISPLAY");
            ::unsetenv("WAYLAND_DISPLAY");
            ::setenv("QT_QPA_PLATFORM", "xcb", 1);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ProcessRun run;
    int status = 0;
    ::waitpid(child, &status, 0);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.out = readFile(outPath);
    run.err = readFile(errPath);
    return run;
}

std::string describe(const ProcessRun& run) {
    return "exit " + std::to_string(run.exitCode) + "\nstdout: " + run.out + "\nstderr: " + run.err;
}

// ---- reading the JSON export
// ----------------------------------------------------------------------

QJsonObject parseJsonFile(const std::string& path) {
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

// An array of rows; null (a masked logit) reads as −∞.
Mat matrixOf(const QJsonValue& value) {
    Mat m;
    for (const QJsonValue& row : value.toArray()) {
        std::vector<double> cells;
        for (const QJsonValue& cell : row.toArray())
            cells.push_back(cell.isNull() ? kNegInf : cell.toDouble());
        m.push_back(std::move(cells));
    }
    return m;
}

std::vector<double> vectorOf(const QJsonValue& value) {
    std::vector<double> v;
    for (const QJsonValue& cell : value.toArray())
        v.push_back(cell.toDouble());
    return v;
}

std::vector<int> indicesOf(const QJsonValue& value) {
    std::vector<int> v;
    for (const QJsonValue& cell : value.toArray())
        v.push_back(cell.toInt());
    return v;
}

std::vector<std::string> stringsOf(const QJsonValue& value) {
    std::vector<std::string> v;
    for (const QJsonValue& cell : value.toArray())
        v.push_back(cell.toString().toStdString());
    return v;
}

std::string stringOf(const QJsonObject& object, const char* key) {
    return object.value(key).toString().toStdString();
}

std::size_t rows(const Mat& m) {
    return m.size();
}
std::size_t cols(const Mat& m) {
    return m.empty() ? 0 : m.front().size();
}

Mat multiply(const Mat& a, const Mat& b) {
    Mat c(rows(a), std::vector<double>(cols(b), 0.0));
    for (std::size_t i = 0; i < rows(a); ++i)
        for (std::size_t j = 0; j < cols(b); ++j)
            for (std::size_t k = 0; k < cols(a); ++k)
                c[i][j] += a[i][k] * b[k][j];
    return c;
}

// Compares two matrices with a relative tolerance; −∞ must meet −∞. Prints both on failure.
::testing::AssertionResult matricesNear(const char* aExpr, const char* bExpr, const Mat& a,
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

#define EXPECT_MATRIX_NEAR(a, b) EXPECT_PRED_FORMAT2(matricesNear, a, b)

// ---- the independent recomputation (attention-math.md)
// ---------------------------------------------

// Which keys query i may see, from the exported mask name and key tokens.
bool visible(const std::string& mask, const std::vector<std::string>& keyTokens, std::size_t i,
             std::size_t j) {
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

double scoreOf(const std::string& scoring, const QJsonObject& params, const std::vector<double>& q,
               const std::vector<double>& k) {
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
        return params.value("scale").toDouble() * dot / std::sqrt(nq * nk);
    }
    ADD_FAILURE() << "unexpected scoring " << scoring;
    return 0.0;
}

// Recomputes scores, logits, weights, context, entropy, argmax, the combined weights and the
// output from the file's inputs and parameters, and compares them with the file's own numbers.
// Softmax only; positional encodings that change X are already in `inputs`.
void expectExportRecomputes(const QJsonObject& root) {
    const QJsonObject config = root.value("config").toObject();
    const std::string scoring = stringOf(config, "scoring");
    const std::string mask = stringOf(config, "mask");
    const double temperature = config.value("temperature").toDouble();
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

class CommandLine : public ::testing::Test {
protected:
    ProcessRun run(const std::vector<std::string>& args, const RunSettings& settings = {}) {
        return runProgram(m_capture, args, settings);
    }
    TempDir m_dir;     ///< where exports go
    TempDir m_capture; ///< stdout and stderr of the runs
};

} // namespace

// ---- the worked case of the issue
// ------------------------------------------------------------------

TEST_F(CommandLine, ChineseSelfAttentionWithTwoHeadsAndCausalMask) {
    const std::string path = m_dir.file("out.json");
    const ProcessRun result = run(
        {"--sentence", "我爱深度学习", "--heads", "2", "--mask", "causal", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"out.json"});

    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(stringOf(root, "format"), "attention-lab/1");
    const QJsonObject config = root.value("config").toObject();
    EXPECT_EQ(stringOf(config, "sentence"), "我爱深度学习");
    EXPECT_EQ(stringOf(config, "source"), "");
    EXPECT_EQ(stringOf(config, "scoring"), "scaled-dot");
    EXPECT_EQ(stringOf(config, "normalizer"), "softmax");
    EXPECT_EQ(config.value("temperature").toDouble(), 1.0);
    EXPECT_EQ(config.value("heads").toInt(), 2);
    EXPECT_EQ(config.value("d_model").toInt(), 64);
    EXPECT_EQ(config.value("d_k").toInt(), 32);
    EXPECT_EQ(stringOf(config, "mask"), "causal");
    EXPECT_EQ(stringOf(config, "positional"), "none");
    EXPECT_EQ(stringOf(config, "projection"), "identity");
    EXPECT_EQ(config.value("seed").toInt(), 42);
    EXPECT_EQ(stringOf(config, "tokenizer"), "word");
    EXPECT_EQ(config.value("cosine_scale").toDouble(), 10.0);
    EXPECT_EQ(stringOf(config.value("embeddings").toObject(), "source"), "builtin");

    const std::vector<std::string> tokens{"我", "爱", "深度", "学习"};
    EXPECT_EQ(stringsOf(root.value("query_tokens")), tokens);
    EXPECT_EQ(stringsOf(root.value("key_tokens")), tokens);
    EXPECT_TRUE(root.value("unknown_query_tokens").toArray().isEmpty());
    EXPECT_TRUE(root.value("fully_masked_rows").toArray().isEmpty());
    EXPECT_TRUE(root.value("warnings").toArray().isEmpty());

    // Shapes: every matrix of every head, and −∞ logits above the diagonal as null.
    const QJsonArray heads = root.value("heads").toArray();
    ASSERT_EQ(heads.size(), 2);
    for (const QJsonValue& value : heads) {
        const QJsonObject head = value.toObject();
        EXPECT_TRUE(head.value("scoring_params").toObject().isEmpty());
        for (const char* key : {"q", "k", "v", "context"}) {
            EXPECT_EQ(rows(matrixOf(head.value(key))), 4u) << key;
            EXPECT_EQ(cols(matrixOf(head.value(key))), 32u) << key;
        }
        const QJsonArray logits = head.value("logits").toArray();
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j)
                EXPECT_EQ(logits.at(i).toArray().at(j).isNull(), j > i) << i << "," << j;
    }
    EXPECT_EQ(rows(matrixOf(root.value("output"))), 4u);
    EXPECT_EQ(cols(matrixOf(root.value("output"))), 64u);
    // The first query sees only itself.
    EXPECT_EQ(matrixOf(heads.at(0).toObject().value("weights"))[0][0], 1.0);

    expectExportRecomputes(root);
}

// ---- cross-attention and other settings, each recomputed from the file
// --------------------------------

class Recomputation : public CommandLine,
                      public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(Recomputation, EveryNumberFollowsFromTheFile) {
    std::vector<std::string> args = GetParam();
    const std::string path = m_dir.file("out.json");
    args.insert(args.end(), {"--export-data", path});
    const ProcessRun result = run(args);
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.out, "");
    const QJsonObject root = parseJsonFile(path);
    expectExportRecomputes(root);
}

INSTANTIATE_TEST_SUITE_P(
    CommandLine, Recomputation,
    ::testing::Values(
        // Scenario 1 of seed 000 as cross-attention, random projections, general scoring.
        std::vector<std::string>{"--sentence", "I love deep learning", "--source", "我爱深度学习",
                                 "--heads", "4", "--scoring", "general", "--projection", "random",
                                 "--seed", "7", "--temperature", "0.5", "--positional",
                                 "sinusoidal"},
        std::vector<std::string>{"--sentence", "I love deep learning", "--source",
                                 "我 爱 深度 学习", "--heads", "2", "--scoring=additive",
                                 "--projection=random", "--mask=window:1", "--d-model=16"},
        std::vector<std::string>{"--sentence", "the cat sat", "--source", "猫 坐 在 垫子 上",
                                 "--scoring", "cosine", "--cosine-scale", "5", "--mask",
                                 "padding:7", "--d-model", "12", "--heads", "3"},
        std::vector<std::string>{"--sentence", "a b c d e", "--tokenizer", "whitespace",
                                 "--scoring", "dot", "--mask", "window:0", "--d-model", "8",
                                 "--d-k", "3", "--heads", "3", "--projection", "random"}));

TEST_F(CommandLine, CrossAttentionShapesAndTokens) {
    const std::string path = m_dir.file("cross.json");
    const ProcessRun result = run({"--sentence", "I love deep learning", "--source", "我爱深度学习",
                                   "--d-model", "16", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(stringsOf(root.value("query_tokens")),
              (std::vector<std::string>{"I", "love", "deep", "learning"}));
    EXPECT_EQ(stringsOf(root.value("key_tokens")),
              (std::vector<std::string>{"我", "爱", "深度", "学习"}));
    EXPECT_EQ(stringOf(root.value("config").toObject(), "source"), "我爱深度学习");
    const Mat weights = matrixOf(root.value("heads").toArray().at(0).toObject().value("weights"));
    EXPECT_EQ(rows(weights), 4u);
    EXPECT_EQ(cols(weights), 4u);
}

// attention-math.md, worked example 3 (seed 000): translating 我爱深度学习, the query "love"
// weighs 爱 most with the built-in embeddings.
TEST_F(CommandLine, LoveAttendsToAiInTranslation) {
    const std::string path = m_dir.file("seed000.json");
    const ProcessRun result = run(
        {"--sentence", "I love deep learning", "--source", "我爱深度学习", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject root = parseJsonFile(path);
    ASSERT_EQ(stringsOf(root.value("key_tokens"))[1], "爱");
    const QJsonObject head = root.value("heads").toArray().at(0).toObject();
    EXPECT_EQ(indicesOf(head.value("argmax"))[1], 1);
    expectExportRecomputes(root);
}

TEST_F(CommandLine, PaddingTokensAppearInTheKeysAndAreMasked) {
    const std::string path = m_dir.file("pad.json");
    const ProcessRun result = run(
        {"--sentence", "the cat", "--mask", "padding:4", "--d-model", "8", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(stringsOf(root.value("key_tokens")),
              (std::vector<std::string>{"the", "cat", "[PAD]", "[PAD]"}));
    EXPECT_EQ(stringOf(root.value("config").toObject(), "mask"), "padding:4");
    expectExportRecomputes(root);
}

TEST_F(CommandLine, EmbeddingsFileSetsDModelAndIsNamedInTheConfig) {
    const std::string vectors = m_dir.file("vectors.txt");
    writeFile(vectors, "cat 0.5 -1.25 2 0.125\ndog 0.25 -1 1.5 0\nsat 1 0 -1 0.5\n");
    const std::string path = m_dir.file("out.json");
    const ProcessRun result = run({"--sentence", "cat dog sat", "--embeddings", vectors, "--heads",
                                   "2", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.err, "") << "no warning: --d-model was not given";
    const QJsonObject root = parseJsonFile(path);
    const QJsonObject config = root.value("config").toObject();
    EXPECT_EQ(stringOf(config.value("embeddings").toObject(), "source"), "file");
    EXPECT_EQ(stringOf(config.value("embeddings").toObject(), "path"), vectors);
    EXPECT_EQ(config.value("d_model").toInt(), 4);
    EXPECT_EQ(config.value("d_k").toInt(), 2);
    const Mat x = matrixOf(root.value("inputs").toObject().value("query_embeddings"));
    EXPECT_MATRIX_NEAR(x, (Mat{{0.5, -1.25, 2, 0.125}, {0.25, -1, 1.5, 0}, {1, 0, -1, 0.5}}));
    expectExportRecomputes(root);
}

TEST_F(CommandLine, ExplicitDModelThatDisagreesWithTheFileIsAWarning) {
    const std::string vectors = m_dir.file("vectors.txt");
    writeFile(vectors, "cat 0.5 -1.25 2 0.125\n");
    const ProcessRun result = run({"--sentence", "cat", "--embeddings", vectors, "--d-model", "32",
                                   "--export-data", m_dir.file("out.json")});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: warning: d_model is 4", 0), 0u) << result.err;
}

TEST_F(CommandLine, UnknownTokensAreListedAndWarnedAbout) {
    const std::string path = m_dir.file("out.json");
    const ProcessRun result =
        run({"--sentence", "the qqzxv cat", "--d-model", "8", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err.rfind("attention-lab: warning: ", 0), 0u) << result.err;
    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(indicesOf(root.value("unknown_query_tokens")), std::vector<int>{1});
    EXPECT_EQ(indicesOf(root.value("unknown_key_tokens")), std::vector<int>{1});
    EXPECT_EQ(root.value("warnings").toArray().size(), 1);
}

// ---- the other formats agree with the JSON
// ----------------------------------------------------------

TEST_F(CommandLine, CsvAndNpyHoldTheSameWeightsAsTheJson) {
    const std::vector<std::string> settings{
        "--sentence", "say \"hi\", cat", "--heads", "2", "--d-model", "8", "--mask", "causal"};
    auto exportTo = [&](const std::string& name) {
        std::vector<std::string> args = settings;
        args.insert(args.end(), {"--export-data", m_dir.file(name)});
        const ProcessRun result = run(args);
        EXPECT_EQ(result.exitCode, 0) << describe(result);
    };
    exportTo("w.json");
    exportTo("w.csv");
    exportTo("w.npy");
    const QJsonObject root = parseJsonFile(m_dir.file("w.json"));
    const std::vector<std::string> tokens = stringsOf(root.value("query_tokens"));
    ASSERT_EQ(tokens, (std::vector<std::string>{"say", "\"", "hi", "\"", ",", "cat"}));
    const std::size_t n = tokens.size();

    // NPY: float32 data after the header, bit-identical to the 9-digit JSON numbers.
    const std::string npy = readFile(m_dir.file("w.npy"));
    ASSERT_EQ(npy.substr(0, 6), "\x93NUMPY");
    const std::size_t headerLength =
        static_cast<unsigned char>(npy[8]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(npy[9])) << 8);
    EXPECT_NE(npy.find("'shape': (2, 6, 6)"), std::string::npos);
    ASSERT_EQ(npy.size(), 10 + headerLength + 2 * n * n * 4);
    const char* data = npy.data() + 10 + headerLength;
    std::string csvExpected;
    for (int h = 0; h < 2; ++h) {
        const Mat weights =
            matrixOf(root.value("heads").toArray().at(h).toObject().value("weights"));
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                float value = 0.0f;
                std::memcpy(&value, data, 4); // the test machine is little-endian like the file
                data += 4;
                EXPECT_EQ(value, static_cast<float>(weights[i][j])) << h << "," << i << "," << j;
            }
        }
    }

    // CSV: the UTF-8 byte-order mark, quoted tokens, one block per head numbered from 1 as on
    // screen, a row per cell.
    const std::string csv = readFile(m_dir.file("w.csv"));
    EXPECT_EQ(
        csv.rfind("\xEF\xBB\xBFhead,query_index,query_token,key_index,key_token,weight\r\n", 0),
        0u);
    EXPECT_NE(csv.find("\r\n1,1,\"\"\"\",4,\",\",0\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n2,5,cat,5,cat,"), std::string::npos);
    std::size_t lines = 0;
    for (char c : csv)
        lines += c == '\n' ? 1 : 0;
    EXPECT_EQ(lines, 2 * (1 + n * n) + 1); // two headers, every cell, one blank line between
}

// ---- help, version, and no Qt on the headless path
// -----------------------------------------------------

TEST_F(CommandLine, HelpAndVersionNeedNoDisplay) {
    const RunSettings noDisplay{{}, true};
    const ProcessRun help = run({"--help"}, noDisplay);
    ASSERT_EQ(help.exitCode, 0) << describe(help);
    EXPECT_EQ(help.err, "");
    for (const char* fragment : {"--sentence", "--export-data", "dot, scaled-dot, general",
                                 "softmax, sparsemax, relu, sigmoid, hardmax", "default: 64"})
        EXPECT_NE(help.out.find(fragment), std::string::npos) << fragment;
    const ProcessRun version = run({"--version"}, noDisplay);
    ASSERT_EQ(version.exitCode, 0);
    EXPECT_EQ(version.out.rfind("attention-lab " ATTNLAB_VERSION "\n", 0), 0u) << version.out;
}

TEST_F(CommandLine, ExportNeedsNoDisplay) {
    const ProcessRun result =
        run({"--sentence", "hello world", "--d-model", "8", "--export-data", m_dir.file("out.csv")},
            RunSettings{{}, true});
    EXPECT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_TRUE(fs::exists(m_dir.file("out.csv")));
}

// ---- usage errors: exit 2, the option named, nothing written
// -----------------------------------------

TEST_F(CommandLine, UsageErrorsExitTwoNamingTheOption) {
    const std::string path = m_dir.file("out.json");
    struct Case {
        std::vector<std::string> args;
        std::string expected; ///< the start of stderr
    };
    const std::vector<Case> cases = {
        {{"--hedas", "2", "--export-data", path},
         "attention-lab: unknown option '--hedas'; did you mean --heads?"},
        {{"--export-data", path, "--heads"}, "attention-lab: --heads: missing value"},
        {{"--heads", "x", "--export-data", path},
         "attention-lab: --heads: 'x' is not a whole number"},
        {{"--temperature=hot", "--export-data", path},
         "attention-lab: --temperature: 'hot' is not a number"},
        {{"--scoring", "fancy", "--export-data", path},
         "attention-lab: --scoring: unknown scoring function 'fancy'"},
        {{"--normalizer", "max", "--export-data", path}, "attention-lab: --normalizer: "},
        {{"--mask", "diagonal", "--export-data", path}, "attention-lab: --mask: "},
        {{"--tokenizer", "bpe", "--export-data", path}, "attention-lab: --tokenizer: "},
        {{"--export-data", m_dir.file("out.png")}, "attention-lab: --export-data: "},
        {{"--export-data", path, "stray"}, "attention-lab: unexpected argument 'stray'"},
    };
    for (const Case& c : cases) {
        const ProcessRun result = run(c.args);
        EXPECT_EQ(result.exitCode, 2) << describe(result);
        EXPECT_EQ(result.err.rfind(c.expected, 0), 0u) << describe(result);
        EXPECT_EQ(result.out, "");
    }
    EXPECT_TRUE(m_dir.entries().empty());
}

// ---- input errors: exit 1, the message on stderr, no file and no earlier file damaged
// -------------------

TEST_F(CommandLine, MissingEmbeddingsFileExitsOne) {
    const std::string missing = m_dir.file("nowhere.vec");
    const ProcessRun result =
        run({"--embeddings", missing, "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(missing), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_TRUE(m_dir.entries().empty());
}

TEST_F(CommandLine, MalformedEmbeddingsFileExitsOneNamingTheLine) {
    const std::string vectors = m_dir.file("bad.txt");
    writeFile(vectors, "cat 1 2 3\ndog 1 2\n");
    const ProcessRun result =
        run({"--embeddings", vectors, "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(vectors + ": line 2: "), std::string::npos) << result.err;
}

TEST_F(CommandLine, DModelNotDivisibleByHeadsExitsOne) {
    const ProcessRun result =
        run({"--d-model", "10", "--heads", "3", "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u);
    EXPECT_NE(result.err.find("not divisible"), std::string::npos) << result.err;
    EXPECT_TRUE(m_dir.entries().empty());
}

TEST_F(CommandLine, OutOfRangeSettingsExitOne) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--heads", "0"},
          {"--temperature", "0"},
          {"--d-model", "1"},
          {"--sentence", "a b", "--source", "c d", "--mask", "causal"}}) {
        std::vector<std::string> full = args;
        full.insert(full.end(), {"--export-data", m_dir.file("out.json")});
        const ProcessRun result = run(full);
        EXPECT_EQ(result.exitCode, 1) << describe(result);
        EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    }
}

TEST_F(CommandLine, TooManyTokensExitsOne) {
    std::string sentence;
    for (int i = 0; i < 4100; ++i)
        sentence += "a ";
    const ProcessRun result =
        run({"--sentence", sentence, "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
}

TEST_F(CommandLine, UnwritableOutputExitsOne) {
    const std::string inMissingDir = m_dir.file("no-such-dir/out.json");
    const ProcessRun missing = run({"--d-model", "8", "--export-data", inMissingDir});
    EXPECT_EQ(missing.exitCode, 1) << describe(missing);
    EXPECT_EQ(missing.err.rfind("attention-lab: cannot write '" + inMissingDir + "': ", 0), 0u)
        << missing.err;
    EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;

    fs::create_directory(m_dir.file("a-folder.json"));
    const ProcessRun folder = run({"--d-model", "8", "--export-data", m_dir.file("a-folder.json")});
    EXPECT_EQ(folder.exitCode, 1) << describe(folder);
    EXPECT_EQ(folder.err.rfind("attention-lab: cannot write ", 0), 0u) << folder.err;
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"a-folder.json"});
}

TEST_F(CommandLine, FailedExportLeavesTheEarlierFileIntact) {
    const std::string path = m_dir.file("out.json");
    writeFile(path, "earlier export");

    // Rejected settings: nothing is written.
    const ProcessRun rejected = run({"--d-model", "10", "--heads", "3", "--export-data", path});
    EXPECT_EQ(rejected.exitCode, 1) << describe(rejected);
    EXPECT_EQ(readFile(path), "earlier export");

    // Writing fails part-way (a file-size limit stands in for a full disk).
    const ProcessRun cutOff =
        run({"--sentence", "a long enough sentence to need more than a few bytes", "--export-data",
             path},
            RunSettings{4096, false});
    EXPECT_EQ(cutOff.exitCode, 1) << describe(cutOff);
    EXPECT_NE(cutOff.err.find("attention-lab: cannot write '" + path + "': "), std::string::npos)
        << cutOff.err;
    EXPECT_EQ(readFile(path), "earlier export");
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"out.json"}) << "no temporary file left";

    // And a successful export replaces it.
    const ProcessRun ok = run({"--d-model", "8", "--export-data", path});
    EXPECT_EQ(ok.exitCode, 0) << describe(ok);
    EXPECT_EQ(readFile(path).rfind("{\n", 0), 0u);
}

// ---- images: --export, headless ----------------------------------------------------------------

namespace {

// Width, height and resolution (dots per metre) of a PNG, from its IHDR and pHYs chunks.
struct PngInfo {
    std::uint32_t width = 0, height = 0, dotsPerMetre = 0;
};

std::uint32_t bigEndian32(const std::string& bytes, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

PngInfo pngInfo(const std::string& bytes) {
    PngInfo info;
    if (bytes.size() < 33 || bytes.compare(1, 3, "PNG") != 0)
        return info;
    info.width = bigEndian32(bytes, 16);
    info.height = bigEndian32(bytes, 20);
    const std::size_t phys = bytes.find("pHYs");
    if (phys != std::string::npos && phys + 8 < bytes.size())
        info.dotsPerMetre = bigEndian32(bytes, phys + 4);
    return info;
}

} // namespace

TEST_F(CommandLine, ImagesInEveryFormatWithoutADisplay) {
    const RunSettings noDisplay{{}, true};
    const std::vector<std::string> chinese{"--sentence", "我爱深度学习", "--heads",
                                           "8",          "--mask",       "causal"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = chinese;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    const ProcessRun png = run(with({"--export", m_dir.file("grid.png"), "--width", "800",
                                     "--height", "600", "--dpi", "300", "--title"}),
                               noDisplay);
    ASSERT_EQ(png.exitCode, 0) << describe(png);
    const PngInfo info = pngInfo(readFile(m_dir.file("grid.png")));
    EXPECT_EQ(info.width, 2500u); // 800 × 300 / 96
    EXPECT_EQ(info.height, 1875u);
    EXPECT_NEAR(info.dotsPerMetre * 0.0254, 300.0, 0.5);

    const ProcessRun pdf =
        run(with({"--export", m_dir.file("grid.pdf"), "--view", "combined"}), noDisplay);
    ASSERT_EQ(pdf.exitCode, 0) << describe(pdf);
    const std::string pdfBytes = readFile(m_dir.file("grid.pdf"));
    EXPECT_EQ(pdfBytes.rfind("%PDF-", 0), 0u);
    EXPECT_NE(pdfBytes.find("/FontFile2"), std::string::npos);

    const ProcessRun svg = run(with({"--export", m_dir.file("head.svg"), "--view", "head:3",
                                     "--colormap", "magma", "--values", "on"}),
                               noDisplay);
    ASSERT_EQ(svg.exitCode, 0) << describe(svg);
    const std::string svgText = readFile(m_dir.file("head.svg"));
    EXPECT_NE(svgText.find("<svg"), std::string::npos);
    EXPECT_NE(svgText.find("Head 3"), std::string::npos);
    EXPECT_NE(svgText.find("深度"), std::string::npos);
    EXPECT_EQ(svgText.find("<image"), std::string::npos);

    // Both exports in one run; the details of a row.
    const ProcessRun both = run(with({"--export", m_dir.file("row.png"), "--view", "details:4",
                                      "--export-data", m_dir.file("row.json")}),
                                noDisplay);
    ASSERT_EQ(both.exitCode, 0) << describe(both);
    EXPECT_TRUE(fs::exists(m_dir.file("row.png")));
    EXPECT_TRUE(fs::exists(m_dir.file("row.json")));
    EXPECT_EQ(png.out + pdf.out + svg.out + both.out, "") << "stdout stays clean";
}

TEST_F(CommandLine, ImageErrorsExitOneAndWriteNothing) {
    struct Case {
        std::vector<std::string> args;
        std::string fragment;
    };
    const std::vector<Case> cases{
        {{"--export", m_dir.file("a.bmp")}, "use a name ending in .png, .svg or .pdf"},
        {{"--export", m_dir.file("missing/a.png")}, "does not exist"},
        {{"--export", m_dir.file("a.png"), "--view", "head:4", "--heads", "2"},
         "head 4 does not exist"},
        {{"--export", m_dir.file("a.png"), "--view", "details:99"}, "query row 99 does not exist"},
    };
    for (const Case& c : cases) {
        const ProcessRun result = run(c.args);
        EXPECT_EQ(result.exitCode, 1) << describe(result);
        EXPECT_NE(result.err.find(c.fragment), std::string::npos) << result.err;
    }
    EXPECT_TRUE(m_dir.entries().empty());
    const ProcessRun usage = run({"--export", m_dir.file("a.png"), "--view", "spiral"});
    EXPECT_EQ(usage.exitCode, 2) << describe(usage);
    EXPECT_NE(usage.err.find("--view: 'spiral' is not a view"), std::string::npos) << usage.err;
}

TEST_F(CommandLine, SessionsRenderHeadlessAndOptionsOverrideThem) {
    const std::string lesson = m_dir.file("lesson.attnlab");
    writeFile(lesson, R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentence": "我爱深度学习", "heads": 4, "mask": "causal", "scoring": "dot"},
        "view": {"layout": "combined", "color_map": "cividis"}})");
    const ProcessRun plain = run({"--session", lesson, "--export-data", m_dir.file("a.json")});
    ASSERT_EQ(plain.exitCode, 0) << describe(plain);
    QJsonObject config = parseJsonFile(m_dir.file("a.json")).value("config").toObject();
    EXPECT_EQ(config.value("heads").toInt(), 4);
    EXPECT_EQ(config.value("scoring").toString(), "dot");
    EXPECT_EQ(config.value("mask").toString(), "causal");

    // A lone .attnlab argument is the session too; --heads overrides its 4.
    const ProcessRun overridden = run({lesson, "--heads", "2", "--export-data",
                                       m_dir.file("b.json"), "--export", m_dir.file("b.svg")});
    ASSERT_EQ(overridden.exitCode, 0) << describe(overridden);
    config = parseJsonFile(m_dir.file("b.json")).value("config").toObject();
    EXPECT_EQ(config.value("heads").toInt(), 2);
    EXPECT_EQ(config.value("scoring").toString(), "dot");
    // The session's view: the combined map only.
    const std::string svg = readFile(m_dir.file("b.svg"));
    EXPECT_NE(svg.find("Mean of 2 heads"), std::string::npos);
    EXPECT_EQ(svg.find("Head 1"), std::string::npos);

    writeFile(m_dir.file("newer.attnlab"),
              R"({"format": "attention-lab-session", "version": 7, "config": {}})");
    const ProcessRun newer =
        run({"--session", m_dir.file("newer.attnlab"), "--export-data", m_dir.file("c.json")});
    EXPECT_EQ(newer.exitCode, 1) << describe(newer);
    EXPECT_NE(newer.err.find("newer Attention Lab"), std::string::npos) << newer.err;
    EXPECT_FALSE(fs::exists(m_dir.file("c.json")));
}
