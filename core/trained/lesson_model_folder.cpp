#include "core/trained/lesson_model_folder.h"

#include <filesystem>
#include <system_error>

namespace attnlab::core {
namespace fs = std::filesystem;
namespace {

std::string joined(const std::vector<std::string>& folders, const std::string& none) {
    std::string out;
    for (const std::string& folder : folders)
        out += (out.empty() ? "" : ", ") + folder;
    return out.empty() ? none : out;
}

} // namespace

std::string shippedModelsFolder(const std::string& programFolder) {
    return (fs::path(programFolder) / ".." / "share" / "attention-lab" / "models")
        .lexically_normal()
        .string();
}

LessonModelPlaces defaultLessonModelPlaces(const std::string& programFolder) {
    LessonModelPlaces places;
    places.shipped.push_back(shippedModelsFolder(programFolder));
    places.caches = defaultModelCacheRoots();
    return places;
}

std::string findLessonModel(const LessonModel& model, const LessonModelPlaces& places) {
    std::error_code ec;
    if (model.source == LessonModel::Source::Shipped) {
        for (const std::string& root : places.shipped) {
            const fs::path folder = fs::path(root) / model.name;
            if (fs::is_regular_file(folder / "config.json", ec))
                return folder.string();
        }
        return {};
    }
    if (model.source != LessonModel::Source::Hub)
        return {};
    std::string found;
    for (const CachedModel& cached : findCachedModels(places.caches)) {
        const std::string& name = cached.displayName;
        const bool same = name == model.name || name.rfind(model.name + "@", 0) == 0;
        if (!same)
            continue;
        if (cached.supported)
            return cached.path;
        if (found.empty())
            found = cached.path; // opening it says what is wrong with it
    }
    return found;
}

std::map<std::string, std::string> missingLessonModelText(const LessonModel& model,
                                                          const LessonModelPlaces& places) {
    std::map<std::string, std::string> text;
    if (model.source == LessonModel::Source::Shipped) {
        const std::string where = joined(places.shipped, "(no folder)");
        text["en"] = "This lesson runs on the model '" + model.name +
                     "' that ships with Attention Lab, but it is not in " + where +
                     ". Reinstall Attention Lab (the package puts it in "
                     "share/attention-lab/models), or in a source tree rebuild the program, "
                     "which copies resources/models there (scripts/train_lesson_models.sh "
                     "trains them anew).";
        text["zh_CN"] = "本课运行在 Attention Lab 自带的模型“" + model.name + "”上，但在 " + where +
                        " 中找不到它。请重新安装 Attention Lab（安装包把它放在 "
                        "share/attention-lab/models），或者在源码目录中重新构建程序，构建会把 "
                        "resources/models 复制到那里（scripts/train_lesson_models.sh "
                        "可重新训练这些模型）。";
        return text;
    }
    std::vector<std::string> caches = places.caches.huggingFace;
    caches.insert(caches.end(), places.caches.modelScope.begin(), places.caches.modelScope.end());
    const std::string where =
        joined(caches, "~/.cache/huggingface/hub, ~/.cache/modelscope/hub (neither exists yet)");
    text["en"] = "This lesson runs on the model '" + model.name +
                 "', which is not on this computer (looked in " + where +
                 "). Download it once from Hugging Face, for example with \"huggingface-cli "
                 "download " +
                 model.name +
                 "\" (it goes to ~/.cache/huggingface/hub, or $HF_HOME/hub), or from ModelScope "
                 "with \"modelscope download --model " +
                 model.name +
                 "\" (~/.cache/modelscope/hub), then open the lesson again; a folder elsewhere "
                 "opens with File → Open Model.";
    text["zh_CN"] = "本课运行在模型“" + model.name + "”上，但这台电脑上没有它（已查找 " + where +
                    "）。请先下载一次：从 Hugging Face 下载，例如 \"huggingface-cli download " +
                    model.name +
                    "\"（保存到 ~/.cache/huggingface/hub 或 $HF_HOME/hub），或从魔搭 ModelScope "
                    "下载 \"modelscope download --model " +
                    model.name +
                    "\"（保存到 ~/.cache/modelscope/hub），然后重新打开本课；放在别处的文件夹可用"
                    "“文件 → 打开模型”打开。";
    return text;
}

} // namespace attnlab::core
