// Writes, for each reference configuration, what PyTorch needs to repeat its first steps: the
// model folder at step 0 (config.json, model.safetensors), batches.json (the token ids of every
// step's batch) and decay.json (the tensors that take weight decay). Usage: export_reference DIR

#include "core/training/model_folder.h"
#include "core/training/trainer.h"
#include "reference_configs.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace attnlab::core::training;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: export_reference DIR\n";
        return 2;
    }
    try {
        for (const auto& [name, settings] : attnlab::testing::referenceConfigs()) {
            const std::filesystem::path folder = std::filesystem::path(argv[1]) / name;
            Trainer trainer(settings);
            saveModelFolder(folder.string(), trainer);
            nlohmann::json steps = nlohmann::json::array();
            for (int step = 0; step < attnlab::testing::kReferenceSteps; ++step) {
                const LaidOutBatch laid = trainer.nextBatch();
                const ModelBatch& b = laid.batch;
                steps.push_back({{"batch", b.batch},
                                 {"decoder_length", b.decoderLength},
                                 {"decoder_tokens", b.decoderTokens},
                                 {"targets", b.targets},
                                 {"encoder_length", b.encoderLength},
                                 {"encoder_tokens", b.encoderTokens},
                                 {"encoder_lengths", b.encoderLengths}});
            }
            std::ofstream(folder / "batches.json") << steps.dump();
            nlohmann::json decay = nlohmann::json::array();
            for (const ConstParameterView& view : parameterViews(trainer.parameters()))
                if (view.decay)
                    decay.push_back(view.name);
            std::ofstream(folder / "decay.json") << decay.dump();
        }
    } catch (const std::exception& error) {
        std::cerr << "export_reference: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
