#pragma once
// The limits of the program, defined once: the settings schema, the models, the loaders, the
// controls of the window and the help of the command line all read them from here.

namespace attnlab::core::limits {

inline constexpr int kMaxHeads = 16;            ///< heads of the built-in layer
inline constexpr int kMaxWidth = 4096;          ///< d_model, d_k, d_a, embedding dimensions
inline constexpr int kMinModelWidth = 2;        ///< d_model of the built-in lexicon
inline constexpr double kMinTemperature = 1e-6; ///< T
inline constexpr double kMaxTemperature = 1e6;  ///< T
inline constexpr double kMaxCosineScale = 1e6;  ///< |s| of the cosine score
inline constexpr int kDefaultMaxTokens = 4096;  ///< tokens per sentence unless the limit is raised
inline constexpr int kMaxTokenLimit = 1000000;  ///< the highest the token limit may be set
inline constexpr int kMaxImportedTokens = 4096; ///< tokens of imported maps
inline constexpr int kMaxImportedHeads = 128;   ///< heads per layer of imported maps

} // namespace attnlab::core::limits
