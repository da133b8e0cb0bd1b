# shellcheck shell=bash
# Reading a finished boot: milestones from a VM's stamped serial console and
# the proxy's stamped log, as seconds since the VM was started. Sourced by
# boot_case.sh after tools/lab/lib/lab.sh.
#
#   report_wait_markers 240 0 1 2 3   # until every VM printed its marker
#   report_vm 0                       # milestone table + proxy events
#
# A stamped line is "<µs since epoch> <text>" (lab_stamp).

# Milestones on the console (the wire's come from wire.py --phases).
REPORT_MILESTONES=(
  "console: iPXE running|Open Source Network Boot Firmware"
  "console: iPXE configured|net0: [0-9.]+/[0-9.]+ gw"
)

# Console lines after which no marker can come: fail now, not at the bound.
REPORT_GAVE_UP="No bootable device|Nothing to boot[^\r]*"

# Seconds (3 decimals) from $1 µs to $2 µs.
report_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }

# First stamp of a line matching ERE $2 in stamped file $1 (empty: none).
report_first() { grep -m1 -E -- "$2" "$1" 2>/dev/null | cut -d' ' -f1; }

report_marker_us() {
  report_first "$LAB_DIR/vm$1.serial" "$LAB_MARKER mac=$(vm_mac "$1")"
}

# Waits until every VM given printed its own marker (its MAC next to it) or
# $1 seconds passed. Returns 1 on timeout; a VM whose QEMU exited without
# the marker fails at once (a firmware that gave up, e.g. "No bootable
# device", would otherwise sit out the whole bound).
report_wait_markers() {
  local bound=$1 n left deadline
  shift
  deadline=$(($(lab_now_us) + bound * 1000000))
  while :; do
    left=0
    for n in "$@"; do
      [[ -n $(report_marker_us "$n") ]] && continue
      left=1
      if grep -qE "$REPORT_GAVE_UP" "$LAB_DIR/vm$n.serial"; then
        lab_log "vm$n: the firmware gave up: $(grep -m1 -oE "$REPORT_GAVE_UP" \
          "$LAB_DIR/vm$n.serial")"
        return 1
      fi
      if ! kill -0 "${VM_PIDS[n]}" 2>/dev/null; then
        sleep 0.3 # let the stamper drain the console
        [[ -n $(report_marker_us "$n") ]] && continue
        lab_log "vm$n: QEMU exited without the marker"
        return 1
      fi
    done
    ((left == 0)) && return 0
    (($(lab_now_us) > deadline)) && return 1
    sleep 0.2
  done
}

# Milestones of VM $1 relative to its start, "name|seconds" per line in
# time order: the console's, the wire's (file $2 from wire.py --phases) and
# the marker. A milestone not reached is left out.
report_milestones() {
  local n=$1 phases=$2 t0=${VM_T0S[$1]} m us
  {
    for m in "${REPORT_MILESTONES[@]}"; do
      us=$(report_first "$LAB_DIR/vm$n.serial" "${m#*|}")
      [[ -n $us ]] && printf '%s|%s\n' "${m%%|*}" "$us"
    done
    [[ -r $phases ]] && sed 's/^/wire: /' "$phases"
    us=$(report_marker_us "$n")
    [[ -n $us ]] && printf 'console: marker|%s\n' "$us"
  } | sort -t'|' -k2,2n | while IFS='|' read -r m us; do
    printf '%s|%s\n' "$m" "$(report_secs "$t0" "$us")"
  done
}

# The proxy's log lines about VM $1 (its MAC, or the address the primary
# leased it), each with its time since the VM started: xdpxe's boot event
# log, or dnsmasq's DHCP/TFTP lines for the comparison.
report_proxy_events() {
  local n=$1 t0=${VM_T0S[$1]} mac ip
  mac=$(vm_mac "$n")
  ip=$(awk -v m="$mac" 'tolower($2) == m { print $3 }' \
    "$LAB_DIR/primary.leases" 2>/dev/null | head -1)
  awk -v t0="$t0" -v mac="$mac" -v ip="${ip:-none}" '
    { line = tolower($0) }
    index(line, mac) || (ip != "none" && $0 ~ ("[^0-9.]" ip "([^0-9]|$)")) {
      us = $1; $1 = ""; sub(/^ /, "")
      # logfmt: the stamp says when, the heading says who.
      sub(/^time=[^ ]+ /, ""); sub(/ mac=[0-9a-f:]+/, "")
      printf "  %+9.3fs  %s\n", (us - t0) / 1e6, $0
    }' "$LAB_DIR/proxy.log"
}

# Dumps what a failed run needs for diagnosis (tail of every log).
report_failure() {
  local f
  for f in "$LAB_DIR"/vm*.serial "$LAB_DIR"/proxy.log "$LAB_DIR"/primary.log \
    "$LAB_DIR"/vm*.qemu.log; do
    [[ -s $f ]] || continue
    printf -- '--- last lines of %s\n' "$f"
    tail -n 25 "$f" | cut -d' ' -f2- | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g'
  done
}
