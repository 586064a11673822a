// No text of the window's docks is cut off: every visible label, button, combo box (the closed
// face of each item and each item in the open list) and group box title of the controls and the
// other docks fits its widget and lies within its dock, in English and in Chinese, at the
// default text size and at 1.5 times it, and with the rows that appear only for some settings
// (linear attention's feature map, the sparse masks' parameters) shown. Screenshots of the
// window go to the build folder (no_clipped_text_<language>_<scale>.png) to be looked at.

#include "ui/compact_combo_box.h"
#include "ui/controls_panel.h"
#include "ui/export_dialog.h"
#include "ui/language.h"
#include "ui/lesson_gallery.h"
#include "ui/main_window.h"
#include "ui/teaching_panel.h"

#include "core/model/settings.h"

#include <gtest/gtest.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyleOptionButton>
#include <QStyleOptionComboBox>
#include <QStyleOptionGroupBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

#include <memory>
#include <tuple>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_no_clipped_text {

using namespace attnlab;
using namespace attnlab::ui;

namespace {

// The text as drawn: without the mnemonic's ampersand, rich text as plain text.
QString shownText(const QString& text, bool rich = false) {
    if (rich) {
        QTextDocument document;
        document.setHtml(text);
        return document.toPlainText();
    }
    QString shown = text;
    shown.replace(QLatin1String("&&"), QStringLiteral("\x01"));
    shown.remove(QLatin1Char('&'));
    shown.replace(QChar(0x01), QLatin1Char('&'));
    return shown;
}

// The widest line of `text` in `metrics`.
int advance(const QFontMetrics& metrics, const QString& text) {
    int widest = 0;
    for (const QString& line : text.split(QLatin1Char('\n')))
        widest = std::max(widest, metrics.horizontalAdvance(line));
    return widest;
}

QString describe(const QWidget* widget, QString text) {
    if (const auto* group = qobject_cast<const QGroupBox*>(widget); group && text.isEmpty())
        text = group->title();
    return QStringLiteral("%1 \"%2\" (%3)")
        .arg(QString::fromLatin1(widget->metaObject()->className()), text, widget->objectName());
}

// Every cut-off text of the visible widgets under `root`, described.
QStringList clippedTexts(QWidget* root) {
    QStringList problems;
    const auto check = [&problems](const QWidget* widget, const QString& text, int needed,
                                   int room) {
        if (!text.isEmpty() && needed > room)
            problems << describe(widget, text) +
                            QStringLiteral(": needs %1 px, has %2").arg(needed).arg(room);
    };
    for (QWidget* widget : root->findChildren<QWidget*>()) {
        if (!widget->isVisibleTo(root) || !widget->isVisible())
            continue;
        const QFontMetrics metrics = widget->fontMetrics();
        bool hasText = false;
        if (auto* label = qobject_cast<QLabel*>(widget)) {
            const bool rich =
                label->textFormat() == Qt::RichText ||
                (label->textFormat() == Qt::AutoText && Qt::mightBeRichText(label->text()));
            const QString text = shownText(label->text(), rich);
            hasText = !text.isEmpty();
            const int room = label->contentsRect().width() - 2 * std::max(label->margin(), 0) -
                             std::max(label->indent(), 0);
            if (label->wordWrap()) {
                // A wrapped label fits when it has the height its wrapped lines need.
                if (hasText && label->height() < label->heightForWidth(label->width()))
                    problems << describe(label, text) +
                                    QStringLiteral(": wrapped to %1 px high, needs %2")
                                        .arg(label->height())
                                        .arg(label->heightForWidth(label->width()));
            } else if (!rich) {
                check(label, text, advance(metrics, text), room);
            } else {
                check(label, text, label->sizeHint().width(), label->width());
            }
        } else if (auto* button = qobject_cast<QAbstractButton*>(widget)) {
            const QString text = shownText(button->text());
            hasText = !text.isEmpty();
            QStyleOptionButton option;
            option.initFrom(button);
            option.text = button->text();
            option.icon = button->icon();
            option.iconSize = button->iconSize();
            int room = button->width();
            if (qobject_cast<QCheckBox*>(button))
                room = button->style()
                           ->subElementRect(QStyle::SE_CheckBoxContents, &option, button)
                           .width();
            else if (qobject_cast<QRadioButton*>(button))
                room = button->style()
                           ->subElementRect(QStyle::SE_RadioButtonContents, &option, button)
                           .width();
            else if (qobject_cast<QPushButton*>(button))
                room = button->style()
                           ->subElementRect(QStyle::SE_PushButtonContents, &option, button)
                           .width();
            else
                room = button->width() - (button->sizeHint().width() - advance(metrics, text));
            if (!button->icon().isNull())
                room -= button->iconSize().width() + 4;
            check(button, text, advance(metrics, text), room);
        } else if (auto* combo = qobject_cast<QComboBox*>(widget)) {
            hasText = combo->count() > 0;
            auto* compact = qobject_cast<CompactComboBox*>(combo);
            QStyleOptionComboBox option;
            option.initFrom(combo);
            option.editable = combo->isEditable();
            option.frame = combo->hasFrame();
            const int field = combo->style()
                                  ->subControlRect(QStyle::CC_ComboBox, &option,
                                                   QStyle::SC_ComboBoxEditField, combo)
                                  .width();
            // The closed face of every item (any of them may be chosen), as drawn.
            for (int i = 0; i < combo->count(); ++i) {
                const QString text = compact ? compact->displayText(i) : combo->itemText(i);
                const int icon = combo->itemIcon(i).isNull() ? 0 : combo->iconSize().width() + 4;
                check(combo, text, advance(metrics, text), field - icon);
            }
            // Each item in the open list.
            if (combo->count() > 0 && !combo->isEditable()) {
                combo->showPopup();
                QAbstractItemView* list = combo->view();
                if (!QTest::qWaitFor([list] { return list->isVisible(); }))
                    problems << describe(combo, combo->currentText()) +
                                    QStringLiteral(": its list did not open");
                for (int i = 0; i < combo->count(); ++i) {
                    check(combo, QStringLiteral("list: ") + combo->itemText(i),
                          CompactComboBox::listItemWidth(combo, i), list->viewport()->width());
                }
                combo->hidePopup();
            }
        } else if (auto* group = qobject_cast<QGroupBox*>(widget)) {
            const QString text = shownText(group->title());
            hasText = !text.isEmpty();
            QStyleOptionGroupBox option;
            option.initFrom(group);
            option.text = group->title();
            option.subControls = QStyle::SC_GroupBoxFrame | QStyle::SC_GroupBoxLabel;
            option.textAlignment = group->alignment();
            const QRect title = group->style()->subControlRect(QStyle::CC_GroupBox, &option,
                                                               QStyle::SC_GroupBoxLabel, group);
            check(group, text, advance(metrics, text) + title.left(), group->width());
        }
        // Within the dock's (or page's) width too: a dock narrower than its contents cuts them
        // at the side. Inside a scroll area of its own (a row of matrices that scrolls
        // sideways) a widget may lie beyond the visible part, except prose: a wrapped paragraph
        // or a group's title read sideways is cut for the reader.
        if (hasText) {
            const QWidget* area = root;
            int room = root->width();
            bool prose = qobject_cast<const QGroupBox*>(widget) != nullptr;
            if (const auto* label = qobject_cast<const QLabel*>(widget))
                prose = label->wordWrap();
            for (QWidget* up = widget->parentWidget(); up && up != root; up = up->parentWidget())
                if (auto* scroll = qobject_cast<QScrollArea*>(up)) {
                    area = scroll->widget();
                    room = scroll->viewport()->width();
                    break;
                }
            const int left = widget->mapTo(area, QPoint(0, 0)).x();
            if ((area == root || prose) && (left < 0 || left + widget->width() > room))
                problems << describe(widget, widget->property("text").toString()) +
                                QStringLiteral(": spans x %1 … %2 of a %3 %4 px wide")
                                    .arg(left)
                                    .arg(left + widget->width())
                                    .arg(area == root ? QStringLiteral("dock or page")
                                                      : QStringLiteral("scrolled view"))
                                    .arg(room);
        }
    }
    return problems;
}

// The settings that show the controls' optional rows, one after another.
std::vector<core::Config> configsShowingEveryRow() {
    std::vector<core::Config> configs(1);
    core::Config linear;
    linear.attention = core::AttentionKind::Linear;
    linear.featureMap = core::FeatureMap::Favor;
    linear.mask.kind = core::MaskKind::BigBird;
    configs.push_back(linear);
    for (core::MaskKind kind : {core::MaskKind::Dilated, core::MaskKind::Strided,
                                core::MaskKind::Block, core::MaskKind::Padding}) {
        core::Config config;
        config.mask.kind = kind;
        configs.push_back(config);
    }
    return configs;
}

class NoClippedText : public ::testing::TestWithParam<std::tuple<const char*, double>> {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        m_font = QApplication::font();
        ASSERT_TRUE(installLanguage(QString::fromLatin1(std::get<0>(GetParam()))));
        QFont font = m_font;
        font.setPointSizeF(m_font.pointSizeF() * std::get<1>(GetParam()));
        QApplication::setFont(font);
    }
    void TearDown() override {
        QApplication::setFont(m_font);
        installLanguage(QStringLiteral("en"));
    }

    QTemporaryDir m_dir;
    QFont m_font;
};

TEST_P(NoClippedText, EveryTextOfTheDocksFits) {
    const auto window =
        std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("attention-lab.ini")));
    window->setNonInteractive(QMessageBox::Discard);
    window->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    QCoreApplication::processEvents();

    const QString name = QStringLiteral("%1_%2")
                             .arg(QString::fromLatin1(std::get<0>(GetParam())))
                             .arg(std::get<1>(GetParam()) > 1.0 ? QStringLiteral("large")
                                                                : QStringLiteral("default"));
    int step = 0;
    for (const core::Config& config : configsShowingEveryRow()) {
        window->controlsPanel()->setConfig(config);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        for (QDockWidget* dock : window->findChildren<QDockWidget*>()) {
            if (!dock->isVisible())
                continue;
            const QStringList problems = clippedTexts(dock);
            EXPECT_TRUE(problems.isEmpty())
                << name.toStdString() << ", settings " << step << ", dock "
                << dock->windowTitle().toStdString() << ":\n  "
                << problems.join(QStringLiteral("\n  ")).toStdString();
        }
        if (step == 0 || step == 1)
            window->grab().save(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR "/no_clipped_text_") + name +
                                QStringLiteral("_%1.png").arg(step));
        ++step;
    }
}

// Every page of the central tabs: its texts fit their widgets and the page its tab, with no
// sideways scrolling, at the window size a classroom projector gives (1280 × 720 and larger).
TEST_P(NoClippedText, EveryTextOfThePagesFits) {
    const auto window =
        std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("attention-lab.ini")));
    window->setNonInteractive(QMessageBox::Discard);
    window->resize(1440, 900);
    window->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    QCoreApplication::processEvents();

    const std::string name = std::string(std::get<0>(GetParam())) +
                             (std::get<1>(GetParam()) > 1.0 ? "_large" : "_default");
    TeachingPanel* pages = window->teachingPanel();
    ASSERT_GE(pages->count(), 7);
    for (int tab = 0; tab < pages->count(); ++tab) {
        pages->setCurrentIndex(tab);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        const std::string page =
            name + ", page \"" + shownText(pages->tabText(tab)).toStdString() + "\"";
        QWidget* root = pages->widget(tab);
        if (auto* scroll = qobject_cast<QScrollArea*>(root)) {
            EXPECT_FALSE(scroll->horizontalScrollBar()->isVisible())
                << page << ": its contents need " << scroll->widget()->minimumSizeHint().width()
                << " px, the page is " << scroll->viewport()->width() << " px wide";
            root = scroll->widget();
        }
        const QStringList problems = clippedTexts(root);
        EXPECT_TRUE(problems.isEmpty())
            << page << ":\n  " << problems.join(QStringLiteral("\n  ")).toStdString();
    }
}

// The dialogs: Export and the lesson gallery.
TEST_P(NoClippedText, EveryTextOfTheDialogsFits) {
    const auto window =
        std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("attention-lab.ini")));
    window->setNonInteractive(QMessageBox::Discard);
    ASSERT_TRUE(window->currentResult());
    ExportDialog exportDialog(window->currentResult(), {}, 0, 0, -1);
    LessonGallery gallery(QString::fromLatin1(std::get<0>(GetParam())));
    for (QDialog* dialog : std::initializer_list<QDialog*>{&exportDialog, &gallery}) {
        dialog->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
        QCoreApplication::processEvents();
        const QStringList problems = clippedTexts(dialog);
        EXPECT_TRUE(problems.isEmpty())
            << std::get<0>(GetParam()) << " " << std::get<1>(GetParam()) << ", dialog "
            << dialog->windowTitle().toStdString() << ":\n  "
            << problems.join(QStringLiteral("\n  ")).toStdString();
        dialog->hide();
    }
}

TEST(CompactComboBox, ShowsShortNamesAndOpensWideEnough) {
    EXPECT_EQ(CompactComboBox::shortForm(QStringLiteral("Sigmoid (rows need not sum to 1)")),
              QStringLiteral("Sigmoid"));
    EXPECT_EQ(CompactComboBox::shortForm(QStringLiteral("Sigmoid（各行之和不必为 1）")),
              QStringLiteral("Sigmoid"));
    EXPECT_EQ(CompactComboBox::shortForm(QStringLiteral("elu(x) + 1")),
              QStringLiteral("elu(x) + 1"));
    EXPECT_EQ(CompactComboBox::shortForm(QStringLiteral("(x)")), QStringLiteral("(x)"));

    CompactComboBox box;
    box.addItem(QStringLiteral("Tiled (exact, block by block)"));
    box.addItem(QStringLiteral("Dense"));
    EXPECT_EQ(box.displayText(0), QStringLiteral("Tiled"));
    EXPECT_EQ(box.currentText(), QStringLiteral("Tiled (exact, block by block)"));
    const QFontMetrics metrics = box.fontMetrics();
    // Narrower than the full text needs, wide enough for the short names.
    EXPECT_LT(box.sizeHint().width(),
              metrics.horizontalAdvance(QStringLiteral("Tiled (exact, block by block)")));
    EXPECT_GT(box.minimumSizeHint().width(), metrics.horizontalAdvance(QStringLiteral("Tiled")));
    EXPECT_GE(box.popupWidth(), metrics.horizontalAdvance(box.itemText(0)));
    EXPECT_GE(CompactComboBox::listItemWidth(&box, 0), metrics.horizontalAdvance(box.itemText(0)));
}

INSTANTIATE_TEST_SUITE_P(LanguagesAndSizes, NoClippedText,
                         ::testing::Combine(::testing::Values("en", "zh_CN"),
                                            ::testing::Values(1.0, 1.5)),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param)) +
                                    (std::get<1>(info.param) > 1.0 ? "_large" : "_default");
                         });

} // namespace

} // namespace test_no_clipped_text
