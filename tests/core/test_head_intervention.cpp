// A change to a pretrained model's heads is checked before any run: a layer or head the model
// lacks, a temperature that is not a positive number, a padding mask and a window of 0 are
// refused with a message naming the problem and what to use instead; the changes a user means
// pass.

#include "core/attention/options.h"
#include "core/pretrained/pretrained_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_head_intervention {

using namespace attnlab::core;

namespace {

// The message of the refusal, or "" when the change passes.
std::string refusal(const HeadIntervention& change, int layers = 3, int heads = 4) {
    try {
        checkIntervention(change, layers, heads);
    } catch (const InputError& error) {
        EXPECT_EQ(error.setting(), "intervention");
        return error.what();
    }
    return {};
}

HeadIntervention on(int layer, int head) {
    HeadIntervention change;
    change.layer = layer;
    change.head = head;
    return change;
}

} // namespace

TEST(HeadIntervention, ChangesAUserMeansPass) {
    HeadIntervention ablate = on(0, 0);
    ablate.ablate = true;
    EXPECT_EQ(refusal(ablate), "");
    HeadIntervention layer = on(2, -1);
    layer.normalizer = Normalizer::Sparsemax;
    EXPECT_EQ(refusal(layer), "");
    HeadIntervention hot = on(1, 3);
    hot.temperature = 1e-3f;
    EXPECT_EQ(refusal(hot), "");
    for (const char* mask : {"causal", "window:1", "window:5", "none"}) {
        HeadIntervention masked = on(1, 2);
        masked.mask = parseMask(mask);
        EXPECT_EQ(refusal(masked), "") << mask;
    }
}

TEST(HeadIntervention, LayersAndHeadsOutsideTheModelAreRefusedInOneBasedNumbers) {
    for (int layers : {1, 3, 12})
        for (int heads : {1, 4, 12}) {
            EXPECT_EQ(refusal(on(layers - 1, heads - 1), layers, heads), "");
            const std::string layer = refusal(on(layers, 0), layers, heads);
            EXPECT_NE(layer.find("layer " + std::to_string(layers + 1) + " does not exist"),
                      std::string::npos)
                << layer;
            EXPECT_NE(layer.find(std::to_string(layers) + " layers"), std::string::npos) << layer;
            EXPECT_NE(refusal(on(-1, 0), layers, heads), "");
            const std::string head = refusal(on(0, heads), layers, heads);
            EXPECT_NE(head.find("head " + std::to_string(heads + 1) + " does not exist"),
                      std::string::npos)
                << head;
            EXPECT_NE(refusal(on(0, -2), layers, heads), "");
        }
}

TEST(HeadIntervention, ATemperatureMustBeAPositiveNumber) {
    for (float t : {0.0f, -1.0f, std::numeric_limits<float>::infinity(),
                    std::numeric_limits<float>::quiet_NaN()}) {
        HeadIntervention change = on(0, 0);
        change.temperature = t;
        const std::string text = refusal(change);
        EXPECT_NE(text.find("the temperature must be a positive number"), std::string::npos)
            << t << ": " << text;
    }
}

TEST(HeadIntervention, PaddingAndAnEmptyWindowAreRefused) {
    HeadIntervention padding = on(0, 0);
    padding.mask = parseMask("padding:8");
    EXPECT_NE(refusal(padding).find("use causal or window:W"), std::string::npos);
    HeadIntervention window = on(0, 0);
    window.mask = parseMask("window:0");
    const std::string text = refusal(window);
    EXPECT_NE(text.find("window:0"), std::string::npos) << text;
    EXPECT_NE(text.find("window:1 or wider"), std::string::npos) << text;
}

} // namespace test_head_intervention
