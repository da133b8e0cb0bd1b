# Shared by the app_*_test.sh scripts (source it): the root check, the
# server/client namespace pair, fail() with the serve log's tail, and a tmux
# console whose output is captured from its first byte.
#
#   source "$src/tests/integration/app_lib.sh"
#   app_require_root "network namespaces"
#   app_netns_pair "$ns_s" "$ns_c" "$veth_s" "$veth_c" 198.18.40

# Exit 77 (ctest: skipped) when not root, but fail when CI=true.
app_require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    [[ ${CI:-} == true ]] && { echo "FAIL: needs root (CI=true)"; exit 1; }
    echo "SKIP: needs root for $1"; exit 77
  fi
}

# Two namespaces joined by a veth: NET.1 on the server side, NET.2 on the
# client's (NET is a /24 of 198.18.0.0/15, e.g. 198.18.40).
app_netns_pair() {
  local ns_s=$1 ns_c=$2 veth_s=$3 veth_c=$4 net=$5
  ip netns add "$ns_s"; ip netns add "$ns_c"
  ip link add "$veth_s" type veth peer name "$veth_c"
  ip link set "$veth_s" netns "$ns_s"; ip link set "$veth_c" netns "$ns_c"
  ip -n "$ns_s" addr add "$net.1/24" dev "$veth_s"
  ip -n "$ns_c" addr add "$net.2/24" dev "$veth_c"
  for ns in "$ns_s" "$ns_c"; do ip -n "$ns" link set lo up; done
  ip -n "$ns_s" link set "$veth_s" up; ip -n "$ns_c" link set "$veth_c" up
}

# Runs COMMAND in a detached 160x50 tmux SESSION with everything it prints
# appended to LOG. The command waits (up to 10 s) until pipe-pane is in
# place: started at once, a fast program prints its first screen before
# tmux pipes anything, and a wait for that screen times out.
app_tmux_start() {
  local session=$1 log=$2 cmd=$3 gate
  gate=$(mktemp -u "$log.gate.XXXXXX")
  tmux new-session -d -s "$session" -x 160 -y 50 \
    "for _ in \$(seq 100); do [ -e $gate ] && break; sleep 0.1; done; rm -f $gate; $cmd"
  tmux pipe-pane -t "$session" -o "cat >> $log"
  touch "$gate"
}

fail() {
  echo "FAIL: $*"
  echo "----- serve log -----"; tail -n 30 "$work/serve.log" 2>/dev/null || true
  exit 1
}
