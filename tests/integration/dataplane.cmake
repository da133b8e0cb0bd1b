# Data-plane integration tests (owner: dataplane engineer): namespace labs
# with real peers. Root; GTEST_SKIP only when not root and CI != "true".
add_library(xdpxe_lab ${CMAKE_CURRENT_LIST_DIR}/lab/lab.cc
  ${CMAKE_CURRENT_LIST_DIR}/lab/host_traffic.cc)
target_include_directories(xdpxe_lab PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(xdpxe_lab PUBLIC xdpxe_net absl::status absl::statusor
                      absl::strings Threads::Threads)

xdpxe_gtest(dataplane_xsk_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_xsk_test.cc
  LIBS xdpxe_io_core xdpxe_lab xdpxe_testing PkgConfig::LIBBPF
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

  # name, timeout, extra libraries
  foreach(_t "tftp;180;" "dhcp;60;xdpxe_dhcp xdpxe_common xdpxe_testing"
             "xdp_host;90;xdpxe_xdp_loader" "server;60;xdpxe_io PkgConfig::LIBBPF")
    list(GET _t 0 _name)
    list(GET _t 1 _timeout)
    list(GET _t 2 _libs)
    separate_arguments(_libs)
    xdpxe_gtest(dataplane_${_name}_test
      SOURCES ${CMAKE_CURRENT_LIST_DIR}/dataplane_${_name}_test.cc
      LIBS xdpxe_serve_lab ${_libs}
      LABEL integration
      TIMEOUT ${_timeout})
    add_dependencies(dataplane_${_name}_test dataplane_serve)
  endforeach()
endif()
