#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test with ctest.
#   scripts/test.sh               the normal build (build/)
#   scripts/test.sh --sanitize    the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#                                 (build-asan/), except three AWS CLI suites that run in the
#                                 normal build only: the v1 ones (signetd serves v1 and v2 the
#                                 same way) and the v2 Signer suite, whose operations the AWS SDK
#                                 for JavaScript suite, the Signer API tests and the signer_api
#                                 fuzzer drive under the sanitizers too (the v2 Lambda suite does
#                                 run under them)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test

jobs=$(nproc)
exclude=()
if [[ "${1:-}" == "--sanitize" ]]; then
  build_dir=build-asan
  # -g1: line tables and function names, all a sanitizer report needs; cheaper to compile and
  # link than full debug information.
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSIGNET_SANITIZE=ON \
        -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DSIGNET_BUILD_BENCH=OFF >/dev/null
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  exclude=(-E '^(aws_cli_(signer|lambda)_v1|aws_cli_signer_v2)$')
else
  build_dir=build
  # The optimisation of the default RelWithDebInfo build without its debug information, which
  # the tests do not need and which makes every compile and link slower.
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
fi
ninja -C "$build_dir"
cd "$build_dir"
ctest --output-on-failure -j "$jobs" "${exclude[@]}"
