#!/usr/bin/env python3
"""A stand-in for the GitHub REST API for the `pinwheel refresh --open-pr`
example: it answers the calls pull requests need (repository, ref, refs,
contents, pulls, labels) as GitHub does, and prints each request (method,
path, whether a bearer token came, the JSON body's keys) to stdout. It
listens on 127.0.0.1 at the port in argv[1] (0 picks one; the chosen port
is printed first). Not GitHub: a way to show what pinwheel sends.
"""
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(n) or b"null")
        auth = self.headers.get("Authorization", "")
        token = "Bearer <token>" if auth.startswith("Bearer ") and len(auth) > 7 else "NO TOKEN"
        keys = ",".join(sorted(body)) if isinstance(body, dict) else ""
        extra = ""
        if isinstance(body, dict) and "labels" in body:
            extra = " labels=" + json.dumps(body["labels"])
        if isinstance(body, dict) and "ref" in body:
            extra = " ref=" + body["ref"]
        print("%-4s %s  [%s] {%s}%s" % (self.command, self.path, token, keys, extra), flush=True)
        p, m = self.path.split("?")[0], self.command
        parts = p.strip("/").split("/")
        if m == "GET" and len(parts) == 3:
            return self.answer(200, {"default_branch": "main"})
        if m == "GET" and "/git/ref/heads/" in p:
            return self.answer(200, {"object": {"sha": "4b825dc642cb6eb9a060e54bf8d69288fbee4904"}})
        if m == "POST" and p.endswith("/git/refs"):
            return self.answer(201, {"ref": body["ref"]})
        if m == "GET" and "/contents/" in p:
            return self.answer(404, {"message": "Not Found"})
        if m == "PUT" and "/contents/" in p:
            return self.answer(201, {"content": {"path": p.split("/contents/", 1)[1]}})
        if m == "POST" and p.endswith("/pulls"):
            return self.answer(201, {"number": 1, "html_url": "https://github.example/%s/%s/pull/1" % (parts[1], parts[2])})
        if m == "POST" and p.endswith("/labels"):
            return self.answer(200, [{"name": l} for l in body["labels"]])
        return self.answer(404, {"message": "Not Found"})

    do_GET = do_POST = do_PUT = handle_any


srv = HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
