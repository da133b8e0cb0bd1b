#!/usr/bin/env bash
# One end-to-end case: real firmware in QEMU boots through the lab of
# tools/lab/lib/lab.sh (primary dnsmasq for addresses, a proxy for the boot)
# until its autoexec.ipxe prints a marker on the serial console. Registered
# with ctest by tests/e2e/CMakeLists.txt (label e2e); runnable by hand:
#
#   sudo tests/e2e/boot_case.sh --firmware uefi --proxy xdpxe \
#        --backend xdp --xdpxe build/userspace/app/xdpxe --compare
#
#   --firmware uefi|bios|uefi-rom
#                         OVMF's own PXE (NIC ROM off), SeaBIOS + iPXE ROM,
#                         or OVMF + that ROM's EFI iPXE
#   --vms N               N VMs started together (each must print its marker)
#   --proxy xdpxe|dnsmasq|dataplane
#                         the ProxyDHCP + TFTP server under test (dataplane:
#                         io::Server through tests/integration/dataplane_serve,
#                         xdpxe's data path without the app layer)
#   --backend xdp|socket  xdpxe's data path
#   --dataplane PATH      the dataplane_serve binary
#   --compare             then the same chain through dnsmasq, times side by side
#   --queues N            N RX/TX queues on the proxy's veth (xdpxe: a worker
#                         per queue)
#   --colocated           the primary dnsmasq runs on the proxy's veth and
#                         address (xdpxe must leave port 67 to it)
#   --bound S             seconds each chain may take (default 240)
#   --artifacts DIR       keep logs and consoles there (default: a temp dir,
#                         kept only on failure)
#
# Exit 0 pass, 1 fail, 77 skipped (only when not root and CI is not
# "true"; a missing package, firmware or binary is a failure).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../../tools/lab/lib/lab.sh
source "$repo/tools/lab/lib/lab.sh"
# shellcheck source=../../tools/lab/lib/vm.sh
source "$repo/tools/lab/lib/vm.sh"
# shellcheck source=lib/report.sh
source "$here/lib/report.sh"

firmware=uefi vms=1 proxy=xdpxe backend=xdp xdpxe_bin='' dataplane_bin=''
compare=0 bound=240
artifacts=''
while (($#)); do
  case $1 in
    --firmware) firmware=$2; shift ;;
    --vms) vms=$2; shift ;;
    --proxy) proxy=$2; shift ;;
    --backend) backend=$2; shift ;;
    --xdpxe) xdpxe_bin=$2; shift ;;
    --dataplane) dataplane_bin=$2; shift ;;
    --compare) compare=1 ;;
    --colocated) export LAB_PRIMARY_COLOCATED=1 ;;
    --queues) export LAB_PROXY_QUEUES=$2; shift ;;
    --bound) bound=$2; shift ;;
    --artifacts) artifacts=$2; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "boot_case: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
proxy_label=$proxy
[[ $proxy != dnsmasq ]] && proxy_label=$proxy-$backend
case_name="$firmware x$vms via $proxy_label"
[[ ${LAB_PRIMARY_COLOCATED:-0} == 1 ]] && case_name+=", primary on the same host"

# Skip only where a developer runs the suite unprivileged; under CI=true,
# or as root, anything missing is a failure.
preflight_fail() {
  echo "e2e FAIL ($case_name): $*" >&2
  exit 1
}

preflight() {
  if ((EUID != 0)); then
    [[ ${CI:-} == true ]] &&
      preflight_fail "needs root (netns, taps, XDP); CI=true: e2e must run"
    echo "e2e SKIP ($case_name): needs root (netns, taps, XDP)" >&2
    exit 77
  fi
  local f t
  for t in qemu-system-x86_64 dnsmasq ethtool ip ss nsenter timeout stdbuf \
    python3; do
    command -v "$t" >/dev/null || preflight_fail "missing $t (tools/install-deps.sh)"
  done
  for f in "$VM_OVMF_CODE" "$VM_OVMF_VARS" /usr/lib/ipxe/snponly.efi \
    /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/qemu/efi-virtio.rom \
    /usr/share/seabios/bios-256k.bin; do
    [[ -r $f ]] || preflight_fail "missing $f (tools/install-deps.sh)"
  done
  if [[ $proxy == xdpxe ]]; then
    [[ -x $xdpxe_bin ]] ||
      preflight_fail "no xdpxe binary at '${xdpxe_bin}' (build target xdpxe)"
  fi
  if [[ $proxy == dataplane ]]; then
    [[ -x $dataplane_bin ]] ||
      preflight_fail "no dataplane_serve at '${dataplane_bin}'"
  fi
}

# Boots $vms VMs through the running proxy; prints the report; records
# "label n seconds" lines in $summary. Returns 1 if a VM missed its marker.
declare -a VM_PIDS VM_T0S
run_chain() {
  local label=$1 n rc=0
  lab_log "chain '$label': starting $vms $firmware VM(s), bound ${bound}s"
  lab_spawn "$LAB_NS_BR" "$LAB_DIR/capture.log" \
    timeout -k 5 "$LAB_MAX_SECONDS" python3 "$here/lib/wire.py" capture \
    "$LAB_BR" "$LAB_DIR/wire.pcap"
  local capture_pid=$LAB_LAST_PID arp_full0
  arp_full0=$(lab_arp_table_fulls)
  for ((n = 0; n < vms; n++)); do
    vm_start "$firmware" "$n" "$LAB_DIR/vm$n.serial"
    VM_PIDS[n]=$VM_PID
    VM_T0S[n]=$VM_T0_US
  done
  report_wait_markers "$bound" $(seq 0 $((vms - 1))) || rc=1
  local arp_full=$(($(lab_arp_table_fulls) - arp_full0))
  ((arp_full == 0)) || echo "== $label: WARNING: the host's ARP table" \
    "(shared by all namespaces) was full $arp_full times during this chain"
  if ((${LAB_PROXY_QUEUES:-1} > 1)); then
    echo "== $label: packets per RX queue of $LAB_IF_PX:"
    lab_nsexec "$LAB_NS_PX" ethtool -S "$LAB_IF_PX" |
      grep -E 'rx_queue_[0-9]+_xdp_(packets|redirect):' | sed 's/^ */   /'
  fi
  if [[ $label == xdpxe* ]]; then
    echo "== $label: xdpxe status after the boot(s):"
    "$xdpxe_bin" status --config "$LAB_DIR/xdpxe.conf" \
      --state-dir "$LAB_DIR/state" 2>&1 | sed 's/^/   /' || rc=1
  fi
  # Powered off by the script; stop what is left, free the taps.
  for ((n = 0; n < vms; n++)); do
    lab_kill "${VM_PIDS[n]}"
    ip -n "$LAB_NS_BR" link del "xet$LAB_ID-$n" 2>/dev/null || true
  done
  lab_kill "$capture_pid"
  local window=
  [[ $label != dnsmasq ]] && window=--want-window
  for ((n = 0; n < vms; n++)); do
    echo "== $label: vm$n ($(vm_mac "$n"))"
    echo "   on the wire (bridge capture, s since the first frame):"
    python3 "$here/lib/wire.py" check "$LAB_DIR/wire.pcap" \
      --firmware "$firmware" --mac "$(vm_mac "$n")" --proxy "$LAB_PROXY_IP" \
      --tftp-root "$LAB_TFTP" --phases "$LAB_DIR/vm$n.phases" $window || rc=1
    check_chain "$n" || rc=1
    echo "   proxy log ($label) about this VM, s since VM start:"
    report_proxy_events "$n"
    echo "   milestones, s since VM start:"
    report_milestones "$n" "$LAB_DIR/vm$n.phases" |
      while IFS='|' read -r name secs; do
        printf '     %-32s %8s\n' "$name" "$secs"
        printf '%s|%s|%s|%s\n' "$label" "$n" "$name" "$secs" >>"$summary"
      done
  done
  ((rc == 0)) || { echo "== $label: FAILED"; report_failure; }
  mkdir -p "$LAB_DIR/$label"
  mv "$LAB_DIR"/vm*.{serial,qemu.log,phases} "$LAB_DIR"/proxy.log \
    "$LAB_DIR"/wire.pcap "$LAB_DIR"/capture.log "$LAB_DIR/$label/" \
    2>/dev/null || true
  return $rc
}

# What the console must show beyond the marker, so the case proves the path
# it names: UEFI loaded iPXE through the firmware's PXE (no NIC ROM).
check_chain() {
  local n=$1 need=() s
  s=$LAB_DIR/vm$n.serial
  [[ -n $(report_marker_us "$n") ]] || {
    echo "  FAIL vm$n: no '$LAB_MARKER mac=$(vm_mac "$n")' on the console"
    return 1
  }
  [[ $firmware == uefi ]] &&
    need=("NBP file downloaded successfully" "Open Source Network Boot Firmware")
  [[ $firmware != uefi ]] && need=("Open Source Network Boot Firmware")
  local m
  for m in "${need[@]}"; do
    grep -q -- "$m" "$s" || { echo "  FAIL vm$n: console lacks '$m'"; return 1; }
  done
}

start_proxy() {
  case $1 in
    dnsmasq) lab_start_proxy_dnsmasq ;;
    xdpxe) lab_start_proxy_xdpxe "$xdpxe_bin" "$backend" ;;
    dataplane)
      lab_spawn "$LAB_NS_PX" "$LAB_DIR/proxy.log" \
        timeout -k 5 "$LAB_MAX_SECONDS" "$dataplane_bin" \
        --interface "$LAB_IF_PX" --tftp-root "$LAB_TFTP" \
        --backend "$backend" --no-fallback --dhcp
      LAB_PROXY_PID=$LAB_LAST_PID
      lab_wait_log "$LAB_DIR/proxy.log" " ready backend=$backend" \
        "$LAB_PROXY_PID" ||
        lab_die "dataplane_serve not ready: $(tail -3 "$LAB_DIR/proxy.log")"
      ;;
  esac
  if [[ $1 != dnsmasq && $backend == xdp ]]; then
    ip -n "$LAB_NS_PX" -d link show "$LAB_IF_PX" | grep -q 'prog/xdp' ||
      lab_die "$1 --backend xdp: no XDP program on $LAB_IF_PX"
    lab_log "XDP program attached to $LAB_IF_PX:" \
      "$(ip -n "$LAB_NS_PX" -d link show "$LAB_IF_PX" | grep -o 'prog/xdp.*')"
  fi
}

# A fresh primary per chain: each chain then pays the same ping check and
# gets the same address, so the comparison is fair.
restart_primary() {
  [[ -n ${LAB_PRIMARY_PID:-} ]] && lab_kill "$LAB_PRIMARY_PID"
  rm -f "$LAB_DIR/primary.leases"
  lab_start_primary
}

print_comparison() {
  local labels=("$@") name l row from to
  echo
  echo "== vm0, s since VM start (accel $VM_ACCEL, $firmware):"
  printf '  %-32s' milestone
  for l in "${labels[@]}"; do printf ' %14s' "$l"; done
  echo
  cut -d'|' -f3 "$summary" | awk '!seen[$0]++' | while IFS= read -r name; do
    printf '  %-32s' "$name"
    for l in "${labels[@]}"; do
      row=$(awk -F'|' -v l="$l" -v m="$name" \
        '$1 == l && $2 == 0 && $3 == m { print $4 }' "$summary")
      printf ' %14s' "${row:--}"
    done
    echo
  done
  # The firmware's own start-up (OVMF under TCG: 10-20 s, with the host's
  # load) is not the proxy's doing: these spans start at the first packet.
  local span
  for span in "first DHCPDISCOVER -> marker|DHCPDISCOVER|console: marker" \
    "snp_x64.efi RRQ -> last DATA|wire: RRQ snp_x64.efi|wire: last DATA snp_x64.efi"; do
    IFS='|' read -r name from to <<<"$span"
    printf '  %-32s' "= $name"
    for l in "${labels[@]}"; do
      row=$(awk -F'|' -v l="$l" -v a="$from" -v b="$to" '
        $1 == l && $2 == 0 && index($3, a) && t0 == "" { t0 = $4 }
        $1 == l && $2 == 0 && $3 == b { t1 = $4 }
        END { if (t0 != "" && t1 != "") printf "%.3f", t1 - t0 }' "$summary")
      printf ' %14s' "${row:--}"
    done
    echo
  done
}

main() {
  preflight
  if [[ -n $artifacts ]]; then
    rm -rf "$artifacts" && mkdir -p "$artifacts"
    workdir=$(cd "$artifacts" && pwd)
  else
    workdir=$(mktemp -d /tmp/xe-e2e.XXXXXX)
  fi
  lab_init $$ "$workdir"
  summary=$LAB_DIR/summary
  : >"$summary"
  trap 'rc=$?; lab_down; finish $rc' EXIT
  trap 'exit 130' INT TERM
  LAB_MAX_SECONDS=$((bound * 3 + 120)) VM_MAX_SECONDS=$((bound + 30))
  lab_reap_stale
  vm_probe_accel
  lab_write_tftp_root
  lab_up
  lab_start_primary

  local rc=0 labels=()
  start_proxy "$proxy"
  run_chain "$proxy_label" || rc=1
  labels+=("$proxy_label")
  if ((compare)) && [[ $proxy != dnsmasq ]]; then
    lab_kill "$LAB_PROXY_PID"
    # xdpxe detaches what it attached: a program left behind would also
    # steer the reference chain's packets.
    if ip -n "$LAB_NS_PX" -d link show "$LAB_IF_PX" | grep -q 'prog/xdp'; then
      echo "FAIL: $proxy left an XDP program on $LAB_IF_PX after SIGTERM"
      rc=1
    fi
    ip -n "$LAB_NS_PX" neigh flush all
    restart_primary
    start_proxy dnsmasq
    # The reference chain is a measurement, not the thing under test: its
    # failure is reported loudly but does not fail xdpxe's case.
    run_chain dnsmasq ||
      echo "WARNING: the reference chain through dnsmasq failed (above)"
    labels+=(dnsmasq)
  fi
  print_comparison "${labels[@]}"
  return $rc
}

finish() {
  local rc=$1
  if ((rc == 0)); then
    echo "e2e PASS ($case_name)"
    [[ -z $artifacts ]] && rm -rf "$workdir"
  else
    echo "e2e FAIL ($case_name): logs and consoles kept in $workdir"
  fi
  exit "$rc"
}

# One line: bash has read the whole file before main runs, so editing the
# script while a case runs cannot change the running one.
main "$@"; exit $?
