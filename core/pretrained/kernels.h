#pragma once
// The numeric building blocks of the pretrained engine: linear layers, norms, activations,
// rotary embeddings and the attention of one layer, all on row-major float matrices with one row
// per token. Internal to the engine.

#include "core/attention/mask.h"
#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/pretrained/linear_product.h"
#include "core/pretrained/transformer_config.h"
#include "core/pretrained/weights.h"

#include <optional>
#include <vector>

namespace attnlab::core::pretrained {

using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;

/// Growable scratch memory viewed as a matrix: reused across runs, so that a run of the same or
/// a shorter input allocates nothing. A new view invalidates earlier views of the same Scratch.
class Scratch {
public:
    MatrixMap matrix(Eigen::Index rows, Eigen::Index cols) {
        const auto needed = static_cast<std::size_t>(rows * cols);
        if (m_data.size() < needed)
            m_data.resize(needed);
        return MatrixMap(m_data.data(), rows, cols);
    }

private:
    std::vector<float, Eigen::aligned_allocator<float>> m_data;
};

/// y = x·W + b (see Linear), then `activation` element-wise when one is given. `y` is n × out
/// and may be a column block of a wider matrix. Large products are split by blocks of columns
/// over the OpenMP threads, each of which adds the bias and applies the activation to its own
/// block while it is in its cache.
void applyLinear(const Eigen::Ref<const Matrix>& x, const Linear& layer, Eigen::Ref<Matrix> y,
                 ProductKernel kernel = ProductKernel::automatic,
                 std::optional<Activation> activation = std::nullopt);

/// y = LayerNorm(x) row by row (biased variance, as PyTorch), or RMSNorm when norm.bias is null:
/// y = x / √(mean(x²) + ε) · weight. `y` may be `x`.
void normalizeLayer(const Eigen::Ref<const Matrix>& x, const Norm& norm, float eps,
                    Eigen::Ref<Matrix> y);

/// Applies the activation element-wise in place.
void activate(Eigen::Ref<Matrix> x, Activation activation);

/// The rotary angles' inverse frequencies θ_t = rope_theta^(−2t/d_k) / linear factor, t < d_k/2,
/// in float as the reference implementation computes them.
std::vector<float> ropeInverseFrequencies(int headDim, double theta, double linearFactor);

/// cos and sin of p·θ_t for positions p = first … first + n − 1 (n × d_k/2 each).
void ropeTables(int first, int n, const std::vector<float>& inverseFrequencies,
                Eigen::Ref<Matrix> cosines, Eigen::Ref<Matrix> sines);

/// Rotates the half-split pairs (t, t + d_k/2) of every head of `x` (n × heads·d_k) in place
/// (docs/attention-math.md, "Transformers").
void applyRope(Eigen::Ref<Matrix> x, int heads, int headDim,
               const Eigen::Ref<const Matrix>& cosines, const Eigen::Ref<const Matrix>& sines);

/// What an intervention does to one head, resolved for this input.
struct HeadSetting {
    bool changesWeights = false; ///< anything but the model's own softmax at temperature 1
    Normalizer normalizer = Normalizer::Softmax;
    float temperature = 1.0f;
    bool hasMask = false;
    BoolMatrix mask; ///< n × n, true where the extra mask lets the query see the key
    bool ablate = false;
};

/// The shape of one layer's attention.
struct AttentionGeometry {
    int heads = 0;
    int kvHeads = 0; ///< query head h reads key/value head ⌊h / (heads / kvHeads)⌋
    int headDim = 0;
    bool causal = false;
    float scale = 1.0f; ///< multiplies Q·Kᵀ (1/√d_k)
};

/// One layer's attention: `projections` is n × (heads + 2·kvHeads)·headDim holding Q, then K,
/// then V. Writes each head's weights into weights[h] (resized to n × n) and its context A·V into
/// its column block of `context` (n × heads·headDim). `settings` is empty (no intervention) or
/// has one entry per head; `flagged` gets, per head, the rows without a defined distribution.
/// `logits` is scratch for intervened heads. Heads run in parallel when the work pays for it.
void attendLayer(const Eigen::Ref<const Matrix>& projections, const AttentionGeometry& geometry,
                 const std::vector<HeadSetting>& settings, std::vector<Matrix>& weights,
                 std::vector<std::vector<int>>& flagged, std::vector<Matrix>& logits,
                 Eigen::Ref<Matrix> context);

/// logits (m × vocab) = hidden (m × d) · headᵀ (+ bias), split over the vocabulary across threads.
void outputLogits(const Eigen::Ref<const Matrix>& hidden, const float* head, const float* bias,
                  int vocab, Matrix& logits);

} // namespace attnlab::core::pretrained
