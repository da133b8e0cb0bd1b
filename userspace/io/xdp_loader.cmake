# XDP loader (xdp_loader.h): attach/detach/pin/config of bpf/xdpxe_xdp.bpf.c,
# shared by tools/xdpctl and the daemon.
add_library(xdpxe_xdp_loader xdp_loader.cc xdp_loader_config.cc)
target_include_directories(xdpxe_xdp_loader PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(xdpxe_xdp_loader
  PUBLIC xdpxe_net xdpxe_common xdpxe_bpf_shared absl::status absl::statusor
         PkgConfig::LIBBPF
  PRIVATE xdpxe_xdp_skel absl::cleanup absl::strings absl::str_format)
