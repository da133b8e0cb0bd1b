#!/usr/bin/env bash
# Drives `xdpxe menu` through tmux (send-keys, capture-pane) like an
# operator at the console: every one of the six operations, including a
# URL that 404s, content that is not an iPXE script, settings and script
# edits with errors (EDITOR is a script that writes prepared content),
# Ctrl-C in the live log view (the menu survives), the shell, exit.
# HTTP comes from tests/unit/app/http_fixture.py on 127.0.0.1:<ephemeral>.
#
#   app_menu_test.sh BUILD/userspace/app/xdpxe SOURCE_DIR
set -euo pipefail
xdpxe=$1
src=$2
command -v tmux >/dev/null || { echo "FAIL: tmux not installed"; exit 1; }
# shellcheck source=app_lib.sh
source "$src/tests/integration/app_lib.sh"   # app_tmux_start; fail() is ours

work=$(mktemp -d /tmp/xa-menu.XXXXXX)
session="xa-menu-$$"
http_pid=""
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [[ -n $http_pid ]] && kill "$http_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

state=$work/state
tftp=$work/tftp
mkdir -p "$state" "$tftp" "$work/edits"
log=$work/pane.log

# HTTP fixture on an ephemeral loopback port.
python3 -u "$src/tests/unit/app/http_fixture.py" >"$work/http.out" 2>&1 &
http_pid=$!
for _ in $(seq 50); do grep -q '^PORT' "$work/http.out" && break; sleep 0.1; done
port=$(awk '/^PORT/{print $2}' "$work/http.out")
[[ -n $port ]] || { echo "FAIL: http fixture did not start"; exit 1; }
url="http://127.0.0.1:$port"

# The fake editor: each run copies the next prepared file over its argument.
cat >"$work/editor.sh" <<'EOS'
#!/bin/sh
dir=$(dirname "$0")/edits
next=$(ls "$dir" | sort | head -n 1)
[ -n "$next" ] || { echo "fake editor: nothing queued" >&2; exit 1; }
cat "$dir/$next" > "$1"
rm "$dir/$next"
EOS
chmod +x "$work/editor.sh"
queue_edit() { printf '%b' "$2" >"$work/edits/$1"; }

fail() {
  echo "FAIL: $*"
  echo "----- pane -----"
  tmux capture-pane -p -t "$session" -S -60 2>/dev/null || true
  exit 1
}
mark=0
step() { mark=$(stat -c %s "$log"); echo "--- $*"; }
# Waits (bounded) for a fixed string in the pane output since the last step.
expect() {
  for _ in $(seq 100); do
    if tail -c +"$((mark + 1))" "$log" | tr -d '\r' | grep -qF -- "$1"; then
      return 0
    fi
    sleep 0.1
  done
  fail "no \"$1\" on the screen"
}
send() { tmux send-keys -t "$session" -l "$1"; tmux send-keys -t "$session" Enter; }

touch "$log"
: >"$state/boot.log"
echo 'time=2026-12-03T14:00:00.000Z event=proxy-offer mac=52:54:00:18:00:07 file=old-event' >>"$state/boot.log"

app_tmux_start "$session" "$log" \
  "env EDITOR=$work/editor.sh SHELL=/bin/sh $xdpxe menu --state-dir $state --tftp-root $tftp; echo MENU-EXITED=\$?; sleep 30"
expect "Choose 1-6:"
menu_pid=$(pgrep -f "^$xdpxe menu --state-dir $state" | head -n 1)
[[ -n $menu_pid ]] || fail "menu process not found"

step "invalid input re-prompts"
send "9"
expect '"9" is not a choice: type a number from 1 to 6.'
expect "Choose 1-6:"

step "3: URL that 404s"
send "3"
expect "URL of the iPXE script"
send "$url/missing.ipxe"
expect "Download failed: $url/missing.ipxe: HTTP 404 (no such file)"
expect "The live autoexec.ipxe is unchanged."
[[ ! -e $state/autoexec.ipxe ]] || fail "a script went live after a 404"

step "3: content that is not an iPXE script"
send "3"
expect "URL of the iPXE script"
send "$url/html"
expect "not an iPXE script: must start with #!ipxe"
[[ ! -e $state/autoexec.ipxe ]] || fail "a web page went live"

step "3: good script, reviewed, declined, then accepted"
send "3"
expect "URL of the iPXE script"
send "$url/good.ipxe"
expect "echo XDPXE-AUTOEXEC-OK"
expect "Make this the live autoexec.ipxe? [y/N]"
send "n"
expect "Discarded; the live autoexec.ipxe is unchanged."
[[ ! -e $state/autoexec.ipxe ]] || fail "declined script went live"
send "3"
expect "URL of the iPXE script"
send "$url/good.ipxe"
expect "Make this the live autoexec.ipxe? [y/N]"
send "y"
expect "autoexec.ipxe is live: sha256="
grep -q XDPXE-AUTOEXEC-OK "$state/autoexec.ipxe" || fail "state copy missing"
grep -q XDPXE-AUTOEXEC-OK "$tftp/autoexec.ipxe" || fail "tftp-root copy missing"
want_sha=$(sha256sum "$state/autoexec.ipxe" | cut -d' ' -f1)
tail -c +"$((mark + 1))" "$log" | grep -qF "sha256=$want_sha" || fail "sha256 not shown"

step "4: edit autoexec.ipxe with an invalid script, then a good one"
queue_edit 1 'echo this is not a script\n'
queue_edit 2 '#!ipxe\necho edited-by-test\n'
send "4"
expect "Not saved: not an iPXE script"
expect "The live autoexec.ipxe is unchanged."
expect "Edit again? [Y/n]"
grep -q XDPXE-AUTOEXEC-OK "$state/autoexec.ipxe" || fail "bad edit touched the live script"
send "y"
expect "autoexec.ipxe is live: sha256="
expect "the previous one is autoexec.ipxe.prev"
grep -q edited-by-test "$tftp/autoexec.ipxe" || fail "edit not published"
grep -q XDPXE-AUTOEXEC-OK "$state/autoexec.ipxe.prev" || fail "no backup"

step "2: edit settings with a syntax error, give up, then a good edit"
queue_edit 3 'interface=eth1\n# comment\ntftp-window-max=abc\n'
send "2"
expect "The new settings are not valid:"
expect "$state/xdpxe.conf:3: tftp-window-max: not a number: \"abc\""
expect "Edit again? [Y/n]"
send "n"
expect "Kept the old settings"
[[ ! -e $state/xdpxe.conf ]] || fail "bad settings were saved"
queue_edit 4 'tftp-rot=/srv\n'
queue_edit 5 'interface=xa-test0\ntftp-window-max=16\n'
send "2"
expect "$state/xdpxe.conf:1: tftp-rot: unknown key (did you mean tftp-root?)"
expect "Edit again? [Y/n]"
send ""
expect "Saved $state/xdpxe.conf."
expect "No server running"
grep -q 'tftp-window-max=16' "$state/xdpxe.conf" || fail "settings not saved"
expect "Settings: $state/xdpxe.conf"

step "1: live boot log, new events, Ctrl-C back to the menu"
send "1"
expect "Live boot log $state/boot.log (Ctrl-C returns to the menu)"
expect "file=old-event"
echo 'time=2026-12-03T14:00:01.000Z event=tftp-done mac=52:54:00:18:00:07 file=new-event-1' >>"$state/boot.log"
expect "file=new-event-1"
tmux send-keys -t "$session" C-c
expect "(back to the menu)"
expect "Choose 1-6:"
kill -0 "$menu_pid" 2>/dev/null || fail "Ctrl-C killed the menu"

step "5: shell and back"
send "5"
expect "type exit to return to xdpxe"
send "echo shell-says-\$((6*7))"
expect "shell-says-42"
tmux send-keys -t "$session" C-c    # Ctrl-C in the shell belongs to the shell
send "exit"
expect "Back in the xdpxe menu."
expect "Choose 1-6:"
kill -0 "$menu_pid" 2>/dev/null || fail "the shell took the menu with it"

step "6: exit"
send "6"
expect "MENU-EXITED=0"
screen=$(tmux capture-pane -p -t "$session")
grep -qF "MENU-EXITED=0" <<<"$screen" || fail "capture-pane does not show the exit"
echo "PASS: xdpxe menu, all six operations"
