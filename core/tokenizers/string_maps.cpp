#include "core/tokenizers/string_maps.h"

#include <cassert>

namespace attnlab::core::tokenizers::detail {
namespace {

std::size_t capacityFor(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < count * 2)
        capacity *= 2;
    return capacity;
}

std::uint64_t mix(std::uint64_t x) {
    // The finaliser of SplitMix64: spreads the bits of adjacent ids over the whole table.
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

/// The upper half of a slot of StringIdMap holds the upper half of the key's hash.
constexpr std::uint64_t kTagMask = 0xFFFFFFFF00000000ull;

std::uint64_t pairKey(int left, int right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
           static_cast<std::uint32_t>(right);
}

} // namespace

std::uint64_t hashBytes(std::string_view bytes) {
    // Eight bytes at a time (pieces are short, and this runs half a million times per load),
    // read as little-endian numbers so that every machine gets the same values.
    const auto load = [&](std::size_t at, std::size_t count) {
        std::uint64_t word = 0;
        for (std::size_t k = 0; k < count; ++k)
            word |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + k]))
                    << (8 * k);
        return word;
    };
    std::uint64_t hash = 0x9E3779B97F4A7C15ull ^ bytes.size();
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8)
        hash = mix(hash ^ load(i, 8));
    return mix(hash ^ load(i, bytes.size() - i) ^ 0xA5A5A5A5A5A5A5A5ull);
}

void StringIdMap::reserve(std::size_t count) {
    m_keys.reserve(count);
    m_ids.reserve(count);
    if (m_slots.size() < capacityFor(count)) {
        m_slots.assign(capacityFor(count), 0);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t k = 0; k < m_keys.size(); ++k) {
            const std::uint64_t hash = hashBytes(m_keys[k]);
            std::size_t slot = hash & mask;
            while (m_slots[slot] != 0)
                slot = (slot + 1) & mask;
            m_slots[slot] = (hash & kTagMask) | (k + 1);
        }
    }
}

void StringIdMap::grow() {
    reserve(m_keys.size() * 2 + 8);
}

void StringIdMap::insert(std::string_view key, int id) {
    if ((m_keys.size() + 1) * 2 > m_slots.size())
        grow();
    const std::size_t mask = m_slots.size() - 1;
    const std::uint64_t hash = hashBytes(key);
    std::size_t slot = hash & mask;
    while (m_slots[slot] != 0) {
        const std::uint64_t entry = m_slots[slot];
        const std::size_t index = (entry & ~kTagMask) - 1;
        if ((entry & kTagMask) == (hash & kTagMask) && m_keys[index] == key) {
            m_ids[index] = id;
            return;
        }
        slot = (slot + 1) & mask;
    }
    m_keys.emplace_back(key);
    m_ids.push_back(id);
    m_slots[slot] = (hash & kTagMask) | m_keys.size();
}

int StringIdMap::find(std::string_view key) const {
    if (m_slots.empty())
        return -1;
    const std::size_t mask = m_slots.size() - 1;
    const std::uint64_t hash = hashBytes(key);
    std::size_t slot = hash & mask;
    while (m_slots[slot] != 0) {
        const std::uint64_t entry = m_slots[slot];
        if ((entry & kTagMask) == (hash & kTagMask)) {
            const std::size_t index = (entry & ~kTagMask) - 1;
            if (m_keys[index] == key)
                return m_ids[index];
        }
        slot = (slot + 1) & mask;
    }
    return -1;
}

void PairMap::reserve(std::size_t count) {
    if (m_keys.size() >= capacityFor(count))
        return;
    std::vector<std::uint64_t> keys(capacityFor(count), kEmpty);
    std::vector<MergeRule> rules(keys.size());
    const std::size_t mask = keys.size() - 1;
    for (std::size_t k = 0; k < m_keys.size(); ++k) {
        if (m_keys[k] == kEmpty)
            continue;
        std::size_t slot = mix(m_keys[k]) & mask;
        while (keys[slot] != kEmpty)
            slot = (slot + 1) & mask;
        keys[slot] = m_keys[k];
        rules[slot] = m_rules[k];
    }
    m_keys = std::move(keys);
    m_rules = std::move(rules);
}

void PairMap::grow() {
    reserve(m_count * 2 + 8);
}

void PairMap::insert(int left, int right, MergeRule rule) {
    assert(left >= 0 && right >= 0);
    if ((m_count + 1) * 2 > m_keys.size())
        grow();
    const std::uint64_t key = pairKey(left, right);
    const std::size_t mask = m_keys.size() - 1;
    std::size_t slot = mix(key) & mask;
    while (m_keys[slot] != kEmpty && m_keys[slot] != key)
        slot = (slot + 1) & mask;
    if (m_keys[slot] == kEmpty)
        ++m_count;
    m_keys[slot] = key;
    m_rules[slot] = rule;
}

MergeRule PairMap::find(int left, int right) const {
    if (m_keys.empty() || left < 0 || right < 0)
        return {};
    const std::uint64_t key = pairKey(left, right);
    const std::size_t mask = m_keys.size() - 1;
    std::size_t slot = mix(key) & mask;
    while (m_keys[slot] != kEmpty) {
        if (m_keys[slot] == key)
            return m_rules[slot];
        slot = (slot + 1) & mask;
    }
    return {};
}

} // namespace attnlab::core::tokenizers::detail
