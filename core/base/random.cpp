#include "core/base/random.h"

#include <cmath>
#include <numbers>
#include <string>

namespace attnlab::core {

std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::uint64_t Random::nextBits() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double Random::uniform() {
    // 53 random bits, shifted by half a step so that 0 never occurs (log(0) in Box-Muller).
    return (static_cast<double>(nextBits() >> 11) + 0.5) * 0x1.0p-53;
}

double Random::normal() {
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spare;
    }
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = 2.0 * std::numbers::pi * uniform();
    m_spare = radius * std::sin(angle);
    m_hasSpare = true;
    return radius * std::cos(angle);
}

Matrix Random::normalMatrix(int rows, int cols, double stddev) {
    Matrix m(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            m(r, c) = static_cast<float>(normal() * stddev);
    return m;
}

std::uint64_t deriveSeed(std::uint64_t base, std::string_view label, int index) {
    std::string key(label);
    key += '#';
    key += std::to_string(index);
    Random mix(base ^ fnv1a64(key));
    return mix.nextBits();
}

} // namespace attnlab::core
