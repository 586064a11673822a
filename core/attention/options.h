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
/// The mask patterns; each has one entry in the registry of core/attention/mask.h (name, syntax,
/// help, visibility). New patterns are appended so that stored numbers keep their meaning.
enum class MaskKind {
    None,
    Causal,
    Padding,
    Window,
    Custom,
    Dilated,
    Strided,
    Longformer,
    BigBird,
    Block
};

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

/// Which keys a query may see (docs/attention-math.md, "Masks" and "Efficient attention"). Each
/// pattern reads only its own fields; the others keep their defaults.
struct MaskSpec {
    MaskKind kind = MaskKind::None; ///< default none
    int padLength = 0; ///< Padding only: total length L in tokens the sentence is padded to, ≥ n
    int window = 1;    ///< W: Window, Dilated, Longformer, BigBird; 0 … 10⁸, default 1; query i
                       ///< sees keys with |i − j| ≤ W (Dilated: ≤ W·D steps of D)
    std::vector<std::pair<int, int>> blocked; ///< Custom only: (query, key) cells that are masked
    int dilation = 1; ///< D: Dilated only; 1 … 10⁸, default 1; j − i a multiple of D
    int stride = 1; ///< S: Strided only; 1 … 10⁸, default 1; |i − j| < S or S divides i − j
    int globalTokens = 0; ///< G: Longformer, BigBird; 0 … 10⁸, default 0; tokens < G see and are
                          ///< seen by every token
    int randomKeys = 0; ///< R: BigBird only; 0 … 65536, default 0; seeded random keys per row
    int blockSize = 1;  ///< B: Block only; 1 … 10⁸, default 1; ⌊i/B⌋ = ⌊j/B⌋
};

/// Parses "none", "causal", "padding:L", "window:W", "dilated:W:D", "strided:S",
/// "longformer:W:G", "bigbird:W:G:R" or "block:B" (the registry of core/attention/mask.h; defined
/// in mask.cpp). Throws InputError naming the mask and its expected syntax for an unknown name, a
/// wrong number of parameters, a parameter that is not a whole number or out of range.
MaskSpec parseMask(std::string_view text);
/// Inverse of parseMask; custom masks print as "custom".
std::string toString(const MaskSpec& mask);

} // namespace attnlab::core
