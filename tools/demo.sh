#!/usr/bin/env bash
# The demo: installs packages, builds xdpxe, and shows what it would answer to
# the real firmware captures bundled in tests/fixtures (`xdpxe replay`).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target xdpxe
for pcap in tests/fixtures/*.pcap; do
  echo "=== $pcap"
  build/userspace/app/xdpxe replay "$pcap"
done
