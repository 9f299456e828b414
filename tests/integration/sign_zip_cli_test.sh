#!/usr/bin/env bash
# `signet sign zip` and `signet verify zip --endpoint` against a real signetd, with the AWS CLI v2
# (Debian's awscli) for the profile and the revocation: sign -> verify online and offline ->
# unzip still reads it -> aws signer revoke-signature -> online verification fails on revocation,
# offline still passes; refusals (already signed, unknown profile, bad credentials, no
# credentials, missing input) print a clear message and exit nonzero without writing anything.
#
# Usage: sign_zip_cli_test.sh SIGNETD SIGNET
set -uo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 SIGNETD SIGNET" >&2
  exit 2
fi
signetd=$1
signet=$2
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3)
source "$(dirname "$(realpath "$0")")/signetd_test_lib.sh"
find_aws_v2
if [[ -z $AWS || ! -x $AWS ]]; then
  echo "FAIL: AWS CLI v2 not found: Debian package awscli is not installed"
  echo "0 passed, 1 failed"
  exit 1
fi

work=$(mktemp -d)
data=$work/data
mkdir -p "$work/src"
cleanup() {
  stop_signetd
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
isolate_env

# run ID COMMAND...: stdout, stderr and exit code kept as $work/ID.{out,err,rc}.
run() {
  local id=$1
  shift
  "$@" >"$work/$id.out" 2>"$work/$id.err"
  echo $? >"$work/$id.rc"
}
show() {
  local f
  for f in "$@"; do [[ -s $f ]] && head -c 2000 "$f" | sed 's/^/    /'; done
  return 0
}
# expect_rc ID RC DESC [PATTERN]: the run exited RC (and stdout+stderr match PATTERN).
expect_rc() {
  local id=$1 want=$2 desc=$3 pattern=${4:-}
  local rc
  rc=$(<"$work/$id.rc")
  if [[ $rc == "$want" ]] && { [[ -z $pattern ]] || cat "$work/$id.out" "$work/$id.err" | grep -qE -- "$pattern"; }; then
    pass "$desc"
  else
    fail "$desc: exit $rc (want $want)${pattern:+, output should match /$pattern/}"
    show "$work/$id.out" "$work/$id.err"
  fi
}
# json_check ID DESC EXPR: the run's stdout is JSON `d` for which the Python EXPR holds.
json_check() {
  if "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$work/$1.out" "$3" 2>"$work/$1.py"; then
    pass "$2"
  else
    fail "$2"
    show "$work/$1.out" "$work/$1.py"
  fi
}

# --- signetd on a free loopback port -------------------------------------------------------------
start_signetd
echo "signetd at $endpoint"
export SIGNET_ENDPOINT=$endpoint
root=$data/root-ca.pem

# --- Fixtures: a function package of a few MB -----------------------------------------------------
echo 'exports.handler = async () => "hello from signet sign zip";' >"$work/src/index.js"
head -c 3000000 /dev/urandom >"$work/src/vendor.bin"
(cd "$work/src" && zip -q -r ../function.zip .)

run put aws_ signer put-signing-profile --profile-name fn_signer --platform-id AWSLambda-SHA384-ECDSA
expect_rc put 0 "aws signer put-signing-profile (Lambda platform)"
version_arn=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["profileVersionArn"])' \
  "$work/put.out" 2>/dev/null)

# --- Sign, then verify online and offline ---------------------------------------------------------
run sign "$signet" sign zip "$work/function.zip" --profile fn_signer
expect_rc sign 0 "signet sign zip signs through signetd" "signing job +arn:aws:signer:"
signed=$work/function.signed.zip
if [[ -s $signed ]]; then pass "the default output is IN with .signed.zip"; else fail "no $signed"; fi
job_arn=$(sed -n 's/^ *signing job *//p' "$work/sign.out")
job_id=${job_arn##*/}
listing=$(unzip -l "$signed" 2>&1)
if [[ $listing == *vendor.bin* && $listing == *index.js* ]]; then
  pass "unzip still lists the files of the signed archive"
else
  fail "unzip cannot list the signed archive"
fi
run verify_online "$signet" verify zip "$signed" --trust-anchor "$root" --endpoint "$endpoint"
expect_rc verify_online 0 "verify zip --endpoint passes (revocation checked online)" \
  "revocation +passed"
run verify_json "$signet" verify zip "$signed" --trust-anchor "$root" --endpoint "$endpoint" \
  --allowed-profile-version "$version_arn" --output json
json_check verify_json "verify zip --output json: valid, every check reported, revocation online" \
  "d['valid'] and d['signer']['signingJobArn'] == '$job_arn' and
   {c['check']: c['status'] for c in d['checks']}['revocation'] == 'passed' and
   {'integrity', 'authenticity', 'expiry', 'revocation'} <= {c['check'] for c in d['checks']} and
   'GetRevocationStatus' in d['revocationSource']"

run describe aws_ signer describe-signing-job --job-id "$job_id"
json_check describe "describe-signing-job: Succeeded, source is the request body" \
  "d['status'] == 'Succeeded' and d['source']['s3']['bucketName'] == '(request body)' and
   d['source']['s3']['key'] == 'function.zip' and d['profileName'] == 'fn_signer'"

# The same archive deploys through the Lambda gate under Enforce, which reads the signer from it.
run csc aws_ lambda create-code-signing-config \
  --allowed-publishers "SigningProfileVersionArns=$version_arn" \
  --code-signing-policies UntrustedArtifactOnDeployment=Enforce
csc_arn=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["CodeSigningConfig"]["CodeSigningConfigArn"])' \
  "$work/csc.out" 2>/dev/null)
run deploy aws_ lambda create-function --function-name signed-by-cli --runtime nodejs20.x \
  --role arn:aws:iam::000000000000:role/lambda-role --handler index.handler \
  --zip-file "fileb://$signed" --code-signing-config-arn "$csc_arn"
json_check deploy "aws lambda create-function accepts the archive under Enforce and names its job" \
  "d['SigningJobArn'] == '$job_arn' and d['SigningProfileVersionArn'] == '$version_arn'"
run deploy_unsigned aws_ lambda create-function --function-name unsigned-by-cli \
  --runtime nodejs20.x --role arn:aws:iam::000000000000:role/lambda-role \
  --handler index.handler --zip-file "fileb://$work/function.zip" --code-signing-config-arn "$csc_arn"
expect_rc deploy_unsigned 254 "the unsigned original is blocked under Enforce" \
  "CodeVerificationFailedException"

# This signetd has only its default environment: naming another is refused, nothing signed.
run sign_env "$signet" sign zip "$work/function.zip" --profile fn_signer -o "$work/second.zip" \
  --env dev
expect_rc sign_env 1 "--env naming an environment signetd does not have is refused" \
  "unknown environment 'dev'"
run sign_json "$signet" sign zip "$work/function.zip" --profile fn_signer -o "$work/second.zip" \
  --output json
json_check sign_json "sign zip --output json prints the job (DescribeSigningJob)" \
  "d['status'] == 'Succeeded' and d['jobId'] and d['signedFile'] == '$work/second.zip' and
   d['signingJobArn'].endswith('/signing-jobs/' + d['jobId']) and
   d['signingProfileVersionArn'] == '$version_arn' and d['platformId'] == 'AWSLambda-SHA384-ECDSA'"

# --- Revocation -------------------------------------------------------------------------------------
run revoke aws_ signer revoke-signature --job-id "$job_id" --reason "key material leaked"
expect_rc revoke 0 "aws signer revoke-signature"
run revoked_online "$signet" verify zip "$signed" --trust-anchor "$root" --endpoint "$endpoint"
expect_rc revoked_online 1 "after revoke-signature, verify zip --endpoint fails on revocation" \
  "revocation +failed.*signing job $job_arn is revoked"
run revoked_json "$signet" verify zip "$signed" --trust-anchor "$root" --endpoint "$endpoint" \
  --output json
if [[ $(<"$work/revoked_json.rc") == 1 ]]; then
  json_check revoked_json "verify --output json names revocation as the failed check" \
    "not d['valid'] and d['failedCheck'] == 'revocation'"
else
  fail "verify --output json of a revoked package: exit $(<"$work/revoked_json.rc")"
fi
run revoked_offline "$signet" verify zip "$signed" --trust-anchor "$root"
expect_rc revoked_offline 0 "without --endpoint the same archive passes (revocation skipped)" \
  "revocation +skipped"
run other_job "$signet" verify zip "$work/second.zip" --trust-anchor "$root" --endpoint "$endpoint"
expect_rc other_job 0 "another job of the same profile is not revoked"

# --- Refusals ---------------------------------------------------------------------------------------
cp "$signed" "$work/again.zip"
run already "$signet" sign zip "$work/again.zip" --profile fn_signer
expect_rc already 1 "an already signed package is refused" \
  "ValidationException: .*already signed"
if [[ ! -e $work/again.signed.zip ]]; then pass "nothing written for a refused package"; else
  fail "a refused package left $work/again.signed.zip"
fi
run unknown "$signet" sign zip "$work/function.zip" --profile no_such_profile -o "$work/x.zip"
expect_rc unknown 1 "an unknown profile -> ResourceNotFoundException" "ResourceNotFoundException"
run badkey env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wrong \
  "$signet" sign zip "$work/function.zip" --profile fn_signer -o "$work/x.zip"
expect_rc badkey 1 "an unknown access key -> UnrecognizedClientException" \
  "UnrecognizedClientException"
key_id=$(sed -n 's/^aws_access_key_id *= *//p' "$data/credentials")
run badsecret env AWS_ACCESS_KEY_ID="$key_id" AWS_SECRET_ACCESS_KEY=wrong \
  "$signet" sign zip "$work/function.zip" --profile fn_signer -o "$work/x.zip"
expect_rc badsecret 1 "a wrong secret -> InvalidSignatureException" "InvalidSignatureException"
run nocreds env AWS_SHARED_CREDENTIALS_FILE="$work/none" AWS_CONFIG_FILE="$work/none" \
  "$signet" sign zip "$work/function.zip" --profile fn_signer -o "$work/x.zip"
expect_rc nocreds 2 "no credentials at all: says what to set" "no AWS credentials.*AWS_ACCESS_KEY_ID"
run noprofile "$signet" sign zip "$work/function.zip" --profile fn_signer --aws-profile ci \
  -o "$work/x.zip"
expect_rc noprofile 2 "--aws-profile naming a missing AWS profile" "profile 'ci'"
if [[ ! -e $work/x.zip ]]; then pass "no output file after any refusal"; else fail "x.zip exists"; fi
run missing "$signet" sign zip "$work/nothing.zip" --profile fn_signer
expect_rc missing 2 "a missing input file" "nothing.zip"
run unreachable "$signet" sign zip "$work/function.zip" --profile fn_signer \
  --endpoint http://127.0.0.1:1 -o "$work/x.zip"
expect_rc unreachable 2 "an unreachable endpoint" "is signetd running"
run unknown_revocation env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wrong \
  "$signet" verify zip "$work/second.zip" --trust-anchor "$root" --endpoint "$endpoint"
expect_rc unknown_revocation 1 "revocation that cannot be checked (bad credentials) is not a pass" \
  "revocation.*UnrecognizedClientException"
run help "$signet" sign zip --help
expect_rc help 0 "sign zip --help tells --profile (signing) from --aws-profile (AWS)" \
  "--aws-profile.*not the signing profile"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
