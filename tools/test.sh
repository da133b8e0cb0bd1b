#!/usr/bin/env bash
# Builds xdpxe and runs every test, on a fresh Debian 12 machine as root:
# installs the packages, builds warnings-as-errors, runs the whole ctest
# suite (unit, bpf, integration, e2e, fuzz), then rebuilds with
# ASan+UBSan and runs the unit and fuzz suites again under the sanitizers.
#
#   sudo tools/test.sh            # everything
#   sudo tools/test.sh -L unit    # extra arguments go to the main ctest run
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXDPXE_WERROR=ON
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j1 "$@"

if [[ $# -eq 0 ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DXDPXE_SANITIZE=ON \
    -DXDPXE_WERROR=ON
  cmake --build build-asan -j"$jobs" --target xdpxe_unit_tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L 'unit|fuzz'
fi
