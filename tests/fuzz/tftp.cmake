# tftp_fuzz_test: deterministic (seeded) mutation fuzzing of the TFTP codec
# and tftp::Server on the captures' requests. Bounded in iterations (and, as
# a safety stop, in time): label fuzz.
xdpxe_gtest(tftp_fuzz_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tftp_fuzz_test.cc
  LIBS xdpxe_tftp xdpxe_tftp_testing xdpxe_testing xdpxe_common
  LABEL fuzz
  TIMEOUT 120)
