#pragma once
// Machine-independent pseudo-random numbers. std::normal_distribution differs between standard
// libraries, so the core uses its own generator: the same seed gives the same matrices everywhere.

#include "core/base/types.h"

#include <cstdint>
#include <string_view>

namespace attnlab::core {

/// 64-bit FNV-1a hash of the bytes of `text` (stable across machines and builds).
std::uint64_t fnv1a64(std::string_view text);

/// SplitMix64 generator with Box-Muller normals.
class Random {
public:
    explicit Random(std::uint64_t seed) : m_state(seed) {}
    /// Next 64 random bits.
    std::uint64_t nextBits();
    /// Uniform in the open interval (0, 1).
    double uniform();
    /// Standard normal N(0, 1).
    double normal();
    /// rows × cols matrix with entries N(0, stddev²), filled row by row.
    Matrix normalMatrix(int rows, int cols, double stddev);

private:
    std::uint64_t m_state;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

/// A seed derived from a base seed and a purpose label, so that each matrix (W_q of head 3,
/// W_a of head 0, …) gets its own independent stream.
std::uint64_t deriveSeed(std::uint64_t base, std::string_view label, int index = 0);

} // namespace attnlab::core
