# Shared by admission_registry_test.sh and bench/admission_bench.sh: Debian's docker-registry on
# loopback (plain HTTP) holding one test image under several repositories, and a signetd over
# TLS whose admission policy covers that registry (rule "warned": signet/warn/* in Warn mode;
# rule "enforced": the rest in Enforce mode; a strict trust policy anchored at the installation's
# root), with a Notation signing profile "img".
# Source it after setting $signetd and $signet (absolute paths) and $here (this directory); then
#   admission_setup REPO...   pushes the image as signet/REPO:v1 for each REPO and starts signetd;
#                             sets $work, $data, $reg, $ins, $digest, $endpoint, $deadline_ms
#   sign REPO                 signs signet/REPO:v1 (JSON in $work/sign-REPO.json); prints the job id
#   init_trust_policy         initialises the installation; its root in $work/policy's trust store
# and everything signetd_test_lib.sh defines (check, die, start_signetd, aws_, ...).
# The EXIT trap it installs stops the registry and signetd and removes $work.

source "$here/signetd_test_lib.sh"
source "$here/registry_test_lib.sh"
find_aws_v2
for t in docker-registry skopeo umoci openssl curl python3 "$AWS"; do
  command -v "$t" >/dev/null || { echo "FAIL: missing ${t:-awscli}: run scripts/install-deps.sh --test"; exit 1; }
done
work=$(mktemp -d)
data=$work/data
deadline_ms=3000
admission_cleanup() {
  stop_registry
  stop_signetd
  rm -rf "$work"
}
trap admission_cleanup EXIT
trap 'exit 130' INT TERM HUP
isolate_env

# A first start of signetd makes the installation and its root CA, which becomes the only anchor
# of $work/policy/truststore (store "signet") under the strict trust policy trustpolicy.oci.json.
init_trust_policy() {
  start_signetd
  stop_signetd
  mkdir -p "$work/policy/truststore/x509/signingAuthority/signet"
  cp "$data/root-ca.pem" "$work/policy/truststore/x509/signingAuthority/signet/"
  cat >"$work/policy/trustpolicy.oci.json" <<'JSON'
{"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
 "signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:signet"],
 "trustedIdentities":["*"]}]}
JSON
}

admission_setup() {
  # The test PKI's server certificate (SAN IP:127.0.0.1) serves signetd's HTTPS too; the signet
  # CLI (OpenSSL's default verify paths) and the AWS CLI trust its CA.
  make_registry_pki || die "test PKI"
  export SSL_CERT_FILE=$work/pki/ca.crt AWS_CA_BUNDLE=$work/pki/ca.crt
  start_registry plain
  reg=127.0.0.1:$port
  ins=(--insecure-registry "$reg")
  build_test_image "$work/image" v1 "signet admission test $(date +%s%N)" || die "build image"
  local r
  for r in "$@"; do
    skopeo copy -q --dest-tls-verify=false "oci:$work/image:v1" "docker://$reg/signet/$r:v1" ||
      die "push signet/$r"
  done
  digest=sha256:$(skopeo inspect --tls-verify=false --raw "docker://$reg/signet/$1:v1" | sha256sum | cut -c1-64)

  init_trust_policy
  cat >"$work/policy/policy.json" <<JSON
{"rules":[{"name":"warned","images":["$reg/signet/warn/*"],"trustPolicy":"trustpolicy.oci.json",
           "trustStore":"truststore","mode":"Warn"},
          {"name":"enforced","images":["$reg/**"],"trustPolicy":"trustpolicy.oci.json",
           "trustStore":"truststore","mode":"Enforce"}],
 "deadlineMillis":$deadline_ms,
 "registries":{"insecure":["$reg"]}}
JSON
  start_signetd --tls-cert "$work/pki/server.crt" --tls-key "$work/pki/server.key" \
    --admission-policy "$work/policy/policy.json"
  export SIGNET_ENDPOINT=$endpoint
  aws_ signer put-signing-profile --profile-name img --platform-id Notation-OCI-SHA384-ECDSA \
    >/dev/null || die "put-signing-profile"
}

sign() {  # sign REPO: prints the signing job id
  local out=$work/sign-${1//\//-}.json
  "$signet" sign image "$reg/signet/$1:v1" --profile img "${ins[@]}" --output json >"$out" \
    2>"$out.err" || { cat "$out.err" >&2; return 1; }
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signingJobArn"].rsplit("/",1)[1])' "$out"
}
