#include "positional_view.h"

#include "heatmap_view.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

constexpr double kCompactMargin = 2;
constexpr double kLargeMargin = 6;
constexpr double kLegendWidth = 12; // the colour legend of the large view
constexpr double kTickGap = 6;      // least space between two tick labels, px

QString number(double value) {
    return HeatmapView::formatNumber(value);
}

} // namespace

PositionalView::PositionalView(Size size, QWidget* parent) : QWidget(parent), m_size(size) {
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    setSizePolicy(QSizePolicy::Expanding,
                  size == Size::Compact ? QSizePolicy::Fixed : QSizePolicy::Preferred);
    refresh();
}

void PositionalView::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_result = std::move(result);
    refresh();
}

void PositionalView::setHead(int head) {
    head = std::max(head, 0);
    if (head == m_head)
        return;
    m_head = head;
    if (m_picture.encoding == core::PositionalEncoding::Alibi)
        refresh();
}

void PositionalView::setColorMap(ColorMap map) {
    m_colorMap = map;
    update();
}

void PositionalView::refresh() {
    m_picture = m_result ? core::positionalPicture(*m_result, m_head) : core::PositionalPicture{};
    const core::Matrix& v = m_picture.values;
    switch (m_picture.encoding) {
    case core::PositionalEncoding::Sinusoidal:
        m_low = -1; // sin and cos: a fixed symmetric scale, 0 is white
        m_high = 1;
        break;
    case core::PositionalEncoding::Rope:
        m_low = 0;
        m_high = v.size() > 0 ? std::max(1e-12, static_cast<double>(v.maxCoeff())) : 1;
        break;
    case core::PositionalEncoding::Alibi:
        m_low = v.size() > 0 ? std::min(-1e-12, static_cast<double>(v.minCoeff())) : -1;
        m_high = 0;
        break;
    case core::PositionalEncoding::None:
        m_low = 0;
        m_high = 1;
        break;
    }
    QString tip =
        m_picture.values.size() > 0 ? title() + QLatin1Char('\n') + formula() : emptyText();
    tip += QLatin1Char('\n') + tr("Hover over a cell for its value.");
    setToolTip(tip);
    updateGeometry();
    update();
}

QString PositionalView::title() const {
    const core::Matrix& v = m_picture.values;
    if (m_size == Size::Compact) {
        switch (m_picture.encoding) {
        case core::PositionalEncoding::Sinusoidal:
            return tr("PE added to X · %1 × %2").arg(v.rows()).arg(v.cols());
        case core::PositionalEncoding::Rope:
            return tr("RoPE angles · %1 × %2 pairs").arg(v.rows()).arg(v.cols());
        case core::PositionalEncoding::Alibi:
            return tr("ALiBi bias, head %1 · %2 × %3")
                .arg(m_picture.head + 1)
                .arg(v.rows())
                .arg(v.cols());
        case core::PositionalEncoding::None:
            break;
        }
    }
    switch (m_picture.encoding) {
    case core::PositionalEncoding::Sinusoidal:
        return tr("Sinusoidal encoding · %1 positions × %2 dimensions").arg(v.rows()).arg(v.cols());
    case core::PositionalEncoding::Rope:
        return tr("RoPE angles (radians) · %1 positions × %2 pairs").arg(v.rows()).arg(v.cols());
    case core::PositionalEncoding::Alibi:
        return tr("ALiBi bias of head %1 · %2 queries × %3 keys")
            .arg(m_picture.head + 1)
            .arg(v.rows())
            .arg(v.cols());
    case core::PositionalEncoding::None:
        break;
    }
    return tr("No positional encoding");
}

QString PositionalView::formula() const {
    switch (m_picture.encoding) {
    case core::PositionalEncoding::Sinusoidal:
        return tr("PE[p, 2t] = sin(p·ω_t),  PE[p, 2t+1] = cos(p·ω_t),  ω_t = 10000^(−2t/%1); "
                  "added to each token's embedding before the projections")
            .arg(m_picture.width);
    case core::PositionalEncoding::Rope:
        return tr("angle[p, t] = p·θ_t,  θ_t = 10000^(−2t/%1); pair (2t, 2t+1) of q and k at "
                  "position p is turned by this angle, so q·k depends on i − j only")
            .arg(m_picture.width);
    case core::PositionalEncoding::Alibi:
        return tr("bias[i, j] = −m·|i − j|,  m = %1 (head %2 of %3); added to the logits, so far "
                  "keys lose weight")
            .arg(QString::number(m_picture.slope, 'g', 4))
            .arg(m_picture.head + 1)
            .arg(m_result ? m_result->maps.heads : 1);
    case core::PositionalEncoding::None:
        break;
    }
    return {};
}

QString PositionalView::rowAxisTitle() const {
    if (m_picture.encoding == core::PositionalEncoding::Alibi)
        return tr("query position i");
    return tr("position p");
}

QString PositionalView::columnAxisTitle() const {
    switch (m_picture.encoding) {
    case core::PositionalEncoding::Sinusoidal:
        return tr("dimension c of d_model");
    case core::PositionalEncoding::Rope:
        return tr("pair t of d_k (columns 2t, 2t+1)");
    case core::PositionalEncoding::Alibi:
        return tr("key position j");
    case core::PositionalEncoding::None:
        break;
    }
    return {};
}

QString PositionalView::emptyText() const {
    if (!m_result)
        return tr("No result yet: type a sentence.");
    return tr("No positional encoding: tokens carry no position, so attention ignores word "
              "order.");
}

int PositionalView::titleLines() const {
    return m_size == Size::Compact ? 1 : 3; // large: title, then a formula of up to two lines
}

QSize PositionalView::sizeHint() const {
    if (m_size == Size::Compact) {
        // Without a map, room for the explanation's two or three lines only.
        if (m_picture.values.size() == 0)
            return {220, fontMetrics().height() * 3 + 4};
        return {220, qRound(fontMetrics().height() * 1.2 + 88)};
    }
    return {560, 340};
}

QSize PositionalView::minimumSizeHint() const {
    if (m_size == Size::Compact)
        return {120, sizeHint().height()};
    return {360, 260};
}

QRectF PositionalView::mapRect() const {
    const QFontMetricsF fm(font());
    const double line = fm.height();
    QRectF area = QRectF(rect());
    if (m_size == Size::Compact) {
        area.adjust(kCompactMargin, kCompactMargin + line * 1.2, -kCompactMargin, -kCompactMargin);
        return area;
    }
    area.adjust(kLargeMargin, kLargeMargin + line * (titleLines() + 0.4), -kLargeMargin,
                -kLargeMargin);
    // Left: the rotated axis title, then the row ticks; bottom: the column ticks, then the
    // axis title; right: the legend and its two numbers.
    double rowTickWidth = 0;
    for (int r = 0; r < m_picture.values.rows(); ++r)
        rowTickWidth = std::max(rowTickWidth, fm.horizontalAdvance(rowLabel(r)));
    const double legend =
        kLegendWidth + 6 +
        std::max(fm.horizontalAdvance(number(m_low)), fm.horizontalAdvance(number(m_high)));
    area.adjust(line + 4 + rowTickWidth + 4, 0, -(legend + 8), -(2 * line + 6));
    return area;
}

QRectF PositionalView::cellRect(int row, int col) const {
    const core::Matrix& v = m_picture.values;
    if (row < 0 || col < 0 || row >= v.rows() || col >= v.cols())
        return {};
    const QRectF map = mapRect();
    const double w = map.width() / static_cast<double>(v.cols());
    const double h = map.height() / static_cast<double>(v.rows());
    return {map.left() + col * w, map.top() + row * h, w, h};
}

QColor PositionalView::colorFor(double value) const {
    const double t = (value - m_low) / (m_high - m_low);
    if (m_picture.encoding == core::PositionalEncoding::Sinusoidal)
        return divergingColorAt(t);
    return colorAt(m_colorMap, t);
}

QString PositionalView::rowLabel(int row) const {
    QString label = QString::number(row);
    if (m_size == Size::Large && m_result &&
        row < static_cast<int>(m_result->maps.queryTokens.size()))
        label +=
            QLatin1Char(' ') +
            QString::fromStdString(m_result->maps.queryTokens[static_cast<std::size_t>(row)].text)
                .left(10);
    return label;
}

QString PositionalView::columnLabel(int col) const {
    return QString::number(col);
}

QString PositionalView::cellText(int row, int col) const {
    const core::Matrix& v = m_picture.values;
    if (row < 0 || col < 0 || row >= v.rows() || col >= v.cols())
        return {};
    const double value = v(row, col);
    switch (m_picture.encoding) {
    case core::PositionalEncoding::Sinusoidal:
        return tr("position %1 · dimension %2: %3").arg(row).arg(col).arg(number(value));
    case core::PositionalEncoding::Rope:
        return tr("position %1 · pair %2: %3 rad (%4°)")
            .arg(row)
            .arg(col)
            .arg(number(value))
            .arg(QString::number(value * 180.0 / M_PI, 'f', 1));
    case core::PositionalEncoding::Alibi:
        return tr("query %1 · key %2: bias %3").arg(row).arg(col).arg(number(value));
    case core::PositionalEncoding::None:
        break;
    }
    return {};
}

bool PositionalView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const core::Matrix& v = m_picture.values;
        const QRectF map = mapRect();
        if (v.size() > 0 && map.contains(help->pos())) {
            const int col = std::clamp(
                static_cast<int>((help->pos().x() - map.left()) / map.width() * v.cols()), 0,
                static_cast<int>(v.cols()) - 1);
            const int row = std::clamp(
                static_cast<int>((help->pos().y() - map.top()) / map.height() * v.rows()), 0,
                static_cast<int>(v.rows()) - 1);
            QToolTip::showText(help->globalPos(), cellText(row, col), this);
            return true;
        }
    }
    return QWidget::event(event);
}

void PositionalView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::LanguageChange)
        refresh();
}

void PositionalView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const QFontMetricsF fm(font());
    const double line = fm.height();
    const double margin = m_size == Size::Compact ? kCompactMargin : kLargeMargin;
    const QRectF inner = QRectF(rect()).adjusted(margin, margin, -margin, -margin);
    const core::Matrix& v = m_picture.values;
    m_rowTicks.clear();
    m_colTicks.clear();
    painter.setPen(palette().color(QPalette::WindowText));

    if (v.size() == 0) {
        painter.drawText(inner, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, emptyText());
        return;
    }

    // Title (and formula in the large view).
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    const QRectF titleRect(inner.left(), inner.top(), inner.width(), line);
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(bold).elidedText(title(), Qt::ElideRight, inner.width()));
    painter.setFont(font());
    if (m_size == Size::Large)
        painter.drawText(QRectF(inner.left(), inner.top() + line, inner.width(), 2 * line),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, formula());

    // Cells.
    for (Eigen::Index r = 0; r < v.rows(); ++r)
        for (Eigen::Index c = 0; c < v.cols(); ++c) {
            const QRectF cell = cellRect(static_cast<int>(r), static_cast<int>(c));
            // Whole pixels, overlapping by one, so no seam shows between cells.
            const QRect pixels(QPoint(qFloor(cell.left()), qFloor(cell.top())),
                               QPoint(qCeil(cell.right()), qCeil(cell.bottom())));
            painter.fillRect(pixels, colorFor(v(r, c)));
        }
    const QRectF map = mapRect();
    if (m_size == Size::Compact)
        return;

    // Tick labels, every k-th so that neighbours keep kTickGap between them.
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawRect(map);
    const double cellH = map.height() / static_cast<double>(v.rows());
    const double cellW = map.width() / static_cast<double>(v.cols());
    const int rowStride = std::max(1, static_cast<int>(std::ceil((line + 1) / cellH)));
    double widest = 0;
    for (Eigen::Index c = 0; c < v.cols(); ++c)
        widest = std::max(widest, fm.horizontalAdvance(columnLabel(static_cast<int>(c))));
    const int colStride = std::max(1, static_cast<int>(std::ceil((widest + kTickGap) / cellW)));
    for (int r = 0; r < v.rows(); r += rowStride) {
        const QRectF cell = cellRect(r, 0);
        painter.drawText(QRectF(map.left() - 4 - 1000, cell.center().y() - line / 2, 1000, line),
                         Qt::AlignRight | Qt::AlignVCenter, rowLabel(r));
        m_rowTicks << r;
    }
    for (int c = 0; c < v.cols(); c += colStride) {
        const QRectF cell = cellRect(0, c);
        painter.drawText(QRectF(cell.center().x() - widest, map.bottom() + 2, 2 * widest, line),
                         Qt::AlignHCenter | Qt::AlignTop, columnLabel(c));
        m_colTicks << c;
    }

    // Axis titles.
    painter.drawText(QRectF(map.left(), map.bottom() + line + 4, map.width(), line),
                     Qt::AlignHCenter | Qt::AlignTop, columnAxisTitle());
    painter.save();
    painter.translate(inner.left() + line / 2, map.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-map.height() / 2, -line / 2, map.height(), line), Qt::AlignCenter,
                     rowAxisTitle());
    painter.restore();

    // Legend: a vertical bar from the lowest (bottom) to the highest value (top).
    const QRectF bar(map.right() + 8, map.top(), kLegendWidth, map.height());
    const int steps = std::max(1, static_cast<int>(bar.height()));
    for (int i = 0; i < steps; ++i) {
        const double t = 1.0 - (i + 0.5) / steps;
        painter.fillRect(QRectF(bar.left(), bar.top() + i, bar.width(), 1.0),
                         colorFor(m_low + t * (m_high - m_low)));
    }
    painter.drawRect(bar);
    painter.drawText(QRectF(bar.right() + 4, bar.top(), 200, line), Qt::AlignLeft | Qt::AlignTop,
                     number(m_high));
    painter.drawText(QRectF(bar.right() + 4, bar.bottom() - line, 200, line),
                     Qt::AlignLeft | Qt::AlignBottom, number(m_low));
}

} // namespace attnlab::ui
