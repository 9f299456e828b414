# Shared by admission_registry_test.sh and bench/admission_bench.sh: Debian's docker-registry on
# loopback (plain HTTP) holding one test image under several repositories, and a signetd over
# TLS whose admission policy covers that registry (rule "warned": signet/warn/* in Warn mode;
# rule "enforced": the rest in Enforce mode; a strict trust policy anchored at the installation's
# root), with a Notation signing profile "img".
# Source it after setting $signetd and $signet (absolute paths) and $here (this directory); then
#   admission_setup REPO...   pushes the image as signet/REPO:v1 for each REPO and starts signetd;
#                             sets $work, $data, $reg, $ins, $digest, $endpoint, $deadline_ms
#   sign REPO                 signs signet/REPO:v1 (JSON in $work/sign-REPO.json); prints the job id
#   aws_ ARGS...              the AWS CLI v2 against signetd
#   die MESSAGE               prints FAIL and signetd's log tail, exits 1
# The EXIT trap it installs stops the registry and signetd and removes $work.

AWS=$(dpkg -L awscli 2>/dev/null | grep -E '/bin/aws$' | head -n 1)
for t in docker-registry skopeo umoci openssl curl python3 "$AWS"; do
  command -v "$t" >/dev/null || { echo "FAIL: missing ${t:-awscli}: run scripts/install-deps.sh --test"; exit 1; }
done
work=$(mktemp -d)
data=$work/data
deadline_ms=3000
source "$here/registry_test_lib.sh"
daemon_pid=""
admission_cleanup() {
  stop_registry
  [[ -n $daemon_pid ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap admission_cleanup EXIT
trap 'exit 130' INT TERM HUP

for v in $(compgen -e); do
  [[ $v == AWS_* || $v == SIGNET_* || $v == NOTATION_* || $v == DOCKER_* || $v == SSL_* ]] && unset "$v"
done
mkdir -p "$work/home"
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
export AWS_SHARED_CREDENTIALS_FILE=$data/credentials AWS_CONFIG_FILE=$data/config
export AWS_MAX_ATTEMPTS=1 AWS_PAGER="" AWS_DEFAULT_OUTPUT=json AWS_EC2_METADATA_DISABLED=true
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

die() {
  echo "FAIL: $*"
  [[ -f $work/signetd.log ]] && tail -n 20 "$work/signetd.log"
  exit 1
}

start_signetd() {  # start_signetd ARGS...: sets $endpoint, $daemon_pid
  : >"$work/signetd.out"
  "$signetd" --data-dir "$data" --listen 127.0.0.1:0 --log-level warn "$@" \
    >"$work/signetd.out" 2>"$work/signetd.log" &
  daemon_pid=$!
  endpoint=""
  for ((i = 0; i < 150; i++)); do
    endpoint=$(sed -n 's|^signetd listening on \(https\?://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/signetd.out")
    [[ -n $endpoint ]] && return 0
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/signetd.out"
  die "signetd did not start"
}

aws_() { "$AWS" --endpoint-url "$endpoint" --cli-connect-timeout 10 --cli-read-timeout 60 "$@"; }

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

  # A first start makes the installation and its root CA: the policy's trust store.
  start_signetd
  kill -TERM "$daemon_pid" && wait "$daemon_pid" 2>/dev/null
  daemon_pid=""
  mkdir -p "$work/policy/truststore/x509/signingAuthority/signet"
  cp "$data/root-ca.pem" "$work/policy/truststore/x509/signingAuthority/signet/"
  cat >"$work/policy/trustpolicy.oci.json" <<'JSON'
{"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
 "signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:signet"],
 "trustedIdentities":["*"]}]}
JSON
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
