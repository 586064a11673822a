#pragma once
// The configurations whose first steps are compared with PyTorch autograd: the exporter writes
// their initial weights and batches, torch_reference.py trains them in PyTorch, and
// test_training_reference checks the C++ losses against PyTorch's.

#include "core/training/train_settings.h"

#include <string>
#include <utility>
#include <vector>

namespace attnlab::testing {

inline constexpr int kReferenceSteps = 50;

inline std::vector<std::pair<std::string, core::training::TrainSettings>> referenceConfigs() {
    using namespace core::training;
    std::vector<std::pair<std::string, TrainSettings>> configs;
    const auto make = [](std::initializer_list<std::pair<const char*, const char*>> options) {
        TrainSettings s;
        s.heldOut = 8;
        s.probe = 2;
        s.evalEvery = 1000;
        s.threads = 1;
        for (const auto& [option, value] : options)
            applyTrainSetting(s, option, value);
        return s;
    };
    configs.emplace_back(
        "scaled_dot_softmax",
        make({{"task", "reverse"}, {"length", "6"}, {"d-model", "32"}, {"batch", "16"}}));
    configs.emplace_back("additive_sparsemax", make({{"task", "sort"},
                                                     {"length", "6"},
                                                     {"d-model", "32"},
                                                     {"heads", "2"},
                                                     {"scoring", "additive"},
                                                     {"normalizer", "sparsemax"},
                                                     {"batch", "16"}}));
    configs.emplace_back("cosine_relu_rope", make({{"task", "copy"},
                                                   {"length", "6"},
                                                   {"d-model", "32"},
                                                   {"heads", "2"},
                                                   {"scoring", "cosine"},
                                                   {"normalizer", "relu"},
                                                   {"positional", "rope"},
                                                   {"batch", "16"}}));
    configs.emplace_back("two_layers_ffn_layernorm", make({{"task", "induction"},
                                                           {"length", "5"},
                                                           {"d-model", "32"},
                                                           {"heads", "2"},
                                                           {"layers", "2"},
                                                           {"scoring", "general"},
                                                           {"ffn", "gelu"},
                                                           {"layernorm", "on"},
                                                           {"positional", "sinusoidal"},
                                                           {"batch", "16"},
                                                           {"weight-decay", "0.01"}}));
    configs.emplace_back("encoder_decoder_translation", make({{"task", "translation"},
                                                              {"d-model", "32"},
                                                              {"heads", "4"},
                                                              {"scoring", "dot"},
                                                              {"normalizer", "sigmoid"},
                                                              {"positional", "alibi"},
                                                              {"ffn", "gelu"},
                                                              {"layernorm", "on"},
                                                              {"mask", "window:3"},
                                                              {"batch", "8"},
                                                              {"lr", "0.003"},
                                                              {"warmup", "10"},
                                                              {"clip", "0.5"},
                                                              {"weight-decay", "0.1"}}));
    return configs;
}

} // namespace attnlab::testing
