#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test with ctest.
#   scripts/test.sh               the normal build (build/)
#   scripts/test.sh --sanitize    the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#                                 (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test

jobs=$(nproc)
if [[ "${1:-}" == "--sanitize" ]]; then
  build_dir=build-asan
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSIGNET_SANITIZE=ON \
        -DSIGNET_BUILD_BENCH=OFF >/dev/null
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build_dir=build
  cmake -S . -B "$build_dir" -G Ninja >/dev/null
fi
ninja -C "$build_dir"
cd "$build_dir"
ctest --output-on-failure -j "$jobs"
