// End-to-end tests of the attention-lab binary against files that are not what they seem: named
// pipes as inputs, outputs that are inputs, special files and links as outputs, long names, a
// kill during an export, and a memory limit. Every run has an alarm (see process_testing.h), so a
// program that blocks fails its test instead of hanging it.

#include "process_testing.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_files {

using namespace attnlab::testing;

namespace {

const std::string kBinary = ATTNLAB_BINARY;

std::string repeatedSentence(int tokens) {
    std::string sentence;
    for (int i = 0; i < tokens; ++i)
        sentence += i == 0 ? "cat" : i % 3 == 0 ? " cat" : i % 3 == 1 ? " sat" : " mat";
    return sentence;
}

bool isKind(const std::string& path, mode_t kind) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && (info.st_mode & S_IFMT) == kind;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// FNV-1a of a file's bytes and its size, read in blocks (exports here are large).
std::pair<std::uint64_t, std::uint64_t> fingerprint(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> block(1 << 20);
    std::uint64_t hash = 1469598103934665603ull, size = 0;
    while (in) {
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        for (std::size_t i = 0; i < n; ++i)
            hash = (hash ^ static_cast<unsigned char>(block[i])) * 1099511628211ull;
        size += n;
    }
    return {hash, size};
}

class Files : public ::testing::Test {
protected:
    ProgramRun run(const std::vector<std::string>& args, ProgramSettings settings = {}) {
        return runProgram(kBinary, args, m_capture, settings);
    }
    TempFolder m_dir{"attnlab-cli-files"};
    TempFolder m_capture{"attnlab-cli-capture"};
};

const std::string kVectors = "cat 0.5 -1.25 2 0.125\nsat 0.25 -1 1.5 0\nmat 1 0 -1 0.5\n";
const std::string kLesson = R"({"format": "attention-lab-session", "version": 1,
  "config": {"sentence": "cat sat mat", "heads": 2, "d_model": 8}})";

} // namespace

// ---- reads ------------------------------------------------------------------------------------

TEST_F(Files, NamedPipesAsInputsAreRefusedAtOnce) {
    makeFifo(m_dir.file("vectors.txt"));
    makeFifo(m_dir.file("pipe.attnlab"));
    const std::string lesson = m_dir.file("lesson.attnlab");
    writeFile(lesson, R"({"format": "attention-lab-session", "version": 1, "config":
        {"sentence": "cat", "embeddings": {"source": "file", "path": "vectors.txt"}}})");
    const std::string out = m_dir.file("out.json");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--embeddings", m_dir.file("vectors.txt"), "--export-data", out}, "vectors.txt"},
        {{"--session", m_dir.file("pipe.attnlab"), "--export-data", out}, "pipe.attnlab"},
        {{m_dir.file("pipe.attnlab"), "--export-data", out}, "pipe.attnlab"},
        {{"--session", lesson, "--export-data", out}, "vectors.txt"},
        {{"--session", lesson, "--export", m_dir.file("out.png")}, "vectors.txt"},
    };
    for (const auto& [args, pipe] : cases) {
        SCOPED_TRACE(args.front() + " " + args[1]);
        ProgramSettings settings;
        settings.timeoutSeconds = 60;
        const ProgramRun result = run(args, settings);
        ASSERT_FALSE(result.timedOut()) << "the program blocked on the named pipe " << pipe;
        EXPECT_EQ(result.exitCode, 1) << result.describe();
        EXPECT_TRUE(contains(result.err, pipe + "': it is a named pipe")) << result.err;
    }
    EXPECT_EQ(m_dir.entries(),
              (std::vector<std::string>{"lesson.attnlab", "pipe.attnlab", "vectors.txt"}));
}

// ---- outputs ----------------------------------------------------------------------------------

TEST_F(Files, AnOutputThatIsAnInputIsRefusedAndTheInputKept) {
    const std::string vectors = m_dir.file("vectors.json"); // text vectors, whatever the name
    const std::string lesson = m_dir.file("lesson.attnlab");
    const std::string fileLesson = m_dir.file("with-file.attnlab");
    writeFile(vectors, kVectors);
    writeFile(lesson, kLesson);
    writeFile(fileLesson, R"({"format": "attention-lab-session", "version": 1, "config":
        {"sentence": "cat sat", "embeddings": {"source": "file", "path": "vectors.json"}}})");
    ASSERT_EQ(::symlink("vectors.json", m_dir.file("link-to-vectors.csv").c_str()), 0);
    ASSERT_EQ(::link(vectors.c_str(), m_dir.file("same-as-vectors.npy").c_str()), 0);
    ASSERT_EQ(::symlink(lesson.c_str(), m_dir.file("link-to-lesson.json").c_str()), 0);
    ASSERT_EQ(::symlink(lesson.c_str(), m_dir.file("link-to-lesson.png").c_str()), 0);
    const std::vector<std::string> embeddings = {"--sentence", "cat sat", "--embeddings", vectors};
    auto with = [](std::vector<std::string> args, std::vector<std::string> more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };
    const std::vector<std::vector<std::string>> cases = {
        with(embeddings, {"--export-data", vectors}),
        with(embeddings, {"--export-data", m_dir.file("link-to-vectors.csv")}),
        with(embeddings, {"--export-data", m_dir.file("same-as-vectors.npy")}),
        {"--session", lesson, "--export-data", m_dir.file("link-to-lesson.json")},
        {lesson, "--export", m_dir.file("link-to-lesson.png")},
        {"--session", fileLesson, "--export-data", m_dir.file("link-to-vectors.csv")},
    };
    for (const std::vector<std::string>& args : cases) {
        SCOPED_TRACE(args.back());
        const ProgramRun result = run(args);
        EXPECT_EQ(result.exitCode, 1) << result.describe();
        EXPECT_TRUE(
            contains(result.err, "attention-lab: cannot write '" + args.back() + "': it is"))
            << result.err;
        EXPECT_TRUE(contains(result.err, "which is being read")) << result.err;
        EXPECT_TRUE(readFile(vectors) == kVectors) << "the embeddings file was replaced";
        EXPECT_TRUE(readFile(lesson) == kLesson) << "the lesson was replaced";
    }
    EXPECT_TRUE(isKind(m_dir.file("link-to-vectors.csv"), S_IFLNK));
    EXPECT_TRUE(isKind(m_dir.file("link-to-lesson.json"), S_IFLNK));
    EXPECT_EQ(m_dir.entries(), (std::vector<std::string>{
                                   "lesson.attnlab", "link-to-lesson.json", "link-to-lesson.png",
                                   "link-to-vectors.csv", "same-as-vectors.npy", "vectors.json",
                                   "with-file.attnlab"}));
}

TEST_F(Files, NamedPipesAndDevicesAsOutputsAreRefusedAndKept) {
    makeFifo(m_dir.file("out.json"));
    ASSERT_EQ(::symlink("/dev/null", m_dir.file("null.csv").c_str()), 0);
    for (const std::string name : {"out.json", "null.csv"}) {
        SCOPED_TRACE(name);
        ProgramSettings settings;
        settings.timeoutSeconds = 60;
        const ProgramRun result = run({"--export-data", m_dir.file(name)}, settings);
        ASSERT_FALSE(result.timedOut()) << "the program blocked on " << name;
        EXPECT_EQ(result.exitCode, 1) << result.describe();
        EXPECT_TRUE(contains(result.err, "not a regular file")) << result.err;
    }
    EXPECT_TRUE(isKind(m_dir.file("out.json"), S_IFIFO));
    EXPECT_TRUE(isKind(m_dir.file("null.csv"), S_IFLNK));
    EXPECT_TRUE(isKind("/dev/null", S_IFCHR));
    EXPECT_EQ(m_dir.entries(), (std::vector<std::string>{"null.csv", "out.json"}));
}

TEST_F(Files, AnOutputThroughASymbolicLinkReplacesItsTargetAndKeepsTheLink) {
    std::filesystem::create_directory(m_dir.file("exports"));
    writeFile(m_dir.file("exports/weights.csv"), "earlier");
    ASSERT_EQ(::symlink("exports/weights.csv", m_dir.file("latest.csv").c_str()), 0);
    const ProgramRun result =
        run({"--sentence", "cat sat", "--export-data", m_dir.file("latest.csv")});
    ASSERT_EQ(result.exitCode, 0) << result.describe();
    EXPECT_TRUE(isKind(m_dir.file("latest.csv"), S_IFLNK));
    EXPECT_EQ(
        readFile(m_dir.file("exports/weights.csv"))
            .rfind("\xEF\xBB\xBFhead,query_index,query_token,key_index,key_token,weight\r\n", 0),
        0u);
    EXPECT_EQ(m_dir.entries(), (std::vector<std::string>{"exports", "latest.csv"}));
}

TEST_F(Files, AHardLinkedOutputGetsANewFileAndAWarning) {
    const std::string out = m_dir.file("out.json");
    writeFile(out, "earlier export");
    ASSERT_EQ(::link(out.c_str(), m_dir.file("backup.json").c_str()), 0);
    const ProgramRun result = run({"--sentence", "cat sat", "--export-data", out});
    ASSERT_EQ(result.exitCode, 0) << result.describe();
    EXPECT_TRUE(contains(result.err, "attention-lab: warning: '" + out +
                                         "' had 1 other name (a hard link), which keep"))
        << result.err;
    EXPECT_EQ(readFile(out).rfind("{", 0), 0u);
    EXPECT_EQ(readFile(m_dir.file("backup.json")), "earlier export");
}

TEST_F(Files, OutputsWith250ByteNamesAreWritten) {
    const std::string data = std::string(245, 'w') + ".json";
    const std::string image = std::string(246, 'i') + ".svg";
    const ProgramRun result = run({"--sentence", "cat sat", "--export-data", m_dir.file(data),
                                   "--export", m_dir.file(image)});
    ASSERT_EQ(result.exitCode, 0) << result.describe();
    EXPECT_EQ(readFile(m_dir.file(data)).rfind("{", 0), 0u);
    EXPECT_EQ(m_dir.entries(), (std::vector<std::string>{image, data}));
}

// ---- a kill during a write ----------------------------------------------------------------------

TEST_F(Files, AnExportKilledWhileWritingLeavesTheEarlierFileAndNoTemporaryFile) {
    // About 200 MB of JSON, and a .npy of 512 MB written block by block from the heads' threads:
    // each far from written when the first block arrives.
    const std::vector<std::pair<std::string, int>> exports = {{"big.json", 800}, {"big.npy", 4000}};
    for (const auto& [name, tokens] : exports) {
        SCOPED_TRACE(name);
        const std::string target = m_dir.file(name);
        writeFile(target, "earlier export");
        const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        ASSERT_GE(watch, 0);
        ASSERT_GE(::inotify_add_watch(watch, m_dir.path().c_str(), IN_MODIFY), 0);
        Program program(
            kBinary,
            {"--sentence", repeatedSentence(tokens), "--heads", "8", "--export-data", target},
            m_capture);
        const int exited = static_cast<int>(::syscall(SYS_pidfd_open, program.pid(), 0));
        if (exited < 0)
            GTEST_SKIP() << "pidfd_open is not available (Linux 5.3 or later is needed)";

        // Wait, blocking on the two conditions and no clock, until bytes reach a file in the
        // folder other than the target (the temporary file: named, or unnamed as "#inode"), or
        // the program ends.
        bool writing = false;
        bool ended = false;
        alignas(inotify_event) char events[1 << 16];
        while (!writing && !ended) {
            pollfd fds[2] = {{watch, POLLIN, 0}, {exited, POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0)
                continue;
            ended = (fds[1].revents & POLLIN) != 0;
            const ssize_t n = ::read(watch, events, sizeof events);
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(events + at);
                if (event->len > 0 && std::string(event->name) != name)
                    writing = true;
                at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            }
        }
        ::kill(program.pid(), SIGKILL);
        const ProgramRun result = program.wait();
        ::close(exited);
        ::close(watch);
        ASSERT_TRUE(writing) << "the program ended before writing: " << result.describe();
        EXPECT_EQ(result.signal, SIGKILL)
            << "the export ended before the kill: " << result.describe();
        EXPECT_EQ(readFile(target), "earlier export");
        EXPECT_EQ(m_dir.entries(), std::vector<std::string>{name}) << "a temporary file is left";
        std::filesystem::remove(target);
    }
}

// ---- a memory limit
// -------------------------------------------------------------------------------

TEST_F(Files, UnderAMemoryLimitAnExportIsWholeOrRefusedWithTheEarlierFileKept) {
#if defined(ATTNLAB_ADDRESS_SANITIZER)
    GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space, so no memory limit can "
                    "apply; the dev build runs this test";
#endif
    ProgramSettings settings;
    // One thread and one malloc arena: the address space the program needs does not depend on
    // the machine's number of cores.
    settings.environment = {{"OMP_NUM_THREADS", "1"}, {"MALLOC_ARENA_MAX", "1"}};
    // .npy: the weights are streamed from the heads' threads, where an allocation may fail.
    for (const std::string extension : {".json", ".csv", ".npy"}) {
        SCOPED_TRACE(extension);
        const std::string reference = m_dir.file("reference" + extension);
        const std::string target = m_dir.file("export" + extension);
        // The .npy holds 4 bytes a weight against tens of characters: more tokens keep it large.
        const int tokens = extension == ".npy" ? 1500 : 600;
        const std::vector<std::string> args = {"--sentence", repeatedSentence(tokens), "--heads",
                                               "8"};
        auto to = [&](const std::string& path) {
            std::vector<std::string> all = args;
            all.insert(all.end(), {"--export-data", path});
            return all;
        };
        const ProgramRun whole = run(to(reference), settings);
        ASSERT_EQ(whole.exitCode, 0) << whole.describe();
        const auto expected = fingerprint(reference);
        ASSERT_GT(expected.second, 50u << 20) << "the export should be large";

        // A ladder of limits from too little for anything to enough for everything: at each,
        // either the whole export or exit 1, a message about memory and the earlier file. A CSV
        // export holds only the weights, so the ladder starts where the program may not even be
        // loaded; such a run never reached the program and is only checked for the earlier file.
        int refused = 0;
        bool finished = false;
        for (rlim_t limit = rlim_t{64} << 20; limit <= (rlim_t{3} << 30) && !finished;
             limit += rlim_t{16} << 20) {
            SCOPED_TRACE(std::to_string(limit >> 20) + " MiB");
            writeFile(target, "earlier export");
            ProgramSettings limited = settings;
            limited.addressSpaceLimit = limit;
            const ProgramRun result = run(to(target), limited);
            if (result.exitCode == 127 && contains(result.err, "error while loading shared")) {
                EXPECT_EQ(readFile(target), "earlier export");
            } else if (result.exitCode == 0) {
                finished = true;
                EXPECT_EQ(fingerprint(target), expected) << "exit 0 with a cut-off export";
            } else {
                ++refused;
                EXPECT_EQ(result.exitCode, 1) << result.describe();
                EXPECT_TRUE(contains(result.err, "memory")) << result.err;
                EXPECT_EQ(readFile(target), "earlier export");
            }
            const std::vector<std::string> entries = m_dir.entries();
            EXPECT_EQ(entries.size(), 2u) << "a temporary file is left";
        }
        EXPECT_TRUE(finished) << "no limit up to 3 GiB let the export finish";
        EXPECT_GT(refused, 0) << "the smallest limit did not stop the program";
        std::filesystem::remove(target);
        std::filesystem::remove(reference);
    }
}

} // namespace test_cli_files
