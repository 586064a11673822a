#include "core/training/transformer.h"

#include "core/attention/positional.h"
#include "core/training/attention_block.h"
#include "core/training/layers.h"

#include <cmath>
#include <string>

namespace attnlab::core::training {
namespace {

struct BlockCache {
    LayerNormCache ln1;
    Matrix selfIn; ///< LN1(x), queries, keys and values of self-attention
    AttentionCache self;
    LayerNormCache lnCross;
    Matrix crossIn; ///< LN(x), queries of cross-attention
    AttentionCache cross;
    LayerNormCache ln2;
    Matrix ffnIn; ///< LN2(x), input of the FFN
    FeedForwardCache ffn;
};

// Everything one forward pass keeps for its backward pass.
class Pass {
public:
    Pass(const ModelConfig& config, const TransformerParams& params, const ModelBatch& batch,
         const ProgressCallback& progress, bool withBackward, const LayerChanges* changes = nullptr)
        : m_config(config), m_params(params), m_batch(batch), m_changes(changes),
          m_progress(progress) {
        // Checkpoints: inside each attention block (attentionForward/Backward: around the
        // projections and after each head) and after it, after each FFN, and after the output
        // layer, forward and backward. At the Learn page's largest settings a block takes tens of
        // milliseconds on a busy machine, too long to wait for a Pause.
        const int ffn = config.ffn == FeedForward::None ? 0 : 1;
        const int attentionBlocks = config.layers * (config.encoderDecoder() ? 3 : 1);
        const int ffnBlocks = config.layers * (config.encoderDecoder() ? 2 : 1) * ffn;
        const int forwardPoints =
            attentionBlocks * (forwardChecks(config.heads) + 1) + ffnBlocks + 1;
        const int backwardPoints =
            attentionBlocks * (backwardChecks(config.heads) + 1) + ffnBlocks + 1;
        m_checkpoints = forwardPoints + (withBackward ? backwardPoints : 0);
        if (m_progress)
            m_blockCheck = [this] { checkpoint(); };
        const int longest = std::max(batch.decoderLength, batch.encoderLength);
        if (config.positional == ModelPositional::Rope)
            m_rope = makeRopeTable(longest, config.dK());
        if (config.positional == ModelPositional::Alibi)
            m_slopes = alibiSlopes(config.heads);
        if (config.positional == ModelPositional::Sinusoidal)
            m_sinusoid = sinusoidalEncoding(longest, config.dModel);

        m_decoderSelf = selfLayout(batch.decoderLength, true, nullptr);
        if (config.encoderDecoder()) {
            const std::vector<int>* lengths =
                batch.encoderLengths.empty() ? nullptr : &batch.encoderLengths;
            m_encoderSelf = selfLayout(batch.encoderLength, false, lengths);
            m_cross.batch = batch.batch;
            m_cross.queryLength = batch.decoderLength;
            m_cross.keyLength = batch.encoderLength;
            m_cross.keyLengths = lengths;
        }
    }

    void forward() {
        const ModelConfig& c = m_config;
        if (c.encoderDecoder()) {
            Matrix x = embed(m_batch.encoderTokens, m_batch.encoderLength);
            m_encoder.resize(static_cast<std::size_t>(c.layers));
            for (int l = 0; l < c.layers; ++l) {
                x = blockForward(m_params.encoder[static_cast<std::size_t>(l)],
                                 m_encoder[static_cast<std::size_t>(l)], x, m_encoderSelf, nullptr,
                                 m_cross);
            }
            m_memory = layerNormForward(m_params.encoderFinal, x, m_encoderFinal);
        }
        Matrix x = embed(m_batch.decoderTokens, m_batch.decoderLength);
        m_decoder.resize(static_cast<std::size_t>(c.layers));
        for (int l = 0; l < c.layers; ++l) {
            // Changes go to the block the maps show: self-attention, or cross-attention.
            AttentionLayout self = m_decoderSelf, cross = m_cross;
            if (m_changes && static_cast<std::size_t>(l) < m_changes->size())
                (c.encoderDecoder() ? cross : self).changes =
                    &(*m_changes)[static_cast<std::size_t>(l)];
            x = blockForward(m_params.decoder[static_cast<std::size_t>(l)],
                             m_decoder[static_cast<std::size_t>(l)], x, self,
                             c.encoderDecoder() ? &m_memory : nullptr, cross);
        }
        m_decoderOut = layerNormForward(m_params.decoderFinal, x, m_decoderFinal);
        m_logits = multiply(m_decoderOut, m_params.output);
        m_logits.rowwise() += m_params.outputBias;
        checkpoint();
    }

    void backward(const Matrix& dLogits, TransformerParams& grads) {
        const ModelConfig& c = m_config;
        multiplyInto(grads.output, m_decoderOut.transpose(), dLogits, true);
        grads.outputBias += columnSums(dLogits);
        Matrix dx =
            layerNormBackward(m_params.decoderFinal, m_decoderFinal,
                              multiply(dLogits, m_params.output.transpose()), grads.decoderFinal);
        checkpoint();
        Matrix dMemory;
        if (c.encoderDecoder())
            dMemory = Matrix::Zero(m_memory.rows(), m_memory.cols());
        for (int l = c.layers - 1; l >= 0; --l) {
            dx = blockBackward(m_params.decoder[static_cast<std::size_t>(l)],
                               m_decoder[static_cast<std::size_t>(l)], dx, m_decoderSelf,
                               grads.decoder[static_cast<std::size_t>(l)],
                               c.encoderDecoder() ? &dMemory : nullptr);
        }
        embedBackward(m_batch.decoderTokens, m_batch.decoderLength, dx, grads);
        if (!c.encoderDecoder())
            return;
        Matrix de =
            layerNormBackward(m_params.encoderFinal, m_encoderFinal, dMemory, grads.encoderFinal);
        for (int l = c.layers - 1; l >= 0; --l) {
            de = blockBackward(m_params.encoder[static_cast<std::size_t>(l)],
                               m_encoder[static_cast<std::size_t>(l)], de, m_encoderSelf,
                               grads.encoder[static_cast<std::size_t>(l)], nullptr);
        }
        embedBackward(m_batch.encoderTokens, m_batch.encoderLength, de, grads);
    }

    const Matrix& logits() const { return m_logits; }

    std::vector<AttentionMaps> takeMaps() {
        std::vector<AttentionMaps> maps;
        const auto take = [&](AttentionKind kind, int layer, const AttentionLayout& layout,
                              AttentionCache& cache) {
            AttentionMaps m;
            m.kind = kind;
            m.layer = layer;
            m.heads = m_config.heads;
            m.queryLength = layout.queryLength;
            m.keyLength = layout.keyLength;
            m.weights = std::move(cache.weights);
            maps.push_back(std::move(m));
        };
        for (std::size_t l = 0; l < m_encoder.size(); ++l)
            take(AttentionKind::EncoderSelf, static_cast<int>(l), m_encoderSelf, m_encoder[l].self);
        for (std::size_t l = 0; l < m_decoder.size(); ++l) {
            take(AttentionKind::DecoderSelf, static_cast<int>(l), m_decoderSelf, m_decoder[l].self);
            if (m_config.encoderDecoder())
                take(AttentionKind::Cross, static_cast<int>(l), m_cross, m_decoder[l].cross);
        }
        return maps;
    }

private:
    void checkpoint() {
        ++m_done;
        if (m_progress && !m_progress(m_done, m_checkpoints))
            throw Cancelled();
    }

    AttentionLayout selfLayout(int length, bool causal, const std::vector<int>* lengths) const {
        AttentionLayout layout;
        layout.batch = m_batch.batch;
        layout.queryLength = length;
        layout.keyLength = length;
        layout.causal = causal;
        layout.window = m_config.window;
        layout.keyLengths = lengths;
        if (m_config.positional == ModelPositional::Rope)
            layout.rope = &m_rope;
        if (m_config.positional == ModelPositional::Alibi)
            layout.alibiSlopes = &m_slopes;
        return layout;
    }

    Matrix embed(const std::vector<int>& tokens, int length) const {
        Matrix x(static_cast<Eigen::Index>(tokens.size()), m_config.dModel);
        for (std::size_t r = 0; r < tokens.size(); ++r) {
            const auto row = static_cast<Eigen::Index>(r);
            const int p = static_cast<int>(r % static_cast<std::size_t>(length));
            x.row(row) = m_params.tokens.row(tokens[r]);
            if (m_config.positional == ModelPositional::Learned)
                x.row(row) += m_params.positions.row(p);
            else if (m_config.positional == ModelPositional::Sinusoidal)
                x.row(row) += m_sinusoid.row(p);
        }
        return x;
    }

    void embedBackward(const std::vector<int>& tokens, int length, const Matrix& dx,
                       TransformerParams& grads) const {
        for (std::size_t r = 0; r < tokens.size(); ++r) {
            const auto row = static_cast<Eigen::Index>(r);
            grads.tokens.row(tokens[r]) += dx.row(row);
            if (m_config.positional == ModelPositional::Learned)
                grads.positions.row(
                    static_cast<Eigen::Index>(r % static_cast<std::size_t>(length))) += dx.row(row);
        }
    }

    Matrix blockForward(const BlockParams& p, BlockCache& c, const Matrix& x,
                        const AttentionLayout& self, const Matrix* memory,
                        const AttentionLayout& cross) {
        c.selfIn = layerNormForward(p.ln1, x, c.ln1);
        Matrix h =
            x + attentionForward(m_config, p.self, c.selfIn, c.selfIn, self, c.self, m_blockCheck);
        checkpoint();
        if (memory) {
            c.crossIn = layerNormForward(p.lnCross, h, c.lnCross);
            h += attentionForward(m_config, p.cross, c.crossIn, *memory, cross, c.cross,
                                  m_blockCheck);
            checkpoint();
        }
        if (m_config.ffn != FeedForward::None) {
            c.ffnIn = layerNormForward(p.ln2, h, c.ln2);
            h += feedForwardForward(m_config.ffn, p.ffn, c.ffnIn, c.ffn);
            checkpoint();
        }
        return h;
    }

    Matrix blockBackward(const BlockParams& p, const BlockCache& c, const Matrix& dOut,
                         const AttentionLayout& self, BlockParams& g, Matrix* dMemory) {
        Matrix dx = dOut; // the residual path
        if (m_config.ffn != FeedForward::None) {
            const Matrix dFfnIn =
                feedForwardBackward(m_config.ffn, p.ffn, c.ffnIn, c.ffn, dOut, g.ffn);
            dx += layerNormBackward(p.ln2, c.ln2, dFfnIn, g.ln2);
            checkpoint();
        }
        Matrix dq, dkv;
        if (dMemory) {
            attentionBackward(m_config, p.cross, c.crossIn, m_memory, m_cross, c.cross, dx, g.cross,
                              dq, dkv, m_blockCheck);
            *dMemory += dkv;
            dx += layerNormBackward(p.lnCross, c.lnCross, dq, g.lnCross);
            checkpoint();
        }
        attentionBackward(m_config, p.self, c.selfIn, c.selfIn, self, c.self, dx, g.self, dq, dkv,
                          m_blockCheck);
        dq += dkv;
        dx += layerNormBackward(p.ln1, c.ln1, dq, g.ln1);
        checkpoint();
        return dx;
    }

    const ModelConfig& m_config;
    const TransformerParams& m_params;
    const ModelBatch& m_batch;
    const LayerChanges* m_changes = nullptr; ///< inference only: the backward pass ignores them
    const ProgressCallback& m_progress;
    BlockCheck m_blockCheck; ///< checkpoint() when there is a progress callback, else empty
    int m_checkpoints = 0;
    int m_done = 0;
    RopeTable m_rope;
    std::vector<float> m_slopes;
    Matrix m_sinusoid;
    AttentionLayout m_encoderSelf, m_decoderSelf, m_cross;
    std::vector<BlockCache> m_encoder, m_decoder;
    LayerNormCache m_encoderFinal, m_decoderFinal;
    Matrix m_memory;     ///< encoder output after its final LayerNorm
    Matrix m_decoderOut; ///< decoder output after its final LayerNorm
    Matrix m_logits;
};

void checkTokens(const std::vector<int>& tokens, int vocab, std::string_view what) {
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] < 0 || tokens[i] >= vocab)
            throw InputError(std::string(what) + " token " + std::to_string(i) + " is " +
                             std::to_string(tokens[i]) + ", outside the vocabulary of " +
                             std::to_string(vocab));
}

} // namespace

std::string_view toString(AttentionKind kind) {
    switch (kind) {
    case AttentionKind::EncoderSelf:
        return "encoder-self";
    case AttentionKind::DecoderSelf:
        return "self";
    case AttentionKind::Cross:
        return "cross";
    }
    return "?";
}

void validate(const ModelBatch& batch, const ModelConfig& config) {
    const auto count = static_cast<std::size_t>(batch.batch);
    if (batch.batch < 1 || batch.decoderLength < 1)
        throw InputError("a batch needs at least one example of at least one token");
    if (batch.decoderLength > config.maxPositions || batch.encoderLength > config.maxPositions)
        throw InputError("a sequence of " +
                         std::to_string(std::max(batch.decoderLength, batch.encoderLength)) +
                         " tokens is longer than the model's " +
                         std::to_string(config.maxPositions) + " positions");
    if (batch.decoderTokens.size() != count * static_cast<std::size_t>(batch.decoderLength) ||
        batch.targets.size() != batch.decoderTokens.size())
        throw InputError("the batch's decoder tokens or targets do not match its shape");
    checkTokens(batch.decoderTokens, config.vocabSize, "decoder");
    for (int target : batch.targets)
        if (target < -1 || target >= config.vocabSize)
            throw InputError("a target token is outside the vocabulary");
    if (config.encoderDecoder()) {
        if (batch.encoderLength < 1 ||
            batch.encoderTokens.size() != count * static_cast<std::size_t>(batch.encoderLength))
            throw InputError("an encoder–decoder model needs a source sequence per example");
        if (!batch.encoderLengths.empty() && batch.encoderLengths.size() != count)
            throw InputError("the batch's source lengths do not match its size");
        for (int length : batch.encoderLengths)
            if (length < 1 || length > batch.encoderLength)
                throw InputError("a source length is outside 1 … the padded source length");
        checkTokens(batch.encoderTokens, config.vocabSize, "encoder");
    } else if (batch.encoderLength != 0) {
        throw InputError("a decoder-only model takes no separate source sequence");
    }
}

LossStats crossEntropy(const Eigen::Ref<const Matrix>& logits, const std::vector<int>& targets,
                       Matrix* dLogits) {
    LossStats stats;
    for (int t : targets)
        stats.counted += t >= 0 ? 1 : 0;
    if (dLogits)
        *dLogits = Matrix::Zero(logits.rows(), logits.cols());
    if (stats.counted == 0)
        return stats;
    const double scale = 1.0 / stats.counted;
    double total = 0.0;
    Eigen::Array<float, 1, Eigen::Dynamic> e(logits.cols());
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        const int target = targets[static_cast<std::size_t>(r)];
        if (target < 0)
            continue;
        const auto row = logits.row(r);
        Eigen::Index best = 0;
        const float top = row.maxCoeff(&best);
        e = (row.array() - top).exp();
        double sum = 0.0;
        for (Eigen::Index j = 0; j < e.size(); ++j)
            sum += e(j);
        total += static_cast<double>(top) + std::log(sum) - static_cast<double>(row(target));
        stats.correct += best == target ? 1 : 0;
        if (dLogits) {
            auto d = dLogits->row(r);
            d.array() = e * static_cast<float>(scale / sum);
            d(target) -= static_cast<float>(scale);
        }
    }
    stats.loss = total * scale;
    return stats;
}

ForwardResult forward(const ModelConfig& config, const TransformerParams& params,
                      const ModelBatch& batch, const LayerChanges* changes,
                      const ProgressCallback& progress) {
    validate(batch, config);
    Pass pass(config, params, batch, progress, false, changes);
    pass.forward();
    ForwardResult result;
    result.logits = pass.logits();
    result.attention = pass.takeMaps();
    return result;
}

LossStats evaluate(const ModelConfig& config, const TransformerParams& params,
                   const ModelBatch& batch, ForwardResult* result,
                   const ProgressCallback& progress) {
    validate(batch, config);
    Pass pass(config, params, batch, progress, false);
    pass.forward();
    const LossStats stats = crossEntropy(pass.logits(), batch.targets, nullptr);
    if (result) {
        result->logits = pass.logits();
        result->attention = pass.takeMaps();
    }
    return stats;
}

LossStats lossAndGradients(const ModelConfig& config, const TransformerParams& params,
                           const ModelBatch& batch, TransformerParams& grads,
                           const ProgressCallback& progress) {
    validate(batch, config);
    Pass pass(config, params, batch, progress, true);
    pass.forward();
    Matrix dLogits;
    const LossStats stats = crossEntropy(pass.logits(), batch.targets, &dLogits);
    pass.backward(dLogits, grads);
    return stats;
}

} // namespace attnlab::core::training
