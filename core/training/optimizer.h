#pragma once
// Adam / AdamW (Loshchilov & Hutter 2019) with linear warm-up and gradient clipping by global
// norm, element by element in float with the bias corrections of PyTorch's implementation, so
// that a run can be compared with PyTorch's step for step (attention-math.md, "Training").

#include "core/training/parameters.h"

namespace attnlab::core::training {

struct OptimizerConfig {
    double learningRate = 3e-3; ///< peak step size; 1e-6 … 1, default 3e-3
    double beta1 = 0.9;         ///< first-moment decay; 0 … 0.9999, default 0.9
    double beta2 = 0.999;       ///< second-moment decay; 0 … 0.99999, default 0.999
    double epsilon = 1e-8;      ///< added to √v̂; 1e-12 … 1e-3, default 1e-8
    /// Decoupled weight decay (AdamW) on projection, FFN and unembedding matrices; 0 (default)
    /// is plain Adam; 0 … 1.
    double weightDecay = 0.0;
    int warmup = 0; ///< steps of linear warm-up from 0 to learningRate; 0 (default) = none
    /// Gradients are scaled down to this global norm when longer; 0 = no clipping; default 1.
    double clipNorm = 1.0;
};

/// Throws InputError naming the first setting out of range.
void validate(const OptimizerConfig& config);

class AdamW {
public:
    /// Moments shaped like `shapes`, all zero.
    AdamW(const OptimizerConfig& config, const TransformerParams& shapes);

    /// One update of `params` from `grads` (clipped in place). Returns the global gradient norm
    /// before clipping, √(Σ g²) summed in double in parameterViews() order.
    double step(TransformerParams& params, TransformerParams& grads);

    /// Steps taken so far.
    int steps() const { return m_steps; }
    /// The learning rate of step `step` (1-based) after warm-up.
    double learningRate(int step) const;

private:
    OptimizerConfig m_config;
    TransformerParams m_first, m_second;
    int m_steps = 0;
};

} // namespace attnlab::core::training
