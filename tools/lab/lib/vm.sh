# shellcheck shell=bash disable=SC2034 # (variables set here are outputs for the caller)
# QEMU clients for the lab in lab.sh: a UEFI VM (OVMF, virtio-net with its
# option ROM disabled, so the firmware's own PXE boots), a BIOS VM
# (SeaBIOS, virtio-net with QEMU's default iPXE ROM) or uefi-rom (OVMF with
# that ROM's EFI iPXE), on a tap in the bridge.
#
#   vm_probe_accel                    # sets VM_ACCEL=kvm|tcg (once per run)
#   vm_start uefi 0 "$dir/vm0.serial" # console stamped into the file
#   vm_start bios 0 stdio             # console on this terminal (tools/lab)
#
# VM N has MAC 52:54:00:18:00:<0x20+N> and the -uuid the captures used, so
# option 97 (GUID) is 5eed0000-0000-4000-8000-5254001800<mac byte>.

VM_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
VM_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd

# KVM only when OVMF demonstrably runs on it: this kind of host's /dev/kvm
# can be a nested kvm_pvm on which OVMF dies in its first instructions
# ("KVM internal error. Suberror: 1") and QEMU then hangs instead of exiting.
# The probe boots OVMF with no devices and waits for BdsDxe's first line.
# XDPXE_E2E_ACCEL=kvm|tcg skips it.
vm_probe_accel() {
  if [[ -n ${XDPXE_E2E_ACCEL:-} ]]; then
    VM_ACCEL=$XDPXE_E2E_ACCEL
    return
  fi
  VM_ACCEL=tcg
  if [[ ! -w /dev/kvm ]]; then
    lab_log "accel: no usable /dev/kvm, using TCG"
    return
  fi
  local dir pid i
  dir=$(mktemp -d /tmp/xe-kvmprobe.XXXXXX)
  cp "$VM_OVMF_VARS" "$dir/vars.fd"
  timeout -k 2 20 qemu-system-x86_64 -accel kvm -machine q35 -m 128 \
    -nodefaults -display none -no-reboot -net none \
    -drive if=pflash,format=raw,unit=0,readonly=on,file="$VM_OVMF_CODE" \
    -drive if=pflash,format=raw,unit=1,file="$dir/vars.fd" \
    -serial file:"$dir/serial" >"$dir/stderr" 2>&1 &
  pid=$!
  for ((i = 0; i < 150; i++)); do
    if grep -q BdsDxe "$dir/serial" 2>/dev/null; then VM_ACCEL=kvm; break; fi
    grep -q 'KVM internal error' "$dir/stderr" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [[ $VM_ACCEL == tcg ]]; then
    lab_log "accel: OVMF does not run on this /dev/kvm" \
      "($(grep -m1 -o 'KVM internal error.*' "$dir/stderr" || echo 'no firmware output in 15 s')), using TCG"
  else
    lab_log "accel: KVM runs OVMF, using KVM"
  fi
  rm -rf "$dir"
}

vm_mac() { printf '52:54:00:18:00:%02x' $((0x20 + $1)); }

# vm_start uefi|bios N SERIAL: starts VM N in the bridge netns on a new tap.
# SERIAL is a file (the console is stamped into it; the VM runs in the
# background, PID in VM_PID) or "stdio" (console on the terminal; returns
# when QEMU exits). The VM powers itself off (autoexec.ipxe's poweroff) or
# is stopped by lab_down; -no-reboot turns a firmware reset into an exit.
vm_start() {
  local kind=$1 n=$2 serial=$3 tap mac byte vars
  tap=xet$LAB_ID-$n
  mac=$(vm_mac "$n")
  byte=${mac##*:}
  ip -n "$LAB_NS_BR" tuntap add dev "$tap" mode tap
  ip -n "$LAB_NS_BR" link set "$tap" master "$LAB_BR" up
  local args=(-accel "$VM_ACCEL" -m 256 -nodefaults -no-reboot -smp 1
    -uuid "5eed0000-0000-4000-8000-5254001800$byte"
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no")
  case $kind in
    uefi | uefi-rom)
      vars=$LAB_DIR/vm$n-vars.fd
      cp "$VM_OVMF_VARS" "$vars"
      args+=(-machine q35
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$VM_OVMF_CODE"
        -drive "if=pflash,format=raw,unit=1,file=$vars"
        -device "virtio-net-pci,netdev=n0,mac=$mac,bootindex=1")
      # uefi: no option ROM, so OVMF's own PXE boots (then the iPXE we
      # serve); uefi-rom: the ROM's EFI iPXE driver boots straight away.
      [[ $kind == uefi ]] && args[-1]+=",romfile="
      ;;
    bios)
      # No VGA: SeaBIOS's sercon writes its text and every int 10h caller's
      # (the iPXE ROM's console) to COM1. The value is a little-endian
      # integer read from a fw_cfg file (QEMU warns about the name; it is
      # the one SeaBIOS looks up).
      printf '\xf8\x03' >"$LAB_DIR/sercon-port"
      args+=(-machine pc -fw_cfg "name=etc/sercon-port,file=$LAB_DIR/sercon-port"
        -device "virtio-net-pci,netdev=n0,mac=$mac,bootindex=1")
      ;;
    *) lab_die "vm kind must be uefi, uefi-rom or bios: $kind" ;;
  esac
  lab_log "vm$n: $kind, mac $mac, tap $tap, accel $VM_ACCEL"
  if [[ $serial == stdio ]]; then
    lab_nsexec "$LAB_NS_BR" qemu-system-x86_64 "${args[@]}" \
      -display none -chardev stdio,id=con,mux=on,signal=off \
      -serial chardev:con -mon chardev=con
    return
  fi
  # The console goes through a FIFO so each line is stamped as it is
  # printed (QEMU opens both ends O_RDWR, so nothing blocks on open).
  local con=$LAB_DIR/vm$n.con
  rm -f "$con.in" "$con.out"
  mkfifo "$con.in" "$con.out"
  # Firmware ends many console lines with a bare CR (progress, cursor
  # moves): split there too, or a line would be stamped when its LF comes.
  stdbuf -o0 tr '\r' '\n' <"$con.out" | lab_stamp >"$serial" &
  LAB_PIDS+=("$!")
  VM_T0_US=$(lab_now_us)
  lab_spawn "$LAB_NS_BR" "$LAB_DIR/vm$n.qemu.log" \
    timeout -k 5 "${VM_MAX_SECONDS:-600}" \
    qemu-system-x86_64 "${args[@]}" -display none \
    -chardev "pipe,id=con,path=$con" -serial chardev:con
  VM_PID=$LAB_LAST_PID
}
