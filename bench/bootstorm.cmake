# bootstorm: the simultaneous-boot load generator and comparison runner
# (bench/bootstorm/README.md). Built as <build>/bench/bootstorm.
add_executable(bootstorm
  bootstorm/dhcp_wire.cc
  bootstorm/l2.cc
  bootstorm/lab.cc
  bootstorm/machine.cc
  bootstorm/machine_tftp.cc
  bootstorm/main.cc
  bootstorm/raw_modes.cc
  bootstorm/raw_port.cc
  bootstorm/report.cc
  bootstorm/report_html.cc
  bootstorm/report_json.cc
  bootstorm/runner.cc
  bootstorm/servers.cc
  bootstorm/storm.cc)
target_include_directories(bootstorm PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(bootstorm PRIVATE xdpxe_dhcp xdpxe_tftp xdpxe_net
  xdpxe_common absl::flags absl::flags_parse absl::flags_usage absl::status
  absl::statusor absl::strings absl::str_format absl::flat_hash_map
  Threads::Threads)

# The primary DHCP server's deep socket buffers (bench/bootstorm/deep_rcvbuf.c),
# found next to the bootstorm binary at run time.
add_library(bootstorm_deep_rcvbuf MODULE bootstorm/deep_rcvbuf.c)
set_target_properties(bootstorm_deep_rcvbuf PROPERTIES
  OUTPUT_NAME deep_rcvbuf PREFIX "" LIBRARY_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR})
target_link_libraries(bootstorm_deep_rcvbuf PRIVATE ${CMAKE_DL_LIBS})
add_dependencies(bootstorm bootstorm_deep_rcvbuf)
# It is preloaded into a non-sanitized dnsmasq: never instrument it.
target_compile_options(bootstorm_deep_rcvbuf PRIVATE -fno-sanitize=all)
target_link_options(bootstorm_deep_rcvbuf PRIVATE -fno-sanitize=all)
