#!/usr/bin/env bash
# Cached admission decisions under load: Debian's wrk posts one AdmissionReview (a Pod of a signed
# image, so every request after the first is a cache hit) to /admission/validate over TLS, and
# prints requests/s and the latency distribution (p50, p99). Sets up its registry and signetd as
# tests/integration/admission_registry_test.sh does.
#   bench/admission_bench.sh SIGNETD SIGNET [SECONDS] [CONNECTIONS]
# Not run by ctest; numbers are meaningful only on an otherwise idle machine.
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 SIGNETD SIGNET [SECONDS] [CONNECTIONS]" >&2
  exit 2
fi
signetd=$(realpath "$1")
signet=$(realpath "$2")
seconds=${3:-10}
connections=${4:-32}
here=$(realpath "$(dirname "$(realpath "$0")")/../tests/integration")
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/install-deps.sh --test"; exit 1; }
source "$here/admission_registry_lib.sh"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (wrk shares the cores)"
admission_setup app
sign app >/dev/null || die "sign signet/app"
python3 - "$work/review.json" "$reg/signet/app:v1" <<'PY'
import json, sys
req = {"uid": "bench", "kind": {"group": "", "version": "v1", "kind": "Pod"},
       "resource": {"group": "", "version": "v1", "resource": "pods"},
       "name": "web", "namespace": "apps", "operation": "CREATE", "dryRun": False,
       "userInfo": {"username": "bench"}, "object": {"spec": {"containers": [
           {"name": "web", "image": sys.argv[2]}]}}}
json.dump({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
          open(sys.argv[1], "w"))
PY
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/review.json", "rb")
wrk.body = f:read("*a")
f:close()
done = function(summary, latency, requests)
  io.write(string.format("cached decisions: %.0f/s, p50 %.3f ms, p99 %.3f ms, errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
# The first review verifies (cold) and fills the cache.
curl -sS --cacert "$work/pki/ca.crt" -H 'Content-Type: application/json' \
  --data-binary "@$work/review.json" "$endpoint/admission/validate" | grep -q '"allowed":true' ||
  die "the signed image is not admitted"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "$endpoint/admission/validate"
# Server-side: signetd's own histogram of the reviews' handling time (its buckets bound p50/p99).
curl -sS --cacert "$work/pki/ca.crt" "$endpoint/metrics" | python3 -c '
import re, sys
buckets = []
for line in sys.stdin:
    m = re.match(r"signet_http_request_duration_seconds_bucket\{service=\"admission\",operation=\"AdmissionValidate\",le=\"([^\"]+)\"\} (\d+)", line)
    if m:
        buckets.append((float(m.group(1)), int(m.group(2))))
total = buckets[-1][1] if buckets else 0
def bound(q):
    return next(f"<= {le * 1000:g} ms" for le, n in buckets if n >= q * total)
if total:
    le1 = next(n for le, n in buckets if le >= 0.001)
    print(f"server-side (signetd histogram, {total} reviews): p50 {bound(0.5)}, p99 {bound(0.99)}; "
          f"{100 * le1 / total:.2f}% within 1 ms")'
echo "signetd RSS: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$daemon_pid/status")"
echo "goal: >= 10,000/s, p99 <= 1 ms server-side; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
