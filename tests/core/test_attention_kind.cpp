// The settings of the kinds of attention: names round-trip, unknown names list the choices,
// ranges are enforced, and every registry row has help text.

#include "core/base/types.h"
#include "core/efficient/attention_kind.h"

#include <gtest/gtest.h>

#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_attention_kind {

using namespace attnlab::core;

TEST(AttentionKind, NamesRoundTripAndHaveHelp) {
    for (const auto& row : attentionKinds()) {
        EXPECT_EQ(parseAttentionKind(row.name), row.value);
        EXPECT_EQ(toString(row.value), row.name);
        EXPECT_FALSE(row.help.empty());
    }
    for (const auto& row : featureMaps()) {
        EXPECT_EQ(parseFeatureMap(row.name), row.value);
        EXPECT_EQ(toString(row.value), row.name);
        EXPECT_FALSE(row.help.empty());
    }
    EXPECT_EQ(attentionKinds().size(), 3u);
    EXPECT_EQ(featureMaps().size(), 4u);
}

TEST(AttentionKind, UnknownNamesListTheChoices) {
    try {
        parseAttentionKind("sparse");
        FAIL();
    } catch (const InputError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'sparse'"), std::string::npos) << message;
        EXPECT_NE(message.find("dense, tiled, linear"), std::string::npos) << message;
    }
    EXPECT_THROW(parseFeatureMap("gelu"), InputError);
    EXPECT_THROW(parseFeatureMap(""), InputError);
}

TEST(AttentionKind, ValidateAndDescribe) {
    AttentionKindSettings s;
    EXPECT_NO_THROW(validate(s));
    EXPECT_EQ(describe(s), "dense");
    s.kind = AttentionKind::Linear;
    s.featureMap = FeatureMap::Favor;
    s.features = 128;
    EXPECT_EQ(describe(s), "linear:favor:128");
    s.featureMap = FeatureMap::Relu;
    EXPECT_EQ(describe(s), "linear:relu");
    for (int bad : {0, -1, 16385}) {
        AttentionKindSettings f;
        f.features = bad;
        EXPECT_THROW(validate(f), InputError) << bad;
    }
    AttentionKindSettings t;
    t.tileSize = 0;
    EXPECT_THROW(validate(t), InputError);
    t.tileSize = 65537;
    EXPECT_THROW(validate(t), InputError);
}

} // namespace test_attention_kind
