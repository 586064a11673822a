#pragma once
// Suggestions for misspelt names (lesson members, settings): "did you mean 'heads'?".

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// Edits (insert, delete, substitute one byte, or swap two neighbours) that turn `a` into `b`:
/// the optimal-string-alignment distance, so "veiw" is one edit from "view".
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate nearest to `name` when it is a plausible misspelling of it (at most 2 edits, and
/// at most one per 3 bytes of `name`, at least 1); empty otherwise. The first of equally near
/// candidates wins.
std::string closestName(std::string_view name, const std::vector<std::string_view>& candidates);

} // namespace attnlab::core
