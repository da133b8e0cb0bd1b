#!/usr/bin/env python3
"""Sends COUNT PXE DHCPDISCOVERs (the capture's first, with a fresh xid and
client MAC each) to 255.255.255.255:67 from port 68 out of IFNAME as fast
as one socket goes, for at most SECONDS; prints "sent N in S s". Replies
are not read.

RATE (optional, per second) paces the sends in 1-ms bursts instead.

  app_dhcp_flood.py IFNAME FIXTURE.pcap COUNT SECONDS [RATE]"""
import socket
import struct
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from app_dhcp_client import frames, udp_payload  # noqa: E402


def main():
    ifname, pcap = sys.argv[1], sys.argv[2]
    count, seconds = int(sys.argv[3]), float(sys.argv[4])
    rate = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    discover = None
    for fr in frames(pcap):
        p = udp_payload(fr)
        if p and p[0] == 67 and p[1][0] == 1:
            discover = bytearray(p[1])
            break
    if discover is None:
        print("no DHCP request to port 67 in", pcap)
        return 1
    variants = []
    for i in range(4096):
        d = bytearray(discover)
        d[4:8] = struct.pack("!I", 0x7F000000 | i)          # xid
        d[28:34] = bytes([0x02, 0x18, 0x41, 0, i >> 8, i & 0xFF])  # chaddr
        variants.append(bytes(d))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    # Bound to the device, a limited broadcast needs no route (as dhclient).
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.bind(("0.0.0.0", 68))
    dest = ("255.255.255.255", 67)
    start = time.monotonic()
    deadline = start + seconds
    sent = 0
    burst = max(1, rate // 1000) if rate else 4096
    i = 0
    while sent < count and time.monotonic() < deadline:
        for _ in range(min(burst, count - sent)):
            try:
                s.sendto(variants[i], dest)
                sent += 1
            except BlockingIOError:
                pass
            except OSError as e:  # ENOBUFS: the qdisc-less veth is full
                if e.errno != 105:
                    raise
            i = (i + 1) & 4095
        if rate:
            ahead = start + sent / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    print("sent %d in %.2f s" % (sent, time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
