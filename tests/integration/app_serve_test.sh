#!/usr/bin/env bash
# `xdpxe serve` (socket backend) in a network namespace, as an operator
# and a PXE client see it: autoexec=URL from a fake kernel command line,
# the script served over TFTP, a UEFI 4011 request answered, `status
# --json` and /metrics checked against what the client did, a second serve
# on the interface refused (publishing nothing), SIGHUP with a
# bad and then a good config, the menu's live log + Ctrl-C with the server
# running (both survive), then a restart whose fetch 404s and falls back to
# the persisted script. Root (netns); exit 77 = skipped when not root,
# unless CI=true.
#
#   app_serve_test.sh BUILD/userspace/app/xdpxe SOURCE_DIR
set -euo pipefail
xdpxe=$1
src=$2
# shellcheck source=app_lib.sh
source "$src/tests/integration/app_lib.sh"
app_require_root "network namespaces"

id=$$
ns_s="xa-s$id"; ns_c="xa-c$id"; veth_s="xa-s$id"; veth_c="xa-c$id"
work=$(mktemp -d /tmp/xa-serve.XXXXXX)
session="xa-serve-$id"
serve_pid=""; http_pid=""
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null || true
  [[ -n $http_pid ]] && kill "$http_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns_s" 2>/dev/null || true
  ip netns del "$ns_c" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() {  # wait_for FILE STRING [N]: bounded wait for N (1) lines with it
  for _ in $(seq 100); do
    [[ $(grep -cF -- "$2" "$1" 2>/dev/null) -ge ${3:-1} ]] && return 0
    sleep 0.1
  done
  fail "no \"$2\" (x${3:-1}) in $1"
}

app_netns_pair "$ns_s" "$ns_c" "$veth_s" "$veth_c" 198.18.40
S() { ip netns exec "$ns_s" "$@"; }
C() { ip netns exec "$ns_c" "$@"; }

state=$work/state; tftp=$work/tftp
mkdir -p "$state" "$tftp"
head -c 100000 /dev/urandom >"$tftp/snp_x64.efi"
cat >"$state/xdpxe.conf" <<EOC
interface=$veth_s
backend=socket
metrics-listen=9169
tftp-root=$tftp
EOC

ip netns exec "$ns_s" python3 -u "$src/tests/unit/app/http_fixture.py" --bind 127.0.0.1 >"$work/http.out" 2>&1 &
http_pid=$!
wait_for "$work/http.out" PORT
port=$(awk '/^PORT/{print $2}' "$work/http.out")
url="http://127.0.0.1:$port"
echo "BOOT_IMAGE=/live/vmlinuz boot=live quiet autoexec=$url/good.ipxe" >"$work/cmdline"

start_serve() {
  : >"$work/serve.log"
  # ip netns exec execs xdpxe, so $! is the server itself (signals reach it).
  ip netns exec "$ns_s" "$xdpxe" serve --state-dir "$state" \
    --cmdline "$work/cmdline" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  wait_for "$work/serve.log" "serving on $veth_s 198.18.40.1 (socket backend"
}
stop_serve() {
  kill -TERM "$serve_pid"
  wait "$serve_pid" || fail "serve exited with $?"
  serve_pid=""
  grep -qF "SIGTERM: stopping" "$work/serve.log" || fail "no stop message"
}

echo "--- start: autoexec=URL from the kernel command line"
start_serve
grep -qF "tftp-root $tftp (from $state/xdpxe.conf)" "$work/serve.log" || fail "did not say the tftp root"
wait_for "$work/serve.log" "autoexec: live script fetched from $url/good.ipxe sha256="
wait_for "$work/serve.log" "reloaded $state/xdpxe.conf"  # files re-checked
sha=$(sha256sum "$state/autoexec.ipxe" | cut -d' ' -f1)
grep -qF "sha256=$sha" "$work/serve.log" || fail "logged sha256 is not the live file's"
cmp -s "$state/autoexec.ipxe" "$tftp/autoexec.ipxe" || fail "script not published to tftp-root"

echo "--- a second serve on the interface is refused and publishes nothing"
# Its own state dir holds another script; the running server's must stay.
mkdir -p "$work/state2"
printf '#!ipxe\necho SECOND-SERVE-MUST-NOT-PUBLISH\n' >"$work/state2/autoexec.ipxe"
printf 'interface=%s\nbackend=socket\ntftp-root=%s\n' "$veth_s" "$tftp" >"$work/state2/xdpxe.conf"
rc=0
S timeout 20 "$xdpxe" serve --state-dir "$work/state2" >"$work/serve2.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || fail "second serve exited $rc: $(cat "$work/serve2.log")"
grep -qF "$veth_s: another xdpxe (pid $serve_pid) serves this interface" "$work/serve2.log" \
  || fail "second serve: $(cat "$work/serve2.log")"
cmp -s "$state/autoexec.ipxe" "$tftp/autoexec.ipxe" || fail "the refused serve published its script"
kill -0 "$serve_pid" || fail "the first server died"

echo "--- a client: two TFTP fetches and the UEFI 4011 request"
C curl -sS --max-time 10 -o "$work/got.ipxe" tftp://198.18.40.1/autoexec.ipxe
cmp -s "$work/got.ipxe" "$state/autoexec.ipxe" || fail "TFTP served another script"
C curl -sS --max-time 10 --tftp-blksize 1468 -o "$work/got.efi" tftp://198.18.40.1/snp_x64.efi
cmp -s "$work/got.efi" "$tftp/snp_x64.efi" || fail "TFTP file differs"
reply=$(C python3 "$src/tests/integration/app_dhcp_client.py" \
  "$src/tests/fixtures/ovmf-x64-pxe-boot.pcap" 198.18.40.1)
[[ $reply == "ACK file=snp_x64.efi" ]] || fail "4011 reply: $reply"
wait_for "$state/boot.log" "event=ack-4011 mac=52:54:00:18:00:07"
wait_for "$state/boot.log" "event=ipxe-script ip=198.18.40.2"
wait_for "$state/boot.log" "file=snp_x64.efi bytes=100000"

echo "--- status --json and /metrics agree with what the client did"
"$xdpxe" status --json --state-dir "$state" >"$work/status.json"
total=$((100000 + $(stat -c %s "$state/autoexec.ipxe")))
python3 - "$work/status.json" "$sha" "$total" <<'EOP'
import json, sys
s = json.load(open(sys.argv[1]))
def check(what, got, want):
    if got != want:
        sys.exit(f"status: {what} = {got!r}, want {want!r}")
check("backend", s["backend"], "socket")
check("server_ip", s["server_ip"], "198.18.40.1")
check("tftp.transfers_done", s["tftp"]["transfers_done"], 2)
check("tftp.data_bytes", s["tftp"]["data_bytes"], int(sys.argv[3]))
check("engine.dhcp_replies", s["engine"]["dhcp_replies"], 1)
check("dhcp_verdicts.replied", s["dhcp_verdicts"]["replied"], 1)
check("script.sha256", s["script"]["sha256"], sys.argv[2])
check("active_transfers", s["active_transfers"], 0)
assert s["uptime_seconds"] > 0
EOP
S curl -sS --max-time 5 http://127.0.0.1:9169/metrics >"$work/metrics.txt"
python3 - "$work/metrics.txt" "$total" <<'EOP'
import sys
m = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    k, v = line.rsplit(" ", 1)
    m[k] = float(v)
want = {
    'xdpxe_tftp_transfers_total{outcome="done"}': 2,
    'xdpxe_tftp_bytes_total': int(sys.argv[2]),
    'xdpxe_dhcp_replies_total': 1,
    'xdpxe_boot_events_total{event="ack_4011"}': 1,
    'xdpxe_boot_events_total{event="ipxe_script"}': 1,
    'xdpxe_boot_phase_seconds_count{phase="tftp_transfer"}': 2,
    'xdpxe_boot_phase_seconds_bucket{phase="tftp_transfer",le="+Inf"}': 2,
}
for k, v in want.items():
    if m.get(k) != v:
        sys.exit(f"metrics: {k} = {m.get(k)}, want {v}")
EOP
S curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9169/other | grep -qx 404 || fail "metrics: other path not 404"
# Off the loopback address it does not listen (metrics-listen=PORT).
if C curl -s --max-time 2 http://198.18.40.1:9169/metrics >/dev/null; then
  fail "metrics reachable from the network"
fi
[[ $(stat -c %a "$state/control.sock") == 600 ]] || fail "control socket not 0600"

echo "--- SIGHUP: a bad config is refused and the old one keeps serving"
cp "$state/xdpxe.conf" "$work/good.conf"
echo "tftp-window-max=abc" >>"$state/xdpxe.conf"
kill -HUP "$serve_pid"
wait_for "$work/serve.log" "$state/xdpxe.conf:5: tftp-window-max: not a number: \"abc\"; the old settings stay in force"
C curl -sS --max-time 10 -o /dev/null tftp://198.18.40.1/autoexec.ipxe || fail "not serving after a bad reload"
{ cat "$work/good.conf"; echo "tftp-window-max=8"; } >"$state/xdpxe.conf"
kill -HUP "$serve_pid"
wait_for "$work/serve.log" "reloaded $state/xdpxe.conf" 2
"$xdpxe" status --json --state-dir "$state" | python3 -c '
import json, sys; s = json.load(sys.stdin)
assert s["reloads"] == 2, s["reloads"]
assert s["last_reload_error"] == "", s["last_reload_error"]'

echo "--- a transfer in progress: status shows it, a reload does not drop it"
C python3 -u "$src/tests/integration/app_tftp_pause.py" 198.18.40.1 snp_x64.efi \
  "$work/paused.efi" "$work/go" >"$work/pause.out" 2>&1 &
pause_pid=$!
wait_for "$work/pause.out" PAUSED
python3 - "$xdpxe" "$state" <<'EOP'
import json, subprocess, sys, time
for _ in range(50):  # until the server has processed ACK 1 (bounded)
    s = json.loads(subprocess.check_output(
        [sys.argv[1], "status", "--json", "--state-dir", sys.argv[2]]))
    if s["transfers"] and s["transfers"][0]["bytes_acked"] > 0:
        break
    time.sleep(0.1)
assert s["active_transfers"] == 1, s["active_transfers"]
t = s["transfers"][0]
assert t["file"] == "snp_x64.efi", t
assert t["client"].startswith("198.18.40.2:"), t
assert t["bytes_acked"] == 1468 and t["file_size"] == 100000, t
assert t["percent"] == 1 and t["blksize"] == 1468, t
EOP
"$xdpxe" status --state-dir "$state" | grep -qE "^  198\.18\.40\.2:[0-9]+ +snp_x64\.efi +1468 +1%" \
  || fail "status table has no progress line"
kill -HUP "$serve_pid"
wait_for "$work/serve.log" "reloaded $state/xdpxe.conf" 3
touch "$work/go"
wait "$pause_pid" || fail "paused transfer failed: $(cat "$work/pause.out")"
cmp -s "$work/paused.efi" "$tftp/snp_x64.efi" || fail "paused transfer delivered other bytes"

echo "--- config edit with the server running: applied through the control socket"
cat >"$work/editor.sh" <<EOS
#!/bin/sh
{ cat "$work/good.conf"; echo "tftp-window-max=4"; } > "\$1"
EOS
chmod +x "$work/editor.sh"
EDITOR=$work/editor.sh "$xdpxe" config edit --state-dir "$state" </dev/null >"$work/edit.out"
grep -qF "Applied to the running server" "$work/edit.out" || fail "edit not applied: $(cat "$work/edit.out")"
wait_for "$work/serve.log" "reloaded $state/xdpxe.conf" 4
"$xdpxe" status --json --state-dir "$state" | python3 -c '
import json, sys; s = json.load(sys.stdin)
assert s["reloads"] == 4, s["reloads"]'
# A tftp-root change cannot be applied live: the server says so and keeps
# running with the old settings (the file is saved for the next start).
cat >"$work/editor.sh" <<EOS
#!/bin/sh
sed 's|^tftp-root=.*|tftp-root=/srv|' "$work/good.conf" > "\$1"
EOS
EDITOR=$work/editor.sh "$xdpxe" config edit --state-dir "$state" </dev/null >"$work/edit.out" || true
grep -qF "The running server kept its old settings: tftp-root changed" "$work/edit.out" \
  || fail "tftp-root change: $(cat "$work/edit.out")"
{ cat "$work/good.conf"; echo "tftp-window-max=8"; } >"$state/xdpxe.conf"

echo "--- menu with the server running: header, live log, Ctrl-C"
app_tmux_start "$session" "$work/pane.log" \
  "$xdpxe menu --state-dir $state; echo MENU-EXITED=\$?; sleep 30"
wait_for "$work/pane.log" "Choose 1-6:"
wait_for "$work/pane.log" "Server:   running on $veth_s 198.18.40.1 (socket"
tmux send-keys -t "$session" 1 Enter
wait_for "$work/pane.log" "(Ctrl-C returns to the menu)"
C curl -sS --max-time 10 -o /dev/null tftp://198.18.40.1/snp_x64.efi
wait_for "$work/pane.log" "event=tftp-done"
tmux send-keys -t "$session" C-c
wait_for "$work/pane.log" "(back to the menu)"
kill -0 "$serve_pid" 2>/dev/null || fail "Ctrl-C in the log view stopped the server"
tmux send-keys -t "$session" 6 Enter
wait_for "$work/pane.log" "MENU-EXITED=0"

echo "--- restart: the fetch 404s, the persisted script stays live"
stop_serve
echo "BOOT_IMAGE=/live/vmlinuz xdpxe.autoexec=$url/missing.ipxe" >"$work/cmdline"
rm "$tftp/autoexec.ipxe"   # a fresh tftp-root: published again from state
start_serve
wait_for "$work/serve.log" "autoexec: fetch failed: $url/missing.ipxe: HTTP 404 (no such file)"
wait_for "$work/serve.log" "autoexec: live script is the persisted copy $state/autoexec.ipxe sha256=$sha"
C curl -sS --max-time 10 -o "$work/got2.ipxe" tftp://198.18.40.1/autoexec.ipxe
cmp -s "$work/got2.ipxe" "$work/got.ipxe" || fail "the persisted script is not what is served"
"$xdpxe" status --json --state-dir "$state" | python3 -c '
import json, sys; s = json.load(sys.stdin)
assert s["config"].endswith("/state/xdpxe.conf"), s["config"]'
grep -q '^tftp-window-max=8$' "$state/xdpxe.conf" || fail "settings did not persist"
stop_serve
echo "PASS: xdpxe serve, status, metrics, reload, persistence, autoexec fallback"
