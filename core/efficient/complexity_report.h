#pragma once
// The tutorial's complexity table (seed 004, "性能对比") as data, a confrontation of the complexity
// lab's measurements with it, and the lab's table as CSV and as plain text. Everything here is
// plain data and strings; the window and the command line print or translate it.

#include "core/efficient/complexity.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// One row of the tutorial's table.
struct TutorialClaim {
    ComplexityFamily family; ///< which measured kinds the row speaks about (Tiled: Dense's)
    std::string_view name;   ///< "standard", "linear", "sparse"
    std::string_view original; ///< the tutorial's words: 标准注意力, 线性注意力, 稀疏注意力
    std::string_view time;    ///< "O(n²d)"
    std::string_view space;   ///< "O(n²)"
    std::string_view lengths; ///< the lengths the tutorial recommends it for: "<1000"
    double timeExponent;      ///< exponent of n in the time claim
    bool timeLog;             ///< the time claim has a log n factor
    double spaceExponent;     ///< exponent of n in the space claim
    bool spaceLog;            ///< the space claim has a log n factor
    int fromLength;           ///< recommended for n > this (0: from the start)
    int toLength;             ///< recommended for n < this (0: no upper end)
};

/// The three rows: standard O(n²d)/O(n²) for n < 1000, linear O(nd)/O(nd) for n > 10000, sparse
/// O(n log n · d)/O(n log n) for n > 1000.
std::span<const TutorialClaim> tutorialComplexityTable();
/// The row that speaks about `family` (dense and tiled: standard).
const TutorialClaim& tutorialClaimFor(ComplexityFamily family);

/// What a finding is about.
enum class FindingTopic {
    TimeSlope,     ///< fitted time exponent vs the claimed one
    MemorySlope,   ///< fitted memory exponent vs the claimed one
    Crossover,     ///< the length from which a kind beats dense vs the table's lengths
    LongestLength, ///< which approximate kind is fastest at the longest length vs the table
    Error,         ///< the approximation error, which the table does not state
};

enum class Verdict {
    Agrees,
    Disagrees,
    Inconclusive, ///< not enough measurements to say (the message says what is missing)
    NotClaimed,   ///< the table says nothing about it; the measurement is reported
};

/// One statement about the measurements and the table.
struct ComplexityFinding {
    FindingTopic topic = FindingTopic::TimeSlope;
    Verdict verdict = Verdict::Inconclusive;
    std::string kind;      ///< the measured kind's label
    std::string claim;     ///< the table row's name ("standard", …)
    double claimed = 0.0;  ///< claimed exponent (over the fitted lengths) or length
    double measured = 0.0; ///< fitted exponent or measured length; NaN when none
    std::string message;   ///< one English sentence with the numbers
};

struct TutorialComparisonOptions {
    /// A fitted exponent agrees when it is within this of the claimed one; default 0.25.
    double slopeTolerance = 0.25;
    /// The tutorial's lengths are round numbers: a crossover agrees when it lies within this
    /// factor of the length where the table switches kind; default 2.
    double lengthFactor = 2.0;
};

/// The log–log slope that `n^exponent (ln n)^log` has when fitted over `lengths` as the
/// measurements are: the exponent itself, or a little more for n log n (ln ln n grows too).
double claimedSlope(double exponent, bool log, const std::vector<int>& lengths);

/// Where the measurements agree or disagree with the tutorial's table: for each kind its time
/// and memory slopes against the claimed exponents, for each approximate kind the length from
/// which it beats dense against the table's lengths (10000 for linear, 1000 for sparse), the
/// fastest approximate kind at the longest length, and the errors the table leaves out.
std::vector<ComplexityFinding> compareWithTutorial(const ComplexityResult& result,
                                                   const TutorialComparisonOptions& options = {});

/// The lab's table as CSV (RFC 4180, header row): one row per kind and length with kind, family,
/// n, d_k, heads, measured, seconds, repetitions, peak_bytes, cells, time_slope, memory_slope,
/// mean_row_kl, mean_row_reverse_kl, dropped_weight, max_output_difference, note.
std::string complexityCsv(const ComplexityResult& result);

/// The same table as aligned plain text, followed by the slopes, the errors and the findings.
std::string formatComplexityTable(const ComplexityResult& result,
                                  const std::vector<ComplexityFinding>& findings);

std::string_view toString(ComplexityFamily family);
std::string_view toString(Verdict verdict);

} // namespace attnlab::core
