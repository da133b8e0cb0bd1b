#!/usr/bin/env python3
"""What the boot looked like on the wire: a capture of the lab's bridge and
the checks an e2e case makes on it (the chain the issue names, byte-exact
TFTP, valid checksums on every frame the proxy sent).

  wire.py capture IFACE OUT.pcap          # until SIGTERM (run in the netns)
  wire.py check OUT.pcap --firmware uefi --mac 52:54:00:18:00:20 \
      --proxy 198.18.0.1 --tftp-root DIR [--want-window]

`check` prints the DHCP/TFTP exchange of that client, one line per message,
then one line per check ("ok ..." / "FAIL ..."); exit 1 if any failed.
No tcpdump or tshark needed: AF_PACKET and the pcap format are enough.
"""
import argparse
import hashlib
import os
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1


def capture(iface, out):
    """Writes every IPv4/ARP frame the bridge sees (promiscuous) to out."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    mreq = struct.pack("IHH8s", socket.if_nametoindex(iface),
                       PACKET_MR_PROMISC, 0, b"")
    s.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s.settimeout(0.2)
    with open(out, "wb", buffering=0) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        while not stop:
            try:
                frame = s.recv(65535)
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            if frame[12:14] not in (b"\x08\x00", b"\x08\x06"):
                continue
            t = time.time()
            f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6),
                                len(frame), len(frame)) + frame)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    off, out = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack_from("<IIII", data, off)
        out.append((sec + usec / 1e6, data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ip4(b):
    return socket.inet_ntoa(b)


def parse_udp(frame):
    """(src, sport, dst, dport, payload, checksums_ok) or None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00":
        return None
    ih = frame[14:]
    ihl = (ih[0] & 15) * 4
    if ih[9] != 17:
        return None
    total = struct.unpack("!H", ih[2:4])[0]
    udp = ih[ihl:total]
    sport, dport, ulen, uck = struct.unpack("!HHHH", udp[:8])
    ok = csum(ih[:ihl]) == 0xFFFF
    if uck:
        pseudo = ih[12:20] + struct.pack("!BBH", 0, 17, ulen)
        ok = ok and csum(pseudo + udp[:ulen]) == 0xFFFF
    return ip4(ih[12:16]), sport, ip4(ih[16:20]), dport, udp[8:ulen], ok


def dhcp_options(p):
    opts, i = {}, 240
    while i < len(p) and p[i] != 255:
        if p[i] == 0:
            i += 1
            continue
        code, n = p[i], p[i + 1]
        opts[code] = opts.get(code, b"") + p[i + 2:i + 2 + n]
        i += 2 + n
    return opts


def parse_dhcp(p):
    if len(p) < 240 or p[236:240] != b"\x63\x82\x53\x63":
        return None
    o = dhcp_options(p)
    return {
        "op": p[0], "xid": p[4:8].hex(), "mac": p[28:34].hex(":"),
        "ciaddr": ip4(p[12:16]), "yiaddr": ip4(p[16:20]),
        "siaddr": ip4(p[20:24]), "file": p[108:236].split(b"\0")[0].decode(
            "latin1"), "type": o.get(53, b"\0")[0], "opts": o,
    }


TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 5: "ACK", 6: "NAK"}
TFTP_OPS = {1: "RRQ", 3: "DATA", 4: "ACK", 5: "ERROR", 6: "OACK"}


def tftp_fields(p):
    parts = p[2:].split(b"\0")
    return [x.decode("latin1") for x in parts[:-1]]


def check(args):
    frames = read_pcap(args.pcap)
    t0 = frames[0][0] if frames else 0
    client_ips, lines, fails, oks = set(), [], [], []
    state = {"proxy_offer": None, "ack4011": None, "ipxe_offer": None,
             "bad_csum": 0, "proxy_frames": 0, "ipxe_discover": False}
    transfers = {}  # (client ip, client port) -> dict
    phases = {}  # name -> first time seen (s since the epoch)

    def phase(name, t, last=False):
        if last or name not in phases:
            phases[name] = t

    for t, frame in frames:
        u = parse_udp(frame)
        if not u:
            continue
        src, sport, dst, dport, pl, ok = u
        if src == args.proxy:
            state["proxy_frames"] += 1
            if not ok:
                state["bad_csum"] += 1
        rel = "%8.3f" % (t - t0)
        if {sport, dport} & {67, 68, 4011}:
            d = parse_dhcp(pl)
            if not d or d["mac"] != args.mac:
                continue
            if d["yiaddr"] != "0.0.0.0":
                client_ips.add(d["yiaddr"])
            vc = d["opts"].get(60, b"").decode("latin1")
            uc = d["opts"].get(77, b"").decode("latin1")
            lines.append("%s %s:%d > %s:%d %s xid %s yiaddr %s siaddr %s "
                         "file '%s' 60=%s 77=%s" % (
                             rel, src, sport, dst, dport,
                             TYPES.get(d["type"], d["type"]), d["xid"],
                             d["yiaddr"], d["siaddr"], d["file"], vc or "-",
                             uc or "-"))
            ipxe = b"iPXE" in d["opts"].get(77, b"")
            # A proxy never leases: yiaddr 0 tells its replies from those of
            # a primary on the same address (--colocated).
            from_proxy = src == args.proxy and d["yiaddr"] == "0.0.0.0"
            if d["type"] == 1:
                phase("iPXE DHCPDISCOVER" if ipxe else "firmware DHCPDISCOVER",
                      t)
                state["ipxe_discover"] |= ipxe
            elif d["type"] == 2 and from_proxy:
                phase("proxy OFFER to iPXE" if d["file"] == "autoexec.ipxe"
                      else "proxy OFFER", t)
            elif d["type"] == 5 and from_proxy and sport == 4011:
                phase("proxy ACK on 4011", t)
            elif d["type"] == 5 and sport == 67 and not from_proxy:
                phase("primary ACK", t)
            if from_proxy and d["type"] == 2 and dport == 68:
                key = "ipxe_offer" if d["file"] == "autoexec.ipxe" else \
                    "proxy_offer"
                state[key] = state[key] or d
            if from_proxy and d["type"] == 5 and sport == 4011:
                state["ack4011"] = state["ack4011"] or dict(d, dport=dport)
            continue
        if not (src in client_ips or dst in client_ips):
            continue
        op = struct.unpack("!H", pl[:2])[0] if len(pl) >= 2 else 0
        cli = (src, sport) if src in client_ips else (dst, dport)
        tr = transfers.setdefault(cli, {"blocks": {}, "rrq": None,
                                        "oack": None, "error": None})
        if op == 1:
            tr["rrq"] = tftp_fields(pl)
            phase("RRQ " + tr["rrq"][0], t)
            lines.append("%s %s:%d > %s:%d RRQ %s" % (
                rel, src, sport, dst, dport, " ".join(tr["rrq"])))
        elif op == 6:
            tr["oack"] = dict(zip(*[iter(tftp_fields(pl))] * 2))
            lines.append("%s %s:%d > %s:%d OACK %s" % (
                rel, src, sport, dst, dport, tr["oack"]))
        elif op == 5:
            tr["error"] = struct.unpack("!H", pl[2:4])[0]
            lines.append("%s %s:%d > %s:%d ERROR %d %s" % (
                rel, src, sport, dst, dport, tr["error"],
                pl[4:].split(b"\0")[0].decode("latin1")))
        elif op == 3:
            tr["blocks"].setdefault(struct.unpack("!H", pl[2:4])[0], pl[4:])
            if tr["rrq"]:
                phase("last DATA " + tr["rrq"][0], t, last=True)
    for tr in transfers.values():
        if tr["rrq"] and tr["blocks"]:
            n = len(tr["blocks"])
            lines.append("         (%s: %d DATA blocks)" % (tr["rrq"][0], n))

    def expect(cond, what):
        (oks if cond else fails).append(what)

    def transfer_of(name, real=True):
        for tr in transfers.values():
            if tr["rrq"] and tr["rrq"][0] == name and \
                    (tr["error"] is None) == real:
                return tr
        return None

    def byte_exact(name):
        tr = transfer_of(name)
        if not tr:
            return False
        blob = b"".join(tr["blocks"][k] for k in sorted(tr["blocks"]))
        with open(os.path.join(args.tftp_root, name), "rb") as f:
            want = f.read()
        return hashlib.sha256(blob).digest() == hashlib.sha256(want).digest()

    if args.firmware == "uefi":
        po = state["proxy_offer"]
        expect(po and po["yiaddr"] == "0.0.0.0" and po["siaddr"] == args.proxy
               and po["opts"].get(54) == socket.inet_aton(args.proxy)
               and po["opts"].get(60, b"").startswith(b"PXEClient"),
               "proxy OFFER: yiaddr 0, siaddr + option 54 = proxy, 60 PXEClient")
        ack = state["ack4011"]
        expect(ack and ack["dport"] == 4011 and ack["file"] == "snp_x64.efi",
               "DHCPACK from and to port 4011 with file snp_x64.efi")
        probe = transfer_of("snp_x64.efi", real=False)
        expect(probe and "tsize" in probe["rrq"] and probe["oack"] and
               probe["oack"].get("tsize") == str(os.path.getsize(
                   os.path.join(args.tftp_root, "snp_x64.efi"))),
               "firmware's tsize probe answered with the file's size")
        real = transfer_of("snp_x64.efi")
        expect(real and "windowsize" in real["rrq"],
               "firmware asked for windowsize")
        if args.want_window:
            win = real and real["oack"] and real["oack"].get("windowsize")
            expect(bool(win), "OACK granted windowsize (%s)" % win)
        expect(byte_exact("snp_x64.efi"), "snp_x64.efi arrived byte-exact")
    io = state["ipxe_offer"]
    expect(state["ipxe_discover"], "iPXE sent DHCPDISCOVER with user class iPXE")
    expect(io and io["siaddr"] == args.proxy,
           "proxy OFFER to iPXE: file autoexec.ipxe, siaddr = proxy")
    expect(byte_exact("autoexec.ipxe"), "autoexec.ipxe arrived byte-exact")
    expect(state["proxy_frames"] > 0 and state["bad_csum"] == 0,
           "valid IPv4 + UDP checksums on all %d frames from the proxy "
           "(%d bad)" % (state["proxy_frames"], state["bad_csum"]))
    if args.phases:
        with open(args.phases, "w") as f:
            for name, t in sorted(phases.items(), key=lambda x: x[1]):
                f.write("%s|%d\n" % (name, t * 1e6))
    print("\n".join("   " + x for x in lines))
    for x in oks:
        print("   ok   " + x)
    for x in fails:
        print("   FAIL " + x)
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("iface")
    c.add_argument("out")
    k = sub.add_parser("check")
    k.add_argument("pcap")
    k.add_argument("--firmware", choices=["uefi", "bios", "uefi-rom"],
                   required=True)
    k.add_argument("--mac", required=True)
    k.add_argument("--proxy", required=True)
    k.add_argument("--tftp-root", required=True)
    k.add_argument("--want-window", action="store_true")
    k.add_argument("--phases", help="write 'name|us since epoch' lines here")
    a = ap.parse_args()
    if a.cmd == "capture":
        capture(a.iface, a.out)
        return 0
    return check(a)


if __name__ == "__main__":
    sys.exit(main())
