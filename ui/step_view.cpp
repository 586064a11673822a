#include "step_view.h"

#include "compact_combo_box.h"
#include "core/attention/normalizer.h"
#include "core/teaching/cell_arithmetic.h"
#include "core_text.h"

#include "heatmap_view.h"
#include "matrix_table.h"
#include "positional_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

using core::StageKind;

constexpr int kStepCount = 6;
constexpr int kMaxTermsSpelledOut = 6; // longer sums are summarised

// A model without a trace (imported weights, a transformer read from disk) has only its
// weights: nothing to step through.
// Linear attention forms no scores or logits: its stages are not those this page explains.
bool weightsOnly(const core::ModelOutput& result) {
    return !result.trace || result.config.attention == core::AttentionKind::Linear;
}
// A long input keeps the stages of the heads the pages show only (AttentionController::
// setTracedHeads); another head's come with the run that follows when it is chosen.
bool stagesKept(const core::ModelOutput& result, int head) {
    return result.trace && head >= 0 && head < static_cast<int>(result.trace->heads.size()) &&
           result.trace->heads[static_cast<std::size_t>(head)].hasStages();
}
QString param(double value) {
    return QString::number(value, 'g', 4);
}

int stepOf(StageKind kind) {
    switch (kind) {
    case StageKind::QueryInputs:
    case StageKind::KeyInputs:
        return 0;
    case StageKind::Wq:
    case StageKind::Wk:
    case StageKind::Wv:
        return 1;
    case StageKind::Q:
    case StageKind::K:
    case StageKind::V:
        return 2;
    case StageKind::ScoringWa:
    case StageKind::ScoringW1:
    case StageKind::ScoringW2:
    case StageKind::ScoringV:
    case StageKind::DotProducts:
    case StageKind::Scores:
        return 3;
    case StageKind::Logits:
    case StageKind::MaskedLogits:
        return 4;
    case StageKind::Weights:
    case StageKind::Context:
        return 5;
    }
    return 0;
}

bool isQueryKey(StageKind kind) {
    return kind == StageKind::DotProducts || kind == StageKind::Scores ||
           kind == StageKind::Logits || kind == StageKind::MaskedLogits ||
           kind == StageKind::Weights;
}

QString normalizerName(core::Normalizer normalizer) {
    return coreText(core::normalizerEntry(normalizer).shortName);
}

QString tokenText(const std::vector<core::MapToken>& tokens, int index) {
    if (index < 0 || index >= static_cast<int>(tokens.size()))
        return QString::number(index + 1);
    return QString::fromStdString(tokens[static_cast<std::size_t>(index)].text);
}

// "a₁·b₁ + a₂·b₂ + … = total" for a dot product, spelled out when short.
QString spelledSum(const QVector<double>& a, const QVector<double>& b, double total) {
    if (a.size() > kMaxTermsSpelledOut)
        return StepView::tr("%1 products summed = %2")
            .arg(a.size())
            .arg(HeatmapView::formatNumber(total));
    QStringList terms;
    for (qsizetype i = 0; i < a.size(); ++i)
        terms << QStringLiteral("%1·%2").arg(HeatmapView::formatNumber(a[i]),
                                             HeatmapView::formatNumber(b[i]));
    return terms.join(QStringLiteral(" + ")) + QStringLiteral(" = ") +
           HeatmapView::formatNumber(total);
}

} // namespace

StepView::StepView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    auto* top = new QHBoxLayout;
    auto* headLabel = new QLabel(tr("&Head"), this);
    m_headBox = new CompactComboBox(this);
    m_headBox->setToolTip(tr("The head whose computation is shown stage by stage."));
    m_headBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    headLabel->setBuddy(m_headBox);
    m_formula = new QLabel(this);
    m_formula->setTextFormat(Qt::PlainText);
    m_formula->setWordWrap(true);
    m_formula->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formula->setToolTip(tr("The scoring function and the steps after it, with this result's "
                             "settings filled in."));
    QFont formulaFont = HeatmapView::tokenFont(font());
    formulaFont.setPointSizeF(formulaFont.pointSizeF() * 1.1);
    m_formula->setFont(formulaFont);
    top->addWidget(headLabel);
    top->addWidget(m_headBox);
    top->addSpacing(12);
    top->addWidget(m_formula, 1);
    layout->addLayout(top);

    m_arithmetic = new QLabel(this);
    m_arithmetic->setTextFormat(Qt::PlainText);
    m_arithmetic->setWordWrap(true);
    m_arithmetic->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_arithmetic->setFont(HeatmapView::tokenFont(font()));
    m_arithmetic->setToolTip(tr("How the selected cell is computed from the stages before it."));
    layout->addWidget(m_arithmetic);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_content = new QWidget(m_scroll);
    auto* rows = new QVBoxLayout(m_content);
    rows->setContentsMargins(2, 2, 2, 2);
    rows->setSpacing(10);
    m_scroll->setWidget(m_content);
    layout->addWidget(m_scroll, 1);

    // One row per step: its title, then its stages side by side.
    for (int step = 0; step < kStepCount; ++step) {
        auto* row = new QHBoxLayout;
        row->setSpacing(14);
        auto* label = new QLabel(stepTitle(step), m_content);
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        label->setFixedWidth(170);
        label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        m_stepLabels << label;
        row->addWidget(label, 0, Qt::AlignTop);
        row->addStretch(1);
        rows->addLayout(row);
        m_stepRows << row;
    }
    rows->addStretch(1);
    // The positional encoding gets a row of its own under the step it acts in, as wide as the
    // stages beside it, so that its axes and formula are readable.
    m_positionalRow = new QWidget(m_content);
    auto* positionalLayout = new QHBoxLayout(m_positionalRow);
    positionalLayout->setContentsMargins(0, 0, 0, 0);
    positionalLayout->addSpacing(m_stepLabels.front()->width() + 14); // as the stages
    m_positional = new PositionalView(PositionalView::Size::Large, m_positionalRow);
    m_positional->setObjectName(QStringLiteral("stepPositionalPicture"));
    m_positional->setMinimumSize(m_positional->minimumSizeHint());
    m_positional->setMaximumWidth(900);
    positionalLayout->addWidget(m_positional, 1);
    positionalLayout->addStretch(0);
    m_positionalRow->hide();

    connect(m_headBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index < 0 || index == m_head)
            return;
        m_head = index;
        rebuild();
        emit headChosen(index);
    });
    rebuild();
}

StepView::~StepView() = default;

QString StepView::stepTitle(int step) const {
    switch (step) {
    case 0:
        return tr("1 · Inputs\nOne row per token: its embedding (plus the positional encoding).");
    case 1:
        return tr("2 · Projections\nThe matrices that turn X into queries, keys and values.");
    case 2:
        return tr("3 · Queries, keys, values\nEach token's row of X times W_q, W_k, W_v.");
    case 3:
        return tr("4 · Scores\nHow well each query (row) matches each key (column).");
    case 4:
        return tr("5 · Logits and mask\nDivide by the temperature; hidden keys become −∞.");
    case 5:
        return tr("6 · Weights and context\nNormalise each row, then mix the value vectors.");
    default:
        return {};
    }
}

void StepView::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_result = std::move(result);
    if (isVisible())
        rebuild();
    else
        m_dirty = true;
}

void StepView::setSelection(int head, int query, int key) {
    if (m_result && head >= 0 && head < m_result->maps.heads && head != m_head) {
        m_head = head;
        m_dirty = true;
    }
    if (query >= 0 && key < 0 && m_result && m_head < m_result->maps.heads) {
        // A row without a key: point at the key the row weighs most.
        const auto& argmax = m_result->maps.argmax[m_result->maps.index(0, m_head)];
        key =
            query < static_cast<int>(argmax.size()) ? argmax[static_cast<std::size_t>(query)] : -1;
    }
    m_selectedKind = StageKind::Weights;
    m_selectedRow = key >= 0 ? query : -1;
    m_selectedCol = key >= 0 ? key : -1;
    if (m_dirty && isVisible()) {
        rebuild();
        return;
    }
    if (!m_dirty) {
        applyHighlights();
        updateTexts();
    }
}

void StepView::setColorMap(ColorMap map) {
    m_colorMap = map;
    for (const StageWidgets& widgets : m_widgets)
        widgets.table->setColorMap(map);
    m_positional->setColorMap(map);
}

const std::vector<core::Stage>& StepView::stages() {
    if (m_dirty)
        rebuild();
    return m_stages;
}

MatrixTable* StepView::table(StageKind kind) {
    if (m_dirty)
        rebuild();
    for (const StageWidgets& widgets : m_widgets)
        if (widgets.kind == kind)
            return widgets.table;
    return nullptr;
}

QString StepView::caption(StageKind kind) {
    if (m_dirty)
        rebuild();
    for (const StageWidgets& widgets : m_widgets)
        if (widgets.kind == kind)
            return widgets.caption->text();
    return {};
}

void StepView::selectCell(StageKind kind, int row, int col) {
    if (m_dirty)
        rebuild();
    onCellActivated(kind, row, col);
}

void StepView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_dirty)
        rebuild();
}

int StepView::stageIndex(StageKind kind) const {
    for (std::size_t i = 0; i < m_stages.size(); ++i)
        if (m_stages[i].kind == kind)
            return static_cast<int>(i);
    return -1;
}

void StepView::rebuild() {
    m_dirty = false;
    m_stages.clear();
    const int heads = m_result ? m_result->maps.heads : 0;
    if (m_head >= heads)
        m_head = 0;
    {
        const QSignalBlocker blocker(m_headBox);
        if (m_headBox->count() != heads) {
            m_headBox->clear();
            for (int h = 0; h < heads; ++h)
                m_headBox->addItem(tr("Head %1").arg(h + 1));
        }
        m_headBox->setCurrentIndex(heads > 0 ? m_head : -1);
        m_headBox->setEnabled(heads > 1);
    }
    if (m_result && heads > 0 && !weightsOnly(*m_result) && stagesKept(*m_result, m_head))
        m_stages = core::stepStages(*m_result, m_head);

    std::vector<StageKind> kinds;
    for (const core::Stage& stage : m_stages)
        kinds.push_back(stage.kind);
    if (kinds != m_layoutKinds)
        rebuildLayout();
    updateTables();
    placePositional();

    // Keep the selection while the new result still has that cell.
    const int index = stageIndex(m_selectedKind);
    if (index < 0 || m_selectedRow >= m_stages[static_cast<std::size_t>(index)].values.rows() ||
        m_selectedCol >= m_stages[static_cast<std::size_t>(index)].values.cols()) {
        m_selectedRow = -1;
        m_selectedCol = -1;
    }
    applyHighlights();
    updateTexts();
}

void StepView::rebuildLayout() {
    for (const StageWidgets& widgets : m_widgets)
        delete widgets.box;
    m_widgets.clear();
    m_layoutKinds.clear();
    for (const core::Stage& stage : m_stages) {
        m_layoutKinds.push_back(stage.kind);
        StageWidgets widgets;
        widgets.kind = stage.kind;
        widgets.box = new QWidget(m_content);
        auto* boxLayout = new QVBoxLayout(widgets.box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(2);
        widgets.caption = new QLabel(widgets.box);
        widgets.caption->setTextFormat(Qt::PlainText);
        QFont bold = HeatmapView::tokenFont(font());
        bold.setBold(true);
        widgets.caption->setFont(bold);
        widgets.table = new MatrixTable(widgets.box);
        widgets.table->setColorMap(m_colorMap);
        widgets.table->setColoring(stage.kind == StageKind::Weights
                                       ? MatrixTable::Coloring::Weights
                                       : MatrixTable::Coloring::Signed);
        boxLayout->addWidget(widgets.caption);
        boxLayout->addWidget(widgets.table);
        boxLayout->addStretch(1);
        const StageKind kind = stage.kind;
        connect(widgets.table, &MatrixTable::cellActivated, this,
                [this, kind](int row, int col) { onCellActivated(kind, row, col); });
        QHBoxLayout* row = m_stepRows[stepOf(kind)];
        row->insertWidget(row->count() - 1, widgets.box, 0, Qt::AlignTop);
        m_widgets.push_back(widgets);
    }
    for (int step = 0; step < kStepCount; ++step)
        m_stepLabels[step]->setVisible(!m_stages.empty());
}

void StepView::placePositional() {
    const bool shown = m_result && !m_stages.empty() &&
                       m_result->config.positional != core::PositionalEncoding::None;
    m_positional->setResult(shown ? m_result : nullptr);
    m_positional->setHead(m_head);
    auto* rows = static_cast<QVBoxLayout*>(m_content->layout());
    rows->removeWidget(m_positionalRow);
    m_positionalRow->setVisible(shown);
    if (!shown)
        return;
    // Under the step the encoding acts in: X gets PE added, Q and K are turned, the logits get
    // the bias.
    int step = 0;
    if (m_result->config.positional == core::PositionalEncoding::Rope)
        step = stepOf(StageKind::Q);
    else if (m_result->config.positional == core::PositionalEncoding::Alibi)
        step = stepOf(StageKind::Logits);
    rows->insertWidget(rows->indexOf(m_stepRows[step]) + 1, m_positionalRow);
}

QStringList StepView::axisLabels(core::StageAxis axis, int count) const {
    QStringList labels;
    switch (axis) {
    case core::StageAxis::QueryTokens:
    case core::StageAxis::KeyTokens: {
        const auto& tokens = axis == core::StageAxis::QueryTokens ? m_result->maps.queryTokens
                                                                  : m_result->maps.keyTokens;
        for (int i = 0; i < count; ++i)
            labels << tokenText(tokens, i);
        break;
    }
    case core::StageAxis::Single:
        labels << tr("v");
        break;
    case core::StageAxis::ModelDims:
    case core::StageAxis::HeadDims:
    case core::StageAxis::HiddenDims:
        for (int i = 0; i < count; ++i)
            labels << QString::number(i + 1);
        break;
    }
    return labels;
}

void StepView::updateTables() {
    for (std::size_t i = 0; i < m_stages.size() && i < static_cast<std::size_t>(m_widgets.size());
         ++i) {
        const core::Stage& stage = m_stages[i];
        StageWidgets& widgets = m_widgets[static_cast<qsizetype>(i)];
        widgets.caption->setText(stageCaption(stage));
        widgets.table->setMatrix(stage.values);
        widgets.table->setLabels(axisLabels(stage.rows, static_cast<int>(stage.values.rows())),
                                 axisLabels(stage.cols, static_cast<int>(stage.values.cols())));
    }
}

QString StepView::stageCaption(const core::Stage& stage) const {
    const core::Config& config = m_result->config;
    const bool cross = m_result->maps.cross;
    QString name;
    switch (stage.kind) {
    case StageKind::QueryInputs:
        name = cross ? tr("X_q (query sentence)") : tr("X");
        if (config.positional == core::PositionalEncoding::Sinusoidal)
            name += tr(" + positional encoding");
        break;
    case StageKind::KeyInputs:
        name = tr("X_k (source sentence)");
        if (config.positional == core::PositionalEncoding::Sinusoidal)
            name += tr(" + positional encoding");
        break;
    case StageKind::Wq:
        name = tr("W_q");
        break;
    case StageKind::Wk:
        name = tr("W_k");
        break;
    case StageKind::Wv:
        name = tr("W_v");
        break;
    case StageKind::Q:
        name = cross ? tr("Q = X_q·W_q") : tr("Q = X·W_q");
        if (config.positional == core::PositionalEncoding::Rope)
            name += tr(", rotated (RoPE)");
        break;
    case StageKind::K:
        name = cross ? tr("K = X_k·W_k") : tr("K = X·W_k");
        if (config.positional == core::PositionalEncoding::Rope)
            name += tr(", rotated (RoPE)");
        break;
    case StageKind::V:
        name = cross ? tr("V = X_k·W_v") : tr("V = X·W_v");
        break;
    case StageKind::ScoringWa:
        name = tr("W_a (scoring parameter)");
        break;
    case StageKind::ScoringW1:
        name = tr("W₁ (scoring parameter)");
        break;
    case StageKind::ScoringW2:
        name = tr("W₂ (scoring parameter)");
        break;
    case StageKind::ScoringV:
        name = tr("v (scoring parameter)");
        break;
    case StageKind::DotProducts:
        name = tr("Q·Kᵀ");
        break;
    case StageKind::Scores:
        name = coreText(core::scoringEntry(config.scoring).stageFormula);
        break;
    case StageKind::Logits:
        name = tr("L = S / %1").arg(param(config.temperature));
        if (config.positional == core::PositionalEncoding::Alibi)
            name += tr(" + ALiBi bias");
        break;
    case StageKind::MaskedLogits:
        name = config.mask.kind == core::MaskKind::None ? tr("L masked (no mask: same as L)")
                                                        : tr("L masked (−∞ = hidden key)");
        break;
    case StageKind::Weights:
        name = tr("A = %1(L)").arg(normalizerName(config.normalizer));
        break;
    case StageKind::Context:
        name = tr("C = A·V");
        break;
    }
    return tr("%1   %2 × %3").arg(name).arg(stage.values.rows()).arg(stage.values.cols());
}

QString StepView::scoringFormula(core::ScoringFunction scoring) {
    return coreText(core::scoringEntry(scoring).formula);
}

QString StepView::formulaText() const {
    if (!m_result)
        return tr("No result yet: type a sentence.");
    if (m_result->trace && m_result->config.attention == core::AttentionKind::Linear)
        return tr("Linear attention forms no scores or logits: the weight of key j for query i "
                  "is φ(q_i)·φ(k_j) divided by the row's sum, as the heatmaps show.");
    if (weightsOnly(*m_result))
        return tr("This model keeps only its weights: there are no intermediate stages to show.");
    if (!stagesKept(*m_result, m_head))
        return tr("Computing the stages of head %1: with this many tokens a run keeps only the "
                  "stages of the head shown here.")
            .arg(m_head + 1);
    const core::Config& config = m_result->config;
    QString formula = scoringFormula(config.scoring);
    const core::ScoringEntry& scoring = core::scoringEntry(config.scoring);
    if (scoring.formulaValues)
        formula += stepText(scoring.formulaValues(core::ScoringSetup{config.dK, config.additiveDim,
                                                                     false, config.cosineScale}),
                            &HeatmapView::formatNumber, param);
    QString logits = tr("L = S / T   (T = %1)").arg(param(config.temperature));
    if (config.positional == core::PositionalEncoding::Alibi)
        logits = tr("L = S / T − m·|i − j|   (T = %1, ALiBi)").arg(param(config.temperature));
    return tr("%1\n%2   →   mask: hidden keys −∞   →   A = %3(L) row by row   →   C = A·V")
        .arg(formula, logits, normalizerName(config.normalizer));
}

QString StepView::arithmeticText() const {
    if (!m_result || m_selectedRow < 0 || m_selectedCol < 0 || m_stages.empty())
        return {};
    const int index = stageIndex(m_selectedKind);
    if (index < 0)
        return {};
    const core::Config& config = m_result->config;
    const core::HeadTrace& h = m_result->trace->heads[static_cast<std::size_t>(m_head)];
    const core::Matrix& weights = m_result->maps.weights[m_result->maps.index(0, m_head)];
    const int i = m_selectedRow, c = m_selectedCol;
    const core::Matrix& values = m_stages[static_cast<std::size_t>(index)].values;

    auto rowOf = [](const core::Matrix& m, int r) {
        QVector<double> row;
        for (Eigen::Index k = 0; k < m.cols(); ++k)
            row << m(r, k);
        return row;
    };
    auto columnOf = [](const core::Matrix& m, int col) {
        QVector<double> column;
        for (Eigen::Index k = 0; k < m.rows(); ++k)
            column << m(k, col);
        return column;
    };

    if (isQueryKey(m_selectedKind)) {
        const int j = c;
        const QString q = tokenText(m_result->maps.queryTokens, i);
        const QString k = tokenText(m_result->maps.keyTokens, j);
        QStringList parts;
        // q·k spelled out where the scores are made of it; its value is the model's (the Q·Kᵀ
        // stage, or the scores themselves for dot).
        const core::ScoringEntry& scoring = core::scoringEntry(config.scoring);
        const int dots = stageIndex(StageKind::DotProducts);
        if (dots >= 0 || scoring.scoresAreDotProducts) {
            const double dot =
                dots >= 0 ? m_stages[static_cast<std::size_t>(dots)].values(i, j) : h.scores(i, j);
            parts << tr("q·k = %1").arg(spelledSum(rowOf(h.q, i), rowOf(h.k, j), dot));
        }
        const std::vector<core::ArithmeticStep> steps =
            core::cellArithmetic(*m_result, m_head, i, j);
        // The first step of a dot product repeats what the spelled sum just showed.
        for (std::size_t s = (dots >= 0 || scoring.scoresAreDotProducts) ? 1 : 0; s < steps.size();
             ++s)
            parts << stepText(steps[s], &HeatmapView::formatNumber, param);
        return tr("query “%1” · key “%2”:  %3").arg(q, k, parts.join(QStringLiteral(",   ")));
    }

    switch (m_selectedKind) {
    case StageKind::Context:
        return tr("C[%1, %2] = Σ_j A[%1, j] · V[j, %2] = %3")
            .arg(tokenText(m_result->maps.queryTokens, i))
            .arg(c + 1)
            .arg(spelledSum(rowOf(weights, i), columnOf(h.v, c), h.context(i, c)));
    case StageKind::Q:
    case StageKind::K:
    case StageKind::V: {
        const bool query = m_selectedKind == StageKind::Q;
        const core::Matrix& x = query ? m_result->trace->queryInputs : m_result->trace->keyInputs;
        const core::Matrix& w = m_selectedKind == StageKind::Q   ? h.wq
                                : m_selectedKind == StageKind::K ? h.wk
                                                                 : h.wv;
        const QString name = m_selectedKind == StageKind::Q   ? QStringLiteral("Q")
                             : m_selectedKind == StageKind::K ? QStringLiteral("K")
                                                              : QStringLiteral("V");
        // The model's X·W: before the rotation where RoPE turns it afterwards.
        const core::Matrix& beforeRope =
            m_selectedKind == StageKind::Q ? h.qBeforeRope : h.kBeforeRope;
        const bool rotated = m_selectedKind != StageKind::V && beforeRope.size() > 0;
        const double product = rotated ? beforeRope(i, c) : values(i, c);
        QString text =
            tr("%1[%2, %3] = X[%2] · W_%4[:, %3] = %5")
                .arg(name,
                     tokenText(query ? m_result->maps.queryTokens : m_result->maps.keyTokens, i))
                .arg(c + 1)
                .arg(name.toLower(), spelledSum(rowOf(x, i), columnOf(w, c), product));
        if (rotated)
            text += tr(", then rotated by RoPE → %1").arg(HeatmapView::formatNumber(values(i, c)));
        return text;
    }
    default:
        return tr("%1: row %2, column %3 = %4")
            .arg(stageCaption(m_stages[static_cast<std::size_t>(index)])
                     .section(QLatin1Char(' '), 0, 0))
            .arg(i + 1)
            .arg(c + 1)
            .arg(HeatmapView::formatNumber(values(i, c)));
    }
}

void StepView::onCellActivated(StageKind kind, int row, int col) {
    const int index = stageIndex(kind);
    if (index < 0 || row < 0 || col < 0)
        return;
    m_selectedKind = kind;
    m_selectedRow = row;
    m_selectedCol = col;
    applyHighlights();
    updateTexts();
    if (isQueryKey(kind))
        emit cellSelected(m_head, row, col);
}

void StepView::applyHighlights() {
    const int index = stageIndex(m_selectedKind);
    if (index < 0 || m_selectedRow < 0 || m_selectedCol < 0) {
        for (const StageWidgets& widgets : m_widgets)
            widgets.table->clearHighlight();
        return;
    }
    const std::vector<core::StageHighlight> highlights = core::traceSources(
        m_stages, index, m_selectedRow, m_selectedCol, m_result && m_result->maps.cross);
    for (qsizetype i = 0; i < m_widgets.size(); ++i)
        m_widgets[i].table->setHighlight(highlights[static_cast<std::size_t>(i)]);
}

void StepView::updateTexts() {
    m_formula->setText(formulaText());
    const QString arithmetic = arithmeticText();
    m_arithmetic->setText(arithmetic.isEmpty()
                              ? tr("Click a cell of any stage to see where it comes from.")
                              : arithmetic);
}

} // namespace attnlab::ui
