// The toy English → Chinese translation task. Sentences follow five templates whose Chinese
// word order differs from the English one (time and place move before the verb, "the X of the
// Y" becomes "Y 的 X"); the words are the base forms of concepts of the built-in lexicon. The
// model's embeddings are learned from scratch, so love → 爱 is learned, not read from shared
// lexicon vectors.

#include "core/embeddings/embeddings.h"
#include "core/training/tasks.h"

#include <map>
#include <utility>

namespace attnlab::core::training {
namespace {

// Concepts of resources/lexicon/lexicon.tsv by role; each gives its first English and first
// Chinese form.
constexpr const char* kPronouns[] = {"i", "you", "he", "she", "we", "they"};
constexpr const char* kAgents[] = {"cat",   "dog",    "bird",   "teacher", "student",
                                   "child", "friend", "mother", "father",  "doctor"};
constexpr const char* kVerbs[] = {"eat", "drink", "see",   "like", "love", "want",
                                  "buy", "read",  "write", "make", "find", "take"};
constexpr const char* kObjects[] = {"apple", "bread", "rice", "water", "tea", "book",  "pen",
                                    "cake",  "fish",  "milk", "box",   "bag", "flower"};
constexpr const char* kPlaces[] = {"school",     "park", "library", "shop",   "hospital",
                                   "restaurant", "room", "city",    "office", "station"};
constexpr const char* kTimes[] = {"today", "tomorrow", "yesterday", "now"};

struct Word {
    std::string english, chinese;
};

class TranslationTask : public Task {
public:
    explicit TranslationTask(const TaskConfig& config) : Task(config) {
        std::map<std::string, Word> words;
        for (const LexiconConcept& c : builtinLexiconConcepts())
            words[c.name] = {c.english.empty() ? std::string() : c.english.front(),
                             c.chinese.empty() ? std::string() : c.chinese.front()};
        const auto pick = [&](const auto& names, std::vector<Word>& into) {
            for (const char* name : names) {
                const auto it = words.find(name);
                if (it == words.end() || it->second.english.empty() || it->second.chinese.empty())
                    throw std::logic_error(std::string("the lexicon lacks the concept ") + name);
                into.push_back(it->second);
            }
        };
        pick(kPronouns, m_pronouns);
        pick(kAgents, m_agents);
        pick(kVerbs, m_verbs);
        pick(kObjects, m_objects);
        pick(kPlaces, m_places);
        pick(kTimes, m_times);
        m_the = words.at("the").english;
        m_in = words.at("in");
        m_of = words.at("of");
        // English words first, then Chinese, in a fixed order.
        for (const auto* list : {&m_pronouns, &m_agents, &m_verbs, &m_objects, &m_places, &m_times})
            for (const Word& w : *list)
                m_vocabulary.add(w.english);
        m_vocabulary.add(m_the);
        m_vocabulary.add(m_in.english);
        m_vocabulary.add(m_of.english);
        for (const auto* list : {&m_pronouns, &m_agents, &m_verbs, &m_objects, &m_places, &m_times})
            for (const Word& w : *list)
                m_vocabulary.add(w.chinese);
        m_vocabulary.add(m_in.chinese);
        m_vocabulary.add(m_of.chinese);
    }

    Architecture preferredArchitecture() const override { return Architecture::EncoderDecoder; }
    int maxSourceLength() const override { return 12; }
    int maxTargetLength() const override { return 9; }

    Example sample(Random& rng, bool) const override {
        Sentence s;
        const auto one = [&](const std::vector<Word>& list) -> const Word& {
            return list[static_cast<std::size_t>(rng.nextBits() % list.size())];
        };
        const int form = static_cast<int>(rng.nextBits() % 5);
        const bool withPlace = form == 1 || form == 3 || (form == 4 && rng.nextBits() % 2 == 0);
        const bool withTime = form == 2 || form == 3;
        // Subject: a pronoun, an agent ("the cat") or, form 4, "the X of the Y" → "Y 的 X".
        int subject = -1, owner = -1, of = -1;
        if (form == 4) {
            const Word& thing = one(m_agents);
            const Word& whose = one(m_agents);
            s.english(m_the);
            subject = s.english(thing.english);
            of = s.english(m_of.english);
            s.english(m_the);
            owner = s.english(whose.english);
            s.chinese(whose.chinese, owner);
            s.chinese(m_of.chinese, of);
            s.chinese(thing.chinese, subject);
        } else if (rng.nextBits() % 2 == 0) {
            const Word& who = one(m_pronouns);
            subject = s.english(who.english);
            s.chinese(who.chinese, subject);
        } else {
            const Word& who = one(m_agents);
            s.english(m_the);
            subject = s.english(who.english);
            s.chinese(who.chinese, subject);
        }
        const Word& verb = one(m_verbs);
        const Word& object = one(m_objects);
        const int verbAt = s.english(verb.english);
        s.english(m_the);
        const int objectAt = s.english(object.english);
        int inAt = -1, placeAt = -1, timeAt = -1;
        const Word* place = nullptr;
        const Word* time = nullptr;
        if (withPlace) {
            place = &one(m_places);
            inAt = s.english(m_in.english);
            s.english(m_the);
            placeAt = s.english(place->english);
        }
        if (withTime) {
            time = &one(m_times);
            timeAt = s.english(time->english);
        }
        // Chinese order: subject, time, 在 place, verb, object.
        if (time)
            s.chinese(time->chinese, timeAt);
        if (place) {
            s.chinese(m_in.chinese, inAt);
            s.chinese(place->chinese, placeAt);
        }
        s.chinese(verb.chinese, verbAt);
        s.chinese(object.chinese, objectAt);

        Example e;
        for (const std::string& w : s.englishWords)
            e.source.push_back(m_vocabulary.id(w));
        for (std::size_t t = 0; t < s.chineseWords.size(); ++t) {
            e.target.push_back(m_vocabulary.id(s.chineseWords[t]));
            e.ideal.push_back({{true, s.alignment[t]}});
        }
        e.target.push_back(Vocabulary::kEnd);
        e.ideal.emplace_back(); // the end of the sentence has no source word
        return e;
    }

private:
    struct Sentence {
        std::vector<std::string> englishWords, chineseWords;
        std::vector<int> alignment; ///< per Chinese word, its English word's index
        int english(const std::string& word) {
            englishWords.push_back(word);
            return static_cast<int>(englishWords.size()) - 1;
        }
        void chinese(const std::string& word, int alignedTo) {
            chineseWords.push_back(word);
            alignment.push_back(alignedTo);
        }
    };

    std::vector<Word> m_pronouns, m_agents, m_verbs, m_objects, m_places, m_times;
    std::string m_the;
    Word m_in, m_of;
};

} // namespace

std::shared_ptr<const Task> makeTranslationTask(const TaskConfig& config) {
    return std::make_shared<TranslationTask>(config);
}

} // namespace attnlab::core::training
