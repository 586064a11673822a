#pragma once
// The Learn page: a class picks a task and the attention settings, presses Start and watches the
// small transformer learn: the heatmaps of every layer and head on a fixed probe example (a
// held-out example of the task) and the loss curve, redrawn as training runs. Training runs on
// a worker thread, one step at a time, so the window stays responsive; Pause cancels the step in
// progress between two blocks of its passes, so it takes effect within a block's time even for
// the largest models the page offers.

#include "core/model/model.h"
#include "core/training/trainer.h"

#include <QList>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QCustomPlot;
class QGridLayout;
class QLabel;
class QCPItemStraightLine;
class QPushButton;
class QSlider;
class QSpinBox;
class QThread;

namespace attnlab::ui {

class HeadScoreTable;
class HeatmapView;

/// A saved snapshot as the page keeps it for the timeline: the evaluation of that step (its
/// head scores) and the probe's maps at that step.
struct LearnSnapshot {
    int step = 0;
    core::training::Evaluation evaluation;
    std::shared_ptr<const core::ModelOutput> probe;
};

/// What the worker hands the page after some steps: the losses since the last frame and the
/// probe example's attention now.
struct LearnFrame {
    int step = 0;                          ///< steps taken
    std::vector<double> steps;             ///< the steps since the last frame …
    std::vector<double> losses;            ///< … and their batch losses
    std::vector<double> accuracies;        ///< … and their batch token accuracies (0 … 1)
    std::vector<double> evaluationSteps;   ///< every held-out evaluation so far …
    std::vector<double> heldOutAccuracies; ///< … and its accuracy (0 … 1)
    std::optional<double> accuracy;        ///< held-out accuracy of the last evaluation, if any
    std::optional<double> alignment;       ///< and the best head's alignment
    std::shared_ptr<const core::ModelOutput> probe; ///< every layer × head on the probe
    /// The trainer's snapshots taken since the last frame (the worker copies what is new, so the
    /// window never reads the trainer while it runs).
    std::vector<LearnSnapshot> snapshots;
    /// In a race, the same of the rival settings' trainer.
    std::shared_ptr<const LearnFrame> rival;
};

class LearnPage : public QWidget {
    Q_OBJECT

public:
    explicit LearnPage(QWidget* parent = nullptr);
    /// Stops the worker (after its step) before the page goes.
    ~LearnPage() override;

    /// The settings the pickers show (with the page's fixed choices: d_model 64, batch 32, one
    /// thread).
    core::training::TrainSettings settings() const;
    /// Shows `settings` in the pickers and starts over with them (while not training).
    void setSettings(const core::training::TrainSettings& settings);

    bool isTraining() const { return m_thread != nullptr; }

    /// The race choice: nothing, or the one setting the rival run changes (dot vs additive
    /// scoring, with vs without √d_k, softmax vs sparsemax, RoPE vs none, …).
    QComboBox* raceChoice() const { return m_raceChoice; }
    /// The rival's settings: the pickers' with the race choice applied; none without a race.
    std::optional<core::training::TrainSettings> rivalSettings() const;
    /// Whether a race is on: both settings train side by side on the same data and seed (loss
    /// graph 1 and the rival's heatmaps are the rival's).
    bool isRacing() const { return m_race != nullptr; }
    /// The rival's heatmaps, layer by layer, head by head (empty without a race).
    QList<HeatmapView*> rivalHeatmapViews() const { return m_rivalViews; }
    /// Steps of the frame on screen.
    int shownStep() const { return m_shownStep; }
    /// The heatmaps on screen: layer by layer, head by head.
    QList<HeatmapView*> heatmapViews() const { return m_views; }
    /// Loss curves: graph 0 the pickers' settings, graph 1 the rival's in a race (the legend
    /// names the setting that differs).
    QCustomPlot* lossPlot() const { return m_plot; }
    /// Accuracy beside the loss: graph 0 the batch's, graph 1 the held-out set's (graph 2 the
    /// rival's held-out accuracy in a race).
    QCustomPlot* accuracyPlot() const { return m_accuracyPlot; }
    /// Steps between frames; 0 = full speed (a frame every 50 ms). Takes effect while training.
    int stepsPerFrame() const { return m_stepsPerFrame; }
    void setStepsPerFrame(int steps);
    /// The probe's maps on screen.
    std::shared_ptr<const core::ModelOutput> shownProbe() const { return m_probe; }
    /// Steps that have a snapshot so far (and the current step): what a strip can show.
    std::vector<int> exportableSteps() const;
    /// Called on the worker thread at every point where a pause can stop a step (between two
    /// blocks of a pass): lets a test pause in the middle of a step. Set while not training.
    void setCancelPointHook(std::function<void()> hook) { m_cancelPointHook = std::move(hook); }

    /// The per-head scores of the step on screen.
    HeadScoreTable* scoreTable() const { return m_scores; }
    /// The timeline: one position per saved snapshot, then the newest frame when it is later
    /// than the last snapshot. Moving it shows that step's heatmaps, scores and curve marker.
    QSlider* timeline() const { return m_timeline; }
    /// The snapshots the timeline holds so far, in order.
    const std::vector<LearnSnapshot>& snapshots() const { return m_snapshots; }
    /// Whether the page shows the newest frame (and keeps doing so as frames arrive) rather than
    /// a snapshot the timeline was moved back to.
    bool followsNewest() const { return m_followNewest; }
    /// The step marked on the loss and accuracy curves; −1 when no marker is shown (the page
    /// shows the newest frame).
    int markedStep() const;

    /// Writes the learning so far as an animated GIF, a frame per snapshot and the current step:
    /// the file `attention-lab train --gif` writes. Not while training. Emits exported() or
    /// exportFailed() (the earlier file is then kept) and returns whether it was written.
    bool exportGif(const QString& path);
    /// Writes a PNG strip of `steps` (each one of exportableSteps()), as `train --strip` does.
    bool exportStrip(const QString& path, const std::vector<int>& steps);
    /// Writes the trained model folder (config, vocabulary, safetensors), as `train --save`
    /// does, so that File → Open Model and --model read it.
    bool saveModel(const QString& folder);

public slots:
    /// Trains on the worker until Pause or the last step.
    void start();
    /// Stops the worker within the step in progress (between two blocks of its passes), leaving
    /// the model, optimiser and data exactly as before that step; trainingStopped() follows.
    /// Safe to call from any thread.
    void pause();
    /// One step on the worker.
    void stepOnce();
    /// Back to step 0 with the pickers' settings (pauses first).
    void reset();
    /// Shows the newest frame again and follows the frames that come (the Live button).
    void showNewest();

signals:
    /// A frame is on screen.
    void frameShown(int step);
    /// The worker has stopped (Pause, Step done, or the last step reached).
    void trainingStopped(int step);
    /// The settings cannot train (the message says why); the page keeps its last model.
    void failed(const QString& message);
    /// A GIF, strip or model folder was written to `path`.
    void exported(const QString& path);
    /// An export could not be written (the message says why).
    void exportFailed(const QString& message);

protected:
    /// The first time the page is shown it makes its model (not at the window's start).
    void showEvent(QShowEvent* event) override;

private:
    void buildPickers(QGridLayout* grid);
    // The race (learn_page_race.cpp).
    void buildRaceChoice();
    /// The names of the pickers' and the rival's settings: the texts of the raced setting.
    QPair<QString, QString> raceNames() const;
    void prepareRacePlots();
    void rebuildRivalViews();
    void showRivalFrame(const LearnFrame& rival);
    void showRivalPosition(int position);
    void launch(int steps);
    void rebuildViews();
    void showFrame(const LearnFrame& frame);
    void updateButtons();
    void chooseGif();
    void chooseStrip();
    void chooseModelFolder();
    /// Runs `write`, reporting its end in the status line and by signal.
    bool runExport(const QString& path, const std::function<void()>& write);
    /// A frame of the trainer now (called by the worker while it runs, else by the window):
    /// the steps after `reported` and the snapshots after `known`, both advanced.
    static LearnFrame makeFrame(const core::training::Trainer& trainer, std::size_t& reported,
                                std::size_t& known);
    /// Timeline positions: the snapshots, then the newest frame when it is later.
    int timelinePositions() const;
    void updateTimeline();
    /// Shows timeline position `position`: its heatmaps, scores and curve marker.
    void showPosition(int position);

    std::unique_ptr<core::training::Trainer> m_ownTrainer; ///< without a race
    std::unique_ptr<core::training::Race> m_race;          ///< in a race
    /// m_ownTrainer or the race's first; the worker's while it runs.
    core::training::Trainer* m_trainer = nullptr;
    QThread* m_thread = nullptr;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_stepsPerFrame{0}; ///< read by the worker between steps
    std::function<void()> m_cancelPointHook;
    int m_shownStep = 0;
    std::shared_ptr<const core::ModelOutput> m_probe;
    // The newest frame, what the window knows of the run without reading the trainer.
    int m_newestStep = 0;
    int m_lastStep = 0;      ///< the run's last step (its settings)
    int m_headsPerLayer = 1; ///< heads per layer of the model
    std::shared_ptr<const core::ModelOutput> m_newestProbe;
    std::vector<LearnSnapshot> m_snapshots;
    bool m_followNewest = true;

    QComboBox* m_task = nullptr;
    QSpinBox* m_length = nullptr;
    QSpinBox* m_layers = nullptr;
    QComboBox* m_heads = nullptr;
    QComboBox* m_scoring = nullptr;
    QComboBox* m_normalizer = nullptr;
    QComboBox* m_positional = nullptr;
    QSpinBox* m_steps = nullptr;
    QSpinBox* m_seed = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_step = nullptr;
    QPushButton* m_reset = nullptr;
    QPushButton* m_exportGif = nullptr;
    QPushButton* m_exportStrip = nullptr;
    QPushButton* m_saveModel = nullptr;
    QLabel* m_status = nullptr;
    QGridLayout* m_viewGrid = nullptr;
    QList<HeatmapView*> m_views;
    QCustomPlot* m_plot = nullptr;
    QCustomPlot* m_accuracyPlot = nullptr;
    QComboBox* m_speed = nullptr;
    HeadScoreTable* m_scores = nullptr;
    QLabel* m_scoresTitle = nullptr;
    QSlider* m_timeline = nullptr;
    QLabel* m_timelineStep = nullptr;
    QPushButton* m_live = nullptr;
    QCPItemStraightLine* m_lossMarker = nullptr;
    QCPItemStraightLine* m_accuracyMarker = nullptr;
    // The race.
    QComboBox* m_raceChoice = nullptr;
    QList<HeatmapView*> m_rivalViews;
    QList<QLabel*> m_raceTitles;
    std::vector<LearnSnapshot> m_rivalSnapshots;
    std::shared_ptr<const core::ModelOutput> m_rivalNewestProbe;
};

} // namespace attnlab::ui
