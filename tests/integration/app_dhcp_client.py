#!/usr/bin/env python3
"""Replays the first port-4011 DHCPREQUEST of a capture to SERVER:4011 from
port 4011 (as UEFI firmware does) and prints the reply's file name:
"ACK file=snp_x64.efi". Exit 1 on timeout.

  app_dhcp_client.py FIXTURE.pcap 198.18.40.1"""
import socket
import struct
import sys


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def udp_payload(frame):
    eth_type = struct.unpack("!H", frame[12:14])[0]
    if eth_type != 0x0800:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0xF) * 4
    if ip[9] != 17:
        return None
    udp = ip[ihl:]
    sport, dport, length = struct.unpack("!HHH", udp[:6])
    return dport, udp[8:length]


def main():
    pcap, server = sys.argv[1], sys.argv[2]
    req = None
    for fr in frames(pcap):
        p = udp_payload(fr)
        if p and p[0] == 4011 and p[1][0] == 1:
            req = p[1]
            break
    if req is None:
        print("no 4011 request in", pcap)
        return 1
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 4011))
    s.settimeout(5)
    s.sendto(req, (server, 4011))
    try:
        reply, _ = s.recvfrom(2048)
    except socket.timeout:
        print("no reply")
        return 1
    op = reply[0]
    file = reply[108:236].split(b"\0")[0].decode()
    print("ACK" if op == 2 else "op%d" % op, "file=" + file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
