// Character-level language modelling on a public-domain text compiled into the program
// (resources/corpus): Tang poems or the opening of Coriolanus. The last tenth of the text,
// cut at a line break, is held out, so held-out characters are never trained on.

#include "core/training/tasks.h"

#include <algorithm>
#include <map>

namespace attnlab::core::detail {
extern const unsigned char kTangCorpusData[];
extern const std::size_t kTangCorpusSize;
extern const unsigned char kEnglishCorpusData[];
extern const std::size_t kEnglishCorpusSize;
} // namespace attnlab::core::detail

namespace attnlab::core::training {
namespace {

class LanguageTask : public Task {
public:
    explicit LanguageTask(const TaskConfig& config) : Task(config) {
        const bool tang = config.corpus == Corpus::Tang;
        const std::string_view text(reinterpret_cast<const char*>(tang
                                                                      ? detail::kTangCorpusData
                                                                      : detail::kEnglishCorpusData),
                                    tang ? detail::kTangCorpusSize : detail::kEnglishCorpusSize);
        const std::vector<std::string> points = splitCodePoints(text);
        std::size_t split = points.size() * 9 / 10;
        while (split < points.size() && points[split] != "\n")
            ++split;
        m_split = split + 1 < points.size() ? split + 1 : points.size() * 9 / 10;

        // The most frequent characters of the training part, ties in code-point order.
        std::map<std::string, int> counts;
        for (std::size_t i = 0; i < m_split; ++i)
            ++counts[points[i]];
        std::vector<std::pair<std::string, int>> ranked(counts.begin(), counts.end());
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        if (config.vocab > 0 && static_cast<int>(ranked.size()) > config.vocab)
            ranked.resize(static_cast<std::size_t>(config.vocab));
        std::sort(ranked.begin(), ranked.end()); // ids in code-point order, easy to read
        for (const auto& entry : ranked)
            m_vocabulary.add(entry.first);
        m_text.reserve(points.size());
        for (const std::string& p : points)
            m_text.push_back(m_vocabulary.id(p));
    }

    bool hasAlignment() const override { return false; }
    bool characters() const override { return true; }
    bool hasSource() const override { return false; }
    int maxSourceLength() const override { return 0; }
    int maxTargetLength() const override { return m_config.length; }

    Example sample(Random& rng, bool heldOut) const override {
        const std::size_t n = static_cast<std::size_t>(m_config.length);
        const std::size_t begin = heldOut ? m_split : 0;
        const std::size_t end = heldOut ? m_text.size() : m_split;
        const std::size_t span = end - begin > n ? end - begin - n : 1;
        const std::size_t start = begin + static_cast<std::size_t>(rng.nextBits() % span);
        Example e;
        for (std::size_t i = start; i < start + n && i < m_text.size(); ++i)
            e.target.push_back(m_text[i]);
        e.ideal.resize(e.target.size());
        return e;
    }

private:
    std::vector<int> m_text; ///< the whole text as token ids
    std::size_t m_split = 0; ///< first held-out character
};

} // namespace

std::shared_ptr<const Task> makeLanguageTask(const TaskConfig& config) {
    return std::make_shared<LanguageTask>(config);
}

} // namespace attnlab::core::training
