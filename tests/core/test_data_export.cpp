// Data export (core/data_export.h): the JSON writer (escaping, null for −∞, nine significant
// digits that read back to the same float), CSV quoting (RFC 4180), the NPY header and data, and
// atomic writing (an earlier file survives every failure; no temporary file is left behind).

#include "core/base/json.h"
#include "core/base/types.h"
#include "core/io/data_export.h"
#include "core/io/session.h"
#include "core/model/builtin_model.h"
#include "core/model/imported_attention.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_data_export {

using attnlab::core::AttentionMaps;
using attnlab::core::Config;
using attnlab::core::CsvOptions;
using attnlab::core::DataFormat;
using attnlab::core::dataFormatForPath;
using attnlab::core::exportData;
using attnlab::core::FileError;
using attnlab::core::HeadTrace;
using attnlab::core::InputError;
using attnlab::core::MapToken;
using attnlab::core::Matrix;
using attnlab::core::ModelOutput;
using attnlab::core::runBuiltin;
using attnlab::core::ScoringFunction;
using attnlab::core::Trace;
using attnlab::core::Vector;
using attnlab::core::writeCsv;
using attnlab::core::writeFileAtomically;
using attnlab::core::writeJson;
using attnlab::core::writeNpy;

namespace fs = std::filesystem;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// ---- outputs built by hand, so that the writers are tested apart from runBuiltin() -------------

std::vector<MapToken> tokens(const std::vector<std::string>& texts) {
    std::vector<MapToken> infos;
    for (const std::string& text : texts)
        infos.push_back({text, 0, text.size(), false, false});
    return infos;
}

Matrix filled(int rows, int cols, float offset) {
    Matrix m(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            m(r, c) = offset + 0.125f * static_cast<float>(r * cols + c);
    return m;
}

// n_q × n_k weights per head, each row a distribution; d_model = d_k = 2. Every key visible.
ModelOutput handMadeResult(const std::vector<std::string>& queryTexts,
                           const std::vector<std::string>& keyTexts, int heads) {
    ModelOutput result;
    result.config.sentence = "hand made";
    result.config.heads = heads;
    result.config.dModel = 2;
    result.capabilities.hasTrace = true;
    result.capabilities.heads = heads;
    AttentionMaps& maps = result.maps;
    Trace& trace = result.trace.emplace();
    trace.dK = 2;
    maps.heads = heads;
    maps.queryTokens = tokens(queryTexts);
    maps.keyTokens = tokens(keyTexts);
    const int nq = static_cast<int>(queryTexts.size());
    const int nk = static_cast<int>(keyTexts.size());
    maps.allowed.setConstant(nq, nk, true);
    trace.queryInputs = filled(nq, 2, 0.0f);
    trace.keyInputs = filled(nk, 2, 1.0f);
    for (int h = 0; h < heads; ++h) {
        HeadTrace head;
        head.wq = head.wk = head.wv = Matrix::Identity(2, 2);
        head.q = trace.queryInputs;
        head.k = head.v = trace.keyInputs;
        head.scores = filled(nq, nk, static_cast<float>(h));
        head.logits = head.scores;
        Matrix weights = Matrix::Constant(nq, nk, 1.0f / static_cast<float>(nk));
        weights(0, 0) += 0.01f * static_cast<float>(h + 1);
        weights(0, nk - 1) -= 0.01f * static_cast<float>(h + 1);
        head.context = weights * head.v;
        maps.weights.push_back(weights);
        maps.entropy.push_back(Vector::Zero(nq));
        maps.argmax.emplace_back(static_cast<std::size_t>(nq), 0);
        trace.heads.push_back(head);
    }
    maps.mean.push_back(maps.weights.front());
    maps.max.push_back(maps.weights.front());
    trace.wo = Matrix::Identity(2 * heads, 2);
    trace.output = filled(nq, 2, 3.0f);
    return result;
}

std::string jsonOf(const ModelOutput& result) {
    std::ostringstream out;
    writeJson(result, out);
    return out.str();
}

// Without the byte-order mark, so that the text starts with the header.
std::string csvOf(const ModelOutput& result) {
    std::ostringstream out;
    writeCsv(result, out, CsvOptions{.byteOrderMark = false});
    return out.str();
}

std::string npyOf(const ModelOutput& result) {
    std::ostringstream out(std::ios::out | std::ios::binary);
    writeNpy(result, out);
    return out.str();
}

// The numbers of the first row of the matrix stored under `key` (the text between the first
// "[[" or "[\n    [" after the key and the next "]").
std::vector<std::string> firstRowNumbers(const std::string& json, const std::string& key) {
    const std::size_t at = json.find("\"" + key + "\": ");
    if (at == std::string::npos)
        return {};
    const std::size_t outer = json.find('[', at);
    const std::size_t inner = json.find('[', outer + 1);
    const std::size_t close = json.find(']', inner);
    std::vector<std::string> numbers;
    std::string item;
    std::istringstream row(json.substr(inner + 1, close - inner - 1));
    while (std::getline(row, item, ',')) {
        const std::size_t first = item.find_first_not_of(' ');
        numbers.push_back(item.substr(first));
    }
    return numbers;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writePlainFile(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// ---- a temporary directory per test ------------------------------------------------------------

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "attnlab-export-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ignored);
        fs::remove_all(m_path, ignored);
    }
    const fs::path& path() const { return m_path; }

    // Names of everything in the directory.
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(m_path))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    fs::path m_path;
};

// Runs `attempt` where the permission bits of files count: directly for an ordinary user, in a
// child process that drops to "nobody" when the tests run as root (root ignores them). Returns
// "threw FileError: <message>", "no error" or "other error: <message>".
std::string attemptWithoutPrivileges(const std::function<void()>& attempt) {
    auto describe = [&]() -> std::string {
        try {
            attempt();
        } catch (const FileError& error) {
            return std::string("threw FileError: ") + error.what();
        } catch (const std::exception& error) {
            return std::string("other error: ") + error.what();
        }
        return "no error";
    };
    if (::geteuid() != 0)
        return describe();

    int channel[2];
    if (::pipe(channel) != 0)
        return "other error: pipe failed";
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(channel[0]);
        std::string outcome;
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            outcome = "other error: cannot drop privileges";
        else
            outcome = describe();
        const ssize_t written = ::write(channel[1], outcome.data(), outcome.size());
        ::_exit(written == static_cast<ssize_t>(outcome.size()) ? 0 : 1);
    }
    ::close(channel[1]);
    std::string outcome;
    char buffer[512];
    ssize_t n = 0;
    while ((n = ::read(channel[0], buffer, sizeof buffer)) > 0)
        outcome.append(buffer, static_cast<std::size_t>(n));
    ::close(channel[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return outcome;
}

} // namespace

// ---- format by extension ----------------------------------------------------------------------

TEST(DataFormatForPath, KnowsTheThreeExtensionsInAnyCase) {
    EXPECT_EQ(dataFormatForPath("out.json"), DataFormat::Json);
    EXPECT_EQ(dataFormatForPath("dir.v2/out.CSV"), DataFormat::Csv);
    EXPECT_EQ(dataFormatForPath("/tmp/weights.Npy"), DataFormat::Npy);
}

TEST(DataFormatForPath, RejectsOtherNamesNamingTheChoices) {
    for (const std::string path : {"out.txt", "out", "json", "dir.json/out", "out.json.bak"}) {
        try {
            dataFormatForPath(path);
            ADD_FAILURE() << path << " was accepted";
        } catch (const InputError& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(path), std::string::npos) << message;
            EXPECT_NE(message.find(".json, .csv or .npy"), std::string::npos) << message;
        }
    }
}

// ---- JSON
// ----------------------------------------------------------------------------------------

TEST(WriteJson, EscapesQuotesBackslashesAndControlCharactersAndKeepsUtf8) {
    ModelOutput result = handMadeResult({"a\"b", "c\\d", "e\nf\tg\x01", "我爱"}, {"k"}, 1);
    result.config.sentence = "say \"hi\"\\\x1f 深度学习";
    const std::string json = jsonOf(result);
    EXPECT_NE(json.find(R"("sentence": "say \"hi\"\\\u001f 深度学习")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("query_tokens": ["a\"b", "c\\d", "e\u000af\u0009g\u0001", "我爱"])"),
              std::string::npos)
        << json;
    for (unsigned char c = 0; c < 0x20; ++c) {
        if (c != '\n') {
            EXPECT_EQ(json.find(static_cast<char>(c)), std::string::npos) << "raw byte " << int(c);
        }
    }
}

TEST(WriteJson, ReplacesInvalidUtf8SoTheDocumentStaysValid) {
    ModelOutput result = handMadeResult({"t"}, {"t"}, 1);
    result.config.embeddings = attnlab::core::EmbeddingSource::File;
    result.config.embeddingsPath = "vec\xff\xc3(.txt"; // a file name need not be UTF-8
    const std::string json = jsonOf(result);
    EXPECT_NE(json.find(R"("path": "vec\ufffd\ufffd(.txt")"), std::string::npos) << json;
    EXPECT_NO_THROW(attnlab::core::json::parse(json));
}

TEST(WriteJson, WritesMinusInfinityAndNanAsNull) {
    ModelOutput result = handMadeResult({"q0", "q1"}, {"k0", "k1", "k2"}, 1);
    result.trace->heads[0].logits(0, 1) = kNegInf;
    result.trace->heads[0].logits(1, 0) = kNegInf;
    result.trace->heads[0].logits(1, 2) = std::numeric_limits<float>::quiet_NaN();
    // A masked cell: the trace keeps its finite logit, the export writes it masked (−∞).
    result.maps.allowed(0, 2) = false;
    const std::string json = jsonOf(result);
    const std::vector<std::string> row = firstRowNumbers(json, "logits");
    ASSERT_EQ(row.size(), 3u) << json;
    EXPECT_EQ(row[1], "null");
    EXPECT_NE(row[0], "null");
    EXPECT_EQ(row[2], "null") << "a masked logit is −∞";
    EXPECT_EQ(json.find("inf"), std::string::npos);
    EXPECT_EQ(json.find("nan"), std::string::npos);
    EXPECT_EQ(json.find("NaN"), std::string::npos);
}

TEST(WriteJson, NineSignificantDigitsReadBackToTheSameFloat) {
    const std::vector<float> values = {0.1f,
                                       1.0f / 3.0f,
                                       -2.0f / 7.0f,
                                       0.4f,
                                       1e-8f,
                                       123456789.0f,
                                       std::numeric_limits<float>::max(),
                                       std::numeric_limits<float>::lowest(),
                                       std::numeric_limits<float>::min(),
                                       std::numeric_limits<float>::denorm_min(),
                                       std::nextafter(1.0f, 2.0f),
                                       0.0f,
                                       16777217.0f};
    ModelOutput result = handMadeResult({"t"}, {"t"}, 1);
    result.trace->output = Matrix(1, static_cast<Eigen::Index>(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i)
        result.trace->output(0, static_cast<Eigen::Index>(i)) = values[i];
    const std::vector<std::string> row = firstRowNumbers(jsonOf(result), "output");
    ASSERT_EQ(row.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        float back = 0.0f;
        const auto [ptr, ec] = std::from_chars(row[i].data(), row[i].data() + row[i].size(), back);
        ASSERT_EQ(ec, std::errc()) << row[i];
        ASSERT_EQ(ptr, row[i].data() + row[i].size()) << row[i];
        EXPECT_EQ(std::memcmp(&back, &values[i], sizeof back), 0)
            << row[i] << " reads back as " << back << ", not " << values[i];
        // At most nine significant digits: no digit run longer than that in the mantissa.
        const std::string mantissa = row[i].substr(0, row[i].find('e'));
        int digits = 0;
        for (char c : mantissa)
            digits += (c >= '0' && c <= '9') ? 1 : 0;
        EXPECT_LE(digits, 10) << row[i]; // 9 significant + a possible leading "0."
    }
    EXPECT_EQ(row[3], "0.400000006"); // 0.4f is not 0.4: the file says so
}

TEST(WriteJson, HasEveryTopLevelAndHeadMemberInOrder) {
    const std::string json = jsonOf(handMadeResult({"q"}, {"k"}, 2));
    std::size_t previous = 0;
    for (const char* key : {"format",
                            "config",
                            "query_tokens",
                            "key_tokens",
                            "unknown_query_tokens",
                            "unknown_key_tokens",
                            "inputs",
                            "query_embeddings",
                            "key_embeddings",
                            "heads",
                            "w_q",
                            "w_k",
                            "w_v",
                            "scoring_params",
                            "q",
                            "k",
                            "v",
                            "scores",
                            "logits",
                            "weights",
                            "context",
                            "entropy",
                            "argmax",
                            "mean_weights",
                            "max_weights",
                            "w_o",
                            "output",
                            "fully_masked_rows",
                            "warnings"}) {
        const std::size_t at = json.find("\"" + std::string(key) + "\": ", previous);
        ASSERT_NE(at, std::string::npos) << key << " missing after offset " << previous;
        previous = at;
    }
    EXPECT_NE(json.find(R"("format": "attention-lab/1")"), std::string::npos);
    EXPECT_EQ(json.back(), '\n');
}

TEST(WriteJson, ConfigHoldsEverySettingUnderItsOptionName) {
    Config config;
    config.sentence = "The cat sat";
    config.dModel = 8;
    config.heads = 2;
    config.mask = attnlab::core::parseMask("window:1");
    config.positional = attnlab::core::PositionalEncoding::Sinusoidal;
    config.projection = attnlab::core::ProjectionInit::Random;
    config.seed = 7;
    config.temperature = 0.5f;
    config.tokenizer.mode = attnlab::core::TokenizerMode::Whitespace;
    const std::string json = jsonOf(runBuiltin(config));
    for (const char* member :
         {R"("sentence": "The cat sat")", R"("source": "")", R"("scoring": "scaled-dot")",
          R"("normalizer": "softmax")", R"("temperature": 0.5)", R"("heads": 2)", R"("d_model": 8)",
          R"("d_k": 4)", R"("mask": "window:1")", R"("positional": "sinusoidal")",
          R"("projection": "random")", R"("seed": 7)", R"("tokenizer": "whitespace")",
          R"("cosine_scale": 10)", R"("embeddings": {)", R"("source": "builtin")"})
        EXPECT_NE(json.find(member), std::string::npos) << member << " not in\n"
                                                        << json.substr(0, 600);
}

// The export's "config" is a lesson's: every model setting of the schema under its key, and the
// object opens as a lesson's config with the same values.
TEST(WriteJson, ConfigOpensAsALessonConfig) {
    namespace json = attnlab::core::json;
    Config config;
    config.sentence = "The cat sat";
    config.source = "le chat";
    config.dModel = 8;
    config.heads = 2;
    config.scoring = ScoringFunction::Additive;
    config.additiveDim = 3;
    config.temperature = 0.5f;
    config.seed = 7;
    const ModelOutput result = runBuiltin(config);
    const json::Value root = json::parse(jsonOf(result));
    const json::Value* exported = json::member(root, "config");
    ASSERT_NE(exported, nullptr);
    ASSERT_TRUE(exported->is_object());
    const attnlab::core::SettingsValues values{result.config, {}};
    for (const attnlab::core::Setting& setting : attnlab::core::settingsSchema()) {
        if (setting.group != attnlab::core::SettingGroup::Model)
            continue;
        EXPECT_NE(json::member(*exported, setting.key), nullptr)
            << setting.key << " is not in the export's config";
    }
    nlohmann::ordered_json lesson;
    lesson["format"] = std::string(attnlab::core::kSessionFormat);
    lesson["version"] = attnlab::core::kSessionVersion;
    lesson["config"] = *exported;
    std::vector<std::string> warnings;
    const attnlab::core::Session session = attnlab::core::parseSession(lesson.dump(), warnings);
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    const attnlab::core::SettingsValues back{session.config, {}};
    for (const attnlab::core::Setting& setting : attnlab::core::settingsSchema())
        if (setting.group == attnlab::core::SettingGroup::Model) {
            EXPECT_EQ(setting.get(back), setting.get(values)) << setting.key;
        }
}

TEST(WriteJson, ScoringParamsMatchTheScoringFunction) {
    struct Case {
        ScoringFunction scoring;
        std::vector<std::string> present;
    };
    const std::vector<Case> cases = {
        {ScoringFunction::Dot, {}},           {ScoringFunction::ScaledDot, {}},
        {ScoringFunction::General, {"w_a"}},  {ScoringFunction::Additive, {"w_1", "w_2", "v"}},
        {ScoringFunction::Cosine, {"scale"}},
    };
    for (const Case& c : cases) {
        Config config;
        config.sentence = "one two three";
        config.dModel = 4;
        config.scoring = c.scoring;
        const std::string json = jsonOf(runBuiltin(config));
        const std::size_t begin = json.find("\"scoring_params\": ");
        const std::size_t end = json.find("\"q\": ", begin);
        ASSERT_NE(begin, std::string::npos);
        const std::string params = json.substr(begin, end - begin);
        if (c.present.empty()) {
            EXPECT_NE(params.find("\"scoring_params\": {}"), std::string::npos) << params;
        }
        for (const std::string& key : c.present) {
            EXPECT_NE(params.find("\"" + key + "\": "), std::string::npos)
                << key << " missing in " << params;
        }
        if (c.scoring == ScoringFunction::Cosine) {
            EXPECT_NE(params.find("\"scale\": 10"), std::string::npos) << params;
        }
    }
}

TEST(WriteJson, PaddingTokensAndUnknownIndicesAreListed) {
    Config config;
    config.sentence = "the cat zzqxv";
    config.dModel = 4;
    config.mask = attnlab::core::parseMask("padding:5");
    const ModelOutput result = runBuiltin(config);
    const std::string json = jsonOf(result);
    EXPECT_NE(json.find(R"("key_tokens": ["the", "cat", "zzqxv", "[PAD]", "[PAD]"])"),
              std::string::npos)
        << json.substr(0, 800);
    std::string unknown;
    for (std::size_t i = 0; i < result.maps.queryTokens.size(); ++i)
        if (result.maps.queryTokens[i].unknown)
            unknown += (unknown.empty() ? "" : ", ") + std::to_string(i);
    EXPECT_NE(unknown, "") << "zzqxv should not be in the lexicon";
    EXPECT_NE(json.find("\"unknown_query_tokens\": [" + unknown + "]"), std::string::npos);
}

// Maps without a trace (imported attention) keep their weights, entropy and argmax in "heads";
// several layers list their maps layer by layer and one mean and maximum per layer.
TEST(WriteJson, MapsWithoutATraceKeepEveryMap) {
    namespace json = attnlab::core::json;
    attnlab::core::NpyArray array{{2, 3, 2, 2}, {}};
    for (int i = 0; i < 24; ++i)
        array.data.push_back(static_cast<float>(i % 4) / 8.0f + 0.125f);
    auto imported = std::make_shared<const attnlab::core::ImportedAttention>(
        attnlab::core::importAttention(array, {"a", "b"}, {"c", "d"}));
    const ModelOutput result = attnlab::core::ImportedModel(imported, "w.npy").run(Config{});
    ASSERT_FALSE(result.trace.has_value());
    const std::string text = jsonOf(result);
    const json::Value root = json::parse(text);
    for (const char* absent : {"inputs", "w_o", "output"})
        EXPECT_EQ(json::member(root, absent), nullptr) << absent;
    const json::Value& heads = *json::member(root, "heads");
    ASSERT_EQ(heads.size(), 6u) << text;
    for (int layer = 0; layer < 2; ++layer)
        for (int head = 0; head < 3; ++head) {
            const json::Value& entry = heads[static_cast<std::size_t>(layer * 3 + head)];
            EXPECT_EQ(json::member(entry, "layer")->get<int>(), layer);
            EXPECT_EQ(json::member(entry, "head")->get<int>(), head);
            EXPECT_EQ(json::member(entry, "q"), nullptr);
            EXPECT_EQ(json::matrixAt(*json::member(entry, "weights"), "weights"),
                      result.maps.weightsOf(layer, head));
            EXPECT_NE(json::member(entry, "entropy"), nullptr);
            EXPECT_NE(json::member(entry, "argmax"), nullptr);
        }
    ASSERT_EQ(json::member(root, "mean_weights")->size(), 2u);
    EXPECT_EQ(json::matrixAt((*json::member(root, "max_weights"))[1], "max_weights"),
              result.maps.max[1]);
}

// ---- CSV
// -----------------------------------------------------------------------------------------

TEST(WriteCsv, QuotesFieldsWithCommasQuotesAndLineBreaks) {
    ModelOutput result = handMadeResult({"a,b", "say \"hi\""}, {"plain", "line\nbreak"}, 1);
    result.maps.weights[0] << 0.25f, 0.75f, 0.5f, 0.5f;
    const std::string expected = "head,query_index,query_token,key_index,key_token,weight\r\n"
                                 "1,0,\"a,b\",0,plain,0.25\r\n"
                                 "1,0,\"a,b\",1,\"line\nbreak\",0.75\r\n"
                                 "1,1,\"say \"\"hi\"\"\",0,plain,0.5\r\n"
                                 "1,1,\"say \"\"hi\"\"\",1,\"line\nbreak\",0.5\r\n";
    EXPECT_EQ(csvOf(result), expected);
}

TEST(WriteCsv, OneBlockPerHeadWithEveryCell) {
    const ModelOutput result = handMadeResult({"q0", "q1", "q2"}, {"k0", "k1"}, 3);
    const std::string csv = csvOf(result);
    std::istringstream lines(csv);
    std::string line;
    int headers = 0, cells = 0, blanks = 0;
    while (std::getline(lines, line)) {
        ASSERT_FALSE(line.empty()) << "lines end in CRLF";
        ASSERT_EQ(line.back(), '\r');
        line.pop_back();
        if (line.empty())
            ++blanks;
        else if (line.starts_with("head,"))
            ++headers;
        else
            ++cells;
    }
    EXPECT_EQ(headers, 3);
    EXPECT_EQ(blanks, 2);
    EXPECT_EQ(cells, 3 * 3 * 2);
    // Heads are numbered as the window names them, from 1.
    EXPECT_NE(csv.find("\r\n3,2,q2,1,k1,"), std::string::npos);
    EXPECT_NE(csv.find("\r\n1,0,q0,0,k0,"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("\r\n0,"), std::string::npos) << "no head 0";
}

TEST(WriteCsv, StartsWithAUtf8ByteOrderMarkUnlessAskedNotTo) {
    const ModelOutput result = handMadeResult({"我", "爱"}, {"深度", "学习"}, 1);
    std::ostringstream withMark;
    writeCsv(result, withMark);
    EXPECT_EQ(withMark.str().substr(0, 8), "\xEF\xBB\xBFhead,");
    EXPECT_EQ(withMark.str().substr(3), csvOf(result));
    std::ostringstream without;
    writeCsv(result, without, CsvOptions{.byteOrderMark = false});
    EXPECT_EQ(without.str().rfind("head,", 0), 0u);
}

TEST(WriteCsv, SeveralLayersGetALayerColumnNumberedFromOne) {
    ModelOutput result = handMadeResult({"q0", "q1"}, {"k0"}, 2);
    // Two layers of the same two heads, stored layer by layer.
    AttentionMaps& maps = result.maps;
    maps.layers = 2;
    maps.weights.push_back(maps.weights[0]);
    maps.weights.push_back(maps.weights[1]);
    result.trace.reset();
    const std::string csv = csvOf(result);
    EXPECT_EQ(csv.rfind("layer,head,query_index,query_token,key_index,key_token,weight\r\n", 0), 0u)
        << csv;
    EXPECT_NE(csv.find("\r\n1,2,1,q1,0,k0,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n2,1,0,q0,0,k0,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n2,2,1,q1,0,k0,"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("\r\n3,"), std::string::npos) << "two layers only";
}

// ---- NPY
// -----------------------------------------------------------------------------------------

TEST(WriteNpy, HeaderIsVersionOnePaddedTo64Bytes) {
    const ModelOutput result = handMadeResult({"q0", "q1"}, {"k0", "k1", "k2"}, 2);
    const std::string npy = npyOf(result);
    ASSERT_GE(npy.size(), 10u);
    EXPECT_EQ(npy.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t headerLength =
        static_cast<unsigned char>(npy[8]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(npy[9])) << 8);
    EXPECT_EQ((10 + headerLength) % 64, 0u);
    const std::string header = npy.substr(10, headerLength);
    const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 3), }";
    EXPECT_EQ(header.substr(0, dict.size()), dict);
    EXPECT_EQ(header.back(), '\n');
    EXPECT_EQ(header.find_first_not_of(' ', dict.size()), headerLength - 1) << "spaces pad it";
    EXPECT_EQ(npy.size(), 10 + headerLength + 2 * 2 * 3 * 4);
}

TEST(WriteNpy, DataIsLittleEndianFloat32InHeadQueryKeyOrder) {
    ModelOutput result = handMadeResult({"q0", "q1"}, {"k0", "k1", "k2"}, 2);
    result.maps.weights[1](1, 2) = 0.3f;
    const std::string npy = npyOf(result);
    const std::size_t headerLength =
        static_cast<unsigned char>(npy[8]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(npy[9])) << 8);
    const std::size_t dataStart = 10 + headerLength;
    std::size_t offset = dataStart;
    for (int h = 0; h < 2; ++h) {
        for (int i = 0; i < 2; ++i) {
            for (int j = 0; j < 3; ++j) {
                std::uint32_t bits = 0;
                for (int b = 3; b >= 0; --b)
                    bits = (bits << 8) |
                           static_cast<unsigned char>(npy[offset + static_cast<std::size_t>(b)]);
                float value = 0.0f;
                std::memcpy(&value, &bits, sizeof value);
                EXPECT_EQ(value, result.maps.weights[static_cast<std::size_t>(h)](i, j))
                    << "head " << h << " cell " << i << "," << j;
                offset += 4;
            }
        }
    }
    // 0.3f = 0x3e99999a, stored low byte first.
    EXPECT_EQ(npy.substr(npy.size() - 4), std::string("\x9a\x99\x99\x3e", 4));
}

// ---- atomic writes
// -------------------------------------------------------------------------------

TEST(WriteFileAtomically, CreatesAndReplacesLeavingNoTemporaryFile) {
    TempDir dir;
    const fs::path target = dir.path() / "out.json";
    writeFileAtomically(target.string(), "first");
    EXPECT_EQ(readFile(target), "first");
    writeFileAtomically(target.string(), std::string("second\0binary", 13));
    EXPECT_EQ(readFile(target), std::string("second\0binary", 13));
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});
}

TEST(WriteFileAtomically, NewFileGetsOrdinaryPermissionsAndReplacedFileKeepsItsOwn) {
    TempDir dir;
    const fs::path fresh = dir.path() / "fresh.csv";
    writeFileAtomically(fresh.string(), "x");
    const mode_t mask = ::umask(0);
    ::umask(mask);
    struct stat info {};
    ASSERT_EQ(::stat(fresh.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask) << "not the 0600 of a temporary file";

    const fs::path kept = dir.path() / "kept.csv";
    writePlainFile(kept, "old");
    ASSERT_EQ(::chmod(kept.c_str(), 0640), 0);
    writeFileAtomically(kept.string(), "new");
    ASSERT_EQ(::stat(kept.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0640u);
}

TEST(WriteFileAtomically, MissingDirectoryIsNamedInTheMessage) {
    TempDir dir;
    const fs::path target = dir.path() / "no-such-dir" / "out.json";
    try {
        writeFileAtomically(target.string(), "data");
        FAIL() << "no error";
    } catch (const FileError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind("cannot write '" + target.string() + "': ", 0), 0u) << message;
        EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
        EXPECT_NE(message.find("(No such file or directory)"), std::string::npos) << message;
    }
    EXPECT_TRUE(dir.entries().empty());
}

TEST(WriteFileAtomically, ParentThatIsAFileIsAnError) {
    TempDir dir;
    writePlainFile(dir.path() / "file", "x");
    EXPECT_THROW(writeFileAtomically((dir.path() / "file" / "out.json").string(), "data"),
                 FileError);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"file"});
}

TEST(WriteFileAtomically, TargetThatIsADirectoryIsLeftAlone) {
    TempDir dir;
    fs::create_directory(dir.path() / "out.json");
    EXPECT_THROW(writeFileAtomically((dir.path() / "out.json").string(), "data"), FileError);
    EXPECT_TRUE(fs::is_directory(dir.path() / "out.json"));
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});
}

// A read-only file in a writable folder: the rename would replace it, so it is refused first
// (also for root, whom access() lets write anything).
TEST(WriteFileAtomically, ExistingReadOnlyFileIsRefusedAndKept) {
    TempDir dir;
    const fs::path target = dir.path() / "notes.png";
    writePlainFile(target, "earlier figure");
    ASSERT_EQ(::chmod(target.c_str(), 0444), 0);
    try {
        writeFileAtomically(target.string(), "new figure");
        FAIL() << "no error";
    } catch (const FileError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind("cannot write '" + target.string() + "': ", 0), 0u) << message;
        EXPECT_NE(message.find("read-only"), std::string::npos) << message;
    }
    EXPECT_EQ(readFile(target), "earlier figure");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"notes.png"}) << "no temporary file left";
    struct stat info {};
    ASSERT_EQ(::stat(target.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0444u);
}

TEST(WriteFileAtomically, ExistingFileSurvivesAReadOnlyDirectory) {
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::others_exec | fs::perms::others_read,
                    fs::perm_options::add); // "nobody" may enter
    const fs::path locked = dir.path() / "locked";
    fs::create_directory(locked);
    const fs::path target = locked / "out.json";
    writePlainFile(target, "earlier export");
    ASSERT_EQ(::chmod(target.c_str(), 0666), 0); // the file itself is writable; its folder is not
    ASSERT_EQ(::chmod(locked.c_str(), 0555), 0);
    const std::string outcome =
        attemptWithoutPrivileges([&] { writeFileAtomically(target.string(), "new export"); });
    ASSERT_EQ(::chmod(locked.c_str(), 0755), 0);
    EXPECT_EQ(outcome.rfind("threw FileError: cannot write '" + target.string() + "': ", 0), 0u)
        << outcome;
    EXPECT_NE(outcome.find("Permission denied"), std::string::npos) << outcome;
    EXPECT_EQ(readFile(target), "earlier export");
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(locked))
        names.push_back(entry.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"out.json"});
}

TEST(WriteFileAtomically, FailureWhileWritingRemovesTheTemporaryFile) {
    // A file-size limit makes write() fail part-way (EFBIG), as a full disk would.
    TempDir dir;
    const fs::path target = dir.path() / "out.npy";
    writePlainFile(target, "earlier export");
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    auto* previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 1024;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string message;
    try {
        writeFileAtomically(target.string(), std::string(100000, 'x'));
    } catch (const FileError& error) {
        message = error.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);
    EXPECT_NE(message.find("cannot write '" + target.string() + "': writing failed ("),
              std::string::npos)
        << message;
    EXPECT_EQ(readFile(target), "earlier export");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.npy"});
}

TEST(ExportData, WritesTheFormatOfTheExtension) {
    TempDir dir;
    const ModelOutput result = handMadeResult({"q"}, {"k0", "k1"}, 1);
    exportData(result, (dir.path() / "a.JSON").string());
    exportData(result, (dir.path() / "b.csv").string());
    exportData(result, (dir.path() / "c.npy").string());
    EXPECT_EQ(readFile(dir.path() / "a.JSON"), jsonOf(result));
    EXPECT_EQ(readFile(dir.path() / "b.csv"), "\xEF\xBB\xBF" + csvOf(result));
    exportData(result, (dir.path() / "d.csv").string(), {}, CsvOptions{.byteOrderMark = false});
    EXPECT_EQ(readFile(dir.path() / "d.csv"), csvOf(result));
    EXPECT_EQ(readFile(dir.path() / "c.npy"), npyOf(result));
}

TEST(ExportData, UnknownExtensionWritesNothing) {
    TempDir dir;
    EXPECT_THROW(exportData(handMadeResult({"q"}, {"k"}, 1), (dir.path() / "out.txt").string()),
                 InputError);
    EXPECT_TRUE(dir.entries().empty());
}

} // namespace test_data_export
