# Precompiled headers for the heavy third-party headers that most sources include. Parsing them
# is most of the compile time of a source file (QtWidgets alone is about 3 s per file); a
# precompiled header parses them once per target (or once for many targets with REUSE_FROM).
#
# A target opts in, after add_library/add_executable:
#
#   attnlab_precompile_headers(<target> EIGEN)                  <Eigen/Core>
#   attnlab_precompile_headers(<target> EIGEN QT)               + <QtWidgets>
#   attnlab_precompile_headers(<target> EIGEN QT QCUSTOMPLOT)   + <qcustomplot.h> (ui/ only)
#   attnlab_precompile_headers(<target> EIGEN GTEST)            + <gtest/gtest.h> (tests)
#   attnlab_precompile_headers(<target> REUSE_FROM <other>)     <other>'s, compiled once
#
# REUSE_FROM needs the same compile flags, definitions and options as <other> (for example every
# core sub-library, which all take theirs from attnlab_core_options). The headers are included
# first into every source of the target, so a source still includes what it uses (the build
# with ATTNLAB_PRECOMPILED_HEADERS=OFF, which CI's sanitizer and fuzz builds use, checks that).
#
# ccache caches compiles that use a precompiled header only with the sloppiness set in
# cmake/compiler_launcher.sh.

option(ATTNLAB_PRECOMPILED_HEADERS "Precompile Eigen, Qt Widgets, QCustomPlot and GoogleTest headers for targets that opt in" ON)

function(attnlab_precompile_headers target)
  cmake_parse_arguments(ARG "EIGEN;QT;QCUSTOMPLOT;GTEST" "REUSE_FROM" "" ${ARGN})
  if(NOT ATTNLAB_PRECOMPILED_HEADERS)
    return()
  endif()
  if(ARG_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${ARG_REUSE_FROM})
    return()
  endif()
  set(headers)
  if(ARG_EIGEN)
    list(APPEND headers <Eigen/Core>)
  endif()
  if(ARG_QT)
    list(APPEND headers <QtWidgets>)
  endif()
  if(ARG_QCUSTOMPLOT)
    list(APPEND headers <qcustomplot.h>)
  endif()
  if(ARG_GTEST)
    list(APPEND headers <gtest/gtest.h>)
  endif()
  if(NOT headers)
    message(FATAL_ERROR "attnlab_precompile_headers(${target}): name EIGEN, QT, QCUSTOMPLOT, GTEST or REUSE_FROM")
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()
