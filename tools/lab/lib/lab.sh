# shellcheck shell=bash disable=SC2034 # (variables set here are outputs for the caller)
# The PXE lab topology, shared by tools/lab/lab.sh (an operator watching one
# boot) and tests/e2e/ (real firmware booting through xdpxe in CI). Source it,
# then:
#
#   lab_init 4242 /tmp/xe-4242      # names every object after the id
#   trap lab_down EXIT              # everything below is undone by lab_down
#   lab_up                          # netns + bridge + veths, TX offload off
#   lab_start_primary               # dnsmasq, addresses only, 198.18.0.2
#   lab_start_proxy_xdpxe BIN xdp   # or: lab_start_proxy_dnsmasq
#
# Layout (the one the captures in tests/fixtures/ were taken in):
#
#   netns xe-ID-dhcp   xedID  198.18.0.2  primary dnsmasq (pool .100-.200)
#   netns xe-ID-px     xepID  198.18.0.1  the proxy: xdpxe (XDP) or dnsmasq
#   netns xe-ID-br     bridge xebrID joining xedbID, xepbID and the VM taps
#                      xetID-N (qemu runs in this netns to open them)
#
# Nothing is created in the caller's namespace, so deleting the three
# namespaces removes every interface; processes we start are stopped by PID.
# Log lines of every server are stamped on arrival with the wall clock in
# microseconds ("1733234400123456 <line>"), so phases can be timed against
# the VM's serial console whatever the server's own log format is.

LAB_SUBNET_PREFIX=198.18.0
LAB_PROXY_IP=198.18.0.1
LAB_PRIMARY_IP=198.18.0.2

lab_log() { printf '[lab %s] %s\n' "$(date -u +%T)" "$*" >&2; }
lab_die() { lab_log "error: $*"; exit 1; }

# Microseconds since the epoch, from bash's own clock (no fork).
lab_now_us() { local t=${EPOCHREALTIME/./}; printf '%s' "$t"; }

# Reads lines on stdin, writes them prefixed with the arrival time (µs).
lab_stamp() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    printf '%s %s\n' "${EPOCHREALTIME/./}" "${line//$'\r'/}"
  done
}

# Cleanup stack: lab_defer CMD... runs CMD at lab_down, last in first out.
LAB_DEFERRED=()
lab_defer() { LAB_DEFERRED+=("$*"); }

lab_init() {
  LAB_ID=$1
  LAB_DIR=$2
  [[ $LAB_ID =~ ^[0-9]{1,6}$ ]] || lab_die "lab id must be 1-6 digits: $LAB_ID"
  LAB_NS_BR=xe-$LAB_ID-br
  LAB_NS_DHCP=xe-$LAB_ID-dhcp
  LAB_NS_PX=xe-$LAB_ID-px
  LAB_BR=xebr$LAB_ID
  LAB_IF_DHCP=xed$LAB_ID
  LAB_IF_PX=xep$LAB_ID
  LAB_PIDS=()
  mkdir -p "$LAB_DIR"
  LAB_TFTP=$LAB_DIR/tftp
  mkdir -p "$LAB_TFTP"
}

# Namespaces whose owner process is gone (a run killed by ctest's timeout
# cannot run its trap): ids are PIDs, so /proc tells whether one is stale.
lab_reap_stale() {
  local ns id
  for ns in $(ip netns list | awk '{print $1}'); do
    [[ $ns =~ ^xe-([0-9]+)-(br|dhcp|px)$ ]] || continue
    id=${BASH_REMATCH[1]}
    [[ -d /proc/$id ]] && continue
    lab_log "removing stale namespace $ns (owner pid $id is gone)"
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -TERM 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

# Runs "$@" in netns $1. nsenter, not `ip netns exec`: that one also
# remounts /sys, without the bpffs where xdpxe pins its XDP maps.
# How often the host's ARP table was full (summed over CPUs; the table is
# shared by all namespaces). A rise during a boot explains lost unicasts.
lab_arp_table_fulls() {
  local h sum=0
  while read -r h; do sum=$((sum + 16#$h)); done < <(
    awk 'NR > 1 { print $NF }' /proc/net/stat/arp_cache)
  echo "$sum"
}

lab_nsexec() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

# veth pair with one end in the bridge netns (enslaved) and one in $2.
_lab_veth() {
  local ifname=$1 ns=$2 addr=$3 q=${4:-1}
  ip -n "$LAB_NS_BR" link add "${ifname}b" numtxqueues "$q" numrxqueues "$q" \
    type veth peer name "$ifname" numtxqueues "$q" numrxqueues "$q"
  ip -n "$LAB_NS_BR" link set "$ifname" netns "$ns"
  ip -n "$LAB_NS_BR" link set "${ifname}b" master "$LAB_BR" up
  ip -n "$ns" addr add "$addr/24" dev "$ifname"
  ip -n "$ns" link set "$ifname" up
  ip -n "$ns" link set lo up
  # Replies built by the kernel would otherwise carry a partial checksum
  # that only a NIC completes; a veth never does, so captures and the
  # firmware on the far side would see bad UDP checksums.
  lab_nsexec "$LAB_NS_BR" ethtool -K "${ifname}b" tx off >/dev/null
  lab_nsexec "$ns" ethtool -K "$ifname" tx off >/dev/null
}

lab_up() {
  local ns
  for ns in "$LAB_NS_BR" "$LAB_NS_DHCP" "$LAB_NS_PX"; do
    ip netns add "$ns"
    lab_defer ip netns del "$ns"
    # No IPv6: the captures have none, and nothing here answers it.
    lab_nsexec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1
  done
  ip -n "$LAB_NS_BR" link add "$LAB_BR" type bridge stp_state 0 \
    forward_delay 0 mcast_snooping 0
  ip -n "$LAB_NS_BR" link set "$LAB_BR" up
  _lab_veth "$LAB_IF_DHCP" "$LAB_NS_DHCP" "$LAB_PRIMARY_IP"
  # LAB_PROXY_QUEUES=N gives the proxy's veth N queues (one xdpxe worker
  # each); the bridge side spreads flows over them by hash.
  _lab_veth "$LAB_IF_PX" "$LAB_NS_PX" "$LAB_PROXY_IP" "${LAB_PROXY_QUEUES:-1}"
  lab_log "topology up: bridge $LAB_BR in $LAB_NS_BR," \
    "primary $LAB_PRIMARY_IP ($LAB_NS_DHCP), proxy $LAB_PROXY_IP ($LAB_NS_PX," \
    "${LAB_PROXY_QUEUES:-1} queue(s))"
}

# Starts "$@" in netns $1 in the background, stdout+stderr stamped into $2.
# Sets LAB_LAST_PID to the command's own PID (not the stamper's).
lab_spawn() {
  local ns=$1 log=$2
  shift 2
  # nsenter itself, not lab_nsexec: a function would run in a forked
  # subshell, and $! would name that shell instead of the server.
  nsenter --net="/run/netns/$ns" "$@" </dev/null > >(lab_stamp >"$log") 2>&1 &
  LAB_LAST_PID=$!
  LAB_PIDS+=("$LAB_LAST_PID")
}

lab_kill() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

lab_down() {
  local i pid
  set +e
  for pid in "${LAB_PIDS[@]}"; do lab_kill "$pid"; done
  LAB_PIDS=()
  for ((i = ${#LAB_DEFERRED[@]} - 1; i >= 0; i--)); do
    eval "${LAB_DEFERRED[i]}" 2>/dev/null
  done
  LAB_DEFERRED=()
  # Pins of an xdpxe that could not detach (killed): ours by name only.
  [[ -n ${LAB_IF_PX:-} && -d /sys/fs/bpf/xdpxe/$LAB_IF_PX ]] &&
    rm -rf "/sys/fs/bpf/xdpxe/$LAB_IF_PX"
  return 0
}

# Waits until the UDP port $2 is bound in netns $1 (a server is up), or the
# process $3 died, for at most $4 seconds.
lab_wait_udp() {
  local ns=$1 port=$2 pid=$3 secs=${4:-20} i
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    lab_nsexec "$ns" ss -Huanl "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# The primary DHCP server of the lab: addresses only, no PXE options, with
# dnsmasq's default ping check (the 3 s before its first OFFER). Replies to
# unconfigured clients are broadcast (--dhcp-broadcast): unicast needs
# dnsmasq to inject an ARP entry, and the kernel's ARP table is shared by
# every namespace on the host (gc_thresh3 entries in all), so a neighbour's
# load test filling it made the OFFER to iPXE vanish ("ARP-cache injection
# failed: No buffer space available"; iPXE: "No configuration methods
# succeeded"). Every DHCP client must accept broadcast replies.
# LAB_PRIMARY_COLOCATED=1 runs it on the proxy's own veth and address
# instead (a lab gateway that is the DHCP server too): then xdpxe must leave
# port 67 to the kernel and still answer PXE clients.
lab_start_primary() {
  local ns=$LAB_NS_DHCP ifname=$LAB_IF_DHCP
  if [[ ${LAB_PRIMARY_COLOCATED:-0} == 1 ]]; then
    ns=$LAB_NS_PX ifname=$LAB_IF_PX
  fi
  [[ $ns == "$LAB_NS_PX" ]] && lab_log "primary dnsmasq on the proxy's veth $ifname ($LAB_PROXY_IP)"
  lab_spawn "$ns" "$LAB_DIR/primary.log" \
    timeout -k 5 "${LAB_MAX_SECONDS:-3600}" \
    dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
    --port=0 --interface="$ifname" --bind-interfaces \
    --dhcp-range=$LAB_SUBNET_PREFIX.100,$LAB_SUBNET_PREFIX.200,255.255.255.0,600 \
    --dhcp-leasefile="$LAB_DIR/primary.leases" --pid-file= \
    --dhcp-broadcast --log-dhcp --log-facility=-
  LAB_PRIMARY_PID=$LAB_LAST_PID
  lab_wait_udp "$ns" 67 "$LAB_PRIMARY_PID" ||
    lab_die "primary dnsmasq did not start: $(tail -3 "$LAB_DIR/primary.log")"
}

# The comparison proxy: dnsmasq 2.90 in proxy mode with its own TFTP, the
# set-up the captures were taken with (UEFI goes through port 4011, iPXE is
# told the script by its user class). dhcp-boot names our address for
# siaddr: iPXE ignores a proxy offer whose siaddr is 0 ("Nothing to boot").
lab_start_proxy_dnsmasq() {
  lab_spawn "$LAB_NS_PX" "$LAB_DIR/proxy.log" \
    timeout -k 5 "${LAB_MAX_SECONDS:-3600}" \
    dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
    --port=0 --interface="$LAB_IF_PX" --bind-interfaces \
    --dhcp-range=$LAB_SUBNET_PREFIX.0,proxy --pid-file= \
    --enable-tftp --tftp-root="$LAB_TFTP" \
    --dhcp-userclass=set:ipxe,iPXE \
    --dhcp-boot=tag:ipxe,autoexec.ipxe,,$LAB_PROXY_IP \
    --pxe-service=tag:!ipxe,x86PC,"xdpxe-e2e BIOS",undionly.kpxe \
    --pxe-service=tag:!ipxe,X86-64_EFI,"xdpxe-e2e UEFI",snp_x64.efi \
    --pxe-service=tag:!ipxe,BC_EFI,"xdpxe-e2e UEFI",snp_x64.efi \
    --dhcp-broadcast --log-dhcp --log-facility=-
  LAB_PROXY_PID=$LAB_LAST_PID
  LAB_PROXY_KIND=dnsmasq
  lab_wait_udp "$LAB_NS_PX" 4011 "$LAB_PROXY_PID" ||
    lab_die "proxy dnsmasq did not start: $(tail -3 "$LAB_DIR/proxy.log")"
}

# xdpxe as the proxy: `lab_start_proxy_xdpxe BIN xdp|socket [EXTRA ARGS]`.
# Its boot event log (stderr, logfmt) lands stamped in proxy.log. The
# config is the lab's own (never /etc/xdpxe or /proc/cmdline), and the XDP
# backend must not fall back to sockets: a case named xdp proves XDP.
lab_start_proxy_xdpxe() {
  local bin=$1 backend=$2
  shift 2
  [[ -x $bin ]] || lab_die "no xdpxe binary at $bin (build target xdpxe)"
  mkdir -p "$LAB_DIR/state"
  cat >"$LAB_DIR/xdpxe.conf" <<EOF
# Written by tools/lab/lib/lab.sh for one lab run.
socket-fallback=no
ipxe-script=autoexec.ipxe
EOF
  : >"$LAB_DIR/cmdline"
  lab_spawn "$LAB_NS_PX" "$LAB_DIR/proxy.log" \
    timeout -k 5 "${LAB_MAX_SECONDS:-3600}" \
    "$bin" serve --config "$LAB_DIR/xdpxe.conf" --cmdline "$LAB_DIR/cmdline" \
    --interface "$LAB_IF_PX" --tftp-root "$LAB_TFTP" \
    --backend "$backend" --state-dir "$LAB_DIR/state" "$@"
  LAB_PROXY_PID=$LAB_LAST_PID
  LAB_PROXY_KIND=xdpxe-$backend
  lab_wait_log "$LAB_DIR/proxy.log" "serving on $LAB_IF_PX" "$LAB_PROXY_PID" ||
    lab_die "xdpxe did not start: $(tail -5 "$LAB_DIR/proxy.log")"
}

# Waits until stamped log $1 has a line containing $2 (a server says it is
# ready: over AF_XDP nothing binds a UDP port), while process $3 lives, for
# at most $4 seconds.
lab_wait_log() {
  local log=$1 text=$2 pid=$3 secs=${4:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    grep -qF -- "$text" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The files every proxy serves: Debian's iPXE builds and a generated
# autoexec.ipxe. The script builds its marker at run time ("${m}-...") so
# only a script that really ran prints it, not a console echoing the file.
# Sets LAB_MARKER.
lab_write_tftp_root() {
  local tag
  tag=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
  LAB_MARKER=XDPXE-E2E-$tag-OK
  cp /usr/lib/ipxe/snponly.efi "$LAB_TFTP/snp_x64.efi"
  cp /usr/lib/ipxe/undionly.kpxe "$LAB_TFTP/undionly.kpxe"
  cat >"$LAB_TFTP/autoexec.ipxe" <<EOF
#!ipxe
set m XDPXE-E2E
echo \${m}-$tag-OK mac=\${net0/mac} ip=\${net0/ip} platform=\${platform}
${LAB_AUTOEXEC_TAIL:-poweroff}
EOF
}
