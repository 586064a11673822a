#include "core/training/batch.h"

#include <algorithm>

namespace attnlab::core::training {

int decoderLength(const Example& example, Architecture architecture) {
    const int target = static_cast<int>(example.target.size());
    return architecture == Architecture::DecoderOnly
               ? static_cast<int>(example.source.size()) + target
               : target;
}

LaidOutBatch layOut(const std::vector<Example>& examples, Architecture architecture) {
    if (examples.empty())
        throw InputError("a batch needs at least one example");
    const bool decoderOnly = architecture == Architecture::DecoderOnly;
    LaidOutBatch out;
    ModelBatch& b = out.batch;
    b.batch = static_cast<int>(examples.size());
    for (const Example& e : examples) {
        if (e.target.empty())
            throw InputError("an example needs at least one target token");
        if (!decoderOnly && e.source.empty())
            throw InputError("this task has no source sentence for an encoder to read; train it "
                             "with the decoder-only architecture");
        b.decoderLength = std::max(b.decoderLength, decoderLength(e, architecture));
        if (!decoderOnly)
            b.encoderLength = std::max(b.encoderLength, static_cast<int>(e.source.size()));
    }
    const std::size_t count = examples.size();
    b.decoderTokens.assign(count * static_cast<std::size_t>(b.decoderLength), Vocabulary::kPad);
    b.targets.assign(b.decoderTokens.size(), -1);
    if (!decoderOnly)
        b.encoderTokens.assign(count * static_cast<std::size_t>(b.encoderLength), Vocabulary::kPad);

    for (std::size_t x = 0; x < count; ++x) {
        const Example& e = examples[x];
        const int sourceLength = static_cast<int>(e.source.size());
        const int targetLength = static_cast<int>(e.target.size());
        // Decoder position of the query predicting target[t], and of target[u] as a key.
        const int queryOffset = decoderOnly ? sourceLength : 0;
        const int targetKeyOffset = queryOffset + 1;
        int* tokens = b.decoderTokens.data() + x * static_cast<std::size_t>(b.decoderLength);
        int* targets = b.targets.data() + x * static_cast<std::size_t>(b.decoderLength);
        if (decoderOnly) {
            std::copy(e.source.begin(), e.source.end(), tokens);
        } else {
            std::copy(e.source.begin(), e.source.end(),
                      b.encoderTokens.data() + x * static_cast<std::size_t>(b.encoderLength));
            b.encoderLengths.push_back(sourceLength);
        }
        tokens[queryOffset] = Vocabulary::kStart;
        for (int t = 0; t + 1 < targetLength; ++t)
            tokens[targetKeyOffset + t] = e.target[static_cast<std::size_t>(t)];
        for (int t = e.scoredFrom; t < targetLength; ++t)
            targets[queryOffset + t] = e.target[static_cast<std::size_t>(t)];
        out.decoderLengths.push_back(decoderLength(e, architecture));

        for (int t = std::max(e.scoredFrom, 0); t < targetLength; ++t) {
            if (static_cast<std::size_t>(t) >= e.ideal.size())
                break;
            IdealCell source{decoderOnly ? AttentionKind::DecoderSelf : AttentionKind::Cross,
                             static_cast<int>(x),
                             queryOffset + t,
                             {}};
            IdealCell target{AttentionKind::DecoderSelf, static_cast<int>(x), queryOffset + t, {}};
            for (const IdealKey& key : e.ideal[static_cast<std::size_t>(t)]) {
                if (key.source)
                    source.keys.push_back(key.index);
                else
                    target.keys.push_back(targetKeyOffset + key.index);
            }
            if (decoderOnly) {
                source.keys.insert(source.keys.end(), target.keys.begin(), target.keys.end());
                if (!source.keys.empty())
                    out.ideal.push_back(std::move(source));
            } else {
                if (!source.keys.empty())
                    out.ideal.push_back(std::move(source));
                if (!target.keys.empty())
                    out.ideal.push_back(std::move(target));
            }
        }
    }
    return out;
}

} // namespace attnlab::core::training
