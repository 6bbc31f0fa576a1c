#!/bin/sh
# kube-proxy.sh: kubeconfig proxy-url: gammatop reaches gammatop-sim (TLS, token) through an
# HTTP CONNECT proxy on 127.0.0.1 (a few lines of Python that count the tunnels it made);
# with the proxy down, the command fails with exit 2 and says so.
. "$GT_SRCDIR/tests/e2e/lib.sh"
. "$GT_SRCDIR/tests/e2e/kube-lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
command -v jq >/dev/null || skip "jq not installed"

kube_start_sim sim --tls "$T/tls" --token proxy-tok --generate routes=20,services=5 \
	--kubeconfig-out "$T/kc"
cat >"$T/proxy.py" <<'EOP'
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(64)
print(srv.getsockname()[1], flush=True)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    finally:
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
def handle(c):
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d: return
        head += d
    line = head.split(b"\r\n")[0].decode()
    method, target = line.split()[:2]
    host, port = target.rsplit(":", 1)
    if method != "CONNECT" or host != "127.0.0.1":
        c.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n"); c.close(); return
    u = socket.create_connection((host, int(port)))
    log.write(line + "\n")
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    pipe(u, c)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
EOP
python3 "$T/proxy.py" "$T/tunnels" >"$T/proxy.port" &
gt_track $!
wait_for "[ -s '$T/proxy.port' ]" 10 || fail "proxy did not start"
pport=$(cat "$T/proxy.port")
awk -v p="http://127.0.0.1:$pport" '/server:/{print; print "    proxy-url: " p; next} {print}' "$T/kc" >"$T/kc.proxy"

timeout 30 "$GAMMATOP" watch --kubeconfig "$T/kc.proxy" -o json --until-synced >"$T/ev.json" \
	2>"$T/err" || { cat "$T/err" >&2; fail "sync through the proxy failed"; }
n=$(grep -c "^CONNECT 127.0.0.1:$SIM_PORT " "$T/tunnels")
[ "$n" -ge 1 ] || fail "the proxy saw no CONNECT"
[ "$(jq -s length "$T/ev.json")" -ge 25 ] || fail "too few objects through the proxy"
ok "synced through proxy-url ($n tunnel(s), $(jq -s length "$T/ev.json") objects)"

# Proxy down: a clear failure.
awk '/proxy-url/{print "    proxy-url: http://127.0.0.1:1"; next} {print}' "$T/kc.proxy" >"$T/kc.down"
rc=0
timeout 30 "$GAMMATOP" lint --kubeconfig "$T/kc.down" >/dev/null 2>"$T/down.err" || rc=$?
[ "$rc" = 2 ] || { cat "$T/down.err" >&2; fail "proxy down: exit $rc"; }
ok "proxy down: $(head -1 "$T/down.err" | cut -c1-150)"
