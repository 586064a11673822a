#pragma once
// File → Export Image: what to draw (every head, the mean, the maximum, one head, the selected
// row's bars), the file and its format, the size, the PNG resolution, the title stamp and the
// colour bar, with a live preview. The caller writes the file with exportFigure().

#include "figure_export.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;
class QTimer;

namespace attnlab::ui {

class ExportDialog : public QDialog {
    Q_OBJECT

public:
    /// `current`: options that draw what the window shows (the starting choice); the selected
    /// cell is offered as the row whose bars can be exported.
    ExportDialog(std::shared_ptr<const core::ModelOutput> result, const FigureOptions& current,
                 int selectedHead, int selectedQuery, int selectedKey, QWidget* parent = nullptr);
    ~ExportDialog() override;

    QString path() const;
    void setPath(const QString& path);
    FigureOptions options() const;
    /// The figure's size in output units: pixels for PNG (after the scale), points otherwise.
    QSize outputSize() const;

    /// The choices of the last export (folder, format, size, resolution, title, colour bar).
    void restoreChoices(const QSettings& settings);
    void saveChoices(QSettings& settings) const;

    // For tests.
    QComboBox* contentBox() const { return m_content; }
    QComboBox* formatBox() const { return m_format; }
    QSpinBox* headBox() const { return m_head; }
    QCheckBox* titleBox() const { return m_title; }
    QCheckBox* automaticSizeBox() const { return m_automatic; }
    QSpinBox* widthBox() const { return m_width; }
    QSpinBox* heightBox() const { return m_height; }
    QDoubleSpinBox* scaleBox() const { return m_scale; }
    QLabel* previewLabel() const { return m_preview; }

private:
    void onFormatChosen();
    void onPathEdited();
    void browse();
    void updateState();
    void updatePreview();
    ImageFormat format() const;

    std::shared_ptr<const core::ModelOutput> m_result;
    FigureOptions m_base;
    int m_selectedQuery = -1;
    int m_selectedKey = -1;
    int m_selectedHead = 0;
    QSizeF m_naturalSize;

    QComboBox* m_content = nullptr;
    QSpinBox* m_head = nullptr;
    QLineEdit* m_path = nullptr;
    QComboBox* m_format = nullptr;
    QCheckBox* m_automatic = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QLabel* m_units = nullptr;
    QDoubleSpinBox* m_scale = nullptr;
    QSpinBox* m_dpi = nullptr;
    QCheckBox* m_title = nullptr;
    QCheckBox* m_colorBar = nullptr;
    QLabel* m_outputSize = nullptr;
    QLabel* m_preview = nullptr;
    QTimer* m_previewTimer = nullptr;
    bool m_syncing = false;
};

} // namespace attnlab::ui
