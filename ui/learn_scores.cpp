#include "learn_scores.h"

#include <QHeaderView>

namespace attnlab::ui {

namespace {

namespace training = core::training;

QString kindText(training::AttentionKind kind) {
    switch (kind) {
    case training::AttentionKind::EncoderSelf:
        return HeadScoreTable::tr("Encoder self");
    case training::AttentionKind::DecoderSelf:
        return HeadScoreTable::tr("Self");
    case training::AttentionKind::Cross:
        return HeadScoreTable::tr("Cross");
    }
    return {};
}

} // namespace

HeadScoreTable::HeadScoreTable(QWidget* parent) : QTableWidget(parent) {
    setColumnCount(ColumnCount);
    const QString headers[ColumnCount] = {tr("Layer"),     tr("Head"),     tr("Attention"),
                                          tr("Alignment"), tr("Previous"), tr("Induction"),
                                          tr("Diagonal")};
    const QString tips[ColumnCount] = {
        tr("The layer of the head, counted from the input."),
        tr("The head within its layer."),
        tr("Which attention the head belongs to: the encoder's self-attention, the decoder's "
           "self-attention or the decoder's cross-attention to the source."),
        tr("Mean weight the head puts on the key the task says it should look at (1 = exactly "
           "the ideal alignment); — when the task has no ideal for this attention."),
        tr("Mean weight each query puts on the token just before it, the mark of a "
           "previous-token head."),
        tr("How much more weight a query puts on the token after an earlier copy of itself "
           "than when that copy is removed, the mark of an induction head."),
        tr("Mean weight each query puts on itself.")};
    for (int c = 0; c < ColumnCount; ++c) {
        auto* item = new QTableWidgetItem(headers[c]);
        item->setToolTip(tips[c]);
        setHorizontalHeaderItem(c, item);
    }
    verticalHeader()->setVisible(false);
    // The scores share the width left by the head's name, so no column hides behind a scroll
    // bar on the page's narrow side panel.
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    for (int c : {LayerColumn, HeadColumn, KindColumn})
        horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    horizontalHeader()->setMinimumSectionSize(40);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::NoFocus);
    setToolTip(tr("Scores of every head at the step on screen, measured on the held-out probe "
                  "examples; the best-aligned head is highlighted."));
}

QString HeadScoreTable::scoreText(const std::optional<double>& score) {
    return score ? QString::number(*score, 'f', 2) : QStringLiteral("—");
}

void HeadScoreTable::setEvaluation(const training::Evaluation& evaluation) {
    m_step = evaluation.heads.empty() ? -1 : evaluation.step;
    m_highlighted = evaluation.bestHead;
    setRowCount(static_cast<int>(evaluation.heads.size()));
    bool severalKinds = false;
    for (const training::HeadScores& scores : evaluation.heads)
        severalKinds = severalKinds || scores.kind != evaluation.heads.front().kind;
    setColumnHidden(KindColumn, !severalKinds);
    QFont bold = font();
    bold.setBold(true);
    const QColor highlight = palette().color(QPalette::Highlight);
    for (int row = 0; row < rowCount(); ++row) {
        const training::HeadScores& s = evaluation.heads[static_cast<std::size_t>(row)];
        const QString texts[ColumnCount] = {
            QString::number(s.layer + 1), QString::number(s.head + 1), kindText(s.kind),
            scoreText(s.alignment),       scoreText(s.previousToken),  scoreText(s.induction),
            scoreText(s.diagonal)};
        for (int c = 0; c < ColumnCount; ++c) {
            QTableWidgetItem* cell = item(row, c);
            if (!cell) {
                cell = new QTableWidgetItem;
                setItem(row, c, cell);
            }
            cell->setText(texts[c]);
            cell->setTextAlignment(c >= AlignmentColumn ? Qt::AlignRight | Qt::AlignVCenter
                                                        : Qt::AlignCenter);
            const bool best = row == m_highlighted;
            cell->setFont(best ? bold : font());
            cell->setBackground(best ? QBrush(highlight.lighter(170)) : QBrush());
            cell->setToolTip(best ? tr("The head closest to the task's ideal alignment.")
                                  : QString());
        }
    }
}

} // namespace attnlab::ui
