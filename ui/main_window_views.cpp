#include "main_window.h"

// The heatmaps of the main window: which views exist for the result and the layout, how they are
// arranged and filled, the selected cell, and the view options (layout, colours, zoom).

#include "heatmap_view.h"
#include "mask_painter.h"

#include "color_bar.h"
#include "controls_panel.h"
#include "details_panel.h"
#include "positional_view.h"
#include "teaching_panel.h"

#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QDockWidget>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

constexpr QSize kViewMinimum(200, 180); // at zoom 1; smaller views cannot fit their labels
// The cells of a map (without its labels) at zoom 1 get at least this much: with the default
// six-token sentence a cell is then 33 × 25 pixels, room for a one-decimal weight in the
// interface font, and at 1440 × 900 four to five maps still fit side by side (the rest scroll).
constexpr QSize kMatrixMinimum(200, 150);
constexpr double kZoomStep = 1.2;
// From this many cells over all the heatmaps on screen (n_q · n_k · views) they are filled one
// per event-loop turn: a view of a million cells pools them (about 10 ms), and a dozen views of
// 256 tokens, each a copy of under a millisecond, took about 70 ms to draw in one turn. Below,
// every view is filled, and drawn, at once.
constexpr qint64 kStaggeredViewCells = 512 * 1024;

} // namespace

// ---------------------------------------------------------------------------------------------
// Heatmaps

QVector<MainWindow::Slot> MainWindow::viewSlots() const {
    const int heads = m_result ? m_result->maps.heads : 0;
    QVector<Slot> result;
    if (heads == 0 || modelViewShown())
        return result;
    switch (m_layout) {
    case HeatmapLayout::AllHeads:
        for (int head = 0; head < heads; ++head)
            result.append({head, headTitle(head, heads)});
        if (heads > 1)
            result.append({HeatmapView::MeanOfHeads, headTitle(HeatmapView::MeanOfHeads, heads)});
        break;
    case HeatmapLayout::OneHead:
        result.append({m_focusedHead, headTitle(m_focusedHead, heads)});
        break;
    case HeatmapLayout::Combined:
        // The mean and the maximum over the heads side by side: two ways to combine them.
        result.append({HeatmapView::MeanOfHeads, headTitle(HeatmapView::MeanOfHeads, heads)});
        if (heads > 1)
            result.append({HeatmapView::MaxOfHeads, headTitle(HeatmapView::MaxOfHeads, heads)});
        break;
    }
    return result;
}

void MainWindow::rebuildViews() {
    const QVector<Slot> wanted = viewSlots();
    QVector<int> heads;
    for (const Slot& slot : wanted)
        heads.append(slot.head);
    const bool sameViews = heads == m_activeHeads;

    if (!sameViews) {
        while (m_viewPool.size() < wanted.size()) {
            auto* view = new HeatmapView(m_grid);
            view->setHoverToolTip(true);
            view->setLineScale(m_lineScale);
            connect(view, &HeatmapView::hoverTextChanged, m_hoverLabel, &QLabel::setText);
            connect(view, &HeatmapView::cellClicked, this,
                    [this, view](int query, int key) { onCellClicked(view, query, key); });
            // Queued: the layout change hides and reuses views, this one included.
            connect(
                view, &HeatmapView::enlargeRequested, this,
                [this, view] { toggleEnlarged(view->head()); }, Qt::QueuedConnection);
            m_painter->attach(view);
            m_viewPool.append(view);
        }
        m_activeViews.clear();
        for (int i = 0; i < m_viewPool.size(); ++i) {
            HeatmapView* view = m_viewPool[i];
            if (i < wanted.size()) {
                m_activeViews.append(view);
            } else {
                m_gridLayout->removeWidget(view);
                view->hide();
                view->setData(nullptr, 0); // drop the reference to an old result
            }
        }
        m_activeHeads = heads;
        m_gridColumns = 0; // force a new arrangement
    }
    for (int i = 0; i < m_activeViews.size(); ++i)
        m_activeViews[i]->setTitle(wanted[i].title);
    // The details follow what is on screen: a row selected in a head that is no longer shown
    // moves to the first view shown.
    if (!m_activeHeads.isEmpty() && !m_activeHeads.contains(m_selectedHead)) {
        m_selectedHead = m_activeHeads.front();
        if (m_selectedQuery >= 0)
            refreshDetails();
    }
    applyViewOptions();
    refreshViewData();
    arrangeGrid();
}

void MainWindow::arrangeGrid() {
    const int count = static_cast<int>(m_activeViews.size());
    if (count == 0)
        return;
    // Large enough for the cells to get kMatrixMinimum beside the labels the views draw now.
    QSize minimum(static_cast<int>(kViewMinimum.width() * m_zoom),
                  static_cast<int>(kViewMinimum.height() * m_zoom));
    const QSize matrix(static_cast<int>(kMatrixMinimum.width() * m_zoom),
                       static_cast<int>(kMatrixMinimum.height() * m_zoom));
    for (const HeatmapView* view : std::as_const(m_activeViews))
        if (view->queryCount() > 0)
            minimum = minimum.expandedTo(view->sizeForMatrix(matrix));
    const QSize area = m_scroll->viewport()->size();
    // The column count that gives every view the largest square-ish area on screen, without
    // squeezing views below their minimum width; when the rows do not fit even then, the views
    // keep their minimum height and the area scrolls.
    int columns = 1;
    double best = -1;
    for (int c = 1; c <= count; ++c) {
        const int rows = (count + c - 1) / c;
        const double width =
            static_cast<double>(area.width() - (c - 1) * m_gridLayout->spacing()) / c;
        const double height =
            static_cast<double>(area.height() - (rows - 1) * m_gridLayout->spacing()) / rows;
        if (c > 1 && width < minimum.width())
            break;
        // Labels take more room left of the matrix than below it: a view slightly wider than
        // high shows square cells.
        const double side = std::min(width, height * 1.15);
        if (side > best + 0.5) {
            best = side;
            columns = c;
        }
    }
    // Combined: the mean and the maximum side by side, two choices to compare, when both fit.
    if (m_layout == HeatmapLayout::Combined && count == 2 &&
        area.width() - m_gridLayout->spacing() >= 2 * minimum.width())
        columns = 2;
    for (HeatmapView* view : std::as_const(m_activeViews))
        view->setMinimumSize(minimum);
    if (columns == m_gridColumns)
        return;
    m_gridColumns = columns;
    for (HeatmapView* view : std::as_const(m_viewPool))
        m_gridLayout->removeWidget(view);
    for (int r = 0; r < m_gridLayout->rowCount(); ++r)
        m_gridLayout->setRowStretch(r, 0);
    for (int c = 0; c < m_gridLayout->columnCount(); ++c)
        m_gridLayout->setColumnStretch(c, 0);
    for (int i = 0; i < count; ++i) {
        m_gridLayout->addWidget(m_activeViews[i], i / columns, i % columns);
        m_activeViews[i]->show();
    }
    for (int r = 0; r < (count + columns - 1) / columns; ++r)
        m_gridLayout->setRowStretch(r, 1);
    for (int c = 0; c < columns; ++c)
        m_gridLayout->setColumnStretch(c, 1);

    QWidget* previous = m_scaleBox;
    for (HeatmapView* view : std::as_const(m_activeViews)) {
        setTabOrder(previous, view);
        previous = view;
    }
}

void MainWindow::refreshViewData() {
    // A large result takes tens of milliseconds per view (pooling millions of cells): one view
    // per turn of the event loop then, so that typing and the progress bar never stall for the
    // sum of them. Each view schedules the next once it is done (timers due together would run
    // back to back in one turn). The first waits for a turn of its own too: the turn that takes
    // the result in already lays out its token strips and its details chart (at 4096 tokens the
    // two together made a 50 ms turn). A newer refresh makes the pending ones stale.
    const quint64 refresh = m_viewFills.start();
    const qint64 cells = m_result ? static_cast<qint64>(m_result->maps.queryTokens.size()) *
                                        static_cast<qint64>(m_result->maps.keyTokens.size()) *
                                        m_activeViews.size()
                                  : 0;
    if (cells >= kStaggeredViewCells) {
        if (!m_activeViews.isEmpty())
            scheduleViewFill(0, refresh);
        return;
    }
    for (int i = 0; i < m_activeViews.size(); ++i)
        fillView(i);
}

void MainWindow::scheduleViewFill(int index, quint64 refresh) {
    // A timer, not a queued call: queued calls posted while the event loop delivers posted
    // events run in the same turn, timers wait for the next.
    ++m_pendingViewFills;
    QTimer::singleShot(1, Qt::PreciseTimer, this, [this, refresh, index] {
        --m_pendingViewFills;
        fillViewsFrom(index, refresh);
    });
}

void MainWindow::fillViewsFrom(int index, quint64 refresh) {
    if (!m_viewFills.isCurrent(refresh) || index >= m_activeViews.size())
        return;
    fillView(index);
    if (index + 1 < m_activeViews.size())
        scheduleViewFill(index + 1, refresh);
}

void MainWindow::fillView(int index) {
    HeatmapView* view = m_activeViews[index];
    view->setData(m_result, m_activeHeads[index], m_layer);
    // The selection follows the data: same row and key while they exist.
    view->setSelection(shownQuery(), shownKey());
}

bool MainWindow::cellValuesShown() const {
    return ui::cellValuesShown(m_cellValues, m_result.get());
}

void MainWindow::applyViewOptions() {
    const bool values = cellValuesShown();
    const bool perHead = m_colorScale == ColorScale::PerHead;
    const double high = m_colorScale == ColorScale::Fitted && m_result
                            ? largestWeight(*m_result, m_layer, m_activeHeads)
                            : 1.0;
    for (HeatmapView* view : std::as_const(m_activeViews)) {
        view->setColorMap(m_colorMap);
        view->setShowValues(values);
        view->setColorBarVisible(perHead);
        if (perHead)
            view->setAutoRange();
        else
            view->setValueRange(0.0, high);
    }
    m_colorBar->setColorMap(m_colorMap);
    m_colorBar->setRange(0.0, high);
    m_colorBar->setVisible(!perHead && !m_activeViews.isEmpty());
    refreshModelView();
}

void MainWindow::updateHeadPicker() {
    const int heads = m_result ? m_result->maps.heads : 0;
    const bool oneHead = m_layout == HeatmapLayout::OneHead;
    m_headPicker->setVisible(oneHead);
    m_headPickerLabel->setVisible(oneHead);
    if (m_headPicker->count() != heads + 2) {
        m_headPicker->clear();
        for (int head = 0; head < heads; ++head)
            m_headPicker->addItem(headTitle(head, heads), head);
        m_headPicker->addItem(headTitle(HeatmapView::MeanOfHeads, heads), HeatmapView::MeanOfHeads);
        m_headPicker->addItem(headTitle(HeatmapView::MaxOfHeads, heads), HeatmapView::MaxOfHeads);
    }
    const int index = m_headPicker->findData(m_focusedHead);
    if (index >= 0)
        m_headPicker->setCurrentIndex(index);
}

void MainWindow::selectInitialRow() {
    // The first result opens with a row in the details panel, so that a newcomer sees what a
    // click does: the row of "it" when the sentence has one (the classic "what does it refer
    // to" question of the default sentence), else the first row; its strongest key marked.
    m_selectedOnce = true;
    const auto& tokens = m_result->maps.queryTokens;
    int query = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].text == "it") {
            query = static_cast<int>(i);
            break;
        }
    const int heads = m_result->maps.heads;
    m_selectedHead = heads > 1 ? HeatmapView::MeanOfHeads : 0;
    m_selectedQuery = query;
    m_selectedKey = -1;
    const core::Matrix& weights =
        m_result->maps.weightsOf(m_layer, heads > 1 ? HeatmapView::MeanOfHeads : 0);
    if (query < weights.rows() && weights.cols() > 0 && m_result->maps.allowed.row(query).any()) {
        Eigen::Index key = 0;
        weights.row(query).maxCoeff(&key);
        m_selectedKey = static_cast<int>(key);
    }
}

void MainWindow::onCellClicked(HeatmapView* view, int query, int key) {
    m_selectedOnce = true;
    m_selectedHead = view->head();
    m_selectedQuery = query;
    m_selectedKey = key;
    for (HeatmapView* other : std::as_const(m_activeViews))
        if (other != view)
            other->setSelection(query, key);
    m_teaching->setSelection(m_selectedHead, query, key);
    if (!m_detailsDock->isVisible())
        m_detailsDock->show();
    refreshDetails();
}

void MainWindow::onTeachingCellSelected(int head, int query, int key) {
    m_selectedOnce = true;
    m_selectedHead = head;
    m_selectedQuery = query;
    m_selectedKey = key;
    for (HeatmapView* view : std::as_const(m_activeViews))
        view->setSelection(query, key);
    refreshDetails();
    scheduleSave();
}

int MainWindow::shownQuery() const {
    if (!m_result || m_selectedQuery < 0 || m_result->maps.queryTokens.empty())
        return -1;
    // While the sentence is shorter than the selected row (being retyped), the last row stands
    // in, so the panel follows the word being typed; the selected row comes back with the words.
    return std::min(m_selectedQuery, static_cast<int>(m_result->maps.queryTokens.size()) - 1);
}

int MainWindow::shownKey() const {
    if (!m_result || m_selectedKey >= static_cast<int>(m_result->maps.keyTokens.size()))
        return -1;
    return m_selectedKey;
}

void MainWindow::refreshDetails() {
    m_controls->positionalView()->setHead(m_selectedHead);
    const int query = shownQuery();
    if (query < 0) {
        m_details->clear();
        return;
    }
    m_details->setRow(m_result, m_selectedHead, query, shownKey(), m_layer);
}

QList<HeatmapView*> MainWindow::heatmapViews() const {
    return QList<HeatmapView*>(m_activeViews.begin(), m_activeViews.end());
}

HeatmapView* MainWindow::viewForHead(int head) const {
    const qsizetype index = m_activeHeads.indexOf(head);
    return index >= 0 ? m_activeViews[index] : nullptr;
}

// ---------------------------------------------------------------------------------------------
// View options

void MainWindow::setHeatmapLayout(HeatmapLayout layout) {
    m_layout = layout;
    m_modelView = false;
    syncViewActions();
    updateHeadPicker();
    rebuildViews();
    scheduleSave();
}

void MainWindow::toggleEnlarged(int head) {
    if (m_layout == HeatmapLayout::OneHead) {
        setHeatmapLayout(HeatmapLayout::AllHeads);
        return;
    }
    setFocusedHead(head);
    setHeatmapLayout(HeatmapLayout::OneHead);
}

void MainWindow::setFocusedHead(int head) {
    const int heads = m_result ? m_result->maps.heads : 1;
    if (head != HeatmapView::MeanOfHeads && head != HeatmapView::MaxOfHeads &&
        (head < 0 || head >= heads))
        head = 0;
    m_focusedHead = head;
    updateHeadPicker();
    if (m_layout == HeatmapLayout::OneHead)
        rebuildViews();
    scheduleSave();
}

void MainWindow::setColorMap(ColorMap map) {
    m_colorMap = map;
    m_teaching->setColorMap(map);
    m_controls->positionalView()->setColorMap(map);
    syncViewActions();
    applyViewOptions();
    scheduleSave();
}

void MainWindow::setColorScale(ColorScale scale) {
    if (scale == m_colorScale)
        return;
    m_colorScale = scale;
    syncViewActions();
    applyViewOptions();
    scheduleSave();
}

void MainWindow::setCellValues(CellValues mode) {
    m_cellValues = mode;
    syncViewActions();
    applyViewOptions();
    scheduleSave();
}

void MainWindow::setZoom(double zoom) {
    m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    QFont font = m_grid->font();
    font.setPointSizeF(m_baseFontPointSize * m_zoom);
    m_grid->setFont(font);
    m_colorBar->setFont(font);
    m_gridColumns = 0;
    arrangeGrid();
    scheduleSave();
}

void MainWindow::zoomIn() {
    setZoom(m_zoom * kZoomStep);
}

void MainWindow::zoomOut() {
    setZoom(m_zoom / kZoomStep);
}

void MainWindow::resetZoom() {
    setZoom(1.0);
}

void MainWindow::syncViewActions() {
    const int layout = m_modelView ? -1 : static_cast<int>(m_layout); // −1: the model view
    for (QAction* action : m_layoutActions->actions())
        action->setChecked(action->data().toInt() == layout);
    for (QAction* action : m_colorMapActions->actions())
        action->setChecked(action->data().toInt() == static_cast<int>(m_colorMap));
    for (QAction* action : m_cellValueActions->actions())
        action->setChecked(action->data().toInt() == static_cast<int>(m_cellValues));
    for (QAction* action : m_scaleActions->actions())
        action->setChecked(action->data().toInt() == static_cast<int>(m_colorScale));
    m_scaleBox->setCurrentIndex(m_scaleBox->findData(static_cast<int>(m_colorScale)));
}

} // namespace attnlab::ui
