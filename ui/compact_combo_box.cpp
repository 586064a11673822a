#include "compact_combo_box.h"

#include <QAbstractItemView>
#include <QScrollBar>
#include <QStyleOptionComboBox>
#include <QStyleOptionViewItem>
#include <QStylePainter>

#include <algorithm>

namespace attnlab::ui {

CompactComboBox::CompactComboBox(QWidget* parent) : QComboBox(parent) {
    // The closed face changes its text with the item; the full one stays reachable.
    connect(this, &QComboBox::currentIndexChanged, this, [this](int index) {
        setAccessibleDescription(index >= 0 ? itemText(index) : QString());
    });
}

void CompactComboBox::setMaxNameChars(int chars) {
    m_maxNameChars = std::max(1, chars);
    updateGeometry();
}

QString CompactComboBox::shortForm(const QString& text) {
    qsizetype cut = text.indexOf(QLatin1String(" ("));
    const qsizetype wide = text.indexOf(QChar(0xFF08)); // （
    if (wide > 0 && (cut < 0 || wide < cut))
        cut = wide;
    if (cut <= 0)
        return text;
    return text.left(cut).trimmed();
}

QString CompactComboBox::displayText(int index) const {
    if (index < 0 || index >= count())
        return {};
    return shortForm(itemText(index));
}

QSize CompactComboBox::sizeHint() const {
    // As QComboBox measures its contents, but over the short forms.
    // A name longer than the limit of average characters (a file name) is elided instead of
    // widening the dock.
    const QFontMetrics metrics = fontMetrics();
    const int longest = metrics.averageCharWidth() * m_maxNameChars;
    int textWidth = metrics.horizontalAdvance(QStringLiteral("xxxxxx"));
    bool icons = false;
    for (int i = 0; i < count(); ++i) {
        textWidth =
            std::max(textWidth, std::min(longest, metrics.horizontalAdvance(displayText(i))));
        icons = icons || !itemIcon(i).isNull();
    }
    QSize contents(textWidth, std::max(metrics.height(), 14) + 2);
    if (icons) {
        contents.rwidth() += iconSize().width() + 4;
        contents.setHeight(std::max(contents.height(), iconSize().height() + 2));
    }
    QStyleOptionComboBox option;
    initStyleOption(&option);
    return style()->sizeFromContents(QStyle::CT_ComboBox, &option, contents, this);
}

QSize CompactComboBox::minimumSizeHint() const {
    return sizeHint();
}

int CompactComboBox::listItemWidth(const QComboBox* box, int index) {
    // The list's delegate sizes an item from the rect it is offered (a menu-like list adds its
    // margins to it), or from the item's text: offered the text's own width, it answers either way.
    const QAbstractItemView* list = box->view();
    const QModelIndex item = box->model()->index(index, box->modelColumn(), box->rootModelIndex());
    const QFontMetrics metrics(box->font());
    const int icon = box->itemIcon(index).isNull() ? 0 : box->iconSize().width() + 4;
    QStyleOptionViewItem option;
    option.initFrom(list);
    option.font = box->font();
    option.rect =
        QRect(0, 0, metrics.horizontalAdvance(box->itemText(index)) + icon, metrics.height());
    return std::max(option.rect.width(), list->itemDelegate()->sizeHint(option, item).width());
}

int CompactComboBox::popupWidth() const {
    const QAbstractItemView* list = view();
    int widest = 0;
    for (int i = 0; i < count(); ++i)
        widest = std::max(widest, listItemWidth(this, i));
    int width = widest + 2 * list->frameWidth();
    if (count() > maxVisibleItems())
        width += list->verticalScrollBar()->sizeHint().width();
    return width;
}

void CompactComboBox::showPopup() {
    view()->setMinimumWidth(popupWidth());
    QComboBox::showPopup();
}

void CompactComboBox::paintEvent(QPaintEvent*) {
    QStylePainter painter(this);
    painter.setPen(palette().color(QPalette::Text));
    QStyleOptionComboBox option;
    initStyleOption(&option);
    painter.drawComplexControl(QStyle::CC_ComboBox, option);
    if (currentIndex() >= 0) {
        int room =
            style()
                ->subControlRect(QStyle::CC_ComboBox, &option, QStyle::SC_ComboBoxEditField, this)
                .width();
        if (!option.currentIcon.isNull())
            room -= option.iconSize.width() + 4;
        option.currentText =
            fontMetrics().elidedText(displayText(currentIndex()), Qt::ElideMiddle, room);
    }
    painter.drawControl(QStyle::CE_ComboBoxLabel, option);
}

int currentValue(const QComboBox* box) {
    return box->currentData().toInt();
}

void selectValue(QComboBox* box, int value) {
    const int index = box->findData(value);
    if (index >= 0)
        box->setCurrentIndex(index);
}

} // namespace attnlab::ui
