// The inputs of the Complexity page: the settings they give (as the lab, the command line and a
// session's "complexity" member take them) and filling them from a session.

#include "complexity_view.h"

#include "view_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace attnlab::ui {

namespace {

// The kinds as the command line's --kinds list.
QString kindsList(bool dense, bool tiled, bool window, int w, bool block, int b, bool linear,
                  const QString& map, const QString& other) {
    QStringList items;
    if (dense)
        items << QStringLiteral("dense");
    if (tiled)
        items << QStringLiteral("tiled");
    if (window)
        items << QStringLiteral("window:%1").arg(w);
    if (block)
        items << QStringLiteral("block:%1").arg(b);
    if (linear)
        items << QStringLiteral("linear:") + map;
    if (!other.trimmed().isEmpty())
        items << other.trimmed();
    return items.join(QLatin1Char(','));
}

} // namespace

std::optional<core::ComplexityConfig> ComplexityView::configFromInputs(QString* error) const {
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QString kinds =
        kindsList(m_dense->isChecked(), m_tiled->isChecked(), m_window->isChecked(),
                  m_windowSize->value(), m_block->isChecked(), m_blockSize->value(),
                  m_linear->isChecked(), m_featureMap->currentText(), m_otherKinds->text());
    if (kinds.isEmpty())
        return fail(tr("Choose at least one kind of attention."));
    core::ComplexityConfig config;
    try {
        config.kinds = core::parseComplexityKinds(kinds.toStdString());
    } catch (const core::InputError& e) {
        return fail(tr("Kinds: %1").arg(QString::fromUtf8(e.what())));
    }
    if (m_sizes->text().trimmed().isEmpty())
        return fail(tr("Lengths n: type at least one length, e.g. 256,1024,4096."));
    try {
        config.sizes = core::parseComplexitySizes(m_sizes->text().trimmed().toStdString());
    } catch (const core::InputError& e) {
        return fail(tr("Lengths n: %1").arg(QString::fromUtf8(e.what())));
    }
    for (int n : config.sizes)
        if (n < 2)
            return fail(tr("Lengths n: %1 is too short; every length must be at least 2.").arg(n));
    // A first run in a few seconds (short points repeated for 50 ms, errors where exact
    // attention is quick), as a lesson's Complexity page runs too. The command line has the same
    // options.
    config = core::pageComplexityConfig(std::move(config.kinds), std::move(config.sizes),
                                        m_dK->value(), m_heads->value(),
                                        static_cast<std::int64_t>(m_budget->value()) * 1048576);
    try {
        core::validate(config);
    } catch (const core::InputError& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    return config;
}

QStringList ComplexityView::commandArguments() const {
    const auto config = configFromInputs();
    if (!config)
        return {};
    QStringList kinds, sizes;
    for (const core::ComplexityKind& kind : config->kinds)
        kinds << qs(kind.label);
    for (int n : config->sizes)
        sizes << QString::number(n);
    // notr
    return {QStringLiteral("--kinds"),
            kinds.join(QLatin1Char(',')),
            QStringLiteral("--n"),
            sizes.join(QLatin1Char(',')),
            QStringLiteral("--d-k"),
            QString::number(config->dK),
            QStringLiteral("--heads"),
            QString::number(config->heads),
            QStringLiteral("--seed"),
            QString::number(config->seed),
            QStringLiteral("--dense-budget"),
            QString::number(config->denseBudgetBytes / 1048576),
            QStringLiteral("--min-seconds"),
            QString::number(config->minSecondsPerPoint),
            QStringLiteral("--max-seconds"),
            QString::number(config->maxSecondsPerPoint),
            QStringLiteral("--error-n"),
            QString::number(config->errorN),
            QStringLiteral("--slope-min-n"),
            QString::number(config->slopeMinN)};
}

std::optional<core::SessionComplexity> ComplexityView::parameters() const {
    const auto config = configFromInputs();
    if (!config)
        return std::nullopt;
    try {
        return core::sessionComplexityOf(*config);
    } catch (const core::InputError&) {
        return std::nullopt;
    }
}

void ComplexityView::setParameters(const core::SessionComplexity& parameters) {
    m_settingParameters = true;
    for (QCheckBox* box : {m_dense, m_tiled, m_window, m_block, m_linear})
        box->setChecked(false);
    QStringList others;
    const auto fits = [](const QSpinBox* box, int value) {
        return value >= box->minimum() && value <= box->maximum();
    };
    for (const core::ComplexityKind& kind : parameters.kinds) {
        const QString label = qs(kind.label);
        // The box's item gives the same label (favor: the default number of features).
        int map = -1;
        for (int item = 0; item < m_featureMap->count(); ++item)
            if (core::parseComplexityKinds("linear:" + m_featureMap->itemText(item).toStdString())
                    .front()
                    .label == kind.label)
                map = item;
        if (kind.label == "dense" && !m_dense->isChecked()) {
            m_dense->setChecked(true);
        } else if (kind.label == "tiled" && !m_tiled->isChecked()) {
            m_tiled->setChecked(true);
        } else if (kind.family == core::ComplexityFamily::Sparse &&
                   kind.mask.kind == core::MaskKind::Window && !m_window->isChecked() &&
                   fits(m_windowSize, kind.mask.window)) {
            m_window->setChecked(true);
            m_windowSize->setValue(kind.mask.window);
        } else if (kind.family == core::ComplexityFamily::Sparse &&
                   kind.mask.kind == core::MaskKind::Block && !m_block->isChecked() &&
                   fits(m_blockSize, kind.mask.blockSize)) {
            m_block->setChecked(true);
            m_blockSize->setValue(kind.mask.blockSize);
        } else if (map >= 0 && !m_linear->isChecked()) {
            m_linear->setChecked(true);
            m_featureMap->setCurrentIndex(map);
        } else {
            others << label;
        }
    }
    m_otherKinds->setText(others.join(QLatin1Char(',')));
    QStringList sizes;
    for (int n : parameters.sizes)
        sizes << QString::number(n);
    m_sizes->setText(sizes.join(QLatin1Char(',')));
    m_dK->setValue(parameters.dK);
    m_heads->setValue(parameters.heads);
    m_budget->setValue(parameters.denseBudgetMiB);
    m_inputMessage->hide();
    m_settingParameters = false;
    emit parametersChanged();
}

} // namespace attnlab::ui
