#pragma once
// The built-in attention layer: multi-head attention over token embeddings (projections, scores,
// masks, normalisers and outputs of docs/attention-math.md). Pure and deterministic: the same
// Config gives the same maps and trace. It is the model with a full trace, which the teaching
// pages explain stage by stage.

#include "core/model/model.h"

namespace attnlab::core {

/// Checks every setting of `config` and throws InputError naming the first bad one.
void validate(const Config& config);
/// The checks of validate() that do not need the embeddings themselves (ranges, names, mask
/// against cross-attention): for a configuration read from a file before its embeddings load.
void validateSettings(const Config& config);

/// Tokenises, embeds and runs multi-head attention. Throws InputError for bad settings or text
/// and Cancelled when `progress` returns false.
ModelOutput runBuiltin(const Config& config, const RunOptions& options = {},
                       const ProgressCallback& progress = {});

/// d_k as a run resolves it: the explicit value, else d_model / heads. Throws InputError when
/// heads do not divide d_model.
int resolvedDK(const Config& config, int dModel);

class BuiltinModel : public Model {
public:
    std::string name() const override;
    ModelCapabilities capabilities(const Config& config) const override;
    ModelOutput run(const Config& config, const RunOptions& options = {},
                    const ProgressCallback& progress = {}) const override;
    double estimateWork(const Config& config) const override;
};

/// Multiply-adds of a run for token counts already known (n_q, n_k before padding): the
/// projections, scores, context vectors and the per-cell normalising of every head.
double builtinWork(const Config& config, int nq, int nk);

} // namespace attnlab::core
