#!/usr/bin/env python3
# kube-tunnel.py: a proxy on 127.0.0.1 speaking both HTTP CONNECT and SOCKS5 (no auth), for
# the kube proxy e2e tests. It logs each tunnel to LOG as "CONNECT host:port" or
# "SOCKS5 name host:port" (the client sent a host name) / "SOCKS5 ip host:port" (it
# resolved the name itself), and resolves names ending in ".test" to 127.0.0.1, so that a
# server named sim.test is reachable only through the proxy. Prints its port when ready;
# stops by itself after 150 s.
import socket
import struct
import sys
import threading

log = open(sys.argv[1], "a", buffering=1)
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(64)
print(srv.getsockname()[1], flush=True)
threading.Timer(150, lambda: __import__("os")._exit(0)).start()


def resolve(host):
    return "127.0.0.1" if host.endswith(".test") else host


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def recvn(c, n):
    d = b""
    while len(d) < n:
        x = c.recv(n - len(d))
        if not x:
            raise OSError("short read")
        d += x
    return d


def socks5(c):
    n = recvn(c, 2)[1]  # version, number of methods
    recvn(c, n)
    c.sendall(b"\x05\x00")
    ver, cmd, _, atyp = recvn(c, 4)
    if atyp == 3:
        host, kind = recvn(c, recvn(c, 1)[0]).decode(), "name"
    elif atyp == 1:
        host, kind = socket.inet_ntoa(recvn(c, 4)), "ip"
    else:
        host, kind = socket.inet_ntop(socket.AF_INET6, recvn(c, 16)), "ip"
    port = struct.unpack(">H", recvn(c, 2))[0]
    log.write("SOCKS5 %s %s:%d\n" % (kind, host, port))
    u = socket.create_connection((resolve(host), port))
    c.sendall(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + struct.pack(">H", port))
    return u


def connect(c, first):
    head = first
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d:
            raise OSError("eof")
        head += d
    line = head.split(b"\r\n")[0].decode()
    method, target = line.split()[:2]
    host, port = target.rsplit(":", 1)
    log.write("%s %s\n" % (method, target))
    if method != "CONNECT":
        c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
        raise OSError("not CONNECT")
    u = socket.create_connection((resolve(host.strip("[]")), int(port)))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    return u


def handle(c):
    try:
        first = c.recv(1, socket.MSG_PEEK)
        u = socks5(c) if first == b"\x05" else connect(c, b"")
    except OSError:
        c.close()
        return
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    pipe(u, c)


while True:
    conn, _ = srv.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
