// The headless run of the command line: the model to run (--model, or the one a lesson names),
// its result, and the exports it asks for (data files and, through the window's renderer,
// images). Option parsing lives in cli.cpp.

#include "cli.h"

#include "core/attention/mask.h"
#include "core/embeddings/embeddings.h"
#include "core/io/data_export.h"
#include "core/io/mask_file.h"
#include "core/io/npy_export.h"
#include "core/model/builtin_model.h"
#include "core/text/tokenizer.h"
#include "core/trained/lesson_model_folder.h"
#include "core/trained/model_loader.h"

#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace attnlab::app {

namespace {

// The folder of the executable, where the shipped models are found (../share/attention-lab).
std::string programFolder() {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : self.parent_path().string();
}

// The model folder to run: --model, else the one the lesson names. A lesson's model that is not
// on this computer is an input error saying how to get it.
std::string modelFolderOf(const CliOptions& options) {
    if (!options.modelPath.empty() || options.lessonModel.empty())
        return options.modelPath;
    const core::LessonModelPlaces places = core::defaultLessonModelPlaces(programFolder());
    std::string folder = core::findLessonModel(options.lessonModel, places);
    if (folder.empty())
        throw core::InputError(options.sessionPath + ": " +
                               core::missingLessonModelText(options.lessonModel, places).at("en") +
                               " (or name a model folder with --model DIR)");
    return folder;
}

} // namespace

int runHeadless(const CliOptions& options, std::ostream& err, const ImageExporter& exportImage) {
    try {
        if (!options.image.path.empty() && !exportImage)
            throw core::InputError("--export: this build cannot draw images; use --export-data");
        // What this run reads: no output may replace one of them (through links too).
        core::InputFiles inputs;
        inputs.add(options.sessionPath, "the lesson");
        inputs.add(options.embeddingsPath, "the embeddings file");
        inputs.add(options.maskPath, "the mask file");
        core::WriteOptions write;
        write.inputs = &inputs;
        core::Config config = options.config;
        const std::string modelPath = modelFolderOf(options);
        std::optional<core::MaskFile> maskFile;
        if (!options.maskPath.empty()) {
            maskFile = core::loadMaskFile(options.maskPath);
            config.mask = maskFile->mask;
            if (modelPath.empty()) {
                // The built-in model's tokens are known before it runs: a mask of another shape
                // is named before any work (a transformer's pieces are checked after its run).
                const auto queries = core::tokenize(config.sentence, config.tokenizer).size();
                const auto keys = config.source.empty()
                                      ? queries
                                      : core::tokenize(config.source, config.tokenizer).size();
                core::checkMaskShape(*maskFile, options.maskPath, static_cast<int>(queries),
                                     static_cast<int>(keys));
            }
        }
        if (!options.embeddingsPath.empty()) {
            core::EmbeddingLoadOptions loadOptions;
            core::EmbeddingLoadResult loaded =
                core::loadEmbeddings(options.embeddingsPath, loadOptions);
            for (const std::string& warning : loaded.warnings)
                printProgramError(err, "warning: " + warning);
            config.table = std::make_shared<const core::EmbeddingTable>(std::move(loaded.table));
            config.embeddings = core::EmbeddingSource::File;
            config.embeddingsPath = options.embeddingsPath;
            // The file decides d_model; core warns only when an explicit --d-model disagrees.
            if (!options.dModelGiven)
                config.dModel = config.table->dimension();
        }
        // Exports of data need no trace unless the JSON file, which holds every matrix, is asked
        // for; a figure of the selected row explains nothing either.
        core::RunOptions run;
        run.trace = !options.exportDataPath.empty() &&
                    core::dataFormatForPath(options.exportDataPath) == core::DataFormat::Json;
        // .npy holds the weights alone (a figure needs the combined maps). A .csv export, whose
        // time goes to writing text, still computes them: its memory stays what it was.
        run.weightsOnly = !options.exportDataPath.empty() && options.image.path.empty() &&
                          core::dataFormatForPath(options.exportDataPath) == core::DataFormat::Npy;
        // Such a file takes each block of weights as it is computed, at its place in the file:
        // no map is kept whole, and the disk writes while the next heads compute.
        std::optional<core::NpyWeightsFile> npy;
        if (run.weightsOnly) {
            npy.emplace(options.exportDataPath, write);
            run.weightsSink = &*npy;
        }
        const core::ModelOutput output =
            modelPath.empty() ? core::runBuiltin(config, run)
                              : core::loadModel(modelPath, options.transformer)->run(config, run);
        if (maskFile)
            core::checkMaskShape(*maskFile, options.maskPath,
                                 static_cast<int>(output.maps.queryTokens.size()),
                                 static_cast<int>(output.maps.keyTokens.size()));
        for (const core::Message& warning : output.maps.warnings)
            printProgramError(err, "warning: " + warning.english());
        std::vector<std::string> notes;
        if (npy)
            notes = npy->finish(output);
        else if (!options.exportDataPath.empty())
            notes = core::exportData(output, options.exportDataPath, write,
                                     core::CsvOptions{.byteOrderMark = options.csvByteOrderMark});
        if (!options.image.path.empty())
            for (std::string& note : exportImage(output, options.image, options.view, write))
                notes.push_back(std::move(note));
        for (const std::string& note : notes)
            printProgramError(err, "warning: " + note);
    } catch (const std::bad_alloc&) {
        printProgramError(err,
                          "not enough memory for this request (fewer tokens or heads, or a smaller "
                          "d_model, need less); nothing was written");
        return kExitInputError;
    } catch (const std::exception& error) {
        // InputError and FileError carry messages written for the user; anything else
        // (out of memory) is still better reported than thrown out of main.
        printProgramError(err, error.what());
        return kExitInputError;
    }
    return kExitSuccess;
}

std::string complexityLessonHint(const std::string& sessionPath) {
    std::vector<std::string> warnings;
    try {
        if (!core::loadSessionFile(sessionPath, warnings).complexity)
            return {};
    } catch (const std::exception&) {
        return {};
    }
    return "the lesson " + sessionPath +
           " measures the complexity lab on its Complexity page; without a window: "
           "attention-lab complexity --lesson " +
           sessionPath;
}

int runCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const ImageExporter& exportImage) {
    CliOptions options;
    try {
        options = parseArguments(args);
        if (!options.help && !options.version && !options.hasHeadlessOutput())
            throw UsageError("nothing to write: add --export FILE or --export-data FILE (or start "
                             "without them for the window)");
    } catch (const UsageError& error) {
        printProgramError(err, error.what());
        err << "Try '"
            << "attention-lab"
            << " --help' for the options.\n";
        return kExitUsageError;
    }
    if (!options.help && !options.version && !options.sessionPath.empty()) {
        try {
            options = parseWithSession(args);
        } catch (const UsageError& error) {
            printProgramError(err, error.what());
            return kExitUsageError;
        } catch (const std::exception& error) {
            printProgramError(err, error.what());
            return kExitInputError;
        }
        for (const std::string& warning : options.warnings)
            printProgramError(err, "warning: " + warning);
        // The exports are of the lesson's sentence; its Complexity page is another command.
        if (options.lessonHasComplexity && options.hasHeadlessOutput())
            printProgramError(err, "note: " + complexityLessonHint(options.sessionPath));
    }
    if (options.help) {
        out << helpText();
        return kExitSuccess;
    }
    if (options.version) {
        out << versionText();
        return kExitSuccess;
    }
    return runHeadless(options, err, exportImage);
}

} // namespace attnlab::app
