#!/usr/bin/env bash
# The demo lab, on a fresh Debian 12 machine as root: installs the packages,
# builds xdpxe, then
#   1. a storm of simulated machines: network namespaces and a bridge
#      (198.19.0.0/16), a real dnsmasq as the lab's primary DHCP server,
#      `xdpxe serve` over XDP as ProxyDHCP + TFTP with Debian's iPXE builds
#      as snp_x64.efi / snp_aa64.efi / undionly.kpxe and a sample
#      autoexec.ipxe, and N machines booting at once through the real
#      protocol (firmware DHCP, 4011, TFTP with tsize probe and windowsize,
#      iPXE DHCP, script), every file checked byte-exact (bench/bootstorm);
#   2. one real UEFI machine: QEMU with OVMF's own PXE boots through xdpxe to
#      the iPXE script, the phases timed from xdpxe's boot event log
#      (tests/e2e/boot_case.sh; ~1 min under TCG).
# Everything it creates is removed at the end, also on Ctrl-C.
#
#   sudo tools/demo.sh                 # 200 machines, then one real VM
#   sudo tools/demo.sh --clients 500   # a bigger storm
#   sudo tools/demo.sh --no-vm         # the storm only
#   sudo tools/demo.sh --compare       # the same storm against dnsmasq too
set -euo pipefail
cd "$(dirname "$0")/.."

clients=200 vm=1 compare=0
while (($#)); do
  case $1 in
    --clients) clients=$2; shift ;;
    --no-vm) vm=0 ;;
    --compare) compare=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "demo: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((EUID == 0)) || { echo "demo: run as root (namespaces, XDP, QEMU)" >&2; exit 1; }

tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target xdpxe xdpctl bootstorm \
  bootstorm_deep_rcvbuf

out=$(mktemp -d /tmp/xdpxe-demo.XXXXXX)
echo
echo "== 1. $clients simulated machines boot at once through xdpxe (XDP)"
servers=xdpxe
((compare)) && servers=xdpxe,dnsmasq
build/bench/bootstorm --clients "$clients" --server "$servers" \
  --xdpxe_binary build/userspace/app/xdpxe \
  --json "$out/storm.json" --html "$out/storm.html"

if ((vm)); then
  echo
  echo "== 2. a real UEFI machine (QEMU + OVMF PXE) boots through xdpxe"
  tests/e2e/boot_case.sh --firmware uefi --proxy xdpxe --backend xdp \
    --xdpxe build/userspace/app/xdpxe --artifacts "$out/uefi"
fi

echo
echo "demo: storm report $out/storm.html, results $out/storm.json"
((vm)) && echo "demo: the VM's console and xdpxe's log are in $out/uefi"
exit 0
