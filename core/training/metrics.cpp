#include "core/training/metrics.h"

#include <cassert>

namespace attnlab::core::training {
namespace {

// Mean of the values added, or none when nothing was added.
class Mean {
public:
    void add(double value) {
        m_sum += value;
        ++m_count;
    }
    std::optional<double> value() const {
        if (m_count == 0)
            return std::nullopt;
        return m_sum / m_count;
    }

private:
    double m_sum = 0.0;
    int m_count = 0;
};

const int* tokensOf(const ModelBatch& batch, AttentionKind kind, int example) {
    if (kind == AttentionKind::EncoderSelf)
        return batch.encoderTokens.data() +
               static_cast<std::size_t>(example) * static_cast<std::size_t>(batch.encoderLength);
    return batch.decoderTokens.data() +
           static_cast<std::size_t>(example) * static_cast<std::size_t>(batch.decoderLength);
}

int realLength(const LaidOutBatch& probe, AttentionKind kind, int example) {
    if (kind == AttentionKind::EncoderSelf)
        return probe.batch.encoderLengths.empty()
                   ? probe.batch.encoderLength
                   : probe.batch.encoderLengths[static_cast<std::size_t>(example)];
    return probe.decoderLengths[static_cast<std::size_t>(example)];
}

} // namespace

namespace {

// Replaces in `tokens` (one sequence of `n` real tokens) every token that occurs again later by
// <unk>.
void breakRepeats(int* tokens, int n) {
    std::vector<bool> repeated(static_cast<std::size_t>(n), false);
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n && !repeated[static_cast<std::size_t>(i)]; ++j)
            repeated[static_cast<std::size_t>(i)] = tokens[j] == tokens[i];
    for (int i = 0; i < n; ++i)
        if (repeated[static_cast<std::size_t>(i)])
            tokens[i] = Vocabulary::kUnknown;
}

} // namespace

LaidOutBatch inductionControl(const LaidOutBatch& probe) {
    LaidOutBatch control = probe;
    ModelBatch& b = control.batch;
    for (int e = 0; e < b.batch; ++e) {
        breakRepeats(b.decoderTokens.data() +
                         static_cast<std::size_t>(e) * static_cast<std::size_t>(b.decoderLength),
                     control.decoderLengths[static_cast<std::size_t>(e)]);
        if (b.encoderLength > 0)
            breakRepeats(b.encoderTokens.data() + static_cast<std::size_t>(e) *
                                                      static_cast<std::size_t>(b.encoderLength),
                         realLength(probe, AttentionKind::EncoderSelf, e));
    }
    return control;
}

std::vector<HeadScores> headScores(const std::vector<AttentionMaps>& maps,
                                   const LaidOutBatch& probe,
                                   const std::vector<AttentionMaps>* control) {
    assert(!control || control->size() == maps.size());
    std::vector<HeadScores> result;
    const int examples = probe.batch.batch;
    for (std::size_t b = 0; b < maps.size(); ++b) {
        const AttentionMaps& block = maps[b];
        for (int h = 0; h < block.heads; ++h) {
            HeadScores scores;
            scores.kind = block.kind;
            scores.layer = block.layer;
            scores.head = h;
            Mean alignment;
            for (const IdealCell& cell : probe.ideal) {
                if (cell.kind != block.kind)
                    continue;
                const Matrix& a = block.at(cell.example, h);
                double weight = 0.0;
                for (int key : cell.keys)
                    weight += a(cell.query, key);
                alignment.add(weight);
            }
            scores.alignment = alignment.value();
            if (block.kind != AttentionKind::Cross) {
                Mean previous, induction, diagonal;
                for (int e = 0; e < examples; ++e) {
                    const Matrix& a = block.at(e, h);
                    const int n = realLength(probe, block.kind, e);
                    const int* tokens = tokensOf(probe.batch, block.kind, e);
                    for (int i = 0; i < n; ++i) {
                        diagonal.add(a(i, i));
                        if (i >= 1)
                            previous.add(a(i, i - 1));
                        if (!control)
                            continue;
                        // Rows whose token occurs again later are changed in the control.
                        bool later = false;
                        for (int k = i + 1; k < n && !later; ++k)
                            later = tokens[k] == tokens[i];
                        if (later || tokens[i] == Vocabulary::kUnknown)
                            continue;
                        for (int j = i - 1; j >= 0; --j)
                            if (tokens[j] == tokens[i]) {
                                const Matrix& c = (*control)[b].at(e, h);
                                induction.add(static_cast<double>(a(i, j + 1)) - c(i, j + 1));
                                break;
                            }
                    }
                }
                scores.previousToken = previous.value();
                scores.induction = induction.value();
                scores.diagonal = diagonal.value();
            }
            result.push_back(scores);
        }
    }
    return result;
}

int bestAlignedHead(const std::vector<HeadScores>& scores) {
    int best = -1;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (scores[i].alignment &&
            (best < 0 || *scores[i].alignment > *scores[static_cast<std::size_t>(best)].alignment))
            best = static_cast<int>(i);
    return best;
}

int bestInductionHead(const std::vector<HeadScores>& scores) {
    int best = -1;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (scores[i].induction &&
            (best < 0 || *scores[i].induction > *scores[static_cast<std::size_t>(best)].induction))
            best = static_cast<int>(i);
    return best;
}

} // namespace attnlab::core::training
