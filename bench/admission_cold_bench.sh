#!/usr/bin/env bash
# Cold admission decisions (issue 5: p99 <= 20 ms with a loopback registry; Ratify publishes
# 965 ms): N distinct signed images in Debian's docker-registry on loopback, each reviewed once
# through /admission/validate over TLS, so every review is a cache miss that verifies for real
# (resolve the tag, find the signature through the referrers tag schema, fetch manifest and
# envelope, verify ECDSA P-384 and the chain, read revocation from the store).
#
# Cheap set-up: one small image is pushed and signed once, then its repository is copied in the
# registry's storage to N repositories (same blobs, tags and signature; distinct cache keys,
# since results are cached per registry/repository@digest).
#
# The client (python3, one keep-alive HTTPS connection, reviews one after another) reports each
# review's latency as it sees it; signetd's own time per review is read from its request log.
#   bench/admission_cold_bench.sh SIGNETD SIGNET [N]     (default 200)
# Not run by ctest; numbers are meaningful only on an otherwise idle machine.
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 SIGNETD SIGNET [N]" >&2
  exit 2
fi
signetd=$(realpath "$1")
signet=$(realpath "$2")
n=${3:-200}
here=$(realpath "$(dirname "$(realpath "$0")")/../tests/integration")
source "$here/admission_registry_lib.sh"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
admission_setup app
sign app >/dev/null || die "sign signet/app"
repos=$work/plain/data/docker/registry/v2/repositories/signet
[[ -d $repos/app ]] || die "registry storage layout not found at $repos"
for ((i = 0; i < n; i++)); do cp -r "$repos/app" "$repos/cold-$i"; done
# signetd's request log (info, on stdout) gives its own time per review: restart it at info level.
kill -TERM "$daemon_pid" && wait "$daemon_pid" 2>/dev/null
daemon_pid=""
"$signetd" --data-dir "$data" --listen 127.0.0.1:0 --log-level info \
  --tls-cert "$work/pki/server.crt" --tls-key "$work/pki/server.key" \
  --admission-policy "$work/policy/policy.json" >"$work/signetd.out" 2>"$work/signetd.log" &
daemon_pid=$!
for ((i = 0; i < 150; i++)); do
  endpoint=$(sed -n 's|^signetd listening on \(https://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/signetd.out")
  [[ -n $endpoint ]] && break
  sleep 0.1
done
[[ -n $endpoint ]] || die "signetd did not restart"

python3 - "$endpoint" "$work/pki/ca.crt" "$reg" "$n" "$work/signetd.out" <<'PY'
import http.client, json, re, ssl, statistics, sys, time, urllib.parse
endpoint, ca, reg, n, log = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
url = urllib.parse.urlparse(endpoint)
conn = http.client.HTTPSConnection(url.hostname, url.port, context=ssl.create_default_context(cafile=ca))
def review(image):
    req = {"uid": image, "kind": {"group": "", "version": "v1", "kind": "Pod"},
           "resource": {"group": "", "version": "v1", "resource": "pods"},
           "name": "web", "namespace": "apps", "operation": "CREATE", "dryRun": False,
           "userInfo": {"username": "bench"},
           "object": {"spec": {"containers": [{"name": "c", "image": image}]}}}
    body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req})
    t0 = time.perf_counter()
    conn.request("POST", "/admission/validate", body, {"Content-Type": "application/json"})
    answer = json.loads(conn.getresponse().read())
    return (time.perf_counter() - t0) * 1000, answer["response"]["allowed"]
review(f"{reg}/signet/app:v1")  # opens the connection; warms nothing the others use
client, denied = [], 0
for i in range(n):
    ms, allowed = review(f"{reg}/signet/cold-{i}:v1")
    client.append(ms)
    denied += 0 if allowed else 1
server = [int(m.group(1)) / 1000 for m in
          re.finditer(r"path=/admission/validate .* us=(\d+)", open(log).read())][1:]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
print(f"cold decisions ({n} distinct signed images, each a cache miss; {denied} not allowed):")
print(f"  client:      p50 {pct(client, 50):.2f} ms, p99 {pct(client, 99):.2f} ms, max {max(client):.2f} ms")
if server:
    print(f"  server-side: p50 {pct(server, 50):.2f} ms, p99 {pct(server, 99):.2f} ms ({len(server)} reviews)")
print("  goal: p99 <= 20 ms (Ratify publishes 965 ms)")
PY
echo "signetd RSS with $n cached decisions: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$daemon_pid/status")" \
  "(bench/admission_cache_bench: the cache's own memory at 100,000)"
echo "machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
