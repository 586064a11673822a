#pragma once
// The one object that runs a model for the GUI. It owns the current core::Config and the model
// (the built-in layer unless another is set), runs it on the UI thread when the work is small (no
// latency while typing) and on a worker when it is large, and emits value-typed results. Newest
// request wins: every request gets a generation number, results of older generations are dropped
// and a running older computation is cancelled through the model's progress callback.

#include "core/embeddings/embeddings.h"
#include "core/model/builtin_model.h"
#include "job_tracker.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

namespace attnlab::ui {

namespace detail {
class LexiconCache;
}

class AttentionController : public QObject {
    Q_OBJECT

public:
    /// Default limit of estimateWork() below which compute() runs on the UI thread: about
    /// 3–7 ms on one laptop core (3–6 million estimated multiply-adds per millisecond).
    static constexpr double kDefaultSyncWorkLimit = 2.0e7;

    explicit AttentionController(QObject* parent = nullptr);
    /// Cancels a running computation and waits for the worker to notice.
    ~AttentionController() override;

    /// The configuration of the newest request, as given (the table is filled in per run).
    const core::Config& config() const { return m_config; }
    /// Replaces the whole configuration and recomputes. `config.table` is ignored: the
    /// controller supplies the cached built-in lexicon or the loaded embeddings file.
    void setConfig(const core::Config& config);
    void setSentence(const QString& sentence);
    void setSource(const QString& source);

    /// Loads an embeddings file and switches to it. A file smaller than syncLoadLimit() loads
    /// at once; a larger one on a worker (embeddingsLoading, embeddingsProgress, then
    /// embeddingsLoaded or failed), cancellable with cancelEmbeddingsLoad(). On failure emits
    /// failed(message, "embeddings"), keeps the previous table, configuration and result, and
    /// returns false (at once, or later for a worker's load, which returns true).
    bool loadEmbeddings(const QString& path);
    /// Stops a load running on the worker; the previous embeddings stay.
    void cancelEmbeddingsLoad();
    bool isLoadingEmbeddings() const { return m_load != nullptr; }
    /// Files of at least this many bytes load on a worker; default 16 MiB (tests set 0).
    void setSyncLoadLimit(qint64 bytes) { m_syncLoadBytes = bytes; }
    qint64 syncLoadLimit() const { return m_syncLoadBytes; }
    /// Path and table of the loaded embeddings file (empty / null when none).
    QString embeddingsPath() const { return m_embeddingsPath; }
    std::shared_ptr<const core::EmbeddingTable> embeddingsTable() const { return m_fileTable; }

    /// The last result delivered by resultReady (null before the first).
    std::shared_ptr<const core::ModelOutput> lastResult() const { return m_lastResult; }
    /// The configuration, as requested (d_k 0 = follow d_model / heads), that produced
    /// lastResult(): the last one that worked, unlike config(). Its table is empty.
    const core::Config& lastResultConfig() const { return m_lastResultConfig; }
    qint64 lastElapsedMicroseconds() const { return m_lastElapsed; }
    bool isBusy() const { return m_busy; }
    /// Generation of the newest request; each request increments it.
    quint64 generation() const { return m_jobs.current(); }

    /// The heads whose stages the teaching pages show. A run of more than kFullTraceCells
    /// n_q · n_k · heads cells keeps the stages (Q, K, V, S, L, C) of these heads only, which
    /// spares it two n × n matrices per other head (1 GiB at 4096 tokens and 8 heads). When the
    /// newest result lacks one of them, the configuration runs again with it. A head past the
    /// result's count stands for head 1, which the pages then show.
    void setTracedHeads(std::vector<int> heads);
    const std::vector<int>& tracedHeads() const { return m_tracedHeads; }
    /// Up to this many n_q · n_k · heads cells a run keeps every head's stages (32 MiB of
    /// scores and logits).
    static constexpr double kFullTraceCells = 4.0 * 1024 * 1024;

    /// Work below `limit` runs synchronously; 0 sends everything to the worker (tests).
    void setSyncWorkLimit(double limit) { m_syncWorkLimit = limit; }
    double syncWorkLimit() const { return m_syncWorkLimit; }
    /// The model that runs (the built-in attention layer unless another was set).
    const std::shared_ptr<const core::Model>& model() const { return m_model; }
    /// Runs `model` from now on (null: the built-in layer again) and recomputes.
    void setModel(std::shared_ptr<const core::Model> model);
    /// True while the built-in attention layer runs.
    bool isBuiltinModel() const;

    /// Statistics for tests: results thrown away because a newer request existed, and worker
    /// runs stopped early through the progress callback.
    int droppedResults() const { return m_droppedResults; }
    int cancelledRuns() const { return m_cancelledRuns.load(); }
    /// Runs the worker has started (tests wait for a run to be under way).
    int startedRuns() const { return m_startedRuns.load(); }
    /// Waits up to `msecs` for background work (runs and loads) to finish and delivers what it
    /// reported; true when nothing is left running.
    bool waitForBackgroundWork(int msecs);

    /// `result` shared; a large one is freed on a pool thread when its last reference goes, so
    /// that replacing it never stalls the GUI thread.
    static std::shared_ptr<const core::ModelOutput> shareResult(core::ModelOutput&& result);

    /// The built-in lexicon at `dModel`, built once per width and shared with the worker.
    std::shared_ptr<const core::EmbeddingTable> builtinTable(int dModel);

public slots:
    /// Recomputes the current configuration (a new generation).
    void recompute();

signals:
    /// A newer result is available. `elapsedMicroseconds` is the time spent in compute().
    void resultReady(std::shared_ptr<const attnlab::core::ModelOutput> result,
                     qint64 elapsedMicroseconds);
    /// The newest request failed; the previous result stays valid. `field` is the key of the
    /// setting the error is about (the settings schema's: "heads", "d_model", "mask", …), or
    /// "sentence", "source", "embeddings"; empty when it is about none.
    void failed(const QString& message, const QString& field);
    /// True while a worker computes the newest request.
    void busyChanged(bool busy);
    /// An embeddings file was loaded (words, vector width).
    void embeddingsLoaded(const QString& path, int words, int dimension);
    /// A large file started loading on the worker.
    void embeddingsLoading(const QString& path);
    /// Bytes of the file read so far, of `total`.
    void embeddingsProgress(qint64 done, qint64 total);
    /// Something the user should know about the loaded file (e.g. duplicate words).
    void embeddingsWarning(const QString& message);

private:
    struct Job;
    core::Config preparedConfig();
    bool lacksTracedStages() const;
    void startWorker(std::shared_ptr<Job> job);
    void finishJob(std::shared_ptr<Job> job, std::shared_ptr<const core::ModelOutput> result,
                   qint64 elapsed, const QString& error, const QString& field, bool cancelled);
    void deliver(std::shared_ptr<const core::ModelOutput> result, qint64 elapsed,
                 core::Config config, quint64 generation, std::vector<int> tracedHeads);
    void setBusy(bool busy);

    core::Config m_config;
    std::shared_ptr<const core::Model> m_model;
    std::shared_ptr<detail::LexiconCache> m_lexicons;
    struct EmbeddingLoad {
        QString path;
        std::atomic<bool> cancel{false};
    };
    core::EmbeddingLoadOptions loadOptions() const;
    void applyLoadedEmbeddings(const QString& path, core::EmbeddingLoadResult loaded);

    std::shared_ptr<const core::EmbeddingTable> m_fileTable;
    std::shared_ptr<EmbeddingLoad> m_load; ///< the load running on m_loadPool, if any
    QThreadPool m_loadPool;
    qint64 m_syncLoadBytes = 16 * 1024 * 1024;
    QString m_embeddingsPath;

    std::shared_ptr<const core::ModelOutput> m_lastResult;
    core::Config m_lastResultConfig;
    quint64 m_lastResultGeneration = 0;
    std::vector<int> m_lastResultTracedHeads; ///< the heads its run was asked to trace
    std::vector<int> m_tracedHeads{0};
    qint64 m_lastElapsed = 0;
    JobTracker m_jobs;
    double m_syncWorkLimit = kDefaultSyncWorkLimit;

    // Worker state, touched on the UI thread only: at most one job runs, and at most one waits
    // (a newer request replaces the waiting one).
    QThreadPool m_pool;
    std::shared_ptr<Job> m_running;
    std::shared_ptr<Job> m_pending;
    bool m_busy = false;
    int m_droppedResults = 0;
    std::atomic<int> m_cancelledRuns{0};
    std::atomic<int> m_startedRuns{0};
};

} // namespace attnlab::ui

Q_DECLARE_METATYPE(std::shared_ptr<const attnlab::core::ModelOutput>)
