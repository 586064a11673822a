#pragma once
// Helpers for names a user types (lesson members, settings, options): did-you-mean suggestions
// and lists of choices.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab::core {

/// Edits (insert, delete, substitute one byte, or swap two neighbours) that turn `a` into `b`:
/// the optimal-string-alignment distance, so "veiw" is one edit from "view".
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is a near miss (distance at most `maxDistance`, and
/// less than the word's length); empty when none is close. The first of equally near candidates
/// wins.
std::string closestName(std::string_view word, const std::vector<std::string_view>& candidates,
                        std::size_t maxDistance = 2);

/// The names of an enumeration's values, as settings files and the command line spell them.
template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

/// The name of `value` in `table`; "?" when it has none.
template <typename Enum, std::size_t N>
std::string_view nameOf(const NameTable<Enum, N>& table, Enum value) {
    for (const auto& [entry, name] : table)
        if (entry == value)
            return name;
    return "?";
}

/// "a, b or c".
std::string choiceList(const std::vector<std::string_view>& choices);

} // namespace attnlab::core
