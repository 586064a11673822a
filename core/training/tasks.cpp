#include "core/training/tasks.h"

#include "core/training/format.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <utility>

namespace attnlab::core::training {
namespace {

constexpr NameTable<TaskKind, 9> kTaskNames{{
    {TaskKind::Copy, "copy"},
    {TaskKind::Reverse, "reverse"},
    {TaskKind::Sort, "sort"},
    {TaskKind::Shift, "shift"},
    {TaskKind::Brackets, "brackets"},
    {TaskKind::Induction, "induction"},
    {TaskKind::Recall, "recall"},
    {TaskKind::Translation, "translation"},
    {TaskKind::Language, "language"},
}};
constexpr NameTable<Corpus, 2> kCorpusNames{{
    {Corpus::Tang, "tang"},
    {Corpus::English, "english"},
}};

int uniformInt(Random& rng, int count) {
    // Modulo bias is below 2^-57 for the small counts used here.
    return static_cast<int>(rng.nextBits() % static_cast<std::uint64_t>(count));
}

// ---- tasks on sequences of digits ----

class DigitTask : public Task {
public:
    explicit DigitTask(const TaskConfig& config) : Task(config) {
        for (int v = 0; v < config.vocab; ++v)
            m_first = std::min(m_first, m_vocabulary.add(std::to_string(v)));
    }
    int maxSourceLength() const override { return m_config.length; }
    int maxTargetLength() const override { return m_config.length; }

    Example sample(Random& rng, bool) const override {
        const int n = m_config.length;
        Example e;
        std::vector<int> values(static_cast<std::size_t>(n));
        for (int& v : values)
            v = uniformInt(rng, m_config.vocab);
        for (int v : values)
            e.source.push_back(m_first + v);
        std::vector<int> order(static_cast<std::size_t>(n)); // source index of each target token
        switch (m_config.kind) {
        case TaskKind::Copy:
            std::iota(order.begin(), order.end(), 0);
            break;
        case TaskKind::Reverse:
            for (int t = 0; t < n; ++t)
                order[static_cast<std::size_t>(t)] = n - 1 - t;
            break;
        case TaskKind::Shift:
            for (int t = 0; t < n; ++t)
                order[static_cast<std::size_t>(t)] = (t + m_config.shift) % n;
            break;
        default: // sort
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
                return values[static_cast<std::size_t>(a)] < values[static_cast<std::size_t>(b)];
            });
            break;
        }
        for (int t = 0; t < n; ++t) {
            const int from = order[static_cast<std::size_t>(t)];
            e.target.push_back(e.source[static_cast<std::size_t>(from)]);
            std::vector<IdealKey> keys;
            if (m_config.kind == TaskKind::Sort) {
                // Equal tokens are interchangeable: any of them is the right key.
                for (int s = 0; s < n; ++s)
                    if (e.source[static_cast<std::size_t>(s)] == e.target.back())
                        keys.push_back({true, s});
            } else {
                keys.push_back({true, from});
            }
            e.ideal.push_back(std::move(keys));
        }
        return e;
    }

private:
    int m_first = 1 << 30;
};

class BracketTask : public Task {
public:
    explicit BracketTask(const TaskConfig& config) : Task(config) {
        m_open = m_vocabulary.add("(");
        m_close = m_vocabulary.add(")");
        for (int p = 0; p < config.length; ++p)
            m_positions.push_back(m_vocabulary.add(std::to_string(p)));
    }
    int maxSourceLength() const override { return m_config.length; }
    int maxTargetLength() const override { return m_config.length; }

    Example sample(Random& rng, bool) const override {
        // A uniformly random balanced string would need Catalan counting; this walk (open while
        // both are possible with probability ½) gives every balanced string a chance.
        const int n = m_config.length;
        Example e;
        std::vector<int> stack;
        std::vector<int> partner(static_cast<std::size_t>(n), 0);
        int open = 0;
        for (int p = 0; p < n; ++p) {
            const int remaining = n - p;
            const bool mustClose = open == remaining;
            const bool mustOpen = open == 0;
            const bool opens = mustOpen || (!mustClose && uniformInt(rng, 2) == 0);
            if (opens) {
                stack.push_back(p);
                ++open;
                e.source.push_back(m_open);
            } else {
                const int match = stack.back();
                stack.pop_back();
                --open;
                partner[static_cast<std::size_t>(p)] = match;
                partner[static_cast<std::size_t>(match)] = p;
                e.source.push_back(m_close);
            }
        }
        for (int p = 0; p < n; ++p) {
            const int match = partner[static_cast<std::size_t>(p)];
            e.target.push_back(m_positions[static_cast<std::size_t>(match)]);
            e.ideal.push_back({{true, match}});
        }
        return e;
    }

private:
    int m_open = 0, m_close = 0;
    std::vector<int> m_positions;
};

class InductionTask : public Task {
public:
    explicit InductionTask(const TaskConfig& config) : Task(config) {
        for (int v = 0; v < config.vocab; ++v)
            m_tokens.push_back(m_vocabulary.add(std::to_string(v)));
    }
    bool hasSource() const override { return false; }
    int maxSourceLength() const override { return 0; }
    int maxTargetLength() const override { return 2 * m_config.length; }

    Example sample(Random& rng, bool) const override {
        // The random part has a random length from ⌈L/2⌉ to L, so the distance to the earlier
        // occurrence differs between examples and only a content-based (induction) lookup
        // solves the task, not a fixed positional offset. Its tokens are distinct when the
        // vocabulary allows, so that each repeated token has one earlier occurrence.
        const int longest = m_config.length;
        const int shortest = (longest + 1) / 2;
        const int n = shortest + uniformInt(rng, longest - shortest + 1);
        const bool distinct = static_cast<int>(m_tokens.size()) >= n;
        std::vector<int> pool = m_tokens;
        std::vector<int> part;
        for (int p = 0; p < n; ++p) {
            const int pick = uniformInt(rng, static_cast<int>(pool.size()));
            part.push_back(pool[static_cast<std::size_t>(pick)]);
            if (distinct)
                pool.erase(pool.begin() + pick);
        }
        Example e;
        e.target = part;
        e.target.insert(e.target.end(), part.begin(), part.end());
        // Predicting target[n + i] = x_i from x_{i−1}: the head should attend to the token
        // after x_{i−1}'s first occurrence, target index i. target[n] (x_0) follows nothing
        // seen before, so scoring starts at n + 1.
        e.scoredFrom = n + 1;
        e.ideal.resize(e.target.size());
        for (int i = 1; i < n; ++i)
            e.ideal[static_cast<std::size_t>(n) + static_cast<std::size_t>(i)] = {{false, i}};
        return e;
    }

private:
    std::vector<int> m_tokens;
};

class RecallTask : public Task {
public:
    explicit RecallTask(const TaskConfig& config) : Task(config) {
        for (int k = 0; k < config.length; ++k)
            m_keys.push_back(m_vocabulary.add(std::string(1, static_cast<char>('a' + k))));
        for (int v = 0; v < config.vocab; ++v)
            m_values.push_back(m_vocabulary.add(std::to_string(v)));
    }
    int maxSourceLength() const override { return 2 * m_config.length + 1; }
    int maxTargetLength() const override { return 1; }

    Example sample(Random& rng, bool) const override {
        const int n = m_config.length;
        std::vector<int> keys = m_keys;
        for (int i = n - 1; i > 0; --i) // Fisher–Yates
            std::swap(keys[static_cast<std::size_t>(i)],
                      keys[static_cast<std::size_t>(uniformInt(rng, i + 1))]);
        Example e;
        std::vector<int> values;
        for (int i = 0; i < n; ++i) {
            values.push_back(m_values[static_cast<std::size_t>(
                uniformInt(rng, static_cast<int>(m_values.size())))]);
            e.source.push_back(keys[static_cast<std::size_t>(i)]);
            e.source.push_back(values.back());
        }
        const int asked = uniformInt(rng, n);
        e.source.push_back(keys[static_cast<std::size_t>(asked)]);
        e.target.push_back(values[static_cast<std::size_t>(asked)]);
        e.ideal.push_back({{true, 2 * asked + 1}}); // the value next to the asked key
        return e;
    }

private:
    std::vector<int> m_keys, m_values;
};

} // namespace

std::string_view toString(TaskKind kind) {
    return nameOf(kTaskNames, kind);
}
std::string_view toString(Corpus corpus) {
    return nameOf(kCorpusNames, corpus);
}
TaskKind parseTaskKind(std::string_view name) {
    return parseName(kTaskNames, name, "task");
}
Corpus parseCorpus(std::string_view name) {
    return parseName(kCorpusNames, name, "corpus");
}
const std::vector<TaskKind>& allTaskKinds() {
    static const std::vector<TaskKind> kinds = [] {
        std::vector<TaskKind> result;
        for (const auto& entry : kTaskNames)
            result.push_back(entry.first);
        return result;
    }();
    return kinds;
}

void validate(const TaskConfig& config) {
    checkRange("the task length", config.length, 2, 64);
    switch (config.kind) {
    case TaskKind::Copy:
    case TaskKind::Reverse:
    case TaskKind::Sort:
    case TaskKind::Shift:
    case TaskKind::Induction:
    case TaskKind::Recall:
        checkRange("the task vocabulary", config.vocab, 2, 100);
        break;
    case TaskKind::Language:
        if (config.vocab != 0)
            checkRange("the characters kept (vocabulary)", config.vocab, 2, 10000);
        break;
    default:
        break;
    }
    if (config.kind == TaskKind::Shift)
        checkRange("the shift", config.shift, 1, config.length - 1);
    if (config.kind == TaskKind::Brackets && config.length % 2 != 0)
        throw InputError("a balanced bracket string has an even length, not " +
                         std::to_string(config.length));
    if (config.kind == TaskKind::Recall)
        checkRange("the number of recall pairs (length)", config.length, 2, 26);
}

Vocabulary::Vocabulary() : m_tokens{"<pad>", "<s>", "<unk>", "</s>"} {}

int Vocabulary::add(const std::string& token) {
    const int existing = id(token);
    if (existing != kUnknown || token == "<unk>")
        return existing;
    m_tokens.push_back(token);
    return size() - 1;
}

int Vocabulary::id(std::string_view token) const {
    // Vocabularies are small (at most a few thousand tokens) and looked up rarely, outside the
    // training loop, so a linear search keeps this class trivially deterministic.
    for (std::size_t i = 0; i < m_tokens.size(); ++i)
        if (m_tokens[i] == token)
            return static_cast<int>(i);
    return kUnknown;
}

std::vector<int> Vocabulary::encode(std::string_view text, bool characters) const {
    std::vector<int> ids;
    if (characters) {
        for (const std::string& c : splitCodePoints(text))
            ids.push_back(id(c));
        return ids;
    }
    std::size_t start = 0;
    while (start < text.size()) {
        while (start < text.size() && (text[start] == ' ' || text[start] == '\t'))
            ++start;
        std::size_t end = start;
        while (end < text.size() && text[end] != ' ' && text[end] != '\t')
            ++end;
        if (end > start)
            ids.push_back(id(text.substr(start, end - start)));
        start = end;
    }
    return ids;
}

std::string Vocabulary::decode(const std::vector<int>& ids, bool characters) const {
    std::string text;
    for (int i : ids) {
        if (!characters && !text.empty())
            text += ' ';
        text += i >= 0 && i < size() ? token(i) : std::string("<?>");
    }
    return text;
}

std::vector<std::string> splitCodePoints(std::string_view text) {
    std::vector<std::string> points;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80           ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xe  ? 3
                             : (lead >> 3) == 0x1e ? 4
                                                   : 0;
        bool valid = length > 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        if (valid) {
            points.emplace_back(text.substr(i, length));
            i += length;
        } else {
            points.emplace_back("\xEF\xBF\xBD");
            ++i;
        }
    }
    return points;
}

std::shared_ptr<const Task> makeTask(const TaskConfig& config) {
    validate(config);
    switch (config.kind) {
    case TaskKind::Copy:
    case TaskKind::Reverse:
    case TaskKind::Sort:
    case TaskKind::Shift:
        return std::make_shared<DigitTask>(config);
    case TaskKind::Brackets:
        return std::make_shared<BracketTask>(config);
    case TaskKind::Induction:
        return std::make_shared<InductionTask>(config);
    case TaskKind::Recall:
        return std::make_shared<RecallTask>(config);
    case TaskKind::Translation:
        return makeTranslationTask(config);
    case TaskKind::Language:
        return makeLanguageTask(config);
    }
    throw InputError("unknown task");
}

} // namespace attnlab::core::training
