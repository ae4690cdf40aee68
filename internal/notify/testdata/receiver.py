import http.server, json, os
from verify_receiver import verify_pinwheel

SECRET = os.environb[b"PINWHEEL_WEBHOOK_SECRET"]
MAX_BODY = 1 << 20

class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = self.headers.get("Content-Length", "")
        if not all(v.isascii() for v in self.headers.values()) or not length.isdigit() \
                or len(length) > 8 or int(length) > MAX_BODY:
            self.send_response(400); self.end_headers(); return  # not from pinwheel
        body = self.rfile.read(int(length))
        if not verify_pinwheel(SECRET, self.headers, body):
            self.send_response(401); self.end_headers(); return
        event = json.loads(body)
        print(self.headers["X-Pinwheel-Delivery"], event["type"], event["service"], event["reason"], flush=True)
        self.send_response(204); self.end_headers()

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8099"))), Hook).serve_forever()
