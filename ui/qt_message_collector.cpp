#include "qt_message_collector.h"

#include <QDebug>
#include <QMutex>
#include <QMutexLocker>

#include <cstdio>
#include <utility>

namespace attnlab::ui {
namespace {

// The innermost collector; guarded, as Qt may log from any thread.
QMutex g_mutex;
QtMessageCollector* g_active = nullptr;

} // namespace

QtMessageCollector::QtMessageCollector() : m_thread(QThread::currentThread()) {
    QMutexLocker lock(&g_mutex);
    m_outer = g_active;
    g_active = this;
    m_previous = qInstallMessageHandler(&QtMessageCollector::handle);
}

QtMessageCollector::~QtMessageCollector() {
    QtMessageHandler previous = nullptr;
    {
        QMutexLocker lock(&g_mutex);
        g_active = m_outer;
        previous = m_previous;
    }
    qInstallMessageHandler(previous);
    for (const QString& text : std::as_const(m_messages))
        qWarning().noquote() << text;
}

QStringList QtMessageCollector::take() {
    QMutexLocker lock(&g_mutex);
    return std::exchange(m_messages, {});
}

QString QtMessageCollector::summary(const QStringList& messages) {
    if (messages.isEmpty())
        return {};
    QString first = messages.front().trimmed();
    if (messages.size() > 1)
        first += QStringLiteral(" (+%1)").arg(messages.size() - 1);
    return first;
}

void QtMessageCollector::handle(QtMsgType type, const QMessageLogContext& context,
                                const QString& text) {
    QtMessageHandler forward = nullptr;
    {
        QMutexLocker lock(&g_mutex);
        if (g_active && type != QtFatalMsg && QThread::currentThread() == g_active->m_thread) {
            g_active->m_messages << text;
            return;
        }
        // Outside the collecting thread (or fatal): as Qt would have printed it.
        QtMessageCollector* outermost = g_active;
        while (outermost && outermost->m_outer)
            outermost = outermost->m_outer;
        forward = outermost ? outermost->m_previous : nullptr;
    }
    if (forward)
        forward(type, context, text);
    else
        std::fprintf(stderr, "%s\n", qPrintable(text));
}

} // namespace attnlab::ui
