// The loss curve of the first steps equals PyTorch autograd's on the same initial weights and
// batches, to 1e-4 relative, for several configurations (tests/training/torch_reference.py
// writes PyTorch's losses; it runs first as a CTest fixture).

#include "core/training/trainer.h"
#include "reference_configs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace attnlab::core::training;

namespace {

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class AgainstPyTorch : public ::testing::TestWithParam<std::string> {};

TEST_P(AgainstPyTorch, FirstStepsMatch) {
    const std::filesystem::path folder =
        std::filesystem::path(ATTNLAB_TRAINING_REFERENCE_DIR) / GetParam();
    const std::filesystem::path skipped = folder / "torch_skipped.txt";
    if (std::filesystem::exists(skipped))
        GTEST_SKIP() << "PyTorch reference not available: " << readText(skipped);
    const std::filesystem::path lossesPath = folder / "torch_losses.json";
    if (!std::filesystem::exists(lossesPath))
        GTEST_SKIP() << "no PyTorch losses in " << folder
                     << " (run ctest, which runs tests/training/torch_reference.py first)";
    const auto torchLosses = nlohmann::json::parse(readText(lossesPath));
    ASSERT_EQ(torchLosses.size(), static_cast<std::size_t>(attnlab::testing::kReferenceSteps));

    for (const auto& [name, settings] : attnlab::testing::referenceConfigs()) {
        if (name != GetParam())
            continue;
        Trainer trainer(settings);
        for (int step = 0; step < attnlab::testing::kReferenceSteps; ++step) {
            const double ours = trainer.trainStep().loss;
            const double theirs = torchLosses[static_cast<std::size_t>(step)].get<double>();
            EXPECT_NEAR(ours, theirs, 1e-4 * std::abs(theirs)) << "step " << step + 1;
        }
        // The run must learn something, or equal curves would prove little.
        EXPECT_LT(trainer.history().back().loss, 0.9 * trainer.history().front().loss);
        return;
    }
    FAIL() << "unknown configuration " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Configurations, AgainstPyTorch, ::testing::ValuesIn([] {
                             std::vector<std::string> names;
                             for (const auto& entry : attnlab::testing::referenceConfigs())
                                 names.push_back(entry.first);
                             return names;
                         }()),
                         [](const auto& info) { return info.param; });

} // namespace
