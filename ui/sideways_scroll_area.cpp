#include "sideways_scroll_area.h"

#include <QEvent>
#include <QLayout>
#include <QScrollBar>

namespace attnlab::ui {

SidewaysScrollArea::SidewaysScrollArea(QLayout* contents, QWidget* parent) : QScrollArea(parent) {
    setFrameShape(QFrame::NoFrame);
    setWidgetResizable(true);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* inner = new QWidget(this);
    inner->setLayout(contents);
    setWidget(inner);
    // The contents change size (another matrix width): the strip follows in height.
    inner->installEventFilter(this);
}

QSize SidewaysScrollArea::sizeHint() const {
    const QWidget* inner = widget();
    int height = inner ? inner->sizeHint().height() : 0;
    if (inner && inner->sizeHint().width() > viewport()->width())
        height += horizontalScrollBar()->sizeHint().height();
    return {inner ? inner->sizeHint().width() : 0, height + 2 * frameWidth()};
}

QSize SidewaysScrollArea::minimumSizeHint() const {
    return {horizontalScrollBar()->sizeHint().height() * 4, sizeHint().height()};
}

bool SidewaysScrollArea::eventFilter(QObject* watched, QEvent* event) {
    if (watched == widget() && event->type() == QEvent::LayoutRequest)
        updateGeometry();
    return QScrollArea::eventFilter(watched, event);
}

void SidewaysScrollArea::resizeEvent(QResizeEvent* event) {
    QScrollArea::resizeEvent(event);
    // Whether the scroll bar shows, and so the height needed, depends on the width given.
    updateGeometry();
}

} // namespace attnlab::ui
