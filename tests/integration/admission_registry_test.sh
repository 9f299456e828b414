#!/usr/bin/env bash
# The admission webhook verifying images for real: a signetd over TLS with an admission policy,
# Debian's docker-registry on loopback (plain HTTP) holding images pushed by skopeo and signed by
# `signet sign image`, and AdmissionReviews posted by curl. Asserted: signed → allowed (mutate pins
# the tag to the digest), unsigned → denied "no signature", tampered envelope → denied integrity,
# Warn mode → allowed with a warning, a job revoked while its image is cached as allowed → denied
# by the next review (within 1 s), registry stopped → denied (fail-closed) within the deadline.
#   admission_registry_test.sh SIGNETD SIGNET OCI_REGISTRY_TOOL
set -uo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: $0 SIGNETD SIGNET OCI_REGISTRY_TOOL" >&2
  exit 2
fi
signetd=$(realpath "$1")
signet=$(realpath "$2")
tool=$(realpath "$3")
here=$(dirname "$(realpath "$0")")
source "$here/admission_registry_lib.sh"
cd "$work" || exit 1

admission_setup app unsigned tamper revjob warn/app down
sign app >/dev/null || die "sign signet/app"
revjob=$(sign revjob) || die "sign signet/revjob"
sign tamper >/dev/null || die "sign signet/tamper"

# signet/tamper: the genuine envelope with one signature byte changed, in place of the genuine one.
good=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signatureManifest"]["digest"])' "$work/sign-tamper.json")
layer=$(skopeo inspect --tls-verify=false --raw "docker://$reg/signet/tamper@$good" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"])')
curl -sf "http://$reg/v2/signet/tamper/blobs/$layer" >"$work/envelope.json" || die "fetch envelope"
python3 - "$work/envelope.json" "$work/tampered.json" <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1]))
sig = bytearray(base64.urlsafe_b64decode(env["signature"] + "=="))
sig[10] ^= 0x01
env["signature"] = base64.urlsafe_b64encode(bytes(sig)).decode().rstrip("=")
json.dump(env, open(sys.argv[2], "w"), separators=(",", ":"))
PY
"$tool" --insecure-registry "$reg" delete "$reg/signet/tamper" "$good" >/dev/null || die "delete signature"
"$tool" --insecure-registry "$reg" push-referrer "$reg/signet/tamper:v1" \
  --artifact-type application/vnd.cncf.notary.signature --layer-file "$work/tampered.json" >/dev/null ||
  die "push tampered signature"

# --- AdmissionReviews over TLS -------------------------------------------------------------------
post() {  # post PATH BODYFILE OUT: prints the HTTP status
  curl -sS --max-time 20 --cacert "$work/pki/ca.crt" -o "$3" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary "@$2" "$endpoint$1"
}
review() {  # review FILE KIND_GROUP KIND RESOURCE OBJECT_JSON
  python3 - "$@" <<'PY'
import json, sys
out, group, kind, resource, obj = sys.argv[1:6]
req = {"uid": "uid-" + out.rsplit("/", 1)[-1], "kind": {"group": group, "version": "v1", "kind": kind},
       "resource": {"group": group, "version": "v1", "resource": resource},
       "name": "web", "namespace": "apps", "operation": "CREATE", "dryRun": False,
       "userInfo": {"username": "kubernetes-admin"}, "object": json.loads(obj), "oldObject": None}
json.dump({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
          open(out, "w"))
PY
}
field() {  # field FILE PYTHON_EXPR (on r = the response object)
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['response']; print($2)" "$1"
}
patch() {  # patch FILE: the decoded JSON patch, one "op path value" a line
  python3 -c "
import base64, json, sys
r = json.load(open(sys.argv[1]))['response']
for op in json.loads(base64.b64decode(r.get('patch', ''))) if 'patch' in r else []:
    print(op['op'], op['path'], op['value'])" "$1"
}
pod() {  # pod FILE CONTAINER_IMAGES_JSON...: a Pod
  review "$1" "" Pod pods "{\"spec\":$2}"
}

# Signed images in every place: two containers, an init and an ephemeral container (by digest).
pod "$work/signed.json" "{\"containers\":[{\"name\":\"web\",\"image\":\"$reg/signet/app:v1\"},
  {\"name\":\"side\",\"image\":\"$reg/signet/revjob:v1\"}],
  \"initContainers\":[{\"name\":\"init\",\"image\":\"$reg/signet/app:v1\"}],
  \"ephemeralContainers\":[{\"name\":\"debug\",\"image\":\"$reg/signet/app@$digest\"}]}"
check "signed pod: validate answers 200" test "$(post /admission/validate "$work/signed.json" "$work/signed.out")" = 200
check "signed pod: allowed" test "$(field "$work/signed.out" "r['allowed']")" = True
check "signed pod: uid echoed" test "$(field "$work/signed.out" "r['uid']")" = uid-signed.json
post /admission/mutate "$work/signed.json" "$work/signed-mutate.out" >/dev/null
patch "$work/signed-mutate.out" >"$work/signed.patch"
check "mutate pins containers[0] to its digest" \
  grep -qx "replace /spec/containers/0/image $reg/signet/app:v1@$digest" "$work/signed.patch"
check "mutate pins containers[1] and the init container" \
  bash -c "grep -qx 'replace /spec/containers/1/image $reg/signet/revjob:v1@$digest' '$work/signed.patch' &&
           grep -qx 'replace /spec/initContainers/0/image $reg/signet/app:v1@$digest' '$work/signed.patch'"
check "mutate leaves the digest reference alone (3 ops)" test "$(wc -l <"$work/signed.patch")" = 3

# A Deployment with an unsigned and a tampered image.
review "$work/deploy.json" apps Deployment deployments "{\"spec\":{\"template\":{\"spec\":{
  \"containers\":[{\"name\":\"a\",\"image\":\"$reg/signet/unsigned:v1\"},{\"name\":\"b\",\"image\":\"$reg/signet/tamper:v1\"},
                  {\"name\":\"c\",\"image\":\"$reg/signet/app:v1\"}]}}}}"
post /admission/validate "$work/deploy.json" "$work/deploy.out" >/dev/null
check "deployment: denied with 403" test "$(field "$work/deploy.out" "r['allowed'], r['status']['code']")" = "False 403"
msg=$(field "$work/deploy.out" "r['status']['message']")
check "unsigned image denied: no signature" \
  grep -q "image $reg/signet/unsigned:v1 (container a): no signature check failed" <<<"$msg"
check "tampered signature denied: integrity" \
  grep -q "image $reg/signet/tamper:v1 (container b): integrity check failed" <<<"$msg"
check "the signed image of the deployment is not named" bash -c "! grep -q 'container c' <<<'$msg'"

# Warn mode: an unsigned image is admitted with a warning.
pod "$work/warn.json" "{\"containers\":[{\"name\":\"w\",\"image\":\"$reg/signet/warn/app:v1\"}]}"
post /admission/mutate "$work/warn.json" "$work/warn.out" >/dev/null
check "warn mode: allowed, with a warning naming the check and image" \
  test "$(field "$work/warn.out" "r['allowed'], any('no signature check failed for $reg/signet/warn/app:v1' in w for w in r.get('warnings', []))")" = "True True"
check "warn mode: nothing pinned" test "$(field "$work/warn.out" "'patch' in r")" = False

# Revocation while cached as allowed: the next review is denied.
pod "$work/rev.json" "{\"containers\":[{\"name\":\"r\",\"image\":\"$reg/signet/revjob:v1\"}]}"
post /admission/validate "$work/rev.json" "$work/rev1.out" >/dev/null
check "revjob: allowed before the revocation" test "$(field "$work/rev1.out" "r['allowed']")" = True
aws_ signer revoke-signature --job-id "$revjob" --reason "test: key compromise" || echo "FAIL: revoke-signature"
t0=$(date +%s%N)
post /admission/validate "$work/rev.json" "$work/rev2.out" >/dev/null
t1=$(date +%s%N)
check "revjob: denied by the next review, for revocation" \
  grep -q "revocation check failed: .*signing job .* is revoked" <(field "$work/rev2.out" "r['status']['message']")
check "... which took under 1 s ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 1000

# Registry stopped: fail-closed within the deadline, with a clear message.
stop_registry
pod "$work/down.json" "{\"containers\":[{\"name\":\"d\",\"image\":\"$reg/signet/down:v1\"}]}"
t0=$(date +%s%N)
post /admission/validate "$work/down.json" "$work/down.out" >/dev/null
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
check "registry down: denied (fail-closed)" test "$(field "$work/down.out" "r['allowed'], r['status']['code']")" = "False 403"
check "registry down: the message says inconclusive and why" \
  grep -qE "image $reg/signet/down:v1 \(container d\): verification inconclusive: .*($reg|connect|refused)" \
  <(field "$work/down.out" "r['status']['message']")
check "registry down: answered within the deadline (${ms} ms)" test "$ms" -lt $((deadline_ms + 1000))

echo "admission_registry: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
