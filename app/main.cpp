// Decides between the headless command line and the window. The command line never creates a
// QApplication, so exports work without a display.

#include "app/cli.h"
#include "ui/gui.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (attnlab::app::wantsHeadless(args))
        return attnlab::app::runCommandLine(args, std::cout, std::cerr);
    return attnlab::ui::runGui(argc, argv);
}
