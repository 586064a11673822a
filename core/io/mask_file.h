#pragma once
// Custom masks as text files (`--mask custom:FILE`): one line per query row, one digit per key,
// 1 where the query sees the key and 0 where it is blocked (docs/attention-math.md, "Masks").
// Spaces or tabs between the digits are allowed, and so are blank lines and lines starting with
// '#'. Every row must have as many digits as the first; that the matrix matches the sentence
// (n_q rows of n_k keys) is checked when attention is computed.
//
//   # "the cat sat", causal but 'sat' does not see 'the'
//   1 0 0
//   1 1 0
//   0 1 1

#include "core/attention/mask.h"
#include "core/attention/options.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The largest mask file read (bytes): a 4096 × 4096 mask with spaces is 32 MiB.
inline constexpr std::uintmax_t kMaxMaskFileBytes = 64u << 20;

/// A mask read from a file, with its shape (to check against the sentence's tokens).
struct MaskFile {
    MaskSpec mask; ///< kind Custom; `blocked` lists the 0 cells in row order
    int rows = 0;  ///< query rows in the file
    int keys = 0;  ///< digits per row
};

/// Reads the mask in `text`; `name` (the file) heads every message. Throws InputError naming
/// the file and line for a character other than 0, 1, space or tab, a row of another length, or
/// no rows at all.
MaskFile parseMaskText(std::string_view text, const std::string& name);

/// parseMaskText over the file at `path`. Throws FileError when it cannot be read.
MaskFile loadMaskFile(const std::string& path);

/// The custom mask that blocks exactly the false cells of `visible` (n_q × n_k, true where the
/// query sees the key), listed in row order: how a mask painted cell by cell in the window
/// becomes a setting (docs/attention-math.md, "Masks").
MaskSpec customMask(const BoolMatrix& visible);

/// The text of a mask file for `visible`: the `comments` as '#' lines (line breaks inside one
/// become spaces), then one line per query of space-separated digits, 1 where the query sees the
/// key and 0 where it is blocked. parseMaskText reads it back to the same cells.
std::string formatMaskText(const BoolMatrix& visible,
                           const std::vector<std::string>& comments = {});

/// Throws InputError naming `name` unless the mask is `queries` × `keys` (the sentence's).
void checkMaskShape(const MaskFile& file, const std::string& name, int queries, int keys);

} // namespace attnlab::core
