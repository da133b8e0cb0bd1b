# xdpctl on veths in network namespaces it creates (label integration, root).
xdpxe_gtest(xdpctl_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/xdpctl_test.cc
  LIBS xdpxe_xdp_loader xdpxe_xdp_tester xdpxe_common absl::strings
       PkgConfig::LIBBPF
  LABEL integration
  TIMEOUT 60)
target_compile_definitions(xdpctl_test PRIVATE
  XDPCTL_PATH="$<TARGET_FILE:xdpctl>")
add_dependencies(xdpctl_test xdpctl)
