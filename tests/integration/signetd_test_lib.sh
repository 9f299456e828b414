# Shared by the integration test scripts: checks and their counts, an environment that keeps the
# CLIs off the caller's settings, signetd on a free loopback port, and the AWS CLI v2 against it.
# Sourcing it only defines (and zeroes $passed and $failed); the functions use
#   $work  a scratch directory      $data  signetd's data directory      $signetd  its binary
#
#   check NAME COMMAND...        runs COMMAND; PASS/FAIL NAME, counted in $passed / $failed
#   pass NAME, fail NAME         print and count one result
#   expect NAME RC PATTERN -- COMMAND...
#                                COMMAND exits RC and its stdout+stderr match the ERE PATTERN
#                                (empty: anything); stdout stays in $work/last.out, stderr in
#                                $work/last.err; names are prefixed by "$setup: " when $setup is
#                                set; TEST_VERBOSE=1 shows what passing commands printed
#   die MESSAGE                  prints FAIL and signetd's log tail, exits 1
#   isolate_env                  unsets AWS_*, SIGNET_*, NOTATION_*, DOCKER_*, SSL_* and proxies;
#                                HOME in $work; the AWS CLI reads $data's credentials and config
#   find_aws_v2                  sets $AWS to the AWS CLI v2 (Debian's awscli), or to "" if absent
#   start_signetd ARGS...        signetd --data-dir $data on 127.0.0.1:0 (stdout in
#                                $work/signetd.out, log in $work/signetd.log); sets $endpoint
#                                (http or https) and $daemon_pid; dies if it does not start
#   stop_signetd                 SIGTERM to $daemon_pid and waits for it (also for EXIT traps)
#   wait_listening FILE PID      prints the URL signetd (PID) announces in FILE; fails if it exits
#                                or 15 s pass
#   aws_ ARGS...                 $AWS against $endpoint

passed=0
failed=0
daemon_pid=""
endpoint=""

pass() {
  echo "PASS: $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL: $1"
  failed=$((failed + 1))
}

check() {  # check NAME COMMAND...
  if "${@:2}"; then pass "$1"; else fail "$1"; fi
}

expect() {  # expect NAME RC PATTERN -- COMMAND...
  local name=${setup:+$setup: }$1 want_rc=$2 pattern=$3
  shift 4
  local rc
  "$@" >"$work/last.out" 2>"$work/last.err"
  rc=$?
  if [[ $rc -eq $want_rc ]] && output_matches "$pattern"; then
    pass "$name"
    [[ -n ${TEST_VERBOSE:-} ]] && cat "$work/last.out" "$work/last.err" | head -c 3000 | sed 's/^/    /'
  else
    fail "$name: exit $rc (want $want_rc), output should match /$pattern/:"
    cat "$work/last.out" "$work/last.err" | head -c 3000 | sed 's/^/    /'
  fi
  return 0
}

# output_matches PATTERN: a line of $work/last.{out,err} matches; no output at all is one empty
# line (so "^$" means "prints nothing").
output_matches() {
  [[ -z $1 ]] && return 0
  if [[ -s $work/last.out || -s $work/last.err ]]; then
    grep -qE -- "$1" "$work/last.out" "$work/last.err"
  else
    grep -qE -- "$1" <<<""
  fi
}

die() {
  echo "FAIL: $*"
  [[ -f $work/signetd.log ]] && tail -n 20 "$work/signetd.log"
  exit 1
}

isolate_env() {
  local v
  for v in $(compgen -e); do
    [[ $v == AWS_* || $v == SIGNET_* || $v == NOTATION_* || $v == DOCKER_* || $v == SSL_* ]] && unset "$v"
  done
  mkdir -p "$work/home"
  export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config
  export AWS_SHARED_CREDENTIALS_FILE=$data/credentials AWS_CONFIG_FILE=$data/config
  export AWS_MAX_ATTEMPTS=1 AWS_PAGER="" AWS_DEFAULT_OUTPUT=json AWS_EC2_METADATA_DISABLED=true
  export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
}

find_aws_v2() {
  AWS=$(dpkg -L awscli 2>/dev/null | grep -E '/bin/aws$' | head -n 1)
}

wait_listening() {  # wait_listening FILE PID
  local url i
  for ((i = 0; i < 150; i++)); do
    url=$(sed -n 's|^signetd listening on \(https\?://127\.0\.0\.1:[0-9]*\)$|\1|p' "$1")
    [[ -n $url ]] && { echo "$url"; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

start_signetd() {  # start_signetd ARGS...
  : >"$work/signetd.out"  # now, not when the background job gets to its redirection
  "$signetd" --data-dir "$data" --listen 127.0.0.1:0 --log-level warn "$@" \
    >"$work/signetd.out" 2>"$work/signetd.log" &
  daemon_pid=$!
  endpoint=$(wait_listening "$work/signetd.out" "$daemon_pid") && return 0
  cat "$work/signetd.out"
  die "signetd did not start"
}

stop_signetd() {
  [[ -n $daemon_pid ]] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  daemon_pid=""
}

aws_() { "$AWS" --endpoint-url "$endpoint" --cli-connect-timeout 10 --cli-read-timeout 60 "$@"; }
