#pragma once
// Holds back Qt's messages (QPainter, QImage, …) of this thread while it lives, so that a failed
// draw can be reported as one message instead of dozens of raw warnings. Messages of other
// threads pass on as before. On destruction, messages not taken with take() are passed on.

#include <QStringList>
#include <QThread>
#include <QtGlobal>

namespace attnlab::ui {

class QtMessageCollector {
public:
    QtMessageCollector();
    ~QtMessageCollector();
    QtMessageCollector(const QtMessageCollector&) = delete;
    QtMessageCollector& operator=(const QtMessageCollector&) = delete;

    /// The messages held so far; they are then dropped rather than passed on.
    QStringList take();
    /// One line for a message: the first held message and how many followed, or empty.
    static QString summary(const QStringList& messages);

private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& text);

    QtMessageHandler m_previous = nullptr;
    QtMessageCollector* m_outer = nullptr;
    QThread* m_thread = nullptr;
    QStringList m_messages;
};

} // namespace attnlab::ui
