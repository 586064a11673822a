#include "core/attention/positional.h"

#include <cassert>
#include <cmath>

namespace attnlab::core {

Matrix sinusoidalEncoding(int n, int d) {
    Matrix pe(n, d);
    for (int c = 0; c < d; ++c) {
        const int pair = c / 2;
        const double frequency = std::pow(10000.0, -2.0 * pair / d);
        for (int p = 0; p < n; ++p) {
            const double angle = p * frequency;
            pe(p, c) = static_cast<float>(c % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    }
    return pe;
}

double ropeAngle(int position, int pair, int d) {
    return position * std::pow(10000.0, -2.0 * pair / d);
}

Matrix ropeAngles(int n, int d) {
    Matrix angles(n, d / 2);
    for (int pair = 0; pair < d / 2; ++pair)
        for (int p = 0; p < n; ++p)
            angles(p, pair) = static_cast<float>(ropeAngle(p, pair, d));
    return angles;
}

void applyRope(Matrix& m) {
    const int d = static_cast<int>(m.cols());
    for (int pair = 0; pair < d / 2; ++pair) {
        for (int p = 0; p < m.rows(); ++p) {
            const double angle = ropeAngle(p, pair, d);
            const double c = std::cos(angle);
            const double s = std::sin(angle);
            const Eigen::Index even = Eigen::Index{2} * pair;
            const double x0 = m(p, even);
            const double x1 = m(p, even + 1);
            m(p, even) = static_cast<float>(x0 * c - x1 * s);
            m(p, even + 1) = static_cast<float>(x0 * s + x1 * c);
        }
    }
}

namespace {

// Slopes for a power of two n: a geometric sequence starting at 2^(−8/n) with that ratio.
std::vector<double> powerOfTwoSlopes(int n) {
    const double start = std::pow(2.0, -8.0 / n);
    std::vector<double> slopes;
    double slope = start;
    for (int i = 0; i < n; ++i, slope *= start)
        slopes.push_back(slope);
    return slopes;
}

std::vector<double> slopesFor(int heads) {
    int closest = 1;
    while (closest * 2 <= heads)
        closest *= 2;
    std::vector<double> slopes = powerOfTwoSlopes(closest);
    if (closest == heads)
        return slopes;
    // Not a power of two: the remaining heads take every other slope of the next power of two.
    const std::vector<double> finer = slopesFor(2 * closest);
    for (std::size_t i = 0; i < finer.size() && static_cast<int>(slopes.size()) < heads; i += 2)
        slopes.push_back(finer[i]);
    return slopes;
}

} // namespace

std::vector<float> alibiSlopes(int heads) {
    std::vector<float> result;
    if (heads <= 0)
        return result;
    for (double slope : slopesFor(heads))
        result.push_back(static_cast<float>(slope));
    return result;
}

Matrix alibiBias(int nq, int nk, float slope) {
    Matrix bias(nq, nk);
    for (int i = 0; i < nq; ++i)
        for (int j = 0; j < nk; ++j)
            bias(i, j) = -slope * static_cast<float>(std::abs(i - j));
    return bias;
}

Matrix alibiHeadBias(int nq, int nk, int heads, int head) {
    assert(head >= 0 && head < heads);
    return alibiBias(nq, nk, alibiSlopes(heads)[static_cast<std::size_t>(head)]);
}

} // namespace attnlab::core
