# Compile time. A fresh machine (CI without a compiler cache) compiles every file: most of a
# file's compile goes into the third-party headers it includes (Qt Widgets alone is about 4 s of
# parsing per file, GoogleTest and Eigen about 1 s each) and the Eigen and GoogleTest templates
# it instantiates again. Two remedies, each a target's opt-in:
#
#   attnlab_unity_build(<target>)     its sources compiled ATTNLAB_UNITY_BATCH at a time, as one
#                                     file each batch (CMake's unity build): headers parsed and
#                                     templates instantiated once per batch. Names private to a
#                                     source (anonymous namespaces, statics) must then be unique
#                                     within the target: the core and the window keep them so,
#                                     and each test file puts its names in a namespace named
#                                     after the file.
#   attnlab_precompile_headers(<target> EIGEN QT QCUSTOMPLOT GTEST)
#                                     the named headers parsed once for the target (a precompiled
#                                     header): <Eigen/Core>, <QtWidgets>, <qcustomplot.h>,
#                                     <gtest/gtest.h>.
#   attnlab_precompile_headers(<target> REUSE_FROM <other>)
#                                     <other>'s precompiled header, compiled once for both (each
#                                     costs 10-20 s): <other> must be compiled with the same
#                                     options and position-independence, and define no macro the
#                                     headers read differently (GCC's -Winvalid-pch, which CMake
#                                     adds, says when a header cannot be used).
#
# The headers are included first into every source, so a source must still include what it uses:
# the sanitizer build (the asan preset) compiles the tests without precompiled headers. ccache
# caches compiles that use a precompiled header only with the sloppiness set in
# cmake/compiler_launcher.sh.

option(ATTNLAB_UNITY_BUILD "Compile the sources of the core, the window and the tests in batches (CMake unity build)" ON)
set(ATTNLAB_UNITY_BATCH 16 CACHE STRING "Sources per batch of a unity build")
option(ATTNLAB_PRECOMPILED_HEADERS "Precompile Eigen, Qt Widgets, QCustomPlot and GoogleTest headers for targets that opt in" ON)

function(attnlab_unity_build target)
  if(ATTNLAB_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                          UNITY_BUILD_BATCH_SIZE ${ATTNLAB_UNITY_BATCH})
    # A test fixture in a file's anonymous namespace is the base of its tests' classes; GCC warns
    # about that when the file is included into a batch rather than compiled as the main file.
    # Each file's names are its own (a namespace per file), so the warning does not apply.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
    endif()
  endif()
endfunction()

function(attnlab_precompile_headers target)
  cmake_parse_arguments(ARG "EIGEN;QT;QCUSTOMPLOT;GTEST" "REUSE_FROM" "" ${ARGN})
  if(NOT ATTNLAB_PRECOMPILED_HEADERS)
    return()
  endif()
  if(ARG_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${ARG_REUSE_FROM})
    # The warnings <other> turns off for its precompiled headers (below) apply here too.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      get_target_property(options ${ARG_REUSE_FROM} COMPILE_OPTIONS)
      if(options)
        target_compile_options(${target} PRIVATE ${options})
      endif()
    endif()
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
    # With GoogleTest precompiled, GCC 12 inlines differently into the test bodies and reports
    # false -Warray-bounds and -Wstringop-overflow inside std::string's operator+ (libstdc++'s
    # char_traits.h) where a test joins ATTNLAB_SOURCE_DIR with a path: it takes the string of
    # the macro for its small-string buffer. The same code compiles clean without the header.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-stringop-overflow)
    endif()
  endif()
  if(NOT headers)
    message(FATAL_ERROR "attnlab_precompile_headers(${target}): name EIGEN, QT, QCUSTOMPLOT or GTEST")
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()
