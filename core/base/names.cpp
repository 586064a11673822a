#include "core/base/names.h"

#include <algorithm>

namespace attnlab::core {

std::size_t editDistance(std::string_view a, std::string_view b) {
    // Three rows of the dynamic programme: the swap of two neighbours looks two rows back.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        before.swap(previous);
        previous.swap(current);
    }
    return previous[b.size()];
}

std::string closestName(std::string_view word, const std::vector<std::string_view>& candidates,
                        std::size_t maxDistance) {
    std::string_view best;
    std::size_t bestDistance = maxDistance + 1;
    for (std::string_view candidate : candidates) {
        const std::size_t distance = editDistance(word, candidate);
        if (distance < bestDistance && distance < std::max<std::size_t>(word.size(), 1)) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return std::string(best);
}

std::string choiceList(const std::vector<std::string_view>& choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0)
            out += i + 1 == choices.size() ? " or " : ", ";
        out += choices[i];
    }
    return out;
}

} // namespace attnlab::core
