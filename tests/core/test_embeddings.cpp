#include "core/embeddings/embeddings.h"

#include "core/text/tokenizer.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace attnlab::core;

namespace {

const std::string kDataDir = std::string(ATTNLAB_TEST_DATA_DIR) + "/embeddings";

::testing::AssertionResult contains(const char* textExpr, const char* partExpr,
                                    const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << textExpr << " = \"" << text << "\" does not contain "
                                         << partExpr << " = \"" << part << "\"";
}
#define EXPECT_CONTAINS(text, part) EXPECT_PRED_FORMAT2(contains, text, part)

/// The message of the InputError `f` throws, or a marker that fails every EXPECT_CONTAINS.
template <typename F> std::string inputErrorOf(F&& f) {
    try {
        f();
    } catch (const InputError& error) {
        return error.what();
    } catch (const std::exception& error) {
        return std::string("<wrong exception type: ") + error.what() + ">";
    }
    return "<no exception>";
}

RowVector vectorOf(const EmbeddingTable& table, std::string_view word) {
    const int index = table.find(word);
    EXPECT_GE(index, 0) << "'" << word << "' is not in the table";
    return index >= 0 ? table.vector(index) : RowVector::Zero(table.dimension());
}

float cosine(const EmbeddingTable& table, std::string_view a, std::string_view b) {
    const RowVector x = vectorOf(table, a);
    const RowVector y = vectorOf(table, b);
    return x.dot(y) / (x.norm() * y.norm());
}

RowVector row(std::initializer_list<float> values) {
    RowVector v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (float value : values)
        v[i++] = value;
    return v;
}

bool isChineseWord(std::string_view word) {
    // Lead byte of a UTF-8 encoded CJK unified ideograph (U+4E00 … U+9FFF).
    const auto lead = static_cast<unsigned char>(word.empty() ? 0 : word[0]);
    return lead >= 0xE4 && lead <= 0xE9;
}

bool isEnglishWord(std::string_view word) {
    bool letter = false;
    for (char c : word) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letter = true;
    }
    return letter;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> splitOn(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator))
        parts.push_back(part);
    if (!text.empty() && text.back() == separator)
        parts.emplace_back();
    return parts;
}

// The teaching sentences of the seeds (attention-math.md, "Worked examples").
const std::vector<std::string> kTeachingSentences = {
    "The cat sat on the mat.",
    "我 爱 深度 学习",
    "我爱深度学习。",
    "I love deep learning!",
    "早 上 好",
    "早上好！",
    "The animal didn't cross the street because it was too tired.",
    "The animal didn’t cross the street because it was too tired?",
    "人工智能",
    "卷积神经网络特别适合图像处理，",
    "自注意力和多头注意力",
    "机器翻译的模型",
};

} // namespace

// ---- built-in lexicon ----

TEST(BuiltinLexicon, HasAtLeast400WordsInBothLanguages) {
    const EmbeddingTable table = builtinLexicon(64);
    int english = 0;
    int chinese = 0;
    for (int i = 0; i < static_cast<int>(table.size()); ++i) {
        english += isEnglishWord(table.word(i)) ? 1 : 0;
        chinese += isChineseWord(table.word(i)) ? 1 : 0;
    }
    EXPECT_GE(table.size(), 400u);
    EXPECT_GE(english, 250);
    EXPECT_GE(chinese, 250);
    EXPECT_EQ(table.dimension(), 64);
}

TEST(BuiltinLexicon, SameConceptSharesOneVectorAcrossLanguagesAndForms) {
    const EmbeddingTable table = builtinLexicon(64);
    const std::vector<std::pair<std::string, std::string>> same = {
        {"爱", "love"},
        {"猫", "cat"},
        {"学习", "learning"},
        {"学习", "learn"},
        {"狗", "dog"},
        {"深度", "deep"},
        {"我", "i"},
        {"早上", "morning"},
        {"注意力", "attention"},
        {"神经", "neural"},
        {"网络", "network"},
        {"图像", "image"},
        {"处理", "processing"},
        {"卷积", "convolution"},
        {"机器", "machine"},
        {"翻译", "translation"},
        {"人工智能", "ai"},
        {"模型", "model"},
        {"数据", "data"},
        {"cats", "cat"},
        {"sat", "sit"},
        {"sitting", "sit"},
        {"did", "do"},
        {"didn't", "not"},
        {"didn’t", "didn't"},
        {"。", "."},
        {"，", ","},
    };
    for (const auto& [a, b] : same) {
        SCOPED_TRACE(a + " / " + b);
        EXPECT_NE(table.find(a), table.find(b));
        EXPECT_EIGEN_NEAR(vectorOf(table, a), vectorOf(table, b), 0.0);
    }
    // Different concepts do not share vectors.
    EXPECT_GT((vectorOf(table, "cat") - vectorOf(table, "dog")).norm(), 1.0f);
    EXPECT_GT((vectorOf(table, "爱") - vectorOf(table, "我")).norm(), 1.0f);
}

TEST(BuiltinLexicon, RelatedConceptsAreCloserThanUnrelatedOnes) {
    struct Triple {
        const char* word;
        const char* related;
        const char* unrelated;
    };
    const std::vector<Triple> triples = {
        {"cat", "dog", "street"},     {"love", "like", "table"},  {"猫", "狗", "马路"},
        {"red", "blue", "eat"},       {"one", "two", "cat"},      {"mother", "father", "rain"},
        {"image", "video", "mother"}, {"apple", "banana", "run"}, {"attention", "query", "banana"},
        {"it", "animal", "street"},
    };
    for (int dimension : {64, 256, 1024}) {
        const EmbeddingTable table = builtinLexicon(dimension);
        for (const Triple& t : triples) {
            SCOPED_TRACE(std::string(t.word) + " at d = " + std::to_string(dimension));
            EXPECT_GT(cosine(table, t.word, t.related), cosine(table, t.word, t.unrelated));
        }
        // Same categories give cosine ≈ 0.6 (the category share), unrelated ones ≈ 0.
        EXPECT_GT(cosine(table, "cat", "dog"), 0.4f);
        EXPECT_LT(std::abs(cosine(table, "cat", "street")), 0.35f);
    }
}

TEST(BuiltinLexicon, CoversEveryTokenOfTheTeachingExamples) {
    const EmbeddingTable table = builtinLexicon(64);
    for (const std::string& sentence : kTeachingSentences) {
        const std::vector<Token> tokens = tokenize(sentence);
        EXPECT_FALSE(tokens.empty()) << sentence;
        for (const Token& token : tokens)
            EXPECT_GE(table.find(token.text), 0)
                << "'" << token.text << "' of \"" << sentence << "\" is not in the lexicon";
    }
    // Spelled out as well, so the test does not depend on how the tokenizer splits.
    const std::vector<std::string> expected = {
        "The",    "cat",     "sat",    "on",     "the",      "mat",      "我",       "爱",
        "深度",   "学习",    "I",      "love",   "deep",     "learning", "早",       "上",
        "好",     "早上",    "早上好", "animal", "didn't",   "did",      "not",      "cross",
        "street", "because", "it",     "was",    "too",      "tired",    "人工智能", "人工",
        "智能",   "卷积",    "卷",     "积",     "神经网络", "神经",     "网络",     "特别",
        "适合",   "图像",    "处理",   ".",      ",",        "。",       "，",       "！",
        "？",     "!",       "?",      "a",      "of",       "的",       "是",       "在",
        "了",     "注意力",  "自",     "多头",   "机器",     "翻译",     "模型",     "数据"};
    for (const std::string& word : expected)
        EXPECT_GE(table.find(word), 0) << "'" << word << "' is not in the lexicon";
}

TEST(BuiltinLexicon, IsDeterministic) {
    const EmbeddingTable a = builtinLexicon(64);
    const EmbeddingTable b = builtinLexicon(64);
    ASSERT_EQ(a.size(), b.size());
    for (int i = 0; i < static_cast<int>(a.size()); ++i) {
        ASSERT_EQ(a.word(i), b.word(i));
        ASSERT_TRUE((a.vector(i).array() == b.vector(i).array()).all()) << a.word(i);
    }
}

TEST(BuiltinLexicon, PinnedValueCatchesPlatformDependentChanges) {
    // If this fails after a change of compiler or standard library, vectors are no longer the
    // same on every machine (the generator must not depend on the platform).
    const EmbeddingTable table = builtinLexicon(4);
    EXPECT_EIGEN_NEAR(vectorOf(table, "cat"),
                      row({-0.731984854f, -0.497978508f, -0.6032601f, -1.68887329f}), 1e-5);
}

TEST(BuiltinLexicon, EntriesHaveRoughlyUnitVariance) {
    for (int dimension : {2, 64, 300}) {
        SCOPED_TRACE("d = " + std::to_string(dimension));
        const EmbeddingTable table = builtinLexicon(dimension);
        double sum = 0.0;
        double sumSquares = 0.0;
        double count = 0.0;
        for (int i = 0; i < static_cast<int>(table.size()); ++i) {
            const RowVector v = table.vector(i);
            EXPECT_NEAR(v.norm(), std::sqrt(static_cast<float>(dimension)), 1e-3f) << table.word(i);
            sum += v.sum();
            sumSquares += v.squaredNorm();
            count += dimension;
        }
        const double mean = sum / count;
        const double variance = sumSquares / count - mean * mean;
        EXPECT_GT(variance, 0.5);
        EXPECT_LT(variance, 2.0);
        EXPECT_LT(std::abs(mean), 0.2);
        EXPECT_NEAR(table.rms(), 1.0f, 1e-3f);
    }
}

TEST(BuiltinLexicon, RejectsDimensionsOutsideTwoTo4096) {
    for (int dimension : {-1, 0, 1, 4097, 100000}) {
        const std::string message = inputErrorOf([&] { builtinLexicon(dimension); });
        EXPECT_CONTAINS(message, "between 2 and 4096");
        EXPECT_CONTAINS(message, std::to_string(dimension));
    }
    EXPECT_EQ(builtinLexicon(2).dimension(), 2);
    EXPECT_EQ(builtinLexicon(4096).dimension(), 4096);
}

TEST(BuiltinLexicon, SourceFileIsWellFormedAndEveryFormIsFound) {
    const std::string text =
        readFile(std::string(ATTNLAB_SOURCE_DIR) + "/resources/lexicon/lexicon.tsv");
    ASSERT_FALSE(text.empty());
    const EmbeddingTable table = builtinLexicon(8);
    std::map<std::string, int> conceptLine;
    std::map<std::string, int> formLine;
    int lineNumber = 0;
    int concepts = 0;
    for (std::string line : splitOn(text, '\n')) {
        ++lineNumber;
        if (line.empty() || line[0] == '#')
            continue;
        const std::vector<std::string> fields = splitOn(line, '\t');
        ASSERT_TRUE(fields.size() == 3 || fields.size() == 4) << "line " << lineNumber;
        ++concepts;
        EXPECT_TRUE(conceptLine.emplace(fields[0], lineNumber).second)
            << "concept '" << fields[0] << "' on line " << lineNumber << " is also on line "
            << conceptLine[fields[0]];
        std::vector<std::string> forms;
        for (std::size_t f = 2; f < fields.size(); ++f)
            for (const std::string& form : splitOn(fields[f], '|'))
                forms.push_back(form);
        ASSERT_FALSE(forms.empty()) << "line " << lineNumber;
        for (const std::string& form : forms) {
            EXPECT_FALSE(form.empty()) << "line " << lineNumber;
            EXPECT_TRUE(formLine.emplace(form, lineNumber).second)
                << "'" << form << "' on line " << lineNumber << " is also on line "
                << formLine[form];
            // Stored exactly (English in lower case), with the concept's vector.
            EXPECT_EQ(table.word(table.find(form)), form);
            EXPECT_EIGEN_NEAR(vectorOf(table, form), vectorOf(table, forms.front()), 0.0);
        }
    }
    EXPECT_GE(concepts, 250);
}

// ---- lookup ----

TEST(EmbeddingTable, FindFallsBackToLowerCase) {
    const EmbeddingTable table = builtinLexicon(16);
    EXPECT_GE(table.find("the"), 0);
    EXPECT_EQ(table.find("The"), table.find("the"));
    EXPECT_EQ(table.find("THE"), table.find("the"));
    EXPECT_EQ(table.find("Cat"), table.find("cat"));
    EXPECT_EQ(table.find("I"), table.find("i"));
    EXPECT_EQ(table.find("no-such-word"), -1);
    EXPECT_EQ(table.find(""), -1);
}

TEST(EmbeddingTable, ExactMatchWinsOverLowerCase) {
    EmbeddingTable table(2);
    EXPECT_TRUE(table.add("apple", row({1, 0})));
    EXPECT_TRUE(table.add("Apple", row({0, 1})));
    EXPECT_EQ(table.word(table.find("Apple")), "Apple");
    EXPECT_EQ(table.word(table.find("apple")), "apple");
    EXPECT_EQ(table.word(table.find("APPLE")), "apple");
}

TEST(EmbeddingTable, AddKeepsTheFirstVectorOfADuplicate) {
    EmbeddingTable table(3);
    EXPECT_TRUE(table.add("a", row({1, 2, 3})));
    EXPECT_FALSE(table.add("a", row({4, 5, 6})));
    EXPECT_EQ(table.size(), 1u);
    EXPECT_EIGEN_NEAR(table.vector(0), row({1, 2, 3}), 0.0);
    EXPECT_CONTAINS(inputErrorOf([&] { table.add("b", row({1, 2})); }), "'b' has 2 numbers");
}

TEST(EmbeddingTable, RmsOfEntriesAndOneForAnEmptyTable) {
    EXPECT_EQ(EmbeddingTable(5).rms(), 1.0f);
    EXPECT_EQ(EmbeddingTable().rms(), 1.0f);
    EmbeddingTable table(2);
    table.add("x", row({1, -1}));
    table.add("y", row({3, 3}));
    EXPECT_NEAR(table.rms(), std::sqrt(5.0f), 1e-6f); // (1 + 1 + 9 + 9) / 4 = 5
}

// ---- hashed vectors ----

TEST(HashedVector, DeterministicAndDifferentForDifferentTokens) {
    EXPECT_EIGEN_NEAR(hashedVector("transformer", 32), hashedVector("transformer", 32), 0.0);
    EXPECT_GT((hashedVector("transformer", 32) - hashedVector("Transformer", 32)).norm(), 1.0f);
    EXPECT_GT((hashedVector("猫", 32) - hashedVector("狗", 32)).norm(), 1.0f);
    // Scale multiplies; a larger dimension extends the same stream.
    EXPECT_EIGEN_NEAR(hashedVector("x", 8, 2.5f), 2.5f * hashedVector("x", 8), 1e-6);
    EXPECT_EIGEN_NEAR(hashedVector("x", 16).head(8), hashedVector("x", 8), 0.0);
}

TEST(HashedVector, PinnedValueCatchesPlatformDependentChanges) {
    EXPECT_EIGEN_NEAR(hashedVector("attention", 4),
                      row({0.100674249f, -1.98939574f, 0.659258842f, 0.521367669f}), 1e-6);
}

TEST(HashedVector, EntriesAreStandardNormal) {
    const RowVector v = hashedVector("a fairly long unknown token", 4096);
    const float mean = v.mean();
    const float variance = (v.array() - mean).square().mean();
    EXPECT_LT(std::abs(mean), 0.06f);
    EXPECT_GT(variance, 0.9f);
    EXPECT_LT(variance, 1.1f);
}

TEST(HashedVector, RejectsNonPositiveDimension) {
    EXPECT_CONTAINS(inputErrorOf([] { hashedVector("x", 0); }), "at least 1");
}

// ---- embedTokens ----

TEST(EmbedTokens, KnownRowsFromTheTableUnknownRowsHashedAtTheTableScale) {
    EmbeddingTable table(2);
    table.add("cat", row({1, -1}));
    table.add("dog", row({3, 3}));
    std::vector<bool> unknown;
    const Matrix x = embedTokens({"Cat", "zebra", "dog", "斑马"}, table, unknown);
    ASSERT_EQ(x.rows(), 4);
    ASSERT_EQ(x.cols(), 2);
    EXPECT_EQ(unknown, (std::vector<bool>{false, true, false, true}));
    EXPECT_EIGEN_NEAR(x.row(0), row({1, -1}), 0.0);
    EXPECT_EIGEN_NEAR(x.row(2), row({3, 3}), 0.0);
    EXPECT_EIGEN_NEAR(x.row(1), hashedVector("zebra", 2, std::sqrt(5.0f)), 1e-6);
    EXPECT_EIGEN_NEAR(x.row(3), hashedVector("斑马", 2, std::sqrt(5.0f)), 1e-6);
}

TEST(EmbedTokens, EmptyTableGivesUnitScaleHashedVectors) {
    std::vector<bool> unknown;
    const Matrix x = embedTokens({"a", "b"}, EmbeddingTable(3), unknown);
    EXPECT_EQ(unknown, (std::vector<bool>{true, true}));
    EXPECT_EIGEN_NEAR(x.row(0), hashedVector("a", 3), 0.0);
    EXPECT_EIGEN_NEAR(x.row(1), hashedVector("b", 3), 0.0);
    EXPECT_EQ(embedTokens({}, EmbeddingTable(3), unknown).rows(), 0);
    EXPECT_TRUE(unknown.empty());
}

TEST(EmbedTokens, LoveWeighsAiMostAmongTheChineseSentence) {
    // attention-math.md, worked example 3: the built-in vectors make "love" closest to 爱.
    const EmbeddingTable table = builtinLexicon(64);
    std::vector<bool> unknown;
    const Matrix source = embedTokens({"我", "爱", "深度", "学习"}, table, unknown);
    EXPECT_EQ(unknown, std::vector<bool>(4, false));
    const Matrix query = embedTokens({"I", "love", "deep", "learning"}, table, unknown);
    const Matrix scores = query * source.transpose();
    for (Eigen::Index i = 0; i < 4; ++i) {
        Eigen::Index best = -1;
        scores.row(i).maxCoeff(&best);
        EXPECT_EQ(best, i) << "query " << i;
    }
}

// ---- text files ----

TEST(LoadEmbeddingsFile, GloveTextWithoutHeader) {
    const EmbeddingTable table = loadEmbeddingsFile(kDataDir + "/glove_small.txt");
    ASSERT_EQ(table.dimension(), 4);
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table.word(0), "cat");
    EXPECT_EQ(table.word(2), "猫");
    EXPECT_EIGEN_NEAR(vectorOf(table, "cat"), row({0.5f, -1.25f, 2.0f, 0.125f}), 0.0);
    EXPECT_EIGEN_NEAR(vectorOf(table, "dog"), row({0.25f, -1.0f, 1.5f, 0.0f}), 0.0);
    EXPECT_EIGEN_NEAR(vectorOf(table, "猫"), row({1e-3f, 25.0f, -0.75f, 3.0f}), 1e-7);
}

TEST(LoadEmbeddingsFile, FastTextVecWithHeaderBomCrLfAndTrailingSpaces) {
    const EmbeddingTable table = loadEmbeddingsFile(kDataDir + "/fasttext_small.vec");
    ASSERT_EQ(table.dimension(), 4);
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table.word(0), "the"); // no BOM glued to the first word
    EXPECT_EIGEN_NEAR(table.vector(0), row({0.1f, 0.2f, 0.3f, 0.4f}), 0.0);
    EXPECT_EQ(table.word(table.find("The")), "The"); // exact case wins
    EXPECT_EIGEN_NEAR(vectorOf(table, "l'amour"), row({1.5f, -0.5f, 0.0f, 2.0f}), 0.0);
}

TEST(ParseEmbeddingsText, HeaderIsExactlyTwoIntegers) {
    const EmbeddingTable withHeader = parseEmbeddingsText("2 3\nx 1 2 3\ny 4 5 6\n", "h.vec");
    EXPECT_EQ(withHeader.dimension(), 3);
    EXPECT_EQ(withHeader.size(), 2u);
    // Three fields: a GloVe line whose word happens to be a number.
    const EmbeddingTable glove = parseEmbeddingsText("2 3 4\n5 6 7\n", "g.txt");
    EXPECT_EQ(glove.dimension(), 2);
    EXPECT_EIGEN_NEAR(vectorOf(glove, "2"), row({3, 4}), 0.0);
    EXPECT_EIGEN_NEAR(vectorOf(glove, "5"), row({6, 7}), 0.0);
}

TEST(ParseEmbeddingsText, DuplicatesKeepTheFirstVector) {
    const EmbeddingTable table = parseEmbeddingsText("a 1 2\nb 3 4\na 5 6\n", "dup.txt");
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EIGEN_NEAR(vectorOf(table, "a"), row({1, 2}), 0.0);
}

TEST(ParseEmbeddingsText, NumberSpellings) {
    const EmbeddingTable table =
        parseEmbeddingsText("w +1.5 -2e-3 1E2 .25 -0 1e-50\r\n\r\n", "numbers.txt");
    EXPECT_EIGEN_NEAR(vectorOf(table, "w"), row({1.5f, -2e-3f, 100.0f, 0.25f, 0.0f, 0.0f}), 1e-7);
}

TEST(ParseEmbeddingsText, MalformedInputNamesTheLineAndTheProblem) {
    struct Case {
        std::string text;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"", "the file is empty"},
        {"\xEF\xBB\xBF\r\n \n", "the file is empty"},
        {"a 1 2 3\nb 1 2\n", "line 2: expected 3 numbers, found 2"},
        {"a 1 2\n\nb 1 2 3\n", "line 3: expected 2 numbers, found 3"},
        {"a 1 2\nb 1 abc\n", "line 2: 'abc' is not a number"},
        {"a 1 2\nb 1,5 2\n", "line 2: '1,5' is not a number"},
        {"a 1 2\nb 1 nan\n", "line 2: value 2 is NaN/infinite"},
        {"a inf 2\n", "line 1: value 1 is NaN/infinite"},
        {"a 1e50 2\n", "line 1: value 1 ('1e50') is too large"},
        {"hello\n", "line 1: expected numbers after the word 'hello'"},
        {"3 2\na 1 2\nb 3 4\n", "the header says 3 words but the file has 2"},
        {"1 2\na 1 2\nb 3 4\n", "the header says 1 word but the file has 2"},
        {"2 3\na 1 2\nb 3 4\n", "line 2: expected 3 numbers, found 2"},
        {"\xEF\xBB\xBF"
         "2 2\r\na 1 2\r\nb 3\r\n",
         "line 3: expected 2 numbers, found 1"},
        {"0 3\n", "no word vectors"},
        {"2 0\na\nb\n", "line 1: the header gives the dimension as 0"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("input: \"" + c.text + "\"");
        const std::string message = inputErrorOf([&] { parseEmbeddingsText(c.text, "mem.txt"); });
        EXPECT_CONTAINS(message, "mem.txt: ");
        EXPECT_CONTAINS(message, c.expected);
    }
}

// ---- word2vec binary ----

namespace {

struct BinaryWord {
    std::string word;
    std::vector<float> values;
    bool newline = true;
};

std::string word2vecBinary(const std::string& header, const std::vector<BinaryWord>& words) {
    std::string bytes = header;
    for (const BinaryWord& w : words) {
        bytes += w.word + ' ';
        for (float value : w.values) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &value, 4);
            for (int shift = 0; shift < 32; shift += 8) // little-endian on every host
                bytes += static_cast<char>((bits >> shift) & 0xFFu);
        }
        if (w.newline)
            bytes += '\n';
    }
    return bytes;
}

class TempDir {
public:
    TempDir() {
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path = std::filesystem::temp_directory_path() /
                 ("attnlab_test_embeddings_" + std::to_string(stamp));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string path = (m_path / name).string();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    std::string path() const { return m_path.string(); }

private:
    std::filesystem::path m_path;
};

const std::vector<BinaryWord> kBinaryWords = {
    {"alpha", {1.0f, -2.5f, 0.125f}, true},
    {"猫", {3.0f, 0.0f, -1e-3f}, false}, // some writers omit the newline
    {"Gamma", {-7.0f, 8.5f, 1e20f}, true},
};

} // namespace

TEST(LoadEmbeddingsFile, Word2VecBinary) {
    const TempDir dir;
    const std::string bytes = word2vecBinary("3 3\n", kBinaryWords);
    for (const std::string name : {"small.bin", "SMALL.BIN"}) {
        SCOPED_TRACE(name);
        const EmbeddingTable table = loadEmbeddingsFile(dir.write(name, bytes));
        ASSERT_EQ(table.dimension(), 3);
        ASSERT_EQ(table.size(), 3u);
        EXPECT_EQ(table.word(0), "alpha");
        EXPECT_EQ(table.word(1), "猫");
        for (const BinaryWord& w : kBinaryWords)
            EXPECT_EIGEN_NEAR(vectorOf(table, w.word), row({w.values[0], w.values[1], w.values[2]}),
                              0.0);
        EXPECT_EQ(table.find("Gamma"), 2);
        EXPECT_EQ(table.find("ALPHA"), 0);
    }
}

TEST(ParseEmbeddingsWord2VecBinary, MalformedFilesAreRejectedClearly) {
    const std::string good = word2vecBinary("3 3\n", kBinaryWords);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    struct Case {
        std::string bytes;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"", "the file is empty"},
        {"3 3", "missing its end of line"},
        {"abc\n", "not a word2vec binary file"},
        {"3\n", "not a word2vec binary file"},
        {"3 x\n", "not a word2vec binary file"},
        {"3 0\nabc", "dimension as 0"},
        {"0 3\n", "no words"},
        {"9 3\n" + good.substr(4), "header announces 9 words of 3 numbers"},
        {good.substr(0, good.size() - 5), "is cut off; the file is truncated"},
        {"1 2\nabcdefghijkl", "word 1 of 1 is cut off before its numbers"},
        {"2 3\n" + good.substr(4), "continues after the 2 words"},
        {word2vecBinary("2 3\n", {{"a", {1, 2, 3}}, {"b", {1, nan, 3}}}),
         "word 2 of 2 ('b'): value 2 is NaN/infinite"},
        {word2vecBinary("1 2\n", {{"a", {std::numeric_limits<float>::infinity(), 0}}}),
         "word 1 of 1 ('a'): value 1 is NaN/infinite"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("expecting: " + c.expected);
        const std::string message =
            inputErrorOf([&] { parseEmbeddingsWord2VecBinary(c.bytes, "mem.bin"); });
        EXPECT_CONTAINS(message, "mem.bin: ");
        EXPECT_CONTAINS(message, c.expected);
    }
}

// ---- file errors ----

TEST(LoadEmbeddingsFile, MissingFileAndDirectoryThrowFileError) {
    const std::string missing = kDataDir + "/no_such_file.vec";
    try {
        loadEmbeddingsFile(missing);
        ADD_FAILURE() << "no exception for a missing file";
    } catch (const FileError& error) {
        EXPECT_CONTAINS(std::string(error.what()), "cannot open '" + missing + "'");
    }
    try {
        loadEmbeddingsFile(kDataDir);
        ADD_FAILURE() << "no exception for a directory";
    } catch (const FileError& error) {
        EXPECT_CONTAINS(std::string(error.what()), "cannot open '" + kDataDir + "'");
        EXPECT_CONTAINS(std::string(error.what()), "directory");
    }
}

TEST(LoadEmbeddingsFile, MalformedFileNamesThePath) {
    const TempDir dir;
    const std::string path = dir.write("bad.txt", "a 1 2\nb 1\n");
    EXPECT_CONTAINS(inputErrorOf([&] { loadEmbeddingsFile(path); }),
                    path + ": line 2: expected 2 numbers, found 1");
}

// ---- the parallel loader (issue 6) ----

namespace {

/// Everything a caller can observe of a table, for comparing two loads.
void expectSameTable(const EmbeddingTable& actual, const EmbeddingTable& expected) {
    ASSERT_EQ(actual.dimension(), expected.dimension());
    ASSERT_EQ(actual.size(), expected.size());
    for (int i = 0; i < static_cast<int>(expected.size()); ++i) {
        ASSERT_EQ(actual.word(i), expected.word(i)) << "row " << i;
        ASSERT_EQ(actual.find(expected.word(i)), i) << expected.word(i);
        ASSERT_TRUE((actual.vector(i).array() == expected.vector(i).array()).all()) << "row " << i;
    }
    EXPECT_EQ(actual.rms(), expected.rms());
}

/// A text file with the awkward parts of real ones: optional header and BOM, CRLF, blank and
/// whitespace-only lines, leading and trailing blanks, tabs, duplicates, '+' and exponents.
std::string awkwardText(int words, int dimension, bool header, std::uint64_t seed) {
    std::string text =
        header ? "\xEF\xBB\xBF" + std::to_string(words) + " " + std::to_string(dimension) + "\r\n"
               : std::string("\n \t\n");
    std::uint64_t state = seed;
    const auto next = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int w = 0; w < words; ++w) {
        if (next() % 5 == 0)
            text += next() % 2 ? "\r\n" : "  \t \n";
        if (next() % 7 == 0)
            text += "\t ";
        // Every ninth word repeats an earlier one; the file still has `words` word lines.
        text += (w > 3 && w % 9 == 0) ? "word" + std::to_string(w / 3) : "word" + std::to_string(w);
        for (int k = 0; k < dimension; ++k) {
            const auto v = static_cast<long long>(next() % 20001) - 10000;
            text += next() % 3 ? " " : "\t";
            text += (k == 0 && v > 0) ? "+" : "";
            text += std::to_string(v / 1000) + "." + std::to_string(std::llabs(v) % 1000);
            if (k == 1)
                text += "e-2";
        }
        text += next() % 2 ? "\r\n" : (next() % 2 ? " \n" : "\n");
    }
    return text;
}

EmbeddingLoadOptions blocks(std::size_t blockBytes, int threads) {
    EmbeddingLoadOptions options;
    options.blockBytes = blockBytes;
    options.threads = threads;
    return options;
}

} // namespace

TEST(ParallelLoader, AnySplitIntoBlocksGivesTheSameTable) {
    for (const bool header : {false, true}) {
        const std::string text = awkwardText(60, 5, header, header ? 7 : 8);
        const EmbeddingLoadResult reference =
            parseEmbeddingsText(text, "mem.txt", blocks(1 << 30, 1));
        ASSERT_EQ(reference.table.dimension(), 5);
        ASSERT_LT(reference.table.size(), 60u);   // duplicates were dropped …
        ASSERT_EQ(reference.warnings.size(), 1u); // … and named
        EXPECT_CONTAINS(reference.warnings[0], "repeat a word seen earlier");
        for (const std::size_t blockBytes : {1, 2, 3, 5, 17, 64, 1000}) {
            for (const int threads : {1, 2, 3}) {
                SCOPED_TRACE("header " + std::to_string(header) + ", block " +
                             std::to_string(blockBytes) + " bytes, " + std::to_string(threads) +
                             " threads");
                const EmbeddingLoadResult split =
                    parseEmbeddingsText(text, "mem.txt", blocks(blockBytes, threads));
                expectSameTable(split.table, reference.table);
                EXPECT_EQ(split.warnings, reference.warnings);
            }
        }
    }
}

TEST(ParallelLoader, FirstErrorInFileOrderWhateverTheBlocks) {
    // Two bad lines: the message must always name the first (line 5), even when another thread
    // reaches line 9 first.
    std::string text;
    for (int i = 1; i <= 12; ++i)
        text += i == 5 ? "bad 1 x\n" : (i == 9 ? "worse 1\n" : "w" + std::to_string(i) + " 1 2\n");
    for (const std::size_t blockBytes : {1, 4, 9, 30, 4096})
        for (const int threads : {1, 2, 4}) {
            SCOPED_TRACE(std::to_string(blockBytes) + " / " + std::to_string(threads));
            EXPECT_CONTAINS(inputErrorOf([&] {
                                parseEmbeddingsText(text, "mem.txt", blocks(blockBytes, threads));
                            }),
                            "mem.txt: line 5: 'x' is not a number");
        }
}

TEST(ParallelLoader, FileAndMemoryAgreeAcrossReadBuffers) {
    // Lines longer than the 1 MiB read buffer force the file reader to keep partial lines.
    const TempDir dir;
    std::string text = "short 1 2 3\n";
    const std::string longNumber = "1." + std::string(400'000, '0') + "1";
    text += "long " + longNumber + " " + longNumber + " " + longNumber + "\n";
    text += awkwardText(300, 3, false, 3).substr(4);
    const std::string path = dir.write("long_lines.txt", text);
    const EmbeddingLoadResult memory = parseEmbeddingsText(text, path, blocks(1 << 30, 1));
    EXPECT_EIGEN_NEAR(vectorOf(memory.table, "long"), row({1, 1, 1}), 0.0);
    for (const std::size_t blockBytes : {std::size_t{1000}, std::size_t{300'000}, std::size_t{0}})
        for (const int threads : {1, 2}) {
            SCOPED_TRACE(blockBytes);
            const EmbeddingLoadResult file = loadEmbeddings(path, blocks(blockBytes, threads));
            expectSameTable(file.table, memory.table);
        }
}

TEST(ParallelLoader, LineLongerThan16MiBIsRejectedWithItsNumber) {
    std::string text = "a 1 2\nb 3 4\n";
    text += "c " + std::string((16u << 20) + 10, '7') + "\n";
    text += "d 5 6\n";
    for (const std::size_t blockBytes : {std::size_t{0}, std::size_t{1} << 20})
        EXPECT_CONTAINS(
            inputErrorOf([&] { parseEmbeddingsText(text, "big.txt", blocks(blockBytes, 2)); }),
            "big.txt: line 3: the line is longer than 16 MiB");
}

TEST(ParallelLoader, LyingHeaderNeverAllocatesForItsCount) {
    // The header's count is only compared, never used to size anything.
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsText("2000000000 3\na 1 2 3\n", "lie.txt"); }),
                    "the header says 2000000000 words but the file has 1");
    // Many short lines under a wide header: they cannot all hold 4096 numbers, so the loader
    // looks for the bad line without allocating 4096 floats per line.
    std::string text = "100000 4096\n";
    for (int i = 0; i < 100000; ++i)
        text += "w 1\n";
    EXPECT_CONTAINS(inputErrorOf([&] { parseEmbeddingsText(text, "wide.txt", blocks(4096, 2)); }),
                    "wide.txt: line 2: expected 4096 numbers, found 1");
}

TEST(ParallelLoader, DimensionAboveTheLimitIsRejected) {
    std::string line = "w";
    for (int k = 0; k <= kMaxEmbeddingDimension; ++k)
        line += " 0";
    EXPECT_CONTAINS(inputErrorOf([&] { parseEmbeddingsText(line + "\n", "wide.txt"); }),
                    "line 1: the word 'w' has 4097 numbers; vectors may have at most 4096");
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsText("1 5000\nw 1\n", "h.vec"); }),
                    "line 1: the header gives the dimension as 5000; it must be at least 1 and "
                    "at most 4096");
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsWord2VecBinary("1 5000\nw ", "h.bin"); }),
                    "dimension as 5000");
}

TEST(ParallelLoader, BinaryDataGivenAsTextIsNamedAsSuch) {
    std::string bytes = word2vecBinary("3 3\n", kBinaryWords);
    bytes += std::string(4, '\0');
    const TempDir dir;
    EXPECT_CONTAINS(inputErrorOf([&] { loadEmbeddingsFile(dir.write("vectors.txt", bytes)); }),
                    "is 0); text embeddings are lines of a word and its numbers");
    // Control bytes in a message are escaped, so the message stays readable.
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsText("w 1 \x1b[31m\n", "esc.txt"); }),
                    "'\\x1B[31m' is not a number");
}

TEST(ParallelLoader, ProgressRisesToTotalOnTheCallingThread) {
    const std::string text = awkwardText(2000, 8, true, 11);
    std::vector<std::pair<std::int64_t, std::int64_t>> calls;
    const std::thread::id caller = std::this_thread::get_id();
    bool otherThread = false;
    EmbeddingLoadOptions options = blocks(512, 2);
    options.progress = [&](std::int64_t done, std::int64_t total) {
        calls.emplace_back(done, total);
        otherThread = otherThread || std::this_thread::get_id() != caller;
        return true;
    };
    parseEmbeddingsText(text, "mem.txt", options);
    ASSERT_GE(calls.size(), 3u);
    EXPECT_FALSE(otherThread);
    EXPECT_EQ(calls.front().first, 0);
    EXPECT_EQ(calls.back().first, calls.back().second);
    EXPECT_EQ(calls.back().second, 2 * static_cast<std::int64_t>(text.size()));
    for (std::size_t i = 1; i < calls.size(); ++i) {
        EXPECT_GE(calls[i].first, calls[i - 1].first) << "call " << i;
        EXPECT_EQ(calls[i].second, calls[0].second);
    }
}

TEST(ParallelLoader, CancelStopsTheLoad) {
    const TempDir dir;
    // About 20 MB: several default 4 MiB blocks, as a large file would have.
    std::string text;
    const std::string numbers = " 0.125 -1.5 2.25 3.0 -0.5 0.75 1.0 -2.0\n";
    for (int w = 0; text.size() < (20u << 20); ++w)
        text += "w" + std::to_string(w) + numbers;
    const std::string path = dir.write("large.txt", text);
    for (const int stopAtCall : {1, 3}) {
        SCOPED_TRACE(stopAtCall);
        int calls = 0;
        int callsAfterCancel = 0;
        EmbeddingLoadOptions options;
        options.threads = 2;
        options.progress = [&](std::int64_t, std::int64_t) {
            if (calls >= stopAtCall)
                ++callsAfterCancel;
            return ++calls < stopAtCall;
        };
        EXPECT_THROW(loadEmbeddings(path, options), Cancelled);
        EXPECT_EQ(calls, stopAtCall);
        EXPECT_EQ(callsAfterCancel, 0);
    }
    // Not cancelled, the same file loads.
    EXPECT_GT(loadEmbeddingsFile(path).size(), 400'000u);
}

TEST(ParallelLoader, Word2VecBinaryReportsProgressAndCancels) {
    const TempDir dir;
    std::vector<BinaryWord> words;
    for (int w = 0; w < 30000; ++w)
        words.push_back({"w" + std::to_string(w), std::vector<float>(50, 0.5f), true});
    const std::string path = dir.write("many.bin", word2vecBinary("30000 50\n", words));
    std::int64_t last = -1;
    std::int64_t total = 0;
    EmbeddingLoadOptions options;
    options.progress = [&](std::int64_t done, std::int64_t all) {
        EXPECT_GE(done, last);
        last = done;
        total = all;
        return true;
    };
    EXPECT_EQ(loadEmbeddings(path, options).table.size(), 30000u);
    EXPECT_EQ(last, total);
    options.progress = [](std::int64_t done, std::int64_t) { return done == 0; };
    EXPECT_THROW(loadEmbeddings(path, options), Cancelled);
}

TEST(ParallelLoader, DevicesAreNotRegularFiles) {
    if (!std::filesystem::exists("/dev/null"))
        GTEST_SKIP() << "no /dev/null";
    try {
        loadEmbeddingsFile("/dev/null");
        ADD_FAILURE() << "no exception";
    } catch (const FileError& error) {
        EXPECT_CONTAINS(std::string(error.what()), "not a regular file");
    }
}

TEST(EmbeddingTable, MatrixViewsTheRowsInOrder) {
    EmbeddingTable table(2);
    table.add("a", row({1, 2}));
    table.add("b", row({3, 4}));
    table.add("a", row({5, 6}));
    const Matrix expected = (Matrix(2, 2) << 1, 2, 3, 4).finished();
    EXPECT_EIGEN_NEAR(Matrix(table.matrix()), expected, 0.0);
    EXPECT_NEAR(table.rms(), std::sqrt(30.0f / 4.0f), 1e-6f); // the duplicate does not count
}

TEST(EmbeddingTable, IndexSurvivesManyInsertions) {
    EmbeddingTable table(1);
    for (int i = 0; i < 5000; ++i)
        ASSERT_TRUE(table.add("w" + std::to_string(i), row({static_cast<float>(i)})));
    for (int i = 0; i < 5000; i += 7)
        ASSERT_EQ(table.find("w" + std::to_string(i)), i);
    EXPECT_EQ(table.find("w5000"), -1);
    EXPECT_EQ(table.find("W12"), 12); // lower-case fallback
}

// ---- the binary cache ----

namespace {

std::filesystem::file_time_type bumpModificationTime(const std::string& path) {
    const auto time = std::filesystem::last_write_time(path) + std::chrono::seconds(5);
    std::filesystem::last_write_time(path, time);
    return time;
}

} // namespace

TEST(EmbeddingCache, WrittenNextToTheFileAndReloaded) {
    const TempDir dir;
    const std::string path = dir.write("vectors.txt", awkwardText(200, 4, false, 5));
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.path() + "/cache";
    const EmbeddingLoadResult first = loadEmbeddings(path, options);
    EXPECT_FALSE(first.fromCache);
    EXPECT_EQ(first.cachePath, std::filesystem::absolute(path).string() + ".attnlab-cache");
    ASSERT_TRUE(std::filesystem::exists(first.cachePath));

    const EmbeddingLoadResult second = loadEmbeddings(path, options);
    EXPECT_TRUE(second.fromCache);
    EXPECT_EQ(second.cachePath, first.cachePath);
    expectSameTable(second.table, first.table);
    EXPECT_EQ(second.warnings, first.warnings); // the duplicate warning survives the cache
    EXPECT_EQ(second.table.find("WORD12"), first.table.find("word12"));

    // Without useCache the cache is neither read nor written.
    EXPECT_FALSE(loadEmbeddings(path, EmbeddingLoadOptions{}).fromCache);
}

TEST(EmbeddingCache, InvalidatedWhenTheFileChanges) {
    const TempDir dir;
    const std::string path = dir.write("vectors.vec", "2 2\na 1 2\nb 3 4\n");
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.path() + "/cache";
    ASSERT_FALSE(loadEmbeddings(path, options).fromCache);
    ASSERT_TRUE(loadEmbeddings(path, options).fromCache);

    // Same size, new content and a new modification time.
    dir.write("vectors.vec", "2 2\na 5 6\nb 7 8\n");
    bumpModificationTime(path);
    const EmbeddingLoadResult changed = loadEmbeddings(path, options);
    EXPECT_FALSE(changed.fromCache);
    EXPECT_EIGEN_NEAR(vectorOf(changed.table, "a"), row({5, 6}), 0.0);
    EXPECT_TRUE(loadEmbeddings(path, options).fromCache);

    // Another size, same modification time.
    const auto time = std::filesystem::last_write_time(path);
    dir.write("vectors.vec", "3 2\na 5 6\nb 7 8\nc 9 9\n");
    std::filesystem::last_write_time(path, time);
    const EmbeddingLoadResult grown = loadEmbeddings(path, options);
    EXPECT_FALSE(grown.fromCache);
    EXPECT_EQ(grown.table.size(), 3u);
}

TEST(EmbeddingCache, DamagedCachesAreIgnoredAndRewritten) {
    const TempDir dir;
    const std::string path = dir.write("vectors.txt", awkwardText(50, 3, true, 9));
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.path() + "/cache";
    const EmbeddingLoadResult reference = loadEmbeddings(path, options);
    const std::string cache = reference.cachePath;
    const std::string good = readFile(cache);
    ASSERT_GT(good.size(), 200u);

    struct Damage {
        std::string name;
        std::string bytes;
        bool mayGoUnnoticed = false; ///< inside a word or a float: no checksum covers the data
    };
    std::vector<Damage> damages = {
        {"empty", ""},
        {"truncated", good.substr(0, good.size() - 3)},
        {"longer", good + "x"},
        {"other magic", "B" + good.substr(1)},
    };
    // Every header field (byte order, version, source size and time, counts, checksum).
    for (std::size_t offset = 16; offset < 104; offset += 4) {
        std::string flipped = good;
        flipped[offset] = static_cast<char>(flipped[offset] ^ 0x40);
        damages.push_back({"header byte " + std::to_string(offset), flipped});
    }
    for (const std::size_t offset : {good.size() / 2, good.size() - 2}) {
        std::string flipped = good;
        flipped[offset] = static_cast<char>(flipped[offset] ^ 0x40);
        damages.push_back({"byte " + std::to_string(offset), flipped, true});
    }
    std::string infinite = good; // the last float becomes +inf
    const std::uint32_t infBits = 0x7F800000u;
    std::memcpy(infinite.data() + infinite.size() - 4, &infBits, 4);
    damages.push_back({"infinite value", infinite});

    for (const Damage& damage : damages) {
        SCOPED_TRACE(damage.name);
        std::ofstream(cache, std::ios::binary | std::ios::trunc) << damage.bytes;
        const EmbeddingLoadResult loaded = loadEmbeddings(path, options);
        if (loaded.fromCache) {
            EXPECT_TRUE(damage.mayGoUnnoticed) << "a damaged cache was used";
            // Unnoticed damage must still give a well-formed table of finite numbers.
            EXPECT_EQ(loaded.table.size(), reference.table.size());
            EXPECT_TRUE(loaded.table.matrix().allFinite());
            for (int i = 0; i < static_cast<int>(loaded.table.size()); ++i)
                EXPECT_GE(loaded.table.find(loaded.table.word(i)), 0);
            continue;
        }
        expectSameTable(loaded.table, reference.table);
        EXPECT_EQ(readFile(cache), good) << "the cache was not rewritten";
    }
}

TEST(EmbeddingCache, FallsBackToTheCacheFolderWhenTheFileFolderIsNotWritable) {
    const TempDir dir;
    const std::string path = dir.write("vectors.txt", "a 1 2\nb 3 4\n");
    // A directory where the cache file would go makes writing next to the file fail, for root
    // as well (permissions do not stop root).
    std::filesystem::create_directory(path + ".attnlab-cache");
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.path() + "/cache dir";
    const EmbeddingLoadResult first = loadEmbeddings(path, options);
    EXPECT_FALSE(first.fromCache);
    EXPECT_EQ(std::filesystem::path(first.cachePath).parent_path(), options.cacheDirectory);
    EXPECT_TRUE(first.warnings.empty());
    const EmbeddingLoadResult second = loadEmbeddings(path, options);
    EXPECT_TRUE(second.fromCache);
    EXPECT_EQ(second.cachePath, first.cachePath);
    expectSameTable(second.table, first.table);

    // Nowhere to write: the table still loads, with a warning that says why.
    options.cacheDirectory = path + "/not a folder";
    std::filesystem::remove_all(first.cachePath);
    const EmbeddingLoadResult nowhere = loadEmbeddings(path, options);
    EXPECT_FALSE(nowhere.fromCache);
    EXPECT_TRUE(nowhere.cachePath.empty());
    EXPECT_EQ(nowhere.table.size(), 2u);
    ASSERT_EQ(nowhere.warnings.size(), 1u);
    EXPECT_CONTAINS(nowhere.warnings[0], "could not save the cache");
}

TEST(EmbeddingCache, ReadOnlyFolderUsesTheCacheFolder) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "root may write into read-only folders; covered by the test above";
    const TempDir dir;
    const std::string folder = dir.path() + "/read-only";
    std::filesystem::create_directory(folder);
    const std::string path = folder + "/vectors.txt";
    std::ofstream(path) << "a 1 2\n";
    std::filesystem::permissions(folder, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::remove);
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.path() + "/cache";
    const EmbeddingLoadResult first = loadEmbeddings(path, options);
    std::filesystem::permissions(folder, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    EXPECT_EQ(std::filesystem::path(first.cachePath).parent_path(), options.cacheDirectory);
}

// ---- regressions found by fuzzing (tests/fuzz) ----

TEST(FuzzFindings, Word2VecEndAfterNewlinesBeforeAWord) {
    // fuzz_embeddings_word2vec, finding 1: newlines up to the end of the file where a word
    // should start made the reader search an empty buffer (memchr on a null pointer, undefined
    // behaviour caught by UBSan). Now it is the "cut off" error.
    EXPECT_CONTAINS(
        inputErrorOf([] { parseEmbeddingsWord2VecBinary("1 1\n\n\n\n\n\n\n", "f.bin"); }),
        "f.bin: word 1 of 1 is cut off before its numbers");
    std::string bytes = word2vecBinary("2 1\n", {{"a", {1.0f}, true}});
    bytes += std::string(6, '\n');
    EXPECT_CONTAINS(inputErrorOf([&] { parseEmbeddingsWord2VecBinary(bytes, "f.bin"); }),
                    "f.bin: word 2 of 2 is cut off before its numbers");
}
