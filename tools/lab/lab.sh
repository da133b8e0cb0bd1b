#!/usr/bin/env bash
# The e2e lab by hand: the same topology the real-firmware tests boot in
# (tests/e2e/), with one VM whose serial console is this terminal, for an
# operator who wants to watch a PXE boot through xdpxe. Everything it
# creates is removed when the VM exits (Ctrl-A X), also on Ctrl-C elsewhere.
#
#   sudo tools/lab/lab.sh uefi                      # OVMF's own PXE → iPXE
#   sudo tools/lab/lab.sh bios --backend socket     # SeaBIOS + iPXE ROM
#   sudo tools/lab/lab.sh uefi --proxy dnsmasq      # the reference chain
#   sudo tools/lab/lab.sh uefi-rom                  # OVMF + the NIC's iPXE ROM
#
# Options:
#   --proxy xdpxe|dnsmasq   boot server (default xdpxe)
#   --backend xdp|socket    xdpxe's data path (default xdp)
#   --xdpxe PATH            the binary (default: build/userspace/app/xdpxe,
#                           then build-*/userspace/app/xdpxe)
#   --poweroff              autoexec.ipxe powers the VM off after its marker
#                           (default: it drops to the iPXE shell)
#   --dir DIR               logs, consoles and the TFTP root (default: a temp
#                           dir, printed at the end and kept)
#
# In the VM console: Ctrl-A X quits QEMU, Ctrl-A C toggles the QEMU monitor.
# The proxy's log is in DIR/proxy.log (xdpxe's boot event log, stamped);
# `tail -f` it from another terminal.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib/lab.sh
source "$here/lib/lab.sh"
# shellcheck source=lib/vm.sh
source "$here/lib/vm.sh"

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }

kind='' proxy=xdpxe backend=xdp xdpxe_bin='' dir='' poweroff=0
while (($#)); do
  case $1 in
    uefi | uefi-rom | bios) kind=$1 ;;
    --proxy) proxy=$2; shift ;;
    --backend) backend=$2; shift ;;
    --xdpxe) xdpxe_bin=$2; shift ;;
    --poweroff) poweroff=1 ;;
    --dir) dir=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "lab: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[[ -n $kind ]] || { usage >&2; exit 2; }
((EUID == 0)) || lab_die "run as root (network namespaces, taps, XDP)"
case $proxy in
  dnsmasq) ;;
  xdpxe)
    if [[ -z $xdpxe_bin ]]; then
      for xdpxe_bin in "$repo"/build/userspace/app/xdpxe \
        "$repo"/build-*/userspace/app/xdpxe ""; do
        [[ -x $xdpxe_bin ]] && break
      done
    fi
    [[ -x $xdpxe_bin ]] ||
      lab_die "no xdpxe binary found: build it (cmake --build build --target xdpxe) or pass --xdpxe PATH, or use --proxy dnsmasq"
    ;;
  *) lab_die "--proxy must be xdpxe or dnsmasq: $proxy" ;;
esac

[[ -n $dir ]] || dir=$(mktemp -d /tmp/xe-lab.XXXXXX)
lab_init $$ "$dir"
trap 'lab_down; lab_log "torn down; logs kept in $LAB_DIR"' EXIT
trap 'exit 130' INT TERM HUP
lab_reap_stale
((poweroff)) || LAB_AUTOEXEC_TAIL=shell
lab_write_tftp_root
vm_probe_accel
lab_up
lab_start_primary
if [[ $proxy == xdpxe ]]; then
  lab_start_proxy_xdpxe "$xdpxe_bin" "$backend"
else
  lab_start_proxy_dnsmasq
fi
lab_log "proxy: $LAB_PROXY_KIND (log: $LAB_DIR/proxy.log)," \
  "primary log: $LAB_DIR/primary.log"
lab_log "the script prints $LAB_MARKER; Ctrl-A X quits the VM"
sleep 1
vm_start "$kind" 0 stdio || true
echo
lab_log "proxy log of this boot:"
cut -d' ' -f2- "$LAB_DIR/proxy.log" | grep -vE 'requested options|sent size' |
  tail -n 30 >&2 || true
