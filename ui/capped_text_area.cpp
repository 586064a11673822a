#include "capped_text_area.h"

#include <QEvent>
#include <QLabel>
#include <QScrollBar>

#include <algorithm>

namespace attnlab::ui {

CappedTextArea::CappedTextArea(int maxLines, QWidget* parent)
    : QScrollArea(parent), m_label(new QLabel(this)), m_maxLines(std::max(1, maxLines)) {
    setFrameShape(QFrame::NoFrame);
    setWidgetResizable(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_label->setTextFormat(Qt::RichText);
    m_label->setWordWrap(true);
    m_label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setWidget(m_label);
    // Another font (a larger text size): the height follows.
    m_label->installEventFilter(this);
}

void CappedTextArea::setText(const QString& text) {
    m_label->setText(text);
    refit();
}

void CappedTextArea::setExpanded(bool expanded) {
    if (m_expanded == expanded)
        return;
    m_expanded = expanded;
    refit();
}

int CappedTextArea::textHeight() const {
    // The width the text wraps to: the viewport's, less the scroll bar it may need.
    const int width = std::max(1, viewport()->width());
    // −1 where the label has no height for a width (no text yet): its plain size hint.
    const int height = m_label->heightForWidth(width);
    return std::max(0, height >= 0 ? height : m_label->sizeHint().height());
}

int CappedTextArea::cappedHeight() const {
    const int lines = m_label->fontMetrics().lineSpacing() * m_maxLines;
    return std::min(textHeight(),
                    lines + m_label->contentsMargins().top() + m_label->contentsMargins().bottom());
}

QSize CappedTextArea::sizeHint() const {
    const int height = m_expanded ? textHeight() : cappedHeight();
    return {m_label->sizeHint().width(), height + 2 * frameWidth()};
}

QSize CappedTextArea::minimumSizeHint() const {
    return {m_label->fontMetrics().averageCharWidth() * 20, sizeHint().height()};
}

void CappedTextArea::refit() {
    const bool overflows = textHeight() > cappedHeight();
    setVerticalScrollBarPolicy(overflows && !m_expanded ? Qt::ScrollBarAsNeeded
                                                        : Qt::ScrollBarAlwaysOff);
    setFixedHeight(sizeHint().height());
    if (overflows != m_overflows) {
        m_overflows = overflows;
        emit overflowChanged(overflows);
    }
}

bool CappedTextArea::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_label && event->type() == QEvent::FontChange)
        refit();
    return QScrollArea::eventFilter(watched, event);
}

void CappedTextArea::resizeEvent(QResizeEvent* event) {
    QScrollArea::resizeEvent(event);
    // The number of lines the text wraps to depends on the width given.
    refit();
}

} // namespace attnlab::ui
