#!/usr/bin/env bash
# `cmake --install` layout into a DESTDIR: xdpxe (and xdpctl when built) in
# sbin, the commented default config under etc/xdpxe, which parses, the
# systemd unit pointing at the installed binary with a capability bounding
# set, the doc and man page.
#
#   app_install_test.sh BUILD_DIR
set -euo pipefail
build=$1
dest=$(mktemp -d /tmp/xa-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*"; find "$dest" -type f; exit 1; }
# A partial build may lack others' install targets: install what exists.
DESTDIR=$dest cmake --install "$build" >/dev/null 2>&1 || true
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
sbin=$dest$prefix/sbin
[[ -x $sbin/xdpxe ]] || fail "no $sbin/xdpxe"
if [[ -x $build/tools/xdpctl ]]; then
  [[ -x $sbin/xdpctl ]] || fail "xdpctl built but not installed"
fi
conf=$(find "$dest" -path '*/etc/xdpxe/xdpxe.conf')
[[ -n $conf ]] || fail "no etc/xdpxe/xdpxe.conf"
"$sbin/xdpxe" config check --config "$conf" --state-dir "$dest/state" >/dev/null \
  || fail "the installed default config does not parse"
unit=$dest$prefix/lib/systemd/system/xdpxe.service
[[ -f $unit ]] || fail "no systemd unit"
grep -qx "ExecStart=$prefix/sbin/xdpxe serve" "$unit" || fail "ExecStart is not the installed binary"
grep -q '^CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_NET_ADMIN CAP_BPF CAP_SYS_ADMIN$' "$unit" \
  || fail "capability set changed"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" 2>&1 | grep -v -e 'Failed to ' -e 'not executable' \
    -e 'is not a valid' -e '^$' | grep -i 'error\|unknown' && fail "systemd-analyze"
fi
[[ -f $dest$prefix/share/doc/xdpxe/DEPLOY.md ]] || fail "no DEPLOY.md"
[[ -f $dest$prefix/share/man/man8/xdpxe.8 ]] || fail "no man page"
echo "PASS: install layout"
