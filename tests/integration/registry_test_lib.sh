# Shared by the integration tests that need a real OCI registry: Debian's docker-registry
# (distribution 2.8, no Referrers API) on a free loopback port, a test PKI made by openssl, and a
# test image built by umoci. Source it after setting $work (a scratch directory); it defines
#   free_port                          prints a free loopback TCP port
#   make_registry_pki                  $work/pki/{ca,server}.{crt,key}, htpasswd (user "signet",
#                                      password "s3cret pass", bcrypt), $work/certs/ca.crt for
#                                      skopeo --cert-dir
#   start_registry NAME [tls] [auth] [token] [nodelete]
#                                      a fresh registry in $work/NAME; sets $port, $registry_pid
#                                      (token: needs $token_port and $work/pki/token.crt)
#   stop_registry
#   build_test_image DIR TAG [TEXT]    an OCI layout DIR with image TAG: umoci's empty image plus
#                                      one layer holding TEXT
# The caller's EXIT trap should call stop_registry.

registry_pid=""

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

make_registry_pki() {
  mkdir -p "$work/pki" "$work/certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=signet test CA" \
    -keyout "$work/pki/ca.key" -out "$work/pki/ca.crt" 2>/dev/null || return 1
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$work/pki/server.key" -out "$work/pki/server.csr" 2>/dev/null || return 1
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$work/pki/ext"
  openssl x509 -req -in "$work/pki/server.csr" -CA "$work/pki/ca.crt" -CAkey "$work/pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$work/pki/ext" -out "$work/pki/server.crt" 2>/dev/null || return 1
  htpasswd -Bbc "$work/pki/htpasswd" signet 's3cret pass' 2>/dev/null || return 1
  cp "$work/pki/ca.crt" "$work/certs/ca.crt"  # skopeo's --cert-dir reads *.crt as CAs
}

start_registry() {
  local name=$1 tls=0 auth=0 token=0 delete=true o
  shift
  for o in "$@"; do
    case $o in tls) tls=1 ;; auth) auth=1 ;; token) token=1 ;; nodelete) delete=false ;; esac
  done
  port=$(free_port)
  mkdir -p "$work/$name"
  {
    echo "version: 0.1"
    echo "log: {level: error, accesslog: {disabled: true}}"
    echo "storage: {filesystem: {rootdirectory: $work/$name/data}, delete: {enabled: $delete}}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    if ((tls)); then
      echo "  tls: {certificate: $work/pki/server.crt, key: $work/pki/server.key}"
    fi
    if ((auth)); then
      echo "auth: {htpasswd: {realm: signet-test, path: $work/pki/htpasswd}}"
    fi
    if ((token)); then
      echo "auth: {token: {realm: 'https://127.0.0.1:$token_port/token', service: signet-registry,"
      echo "  issuer: signet-token-issuer, rootcertbundle: $work/pki/token.crt}}"
    fi
  } >"$work/$name/config.yml"
  docker-registry serve "$work/$name/config.yml" >"$work/$name/registry.log" 2>&1 &
  registry_pid=$!
  local scheme=http
  ((tls)) && scheme=https
  for _ in $(seq 100); do
    curl -s -o /dev/null --cacert "$work/pki/ca.crt" "$scheme://127.0.0.1:$port/v2/" && return 0
    sleep 0.05
  done
  echo "registry $name did not start:"
  cat "$work/$name/registry.log"
  exit 1
}

stop_registry() {
  if [[ -n "$registry_pid" ]]; then
    kill "$registry_pid" 2>/dev/null
    wait "$registry_pid" 2>/dev/null
    registry_pid=""
  fi
}

build_test_image() {
  local dir=$1 tag=$2 text=${3:-"signet test image $(date +%s%N)"}
  umoci init --layout "$dir" >/dev/null && umoci new --image "$dir:$tag" >/dev/null || return 1
  umoci unpack --rootless --image "$dir:$tag" "$dir.bundle" >/dev/null 2>&1 || return 1
  echo "$text" >"$dir.bundle/rootfs/hello.txt"
  umoci repack --image "$dir:$tag" "$dir.bundle" >/dev/null || return 1
  rm -rf "$dir.bundle"
}
