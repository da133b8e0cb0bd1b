# Unit tests of the data plane's io/ primitives (no root needed: loopback).
xdpxe_gtest(io_uring_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/uring_loop_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/udp_port_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/inbox_test.cc
  LIBS xdpxe_io_core xdpxe_testing absl::synchronization
  LABEL unit
  TIMEOUT 30)

# io::FillRing against a simulated kernel end of an AF_XDP fill ring.
xdpxe_gtest(io_fill_ring_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fill_ring_test.cc
  LIBS xdpxe_io_core absl::strings
  LABEL unit
  TIMEOUT 30)

# io::Worker's loop with a fake port (no root: io_uring only).
if(TARGET xdpxe_io)
  xdpxe_gtest(io_worker_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/worker_test.cc
    LIBS xdpxe_io
    LABEL unit
    TIMEOUT 30)
endif()

# io::InterfaceLock (one xdpxe serve per interface).
xdpxe_gtest(io_interface_lock_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/interface_lock_test.cc
  LIBS xdpxe_io_core absl::strings
  LABEL unit
  TIMEOUT 30)
