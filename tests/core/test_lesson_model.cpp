// A lesson's model: the member "model" of a lesson is written and read back unchanged, a bad one
// is refused naming the member, and the folder it names is found where the program looks (the
// shipped models, the hub caches) or the user is told in both languages how to get it.

#include "core/io/session.h"
#include "core/trained/lesson_model_folder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_lesson_model {

using namespace attnlab::core;
namespace fs = std::filesystem;

namespace {

std::string lessonWithModel(const std::string& model) {
    return R"({"format": "attention-lab-session", "version": 1, "config": {"sentence": "a b"},
              "lesson": {"title": "T", "model": )" +
           model + "}}";
}

std::string errorOf(const std::string& text) {
    std::vector<std::string> warnings;
    try {
        parseSession(text, warnings);
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

Session roundTrip(const Session& session) {
    std::vector<std::string> warnings;
    Session back = parseSession(serializeSession(session), warnings);
    EXPECT_TRUE(warnings.empty());
    return back;
}

// A fresh folder under the system's temporary folder, removed at the end of the test.
class TempFolder {
public:
    explicit TempFolder(const std::string& name)
        : m_path(fs::temp_directory_path() / ("attnlab-lesson-model-" + name)) {
        fs::remove_all(m_path);
        fs::create_directories(m_path);
    }
    ~TempFolder() { fs::remove_all(m_path); }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

void writeFile(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

} // namespace

TEST(LessonModelFormat, ShippedAndHubModelsRoundTrip) {
    for (const LessonModel& model :
         {LessonModel{LessonModel::Source::Shipped, "translation-small"},
          LessonModel{LessonModel::Source::Hub, "uer/gpt2-chinese-cluecorpussmall"},
          LessonModel{LessonModel::Source::Hub, "gpt2"}}) {
        Session session;
        session.config.sentence = "1 2 3";
        session.lesson.title = {{"en", "A lesson"}};
        session.lesson.model = model;
        const Session back = roundTrip(session);
        EXPECT_EQ(back.lesson.model, model) << model.name;
        EXPECT_EQ(serializeSession(back), serializeSession(session));
    }
}

TEST(LessonModelFormat, ALessonWithoutAModelWritesNone) {
    Session session;
    session.lesson.title = {{"en", "A lesson"}};
    const std::string text = serializeSession(session);
    EXPECT_EQ(text.find("\"model\""), std::string::npos);
    EXPECT_TRUE(roundTrip(session).lesson.model.empty());
}

TEST(LessonModelFormat, TheMemberIsRead) {
    std::vector<std::string> warnings;
    const Session session =
        parseSession(lessonWithModel(R"({"shipped": "induction-2x2"})"), warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(session.lesson.model.source, LessonModel::Source::Shipped);
    EXPECT_EQ(session.lesson.model.name, "induction-2x2");
}

TEST(LessonModelFormat, BadModelsAreRefusedNamingTheMember) {
    EXPECT_NE(errorOf(lessonWithModel(R"("gpt2")")).find("lesson.model: expected an object"),
              std::string::npos);
    EXPECT_NE(errorOf(lessonWithModel(R"({"path": "/tmp/x"})")).find("lesson.model.path"),
              std::string::npos);
    EXPECT_NE(errorOf(lessonWithModel(R"({"shipped": "a", "hub": "b"})")).find("lesson.model.hub"),
              std::string::npos);
    EXPECT_NE(errorOf(lessonWithModel(R"({})")).find("lesson.model: name the model"),
              std::string::npos);
    EXPECT_NE(errorOf(lessonWithModel(R"({"hub": 3})")).find("lesson.model.hub"),
              std::string::npos);
    EXPECT_NE(errorOf(lessonWithModel(R"({"hub": ""})")).find("lesson.model.hub: the model's name"),
              std::string::npos);
    for (const char* bad :
         {R"({"shipped": "../secret"})", R"({"shipped": "a/b"})", R"({"hub": "/etc/x"})",
          R"({"hub": "org/../x"})", R"({"hub": "org\\x"})"})
        EXPECT_NE(errorOf(lessonWithModel(bad)).find("is not a model name"), std::string::npos)
            << bad;
}

TEST(LessonModelFolder, AShippedModelIsFoundInTheFirstFolderThatHasIt) {
    const TempFolder temp("shipped");
    writeFile(temp.path() / "second" / "tiny" / "config.json", "{}");
    fs::create_directories(temp.path() / "first" / "tiny"); // no config.json: not a model
    LessonModelPlaces places;
    places.shipped = {(temp.path() / "first").string(), (temp.path() / "second").string()};
    EXPECT_EQ(findLessonModel({LessonModel::Source::Shipped, "tiny"}, places),
              (temp.path() / "second" / "tiny").string());
    EXPECT_EQ(findLessonModel({LessonModel::Source::Shipped, "other"}, places), "");
    EXPECT_EQ(findLessonModel({}, places), "");
}

TEST(LessonModelFolder, ShippedModelsSitBesideTheProgram) {
    EXPECT_EQ(shippedModelsFolder("/usr/bin"), "/usr/share/attention-lab/models");
    EXPECT_EQ(shippedModelsFolder("/home/u/src/build/dev/app"),
              "/home/u/src/build/dev/share/attention-lab/models");
}

TEST(LessonModelFolder, AHubModelIsFoundInTheCaches) {
    const TempFolder temp("hub");
    const fs::path snapshot = temp.path() / "hf" / "models--org--tiny" / "snapshots" / "0123abcd";
    writeFile(snapshot / "config.json", R"({"architectures": ["GPT2LMHeadModel"]})");
    writeFile(temp.path() / "ms" / "org2" / "other" / "config.json",
              R"({"architectures": ["BertModel"]})");
    LessonModelPlaces places;
    places.caches.huggingFace = {(temp.path() / "hf").string()};
    places.caches.modelScope = {(temp.path() / "ms").string()};
    EXPECT_EQ(fs::path(findLessonModel({LessonModel::Source::Hub, "org/tiny"}, places)), snapshot);
    EXPECT_EQ(fs::path(findLessonModel({LessonModel::Source::Hub, "org2/other"}, places)),
              temp.path() / "ms" / "org2" / "other");
    EXPECT_EQ(findLessonModel({LessonModel::Source::Hub, "tiny"}, places), "");
    EXPECT_EQ(findLessonModel({LessonModel::Source::Hub, "org/tin"}, places), "");
}

TEST(LessonModelFolder, AMissingModelSaysInBothLanguagesWhatAndWhere) {
    LessonModelPlaces places;
    places.shipped = {"/nowhere/share/attention-lab/models"};
    const auto shipped =
        missingLessonModelText({LessonModel::Source::Shipped, "translation-small"}, places);
    ASSERT_EQ(shipped.size(), 2u);
    for (const auto& [language, text] : shipped) {
        EXPECT_NE(text.find("translation-small"), std::string::npos) << language;
        EXPECT_NE(text.find("/nowhere/share/attention-lab/models"), std::string::npos) << language;
    }
    EXPECT_NE(shipped.at("zh_CN").find("重新安装"), std::string::npos);

    places.caches.huggingFace = {"/cache/hf"};
    const auto hub = missingLessonModelText({LessonModel::Source::Hub, "gpt2"}, places);
    for (const char* language : {"en", "zh_CN"}) {
        const std::string& text = hub.at(language);
        EXPECT_NE(text.find("huggingface-cli download gpt2"), std::string::npos) << language;
        EXPECT_NE(text.find("/cache/hf"), std::string::npos) << language;
        EXPECT_NE(text.find("~/.cache/modelscope/hub"), std::string::npos) << language;
    }
}

} // namespace test_lesson_model
