// The generated training tasks: examples follow each task's rule, the ideal alignment points at
// keys that hold what the target needs, sampling repeats from a seed, the language task keeps
// its held-out text apart, and batches are laid out as the model reads them.

#include "core/base/random.h"
#include "core/embeddings/embeddings.h"
#include "core/training/batch.h"
#include "core/training/tasks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_training_tasks {

using namespace attnlab::core;
using namespace attnlab::core::training;
using attnlab::core::training::AttentionKind; // not core::AttentionKind

namespace {

std::shared_ptr<const Task> task(TaskKind kind, int length = 6, int vocab = 10) {
    TaskConfig config;
    config.kind = kind;
    config.length = length;
    config.vocab = vocab;
    config.shift = 2;
    return makeTask(config);
}

std::vector<Example> draw(const Task& t, int count, std::uint64_t seed, bool heldOut = false) {
    Random rng(seed);
    std::vector<Example> examples;
    for (int i = 0; i < count; ++i)
        examples.push_back(t.sample(rng, heldOut));
    return examples;
}

TEST(TrainingTasks, DigitTasksFollowTheirRule) {
    for (TaskKind kind : {TaskKind::Copy, TaskKind::Reverse, TaskKind::Sort, TaskKind::Shift}) {
        const auto t = task(kind);
        for (const Example& e : draw(*t, 50, 3)) {
            ASSERT_EQ(e.source.size(), 6u);
            ASSERT_EQ(e.target.size(), 6u);
            std::vector<int> expected = e.source;
            if (kind == TaskKind::Reverse)
                std::reverse(expected.begin(), expected.end());
            if (kind == TaskKind::Sort)
                std::sort(expected.begin(), expected.end()); // digit ids ascend with the digit
            if (kind == TaskKind::Shift)
                std::rotate(expected.begin(), expected.begin() + 2, expected.end());
            EXPECT_EQ(e.target, expected) << toString(kind);
            for (std::size_t t2 = 0; t2 < e.target.size(); ++t2) {
                ASSERT_FALSE(e.ideal[t2].empty());
                for (const IdealKey& key : e.ideal[t2]) {
                    ASSERT_TRUE(key.source);
                    EXPECT_EQ(e.source[static_cast<std::size_t>(key.index)], e.target[t2]);
                }
            }
        }
    }
}

TEST(TrainingTasks, ReverseIdealIsTheMirroredPosition) {
    const auto t = task(TaskKind::Reverse, 5);
    const Example e = draw(*t, 1, 9).front();
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(e.ideal[static_cast<std::size_t>(i)].size(), 1u);
        EXPECT_EQ(e.ideal[static_cast<std::size_t>(i)][0].index, 4 - i);
    }
}

TEST(TrainingTasks, BracketPartnersMatch) {
    const auto t = task(TaskKind::Brackets, 10);
    const Vocabulary& v = t->vocabulary();
    for (const Example& e : draw(*t, 100, 4)) {
        int depth = 0;
        for (int p = 0; p < 10; ++p) {
            depth += v.token(e.source[static_cast<std::size_t>(p)]) == "(" ? 1 : -1;
            ASSERT_GE(depth, 0);
            const int partner = std::stoi(v.token(e.target[static_cast<std::size_t>(p)]));
            // Partners are mutual, opposite brackets, in order.
            EXPECT_EQ(std::stoi(v.token(e.target[static_cast<std::size_t>(partner)])), p);
            EXPECT_NE(e.source[static_cast<std::size_t>(partner)],
                      e.source[static_cast<std::size_t>(p)]);
            EXPECT_EQ(v.token(e.source[static_cast<std::size_t>(std::min(p, partner))]), "(");
            EXPECT_EQ(e.ideal[static_cast<std::size_t>(p)][0].index, partner);
        }
        EXPECT_EQ(depth, 0);
    }
}

TEST(TrainingTasks, InductionRepeatsDistinctTokens) {
    const auto t = task(TaskKind::Induction, 6, 10);
    std::set<std::size_t> lengths;
    for (const Example& e : draw(*t, 60, 5)) {
        const std::size_t n = e.target.size() / 2;
        lengths.insert(n);
        ASSERT_GE(n, 3u);
        ASSERT_LE(n, 6u);
        EXPECT_TRUE(e.source.empty());
        EXPECT_EQ(e.scoredFrom, static_cast<int>(n) + 1);
        const std::set<int> distinct(e.target.begin(), e.target.begin() + n);
        EXPECT_EQ(distinct.size(), n);
        for (std::size_t i = 1; i < n; ++i) {
            const auto& keys = e.ideal[n + i];
            ASSERT_EQ(keys.size(), 1u);
            EXPECT_FALSE(keys[0].source);
            // The ideal key holds the token being predicted.
            EXPECT_EQ(e.target[static_cast<std::size_t>(keys[0].index)], e.target[n + i]);
        }
    }
    EXPECT_EQ(lengths.size(), 4u) << "the repeated part's length varies from 3 to 6";
}

TEST(TrainingTasks, RecallAnswersTheAskedKey) {
    const auto t = task(TaskKind::Recall, 4, 10);
    for (const Example& e : draw(*t, 30, 6)) {
        ASSERT_EQ(e.source.size(), 9u);
        ASSERT_EQ(e.target.size(), 1u);
        const int asked = e.source.back();
        const int at = e.ideal[0][0].index;
        EXPECT_EQ(e.source[static_cast<std::size_t>(at - 1)], asked);
        EXPECT_EQ(e.source[static_cast<std::size_t>(at)], e.target[0]);
    }
}

TEST(TrainingTasks, TranslationAlignsWordsOfOneConcept) {
    const auto t = task(TaskKind::Translation);
    const Vocabulary& v = t->vocabulary();
    std::map<std::string, std::string> conceptOf;
    for (const LexiconConcept& c : builtinLexiconConcepts()) {
        for (const std::string& w : c.english)
            conceptOf.emplace(w, c.name);
        for (const std::string& w : c.chinese)
            conceptOf.emplace(w, c.name);
    }
    bool reordered = false;
    for (const Example& e : draw(*t, 200, 7)) {
        ASSERT_FALSE(e.source.empty());
        ASSERT_EQ(e.target.back(), Vocabulary::kEnd);
        int previous = -1;
        for (std::size_t i = 0; i + 1 < e.target.size(); ++i) {
            ASSERT_EQ(e.ideal[i].size(), 1u);
            const std::string& chinese = v.token(e.target[i]);
            const std::string& english =
                v.token(e.source[static_cast<std::size_t>(e.ideal[i][0].index)]);
            EXPECT_EQ(conceptOf.at(chinese), conceptOf.at(english)) << chinese << " / " << english;
            reordered = reordered || e.ideal[i][0].index < previous;
            previous = e.ideal[i][0].index;
        }
        EXPECT_TRUE(e.ideal.back().empty());
    }
    EXPECT_TRUE(reordered) << "the templates must reorder words";
    EXPECT_EQ(t->preferredArchitecture(), Architecture::EncoderDecoder);
}

TEST(TrainingTasks, LanguageHeldOutTextIsSeparate) {
    for (Corpus corpus : {Corpus::Tang, Corpus::English}) {
        TaskConfig config;
        config.kind = TaskKind::Language;
        config.length = 16;
        config.vocab = 0;
        config.corpus = corpus;
        const auto t = makeTask(config);
        EXPECT_TRUE(t->characters());
        EXPECT_FALSE(t->hasAlignment());
        // Held-out windows never overlap training windows: compare 16-character strings.
        std::set<std::vector<int>> training;
        for (const Example& e : draw(*t, 2000, 8))
            training.insert(e.target);
        for (const Example& e : draw(*t, 200, 9, true)) {
            EXPECT_EQ(e.target.size(), 16u);
            EXPECT_EQ(training.count(e.target), 0u);
        }
    }
}

TEST(TrainingTasks, LanguageVocabularyCapUsesUnknown) {
    TaskConfig config;
    config.kind = TaskKind::Language;
    config.vocab = 50;
    const auto t = makeTask(config);
    EXPECT_EQ(t->vocabulary().size(), 54); // 4 special tokens
    bool unknown = false;
    for (const Example& e : draw(*t, 50, 10))
        unknown = unknown || std::count(e.target.begin(), e.target.end(), Vocabulary::kUnknown);
    EXPECT_TRUE(unknown);
}

TEST(TrainingTasks, SamplingRepeatsFromASeed) {
    for (TaskKind kind : allTaskKinds()) {
        TaskConfig config;
        config.kind = kind;
        const auto t = makeTask(config);
        const auto a = draw(*t, 5, 11);
        const auto b = draw(*t, 5, 11);
        const auto c = draw(*t, 5, 12);
        bool differs = false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].source, b[i].source);
            EXPECT_EQ(a[i].target, b[i].target);
            differs = differs || a[i].target != c[i].target;
        }
        EXPECT_TRUE(differs) << toString(kind);
    }
}

TEST(TrainingTasks, VocabularyRoundTrip) {
    const auto t = task(TaskKind::Reverse);
    const Vocabulary& v = t->vocabulary();
    const std::vector<int> ids = v.encode("3 1 4 1 5", false);
    EXPECT_EQ(v.decode(ids, false), "3 1 4 1 5");
    EXPECT_EQ(v.encode("x", false), std::vector<int>{Vocabulary::kUnknown});
    EXPECT_EQ(splitCodePoints("床前a"), (std::vector<std::string>{"床", "前", "a"}));
}

TEST(TrainingTasks, BadSettingsAreRefused) {
    TaskConfig config;
    config.kind = TaskKind::Brackets;
    config.length = 7;
    EXPECT_THROW(makeTask(config), InputError);
    config.kind = TaskKind::Shift;
    config.shift = 8;
    config.length = 8;
    EXPECT_THROW(makeTask(config), InputError);
    config.kind = TaskKind::Reverse;
    config.vocab = 1;
    EXPECT_THROW(makeTask(config), InputError);
    EXPECT_THROW(parseTaskKind("revers"), InputError);
}

TEST(TrainingBatch, DecoderOnlyLayout) {
    Example e;
    e.source = {10, 11, 12};
    e.target = {12, 11, 10};
    e.ideal = {{{true, 2}}, {{true, 1}}, {{true, 0}}};
    Example shorter = e;
    shorter.source = {10};
    shorter.target = {10};
    shorter.ideal = {{{true, 0}}};
    const LaidOutBatch laid = layOut({e, shorter}, Architecture::DecoderOnly);
    EXPECT_EQ(laid.batch.decoderLength, 6);
    EXPECT_EQ(laid.batch.decoderTokens,
              (std::vector<int>{10, 11, 12, 1, 12, 11, 10, 1, 0, 0, 0, 0}));
    EXPECT_EQ(laid.batch.targets,
              (std::vector<int>{-1, -1, -1, 12, 11, 10, -1, 10, -1, -1, -1, -1}));
    ASSERT_EQ(laid.ideal.size(), 4u);
    EXPECT_EQ(laid.ideal[0].query, 3);
    EXPECT_EQ(laid.ideal[0].keys, std::vector<int>{2});
    EXPECT_EQ(laid.ideal[3].example, 1);
    EXPECT_EQ(laid.ideal[3].query, 1);
    EXPECT_EQ(laid.decoderLengths, (std::vector<int>{6, 2}));
}

TEST(TrainingBatch, EncoderDecoderLayoutAndTargetSideKeys) {
    Example e;
    e.source = {10, 11};
    e.target = {20, 21, 22};
    e.ideal = {{{true, 1}}, {{false, 0}}, {}};
    const LaidOutBatch laid = layOut({e}, Architecture::EncoderDecoder);
    EXPECT_EQ(laid.batch.encoderTokens, (std::vector<int>{10, 11}));
    EXPECT_EQ(laid.batch.decoderTokens, (std::vector<int>{1, 20, 21}));
    EXPECT_EQ(laid.batch.targets, (std::vector<int>{20, 21, 22}));
    ASSERT_EQ(laid.ideal.size(), 2u);
    EXPECT_EQ(laid.ideal[0].kind, AttentionKind::Cross);
    EXPECT_EQ(laid.ideal[1].kind, AttentionKind::DecoderSelf);
    EXPECT_EQ(laid.ideal[1].keys, std::vector<int>{1}); // target 0 sits at decoder position 1
    Example noSource;
    noSource.target = {5};
    EXPECT_THROW(layOut({noSource}, Architecture::EncoderDecoder), InputError);
}

} // namespace

} // namespace test_training_tasks
