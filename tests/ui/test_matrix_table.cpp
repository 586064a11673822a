// MatrixTable: the colour and text of every cell follow its value, −∞ is shown as such, the
// highlight fades what did not feed a selected cell, and typed numbers reach the owner.

#include "ui/color_maps.h"
#include "ui/matrix_table.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>

#include <limits>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_matrix_table {

using namespace attnlab;
using attnlab::ui::MatrixTable;

namespace {

core::Matrix sample() {
    core::Matrix m(2, 3);
    m << -2.0f, 0.0f, 1.0f, //
        0.25f, 2.0f, -std::numeric_limits<float>::infinity();
    return m;
}

} // namespace

TEST(MatrixTable, SignedColoursAreCentredOnZero) {
    MatrixTable table;
    table.setMatrix(sample());
    table.setLabels({"a", "b"}, {"1", "2", "3"});
    EXPECT_EQ(table.model()->rowCount(), 2);
    EXPECT_EQ(table.model()->columnCount(), 3);
    // Range ±2 (the largest finite |value|): −2 is the blue end, 0 white, 2 the red end.
    EXPECT_EQ(table.cellColor(0, 0), ui::divergingColorAt(0.0));
    EXPECT_EQ(table.cellColor(0, 1), ui::divergingColorAt(0.5));
    EXPECT_EQ(table.cellColor(1, 1), ui::divergingColorAt(1.0));
    EXPECT_EQ(table.cellColor(0, 2), ui::divergingColorAt(0.75));
    EXPECT_EQ(table.cellText(0, 0), QStringLiteral("-2.00"));
    EXPECT_EQ(table.cellText(1, 0), QStringLiteral("0.25"));
    // −∞ (a masked logit) is printed as such in the masked-cell colour, not as a number.
    EXPECT_EQ(table.cellText(1, 2), QStringLiteral("−∞"));
    EXPECT_EQ(table.cellColor(1, 2), ui::maskedCellColor(ui::ColorMap::Viridis));
    EXPECT_EQ(table.model()->headerData(1, Qt::Vertical, Qt::ToolTipRole).toString(), "b");
}

TEST(MatrixTable, WeightColoursUseTheColourMapOverZeroToOne) {
    MatrixTable table;
    core::Matrix w(1, 3);
    w << 0.0f, 0.41f, 1.0f;
    table.setColoring(MatrixTable::Coloring::Weights);
    table.setColorMap(ui::ColorMap::Magma);
    table.setMatrix(w);
    EXPECT_EQ(table.cellColor(0, 0), ui::colorAt(ui::ColorMap::Magma, 0.0));
    EXPECT_EQ(table.cellColor(0, 1), ui::colorAt(ui::ColorMap::Magma, 0.41f));
    EXPECT_EQ(table.cellColor(0, 2), ui::colorAt(ui::ColorMap::Magma, 1.0));
    EXPECT_EQ(table.cellText(0, 1), QStringLiteral("0.41"));
}

TEST(MatrixTable, HighlightFadesCellsThatDidNotContribute) {
    MatrixTable table;
    table.setMatrix(sample());
    const QColor plain = table.cellColor(0, 0);
    core::StageHighlight part;
    part.involvement = core::Involvement::Part;
    part.rows = {1};
    part.cols = {0};
    part.cellRow = 1;
    part.cellCol = 0;
    table.setHighlight(part);
    EXPECT_TRUE(table.isCellEmphasized(1, 2)) << "row 1 is highlighted";
    EXPECT_TRUE(table.isCellEmphasized(0, 0)) << "column 0 is highlighted";
    EXPECT_FALSE(table.isCellEmphasized(0, 1));
    EXPECT_NE(table.cellColor(0, 1), ui::divergingColorAt(0.5)) << "faded";
    EXPECT_EQ(table.cellColor(0, 0), plain);
    EXPECT_EQ(table.outlinedCell(), QPoint(0, 1));

    core::StageHighlight none;
    table.setHighlight(none, true);
    EXPECT_FALSE(table.isCellEmphasized(0, 0));
    core::StageHighlight whole;
    whole.involvement = core::Involvement::Whole;
    table.setHighlight(whole);
    EXPECT_TRUE(table.isCellEmphasized(0, 1));
    table.clearHighlight();
    EXPECT_TRUE(table.isCellEmphasized(0, 1));
    EXPECT_EQ(table.outlinedCell(), QPoint(-1, -1));
}

TEST(MatrixTable, EditingParsesNumbersAndEmits) {
    MatrixTable table;
    table.setMatrix(sample());
    QSignalSpy spy(&table, &MatrixTable::valueEdited);
    QAbstractItemModel* model = table.model();
    EXPECT_FALSE(model->setData(model->index(0, 0), "3", Qt::EditRole)) << "read-only by default";
    table.setEditable(true);
    EXPECT_TRUE(model->flags(model->index(0, 0)) & Qt::ItemIsEditable);
    EXPECT_TRUE(model->setData(model->index(0, 0), QStringLiteral("−1,5"), Qt::EditRole));
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(0).toInt(), 0);
    EXPECT_EQ(spy.at(0).at(1).toInt(), 0);
    EXPECT_DOUBLE_EQ(spy.at(0).at(2).toDouble(), -1.5);
    EXPECT_FLOAT_EQ(table.matrix()(0, 0), -1.5f);
    EXPECT_FALSE(model->setData(model->index(0, 1), "abc", Qt::EditRole));
    EXPECT_FALSE(model->setData(model->index(0, 1), "inf", Qt::EditRole));
    EXPECT_EQ(spy.count(), 1);
}

TEST(MatrixTable, ClickAndKeyboardActivateCells) {
    MatrixTable table;
    table.setMatrix(sample());
    table.resize(table.sizeHint());
    table.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&table));
    QSignalSpy spy(&table, &MatrixTable::cellActivated);
    const QRect cell = table.visualRect(table.model()->index(1, 2));
    QTest::mouseClick(table.viewport(), Qt::LeftButton, {}, cell.center());
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(0).toInt(), 1);
    EXPECT_EQ(spy.at(0).at(1).toInt(), 2);
    table.setCurrentIndex(table.model()->index(0, 1));
    QTest::keyClick(&table, Qt::Key_Return);
    ASSERT_EQ(spy.count(), 2);
    EXPECT_EQ(spy.at(1).at(1).toInt(), 1);
}

TEST(MatrixTable, LargeMatricesScrollInsteadOfGrowing) {
    MatrixTable small, large;
    small.setMatrix(core::Matrix::Zero(3, 3));
    large.setMatrix(core::Matrix::Zero(200, 64));
    EXPECT_LT(small.sizeHint().width(), large.sizeHint().width());
    EXPECT_LT(large.sizeHint().height(), 600) << "at most kMaxVisibleRows rows before scrolling";
    EXPECT_LT(large.sizeHint().width(), 900);
}

} // namespace test_matrix_table
