#!/usr/bin/env bash
# `signet sign image`, `verify image`, `list image` and `trust export` against a real signetd and
# Debian's docker-registry (distribution 2.8: no Referrers API, so the referrers tag schema) on
# loopback. Profiles and revocations through the AWS CLI v2 (Debian's awscli); the test image is
# built by umoci and pushed by skopeo, and what signet pushes is read back by skopeo.
#
# Plain HTTP runs the full matrix: sign -> verify by tag and by digest; list; two signatures in one
# valid tag-schema index; the signature manifest and index byte-identical through skopeo; a
# tampered envelope, a signature of another digest, an untrusted root, an untrusted identity, an
# expired signature (verify under faketime), a revoked job and a revoked profile, each failing
# its check under strict and logged (exit 0, warning) where Notation's permissive/audit levels log
# it; a skipping environment; --oci-layout. TLS (test CA) and TLS + htpasswd basic auth run a
# sign -> verify round trip each. The trust store is what `signet trust export` wrote.
#
# Usage: image_cli_test.sh SIGNETD SIGNET OCI_REGISTRY_TOOL
set -uo pipefail
if [[ $# -ne 3 ]]; then
  echo "usage: $0 SIGNETD SIGNET OCI_REGISTRY_TOOL" >&2
  exit 2
fi
signetd=$(realpath "$1")
signet=$(realpath "$2")
tool=$(realpath "$3")
here=$(dirname "$(realpath "$0")")
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
source "$here/signetd_test_lib.sh"
source "$here/registry_test_lib.sh"
find_aws_v2
for t in docker-registry skopeo umoci htpasswd openssl curl "$AWS"; do
  command -v "$t" >/dev/null || { echo "FAIL: missing ${t:-awscli}: run scripts/install-deps --test"; exit 1; }
done
if ! compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null; then
  echo "FAIL: libfaketime not found (Debian package faketime)"
  exit 1
fi

work=$(mktemp -d)
data=$work/data
cleanup() {
  stop_registry
  stop_signetd
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
isolate_env
cd "$work" || exit 1

setup=start
# jget FILE EXPR: a value of the JSON document in FILE (Python expression over `d`).
jget() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# --- signetd, with an environment that skips signing --------------------------------------------
cat >"$work/metering.json" <<'EOF'
{"default_environment": "prod",
 "environments": {"dev": {"signing": "skip", "enforcement": "warn"},
                  "prod": {"signing": "sign", "enforcement": "enforce"}}}
EOF
# Certificate subjects C=US, ST=WA, O=signet test (the defaults but O, to see the flags act).
start_signetd --metering-config "$work/metering.json" --subject-country US --subject-state WA \
  --subject-organization "signet test"
export SIGNET_ENDPOINT=$endpoint

# Three Notation profiles: the default validity, one day (for expiry), one to revoke.
for p in img:135:MONTHS short:1:DAYS doomed:135:MONTHS; do
  IFS=: read -r name value unit <<<"$p"
  aws_ signer put-signing-profile --profile-name "$name" --platform-id Notation-OCI-SHA384-ECDSA \
    --signature-validity-period "value=$value,type=$unit" >"$work/profile-$name.json" ||
    { echo "FAIL: put-signing-profile $name"; exit 1; }
done

# --- The trust store, from `signet trust export` -------------------------------------------------
setup=trust
expect "signetd refuses an unusable certificate subject before creating anything" 1 "country must be two upper-case letters" -- \
  "$signetd" --data-dir "$work/refused" --listen 127.0.0.1:0 --subject-country usa
expect "... no data directory was created" 1 "" -- test -e "$work/refused"
expect "the installation's root has C, ST and O" 0 "C *= *US, ST *= *WA, O *= *signet test, CN *= *signet Root CA" -- \
  openssl x509 -noout -subject -in "$data/root-ca.pem"
expect "trust export to stdout is the installation's root" 0 "" -- \
  cmp <("$signet" trust export) "$data/root-ca.pem"
expect "trust export into a Notation trust store" 0 "wrote .*/x509/signingAuthority/signet/signet-root.pem" -- \
  "$signet" trust export --trust-store "$work/truststore" --name signet -o "$work/root.pem"
expect "the trust store file and -o FILE are the root" 0 "" -- \
  bash -c "cmp '$work/truststore/x509/signingAuthority/signet/signet-root.pem' '$data/root-ca.pem' && cmp '$work/root.pem' '$data/root-ca.pem'"
expect "trust export from the data directory" 0 "" -- \
  cmp <(env -u SIGNET_ENDPOINT "$signet" trust export --data-dir "$data") "$data/root-ca.pem"
expect "trust export with bad credentials is refused" 1 "GET /trust-anchor failed: .*(InvalidSignature|UnrecognizedClient)" -- \
  env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wrong "$signet" trust export
# A trust store that anchors another CA (the registry's test CA) for the untrusted-root case.
make_registry_pki || exit 1
mkdir -p "$work/otherstore/x509/signingAuthority/signet"
cp "$work/pki/ca.crt" "$work/otherstore/x509/signingAuthority/signet/"

# policy FILE LEVEL [IDENTITY] [SCOPE]: a Notation OCI trust policy using signingAuthority:signet.
policy() {
  "$PY" - "$@" <<'EOF'
import json, sys
f, level = sys.argv[1], sys.argv[2]
identity = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else "*"
scope = sys.argv[4] if len(sys.argv) > 4 else "*"
json.dump({"version": "1.0", "trustPolicies": [{
    "name": "signet-images-" + level, "registryScopes": [scope],
    "signatureVerification": {"level": level},
    "trustStores": ["signingAuthority:signet"], "trustedIdentities": [identity]}]},
    open(f, "w"), indent=1)
EOF
}
policy "$work/strict.json" strict
policy "$work/permissive.json" permissive
policy "$work/audit.json" audit
policy "$work/stranger.json" strict "x509.subject: C=US, ST=WA, O=Somebody Else"
policy "$work/stranger-audit.json" audit "x509.subject: C=US, ST=WA, O=Somebody Else"

# Two test images (different digests), built by umoci.
build_test_image "$work/image" v1 "signet image cli test $(date +%s%N)" || exit 1
build_test_image "$work/other" v1 "another image $(date +%s%N)" || exit 1

# --- Plain HTTP: the full matrix ----------------------------------------------------------------
setup=plain
start_registry plain
reg=127.0.0.1:$port
ins=(--insecure-registry "$reg")
push() { skopeo copy -q --dest-tls-verify=false "oci:$work/$1:v1" "docker://$reg/$2:v1"; }
for r in app tamper revjob revprof expired; do push image "signet/$r" || exit 1; done
push other signet/other || exit 1
digest=sha256:$(skopeo inspect --tls-verify=false --raw "docker://$reg/signet/app:v1" | sha256sum | cut -c1-64)
app=$reg/signet/app

expect "a plain-HTTP registry not named insecure is not reached over TLS" 2 "with --insecure-registry HOST:PORT" -- \
  "$signet" sign image "$app:v1" --profile img
expect "sign by tag warns which digest it signs" 0 "warning: signing the digest $digest that tag v1 points to now" -- \
  "$signet" sign image "$app:v1" --profile img "${ins[@]}" --output json
cp "$work/last.out" "$work/sign1.json"
sig1=$(jget "$work/sign1.json" 'd["signatureManifest"]["digest"]')
expect "sign --output json: image digest, signature manifest, job and profile version" 0 "" -- \
  jget "$work/sign1.json" 'exit(0 if d["image"]["digest"] == "'"$digest"'" and d["signatureManifest"]["digest"].startswith("sha256:") and "/signing-jobs/" in d["signingJobArn"] and "/signing-profiles/img/" in d["signingProfileVersionArn"] and d["warnings"] else 1)'
expect "verify by tag (strict, default Notation locations absent: explicit files)" 0 "signature verified" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}" --endpoint "$endpoint"
expect "verify by digest" 0 "signature verified" -- \
  "$signet" verify image "$app@$digest" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}"
mkdir -p "$XDG_CONFIG_HOME/notation"
cp "$work/strict.json" "$XDG_CONFIG_HOME/notation/trustpolicy.oci.json"
cp -r "$work/truststore" "$XDG_CONFIG_HOME/notation/truststore"
expect "verify with Notation's default configuration, --output json" 0 '"result": "verified"' -- \
  "$signet" verify image "$app@$digest" "${ins[@]}" --output json
policy "$work/elsewhere.json" strict "" 127.0.0.1:1/else/where
expect "a policy scoped to another repository applies to nothing" 2 "" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/elsewhere.json" --trust-store "$work/truststore" "${ins[@]}"

expect "sign again: a second signature" 0 "signature manifest" -- \
  "$signet" sign image "$app@$digest" --profile img "${ins[@]}"
sig2=$(sed -n 's/^  signature manifest *//p' "$work/last.out")
expect "list image: both signatures, table" 0 "2 signatures" -- "$signet" list image "$app:v1" "${ins[@]}"
"$signet" list image "$app:v1" "${ins[@]}" --output json >"$work/list.json"
expect "list image --output json: digests, profile version, job, times" 0 "" -- \
  jget "$work/list.json" 'exit(0 if sorted(s["digest"] for s in d["signatures"]) == sorted(["'"$sig1"'", "'"$sig2"'"]) and all("/signing-jobs/" in s["signingJobArn"] and "/signing-profiles/img/" in s["signingProfileVersionArn"] and s["signingTime"] and s["expiry"] and s["created"] for s in d["signatures"]) else 1)'
tag=sha256-${digest#sha256:}
skopeo inspect --tls-verify=false --raw "docker://$app:$tag" >"$work/index.json"
expect "the tag-schema index lists both signatures" 0 "" -- \
  jget "$work/index.json" 'exit(0 if d["mediaType"] == "application/vnd.oci.image.index.v1+json" and sorted(m["digest"] for m in d["manifests"]) == sorted(["'"$sig1"'", "'"$sig2"'"]) and all(m["artifactType"] == "application/vnd.cncf.notary.signature" for m in d["manifests"]) else 1)'
expect "the signature manifest skopeo reads is byte-identical to what signet pushed" 0 "" -- bash -c \
  "[[ sha256:\$(skopeo inspect --tls-verify=false --raw 'docker://$app@$sig1' | sha256sum | cut -c1-64) == '$sig1' ]]"
expect "the signature manifest names the image as subject, artifactType notary" 0 \
  "\"artifactType\":\"application/vnd.cncf.notary.signature\".*\"subject\":\\{\"mediaType\":\"application/vnd.oci.image.manifest.v1\\+json\",\"digest\":\"$digest\"" -- \
  skopeo inspect --tls-verify=false --raw "docker://$app@$sig1"
expect "the index skopeo reads is byte-identical to what the registry stored under its digest" 0 "" -- bash -c \
  "[[ \$(curl -sfI -H 'Accept: application/vnd.oci.image.index.v1+json' 'http://$reg/v2/signet/app/manifests/$tag' | tr -d '\r' | sed -n 's/^docker-content-digest: //Ip') == sha256:\$(sha256sum <'$work/index.json' | cut -c1-64) ]]"
expect "... and to what the oci client reads" 0 "" -- \
  cmp "$work/index.json" <("$tool" --insecure-registry "$reg" fetch-manifest "$app:$tag")

# Failures. Each repository holds only the signature under test.
# A tampered envelope: the genuine signature's envelope with one signature byte changed.
expect "sign the image of signet/tamper" 0 "" -- "$signet" sign image "$reg/signet/tamper:v1" --profile img "${ins[@]}"
good=$(sed -n 's/^  signature manifest *//p' "$work/last.out")
layer=$(skopeo inspect --tls-verify=false --raw "docker://$reg/signet/tamper@$good" | jget /dev/stdin 'd["layers"][0]["digest"]')
curl -sf "http://$reg/v2/signet/tamper/blobs/$layer" >"$work/envelope.json"
"$PY" - "$work/envelope.json" "$work/tampered.json" <<'EOF'
import base64, json, sys
env = json.load(open(sys.argv[1]))
sig = bytearray(base64.urlsafe_b64decode(env["signature"] + "=="))
sig[10] ^= 0x01
env["signature"] = base64.urlsafe_b64encode(bytes(sig)).decode().rstrip("=")
json.dump(env, open(sys.argv[2], "w"), separators=(",", ":"))
EOF
"$tool" --insecure-registry "$reg" delete "$reg/signet/tamper" "$good" >/dev/null
"$tool" --insecure-registry "$reg" push-referrer "$reg/signet/tamper:v1" \
  --artifact-type application/vnd.cncf.notary.signature --layer-file "$work/tampered.json" >/dev/null
for level in strict audit; do
  expect "tampered envelope fails integrity under $level" 1 "integrity +failed" -- \
    "$signet" verify image "$reg/signet/tamper:v1" --trust-policy "$work/$level.json" --trust-store "$work/truststore" "${ins[@]}"
done
# A signature of another image, attached to signet/other.
"$tool" --insecure-registry "$reg" push-referrer "$reg/signet/other:v1" \
  --artifact-type application/vnd.cncf.notary.signature --layer-file "$work/envelope.json" >/dev/null
expect "a signature of another digest fails integrity" 1 '"failedCheck": "integrity"' -- \
  "$signet" verify image "$reg/signet/other:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}" --output json
cp "$work/last.out" "$work/other.json"
expect "... and --output json names the check" 0 "" -- \
  jget "$work/other.json" 'exit(0 if d["verified"] is False and d["signatures"][0]["failedCheck"] == "integrity" else 1)'
# An untrusted root and an untrusted identity: authenticity, enforced by strict, logged by audit.
expect "untrusted root fails authenticity under strict" 1 "authenticity +failed" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/strict.json" --trust-store "$work/otherstore" "${ins[@]}"
expect "untrusted root is logged under audit" 0 "warning: .*authenticity" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/audit.json" --trust-store "$work/otherstore" "${ins[@]}"
expect "untrusted identity fails authenticity under strict" 1 "authenticity +failed" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/stranger.json" --trust-store "$work/truststore" "${ins[@]}"
expect "untrusted identity is logged under audit" 0 "warning: .*authenticity" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/stranger-audit.json" --trust-store "$work/truststore" "${ins[@]}"
# An expired signature: a one-day profile, verified two days later (faketime).
expect "sign with the one-day profile" 0 "" -- "$signet" sign image "$reg/signet/expired:v1" --profile short "${ins[@]}"
later() {
  LD_PRELOAD='/usr/$LIB/faketime/libfaketime.so.1' FAKETIME=+2d FAKETIME_DONT_FAKE_MONOTONIC=1 \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}
expect "expired signature fails expiry under strict" 1 "expiry +failed" -- \
  later "$signet" verify image "$reg/signet/expired:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}"
expect "expired signature is logged under permissive" 0 "warning: .*expir" -- \
  later "$signet" verify image "$reg/signet/expired:v1" --trust-policy "$work/permissive.json" --trust-store "$work/truststore" "${ins[@]}"
expect "the same signature is valid today" 0 "signature verified" -- \
  "$signet" verify image "$reg/signet/expired:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}"
# A revoked job and a revoked profile, through signetd's GetRevocationStatus.
expect "sign signet/revjob" 0 "" -- "$signet" sign image "$reg/signet/revjob:v1" --profile img "${ins[@]}" --output json
job_id=$(jget "$work/last.out" 'd["signingJobArn"].rsplit("/", 1)[1]')
aws_ signer revoke-signature --job-id "$job_id" --reason "test: key compromise" ||
  echo "FAIL: revoke-signature"
expect "revoked job fails revocation under strict" 1 "revocation +failed.*signing job .* is revoked" -- \
  "$signet" verify image "$reg/signet/revjob:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}" --endpoint "$endpoint"
expect "revoked job is logged under permissive" 0 "warning: .*revo" -- \
  "$signet" verify image "$reg/signet/revjob:v1" --trust-policy "$work/permissive.json" --trust-store "$work/truststore" "${ins[@]}" --endpoint "$endpoint"
expect "revocation service down: could not complete, never verified" 1 "could not complete" -- \
  "$signet" verify image "$app:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}" --endpoint http://127.0.0.1:1
expect "without --endpoint revocation is skipped" 0 "revocation +skipped" -- \
  "$signet" verify image "$reg/signet/revjob:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}"
before=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
expect "sign signet/revprof" 0 "" -- "$signet" sign image "$reg/signet/revprof:v1" --profile doomed "${ins[@]}"
aws_ signer revoke-signing-profile --profile-name doomed \
  --profile-version "$(jget "$work/profile-doomed.json" 'd["profileVersion"]')" \
  --effective-time "$before" --reason "test: retired" || echo "FAIL: revoke-signing-profile"
expect "revoked profile fails revocation under strict" 1 "revocation +failed.*signing profile version .* is revoked" -- \
  "$signet" verify image "$reg/signet/revprof:v1" --trust-policy "$work/strict.json" --trust-store "$work/truststore" "${ins[@]}" --endpoint "$endpoint"
expect "revoked profile is logged under audit" 0 "warning: .*revo" -- \
  "$signet" verify image "$reg/signet/revprof:v1" --trust-policy "$work/audit.json" --trust-store "$work/truststore" "${ins[@]}" --endpoint "$endpoint"
expect "a revoked profile signs nothing more" 1 "" -- \
  "$signet" sign image "$reg/signet/revprof:v1" --profile doomed "${ins[@]}"
expect "an unknown profile is refused by signetd (exit 1)" 1 "SignPayload failed: ResourceNotFoundException" -- \
  "$signet" sign image "$app:v1" --profile nosuchprofile "${ins[@]}"
expect "signetd unreachable: exit 2" 2 "is signetd running at http://127.0.0.1:1" -- \
  "$signet" sign image "$app:v1" --profile img "${ins[@]}" --endpoint http://127.0.0.1:1
expect "no trust policy: exit 2" 2 "no trust policy" -- \
  env NOTATION_CONFIG="$work/nowhere" "$signet" verify image "$app:v1" "${ins[@]}"
expect "an unsigned image has no signature" 1 "NOT verified" -- \
  bash -c "skopeo copy -q --dest-tls-verify=false 'oci:$work/other:v1' 'docker://$reg/signet/unsigned:v1' && '$signet' verify image '$reg/signet/unsigned:v1' --trust-policy '$work/strict.json' --trust-store '$work/truststore' --insecure-registry '$reg'"
expect "an environment that skips signing exits 0 and pushes nothing" 0 "signing skipped: environment dev" -- \
  "$signet" sign image "$reg/signet/unsigned:v1" --profile img "${ins[@]}" --env dev
expect "... nothing was pushed" 0 "0 signatures" -- "$signet" list image "$reg/signet/unsigned:v1" "${ins[@]}"
stop_registry

# --- An OCI image layout ----------------------------------------------------------------------
setup=layout
cp -r "$work/image" "$work/layout"
expect "sign in a layout" 0 "signature manifest" -- "$signet" sign image v1 --oci-layout "$work/layout" --profile img
expect "verify in a layout" 0 "signature verified" -- \
  "$signet" verify image v1 --oci-layout "$work/layout" --trust-policy "$work/strict.json" --trust-store "$work/truststore"
expect "list in a layout" 0 "1 signature" -- "$signet" list image v1 --oci-layout "$work/layout"
# Trusted identities naming the signer: the leaf subject (C, ST, O of the installation, OU = the
# account, CN = the profile) and, as the AWS Signer plugin accepts, the profile (version) ARN.
aws_ signer get-signing-profile --profile-name img >"$work/get-img.json" || echo "FAIL: get-signing-profile"
img_arn=$(jget "$work/get-img.json" 'd["arn"]')
account=$(cut -d: -f5 <<<"$img_arn")
"$signet" sign image v1 --oci-layout "$work/layout" --profile img --output json >"$work/layout-sign.json"
img_version_arn=$(jget "$work/layout-sign.json" 'd["signingProfileVersionArn"]')
short_arn=$(jget "$work/profile-short.json" 'd["arn"]')
verify_as() { # NAME RC PATTERN IDENTITY
  policy "$work/identity.json" strict "$4"
  expect "$1" "$2" "$3" -- \
    "$signet" verify image v1 --oci-layout "$work/layout" --trust-policy "$work/identity.json" --trust-store "$work/truststore"
}
verify_as "x509.subject of the signing profile verifies" 0 "signature verified" \
  "x509.subject: C=US, ST=WA, O=signet test, OU=$account, CN=img"
verify_as "x509.subject of another profile fails authenticity" 1 "authenticity +failed" \
  "x509.subject: C=US, ST=WA, O=signet test, OU=$account, CN=short"
verify_as "the signing profile's ARN verifies" 0 "signature verified" "$img_arn"
verify_as "the signing profile version's ARN verifies" 0 "signature verified" "$img_version_arn"
verify_as "another profile's ARN fails authenticity" 1 "authenticity +failed" "$short_arn"
expect "skopeo still reads the layout's image" 0 "" -- skopeo inspect --raw "oci:$work/layout:v1"

# --- TLS with a test CA: round trip -------------------------------------------------------------
setup=tls
start_registry tls tls
reg=127.0.0.1:$port
skopeo copy -q --dest-cert-dir "$work/certs" "oci:$work/image:v1" "docker://$reg/signet/app:v1" || exit 1
expect "without the test CA the registry is not trusted" 2 "--registry-ca FILE" -- \
  "$signet" sign image "$reg/signet/app:v1" --profile img
expect "sign over TLS" 0 "signature manifest" -- \
  "$signet" sign image "$reg/signet/app:v1" --profile img --registry-ca "$work/pki/ca.crt"
expect "verify over TLS" 0 "signature verified" -- \
  "$signet" verify image "$reg/signet/app:v1" --registry-ca "$work/pki/ca.crt" --endpoint "$endpoint"
stop_registry

# --- TLS + htpasswd basic auth: round trip ------------------------------------------------------
setup=tls-auth
start_registry tls-auth tls auth
reg=127.0.0.1:$port
skopeo copy -q --dest-cert-dir "$work/certs" --dest-creds "signet:s3cret pass" \
  "oci:$work/image:v1" "docker://$reg/signet/app:v1" || exit 1
expect "no credentials: a login is required" 2 "requires a login" -- \
  "$signet" sign image "$reg/signet/app:v1" --profile img --registry-ca "$work/pki/ca.crt"
expect "sign with --username and --password-stdin" 0 "signature manifest" -- \
  bash -c "printf 's3cret pass\n' | '$signet' sign image '$reg/signet/app:v1' --profile img --registry-ca '$work/pki/ca.crt' --username signet --password-stdin"
mkdir -p "$work/docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$reg" "$(printf 'signet:s3cret pass' | base64 -w0)" >"$work/docker/config.json"
expect "verify with the Docker config's credentials" 0 "signature verified" -- \
  env DOCKER_CONFIG="$work/docker" "$signet" verify image "$reg/signet/app:v1" --registry-ca "$work/pki/ca.crt"
stop_registry

echo "image_cli: $passed passed, $failed failed"
((failed == 0))
