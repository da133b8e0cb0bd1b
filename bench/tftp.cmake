# tftp_benchmark: DATA blocks per second per core of the sans-I/O TFTP
# server, W=1 and W=16 at blksize 1468, beside a bare-copy floor.
add_executable(tftp_benchmark ${CMAKE_CURRENT_LIST_DIR}/tftp_benchmark.cc)
target_include_directories(tftp_benchmark PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(tftp_benchmark PRIVATE xdpxe_tftp benchmark::benchmark)
