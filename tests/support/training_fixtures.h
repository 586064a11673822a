#pragma once
// Training settings the core's tests of trained models share (test_learning_film,
// test_trained_model): small enough that a few steps take milliseconds, large enough to have
// held-out examples and probe examples to look at.

#include "core/training/train_settings.h"

namespace attnlab::testing {

/// Settings for `kind` with `layers` layers of `heads` heads: sequences of length 5 over 8
/// symbols, d_model 16, batches of 8, evaluation every 10 steps on 16 held-out examples, 4 probe
/// examples; everything else at its default.
inline core::training::TrainSettings smallTrainSettings(core::training::TaskKind kind, int layers,
                                                        int heads) {
    core::training::TrainSettings s;
    s.task.kind = kind;
    s.task.length = 5;
    s.task.vocab = 8;
    s.layers = layers;
    s.heads = heads;
    s.dModel = 16;
    s.batch = 8;
    s.evalEvery = 10;
    s.heldOut = 16;
    s.probe = 4;
    return s;
}

} // namespace attnlab::testing
