#pragma once
// The complexity lab as a teaching page: the user chooses kinds of attention (dense, tiled,
// sparse patterns, linear with a feature map), lengths n, d_k and heads; the core's lab
// (core/efficient/complexity.h) runs on a worker with progress and Cancel, the newest run
// winning; log–log charts of time and peak memory against n show one graph per kind with its
// fitted slope; beside them the tutorial's table and, per kind, where the measurements agree or
// disagree with it (core::compareWithTutorial); below, the approximation error of the linear and
// sparse kinds against exact attention. The chart exports to PNG or SVG and the table to the same
// CSV as `attention-lab complexity --csv`. The page computes nothing itself.

#include "core/efficient/complexity.h"
#include "core/efficient/complexity_report.h"
#include "core/io/lesson_complexity.h"

#include <QStringList>
#include <QThreadPool>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace attnlab::ui {

class ComplexityView : public QWidget {
    Q_OBJECT

public:
    explicit ComplexityView(QWidget* parent = nullptr);
    /// Cancels a running measurement and waits for it to stop.
    ~ComplexityView() override;

    /// The settings as typed, or nullopt with a message a user can act on in `error`.
    std::optional<core::ComplexityConfig> configFromInputs(QString* error = nullptr) const;
    /// The same settings as arguments of `attention-lab complexity` (after the word itself).
    QStringList commandArguments() const;
    /// The inputs as a session stores them (its "complexity" member), or nullopt when they are
    /// refused (configFromInputs).
    std::optional<core::SessionComplexity> parameters() const;
    /// Fills the inputs from a session's "complexity": each kind the boxes offer ticks its box
    /// (the first window, block and linear kind; the boxes keep their order), any other goes to
    /// More kinds; the other boxes are cleared. Emits parametersChanged() once. Does not run.
    void setParameters(const core::SessionComplexity& parameters);

    /// Starts a measurement with the typed settings, cancelling one that runs (the newest run
    /// wins). Returns false, with the reason shown under the inputs, when the settings are
    /// refused.
    bool run();
    /// Asks the running measurement to stop at its next point.
    void cancel();
    bool isRunning() const { return m_running; }

    /// The measurement on screen (none before the first one finishes).
    const std::optional<core::ComplexityResult>& result() const { return m_result; }
    const std::vector<core::ComplexityFinding>& findings() const { return m_findings; }

    /// Writes the table on screen as CSV (core::complexityCsv, atomically). False with a
    /// message in `error` when there is nothing to write or the file cannot be written.
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    /// Writes both charts, one above the other, as PNG or SVG by the extension, atomically.
    bool exportChart(const QString& path, QString* error = nullptr) const;

    // The parts, for tests and for the window.
    QCheckBox* kindBox(const QString& family) const; ///< "dense", "tiled", "window", "block",
                                                     ///< "linear"
    QComboBox* featureMapBox() const { return m_featureMap; }
    QLineEdit* otherKindsEdit() const { return m_otherKinds; }
    QLineEdit* sizesEdit() const { return m_sizes; }
    QSpinBox* dKBox() const { return m_dK; }
    QSpinBox* headsBox() const { return m_heads; }
    QSpinBox* budgetBox() const { return m_budget; }
    QLabel* inputMessage() const { return m_inputMessage; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* verdictLabel() const { return m_verdicts; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }
    QCustomPlot* timePlot() const { return m_timePlot; }
    QCustomPlot* memoryPlot() const { return m_memoryPlot; }
    QTableWidget* tutorialTable() const { return m_tutorial; }
    QTableWidget* errorTable() const { return m_errors; }

signals:
    /// A measurement finished and is on screen.
    void runFinished();
    /// The running measurement stopped after cancel().
    void runCancelled();
    /// The running measurement failed; `message` is shown on the page.
    void runFailed(const QString& message);
    /// The user (or setParameters) changed a kind, a length, d_k, heads or the budget.
    void parametersChanged();

private:
    void onProgress(quint64 generation, int done, int total);
    void onDone(quint64 generation, std::shared_ptr<core::ComplexityResult> result,
                const QString& failure, bool cancelled);
    void fillCharts();
    void fillVerdicts();
    void fillErrors();
    void exportChartDialog();
    void exportCsvDialog();
    void setRunning(bool running);

    QCheckBox* m_dense = nullptr;
    QCheckBox* m_tiled = nullptr;
    QCheckBox* m_window = nullptr;
    QSpinBox* m_windowSize = nullptr;
    QCheckBox* m_block = nullptr;
    QSpinBox* m_blockSize = nullptr;
    QCheckBox* m_linear = nullptr;
    QComboBox* m_featureMap = nullptr;
    QLineEdit* m_otherKinds = nullptr;
    QLineEdit* m_sizes = nullptr;
    QSpinBox* m_dK = nullptr;
    QSpinBox* m_heads = nullptr;
    QSpinBox* m_budget = nullptr;
    QLabel* m_inputMessage = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_exportChart = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QCustomPlot* m_timePlot = nullptr;
    QCustomPlot* m_memoryPlot = nullptr;
    QLabel* m_notes = nullptr;
    QTableWidget* m_tutorial = nullptr;
    QLabel* m_verdicts = nullptr;
    QTableWidget* m_errors = nullptr;

    QThreadPool m_pool;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    bool m_running = false;
    bool m_settingParameters = false; ///< setParameters() emits parametersChanged() once
    std::optional<core::ComplexityResult> m_result;
    std::vector<core::ComplexityFinding> m_findings;
};

} // namespace attnlab::ui
