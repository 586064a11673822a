#include "core/teaching/compare.h"

#include "core/attention/normalizer.h"

#include <cmath>
#include <limits>
#include <string>

namespace attnlab::core {
namespace {

// KL(p‖q) of two rows with positive sums, each scaled to sum 1. Terms with p = 0 are 0; a
// positive p against q = 0 makes it +∞. Summed in double: the rows can be long.
float klDivergence(const Eigen::Ref<const RowVector>& p, double pSum,
                   const Eigen::Ref<const RowVector>& q, double qSum) {
    double kl = 0.0;
    for (Eigen::Index j = 0; j < p.size(); ++j) {
        const double pj = static_cast<double>(p(j)) / pSum;
        if (pj <= 0.0)
            continue;
        const double qj = static_cast<double>(q(j)) / qSum;
        if (qj <= 0.0)
            return std::numeric_limits<float>::infinity();
        kl += pj * std::log(pj / qj);
    }
    // Rounding can leave tiny negative sums for equal rows; KL is never below 0.
    return static_cast<float>(std::max(kl, 0.0));
}

std::string tokenMismatch(const std::vector<MapToken>& a, const std::vector<MapToken>& b,
                          const char* what) {
    if (a.size() != b.size())
        return std::string("the two sides split the ") + what + " into " +
               std::to_string(a.size()) + " and " + std::to_string(b.size()) +
               " tokens; use the same tokenizer and padding on both sides to compare them";
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].text != b[i].text)
            return std::string("the two sides split the ") + what + " differently (token " +
                   std::to_string(i + 1) + " is '" + a[i].text + "' and '" + b[i].text +
                   "'); use the same tokenizer on both sides to compare them";
    return {};
}

const Matrix& weightsOf(const AttentionMaps& maps, int layer, int head, const char* side) {
    if (layer < 0 || layer >= maps.layers)
        throw InputError(
            message("side %1 has %2 layers, so it has no layer %3", side, maps.layers, layer + 1));
    const Matrix* weights = maps.map(layer, head);
    if (!weights)
        throw InputError(message("side %1 has %2 heads, so it has no head %3; compare the mean of "
                                 "the heads instead",
                                 side, maps.heads, head + 1));
    return *weights;
}

} // namespace

Comparison compareWeights(const Eigen::Ref<const Matrix>& a, const Eigen::Ref<const Matrix>& b) {
    if (a.rows() != b.rows() || a.cols() != b.cols())
        throw InputError("cannot compare a " + std::to_string(a.rows()) + " × " +
                         std::to_string(a.cols()) + " matrix with a " + std::to_string(b.rows()) +
                         " × " + std::to_string(b.cols()) +
                         " one; both sides need the same tokens");
    Comparison c;
    c.difference = a - b;
    c.maxAbsDifference = c.difference.size() > 0 ? c.difference.cwiseAbs().maxCoeff() : 0.0f;
    c.entropyA = rowEntropy(a);
    c.entropyB = rowEntropy(b);
    c.entropyChange = c.entropyB - c.entropyA;
    const Eigen::Index n = a.rows();
    c.klAB = Vector::Zero(n);
    c.klBA = Vector::Zero(n);
    c.comparable.assign(static_cast<std::size_t>(n), false);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double sumA = a.row(i).cast<double>().sum();
        const double sumB = b.row(i).cast<double>().sum();
        if (!(sumA > 0.0) || !(sumB > 0.0))
            continue;
        c.comparable[static_cast<std::size_t>(i)] = true;
        c.klAB(i) = klDivergence(a.row(i), sumA, b.row(i), sumB);
        c.klBA(i) = klDivergence(b.row(i), sumB, a.row(i), sumA);
    }
    return c;
}

Comparison compareMaps(const AttentionMaps& a, const AttentionMaps& b, int layer, int head) {
    if (std::string problem = tokenMismatch(a.queryTokens, b.queryTokens, "sentence");
        !problem.empty())
        throw InputError(problem);
    if (std::string problem = tokenMismatch(a.keyTokens, b.keyTokens, "source sentence");
        !problem.empty())
        throw InputError(problem);
    return compareWeights(weightsOf(a, layer, head, "A"), weightsOf(b, layer, head, "B"));
}

} // namespace attnlab::core
