#include "core/pretrained/model_folder.h"

#include "core/base/file_io.h"
#include "core/base/message.h"
#include "core/base/types.h"
#include "core/pretrained/transformer_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace attnlab::core {
namespace {

namespace fs = std::filesystem;

bool endsWith(const std::string& text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Weight files of other formats, which the program does not read.
bool isPickleWeights(const std::string& name) {
    return endsWith(name, ".bin") || endsWith(name, ".pt") || endsWith(name, ".pth") ||
           endsWith(name, ".ckpt") || endsWith(name, ".pkl");
}

bool isOtherWeights(const std::string& name) {
    return endsWith(name, ".h5") || endsWith(name, ".msgpack") || endsWith(name, ".gguf") ||
           endsWith(name, ".onnx");
}

std::string listNames(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < 4; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > 4)
        text += " and " + std::to_string(names.size() - 4) + " more";
    return text;
}

bool isFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec); // follows links, as the hub caches use them
}

std::string readArchitecture(const fs::path& config) {
    const std::string text = readFileBytes(config.string(), 16u << 20);
    const nlohmann::json root = nlohmann::json::parse(text);
    if (!root.is_object())
        return {};
    const auto list = root.find("architectures");
    if (list != root.end() && list->is_array() && !list->empty() && list->front().is_string())
        return list->front().get<std::string>();
    const auto type = root.find("model_type");
    if (type != root.end() && type->is_string())
        return type->get<std::string>();
    return {};
}

bool hasSafetensors(const fs::path& folder) {
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (endsWith(it->path().filename().string(), ".safetensors") && isFile(it->path()))
            return true;
    return false;
}

// Fills a CachedModel from a candidate folder; false when it has no readable config.json.
bool describe(const fs::path& folder, const std::string& displayName, const std::string& source,
              CachedModel& out) {
    try {
        if (!isFile(folder / "config.json"))
            return false;
        out.displayName = displayName;
        out.path = folder.string();
        out.source = source;
        out.architecture = readArchitecture(folder / "config.json");
        out.hasSafetensors = hasSafetensors(folder);
        if (out.hasSafetensors) {
            const std::string text = readFileBytes((folder / "config.json").string(), 16u << 20);
            parseTransformerConfig(text, "config.json"); // throws when not runnable here
            out.supported = true;
        }
        return true;
    } catch (const std::exception&) {
        return !out.displayName.empty() && !out.architecture.empty();
    } catch (...) {
        return false;
    }
}

std::vector<fs::path> subfolders(const fs::path& folder) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        // Hidden folders are caches' temporary downloads and lock files.
        if (it->path().filename().string().rfind('.', 0) != 0 && it->is_directory(typeError))
            out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void scanHuggingFace(const fs::path& root, std::vector<CachedModel>& out) {
    for (const fs::path& repo : subfolders(root)) {
        const std::string name = repo.filename().string();
        if (name.rfind("models--", 0) != 0)
            continue;
        std::string display = name.substr(8);
        if (const auto dash = display.find("--"); dash != std::string::npos)
            display.replace(dash, 2, "/");
        const std::vector<fs::path> snapshots = subfolders(repo / "snapshots");
        for (const fs::path& snapshot : snapshots) {
            const std::string label =
                snapshots.size() == 1 ? display
                                      : display + "@" + snapshot.filename().string().substr(0, 7);
            CachedModel model;
            if (describe(snapshot, label, "Hugging Face", model))
                out.push_back(std::move(model));
        }
    }
}

// ModelScope stores ORG/NAME (newer versions models/ORG/NAME) and writes '.' in names as "___".
void scanModelScope(const fs::path& root, std::vector<CachedModel>& out) {
    for (const fs::path& base : {root, root / "models"}) {
        for (const fs::path& org : subfolders(base)) {
            for (const fs::path& model : subfolders(org)) {
                std::string display = org.filename().string() + "/" + model.filename().string();
                for (std::size_t at = display.find("___"); at != std::string::npos;
                     at = display.find("___", at + 1))
                    display.replace(at, 3, ".");
                CachedModel entry;
                if (describe(model, display, "ModelScope", entry))
                    out.push_back(std::move(entry));
            }
        }
    }
}

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}

} // namespace

ModelFiles locateModelFiles(const std::string& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec))
        throw FileError(message("cannot open the model folder '%1': no such folder", folder));
    if (!fs::is_directory(folder, ec))
        throw FileError(message("'%1' is not a folder: choose the folder holding config.json "
                                "and the weights",
                                folder));
    ModelFiles files;
    files.folder = folder;
    const fs::path root(folder);
    files.config = (root / "config.json").string();
    if (!fs::exists(root / "config.json", ec))
        throw FileError(message("'%1' has no config.json: choose the folder a model hub "
                                "downloaded (config.json, *.safetensors, tokenizer files)",
                                folder));

    std::vector<std::string> safetensors, pickles, others;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (endsWith(name, ".safetensors"))
            safetensors.push_back(name);
        else if (isPickleWeights(name))
            pickles.push_back(name);
        else if (isOtherWeights(name))
            others.push_back(name);
    }
    std::sort(safetensors.begin(), safetensors.end());
    std::sort(pickles.begin(), pickles.end());
    std::sort(others.begin(), others.end());

    if (fs::exists(root / "model.safetensors.index.json", ec)) {
        files.index = (root / "model.safetensors.index.json").string();
        return files;
    }
    if (std::find(safetensors.begin(), safetensors.end(), "model.safetensors") !=
        safetensors.end()) {
        files.weights = {(root / "model.safetensors").string()};
        return files;
    }
    if (!safetensors.empty()) {
        for (const std::string& name : safetensors)
            files.weights.push_back((root / name).string());
        return files;
    }
    if (!pickles.empty())
        throw InputError(message(
            "'%1' has no .safetensors weights, only %2: pickle weights are not read (loading "
            "them can run arbitrary code). Convert them to safetensors, for example in Python "
            "with the transformers library: AutoModel.from_pretrained(folder).save_pretrained("
            "folder, safe_serialization=True); or download the model's model.safetensors. "
            "Supported architectures: %3",
            folder, listNames(pickles), supportedArchitecturesText()));
    if (!others.empty())
        throw InputError(message("'%1' has no .safetensors weights, only %2, which the program "
                                 "does not read; it reads safetensors weights of these "
                                 "architectures: %3",
                                 folder, listNames(others), supportedArchitecturesText()));
    throw InputError(message("'%1' has config.json but no weights (*.safetensors)", folder));
}

ModelCacheRoots defaultModelCacheRoots() {
    ModelCacheRoots roots;
    const std::string home = environment("HOME");
    std::string hub = environment("HF_HUB_CACHE");
    if (hub.empty() && !environment("HF_HOME").empty())
        hub = (fs::path(environment("HF_HOME")) / "hub").string();
    if (hub.empty() && !environment("XDG_CACHE_HOME").empty())
        hub = (fs::path(environment("XDG_CACHE_HOME")) / "huggingface" / "hub").string();
    if (hub.empty() && !home.empty())
        hub = (fs::path(home) / ".cache" / "huggingface" / "hub").string();
    std::string scope = environment("MODELSCOPE_CACHE");
    if (!scope.empty())
        scope = (fs::path(scope) / "hub").string();
    else if (!home.empty())
        scope = (fs::path(home) / ".cache" / "modelscope" / "hub").string();
    std::error_code ec;
    if (!hub.empty() && fs::is_directory(hub, ec))
        roots.huggingFace.push_back(hub);
    if (!scope.empty() && fs::is_directory(scope, ec))
        roots.modelScope.push_back(scope);
    return roots;
}

std::vector<CachedModel> findCachedModels(const ModelCacheRoots& roots) {
    std::vector<CachedModel> out;
    try {
        for (const std::string& root : roots.huggingFace)
            scanHuggingFace(root, out);
        for (const std::string& root : roots.modelScope)
            scanModelScope(root, out);
    } catch (...) {
        // A listing is a convenience: keep what was found rather than fail.
    }
    std::stable_sort(out.begin(), out.end(), [](const CachedModel& a, const CachedModel& b) {
        return a.displayName < b.displayName;
    });
    return out;
}

} // namespace attnlab::core
