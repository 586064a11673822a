#include "lines_view.h"

#include "compact_combo_box.h"
#include "heatmap_view.h"
#include "plot_lines.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace attnlab::ui {

namespace {

constexpr int kLinesMargin = 10;
constexpr int kLabelLineGap = 8; // between a label and the end of its lines
constexpr int kMaxLinesLabelWidth = 160;
constexpr int kMinLineSpan = 140; // the lines get at least this much width …
constexpr int kMaxLineSpan = 520;
// Ordinary lines are 1-pixel cosmetic lines, which the raster engine draws several times
// faster than wide ones (thousands of them for a long sentence); the few lines of a hovered
// token are wider.
constexpr double kPenWidth = 0.0;
constexpr double kHotPenWidth = 2.5; // … and at most this much: longer lines are harder to follow

// Tableau 10, then six of ColorBrewer's Dark2: distinct on white, in this order of preference.
constexpr std::array<QRgb, 16> kHeadColors{
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xb07aa1, 0x9c755f, 0xff9da7,
    0xedc948, 0xbab0ac, 0x1b9e77, 0xd95f02, 0x7570b3, 0xe7298a, 0x66a61e, 0xa6761d,
};

const QColor kText(0x26, 0x26, 0x26);
const QColor kHoverBackground(0xff, 0xe8, 0xb0);

} // namespace

namespace detail {

class LinesCanvas : public QWidget {
public:
    explicit LinesCanvas(QWidget* parent) : QWidget(parent) {
        setMouseTracking(true);
        setAttribute(Qt::WA_OpaquePaintEvent);
        setFont(HeatmapView::tokenFont(font()));
        measure();
    }

    void setResult(std::shared_ptr<const core::ModelOutput> result) {
        const int heads = result ? result->maps.heads : 0;
        if (heads != static_cast<int>(m_visible.size()))
            m_visible.assign(static_cast<std::size_t>(heads), true);
        m_result = std::move(result);
        m_layer = std::clamp(m_layer, 0, m_result ? m_result->maps.layers - 1 : 0);
        if (m_hovered.index >= tokenCount(m_hovered.side))
            m_hovered = {};
        if (m_pinned.index >= tokenCount(0))
            m_pinned = {};
        measure();
        updateGeometry();
        update();
    }

    int tokenCount(int side) const {
        if (!m_result || side < 0)
            return 0;
        return static_cast<int>(side == 0 ? m_result->maps.queryTokens.size()
                                          : m_result->maps.keyTokens.size());
    }

    QString label(int side, int index) const {
        const auto& tokens = side == 0 ? m_result->maps.queryTokens : m_result->maps.keyTokens;
        return QString::fromStdString(tokens[static_cast<std::size_t>(index)].text);
    }

    int minRowHeight() const { return m_lineHeight + 6; }
    // Rows spread out to fill the height, up to twice their minimum.
    double rowHeight() const {
        const int n = std::max(tokenCount(0), tokenCount(1));
        const double available = height() - headerHeight() - 2.0 * kLinesMargin;
        if (n <= 0)
            return minRowHeight();
        return std::clamp(available / n, static_cast<double>(minRowHeight()), 2.0 * minRowHeight());
    }
    int headerHeight() const { return m_lineHeight + 10; }

    // Horizontal layout: query labels, lines, key labels, centred when the widget is wide.
    struct Columns {
        int queryLeft, lineStart, lineEnd, keyLeft;
    };
    Columns columns() const {
        const int w0 = labelWidth(0), w1 = labelWidth(1);
        const int span = std::clamp(width() - 2 * kLinesMargin - w0 - w1 - 2 * kLabelLineGap,
                                    kMinLineSpan, kMaxLineSpan);
        const int total = w0 + w1 + 2 * kLabelLineGap + span;
        const int left = std::max(kLinesMargin, (width() - total) / 2);
        return {left, left + w0 + kLabelLineGap, left + w0 + kLabelLineGap + span,
                left + w0 + 2 * kLabelLineGap + span};
    }

    int labelWidth(int side) const { return m_labelWidths[side == 0 ? 0 : 1]; }

    // Text measurements, redone only when the tokens or the font change: painting thousands of
    // lines must not measure text for each of them.
    void measure() {
        const QFontMetrics metrics(font());
        m_lineHeight = metrics.height();
        for (int side = 0; side < 2; ++side) {
            int width = metrics.horizontalAdvance(side == 0 ? LinesView::tr("Query")
                                                            : LinesView::tr("Key"));
            for (int i = 0; i < tokenCount(side); ++i)
                width = std::max(width, metrics.horizontalAdvance(label(side, i)));
            m_labelWidths[side] = std::min(width + 8, kMaxLinesLabelWidth);
        }
    }

    void changeEvent(QEvent* event) override {
        QWidget::changeEvent(event);
        if (event->type() == QEvent::FontChange) {
            measure();
            updateGeometry();
        }
    }

    // Vertical centre of a token's row; the shorter column is centred against the longer one.
    double rowY(int side, int index) const {
        const int n = std::max(tokenCount(0), tokenCount(1));
        const double offset = (n - tokenCount(side)) * rowHeight() / 2.0;
        return headerHeight() + kLinesMargin + offset + (index + 0.5) * rowHeight();
    }

    QRect labelRect(int side, int index) const {
        const int h = static_cast<int>(std::lround(rowHeight()));
        const int y = static_cast<int>(std::lround(rowY(side, index) - h / 2.0));
        const Columns c = columns();
        return {side == 0 ? c.queryLeft : c.keyLeft, y, labelWidth(side), h};
    }

    QSize sizeHint() const override {
        const int n = std::max(tokenCount(0), tokenCount(1));
        return {2 * kLinesMargin + labelWidth(0) + labelWidth(1) + 2 * kLabelLineGap +
                    2 * kMinLineSpan,
                headerHeight() + 2 * kLinesMargin + n * minRowHeight()};
    }
    QSize minimumSizeHint() const override {
        const QSize hint = sizeHint();
        return {2 * kLinesMargin + labelWidth(0) + labelWidth(1) + 2 * kLabelLineGap + kMinLineSpan,
                hint.height()};
    }

    LinesView::TokenRef active() const { return m_hovered.side >= 0 ? m_hovered : m_pinned; }

    double lineAlpha(int head, int query, int key) const {
        if (!m_result || head < 0 || head >= static_cast<int>(m_visible.size()) ||
            !m_visible[static_cast<std::size_t>(head)])
            return 0.0;
        const core::Matrix& w = m_result->maps.weights[m_result->maps.index(m_layer, head)];
        if (query < 0 || key < 0 || query >= w.rows() || key >= w.cols())
            return 0.0;
        double alpha = std::clamp(static_cast<double>(w(query, key)), 0.0, 1.0);
        if (m_contrast == LinesView::Contrast::RowMaximum) {
            const double largest = rowMaximum(head, query);
            alpha = largest > 0.0 ? std::clamp(w(query, key) / largest, 0.0, 1.0) : 0.0;
        }
        const LinesView::TokenRef hot = active();
        if ((hot.side == 0 && hot.index != query) || (hot.side == 1 && hot.index != key))
            alpha *= LinesView::kFadedFactor;
        return alpha;
    }

    // The largest weight of row `query` of head `head` in the drawn layer. Kept per map, since
    // a paint asks for every line of every row.
    double rowMaximum(int head, int query) const {
        if (m_maximaOf != m_result.get() || m_maximaLayer != m_layer) {
            m_maxima.assign(static_cast<std::size_t>(m_result->maps.heads), {});
            m_maximaOf = m_result.get();
            m_maximaLayer = m_layer;
        }
        std::vector<double>& maxima = m_maxima[static_cast<std::size_t>(head)];
        if (maxima.empty()) {
            const core::Matrix& w = m_result->maps.weights[m_result->maps.index(m_layer, head)];
            maxima.resize(static_cast<std::size_t>(w.rows()), 0.0);
            for (Eigen::Index q = 0; q < w.rows(); ++q)
                if (w.cols() > 0)
                    maxima[static_cast<std::size_t>(q)] = w.row(q).maxCoeff();
        }
        return maxima[static_cast<std::size_t>(query)];
    }

    LinesView::TokenRef tokenAt(const QPoint& pos) const {
        for (int side = 0; side < 2; ++side)
            for (int i = 0; i < tokenCount(side); ++i)
                if (labelRect(side, i).contains(pos))
                    return {side, i};
        return {};
    }

    void paintEvent(QPaintEvent*) override {
        QPainter painter(this);
        painter.fillRect(rect(), palette().color(QPalette::Base));
        painter.setRenderHint(QPainter::Antialiasing);
        m_drawn = 0;
        if (!m_result || m_result->maps.weights.empty()) {
            painter.setPen(kText);
            painter.drawText(rect(), Qt::AlignCenter, LinesView::tr("No result yet."));
            return;
        }
        const QFontMetrics metrics(font());
        QFont bold = font();
        bold.setBold(true);

        // Column titles.
        const Columns c = columns();
        painter.setPen(kText);
        painter.setFont(bold);
        painter.drawText(QRect(c.queryLeft, kLinesMargin / 2, labelWidth(0), headerHeight()),
                         Qt::AlignRight | Qt::AlignVCenter, LinesView::tr("Query"));
        painter.drawText(QRect(c.keyLeft, kLinesMargin / 2, labelWidth(1), headerHeight()),
                         Qt::AlignLeft | Qt::AlignVCenter, LinesView::tr("Key"));

        // Lines: the faded ones first, so that the highlighted lines lie on top.
        const double x0 = c.lineStart;
        const double x1 = c.lineEnd;
        const LinesView::TokenRef hot = active();
        const int nq = tokenCount(0), nk = tokenCount(1);
        std::vector<double> yq(static_cast<std::size_t>(nq)), yk(static_cast<std::size_t>(nk));
        for (int q = 0; q < nq; ++q)
            yq[static_cast<std::size_t>(q)] = rowY(0, q);
        for (int k = 0; k < nk; ++k)
            yk[static_cast<std::size_t>(k)] = rowY(1, k);
        for (int pass = 0; pass < 2; ++pass) {
            for (int h = 0; h < m_result->maps.heads; ++h) {
                QColor color = LinesView::headColor(h);
                for (int q = 0; q < nq; ++q)
                    for (int k = 0; k < nk; ++k) {
                        const bool touching =
                            (hot.side == 0 && hot.index == q) || (hot.side == 1 && hot.index == k);
                        if ((pass == 1) != (hot.side >= 0 && touching))
                            continue;
                        const double alpha = lineAlpha(h, q, k);
                        if (alpha < LinesView::kMinDrawnAlpha)
                            continue;
                        color.setAlphaF(static_cast<float>(alpha));
                        painter.setPen(QPen(color, penWidth(touching)));
                        painter.drawLine(QPointF(x0, yq[static_cast<std::size_t>(q)]),
                                         QPointF(x1, yk[static_cast<std::size_t>(k)]));
                        ++m_drawn;
                    }
            }
        }

        // Token labels.
        for (int side = 0; side < 2; ++side)
            for (int i = 0; i < tokenCount(side); ++i) {
                const QRect box = labelRect(side, i);
                const bool isHot = hot.side == side && hot.index == i;
                const auto& tokens =
                    side == 0 ? m_result->maps.queryTokens : m_result->maps.keyTokens;
                const bool padding = tokens[static_cast<std::size_t>(i)].padding;
                if (isHot) {
                    painter.setPen(Qt::NoPen);
                    painter.setBrush(kHoverBackground);
                    const double pad = (box.height() - metrics.height()) / 2.0 - 2.0;
                    painter.drawRoundedRect(QRectF(box).adjusted(-3, pad, 3, -pad), 4, 4);
                }
                painter.setFont(isHot ? bold : font());
                painter.setPen(padding ? QColor(0x8a, 0x8a, 0x8a) : kText);
                const QString text =
                    metrics.elidedText(label(side, i), Qt::ElideRight, box.width());
                painter.drawText(
                    box, (side == 0 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
            }
    }

    void mouseMoveEvent(QMouseEvent* event) override {
        const LinesView::TokenRef token = tokenAt(event->position().toPoint());
        if (token != m_hovered) {
            m_hovered = token;
            setToolTip(token.side < 0 ? QString() : tooltipFor(token));
            update();
        }
    }

    void leaveEvent(QEvent*) override {
        if (m_hovered.side >= 0) {
            m_hovered = {};
            update();
        }
    }

    // The strongest line of each visible head from (or to) the token.
    QString tooltipFor(LinesView::TokenRef token) const {
        QStringList lines;
        for (int h = 0; h < m_result->maps.heads; ++h) {
            if (!m_visible[static_cast<std::size_t>(h)])
                continue;
            const core::Matrix& w = m_result->maps.weights[m_result->maps.index(m_layer, h)];
            Eigen::Index best = 0;
            const float weight = token.side == 0 ? w.row(token.index).maxCoeff(&best)
                                                 : w.col(token.index).maxCoeff(&best);
            lines << LinesView::tr("head %1: strongest with “%2” (%3)")
                         .arg(h + 1)
                         .arg(label(1 - token.side, static_cast<int>(best)),
                              HeatmapView::formatNumber(weight));
        }
        return lines.join(QLatin1Char('\n'));
    }

    double penWidth(bool hot) const {
        return scaledPenWidth(hot ? kHotPenWidth : kPenWidth, m_lineScale);
    }

    std::shared_ptr<const core::ModelOutput> m_result;
    int m_layer = 0; // the layer whose heads are drawn
    double m_lineScale = 1.0;
    LinesView::Contrast m_contrast = LinesView::Contrast::RowMaximum;
    // Row maxima of the maps of m_maximaLayer in m_maximaOf, filled per head on demand.
    mutable std::vector<std::vector<double>> m_maxima;
    mutable const core::ModelOutput* m_maximaOf = nullptr;
    mutable int m_maximaLayer = -1;
    std::vector<bool> m_visible;
    LinesView::TokenRef m_hovered, m_pinned;
    int m_drawn = 0;
    int m_lineHeight = 0;
    int m_labelWidths[2] = {0, 0};
};

} // namespace detail

LinesView::LinesView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    // Layer and head of a model of several layers.
    m_pickerBar = new QWidget(this);
    auto* pickerLayout = new QHBoxLayout(m_pickerBar);
    pickerLayout->setContentsMargins(0, 0, 0, 0);
    auto* layerLabel = new QLabel(tr("&Layer:"), m_pickerBar);
    m_layerBox = new CompactComboBox(m_pickerBar);
    m_layerBox->setToolTip(tr("The layer whose heads are drawn; the same as the model bar's."));
    layerLabel->setBuddy(m_layerBox);
    auto* headLabel = new QLabel(tr("&Head:"), m_pickerBar);
    m_headBox = new CompactComboBox(m_pickerBar);
    m_headBox->setToolTip(tr("Draw the lines of one head, or of all heads of the layer."));
    headLabel->setBuddy(m_headBox);
    pickerLayout->addWidget(layerLabel);
    pickerLayout->addWidget(m_layerBox);
    pickerLayout->addSpacing(12);
    pickerLayout->addWidget(headLabel);
    pickerLayout->addWidget(m_headBox);
    pickerLayout->addStretch(1);
    m_pickerBar->hide();
    layout->addWidget(m_pickerBar);
    connect(m_layerBox, &QComboBox::activated, this, [this](int index) {
        setLayer(index);
        emit layerChosen(m_canvas->m_layer);
    });
    connect(m_headBox, &QComboBox::activated, this,
            [this](int index) { showOnlyHead(m_headBox->itemData(index).toInt()); });

    m_toggleBar = new QWidget(this);
    m_toggleLayout = new QHBoxLayout(m_toggleBar);
    m_toggleLayout->setContentsMargins(0, 0, 0, 0);
    m_toggleLayout->setSpacing(8);
    auto* headsLabel = new QLabel(tr("Heads:"), m_toggleBar);
    m_toggleLayout->addWidget(headsLabel);
    m_toggleLayout->addStretch(1);
    layout->addWidget(m_toggleBar);

    // Contrast of the lines, and what opacity means under it.
    auto* contrastBar = new QWidget(this);
    auto* contrastLayout = new QHBoxLayout(contrastBar);
    contrastLayout->setContentsMargins(0, 0, 0, 0);
    auto* contrastLabel = new QLabel(tr("&Opacity:"), contrastBar);
    auto* contrast = new CompactComboBox(contrastBar);
    contrast->setMaxNameChars(48); // the page has room for the whole name
    m_contrastBox = contrast;
    m_contrastBox->addItem(tr("Scaled to each row's maximum"),
                           static_cast<int>(Contrast::RowMaximum));
    m_contrastBox->setItemData(0,
                               tr("Each query's strongest line is fully opaque, the others "
                                  "in proportion: visible on a projector even when a row "
                                  "spreads its weight thinly."),
                               Qt::ToolTipRole);
    m_contrastBox->addItem(tr("Absolute weight"), static_cast<int>(Contrast::Absolute));
    m_contrastBox->setItemData(1,
                               tr("Opacity is the weight itself: rows that spread their weight "
                                  "over many keys look faint, and rows compare directly."),
                               Qt::ToolTipRole);
    m_contrastBox->setToolTip(tr("How the opacity of a line follows its weight. Scaled: weight "
                                 "÷ the largest weight of its query row, so every row's "
                                 "strongest line is fully opaque. Absolute: the weight itself."));
    contrastLabel->setBuddy(m_contrastBox);
    m_hint = new QLabel(contrastBar);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setWordWrap(true); // a narrow tab wraps it rather than cutting it off
    contrastLayout->addWidget(contrastLabel);
    contrastLayout->addWidget(m_contrastBox);
    contrastLayout->addSpacing(12);
    contrastLayout->addWidget(m_hint, 1);
    layout->addWidget(contrastBar);
    connect(m_contrastBox, &QComboBox::activated, this, [this](int index) {
        setContrast(static_cast<Contrast>(m_contrastBox->itemData(index).toInt()));
    });

    m_canvas = new detail::LinesCanvas(this);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::StyledPanel);
    m_scroll->setWidget(m_canvas);
    layout->addWidget(m_scroll, 1);
    updateHint();
}

void LinesView::setContrast(Contrast contrast) {
    m_canvas->m_contrast = contrast;
    const int index = m_contrastBox->findData(static_cast<int>(contrast));
    if (m_contrastBox->currentIndex() != index)
        m_contrastBox->setCurrentIndex(index);
    updateHint();
    m_canvas->update();
}

LinesView::Contrast LinesView::contrast() const {
    return m_canvas->m_contrast;
}

void LinesView::updateHint() {
    m_hint->setText(m_canvas->m_contrast == Contrast::RowMaximum
                        ? tr("Opacity = weight ÷ the row's largest weight. Hover a token to "
                             "follow its lines.")
                        : tr("Opacity = weight. Hover a token to follow its lines."));
}

LinesView::~LinesView() = default;

void LinesView::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_canvas->m_layer = m_layer; // the layer asked for, within the new result's layers
    m_canvas->setResult(std::move(result));
    rebuildHeadToggles();
    rebuildPickers();
}

void LinesView::rebuildPickers() {
    const auto& result = m_canvas->m_result;
    const int layers = result ? result->maps.layers : 0;
    const int heads = result ? result->maps.heads : 0;
    if (m_layerBox->count() != layers) {
        m_layerBox->clear();
        for (int layer = 0; layer < layers; ++layer)
            m_layerBox->addItem(tr("Layer %1").arg(layer + 1), layer);
    }
    m_layerBox->setCurrentIndex(m_canvas->m_layer);
    if (m_headBox->count() != heads + 1) {
        m_headBox->clear();
        m_headBox->addItem(tr("All heads"), -1);
        for (int head = 0; head < heads; ++head)
            m_headBox->addItem(tr("Head %1").arg(head + 1), head);
    }
    syncHeadPicker();
    m_pickerBar->setVisible(layers > 1);
}

void LinesView::syncHeadPicker() {
    // "All heads", the one head shown alone, or nothing chosen for another mix of toggles.
    const auto& visible = m_canvas->m_visible;
    const auto shown = std::count(visible.begin(), visible.end(), true);
    int index = -1;
    if (shown == static_cast<std::ptrdiff_t>(visible.size()))
        index = 0;
    else if (shown == 1)
        index =
            1 + static_cast<int>(std::find(visible.begin(), visible.end(), true) - visible.begin());
    m_headBox->setCurrentIndex(index);
}

void LinesView::setLayer(int layer) {
    // Kept as asked: the result may arrive later (a hidden page follows when it is shown).
    m_layer = std::max(0, layer);
    const int layers = m_canvas->m_result ? m_canvas->m_result->maps.layers : 1;
    layer = std::clamp(layer, 0, std::max(0, layers - 1));
    if (layer == m_canvas->m_layer)
        return;
    m_canvas->m_layer = layer;
    if (m_layerBox->currentIndex() != layer && layer < m_layerBox->count())
        m_layerBox->setCurrentIndex(layer);
    m_canvas->setToolTip(QString());
    m_canvas->update();
}

int LinesView::layer() const {
    return m_canvas->m_layer;
}

void LinesView::showOnlyHead(int head) {
    const int heads = static_cast<int>(m_canvas->m_visible.size());
    for (int h = 0; h < heads; ++h)
        setHeadVisible(h, head < 0 || h == head);
}

void LinesView::setSelection(int, int query, int) {
    m_canvas->m_pinned =
        query >= 0 && query < m_canvas->tokenCount(0) ? TokenRef{0, query} : TokenRef{};
    m_canvas->update();
}

void LinesView::rebuildHeadToggles() {
    const int heads = static_cast<int>(m_canvas->m_visible.size());
    if (heads == m_toggles.size()) {
        for (int h = 0; h < heads; ++h)
            m_toggles[h]->setChecked(m_canvas->m_visible[static_cast<std::size_t>(h)]);
        return;
    }
    qDeleteAll(m_toggles);
    m_toggles.clear();
    for (int h = 0; h < heads; ++h) {
        auto* box = new QCheckBox(QString::number(h + 1), m_toggleBar);
        QPixmap swatch(12, 12);
        swatch.fill(headColor(h));
        box->setIcon(QIcon(swatch));
        box->setChecked(true);
        box->setToolTip(tr("Show the lines of head %1.").arg(h + 1));
        connect(box, &QCheckBox::toggled, this, [this, h](bool on) { setHeadVisible(h, on); });
        m_toggleLayout->insertWidget(1 + h, box);
        m_toggles << box;
    }
}

void LinesView::setHeadVisible(int head, bool visible) {
    if (head < 0 || head >= static_cast<int>(m_canvas->m_visible.size()))
        return;
    m_canvas->m_visible[static_cast<std::size_t>(head)] = visible;
    if (m_toggles[head]->isChecked() != visible)
        m_toggles[head]->setChecked(visible);
    syncHeadPicker();
    m_canvas->update();
}

bool LinesView::isHeadVisible(int head) const {
    return head >= 0 && head < static_cast<int>(m_canvas->m_visible.size()) &&
           m_canvas->m_visible[static_cast<std::size_t>(head)];
}

QColor LinesView::headColor(int head) {
    return QColor::fromRgb(
        kHeadColors[static_cast<std::size_t>(std::max(head, 0)) % kHeadColors.size()]);
}

void LinesView::setHoveredToken(TokenRef token) {
    m_canvas->m_hovered =
        token.index >= 0 && token.index < m_canvas->tokenCount(token.side) ? token : TokenRef{};
    m_canvas->update();
}

LinesView::TokenRef LinesView::hoveredToken() const {
    return m_canvas->m_hovered;
}

LinesView::TokenRef LinesView::tokenAt(const QPoint& canvasPos) const {
    return m_canvas->tokenAt(canvasPos);
}

QPoint LinesView::tokenCenter(TokenRef token) const {
    if (token.index < 0 || token.index >= m_canvas->tokenCount(token.side))
        return {};
    return m_canvas->labelRect(token.side, token.index).center();
}

double LinesView::lineAlpha(int head, int query, int key) const {
    return m_canvas->lineAlpha(head, query, key);
}

int LinesView::drawnLineCount() const {
    return m_canvas->m_drawn;
}

QWidget* LinesView::canvas() const {
    return m_canvas;
}

void LinesView::setLineScale(double scale) {
    m_canvas->m_lineScale = boundedLineScale(scale);
    m_canvas->update();
}

double LinesView::lineScale() const {
    return m_canvas->m_lineScale;
}

double LinesView::penWidth(bool hot) const {
    return m_canvas->penWidth(hot);
}

} // namespace attnlab::ui
