# Data-plane integration tests (owner: dataplane engineer): namespace labs
# with real peers. Root; GTEST_SKIP only when not root and CI != "true".
add_library(xdpxe_lab ${CMAKE_CURRENT_LIST_DIR}/lab/lab.cc)
target_include_directories(xdpxe_lab PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(xdpxe_lab PUBLIC xdpxe_net absl::status absl::statusor
                      absl::strings)

xdpxe_gtest(dataplane_xsk_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_xsk_test.cc
  LIBS xdpxe_io_core xdpxe_lab PkgConfig::LIBBPF
  LABEL integration
  TIMEOUT 60)
