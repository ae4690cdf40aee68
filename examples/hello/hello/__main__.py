"""Serve greetings over HTTP with the standard library.

GET /            -> {"message": "...", "service": "hello"}
GET /healthz     -> ok
Listens on $PORT (default 8000).
"""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import greetlib


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            self._send(200, "text/plain", b"ok\n")
            return
        name = self.path.strip("/") or "world"
        body = json.dumps({"message": greetlib.greet(name), "service": "hello"}).encode() + b"\n"
        self._send(200, "application/json", body)

    def _send(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # as PID 1 SIGTERM has no default action
    print(f"hello listening on :{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
