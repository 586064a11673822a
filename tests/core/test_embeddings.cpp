// Embedding tables: the built-in bilingual lexicon, lookup and insertion, hashed vectors for
// unknown tokens, and embedTokens. The file formats and their loaders are tested in
// test_embeddings_files.cpp and test_embeddings_loader.cpp.

#include "core/embeddings/embeddings.h"

#include "core/text/tokenizer.h"
#include "support/embeddings_testing.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_embeddings {

using namespace attnlab::core;
using namespace attnlab::testing;

namespace {

float cosine(const EmbeddingTable& table, std::string_view a, std::string_view b) {
    const RowVector x = vectorOf(table, a);
    const RowVector y = vectorOf(table, b);
    return x.dot(y) / (x.norm() * y.norm());
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

} // namespace test_embeddings
