#pragma once
// What `attention-lab train` writes besides the model: the loss curve as CSV (--log) and a
// summary as JSON (--summary).

#include "core/training/trainer.h"

#include <nlohmann/json.hpp>

#include <string>

namespace attnlab::core::training {

/// One row per step: step, loss, accuracy, grad_norm, learning_rate, then heldout_loss,
/// heldout_accuracy, alignment, induction on the steps that were evaluated (empty otherwise).
/// Numbers in shortest round-trip form, so a repeated run gives an identical file.
std::string trainingLogCsv(const Trainer& trainer);

/// {"task", "steps", "seconds", "final_loss", "accuracy", "alignment", …}: final_loss is the
/// held-out loss at the last step, accuracy the held-out exact-token accuracy, alignment the
/// best head's mean weight on the ideal keys (null for a task without an ideal alignment);
/// also the best head, the induction score, the sequence accuracy, the last batch loss, the
/// parameter count and every setting. Nothing but "seconds" depends on the machine's speed, so a
/// repeated run gives the same summary apart from that member.
nlohmann::ordered_json trainingSummary(const Trainer& trainer, double seconds);

/// Write the above atomically. Throw FileError.
void writeTrainingLog(const Trainer& trainer, const std::string& path);
void writeTrainingSummary(const Trainer& trainer, double seconds, const std::string& path);

} // namespace attnlab::core::training
