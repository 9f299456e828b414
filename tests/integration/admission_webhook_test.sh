#!/usr/bin/env bash
# The admission webhook of a real signetd over TLS, driven by curl with AdmissionReviews shaped
# like the API server's. The serving certificate comes from `signet admission cert` and curl
# checks it against the printed caBundle under the Service's DNS name. The rule's registry
# (registry.acme.io) cannot be reached from here, so its images are inconclusive (fail-closed
# denial); the cases are unmatched images, exempt namespaces, unknown kinds, malformed bodies,
# plain HTTP refused. Verification against a real registry: admission_registry_test.sh.
#   admission_webhook_test.sh SIGNETD SIGNET
set -u
signetd="$1"
signet="$2"
work=$(mktemp -d)
pid=""
trap '[[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$(realpath "$0")")/signetd_test_lib.sh"  # check, wait_listening

host=signet-admission.signet-system.svc
check "signet admission cert writes the TLS files" \
  bash -c "'$signet' admission cert --service signet-admission --namespace signet-system --out '$work/tls' >'$work/bundle' 2>'$work/cert.log'"
base64 -d "$work/bundle" >"$work/ca-from-bundle.pem"
check "the caBundle is the CA certificate" cmp -s "$work/ca-from-bundle.pem" "$work/tls/ca.crt"
check "tls.key is mode 0600" test "$(stat -c %a "$work/tls/tls.key")" = 600

mkdir -p "$work/policy/truststore/x509/signingAuthority/signet"
cat >"$work/policy/trustpolicy.oci.json" <<'JSON'
{"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
 "signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:signet"],
 "trustedIdentities":["*"]}]}
JSON
cat >"$work/policy/policy.json" <<'JSON'
{"rules":[{"name":"acme","images":["registry.acme.io/**"],"trustPolicy":"trustpolicy.oci.json",
           "trustStore":"truststore","mode":"Enforce"}],
 "exemptNamespaces":["kube-system","signet-system"],"deadlineMillis":2000}
JSON

check "plain HTTP with --admission-policy is refused" bash -c \
  "! timeout 10 '$signetd' --data-dir '$work/plain' --listen 127.0.0.1:0 --admission-policy '$work/policy/policy.json' >'$work/plain.log' 2>&1 && grep -q 'HTTPS only' '$work/plain.log'"

"$signetd" --data-dir "$work/data" --listen 127.0.0.1:0 --tls-cert "$work/tls/tls.crt" \
  --tls-key "$work/tls/tls.key" --admission-policy "$work/policy/policy.json" >"$work/signetd.log" 2>&1 &
pid=$!
url=$(wait_listening "$work/signetd.log" "$pid") || { echo "signetd did not start:"; cat "$work/signetd.log"; exit 1; }
port=${url##*:}

post() {  # post PATH BODYFILE OUT: prints the HTTP status
  curl -sS --cacert "$work/tls/ca.crt" --resolve "$host:$port:127.0.0.1" -o "$3" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary "@$2" "https://$host:$port$1"
}
review() {  # review FILE KIND_GROUP KIND RESOURCE NAMESPACE OBJECT_JSON [SUBRESOURCE]
  python3 - "$@" <<'PY'
import json, sys
out, group, kind, resource, ns, obj = sys.argv[1:7]
sub = sys.argv[7] if len(sys.argv) > 7 else ""
req = {"uid": "uid-" + kind + "-" + ns, "kind": {"group": group, "version": "v1", "kind": kind},
       "resource": {"group": group, "version": "v1", "resource": resource},
       "name": "web", "namespace": ns, "operation": "CREATE", "dryRun": False,
       "userInfo": {"username": "kubernetes-admin"}, "object": json.loads(obj), "oldObject": None}
if sub:
    req["subResource"] = sub
json.dump({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
          open(out, "w"))
PY
}
field() {  # field FILE PYTHON_EXPR (on r = the response object)
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['response']; print($2)" "$1"
}
pod_spec='{"containers":[{"name":"web","image":"nginx:1.25"},{"name":"app","image":"registry.acme.io/apps/web:1"}],
  "initContainers":[{"name":"init","image":"busybox"}],
  "ephemeralContainers":[{"name":"debug","image":"registry.acme.io/tools/debug:2"}]}'

review "$work/pod.json" "" Pod pods apps "{\"spec\":$pod_spec}"
check "validate answers 200 over TLS (the certificate matches the Service name)" \
  test "$(post /admission/validate "$work/pod.json" "$work/pod.out")" = 200
check "the uid is echoed" test "$(field "$work/pod.out" "r['uid']")" = "uid-Pod-apps"
check "the pod is denied with 403" test "$(field "$work/pod.out" "r['allowed'], r['status']['code']")" = "False 403"
check "the denial names the unmatched image and container" \
  grep -q 'image nginx:1.25 (container web): no admission rule covers docker.io/library/nginx' "$work/pod.out"
check "the denial names the init container" grep -q 'image busybox (container init)' "$work/pod.out"
check "an image a rule covers is not admitted unverified (fail-closed)" \
  grep -q 'image registry.acme.io/apps/web:1 (container app): verification inconclusive' "$work/pod.out"
check "so is the ephemeral container's" grep -q '(container debug): verification inconclusive' "$work/pod.out"

template="{\"spec\":{\"template\":{\"spec\":$pod_spec}}}"
for kind in Deployment:apps:deployments StatefulSet:apps:statefulsets DaemonSet:apps:daemonsets \
            ReplicaSet:apps:replicasets Job:batch:jobs ReplicationController::replicationcontrollers; do
  IFS=: read -r k g res <<<"$kind"
  review "$work/$k.json" "$g" "$k" "$res" apps "$template"
  post /admission/validate "$work/$k.json" "$work/$k.out" >/dev/null
  check "$k: denied, naming its images" grep -q 'image nginx:1.25 (container web)' "$work/$k.out"
done
review "$work/cron.json" batch CronJob cronjobs apps "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":$pod_spec}}}}}"
post /admission/validate "$work/cron.json" "$work/cron.out" >/dev/null
check "CronJob: denied, naming its images" grep -q 'image busybox (container init)' "$work/cron.out"
review "$work/eph.json" "" Pod pods apps "{\"spec\":$pod_spec}" ephemeralcontainers
post /admission/validate "$work/eph.json" "$work/eph.out" >/dev/null
check "pods/ephemeralcontainers: denied" grep -q '(container debug)' "$work/eph.out"

review "$work/system.json" "" Pod pods kube-system "{\"spec\":$pod_spec}"
post /admission/mutate "$work/system.json" "$work/system.out" >/dev/null
check "kube-system is exempt (mutate: allowed, no patch)" \
  test "$(field "$work/system.out" "r['allowed'], 'patch' in r")" = "True False"

review "$work/widget.json" example.com Widget widgets apps '{"spec":{}}'
post /admission/validate "$work/widget.json" "$work/widget.out" >/dev/null
check "an unknown kind passes with a warning" \
  test "$(field "$work/widget.out" "r['allowed'], len(r['warnings'])")" = "True 1"

review "$work/broken.json" "" Pod pods apps '{"spec":{"containers":"nginx"}}'
post /admission/validate "$work/broken.json" "$work/broken.out" >/dev/null
check "a malformed Pod is denied with code 400" \
  test "$(field "$work/broken.out" "r['allowed'], r['status']['code']")" = "False 400"
echo 'not an AdmissionReview' >"$work/garbage.json"
check "a body that is not an AdmissionReview is HTTP 400" \
  test "$(post /admission/validate "$work/garbage.json" "$work/garbage.out")" = 400
check "GET is 405" test "$(curl -sS --cacert "$work/tls/ca.crt" --resolve "$host:$port:127.0.0.1" \
  -o /dev/null -w '%{http_code}' "https://$host:$port/admission/validate")" = 405
curl -sS --cacert "$work/tls/ca.crt" --resolve "$host:$port:127.0.0.1" -o "$work/metrics.txt" \
  "https://$host:$port/metrics"
check "/metrics counts admission decisions" \
  grep -q 'signet_admission_decisions_total{decision="deny",mode="unmatched"}' "$work/metrics.txt"
check "/metrics has the admission cache and latency families" \
  grep -q '# TYPE signet_admission_verification_duration_seconds histogram' "$work/metrics.txt"
check "the Signer API still requires SigV4 on the same listener" test "$(curl -sS --cacert "$work/tls/ca.crt" \
  --resolve "$host:$port:127.0.0.1" -o /dev/null -w '%{http_code}' "https://$host:$port/signing-platforms")" = 403

kill "$pid"; wait "$pid" 2>/dev/null; pid=""
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
