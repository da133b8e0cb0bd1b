# config_fuzz_test: deterministic (seeded) mutation fuzzing of the config
# file parser on the packaged default config. Bounded in iterations: label
# fuzz.
if(TARGET xdpxe_app)
  xdpxe_gtest(config_fuzz_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/config_fuzz_test.cc
    LIBS xdpxe_app
    LABEL fuzz
    TIMEOUT 120)
endif()
