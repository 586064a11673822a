// QtMessageCollector: Qt's messages of this thread are held while it lives (a failed draw folds
// them into one message); other threads' pass on; those not taken pass on at the end.

#include "ui/qt_message_collector.h"

#include <gtest/gtest.h>

#include <QStringList>

#include <thread>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_qt_message_collector {

using attnlab::ui::QtMessageCollector;

namespace {

QStringList g_passedOn;

void record(QtMsgType, const QMessageLogContext&, const QString& text) {
    g_passedOn << text;
}

} // namespace

TEST(QtMessageCollector, HoldsThisThreadsMessagesAndPassesTheRestOn) {
    const QtMessageHandler previous = qInstallMessageHandler(record);
    g_passedOn.clear();
    {
        QtMessageCollector outer;
        qWarning("first");
        {
            QtMessageCollector inner;
            qWarning("inner");
            EXPECT_EQ(inner.take(), QStringList{QStringLiteral("inner")});
            qWarning("inner, not taken"); // passed to the outer collector at the end
        }
        std::thread([] { qWarning("from another thread"); }).join();
        EXPECT_EQ(g_passedOn, QStringList{QStringLiteral("from another thread")});
        const QStringList held = outer.take();
        EXPECT_EQ(held, (QStringList{QStringLiteral("first"), QStringLiteral("inner, not taken")}));
        EXPECT_EQ(QtMessageCollector::summary(held), QStringLiteral("first (+1)"));
        qWarning("last");
    }
    EXPECT_EQ(g_passedOn,
              (QStringList{QStringLiteral("from another thread"), QStringLiteral("last")}));
    EXPECT_TRUE(QtMessageCollector::summary({}).isEmpty());
    qInstallMessageHandler(previous);
}

} // namespace test_qt_message_collector
