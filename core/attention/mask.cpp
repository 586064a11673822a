#include "core/attention/mask.h"

#include "core/base/types.h"

#include <string>

namespace attnlab::core {

BoolMatrix buildMask(const MaskSpec& mask, int nq, int nk, bool cross,
                     const std::vector<bool>& keyIsPadding) {
    BoolMatrix allowed = BoolMatrix::Constant(nq, nk, true);
    switch (mask.kind) {
    case MaskKind::None:
        break;
    case MaskKind::Causal:
        if (cross)
            throw InputError("the causal mask applies to self-attention only; remove the source "
                             "sentence or choose another mask");
        for (int i = 0; i < nq; ++i)
            for (int j = i + 1; j < nk; ++j)
                allowed(i, j) = false;
        break;
    case MaskKind::Padding:
        for (int j = 0; j < nk && j < static_cast<int>(keyIsPadding.size()); ++j)
            if (keyIsPadding[static_cast<std::size_t>(j)])
                allowed.col(j).setConstant(false);
        break;
    case MaskKind::Window:
        if (mask.window < 0)
            throw InputError("the window width must be 0 or more, not " +
                             std::to_string(mask.window));
        for (int i = 0; i < nq; ++i)
            for (int j = 0; j < nk; ++j)
                allowed(i, j) = std::abs(i - j) <= mask.window;
        break;
    case MaskKind::Custom:
        for (const auto& [i, j] : mask.blocked) {
            if (i < 0 || i >= nq || j < 0 || j >= nk)
                throw InputError("masked cell (" + std::to_string(i) + ", " + std::to_string(j) +
                                 ") is outside the " + std::to_string(nq) + " × " +
                                 std::to_string(nk) + " attention matrix");
            allowed(i, j) = false;
        }
        break;
    }
    return allowed;
}

} // namespace attnlab::core
