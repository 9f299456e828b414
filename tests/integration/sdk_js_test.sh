#!/usr/bin/env bash
# signetd driven by the AWS SDK for JavaScript v3 (tests/integration/sdk_js/signer_sdk_test.mjs).
# Installs the pinned packages (sdk_js/package-lock.json) with `npm ci` into CACHE_DIR once (again
# only when package.json or the lock change), starts signetd on a free loopback port with a fresh
# data directory holding a second account's access key, and runs the test with node.
# Usage: sdk_js_test.sh SIGNETD SIGNET [CACHE_DIR]   (CACHE_DIR: default next to SIGNETD)
set -uo pipefail
if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 SIGNETD SIGNET [CACHE_DIR]" >&2
  exit 2
fi
signetd=$1
signet=$2
cache=${3:-$(dirname "$signetd")/sdk_js}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sources=$here/sdk_js

for tool in node npm zip unzip; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "FAIL: $tool is not installed (node and npm: Debian packages nodejs and npm, or Node >= 18)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# --- The pinned SDK ---------------------------------------------------------------------------------
mkdir -p "$cache"
stamp=$(cat "$sources/package.json" "$sources/package-lock.json" | sha256sum | cut -d' ' -f1)
if [[ ! -d $cache/node_modules/@aws-sdk/client-signer || $(cat "$cache/.installed" 2>/dev/null) != "$stamp" ]]; then
  rm -f "$cache/.installed"
  cp "$sources/package.json" "$sources/package-lock.json" "$cache/"
  echo "npm ci into $cache"
  if ! (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "FAIL: npm ci of the pinned AWS SDK packages failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "$stamp" >"$cache/.installed"
fi
# ES modules resolve packages from the importing file's directory: run the test from the cache.
cp "$sources/signer_sdk_test.mjs" "$cache/"

# --- signetd ------------------------------------------------------------------------------------------
work=$(mktemp -d)
data=$work/data
daemon_pid=""
cleanup() {
  local status=$?
  # On failure, show what signetd said before its directory goes (a crash leaves its reason there).
  if [[ $status -ne 0 && -s $work/signetd.log ]]; then
    echo "--- signetd log ---"
    tail -n 50 "$work/signetd.log"
  fi
  if [[ -n $daemon_pid ]]; then
    kill -TERM "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_signetd() {
  : >"$work/signetd.out"  # now, not when the background job gets to its redirection
  "$signetd" --data-dir "$data" --listen 127.0.0.1:0 --log-level warn \
    >"$work/signetd.out" 2>>"$work/signetd.log" &
  daemon_pid=$!
  endpoint=""
  local i
  for ((i = 0; i < 150; i++)); do
    endpoint=$(sed -n 's|^signetd listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$work/signetd.out")
    [[ -n $endpoint ]] && return 0
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: signetd did not start:"
  cat "$work/signetd.out" "$work/signetd.log"
  return 1
}
stop_signetd() {
  kill -TERM "$daemon_pid"
  wait "$daemon_pid"
  local rc=$?
  daemon_pid=""
  return $rc
}

# First start initialises DATA; a second access key (account 111111111111) is read on the next.
start_signetd || exit 1
stop_signetd || { echo "FAIL: signetd did not stop cleanly"; exit 1; }
other_key=AKIAOTHERACCOUNT2345
other_secret=$(head -c 30 /dev/urandom | base64 | tr -d '/+=' | head -c 40)
node -e '
const fs = require("fs");
const [file, id, secret] = process.argv.slice(1);
const doc = JSON.parse(fs.readFileSync(file, "utf8"));
doc.accessKeys.push({ accessKeyId: id, secretAccessKey: secret, account: "111111111111",
                      principal: "arn:aws:iam::111111111111:user/ci" });
fs.writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
' "$data/access-keys.json" "$other_key" "$other_secret" || exit 1
start_signetd || exit 1

mkdir -p "$work/src" "$work/home"
echo 'exports.handler = async () => "hello from the JS SDK test";' >"$work/src/index.js"
head -c 100000 /dev/urandom >"$work/src/blob.bin"
(cd "$work/src" && zip -q -r ../pkg.zip .)

for v in $(compgen -e); do
  [[ $v == AWS_* ]] && unset "$v"
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
HOME=$work/home \
  AWS_SHARED_CREDENTIALS_FILE=$data/credentials AWS_CONFIG_FILE=$data/config \
  NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
  SIGNET_ENDPOINT=$endpoint SIGNET_DATA=$data SIGNET_BIN=$signet SIGNET_WORK=$work \
  SIGNET_OTHER_KEY=$other_key SIGNET_OTHER_SECRET=$other_secret \
  timeout 240 node "$cache/signer_sdk_test.mjs"
rc=$?
if ! stop_signetd; then
  echo "FAIL: signetd did not exit 0 on SIGTERM"
  cat "$work/signetd.log"
  rc=1
fi
exit $rc
