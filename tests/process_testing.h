#pragma once
// Child processes for tests that must fail rather than hang (a read that blocks on a FIFO), run
// the program under limits (memory, file size), or kill it part-way. A child gets an alarm()
// before it runs anything, and alarms survive exec, so a blocked child dies of SIGALRM and the
// parent's blocking waitpid() returns: no sleeps and no polling with a clock.

#include "test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

// Defined when the program runs under AddressSanitizer: GCC says so with __SANITIZE_ADDRESS__,
// clang (the sanitizer build of scripts/test.sh) through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define ATTNLAB_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTNLAB_ADDRESS_SANITIZER 1
#endif
#endif
#include <vector>

extern char** environ;

namespace attnlab::testing {

/// A fresh folder under the system's temporary folder, removed with everything in it.
class TempFolder {
public:
    explicit TempFolder(const std::string& prefix = "attnlab-test") {
        std::string pattern =
            (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;

    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }
    /// Names in the folder (hidden ones too), sorted.
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(m_path))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    std::string m_path;
};

/// A FIFO at `path` (nobody writes to it: a blocking read of it waits forever).
inline void makeFifo(const std::string& path) {
    if (::mkfifo(path.c_str(), 0644) != 0)
        throw std::runtime_error("mkfifo " + path + ": " + std::strerror(errno));
}

struct ChildResult {
    int exitCode = -1; ///< the exit status; −1 when killed
    int signal = 0;    ///< the signal that killed it, 0 when it exited
    std::string report;
    bool timedOut() const { return signal == SIGALRM; }
    std::string describe() const {
        return signal == SIGALRM ? "the child blocked until its alarm (" + report + ")"
               : signal != 0     ? "the child died of signal " + std::to_string(signal)
                                 : "exit " + std::to_string(exitCode) + ": " + report;
    }
};

/// Runs `body` in a forked child that SIGALRM kills after `seconds`; `body` returns the exit
/// status and may fill `report`, which the parent receives. For code that must not block.
inline ChildResult runInChild(const std::function<int(std::string& report)>& body,
                              unsigned seconds = 30) {
    char pattern[] = "/tmp/attnlab-child-report-XXXXXX";
    const int reportFd = ::mkstemp(pattern);
    if (reportFd < 0)
        throw std::runtime_error("mkstemp failed");
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("fork failed");
    if (child == 0) {
        ::alarm(seconds);
        std::string report;
        int code = 99;
        try {
            code = body(report);
        } catch (const std::exception& error) {
            report = std::string("uncaught exception: ") + error.what();
        }
        const ssize_t written = ::write(reportFd, report.data(), report.size());
        (void)written;
        ::_exit(code);
    }
    ChildResult result;
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        result.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    ::close(reportFd);
    result.report = readFile(pattern);
    ::unlink(pattern);
    return result;
}

/// How to run a program: environment changes, limits, a deadline.
struct ProgramSettings {
    /// Variables to set (a value) or remove (no value) in the child's environment.
    std::vector<std::pair<std::string, std::optional<std::string>>> environment;
    std::optional<rlim_t> addressSpaceLimit; ///< RLIMIT_AS in bytes (a memory limit)
    std::optional<rlim_t> fileSizeLimit;     ///< RLIMIT_FSIZE in bytes (SIGXFSZ ignored)
    unsigned timeoutSeconds = 300; ///< the child dies of SIGALRM after this: a generous bound
    std::string workingDirectory;  ///< empty: the test's own
};

struct ProgramRun {
    int exitCode = -1;
    int signal = 0;
    std::string out, err;
    bool timedOut() const { return signal == SIGALRM; }
    std::string describe() const {
        return (signal != 0 ? "killed by signal " + std::to_string(signal)
                            : "exit " + std::to_string(exitCode)) +
               "\nstdout: " + out + "\nstderr: " + err;
    }
};

/// A started program; wait() collects it.
class Program {
public:
    /// Starts `binary` with `args` (without the program name); stdout and stderr go to files in
    /// `capture`. Everything the child needs is prepared before fork(), so the child only calls
    /// async-signal-safe functions before exec (the parent may have threads).
    Program(const std::string& binary, const std::vector<std::string>& args,
            const TempFolder& capture, const ProgramSettings& settings = {})
        : m_outPath(capture.file("stdout-" + std::to_string(++counter()))),
          m_errPath(capture.file("stderr-" + std::to_string(counter()))) {
        std::vector<std::string> argStrings{binary};
        argStrings.insert(argStrings.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& arg : argStrings)
            argv.push_back(arg.data());
        argv.push_back(nullptr);

        std::vector<std::string> envStrings;
        for (char** entry = environ; *entry; ++entry) {
            const std::string text = *entry;
            const std::string name = text.substr(0, text.find('='));
            const bool changed =
                std::any_of(settings.environment.begin(), settings.environment.end(),
                            [&](const auto& change) { return change.first == name; });
            if (!changed)
                envStrings.push_back(text);
        }
        for (const auto& [name, value] : settings.environment)
            if (value)
                envStrings.push_back(name + "=" + *value);
        std::vector<char*> envp;
        for (std::string& entry : envStrings)
            envp.push_back(entry.data());
        envp.push_back(nullptr);

        const int out = ::open(m_outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int err = ::open(m_errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || err < 0)
            throw std::runtime_error("cannot create the capture files");
        const int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        const char* directory =
            settings.workingDirectory.empty() ? nullptr : settings.workingDirectory.c_str();
        m_pid = ::fork();
        if (m_pid < 0)
            throw std::runtime_error("fork failed");
        if (m_pid == 0) {
            if (::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
                (devNull >= 0 && ::dup2(devNull, 0) < 0))
                ::_exit(126);
            if (directory && ::chdir(directory) != 0)
                ::_exit(126);
            if (settings.fileSizeLimit) {
                // An ignored SIGXFSZ stays ignored across exec: write() fails with EFBIG.
                ::signal(SIGXFSZ, SIG_IGN);
                const rlimit limit{*settings.fileSizeLimit, *settings.fileSizeLimit};
                ::setrlimit(RLIMIT_FSIZE, &limit);
            }
            if (settings.addressSpaceLimit) {
                const rlimit limit{*settings.addressSpaceLimit, *settings.addressSpaceLimit};
                ::setrlimit(RLIMIT_AS, &limit);
            }
            ::alarm(settings.timeoutSeconds);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        ::close(out);
        ::close(err);
        if (devNull >= 0)
            ::close(devNull);
    }
    ~Program() {
        if (m_pid > 0 && !m_waited) {
            ::kill(m_pid, SIGKILL);
            wait();
        }
    }
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    pid_t pid() const { return m_pid; }
    /// Whether the program still runs (not yet collected).
    bool running() {
        if (m_waited)
            return false;
        int status = 0;
        const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid) {
            m_waited = true;
            m_status = status;
            return false;
        }
        return true;
    }
    ProgramRun wait() {
        if (!m_waited) {
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
            }
            m_status = status;
            m_waited = true;
        }
        ProgramRun run;
        if (WIFEXITED(m_status))
            run.exitCode = WEXITSTATUS(m_status);
        else if (WIFSIGNALED(m_status))
            run.signal = WTERMSIG(m_status);
        run.out = readFile(m_outPath);
        run.err = readFile(m_errPath);
        ::unlink(m_outPath.c_str());
        ::unlink(m_errPath.c_str());
        return run;
    }

private:
    static int& counter() {
        static int value = 0;
        return value;
    }

    std::string m_outPath, m_errPath;
    pid_t m_pid = -1;
    bool m_waited = false;
    int m_status = 0;
};

/// Runs `binary` to its end (or its alarm).
inline ProgramRun runProgram(const std::string& binary, const std::vector<std::string>& args,
                             const TempFolder& capture, const ProgramSettings& settings = {}) {
    Program program(binary, args, capture, settings);
    return program.wait();
}

} // namespace attnlab::testing
