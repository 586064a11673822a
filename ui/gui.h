#pragma once
// Entry point of the graphical program.

namespace attnlab::ui {

/// Creates the application and the main window and runs the event loop; returns its exit code.
int runGui(int& argc, char** argv);

} // namespace attnlab::ui
