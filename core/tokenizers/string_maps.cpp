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

std::uint64_t pairKey(int left, int right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
           static_cast<std::uint32_t>(right);
}

} // namespace

std::uint64_t hashBytes(std::string_view bytes) {
    std::uint64_t hash = 0xCBF29CE484222325ull;
    for (const char byte : bytes) {
        hash ^= static_cast<unsigned char>(byte);
        hash *= 0x100000001B3ull;
    }
    return hash;
}

void StringIdMap::reserve(std::size_t count) {
    m_keys.reserve(count);
    m_ids.reserve(count);
    if (m_slots.size() < capacityFor(count)) {
        m_slots.assign(capacityFor(count), 0);
        for (std::size_t k = 0; k < m_keys.size(); ++k) {
            std::size_t slot = hashBytes(m_keys[k]) & (m_slots.size() - 1);
            while (m_slots[slot] != 0)
                slot = (slot + 1) & (m_slots.size() - 1);
            m_slots[slot] = static_cast<std::uint32_t>(k + 1);
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
    std::size_t slot = hashBytes(key) & mask;
    while (m_slots[slot] != 0) {
        const std::uint32_t index = m_slots[slot] - 1;
        if (m_keys[index] == key) {
            m_ids[index] = id;
            return;
        }
        slot = (slot + 1) & mask;
    }
    m_keys.emplace_back(key);
    m_ids.push_back(id);
    m_slots[slot] = static_cast<std::uint32_t>(m_keys.size());
}

int StringIdMap::find(std::string_view key) const {
    if (m_slots.empty())
        return -1;
    const std::size_t mask = m_slots.size() - 1;
    std::size_t slot = hashBytes(key) & mask;
    while (m_slots[slot] != 0) {
        const std::uint32_t index = m_slots[slot] - 1;
        if (m_keys[index] == key)
            return m_ids[index];
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
