# Data-plane integration tests (owner: dataplane engineer): namespace labs
# with real peers. Root; GTEST_SKIP only when not root and CI != "true".
add_library(xdpxe_lab ${CMAKE_CURRENT_LIST_DIR}/lab/lab.cc
  ${CMAKE_CURRENT_LIST_DIR}/lab/host_traffic.cc)
target_include_directories(xdpxe_lab PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(xdpxe_lab PUBLIC xdpxe_net absl::status absl::statusor
                      absl::strings)

xdpxe_gtest(dataplane_xsk_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_xsk_test.cc
  LIBS xdpxe_io_core xdpxe_lab PkgConfig::LIBBPF
  LABEL integration
  TIMEOUT 60)

if(TARGET xdpxe_io)
  add_library(xdpxe_serve_lab ${CMAKE_CURRENT_LIST_DIR}/lab/serve_lab.cc)
  target_link_libraries(xdpxe_serve_lab PUBLIC xdpxe_lab)
  target_compile_definitions(xdpxe_serve_lab PRIVATE
    XDPXE_BINARY_DIR="${PROJECT_BINARY_DIR}")

  # io::Server on one interface: the tests' server, and the way to run the
  # data plane by hand (see the file comment).
  add_executable(dataplane_serve ${CMAKE_CURRENT_LIST_DIR}/dataplane_serve.cc)
  target_link_libraries(dataplane_serve PRIVATE xdpxe_io)

  xdpxe_gtest(dataplane_tftp_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_tftp_test.cc
    LIBS xdpxe_serve_lab
    LABEL integration
    TIMEOUT 180)
  add_dependencies(dataplane_tftp_test dataplane_serve)
endif()

if(TARGET xdpxe_io)
  xdpxe_gtest(dataplane_dhcp_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_dhcp_test.cc
    LIBS xdpxe_serve_lab xdpxe_dhcp xdpxe_common xdpxe_testing
    LABEL integration
    TIMEOUT 60)
  add_dependencies(dataplane_dhcp_test dataplane_serve)
endif()

if(TARGET xdpxe_io)
  xdpxe_gtest(dataplane_xdp_host_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_xdp_host_test.cc
    LIBS xdpxe_serve_lab xdpxe_xdp_loader
    LABEL integration
    TIMEOUT 90)
  add_dependencies(dataplane_xdp_host_test dataplane_serve)
endif()

if(TARGET xdpxe_io)
  xdpxe_gtest(dataplane_server_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_server_test.cc
    LIBS xdpxe_serve_lab xdpxe_io PkgConfig::LIBBPF
    LABEL integration
    TIMEOUT 60)
endif()
