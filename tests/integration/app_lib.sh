# Shared by the app_*_test.sh scripts (source it): the root check, the
# server/client namespace pair, and fail() with the serve log's tail.
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

fail() {
  echo "FAIL: $*"
  echo "----- serve log -----"; tail -n 30 "$work/serve.log" 2>/dev/null || true
  exit 1
}
