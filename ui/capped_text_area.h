#pragma once
// A wrapped paragraph that takes at most a few lines of its page: longer text scrolls inside the
// area until the reader asks for all of it. The open lesson's explanation sits in one, so that a
// long lesson does not push the page it explains below the edge of the window.

#include <QScrollArea>

class QLabel;

namespace attnlab::ui {

class CappedTextArea : public QScrollArea {
    Q_OBJECT

public:
    /// An empty area of at most `maxLines` lines of the label's font.
    explicit CappedTextArea(int maxLines, QWidget* parent = nullptr);

    /// The label that shows the text (rich text, wrapped, selectable); set its text through
    /// setText so that the area fits it.
    QLabel* label() const { return m_label; }
    /// Shows `text` (rich text) and fits the area to it.
    void setText(const QString& text);
    /// Shows `text` whole (expanded) or in at most maxLines lines.
    void setExpanded(bool expanded);
    bool isExpanded() const { return m_expanded; }
    /// The text needs more than maxLines lines at the current width.
    bool overflows() const { return m_overflows; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    /// overflows() changed (the text or the width changed).
    void overflowChanged(bool overflows);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int textHeight() const;
    int cappedHeight() const;
    void refit();

    QLabel* m_label = nullptr;
    int m_maxLines = 1;
    bool m_expanded = false;
    bool m_overflows = false;
};

} // namespace attnlab::ui
