#include "matrix_table.h"

#include "heatmap_view.h"

#include <QAbstractTableModel>
#include <QDoubleValidator>
#include <QEvent>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QScrollBar>
#include <QStyledItemDelegate>

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_set>

namespace attnlab::ui {

namespace {

constexpr int kMaxRowLabelWidth = 76; // wider token labels are elided (full text in the tooltip)
constexpr double kFade = 0.72;        // share of the background in a faded cell
const QColor kOutline(0xe0, 0x60, 0x00);

QColor blend(const QColor& a, const QColor& b, double share) {
    const QColor x = a.toRgb(), y = b.toRgb();
    auto mix = [share](int p, int q) {
        return static_cast<int>(std::lround((1.0 - share) * p + share * q));
    };
    return QColor(mix(x.red(), y.red()), mix(x.green(), y.green()), mix(x.blue(), y.blue()));
}

// Numbers as users type them: "−1.5" (Unicode minus, as the tables print it), "1,5" and "1.5".
bool parseNumber(QString text, double& value) {
    text = text.trimmed();
    text.replace(QChar(0x2212), QLatin1Char('-'));
    text.replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    value = QLocale::c().toDouble(text, &ok);
    return ok && std::isfinite(value);
}

} // namespace

namespace detail {

class MatrixModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : static_cast<int>(m_values.rows());
    }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : static_cast<int>(m_values.cols());
    }

    QVariant data(const QModelIndex& index, int role) const override {
        if (!index.isValid())
            return {};
        const double value = m_values(index.row(), index.column());
        switch (role) {
        case Qt::DisplayRole:
            return MatrixTable::formatValue(value);
        case Qt::EditRole:
            return value;
        case Qt::BackgroundRole:
            return QBrush(color(index.row(), index.column()));
        case Qt::ForegroundRole: {
            const QColor background = color(index.row(), index.column());
            QColor text = contrastingTextColor(background);
            if (!emphasized(index.row(), index.column()))
                text = blend(text, background, 0.45);
            return QBrush(text);
        }
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::ToolTipRole:
            return QStringLiteral("%1 · %2: %3")
                .arg(label(m_rowLabels, index.row()), label(m_columnLabels, index.column()),
                     std::isfinite(value) ? QString::number(value, 'g', 7)
                                          : MatrixTable::formatValue(value));
        default:
            return {};
        }
    }

    bool setData(const QModelIndex& index, const QVariant& value, int role) override {
        if (!index.isValid() || role != Qt::EditRole || !m_editable)
            return false;
        double number = 0.0;
        if (!parseNumber(value.toString(), number))
            return false;
        m_values(index.row(), index.column()) = static_cast<float>(number);
        emit dataChanged(index, index);
        if (onEdited)
            onEdited(index.row(), index.column(), number);
        return true;
    }

    Qt::ItemFlags flags(const QModelIndex& index) const override {
        Qt::ItemFlags flags = QAbstractTableModel::flags(index);
        if (m_editable)
            flags |= Qt::ItemIsEditable;
        return flags;
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override {
        const QStringList& labels = orientation == Qt::Horizontal ? m_columnLabels : m_rowLabels;
        if (role == Qt::DisplayRole)
            return m_elide ? m_elide(label(labels, section), orientation) : label(labels, section);
        if (role == Qt::ToolTipRole)
            return label(labels, section);
        return {};
    }

    void setValues(const core::Matrix& values) {
        const bool sameShape = values.rows() == m_values.rows() && values.cols() == m_values.cols();
        if (sameShape) {
            m_values = values;
            updateRange();
            if (m_values.size() > 0)
                emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
            return;
        }
        beginResetModel();
        m_values = values;
        updateRange();
        endResetModel();
    }

    void setLabels(const QStringList& rows, const QStringList& columns) {
        m_rowLabels = rows;
        m_columnLabels = columns;
        if (rowCount() > 0)
            emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
        if (columnCount() > 0)
            emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    }

    void repaintAll() {
        if (m_values.size() > 0)
            emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    }

    bool emphasized(int row, int col) const {
        if (!m_highlightActive)
            return true;
        switch (m_highlight.involvement) {
        case core::Involvement::Whole:
            return true;
        case core::Involvement::None:
            return false;
        case core::Involvement::Part:
            return m_rows.count(row) > 0 || m_cols.count(col) > 0;
        }
        return true;
    }

    QColor color(int row, int col) const {
        const double value = m_values(row, col);
        QColor c;
        if (!std::isfinite(value))
            c = maskedCellColor(m_colorMap);
        else if (m_coloring == MatrixTable::Coloring::Weights)
            c = colorAt(m_colorMap, std::clamp(value, 0.0, 1.0));
        else
            c = divergingColorAt(0.5 + 0.5 * value / m_maxAbs);
        return emphasized(row, col) ? c : blend(c, QColor(Qt::white), kFade);
    }

    void setHighlight(const core::StageHighlight& highlight, bool active) {
        m_highlight = highlight;
        m_highlightActive = active;
        m_rows = {highlight.rows.begin(), highlight.rows.end()};
        m_cols = {highlight.cols.begin(), highlight.cols.end()};
        repaintAll();
    }

    static QString label(const QStringList& labels, int section) {
        return section >= 0 && section < labels.size() ? labels[section]
                                                       : QString::number(section + 1);
    }

    core::Matrix m_values;
    QStringList m_rowLabels, m_columnLabels;
    MatrixTable::Coloring m_coloring = MatrixTable::Coloring::Signed;
    ColorMap m_colorMap = ColorMap::Viridis;
    bool m_editable = false;
    core::StageHighlight m_highlight;
    bool m_highlightActive = false;
    std::unordered_set<int> m_rows, m_cols;
    double m_maxAbs = 1.0;
    std::function<void(int, int, double)> onEdited;
    std::function<QString(const QString&, Qt::Orientation)> m_elide;

private:
    void updateRange() {
        double maxAbs = 0.0;
        for (Eigen::Index r = 0; r < m_values.rows(); ++r)
            for (Eigen::Index c = 0; c < m_values.cols(); ++c)
                if (std::isfinite(m_values(r, c)))
                    maxAbs = std::max(maxAbs, std::abs(static_cast<double>(m_values(r, c))));
        m_maxAbs = maxAbs > 0.0 ? maxAbs : 1.0;
    }
};

} // namespace detail

namespace {

// Paints the outline of the selected cell and edits numbers in a plain line edit (a spin box
// would clamp to a range and round to its decimals).
class MatrixDelegate : public QStyledItemDelegate {
public:
    MatrixDelegate(detail::MatrixModel* model, QObject* parent)
        : QStyledItemDelegate(parent), m_model(model) {}

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        QStyleOptionViewItem plain(option);
        plain.state &= ~QStyle::State_Selected; // colours carry the values, not the selection
        QStyledItemDelegate::paint(painter, plain, index);
        const core::StageHighlight& h = m_model->m_highlight;
        if (m_model->m_highlightActive && h.cellRow == index.row() && h.cellCol == index.column()) {
            painter->save();
            painter->setPen(QPen(kOutline, 2.5));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5));
            painter->restore();
        }
    }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&,
                          const QModelIndex&) const override {
        auto* editor = new QLineEdit(parent);
        editor->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        editor->setFrame(false);
        return editor;
    }

    void setEditorData(QWidget* editor, const QModelIndex& index) const override {
        if (auto* line = qobject_cast<QLineEdit*>(editor)) {
            line->setText(QString::number(index.data(Qt::EditRole).toDouble(), 'g', 7));
            line->selectAll();
        }
    }

    void setModelData(QWidget* editor, QAbstractItemModel* model,
                      const QModelIndex& index) const override {
        if (auto* line = qobject_cast<QLineEdit*>(editor))
            model->setData(index, line->text(), Qt::EditRole);
    }

private:
    detail::MatrixModel* m_model;
};

} // namespace

MatrixTable::MatrixTable(QWidget* parent) : QTableView(parent) {
    m_model = new detail::MatrixModel(this);
    m_model->onEdited = [this](int row, int col, double value) {
        emit valueEdited(row, col, value);
    };
    m_model->m_elide = [this](const QString& text, Qt::Orientation orientation) {
        const QFontMetrics metrics(horizontalHeader()->font());
        const int width = orientation == Qt::Horizontal ? m_cellWidth - 6 : kMaxRowLabelWidth;
        return metrics.elidedText(text, Qt::ElideRight, width);
    };
    setModel(m_model);
    setItemDelegate(new MatrixDelegate(m_model, this));
    setSelectionMode(QAbstractItemView::NoSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setWordWrap(false);
    setCornerButtonEnabled(false);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setSizeAdjustPolicy(QAbstractScrollArea::AdjustIgnored);
    // Exactly the size of the matrix up to kMaxVisibleRows × kMaxVisibleColumns: the pages
    // around the tables scroll rather than squeeze them.
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    horizontalHeader()->setHighlightSections(false);
    verticalHeader()->setHighlightSections(false);
    const QFont labels = HeatmapView::tokenFont(font());
    horizontalHeader()->setFont(labels);
    verticalHeader()->setFont(labels);
    verticalHeader()->setMaximumWidth(kMaxRowLabelWidth + 12);
    connect(this, &QTableView::clicked, this,
            [this](const QModelIndex& index) { emit cellActivated(index.row(), index.column()); });
    updateSectionSizes();
}

MatrixTable::~MatrixTable() = default;

void MatrixTable::setMatrix(const core::Matrix& values) {
    const bool reshaped =
        values.rows() != m_model->m_values.rows() || values.cols() != m_model->m_values.cols();
    m_model->setValues(values);
    if (reshaped) {
        updateSectionSizes();
        updateGeometry();
    }
}

const core::Matrix& MatrixTable::matrix() const {
    return m_model->m_values;
}

void MatrixTable::setLabels(const QStringList& rows, const QStringList& columns) {
    if (rows == m_model->m_rowLabels && columns == m_model->m_columnLabels)
        return;
    m_model->setLabels(rows, columns);
    updateSectionSizes();
    updateGeometry();
}

QStringList MatrixTable::rowLabels() const {
    return m_model->m_rowLabels;
}
QStringList MatrixTable::columnLabels() const {
    return m_model->m_columnLabels;
}

void MatrixTable::setColoring(Coloring coloring) {
    m_model->m_coloring = coloring;
    m_model->repaintAll();
}

MatrixTable::Coloring MatrixTable::coloring() const {
    return m_model->m_coloring;
}

void MatrixTable::setColorMap(ColorMap map) {
    m_model->m_colorMap = map;
    m_model->repaintAll();
}

void MatrixTable::setEditable(bool editable) {
    m_model->m_editable = editable;
    setEditTriggers(editable
                        ? QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                              QAbstractItemView::AnyKeyPressed
                        : QAbstractItemView::NoEditTriggers);
    setToolTip(editable ? tr("Double-click a cell or start typing to change its number.")
                        : QString());
}

bool MatrixTable::isEditable() const {
    return m_model->m_editable;
}

void MatrixTable::setHighlight(const core::StageHighlight& highlight, bool active) {
    m_model->setHighlight(highlight, active);
    m_scrollTarget = {-1, -1};
    if (active && highlight.cellRow >= 0 && highlight.cellCol >= 0)
        m_scrollTarget = {highlight.cellCol, highlight.cellRow};
    else if (active && highlight.involvement == core::Involvement::Part)
        m_scrollTarget = {highlight.cols.empty() ? 0 : highlight.cols.front(),
                          highlight.rows.empty() ? 0 : highlight.rows.back()};
    scrollToTarget();
}

void MatrixTable::scrollToTarget() {
    const int row = m_scrollTarget.y(), col = m_scrollTarget.x();
    if (row >= 0 && col >= 0 && row < m_model->rowCount() && col < m_model->columnCount())
        scrollTo(m_model->index(row, col));
}

void MatrixTable::resizeEvent(QResizeEvent* event) {
    QTableView::resizeEvent(event);
    // A table laid out after its highlight was set scrolls again with its final viewport.
    scrollToTarget();
}

QString MatrixTable::formatValue(double value) {
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    const double magnitude = std::abs(value);
    if (magnitude < 0.005)
        return QStringLiteral("0.00"); // no "-0.00": the sign of a rounded zero is noise
    if (magnitude < 100.0)
        return QString::number(value, 'f', 2);
    if (magnitude < 1000.0)
        return QString::number(value, 'f', 1);
    if (magnitude < 1e5)
        return QString::number(value, 'f', 0);
    return QString::number(value, 'g', 2);
}

bool MatrixTable::isCellEmphasized(int row, int col) const {
    return m_model->emphasized(row, col);
}

QPoint MatrixTable::outlinedCell() const {
    if (!m_model->m_highlightActive)
        return {-1, -1};
    return {m_model->m_highlight.cellCol, m_model->m_highlight.cellRow};
}

QColor MatrixTable::cellColor(int row, int col) const {
    if (row < 0 || col < 0 || row >= m_model->rowCount() || col >= m_model->columnCount())
        return {};
    return m_model->color(row, col);
}

QString MatrixTable::cellText(int row, int col) const {
    if (row < 0 || col < 0 || row >= m_model->rowCount() || col >= m_model->columnCount())
        return {};
    return m_model->data(m_model->index(row, col), Qt::DisplayRole).toString();
}

void MatrixTable::updateSectionSizes() {
    const QFontMetrics numbers(font());
    const QFontMetrics labels(horizontalHeader()->font());
    int labelWidth = 0;
    for (const QString& label : m_model->m_columnLabels)
        labelWidth = std::max(labelWidth, labels.horizontalAdvance(label) + 10);
    m_cellWidth = std::max({numbers.horizontalAdvance(QStringLiteral("−00.00")) + 12,
                            std::min(labelWidth, kMaxRowLabelWidth), 36});
    m_cellHeight = std::max(numbers.height(), labels.height()) + 6;
    horizontalHeader()->setDefaultSectionSize(m_cellWidth);
    horizontalHeader()->setMinimumSectionSize(8);
    verticalHeader()->setDefaultSectionSize(m_cellHeight);
    verticalHeader()->setMinimumSectionSize(8);
}

QSize MatrixTable::sizeHint() const {
    const int rows = std::min(m_model->rowCount(), kMaxVisibleRows);
    const int cols = std::min(m_model->columnCount(), kMaxVisibleColumns);
    const int frame = 2 * frameWidth();
    const int headerWidth = std::min(verticalHeader()->sizeHint().width(), kMaxRowLabelWidth + 12);
    int width = frame + headerWidth + cols * m_cellWidth;
    int height = frame + horizontalHeader()->sizeHint().height() + rows * m_cellHeight;
    if (m_model->columnCount() > kMaxVisibleColumns)
        height += horizontalScrollBar()->sizeHint().height();
    if (m_model->rowCount() > kMaxVisibleRows)
        width += verticalScrollBar()->sizeHint().width();
    return {width, height};
}

QSize MatrixTable::minimumSizeHint() const {
    const QSize hint = sizeHint();
    return {std::min(hint.width(), 160), std::min(hint.height(), 90)};
}

void MatrixTable::keyPressEvent(QKeyEvent* event) {
    const QModelIndex index = currentIndex();
    if (!isEditable() && index.isValid() &&
        (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter ||
         event->key() == Qt::Key_Space)) {
        emit cellActivated(index.row(), index.column());
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

void MatrixTable::changeEvent(QEvent* event) {
    QTableView::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        const QFont labels = HeatmapView::tokenFont(font());
        horizontalHeader()->setFont(labels);
        verticalHeader()->setFont(labels);
        updateSectionSizes();
        updateGeometry();
    }
}

} // namespace attnlab::ui
