#!/usr/bin/env python3
# kube-probe.py: a logging probe on 127.0.0.1 between a client (kubectl or gammatop) and an
# API server (gammatop-sim): it forwards every request as it came (method, path, query,
# headers, body) and the answer back (streamed, so watches work), and writes one line per
# request to LOG: "METHOD PATH?QUERY" then tab-separated "Name: value" for the headers the
# kube e2e tests compare (Authorization, Impersonate-*, Accept-Encoding, User-Agent is left
# out). Used to compare what kubectl and gammatop SEND. Stops by itself after LIFETIME s.
#
# usage: kube-probe.py LOG UPSTREAM_URL [--tls CERT KEY] [--ca CA] [--lifetime S]
# Prints "probe https://127.0.0.1:PORT" (or http://) when ready.
import http.client
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = sys.argv[1:]
LOG, UPSTREAM = args[0], urllib.parse.urlsplit(args[1])
cert = key = ca = None
lifetime = 120
i = 2
while i < len(args):
    if args[i] == "--tls":
        cert, key = args[i + 1], args[i + 2]
        i += 3
    elif args[i] == "--ca":
        ca = args[i + 1]
        i += 2
    elif args[i] == "--lifetime":
        lifetime = float(args[i + 1])
        i += 2
    else:
        sys.exit("kube-probe.py: unknown argument " + args[i])

LOGGED = ("authorization", "accept-encoding")
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-authorization", "proxy-connection", "content-length", "host"}
lock = threading.Lock()


def upstream():
    if UPSTREAM.scheme == "https":
        ctx = ssl.create_default_context(cafile=ca)
        return http.client.HTTPSConnection(UPSTREAM.hostname, UPSTREAM.port, context=ctx,
                                           timeout=lifetime)
    return http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=lifetime)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def record(self):
        fields = [self.command + " " + self.path]
        for name, value in self.headers.items():
            low = name.lower()
            if low in LOGGED or low.startswith("impersonate-"):
                fields.append("%s: %s" % (name, value))
        with lock, open(LOG, "a") as f:
            f.write("\t".join(fields) + "\n")

    def forward(self):
        self.record()
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        c = upstream()
        try:
            c.request(self.command, self.path, body=body, headers=headers)
            r = c.getresponse()
        except OSError as e:
            msg = ("probe: upstream: %s" % e).encode()
            self.send_response(502)
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        self.send_response(r.status, r.reason)
        length = r.getheader("Content-Length")
        for k, v in r.getheaders():
            if k.lower() not in HOP:
                self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", length)
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while True:
                chunk = r.read1(65536) if length is None else r.read(65536)
                if not chunk:
                    break
                if length is None:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                else:
                    self.wfile.write(chunk)
                self.wfile.flush()
            if length is None:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True
        finally:
            c.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = forward


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
scheme = "http"
if cert:
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cert, key)
    srv.socket = sctx.wrap_socket(srv.socket, server_side=True)
    scheme = "https"
threading.Timer(lifetime, srv.shutdown).start()
print("probe %s://127.0.0.1:%d" % (scheme, srv.server_address[1]), flush=True)
srv.serve_forever()
