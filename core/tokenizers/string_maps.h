#pragma once
// Internal to the pretrained tokenizers: the two lookups every encode leans on, as flat
// open-addressing tables (a Qwen2 vocabulary has 151 643 pieces and as many merges, and both are
// built at every load).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// A 64-bit hash of the bytes: the same on every machine, unlike std::hash.
std::uint64_t hashBytes(std::string_view bytes);

/// Piece text → id.
class StringIdMap {
public:
    StringIdMap() = default;
    /// Adds or replaces the id of `key`.
    void insert(std::string_view key, int id);
    /// The id of `key`, or -1.
    int find(std::string_view key) const;
    std::size_t size() const { return m_keys.size(); }
    void reserve(std::size_t count);

private:
    void grow();

    std::vector<std::string> m_keys;
    std::vector<int> m_ids;
    /// Per slot: the upper 32 bits of the key's hash (to skip other keys without touching them)
    /// and index + 1 into m_keys in the lower 32 bits; 0 when free.
    std::vector<std::uint64_t> m_slots;
};

/// A merge of two adjacent pieces: its rank (lower merges first) and the id of the result.
struct MergeRule {
    int rank = -1;
    int mergedId = -1;
};

/// (left id, right id) → merge rule.
class PairMap {
public:
    void insert(int left, int right, MergeRule rule);
    /// The rule for the pair, or rank -1 when the pair does not merge.
    MergeRule find(int left, int right) const;
    std::size_t size() const { return m_count; }
    void reserve(std::size_t count);

private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    void grow();

    std::vector<std::uint64_t> m_keys;
    std::vector<MergeRule> m_rules;
    std::size_t m_count = 0;
};

} // namespace attnlab::core::tokenizers::detail
