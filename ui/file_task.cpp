#include "file_task.h"

#include <QEventLoop>
#include <QLocale>
#include <QMetaObject>
#include <QProgressDialog>
#include <QWidget>

#include <memory>
#include <thread>

namespace attnlab::ui {

FileTask::FileTask(QWidget* parent, const QString& title, const QString& label, bool showDialog)
    : m_parent(parent), m_title(title), m_label(label), m_showDialog(showDialog) {}

FileTask::~FileTask() {
    delete m_dialog;
}

void FileTask::cancel() {
    m_cancelled = true;
}

std::exception_ptr
FileTask::run(const std::function<void(const FileTaskProgress& progress)>& work) {
    if (m_showDialog && m_parent) {
        m_dialog = new QProgressDialog(m_label, tr("Cancel"), 0, 0, m_parent);
        m_dialog->setWindowTitle(m_title);
        m_dialog->setWindowModality(Qt::WindowModal); // the window waits; it still repaints
        m_dialog->setMinimumDuration(300);
        m_dialog->setAutoClose(false);
        m_dialog->setAutoReset(false);
        connect(m_dialog, &QProgressDialog::canceled, this, &FileTask::cancel);
    }
    QEventLoop loop;
    std::exception_ptr error;
    // The worker reports through queued calls to this object and ends the loop the same way;
    // run() joins it before returning, so everything it refers to outlives it.
    const FileTaskProgress progress = [this](std::int64_t done, std::int64_t total) {
        QMetaObject::invokeMethod(
            this, [this, done, total] { showProgress(done, total); }, Qt::QueuedConnection);
        return !m_cancelled.load();
    };
    std::thread worker([&] {
        try {
            work(progress);
        } catch (...) {
            error = std::current_exception();
        }
        QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
    });
    loop.exec();
    worker.join();
    if (m_dialog) {
        m_dialog->hide();
        m_dialog->deleteLater();
        m_dialog = nullptr;
    }
    return error;
}

void FileTask::showProgress(qint64 done, qint64 total) {
    emit progressed(done, total);
    if (!m_dialog)
        return;
    if (total > 0) {
        m_dialog->setRange(0, 1000);
        m_dialog->setValue(static_cast<int>(1000.0 * static_cast<double>(done) / total));
    } else {
        m_dialog->setRange(0, 0); // how much is unknown: a busy bar, and what is done so far
        m_dialog->setLabelText(tr("%1 (%2 MB written)").arg(m_label).arg(done));
    }
}

} // namespace attnlab::ui
