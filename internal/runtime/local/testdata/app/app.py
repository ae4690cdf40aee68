"""A tiny stdlib web service for the local runtime's tests.

Behaviour comes from the environment:
  PORT              port to listen on (127.0.0.1)
  RELEASE           echoed in every answer
  ERROR_RATE        fraction (0..1) of requests to / answered 500
  EXTRA_LATENCY_MS  added to every request to /
  CRASH_AFTER       exit(3) after this many requests to /
  NOT_READY         answer /healthz with 503 forever
"""
import json
import os
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RELEASE = os.environ.get("RELEASE", "unknown")
REPLICA = os.environ.get("PINWHEEL_REPLICA", "")
ERROR_RATE = float(os.environ.get("ERROR_RATE", "0"))
EXTRA = float(os.environ.get("EXTRA_LATENCY_MS", "0")) / 1000.0
CRASH_AFTER = int(os.environ.get("CRASH_AFTER", "0"))
served = 0
rng = random.Random(int(os.environ.get("PORT", "0")))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        global served
        if self.path == "/healthz":
            if os.environ.get("NOT_READY"):
                return self.answer(503, {"ready": False})
            return self.answer(200, {"ready": True})
        if self.path == "/sys-path":
            return self.answer(200, {"path": sys.path, "prefix": sys.prefix})
        if self.path.startswith("/sees?"):  # what this process sees: /sees?path=P&path=Q
            from urllib.parse import parse_qs, urlsplit
            paths = parse_qs(urlsplit(self.path).query).get("path", [])
            return self.answer(200, {"executable": sys.executable, "version": sys.version.split()[0],
                                     "pid": os.getpid(), "exists": {p: os.path.exists(p) for p in paths}})
        served += 1
        if CRASH_AFTER and served > CRASH_AFTER:
            print("crashing after", CRASH_AFTER, "requests", flush=True)
            os._exit(3)
        if EXTRA:
            time.sleep(EXTRA)
        if rng.random() < ERROR_RATE:
            return self.answer(500, {"error": "injected failure", "release": RELEASE})
        self.answer(200, {"release": RELEASE, "replica": REPLICA})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    print(f"{RELEASE} listening on 127.0.0.1:{port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
