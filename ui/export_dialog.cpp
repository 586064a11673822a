#include "export_dialog.h"

#include "compact_combo_box.h"
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {
namespace {

constexpr int kPreviewWidth = 420;
constexpr int kPreviewHeight = 300;
constexpr int kMaxPreviewTokens = 512; // beyond this a preview costs more than it tells

QString extension(ImageFormat format) {
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Svg:
        return QStringLiteral("svg");
    case ImageFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return QStringLiteral("png");
}

// A row whose field is a layout: the label's mnemonic goes to `buddy`.
void addRow(QFormLayout* form, const QString& text, QLayout* field, QWidget* buddy) {
    auto* label = new QLabel(text, buddy->parentWidget());
    label->setBuddy(buddy);
    form->addRow(label, field);
}

} // namespace

ExportDialog::ExportDialog(std::shared_ptr<const core::ModelOutput> result,
                           const FigureOptions& current, int selectedHead, int selectedQuery,
                           int selectedKey, QWidget* parent)
    : QDialog(parent), m_result(std::move(result)), m_base(current), m_selectedQuery(selectedQuery),
      m_selectedKey(selectedKey), m_selectedHead(selectedHead) {
    setWindowTitle(tr("Export Image"));
    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(120);

    const int heads = m_result ? m_result->maps.heads : 1;

    auto* form = new QFormLayout;
    m_content = new CompactComboBox(this);
    m_content->addItem(tr("Every head and their mean"), static_cast<int>(FigureContent::Grid));
    m_content->addItem(tr("Mean of the heads"), static_cast<int>(FigureContent::Combined));
    m_content->addItem(tr("Maximum over the heads"), static_cast<int>(FigureContent::Max));
    m_content->addItem(tr("One head"), static_cast<int>(FigureContent::Head));
    m_content->addItem(tr("Bars of the selected row"), static_cast<int>(FigureContent::Details));
    if (m_result && m_result->maps.layers > 1)
        m_content->addItem(tr("Every layer × head (model view)"),
                           static_cast<int>(FigureContent::Model));
    m_content->setToolTip(tr("What the image shows."));
    m_head = new QSpinBox(this);
    m_head->setRange(1, std::max(1, heads));
    m_head->setPrefix(tr("head "));
    m_head->setToolTip(tr("The head drawn by \"One head\"."));
    auto* what = new QHBoxLayout;
    what->addWidget(m_content, 1);
    what->addWidget(m_head);
    addRow(form, tr("&Show:"), what, m_content);

    m_path = new QLineEdit(this);
    m_path->setToolTip(tr("Where the image is written; the extension chooses the format."));
    auto* browseButton = new QPushButton(tr("&Browse…"), this);
    m_format = new CompactComboBox(this);
    m_format->addItem(tr("PNG picture"), static_cast<int>(ImageFormat::Png));
    m_format->addItem(tr("SVG vector graphics"), static_cast<int>(ImageFormat::Svg));
    m_format->addItem(tr("PDF document"), static_cast<int>(ImageFormat::Pdf));
    m_format->setToolTip(tr("PNG for slides and notes; SVG and PDF stay sharp at any size."));
    auto* file = new QHBoxLayout;
    file->addWidget(m_path, 1);
    file->addWidget(browseButton);
    addRow(form, tr("&File:"), file, m_path);
    form->addRow(tr("F&ormat:"), m_format);

    m_automatic = new QCheckBox(tr("&Automatic"), this);
    m_automatic->setChecked(true);
    m_automatic->setToolTip(tr("A size that gives every cell and label room."));
    m_width = new QSpinBox(this);
    m_height = new QSpinBox(this);
    for (QSpinBox* box : {m_width, m_height}) {
        box->setRange(64, 20000);
        box->setSingleStep(50);
    }
    m_width->setToolTip(tr("Width in pixels (PNG) or points (SVG, PDF)."));
    m_height->setToolTip(tr("Height in pixels (PNG) or points (SVG, PDF)."));
    m_units = new QLabel(this);
    auto* size = new QHBoxLayout;
    size->addWidget(m_automatic);
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("×"), this));
    size->addWidget(m_height);
    size->addWidget(m_units);
    size->addStretch(1);
    addRow(form, tr("Si&ze:"), size, m_automatic);

    m_scale = new QDoubleSpinBox(this);
    m_scale->setRange(0.25, 10.0);
    m_scale->setSingleStep(0.5);
    m_scale->setDecimals(3); // 3.125 is 300 dpi
    m_scale->setValue(2.0);
    m_scale->setSuffix(QStringLiteral(" ×"));
    m_scale->setToolTip(tr("PNG pixels per unit of size: 2 looks sharp on high-resolution screens "
                           "and projectors."));
    m_dpi = new QSpinBox(this);
    m_dpi->setRange(24, 1200);
    m_dpi->setSuffix(tr(" dpi"));
    m_dpi->setToolTip(tr("The resolution written into the PNG; 300 dpi for print."));
    auto* resolution = new QHBoxLayout;
    resolution->addWidget(m_scale);
    resolution->addWidget(new QLabel(QStringLiteral("="), this));
    resolution->addWidget(m_dpi);
    resolution->addStretch(1);
    addRow(form, tr("&Resolution:"), resolution, m_scale);

    m_title = new QCheckBox(tr("Stamp the sentence and settings as a &title"), this);
    m_title->setToolTip(
        tr("So that anyone can reproduce the figure: sentence, scoring, normaliser, "
           "heads, mask, temperature and seed."));
    m_colorBar = new QCheckBox(tr("Include the &colour bar"), this);
    m_colorBar->setChecked(true);
    form->addRow(QString(), m_title);
    form->addRow(QString(), m_colorBar);
    m_outputSize = new QLabel(this);
    form->addRow(tr("Output:"), m_outputSize);

    m_preview = new QLabel(this);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumSize(kPreviewWidth, kPreviewHeight);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setToolTip(tr("A small preview of the image."));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Export"));
    auto* top = new QHBoxLayout;
    top->addLayout(form, 1);
    top->addWidget(m_preview);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);

    // The starting choice: what the window shows.
    m_content->setCurrentIndex(m_content->findData(static_cast<int>(current.content)));
    if (current.content == FigureContent::Head)
        m_head->setValue(current.head + 1);
    const bool rowSelected = m_selectedQuery >= 0;
    if (!rowSelected) {
        const int index = m_content->findData(static_cast<int>(FigureContent::Details));
        m_content->setItemData(index, false, Qt::UserRole - 1); // disabled: no row selected
        m_content->setItemData(index, tr("Click a cell first to select a row."), Qt::ToolTipRole);
    }
    setPath(QDir::home().filePath(QStringLiteral("attention.png")));

    connect(m_previewTimer, &QTimer::timeout, this, &ExportDialog::updatePreview);
    connect(m_content, &QComboBox::currentIndexChanged, this, &ExportDialog::updateState);
    connect(m_head, &QSpinBox::valueChanged, this, &ExportDialog::updateState);
    connect(m_format, &QComboBox::activated, this, &ExportDialog::onFormatChosen);
    connect(m_path, &QLineEdit::textEdited, this, &ExportDialog::onPathEdited);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_automatic, &QCheckBox::toggled, this, &ExportDialog::updateState);
    connect(m_width, &QSpinBox::valueChanged, this, &ExportDialog::updateState);
    connect(m_height, &QSpinBox::valueChanged, this, &ExportDialog::updateState);
    connect(m_scale, &QDoubleSpinBox::valueChanged, this, [this](double scale) {
        if (m_syncing)
            return;
        m_syncing = true;
        m_dpi->setValue(static_cast<int>(std::lround(scale * 96)));
        m_syncing = false;
        updateState();
    });
    connect(m_dpi, &QSpinBox::valueChanged, this, [this](int dpi) {
        if (m_syncing)
            return;
        m_syncing = true;
        m_scale->setValue(dpi / 96.0);
        m_syncing = false;
        updateState();
    });
    connect(m_title, &QCheckBox::toggled, this, &ExportDialog::updateState);
    connect(m_colorBar, &QCheckBox::toggled, this, &ExportDialog::updateState);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_dpi->setValue(192);
    updateState();
}

ExportDialog::~ExportDialog() = default;

QString ExportDialog::path() const {
    return m_path->text().trimmed();
}

void ExportDialog::setPath(const QString& path) {
    m_path->setText(path);
    onPathEdited();
}

ImageFormat ExportDialog::format() const {
    return static_cast<ImageFormat>(m_format->currentData().toInt());
}

void ExportDialog::onPathEdited() {
    if (const std::optional<ImageFormat> chosen = imageFormatForPath(path())) {
        m_format->setCurrentIndex(m_format->findData(static_cast<int>(*chosen)));
        updateState();
    }
}

void ExportDialog::onFormatChosen() {
    // The extension follows the format, so the two never disagree.
    const QFileInfo info(path());
    const QString base =
        info.completeBaseName().isEmpty() ? QStringLiteral("attention") : info.completeBaseName();
    m_path->setText(QDir(info.path()).filePath(base + QLatin1Char('.') + extension(format())));
    updateState();
}

void ExportDialog::browse() {
    const QString filter =
        tr("PNG picture (*.png);;SVG vector graphics (*.svg);;PDF document (*.pdf)");
    QString selected;
    switch (format()) {
    case ImageFormat::Png:
        selected = tr("PNG picture (*.png)");
        break;
    case ImageFormat::Svg:
        selected = tr("SVG vector graphics (*.svg)");
        break;
    case ImageFormat::Pdf:
        selected = tr("PDF document (*.pdf)");
        break;
    }
    QString chosen =
        QFileDialog::getSaveFileName(this, tr("Export Image"), path(), filter, &selected);
    if (chosen.isEmpty())
        return;
    if (!imageFormatForPath(chosen))
        chosen += QLatin1Char('.') +
                  extension(selected.contains(QLatin1String("svg"))   ? ImageFormat::Svg
                            : selected.contains(QLatin1String("pdf")) ? ImageFormat::Pdf
                                                                      : ImageFormat::Png);
    setPath(chosen);
}

FigureOptions ExportDialog::options() const {
    FigureOptions options = m_base;
    options.content = static_cast<FigureContent>(m_content->currentData().toInt());
    if (options.content == FigureContent::Head) {
        options.head = m_head->value() - 1;
    } else if (options.content == FigureContent::Details) {
        options.head = m_selectedHead;
        options.query = std::max(0, m_selectedQuery);
        options.key = m_selectedKey;
    }
    options.title = m_title->isChecked();
    options.colorBar = m_colorBar->isChecked();
    options.scale = m_scale->value();
    options.dpi = m_dpi->value();
    options.size =
        m_automatic->isChecked() ? QSizeF() : QSizeF(m_width->value(), m_height->value());
    return options;
}

QSize ExportDialog::outputSize() const {
    const FigureOptions chosen = options();
    const bool png = format() == ImageFormat::Png;
    QSizeF size = chosen.size;
    if (size.isEmpty())
        size = m_naturalSize * (png ? 1.0 : 0.75); // natural sizes are in pixels; 72 pt per 96 px
    if (png)
        size *= chosen.scale;
    return size.toSize();
}

void ExportDialog::updateState() {
    const FigureContent content = static_cast<FigureContent>(m_content->currentData().toInt());
    m_head->setVisible(content == FigureContent::Head);
    const bool png = format() == ImageFormat::Png;
    m_scale->setEnabled(png);
    m_dpi->setEnabled(png);
    m_units->setText(png ? tr("pixels") : tr("points"));
    m_width->setEnabled(!m_automatic->isChecked());
    m_height->setEnabled(!m_automatic->isChecked());
    m_naturalSize = QSizeF();
    if (m_result) {
        try {
            FigureOptions natural = options();
            natural.size = QSizeF();
            m_naturalSize = naturalFigureSize(*m_result, natural);
        } catch (const std::exception&) {
            m_naturalSize = QSizeF(800, 600);
        }
    }
    if (m_automatic->isChecked()) {
        const QSizeF shown = m_naturalSize * (png ? 1.0 : 0.75);
        const QSignalBlocker blockWidth(m_width);
        const QSignalBlocker blockHeight(m_height);
        m_width->setValue(static_cast<int>(std::lround(shown.width())));
        m_height->setValue(static_cast<int>(std::lround(shown.height())));
    }
    const QSize out = outputSize();
    m_outputSize->setText(png ? tr("%1 × %2 pixels").arg(out.width()).arg(out.height())
                              : tr("%1 × %2 points (%3 × %4 cm)")
                                    .arg(out.width())
                                    .arg(out.height())
                                    .arg(out.width() * 2.54 / 72, 0, 'f', 1)
                                    .arg(out.height() * 2.54 / 72, 0, 'f', 1));
    m_previewTimer->start();
}

void ExportDialog::updatePreview() {
    if (!m_result || std::max(m_result->maps.queryTokens.size(), m_result->maps.keyTokens.size()) >
                         kMaxPreviewTokens) {
        m_preview->setText(tr("No preview for this many tokens."));
        return;
    }
    try {
        FigureOptions preview = options();
        if (preview.size.isEmpty())
            preview.size = m_naturalSize;
        else if (format() != ImageFormat::Png)
            preview.size *= 96.0 / 72.0; // points as the logical pixels the figure is drawn in
        // Drawn at its real layout, then shrunk: a preview of what the file will look like.
        const double fit = std::min(
            {1.0, kPreviewWidth / preview.size.width(), kPreviewHeight / preview.size.height()});
        preview.scale = fit * devicePixelRatioF();
        QImage image = renderFigureImage(*m_result, preview);
        // A figure is drawn at a quarter of its size at the least; a larger one is shrunk the
        // rest of the way, so that the preview shows it whole rather than its middle.
        const QSize box = (QSizeF(kPreviewWidth, kPreviewHeight) * devicePixelRatioF()).toSize();
        if (image.width() > box.width() || image.height() > box.height())
            image = image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        image.setDevicePixelRatio(devicePixelRatioF());
        m_preview->setPixmap(QPixmap::fromImage(image));
    } catch (const std::exception& error) {
        m_preview->setText(QString::fromUtf8(error.what()));
    }
}

void ExportDialog::restoreChoices(const QSettings& settings) {
    const QString folder = settings.value(QStringLiteral("export/folder")).toString();
    const QString format =
        settings.value(QStringLiteral("export/format"), QStringLiteral("png")).toString();
    const QString name =
        QStringLiteral("attention.") +
        (imageFormatForPath(QStringLiteral("x.") + format) ? format : QStringLiteral("png"));
    setPath(QDir(folder.isEmpty() || !QDir(folder).exists() ? QDir::homePath() : folder)
                .filePath(name));
    m_title->setChecked(settings.value(QStringLiteral("export/title"), false).toBool());
    m_colorBar->setChecked(settings.value(QStringLiteral("export/colorBar"), true).toBool());
    m_scale->setValue(settings.value(QStringLiteral("export/scale"), 2.0).toDouble());
    const bool automatic = settings.value(QStringLiteral("export/automaticSize"), true).toBool();
    m_automatic->setChecked(automatic);
    if (!automatic) {
        m_width->setValue(settings.value(QStringLiteral("export/width"), 1200).toInt());
        m_height->setValue(settings.value(QStringLiteral("export/height"), 800).toInt());
    }
    updateState();
}

void ExportDialog::saveChoices(QSettings& settings) const {
    settings.setValue(QStringLiteral("export/folder"), QFileInfo(path()).absolutePath());
    settings.setValue(QStringLiteral("export/format"), extension(format()));
    settings.setValue(QStringLiteral("export/title"), m_title->isChecked());
    settings.setValue(QStringLiteral("export/colorBar"), m_colorBar->isChecked());
    settings.setValue(QStringLiteral("export/scale"), m_scale->value());
    settings.setValue(QStringLiteral("export/automaticSize"), m_automatic->isChecked());
    settings.setValue(QStringLiteral("export/width"), m_width->value());
    settings.setValue(QStringLiteral("export/height"), m_height->value());
}

} // namespace attnlab::ui
