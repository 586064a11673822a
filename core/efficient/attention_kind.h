#pragma once
// The kinds of attention a computation can use (docs/attention-math.md, "Efficient attention"), as
// settings: names, help text and validation, one registry row each, so that the command line
// (--attention, --feature-map, --features), the window's controls and the exports read one table.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace attnlab::core {

/// How the attention weights and context are computed.
enum class AttentionKind {
    Dense,  ///< softmax(QKᵀ/√d_k) materialised, every normaliser and scoring function
    Tiled,  ///< exact softmax attention by online softmax over key blocks, no n×n matrix stored
    Linear, ///< φ(Q)(φ(K)ᵀV) / (φ(Q)Σφ(k_j)), an approximation of softmax attention
};

/// The feature map φ of linear attention.
enum class FeatureMap {
    Softmax, ///< softmax over the feature dimension of each row (seed 004)
    Elu,     ///< elu(x) + 1 (Katharopoulos et al. 2020)
    Relu,    ///< max(x, 0); a row can be all zero (flagged)
    Favor,   ///< Performer FAVOR+: M seeded orthogonal positive random features
};

/// One row of a settings registry.
template <typename Enum> struct ChoiceInfo {
    Enum value;
    std::string_view name; ///< command-line and JSON spelling
    std::string_view help; ///< one line for --help and tooltips
};

/// Every attention kind and feature map, in declaration order.
std::span<const ChoiceInfo<AttentionKind>> attentionKinds();
std::span<const ChoiceInfo<FeatureMap>> featureMaps();

std::string_view toString(AttentionKind kind);
std::string_view toString(FeatureMap map);
/// Parse a name ("tiled", "favor"). Throws InputError naming the valid choices.
AttentionKind parseAttentionKind(std::string_view name);
FeatureMap parseFeatureMap(std::string_view name);

/// Ranges of the settings below (also the spin boxes' ranges).
inline constexpr int kMinFavorFeatures = 1;
inline constexpr int kMaxFavorFeatures = 16384;
inline constexpr int kMinTileSize = 1;
inline constexpr int kMaxTileSize = 65536;

/// The kind of attention and its parameters, as one group of settings.
struct AttentionKindSettings {
    AttentionKind kind = AttentionKind::Dense; ///< default dense
    FeatureMap featureMap = FeatureMap::Elu;   ///< Linear only; default elu
    int features = 256;      ///< Linear favor only: random features M; 1 … 16384, default 256
    int tileSize = 256;      ///< Tiled only: keys per block B; 1 … 65536, default 256
    std::uint64_t seed = 42; ///< favor's random features; the configuration's seed, default 42
};

/// Checks the ranges of `settings`. Throws InputError naming the setting and its range.
void validate(const AttentionKindSettings& settings);

/// "dense", "tiled", "linear:elu", "linear:favor:256": the kind as one short label.
std::string describe(const AttentionKindSettings& settings);

} // namespace attnlab::core
