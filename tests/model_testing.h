#pragma once
// Test support for runs of the built-in model: one head of a ModelOutput as the tests read it,
// its trace (projections, Q, K, V, scores, context) beside its map (weights, entropy, argmax),
// with the logits masked as docs/attention-math.md#masks defines them.

#include "core/model/attention_maps.h"
#include "core/model/model.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace attnlab::testing {

struct HeadView {
    const core::HeadTrace& trace;
    const core::Matrix& weights;    ///< the head's map
    const core::Vector& entropy;    ///< per row
    const std::vector<int>& argmax; ///< per row, −1 for fully masked rows
    core::Matrix logits;            ///< the trace's logits with masked cells −∞
    const core::Matrix& wq;
    const core::Matrix& wk;
    const core::Matrix& wv;
    const core::ScoringParams& params;
    const core::Matrix& q;
    const core::Matrix& k;
    const core::Matrix& v;
    const core::Matrix& scores;
    const core::Matrix& context;
};

/// Head `head` of layer 0. The run must have a trace.
inline HeadView headOf(const core::ModelOutput& output, int head) {
    EXPECT_TRUE(output.trace.has_value()) << "the run has no trace";
    const core::HeadTrace& trace = output.trace->heads.at(static_cast<std::size_t>(head));
    const core::AttentionMaps& maps = output.maps;
    const std::size_t map = maps.index(0, head);
    return HeadView{trace,
                    maps.weights.at(map),
                    maps.entropy.at(map),
                    maps.argmax.at(map),
                    core::maskedLogits(trace.logits, maps.allowed),
                    trace.wq,
                    trace.wk,
                    trace.wv,
                    trace.params,
                    trace.q,
                    trace.k,
                    trace.v,
                    trace.scores,
                    trace.context};
}

/// Every head of layer 0.
inline std::vector<HeadView> headsOf(const core::ModelOutput& output) {
    std::vector<HeadView> heads;
    for (int h = 0; h < output.maps.heads; ++h)
        heads.push_back(headOf(output, h));
    return heads;
}

} // namespace attnlab::testing
