include(GoogleTest)

# Every unit and fuzz test binary: the sanitizer build builds just these
# (tools/test.sh), since the root-only suites do not run under it.
if(NOT TARGET xdpxe_unit_tests)
  add_custom_target(xdpxe_unit_tests)
endif()

# xdpxe_gtest(NAME SOURCES a.cc b.cc LIBS x y LABEL unit|bpf|integration|e2e|fuzz
#             [TIMEOUT seconds])
# One GoogleTest binary, every TEST registered with ctest through
# gtest_discover_tests so the ctest summary counts cases, each case carrying
# the label and a timeout.
function(xdpxe_gtest name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock
                        GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    XDPXE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    XDPXE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(ARG_LABEL STREQUAL "unit" OR ARG_LABEL STREQUAL "fuzz")
    add_dependencies(xdpxe_unit_tests ${name})
  endif()
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 30
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT})
endfunction()
