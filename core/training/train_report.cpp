#include "core/training/train_report.h"

#include "core/io/data_export.h"
#include "core/training/format.h"

namespace attnlab::core::training {
namespace {

nlohmann::ordered_json optionalNumber(const std::optional<double>& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json headJson(const Evaluation& e, int index) {
    if (index < 0)
        return nullptr;
    const HeadScores& h = e.heads[static_cast<std::size_t>(index)];
    return {{"attention", std::string(toString(h.kind))}, {"layer", h.layer}, {"head", h.head}};
}

} // namespace

std::string trainingLogCsv(const Trainer& trainer) {
    std::string csv = "step,loss,accuracy,grad_norm,learning_rate,heldout_loss,heldout_accuracy,"
                      "alignment,induction\n";
    const auto& evaluations = trainer.evaluations();
    std::size_t next = 0;
    for (const StepRecord& r : trainer.history()) {
        csv += std::to_string(r.step) + "," + formatNumber(r.loss) + "," +
               formatNumber(r.accuracy) + "," + formatNumber(r.gradientNorm) + "," +
               formatNumber(r.learningRate);
        while (next < evaluations.size() && evaluations[next].step < r.step)
            ++next;
        if (next < evaluations.size() && evaluations[next].step == r.step) {
            const Evaluation& e = evaluations[next];
            csv += "," + formatNumber(e.loss) + "," + formatNumber(e.accuracy) + "," +
                   (e.alignment ? formatNumber(*e.alignment) : std::string()) + "," +
                   (e.induction ? formatNumber(*e.induction) : std::string());
        } else {
            csv += ",,,,";
        }
        csv += "\n";
    }
    return csv;
}

nlohmann::ordered_json trainingSummary(const Trainer& trainer, double seconds) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    const TrainSettings& s = trainer.settings();
    j["task"] = std::string(toString(s.task.kind));
    j["steps"] = trainer.step();
    j["seconds"] = seconds;
    const Evaluation empty;
    const Evaluation& e = trainer.evaluations().empty() ? empty : trainer.evaluations().back();
    j["final_loss"] = e.loss;
    j["accuracy"] = e.accuracy;
    j["alignment"] = optionalNumber(e.alignment);
    j["best_head"] = headJson(e, e.bestHead);
    j["induction"] = optionalNumber(e.induction);
    j["induction_head"] = headJson(e, e.inductionHead);
    j["sequence_accuracy"] = e.sequenceAccuracy;
    j["last_batch_loss"] = trainer.history().empty()
                               ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(trainer.history().back().loss);
    j["architecture"] = std::string(toString(trainer.modelConfig().architecture));
    j["parameters"] = parameterCount(trainer.parameters());
    nlohmann::ordered_json heads = nlohmann::ordered_json::array();
    for (const HeadScores& h : e.heads)
        heads.push_back({{"attention", std::string(toString(h.kind))},
                         {"layer", h.layer},
                         {"head", h.head},
                         {"alignment", optionalNumber(h.alignment)},
                         {"previous_token", optionalNumber(h.previousToken)},
                         {"induction", optionalNumber(h.induction)},
                         {"diagonal", optionalNumber(h.diagonal)}});
    j["heads"] = heads;
    j["settings"] = toJson(s);
    return j;
}

void writeTrainingLog(const Trainer& trainer, const std::string& path) {
    writeFileAtomically(path, trainingLogCsv(trainer));
}

void writeTrainingSummary(const Trainer& trainer, double seconds, const std::string& path) {
    writeFileAtomically(path, trainingSummary(trainer, seconds).dump(2) + "\n");
}

} // namespace attnlab::core::training
