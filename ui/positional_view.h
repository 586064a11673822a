#pragma once
// A run's positional encoding drawn as a heatmap (docs/attention-math.md#positional): the
// sinusoidal table (positions × d_model), the RoPE angles (positions × pairs of a head) or the
// ALiBi bias of one head (query positions × key positions). "None" shows a one-line explanation.
// The numbers are core::positionalPicture's, the functions the model itself calls. Compact size
// sits under the Positions control; Large size is the stage on the Steps page, with the formula,
// axis titles and tick labels.

#include "color_maps.h"

#include "core/model/model.h"
#include "core/teaching/positional_picture.h"

#include <QRectF>
#include <QString>
#include <QWidget>

#include <memory>

namespace attnlab::ui {

class PositionalView : public QWidget {
    Q_OBJECT

public:
    enum class Size { Compact, Large };

    explicit PositionalView(Size size, QWidget* parent = nullptr);

    /// Draws `result`'s encoding (null clears).
    void setResult(std::shared_ptr<const core::ModelOutput> result);
    /// The ALiBi head shown (0-based; a combined map or −1 shows head 1). Other encodings are the
    /// same for every head.
    void setHead(int head);
    void setColorMap(ColorMap map);

    const core::PositionalPicture& picture() const { return m_picture; }
    Size size() const { return m_size; }
    /// The title drawn above the map, e.g. "Sinusoidal PE · 6 positions × 64 dimensions".
    QString title() const;
    /// The formula of the encoding with this result's numbers, e.g. "PE[p, 2t] = sin(p·ω_t), …".
    QString formula() const;
    /// What the rows and the columns are ("position p", "dimension c", "pair t", "key j").
    QString rowAxisTitle() const;
    QString columnAxisTitle() const;
    /// The explanation shown instead of a map (encoding none, or no result).
    QString emptyText() const;
    /// Where cell (row, col) is drawn (widget pixels); empty outside the matrix or with no map.
    QRectF cellRect(int row, int col) const;
    /// The colour value `value` is drawn in.
    QColor colorFor(double value) const;
    /// "position 3 · dimension 5: 0.412" for the cell; empty outside the matrix.
    QString cellText(int row, int col) const;
    /// Tick labels drawn in the last paint along the rows and the columns (indices), thinned so
    /// that they do not overlap.
    QVector<int> drawnRowTicks() const { return m_rowTicks; }
    QVector<int> drawnColumnTicks() const { return m_colTicks; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    QRectF mapRect() const;
    QString rowLabel(int row) const;
    QString columnLabel(int col) const;
    int titleLines() const;

    Size m_size;
    std::shared_ptr<const core::ModelOutput> m_result;
    core::PositionalPicture m_picture;
    int m_head = 0;
    ColorMap m_colorMap = ColorMap::Viridis;
    double m_low = 0, m_high = 1;
    QVector<int> m_rowTicks, m_colTicks;
};

} // namespace attnlab::ui
