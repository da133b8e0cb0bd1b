# dhcp_benchmark: ns per request of the ProxyDHCP path (parse + policy +
# reply built in place) on real firmware requests from tests/fixtures/.
add_executable(dhcp_benchmark ${CMAKE_CURRENT_LIST_DIR}/dhcp_benchmark.cc)
target_include_directories(dhcp_benchmark PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(dhcp_benchmark PRIVATE xdpxe_dhcp xdpxe_testing
                      xdpxe_common benchmark::benchmark)
