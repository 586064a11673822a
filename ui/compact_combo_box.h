#pragma once
// A combo box for a narrow dock: its closed face shows each item's name without the explanation
// in parentheses ("Sigmoid" for "Sigmoid (rows need not sum to 1)", "RoPE" for "RoPE (rotates q
// and k)"), and is always wide enough for those names, so nothing is cut off; the open list is
// as wide as its longest full text. A name that still does not fit (a long file name) is elided
// in the middle, with the full text in the list and the accessible description.

#include <QComboBox>

namespace attnlab::ui {

class CompactComboBox : public QComboBox {
    Q_OBJECT

public:
    /// Names wider than this many average characters are elided in the closed box, unless
    /// the box is given another limit.
    static constexpr int kMaxNameChars = 24;

    explicit CompactComboBox(QWidget* parent = nullptr);

    /// Elides names wider than `chars` average characters (a page with room for whole titles
    /// gives more than a dock's kMaxNameChars).
    void setMaxNameChars(int chars);

    /// `text` up to its first " (" or full-width "（" (when something precedes it), else `text`.
    static QString shortForm(const QString& text);
    /// The text the closed box shows for item `index` (its short form); empty for no item.
    QString displayText(int index) const;
    /// The width item `index` of `box`'s open list needs for its full text (and icon), margins
    /// of the list's items included.
    static int listItemWidth(const QComboBox* box, int index);
    /// The width of the open list: its widest item, its frame and its scroll bar. The list is
    /// made at least this wide when it opens.
    int popupWidth() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    void showPopup() override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int m_maxNameChars = kMaxNameChars;
};

/// The integer stored as the current item's data (an enumeration's value).
int currentValue(const QComboBox* box);
/// Selects the item whose data is `value`; leaves the selection when there is none.
void selectValue(QComboBox* box, int value);

} // namespace attnlab::ui
