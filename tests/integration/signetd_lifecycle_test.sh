#!/usr/bin/env bash
# signetd's life cycle with real processes: first start initialises the data directory (files and
# modes), /healthz, a second start reuses it, SIGTERM lets an in-flight request finish and does
# not wait for idle keep-alive clients, and a busy port is a clear error.
#   signetd_lifecycle_test.sh SIGNETD
set -u
signetd="$1"
work=$(mktemp -d)
pid=""
trap '[[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$(realpath "$0")")/signetd_test_lib.sh"  # check, wait_listening
start() {  # start LOGFILE: runs signetd on a free port, sets pid and port
  "$signetd" --data-dir "$work/data" --listen 127.0.0.1:0 --log-level info >"$1" 2>&1 &
  pid=$!
  local url
  url=$(wait_listening "$1" "$pid") || { echo "signetd did not start:"; cat "$1"; exit 1; }
  port=${url##*:}
}
mode() { stat -c %a "$1"; }

start "$work/first.log"
check "first start says it initialised" grep -q "(initialised)" "$work/first.log"
for f in credentials config access-keys.json ca.json; do
  check "$f is mode 0600" test "$(mode "$work/data/$f")" = 600
done
check "data directory is mode 0700" test "$(mode "$work/data")" = 700
check "root-ca.pem is a certificate" openssl x509 -in "$work/data/root-ca.pem" -noout
check "credentials file has profile default" grep -q '^\[default\]$' "$work/data/credentials"
check "no secret in the log" bash -c "! grep -qF \"\$(sed -n 's/^aws_secret_access_key = //p' '$work/data/credentials')\" '$work/first.log'"
check "/healthz answers 200" python3 - "$port" <<'PY'
import sys, urllib.request
r = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=5)
sys.exit(0 if r.status == 200 and b'"ok"' in r.read() else 1)
PY
check "an unsigned request is 403 MissingAuthenticationTokenException" python3 - "$port" <<'PY'
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/signing-platforms", timeout=5)
    sys.exit(1)
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code == 403 and e.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
             and e.headers["x-amzn-RequestId"] else 1)
PY
check "a second signetd on the same port is refused clearly" bash -c \
  "! timeout 10 '$signetd' --data-dir '$work/other' --listen 127.0.0.1:$port >'$work/busy.log' 2>&1 && grep -q 'cannot listen' '$work/busy.log'"
check "a second signetd on the same data directory is refused clearly" bash -c \
  "! timeout 10 '$signetd' --data-dir '$work/data' --listen 127.0.0.1:0 >'$work/busy2.log' 2>&1 && grep -q 'in use by another signetd' '$work/busy2.log'"

# SIGTERM while a request is in flight (its body arrives slowly) and an idle keep-alive
# connection is open: the request gets its whole response, the idle client does not hold the
# shutdown, and signetd exits 0.
python3 - "$port" "$pid" >"$work/inflight.out" 2>&1 <<'PY' &
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
idle = socket.create_connection(("127.0.0.1", port))
idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
idle.recv(4096)
s = socket.create_connection(("127.0.0.1", port))
body = b"x" * 2000
s.sendall(b"PUT /signing-profiles/slow HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
s.sendall(body[:1000])
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
time.sleep(1.0)
s.sendall(body[1000:])
response = s.recv(65536).decode(errors="replace")
print(response.split("\r\n")[0])
sys.exit(0 if response.startswith("HTTP/1.1 403") else 1)
PY
client=$!
wait "$client"; client_rc=$?
check "the in-flight request got its response after SIGTERM" test "$client_rc" -eq 0
t0=$(date +%s)
wait "$pid"; rc=$?
pid=""
check "signetd exited 0 after SIGTERM" test "$rc" -eq 0
check "shutdown did not wait for the idle keep-alive client (<= 8 s)" test $(( $(date +%s) - t0 )) -le 8

start "$work/second.log"
check "second start reuses the data directory" bash -c "! grep -q '(initialised)' '$work/second.log'"
kill -TERM "$pid"; wait "$pid"; pid=""

# HTTPS with an operator's certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
"$signetd" --data-dir "$work/data" --listen 127.0.0.1:0 --tls-cert "$work/tls.pem" \
  --tls-key "$work/tls.key" >"$work/tls.log" 2>&1 &
pid=$!
url=$(wait_listening "$work/tls.log" "$pid") && port=${url##*:}
check "HTTPS: /healthz answers over TLS with the operator's certificate" python3 - "$port" "$work/tls.pem" <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
r = urllib.request.urlopen(f"https://127.0.0.1:{sys.argv[1]}/healthz", timeout=5, context=ctx)
sys.exit(0 if r.status == 200 else 1)
PY
kill -TERM "$pid"; wait "$pid"; pid=""
check "HTTPS: a missing key file is a clear error" bash -c \
  "! timeout 10 '$signetd' --data-dir '$work/data' --listen 127.0.0.1:0 --tls-cert '$work/tls.pem' --tls-key '$work/nope.key' >'$work/tls2.log' 2>&1 && grep -q 'cannot load the TLS certificate' '$work/tls2.log'"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
