#include "core/pretrained/weights.h"

#include "core/pretrained/linear_product.h"

#include <algorithm>
#include <map>
#include <set>

namespace attnlab::core::pretrained {
namespace {

using Shape = std::vector<std::int64_t>;

std::string shapeText(const Shape& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Looks tensors up by name, checks their shapes and turns them into F32 pointers: in place when
// the file holds aligned F32, else converted once into memory the weights own.
class Binder {
public:
    Binder(const SafetensorsSet& set, const std::string& folder, const ModelInfo& info,
           ModelWeights& weights)
        : m_set(set), m_folder(folder), m_info(info), m_weights(weights) {
        for (const auto& file : set.files())
            m_files.emplace(&file->path(), file);
    }

    bool has(const std::string& name) const { return m_set.find(name) != nullptr; }

    // The first of `names` that exists, checked against `shape`; a missing tensor is an error
    // naming the first name.
    const float* requireAny(const std::vector<std::string>& names, const Shape& shape) {
        if (const float* data = optionalAny(names, shape))
            return data;
        throw InputError("'" + m_folder + "': the weights have no tensor '" + names.front() +
                         "' (shape " + shapeText(shape) + "), which " + m_info.architecture +
                         " needs; the files are incomplete or belong to another architecture");
    }
    const float* require(const std::string& name, const Shape& shape) {
        return requireAny({name}, shape);
    }
    // The weights of `layer` (its shape and storage set), packed for the product kernels where
    // they run (layer.panelWidth then set).
    const float* requireLinear(const std::string& name, Linear& layer) {
        const Shape shape = layer.outByIn ? Shape{layer.out, layer.in} : Shape{layer.in, layer.out};
        if (const SafetensorsTensor* tensor = m_set.find(name))
            return bind(*tensor, shape, &layer);
        return require(name, shape); // the error naming the missing tensor
    }

    const float* optionalAny(const std::vector<std::string>& names, const Shape& shape) {
        for (const std::string& name : names)
            if (const SafetensorsTensor* tensor = m_set.find(name))
                return bind(*tensor, shape);
        return nullptr;
    }
    const float* optional(const std::string& name, const Shape& shape) {
        return optionalAny({name}, shape);
    }

    std::string dtypes() const {
        if (m_dtypes.size() == 1)
            return *m_dtypes.begin();
        return m_dtypes.empty() ? std::string() : std::string("mixed");
    }

private:
    // The tensor's floats: the file's own where they are F32 and aligned, else a converted copy.
    // With `packInto`, a linear layer's weights are copied once more into the product kernels'
    // layout where those run (packInto->panelWidth set), and the file's pages or the converted copy
    // are let go.
    const float* bind(const SafetensorsTensor& tensor, const Shape& shape,
                      Linear* packInto = nullptr) {
        if (tensor.shape != shape)
            throw InputError("'" + *tensor.file + "': tensor '" + tensor.name + "' has shape " +
                             tensor.shapeText() + ", but this " + m_info.architecture +
                             " (as config.json describes it) needs " + shapeText(shape));
        m_dtypes.insert(std::string(toString(tensor.dtype)));
        const auto file = m_files.at(tensor.file);
        const float* data = floatDataInPlace(tensor);
        const bool inPlace = data != nullptr;
        std::unique_ptr<float[]> converted;
        if (inPlace) {
            file->mapping().prefetch(tensor.fileOffset, tensor.byteLength);
        } else {
            converted = std::make_unique_for_overwrite<float[]>(
                static_cast<std::size_t>(tensor.elementCount()));
            readAsFloat(tensor, converted.get()); // throws for dtypes other than F32, F16, BF16
            data = converted.get();
        }
        if (packInto != nullptr) {
            Linear layer = *packInto;
            layer.weight = data;
            if (PackedWeights packed = packWeights(layer); packed.floats) {
                // The packed copy is what runs: drop the file's pages from resident memory.
                file->mapping().release(tensor.fileOffset, tensor.byteLength);
                m_weights.packedBytes += packedFloats(layer.in, layer.out) * sizeof(float);
                m_weights.owned.push_back(std::move(packed.floats));
                packInto->panelWidth = packed.panelWidth;
                return m_weights.owned.back().get();
            }
        }
        if (inPlace) {
            if (std::find(m_weights.mapped.begin(), m_weights.mapped.end(), file) ==
                m_weights.mapped.end())
                m_weights.mapped.push_back(file);
            return data;
        }
        // The converted copy is what runs: drop the file's pages from resident memory.
        file->mapping().release(tensor.fileOffset, tensor.byteLength);
        m_weights.convertedBytes += static_cast<std::size_t>(tensor.elementCount()) * sizeof(float);
        m_weights.owned.push_back(std::move(converted));
        return m_weights.owned.back().get();
    }

    const SafetensorsSet& m_set;
    const std::string& m_folder;
    const ModelInfo& m_info;
    ModelWeights& m_weights;
    std::map<const std::string*, std::shared_ptr<const SafetensorsFile>> m_files;
    std::set<std::string> m_dtypes;
};

// Tensor names of the layer norms, with the old TensorFlow-converted "gamma"/"beta" spelling.
Norm layerNorm(Binder& binder, const std::string& base, int size) {
    Norm norm;
    norm.size = size;
    norm.weight = binder.requireAny({base + ".weight", base + ".gamma"}, {size});
    norm.bias = binder.requireAny({base + ".bias", base + ".beta"}, {size});
    return norm;
}

Norm rmsNorm(Binder& binder, const std::string& base, int size) {
    Norm norm;
    norm.size = size;
    norm.weight = binder.require(base + ".weight", {size});
    return norm;
}

// A PyTorch Linear (stored out × in) or a GPT-2 Conv1D (stored in × out).
Linear linear(Binder& binder, const std::string& base, int in, int out, bool bias,
              bool outByIn = true) {
    Linear layer;
    layer.in = in;
    layer.out = out;
    layer.outByIn = outByIn;
    layer.weight = binder.requireLinear(base + ".weight", layer);
    if (bias)
        layer.bias = binder.require(base + ".bias", {out});
    return layer;
}

std::string prefixOf(const Binder& binder, const std::string& prefix, const std::string& probe) {
    return binder.has(prefix + probe) ? prefix : std::string();
}

void checkProgress(const ProgressCallback& progress, int done, int total) {
    if (progress && !progress(done, total))
        throw Cancelled();
}

void bindGpt2(Binder& binder, TransformerConfig& config, ModelWeights& w,
              const ProgressCallback& progress) {
    const ModelInfo& info = config.info;
    const int d = info.dModel, inner = info.intermediate;
    const std::string p = prefixOf(binder, "transformer.", "wte.weight");
    w.tokenEmbedding = binder.require(p + "wte.weight", {info.vocabSize, d});
    w.positionEmbedding = binder.require(p + "wpe.weight", {info.maxPositions, d});
    for (int l = 0; l < info.layers; ++l) {
        const std::string b = p + "h." + std::to_string(l) + ".";
        LayerWeights layer;
        layer.attentionNorm = layerNorm(binder, b + "ln_1", d);
        layer.qkv = linear(binder, b + "attn.c_attn", d, 3 * d, true, false);
        layer.output = linear(binder, b + "attn.c_proj", d, d, true, false);
        layer.mlpNorm = layerNorm(binder, b + "ln_2", d);
        layer.up = linear(binder, b + "mlp.c_fc", d, inner, true, false);
        layer.down = linear(binder, b + "mlp.c_proj", inner, d, true, false);
        w.layers.push_back(layer);
        checkProgress(progress, l + 1, info.layers + 1);
    }
    w.finalNorm = layerNorm(binder, p + "ln_f", d);
    if (config.tieWordEmbeddings)
        w.outputHead = w.tokenEmbedding;
    else if (info.architecture == "GPT2LMHeadModel")
        w.outputHead = binder.require("lm_head.weight", {info.vocabSize, d});
    else
        w.outputHead = binder.optional("lm_head.weight", {info.vocabSize, d});
}

void bindBert(Binder& binder, TransformerConfig& config, ModelWeights& w,
              const ProgressCallback& progress) {
    const ModelInfo& info = config.info;
    const int d = info.dModel, inner = info.intermediate;
    const std::string p = prefixOf(binder, "bert.", "embeddings.word_embeddings.weight");
    w.tokenEmbedding = binder.require(p + "embeddings.word_embeddings.weight", {info.vocabSize, d});
    w.positionEmbedding =
        binder.require(p + "embeddings.position_embeddings.weight", {info.maxPositions, d});
    w.tokenTypeEmbedding =
        binder.require(p + "embeddings.token_type_embeddings.weight", {info.typeVocabSize, d});
    w.embeddingNorm = layerNorm(binder, p + "embeddings.LayerNorm", d);
    for (int l = 0; l < info.layers; ++l) {
        const std::string b = p + "encoder.layer." + std::to_string(l) + ".";
        LayerWeights layer;
        layer.query = linear(binder, b + "attention.self.query", d, d, true);
        layer.key = linear(binder, b + "attention.self.key", d, d, true);
        layer.value = linear(binder, b + "attention.self.value", d, d, true);
        layer.output = linear(binder, b + "attention.output.dense", d, d, true);
        layer.attentionNorm = layerNorm(binder, b + "attention.output.LayerNorm", d);
        layer.up = linear(binder, b + "intermediate.dense", d, inner, true);
        layer.down = linear(binder, b + "output.dense", inner, d, true);
        layer.mlpNorm = layerNorm(binder, b + "output.LayerNorm", d);
        w.layers.push_back(layer);
        checkProgress(progress, l + 1, info.layers + 1);
    }
    // The masked-LM head: required by the task heads that have it, used by BertModel when present.
    const bool headNamed =
        info.architecture == "BertForMaskedLM" || info.architecture == "BertForPreTraining";
    if (headNamed || binder.has("cls.predictions.transform.dense.weight")) {
        w.mlmTransform = linear(binder, "cls.predictions.transform.dense", d, d, true);
        w.mlmNorm = layerNorm(binder, "cls.predictions.transform.LayerNorm", d);
        w.outputHead = config.tieWordEmbeddings
                           ? w.tokenEmbedding
                           : binder.require("cls.predictions.decoder.weight", {info.vocabSize, d});
        w.outputBias = binder.requireAny({"cls.predictions.bias", "cls.predictions.decoder.bias"},
                                         {info.vocabSize});
    }
}

void bindLlama(Binder& binder, TransformerConfig& config, ModelWeights& w,
               const ProgressCallback& progress) {
    const ModelInfo& info = config.info;
    const int d = info.dModel, inner = info.intermediate;
    const int qWidth = info.heads * info.headDim, kvWidth = info.kvHeads * info.headDim;
    const std::string p = prefixOf(binder, "model.", "embed_tokens.weight");
    w.tokenEmbedding = binder.require(p + "embed_tokens.weight", {info.vocabSize, d});
    for (int l = 0; l < info.layers; ++l) {
        const std::string b = p + "layers." + std::to_string(l) + ".";
        LayerWeights layer;
        layer.attentionNorm = rmsNorm(binder, b + "input_layernorm", d);
        layer.query = linear(binder, b + "self_attn.q_proj", d, qWidth, config.qkvBias);
        layer.key = linear(binder, b + "self_attn.k_proj", d, kvWidth, config.qkvBias);
        layer.value = linear(binder, b + "self_attn.v_proj", d, kvWidth, config.qkvBias);
        layer.output = linear(binder, b + "self_attn.o_proj", qWidth, d, config.outputBias);
        layer.mlpNorm = rmsNorm(binder, b + "post_attention_layernorm", d);
        layer.gate = linear(binder, b + "mlp.gate_proj", d, inner, config.mlpBias);
        layer.up = linear(binder, b + "mlp.up_proj", d, inner, config.mlpBias);
        layer.down = linear(binder, b + "mlp.down_proj", inner, d, config.mlpBias);
        w.layers.push_back(layer);
        checkProgress(progress, l + 1, info.layers + 1);
    }
    w.finalNorm = rmsNorm(binder, p + "norm", d);
    const bool causalLm =
        info.architecture.size() > 11 &&
        info.architecture.compare(info.architecture.size() - 11, 11, "ForCausalLM") == 0;
    if (config.tieWordEmbeddings)
        w.outputHead = w.tokenEmbedding;
    else if (causalLm)
        w.outputHead = binder.require("lm_head.weight", {info.vocabSize, d});
    else
        w.outputHead = binder.optional("lm_head.weight", {info.vocabSize, d});
}

} // namespace

ModelWeights bindWeights(TransformerConfig& config, const SafetensorsSet& tensors,
                         const std::string& folder, const ProgressCallback& progress) {
    ModelWeights weights;
    Binder binder(tensors, folder, config.info, weights);
    switch (config.info.family) {
    case TransformerFamily::Gpt2:
        bindGpt2(binder, config, weights, progress);
        break;
    case TransformerFamily::Bert:
        bindBert(binder, config, weights, progress);
        break;
    case TransformerFamily::Llama:
        bindLlama(binder, config, weights, progress);
        break;
    }
    checkProgress(progress, config.info.layers + 1, config.info.layers + 1);
    config.info.hasPredictions = weights.outputHead != nullptr;
    weights.dtypes = binder.dtypes();
    return weights;
}

} // namespace attnlab::core::pretrained
