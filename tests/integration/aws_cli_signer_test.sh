#!/usr/bin/env bash
# signetd's AWS Signer API (and its embedded S3 subset) driven by the real AWS CLI, v1 or v2:
# every Signer operation, the seed pipeline with stock commands (s3api put-object ->
# signer start-signing-job -> signer wait successful-signing-job -> s3api get-object -> the signed
# ZIP verifies), every error a user can trigger (checked by the name the CLI prints and its exit
# code), a second account, and a restart on the same data directory.
#
# Usage: aws_cli_signer_test.sh SIGNETD SIGNET_TESTKIT v1|v2 SIGNET
#   v1: the first `aws` on PATH that reports aws-cli/1.x (SKIP, exit 0, when there is none)
#   v2: the `aws` of Debian's package awscli (FAIL when it is not installed)
# Independent parts run concurrently (each CLI call is ~1 s of Python start-up); every part
# writes its PASS/FAIL lines to its own log, printed in a fixed order.
set -uo pipefail
if [[ $# -ne 4 || ($3 != v1 && $3 != v2) ]]; then
  echo "usage: $0 SIGNETD SIGNET_TESTKIT v1|v2 SIGNET" >&2
  exit 2
fi
signetd=$1
testkit=$2 # not needed: the fixtures here are made by zip and by signetd itself
which_cli=$3
signet=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
helper=$here/aws_cli_signer_helper.py
models=$here/aws-models
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
: "$testkit"

# --- The CLI under test ----------------------------------------------------------------------------
AWS=""
if [[ $which_cli == v1 ]]; then
  while IFS= read -r candidate; do
    # A pyenv shim only execs the real script: call that directly (one fork less per call).
    if [[ $candidate == */shims/aws ]] && command -v pyenv >/dev/null 2>&1; then
      real=$(pyenv which aws 2>/dev/null) && candidate=$real
    fi
    if [[ $("$candidate" --version 2>&1) == aws-cli/1.* ]]; then
      AWS=$candidate
      break
    fi
  done < <(type -ap aws | awk '!seen[$0]++')
  if [[ -z $AWS ]]; then
    echo "SKIP: no AWS CLI v1 (an aws reporting aws-cli/1.x) on PATH"
    echo "0 passed, 0 failed"
    exit 0
  fi
  client_rc=255 # v1 exits 255 for every error, service errors included
else
  AWS=$(dpkg -L awscli 2>/dev/null | grep -E '/bin/aws$' | head -n 1)
  if [[ -z $AWS || ! -x $AWS ]]; then
    echo "FAIL: AWS CLI v2 not found: Debian package awscli is not installed" \
      "(scripts/install-deps.sh --test must install it)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  if [[ $("$AWS" --version 2>&1) != aws-cli/2.* ]]; then
    echo "FAIL: $AWS does not report aws-cli/2.x: $("$AWS" --version 2>&1)"
    echo "0 passed, 1 failed"
    exit 1
  fi
  client_rc=254 # v2: 254 service error, 252 parameter validation, 255 anything else
fi
echo "CLI: $AWS ($("$AWS" --version 2>&1))"

# --- Scratch space, environment and cleanup ---------------------------------------------------------
work=$(mktemp -d)
data=$work/data
r=$work/results
mkdir -p "$r" "$work/home" "$work/logs"
export R=$r
daemon_pid=""
cleanup() {
  local pids
  pids=$(jobs -p)
  [[ -n $daemon_pid ]] && kill -TERM "$daemon_pid" 2>/dev/null
  [[ -n $pids ]] && kill $pids 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Nothing of the caller's AWS set-up may leak in.
for v in $(compgen -e); do
  [[ $v == AWS_* ]] && unset "$v"
done
export HOME=$work/home
export AWS_SHARED_CREDENTIALS_FILE=$data/credentials AWS_CONFIG_FILE=$data/config
export AWS_MAX_ATTEMPTS=1 AWS_PAGER="" AWS_DEFAULT_OUTPUT=json AWS_EC2_METADATA_DISABLED=true
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
# GetRevocationStatus carries endpoint.hostPrefix "data-": v1 can be told to leave it out; for
# v2 (which cannot) the loaded model drops it (below).
[[ $which_cli == v1 ]] && export AWS_DISABLE_HOST_PREFIX_INJECTION=true

# --- Checks ---------------------------------------------------------------------------------------
log=$work/logs/00-setup
pass() { echo "PASS: $1" >>"$log"; }
fail() {
  echo "FAIL: $1" >>"$log"
  shift
  local f
  for f in "$@"; do
    [[ -s $f ]] && head -c 3000 "$f" | sed 's/^/    /' >>"$log"
  done
  return 0
}

# cli ID ARGS...: the CLI against signetd; stdout, stderr and exit code kept as $r/ID.{out,err,rc}.
cli() {
  local id=$1 t0=$EPOCHREALTIME
  shift
  "$AWS" --endpoint-url "$endpoint" --cli-connect-timeout 10 --cli-read-timeout 60 "$@" \
    >"$r/$id.out" 2>"$r/$id.err"
  echo $? >"$r/$id.rc"
  [[ -n ${SIGNET_TEST_TIMING:-} ]] && echo "$id $t0 $EPOCHREALTIME" >>"$SIGNET_TEST_TIMING"
  return 0
}
# as_other ID ARGS...: cli with the second account's access key.
as_other() { AWS_ACCESS_KEY_ID=$other_key AWS_SECRET_ACCESS_KEY=$other_secret cli "$@"; }
# spawn ID ARGS...: cli in the background; join waits for every spawned call.
spawned=()
spawn() {
  cli "$@" &
  spawned+=($!)
}
join() {
  local p
  for p in "${spawned[@]}"; do wait "$p"; done
  spawned=()
}
# ok ID DESC: the call succeeded.
ok() {
  local rc
  rc=$(<"$r/$1.rc")
  if [[ $rc == 0 ]]; then
    pass "$2"
    return 0
  fi
  fail "$2 (exit $rc)" "$r/$1.err"
  return 1
}
# err ID ERROR DESC: the call failed with the service error ERROR and the CLI's exit code for it.
err() {
  local rc
  rc=$(<"$r/$1.rc")
  if [[ $rc == "$client_rc" ]] && grep -qF "An error occurred ($2)" "$r/$1.err"; then
    pass "$3 -> $2"
  else
    fail "$3: want exit $client_rc and ($2), got exit $rc" "$r/$1.err" "$r/$1.out"
  fi
}
# js ID DESC EXPR: the call succeeded and the Python expression EXPR holds for its output `d`.
js() {
  local rc why
  rc=$(<"$r/$1.rc")
  if [[ $rc != 0 ]]; then
    fail "$2 (the call failed, exit $rc)" "$r/$1.err"
    return 1
  fi
  if why=$("$PY" "$helper" check "$r/$1.out" "$3" 2>&1); then
    pass "$2"
  else
    fail "$2"
    echo "$why" >>"$log"
    return 1
  fi
}
# val ID EXPR: print EXPR of the call's output.
val() { "$PY" "$helper" get "$r/$1.out" "$2" 2>/dev/null; }
# as_result ID FILE: a file as if it were the output of a successful call (for js).
as_result() {
  cp "$2" "$r/$1.out"
  echo 0 >"$r/$1.rc"
}
# expect DESC RC PATTERN -- COMMAND...: COMMAND exits RC and its stdout+stderr match PATTERN.
expect() {
  local desc=$1 want_rc=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want_rc ]] && grep -qE -- "$pattern" <<<"$out"; then
    pass "$desc"
  else
    fail "$desc: exit $rc (want $want_rc), output should match /$pattern/:"
    head -c 3000 <<<"$out" | sed 's/^/    /' >>"$log"
  fi
}
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

# flow NAME FUNCTION: run FUNCTION in the background, logging to its own file.
flows=()
flow() {
  (
    log=$work/logs/$1
    "$2"
    echo "__done__" >>"$log"
  ) &
  flows+=("$1:$!")
}
# join_flows: wait for the flows; print their logs in order; a flow that died is a failure.
join_flows() {
  local f name
  for f in "${flows[@]}"; do
    name=${f%%:*}
    wait "${f##*:}"
    if ! grep -qx "__done__" "$work/logs/$name" 2>/dev/null; then
      echo "FAIL: part '$name' did not run to its end" >>"$work/logs/$name"
    fi
    sed -i '/^__done__$/d' "$work/logs/$name"
    echo "== $name"
    cat "$work/logs/$name"
  done
  flows=()
}

start_signetd() {
  : >"$work/signetd.out"
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
  echo "signetd did not start:"
  cat "$work/signetd.out" "$work/signetd.log"
  return 1
}

# ==================================================================================================
# Setup: signetd on a free loopback port, a fresh data directory, the newer models.
# ==================================================================================================
start_signetd || exit 1
echo "signetd at $endpoint"
expect "first start initialises the data directory and says so" 0 "\(initialised\)" -- \
  cat "$work/signetd.out"
expect "signetd prints where the credentials are" 0 "credentials: +$data/credentials" -- \
  cat "$work/signetd.out"
expect "DATA/credentials is mode 0600" 0 "^600$" -- stat -c %a "$data/credentials"
expect "DATA/credentials has profile default" 0 "^\[default\]" -- cat "$data/credentials"
expect "DATA/config names the region" 0 "^region *= *us-east-1" -- cat "$data/config"
expect "DATA/root-ca.pem is a self-signed CA certificate" 0 ": OK$" -- \
  openssl verify -CAfile "$data/root-ca.pem" "$data/root-ca.pem"
admin_key=$(sed -n 's/^aws_access_key_id *= *//p' "$data/credentials")
admin_secret=$(sed -n 's/^aws_secret_access_key *= *//p' "$data/credentials")
region=us-east-1
account=000000000000
admin_principal=$("$PY" "$helper" get "$data/access-keys.json" \
  "[k['principal'] for k in d['accessKeys'] if k['accessKeyId'] == '$admin_key'][0]")
arn_prefix=arn:aws:signer:$region:$account
payload_format=application/vnd.cncf.notary.payload.v1+json

# Models: the signer model with SignPayload and GetRevocationStatus, and signer-data.
signer_model=$models/signer/2017-08-25/service-2.json
if [[ $which_cli == v2 ]]; then
  "$PY" -c 'import json, sys
m = json.load(open(sys.argv[1]))
m["operations"]["GetRevocationStatus"].pop("endpoint")
json.dump(m, open(sys.argv[2], "w"))' "$signer_model" "$work/signer-model.json"
  signer_model=$work/signer-model.json
fi
expect "aws configure add-model (signer)" 0 "" -- \
  "$AWS" configure add-model --service-model "file://$signer_model" --service-name signer
expect "aws configure add-model (signer-data)" 0 "" -- \
  "$AWS" configure add-model --service-model "file://$models/signer-data/2017-08-25/service-2.json" \
  --service-name signer-data
# Client-side validation (e.g. maxResults >= 1) would stop some requests before signetd sees them.
printf '[default]\nregion = %s\nparameter_validation = false\n' "$region" >"$work/noval.config"
printf '[default]\nregion = %s\ns3 =\n    signature_version = s3v4\n' "$region" >"$work/s3v4.config"

# Fixtures: a function package, a file that is not a ZIP, Notary payloads.
mkdir -p "$work/src"
echo 'exports.handler = async () => "hello from signet";' >"$work/src/index.js"
head -c 200000 /dev/urandom >"$work/src/vendor.bin"
(cd "$work/src" && zip -q -r ../pkg.zip .)
head -c 5000 /dev/urandom >"$work/notzip.bin"
manifest_digest=$(head -c 1000 /dev/urandom | sha256sum | cut -d' ' -f1)
printf '{"targetArtifact":{"digest":"sha256:%s","mediaType":"application/vnd.oci.image.manifest.v1+json","size":1234}}' \
  "$manifest_digest" >"$work/payload.json"
head -c 4097 /dev/zero | tr '\0' 'a' >"$work/big-payload.bin"
echo "not a notary payload" >"$work/junk-payload.txt"

# ==================================================================================================
# Stage 1: profiles on both platforms (validity DAYS, MONTHS, YEARS, default; tags) and a bucket.
# ==================================================================================================
put_profile() {
  local id=$1 name=$2 platform=$3
  shift 3
  spawn "$id" signer put-signing-profile --profile-name "$name" --platform-id "$platform" "$@"
}
lambda=AWSLambda-SHA384-ECDSA
oci=Notation-OCI-SHA384-ECDSA
put_profile put_days lambda_days $lambda --signature-validity-period value=30,type=DAYS \
  --tags team=payments,env=test
put_profile put_months oci_months $oci --signature-validity-period value=6,type=MONTHS --tags team=web
put_profile put_years lambda_years $lambda --signature-validity-period value=2,type=YEARS
put_profile put_default lambda_default $lambda
put_profile put_cancel oci_cancel $oci --signature-validity-period value=10,type=DAYS
put_profile put_revoke oci_revoke $oci --signature-validity-period value=20,type=DAYS
put_profile put_shared oci_shared $oci
spawn mb s3api create-bucket --bucket lambda-packages
join
for p in days:lambda_days months:oci_months years:lambda_years default:lambda_default \
  cancel:oci_cancel revoke:oci_revoke shared:oci_shared; do
  js "put_${p%%:*}" "put-signing-profile ${p#*:}: arn, 10-character version, version ARN" \
    "d['arn'] == '$arn_prefix:/signing-profiles/${p#*:}' and
     re.fullmatch('[A-Za-z0-9]{10}', d['profileVersion']) and
     d['profileVersionArn'] == d['arn'] + '/' + d['profileVersion']"
done
ok mb "s3api create-bucket"
v_days=$(val put_days "d['profileVersion']")
v_months=$(val put_months "d['profileVersion']")
v_years=$(val put_years "d['profileVersion']")
v_cancel=$(val put_cancel "d['profileVersion']")
v_revoke=$(val put_revoke "d['profileVersion']")
v_shared=$(val put_shared "d['profileVersion']")
all_profiles="['lambda_days', 'lambda_default', 'lambda_years', 'oci_cancel', 'oci_months', 'oci_revoke', 'oci_shared']"
echo "== setup"
cat "$log"

# ==================================================================================================
# Stage 2: independent parts, concurrently. None creates, cancels or revokes a profile.
# ==================================================================================================
part_platforms() {
  cli plat_list signer list-signing-platforms
  js plat_list "list-signing-platforms lists both platforms" \
    "sorted(p['platformId'] for p in d['platforms']) == ['$lambda', '$oci']"
  js plat_list "both platforms: ECDSA, SHA384, revocation supported" \
    "all(p['signingConfiguration']['encryptionAlgorithmOptions']['defaultValue'] == 'ECDSA' and
         p['signingConfiguration']['hashAlgorithmOptions']['defaultValue'] == 'SHA384' and
         p['revocationSupported'] is True for p in d['platforms'])"
  cli plat_lambda signer get-signing-platform --platform-id $lambda
  js plat_lambda "get-signing-platform $lambda: 250 MB, JSONDetached" \
    "d['platformId'] == '$lambda' and d['maxSizeInMB'] == 250 and d['partner'] == 'AWSLambda' and
     d['signingImageFormat']['defaultFormat'] == 'JSONDetached' and d['displayName'] == 'AWS Lambda'"
  cli plat_oci signer get-signing-platform --platform-id $oci
  js plat_oci "get-signing-platform $oci" \
    "d['platformId'] == '$oci' and d['revocationSupported'] and d['target'] == 'SHA384-ECDSA'"
  cli plat_page1 signer list-signing-platforms --max-results 1
  js plat_page1 "list-signing-platforms --max-results 1: one platform and a nextToken" \
    "len(d['platforms']) == 1 and d.get('nextToken')"
  cli plat_page2 signer list-signing-platforms --max-results 1 \
    --next-token "$(val plat_page1 "d['nextToken']")"
  js plat_page2 "--next-token: the other platform, last page" \
    "len(d['platforms']) == 1 and 'nextToken' not in d and
     d['platforms'][0]['platformId'] != out('plat_page1')['platforms'][0]['platformId']"
  cli plat_unknown signer get-signing-platform --platform-id No-Such-Platform
  err plat_unknown ResourceNotFoundException "get-signing-platform of an unknown platform"
  cli plat_max26 signer list-signing-platforms --max-results 26
  err plat_max26 ValidationException "list-signing-platforms --max-results 26"
  cli plat_token signer list-signing-platforms --next-token bm90LWEtdG9rZW4
  err plat_token ValidationException "list-signing-platforms with a made-up --next-token"
}

part_profiles() {
  cli get_days signer get-signing-profile --profile-name lambda_days
  js get_days "get-signing-profile: name, status, platform, validity DAYS, tags, version, ARNs" \
    "d['profileName'] == 'lambda_days' and d['status'] == 'Active' and
     d['platformId'] == '$lambda' and d['platformDisplayName'] == 'AWS Lambda' and
     d['signatureValidityPeriod'] == {'value': 30, 'type': 'DAYS'} and
     d['tags'] == {'team': 'payments', 'env': 'test'} and d['profileVersion'] == '$v_days' and
     d['profileVersionArn'] == out('put_days')['profileVersionArn'] and
     d['arn'] == out('put_days')['arn'] and 'revocationRecord' not in d"
  cli get_days_owner signer get-signing-profile --profile-name lambda_days --profile-owner $account
  js get_days_owner "get-signing-profile --profile-owner (own account): the same profile" \
    "d == out('get_days')"
  cli get_months signer get-signing-profile --profile-name oci_months
  js get_months "validity MONTHS on the Notation platform" \
    "d['signatureValidityPeriod'] == {'value': 6, 'type': 'MONTHS'} and d['platformId'] == '$oci'"
  cli get_years signer get-signing-profile --profile-name lambda_years
  js get_years "validity YEARS" "d['signatureValidityPeriod'] == {'value': 2, 'type': 'YEARS'}"
  cli get_default signer get-signing-profile --profile-name lambda_default
  js get_default "validity defaults to 135 MONTHS" \
    "d['signatureValidityPeriod'] == {'value': 135, 'type': 'MONTHS'}"

  cli list_all signer list-signing-profiles
  js list_all "list-signing-profiles: the seven active profiles" \
    "names(d['profiles']) == $all_profiles"
  js list_all "summaries: version, version ARN, validity, platform, status" \
    "all(re.fullmatch('[A-Za-z0-9]{10}', p['profileVersion']) and
         p['profileVersionArn'] == p['arn'] + '/' + p['profileVersion'] and
         p['status'] == 'Active' and p['signatureValidityPeriod'] and p['platformId']
         for p in d['profiles'])"
  cli list_oci signer list-signing-profiles --platform-id $oci
  js list_oci "list-signing-profiles --platform-id $oci" \
    "names(d['profiles']) == ['oci_cancel', 'oci_months', 'oci_revoke', 'oci_shared']"
  cli list_items1 signer list-signing-profiles --max-items 3 --page-size 2
  js list_items1 "--max-items 3 --page-size 2: three profiles and a NextToken" \
    "len(d['profiles']) == 3 and d.get('NextToken')"
  cli list_items2 signer list-signing-profiles --page-size 2 \
    --starting-token "$(val list_items1 "d['NextToken']")"
  js list_items2 "--starting-token: the other four, none twice" \
    "'NextToken' not in d and
     sorted(names(d['profiles']) + names(out('list_items1')['profiles'])) == $all_profiles"
  cli list_raw1 signer list-signing-profiles --max-results 5
  js list_raw1 "--max-results 5: five profiles and a nextToken" \
    "len(d['profiles']) == 5 and d.get('nextToken')"
  cli list_raw2 signer list-signing-profiles --max-results 5 \
    --next-token "$(val list_raw1 "d['nextToken']")"
  js list_raw2 "--next-token: the last two" \
    "'nextToken' not in d and
     sorted(names(d['profiles']) + names(out('list_raw1')['profiles'])) == $all_profiles"

  cli prof_unknown signer get-signing-profile --profile-name no_such_profile
  err prof_unknown ResourceNotFoundException "get-signing-profile of an unknown profile"
  cli prof_badname signer get-signing-profile --profile-name 'bad-name!'
  err prof_badname ValidationException "get-signing-profile with an invalid profile name"
  cli prof_badowner signer get-signing-profile --profile-name lambda_days --profile-owner abcdefghijkl
  err prof_badowner ValidationException "get-signing-profile --profile-owner abcdefghijkl"
  cli prof_max26 signer list-signing-profiles --max-results 26
  err prof_max26 ValidationException "list-signing-profiles --max-results 26"
  cli prof_status signer list-signing-profiles --statuses Deleted
  err prof_status ValidationException "list-signing-profiles --statuses Deleted"
}

part_tags() {
  local arn=$arn_prefix:/signing-profiles/lambda_years
  cli tag_list0 signer list-tags-for-resource --resource-arn "$arn"
  js tag_list0 "list-tags-for-resource of an untagged profile" "d['tags'] == {}"
  cli tag_add signer tag-resource --resource-arn "$arn" --tags owner=alice,cost-center=42,env=ci
  ok tag_add "tag-resource"
  cli tag_list1 signer list-tags-for-resource --resource-arn "$arn"
  js tag_list1 "list-tags-for-resource after tag-resource" \
    "d['tags'] == {'owner': 'alice', 'cost-center': '42', 'env': 'ci'}"
  cli tag_rm signer untag-resource --resource-arn "$arn" --tag-keys env cost-center
  ok tag_rm "untag-resource"
  cli tag_get signer get-signing-profile --profile-name lambda_years
  js tag_get "get-signing-profile shows the tags left after untag-resource" \
    "d['tags'] == {'owner': 'alice'}"
  cli tag_bad signer tag-resource --resource-arn not-an-arn --tags a=b
  err tag_bad BadRequestException "tag-resource on a malformed ARN"
  cli tag_bad_list signer list-tags-for-resource --resource-arn arn:aws:s3:::lambda-packages
  err tag_bad_list BadRequestException "list-tags-for-resource of an ARN that is no signing profile"
  cli tag_ghost signer list-tags-for-resource --resource-arn "$arn_prefix:/signing-profiles/ghost"
  err tag_ghost NotFoundException "list-tags-for-resource of an unknown profile"
  cli tag_ghost_add signer tag-resource --resource-arn "$arn_prefix:/signing-profiles/ghost" --tags a=b
  err tag_ghost_add NotFoundException "tag-resource of an unknown profile"
  cli tag_ghost_rm signer untag-resource --resource-arn "$arn_prefix:/signing-profiles/ghost" --tag-keys a
  err tag_ghost_rm NotFoundException "untag-resource of an unknown profile"
}

part_permissions() {
  cli perm0 signer list-profile-permissions --profile-name oci_months
  js perm0 "list-profile-permissions of a new profile: none" "d.get('permissions', []) == []"
  cli perm_add1 signer add-profile-permission --profile-name oci_months --action signer:SignPayload \
    --principal 111111111111 --statement-id cross-sign
  js perm_add1 "add-profile-permission returns a revisionId" "d['revisionId']"
  local rev1 rev2 rev3
  rev1=$(val perm_add1 "d['revisionId']")
  cli perm_add2 signer add-profile-permission --profile-name oci_months \
    --action signer:GetSigningProfile --principal arn:aws:iam::111111111111:user/ci \
    --statement-id cross-get --profile-version "$v_months" --revision-id "$rev1"
  js perm_add2 "add-profile-permission --revision-id (current): a new revisionId" \
    "d['revisionId'] and d['revisionId'] != '$rev1'"
  rev2=$(val perm_add2 "d['revisionId']")
  cli perm_stale signer add-profile-permission --profile-name oci_months --action signer:SignPayload \
    --principal 222222222222 --statement-id late --revision-id "$rev1"
  err perm_stale ConflictException "add-profile-permission with a stale --revision-id"
  cli perm_dup signer add-profile-permission --profile-name oci_months --action signer:SignPayload \
    --principal 222222222222 --statement-id cross-sign
  err perm_dup ConflictException "add-profile-permission with a statement id that exists"
  cli perm_action signer add-profile-permission --profile-name oci_months --action signer:DeleteAll \
    --principal 222222222222 --statement-id bad-action
  err perm_action ValidationException "add-profile-permission with an unknown action"
  cli perm_unknown signer add-profile-permission --profile-name no_such_profile \
    --action signer:SignPayload --principal 222222222222 --statement-id s
  err perm_unknown ResourceNotFoundException "add-profile-permission on an unknown profile"
  cli perm_list signer list-profile-permissions --profile-name oci_months
  js perm_list "list-profile-permissions: both statements, the current revisionId, a policy size" \
    "d['revisionId'] == '$rev2' and d['policySizeBytes'] > 0 and
     sorted((p['statementId'], p['action'], p['principal'], p.get('profileVersion'))
            for p in d['permissions']) ==
     [('cross-get', 'signer:GetSigningProfile', 'arn:aws:iam::111111111111:user/ci', '$v_months'),
      ('cross-sign', 'signer:SignPayload', '111111111111', None)]"
  cli perm_rm_stale signer remove-profile-permission --profile-name oci_months \
    --statement-id cross-get --revision-id "$rev1"
  err perm_rm_stale ConflictException "remove-profile-permission with a stale --revision-id"
  cli perm_rm signer remove-profile-permission --profile-name oci_months \
    --statement-id cross-get --revision-id "$rev2"
  js perm_rm "remove-profile-permission returns a new revisionId" \
    "d['revisionId'] and d['revisionId'] not in ('$rev1', '$rev2')"
  rev3=$(val perm_rm "d['revisionId']")
  cli perm_rm_unknown signer remove-profile-permission --profile-name oci_months \
    --statement-id no-such-statement --revision-id "$rev3"
  err perm_rm_unknown ResourceNotFoundException "remove-profile-permission of an unknown statement"
  cli perm_list2 signer list-profile-permissions --profile-name oci_months
  js perm_list2 "list-profile-permissions after the removal" \
    "d['revisionId'] == '$rev3' and [p['statementId'] for p in d['permissions']] == ['cross-sign']"
  cli perm_list_unknown signer list-profile-permissions --profile-name no_such_profile
  err perm_list_unknown ResourceNotFoundException "list-profile-permissions of an unknown profile"
}

# check_envelope ID DIR PROFILE_VERSION_ARN VALIDITY_DAYS: the JWS envelope of a SignPayload answer.
check_envelope() {
  local id=$1 dir=$2 version_arn=$3 days=$4 job_arn
  job_arn="$arn_prefix:/signing-jobs/$(val "$id" "d['jobId']")"
  if ! "$PY" "$helper" envelope "$r/$id.out" "$dir" >"$dir.log" 2>&1; then
    fail "the signature of $id is a base64 JWS JSON envelope" "$dir.log"
    return 1
  fi
  as_result "${id}_env" "$dir/envelope.json"
  as_result "${id}_protected" "$dir/protected.json"
  js "${id}_env" "$id: signature = JWS JSON envelope with protected, payload, signature, x5c (3)" \
    "set(d) >= {'protected', 'payload', 'signature', 'header'} and len(d['header']['x5c']) == 3 and
     d['header']['io.cncf.notary.signingAgent']"
  js "${id}_protected" "$id: protected header (ES384, notary payload, signingAuthority, ARNs)" \
    "d['alg'] == 'ES384' and d['cty'] == '$payload_format' and
     d['io.cncf.notary.signingScheme'] == 'notary.x509.signingAuthority' and
     d['com.amazonaws.signer.signingProfileVersion'] == '$version_arn' and
     d['com.amazonaws.signer.signingJob'] == '$job_arn' and
     set(d['crit']) >= {'io.cncf.notary.signingScheme', 'com.amazonaws.signer.signingProfileVersion',
                        'com.amazonaws.signer.signingJob'} and list(d) == sorted(d)"
  js "${id}_protected" "$id: expiry = signing time + the profile's validity (~$days days)" \
    "abs(ts(d['io.cncf.notary.expiry']) - ts(d['io.cncf.notary.authenticSigningTime'])
         - $days * 86400) <= 3 * 86400 and abs(ts(d['io.cncf.notary.authenticSigningTime']) - now) < 600"
  expect "$id: the envelope's payload is the payload sent" 0 "" -- cmp "$dir/payload.bin" "$work/payload.json"
  openssl x509 -in "$dir/chain-0.pem" -pubkey -noout >"$dir/leaf-key.pem" 2>/dev/null
  expect "$id: the ES384 signature verifies with the leaf certificate (openssl)" 0 "Verified OK" -- \
    openssl dgst -sha384 -verify "$dir/leaf-key.pem" -signature "$dir/signature.der" "$dir/signing-input"
  expect "$id: x5c chains to DATA/root-ca.pem (openssl verify)" 0 ": OK" -- \
    openssl verify -CAfile "$data/root-ca.pem" -untrusted "$dir/chain-1.pem" "$dir/chain-0.pem"
  expect "$id: the last certificate of x5c is the root" 0 "" -- \
    cmp <(openssl x509 -in "$dir/chain-2.pem" -outform DER) <(openssl x509 -in "$data/root-ca.pem" -outform DER)
  expect "$id: leaf key usage: critical digitalSignature, EKU codeSigning" 0 \
    "Key Usage: critical.*Digital Signature.*Code Signing" -- \
    bash -c "openssl x509 -in '$dir/chain-0.pem' -noout -ext keyUsage,extendedKeyUsage | tr '\n' ' '"
}

part_sign_payload() {
  cli sp1 signer sign-payload --profile-name oci_months --payload "fileb://$work/payload.json" \
    --payload-format $payload_format
  js sp1 "sign-payload: jobId, jobOwner, signature" \
    "re.fullmatch('[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', d['jobId']) and
     d['jobOwner'] == '$account' and d['signature'] and isinstance(d.get('metadata', {}), dict)"
  check_envelope sp1 "$work/env-sp1" "$arn_prefix:/signing-profiles/oci_months/$v_months" 182
  cli sp1_desc signer describe-signing-job --job-id "$(val sp1 "d['jobId']")"
  js sp1_desc "describe-signing-job of a sign-payload job" \
    "d['status'] == 'Succeeded' and d['platformId'] == '$oci' and d['profileName'] == 'oci_months' and
     d['profileVersion'] == '$v_months' and d['jobOwner'] == '$account' and
     d['jobInvoker'] == '$account' and d['requestedBy'] == '$admin_principal' and
     abs(ts(d['signatureExpiresAt']) - now - 182 * 86400) < 4 * 86400 and
     ts(d['createdAt']) <= ts(d['completedAt'])"
  # A signature by the profile that stage 3 revokes, for its certificate hash.
  cli sp_rev signer sign-payload --profile-name oci_revoke --payload "fileb://$work/payload.json" \
    --payload-format $payload_format
  ok sp_rev "sign-payload with a second Notation profile" &&
    "$PY" "$helper" envelope "$r/sp_rev.out" "$work/env-sp-rev" >/dev/null

  cli sp_lambda signer sign-payload --profile-name lambda_days --payload "fileb://$work/payload.json" \
    --payload-format $payload_format
  err sp_lambda ValidationException "sign-payload with a Lambda-platform profile"
  cli sp_format signer sign-payload --profile-name oci_months --payload "fileb://$work/payload.json" \
    --payload-format application/json
  err sp_format ValidationException "sign-payload with an unsupported --payload-format"
  cli sp_big signer sign-payload --profile-name oci_months --payload "fileb://$work/big-payload.bin" \
    --payload-format $payload_format
  err sp_big ValidationException "sign-payload of 4097 bytes"
  cli sp_junk signer sign-payload --profile-name oci_months --payload "fileb://$work/junk-payload.txt" \
    --payload-format $payload_format
  err sp_junk ValidationException "sign-payload of bytes that are not a Notary payload"
  cli sp_unknown signer sign-payload --profile-name no_such_profile \
    --payload "fileb://$work/payload.json" --payload-format $payload_format
  err sp_unknown ResourceNotFoundException "sign-payload with an unknown profile"
}

part_pipeline() {
  local bucket=lambda-packages job bad_job resigned_job vid vid_bad vid_signed md5 size
  cli s3_ver s3api put-bucket-versioning --bucket $bucket --versioning-configuration Status=Enabled
  ok s3_ver "s3api put-bucket-versioning Status=Enabled"
  cli s3_getver s3api get-bucket-versioning --bucket $bucket
  js s3_getver "s3api get-bucket-versioning" "d['Status'] == 'Enabled'"
  md5=$(md5sum <"$work/pkg.zip" | cut -d' ' -f1)
  cli s3_put s3api put-object --bucket $bucket --key app/pkg.zip --body "$work/pkg.zip"
  js s3_put "s3api put-object: ETag = MD5, a VersionId" \
    "d['ETag'].strip(chr(34)) == '$md5' and d.get('VersionId')"
  vid=$(val s3_put "d['VersionId']")
  cli job_start signer start-signing-job \
    --source "s3={bucketName=$bucket,key=app/pkg.zip,version=$vid}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name lambda_days \
    --client-request-token pipeline-run-1
  js job_start "start-signing-job: jobId and jobOwner" \
    "re.fullmatch('[0-9a-f-]{36}', d['jobId']) and d['jobOwner'] == '$account'"
  job=$(val job_start "d['jobId']")
  echo "$job" >"$work/job-id"
  cli job_again signer start-signing-job \
    --source "s3={bucketName=$bucket,key=app/pkg.zip,version=$vid}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name lambda_days \
    --client-request-token pipeline-run-1
  js job_again "start-signing-job with the same --client-request-token: the same job" \
    "d['jobId'] == '$job'"
  cli job_wait signer wait successful-signing-job --job-id "$job"
  ok job_wait "signer wait successful-signing-job"
  cli job_desc signer describe-signing-job --job-id "$job"
  js job_desc "describe-signing-job: Succeeded, source, signed object, profile, platform, owners" \
    "d['status'] == 'Succeeded' and d['jobId'] == '$job' and
     d['source'] == {'s3': {'bucketName': '$bucket', 'key': 'app/pkg.zip', 'version': '$vid'}} and
     d['signedObject'] == {'s3': {'bucketName': '$bucket', 'key': 'signed/$job.zip'}} and
     d['profileName'] == 'lambda_days' and d['profileVersion'] == '$v_days' and
     d['platformId'] == '$lambda' and d['platformDisplayName'] == 'AWS Lambda' and
     d['jobOwner'] == '$account' and d['jobInvoker'] == '$account' and
     d['requestedBy'] == '$admin_principal' and 'revocationRecord' not in d"
  if [[ $which_cli == v1 ]]; then # v1 prints timestamps as the service sent them
    js job_desc "timestamps in the body are epoch seconds" \
      "all(isinstance(d[k], (int, float)) for k in ('createdAt', 'completedAt', 'signatureExpiresAt'))"
  fi
  js job_desc "describe-signing-job: signature expires 30 days after signing" \
    "abs(ts(d['signatureExpiresAt']) - ts(d['completedAt']) - 30 * 86400) < 120 and
     ts(d['createdAt']) <= ts(d['completedAt']) and abs(ts(d['createdAt']) - now) < 600"
  cli job_get s3api get-object --bucket $bucket --key "signed/$job.zip" "$work/signed.zip"
  size=$(stat -c %s "$work/signed.zip" 2>/dev/null || echo -1)
  js job_get "s3api get-object of signed/<jobId>.zip" \
    "d['ContentLength'] == $size and $size > $(stat -c %s "$work/pkg.zip")"
  expect "the signed ZIP verifies (signet verify zip --trust-anchor DATA/root-ca.pem)" 0 \
    "signature verified" -- "$signet" verify zip "$work/signed.zip" --trust-anchor "$data/root-ca.pem"
  expect "signet verify names the profile version" 0 \
    "$arn_prefix:/signing-profiles/lambda_days/$v_days" -- \
    "$signet" verify zip "$work/signed.zip" --trust-anchor "$data/root-ca.pem"
  expect "unzip -t still passes on the signed ZIP" 0 "No errors detected" -- unzip -t "$work/signed.zip"
  expect "the signed ZIP extracts to the original files" 0 "" -- \
    bash -c "unzip -q '$work/signed.zip' -d '$work/extracted' && diff -r '$work/src' '$work/extracted'"
  cli orig_get s3api get-object --bucket $bucket --key app/pkg.zip --version-id "$vid" "$work/orig.zip"
  js orig_get "s3api get-object --version-id of the source" "d['VersionId'] == '$vid'"
  expect "the source version is unchanged" 0 "" -- cmp "$work/orig.zip" "$work/pkg.zip"
  cli s3_head s3api head-object --bucket $bucket --key "signed/$job.zip"
  js s3_head "s3api head-object of the signed ZIP" "d['ContentLength'] == $size"
  # v1 presigns S3 with SigV2 unless told s3.signature_version = s3v4 (signetd speaks SigV4 only).
  AWS_CONFIG_FILE=$work/s3v4.config cli s3_presign s3 presign "s3://$bucket/signed/$job.zip" --expires-in 300
  ok s3_presign "aws s3 presign (s3.signature_version = s3v4)" &&
    expect "the presigned URL fetches the signed ZIP" 0 "" -- bash -c \
      "'$PY' '$helper' fetch '$r/s3_presign.out' '$work/presigned.zip' && cmp '$work/presigned.zip' '$work/signed.zip'"
  if [[ $which_cli == v1 ]]; then
    cli s3_presign_v2 s3 presign "s3://$bucket/signed/$job.zip" --expires-in 300
    expect "a SigV2 presigned URL (v1's default) is refused, not served" 3 "HTTP 403" -- \
      "$PY" "$helper" fetch "$r/s3_presign_v2.out" "$work/presigned-v2.zip"
  fi

  # A file that is not a ZIP: the job fails with a reason, and the waiter fails.
  cli s3_put_bad s3api put-object --bucket $bucket --key app/notzip.zip --body "$work/notzip.bin"
  vid_bad=$(val s3_put_bad "d['VersionId']")
  cli job_bad signer start-signing-job \
    --source "s3={bucketName=$bucket,key=app/notzip.zip,version=$vid_bad}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name lambda_days
  bad_job=$(val job_bad "d['jobId']")
  echo "$bad_job" >"$work/bad-job-id"
  cli job_bad_wait signer wait successful-signing-job --job-id "$bad_job"
  if [[ $(<"$r/job_bad_wait.rc") == 255 ]] && grep -q "Waiter SuccessfulSigningJob failed" "$r/job_bad_wait.err"; then
    pass "signer wait successful-signing-job of a failing job fails (exit 255)"
  else
    fail "signer wait successful-signing-job of a failing job: exit $(<"$r/job_bad_wait.rc")" "$r/job_bad_wait.err"
  fi
  cli job_bad_desc signer describe-signing-job --job-id "$bad_job"
  js job_bad_desc "a non-ZIP source: status Failed with a statusReason, no signed object" \
    "d['status'] == 'Failed' and len(d.get('statusReason', '')) > 5 and 'signedObject' not in d"
  # A package that is already signed: refused, as AWS does.
  cli s3_put_signed s3api put-object --bucket $bucket --key app/signed.zip --body "$work/signed.zip"
  vid_signed=$(val s3_put_signed "d['VersionId']")
  cli job_resign signer start-signing-job \
    --source "s3={bucketName=$bucket,key=app/signed.zip,version=$vid_signed}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name lambda_days
  resigned_job=$(val job_resign "d['jobId']")
  echo "$resigned_job" >"$work/resigned-job-id"
  cli job_resign_wait signer wait successful-signing-job --job-id "$resigned_job"
  cli job_resign_desc signer describe-signing-job --job-id "$resigned_job"
  js job_resign_desc "an already signed package: status Failed, the reason says so" \
    "d['status'] == 'Failed' and 'signed' in d.get('statusReason', '')"
  cli s3_ls s3api list-objects-v2 --bucket $bucket --prefix signed/
  js s3_ls "s3api list-objects-v2 --prefix signed/: only the one signed ZIP" \
    "[o['Key'] for o in d['Contents']] == ['signed/$job.zip']"
  cli s3_put_tmp s3api put-object --bucket $bucket --key tmp/scratch --body "$work/payload.json"
  cli s3_del s3api delete-object --bucket $bucket --key tmp/scratch
  ok s3_del "s3api delete-object"
  cli s3_head_gone s3api head-object --bucket $bucket --key tmp/scratch
  err s3_head_gone 404 "s3api head-object of a deleted key"

  cli job_oci signer start-signing-job --source "s3={bucketName=$bucket,key=app/pkg.zip,version=$vid}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name oci_months
  err job_oci ValidationException "start-signing-job with a Notation-platform profile"
  cli job_unknown signer start-signing-job --source "s3={bucketName=$bucket,key=app/pkg.zip,version=$vid}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name no_such_profile
  err job_unknown ResourceNotFoundException "start-signing-job with an unknown profile"
  cli job_nobucket signer start-signing-job \
    --source "s3={bucketName=no-such-bucket,key=app/pkg.zip,version=$vid}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}" --profile-name lambda_days
  err job_nobucket ResourceNotFoundException "start-signing-job from a bucket that does not exist"
}

part_auth() {
  AWS_ACCESS_KEY_ID=$admin_key AWS_SECRET_ACCESS_KEY=${admin_secret}x cli auth_secret \
    signer list-signing-profiles
  err auth_secret InvalidSignatureException "a wrong secret key"
  AWS_ACCESS_KEY_ID=AKIAUNKNOWNKEY234567 AWS_SECRET_ACCESS_KEY=$admin_secret cli auth_unknown \
    signer list-signing-platforms
  err auth_unknown UnrecognizedClientException "an unknown access key id"
  AWS_ACCESS_KEY_ID=$admin_key AWS_SECRET_ACCESS_KEY=${admin_secret}x cli auth_s3_secret \
    s3api list-objects-v2 --bucket lambda-packages
  err auth_s3_secret SignatureDoesNotMatch "S3 with a wrong secret key"
  AWS_ACCESS_KEY_ID=AKIAUNKNOWNKEY234567 AWS_SECRET_ACCESS_KEY=$admin_secret cli auth_s3_unknown \
    s3api list-objects-v2 --bucket lambda-packages
  err auth_s3_unknown InvalidAccessKeyId "S3 with an unknown access key id"
  # The CLIs cannot move their clock (and faketime is not a dependency): sign requests here.
  "$PY" "$helper" auth-probe "$endpoint" "$admin_key" "$admin_secret" $region "$r/auth.out" \
    >"$r/auth.err" 2>&1
  echo $? >"$r/auth.rc"
  js auth "a request signed by the test itself (header form, now) is accepted" \
    "d['header_now']['status'] == 200"
  js auth "signed 4 minutes ago: accepted" "d['header_4min_old']['status'] == 200"
  js auth "signed 10 minutes ago: 403 InvalidSignatureException" \
    "d['header_10min_old']['status'] == 403 and d['header_10min_old']['type'] == 'InvalidSignatureException'"
  js auth "signed 10 minutes ahead: 403 InvalidSignatureException" \
    "d['header_10min_ahead']['status'] == 403 and d['header_10min_ahead']['type'] == 'InvalidSignatureException'"
  js auth "presigned (query) form: accepted" \
    "d['presigned_now']['status'] == 200 and len(json.loads(d['presigned_now']['body'])['platforms']) == 1"
  js auth "presigned URL past X-Amz-Expires: 403 InvalidSignatureException" \
    "d['presigned_expired']['status'] == 403 and d['presigned_expired']['type'] == 'InvalidSignatureException'"
  js auth "presigned URL with a wrong signature: 403 InvalidSignatureException" \
    "d['presigned_tampered']['status'] == 403 and d['presigned_tampered']['type'] == 'InvalidSignatureException'"
  js auth "unsigned request: 403 MissingAuthenticationTokenException" \
    "d['unsigned']['status'] == 403 and d['unsigned']['type'] == 'MissingAuthenticationTokenException'"
  js auth "S3 request signed 10 minutes ago: 403 RequestTimeTooSkewed" \
    "d['s3_10min_old']['status'] == 403 and d['s3_10min_old']['type'] == 'RequestTimeTooSkewed'"
}

part_validation() {
  local long_name uuid=6f1c2e9a-3b4d-4c5e-8f70-0123456789ab past
  long_name=$(printf 'p%.0s' {1..65})
  past=$(iso "-1 hour")
  cli val_name signer put-signing-profile --profile-name bad-name --platform-id $lambda
  err val_name ValidationException "put-signing-profile with a '-' in the name"
  cli val_long signer put-signing-profile --profile-name "$long_name" --platform-id $lambda
  err val_long ValidationException "put-signing-profile with a 65-character name"
  cli val_platform signer put-signing-profile --profile-name fine_name --platform-id No-Such-Platform
  err val_platform ValidationException "put-signing-profile with an unknown platform"
  cli val_136 signer put-signing-profile --profile-name fine_name --platform-id $lambda \
    --signature-validity-period value=136,type=MONTHS
  err val_136 ValidationException "put-signing-profile with validity 136 MONTHS"
  cli val_12y signer put-signing-profile --profile-name fine_name --platform-id $lambda \
    --signature-validity-period value=12,type=YEARS
  err val_12y ValidationException "put-signing-profile with validity 12 YEARS"
  cli val_weeks signer put-signing-profile --profile-name fine_name --platform-id $lambda \
    --signature-validity-period value=2,type=WEEKS
  err val_weeks ValidationException "put-signing-profile with validity type WEEKS"
  AWS_CONFIG_FILE=$work/noval.config cli val_max0 signer list-signing-jobs --max-results 0
  err val_max0 ValidationException "list-signing-jobs --max-results 0 (client validation off)"
  cli val_max26 signer list-signing-jobs --max-results 26
  err val_max26 ValidationException "list-signing-jobs --max-results 26"
  cli val_status signer list-signing-jobs --status Done
  err val_status ValidationException "list-signing-jobs --status Done"
  cli val_invoker signer list-signing-jobs --job-invoker abcdefghijkl
  err val_invoker ValidationException "list-signing-jobs --job-invoker abcdefghijkl"
  cli val_token signer list-signing-jobs --next-token bm90LWEtdG9rZW4
  err val_token ValidationException "list-signing-jobs with a made-up --next-token"
  cli val_desc signer describe-signing-job --job-id $uuid
  err val_desc ResourceNotFoundException "describe-signing-job of an unknown job"
  cli val_desc2 signer describe-signing-job --job-id not-a-job-id
  err val_desc2 ResourceNotFoundException "describe-signing-job of a malformed job id"
  cli val_revoke signer revoke-signature --job-id $uuid --reason test
  err val_revoke ResourceNotFoundException "revoke-signature of an unknown job"
  cli val_cancel signer cancel-signing-profile --profile-name no_such_profile
  err val_cancel ResourceNotFoundException "cancel-signing-profile of an unknown profile"
  cli val_rsp signer revoke-signing-profile --profile-name no_such_profile --profile-version ABCDEFGHIJ \
    --reason test --effective-time "$past"
  err val_rsp ResourceNotFoundException "revoke-signing-profile of an unknown profile"
  local rs=(signer get-revocation-status --signature-timestamp "$past")
  local hash
  hash=$(printf '0%.0s' {1..96})
  cli val_rs_arn "${rs[@]}" --platform-id $lambda --profile-version-arn arn:aws:s3:::not-a-profile \
    --job-arn "$arn_prefix:/signing-jobs/$uuid" --certificate-hashes "$hash"
  err val_rs_arn ValidationException "get-revocation-status with a profile version ARN that is none"
  cli val_rs_platform "${rs[@]}" --platform-id No-Such-Platform \
    --profile-version-arn "$arn_prefix:/signing-profiles/lambda_days/$v_days" \
    --job-arn "$arn_prefix:/signing-jobs/$uuid" --certificate-hashes "$hash"
  err val_rs_platform ValidationException "get-revocation-status with an unknown platform"
  cli val_rs_hash "${rs[@]}" --platform-id $lambda \
    --profile-version-arn "$arn_prefix:/signing-profiles/lambda_days/$v_days" \
    --job-arn "$arn_prefix:/signing-jobs/$uuid" --certificate-hashes not-hex
  err val_rs_hash ValidationException "get-revocation-status with a certificate hash that is not hex SHA-384"
}

flow platforms part_platforms
flow profiles part_profiles
flow tags part_tags
flow permissions part_permissions
flow sign-payload part_sign_payload
flow pipeline part_pipeline
flow auth part_auth
flow validation part_validation
join_flows
job=$(cat "$work/job-id" 2>/dev/null)
bad_job=$(cat "$work/bad-job-id" 2>/dev/null)
resigned_job=$(cat "$work/resigned-job-id" 2>/dev/null)
sp1_job=$(val sp1 "d['jobId']")
sp_rev_job=$(val sp_rev "d['jobId']")

# ==================================================================================================
# Stage 3: revocation, cancellation, the job list and its filters.
# ==================================================================================================
log=$work/logs/10-revocation
spawn rsig signer revoke-signature --job-id "$job" --reason "key compromise drill"
spawn rsig_failed signer revoke-signature --job-id "$bad_job" --reason "never signed"
spawn rsp signer revoke-signing-profile --profile-name oci_revoke --profile-version "$v_revoke" \
  --reason compromised --effective-time "$(iso '-1 hour')"
spawn rsp_future signer revoke-signing-profile --profile-name lambda_years --profile-version "$v_years" \
  --reason compromised --effective-time "$(iso '+1 day')"
spawn cancel signer cancel-signing-profile --profile-name oci_cancel
join
ok rsig "revoke-signature"
err rsig_failed ValidationException "revoke-signature of a failed job"
ok rsp "revoke-signing-profile --effective-time 1 hour ago"
err rsp_future ValidationException "revoke-signing-profile --effective-time tomorrow"
ok cancel "cancel-signing-profile"
cli rsp_later signer revoke-signing-profile --profile-name oci_revoke --profile-version "$v_revoke" \
  --reason compromised --effective-time "$(iso '-30 minutes')"
err rsp_later ValidationException "revoke-signing-profile moving the effective time later"
cli rsp_earlier signer revoke-signing-profile --profile-name oci_revoke --profile-version "$v_revoke" \
  --reason "compromised earlier" --effective-time "$(iso '-2 hours')"
ok rsp_earlier "revoke-signing-profile moving the effective time earlier"
cli rsp_version signer revoke-signing-profile --profile-name oci_revoke --profile-version ZZZZZZZZZZ \
  --reason compromised --effective-time "$(iso '-1 hour')"
err rsp_version ResourceNotFoundException "revoke-signing-profile of an unknown profile version"

leaf_hash=$(cat "$work/env-sp-rev/leaf-hash" 2>/dev/null || echo unknown)
zero_hash=$(printf '0%.0s' {1..96})
rs_job=(signer get-revocation-status --signature-timestamp "$(iso now)" --platform-id $lambda
  --profile-version-arn "$arn_prefix:/signing-profiles/lambda_days/$v_days"
  --job-arn "$arn_prefix:/signing-jobs/$job" --certificate-hashes "$zero_hash")
rs_profile_args=(--platform-id $oci --profile-version-arn "$arn_prefix:/signing-profiles/oci_revoke/$v_revoke"
  --job-arn "$arn_prefix:/signing-jobs/$sp_rev_job" --certificate-hashes "$leaf_hash" "$zero_hash")
spawn get_revoke signer get-signing-profile --profile-name oci_revoke
spawn get_cancel signer get-signing-profile --profile-name oci_cancel
spawn l_default signer list-signing-profiles
spawn l_canceled signer list-signing-profiles --include-canceled
spawn l_revoked signer list-signing-profiles --statuses Revoked
spawn l_only_canceled signer list-signing-profiles --include-canceled --statuses Canceled
spawn l_active signer list-signing-profiles --statuses Active
spawn sp_canceled signer sign-payload --profile-name oci_cancel --payload "fileb://$work/payload.json" \
  --payload-format $payload_format
spawn sp_revoked signer sign-payload --profile-name oci_revoke --payload "fileb://$work/payload.json" \
  --payload-format $payload_format
spawn desc_revoked signer describe-signing-job --job-id "$job"
spawn rs_job "${rs_job[@]}"
spawn rs_profile signer get-revocation-status --signature-timestamp "$(iso now)" "${rs_profile_args[@]}"
spawn rs_before signer get-revocation-status --signature-timestamp "$(iso '-3 hours')" "${rs_profile_args[@]}"
spawn rs_data signer-data get-revocation-status --signature-timestamp "$(iso now)" "${rs_profile_args[@]}"
join
js get_revoke "a revoked profile: status Revoked, revocation record (effective 2 h ago)" \
  "d['status'] == 'Revoked' and
   abs(ts(d['revocationRecord']['revocationEffectiveFrom']) - (now - 7200)) < 300 and
   abs(ts(d['revocationRecord']['revokedAt']) - now) < 600 and
   d['revocationRecord']['revokedBy'] == '$admin_principal'"
js get_cancel "a canceled profile: status Canceled" "d['status'] == 'Canceled'"
js l_default "list-signing-profiles leaves out the canceled profile, keeps the revoked one" \
  "names(d['profiles']) == [n for n in $all_profiles if n != 'oci_cancel']"
js l_canceled "list-signing-profiles --include-canceled: all seven" "names(d['profiles']) == $all_profiles"
js l_revoked "list-signing-profiles --statuses Revoked" \
  "[(p['profileName'], p['status']) for p in d['profiles']] == [('oci_revoke', 'Revoked')]"
js l_only_canceled "list-signing-profiles --include-canceled --statuses Canceled" \
  "[(p['profileName'], p['status']) for p in d['profiles']] == [('oci_cancel', 'Canceled')]"
js l_active "list-signing-profiles --statuses Active" \
  "names(d['profiles']) == [n for n in $all_profiles if n not in ('oci_cancel', 'oci_revoke')]"
err sp_canceled ValidationException "sign-payload with a canceled profile"
err sp_revoked ValidationException "sign-payload with a revoked profile"
js desc_revoked "describe-signing-job of a revoked job: its revocation record" \
  "d['revocationRecord']['reason'] == 'key compromise drill' and
   d['revocationRecord']['revokedBy'] == '$admin_principal' and
   abs(ts(d['revocationRecord']['revokedAt']) - now) < 600 and d['status'] == 'Succeeded'"
js rs_job "get-revocation-status: the revoked job's ARN" \
  "d['revokedEntities'] == ['$arn_prefix:/signing-jobs/$job']"
js rs_profile "get-revocation-status: the revoked profile version and its certificate hash" \
  "sorted(d['revokedEntities']) == sorted(['$arn_prefix:/signing-profiles/oci_revoke/$v_revoke', '$leaf_hash'])"
js rs_before "get-revocation-status for a signature before the effective time: nothing revoked" \
  "d['revokedEntities'] == []"
js rs_data "signer-data get-revocation-status: the same answer" "d == out('rs_profile')"

# The jobs so far: the pipeline's three, two sign-payload jobs.
all_jobs="sorted(['$job', '$bad_job', '$resigned_job', '$sp1_job', '$sp_rev_job'])"
jobs_of="sorted(j['jobId'] for j in d['jobs'])"
spawn lj_all signer list-signing-jobs
spawn lj_pages signer list-signing-jobs --page-size 1
spawn lj_items signer list-signing-jobs --max-items 2
spawn lj_ok signer list-signing-jobs --status Succeeded
spawn lj_failed signer list-signing-jobs --status Failed
spawn lj_oci signer list-signing-jobs --platform-id $oci
spawn lj_by signer list-signing-jobs --requested-by "$admin_principal"
spawn lj_by_other signer list-signing-jobs --requested-by arn:aws:iam::000000000000:user/nobody
spawn lj_revoked signer list-signing-jobs --is-revoked
spawn lj_not_revoked signer list-signing-jobs --no-is-revoked
spawn lj_before signer list-signing-jobs --signature-expires-before "$(iso '+60 days')"
spawn lj_after signer list-signing-jobs --signature-expires-after "$(iso '+60 days')"
spawn lj_invoker signer list-signing-jobs --job-invoker $account
join
js lj_all "list-signing-jobs: every job" "$jobs_of == $all_jobs"
js lj_all "list-signing-jobs: summaries with status, profile, platform, isRevoked" \
  "all(j['status'] in ('Succeeded', 'Failed') and j['profileName'] and j['platformId'] and
       j['jobOwner'] == '$account' and j['jobInvoker'] == '$account' and
       j['isRevoked'] == (j['jobId'] == '$job') for j in d['jobs'])"
js lj_pages "list-signing-jobs --page-size 1: every job over five pages, none twice" \
  "len(d['jobs']) == 5 and $jobs_of == $all_jobs"
js lj_items "list-signing-jobs --max-items 2: two jobs and a NextToken" \
  "len(d['jobs']) == 2 and d.get('NextToken')"
js lj_ok "list-signing-jobs --status Succeeded" "$jobs_of == sorted(['$job', '$sp1_job', '$sp_rev_job'])"
js lj_failed "list-signing-jobs --status Failed" "$jobs_of == sorted(['$bad_job', '$resigned_job'])"
js lj_oci "list-signing-jobs --platform-id $oci" "$jobs_of == sorted(['$sp1_job', '$sp_rev_job'])"
js lj_by "list-signing-jobs --requested-by (the admin)" "$jobs_of == $all_jobs"
js lj_by_other "list-signing-jobs --requested-by (someone else)" "d['jobs'] == []"
js lj_revoked "list-signing-jobs --is-revoked" "$jobs_of == ['$job']"
js lj_not_revoked "list-signing-jobs --no-is-revoked" "'$job' not in $jobs_of and '$sp1_job' in $jobs_of"
js lj_before "list-signing-jobs --signature-expires-before +60 days" \
  "'$job' in $jobs_of and '$sp_rev_job' in $jobs_of and '$sp1_job' not in $jobs_of"
js lj_after "list-signing-jobs --signature-expires-after +60 days" "$jobs_of == ['$sp1_job']"
js lj_invoker "list-signing-jobs --job-invoker $account" "$jobs_of == $all_jobs"

# A canceled profile's name can be used again: a new version, Active.
cli reput signer put-signing-profile --profile-name oci_cancel --platform-id $oci
js reput "put-signing-profile of a canceled name: a new profile version" \
  "d['profileVersion'] != '$v_cancel'"
cli reput_get signer get-signing-profile --profile-name oci_cancel
js reput_get "the re-created profile is Active with the new version" \
  "d['status'] == 'Active' and d['profileVersion'] == out('reput')['profileVersion']"
echo "== revocation"
cat "$log"

# ==================================================================================================
# Stage 4: restart on the same data directory; everything is still there.
# ==================================================================================================
log=$work/logs/20-restart
snapshot() {
  local s=$1
  spawn "snap_profiles$s" signer list-signing-profiles --include-canceled
  spawn "snap_jobs$s" signer list-signing-jobs
  spawn "snap_perms$s" signer list-profile-permissions --profile-name oci_months
  spawn "snap_job$s" signer describe-signing-job --job-id "$job"
  spawn "snap_revoked$s" signer get-signing-profile --profile-name oci_revoke
  spawn "snap_rs$s" signer get-revocation-status --signature-timestamp "$(iso '-1 minute')" \
    "${rs_profile_args[@]}"
  spawn "snap_rs_job$s" "${rs_job[@]}"
  spawn "snap_tags$s" signer list-tags-for-resource --resource-arn "$arn_prefix:/signing-profiles/lambda_years"
  join
}
snapshot ""
for s in profiles jobs perms job revoked rs rs_job tags; do ok "snap_$s" "before the restart: $s" >/dev/null; done
kill -TERM "$daemon_pid"
wait "$daemon_pid"
stopped_rc=$?
daemon_pid=""
if [[ $stopped_rc == 0 ]]; then pass "signetd stops on SIGTERM with exit 0"; else fail "signetd exit $stopped_rc on SIGTERM" "$work/signetd.log"; fi
# A second account's key (signetd reads DATA/access-keys.json when it starts).
other_key=AKIAOTHERACCOUNT2345
other_secret=$(head -c 30 /dev/urandom | base64 | tr -d '/+=' | head -c 40)
other_account=111111111111
"$PY" "$helper" add-key "$data/access-keys.json" "$other_key" "$other_secret" $other_account \
  "arn:aws:iam::$other_account:user/ci"
start_signetd || { cat "$log"; exit 1; }
expect "the second start does not initialise again" 1 "" -- grep -q "initialised" "$work/signetd.out"
snapshot "_after"
for s in profiles jobs perms job revoked rs rs_job tags; do
  why=""
  if [[ $(<"$r/snap_$s.rc") == 0 && $(<"$r/snap_${s}_after.rc") == 0 ]] &&
    why=$("$PY" "$helper" equal "$r/snap_$s.out" "$r/snap_${s}_after.out"); then
    pass "after the restart, unchanged: $s"
  else
    fail "after the restart, changed: $s" "$r/snap_${s}_after.err"
    echo "$why" >>"$log"
  fi
done
js snap_profiles_after "after the restart: every profile" \
  "names(d['profiles']) == $all_profiles"
js snap_rs_after "after the restart: the profile revocation still answers" \
  "'$arn_prefix:/signing-profiles/oci_revoke/$v_revoke' in d['revokedEntities']"
cli get_again s3api get-object --bucket lambda-packages --key "signed/$job.zip" "$work/signed-again.zip"
ok get_again "after the restart: s3api get-object of the signed ZIP"
expect "after the restart: the stored signed ZIP is the same" 0 "" -- cmp "$work/signed.zip" "$work/signed-again.zip"
expect "after the restart: the old signed ZIP still verifies" 0 "signature verified" -- \
  "$signet" verify zip "$work/signed-again.zip" --trust-anchor "$data/root-ca.pem"
echo "== restart"
cat "$log"

# ==================================================================================================
# Stage 5: a second account uses profiles only through their permissions.
# ==================================================================================================
log=$work/logs/30-cross-account
as_other x_sign_deny signer sign-payload --profile-name oci_shared --profile-owner $account \
  --payload "fileb://$work/payload.json" --payload-format $payload_format
err x_sign_deny AccessDeniedException "other account: sign-payload without a permission"
as_other x_get_deny signer get-signing-profile --profile-name oci_shared --profile-owner $account
err x_get_deny AccessDeniedException "other account: get-signing-profile without a permission"
as_other x_start_deny signer start-signing-job \
  --source "s3={bucketName=lambda-packages,key=app/pkg.zip,version=x}" \
  --destination "s3={bucketName=lambda-packages,prefix=signed/}" --profile-name lambda_days \
  --profile-owner $account
err x_start_deny AccessDeniedException "other account: start-signing-job without a permission"
as_other x_desc_deny signer describe-signing-job --job-id "$job"
err x_desc_deny AccessDeniedException "other account: describe-signing-job of a job it has nothing to do with"
as_other x_revoke_deny signer revoke-signature --job-id "$sp1_job" --job-owner $account --reason x
err x_revoke_deny AccessDeniedException "other account: revoke-signature without a permission"
as_other x_list signer list-signing-profiles
js x_list "other account: list-signing-profiles shows none of the first account's" "d['profiles'] == []"
cli x_grant signer add-profile-permission --profile-name oci_shared --action signer:SignPayload \
  --principal $other_account --statement-id ci-sign
ok x_grant "add-profile-permission --action signer:SignPayload --principal $other_account"
as_other x_sign signer sign-payload --profile-name oci_shared --profile-owner $account \
  --payload "fileb://$work/payload.json" --payload-format $payload_format
js x_sign "other account: sign-payload --profile-owner with the permission" \
  "d['jobOwner'] == '$account' and d['signature']"
if [[ $(<"$r/x_sign.rc") == 0 ]]; then
  check_envelope x_sign "$work/env-x" "$arn_prefix:/signing-profiles/oci_shared/$v_shared" 4108
fi
as_other x_sign_own signer sign-payload --profile-name oci_shared \
  --payload "fileb://$work/payload.json" --payload-format $payload_format
err x_sign_own ResourceNotFoundException "other account: sign-payload without --profile-owner (its own account)"
as_other x_sign_months signer sign-payload --profile-name oci_months --profile-owner $account \
  --payload "fileb://$work/payload.json" --payload-format $payload_format
js x_sign_months "other account: a permission granted before the restart still works" \
  "d['jobOwner'] == '$account'"
x_job=$(val x_sign "d['jobId']")
x_job_months=$(val x_sign_months "d['jobId']")
as_other x_desc signer describe-signing-job --job-id "$x_job"
js x_desc "other account: describe-signing-job of the job it invoked" \
  "d['jobOwner'] == '$account' and d['jobInvoker'] == '$other_account' and
   d['requestedBy'] == 'arn:aws:iam::$other_account:user/ci' and d['status'] == 'Succeeded'"
cli x_jobs signer list-signing-jobs --job-invoker $other_account
js x_jobs "owner: list-signing-jobs --job-invoker $other_account" \
  "sorted(j['jobId'] for j in d['jobs']) == sorted(['$x_job', '$x_job_months'])"
echo "== cross-account"
cat "$log"

passed=$(cat "$work"/logs/* | grep -c '^PASS:')
failed=$(cat "$work"/logs/* | grep -c '^FAIL:')
echo "$passed passed, $failed failed ($which_cli: $("$AWS" --version 2>&1 | cut -d' ' -f1))"
[[ $failed -eq 0 && $passed -gt 0 ]]
