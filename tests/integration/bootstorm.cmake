# bootstorm's small storm (bench/bootstorm/README.md): 20 machines through
# the whole PXE -> iPXE boot against dnsmasq (the real peer) and, when the
# app is built, against `xdpxe serve` on both backends. Root; skipped (77)
# only when not root and CI != "true".
if(TARGET bootstorm OR EXISTS ${PROJECT_SOURCE_DIR}/bench/bootstorm.cmake)
  set(_bootstorm_servers dnsmasq)
  set(_bootstorm_xdpxe "")
  if(TARGET xdpxe)
    set(_bootstorm_servers "dnsmasq,xdpxe,xdpxe-socket")
    set(_bootstorm_xdpxe $<TARGET_FILE:xdpxe>)
  endif()
  add_test(NAME bootstorm_small_storm
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/bootstorm_test.sh
                   $<TARGET_FILE:bootstorm> "${_bootstorm_xdpxe}"
                   ${_bootstorm_servers})
  set_tests_properties(bootstorm_small_storm PROPERTIES
    LABELS integration TIMEOUT 180 SKIP_RETURN_CODE 77)
endif()
