#include "plot_setup.h"

#include <qcustomplot.h>

namespace attnlab::ui {

void setChartFont(QCustomPlot* plot, const QFont& font) {
    plot->setFont(font);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setLabelFont(font);
        axis->setTickLabelFont(font);
        axis->setLabelColor(kChartTextColor);
        axis->setTickLabelColor(kChartTextColor);
    }
}

QCustomPlot* makeTitledPlot(QWidget* parent, const QString& title, const QFont& font,
                            int minimumWidth, int minimumHeight) {
    auto* plot = new QCustomPlot(parent);
    plot->setMinimumSize(minimumWidth, minimumHeight);
    setChartFont(plot, font);
    plot->plotLayout()->insertRow(0);
    QFont titleFont = font;
    titleFont.setBold(true);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    return plot;
}

void setLogAxis(QCPAxis* axis, double base, int subTicks) {
    QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
    ticker->setLogBase(base);
    ticker->setSubTickCount(subTicks);
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(ticker);
}

} // namespace attnlab::ui
