#include "ui/gui.h"

int main(int argc, char** argv) {
    return attnlab::ui::runGui(argc, argv);
}
