#!/usr/bin/env python3
"""Test HTTP server for autoexec fetches: binds 127.0.0.1 on an ephemeral
port (or --bind/--port), prints "PORT <n>" on stdout, serves until killed.

Paths: /good.ipxe (a script), /other.ipxe (another script), /html (a web
page, not a script), /big (2 MiB script), /slow (sleeps 30 s), /500, /404,
/redirect (→ /good.ipxe); anything else under --dir is served from there."""
import argparse
import http.server
import os
import sys
import time

GOOD = b"#!ipxe\necho XDPXE-AUTOEXEC-OK\nshell\n"
OTHER = b"#!ipxe\necho other script\n"


class Handler(http.server.BaseHTTPRequestHandler):
    directory = None

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def send(self, code, body, ctype="text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path.split("?")[0]
        if p == "/good.ipxe":
            self.send(200, GOOD)
        elif p == "/other.ipxe":
            self.send(200, OTHER)
        elif p == "/html":
            self.send(200, b"<!DOCTYPE html>\n<html><body>hi</body></html>\n",
                      "text/html")
        elif p == "/big":
            self.send(200, b"#!ipxe\n" + b"#" * (2 << 20))
        elif p == "/slow":
            time.sleep(30)
            self.send(200, GOOD)
        elif p == "/500":
            self.send(500, b"oops\n")
        elif p == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/good.ipxe")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.directory and os.path.isfile(
                os.path.join(self.directory, p.lstrip("/"))) and ".." not in p:
            with open(os.path.join(self.directory, p.lstrip("/")), "rb") as f:
                self.send(200, f.read())
        else:
            self.send(404, b"not found\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--dir", default=None)
    args = ap.parse_args()
    Handler.directory = args.dir
    srv = http.server.ThreadingHTTPServer((args.bind, args.port), Handler)
    srv.daemon_threads = True
    print("PORT", srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
