#include "core/teaching/positional_picture.h"

#include "core/attention/positional.h"

#include <algorithm>

namespace attnlab::core {

PositionalPicture positionalPicture(PositionalEncoding encoding, int nq, int nk, int dModel, int dK,
                                    int heads, int head) {
    PositionalPicture picture;
    picture.encoding = encoding;
    nq = std::max(nq, 0);
    nk = std::max(nk, 0);
    switch (encoding) {
    case PositionalEncoding::None:
        break;
    case PositionalEncoding::Sinusoidal:
        picture.values = sinusoidalEncoding(nq, dModel);
        picture.rows = PositionalAxis::Positions;
        picture.cols = PositionalAxis::ModelDims;
        picture.width = dModel;
        break;
    case PositionalEncoding::Rope:
        picture.values = ropeAngles(nq, dK);
        picture.rows = PositionalAxis::Positions;
        picture.cols = PositionalAxis::RopePairs;
        picture.width = dK;
        break;
    case PositionalEncoding::Alibi:
        if (heads < 1)
            break;
        picture.head = std::clamp(head, 0, heads - 1);
        picture.slope = alibiSlopes(heads)[static_cast<std::size_t>(picture.head)];
        picture.values = alibiHeadBias(nq, nk, heads, picture.head);
        picture.rows = PositionalAxis::Positions;
        picture.cols = PositionalAxis::KeyPositions;
        break;
    }
    return picture;
}

PositionalPicture positionalPicture(const ModelOutput& output, int head) {
    const Config& config = output.config;
    const int dK = config.dK > 0 ? config.dK : config.dModel / std::max(config.heads, 1);
    return positionalPicture(config.positional, output.maps.queries(), output.maps.keys(),
                             config.dModel, dK, output.maps.heads, head);
}

} // namespace attnlab::core
