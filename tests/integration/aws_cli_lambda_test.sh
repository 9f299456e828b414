#!/usr/bin/env bash
# signetd's Lambda deployment gate driven by the real AWS CLI, v1 or v2 (issue 3 acceptance):
# packages signed with stock commands (s3api put-object -> signer start-signing-job -> signer wait
# successful-signing-job -> s3api get-object), then `aws lambda create-function --zip-file
# fileb://… --code-signing-config-arn …` under Enforce and Warn, checked by the exact exception
# name the CLI prints: signed deploys and reports its profile version and job; unsigned blocked
# under Enforce and deployed with a logged warning under Warn; one flipped byte blocked under
# both; a profile not in the config blocked; a revoked job blocked; a profile revoked effective
# before the signing time blocked while an earlier signature still deploys; an unsigned layer on
# a signed function blocked; 21 publishers refused; a config in use cannot be deleted; an expired
# signature blocked (signetd and the CLI run under faketime two days ahead for that step).
#
# Usage: aws_cli_lambda_test.sh SIGNETD v1|v2
#   v1: the first `aws` on PATH that reports aws-cli/1.x (SKIP, exit 0, when there is none)
#   v2: the `aws` of Debian's package awscli (FAIL when it is not installed)
set -uo pipefail
if [[ $# -ne 2 || ($2 != v1 && $2 != v2) ]]; then
  echo "usage: $0 SIGNETD v1|v2" >&2
  exit 2
fi
signetd=$1
which_cli=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
helper=$here/aws_cli_signer_helper.py
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)

# --- The CLI under test (as aws_cli_signer_test.sh finds it) ---------------------------------------
AWS=""
if [[ $which_cli == v1 ]]; then
  while IFS= read -r candidate; do
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
    exit 0
  fi
  client_rc=255
else
  AWS=$(dpkg -L awscli 2>/dev/null | grep -E '/bin/aws$' | head -n 1)
  if [[ -z $AWS || ! -x $AWS ]]; then
    echo "FAIL: AWS CLI v2 not found: Debian package awscli is not installed" \
      "(scripts/install-deps.sh --test must install it)"
    exit 1
  fi
  client_rc=254
fi
echo "CLI: $AWS ($("$AWS" --version 2>&1))"
if ! compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null; then
  echo "FAIL: libfaketime not found (Debian package faketime; scripts/install-deps.sh --test)"
  exit 1
fi

# --- Scratch space, environment and cleanup ---------------------------------------------------------
work=$(mktemp -d)
data=$work/data
r=$work/results
mkdir -p "$r" "$work/home"
export R=$r
daemon_pid=""
stop_signetd() {
  if [[ -n $daemon_pid ]]; then
    kill -TERM "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
    daemon_pid=""
  fi
}
cleanup() {
  stop_signetd
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for v in $(compgen -e); do
  [[ $v == AWS_* ]] && unset "$v"
done
export HOME=$work/home
export AWS_SHARED_CREDENTIALS_FILE=$data/credentials AWS_CONFIG_FILE=$data/config
export AWS_MAX_ATTEMPTS=1 AWS_PAGER="" AWS_DEFAULT_OUTPUT=json AWS_EC2_METADATA_DISABLED=true
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

passed=0
failed=0
pass() {
  echo "PASS: $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL: $1"
  failed=$((failed + 1))
  shift
  local f
  for f in "$@"; do
    [[ -s $f ]] && head -c 3000 "$f" | sed 's/^/    /'
  done
  return 0
}

# with_clock OFFSET COMMAND...: COMMAND with libfaketime preloaded, its clock OFFSET ahead ("+2d";
# empty: the real clock). Preloaded directly, not through the faketime wrapper, so that a
# background COMMAND's pid is its own (the wrapper would leave it running when killed).
with_clock() {
  local offset=$1
  shift
  if [[ -z $offset ]]; then
    "$@"
  else
    LD_PRELOAD='/usr/$LIB/faketime/libfaketime.so.1' FAKETIME=$offset \
      FAKETIME_DONT_FAKE_MONOTONIC=1 "$@"
  fi
}
CLOCK="" # the CLI's clock offset
cli() {
  local id=$1
  shift
  with_clock "$CLOCK" "$AWS" --endpoint-url "$endpoint" \
    --cli-connect-timeout 10 --cli-read-timeout 60 "$@" >"$r/$id.out" 2>"$r/$id.err"
  echo $? >"$r/$id.rc"
  return 0
}
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
    echo "$why"
    return 1
  fi
}
val() { "$PY" "$helper" get "$r/$1.out" "$2" 2>/dev/null; }

# start_signetd [FAKETIME_OFFSET]
start_signetd() {
  : >"$work/signetd.out"
  local -a env=()
  # Under AddressSanitizer a preloaded library must be let in ahead of the ASan runtime.
  [[ -n ${1:-} ]] && env=(LD_PRELOAD='/usr/$LIB/faketime/libfaketime.so.1' FAKETIME="$1"
    FAKETIME_DONT_FAKE_MONOTONIC=1
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")
  # Started directly (not through a function) so that $! is signetd itself.
  env "${env[@]}" "$signetd" --data-dir "$data" --listen 127.0.0.1:0 --log-level warn \
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

start_signetd || exit 1
echo "signetd at $endpoint"
role=arn:aws:iam::000000000000:role/lambda-run
bucket=packages

# --- Fixtures: packages, profiles, signatures ---------------------------------------------------------
mkdir -p "$work/src" "$work/layer/python"
printf 'def handler(event, context):\n    return "%s"\n' "$(head -c 300 /dev/zero | tr '\0' A)" \
  >"$work/src/index.py"
(cd "$work/src" && zip -q -0 ../app.zip index.py)
echo 'VALUE = 1' >"$work/layer/python/lib.py"
(cd "$work/layer" && zip -q -r ../layer.zip python)

cli mb s3api create-bucket --bucket $bucket
ok mb "s3api create-bucket $bucket"
cli vers s3api put-bucket-versioning --bucket $bucket --versioning-configuration Status=Enabled
ok vers "s3api put-bucket-versioning"
for p in publisher:default outsider:default shortlived:short revocable:default; do
  name=${p%%:*}
  if [[ ${p#*:} == short ]]; then
    cli "prof_$name" signer put-signing-profile --profile-name "$name" \
      --platform-id AWSLambda-SHA384-ECDSA --signature-validity-period value=1,type=DAYS
  else
    cli "prof_$name" signer put-signing-profile --profile-name "$name" \
      --platform-id AWSLambda-SHA384-ECDSA
  fi
  js "prof_$name" "signer put-signing-profile $name" "d['profileVersionArn'].startswith(d['arn'])"
done
pv_publisher=$(val prof_publisher "d['profileVersionArn']")
pv_outsider=$(val prof_outsider "d['profileVersionArn']")
pv_short=$(val prof_shortlived "d['profileVersionArn']")
pv_revocable=$(val prof_revocable "d['profileVersionArn']")

# sign ID PROFILE IN OUT: the stock pipeline; the signing job id is left in $work/ID.job.
sign() {
  local id=$1 profile=$2 in=$3 out=$4 vid key
  cli "${id}_put" s3api put-object --bucket $bucket --key "in/$id.zip" --body "$in"
  vid=$(val "${id}_put" "d['VersionId']")
  cli "${id}_start" signer start-signing-job --profile-name "$profile" \
    --source "s3={bucketName=$bucket,key=in/$id.zip,version=$vid}" \
    --destination "s3={bucketName=$bucket,prefix=signed/}"
  job=$(val "${id}_start" "d['jobId']")
  echo "$job" >"$work/$id.job"
  cli "${id}_wait" signer wait successful-signing-job --job-id "$job"
  cli "${id}_desc" signer describe-signing-job --job-id "$job"
  key=$(val "${id}_desc" "d['signedObject']['s3']['key']")
  cli "${id}_get" s3api get-object --bucket $bucket --key "$key" "$out"
  ok "${id}_get" "signed $id with $profile (job $job)" >"$work/$id.log"
}
# Independent pipelines run concurrently (each CLI call is mostly Python start-up).
signers=()
sign app publisher "$work/app.zip" "$work/app-signed.zip" &
signers+=($!)
sign outsider outsider "$work/app.zip" "$work/outsider-signed.zip" &
signers+=($!)
sign short shortlived "$work/app.zip" "$work/short-signed.zip" &
signers+=($!)
sign layer publisher "$work/layer.zip" "$work/layer-signed.zip" &
signers+=($!)
sign revoked publisher "$work/app.zip" "$work/revoked-signed.zip" &
signers+=($!)
sign early revocable "$work/app.zip" "$work/early-signed.zip"
for p in "${signers[@]}"; do wait "$p"; done
for id in app outsider short layer revoked early; do
  if grep -q "^PASS" "$work/$id.log" 2>/dev/null; then
    cat "$work/$id.log"
    passed=$((passed + 1))
  else
    fail "signing $id" "$work/$id.log" "$r/${id}_start.err" "$r/${id}_wait.err" "$r/${id}_get.err"
  fi
done
job_app=$(<"$work/app.job")
job_revoked=$(<"$work/revoked.job")
sleep 2
effective=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 2
sign late revocable "$work/app.zip" "$work/late-signed.zip"
cat "$work/late.log"
grep -q "^PASS" "$work/late.log" && passed=$((passed + 1)) || failed=$((failed + 1))
# One flipped byte inside the function's code (the stored, uncompressed index.py).
"$PY" -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"AAAAAAAAAA") + 5
b[i] ^= 0x01
open(sys.argv[2], "wb").write(b)' "$work/app-signed.zip" "$work/tampered.zip"

# --- Code signing configs ------------------------------------------------------------------------
cli csc_enforce lambda create-code-signing-config --description "production publishers" \
  --allowed-publishers "SigningProfileVersionArns=$pv_publisher,$pv_short,$pv_revocable" \
  --code-signing-policies UntrustedArtifactOnDeployment=Enforce
js csc_enforce "create-code-signing-config (Enforce): csc- id, ARN, publishers" \
  "re.fullmatch('csc-[a-z0-9]{17}', d['CodeSigningConfig']['CodeSigningConfigId']) and
   d['CodeSigningConfig']['CodeSigningConfigArn'] ==
     'arn:aws:lambda:us-east-1:000000000000:code-signing-config:' +
     d['CodeSigningConfig']['CodeSigningConfigId'] and
   d['CodeSigningConfig']['CodeSigningPolicies']['UntrustedArtifactOnDeployment'] == 'Enforce' and
   len(d['CodeSigningConfig']['AllowedPublishers']['SigningProfileVersionArns']) == 3"
enforce=$(val csc_enforce "d['CodeSigningConfig']['CodeSigningConfigArn']")
cli csc_warn lambda create-code-signing-config \
  --allowed-publishers "SigningProfileVersionArns=$pv_publisher"
js csc_warn "create-code-signing-config without a policy: Warn" \
  "d['CodeSigningConfig']['CodeSigningPolicies']['UntrustedArtifactOnDeployment'] == 'Warn'"
warn=$(val csc_warn "d['CodeSigningConfig']['CodeSigningConfigArn']")
arns21=$("$PY" -c "print(','.join(['$pv_publisher'] * 21))")
cli csc_21 lambda create-code-signing-config --allowed-publishers "SigningProfileVersionArns=$arns21"
err csc_21 InvalidParameterValueException "create-code-signing-config with 21 publishers"
cli csc_get lambda get-code-signing-config --code-signing-config-arn "$enforce"
js csc_get "get-code-signing-config" "d['CodeSigningConfig']['Description'] == 'production publishers'"
cli csc_list lambda list-code-signing-configs
js csc_list "list-code-signing-configs lists both" "len(d['CodeSigningConfigs']) == 2"
cli csc_missing lambda get-code-signing-config \
  --code-signing-config-arn arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0000000000000000a
err csc_missing ResourceNotFoundException "get-code-signing-config of an unknown config"

# create ID NAME ZIP CSC [ARGS...]
create() {
  local id=$1 name=$2 zip=$3 csc=$4
  shift 4
  cli "$id" lambda create-function --function-name "$name" --runtime python3.12 --role $role \
    --handler index.handler --zip-file "fileb://$zip" --code-signing-config-arn "$csc" "$@"
}

# --- The checks ---------------------------------------------------------------------------------
create signed signed-fn "$work/app-signed.zip" "$enforce"
js signed "signed function deploys under Enforce and reports its profile version and job" \
  "d['FunctionName'] == 'signed-fn' and d['SigningProfileVersionArn'] == '$pv_publisher' and
   d['SigningJobArn'] == 'arn:aws:signer:us-east-1:000000000000:/signing-jobs/$job_app' and
   d['CodeSize'] == $(stat -c %s "$work/app-signed.zip") and d['PackageType'] == 'Zip'"
cli get_signed lambda get-function-configuration --function-name signed-fn
js get_signed "get-function-configuration reports the signer" \
  "d['SigningProfileVersionArn'] == '$pv_publisher' and d['SigningJobArn'].endswith('$job_app')"
create unsigned_enforce unsigned-fn "$work/app.zip" "$enforce"
err unsigned_enforce CodeVerificationFailedException "unsigned package under Enforce"
create unsigned_warn unsigned-fn "$work/app.zip" "$warn"
js unsigned_warn "unsigned package under Warn deploys" "d['FunctionName'] == 'unsigned-fn'"
if cat "$work/signetd.out" "$work/signetd.log" |
  grep -q "code signing warning.*function=unsigned-fn.*check=mismatch.*profile_version="; then
  pass "the Warn deployment is logged with function and check"
else
  fail "no warning logged for unsigned-fn" "$work/signetd.out" "$work/signetd.log"
fi
create tampered_enforce tampered-fn "$work/tampered.zip" "$enforce"
err tampered_enforce InvalidCodeSignatureException "one flipped byte under Enforce"
create tampered_warn tampered-fn "$work/tampered.zip" "$warn"
err tampered_warn InvalidCodeSignatureException "one flipped byte under Warn"
create outsider outsider-fn "$work/outsider-signed.zip" "$enforce"
err outsider CodeVerificationFailedException "signed by a profile not in the config"
cli revoke signer revoke-signature --job-id "$job_revoked" --reason "key leaked"
ok revoke "signer revoke-signature"
create revoked revoked-fn "$work/revoked-signed.zip" "$enforce"
err revoked CodeVerificationFailedException "signature of a revoked job"
if grep -qF "Failed check: revocation" "$r/revoked.err"; then
  pass "the message names the revocation check"
else
  fail "revocation not named" "$r/revoked.err"
fi
v_revocable=${pv_revocable##*/}
cli revoke_profile signer revoke-signing-profile --profile-name revocable \
  --profile-version "$v_revocable" --effective-time "$effective" --reason compromise
ok revoke_profile "signer revoke-signing-profile --effective-time between two signatures"
create late late-fn "$work/late-signed.zip" "$enforce"
err late CodeVerificationFailedException "signed after the profile's revocation took effect"
create early early-fn "$work/early-signed.zip" "$enforce"
js early "signed before the revocation's effective time still deploys" \
  "d['SigningProfileVersionArn'] == '$pv_revocable'"

# --- Layers ----------------------------------------------------------------------------------------
cli layer_unsigned lambda publish-layer-version --layer-name deps --zip-file "fileb://$work/layer.zip" \
  --compatible-runtimes python3.12
js layer_unsigned "publish-layer-version (unsigned): version 1" \
  "d['Version'] == 1 and d['LayerVersionArn'].endswith(':layer:deps:1') and
   'SigningProfileVersionArn' not in d['Content']"
unsigned_layer=$(val layer_unsigned "d['LayerVersionArn']")
cli layer_signed lambda publish-layer-version --layer-name deps \
  --zip-file "fileb://$work/layer-signed.zip"
js layer_signed "publish-layer-version (signed): version 2 reports its signer" \
  "d['Version'] == 2 and d['Content']['SigningProfileVersionArn'] == '$pv_publisher'"
signed_layer=$(val layer_signed "d['LayerVersionArn']")
create with_unsigned_layer layered-fn "$work/app-signed.zip" "$enforce" --layers "$unsigned_layer"
err with_unsigned_layer CodeVerificationFailedException "unsigned layer on a signed function"
create with_signed_layer layered-fn "$work/app-signed.zip" "$enforce" --layers "$signed_layer"
js with_signed_layer "signed layer on a signed function deploys" \
  "d['Layers'][0]['Arn'] == '$signed_layer' and
   d['Layers'][0]['SigningProfileVersionArn'] == '$pv_publisher'"
cli layers_list lambda list-layer-versions --layer-name deps
js layers_list "list-layer-versions: newest first" \
  "[v['Version'] for v in d['LayerVersions']] == [2, 1]"
cli layer_get lambda get-layer-version --layer-name deps --version-number 1
js layer_get "get-layer-version" "d['Version'] == 1 and d['Content']['CodeSize'] > 0"

# --- Configs in use, per-function configs, S3 code, images --------------------------------------------
cli del_in_use lambda delete-code-signing-config --code-signing-config-arn "$enforce"
err del_in_use ResourceConflictException "delete-code-signing-config of a config in use"
cli by_csc lambda list-functions-by-code-signing-config --code-signing-config-arn "$enforce"
js by_csc "list-functions-by-code-signing-config" \
  "sorted(a.split(':')[-1] for a in d['FunctionArns']) == ['early-fn', 'layered-fn', 'signed-fn']"
cli fn_csc lambda get-function-code-signing-config --function-name signed-fn
js fn_csc "get-function-code-signing-config" \
  "d['CodeSigningConfigArn'] == '$enforce' and d['FunctionName'] == 'signed-fn'"
cli update_unsigned lambda update-function-code --function-name signed-fn \
  --zip-file "fileb://$work/app.zip"
err update_unsigned CodeVerificationFailedException "update-function-code with an unsigned package under Enforce"
cli put_fn_csc lambda put-function-code-signing-config --function-name unsigned-fn \
  --code-signing-config-arn "$enforce"
js put_fn_csc "put-function-code-signing-config (the deployed code is not re-checked)" \
  "d['CodeSigningConfigArn'] == '$enforce'"
cli still_there lambda get-function --function-name unsigned-fn
js still_there "a config change affects later deployments only" \
  "d['Configuration']['FunctionName'] == 'unsigned-fn'"
cli del_fn_csc lambda delete-function-code-signing-config --function-name unsigned-fn
ok del_fn_csc "delete-function-code-signing-config"
cli s3_put s3api put-object --bucket $bucket --key deploy/app.zip --body "$work/app-signed.zip"
vid=$(val s3_put "d['VersionId']")
cli from_s3 lambda create-function --function-name s3-fn --runtime python3.12 --role $role \
  --handler index.handler --code "S3Bucket=$bucket,S3Key=deploy/app.zip,S3ObjectVersion=$vid" \
  --code-signing-config-arn "$enforce"
js from_s3 "create-function from the embedded bucket under Enforce" \
  "d['SigningProfileVersionArn'] == '$pv_publisher'"
cli image lambda create-function --function-name image-fn --role $role --package-type Image \
  --code ImageUri=000000000000.dkr.ecr.us-east-1.amazonaws.com/app:1 \
  --code-signing-config-arn "$enforce"
err image InvalidParameterValueException "a container-image function under a config"
cli missing lambda get-function --function-name no-such-fn
err missing ResourceNotFoundException "get-function of an unknown function"
cli exists lambda create-function --function-name signed-fn --runtime python3.12 --role $role \
  --handler index.handler --zip-file "fileb://$work/app-signed.zip"
err exists ResourceConflictException "create-function of an existing name"
cli list_fns lambda list-functions --max-items 2
js list_fns "list-functions pages (--max-items 2)" "len(d['Functions']) == 2 and d.get('NextToken')"
cli warn_update lambda update-code-signing-config --code-signing-config-arn "$warn" \
  --code-signing-policies UntrustedArtifactOnDeployment=Enforce
js warn_update "update-code-signing-config to Enforce" \
  "d['CodeSigningConfig']['CodeSigningPolicies']['UntrustedArtifactOnDeployment'] == 'Enforce'"
cli del_fn lambda delete-function --function-name unsigned-fn
ok del_fn "delete-function"
cli del_csc lambda delete-code-signing-config --code-signing-config-arn "$warn"
ok del_csc "delete-code-signing-config of a config no function uses"

# --- Expiry: two days later, the one-day signature has expired ---------------------------------------
stop_signetd
start_signetd "+2d" || exit 1
CLOCK="+2d"
create expired expired-fn "$work/short-signed.zip" "$enforce"
err expired CodeVerificationFailedException "expired signature under Enforce (clock +2 days)"
if grep -qF "Failed check: expiry" "$r/expired.err"; then
  pass "the message names the expiry check"
else
  fail "expiry not named" "$r/expired.err"
fi
create still_valid valid-fn "$work/app-signed.zip" "$enforce"
js still_valid "a signature of the default validity still deploys two days later" \
  "d['FunctionName'] == 'valid-fn'"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
