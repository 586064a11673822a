// The Compare page as the window wires it: side A follows a controller, a result of A reaches
// the page, and the page's requests to change A go back to the controller.
#pragma once

#include "ui/attention_controller.h"
#include "ui/compare_view.h"

#include <gtest/gtest.h>

#include <QTest>

#include <memory>

namespace attnlab::testing {

struct CompareWorkspace {
    ui::AttentionController controller;
    ui::CompareView view;

    CompareWorkspace() {
        view.setBaseConfigProvider([this] { return controller.config(); });
        QObject::connect(&controller, &ui::AttentionController::resultReady, &view,
                         [this](std::shared_ptr<const core::ModelOutput> result, qint64) {
                             view.setResult(result);
                         });
        QObject::connect(&view, &ui::CompareView::configRequested, &controller,
                         [this](const core::Config& config) { controller.setConfig(config); });
        view.resize(1300, 800);
        view.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&view));
    }

    void compute(const core::Config& config) { controller.setConfig(config); }

    // B runs on its own controller; small inputs finish synchronously, larger ones on a worker.
    void waitForB() { ASSERT_TRUE(view.controllerB()->waitForBackgroundWork(60000)); }
};

} // namespace attnlab::testing
