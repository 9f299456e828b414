#!/usr/bin/env bash
# A revocation reaches every replica of an installation within 1 s (DESIGN.md §7; issue 5): two
# signetd processes on one data directory (A owns it; B is an --admission-replica serving only
# the webhook), a real docker-registry, an image signed through A and cached as allowed on B; the
# job is revoked through A with the AWS CLI; B's next reviews are posted until one is denied, and
# the milliseconds from the revocation's answer to that denial are asserted (< 1000; B polls the
# store's revocation events every 250 ms).
#   admission_replicas_test.sh SIGNETD SIGNET
set -uo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 SIGNETD SIGNET" >&2
  exit 2
fi
signetd=$(realpath "$1")
signet=$(realpath "$2")
here=$(dirname "$(realpath "$0")")
source "$here/admission_registry_lib.sh"
cd "$work" || exit 1

replica_pid=""
stop_replica() {
  [[ -n $replica_pid ]] && kill -TERM "$replica_pid" 2>/dev/null && wait "$replica_pid" 2>/dev/null
  replica_pid=""
}
trap 'stop_replica; admission_cleanup' EXIT

admission_setup app other
job=$(sign app) || die "sign signet/app"
sign other >/dev/null || die "sign signet/other"

# Replica B on the same data directory, serving only the webhook.
tls=(--tls-cert "$work/pki/server.crt" --tls-key "$work/pki/server.key")
"$signetd" --data-dir "$data" --listen 127.0.0.1:0 --log-level info --admission-replica \
  --admission-policy "$work/policy/policy.json" "${tls[@]}" >"$work/replica.out" 2>"$work/replica.log" &
replica_pid=$!
replica=$(wait_listening "$work/replica.out" "$replica_pid") ||
  { cat "$work/replica.out" "$work/replica.log"; die "the replica did not start"; }

python3 - "$work/review.json" "$reg/signet/app:v1" "$reg/signet/other:v1" <<'PY'
import json, sys
req = {"uid": "replica", "kind": {"group": "", "version": "v1", "kind": "Pod"},
       "resource": {"group": "", "version": "v1", "resource": "pods"},
       "name": "web", "namespace": "apps", "operation": "CREATE", "dryRun": False,
       "userInfo": {"username": "kubernetes-admin"},
       "object": {"spec": {"containers": [{"name": "app", "image": sys.argv[2]}]}}}
json.dump({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
          open(sys.argv[1], "w"))
req["object"]["spec"]["containers"][0]["image"] = sys.argv[3]
json.dump({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
          open(sys.argv[1] + ".other", "w"))
PY
post() {  # post URL BODYFILE: prints the response body
  curl -sS --max-time 10 --cacert "$work/pki/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$2" "$1/admission/validate"
}
allowed() { python3 -c 'import json,sys; print(json.load(sys.stdin)["response"]["allowed"])'; }
metric() {  # metric URL NAME_AND_LABELS: its value, 0 if absent
  curl -sS --cacert "$work/pki/ca.crt" "$1/metrics" | awk -v m="$2" '$1 == m { print $2; f = 1 } END { if (!f) print 0 }'
}

check "replica: the signed image is allowed" test "$(post "$replica" "$work/review.json" | allowed)" = True
check "replica: another signed image is allowed" test "$(post "$replica" "$work/review.json.other" | allowed)" = True
hits=$(metric "$replica" 'signet_admission_cache_lookups_total{cache="result",result="hit"}')
check "replica: the second review is a cache hit" \
  test "$(post "$replica" "$work/review.json" | allowed)-$(metric "$replica" 'signet_admission_cache_lookups_total{cache="result",result="hit"}')" = "True-$((hits + 1))"
check "replica: Signer calls are refused with a clear message" \
  bash -c "curl -sS --cacert '$work/pki/ca.crt' '$replica/signing-profiles' | grep -q 'admission replica'"
second_owner_refused() {
  timeout 10 "$signetd" --data-dir "$data" --listen 127.0.0.1:0 >/dev/null 2>"$work/second.err"
  grep -q 'in use by another signetd' "$work/second.err"
}
check "a second owner of the data directory is still refused" second_owner_refused
refused_replica() {  # refused_replica MESSAGE ARGS...: the replica exits 1 saying MESSAGE
  timeout 10 "$signetd" --listen 127.0.0.1:0 --admission-replica "${@:2}" >/dev/null 2>"$work/refused.err"
  [[ $? -eq 1 ]] && grep -q "$1" "$work/refused.err"
}
check "a replica of a directory no signetd initialised is refused" refused_replica \
  "not initialised" --data-dir "$work/empty" --admission-policy "$work/policy/policy.json" "${tls[@]}"
check "a replica without an admission policy is refused" refused_replica \
  "needs --admission-policy" --data-dir "$data"

# Revoke through A; poll B until it denies.
aws_ signer revoke-signature --job-id "$job" --reason "test: key compromise" || die "revoke-signature"
t0=$(date +%s%N)
denied=""
for ((i = 0; i < 100; i++)); do
  post "$replica" "$work/review.json" >"$work/after.out"
  if [[ $(allowed <"$work/after.out") == False ]]; then
    denied=$(date +%s%N)
    break
  fi
  sleep 0.02
done
ms=$(((${denied:-$(date +%s%N)} - t0) / 1000000))
echo "revocation reached the replica in ${ms} ms"
check "replica: denied after the revocation, for revocation" \
  grep -q "revocation check failed: .*signing job .* is revoked" \
  <(python3 -c 'import json,sys; print(json.load(sys.stdin)["response"]["status"]["message"])' <"$work/after.out")
check "... within 1 s of the revocation (${ms} ms)" test -n "$denied" -a "$ms" -lt 1000
hits=$(metric "$replica" 'signet_admission_cache_lookups_total{cache="result",result="hit"}')
check "replica: the image of another job stays allowed, still cached (only what rests on the job is dropped)" \
  test "$(post "$replica" "$work/review.json.other" | allowed)-$(metric "$replica" 'signet_admission_cache_lookups_total{cache="result",result="hit"}')" = "True-$((hits + 1))"
check "replica: the invalidation is logged" \
  grep -q "revocation event .* (signing job $job) dropped" "$work/replica.out"
check "replica: its staleness is measured in /metrics" \
  test "$(metric "$replica" 'signet_admission_revocation_polls_total{result="ok"}')" -gt 0
check "owner: denied at once too" test "$(post "$endpoint" "$work/review.json" | allowed)" = False

echo "admission_replicas: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
