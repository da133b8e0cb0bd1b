# io_benchmark (root): ACK→DATA turnaround and DATA packets/s over a veth
# for xdpxe on AF_XDP, on UDP sockets, and tftpd-hpa as the peer.
if(TARGET xdpxe_serve_lab)
  add_executable(io_benchmark ${CMAKE_CURRENT_LIST_DIR}/io_benchmark.cc)
  target_include_directories(io_benchmark PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(io_benchmark PRIVATE xdpxe_serve_lab
                        benchmark::benchmark)
  add_dependencies(io_benchmark dataplane_serve)
endif()
