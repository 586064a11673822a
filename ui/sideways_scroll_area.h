#pragma once
// A strip that scrolls sideways only: as tall as its contents (plus the scroll bar when one
// shows), as narrow as its surroundings allow. Wide rows of matrices go in one, so that the page
// around them keeps its width and its paragraphs wrap to what is on screen.

#include <QScrollArea>

class QLayout;

namespace attnlab::ui {

class SidewaysScrollArea : public QScrollArea {
    Q_OBJECT

public:
    /// A strip showing `contents` (laid out on a new widget it owns).
    explicit SidewaysScrollArea(QLayout* contents, QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
};

} // namespace attnlab::ui
