#!/usr/bin/env bash
# Enforces DESIGN.md's layers: net/ dhcp/ tftp/ engine/ never include io/ or
# app/; dhcp/ and tftp/ never include each other; net/ includes no other
# layer; engine/ no io/ or app/; common/ nothing above it.
set -u
root=${1:-.}
cd "$root/userspace" || exit 2
fail=0
check() {  # check DIR forbidden-dir...
  local dir=$1; shift
  [[ -d $dir ]] || return 0
  for bad in "$@"; do
    if hits=$(grep -rnE "#include \"userspace/$bad/" "$dir"); then
      echo "layering: $dir/ must not include userspace/$bad/:"
      echo "$hits"
      fail=1
    fi
  done
}
check common net dhcp tftp engine io app
check net    dhcp tftp engine io app
check dhcp   tftp engine io app
check tftp   dhcp engine io app
check engine io app
check io     app
if [[ $fail -eq 0 ]]; then echo "layering: ok"; fi
exit $fail
