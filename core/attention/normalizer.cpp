#include "core/attention/normalizer.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace attnlab::core {
namespace {

bool isVisible(float logit) {
    return logit != kMinusInfinity;
}

// Largest visible logit of a row; −∞ when every key is masked.
float rowMaximum(const Eigen::Ref<const RowVector>& row) {
    return row.maxCoeff();
}

// Sets the cells of `out` where `logits` is −∞ (masked) to exactly 0. Eigen's vectorised exp and
// friends turn −∞ into a tiny denormal rather than 0. A plain loop, which the compiler
// vectorises (Eigen's select() is evaluated one scalar at a time).
void zeroMasked(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    const float* l = logits.data();
    float* o = out.data();
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        o[j] = l[j] == kMinusInfinity ? 0.0f : o[j];
}

void softmaxRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    const float top = rowMaximum(logits);
    // Every visible cell is exp(≤ 0): no overflow.
    out.array() = (logits.array() - top).exp();
    zeroMasked(logits, out);
    out /= out.sum();
}

void reluRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out, bool& flagged) {
    out = logits.cwiseMax(0.0f);
    const float top = out.maxCoeff();
    if (!(top > 0.0f)) {
        out.setZero();
        flagged = true;
        return;
    }
    // Divide by the maximum first so that the sum of huge logits cannot overflow.
    out /= top;
    out /= out.sum();
}

void sigmoidRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    // σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, with e = exp(−|x|) ≤ 1, so
    // that neither form overflows. The exponentials and quotients are vectorised.
    const auto x = logits.array();
    const Eigen::Array<float, 1, Eigen::Dynamic> e = (-x.abs()).exp();
    const Eigen::Array<float, 1, Eigen::Dynamic> r = 1.0f / (1.0f + e);
    const Eigen::Array<float, 1, Eigen::Dynamic> below = e * r;
    float* o = out.data();
    for (Eigen::Index j = 0; j < x.size(); ++j)
        o[j] = x(j) >= 0.0f ? r(j) : below(j);
    zeroMasked(logits, out);
}

void hardmaxRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    const float top = rowMaximum(logits);
    out = (logits.array() == top).cast<float>().matrix();
    out /= out.sum();
}

} // namespace

namespace {

// Sparsemax of `z` into `out`, with `sorted` as scratch space (reused across rows). Only entries
// above max − 1 can be in the support (τ ≥ max − 1), so the others are left out of the sort; a
// small margin keeps every entry whose test could come out differently through rounding, so
// the support and τ are those of the full sort.
void sparsemaxInto(const Eigen::Ref<const RowVector>& z, Eigen::Ref<RowVector> out,
                   std::vector<float>& sorted) {
    out.setZero();
    const float top = z.maxCoeff();
    if (!isVisible(top))
        return;
    const double top64 = top;
    const double threshold = top64 - 1.0 - 1e-5 * (1.0 + std::abs(top64));
    sorted.clear();
    for (Eigen::Index j = 0; j < z.size(); ++j)
        if (isVisible(z(j)) && static_cast<double>(z(j)) >= threshold)
            sorted.push_back(z(j));
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    // Support size k: the largest k with 1 + k·z_(k) > Σ_{j≤k} z_(j); τ puts the support on the
    // simplex. The sums run on z − max (sparsemax is shift-invariant): with logits of 1e30 the
    // 1 in "1 + k·z" would otherwise vanish in rounding and leave τ = 0 (weights of 1e30).
    double cumulative = 0.0;
    double tau = 0.0;
    for (std::size_t k = 1; k <= sorted.size(); ++k) {
        const double value = static_cast<double>(sorted[k - 1]) - top64;
        cumulative += value;
        if (1.0 + static_cast<double>(k) * value > cumulative)
            tau = (cumulative - 1.0) / static_cast<double>(k);
    }
    for (Eigen::Index j = 0; j < z.size(); ++j)
        if (isVisible(z(j)) && static_cast<double>(z(j)) - top64 > tau)
            out(j) = static_cast<float>(static_cast<double>(z(j)) - top64 - tau);
}

// NOLINTBEGIN(performance-unnecessary-value-param): a writable Eigen::Ref is a view passed by
// value, as Eigen documents; each row is written through the copy handed on.
void softmaxEntryRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out,
                     std::vector<float>&, bool&) {
    softmaxRow(logits, out);
}
void sparsemaxEntryRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out,
                       std::vector<float>& scratch, bool&) {
    sparsemaxInto(logits, out, scratch);
}
void reluEntryRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out,
                  std::vector<float>&, bool& flagged) {
    reluRow(logits, out, flagged);
}
void sigmoidEntryRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out,
                     std::vector<float>&, bool&) {
    sigmoidRow(logits, out);
}
void hardmaxEntryRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out,
                     std::vector<float>&, bool&) {
    hardmaxRow(logits, out);
}
// NOLINTEND(performance-unnecessary-value-param)

// --- backward passes (docs/attention-math.md#gradients): ∂loss/∂L of one row from its logits,
// weights and ∂loss/∂A. Masked cells get 0.

// Σ_j a_j g_j of one row, summed in double so that long rows keep their digits.
float weightedSum(const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& g) {
    double sum = 0.0;
    for (Eigen::Index j = 0; j < a.size(); ++j)
        sum += static_cast<double>(a(j)) * static_cast<double>(g(j));
    return static_cast<float>(sum);
}

void softmaxBackwardRow(const Eigen::Ref<const RowVector>&, const Eigen::Ref<const RowVector>& a,
                        const Eigen::Ref<const RowVector>& g, Eigen::Ref<RowVector> out) {
    // ∂a_k/∂ℓ_j = a_k (δ_kj − a_j). Masked cells have a = 0 and so get 0.
    const float mean = weightedSum(a, g);
    out.array() = a.array() * (g.array() - mean);
}

void sparsemaxBackwardRow(const Eigen::Ref<const RowVector>&, const Eigen::Ref<const RowVector>& a,
                          const Eigen::Ref<const RowVector>& g, Eigen::Ref<RowVector> out) {
    // ∂a/∂ℓ = diag(𝟙_S) − 𝟙_S 𝟙_Sᵀ / |S| on the support S = {j : a_j > 0}.
    double sum = 0.0;
    int count = 0;
    for (Eigen::Index j = 0; j < a.size(); ++j)
        if (a(j) > 0.0f) {
            sum += g(j);
            ++count;
        }
    if (count == 0) {
        out.setZero();
        return;
    }
    const float mean = static_cast<float>(sum / count);
    for (Eigen::Index j = 0; j < a.size(); ++j)
        out(j) = a(j) > 0.0f ? g(j) - mean : 0.0f;
}

void reluBackwardRow(const Eigen::Ref<const RowVector>& logits,
                     const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& g,
                     Eigen::Ref<RowVector> out) {
    // a = r / Σr with r = max(ℓ, 0): for ℓ_j > 0, ∂a_k/∂ℓ_j = (δ_kj − a_k) / Σr. At ℓ_j ≤ 0 the
    // (sub)gradient taken is 0, as for max(ℓ, 0) itself.
    double total = 0.0;
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        if (logits(j) > 0.0f)
            total += logits(j);
    if (!(total > 0.0)) {
        out.setZero();
        return;
    }
    const float mean = weightedSum(a, g);
    const float inverse = static_cast<float>(1.0 / total);
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        out(j) = logits(j) > 0.0f ? (g(j) - mean) * inverse : 0.0f;
}

void sigmoidBackwardRow(const Eigen::Ref<const RowVector>& logits,
                        const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& g,
                        Eigen::Ref<RowVector> out) {
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        out(j) = logits(j) == -std::numeric_limits<float>::infinity() ? 0.0f
                                                                      : g(j) * a(j) * (1.0f - a(j));
}

std::vector<NormalizerEntry> makeNormalizerRegistry() {
    return {
        {Normalizer::Softmax,
         "softmax",
         translatable("Softmax"),
         translatable("exp(L) / Σ exp(L): every visible key gets a positive weight."),
         translatable("softmax"),
         true,
         {},
         softmaxEntryRow,
         softmaxBackwardRow},
        {Normalizer::Sparsemax,
         "sparsemax",
         translatable("Sparsemax"),
         translatable("Projects the row onto the simplex, so weak keys get exactly 0."),
         translatable("sparsemax"),
         true,
         {},
         sparsemaxEntryRow,
         sparsemaxBackwardRow},
        {Normalizer::Relu,
         "relu",
         translatable("ReLU, normalised"),
         translatable("max(L, 0) divided by its row sum; a row without a positive logit is all "
                      "zero."),
         translatable("relu-norm"),
         true,
         {},
         reluEntryRow,
         reluBackwardRow},
        {Normalizer::Sigmoid,
         "sigmoid",
         translatable("Sigmoid (rows need not sum to 1)"),
         translatable("σ(L) for each cell on its own, without normalising the row."),
         translatable("sigmoid"),
         false,
         {},
         sigmoidEntryRow,
         sigmoidBackwardRow},
        {Normalizer::Hardmax, "hardmax", translatable("Hardmax (one-hot)"),
         translatable("All weight on the largest logit (hard attention); ties share it."),
         translatable("hardmax"), true,
         translatable("hardmax has no gradient: moving a logit a little never changes which key "
                      "is largest, so the weights do not change and nothing can be learned "
                      "through them"),
         hardmaxEntryRow, nullptr},
    };
}

} // namespace

const std::vector<NormalizerEntry>& normalizers() {
    static const std::vector<NormalizerEntry> entries = makeNormalizerRegistry();
    return entries;
}

const NormalizerEntry& normalizerEntry(Normalizer normalizer) {
    for (const NormalizerEntry& entry : normalizers())
        if (entry.id == normalizer)
            return entry;
    assert(false && "a normaliser without a registry entry");
    return normalizers().front();
}

RowVector sparsemax(const Eigen::Ref<const RowVector>& z) {
    RowVector result(z.size());
    std::vector<float> sorted;
    sparsemaxInto(z, result, sorted);
    return result;
}

void normalizeRowsInto(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                       Eigen::Ref<Matrix> weights, std::vector<int>& flaggedRows, int firstRow) {
    const NormalizerEntry& entry = normalizerEntry(normalizer);
    std::vector<float> scratch;
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
        const auto row = logits.row(i);
        auto out = weights.row(i);
        if (!(rowMaximum(row) > kMinusInfinity)) {
            out.setZero();
            flaggedRows.push_back(firstRow + static_cast<int>(i)); // every key masked
            continue;
        }
        bool flagged = false;
        entry.row(row, out, scratch, flagged);
        if (flagged)
            flaggedRows.push_back(firstRow + static_cast<int>(i));
    }
}

Matrix normalizeRows(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                     std::vector<int>& flaggedRows) {
    Matrix weights(logits.rows(), logits.cols());
    normalizeRowsInto(normalizer, logits, weights, flaggedRows);
    return weights;
}

Vector rowEntropy(const Eigen::Ref<const Matrix>& weights) {
    // Vectorised float logarithms, summed per chunk in float and across chunks in double, so a
    // row of thousands of keys keeps about 7 significant digits. 0·ln 0 counts as 0: the
    // logarithm's argument is raised to the smallest normal float, which leaves a·ln a of every
    // positive weight unchanged at float precision and makes it 0·(−87) = 0 for a = 0.
    constexpr Eigen::Index kChunk = 256;
    constexpr float kSmallest = std::numeric_limits<float>::min();
    Vector entropy(weights.rows());
    for (Eigen::Index i = 0; i < weights.rows(); ++i) {
        const auto row = weights.row(i).array();
        double sum = 0.0;
        for (Eigen::Index begin = 0; begin < row.size(); begin += kChunk) {
            const auto a = row.segment(begin, std::min(kChunk, row.size() - begin));
            sum -= static_cast<double>((a * a.max(kSmallest).log()).sum());
        }
        entropy(i) = static_cast<float>(sum);
    }
    return entropy;
}

} // namespace attnlab::core
