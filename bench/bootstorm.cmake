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
