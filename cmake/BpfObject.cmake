# bpf_object(NAME SOURCE [DEPENDS headers...]) — the libbpf-bootstrap pattern:
# clang -target bpf compiles SOURCE to NAME.bpf.o, `bpftool gen skeleton`
# turns it into NAME.skel.h, and an INTERFACE library NAME_skel carries the
# include path and libbpf, so `target_link_libraries(x PRIVATE NAME_skel)`
# gives `#include "NAME.skel.h"`. The skeleton embeds the ELF: nothing to
# install next to the binary.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)

# The multiarch include dir holds asm/types.h, which linux/bpf.h needs.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-multiarch
                OUTPUT_VARIABLE XDPXE_MULTIARCH OUTPUT_STRIP_TRAILING_WHITESPACE)

function(bpf_object name src)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o)
  set(skel ${CMAKE_CURRENT_BINARY_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86
            -Wall -Wextra -Wno-unused-parameter
            -I${CMAKE_CURRENT_SOURCE_DIR}
            -I/usr/include/${XDPXE_MULTIARCH}
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${src} -o ${obj}
    DEPENDS ${src} ${ARG_DEPENDS}
    COMMENT "BPF ${src}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}
    DEPENDS ${obj}
    COMMENT "bpftool gen skeleton ${name}"
    VERBATIM)
  add_custom_target(${name}_skel_gen DEPENDS ${skel} ${obj})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_skel_gen)
  target_include_directories(${name}_skel INTERFACE ${CMAKE_CURRENT_BINARY_DIR})
  target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
  set_property(TARGET ${name}_skel PROPERTY XDPXE_BPF_OBJECT ${obj})
endfunction()
