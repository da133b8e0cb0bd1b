# xdpctl: attach/detach/status/stats/config of the XDP program (xdpctl/README.md).
add_executable(xdpctl xdpctl/xdpctl.cc xdpctl/output.cc)
target_include_directories(xdpctl PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(xdpctl PRIVATE xdpxe_xdp_loader xdpxe_common
                      absl::strings absl::str_format absl::status)
install(TARGETS xdpctl RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
