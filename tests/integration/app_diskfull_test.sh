#!/usr/bin/env bash
# A real full disk: the state dir on a 64 KiB tmpfs (private mount
# namespace), then an autoexec.ipxe edit that does not fit. The message
# names the file and says "No space left on device", the live script (and
# its copy in tftp-root) stay the old one, and no temp file is left behind.
# Root (mount namespace); exit 77 = skipped when not root, unless CI=true.
#
#   app_diskfull_test.sh BUILD/userspace/app/xdpxe
set -euo pipefail
xdpxe=$1
if [[ $(id -u) -ne 0 ]]; then
  [[ ${CI:-} == true ]] && { echo "FAIL: needs root (CI=true)"; exit 1; }
  echo "SKIP: needs root for a tmpfs in a mount namespace"; exit 77
fi
work=$(mktemp -d /tmp/xa-full.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state" "$work/tftp"
cat >"$work/editor.sh" <<'EOS'
#!/bin/sh
# 40 KiB of valid script: the draft fits in 64 KiB, draft + new file do not.
{ echo '#!ipxe'; head -c 40000 /dev/zero | tr '\0' '#'; echo; } > "$1"
EOS
chmod +x "$work/editor.sh"
unshare -m bash -euo pipefail -c '
  work=$1; xdpxe=$2
  mount -t tmpfs -o size=64k tmpfs "$work/state"
  # Make the small script live first (fits).
  cat >"$work/small.sh" <<EOS
#!/bin/sh
printf "#!ipxe\necho old\n" > "\$1"
EOS
  chmod +x "$work/small.sh"
  EDITOR=$work/small.sh "$xdpxe" autoexec edit --state-dir "$work/state" \
    --tftp-root "$work/tftp" </dev/null >/dev/null
  set +e
  EDITOR=$work/editor.sh "$xdpxe" autoexec edit --state-dir "$work/state" \
    --tftp-root "$work/tftp" </dev/null >"$work/out.txt" 2>&1
  rc=$?
  set -e
  cp "$work/state/autoexec.ipxe" "$work/live-after.ipxe"
  ls -a "$work/state" >"$work/ls.txt"
  exit $rc
' _ "$work" "$xdpxe" && { echo "FAIL: an edit that does not fit succeeded"; cat "$work/out.txt"; exit 1; }
cat "$work/out.txt"
grep -q "No space left on device" "$work/out.txt" || { echo "FAIL: no ENOSPC message"; exit 1; }
grep -q "The live autoexec.ipxe is unchanged." "$work/out.txt" || { echo "FAIL: no reassurance"; exit 1; }
grep -q "echo old" "$work/live-after.ipxe" || { echo "FAIL: live script changed"; exit 1; }
grep -q "echo old" "$work/tftp/autoexec.ipxe" || { echo "FAIL: tftp-root copy changed"; exit 1; }
if grep -q '\.tmp\.' "$work/ls.txt"; then echo "FAIL: temp file left"; cat "$work/ls.txt"; exit 1; fi
echo "PASS: disk full leaves the live script untouched"
