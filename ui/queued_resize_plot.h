#pragma once
// A QCustomPlot that redraws after a resize once, at its final size, rather than inside every
// resize event. QCustomPlot redraws every layer in its resize event; a window that builds a dozen
// heatmaps at once (a model's first result) resizes each two or three times while its layouts
// settle, and drew each of them every time within a single turn of the event loop (45 ms of the
// window's time as a GPT-2 model opened). Here a resize only marks the drawing stale: it is
// redrawn on the event loop's next turn, or first by a paint that comes before that turn, so
// what is on screen is never the old size's drawing.

#include <qcustomplot.h>

#include <QMetaObject>

namespace attnlab::ui {

class QueuedResizePlot : public QCustomPlot {
public:
    explicit QueuedResizePlot(QWidget* parent = nullptr) : QCustomPlot(parent) {
        connect(this, &QCustomPlot::afterReplot, this, [this] { m_stale = false; });
    }

protected:
    void resizeEvent(QResizeEvent* event) override {
        Q_UNUSED(event)
        setViewport(rect());
        m_stale = true;
        if (m_queued)
            return;
        m_queued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_queued = false;
                if (m_stale)
                    replot(rpQueuedRefresh);
            },
            Qt::QueuedConnection);
    }

    void paintEvent(QPaintEvent* event) override {
        if (m_stale)
            replot(rpQueuedRefresh);
        QCustomPlot::paintEvent(event);
    }

private:
    bool m_stale = false;  ///< resized since the last replot
    bool m_queued = false; ///< a replot on the event loop's next turn is on its way
};

} // namespace attnlab::ui
