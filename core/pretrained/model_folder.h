#pragma once
// Model folders in the layout the model hubs distribute (config.json, safetensors weights, one
// file or shards with their index, tokenizer files) and the local caches that hold them.

#include <string>
#include <vector>

namespace attnlab::core {

/// The files of one model folder the engine reads.
struct ModelFiles {
    std::string folder;
    std::string config; ///< path of config.json
    std::string index;  ///< path of model.safetensors.index.json, or empty for unsharded weights
    std::vector<std::string> weights; ///< without an index: every *.safetensors file, sorted
};

/// Finds config.json and the safetensors weights of `folder`: the index when present, else
/// model.safetensors, else every *.safetensors file. Throws FileError when the folder or its
/// config.json is missing, and InputError when it holds only pickle (pytorch_model.bin, *.pt,
/// *.ckpt) or other non-safetensors weights (naming them, saying how to convert, and listing the
/// supported architectures) or no weights at all.
ModelFiles locateModelFiles(const std::string& folder);

/// A model folder found in a local cache.
struct CachedModel {
    std::string displayName;     ///< "ORG/NAME" (with "@snapshot" when a model has several)
    std::string path;            ///< the folder to load
    std::string source;          ///< "Hugging Face" or "ModelScope"
    std::string architecture;    ///< config.json's first architecture (or model_type), or empty
    bool hasSafetensors = false; ///< safetensors weights are present
    bool supported = false;      ///< the architecture runs here and the weights are readable
};

/// Where to look: each entry is the folder holding the cached models.
struct ModelCacheRoots {
    std::vector<std::string> huggingFace; ///< folders of models--ORG--NAME/snapshots/HASH/
    std::vector<std::string> modelScope;  ///< folders of ORG/NAME/ (and models/ORG/NAME/)
};

/// The usual caches from the environment: $HF_HUB_CACHE, else $HF_HOME/hub, else
/// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub; $MODELSCOPE_CACHE/hub, else
/// ~/.cache/modelscope/hub. Folders that do not exist are left out.
ModelCacheRoots defaultModelCacheRoots();

/// Every folder with a readable config.json under the roots, sorted by display name. Never
/// throws: unreadable folders, broken links and malformed configs are skipped.
std::vector<CachedModel> findCachedModels(const ModelCacheRoots& roots);

} // namespace attnlab::core
