#!/usr/bin/env python3
# kube-hostile-server.py: a fake Kubernetes API server on 127.0.0.1 that answers the
# discovery and every list gammatop makes normally (empty lists), except the one for
# HTTPRoutes (or the Gateway API discovery), which is hostile in the way MODE says. Used by kube-hostile.sh. Prints
# "serving http://127.0.0.1:PORT" when ready; stops by itself after 120 s.
#   deep       a list body nested 100,000 arrays deep
#   garbage    200 with an HTML page holding terminal escapes
#   types      a list whose items have the wrong types, huge numbers, invalid UTF-8
#   status     500 with a Status whose message holds terminal escapes, on every call
#   continue   every page says there is another page (the same continue token)
#   longline   a normal list, then a watch line of 80 MiB without a newline, then one event
#   discovery  the Gateway API discovery answers 200 with an HTML page
#   disc503    the Gateway API discovery answers 503 with a Status, on every call
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
GW = "/apis/gateway.networking.k8s.io/v1"
EMPTY = b'{"kind":"List","metadata":{"resourceVersion":"1"},"items":[]}'
ROUTE = (b'{"metadata":{"name":"%s","namespace":"d","resourceVersion":"%s"},'
         b'"spec":{"parentRefs":[{"name":"g"}]}}')


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == GW and MODE == "discovery":
            return self.send(200, b"<html>\x1b[2J login first</html>", "text/html")
        if path == GW and MODE == "disc503":
            return self.send(503, b'{"kind":"Status","code":503,"reason":"ServiceUnavailable",'
                             b'"message":"etcd is \\u001b[5mdown"}')
        if path == GW:
            return self.send(200, b'{"kind":"APIResourceList","resources":['
                             b'{"name":"gatewayclasses"},{"name":"gateways"},'
                             b'{"name":"httproutes"},{"name":"grpcroutes"},'
                             b'{"name":"referencegrants"}]}')
        if path == GW + "beta1":  # v1beta1 is not served
            return self.send(404, b'{"kind":"Status","code":404,"reason":"NotFound"}')
        if path != GW + "/httproutes":
            if "watch=1" in query:
                return self.send(200, b"")
            if path.startswith("/api") and path.count("/") <= 5:
                return self.send(200, EMPTY)
            return self.send(404, b'{"kind":"Status","code":404,"reason":"NotFound"}')
        watch = "watch=1" in query
        if MODE == "deep" and not watch:
            return self.send(200, b"[" * 100000 + b"]" * 100000)
        if MODE == "garbage" and not watch:
            return self.send(200, b"<html>\x1b]0;owned\x07\x1b[2J proxy says hi</html>",
                             "text/html")
        if MODE == "types" and not watch:
            return self.send(200, b'{"kind":"HTTPRouteList","metadata":{"resourceVersion":7},'
                             b'"items":[1,"x",null,{"metadata":{"name":123}},'
                             b'{"metadata":{"name":"evil\\u001b[31m","namespace":"d"}},'
                             b'{"metadata":{"name":"big","namespace":"d"},"spec":{'
                             b'"parentRefs":[{"name":"g","port":1e300}],"rules":"x",'
                             b'"hostnames":[1,2]}},'
                             b'{"metadata":{"name":"ok","namespace":"d","resourceVersion":"7"},'
                             b'"spec":{"parentRefs":[{"name":"g"}],"rules":[{"timeouts":'
                             b'{"request":9223372036854775807}}]}}]}')
        if MODE == "status":
            return self.send(500, b'{"kind":"Status","code":500,"reason":"InternalError",'
                             b'"message":"boom \\u001b]0;owned\\u0007\\u001b[2J"}')
        if MODE == "continue" and not watch:
            return self.send(200, b'{"kind":"HTTPRouteList","metadata":{"resourceVersion":"3",'
                             b'"continue":"again"},"items":[' + ROUTE % (b"r", b"3") + b']}')
        if MODE == "longline":
            if not watch:
                return self.send(200, b'{"kind":"HTTPRouteList","metadata":'
                                 b'{"resourceVersion":"3"},"items":[]}')
            if getattr(self.server, "watched", False):
                return self.send(200, b"")
            self.server.watched = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * (1 << 20)
            for _ in range(80):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            ev = (b'\n{"type":"ADDED","object":{"kind":"HTTPRoute","apiVersion":'
                  b'"gateway.networking.k8s.io/v1","metadata":{"name":"after-long-line",'
                  b'"namespace":"d","resourceVersion":"4"},"spec":{}}}\n')
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(ev), ev))
            return
        return self.send(200, EMPTY if not watch else b"")


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print("serving http://127.0.0.1:%d" % srv.server_address[1], flush=True)
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
