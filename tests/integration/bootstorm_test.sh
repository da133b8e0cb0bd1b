#!/bin/sh
# A small boot storm, so the benchmark cannot rot: 20 simulated machines
# (BIOS, x64 and arm64) boot through the real protocol, every file checked
# byte for byte, against each server named in $3 (comma list).
#   bootstorm_test.sh <bootstorm binary> <xdpxe binary or ""> <servers>
# Root only: skips (exit 77) when not root, unless CI=true, where it fails.
set -eu
bootstorm=$1
xdpxe=$2
servers=$3
if [ "$(id -u)" != 0 ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "bootstorm_test: needs root (network namespaces), and CI=true" >&2
    exit 1
  fi
  echo "bootstorm_test: not root, skipped" >&2
  exit 77
fi
out=$(mktemp -d /tmp/xs-ctest.XXXXXX)
trap 'rm -rf "$out"' EXIT
set -- --clients 20 --server "$servers" --spread 0.5 --timeout 60 \
  --json "$out/storm.json" --html "$out/storm.html"
if [ -n "$xdpxe" ]; then set -- "$@" --xdpxe_binary "$xdpxe"; fi
rc=0
"$bootstorm" "$@" || rc=$?
if [ "$rc" != 0 ]; then
  echo "bootstorm_test: bootstorm exited $rc (3: not every machine booted)" >&2
  exit 1
fi
# Every server in the JSON: 20 of 20 booted, and the report was written.
n=$(echo "$servers" | tr ',' '\n' | grep -c .)
ok=$(grep -c '"booted": 20, "failed": 0' "$out/storm.json" || true)
if [ "$ok" != "$n" ]; then
  echo "bootstorm_test: expected $n servers with 20/20 booted, JSON says:" >&2
  grep '"server"' "$out/storm.json" | head -20 >&2
  exit 1
fi
grep -q '<svg' "$out/storm.html" || {
  echo "bootstorm_test: the HTML report has no chart" >&2
  exit 1
}
echo "bootstorm_test: $n server(s), 20/20 machines booted byte-exact each"
