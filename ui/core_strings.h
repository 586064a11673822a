#pragma once
// Every text of the core that the window translates (generated into core_strings.cpp by
// scripts/core_strings.py), for lupdate and the translation test.

#include <vector>

namespace attnlab::ui {

const std::vector<const char*>& coreStrings();

} // namespace attnlab::ui
