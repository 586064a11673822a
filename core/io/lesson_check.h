#pragma once
// The checks of a lesson: machine-checkable claims about the lesson's own numbers (the member
// "checks" of a lesson in an .attnlab file), so that a lesson's text states only what its result
// shows. This header is the declarative form and its reading and writing; evaluating a check
// against a result is core/teaching/lesson_checks.h.
//
// A check is a JSON object:
//   {"kind": "argmax", "head": 1, "row": "it", "is": "self"}
//   {"kind": "weight", "row": 1, "key": 2, "near": 0.4}
//   {"kind": "weight", "key": "blocked", "at_most": 0}
//   {"kind": "max_weight", "greater_than": {"scoring": "scaled-dot"}}
//   {"kind": "entropy", "row": "it", "greater_than": {"temperature": 1}}
//   {"kind": "max_weight", "at_least": 0.99, "in_at_least": 8}
//   {"kind": "argmax", "layer": 2, "head": 2, "row": 7, "is": 3}
// Layers, heads and positions count from 1, as on screen (a check without "layer" is about the
// first layer, the only one of the built-in model); a row or key is a token's text, its position,
// or one of the words below. Reading is strict: an unknown kind or member is an InputError (a
// misspelt bound would otherwise make a check that always passes).
//
// Checks of the complexity lab are about the measurements of the session's Complexity page
// (core/io/lesson_complexity.h), not the attention maps: one kind of attention ("of", as the
// page's kinds name it) and a bound:
//   {"kind": "memory_slope", "of": "dense", "at_least": 1.6}
//   {"kind": "mean_row_kl", "of": "linear:elu", "at_most": 0.6}

#include "core/base/json.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace attnlab::core {

/// What a check measures in one row of one head's map.
enum class CheckMeasure {
    Argmax,    ///< "argmax": the key of the row's largest weight ("is")
    Weight,    ///< "weight": the row's weight on "key"
    MaxWeight, ///< "max_weight": the row's largest weight
    Entropy,   ///< "entropy": −Σ_j A ln A of the row, in nats (docs/attention-math.md)
    Score,     ///< "score": the raw score S of the row and "key", before temperature and mask
    // The complexity lab's measurements of one kind ("of"); docs/attention-math.md.
    TimeSlope,          ///< "time_slope": fitted log–log slope of time against n
    MemorySlope,        ///< "memory_slope": fitted log–log slope of peak memory against n
    CellsSlope,         ///< "cells_slope": the same slope of the score cells computed per head
    MeanRowKL,          ///< "mean_row_kl": mean row KL(exact ‖ approx), nats
    MeanRowReverseKL,   ///< "mean_row_reverse_kl": mean row KL(approx ‖ exact), nats
    DroppedWeight,      ///< "dropped_weight": mean exact weight on keys it gives 0, 0 … 1
    MaxOutputDifference ///< "max_output_difference": max |C_exact − C_approx|
};

/// True for the measures of the complexity lab (TimeSlope … MaxOutputDifference).
bool measuresComplexity(CheckMeasure measure);

/// A row or a key of a check, as the screen shows it.
struct CheckToken {
    enum class Kind {
        Each,     ///< "each": every row (not [PAD] rows nor fully masked ones) or every key
        Text,     ///< a token's text; it must name exactly one token
        Position, ///< a 1-based position
        Self,     ///< "self": the key at the row's own position (self-attention)
        Previous, ///< "previous": the key just before the row (the first row is skipped)
        Next,     ///< "next": the key just after the row (the last row is skipped)
        Blocked,  ///< "blocked": the keys the mask hides from the row, their weights summed
    };
    Kind kind = Kind::Each;
    std::string text; ///< Text: the token as on the axis
    int position = 0; ///< Position: 1 … n
};

/// How the measure compares with the same lesson under other settings.
enum class CheckRelation {
    None,
    Greater, ///< "greater_than": larger than under the other settings
    Less,    ///< "less_than": smaller
    Same,    ///< "same_as": equal within the tolerance (default 1e-6)
};

struct LessonCheck {
    CheckMeasure measure = CheckMeasure::Weight;
    int layer = 1;  ///< 1-based layer of a model of several ("layer"), default 1
    int head = 0;   ///< 1-based head, 0 = every head ("each", the default)
    CheckToken row; ///< the row(s); default every row
    /// Argmax: the expected key ("is"); Weight and Score: the key ("key"). Unused otherwise.
    CheckToken key;
    std::optional<double> atLeast;   ///< "at_least": the measure ≥ this
    std::optional<double> atMost;    ///< "at_most": the measure ≤ this
    std::optional<double> near;      ///< "near": |measure − near| ≤ tolerance
    std::optional<double> tolerance; ///< "tolerance" of near (default 0.005) and same_as (1e-6)
    /// "in_at_least": the claim must hold in at least this many of the rows it covers (over
    /// every head) rather than in all; 0 (absent) = in all.
    int inAtLeast = 0;
    CheckRelation relation = CheckRelation::None;
    /// The other settings of a relation: (setting key, value as the schema's text), applied to
    /// the lesson's own settings in this order.
    std::vector<std::pair<std::string, std::string>> settings;
    /// A check of the complexity lab: the label of the kind it measures ("of": "linear:elu").
    std::string of;
};

/// The JSON name of a measure ("max_weight").
std::string_view checkKindName(CheckMeasure measure);

/// Reads the array of checks at `where` ("lesson.checks"). Throws InputError naming the member
/// for an unknown kind or member, a value of the wrong type, a head or position below 1, a
/// check without a claim (no bound, no relation), a token word where it has no meaning, a
/// setting that is unknown or out of range, or a kind of attention ("of") the lab does not know.
/// Whether "of" is among the session's Complexity kinds is checked by the session's reader.
std::vector<LessonCheck> parseLessonChecks(const json::Value& value, const std::string& where);

/// Writes `checks` as the array parseLessonChecks reads back to the same checks.
void writeLessonChecks(json::Writer& out, const std::vector<LessonCheck>& checks);

} // namespace attnlab::core
