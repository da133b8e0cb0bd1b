# dhcp_fuzz_test: deterministic (seeded) mutation fuzzing of the DHCP codec,
# classifier and ProxyResponder on the real captures' requests. Bounded in
# iterations (and, as a safety stop, in time): label fuzz.
xdpxe_gtest(dhcp_fuzz_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/dhcp_fuzz_test.cc
  LIBS xdpxe_dhcp xdpxe_testing xdpxe_common
  LABEL fuzz
  TIMEOUT 60)
