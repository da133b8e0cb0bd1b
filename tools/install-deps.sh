#!/usr/bin/env bash
# Installs every Debian 12 package xdpxe needs to build, test, run the demo
# lab and the benchmarks. Idempotent: safe to run again on a set-up machine.
#
#   sudo tools/install-deps.sh
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: must run as root (apt-get install)" >&2
  exit 1
fi

packages=(
  # build
  build-essential cmake pkg-config clang llvm bpftool linux-libc-dev
  libbpf-dev libxdp-dev liburing-dev libabsl-dev libgtest-dev libgmock-dev
  libbenchmark-dev libcurl4-openssl-dev libelf-dev zlib1g-dev
  # lab and real peers
  iproute2 ethtool dnsmasq-base atftp tftp-hpa tftpd-hpa curl tmux
  python3
  # real firmware
  qemu-system-x86 ovmf ipxe ipxe-qemu
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tftpd-hpa's postinst starts a daemon on port 69; keep services from starting
# on install so the host's port 69 stays free for our tests.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  made_policy=1
fi
trap '[[ $made_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt-get install -y -q --no-install-recommends "${missing[@]}"
