#pragma once
// The named choices of attention-math.md, with their canonical names (the command-line and
// JSON spellings) and parsers that give a user-readable error for unknown names.

#include "core/text/tokenizer.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab::core {

enum class ScoringFunction { Dot, ScaledDot, General, Additive, Cosine };
enum class Normalizer { Softmax, Sparsemax, Relu, Sigmoid, Hardmax };
enum class PositionalEncoding { None, Sinusoidal, Rope, Alibi };
enum class ProjectionInit { Identity, Random, Manual };
enum class MaskKind { None, Causal, Padding, Window, Custom };

std::string_view toString(ScoringFunction value);
std::string_view toString(Normalizer value);
std::string_view toString(PositionalEncoding value);
std::string_view toString(ProjectionInit value);

/// Every choice of an enum in declaration order (for --help, combo boxes and tests).
const std::vector<ScoringFunction>& allScoringFunctions();
const std::vector<Normalizer>& allNormalizers();
const std::vector<PositionalEncoding>& allPositionalEncodings();

/// Parse a canonical name ("scaled-dot", "softmax", …). Throws InputError naming the valid
/// choices when `name` is not one of them.
ScoringFunction parseScoringFunction(std::string_view name);
Normalizer parseNormalizer(std::string_view name);
PositionalEncoding parsePositionalEncoding(std::string_view name);
ProjectionInit parseProjectionInit(std::string_view name);

/// Which keys a query may see (attention-math.md, "Masks").
struct MaskSpec {
    MaskKind kind = MaskKind::None; ///< default none
    int padLength = 0; ///< Padding only: total length L in tokens the sentence is padded to, ≥ n
    int window = 1;    ///< Window only: W ≥ 0, query i sees keys with |i − j| ≤ W
    std::vector<std::pair<int, int>> blocked; ///< Custom only: (query, key) cells that are masked
};

/// "none" | "causal" | "padding:L" | "window:W". Throws InputError for anything else.
MaskSpec parseMask(std::string_view text);
/// Inverse of parseMask; custom masks print as "custom".
std::string toString(const MaskSpec& mask);

} // namespace attnlab::core
