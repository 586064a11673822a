#include "core/training/optimizer.h"

#include "core/training/format.h"

#include <cmath>
#include <string>

namespace attnlab::core::training {
namespace {

TransformerParams zerosLike(const TransformerParams& shapes) {
    TransformerParams zeros = shapes;
    for (ParameterView& view : parameterViews(zeros))
        std::fill(view.data, view.data + view.size, 0.0f);
    return zeros;
}

} // namespace

void validate(const OptimizerConfig& c) {
    checkRange("the learning rate", c.learningRate, 1e-6, 1.0);
    checkRange("beta1", c.beta1, 0.0, 0.9999);
    checkRange("beta2", c.beta2, 0.0, 0.99999);
    checkRange("epsilon", c.epsilon, 1e-12, 1e-3);
    checkRange("the weight decay", c.weightDecay, 0.0, 1.0);
    checkRange("the warm-up steps", c.warmup, 0, 1000000);
    checkRange("the gradient clipping norm", c.clipNorm, 0.0, 1e6);
}

AdamW::AdamW(const OptimizerConfig& config, const TransformerParams& shapes)
    : m_config(config), m_first(zerosLike(shapes)), m_second(zerosLike(shapes)) {
    validate(config);
}

double AdamW::learningRate(int step) const {
    if (m_config.warmup > 0 && step < m_config.warmup)
        return m_config.learningRate * static_cast<double>(step) / m_config.warmup;
    return m_config.learningRate;
}

double AdamW::step(TransformerParams& params, TransformerParams& grads) {
    std::vector<ParameterView> p = parameterViews(params);
    std::vector<ParameterView> g = parameterViews(grads);
    std::vector<ParameterView> m = parameterViews(m_first);
    std::vector<ParameterView> v = parameterViews(m_second);

    double squares = 0.0;
    for (const ParameterView& view : g) {
        double tensor = 0.0;
        for (std::size_t i = 0; i < view.size; ++i)
            tensor += static_cast<double>(view.data[i]) * view.data[i];
        squares += tensor;
    }
    const double norm = std::sqrt(squares);
    if (m_config.clipNorm > 0.0) {
        // As torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when below 1.
        const double coefficient = m_config.clipNorm / (norm + 1e-6);
        if (coefficient < 1.0) {
            const auto scale = static_cast<float>(coefficient);
            for (ParameterView& view : g)
                for (std::size_t i = 0; i < view.size; ++i)
                    view.data[i] *= scale;
        }
    }

    ++m_steps;
    const double lr = learningRate(m_steps);
    const double correction1 = 1.0 - std::pow(m_config.beta1, m_steps);
    const double correction2 = 1.0 - std::pow(m_config.beta2, m_steps);
    const auto stepSize = static_cast<float>(lr / correction1);
    const auto root2 = static_cast<float>(std::sqrt(correction2));
    const auto beta1 = static_cast<float>(m_config.beta1);
    const auto beta2 = static_cast<float>(m_config.beta2);
    const auto epsilon = static_cast<float>(m_config.epsilon);
    const auto decay = static_cast<float>(1.0 - lr * m_config.weightDecay);
    for (std::size_t t = 0; t < p.size(); ++t) {
        float* param = p[t].data;
        const float* grad = g[t].data;
        float* first = m[t].data;
        float* second = v[t].data;
        const bool decays = p[t].decay && m_config.weightDecay > 0.0;
        for (std::size_t i = 0; i < p[t].size; ++i) {
            if (decays)
                param[i] *= decay;
            first[i] = first[i] * beta1 + (1.0f - beta1) * grad[i];
            second[i] = second[i] * beta2 + (1.0f - beta2) * grad[i] * grad[i];
            const float denominator = std::sqrt(second[i]) / root2 + epsilon;
            param[i] -= stepSize * first[i] / denominator;
        }
    }
    return norm;
}

} // namespace attnlab::core::training
