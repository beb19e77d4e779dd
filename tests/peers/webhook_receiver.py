#!/usr/bin/env python3
"""A subscriber's webhook receiver, for the publisher's tests and bench:
the one piece that is the customer's own code.

    webhook_receiver.py --port N --log FILE --secrets DIR [--modes DIR]
                        [--cert PEM --key PEM]

Serves POST /hook/NAME on 127.0.0.1:N. Each request is checked as the
manual tells a receiver to: the signature (X-Mailstatus-Signature:
t=UNIX,v1=HEX, HMAC-SHA256 with the secret in DIR/NAME, or DIR/default,
over UNIX "." body) and the body (JSON with the documented keys); then
logged as one JSON line (name, delivery id, event, content type,
signature ok, body, the answer given) to FILE, flushed at once.

How it answers NAME: the first word of MODES/NAME (or MODES/default),
read at each request: ok (204), slow (204 after 0.3 s), 500, 410, 429,
or hang (answers nothing for 3600 s). Missing: ok. A request whose signature is wrong is
answered 401 and logged with sig_ok false. With --cert and --key it
speaks HTTPS.
"""
import argparse
import hashlib
import hmac
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEYS = ["id", "post", "cluster", "cluster_name", "title", "state", "incident",
        "url", "published", "text", "html"]

args = None
log_lock = threading.Lock()
log_fp = None


def first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return None


def lookup(directory, name):
    if directory is None:
        return None
    v = first_line(os.path.join(directory, name))
    return v if v is not None else first_line(os.path.join(directory, "default"))


def signature_ok(secret, header, body):
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        t, got = parts["t"], parts["v1"]
    except (KeyError, ValueError):
        return False
    want = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, got)


class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        name = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        secret = lookup(args.secrets, name) or ""
        ok = signature_ok(secret, self.headers.get("X-Mailstatus-Signature", ""), body)
        try:
            doc = json.loads(body)
            shape = list(doc.keys()) == KEYS
        except ValueError:
            doc, shape = None, False
        mode = (lookup(args.modes, name) or "ok").split()[0] if ok else "401"
        status = {"ok": 204, "slow": 204, "hang": 0}.get(mode, None)
        if status is None:
            status = int(mode)
        entry = {
            "name": name, "at": time.time(), "answer": mode,
            "delivery": self.headers.get("X-Mailstatus-Delivery"),
            "event": self.headers.get("X-Mailstatus-Event"),
            "content_type": self.headers.get("Content-Type"),
            "sig_ok": ok, "shape_ok": shape, "body": doc,
        }
        with log_lock:
            log_fp.write(json.dumps(entry) + "\n")
            log_fp.flush()
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "slow":
            time.sleep(0.3)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    global args, log_fp
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--secrets", required=True)
    p.add_argument("--modes")
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()
    log_fp = open(args.log, "a")
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 1024
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Hook)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("listening", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
