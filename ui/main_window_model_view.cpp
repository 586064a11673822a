// The model view of the main window: every layer × head of a model as thumbnails on one colour
// scale, chosen beside the layouts (all heads, one head large, combined) and offered only for
// results of several layers; a click opens that map large in the heatmap view, with hover, the
// row's details and export as for any head. The Lines page follows the shown layer too.

#include "main_window.h"

#include "color_bar.h"
#include "compare_view.h"
#include "complexity_view.h"
#include "heatmap_view.h"
#include "lines_view.h"
#include "model_grid.h"
#include "teaching_panel.h"

#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QScrollArea>
#include <QToolButton>

namespace attnlab::ui {

void MainWindow::buildModelView(QHBoxLayout* heatArea) {
    m_modelGridScroll = new QScrollArea(m_scroll->parentWidget());
    m_modelGridScroll->setWidgetResizable(true);
    m_modelGridScroll->setFrameShape(QFrame::NoFrame);
    m_modelGrid = new ModelGridView(m_modelGridScroll);
    m_modelGridScroll->setWidget(m_modelGrid);
    m_modelGridScroll->hide();
    heatArea->insertWidget(heatArea->indexOf(m_scroll) + 1, m_modelGridScroll, 1);
    connect(m_modelGrid, &ModelGridView::thumbnailClicked, this, &MainWindow::openThumbnail);
}

void MainWindow::buildModelViewAction(QMenu* view) {
    m_modelViewAction = view->addAction(tr("&Model: Every Layer and Head"));
    m_modelViewAction->setCheckable(true);
    m_modelViewAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    m_modelViewAction->setData(-1); // not a layout of the heatmaps: see syncViewActions
    m_layoutActions->addAction(m_modelViewAction);
    connect(m_modelViewAction, &QAction::triggered, this, [this] { setModelView(true); });
    m_modelViewAction->setIconText(tr("Model")); // the button's text, short as its neighbours'
    m_modelViewButton->setDefaultAction(m_modelViewAction);
    m_modelViewAction->setEnabled(false); // until a result of several layers
    // The Lines page's own layer picker moves the whole window to that layer (the teaching
    // pages exist by now: the menus are built after the central area).
    connect(m_teaching->linesView(), &LinesView::layerChosen, this, &MainWindow::setShownLayer);
}

bool MainWindow::modelViewShown() const {
    return m_modelView && m_result && m_result->maps.layers > 1;
}

void MainWindow::setModelView(bool on) {
    m_modelView = on && m_result && m_result->maps.layers > 1;
    syncViewActions();
    updateHeadPicker();
    rebuildViews();
    if (modelViewShown())
        m_modelGrid->setFocus();
}

void MainWindow::refreshModelView() {
    if (!m_modelGrid || !m_modelViewAction)
        return; // the window is still being built
    const int layers = m_result ? m_result->maps.layers : 1;
    const bool available = layers > 1;
    m_modelViewAction->setEnabled(available);
    // A disabled button still shows its tooltip: it says why.
    m_modelViewAction->setToolTip(
        available ? tr("Every layer × head as small maps on one colour scale: rows are layers, "
                       "columns heads. Click one to see it large (Ctrl+4).")
                  : tr("The model view shows every layer × head of a model with several layers; "
                       "this result has one layer. Open a model with File → Open Model…."));
    m_modelViewButton->setToolTip(m_modelViewAction->toolTip());
    if (m_modelView && !available) {
        m_modelView = false; // back to the layout chosen before (the views follow it already)
        syncViewActions();
    }
    m_teaching->linesView()->setLayer(m_layer);

    const bool shown = modelViewShown();
    m_modelGridScroll->setVisible(shown);
    m_scroll->setVisible(!shown);
    if (!shown) {
        m_modelGrid->setResult(nullptr); // nothing to draw while hidden
        return;
    }
    m_headPicker->hide();
    m_headPickerLabel->hide();
    m_modelGrid->setResult(m_result);
    m_modelGrid->setColorMap(m_colorMap);
    m_modelGrid->setColorScale(m_colorScale);
    const bool oneHead = m_layout == HeatmapLayout::OneHead && m_focusedHead >= 0 &&
                         m_focusedHead < m_result->maps.heads;
    m_modelGrid->setCurrent(m_layer, oneHead ? m_focusedHead : -1);
    const bool perHead = m_colorScale == ColorScale::PerHead;
    m_colorBar->setColorMap(m_colorMap);
    m_colorBar->setRange(0.0, m_modelGrid->scaleTop());
    m_colorBar->setVisible(!perHead);
}

void MainWindow::openThumbnail(int layer, int head) {
    if (!m_result || layer < 0 || layer >= m_result->maps.layers || head < 0 ||
        head >= m_result->maps.heads)
        return;
    m_modelView = false;
    m_layout = HeatmapLayout::OneHead;
    m_focusedHead = head;
    m_selectedHead = head; // the details follow the map opened
    syncViewActions();
    setShownLayer(layer); // shows the result again: picker, views, details
    if (HeatmapView* view = viewForHead(head))
        view->setFocus();
    scheduleSave();
}

void MainWindow::enableModelPages() {
    for (int tab = 0; tab < m_teaching->count(); ++tab)
        if (m_teaching->widget(tab)->isAncestorOf(m_teaching->linesView()) ||
            (isShowingModel() &&
             m_teaching->widget(tab)->isAncestorOf(m_teaching->compareView())) ||
            m_teaching->widget(tab)->isAncestorOf(m_teaching->complexityView()))
            m_teaching->setTabEnabled(tab, true);
}

} // namespace attnlab::ui
