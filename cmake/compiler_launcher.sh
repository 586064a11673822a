#!/bin/sh
# Compiler launcher of the CMake presets (CMAKE_CXX_COMPILER_LAUNCHER): runs each compile through
# ccache when it is installed and straight to the compiler when it is not, so a machine without
# ccache still builds.
#
# The cache is ccache's default (~/.cache/ccache, or CCACHE_DIR), shared by every clone and
# worktree on the machine. These settings make a fresh clone in another folder hit the entries
# of an earlier one (each can be overridden from the environment):
#  - CCACHE_BASEDIR: paths under the source tree are hashed relative to it;
#  - CCACHE_NOHASHDIR: the build folder is not hashed although -g records it (the debug info of
#    a cached object may then name the folder of the clone that compiled it first);
#  - CCACHE_IGNOREOPTIONS: Qt Test's definitions of the test's own folders are not hashed. They
#    only feed QFINDTESTDATA, which the tests do not use (they take ATTNLAB_TEST_DATA_DIR,
#    given only to the files that use it; see tests/CMakeLists.txt);
#  - CCACHE_SLOPPINESS: compiles that use a precompiled header (cmake/compile_time.cmake) are
#    cached too; the sources use neither __DATE__ nor __TIME__.
if command -v ccache >/dev/null 2>&1; then
    root="$(cd "$(dirname "$0")/.." && pwd)"
    CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
    CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
    CCACHE_IGNOREOPTIONS="${CCACHE_IGNOREOPTIONS:--DQT_TESTCASE_BUILDDIR=* -DQT_TESTCASE_SOURCEDIR=*}"
    CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros}"
    export CCACHE_BASEDIR CCACHE_NOHASHDIR CCACHE_IGNOREOPTIONS CCACHE_SLOPPINESS
    exec ccache "$@"
fi
exec "$@"
