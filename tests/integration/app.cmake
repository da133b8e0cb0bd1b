# The app's integration tests: the `xdpxe` binary driven like an operator
# (menu through tmux), and `xdpxe serve` in a network namespace.
if(TARGET xdpxe)
  add_test(NAME app_menu
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/app_menu_test.sh
                   $<TARGET_FILE:xdpxe> ${PROJECT_SOURCE_DIR})
  set_tests_properties(app_menu PROPERTIES LABELS integration TIMEOUT 180)
endif()
if(TARGET xdpxe)
  add_test(NAME app_serve
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/app_serve_test.sh
                   $<TARGET_FILE:xdpxe> ${PROJECT_SOURCE_DIR})
  set_tests_properties(app_serve PROPERTIES LABELS integration TIMEOUT 180
                       SKIP_RETURN_CODE 77)
endif()
if(TARGET xdpxe)
  add_test(NAME app_install
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/app_install_test.sh
                   ${PROJECT_BINARY_DIR})
  set_tests_properties(app_install PROPERTIES LABELS integration TIMEOUT 60)
endif()
if(TARGET xdpxe)
  add_test(NAME app_diskfull
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/app_diskfull_test.sh
                   $<TARGET_FILE:xdpxe>)
  set_tests_properties(app_diskfull PROPERTIES LABELS integration TIMEOUT 60
                       SKIP_RETURN_CODE 77)
endif()
if(TARGET xdpxe)
  add_test(NAME app_flood
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/app_flood_test.sh
                   $<TARGET_FILE:xdpxe> ${PROJECT_SOURCE_DIR})
  set_tests_properties(app_flood PROPERTIES LABELS integration TIMEOUT 240
                       SKIP_RETURN_CODE 77)
endif()
