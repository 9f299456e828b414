#!/usr/bin/env bash
# `signet verify zip` end to end: real ZIPs made by `zip`, signed through the library with keys in
# a FileKeyStore, checked by `unzip -t`, and verified by the signet binary.
# Usage: verify_zip_cli_test.sh SIGNET SIGNET_TESTKIT
set -uo pipefail
signet=$1
testkit=$2
source "$(dirname "$(realpath "$0")")/signetd_test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$testkit" pki pki >/dev/null || { echo "cannot make the test PKI"; exit 1; }
"$testkit" pki other --cn "someone else" >/dev/null || exit 1

mkdir src && for i in 1 2 3; do head -c $((i * 5000)) /dev/urandom >src/file$i.bin; done
echo 'exports.handler = async () => "hello";' >src/index.js
(cd src && zip -q -r ../function.zip .)
"$testkit" sign-zip pki function.zip signed.zip >/dev/null || exit 1

expect "signed zip still tests clean with unzip" 0 "No errors" -- unzip -t signed.zip
expect "signed zip extracts" 0 "" -- unzip -q -o signed.zip -d extracted
expect "extracted content is unchanged" 0 "" -- diff -r src extracted
expect "valid signature verifies" 0 "signature verified" -- \
  "$signet" verify zip signed.zip --trust-anchor pki/root-ca.pem
expect "report names the profile version" 0 "profile version +arn:aws:signer:us-east-1:000000000000:/signing-profiles/test_profile/Ab3dE6gH9j" -- \
  "$signet" verify zip signed.zip --trust-anchor pki/root-ca.pem
"$signet" verify zip signed.zip --trust-anchor pki/root-ca.pem --output json >report.json
expect "json report parses and says valid" 0 "^True verified integrity passed$" -- python3 -c '
import json; r = json.load(open("report.json"))
print(r["valid"], r["result"], r["checks"][0]["check"], r["checks"][0]["status"])'
expect "allowed profile version accepted" 0 "signature verified" -- \
  "$signet" verify zip signed.zip --trust-anchor pki/root-ca.pem \
  --allowed-profile-version arn:aws:signer:us-east-1:000000000000:/signing-profiles/test_profile/Ab3dE6gH9j
expect "other profile version refused" 1 "not among the allowed profile versions" -- \
  "$signet" verify zip signed.zip --trust-anchor pki/root-ca.pem \
  --allowed-profile-version arn:aws:signer:us-east-1:000000000000:/signing-profiles/other/Zz3dE6gH9j

# Integrity: flip one byte inside the entries (the first local file's data).
cp signed.zip tampered.zip
printf '\x00' | dd of=tampered.zip bs=1 seek=100 conv=notrunc status=none
cmp -s signed.zip tampered.zip && printf '\x01' | dd of=tampered.zip bs=1 seek=100 conv=notrunc status=none
expect "flipped byte fails integrity" 1 "integrity +failed" -- \
  "$signet" verify zip tampered.zip --trust-anchor pki/root-ca.pem

expect "untrusted root fails authenticity" 1 "authenticity +failed" -- \
  "$signet" verify zip signed.zip --trust-anchor other/root-ca.pem

"$testkit" sign-zip pki function.zip expired.zip \
  --signing-time "$(date -u -d '-12 hours' +%Y-%m-%dT%H:%M:%SZ)" \
  --expiry "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
expect "expired signature fails expiry" 1 "expiry +failed +digital signature has expired" -- \
  "$signet" verify zip expired.zip --trust-anchor pki/root-ca.pem

expect "unsigned package" 1 "package is not signed" -- \
  "$signet" verify zip function.zip --trust-anchor pki/root-ca.pem
cp function.zip commented.zip && echo "a comment of someone else" | zip -q -z commented.zip
expect "foreign comment" 1 "archive comment is not a signet signature" -- \
  "$signet" verify zip commented.zip --trust-anchor pki/root-ca.pem
expect "signing a commented package is refused" 2 "comment that is not a signet signature" -- \
  "$testkit" sign-zip pki commented.zip never.zip
expect "signing a signed package is refused" 2 "already signed" -- \
  "$testkit" sign-zip pki signed.zip never.zip
head -c 4096 /dev/urandom >garbage.zip
expect "garbage is not a zip" 1 "integrity +failed +not a ZIP archive" -- \
  "$signet" verify zip garbage.zip --trust-anchor pki/root-ca.pem
head -c 300 signed.zip >truncated.zip
expect "truncated zip" 1 "integrity +failed" -- \
  "$signet" verify zip truncated.zip --trust-anchor pki/root-ca.pem
expect "missing file is a usage error" 2 "no-such.zip" -- \
  "$signet" verify zip no-such.zip --trust-anchor pki/root-ca.pem
expect "missing trust anchor is a usage error" 2 "" -- "$signet" verify zip signed.zip
expect "unreadable trust anchor" 2 "cannot read" -- \
  "$signet" verify zip signed.zip --trust-anchor nope.pem
expect "a device as trust anchor is refused, not read forever" 2 "not a regular file" -- \
  timeout 10 "$signet" verify zip signed.zip --trust-anchor /dev/zero
expect "bad output format" 2 "" -- \
  "$signet" verify zip signed.zip --trust-anchor pki/root-ca.pem --output yaml

# Key custody: the profile key never appears unencrypted on disk.
expect "key files are 0600" 0 "^600$" -- bash -c "stat -c %a pki/keys/keys/*.key | sort -u"
expect "master key is 0600" 0 "^600$" -- stat -c %a pki/keys/master.key

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
