#include "core/training/trainer.h"

#include <algorithm>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab::core::training {
namespace {

// Held-out examples are evaluated in batches of this size: memory stays small, and a block of
// an evaluation's forward pass takes no longer than one of a training step's, so a cancelled
// evaluation stops as soon as a cancelled step (the result does not depend on the size, since
// losses are summed per token in double).
constexpr int kEvaluationBatch = 32;

// An example as one key: source, a separator no token uses, target.
std::vector<int> keyOf(const Example& e) {
    std::vector<int> key = e.source;
    key.push_back(-1);
    key.insert(key.end(), e.target.begin(), e.target.end());
    return key;
}

// Multiply-adds ×6 (forward and backward) of one step, the measure for going parallel.
double estimatedStepFlops(const ModelConfig& c, int batch, int length) {
    const double d = c.dModel;
    const double tokens = static_cast<double>(batch) * length;
    const double ffn = c.ffn == FeedForward::None ? 0.0 : 2.0 * d * c.hidden();
    const double additive = c.scoring == ScoringFunction::Additive ? 3.0 * c.dA() : 0.0;
    const double perLayer = 4.0 * d * d + ffn + length * (2.0 * d + additive * c.heads);
    const double stacks = c.encoderDecoder() ? 2.5 : 1.0;
    return 6.0 * tokens * (stacks * c.layers * perLayer + d * c.vocabSize);
}

// About 20 ms of work on one core: below it, waking a second thread costs more than it saves,
// and far more when the machine is busy (OpenMP and Eigen's products wait for each other by
// spinning, which collapses when another program holds a core).
constexpr double kParallelStepFlops = 4e8;

// Limits OpenMP, and with it Eigen's products, to `threads` on the calling thread while it
// lives (a setting of that thread only), restored on exit, also by an exception.
class ThreadScope {
public:
    explicit ThreadScope(int threads) {
#ifdef _OPENMP
        if (threads > 0) {
            m_previous = omp_get_max_threads();
            omp_set_num_threads(threads);
        }
#else
        (void)threads;
#endif
    }
    ~ThreadScope() {
#ifdef _OPENMP
        if (m_previous > 0)
            omp_set_num_threads(m_previous);
#endif
    }
    ThreadScope(const ThreadScope&) = delete;
    ThreadScope& operator=(const ThreadScope&) = delete;

private:
    [[maybe_unused]] int m_previous = 0;
};

} // namespace

Trainer::Trainer(const TrainSettings& settings) : m_settings(settings) {
    validate(m_settings);
    m_task = makeTask(m_settings.task);
    m_architecture = resolvedArchitecture(m_settings, *m_task);
    if (m_architecture == Architecture::EncoderDecoder && !m_task->hasSource())
        throw InputError("--architecture: the " + std::string(toString(m_settings.task.kind)) +
                         " task has no source for an encoder; use decoder or auto");
    m_config = modelConfigFor(m_settings, *m_task);

    Random heldOutStream(deriveSeed(m_settings.seed, "held-out-data"));
    std::vector<Example> heldOut;
    for (int i = 0; i < m_settings.heldOut; ++i) {
        heldOut.push_back(m_task->sample(heldOutStream, true));
        m_heldOutKeys.insert(keyOf(heldOut.back()));
    }
    for (int begin = 0; begin < m_settings.heldOut; begin += kEvaluationBatch) {
        const int end = std::min(begin + kEvaluationBatch, m_settings.heldOut);
        m_heldOut.push_back(
            layOut({heldOut.begin() + begin, heldOut.begin() + end}, m_architecture));
    }
    m_probeExamples.assign(heldOut.begin(), heldOut.begin() + m_settings.probe);
    m_probe = layOut(m_probeExamples, m_architecture);
    m_inductionControl = inductionControl(m_probe);
    m_threads = m_settings.threads;
    if (m_threads == 0) {
        const int length = m_config.architecture == Architecture::DecoderOnly
                               ? m_config.maxPositions
                               : m_task->maxTargetLength();
        m_threads = estimatedStepFlops(m_config, m_settings.batch, length) >= kParallelStepFlops
                        ? 0 // as many as OpenMP gives
                        : 1;
    }
    reset();
}

void Trainer::reset() {
    m_params = initialParameters(m_config, deriveSeed(m_settings.seed, "weights"));
    m_grads = zeroParameters(m_config);
    m_optimizer = std::make_unique<AdamW>(m_settings.optimizer, m_params);
    m_trainStream = Random(deriveSeed(m_settings.seed, "training-data"));
    m_history.clear();
    m_evaluations.clear();
    m_snapshots.clear();
    m_evaluationPending = false;
    record();
}

Example Trainer::nextTrainingExample() {
    // Generated tasks can draw a held-out example by chance (reverse of length 4 over 10 digits
    // has only 10 000); such draws are replaced, so held-out accuracy measures generalisation.
    // A task with fewer distinct examples than that gives up after a while and trains on it.
    constexpr int kAttempts = 64;
    Example example = m_task->sample(m_trainStream, false);
    if (m_task->config().kind == TaskKind::Language)
        return example; // its held-out text is a separate part of the corpus
    for (int attempt = 1; attempt < kAttempts && m_heldOutKeys.count(keyOf(example)) > 0; ++attempt)
        example = m_task->sample(m_trainStream, false);
    return example;
}

StepRecord Trainer::trainStep(const ProgressCallback& cancel) {
    completeEvaluation(cancel);
    const Random streamBefore = m_trainStream;
    const LaidOutBatch batch = nextBatch();
    try {
        return trainOn(batch, cancel);
    } catch (const Cancelled&) {
        m_trainStream = streamBefore; // the next step draws this batch again
        throw;
    }
}

void Trainer::completeEvaluation(const ProgressCallback& cancel) {
    if (m_evaluationPending)
        record(cancel);
}

LaidOutBatch Trainer::nextBatch() {
    std::vector<Example> examples;
    examples.reserve(static_cast<std::size_t>(m_settings.batch));
    for (int i = 0; i < m_settings.batch; ++i)
        examples.push_back(nextTrainingExample());
    return layOut(examples, m_architecture);
}

StepRecord Trainer::trainOn(const LaidOutBatch& laid, const ProgressCallback& cancel) {
    completeEvaluation(cancel);
    const ThreadScope threads(m_threads);
    for (ParameterView& view : parameterViews(m_grads))
        std::fill(view.data, view.data + view.size, 0.0f);
    // Everything a cancelled pass has touched is the gradients, zeroed above before each pass.
    const LossStats stats = lossAndGradients(m_config, m_params, laid.batch, m_grads, cancel);
    StepRecord record;
    record.gradientNorm = m_optimizer->step(m_params, m_grads);
    record.step = m_optimizer->steps();
    record.loss = stats.loss;
    record.accuracy = stats.accuracy();
    record.learningRate = m_optimizer->learningRate(record.step);
    m_history.push_back(record);
    if (record.step % m_settings.evalEvery == 0) {
        try {
            this->record(cancel);
        } catch (const Cancelled&) {
            // The step stands; its evaluation is pending (m_evaluationPending).
        }
    }
    return record;
}

void Trainer::run(int steps, const ProgressCallback& progress) {
    completeEvaluation();
    for (int done = 0; done < steps; ++done) {
        if (progress && !progress(done, steps))
            throw Cancelled();
        trainStep();
    }
    if (m_evaluations.empty() || m_evaluations.back().step != step())
        record();
    if (progress && !progress(steps, steps))
        throw Cancelled();
}

const Evaluation& Trainer::evaluateNow() {
    completeEvaluation();
    if (m_evaluations.empty() || m_evaluations.back().step != step())
        record();
    return m_evaluations.back();
}

void Trainer::record(const ProgressCallback& cancel) {
    const ThreadScope threads(m_threads);
    Snapshot snapshot;
    m_evaluationPending = true; // until the snapshot below is kept
    snapshot.evaluation = evaluate(cancel);
    ForwardResult probe = forward(m_config, m_params, m_probe.batch, nullptr, cancel);
    const ForwardResult control =
        forward(m_config, m_params, m_inductionControl.batch, nullptr, cancel);
    snapshot.evaluation.heads = headScores(probe.attention, m_probe, &control.attention);
    Evaluation& e = snapshot.evaluation;
    e.bestHead = bestAlignedHead(e.heads);
    if (e.bestHead >= 0)
        e.alignment = e.heads[static_cast<std::size_t>(e.bestHead)].alignment;
    e.inductionHead = bestInductionHead(e.heads);
    if (e.inductionHead >= 0)
        e.induction = e.heads[static_cast<std::size_t>(e.inductionHead)].induction;
    for (AttentionMaps& block : probe.attention) {
        block.weights.resize(static_cast<std::size_t>(block.heads)); // example 0's heads
        snapshot.maps.push_back(std::move(block));
    }
    m_evaluations.push_back(snapshot.evaluation);
    m_snapshots.push_back(std::move(snapshot));
    m_evaluationPending = false;
}

Evaluation Trainer::evaluate(const ProgressCallback& cancel) const {
    Evaluation e;
    e.step = step();
    double lossSum = 0.0;
    int counted = 0, correct = 0, examples = 0, examplesRight = 0;
    for (const LaidOutBatch& laid : m_heldOut) {
        ForwardResult result;
        const LossStats stats = training::evaluate(m_config, m_params, laid.batch, &result, cancel);
        lossSum += stats.loss * stats.counted;
        counted += stats.counted;
        correct += stats.correct;
        const int length = laid.batch.decoderLength;
        for (int x = 0; x < laid.batch.batch; ++x) {
            bool right = true;
            for (int p = 0; p < length; ++p) {
                const int row = x * length + p;
                const int target = laid.batch.targets[static_cast<std::size_t>(row)];
                if (target < 0)
                    continue;
                Eigen::Index best = 0;
                result.logits.row(row).maxCoeff(&best);
                right = right && best == target;
            }
            ++examples;
            examplesRight += right ? 1 : 0;
        }
    }
    e.loss = counted > 0 ? lossSum / counted : 0.0;
    e.accuracy = counted > 0 ? static_cast<double>(correct) / counted : 0.0;
    e.sequenceAccuracy = examples > 0 ? static_cast<double>(examplesRight) / examples : 0.0;
    return e;
}

Race::Race(const TrainSettings& first, const TrainSettings& second) {
    const TaskConfig& a = first.task;
    const TaskConfig& b = second.task;
    const bool sameTask = a.kind == b.kind && a.length == b.length && a.vocab == b.vocab &&
                          a.shift == b.shift && a.corpus == b.corpus;
    if (!sameTask || first.seed != second.seed || first.batch != second.batch ||
        first.heldOut != second.heldOut || first.probe != second.probe)
        throw InputError("a race trains both settings on the same data, so the task and its "
                         "settings, the seed, the batch size and the held-out and probe sets "
                         "must be the same for both");
    m_first = std::make_unique<Trainer>(first);
    m_second = std::make_unique<Trainer>(second);
}

void Race::step(const ProgressCallback& cancel) {
    std::exception_ptr errors[2];
    Trainer* trainers[2] = {m_first.get(), m_second.get()};
    // After a cancelled step only the trainer behind steps.
    const int target = std::max(m_first->step(), m_second->step()) + (level() ? 1 : 0);
    // Each trainer touches only its own state, so running them at once changes no number.
#pragma omp parallel for num_threads(2) schedule(static, 1)
    for (int i = 0; i < 2; ++i) {
        try {
            if (trainers[i]->step() < target)
                trainers[i]->trainStep(cancel);
        } catch (...) {
            errors[i] = std::current_exception();
        }
    }
    for (const std::exception_ptr& error : errors)
        if (error)
            std::rethrow_exception(error);
}

void Race::run(int steps, const ProgressCallback& progress) {
    for (int done = 0; done < steps; ++done) {
        if (progress && !progress(done, steps))
            throw Cancelled();
        step();
    }
    m_first->evaluateNow();
    m_second->evaluateNow();
    if (progress && !progress(steps, steps))
        throw Cancelled();
}

} // namespace attnlab::core::training
