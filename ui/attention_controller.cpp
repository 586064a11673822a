#include "attention_controller.h"

#include "core/text/tokenizer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>
#include <QStandardPaths>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>

namespace attnlab::ui {

namespace detail {

// Built-in lexicon tables by d_model. Shared with the worker (which may build a new width while
// the UI thread asks for another), hence the mutex. Only a few widths are kept: a class moves
// between 16, 64 and 512, not through all of them at once.
class LexiconCache {
public:
    std::shared_ptr<const core::EmbeddingTable> get(int dModel) {
        {
            const std::lock_guard lock(m_mutex);
            for (auto it = m_tables.begin(); it != m_tables.end(); ++it)
                if (it->first == dModel) {
                    std::rotate(m_tables.begin(), it, it + 1); // most recently used first
                    return m_tables.front().second;
                }
        }
        // Built outside the lock: a large width takes a moment and must not stall other widths.
        auto table = std::make_shared<const core::EmbeddingTable>(core::builtinLexicon(dModel));
        const std::lock_guard lock(m_mutex);
        m_tables.insert(m_tables.begin(), {dModel, table});
        if (m_tables.size() > kKeep)
            m_tables.pop_back();
        return table;
    }

private:
    static constexpr std::size_t kKeep = 4;
    std::mutex m_mutex;
    std::vector<std::pair<int, std::shared_ptr<const core::EmbeddingTable>>> m_tables;
};

} // namespace detail

namespace {

// Fills in the table and computes; shared by the synchronous path and the worker.
core::Result runCompute(core::Config config, detail::LexiconCache& lexicons,
                        const core::ProgressCallback& progress) {
    core::validate(config); // before builtinLexicon sees an out-of-range d_model
    if (config.embeddings == core::EmbeddingSource::Builtin)
        config.table = lexicons.get(config.dModel);
    return core::compute(config, progress);
}

// Every keystroke allocates a new result (three n_q × n_k matrices per head) and frees the one
// before. By default glibc hands freed blocks of more than a few megabytes back to the system and
// the next result takes page faults to get them again, which cost more than the attention itself
// (2.5× at 512 tokens with 8 heads). Blocks up to 64 MiB (a 4096 × 4096 matrix) therefore come
// from the heap, and up to 512 MiB of freed memory stays there for the next result. Set once per
// process; a no-op outside glibc.
void keepResultMemoryForReuse() {
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    });
#endif
}

int tokenCount(const std::string& text, const core::TokenizerConfig& tokenizer) {
    return static_cast<int>(core::tokenize(text, tokenizer).size());
}

// From this many n_q · n_k · H cells a result is freed on a pool thread.
constexpr double kBackgroundFreeCells = 4.0 * 1024 * 1024;

} // namespace

std::shared_ptr<const core::Result> AttentionController::shareResult(core::Result&& result) {
    const double cells = static_cast<double>(result.queryTokens.size()) *
                         static_cast<double>(result.keyTokens.size()) *
                         static_cast<double>(std::max<std::size_t>(1, result.heads.size()));
    if (cells < kBackgroundFreeCells)
        return std::make_shared<const core::Result>(std::move(result));
    // Freeing a result of thousands of tokens hands gigabytes back to the system, which takes
    // a quarter of a second; wherever the last reference goes (usually the GUI thread, when the
    // next result replaces it), the freeing itself happens on a pool thread.
    return std::shared_ptr<const core::Result>(
        new core::Result(std::move(result)), [](const core::Result* old) {
            if (QCoreApplication::instance() && !QCoreApplication::closingDown())
                QThreadPool::globalInstance()->start([old] { delete old; });
            else
                delete old;
        });
}

struct AttentionController::Job {
    quint64 generation = 0;
    core::Config config;
    std::atomic<bool> cancel{false};
};

AttentionController::AttentionController(QObject* parent)
    : QObject(parent), m_lexicons(std::make_shared<detail::LexiconCache>()) {
    qRegisterMetaType<std::shared_ptr<const core::Result>>();
    keepResultMemoryForReuse();
    // One worker: a cancelled run stops at its next progress call, then the newest one starts.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
}

AttentionController::~AttentionController() {
    if (m_load)
        m_load->cancel = true;
    m_loadPool.waitForDone();
    m_pending.reset();
    if (m_running)
        m_running->cancel = true;
    m_pool.waitForDone();
}

void AttentionController::setConfig(const core::Config& config) {
    m_config = config;
    m_config.table.reset();
    recompute();
}

void AttentionController::setSentence(const QString& sentence) {
    m_config.sentence = sentence.toStdString();
    recompute();
}

void AttentionController::setSource(const QString& source) {
    m_config.source = source.toStdString();
    recompute();
}

std::shared_ptr<const core::EmbeddingTable> AttentionController::builtinTable(int dModel) {
    return m_lexicons->get(dModel);
}

core::EmbeddingLoadOptions AttentionController::loadOptions() const {
    core::EmbeddingLoadOptions options;
    // The binary cache makes the second load of a large file ten times faster; it lives beside
    // the file, or in the program's cache folder when that folder is not writable.
    options.useCache = true;
    options.cacheDirectory =
        QStandardPaths::writableLocation(QStandardPaths::CacheLocation).toStdString();
    return options;
}

bool AttentionController::loadEmbeddings(const QString& path) {
    cancelEmbeddingsLoad(); // the newest request wins
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QFileInfo info(absolute);
    if (!info.isFile() || info.size() < m_syncLoadBytes) {
        // Small files (and missing ones, whose error is immediate) load at once.
        try {
            applyLoadedEmbeddings(path,
                                  core::loadEmbeddings(absolute.toStdString(), loadOptions()));
        } catch (const std::exception& error) {
            emit failed(QString::fromStdString(error.what()), QStringLiteral("embeddings"));
            return false;
        }
        return !m_fileTable ? false : m_embeddingsPath == path;
    }

    // A large file loads on a worker with progress; cancelEmbeddingsLoad() stops it.
    auto load = std::make_shared<EmbeddingLoad>();
    load->path = path;
    m_load = load;
    core::EmbeddingLoadOptions options = loadOptions();
    options.progress = [this, load](std::int64_t done, std::int64_t total) {
        if (load->cancel.load())
            return false;
        QMetaObject::invokeMethod(
            this,
            [this, load, done, total] {
                if (m_load == load)
                    emit embeddingsProgress(done, total);
            },
            Qt::QueuedConnection);
        return true;
    };
    emit embeddingsLoading(path);
    m_loadPool.start([this, load, absolute, options] {
        auto loaded = std::make_shared<core::EmbeddingLoadResult>();
        QString error;
        try {
            *loaded = core::loadEmbeddings(absolute.toStdString(), options);
        } catch (const core::Cancelled&) {
            return;
        } catch (const std::exception& exception) {
            error = QString::fromStdString(exception.what());
        }
        if (load->cancel.load())
            return;
        QMetaObject::invokeMethod(
            this,
            [this, load, loaded, error] {
                if (m_load != load)
                    return; // cancelled or replaced meanwhile
                m_load.reset();
                if (!error.isEmpty())
                    emit failed(error, QStringLiteral("embeddings"));
                else
                    applyLoadedEmbeddings(load->path, std::move(*loaded));
            },
            Qt::QueuedConnection);
    });
    return true;
}

void AttentionController::cancelEmbeddingsLoad() {
    if (!m_load)
        return;
    m_load->cancel = true;
    const QString name = QFileInfo(m_load->path).fileName();
    m_load.reset();
    emit failed(tr("Loading %1 was cancelled; the previous embeddings stay.").arg(name),
                QStringLiteral("embeddings"));
}

void AttentionController::applyLoadedEmbeddings(const QString& path,
                                                core::EmbeddingLoadResult loaded) {
    if (loaded.table.size() == 0 || loaded.table.dimension() < 1) {
        emit failed(tr("%1 holds no word vectors").arg(QFileInfo(path).fileName()),
                    QStringLiteral("embeddings"));
        return;
    }
    m_fileTable = std::make_shared<const core::EmbeddingTable>(std::move(loaded.table));
    m_embeddingsPath = path;
    m_config.embeddings = core::EmbeddingSource::File;
    m_config.embeddingsPath = path.toStdString();
    m_config.dModel = m_fileTable->dimension();
    emit embeddingsLoaded(path, static_cast<int>(m_fileTable->size()), m_fileTable->dimension());
    for (const std::string& warning : loaded.warnings)
        emit embeddingsWarning(QString::fromStdString(warning));
    recompute();
}

double AttentionController::estimateWork(const core::Config& config) {
    int nq = 1;
    int nk = 1;
    try {
        nq = std::max(1, tokenCount(config.sentence, config.tokenizer));
        nk = config.source.empty() ? nq : std::max(1, tokenCount(config.source, config.tokenizer));
    } catch (const std::exception&) {
        return 0; // compute() fails at once with the same error
    }
    return workFor(config, nq, nk);
}

double AttentionController::workFor(const core::Config& config, int nq, int nk) {
    if (config.mask.kind == core::MaskKind::Padding) {
        nk = std::max(nk, config.mask.padLength);
        if (config.source.empty())
            nq = nk;
    }
    int dModel = config.dModel;
    if (config.embeddings == core::EmbeddingSource::File && config.table)
        dModel = config.table->dimension();
    const int heads = std::max(1, config.heads);
    const double dK = config.dK > 0 ? config.dK : std::max(1, dModel / heads);
    const double dA = config.scoring == core::ScoringFunction::Additive
                          ? (config.additiveDim > 0 ? config.additiveDim : dK)
                          : 0;
    // Per head: Q, K, V projections; per cell the score and context products, tanh for the
    // additive score (about eight multiply-adds each), and a fixed cost for logits, mask,
    // normaliser, entropy and the combined maps (measured: ~40 multiply-adds per cell).
    const double projections = dK * dModel * (nq + 2.0 * nk);
    const double perCell = 2.0 * dK + 8.0 * dA + 40.0;
    const double cells = static_cast<double>(nq) * nk;
    return heads * (projections + cells * perCell) + static_cast<double>(nq) * heads * dK * dModel;
}

QString AttentionController::fieldForError(const QString& message) {
    const QString m = message.toLower();
    const auto has = [&m](const char* text) { return m.contains(QLatin1String(text)); };
    if (has("not divisible") || has("number of heads") || has("head count"))
        return QStringLiteral("heads");
    if (has("mask") || has("padding length") || has("padded length") || has("window width"))
        return QStringLiteral("mask");
    if (has("d_k"))
        return QStringLiteral("dK");
    if (has("embeddings"))
        return QStringLiteral("embeddings");
    if (has("d_model"))
        return QStringLiteral("dModel");
    if (has("temperature"))
        return QStringLiteral("temperature");
    if (has("projection") || has("w_o"))
        return QStringLiteral("projection");
    if (has("token limit"))
        return QStringLiteral("tokenizer");
    if (has("source sentence"))
        return QStringLiteral("source");
    if (has("sentence") || has("utf-8") || has("tokens") || has("text"))
        return QStringLiteral("sentence");
    return {};
}

core::Config AttentionController::preparedConfig() {
    core::Config config = m_config;
    config.table.reset();
    if (config.embeddings == core::EmbeddingSource::File) {
        config.table = m_fileTable;
        config.embeddingsPath = m_embeddingsPath.toStdString();
    }
    return config;
}

void AttentionController::recompute() {
    const quint64 generation = ++m_generation;
    core::Config config = preparedConfig();

    // The sentences are tokenised here first so that a tokenizer error names the right field;
    // the token counts then size the work (tokenising a long text once, not twice, per key).
    int counts[2] = {0, 0};
    for (const auto& [text, field, count] : {std::tuple{&config.sentence, "sentence", &counts[0]},
                                             std::tuple{&config.source, "source", &counts[1]}}) {
        try {
            *count = static_cast<int>(core::tokenize(*text, config.tokenizer).size());
        } catch (const core::InputError& error) {
            m_pending.reset();
            if (m_running)
                m_running->cancel = true;
            setBusy(false);
            emit failed(QString::fromStdString(error.what()), QLatin1String(field));
            return;
        }
    }

    const int nq = std::max(1, counts[0]);
    const int nk = config.source.empty() ? nq : std::max(1, counts[1]);
    if (workFor(config, nq, nk) < m_syncWorkLimit) {
        // Small: answer at once. Anything older still on the worker becomes stale.
        m_pending.reset();
        if (m_running)
            m_running->cancel = true;
        setBusy(false);
        QElapsedTimer timer;
        timer.start();
        std::shared_ptr<const core::Result> result;
        try {
            result = shareResult(runCompute(config, *m_lexicons, {}));
        } catch (const std::exception& error) {
            const QString message = QString::fromStdString(error.what());
            emit failed(message, fieldForError(message));
            return;
        }
        deliver(std::move(result), timer.nsecsElapsed() / 1000, std::move(config));
        return;
    }

    auto job = std::make_shared<Job>();
    job->generation = generation;
    job->config = std::move(config);
    if (m_running) {
        m_running->cancel = true;
        if (m_pending)
            ++m_droppedResults; // replaced before it ever ran
        m_pending = std::move(job);
    } else {
        startWorker(std::move(job));
    }
    setBusy(true);
}

void AttentionController::startWorker(std::shared_ptr<Job> job) {
    m_running = job;
    std::shared_ptr<detail::LexiconCache> lexicons = m_lexicons;
    m_pool.start([this, job = std::move(job), lexicons = std::move(lexicons)] {
        std::shared_ptr<const core::Result> result;
        QString error;
        bool cancelled = false;
        QElapsedTimer timer;
        timer.start();
        try {
            const auto progress = [&job](int, int) { return !job->cancel.load(); };
            if (job->cancel.load())
                throw core::Cancelled();
            result = shareResult(runCompute(job->config, *lexicons, progress));
        } catch (const core::Cancelled&) {
            cancelled = true;
            ++m_cancelledRuns;
        } catch (const std::exception& exception) {
            error = QString::fromStdString(exception.what());
        }
        const qint64 elapsed = timer.nsecsElapsed() / 1000;
        // The destructor waits for this pool, so `this` outlives the call; the slot runs on the
        // UI thread, where all controller state lives.
        QMetaObject::invokeMethod(
            this,
            [this, job, result = std::move(result), elapsed, error, cancelled] {
                finishJob(job, result, elapsed, error, cancelled);
            },
            Qt::QueuedConnection);
    });
}

void AttentionController::finishJob(std::shared_ptr<Job> job,
                                    std::shared_ptr<const core::Result> result, qint64 elapsed,
                                    const QString& error, bool cancelled) {
    if (m_running == job)
        m_running.reset();
    const bool newest = job->generation == m_generation;
    if (newest && !cancelled) {
        if (result)
            deliver(std::move(result), elapsed, job->config);
        else
            emit failed(error, fieldForError(error));
    } else if (!cancelled) {
        ++m_droppedResults; // finished, but a newer request exists
    }
    if (!m_running && m_pending)
        startWorker(std::exchange(m_pending, nullptr));
    setBusy(m_running && m_running->generation == m_generation);
}

void AttentionController::deliver(std::shared_ptr<const core::Result> result, qint64 elapsed,
                                  core::Config config) {
    config.table.reset(); // the cache and the file own the tables
    m_lastResult = result;
    m_lastResultConfig = std::move(config);
    m_lastElapsed = elapsed;
    emit resultReady(std::move(result), elapsed);
}

void AttentionController::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

} // namespace attnlab::ui
