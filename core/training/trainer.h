#pragma once
// Training runs: a Trainer owns a task, a model, its optimiser and two seeded data streams
// (training and held-out), takes one short step at a time so that a window can pause it between
// steps, keeps the loss curve, evaluations and attention snapshots for a timeline, and repeats
// a run bit for bit from its seed. A Race trains two settings on the same data.

#include "core/base/random.h"
#include "core/training/batch.h"
#include "core/training/metrics.h"
#include "core/training/optimizer.h"
#include "core/training/train_settings.h"
#include "core/training/transformer.h"

#include <memory>
#include <set>
#include <vector>

namespace attnlab::core::training {

/// One optimiser step.
struct StepRecord {
    int step = 0;              ///< 1-based
    double loss = 0.0;         ///< mean cross-entropy of the step's batch (before the update)
    double accuracy = 0.0;     ///< token accuracy of the batch (before the update)
    double gradientNorm = 0.0; ///< global norm before clipping
    double learningRate = 0.0; ///< after warm-up
};

/// Held-out loss and accuracy and every head's scores at one step.
struct Evaluation {
    int step = 0;
    double loss = 0.0;               ///< mean cross-entropy on the held-out set
    double accuracy = 0.0;           ///< exact-token accuracy (teacher forcing, argmax)
    double sequenceAccuracy = 0.0;   ///< examples whose scored tokens are all right
    std::vector<HeadScores> heads;   ///< on the probe set
    int bestHead = -1;               ///< index into heads of the best alignment; −1 = none
    std::optional<double> alignment; ///< that head's alignment
    int inductionHead = -1;          ///< index of the best induction score; −1 = none
    std::optional<double> induction; ///< its score
};

/// The probe example's attention at one step, with the evaluation then: a timeline frame.
struct Snapshot {
    Evaluation evaluation;
    /// One per attention block (encoder layers, then per decoder layer self and cross), with
    /// weights for the probe example only: weights[head].
    std::vector<AttentionMaps> maps;
};

class Trainer {
public:
    /// Builds the task, the model with the seed's initial weights, the held-out set and the
    /// probe, and takes the snapshot of step 0. Throws InputError for bad settings.
    explicit Trainer(const TrainSettings& settings);

    const TrainSettings& settings() const { return m_settings; }
    const Task& task() const { return *m_task; }
    std::shared_ptr<const Task> sharedTask() const { return m_task; }
    const ModelConfig& modelConfig() const { return m_config; }
    const TransformerParams& parameters() const { return m_params; }
    int step() const { return m_optimizer->steps(); }

    /// One optimiser step on the next batch of the training stream: trainOn(nextBatch()). A
    /// step cancelled before its update also leaves the training stream where it was, so the
    /// run goes on exactly as if the step had never started.
    StepRecord trainStep(const ProgressCallback& cancel = {});

    /// The next batch of the training stream (held-out examples replaced), advancing it.
    LaidOutBatch nextBatch();
    /// One optimiser step on `batch` (evaluating when the step is a multiple of evalEvery).
    /// `cancel` is asked at each checkpoint of the forward and backward passes (and of the
    /// evaluation's passes): inside each attention block after each head and around its
    /// projections, and after each block (see training::forward()); when it returns false before
    /// the update, Cancelled is thrown and the weights, the optimiser, the history and the
    /// snapshots are untouched. When it stops the evaluation after the update, the step stands and
    /// returns, and its evaluation is pending: it is taken (same weights, so the same numbers) by
    /// completeEvaluation(), which every step, run and evaluateNow() call first.
    StepRecord trainOn(const LaidOutBatch& batch, const ProgressCallback& cancel = {});

    /// Whether a step's evaluation and snapshot were cancelled and are still to be taken.
    bool evaluationPending() const { return m_evaluationPending; }
    /// Takes the pending evaluation and snapshot, if any (cancellable as trainOn: it then stays
    /// pending and Cancelled is thrown).
    void completeEvaluation(const ProgressCallback& cancel = {});

    /// `steps` steps; every settings().evalEvery steps (and after the last) an evaluation and a
    /// snapshot. `progress(done, steps)` is called before each step and after the last; when it
    /// returns false the run stops there and throws Cancelled, keeping every completed step (a
    /// later run continues from it). Each step is one batch, so a pause waits for one step.
    void run(int steps, const ProgressCallback& progress = {});

    /// Evaluates now, records the evaluation and a snapshot, and returns the evaluation.
    const Evaluation& evaluateNow();

    /// Back to step 0: the seed's initial weights, fresh optimiser, the training stream from its
    /// start; history, evaluations and snapshots cleared (then the step-0 snapshot).
    void reset();

    const std::vector<StepRecord>& history() const { return m_history; }
    const std::vector<Evaluation>& evaluations() const { return m_evaluations; }
    const std::vector<Snapshot>& snapshots() const { return m_snapshots; }

    /// The probe examples as laid out for the model (the heatmaps' axes come from example 0).
    const LaidOutBatch& probe() const { return m_probe; }
    const std::vector<Example>& probeExamples() const { return m_probeExamples; }

private:
    Example nextTrainingExample();
    Evaluation evaluate(const ProgressCallback& cancel) const;
    /// Records an evaluation and snapshot now; when cancelled, records nothing and marks the
    /// evaluation pending.
    void record(const ProgressCallback& cancel = {});

    TrainSettings m_settings;
    std::shared_ptr<const Task> m_task;
    ModelConfig m_config;
    Architecture m_architecture = Architecture::DecoderOnly;
    TransformerParams m_params;
    TransformerParams m_grads;
    std::unique_ptr<AdamW> m_optimizer;
    Random m_trainStream{0};
    std::vector<LaidOutBatch> m_heldOut;
    std::set<std::vector<int>> m_heldOutKeys; ///< held-out examples, refused from training
    std::vector<Example> m_probeExamples;
    LaidOutBatch m_probe;
    LaidOutBatch m_inductionControl; ///< the probe with its repeats broken (induction score)
    std::vector<StepRecord> m_history;
    std::vector<Evaluation> m_evaluations;
    std::vector<Snapshot> m_snapshots;
    bool m_evaluationPending = false;
    int m_threads = 1; ///< OpenMP threads of a step; 0 = OpenMP's default
};

/// Two settings trained side by side on the same data stream and seed (dot vs additive, with vs
/// without √d_k, …): both must have the same task, seed and batch.
class Race {
public:
    /// Throws InputError when the two settings would not see the same data.
    Race(const TrainSettings& first, const TrainSettings& second);
    Trainer& first() { return *m_first; }
    Trainer& second() { return *m_second; }
    /// One step of each (on two threads when there are two; numbers are the same either way).
    /// `cancel` (called from both threads) is passed to each Trainer::trainStep; when it stops
    /// a step, Cancelled is thrown, and as one trainer may have finished its step before the
    /// other was stopped, the next call first brings the one behind level (each trainer stays
    /// bit-identical to its own uninterrupted run).
    void step(const ProgressCallback& cancel = {});
    /// Whether both trainers have taken the same number of steps.
    bool level() const { return m_first->step() == m_second->step(); }
    /// `steps` steps of each, evaluating as Trainer::run; progress and cancel between steps.
    void run(int steps, const ProgressCallback& progress = {});

private:
    std::unique_ptr<Trainer> m_first, m_second;
};

} // namespace attnlab::core::training
