#include "attention_controller.h"

#include "core_text.h"

#include "core/base/memory.h"
#include "core/text/tokenizer.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>
#include <QStandardPaths>

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

// A shown head past the count of `heads` stands for head 1, which the pages fall back to.
int shownHead(int head, int heads) {
    return head < heads ? head : 0;
}

// The run's options: every head's stages while they are small, else those of `tracedHeads`.
core::RunOptions runOptions(const core::Config& config, const std::vector<int>& tracedHeads) {
    core::RunOptions options;
    for (int head : tracedHeads)
        options.traceHeads.push_back(shownHead(head, config.heads));
    options.traceAllCells = AttentionController::kFullTraceCells;
    return options;
}

// Fills in the table and runs the model; shared by the synchronous path and the worker.
core::ModelOutput runModel(const core::Model& model, core::Config config,
                           const std::vector<int>& tracedHeads, detail::LexiconCache& lexicons,
                           const core::ProgressCallback& progress) {
    const core::ModelCapabilities capabilities = model.capabilities(config);
    if (capabilities.attentionSettings) {
        core::validate(config); // before builtinLexicon sees an out-of-range d_model
        if (config.embeddings == core::EmbeddingSource::Builtin)
            config.table = lexicons.get(config.dModel);
    }
    return model.run(config, runOptions(config, tracedHeads), progress);
}

// The text of an error in the interface language where the core gave a message template.
QString errorText(const std::exception& error) {
    if (const auto* input = dynamic_cast<const core::InputError*>(&error))
        return coreText(input->message());
    if (const auto* file = dynamic_cast<const core::FileError*>(&error))
        return coreText(file->message());
    return QString::fromStdString(error.what());
}

// From this many n_q · n_k · H cells a result is freed on a pool thread.
constexpr double kBackgroundFreeCells = 4.0 * 1024 * 1024;

// The thread that frees large results: one of its own, not Qt's global pool, whose threads the
// raster engine borrows to fill large areas of a paint; such a paint would otherwise wait for a
// thread busy handing gigabytes back to the system (a quarter of a second).
QThreadPool& freeingPool() {
    static QThreadPool pool;
    pool.setMaxThreadCount(1);
    return pool;
}

} // namespace

std::shared_ptr<const core::ModelOutput>
AttentionController::shareResult(core::ModelOutput&& result) {
    const double cells = static_cast<double>(result.maps.queries()) *
                         static_cast<double>(result.maps.keys()) *
                         static_cast<double>(std::max<std::size_t>(1, result.maps.weights.size()));
    if (cells < kBackgroundFreeCells)
        return std::make_shared<const core::ModelOutput>(std::move(result));
    // Freeing a result of thousands of tokens hands gigabytes back to the system, which takes
    // a quarter of a second; wherever the last reference goes (usually the GUI thread, when the
    // next result replaces it), the freeing itself happens on a pool thread.
    return std::shared_ptr<const core::ModelOutput>(
        new core::ModelOutput(std::move(result)), [](const core::ModelOutput* old) {
            if (QCoreApplication::instance() && !QCoreApplication::closingDown())
                freeingPool().start([old] { delete old; });
            else
                delete old;
        });
}

struct AttentionController::Job {
    quint64 generation = 0;
    core::Config config;
    std::vector<int> tracedHeads;
    std::shared_ptr<const core::Model> model; ///< the model of the request, kept alive for the run
    std::atomic<bool> cancel{false};
};

AttentionController::AttentionController(QObject* parent)
    : QObject(parent), m_model(std::make_shared<const core::BuiltinModel>()),
      m_lexicons(std::make_shared<detail::LexiconCache>()) {
    qRegisterMetaType<std::shared_ptr<const core::ModelOutput>>();
    // Each keystroke frees a result and allocates the next of the same size (core/base/memory.h).
    core::keepFreedMemoryForReuse();
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
            emit failed(errorText(error), QStringLiteral("embeddings"));
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
            error = errorText(exception);
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

void AttentionController::setModel(std::shared_ptr<const core::Model> model) {
    m_model = model ? std::move(model) : std::make_shared<const core::BuiltinModel>();
    recompute();
}

bool AttentionController::isBuiltinModel() const {
    return dynamic_cast<const core::BuiltinModel*>(m_model.get()) != nullptr;
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
    const quint64 generation = m_jobs.start();
    core::Config config = preparedConfig();

    // The sentences are tokenised here first so that a tokenizer error names the right field;
    // the token counts then size the work (tokenising a long text once, not twice, per key).
    double work = 0;
    if (isBuiltinModel()) {
        int counts[2] = {0, 0};
        for (const auto& [text, field, count] :
             {std::tuple{&config.sentence, "sentence", &counts[0]},
              std::tuple{&config.source, "source", &counts[1]}}) {
            try {
                *count = static_cast<int>(core::tokenize(*text, config.tokenizer).size());
            } catch (const core::InputError& error) {
                m_pending.reset();
                if (m_running)
                    m_running->cancel = true;
                setBusy(false);
                emit failed(coreText(error.message()), QLatin1String(field));
                return;
            }
        }
        const int nq = std::max(1, counts[0]);
        const int nk = config.source.empty() ? nq : std::max(1, counts[1]);
        work = core::builtinWork(config, nq, nk);
    } else {
        work = m_model->estimateWork(config);
    }
    if (work < m_syncWorkLimit) {
        // Small: answer at once. Anything older still on the worker becomes stale.
        m_pending.reset();
        if (m_running)
            m_running->cancel = true;
        setBusy(false);
        QElapsedTimer timer;
        timer.start();
        std::shared_ptr<const core::ModelOutput> result;
        try {
            result = shareResult(runModel(*m_model, config, m_tracedHeads, *m_lexicons, {}));
        } catch (const core::InputError& error) {
            emit failed(coreText(error.message()), QString::fromStdString(error.setting()));
            return;
        } catch (const std::exception& error) {
            emit failed(QString::fromStdString(error.what()), {});
            return;
        }
        deliver(std::move(result), timer.nsecsElapsed() / 1000, std::move(config), generation,
                m_tracedHeads);
        return;
    }

    auto job = std::make_shared<Job>();
    job->generation = generation;
    job->config = std::move(config);
    job->tracedHeads = m_tracedHeads;
    job->model = m_model;
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

void AttentionController::setTracedHeads(std::vector<int> heads) {
    std::sort(heads.begin(), heads.end());
    heads.erase(std::unique(heads.begin(), heads.end()), heads.end());
    m_tracedHeads = std::move(heads);
    // A run under way was asked for the heads of its request; its result comes back through the
    // pages, which call this again. A newest request that failed has no result to complete.
    if (m_running || m_pending || !lacksTracedStages() || !m_jobs.isCurrent(m_lastResultGeneration))
        return;
    // Later, not inside the delivery of a result that other views are still taking in.
    QMetaObject::invokeMethod(
        this,
        [this, generation = m_lastResultGeneration] {
            if (m_jobs.isCurrent(generation) && !m_running && lacksTracedStages())
                recompute();
        },
        Qt::QueuedConnection);
}

bool AttentionController::lacksTracedStages() const {
    // A run asked for these heads already: running again would give the same (a model that keeps
    // no stages per head, whatever it is asked).
    if (!m_lastResult || !m_lastResult->trace ||
        std::includes(m_lastResultTracedHeads.begin(), m_lastResultTracedHeads.end(),
                      m_tracedHeads.begin(), m_tracedHeads.end()))
        return false;
    const std::vector<core::HeadTrace>& heads = m_lastResult->trace->heads;
    const int count = static_cast<int>(heads.size());
    return std::any_of(m_tracedHeads.begin(), m_tracedHeads.end(), [&heads, count](int head) {
        const int shown = shownHead(head, count);
        return head >= 0 && shown < count && !heads[static_cast<std::size_t>(shown)].hasStages();
    });
}

void AttentionController::startWorker(std::shared_ptr<Job> job) {
    m_running = job;
    std::shared_ptr<detail::LexiconCache> lexicons = m_lexicons;
    m_pool.start([this, job = std::move(job), lexicons = std::move(lexicons)] {
        std::shared_ptr<const core::ModelOutput> result;
        QString error;
        QString field;
        bool cancelled = false;
        QElapsedTimer timer;
        timer.start();
        ++m_startedRuns;
        try {
            const auto progress = [&job](int, int) { return !job->cancel.load(); };
            if (job->cancel.load())
                throw core::Cancelled();
            result = shareResult(
                runModel(*job->model, job->config, job->tracedHeads, *lexicons, progress));
        } catch (const core::Cancelled&) {
            cancelled = true;
            ++m_cancelledRuns;
        } catch (const core::InputError& exception) {
            error = coreText(exception.message());
            field = QString::fromStdString(exception.setting());
        } catch (const std::exception& exception) {
            error = QString::fromStdString(exception.what());
        }
        const qint64 elapsed = timer.nsecsElapsed() / 1000;
        // The destructor waits for this pool, so `this` outlives the call; the slot runs on the
        // UI thread, where all controller state lives.
        QMetaObject::invokeMethod(
            this,
            [this, job, result = std::move(result), elapsed, error, field, cancelled] {
                finishJob(job, result, elapsed, error, field, cancelled);
            },
            Qt::QueuedConnection);
    });
}

void AttentionController::finishJob(std::shared_ptr<Job> job,
                                    std::shared_ptr<const core::ModelOutput> result, qint64 elapsed,
                                    const QString& error, const QString& field, bool cancelled) {
    if (m_running == job)
        m_running.reset();
    const bool newest = m_jobs.isCurrent(job->generation);
    if (newest && !cancelled) {
        if (result)
            deliver(std::move(result), elapsed, job->config, job->generation, job->tracedHeads);
        else
            emit failed(error, field);
    } else if (!cancelled) {
        ++m_droppedResults; // finished, but a newer request exists
    }
    if (!m_running && m_pending)
        startWorker(std::exchange(m_pending, nullptr));
    setBusy(m_running && m_jobs.isCurrent(m_running->generation));
}

void AttentionController::deliver(std::shared_ptr<const core::ModelOutput> result, qint64 elapsed,
                                  core::Config config, quint64 generation,
                                  std::vector<int> tracedHeads) {
    config.table.reset(); // the cache and the file own the tables
    m_lastResult = result;
    m_lastResultConfig = std::move(config);
    m_lastResultGeneration = generation;
    m_lastResultTracedHeads = std::move(tracedHeads);
    m_lastElapsed = elapsed;
    emit resultReady(std::move(result), elapsed);
}

bool AttentionController::waitForBackgroundWork(int msecs) {
    const QDeadlineTimer deadline(msecs);
    // A finished run may start the waiting one when its report is delivered: repeat until
    // nothing runs, waits or loads.
    while (true) {
        const int left = static_cast<int>(std::max<qint64>(0, deadline.remainingTime()));
        m_pool.waitForDone(left);
        m_loadPool.waitForDone(left);
        QCoreApplication::sendPostedEvents(this); // what the workers reported
        if (!m_running && !m_pending && m_pool.activeThreadCount() == 0 &&
            m_loadPool.activeThreadCount() == 0)
            return true;
        if (deadline.hasExpired())
            return false;
    }
}

void AttentionController::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

} // namespace attnlab::ui
