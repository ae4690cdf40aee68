"""Serve the shop's JSON API over HTTP with the standard library.

GET  /healthz              -> {"ok": true}              (readiness; never faulty)
GET  /api/products         -> the catalog
GET  /api/products/<id>    -> one product, or 404
POST /api/orders           -> {"product_id": 1, "quantity": 2} places an order (201)
GET  /api/version          -> version, replica and injected fault
GET  /metrics              -> Prometheus request metrics of the API (shop/metrics.py)
Listens on $SHOP_HOST:$PORT (default 127.0.0.1:8000; in a Kubernetes pod,
SHOP_HOST=0.0.0.0 so that its Service reaches it). SHOP_FAULT: see shop/faults.py.
"""
import json
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shop import __version__, catalog
from shop.faults import Faults
from shop.metrics import CONTENT_TYPE, Requests

FAULTS = Faults()
ORDERS = catalog.Orders()
REQUESTS = Requests()
REPLICA = os.environ.get("PINWHEEL_REPLICA", "")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path == "/healthz":
            return self.send_json(200, {"ok": True})
        if self.path == "/metrics":
            return self.send_body(200, CONTENT_TYPE, REQUESTS.exposition().encode())
        self.measured(self.get_api)

    def do_POST(self):
        self.measured(self.post_api)

    def measured(self, handle):
        """Runs handle and counts an API request in REQUESTS."""
        start = time.perf_counter()
        self.status = 500
        try:
            handle()
        finally:
            if self.path.startswith("/api/"):
                REQUESTS.observe(self.command, self.status, time.perf_counter() - start)

    def get_api(self):
        if not self.path.startswith("/api/"):
            return self.send_json(404, {"error": "not found"})
        if FAULTS.before_request():
            print(f"injected fault: 500 for GET {self.path}", file=sys.stderr, flush=True)
            return self.send_json(500, {"error": "internal error", "fault": FAULTS.kind})
        if self.path == "/api/products":
            return self.send_json(200, {"products": catalog.PRODUCTS})
        if self.path.startswith("/api/products/"):
            try:
                product = catalog.find(int(self.path.rsplit("/", 1)[1]))
            except ValueError:
                product = None
            if product is None:
                return self.send_json(404, {"error": "no such product"})
            return self.send_json(200, product)
        if self.path == "/api/version":
            return self.send_json(200, {"version": __version__, "replica": REPLICA, "fault": FAULTS.describe(),
                                        "orders": ORDERS.count()})
        return self.send_json(404, {"error": "not found"})

    def post_api(self):
        if self.path != "/api/orders":
            return self.send_json(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if FAULTS.before_request():
            print(f"injected fault: 500 for POST {self.path}", file=sys.stderr, flush=True)
            return self.send_json(500, {"error": "internal error", "fault": FAULTS.kind})
        try:
            req = json.loads(raw or b"{}")
            order = ORDERS.place(req.get("product_id"), req.get("quantity", 1))
        except (ValueError, LookupError, AttributeError) as e:
            return self.send_json(400, {"error": str(e)})
        self.send_json(201, order)

    def send_json(self, status, body):
        self.send_body(status, "application/json", json.dumps(body).encode() + b"\n")

    def send_body(self, status, content_type, data):
        self.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("SHOP_HOST") or "127.0.0.1"
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    # In its container the shop is PID 1, for which no signal has a default
    # action: without this handler SIGTERM would be ignored until SIGKILL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"shop {__version__} listening on {host}:{port} (fault: {FAULTS.describe()})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
