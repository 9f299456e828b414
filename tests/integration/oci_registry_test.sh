#!/usr/bin/env bash
# The oci module against Debian's docker-registry (distribution 2.8: no Referrers API, so the
# referrers tag schema is used) on a free loopback port, in five set-ups: plain HTTP; TLS with a
# test CA made by openssl; TLS + htpasswd (bcrypt) basic auth; TLS + bearer tokens from a token
# service (oci_token_server.py, whose JWTs the registry verifies); plain HTTP with deletes
# disabled (the superseded referrers index cannot be deleted: a warning, not a failure). A test image is
# built by umoci and pushed by skopeo; what the client pushes is read back by skopeo.
# Usage: oci_registry_test.sh OCI_REGISTRY_TOOL
set -uo pipefail
tool=$(realpath "$1")
token_server=$(realpath "$(dirname "$0")/oci_token_server.py")
for t in docker-registry skopeo umoci htpasswd openssl python3 curl; do
  command -v "$t" >/dev/null || { echo "missing $t: run scripts/install-deps.sh --test"; exit 1; }
done
work=$(mktemp -d)
source "$(dirname "$0")/signetd_test_lib.sh"
source "$(dirname "$0")/registry_test_lib.sh"
token_pid=""
stop_token_server() {
  if [[ -n "$token_pid" ]]; then
    kill "$token_pid" 2>/dev/null
    wait "$token_pid" 2>/dev/null
    token_pid=""
  fi
}
trap 'stop_registry; stop_token_server; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP  # so that ctest's timeout also runs the EXIT trap
cd "$work"
sigtype=application/vnd.cncf.notary.signature

# A test CA and a server certificate for 127.0.0.1; an htpasswd file with a bcrypt entry.
make_registry_pki || exit 1

# The test image: umoci's empty image plus one layer.
build_test_image image v1 "signet oci test $(date +%s%N)" || exit 1
echo '{"signature":"one"}' >sig1.json
echo '{"signature":"two"}' >sig2.json

# run_setup NAME FLAGS... : the client's round trip against the running registry on $port.
run_setup() {
  local -a flags=("$@") sk=(--tls-verify=false)
  local repo=127.0.0.1:$port/signet/app
  if [[ "$setup" == tls* ]]; then sk=(--cert-dir "$work/certs"); fi
  if [[ "$setup" == tls-auth || "$setup" == tls-token ]]; then sk+=(--creds "signet:s3cret pass"); fi
  local -a dsk=("${sk[@]/--tls-verify/--dest-tls-verify}")
  dsk=("${dsk[@]/--cert-dir/--dest-cert-dir}")
  dsk=("${dsk[@]/--creds/--dest-creds}")
  expect "skopeo pushes the test image" 0 "" -- skopeo copy -q "${dsk[@]}" oci:image:v1 "docker://$repo:v1"
  local digest raw="$work/$setup/image-manifest.json"
  skopeo inspect "${sk[@]}" --raw "docker://$repo:v1" >"$raw"
  digest=sha256:$(sha256sum "$raw" | cut -c1-64)
  expect "resolve: tag to the digest of the bytes skopeo reads" 0 "^$digest application/vnd.oci.image.manifest.v1\+json $(stat -c %s "$raw")\$" -- \
    "$tool" "${flags[@]}" resolve "$repo:v1"
  expect "resolve by digest" 0 "^$digest " -- "$tool" "${flags[@]}" resolve "$repo@$digest"
  expect "fetched manifest is byte-identical to skopeo's" 0 "" -- \
    cmp <("$tool" "${flags[@]}" fetch-manifest "$repo:v1") "$raw"
  expect "unknown tag is NOT_FOUND" 2 "NOT_FOUND: manifest signet/app:nope not found" -- \
    "$tool" "${flags[@]}" resolve "$repo:nope"
  expect "no referrers yet" 0 "^$" -- "$tool" "${flags[@]}" referrers "$repo:v1"

  local out1 out2 sig1 sig2
  out1=$("$tool" "${flags[@]}" push-referrer "$repo:v1" --artifact-type $sigtype --layer-file sig1.json \
         --annotation org.opencontainers.image.created=2026-01-01T00:00:00Z 2>&1)
  out2=$("$tool" "${flags[@]}" push-referrer "$repo:v1" --artifact-type $sigtype --layer-file sig2.json 2>&1)
  sig1=$(head -1 <<<"$out1")
  sig2=$(head -1 <<<"$out2")
  expect "first signature pushed without warnings" 0 "^sha256:[0-9a-f]{64}$" -- \
    bash -c 'printf "%s" "$1" | tr "\n" " "' _ "$out1"
  if [[ "$setup" == nodelete ]]; then
    expect "second push warns that the superseded index stays" 0 \
      "warning: could not delete the superseded referrers index sha256:[0-9a-f]{64} of $digest .*UNSUPPORTED" -- echo "$out2"
  else
    expect "second signature pushed without warnings" 0 "^sha256:[0-9a-f]{64}$" -- \
      bash -c 'printf "%s" "$1" | tr "\n" " "' _ "$out2"
  fi
  expect "skopeo reads the signature manifest with its subject" 0 "\"subject\":\{\"digest\":\"$digest\"" -- \
    skopeo inspect "${sk[@]}" --raw "docker://$repo@$sig1"
  expect "both signatures listed (tag-schema fallback)" 0 "^$sig1 $sig2\$" -- \
    bash -c "'$tool' $(printf '%q ' "${flags[@]}") referrers '$repo:v1' --artifact-type $sigtype | tr '\n' ' ' | sed 's/ \$//'"
  expect "no referrers of another artifact type" 0 "^$" -- \
    "$tool" "${flags[@]}" referrers "$repo:v1" --artifact-type application/example
  local tag=sha256-${digest#sha256:}
  expect "skopeo reads the referrers index byte-identical" 0 "" -- \
    cmp <("$tool" "${flags[@]}" fetch-manifest "$repo:$tag") <(skopeo inspect "${sk[@]}" --raw "docker://$repo:$tag")
  expect "the referrers index lists both with their artifactType" 0 \
    "\"artifactType\":\"$sigtype\",\"digest\":\"$sig1\".*\"artifactType\":\"$sigtype\",\"digest\":\"$sig2\"" -- \
    skopeo inspect "${sk[@]}" --raw "docker://$repo:$tag"
  expect "pushing a signature again changes nothing" 0 "^$sig2$" -- \
    "$tool" "${flags[@]}" push-referrer "$repo:v1" --artifact-type $sigtype --layer-file sig2.json
  if [[ "$setup" == nodelete ]]; then
    expect "delete refused by the registry" 2 "FAILED_PRECONDITION: registry 127.0.0.1:$port does not allow this.*UNSUPPORTED" -- \
      "$tool" "${flags[@]}" delete "$repo" "$sig1"
    return
  fi
  expect "delete one signature" 0 "^$" -- "$tool" "${flags[@]}" delete "$repo" "$sig1"
  expect "the other signature remains" 0 "^$sig2$" -- "$tool" "${flags[@]}" referrers "$repo:v1"
  expect "the deleted manifest is gone" 2 "NOT_FOUND" -- "$tool" "${flags[@]}" resolve "$repo@$sig1"
  expect "the image is untouched" 0 "^$digest " -- "$tool" "${flags[@]}" resolve "$repo:v1"
}

setup=plain
start_registry plain
expect "plain HTTP registry not named insecure: TLS refused" 2 "UNAVAILABLE: cannot reach https://127.0.0.1:$port.*name it an insecure registry" -- \
  "$tool" resolve "127.0.0.1:$port/signet/app:v1"
run_setup --insecure-registry "127.0.0.1:$port"
stop_registry

setup=tls
start_registry tls tls
expect "TLS without the test CA: not trusted" 2 "UNAVAILABLE: .*TLS certificate is not trusted" -- \
  "$tool" resolve "127.0.0.1:$port/signet/app:v1"
run_setup --ca-file "$work/pki/ca.crt"
stop_registry

setup=tls-auth
start_registry tls-auth tls auth
mkdir -p docker && printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$port" \
  "$(printf 'signet:s3cret pass' | base64 -w0)" >docker/config.json
printf '{"auths":{}}' >empty-config.json
expect "no credentials: a login is required" 2 "PERMISSION_DENIED: registry 127.0.0.1:$port requires a login" -- \
  "$tool" --ca-file pki/ca.crt --docker-config empty-config.json resolve "127.0.0.1:$port/signet/app:v1"
expect "wrong password refused" 2 "PERMISSION_DENIED: registry 127.0.0.1:$port refused access .*401.*UNAUTHORIZED" -- \
  "$tool" --ca-file pki/ca.crt --username signet --password wrong fetch-manifest "127.0.0.1:$port/signet/app:v1"
run_setup --ca-file "$work/pki/ca.crt" --docker-config "$work/docker/config.json"
stop_registry

setup=tls-token
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=signet token issuer" \
  -keyout pki/token.key -out pki/token.crt 2>/dev/null || exit 1
python3 "$token_server" token-port pki/token.crt pki/token.key pki/server.crt pki/server.key \
  signet 's3cret pass' signet-token-issuer signet-registry token.log &
token_pid=$!
for _ in $(seq 100); do [[ -s token-port ]] && break; sleep 0.05; done
token_port=$(cat token-port) || { echo "the token service did not start"; exit 1; }
start_registry tls-token tls token
expect "token service refuses a wrong password" 2 \
  "PERMISSION_DENIED: the token service https://127.0.0.1:$token_port of registry 127.0.0.1:$port refused a token for 'repository:signet/app:pull'.*UNAUTHORIZED: wrong user or password" -- \
  "$tool" --ca-file pki/ca.crt --username signet --password wrong resolve "127.0.0.1:$port/signet/app:v1"
run_setup --ca-file "$work/pki/ca.crt" --username signet --password 's3cret pass'
expect "tokens were issued for pull, push and delete" 0 "" -- \
  grep -q "scope=repository:signet/app:delete authorized=True" token.log
expect "tokens for push" 0 "" -- grep -q "scope=repository:signet/app:pull,push authorized=True" token.log
stop_registry
stop_token_server

setup=nodelete
start_registry nodelete nodelete
run_setup --insecure-registry "127.0.0.1:$port"
stop_registry

# The same operations on an OCI image layout (umoci's), which skopeo still reads afterwards.
setup=layout
expect "layout: resolve the tag" 0 "^sha256:[0-9a-f]{64} application/vnd.oci.image.manifest.v1\+json" -- \
  "$tool" --oci-layout image resolve v1
layout_sig=$("$tool" --oci-layout image push-referrer v1 --artifact-type $sigtype --layer-file sig1.json)
expect "layout: the signature is a referrer" 0 "^$layout_sig$" -- \
  "$tool" --oci-layout image referrers v1 --artifact-type $sigtype
expect "layout: skopeo still reads the image" 0 "" -- skopeo inspect --raw oci:image:v1
expect "layout: umoci still lists the tag" 0 "^v1$" -- umoci ls --layout image
expect "layout: delete the signature" 0 "^$" -- "$tool" --oci-layout image delete v1 "$layout_sig"
expect "layout: no referrers left" 0 "^$" -- "$tool" --oci-layout image referrers v1

echo "oci_registry: $passed passed, $failed failed"
((failed == 0))
