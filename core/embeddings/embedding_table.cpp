// EmbeddingTable: one block of floats, one buffer of words and an open-addressing index.

#include "core/embeddings/embeddings_detail.h"

#include "core/base/random.h"

#include <cassert>
#include <cmath>
#include <limits>
#include <utility>

// Design notes:
//  - Lookup falls back to ASCII lower-casing only. The built-in lexicon stores English in lower
//    case and Chinese has no case, so this covers "The" → "the" without ICU; files with other
//    scripts usually carry their own case variants.
//  - rms() sums each row in double precision, then the row sums in row order, so it does not
//    depend on how the file was split into blocks.

namespace attnlab::core {

using embeddings_detail::asciiLower;
using embeddings_detail::kMinSlots;
using embeddings_detail::rowSumOfSquares;

namespace {

std::uint64_t wordHash(std::string_view word) {
    return fnv1a64(word);
}

} // namespace

bool EmbeddingTableAccess::adopt(EmbeddingTable& table, int dimension, FloatStore&& data,
                                 std::string&& words, std::vector<std::uint64_t>&& wordEnds,
                                 std::vector<std::int32_t>&& slots, double sumSquares) {
    const std::size_t rows = wordEnds.size();
    // Each row once and more slots than rows: a probe always meets an empty slot.
    if (!std::has_single_bit(slots.size()) || slots.size() <= rows)
        return false;
    std::vector<bool> seen(rows, false);
    for (std::int32_t row : slots) {
        if (row < -1 || row >= static_cast<std::int64_t>(rows))
            return false;
        if (row >= 0) {
            if (seen[static_cast<std::size_t>(row)])
                return false;
            seen[static_cast<std::size_t>(row)] = true;
        }
    }
    if (std::find(seen.begin(), seen.end(), false) != seen.end())
        return false;
    table = EmbeddingTable(dimension);
    table.m_data = std::move(data);
    table.m_words = std::move(words);
    table.m_wordEnds = std::move(wordEnds);
    table.m_slots = std::move(slots);
    table.m_sumSquares = sumSquares;
    return true;
}

bool EmbeddingTable::add(std::string_view word, const RowVector& vector) {
    if (vector.size() != m_dimension)
        throw InputError("the vector for '" + std::string(word) + "' has " +
                         std::to_string(vector.size()) + " numbers but the table's dimension is " +
                         std::to_string(m_dimension));
    if (probe(word) >= 0)
        return false;
    if (size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1))
        throw InputError("an embedding table holds at most " +
                         std::to_string(std::numeric_limits<std::int32_t>::max() - 1) + " words");
    m_words.append(word);
    m_wordEnds.push_back(m_words.size());
    m_data.insert(m_data.end(), vector.data(), vector.data() + vector.size());
    m_sumSquares += rowSumOfSquares(vector.data(), m_dimension);
    const int row = static_cast<int>(size() - 1);
    if (2 * size() >= m_slots.size())
        rehash(std::max(kMinSlots, 2 * m_slots.size()));
    else
        insertSlot(row);
    return true;
}

int EmbeddingTable::probe(std::string_view word) const {
    if (m_slots.empty())
        return -1;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = wordHash(word) & mask;; i = (i + 1) & mask) {
        const std::int32_t row = m_slots[i];
        if (row < 0)
            return -1;
        if (this->word(row) == word)
            return row;
    }
}

void EmbeddingTable::insertSlot(int row) {
    // The caller keeps the load factor at most 1/2, so an empty slot always exists.
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = wordHash(word(row)) & mask;
    while (m_slots[i] >= 0)
        i = (i + 1) & mask;
    m_slots[i] = row;
}

void EmbeddingTable::rehash(std::size_t slotCount) {
    assert(std::has_single_bit(slotCount) && slotCount > 2 * size());
    m_slots.assign(slotCount, -1);
    for (std::size_t r = 0; r < size(); ++r)
        insertSlot(static_cast<int>(r));
}

int EmbeddingTable::find(std::string_view word) const {
    if (const int row = probe(word); row >= 0)
        return row;
    if (std::none_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return -1;
    return probe(asciiLower(word));
}

std::string_view EmbeddingTable::word(int index) const {
    assert(index >= 0 && static_cast<std::size_t>(index) < size());
    const auto i = static_cast<std::size_t>(index);
    const std::size_t begin = i == 0 ? 0 : static_cast<std::size_t>(m_wordEnds[i - 1]);
    return std::string_view(m_words).substr(begin, static_cast<std::size_t>(m_wordEnds[i]) - begin);
}

RowVector EmbeddingTable::vector(int index) const {
    assert(index >= 0 && static_cast<std::size_t>(index) < size());
    const std::size_t offset =
        static_cast<std::size_t>(index) * static_cast<std::size_t>(m_dimension);
    return Eigen::Map<const RowVector>(m_data.data() + offset, m_dimension);
}

Eigen::Map<const Matrix> EmbeddingTable::matrix() const {
    return Eigen::Map<const Matrix>(m_data.data(), static_cast<Eigen::Index>(size()), m_dimension);
}

float EmbeddingTable::rms() const {
    // Empty (or all-zero) tables give 1, so unknown words still get distinct unit-scale vectors.
    if (m_data.empty())
        return 1.0f;
    const double result = std::sqrt(m_sumSquares / static_cast<double>(m_data.size()));
    return result > 0.0 && std::isfinite(result) ? static_cast<float>(result) : 1.0f;
}

} // namespace attnlab::core
