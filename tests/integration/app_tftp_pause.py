#!/usr/bin/env python3
"""A TFTP client that stops half-way: RRQ FILE (blksize 1468), ACKs the
first block, prints "PAUSED", waits until the file GO exists, then ACKs the
rest and writes what it got to OUT; prints "DONE <bytes>". For checking
`xdpxe status` mid-transfer and that a reload does not drop the transfer.

  app_tftp_pause.py SERVER FILE OUT GO"""
import os
import socket
import struct
import sys
import time


def main():
    server, name, out, go = sys.argv[1:5]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(struct.pack("!H", 1) + name.encode() + b"\x00octet\x00blksize\x001468\x00",
             (server, 69))
    pkt, peer = s.recvfrom(65536)
    op = struct.unpack("!H", pkt[:2])[0]
    if op != 6:
        print("expected OACK, got op", op)
        return 1
    s.sendto(struct.pack("!HH", 4, 0), peer)
    data = b""
    block = 0
    paused = False
    while True:
        pkt, _ = s.recvfrom(65536)
        op, num = struct.unpack("!HH", pkt[:4])
        if op != 3:
            print("expected DATA, got op", op, pkt[4:])
            return 1
        if num != (block + 1) & 0xFFFF:
            continue  # a retransmission of what we have
        block = num
        data += pkt[4:]
        s.sendto(struct.pack("!HH", 4, num), peer)
        if not paused:
            # Block 1 acknowledged; block 2 (and its retransmissions) will
            # wait in the socket buffer while we pause.
            print("PAUSED", flush=True)
            for _ in range(300):
                if os.path.exists(go):
                    break
                time.sleep(0.05)
            paused = True
        if len(pkt) - 4 < 1468:
            break
    with open(out, "wb") as f:
        f.write(data)
    print("DONE", len(data), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
