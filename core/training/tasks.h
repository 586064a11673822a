#pragma once
// Tasks the program generates for training (nothing is downloaded): each gives a vocabulary,
// examples drawn from a seeded generator and, where the task has one, the ideal alignment (the
// keys a head solving it should attend to), so that the program can score each head.

#include "core/base/random.h"
#include "core/training/model_config.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::training {

enum class TaskKind {
    Copy,        ///< output the source as it is
    Reverse,     ///< output the source backwards
    Sort,        ///< output the source's tokens in ascending order
    Shift,       ///< output the source rotated left by k
    Brackets,    ///< for each bracket of a balanced string, the position of its partner
    Induction,   ///< a random sequence (of varying length) repeated: predict each repeated
                 ///< token (… A B … A → B)
    Recall,      ///< key–value pairs then a key: output its value (associative recall)
    Translation, ///< toy English → Chinese sentences with word reordering, from the lexicon
    Language,    ///< next character of a public-domain text (Tang poems or Shakespeare)
};
enum class Corpus { Tang, English };

std::string_view toString(TaskKind kind);
std::string_view toString(Corpus corpus);
/// "copy" | "reverse" | "sort" | "shift" | "brackets" | "induction" | "recall" | "translation" |
/// "language"; "tang" | "english". Throw InputError naming the choices.
TaskKind parseTaskKind(std::string_view name);
Corpus parseCorpus(std::string_view name);
const std::vector<TaskKind>& allTaskKinds();

/// What to generate. Field comments give unit, range and default; see TaskConfig's use per task
/// in trainSettingsTable().
struct TaskConfig {
    TaskKind kind = TaskKind::Reverse; ///< default reverse
    /// Tokens per example: copy, reverse, sort, shift, brackets (even), induction (the longest
    /// random part, ⌈L/2⌉ … L, repeated once), recall (pairs), language (characters); 2 … 64,
    /// default 8;
    /// translation ignores it (its sentences have 3 … 10 words).
    int length = 8;
    /// Distinct content tokens ("0" … "V−1") of copy, reverse, sort, shift, induction and
    /// recall's values: 2 … 100, default 10. Language: most frequent characters kept (the others
    /// read <unk>), 0 = all; brackets and translation ignore it.
    int vocab = 10;
    int shift = 1;                ///< shift's k; 1 … length − 1, default 1
    Corpus corpus = Corpus::Tang; ///< language's text; default tang
};

/// Throws InputError naming the first setting out of range for the task.
void validate(const TaskConfig& config);

/// Token ids ↔ text. Ids 0 … 3 are the special tokens.
class Vocabulary {
public:
    static constexpr int kPad = 0;     ///< "<pad>": fills short examples, never attended to
    static constexpr int kStart = 1;   ///< "<s>": starts the decoder (and separates source and
                                       ///< target in a decoder-only model)
    static constexpr int kUnknown = 2; ///< "<unk>": a word or character outside the vocabulary
    static constexpr int kEnd = 3;     ///< "</s>": ends a target of variable length

    Vocabulary();
    /// Adds a token (if new) and returns its id.
    int add(const std::string& token);
    int size() const { return static_cast<int>(m_tokens.size()); }
    const std::string& token(int id) const { return m_tokens[static_cast<std::size_t>(id)]; }
    const std::vector<std::string>& tokens() const { return m_tokens; }
    /// Id of `token`, or kUnknown.
    int id(std::string_view token) const;
    /// Token ids of `text`: split at spaces, or (characters) into UTF-8 code points.
    std::vector<int> encode(std::string_view text, bool characters) const;
    /// Text of `ids`, joined by spaces or (characters) directly.
    std::string decode(const std::vector<int>& ids, bool characters) const;

private:
    std::vector<std::string> m_tokens;
};

/// A key of the ideal alignment: a source token or an earlier target token.
struct IdealKey {
    bool source = true; ///< false: a target token (its index in Example::target)
    int index = 0;
};

struct Example {
    std::vector<int> source; ///< read first (encoder input, or before <s> in a decoder-only model)
    std::vector<int> target; ///< produced token by token
    int scoredFrom = 0;      ///< target tokens before this index are context only (not scored)
    /// Per target token: the keys a head doing the task attends to when predicting it (their
    /// weights add up to the alignment); empty = no ideal for that token.
    std::vector<std::vector<IdealKey>> ideal;
};

/// A task: its vocabulary and its example generator. Immutable once made; sample() is const and
/// draws only from the generator it is given, so one task serves several trainers.
class Task {
public:
    virtual ~Task() = default;
    const TaskConfig& config() const { return m_config; }
    const Vocabulary& vocabulary() const { return m_vocabulary; }
    /// Whether examples carry an ideal alignment (every task but language).
    virtual bool hasAlignment() const { return true; }
    /// Whether tokens are characters (language) rather than space-separated words.
    virtual bool characters() const { return false; }
    /// The architecture that trains the task best (see trainSettingsTable()).
    virtual Architecture preferredArchitecture() const { return Architecture::DecoderOnly; }
    /// Whether the task has a source (else only decoder-only models can learn it).
    virtual bool hasSource() const { return true; }
    /// Longest source and target an example can have.
    virtual int maxSourceLength() const = 0;
    virtual int maxTargetLength() const = 0;
    /// One example. `heldOut` selects the held-out part where a task splits its data (the
    /// language task's last tenth); generated tasks differ only by the generator they get.
    virtual Example sample(Random& rng, bool heldOut) const = 0;

protected:
    explicit Task(TaskConfig config) : m_config(config) {}
    TaskConfig m_config;
    Vocabulary m_vocabulary;
};

/// The task for `config` (validated). Throws InputError for bad settings.
std::shared_ptr<const Task> makeTask(const TaskConfig& config);

// Makers of the tasks with their own source files.
std::shared_ptr<const Task> makeTranslationTask(const TaskConfig& config);
std::shared_ptr<const Task> makeLanguageTask(const TaskConfig& config);

/// The UTF-8 code points of `text` as strings (invalid bytes become U+FFFD).
std::vector<std::string> splitCodePoints(std::string_view text);

} // namespace attnlab::core::training
