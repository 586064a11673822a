#include "core/embeddings.h"

#include "core/tokenizer.h"
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
#include <vector>

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

bool isChineseWord(const std::string& word) {
    // Lead byte of a UTF-8 encoded CJK unified ideograph (U+4E00 … U+9FFF).
    const auto lead = static_cast<unsigned char>(word.empty() ? 0 : word[0]);
    return lead >= 0xE4 && lead <= 0xE9;
}

bool isEnglishWord(const std::string& word) {
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
