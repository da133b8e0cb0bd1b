# The data plane (owner: dataplane engineer): io_uring loop, UDP-socket and
# AF_XDP ports, and io::Server which runs one engine per RX queue.
add_library(xdpxe_io_core
  ${CMAKE_CURRENT_LIST_DIR}/buf_ring.cc
  ${CMAKE_CURRENT_LIST_DIR}/fill_ring.cc
  ${CMAKE_CURRENT_LIST_DIR}/interface_info.cc
  ${CMAKE_CURRENT_LIST_DIR}/interface_lock.cc
  ${CMAKE_CURRENT_LIST_DIR}/packet_tap.cc
  ${CMAKE_CURRENT_LIST_DIR}/udp_port.cc
  ${CMAKE_CURRENT_LIST_DIR}/uring_loop.cc
  ${CMAKE_CURRENT_LIST_DIR}/xsk_port.cc)
target_include_directories(xdpxe_io_core PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(xdpxe_io_core PUBLIC xdpxe_net xdpxe_common
  PkgConfig::LIBURING PkgConfig::LIBXDP PkgConfig::LIBBPF absl::status absl::statusor absl::strings
  absl::flat_hash_map absl::cleanup absl::time)

# io::Server and its workers need the engine (which needs dhcp/ and tftp/).
if(TARGET xdpxe_engine)
  add_library(xdpxe_io
    ${CMAKE_CURRENT_LIST_DIR}/server.cc
    ${CMAKE_CURRENT_LIST_DIR}/worker.cc)
  target_include_directories(xdpxe_io PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(xdpxe_io PUBLIC xdpxe_io_core xdpxe_engine
    xdpxe_xdp_loader absl::synchronization Threads::Threads)
endif()
