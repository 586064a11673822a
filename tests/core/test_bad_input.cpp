// Bad input, core side (issue 7): one table per input class. Each row states what a user might
// give the program and the exact outcome: accepted (then the numbers must be finite and valid),
// or an InputError / FileError / Cancelled whose message contains a given fragment. After every
// row the test checks that nothing was damaged: files given to a loader keep their bytes and
// modification time, a failed load leaves no cache behind, and a reference computation still
// gives bit-identical numbers (no hidden state was corrupted).

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/embeddings/embeddings.h"
#include "core/model/builtin_model.h"
#include "core/text/tokenizer.h"

#include "model_testing.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_bad_input {

using namespace attnlab::core;
using attnlab::testing::headOf;
using attnlab::testing::headsOf;
using attnlab::testing::HeadView;
namespace fs = std::filesystem;

namespace {

enum class Outcome { Accepted, InputError, FileError, Cancelled, OtherException };

const char* name(Outcome outcome) {
    switch (outcome) {
    case Outcome::Accepted:
        return "accepted";
    case Outcome::InputError:
        return "InputError";
    case Outcome::FileError:
        return "FileError";
    case Outcome::Cancelled:
        return "Cancelled";
    case Outcome::OtherException:
        return "another exception";
    }
    return "?";
}

struct Observed {
    Outcome outcome = Outcome::Accepted;
    std::string message;
    std::string setting; ///< InputError: the key of the setting it is about
};

Observed observe(const std::function<void()>& action) {
    Observed observed;
    try {
        action();
    } catch (const InputError& error) {
        observed = {Outcome::InputError, error.what(), error.setting()};
    } catch (const FileError& error) {
        observed = {Outcome::FileError, error.what(), {}};
    } catch (const Cancelled& error) {
        observed = {Outcome::Cancelled, error.what(), {}};
    } catch (const std::exception& error) {
        observed = {Outcome::OtherException, error.what(), {}};
    }
    return observed;
}

/// Checks the outcome category and the message fragment of one row.
void expectOutcome(const Observed& observed, Outcome expected, const std::string& fragment) {
    EXPECT_EQ(name(observed.outcome), std::string(name(expected)))
        << "message: \"" << observed.message << "\"";
    if (!fragment.empty()) {
        EXPECT_NE(observed.message.find(fragment), std::string::npos)
            << "\"" << observed.message << "\" does not contain \"" << fragment << "\"";
    }
}

// ---- numeric validity of an accepted computation ----

bool rowNormalised(Normalizer normalizer) {
    return normalizer != Normalizer::Sigmoid;
}

/// Every number finite; weights in [0, 1]; rows sum to 1 unless masked, flagged or sigmoid;
/// masked cells exactly 0.
void expectValidResult(const ModelOutput& result) {
    ASSERT_TRUE(result.trace.has_value());
    ASSERT_FALSE(result.trace->heads.empty());
    for (std::size_t h = 0; h < result.trace->heads.size(); ++h) {
        const HeadView head = headOf(result, static_cast<int>(h));
        SCOPED_TRACE("head " + std::to_string(h));
        ASSERT_TRUE(head.weights.allFinite()) << head.weights;
        ASSERT_TRUE(head.scores.allFinite()) << head.scores;
        ASSERT_TRUE(head.context.allFinite());
        ASSERT_TRUE(head.entropy.allFinite());
        EXPECT_GE(head.weights.minCoeff(), 0.0f);
        EXPECT_LE(head.weights.maxCoeff(), 1.0f + 1e-6f);
        // Logits are finite or −∞ (masked), never NaN or +∞.
        for (Eigen::Index i = 0; i < head.logits.rows(); ++i)
            for (Eigen::Index j = 0; j < head.logits.cols(); ++j) {
                const float logit = head.logits(i, j);
                ASSERT_FALSE(std::isnan(logit)) << "logit (" << i << ", " << j << ")";
                ASSERT_TRUE(std::isfinite(logit) || logit < 0)
                    << "logit (" << i << ", " << j << ")";
                if (!result.maps.allowed(i, j)) {
                    EXPECT_EQ(head.weights(i, j), 0.0f);
                }
            }
    }
    ASSERT_TRUE(result.trace->output.allFinite());
    ASSERT_TRUE(result.maps.mean[0].allFinite());
    if (!rowNormalised(result.config.normalizer))
        return;
    for (Eigen::Index i = 0; i < result.maps.mean[0].rows(); ++i) {
        const bool masked =
            std::find(result.maps.fullyMaskedRows.begin(), result.maps.fullyMaskedRows.end(), i) !=
            result.maps.fullyMaskedRows.end();
        const bool flagged =
            std::find(result.maps.degenerateRows.begin(), result.maps.degenerateRows.end(), i) !=
            result.maps.degenerateRows.end();
        for (const HeadView& head : headsOf(result)) {
            const float sum = head.weights.row(i).sum();
            if (masked) {
                EXPECT_EQ(sum, 0.0f) << "fully masked row " << i;
            } else if (!flagged) {
                EXPECT_NEAR(sum, 1.0f, 1e-5f) << "row " << i;
            }
        }
    }
}

// ---- "nothing damaged": a reference computation before and after ----

Config referenceConfig() {
    Config config;
    config.sentence = "我 爱 深度 学习 and the cat sat";
    config.heads = 4;
    config.dModel = 64;
    config.scoring = ScoringFunction::Additive;
    config.projection = ProjectionInit::Random;
    config.positional = PositionalEncoding::Sinusoidal;
    return config;
}

void expectSameNumbers(const ModelOutput& a, const ModelOutput& b) {
    ASSERT_EQ(a.trace->heads.size(), b.trace->heads.size());
    for (std::size_t h = 0; h < a.trace->heads.size(); ++h)
        ASSERT_TRUE((a.maps.weights[h].array() == b.maps.weights[h].array()).all());
    ASSERT_TRUE((a.trace->output.array() == b.trace->output.array()).all());
}

class BadInput : public ::testing::Test {
protected:
    void SetUp() override { m_reference = runBuiltin(referenceConfig()); }
    void TearDown() override {
        // Whatever the rows did, the core computes exactly as before.
        expectSameNumbers(runBuiltin(referenceConfig()), m_reference);
    }

private:
    ModelOutput m_reference;
};

// ---- text ----

struct TextRow {
    std::string name;
    std::string sentence;
    Outcome expected;
    std::string fragment;
    int expectedTokens = -1; ///< accepted rows: how many query tokens (−1: do not check)
    TokenizerMode mode = TokenizerMode::Word;
    int maxTokens = 4096;
};

std::string repeated(const std::string& piece, std::size_t count) {
    std::string text;
    text.reserve(piece.size() * count);
    for (std::size_t i = 0; i < count; ++i)
        text += piece;
    return text;
}

} // namespace

TEST_F(BadInput, Text) {
    const std::vector<TextRow> rows = {
        {"empty", "", Outcome::InputError, "the sentence has no tokens"},
        {"whitespace only", " \t\r\n\u3000\u00A0\u2028 ", Outcome::InputError,
         "the sentence has no tokens"},
        {"100 000 characters pasted at once", repeated("word ", 20'000), Outcome::InputError,
         "the text has 20000 tokens; the limit is 4096"},
        {"100 000 characters without a space", std::string(100'000, 'x'), Outcome::Accepted, "", 1},
        {"100 000 Chinese characters", repeated("学", 100'000), Outcome::InputError,
         "tokens; the limit is 4096"},
        {"more tokens than the limit", "one two three four five six", Outcome::InputError,
         "the text has 6 tokens; the limit is 5", -1, TokenizerMode::Word, 5},
        {"control characters",
         "a\x01"
         "b\x07 c\x1b[0m d\x7f",
         Outcome::Accepted, "", 6},
        {"only control characters", "\x01\x02\x1b\x7f", Outcome::InputError,
         "the sentence has no tokens"},
        {"NUL inside the text", std::string("cat\0sat", 7), Outcome::Accepted, "", 2},
        {"invalid UTF-8", "caf\xC3 sat", Outcome::InputError,
         "not valid UTF-8 (byte 5 of 8 is 0x20)"},
        {"UTF-8 cut off at the end", "sat \xE6\x88", Outcome::InputError,
         "the character starting at byte 5 of 6 is cut off"},
        {"UTF-16 surrogate in UTF-8", "a \xED\xA0\x80", Outcome::InputError, "not valid UTF-8"},
        {"overlong encoding", "a \xC0\xAF", Outcome::InputError, "not valid UTF-8"},
        {"right-to-left: Arabic", "مرحبا بالعالم", Outcome::Accepted, "", 2},
        {"right-to-left: Hebrew with points", "שָׁלוֹם עוֹלָם", Outcome::Accepted, "", 2},
        {"right-to-left mark between words", "abc \u200F def \u200E", Outcome::Accepted, "", 2},
        {"emoji with joiners (word mode)", "hi 👩‍👩‍👧‍👦 there", Outcome::Accepted,
         "", 3},
        {"emoji with joiners (char mode)", "👩‍👩‍👧‍👦👍🏽🇫🇷",
         Outcome::Accepted, "", 3, TokenizerMode::Char},
        {"combining marks (char mode)", "e\u0301a\u0300\u0316", Outcome::Accepted, "", 2,
         TokenizerMode::Char},
        {"stacked combining marks (word mode)", "Z\u0351\u0352\u0353\u0354 cafe\u0301",
         Outcome::Accepted, "", 2},
        {"lone combining mark", "\u0301", Outcome::Accepted, "", 1},
    };
    for (const TextRow& row : rows) {
        SCOPED_TRACE(row.name);
        Config config;
        config.sentence = row.sentence;
        config.tokenizer.mode = row.mode;
        config.tokenizer.maxTokens = row.maxTokens;
        ModelOutput result;
        expectOutcome(observe([&] { result = runBuiltin(config); }), row.expected, row.fragment);
        if (row.expected != Outcome::Accepted)
            continue;
        expectValidResult(result);
        if (row.expectedTokens >= 0) {
            EXPECT_EQ(static_cast<int>(result.maps.queryTokens.size()), row.expectedTokens);
        }
        for (const MapToken& token : result.maps.queryTokens) {
            // No token is (or holds) a control character: they are invisible in the views.
            for (unsigned char c : token.text)
                EXPECT_FALSE(c < 0x20 || c == 0x7F)
                    << "control byte in token '" << token.text << "'";
            EXPECT_EQ(token.text, row.sentence.substr(token.begin, token.end - token.begin));
        }
    }
}

// ---- embedding files ----

namespace {

class TempFolder {
public:
    TempFolder() {
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path = fs::temp_directory_path() / ("attnlab_test_bad_input_" + std::to_string(stamp));
        fs::create_directories(m_path);
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string path = (m_path / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string floatBytes(std::initializer_list<float> values) {
    std::string bytes;
    for (float value : values) {
        char raw[4];
        std::memcpy(raw, &value, 4);
        bytes.append(raw, 4);
    }
    return bytes;
}

struct FileRow {
    FileRow(std::string name, std::string fileName, std::string bytes, Outcome expected,
            std::string fragment, std::size_t expectedWords = 0, std::string expectedWarning = {},
            std::string special = {}, std::function<bool(std::int64_t, std::int64_t)> progress = {})
        : name(std::move(name)), fileName(std::move(fileName)), bytes(std::move(bytes)),
          expected(expected), fragment(std::move(fragment)), expectedWords(expectedWords),
          expectedWarning(std::move(expectedWarning)), special(std::move(special)),
          progress(std::move(progress)) {}

    std::string name;
    std::string fileName; ///< empty: the path is `special`
    std::string bytes;
    Outcome expected;
    std::string fragment;
    std::size_t expectedWords;   ///< accepted rows
    std::string expectedWarning; ///< accepted rows: a warning containing this
    std::string special;         ///< a path used as is (missing file, directory, device)
    std::function<bool(std::int64_t, std::int64_t)> progress;
};

std::string manyLines(std::size_t bytes) {
    std::string text;
    const std::string numbers = " 0.5 -1.25 2 0.125 3 -0.75 1 0\n";
    for (int w = 0; text.size() < bytes; ++w)
        text += "w" + std::to_string(w) + numbers;
    return text;
}

} // namespace

TEST_F(BadInput, EmbeddingFiles) {
    const TempFolder folder;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<FileRow> rows = {
        {"empty", "empty.txt", "", Outcome::InputError, "empty.txt: the file is empty"},
        {"blank lines only", "blank.vec", "\n \r\n\t\n", Outcome::InputError, "the file is empty"},
        {"header count larger than the file", "count.vec", "5 2\na 1 2\nb 3 4\n",
         Outcome::InputError, "the header says 5 words but the file has 2"},
        {"header count smaller than the file", "count2.vec", "1 2\na 1 2\nb 3 4\n",
         Outcome::InputError, "the header says 1 word but the file has 2"},
        {"header count of 2 billion", "huge_count.vec", "2000000000 2\na 1 2\n",
         Outcome::InputError, "the header says 2000000000 words but the file has 1"},
        {"header dimension larger than the rows", "dim.vec", "2 3\na 1 2\nb 3 4\n",
         Outcome::InputError, "dim.vec: line 2: expected 3 numbers, found 2"},
        {"header dimension of 10^9", "huge_dim.vec", "1 1000000000\na 1\n", Outcome::InputError,
         "line 1: the header gives the dimension as 1000000000; it must be at least 1 and at "
         "most 4096"},
        {"header dimension 0", "zero_dim.vec", "1 0\na\n", Outcome::InputError,
         "the header gives the dimension as 0"},
        {"non-numeric value", "word.txt", "a 1 2\nb 1 abc\n", Outcome::InputError,
         "word.txt: line 2: 'abc' is not a number"},
        {"decimal comma", "comma.txt", "a 1,5 2\n", Outcome::InputError,
         "line 1: '1,5' is not a number"},
        {"NaN", "nan.txt", "a 1 2\nb NaN 2\n", Outcome::InputError,
         "line 2: value 1 is NaN/infinite ('NaN')"},
        {"infinity", "inf.txt", "a 1 -inf\n", Outcome::InputError,
         "line 1: value 2 is NaN/infinite ('-inf')"},
        {"overflowing value", "big.txt", "a 1 3.4e38\nb 1 4e38\n", Outcome::InputError,
         "line 2: value 2 ('4e38') is too large for a 32-bit float"},
        {"duplicate words", "dup.txt", "a 1 2\nb 3 4\na 5 6\nb 7 8\n", Outcome::Accepted, "", 2,
         "2 lines repeat a word seen earlier in the file; each word keeps its first vector ('a', "
         "'b')"},
        {"rows of different dimension", "ragged.txt", "a 1 2\nb 3 4\nc 5 6 7\n",
         Outcome::InputError, "ragged.txt: line 3: expected 2 numbers, found 3"},
        {"a row that is only a word", "short.txt", "a 1 2\nb\n", Outcome::InputError,
         "line 2: expected 2 numbers, found 0"},
        {"binary file given as text", "vectors.txt",
         "2 2\nab " + floatBytes({1, 2}) + "\ncd " + floatBytes({0, 4}) + "\n", Outcome::InputError,
         "this is a binary file, not text"},
        {"word2vec binary with NaN", "nan.bin", "1 2\nab " + floatBytes({1, nan}) + "\n",
         Outcome::InputError, "nan.bin: word 1 of 1 ('ab'): value 2 is NaN/infinite"},
        {"word2vec binary truncated", "cut.bin",
         "2 2\nab " + floatBytes({1, 2}) + "\ncd " + floatBytes({1, 2}).substr(0, 5),
         Outcome::InputError,
         "cut.bin: the vector of word 2 of 2 ('cd') is cut off; the file is "
         "truncated"},
        {"text given as word2vec binary", "text.bin", "a 1 2\nb 3 4\n", Outcome::InputError,
         "this is not a word2vec binary file"},
        {"missing file", "", "", Outcome::FileError, "no_such_file.vec': No such file", 0, "",
         (folder.path() / "no_such_file.vec").string()},
        {"a directory", "", "", Outcome::FileError, "it is a directory, not a file", 0, "",
         folder.path().string()},
        {"a device", "", "", Outcome::FileError, "not a regular file", 0, "", "/dev/zero"},
        {"a large file, cancelled", "large.txt", manyLines(12u << 20), Outcome::Cancelled,
         "cancelled", 0, "", "", [](std::int64_t done, std::int64_t) { return done == 0; }},
    };
    for (const FileRow& row : rows) {
        SCOPED_TRACE(row.name);
        const std::string path =
            row.fileName.empty() ? row.special : folder.write(row.fileName, row.bytes);
        std::error_code ec;
        const auto timeBefore = fs::last_write_time(path, ec);
        EmbeddingLoadOptions options;
        options.useCache = true;
        options.cacheDirectory = (folder.path() / "cache").string();
        options.progress = row.progress;
        EmbeddingLoadResult loaded;
        expectOutcome(observe([&] { loaded = loadEmbeddings(path, options); }), row.expected,
                      row.fragment);
        if (row.expected == Outcome::Accepted) {
            EXPECT_EQ(loaded.table.size(), row.expectedWords);
            EXPECT_TRUE(loaded.table.matrix().allFinite());
            bool warned = false;
            for (const std::string& warning : loaded.warnings)
                warned = warned || warning.find(row.expectedWarning) != std::string::npos;
            EXPECT_TRUE(warned) << "no warning contains \"" << row.expectedWarning << "\"";
        }
        if (row.fileName.empty())
            continue;
        // The file was only read, and a failed load left no cache anywhere.
        EXPECT_EQ(readBytes(path), row.bytes);
        EXPECT_EQ(fs::last_write_time(path), timeBefore);
        if (row.expected != Outcome::Accepted) {
            EXPECT_FALSE(fs::exists(path + ".attnlab-cache"));
            EXPECT_TRUE(!fs::exists(folder.path() / "cache") ||
                        fs::is_empty(folder.path() / "cache"));
        }
    }
}

// ---- numerics ----

namespace {

Config manualConfig(const Matrix& x) {
    Config config;
    config.embeddings = EmbeddingSource::Manual;
    config.tokenizer.mode = TokenizerMode::Whitespace;
    config.manualQueryEmbeddings = x;
    config.sentence.clear();
    for (Eigen::Index i = 0; i < x.rows(); ++i)
        config.sentence += (i ? " t" : "t") + std::to_string(i);
    config.dModel = static_cast<int>(x.cols());
    return config;
}

} // namespace

TEST_F(BadInput, TemperaturesFromOneMillionthToOneMillion) {
    for (const float temperature : {1e-6f, 1e-4f, 0.01f, 1.0f, 100.0f, 1e4f, 1e6f})
        for (const ScoringFunction scoring : allScoringFunctions())
            for (const Normalizer normalizer : allNormalizers()) {
                SCOPED_TRACE("T = " + std::to_string(temperature) + ", " +
                             std::string(toString(scoring)) + ", " +
                             std::string(toString(normalizer)));
                Config config;
                config.sentence = "The cat sat on the mat because it was tired";
                config.heads = 2;
                config.temperature = temperature;
                config.scoring = scoring;
                config.normalizer = normalizer;
                config.mask = parseMask("window:3");
                ModelOutput result;
                expectOutcome(observe([&] { result = runBuiltin(config); }), Outcome::Accepted, "");
                expectValidResult(result);
            }
}

TEST_F(BadInput, HugeLogits) {
    // Scores of ±1e30 (and their products with 1/T = 1e6, beyond the float range).
    Matrix x(4, 1);
    x << 1e15f, -1e15f, 3e14f, 0.0f;
    for (const float temperature : {1e-6f, 1.0f, 1e6f})
        for (const Normalizer normalizer : allNormalizers()) {
            SCOPED_TRACE("T = " + std::to_string(temperature) + ", " +
                         std::string(toString(normalizer)));
            Config config = manualConfig(x);
            config.scoring = ScoringFunction::Dot;
            config.temperature = temperature;
            config.normalizer = normalizer;
            ModelOutput result;
            expectOutcome(observe([&] { result = runBuiltin(config); }), Outcome::Accepted, "");
            expectValidResult(result);
            EXPECT_FLOAT_EQ(result.trace->heads[0].scores(0, 0), 1e30f);
        }
    // The normalisers alone, on logits at the ends of the float range, with masked cells.
    const float big = std::numeric_limits<float>::max();
    const float inf = std::numeric_limits<float>::infinity();
    Matrix logits(4, 4);
    logits << big, -big, 1e30f, -1e30f, //
        -inf, big, big, -inf,           //
        -1e30f, -1e30f, -1e30f, -inf,   //
        -inf, -inf, -inf, -inf;
    for (const Normalizer normalizer : allNormalizers()) {
        SCOPED_TRACE(std::string(toString(normalizer)));
        std::vector<int> flagged;
        const Matrix weights = normalizeRows(normalizer, logits, flagged);
        ASSERT_TRUE(weights.allFinite()) << weights;
        EXPECT_EQ(weights.row(3).sum(), 0.0f);
        if (normalizer != Normalizer::Sigmoid && normalizer != Normalizer::Relu) {
            for (int i = 0; i < 3; ++i)
                EXPECT_NEAR(weights.row(i).sum(), 1.0f, 1e-6f) << "row " << i;
        }
    }
}

TEST_F(BadInput, ScoresThatOverflowAFloat) {
    // Embeddings of 1e20 are finite floats, but their dot products are not (1e40, and ∞ − ∞ when
    // signs mix). The computation must not show NaN: it names the problem instead.
    Matrix x(3, 2);
    x << 1e20f, -1e20f, //
        1e20f, 1e20f,   //
        -3e19f, 2e19f;
    for (const ScoringFunction scoring : allScoringFunctions()) {
        SCOPED_TRACE(std::string(toString(scoring)));
        Config config = manualConfig(x);
        config.scoring = scoring;
        ModelOutput result;
        const Observed observed = observe([&] { result = runBuiltin(config); });
        if (observed.outcome == Outcome::Accepted) {
            expectValidResult(result); // cosine normalises first and stays finite
        } else {
            expectOutcome(observed, Outcome::InputError, "too large");
        }
    }
    // Non-finite numbers typed by hand never reach the math.
    Matrix bad = x;
    bad(1, 1) = std::numeric_limits<float>::quiet_NaN();
    expectOutcome(observe([&] { runBuiltin(manualConfig(bad)); }), Outcome::InputError,
                  "manual embeddings");
}

TEST_F(BadInput, AllKeysMaskedDkOfOneAndOneToken) {
    // A row whose keys are all masked: all-zero weights, listed, entropy 0, no argmax.
    {
        Config config;
        config.sentence = "one two three";
        config.mask.kind = MaskKind::Custom;
        config.mask.blocked = {{1, 0}, {1, 1}, {1, 2}};
        for (const Normalizer normalizer : allNormalizers()) {
            SCOPED_TRACE(std::string(toString(normalizer)));
            config.normalizer = normalizer;
            const ModelOutput result = runBuiltin(config);
            expectValidResult(result);
            EXPECT_EQ(result.maps.fullyMaskedRows, std::vector<int>{1});
            EXPECT_TRUE((result.maps.weights[0].row(1).array() == 0.0f).all());
            EXPECT_EQ(result.maps.argmax[0][1], -1);
            EXPECT_EQ(result.maps.entropy[0][1], 0.0f);
        }
    }
    // d_k = 1, every scoring function.
    for (const ScoringFunction scoring : allScoringFunctions()) {
        SCOPED_TRACE(std::string(toString(scoring)));
        Config config;
        config.sentence = "the cat sat";
        config.dModel = 4;
        config.heads = 4;
        config.scoring = scoring;
        const ModelOutput result = runBuiltin(config);
        EXPECT_EQ(result.trace->dK, 1);
        expectValidResult(result);
    }
    // One token, with and without a causal mask.
    for (const MaskKind kind : {MaskKind::None, MaskKind::Causal, MaskKind::Window}) {
        Config config;
        config.sentence = "cat";
        config.mask.kind = kind;
        config.mask.window = 0;
        const ModelOutput result = runBuiltin(config);
        expectValidResult(result);
        EXPECT_EQ(result.maps.weights[0](0, 0), 1.0f);
    }
}

// ---- absurd settings ----

TEST_F(BadInput, AbsurdSettings) {
    struct Row {
        std::string name;
        std::function<void(Config&)> set;
        std::string fragment;
        std::string setting; ///< the schema key the error names (empty: none)
    };
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<Row> rows = {
        {"heads = 10^9", [](Config& c) { c.heads = 1'000'000'000; },
         "the number of heads must be between 1 and 16, not 1000000000", "heads"},
        {"heads = 0", [](Config& c) { c.heads = 0; }, "the number of heads must be between",
         "heads"},
        {"heads = −3", [](Config& c) { c.heads = -3; }, "the number of heads must be between",
         "heads"},
        {"d_model = 0", [](Config& c) { c.dModel = 0; }, "d_model must be between 2 and 4096",
         "d_model"},
        {"d_model = −1", [](Config& c) { c.dModel = -1; }, "d_model must be between", "d_model"},
        {"d_model = 10^9", [](Config& c) { c.dModel = 1'000'000'000; }, "d_model must be between",
         "d_model"},
        {"d_k = 10^9", [](Config& c) { c.dK = 1'000'000'000; }, "d_k must be between", "d_k"},
        {"d_a = −2", [](Config& c) { c.additiveDim = -2; }, "the additive width d_a must be",
         "d_a"},
        {"temperature = 0", [](Config& c) { c.temperature = 0.0f; },
         "the temperature must be a number from 1e-6 to 1e6", "temperature"},
        {"temperature < 0", [](Config& c) { c.temperature = -1.0f; }, "the temperature must be",
         "temperature"},
        // Not a number at all: the message quotes the value; the key names the setting.
        {"temperature NaN", [nan](Config& c) { c.temperature = nan; }, "'NaN'", "temperature"},
        {"temperature ∞", [](Config& c) { c.temperature = std::numeric_limits<float>::infinity(); },
         "'infinity'", "temperature"},
        {"temperature 1e-7", [](Config& c) { c.temperature = 1e-7f; }, "the temperature must be",
         "temperature"},
        {"temperature 1e7", [](Config& c) { c.temperature = 1e7f; }, "the temperature must be",
         "temperature"},
        {"window = −1",
         [](Config& c) {
             c.mask = parseMask("window:3");
             c.mask.window = -1;
         },
         "the window width must be 0 or more", "mask"},
        {"padding shorter than the sentence",
         [](Config& c) {
             c.mask.kind = MaskKind::Padding;
             c.mask.padLength = 2;
         },
         "padding length 2 is shorter than the sentence", "mask"},
        {"padding of 10^9",
         [](Config& c) {
             c.mask.kind = MaskKind::Padding;
             c.mask.padLength = 1'000'000'000;
         },
         "the padding length 1000000000 is above the token limit 4096", "mask"},
        {"token limit 0", [](Config& c) { c.tokenizer.maxTokens = 0; }, "the token limit",
         "max_tokens"},
        {"cosine scale NaN",
         [nan](Config& c) {
             c.scoring = ScoringFunction::Cosine;
             c.cosineScale = nan;
         },
         "'NaN'", "cosine_scale"},
        {"blocked cell outside the matrix",
         [](Config& c) {
             c.mask.kind = MaskKind::Custom;
             c.mask.blocked = {{0, 1'000'000}};
         },
         "", ""},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(row.name);
        Config config;
        config.sentence = "the cat sat on the mat";
        row.set(config);
        const Observed observed = observe([&] { runBuiltin(config); });
        expectOutcome(observed, Outcome::InputError, row.fragment);
        EXPECT_EQ(observed.setting, row.setting) << observed.message;
        // validate() agrees with runBuiltin() on settings alone.
        if (row.name != "padding shorter than the sentence" &&
            row.name != "blocked cell outside the matrix") {
            expectOutcome(observe([&] { validate(config); }), Outcome::InputError, row.fragment);
        }
    }
}

TEST_F(BadInput, TokenCountsThatWouldNeedTooMuchMemory) {
    // The largest token limit with a long text: n² weights per head would need far more memory
    // than a classroom computer has. The core refuses with a message instead of being killed.
    Config config;
    config.tokenizer.maxTokens = 1'000'000;
    config.tokenizer.mode = TokenizerMode::Whitespace;
    config.heads = 16;
    config.dModel = 64;
    config.sentence = repeated("w ", 200'000);
    expectOutcome(observe([&] { runBuiltin(config); }), Outcome::InputError, "memory");
}

} // namespace test_bad_input
