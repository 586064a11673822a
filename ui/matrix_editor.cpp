#include "matrix_editor.h"

#include "compact_combo_box.h"
#include "matrix_table.h"
#include "sideways_scroll_area.h"

#include "core/embeddings/embeddings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace attnlab::ui {

namespace {

QStringList numbered(int count) {
    QStringList labels;
    for (int i = 0; i < count; ++i)
        labels << QString::number(i + 1);
    return labels;
}

QStringList toQStrings(const std::vector<std::string>& texts) {
    QStringList list;
    for (const std::string& text : texts)
        list << QString::fromStdString(text);
    return list;
}

std::vector<std::string> realTokens(const std::vector<core::MapToken>& tokens) {
    std::vector<std::string> texts;
    for (const core::MapToken& token : tokens)
        if (!token.padding)
            texts.push_back(token.text);
    return texts;
}

// Tokens of `text` under `config`, empty when it cannot be split (the workspace reports why).
std::vector<std::string> tryTokens(const std::string& text, const core::Config& config) {
    try {
        return core::tokenTexts(text, config);
    } catch (const std::exception&) {
        return {};
    }
}

// Width d_model and head width d_k the projections need under `config`; 0 when unknown.
struct ProjectionShape {
    int dModel = 0;
    int dK = 0;
    int heads = 1;
};

ProjectionShape projectionShape(const core::Config& config, int manualWidth) {
    ProjectionShape shape;
    shape.heads = std::clamp(config.heads, 1, 16);
    shape.dModel = config.embeddings == core::EmbeddingSource::Manual ? manualWidth : config.dModel;
    if (config.embeddings == core::EmbeddingSource::File && config.table)
        shape.dModel = config.table->dimension();
    if (config.dK > 0)
        shape.dK = config.dK;
    else if (shape.dModel > 0 && shape.dModel % shape.heads == 0)
        shape.dK = shape.dModel / shape.heads;
    if (shape.dModel < 1 || shape.dK < 1 ||
        static_cast<long long>(shape.dModel) * shape.dK > MatrixEditor::kMaxProjectionCells)
        shape.dK = 0;
    return shape;
}

} // namespace

MatrixEditor::MatrixEditor(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(8);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    // Worked examples.
    auto* presetRow = new QHBoxLayout;
    auto* presetLabel = new QLabel(tr("&Worked example"), content);
    auto* presets = new CompactComboBox(content);
    presets->setMaxNameChars(48); // the page has room for the whole name
    m_presetBox = presets;
    for (core::Preset preset : core::allPresets())
        m_presetBox->addItem(presetTitle(preset), static_cast<int>(preset));
    m_presetBox->setToolTip(tr("Examples from the tutorials, with every number given."));
    presetLabel->setBuddy(m_presetBox);
    m_loadPreset = new QPushButton(tr("&Load example"), content);
    m_loadPreset->setToolTip(tr("Replaces the sentence, the tables and the settings with the "
                                "example's, so the views reproduce the tutorial's numbers."));
    m_copyInUse = new QPushButton(tr("&Copy numbers in use"), content);
    m_copyInUse->setToolTip(tr("Fills the tables with the embeddings and projections the "
                               "workspace uses now (d_model ≤ 8), to change them by hand."));
    presetRow->addWidget(presetLabel);
    presetRow->addWidget(m_presetBox);
    presetRow->addWidget(m_loadPreset);
    presetRow->addSpacing(16);
    presetRow->addWidget(m_copyInUse);
    presetRow->addStretch(1);
    layout->addLayout(presetRow);
    m_presetText = new QLabel(content);
    m_presetText->setWordWrap(true);
    m_presetText->setTextFormat(Qt::PlainText);
    layout->addWidget(m_presetText);
    m_status = new QLabel(content);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);

    // Embeddings.
    auto* xGroup = new QGroupBox(tr("Embeddings X (one row per token)"), content);
    auto* xLayout = new QVBoxLayout(xGroup);
    auto* xControls = new QHBoxLayout;
    m_manualX = new QCheckBox(tr("&Type the embeddings"), xGroup);
    m_manualX->setToolTip(tr("Use the numbers of this table as the token vectors instead of the "
                             "lexicon or a file."));
    auto* widthLabel = new QLabel(tr("&Width d"), xGroup);
    m_widthBox = new QSpinBox(xGroup);
    m_widthBox->setRange(1, kMaxEmbeddingWidth);
    m_widthBox->setValue(m_width);
    m_widthBox->setToolTip(
        tr("Numbers per token vector (d_model), at most %1.").arg(kMaxEmbeddingWidth));
    widthLabel->setBuddy(m_widthBox);
    xControls->addWidget(m_manualX);
    xControls->addSpacing(16);
    xControls->addWidget(widthLabel);
    xControls->addWidget(m_widthBox);
    xControls->addStretch(1);
    xLayout->addLayout(xControls);
    auto* xTables = new QHBoxLayout;
    m_xTable = new MatrixTable(xGroup);
    m_xTable->setAccessibleName(tr("Embeddings of the sentence"));
    m_xkTable = new MatrixTable(xGroup);
    m_xkTable->setAccessibleName(tr("Embeddings of the source sentence"));
    m_xkCaption = new QLabel(tr("Source sentence X_k"), xGroup);
    auto* xBox = new QVBoxLayout;
    xBox->addWidget(new QLabel(tr("Sentence X"), xGroup));
    xBox->addWidget(m_xTable);
    xBox->addStretch(1);
    auto* xkBox = new QVBoxLayout;
    xkBox->addWidget(m_xkCaption);
    xkBox->addWidget(m_xkTable);
    xkBox->addStretch(1);
    xTables->addLayout(xBox);
    xTables->addSpacing(16);
    xTables->addLayout(xkBox);
    xTables->addStretch(1);
    xTables->setContentsMargins(0, 0, 0, 0);
    // A long sentence's table scrolls sideways on its own; the notes keep the page's width.
    xLayout->addWidget(new SidewaysScrollArea(xTables, xGroup));
    m_xNote = new QLabel(xGroup);
    m_xNote->setWordWrap(true);
    m_xNote->setTextFormat(Qt::PlainText);
    m_xNote->setForegroundRole(QPalette::PlaceholderText);
    xLayout->addWidget(m_xNote);
    layout->addWidget(xGroup);

    // Projections.
    auto* wGroup = new QGroupBox(tr("Projections W_q, W_k, W_v (d_model × d_k)"), content);
    auto* wLayout = new QVBoxLayout(wGroup);
    auto* wControls = new QHBoxLayout;
    m_manualW = new QCheckBox(tr("Type the &projections"), wGroup);
    m_manualW->setToolTip(tr("Use the numbers of these tables as W_q, W_k and W_v instead of "
                             "identity slices or random matrices."));
    m_headLabel = new QLabel(tr("&Head"), wGroup);
    m_headBox = new CompactComboBox(wGroup);
    m_headBox->setToolTip(tr("The head whose matrices the tables show."));
    m_headLabel->setBuddy(m_headBox);
    wControls->addWidget(m_manualW);
    wControls->addSpacing(16);
    wControls->addWidget(m_headLabel);
    wControls->addWidget(m_headBox);
    wControls->addStretch(1);
    wLayout->addLayout(wControls);
    auto* wTables = new QHBoxLayout;
    const QString names[3] = {tr("W_q"), tr("W_k"), tr("W_v")};
    for (int i = 0; i < 3; ++i) {
        auto* box = new QVBoxLayout;
        box->addWidget(new QLabel(names[i], wGroup));
        m_wTables[i] = new MatrixTable(wGroup);
        m_wTables[i]->setAccessibleName(names[i]);
        box->addWidget(m_wTables[i]);
        box->addStretch(1);
        wTables->addLayout(box);
        wTables->addSpacing(12);
        connect(
            m_wTables[i], &MatrixTable::valueEdited, this,
            [this, i](int row, int col, double value) { onProjectionEdited(i, row, col, value); });
    }
    wTables->addStretch(1);
    wTables->setContentsMargins(0, 0, 0, 0);
    wLayout->addWidget(new SidewaysScrollArea(wTables, wGroup));
    m_wNote = new QLabel(wGroup);
    m_wNote->setWordWrap(true);
    m_wNote->setTextFormat(Qt::PlainText);
    m_wNote->setForegroundRole(QPalette::PlaceholderText);
    wLayout->addWidget(m_wNote);
    layout->addWidget(wGroup);

    // Scoring settings without a control in the dock.
    auto* sGroup = new QGroupBox(tr("Scoring parameters"), content);
    auto* sForm = new QFormLayout(sGroup);
    sForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    m_cosineScale = new QDoubleSpinBox(sGroup);
    m_cosineScale->setRange(-1000.0, 1000.0);
    m_cosineScale->setDecimals(2);
    m_cosineScale->setValue(10.0);
    m_cosineScale->setToolTip(tr("The factor s of the cosine score s·cos(q, k): cosines lie in "
                                 "[−1, 1], so s sets how sharp the weights can get."));
    sForm->addRow(tr("Cosine scale &s"), m_cosineScale);
    m_additiveWidth = new QSpinBox(sGroup);
    m_additiveWidth->setRange(0, 64);
    m_additiveWidth->setSpecialValueText(tr("d_k"));
    m_additiveWidth->setToolTip(tr("Hidden width d_a of the additive score vᵀ·tanh(W₁q + W₂k); "
                                   "d_k by default."));
    sForm->addRow(tr("Additive width d_&a"), m_additiveWidth);
    auto* sNote = new QLabel(tr("W_a (general) and W₁, W₂, v (additive) come from the seed; the "
                                "Steps page shows their numbers."),
                             sGroup);
    sNote->setWordWrap(true);
    sNote->setForegroundRole(QPalette::PlaceholderText);
    sForm->addRow(sNote);
    layout->addWidget(sGroup);
    layout->addStretch(1);

    connect(m_xTable, &MatrixTable::valueEdited, this,
            [this](int row, int col, double value) { onEmbeddingEdited(false, row, col, value); });
    connect(m_xkTable, &MatrixTable::valueEdited, this,
            [this](int row, int col, double value) { onEmbeddingEdited(true, row, col, value); });
    connect(m_presetBox, &QComboBox::currentIndexChanged, this, [this] {
        m_presetText->setText(
            presetDescription(static_cast<core::Preset>(m_presetBox->currentData().toInt())));
    });
    connect(m_loadPreset, &QPushButton::clicked, this,
            [this] { loadPreset(static_cast<core::Preset>(m_presetBox->currentData().toInt())); });
    connect(m_copyInUse, &QPushButton::clicked, this, &MatrixEditor::copyNumbersInUse);
    connect(m_manualX, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_updating)
            setManualEmbeddings(on);
    });
    connect(m_manualW, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_updating)
            setManualProjection(on);
    });
    connect(m_widthBox, &QSpinBox::valueChanged, this, [this](int width) {
        if (!m_updating)
            setEmbeddingWidth(width);
    });
    connect(m_headBox, &QComboBox::currentIndexChanged, this, [this](int head) {
        if (!m_updating && head >= 0)
            setEditedHead(head);
    });
    connect(m_cosineScale, &QDoubleSpinBox::valueChanged, this, [this](double scale) {
        if (m_updating)
            return;
        core::Config config = baseConfig();
        config.cosineScale = static_cast<float>(scale);
        request(config);
    });
    connect(m_additiveWidth, &QSpinBox::valueChanged, this, [this](int width) {
        if (m_updating)
            return;
        core::Config config = baseConfig();
        config.additiveDim = width;
        request(config);
    });
    m_presetText->setText(presetDescription(core::allPresets().front()));
    refreshControls();
    refreshTables();
}

MatrixEditor::~MatrixEditor() = default;

QString MatrixEditor::presetTitle(core::Preset preset) {
    switch (preset) {
    case core::Preset::ZaoShangHao:
        return tr("Seed 001: 早上好, softmax(XXᵀ)X");
    case core::Preset::TheCatSat:
        return tr("Seed 003: “The cat sat”, d = 4");
    }
    return {};
}

QString MatrixEditor::presetDescription(core::Preset preset) {
    switch (preset) {
    case core::Preset::ZaoShangHao:
        return tr("Three characters with two-number embeddings and no projection: the scores are "
                  "XXᵀ and the output is softmax(XXᵀ)X. The first row of weights is 0.4, 0.4, "
                  "0.2: 早 gives 0.4 of its attention to itself, 0.4 to 上 and 0.2 to 好.");
    case core::Preset::TheCatSat:
        return tr("“The cat sat” with d = 4, small whole-number matrices W_Q, W_K, W_V, "
                  "scaled-dot scores (÷√4 = 2) and softmax. Open the Steps page to follow Q, K, "
                  "V, the scores, the weights and the context vectors line by line.");
    }
    return {};
}

void MatrixEditor::setBaseConfigProvider(std::function<core::Config()> provider) {
    m_baseProvider = std::move(provider);
}

core::Config MatrixEditor::baseConfig() const {
    if (m_baseProvider)
        return m_baseProvider();
    return m_result ? m_result->config : core::Config{};
}

std::vector<std::string> MatrixEditor::queryTokenTexts() const {
    if (m_result)
        return realTokens(m_result->maps.queryTokens);
    const core::Config config = baseConfig();
    return tryTokens(config.sentence, config);
}

void MatrixEditor::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_result = std::move(result);
    // The tables show the numbers in use whenever they fit, typed or not: editing a cell then
    // changes exactly that number and nothing else.
    takeNumbersInUse();
    if (m_result && m_result->config.sentence != m_statusSentence)
        m_status->clear(); // the message was about an earlier sentence
    refreshControls();
    refreshTables();
}

bool MatrixEditor::hasNumbersInUse() const {
    return m_result && m_result->trace && m_result->trace->queryEmbeddings.size() > 0;
}

bool MatrixEditor::takeNumbersInUse() {
    if (!hasNumbersInUse())
        return false; // no result, or a model without the stages
    const core::Trace& trace = *m_result->trace;
    const int dModel = static_cast<int>(trace.queryEmbeddings.cols());
    if (dModel > kMaxEmbeddingWidth)
        return false;
    // The tables hold the embeddings before the positional encoding is added, and no [PAD].
    auto realRows = [](const core::Matrix& embeddings, const std::vector<core::MapToken>& tokens) {
        int real = 0;
        for (const core::MapToken& token : tokens)
            real += token.padding ? 0 : 1;
        return core::Matrix(embeddings.topRows(real));
    };
    m_x = realRows(trace.queryEmbeddings, m_result->maps.queryTokens);
    m_xTokens = realTokens(m_result->maps.queryTokens);
    if (m_result->maps.cross) {
        m_xk = realRows(trace.keyEmbeddings, m_result->maps.keyTokens);
        m_xkTokens = realTokens(m_result->maps.keyTokens);
    }
    m_width = std::max(dModel, 1);
    for (int i = 0; i < 3; ++i) {
        m_w[i].clear();
        for (const core::HeadTrace& head : trace.heads)
            m_w[i].push_back(i == 0 ? head.wq : i == 1 ? head.wk : head.wv);
    }
    return true;
}

core::Config MatrixEditor::applyTo(core::Config config) const {
    if (config.embeddings == core::EmbeddingSource::Manual) {
        const std::vector<std::string> tokens = tryTokens(config.sentence, config);
        config.manualQueryEmbeddings = core::fitManualEmbeddings(m_x, m_xTokens, tokens, m_width);
        if (!config.source.empty()) {
            const std::vector<std::string> source = tryTokens(config.source, config);
            config.manualKeyEmbeddings = core::fitManualEmbeddings(
                m_xk.size() > 0 ? m_xk : m_x, m_xk.size() > 0 ? m_xkTokens : m_xTokens, source,
                m_width);
        } else {
            config.manualKeyEmbeddings = core::Matrix();
        }
        config.dModel = m_width;
    }
    if (config.projection == core::ProjectionInit::Manual) {
        const ProjectionShape shape = projectionShape(config, m_width);
        if (shape.dK > 0) {
            std::vector<core::Matrix>* lists[3] = {&config.manual.wq, &config.manual.wk,
                                                   &config.manual.wv};
            for (int i = 0; i < 3; ++i) {
                lists[i]->clear();
                for (int h = 0; h < shape.heads; ++h) {
                    const core::Matrix old = h < static_cast<int>(m_w[i].size())
                                                 ? m_w[i][static_cast<std::size_t>(h)]
                                                 : core::Matrix();
                    lists[i]->push_back(core::fitManualProjection(old, shape.dModel, shape.dK, h));
                }
            }
        }
    }
    return config;
}

void MatrixEditor::request(core::Config config) {
    emit configRequested(applyTo(std::move(config)));
}

void MatrixEditor::loadPreset(core::Preset preset) {
    const core::Config config = core::presetConfig(preset);
    m_x = config.manualQueryEmbeddings;
    m_xTokens = core::tokenTexts(config.sentence, config);
    m_xk = core::Matrix();
    m_xkTokens.clear();
    m_width = static_cast<int>(m_x.cols());
    m_head = 0;
    if (config.projection == core::ProjectionInit::Manual) {
        m_w[0] = config.manual.wq;
        m_w[1] = config.manual.wk;
        m_w[2] = config.manual.wv;
    }
    const int index = m_presetBox->findData(static_cast<int>(preset));
    if (index >= 0) {
        const QSignalBlocker blocker(m_presetBox);
        m_presetBox->setCurrentIndex(index);
        m_presetText->setText(presetDescription(preset));
    }
    emit configRequested(config);
    m_status->setText(tr("Loaded: %1.").arg(presetTitle(preset)));
    m_statusSentence = config.sentence;
    refreshControls();
    refreshTables();
}

bool MatrixEditor::copyNumbersInUse() {
    if (!hasNumbersInUse()) {
        setStatus(tr("There are no numbers in use yet."));
        return false;
    }
    const int dModel = static_cast<int>(m_result->trace->queryEmbeddings.cols());
    if (!takeNumbersInUse()) {
        setStatus(tr("The embeddings have %1 numbers per token; the tables take at most %2. "
                     "Choose d_model ≤ %2 first.")
                      .arg(dModel)
                      .arg(kMaxEmbeddingWidth));
        return false;
    }
    core::Config next = baseConfig();
    next.embeddings = core::EmbeddingSource::Manual;
    next.projection = core::ProjectionInit::Manual;
    setStatus(tr("Copied the numbers in use; edit any cell."));
    request(next);
    refreshControls();
    refreshTables();
    return true;
}

void MatrixEditor::setStatus(const QString& text) {
    m_status->setText(text);
    m_statusSentence = baseConfig().sentence;
}

void MatrixEditor::setManualEmbeddings(bool on) {
    core::Config config = baseConfig();
    if (on && config.embeddings != core::EmbeddingSource::Manual) {
        m_previousEmbeddings = config.embeddings;
        config.embeddings = core::EmbeddingSource::Manual;
    } else if (!on && config.embeddings == core::EmbeddingSource::Manual) {
        config.embeddings = m_previousEmbeddings;
        config.dModel = std::max(config.dModel, 2);
    }
    request(config);
    refreshControls();
    refreshTables();
}

void MatrixEditor::setManualProjection(bool on) {
    core::Config config = baseConfig();
    if (on && config.projection != core::ProjectionInit::Manual) {
        m_previousProjection = config.projection;
        config.projection = core::ProjectionInit::Manual;
    } else if (!on && config.projection == core::ProjectionInit::Manual) {
        config.projection = m_previousProjection;
    }
    request(config);
    refreshControls();
    refreshTables();
}

void MatrixEditor::setEmbeddingWidth(int width) {
    width = std::clamp(width, 1, kMaxEmbeddingWidth);
    if (width == m_width)
        return;
    m_width = width;
    m_x = core::fitManualEmbeddings(m_x, m_xTokens, m_xTokens, m_width);
    if (m_xk.size() > 0)
        m_xk = core::fitManualEmbeddings(m_xk, m_xkTokens, m_xkTokens, m_width);
    const core::Config config = baseConfig();
    if (config.embeddings == core::EmbeddingSource::Manual)
        request(config);
    refreshControls();
    refreshTables();
}

void MatrixEditor::setEditedHead(int head) {
    m_head = std::max(0, head);
    refreshControls();
    refreshTables();
}

MatrixTable* MatrixEditor::queryTable() {
    if (m_tablesDirty)
        refreshTablesNow();
    return m_xTable;
}

MatrixTable* MatrixEditor::keyTable() {
    if (m_tablesDirty)
        refreshTablesNow();
    return m_xkTable;
}

MatrixTable* MatrixEditor::projectionTable(int which) {
    if (m_tablesDirty)
        refreshTablesNow();
    return which >= 0 && which < 3 ? m_wTables[which] : nullptr;
}

void MatrixEditor::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_tablesDirty)
        refreshTablesNow();
}

QString MatrixEditor::statusText() const {
    return m_status->text();
}

void MatrixEditor::onEmbeddingEdited(bool source, int row, int col, double value) {
    core::Matrix& x = source ? m_xk : m_x;
    if (row >= x.rows() || col >= x.cols())
        return;
    x(row, col) = static_cast<float>(value);
    core::Config config = baseConfig();
    if (config.embeddings != core::EmbeddingSource::Manual) {
        m_previousEmbeddings = config.embeddings;
        config.embeddings = core::EmbeddingSource::Manual;
    }
    request(config);
}

void MatrixEditor::onProjectionEdited(int which, int row, int col, double value) {
    auto& list = m_w[which];
    if (m_head >= static_cast<int>(list.size()))
        return;
    core::Matrix& w = list[static_cast<std::size_t>(m_head)];
    if (row >= w.rows() || col >= w.cols())
        return;
    w(row, col) = static_cast<float>(value);
    core::Config config = baseConfig();
    if (config.projection != core::ProjectionInit::Manual) {
        m_previousProjection = config.projection;
        config.projection = core::ProjectionInit::Manual;
    }
    request(config);
}

void MatrixEditor::refreshControls() {
    m_updating = true;
    const core::Config config = baseConfig();
    m_manualX->setChecked(config.embeddings == core::EmbeddingSource::Manual);
    m_manualW->setChecked(config.projection == core::ProjectionInit::Manual);
    m_widthBox->setValue(m_width);
    const bool manualX = config.embeddings == core::EmbeddingSource::Manual;
    m_widthBox->setEnabled(manualX);
    m_widthBox->setToolTip(
        manualX ? tr("Numbers per token vector (d_model), at most %1.").arg(kMaxEmbeddingWidth)
                : tr("Tick “Type the embeddings” to choose the width; until "
                     "then the table shows the vectors in use."));
    const int heads = std::clamp(config.heads, 1, 16);
    if (m_headBox->count() != heads) {
        m_headBox->clear();
        for (int h = 0; h < heads; ++h)
            m_headBox->addItem(tr("Head %1").arg(h + 1));
    }
    m_head = std::min(m_head, heads - 1);
    m_headBox->setCurrentIndex(m_head);
    m_headBox->setVisible(heads > 1);
    m_headLabel->setVisible(heads > 1);
    m_cosineScale->setValue(config.cosineScale);
    m_additiveWidth->setValue(std::clamp(config.additiveDim, 0, 64));
    const bool small = m_result && m_result->trace->queryInputs.cols() <= kMaxEmbeddingWidth;
    m_copyInUse->setEnabled(small);
    m_copyInUse->setToolTip(
        small ? tr("Fills the tables with the embeddings and projections the workspace uses now, "
                   "to change them by hand.")
              : tr("Only for d_model ≤ %1: the tables are for numbers a class can read.")
                    .arg(kMaxEmbeddingWidth));
    m_updating = false;
}

void MatrixEditor::refreshTables() {
    // Hidden, the editor only remembers to refresh: the workspace recomputes at every
    // keystroke, and applyTo() does not need the tables.
    if (!isVisible()) {
        m_tablesDirty = true;
        return;
    }
    refreshTablesNow();
}

void MatrixEditor::refreshTablesNow() {
    m_tablesDirty = false;
    const core::Config config = baseConfig();
    const bool manualX = config.embeddings == core::EmbeddingSource::Manual;
    const bool manualW = config.projection == core::ProjectionInit::Manual;

    // Embeddings follow the sentence: rows of known tokens stay, new tokens start from the
    // lexicon.
    const std::vector<std::string> tokens = queryTokenTexts();
    m_x = core::fitManualEmbeddings(m_x, m_xTokens, tokens, m_width);
    m_xTokens = tokens;
    m_xTable->setMatrix(m_x);
    m_xTable->setLabels(toQStrings(m_xTokens), numbered(m_width));
    // Editing a cell switches to the typed numbers, so the tables are always editable.
    m_xTable->setEditable(true);
    const bool cross = !config.source.empty();
    if (cross) {
        const std::vector<std::string> source = m_result && m_result->maps.cross
                                                    ? realTokens(m_result->maps.keyTokens)
                                                    : tryTokens(config.source, config);
        m_xk = core::fitManualEmbeddings(m_xk.size() > 0 ? m_xk : m_x,
                                         m_xk.size() > 0 ? m_xkTokens : m_xTokens, source, m_width);
        m_xkTokens = source;
        m_xkTable->setMatrix(m_xk);
        m_xkTable->setLabels(toQStrings(m_xkTokens), numbered(m_width));
    }
    m_xkTable->setEditable(true);
    m_xNote->setText(manualX ? tr("In use: edit a cell and every view updates.")
                             : tr("Not in use: the workspace takes its vectors from the %1. Tick "
                                  "“Type the embeddings” or edit a cell to use these numbers.")
                                   .arg(config.embeddings == core::EmbeddingSource::File
                                            ? tr("embeddings file")
                                            : tr("built-in lexicon")));
    m_xkTable->setVisible(cross);
    m_xkCaption->setVisible(cross);

    const ProjectionShape shape = projectionShape(config, m_width);
    for (int i = 0; i < 3; ++i) {
        if (shape.dK > 0) {
            m_w[i].resize(static_cast<std::size_t>(
                std::max<int>(shape.heads, static_cast<int>(m_w[i].size()))));
            for (int h = 0; h < shape.heads; ++h)
                m_w[i][static_cast<std::size_t>(h)] = core::fitManualProjection(
                    m_w[i][static_cast<std::size_t>(h)], shape.dModel, shape.dK, h);
            const int head = std::clamp(m_head, 0, shape.heads - 1);
            m_wTables[i]->setMatrix(m_w[i][static_cast<std::size_t>(head)]);
            m_wTables[i]->setLabels(numbered(shape.dModel), numbered(shape.dK));
        }
        m_wTables[i]->setVisible(shape.dK > 0);
        m_wTables[i]->setEditable(true);
    }
    if (shape.dK == 0)
        m_wNote->setText(tr("No projection tables: d_model %1 is not divisible by %2 heads, or "
                            "the matrices are too large to type.")
                             .arg(shape.dModel)
                             .arg(shape.heads));
    else if (!manualW)
        m_wNote->setText(tr("Not in use: the workspace uses %1 projections. Tick “Type the "
                            "projections” or edit a cell to use these numbers.")
                             .arg(config.projection == core::ProjectionInit::Random
                                      ? tr("random")
                                      : tr("identity")));
    else
        m_wNote->setText(tr("In use: edit a cell and every view updates."));
}

} // namespace attnlab::ui
