#!/usr/bin/env bash
# The admission policy's `registries` settings for real: Debian's docker-registry over TLS (a test
# CA) with htpasswd basic auth (bcrypt), an image pushed by skopeo and signed by `signet sign
# image`, and signetd's webhook reaching the registry through the policy's caFile and dockerConfig
# (a Docker config.json whose `auths` hold base64 user:password). Asserted: signed → allowed and
# unsigned → denied (so the registry was read); without caFile → denied, inconclusive, naming the
# TLS failure; wrong credentials → denied, naming the refused login.
#   admission_registry_auth_test.sh SIGNETD SIGNET
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

make_registry_pki || die "test PKI"
# The CLIs trust the test CA for signetd's HTTPS; signetd itself must not (see "no caFile").
export AWS_CA_BUNDLE=$work/pki/ca.crt
start_registry tls-auth tls auth
reg=127.0.0.1:$port
build_test_image "$work/image" v1 "signet admission auth test $(date +%s%N)" || die "build image"
for r in app unsigned; do
  skopeo copy -q --dest-cert-dir "$work/certs" --dest-creds "signet:s3cret pass" \
    "oci:$work/image:v1" "docker://$reg/signet/$r:v1" || die "push signet/$r"
done

init_trust_policy
mkdir -p "$work/policy/docker" "$work/policy/wrong"
cp "$work/pki/ca.crt" "$work/policy/registry-ca.pem"
auths() { printf '{"auths":{"%s":{"auth":"%s"}}}' "$reg" "$(printf '%s' "$1" | base64 -w0)"; }
auths 'signet:s3cret pass' >"$work/policy/docker/config.json"
auths 'signet:wrong pass' >"$work/policy/wrong/config.json"
policy() {  # policy FILE REGISTRIES_JSON
  cat >"$1" <<JSON
{"rules":[{"name":"enforced","images":["$reg/**"],"trustPolicy":"trustpolicy.oci.json",
           "trustStore":"truststore","mode":"Enforce"}],
 "deadlineMillis":$deadline_ms, "registries":$2}
JSON
}
policy "$work/policy/good.json" '{"caFile":"registry-ca.pem","dockerConfig":"docker/config.json"}'
policy "$work/policy/noca.json" '{"dockerConfig":"docker/config.json"}'
policy "$work/policy/wrong.json" '{"caFile":"registry-ca.pem","dockerConfig":"wrong/config.json"}'

serve() {  # serve POLICY: (re)starts signetd with that admission policy, trusting no extra CA
  stop_signetd
  # Not the caller's SSL_CERT_FILE, DOCKER_CONFIG or ~/.docker: only what the policy names.
  SSL_CERT_FILE=/nonexistent start_signetd --tls-cert "$work/pki/server.crt" \
    --tls-key "$work/pki/server.key" --admission-policy "$1"
}

serve "$work/policy/good.json"
aws_ signer put-signing-profile --profile-name img --platform-id Notation-OCI-SHA384-ECDSA \
  >/dev/null || die "put-signing-profile"
printf 's3cret pass\n' | SSL_CERT_FILE=$work/pki/ca.crt SIGNET_ENDPOINT=$endpoint \
  "$signet" sign image "$reg/signet/app:v1" --profile img --registry-ca "$work/pki/ca.crt" \
  --username signet --password-stdin >"$work/sign.out" 2>&1 || { cat "$work/sign.out"; die "sign"; }

python3 - "$work" "$reg" <<'PY'
import json, sys
work, reg = sys.argv[1:3]
for name in ("app", "unsigned"):
    req = {"uid": name, "kind": {"group": "", "version": "v1", "kind": "Pod"},
           "resource": {"group": "", "version": "v1", "resource": "pods"},
           "name": "web", "namespace": "apps", "operation": "CREATE", "dryRun": False,
           "userInfo": {"username": "kubernetes-admin"},
           "object": {"spec": {"containers": [{"name": "c", "image": f"{reg}/signet/{name}:v1"}]}}}
    json.dump({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req},
              open(f"{work}/{name}.json", "w"))
PY
review() {  # review NAME: "allowed<TAB>message" of a Pod running signet/NAME:v1
  curl -sS --max-time 10 --cacert "$work/pki/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$work/$1.json" "$endpoint/admission/validate" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["response"]; print(r["allowed"], r.get("status", {}).get("message", ""), sep="\t")'
}
expect_review() {  # expect_review NAME ALLOWED MESSAGE_REGEX
  local got
  got=$(review "$1")
  echo "  $1: $got"
  [[ ${got%%$'\t'*} == "$2" ]] && grep -qE "$3" <<<"${got#*$'\t'}"
}

check "caFile + dockerConfig: the signed image is allowed" expect_review app True ''
check "caFile + dockerConfig: the unsigned image is denied, no signature" \
  expect_review unsigned False "signet/unsigned:v1 \(container c\): no signature check failed"

serve "$work/policy/noca.json"
check "no caFile: denied, inconclusive, naming the untrusted certificate" \
  expect_review app False "signet/app:v1 \(container c\): verification inconclusive: .*(certificate|TLS|tls|SSL|ssl)"

serve "$work/policy/wrong.json"
check "wrong credentials: denied, naming the refused login" \
  expect_review app False "signet/app:v1 \(container c\): .*(401|[Uu]nauthori[sz]ed|credentials|login)"

echo "admission_registry_auth: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
