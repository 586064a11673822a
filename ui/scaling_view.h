#pragma once
// Why scores are divided by √d_k: three line charts over d_k = 1 … 512 (log axis) from random q
// and k — Var(q·k), the mean softmax entropy and the mean largest weight — each with and
// without the 1/√d_k scaling, and a histogram of the current head's raw scores. The study runs
// on a worker thread; the charts fill in when it is done.

#include "core/model/builtin_model.h"
#include "core/teaching/scaling_study.h"

#include <QThreadPool>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPGraph;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace attnlab::ui {

class ScalingView : public QWidget {
    Q_OBJECT

public:
    explicit ScalingView(QWidget* parent = nullptr);
    /// Waits for a running study to finish.
    ~ScalingView() override;

    /// The head whose raw scores the histogram shows, and whose d_k is marked on the charts.
    void setResult(std::shared_ptr<const core::ModelOutput> result);
    void setSelection(int head, int query, int key);

    /// Starts the study with `keys` keys per query and `seed` (also done on the first show).
    void runStudy(int keys, std::uint64_t seed);
    /// The study on screen; empty points until the first one finishes.
    const core::ScalingStudy& study() const { return m_study; }
    bool isRunning() const { return m_running; }
    /// Blocks until the running study has been delivered (tests).
    void waitForStudy();

    /// Histogram of the shown head's raw scores as drawn.
    const core::Histogram& histogram() const { return m_histogram; }
    int histogramHead() const { return m_head; }

    QCustomPlot* variancePlot() const { return m_variance; }
    QCustomPlot* entropyPlot() const { return m_entropy; }
    QCustomPlot* maxWeightPlot() const { return m_maxWeight; }
    QCustomPlot* histogramPlot() const { return m_histogramPlot; }

signals:
    /// A study finished and is on screen.
    void studyFinished();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onStudyDone(const core::ScalingStudy& study, quint64 generation);
    void fillCharts();
    void updateHistogram();
    void updateMarkers();

    QSpinBox* m_keys = nullptr;
    QPushButton* m_resample = nullptr;
    QLabel* m_status = nullptr;
    QCustomPlot* m_variance = nullptr;
    QCustomPlot* m_entropy = nullptr;
    QCustomPlot* m_maxWeight = nullptr;
    QCustomPlot* m_histogramPlot = nullptr;
    QCPBars* m_bars = nullptr;
    QLabel* m_histogramLabel = nullptr;

    QThreadPool m_pool;
    core::ScalingStudy m_study;
    std::uint64_t m_seed = 2017;
    quint64 m_generation = 0;
    bool m_running = false;
    bool m_started = false;

    std::shared_ptr<const core::ModelOutput> m_result;
    int m_head = 0;
    core::Histogram m_histogram;
    bool m_histogramDirty = false;
};

} // namespace attnlab::ui
