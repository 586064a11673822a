#include "mask_painter.h"

#include "heatmap_view.h"

#include "core/io/mask_file.h"

#include <QAction>
#include <QKeySequence>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace attnlab::ui {

namespace {

bool hasPadding(const std::vector<core::MapToken>& tokens) {
    return std::any_of(tokens.begin(), tokens.end(),
                       [](const core::MapToken& token) { return token.padding; });
}

} // namespace

MaskPainter::MaskPainter(ConfigSource config, ResultSource result, QObject* parent)
    : QObject(parent), m_config(std::move(config)), m_result(std::move(result)) {
    m_paintAction = new QAction(tr("&Paint Mask"), this);
    m_paintAction->setCheckable(true);
    m_paintAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_paintAction->setToolTip(
        tr("Click or drag over the cells of a heatmap to block them (a stroke that starts on a "
           "blocked cell unblocks); the mask becomes Custom. Esc stops painting (Ctrl+B)."));
    m_paintAction->setStatusTip(m_paintAction->toolTip());
    m_stopAction = new QAction(tr("&Stop Painting"), this);
    m_stopAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stopAction->setToolTip(tr("Leave the paint mode; the heatmaps select rows again (Esc)."));
    m_stopAction->setEnabled(false);
    connect(m_paintAction, &QAction::toggled, this, &MaskPainter::setActive);
    connect(m_stopAction, &QAction::triggered, this, [this] { setActive(false); });
}

MaskPainter::~MaskPainter() = default;

void MaskPainter::setActive(bool active) {
    if (active == m_active)
        return;
    if (!active && m_stroking)
        release(); // the cells painted so far are kept, as one step
    m_active = active;
    m_paintAction->setChecked(active);
    m_stopAction->setEnabled(active);
    for (const QPointer<HeatmapView>& view : std::as_const(m_views))
        if (view)
            view->setPaintMode(active);
    emit activeChanged(active);
}

void MaskPainter::attach(HeatmapView* view) {
    m_views.removeAll(nullptr);
    if (!view || m_views.contains(view))
        return;
    m_views.append(view);
    view->setPaintMode(m_active);
    connect(view, &HeatmapView::paintPressed, this, &MaskPainter::press);
    connect(view, &HeatmapView::paintDragged, this, &MaskPainter::drag);
    connect(view, &HeatmapView::paintReleased, this, &MaskPainter::release);
}

core::Config MaskPainter::withPaintedMask(core::Config config, const core::BoolMatrix& visible) {
    config.mask = core::customMask(visible);
    return config;
}

void MaskPainter::press(int query, int key) {
    if (!m_active || m_stroking)
        return;
    const std::shared_ptr<const core::ModelOutput> result = m_result ? m_result() : nullptr;
    const core::Config config = m_config ? m_config() : core::Config{};
    if (!result || !result->trace) {
        emit refused(tr("A mask can be painted on the program's own attention only: go back to "
                        "the live model first."));
        return;
    }
    const core::AttentionMaps& maps = result->maps;
    if (hasPadding(maps.queryTokens) || hasPadding(maps.keyTokens)) {
        emit refused(tr("The padding mask adds [PAD] tokens, which a painted mask cannot keep: "
                        "choose another mask first."));
        return;
    }
    const auto nq = static_cast<Eigen::Index>(maps.queryTokens.size());
    const auto nk = static_cast<Eigen::Index>(maps.keyTokens.size());
    if (result->config.sentence != config.sentence || result->config.source != config.source ||
        maps.allowed.rows() != nq || maps.allowed.cols() != nk) {
        emit refused(tr("The heatmaps still show an earlier sentence: correct the error above "
                        "first, then paint."));
        return;
    }
    if (query < 0 || query >= nq || key < 0 || key >= nk)
        return;
    m_stroking = true;
    m_before = config;
    m_start = maps.allowed;
    m_visible = m_start;
    // The first cell decides: a visible one starts a stroke that blocks, a blocked one a stroke
    // that unblocks.
    m_blocking = m_visible(query, key);
    m_lastQuery = query;
    m_lastKey = key;
    paintCell(query, key);
    emit previewRequested(withPaintedMask(m_before, m_visible));
}

void MaskPainter::drag(int query, int key) {
    if (!m_stroking || query < 0 || key < 0 || query >= m_visible.rows() ||
        key >= m_visible.cols() || (query == m_lastQuery && key == m_lastKey))
        return;
    // A quick drag skips cells between two mouse events: paint the cells on the line between.
    const int steps = std::max(std::abs(query - m_lastQuery), std::abs(key - m_lastKey));
    bool changed = false;
    for (int s = 1; s <= steps; ++s) {
        const double t = static_cast<double>(s) / steps;
        const int q = static_cast<int>(std::lround(m_lastQuery + t * (query - m_lastQuery)));
        const int k = static_cast<int>(std::lround(m_lastKey + t * (key - m_lastKey)));
        const bool before = m_visible(q, k);
        paintCell(q, k);
        changed = changed || m_visible(q, k) != before;
    }
    m_lastQuery = query;
    m_lastKey = key;
    if (changed)
        emit previewRequested(withPaintedMask(m_before, m_visible));
}

void MaskPainter::paintCell(int query, int key) {
    m_visible(query, key) = !m_blocking;
}

void MaskPainter::release() {
    if (!m_stroking)
        return;
    m_stroking = false;
    const auto cells = static_cast<int>((m_visible != m_start).count());
    if (cells > 0)
        emit strokeFinished(m_before, withPaintedMask(m_before, m_visible), m_blocking, cells);
}

} // namespace attnlab::ui
