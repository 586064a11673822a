#pragma once
// Long file work (reading an imported array, writing an export) on a worker thread, while the
// window's event loop keeps running: the window repaints, its progress dialog moves and Cancel
// works, and no read or write can freeze it. The caller waits in a local event loop, so the
// work's result is at hand when run() returns.

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>

class QProgressDialog;
class QWidget;

namespace attnlab::ui {

/// Reports (done, total) in any unit, total 0 when unknown; returns false once the user has
/// cancelled, whereupon the work should stop (the core throws core::Cancelled). Callable from
/// the worker thread.
using FileTaskProgress = std::function<bool(std::int64_t done, std::int64_t total)>;

class FileTask : public QObject {
    Q_OBJECT

public:
    /// `showDialog`: a window-modal progress dialog with Cancel appears when the work takes more
    /// than 300 ms (false for scripted use and tests).
    FileTask(QWidget* parent, const QString& title, const QString& label, bool showDialog);
    ~FileTask() override;

    /// Runs `work` on a worker thread and returns when it ends: null, or what it threw
    /// (core::Cancelled after cancel()). Call once.
    std::exception_ptr run(const std::function<void(const FileTaskProgress& progress)>& work);

public slots:
    /// Asks the work to stop at its next progress report (also before it starts).
    void cancel();

signals:
    /// On this object's thread, as the work reports.
    void progressed(qint64 done, qint64 total);

private:
    void showProgress(qint64 done, qint64 total);

    QPointer<QWidget> m_parent;
    QString m_title;
    QString m_label;
    bool m_showDialog;
    QProgressDialog* m_dialog = nullptr;
    std::atomic<bool> m_cancelled{false};
};

} // namespace attnlab::ui
