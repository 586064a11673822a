#include "core/model/attention_maps.h"

#include "core/attention/normalizer.h"
#include "core/base/memory.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace attnlab::core {

const Matrix* AttentionMaps::map(int layer, int head) const {
    if (layer < 0 || layer >= layers)
        return nullptr;
    const auto l = static_cast<std::size_t>(layer);
    if (head >= 0 && head < heads && index(layer, head) < weights.size())
        return &weights[index(layer, head)];
    if (head == kMeanOfHeads && l < mean.size())
        return &mean[l];
    if (head == kMaxOfHeads && l < max.size())
        return &max[l];
    if (head == kRollout && rollout)
        return &*rollout;
    return nullptr;
}

const Matrix& AttentionMaps::weightsOf(int layer, int head) const {
    const Matrix* found = map(layer, head);
    assert(found && "a map that does not exist");
    return *found;
}

float AttentionMaps::largestWeight(int layer, const std::vector<int>& shown) const {
    float largest = 0.0f;
    for (int head : shown)
        if (const Matrix* m = map(layer, head); m && m->size() > 0)
            largest = std::max(largest, m->maxCoeff());
    return largest;
}

void completeMaps(AttentionMaps& maps) {
    const Eigen::Index nq = maps.queries();
    const Eigen::Index nk = maps.keys();
    std::vector<char> fullyMasked(static_cast<std::size_t>(nq), 0);
    for (int row : maps.fullyMaskedRows)
        fullyMasked[static_cast<std::size_t>(row)] = 1;
    maps.entropy.clear();
    maps.argmax.clear();
    for (const Matrix& weights : maps.weights) {
        // Entropy is only meaningful for weights in [0, 1]; other values (imported scores) are
        // clamped so that it stays finite.
        maps.entropy.push_back(rowEntropy(weights.cwiseMax(0.0f).cwiseMin(1.0f)));
        std::vector<int> argmax(static_cast<std::size_t>(nq), -1);
        for (Eigen::Index i = 0; i < nq; ++i) {
            if (fullyMasked[static_cast<std::size_t>(i)])
                continue;
            Eigen::Index best = 0;
            weights.row(i).maxCoeff(&best);
            argmax[static_cast<std::size_t>(i)] = static_cast<int>(best);
        }
        maps.argmax.push_back(std::move(argmax));
    }
    maps.mean.clear();
    maps.max.clear();
    for (int layer = 0; layer < maps.layers; ++layer) {
        // Summed in double: the mean of finite floats is finite, but their float sum may not be
        // (weights near the largest float, which a file of scores rather than weights can hold).
        // Each buffer is allocated once and backed by huge pages before its first write (at
        // 4096 tokens they are 64 and 128 MiB).
        Eigen::MatrixXd sum(nq, nk);
        adviseHugePages(sum);
        sum.setZero();
        const Eigen::Index maxRows = maps.heads > 0 ? nq : 0, maxCols = maps.heads > 0 ? nk : 0;
        Matrix max(maxRows, maxCols);
        adviseHugePages(max);
        for (int head = 0; head < maps.heads; ++head) {
            const Matrix& weights = maps.weights[maps.index(layer, head)];
            sum += weights.cast<double>();
            if (head == 0)
                max = weights;
            else
                max = max.cwiseMax(weights);
        }
        Matrix mean(nq, nk);
        adviseHugePages(mean);
        mean = (sum / static_cast<double>(maps.heads)).cast<float>();
        maps.mean.push_back(std::move(mean));
        maps.max.push_back(std::move(max));
    }
}

Matrix maskedLogits(const Eigen::Ref<const Matrix>& logits, const BoolMatrix& allowed) {
    if (allowed.size() == 0 || allowed.all())
        return logits;
    return allowed.select(logits.array(), -std::numeric_limits<float>::infinity()).matrix();
}

} // namespace attnlab::core
