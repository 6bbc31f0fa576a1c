#!/usr/bin/env python3
# kube-oidc-issuer.py: a fake OpenID Connect issuer on 127.0.0.1 for kube-oidc.sh: serves
# /.well-known/openid-configuration (token_endpoint = /token) and, at /token, exchanges the
# refresh token OLD_RT (client gt / s3cret, HTTP basic or form parameters) for ID_TOKEN and
# a rotated refresh token NEW_RT. Logs each request to LOG as "METHOD PATH", the
# Authorization header and the form body, tab-separated. Prints its URL when ready; stops
# by itself after 120 s.
# usage: kube-oidc-issuer.py LOG ID_TOKEN OLD_RT NEW_RT
import base64
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG, ID_TOKEN, OLD_RT, NEW_RT = sys.argv[1:5]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self, body=""):
        with open(LOG, "a") as f:
            f.write("%s %s\t%s\t%s\n" % (self.command, self.path,
                                         self.headers.get("Authorization", "-"), body or "-"))

    def do_GET(self):
        self.record()
        if self.path == "/.well-known/openid-configuration":
            base = "http://127.0.0.1:%d" % srv.server_address[1]
            return self.reply(200, {"issuer": base, "token_endpoint": base + "/token"})
        self.reply(404, {"error": "not_found"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode()
        self.record(body)
        form = urllib.parse.parse_qs(body)
        auth = self.headers.get("Authorization", "")
        client = ""
        if auth.startswith("Basic "):
            client = base64.b64decode(auth[6:]).decode()
        elif "client_id" in form:
            client = form["client_id"][0] + ":" + form.get("client_secret", [""])[0]
        if (self.path != "/token" or client != "gt:s3cret" or
                form.get("grant_type") != ["refresh_token"] or
                form.get("refresh_token") != [OLD_RT]):
            return self.reply(400, {"error": "invalid_grant"})
        self.reply(200, {"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600,
                         "id_token": ID_TOKEN, "refresh_token": NEW_RT})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Timer(120, srv.shutdown).start()
print("issuer http://127.0.0.1:%d" % srv.server_address[1], flush=True)
srv.serve_forever()
