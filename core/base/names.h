#pragma once
// Helpers for names a user types: did-you-mean suggestions and lists of choices.

#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// Levenshtein distance between two byte strings.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is a near miss (distance at most `maxDistance`, and
/// less than the word's length); empty when none is close.
std::string closestName(std::string_view word, const std::vector<std::string_view>& candidates,
                        std::size_t maxDistance = 2);

/// "a, b or c".
std::string choiceList(const std::vector<std::string_view>& choices);

} // namespace attnlab::core
