#include "learn_page.h"

#include "compact_combo_box.h"
#include "heatmap_view.h"
#include "learn_scores.h"

#include "core/film/learning_film.h"
#include "core/trained/trained_model.h"
#include "core/training/model_folder.h"
#include "core/training/trainer.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShowEvent>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>
#include <thread>

namespace attnlab::ui {

namespace {

namespace training = core::training;

// Frames at most this often: about 20 redraws a second while training runs.
constexpr auto kFrameInterval = std::chrono::milliseconds(50);
// At a chosen number of steps per frame, each frame stays this long so a class can follow it.
constexpr auto kSlowFrameInterval = std::chrono::milliseconds(100);
// How often a worker that waits for the next frame checks for Pause.
constexpr auto kPauseCheck = std::chrono::milliseconds(5);

void addChoice(QComboBox* box, const QString& text, const char* value) {
    box->addItem(text, QString::fromLatin1(value));
}

void selectValue(QComboBox* box, const std::string& value) {
    const int index = box->findData(QString::fromStdString(value));
    if (index >= 0)
        box->setCurrentIndex(index);
}

std::string valueOf(const QComboBox* box) {
    return box->currentData().toString().toStdString();
}

// The probe example's maps through the trainer's weights now.
std::shared_ptr<const core::ModelOutput> probeOf(const training::Trainer& t) {
    const core::TrainedInput input = core::trainedInputOf(t.probe(), t.task().vocabulary(), 0);
    return std::make_shared<const core::ModelOutput>(core::trainedModelOutput(
        t.modelConfig(), t.parameters(), t.task().vocabulary(), input, core::Config{},
        std::string(training::toString(t.settings().task.kind))));
}

// Copies the trainer's snapshots after `known` into `into`, with the probe's maps, and advances
// `known`. Called after every step: a snapshot is taken at the end of a step, so the weights
// are still those of its step.
void collectSnapshots(const training::Trainer& t, std::size_t& known,
                      std::vector<LearnSnapshot>& into) {
    const auto& snapshots = t.snapshots();
    for (; known < snapshots.size(); ++known) {
        LearnSnapshot snapshot;
        snapshot.evaluation = snapshots[known].evaluation;
        snapshot.step = snapshot.evaluation.step;
        if (snapshot.step == t.step())
            snapshot.probe = probeOf(t);
        into.push_back(std::move(snapshot));
    }
}

// A vertical line on `plot` marking the step a scrubbed-back timeline shows.
QCPItemStraightLine* addMarker(QCustomPlot* plot) {
    auto* line = new QCPItemStraightLine(plot);
    line->setPen(QPen(QColor(30, 90, 200), 1.5, Qt::DashLine));
    line->setVisible(false);
    return line;
}

} // namespace

LearnPage::LearnPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Train a small transformer here and watch its attention form: pick a task and the "
           "attention settings, press Start, and the heatmaps of every layer and head on one "
           "held-out example change as it learns."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* grid = new QGridLayout;
    buildPickers(grid);
    layout->addLayout(grid);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("&Start"), this);
    m_pause = new QPushButton(tr("&Pause"), this);
    m_step = new QPushButton(tr("S&tep"), this);
    m_reset = new QPushButton(tr("&Reset"), this);
    m_start->setToolTip(tr("Train until Pause or the last step."));
    m_step->setToolTip(tr("Take one training step."));
    m_reset->setToolTip(tr("Start over from the seed's initial weights with the settings shown."));
    for (QPushButton* button : {m_start, m_pause, m_step, m_reset})
        buttons->addWidget(button);
    m_speed = new CompactComboBox(this);
    m_speed->addItem(tr("Full speed"), 0);
    m_speed->addItem(tr("1 step per frame"), 1);
    m_speed->addItem(tr("10 steps per frame"), 10);
    m_speed->addItem(tr("100 steps per frame"), 100);
    m_speed->setToolTip(tr("How many training steps each redraw shows; slow speeds show about "
                           "ten frames a second so a class can follow every change."));
    auto* speedLabel = new QLabel(tr("Spee&d"), this);
    speedLabel->setBuddy(m_speed);
    buttons->addWidget(speedLabel);
    buttons->addWidget(m_speed);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this] { m_stepsPerFrame = m_speed->currentData().toInt(); });
    m_status = new QLabel(this);
    m_status->setWordWrap(true); // a narrow page wraps the step, loss and accuracy line
    m_status->setTextFormat(Qt::PlainText);
    buttons->addWidget(m_status, 1);
    layout->addLayout(buttons);
    connect(m_start, &QPushButton::clicked, this, &LearnPage::start);
    connect(m_pause, &QPushButton::clicked, this, &LearnPage::pause);
    connect(m_step, &QPushButton::clicked, this, &LearnPage::stepOnce);
    connect(m_reset, &QPushButton::clicked, this, &LearnPage::reset);

    auto* timelineRow = new QHBoxLayout;
    auto* timelineLabel = new QLabel(tr("Time&line"), this);
    m_timeline = new QSlider(Qt::Horizontal, this);
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_timeline->setPageStep(1);
    m_timeline->setToolTip(tr("Move back through the saved snapshots to see the heatmaps and "
                              "head scores of an earlier step; at the right end it follows the "
                              "training."));
    timelineLabel->setBuddy(m_timeline);
    m_timelineStep = new QLabel(this);
    m_live = new QPushButton(tr("L&ive"), this);
    m_live->setObjectName(QStringLiteral("live"));
    m_live->setToolTip(tr("Show the newest step again and follow the training."));
    timelineRow->addWidget(timelineLabel);
    timelineRow->addWidget(m_timeline, 1);
    timelineRow->addWidget(m_timelineStep);
    timelineRow->addWidget(m_live);
    layout->addLayout(timelineRow);
    connect(m_timeline, &QSlider::valueChanged, this, [this](int position) {
        m_followNewest = position >= timelinePositions() - 1;
        showPosition(position);
    });
    connect(m_live, &QPushButton::clicked, this, &LearnPage::showNewest);

    auto* exports = new QHBoxLayout;
    m_exportGif = new QPushButton(tr("Export &GIF…"), this);
    m_exportStrip = new QPushButton(tr("Export Str&ip…"), this);
    m_saveModel = new QPushButton(tr("Save &Model…"), this);
    m_exportGif->setObjectName(QStringLiteral("exportGif"));
    m_exportStrip->setObjectName(QStringLiteral("exportStrip"));
    m_saveModel->setObjectName(QStringLiteral("saveModel"));
    m_exportGif->setToolTip(tr("Save the learning so far as an animated GIF for a slide: the "
                               "heatmaps at every snapshot, each with its step. In a race, "
                               "each frame shows your model above the rival."));
    m_exportStrip->setToolTip(tr("Save the heatmaps of chosen steps side by side as one PNG. In "
                                 "a race, your model's row is above the rival's."));
    m_saveModel->setToolTip(tr("Save your trained model (not a race's rival) as a model folder "
                               "that File → Open Model reads."));
    for (QPushButton* button : {m_exportGif, m_exportStrip, m_saveModel})
        exports->addWidget(button);
    exports->addStretch(1);
    layout->addLayout(exports);
    connect(m_exportGif, &QPushButton::clicked, this, &LearnPage::chooseGif);
    connect(m_exportStrip, &QPushButton::clicked, this, &LearnPage::chooseStrip);
    connect(m_saveModel, &QPushButton::clicked, this, &LearnPage::chooseModelFolder);

    auto* views = new QWidget(this);
    m_viewGrid = new QGridLayout(views);
    // The heatmaps are what the class watches: they keep room for their labels even when the
    // window is short, and the curves give way first.
    views->setMinimumHeight(240);
    auto* scoresBox = new QWidget(this);
    auto* scoresLayout = new QVBoxLayout(scoresBox);
    scoresLayout->setContentsMargins(0, 0, 0, 0);
    m_scoresTitle = new QLabel(this);
    m_scores = new HeadScoreTable(this);
    scoresLayout->addWidget(m_scoresTitle);
    scoresLayout->addWidget(m_scores, 1);
    scoresBox->setMinimumWidth(420);
    scoresBox->setMaximumWidth(520);
    auto* middle = new QHBoxLayout;
    middle->addWidget(views, 1);
    middle->addWidget(scoresBox);
    layout->addLayout(middle, 3);

    m_plot = new QCustomPlot(this);
    m_plot->addGraph();
    m_plot->xAxis->setLabel(tr("Step"));
    m_plot->yAxis->setLabel(tr("Loss"));
    m_plot->setToolTip(tr("Loss (cross-entropy of the batch)"));
    m_plot->setMinimumHeight(120);
    m_accuracyPlot = new QCustomPlot(this);
    m_accuracyPlot->addGraph();
    m_accuracyPlot->graph(0)->setName(tr("Batch"));
    m_accuracyPlot->graph(0)->setPen(QPen(QColor(160, 160, 160)));
    m_accuracyPlot->addGraph();
    m_accuracyPlot->graph(1)->setName(tr("Held-out"));
    m_accuracyPlot->graph(1)->setPen(QPen(QColor(200, 60, 30), 2));
    m_accuracyPlot->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    m_accuracyPlot->xAxis->setLabel(tr("Step"));
    m_accuracyPlot->yAxis->setLabel(tr("Token accuracy"));
    m_accuracyPlot->yAxis->setRange(0, 1);
    m_accuracyPlot->legend->setVisible(true);
    m_accuracyPlot->setMinimumHeight(120);
    m_lossMarker = addMarker(m_plot);
    m_accuracyMarker = addMarker(m_accuracyPlot);
    auto* curves = new QHBoxLayout;
    curves->addWidget(m_plot, 1);
    curves->addWidget(m_accuracyPlot, 1);
    layout->addLayout(curves, 1);
    updateButtons();
}

LearnPage::~LearnPage() {
    m_stop = true;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

void LearnPage::showEvent(QShowEvent* event) {
    if (!m_trainer)
        reset();
    QWidget::showEvent(event);
}

void LearnPage::buildPickers(QGridLayout* grid) {
    m_task = new CompactComboBox(this);
    addChoice(m_task, tr("Reverse"), "reverse");
    addChoice(m_task, tr("Copy"), "copy");
    addChoice(m_task, tr("Sort"), "sort");
    addChoice(m_task, tr("Shift"), "shift");
    addChoice(m_task, tr("Matching brackets"), "brackets");
    addChoice(m_task, tr("Induction (… A B … A → B)"), "induction");
    addChoice(m_task, tr("Associative recall"), "recall");
    addChoice(m_task, tr("Translation (English → Chinese)"), "translation");
    addChoice(m_task, tr("Language model (Tang poems)"), "language");
    m_length = new QSpinBox(this);
    m_length->setRange(2, 16);
    m_length->setValue(6);
    m_layers = new QSpinBox(this);
    m_layers->setRange(1, 4);
    m_heads = new CompactComboBox(this);
    for (const char* heads : {"1", "2", "4", "8"})
        addChoice(m_heads, QString::fromLatin1(heads), heads);
    m_scoring = new CompactComboBox(this);
    addChoice(m_scoring, tr("Scaled dot product"), "scaled-dot");
    addChoice(m_scoring, tr("Dot product"), "dot");
    addChoice(m_scoring, tr("General (bilinear)"), "general");
    addChoice(m_scoring, tr("Additive"), "additive");
    addChoice(m_scoring, tr("Cosine"), "cosine");
    m_normalizer = new CompactComboBox(this);
    addChoice(m_normalizer, tr("Softmax"), "softmax");
    addChoice(m_normalizer, tr("Sparsemax"), "sparsemax");
    addChoice(m_normalizer, tr("ReLU (normalised)"), "relu");
    addChoice(m_normalizer, tr("Sigmoid"), "sigmoid");
    m_normalizer->setToolTip(tr("Hardmax is not offered: it has no gradient, so nothing could be "
                                "learned through it."));
    m_positional = new CompactComboBox(this);
    addChoice(m_positional, tr("Learned"), "learned");
    addChoice(m_positional, tr("Sinusoidal"), "sinusoidal");
    addChoice(m_positional, tr("RoPE"), "rope");
    addChoice(m_positional, tr("ALiBi"), "alibi");
    addChoice(m_positional, tr("None"), "none");
    m_steps = new QSpinBox(this);
    m_steps->setRange(1, 100000);
    m_steps->setValue(3000);
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);

    const QList<QPair<QString, QWidget*>> rows = {{tr("&Task"), m_task},
                                                  {tr("&Length"), m_length},
                                                  {tr("La&yers"), m_layers},
                                                  {tr("&Heads"), m_heads},
                                                  {tr("S&coring"), m_scoring},
                                                  {tr("&Normaliser"), m_normalizer},
                                                  {tr("P&ositions"), m_positional},
                                                  {tr("Ste&ps"), m_steps},
                                                  {tr("S&eed"), m_seed}};
    buildRaceChoice();
    for (int i = 0; i < rows.size(); ++i) {
        auto* label = new QLabel(rows[i].first, this);
        label->setBuddy(rows[i].second);
        grid->addWidget(label, i / 3, 2 * (i % 3));
        grid->addWidget(rows[i].second, i / 3, 2 * (i % 3) + 1);
    }
    // A changed setting starts over (the pickers are locked while training runs); before the
    // page was first shown there is nothing to start over.
    const auto changed = [this] {
        if (m_trainer)
            reset();
    };
    auto* raceLabel = new QLabel(tr("R&ace against"), this);
    raceLabel->setBuddy(m_raceChoice);
    grid->addWidget(raceLabel, rows.size() / 3, 0);
    grid->addWidget(m_raceChoice, rows.size() / 3, 1);
    for (QComboBox* box : {m_task, m_heads, m_scoring, m_normalizer, m_positional, m_raceChoice})
        connect(box, &QComboBox::currentIndexChanged, this, changed);
    for (QSpinBox* box : {m_length, m_layers, m_steps, m_seed})
        connect(box, &QSpinBox::valueChanged, this, changed);
}

training::TrainSettings LearnPage::settings() const {
    training::TrainSettings s;
    training::applyTrainSetting(s, "task", valueOf(m_task));
    training::applyTrainSetting(s, "length", std::to_string(m_length->value()));
    training::applyTrainSetting(s, "layers", std::to_string(m_layers->value()));
    training::applyTrainSetting(s, "heads", valueOf(m_heads));
    training::applyTrainSetting(s, "scoring", valueOf(m_scoring));
    training::applyTrainSetting(s, "normalizer", valueOf(m_normalizer));
    training::applyTrainSetting(s, "positional", valueOf(m_positional));
    training::applyTrainSetting(s, "steps", std::to_string(m_steps->value()));
    training::applyTrainSetting(s, "seed", std::to_string(m_seed->value()));
    // One thread: the other core stays free for the window, and OpenMP threads that wait for
    // each other by spinning would stall both on a busy machine (same numbers either way).
    s.threads = 1;
    return s;
}

void LearnPage::setSettings(const training::TrainSettings& s) {
    if (isTraining())
        return;
    const QSignalBlocker blockers[] = {
        QSignalBlocker(m_task),       QSignalBlocker(m_length),  QSignalBlocker(m_layers),
        QSignalBlocker(m_heads),      QSignalBlocker(m_scoring), QSignalBlocker(m_normalizer),
        QSignalBlocker(m_positional), QSignalBlocker(m_steps),   QSignalBlocker(m_seed)};
    selectValue(m_task, training::trainSettingValue(s, "task"));
    m_length->setValue(s.task.length);
    m_layers->setValue(s.layers);
    selectValue(m_heads, training::trainSettingValue(s, "heads"));
    selectValue(m_scoring, training::trainSettingValue(s, "scoring"));
    selectValue(m_normalizer, training::trainSettingValue(s, "normalizer"));
    selectValue(m_positional, training::trainSettingValue(s, "positional"));
    m_steps->setValue(s.steps);
    m_seed->setValue(static_cast<int>(s.seed));
    reset();
}

void LearnPage::reset() {
    if (isTraining()) {
        // Starts over once the worker has stopped.
        connect(
            m_thread, &QThread::finished, this, [this] { reset(); }, Qt::SingleShotConnection);
        pause();
        return;
    }
    try {
        m_trainer = nullptr;
        m_ownTrainer.reset();
        m_race.reset();
        if (const std::optional<training::TrainSettings> rival = rivalSettings()) {
            m_race = std::make_unique<training::Race>(settings(), *rival);
            m_trainer = &m_race->first();
        } else {
            m_ownTrainer = std::make_unique<training::Trainer>(settings());
            m_trainer = m_ownTrainer.get();
        }
    } catch (const std::exception& error) {
        m_status->setText(
            tr("These settings cannot train: %1").arg(QString::fromUtf8(error.what())));
        emit failed(QString::fromUtf8(error.what()));
        updateButtons();
        return;
    }
    m_plot->graph(0)->data()->clear();
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1);
    m_accuracyPlot->graph(0)->data()->clear();
    m_accuracyPlot->graph(1)->data()->clear();
    m_accuracyPlot->xAxis->setRange(0, 1);
    m_shownStep = -1;
    m_snapshots.clear();
    m_rivalSnapshots.clear();
    m_followNewest = true;
    m_headsPerLayer = m_trainer->modelConfig().heads;
    m_lastStep = m_trainer->settings().steps;
    rebuildViews();
    prepareRacePlots();
    std::size_t reported = 0, known = 0;
    LearnFrame frame = makeFrame(*m_trainer, reported, known);
    if (m_race) {
        std::size_t rivalReported = 0, rivalKnown = 0;
        frame.rival = std::make_shared<const LearnFrame>(
            makeFrame(m_race->second(), rivalReported, rivalKnown));
    }
    showFrame(frame);
}

void LearnPage::rebuildViews() {
    for (HeatmapView* view : m_views)
        delete view;
    m_views.clear();
    const training::ModelConfig& c = m_trainer->modelConfig();
    for (int layer = 0; layer < c.layers; ++layer)
        for (int head = 0; head < c.heads; ++head) {
            auto* view = new HeatmapView(this);
            view->setTitle(tr("Layer %1 · head %2").arg(layer + 1).arg(head + 1));
            view->setColorBarVisible(false);
            view->setMinimumSize(120, 120);
            // A race puts a row of titles above both sets of maps.
            m_viewGrid->addWidget(view, layer + (m_race ? 1 : 0), head);
            m_views.append(view);
        }
    // A race's title row takes only its height.
    for (int row = 0; row < m_viewGrid->rowCount(); ++row)
        m_viewGrid->setRowStretch(row, m_race && row == 0 ? 0 : 1);
    rebuildRivalViews();
}

LearnFrame LearnPage::makeFrame(const training::Trainer& t, std::size_t& reported,
                                std::size_t& known) {
    LearnFrame frame;
    collectSnapshots(t, known, frame.snapshots);
    frame.step = t.step();
    const auto& history = t.history();
    for (; reported < history.size(); ++reported) {
        frame.steps.push_back(history[reported].step);
        frame.losses.push_back(history[reported].loss);
        frame.accuracies.push_back(history[reported].accuracy);
    }
    for (const training::Evaluation& evaluation : t.evaluations()) {
        frame.evaluationSteps.push_back(evaluation.step);
        frame.heldOutAccuracies.push_back(evaluation.accuracy);
    }
    if (!t.evaluations().empty()) {
        frame.accuracy = t.evaluations().back().accuracy;
        frame.alignment = t.evaluations().back().alignment;
    }
    frame.probe = !frame.snapshots.empty() && frame.snapshots.back().step == frame.step
                      ? frame.snapshots.back().probe
                      : probeOf(t);
    return frame;
}

void LearnPage::start() {
    if (!m_trainer)
        reset();
    if (!isTraining() && m_trainer)
        launch(m_trainer->settings().steps - m_trainer->step());
}

void LearnPage::stepOnce() {
    if (!m_trainer)
        reset();
    if (!isTraining() && m_trainer)
        launch(1);
}

void LearnPage::pause() {
    m_stop = true;
}

void LearnPage::launch(int steps) {
    if (steps <= 0)
        return;
    m_stop = false;
    training::Trainer* trainer = m_trainer;
    training::Race* race = m_race.get();
    training::Trainer* rival = race ? &race->second() : nullptr;
    m_thread = QThread::create([this, trainer, race, rival, steps] {
        // What each trainer has handed to the window so far, and its snapshots since the last
        // frame.
        struct Handed {
            std::size_t reported = 0, known = 0;
            std::vector<LearnSnapshot> pending;
        };
        Handed mine{trainer->history().size(), trainer->snapshots().size(), {}};
        Handed theirs;
        if (rival)
            theirs = {rival->history().size(), rival->snapshots().size(), {}};
        const auto frameOf = [](const training::Trainer& t, Handed& handed) {
            LearnFrame frame = makeFrame(t, handed.reported, handed.known);
            frame.snapshots.insert(frame.snapshots.begin(),
                                   std::make_move_iterator(handed.pending.begin()),
                                   std::make_move_iterator(handed.pending.end()));
            handed.pending.clear();
            return frame;
        };
        const auto frameNow = [&] {
            LearnFrame frame = frameOf(*trainer, mine);
            if (rival)
                frame.rival = std::make_shared<const LearnFrame>(frameOf(*rival, theirs));
            return frame;
        };
        const auto collect = [&] {
            collectSnapshots(*trainer, mine.known, mine.pending);
            if (rival)
                collectSnapshots(*rival, theirs.known, theirs.pending);
        };
        // Pause cancels the step in progress between two blocks of its passes; the trainer then
        // stands as if the step had never started, so the run resumes bit for bit.
        // In a race it is called from both trainers' threads.
        const core::ProgressCallback cancel = [this](int, int) {
            if (m_cancelPointHook)
                m_cancelPointHook();
            return !m_stop;
        };
        // A race whose step was cancelled in one trainer only first brings the other level.
        const int target = trainer->step() + steps;
        const auto finished = [&] { return trainer->step() >= target && (!race || race->level()); };
        auto last = std::chrono::steady_clock::now();
        while (!finished() && !m_stop) {
            try {
                // An evaluation a pause cancelled is taken first, with the weights of its step.
                trainer->completeEvaluation(cancel);
                if (rival)
                    rival->completeEvaluation(cancel);
                collect();
                if (race)
                    race->step(cancel);
                else
                    trainer->trainStep(cancel);
            } catch (const core::Cancelled&) {
                break;
            }
            collect();
            if (finished())
                break; // the last frame follows the loop
            const int perFrame = m_stepsPerFrame;
            auto now = std::chrono::steady_clock::now();
            if (perFrame > 0) {
                if ((steps - (target - trainer->step())) % perFrame != 0)
                    continue;
                // Holds the frame before it long enough to be seen, still answering Pause.
                while (now - last < kSlowFrameInterval && !m_stop) {
                    std::this_thread::sleep_for(kPauseCheck);
                    now = std::chrono::steady_clock::now();
                }
            } else if (now - last < kFrameInterval) {
                continue;
            }
            last = now;
            QMetaObject::invokeMethod(
                this, [this, frame = frameNow()] { showFrame(frame); }, Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            this, [this, frame = frameNow()] { showFrame(frame); }, Qt::QueuedConnection);
    });
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->deleteLater();
        m_thread = nullptr;
        updateButtons();
        emit trainingStopped(m_trainer->step());
    });
    updateButtons();
    m_thread->start();
}

void LearnPage::showFrame(const LearnFrame& frame) {
    if (frame.rival)
        showRivalFrame(*frame.rival);
    m_snapshots.insert(m_snapshots.end(), frame.snapshots.begin(), frame.snapshots.end());
    m_newestStep = frame.step;
    m_newestProbe = frame.probe;
    QCPGraph* graph = m_plot->graph(0);
    for (std::size_t i = 0; i < frame.steps.size(); ++i)
        graph->addData(frame.steps[i], frame.losses[i]);
    if (!frame.steps.empty()) {
        bool found = false;
        m_plot->xAxis->setRange(0, std::max(1.0, frame.steps.back()));
        double upper = 0.0; // over both curves of a race
        for (int g = 0; g < m_plot->graphCount(); ++g) {
            const QCPRange range = m_plot->graph(g)->getValueRange(found);
            if (found)
                upper = std::max(upper, range.upper);
        }
        if (upper > 0.0)
            m_plot->yAxis->setRange(0, upper * 1.05);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    for (std::size_t i = 0; i < frame.steps.size(); ++i)
        m_accuracyPlot->graph(0)->addData(frame.steps[i], frame.accuracies[i]);
    m_accuracyPlot->graph(1)->setData(
        QVector<double>(frame.evaluationSteps.begin(), frame.evaluationSteps.end()),
        QVector<double>(frame.heldOutAccuracies.begin(), frame.heldOutAccuracies.end()), true);
    m_accuracyPlot->xAxis->setRange(0, std::max(1, frame.step));
    m_accuracyPlot->replot(QCustomPlot::rpQueuedReplot);
    QString status = tr("Step %1 of %2").arg(frame.step).arg(m_lastStep);
    if (!frame.losses.empty())
        status += tr(" · loss %1").arg(frame.losses.back(), 0, 'f', 3);
    if (frame.accuracy)
        status += tr(" · held-out accuracy %1 %").arg(100.0 * *frame.accuracy, 0, 'f', 1);
    if (frame.alignment)
        status += tr(" · alignment %1").arg(*frame.alignment, 0, 'f', 2);
    m_status->setText(status);
    updateTimeline();
    updateButtons();
    emit frameShown(frame.step);
}

void LearnPage::updateButtons() {
    const bool training = isTraining();
    const bool more = m_trainer && m_trainer->step() < m_trainer->settings().steps;
    m_start->setEnabled(!training && more);
    m_step->setEnabled(!training && more);
    m_pause->setEnabled(training);
    m_reset->setEnabled(m_trainer != nullptr);
    for (QPushButton* button : {m_exportGif, m_exportStrip, m_saveModel})
        button->setEnabled(!training && m_trainer != nullptr);
    for (QWidget* picker : {static_cast<QWidget*>(m_task), static_cast<QWidget*>(m_length),
                            static_cast<QWidget*>(m_layers), static_cast<QWidget*>(m_heads),
                            static_cast<QWidget*>(m_scoring), static_cast<QWidget*>(m_normalizer),
                            static_cast<QWidget*>(m_positional), static_cast<QWidget*>(m_steps),
                            static_cast<QWidget*>(m_seed), static_cast<QWidget*>(m_raceChoice)})
        picker->setEnabled(!training);
}

void LearnPage::setStepsPerFrame(int steps) {
    const int index = m_speed->findData(steps);
    if (index >= 0)
        m_speed->setCurrentIndex(index);
    m_stepsPerFrame = std::max(0, steps);
}

std::vector<int> LearnPage::exportableSteps() const {
    if (!m_trainer)
        return {};
    // In a race a frame shows both runs, so only the steps both have heatmaps of.
    return m_race ? core::film::sharedFrameSteps(m_race->first(), m_race->second())
                  : core::film::frameSteps(*m_trainer);
}

bool LearnPage::runExport(const QString& path, const std::function<void()>& write) {
    if (!m_trainer || isTraining()) {
        // The worker owns the trainer while it runs.
        const QString message = tr("Pause the training first.");
        m_status->setText(message);
        emit exportFailed(message);
        return false;
    }
    try {
        write();
    } catch (const std::exception& error) {
        const QString message =
            tr("Cannot write %1: %2")
                .arg(QDir::toNativeSeparators(path), QString::fromUtf8(error.what()));
        m_status->setText(message);
        emit exportFailed(message);
        return false;
    }
    m_status->setText(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    emit exported(path);
    return true;
}

bool LearnPage::exportGif(const QString& path) {
    return runExport(path, [this, &path] {
        if (m_race)
            core::film::writeRaceGif(path.toStdString(), m_race->first(), m_race->second());
        else
            core::film::writeLearningGif(path.toStdString(), core::film::allFrames(*m_trainer));
    });
}

bool LearnPage::exportStrip(const QString& path, const std::vector<int>& steps) {
    return runExport(path, [this, &path, &steps] {
        if (m_race)
            core::film::writeRaceStrip(path.toStdString(), m_race->first(), m_race->second(),
                                       steps);
        else
            core::film::writeLearningStrip(path.toStdString(),
                                           core::film::framesAt(*m_trainer, steps));
    });
}

bool LearnPage::saveModel(const QString& folder) {
    return runExport(
        folder, [this, &folder] { training::saveModelFolder(folder.toStdString(), *m_trainer); });
}

void LearnPage::chooseGif() {
    const QString name = QStringLiteral("learning.gif"); // notr: a file name
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the Learning as a GIF"),
                                                      name, tr("GIF animations (*.gif)"));
    if (!path.isEmpty())
        exportGif(path);
}

void LearnPage::chooseStrip() {
    if (!m_trainer)
        return;
    const std::vector<int> available = exportableSteps();
    QStringList availableText;
    for (int step : available)
        availableText << QString::number(step);
    // Four steps spread over the run so far, each one that has a snapshot.
    std::vector<int> suggested;
    for (std::size_t i :
         {std::size_t{0}, available.size() / 4, available.size() / 2, available.size() - 1})
        if (suggested.empty() || suggested.back() != available[i])
            suggested.push_back(available[i]);
    QStringList suggestedText;
    for (int step : suggested)
        suggestedText << QString::number(step);
    bool ok = false;
    const QString text =
        QInputDialog::getText(this, tr("Export Strip"),
                              tr("Steps to show, separated by commas (these have heatmaps: %1):")
                                  .arg(availableText.join(QStringLiteral(", "))),
                              QLineEdit::Normal, suggestedText.join(QLatin1Char(',')), &ok);
    if (!ok)
        return;
    std::vector<int> steps;
    try {
        steps = core::film::parseStepList(text.toStdString(), m_trainer->step(), {});
    } catch (const std::exception& error) {
        const QString message =
            tr("Cannot export the strip: %1").arg(QString::fromUtf8(error.what()));
        m_status->setText(message);
        emit exportFailed(message);
        return;
    }
    const QString name = QStringLiteral("strip.png"); // notr: a file name
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Strip"), name, tr("PNG images (*.png)"));
    if (!path.isEmpty())
        exportStrip(path, steps);
}

void LearnPage::chooseModelFolder() {
    if (!m_trainer)
        return;
    const QString folder = QFileDialog::getSaveFileName(
        this, tr("Save Model Folder"),
        QString::fromStdString(std::string(training::toString(m_trainer->settings().task.kind))) +
            QStringLiteral("-model"), // notr: a file name suffix
        tr("Model folders (*)"), nullptr, QFileDialog::ShowDirsOnly);
    if (!folder.isEmpty())
        saveModel(folder);
}

} // namespace attnlab::ui
