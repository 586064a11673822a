#pragma once
// Which keys each query may see (docs/attention-math.md, "Masks" and "Efficient attention").
//
// Every pattern is one entry of a registry (maskPatterns()): its name, parameter syntax, help
// text, a predicate visible(i, j) and an enumeration of the visible keys of a row in increasing
// order, as runs of consecutive keys, in time proportional to the visible keys. parseMask,
// toString, the help text, buildMask and the sparse kernels all read that one table, so a new
// pattern is one entry there (and a MaskKind).

#include "core/attention/options.h"

#include <Eigen/Core>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

using BoolMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Keys [begin, end) of one row, all visible.
struct KeyRun {
    int begin = 0;
    int end = 0;
    int size() const { return end - begin; }
    bool operator==(const KeyRun&) const = default;
};

class MaskPattern;

/// One parameter of a pattern's syntax ("W" in "window:W").
struct MaskParameterInfo {
    std::string_view symbol;  ///< as written in the syntax: "W", "D", …
    std::string_view meaning; ///< a few words for error messages and help
    int minimum = 0;          ///< smallest accepted value
    int maximum = 0;          ///< largest accepted value
    int MaskSpec::*field = nullptr;
};

/// One row of the mask registry.
struct MaskPatternInfo {
    MaskKind kind = MaskKind::None;
    std::string_view name;   ///< the text before the first ':' ("dilated")
    std::string_view syntax; ///< the full syntax ("dilated:W:D"); "custom" cannot be typed
    std::string_view help;   ///< one line: which keys query i sees
    std::span<const MaskParameterInfo> parameters;
    bool typed = true;     ///< false for custom masks, which come from a file or the window
    bool selfOnly = false; ///< true for causal: refused in cross-attention
    /// Whether query i sees key j (0 ≤ i < n_q, 0 ≤ j < n_k).
    bool (*visible)(const MaskPattern& mask, int i, int j) = nullptr;
    /// Appends the maximal runs of visible keys of row i, increasing, in O(visible keys).
    void (*appendRuns)(const MaskPattern& mask, int i, std::vector<KeyRun>& runs) = nullptr;
};

/// Every pattern, in MaskKind order.
std::span<const MaskPatternInfo> maskPatterns();
/// The registry entry of `kind`.
const MaskPatternInfo& maskPattern(MaskKind kind);
/// One line per typed pattern, "syntax  help", for --help and tooltips.
std::string maskHelp();
/// The typed syntaxes joined by ", " ("none, causal, padding:L, …").
std::string maskSyntaxList();

/// Checks the parameters of `spec` against the registry's ranges (a spec built in code rather
/// than parsed). Throws InputError naming the mask, the parameter and its range.
void validateMask(const MaskSpec& spec);

/// A MaskSpec bound to an n_q × n_k attention matrix: answers visibility and enumerates the
/// visible keys of each row without building the matrix. Immutable and safe to share between
/// threads once constructed.
class MaskPattern {
public:
    /// Throws InputError for parameters out of range, causal in cross-attention (`cross`) or a
    /// custom cell outside the matrix. `keyIsPadding[j]` marks [PAD] keys (padding mask; shorter
    /// than n_k means the rest are not padding). `seed` seeds bigbird's random keys: row i draws
    /// from deriveSeed(seed, "bigbird", i) (core/base/random.h), so the same seed gives the same
    /// keys on every machine; pass the configuration's seed.
    MaskPattern(const MaskSpec& spec, int nq, int nk, bool cross = false,
                std::vector<bool> keyIsPadding = {}, std::uint64_t seed = 0);

    const MaskSpec& spec() const { return m_spec; }
    const MaskPatternInfo& info() const { return *m_info; }
    int queries() const { return m_nq; }
    int keys() const { return m_nk; }
    std::uint64_t seed() const { return m_seed; }

    /// Whether query i may see key j.
    bool visible(int i, int j) const { return m_info->visible(*this, i, j); }
    /// Replaces `runs` with the maximal runs of visible keys of row i, in increasing order.
    void visibleRuns(int i, std::vector<KeyRun>& runs) const;
    /// Replaces `keys` with the visible keys of row i, in increasing order.
    void visibleKeys(int i, std::vector<int>& keys) const;
    /// Number of visible keys of row i.
    std::int64_t visibleCount(int i) const;
    /// Number of visible cells of the whole matrix (a pass over the rows' runs).
    std::int64_t visibleCells() const;
    /// True when every cell is visible (none, or a pattern that covers this shape).
    bool coversEverything() const;
    /// The dense n_q × n_k matrix, true = visible (small inputs only: n_q·n_k bytes).
    BoolMatrix dense() const;

    /// Padding: the runs of keys that are not [PAD] (the same for every row).
    const std::vector<KeyRun>& unpaddedRuns() const { return m_unpaddedRuns; }
    /// Custom: the blocked keys of row i, increasing, without repeats.
    const std::vector<int>& blockedKeys(int i) const;

private:
    MaskSpec m_spec;
    const MaskPatternInfo* m_info = nullptr;
    int m_nq = 0;
    int m_nk = 0;
    std::uint64_t m_seed = 0;
    std::vector<KeyRun> m_unpaddedRuns;
    std::vector<std::vector<int>> m_blocked;
};

/// Bigbird's random keys of row i, increasing: min(R, number of candidates) distinct keys drawn
/// uniformly without replacement from the keys the longformer part of the row does not see
/// (j ≥ G and |i − j| > W); none for the global rows i < G, which see every key already.
void bigBirdRandomKeys(const MaskSpec& spec, int i, int nk, std::uint64_t seed,
                       std::vector<int>& keys);

/// n_q × n_k, true where query i may see key j (MaskPattern::dense). Throws as MaskPattern.
BoolMatrix buildMask(const MaskSpec& mask, int nq, int nk, bool cross,
                     const std::vector<bool>& keyIsPadding, std::uint64_t seed = 0);

} // namespace attnlab::core
