# xdp_benchmark: ns/packet of the XDP program via bpf_prog_test_run repeat,
# beside the userspace classifier's figure for the same frames (root).
add_executable(xdp_benchmark ${CMAKE_CURRENT_LIST_DIR}/xdp_benchmark.cc)
target_include_directories(xdp_benchmark PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(xdp_benchmark PRIVATE
  XDPXE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(xdp_benchmark PRIVATE xdpxe_xdp_tester xdpxe_testing
                      benchmark::benchmark)
