#pragma once
// The Complexity page of a session (the member "complexity" of an .attnlab file): the kinds of
// attention, lengths, d_k, heads and dense budget the page measures with. A session with it opens
// on the Complexity page, and a lesson's checks of its measurements (time_slope, memory_slope,
// mean_row_kl, …; core/io/lesson_check.h) are measured on the lab run with it
// (core/teaching/complexity_checks.h).
//
//   "complexity": {"kinds": ["dense", "tiled", "window:32", "linear:elu"],
//                  "n": [256, 512, 1024, 2048, 4096], "d_k": 64, "heads": 1,
//                  "dense_budget_mib": 1024}
//
// "kinds" and "n" are required, the rest optional (the defaults above). The other settings of the
// lab are the page's (pageComplexityConfig in core/efficient/complexity.h). Read strictly: an
// unknown member, a kind the lab does not know or repeats, or a number out of range is an
// InputError naming the member.

#include "core/base/json.h"
#include "core/efficient/complexity.h"

#include <string>
#include <vector>

namespace attnlab::core {

struct SessionComplexity {
    std::vector<ComplexityKind> kinds; ///< "kinds": at least one, each once (by label)
    std::vector<int> sizes;            ///< "n": lengths, 2 … 10,000,000 each, at least one
    int dK = 64;                       ///< "d_k": query/key width, 1 … 1024, default 64
    int heads = 1;                     ///< "heads": 1 … 64, default 1
    int denseBudgetMiB = 1024;         ///< "dense_budget_mib": MiB, 1 … 65536, default 1024

    /// The kinds' labels ("dense", "window:32"), in order.
    std::vector<std::string> labels() const;
    /// The same kinds (by label), lengths (in the same order) and numbers.
    bool operator==(const SessionComplexity& other) const;
};

/// Reads the object at `where` ("complexity"). Throws InputError naming the member.
SessionComplexity parseSessionComplexity(const json::Value& value, const std::string& where);

/// Writes `complexity` as the object parseSessionComplexity reads back.
void writeSessionComplexity(json::Writer& out, const SessionComplexity& complexity);

/// The lab's settings for `complexity`: pageComplexityConfig of its kinds, lengths, d_k, heads and
/// budget (the seed is the lab's default, 42).
ComplexityConfig complexityConfigOf(const SessionComplexity& complexity);

/// The page's settings as a SessionComplexity (the inverse of complexityConfigOf on what it
/// keeps). Throws InputError when they are out of the ranges above.
SessionComplexity sessionComplexityOf(const ComplexityConfig& config);

} // namespace attnlab::core
