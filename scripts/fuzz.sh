#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer for a bounded time.
#   scripts/fuzz.sh TARGET [SECONDS [LIBFUZZER_FLAG...]]
#   e.g. scripts/fuzz.sh jws_envelope 300
#        scripts/fuzz.sh certificate 60 -fork=1 -ignore_crashes=1   (go on past a known crash)
#
# TARGET is a file tests/fuzz/TARGET_fuzzer.cc (run without arguments for the list); SECONDS
# defaults to 60; further arguments go to libFuzzer as they are. Builds TARGET with clang,
# libFuzzer, ASan and UBSan in build-fuzz/ (the signet libraries instrumented for coverage,
# assertions on), then fuzzes it from a copy of its seed
# corpus, so tests/fuzz/corpus/ is never rewritten. What the run learns is kept in
# build-fuzz/fuzz-work/TARGET/corpus/ for the next run; crashes land in
# build-fuzz/fuzz-work/TARGET/artifacts/ and make the script fail. Pin a crash by copying its input
# into tests/fuzz/corpus/TARGET/, named after the bug: ctest replays it from then on.
#
# Installs clang's libFuzzer runtime with apt-get when it is missing (on Debian 12 it comes
# with libclang-rt-14-dev, a dependency of the clang package).
set -euo pipefail
cd "$(dirname "$0")/.."

list_targets() {
  for f in tests/fuzz/*_fuzzer.cc; do basename "$f" _fuzzer.cc; done
}

if [[ $# -lt 1 ]]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS [LIBFUZZER_FLAG...]]; targets:" $(list_targets) >&2
  exit 2
fi
target=$1
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
if [[ ! -f tests/fuzz/${target}_fuzzer.cc ]]; then
  echo "fuzz.sh: no target '$target'; targets:" $(list_targets) >&2
  exit 2
fi
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a positive whole number, not '$seconds'" >&2
  exit 2
fi

# Links a toy fuzz target: true when clang and its libFuzzer runtime are both present.
have_libfuzzer() {
  command -v clang++ >/dev/null || return 1
  local probe
  probe=$(mktemp -d)
  printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' >"$probe/p.cc"
  local ok=0
  clang++ -fsanitize=fuzzer,address "$probe/p.cc" -o "$probe/p" 2>/dev/null || ok=1
  rm -rf "$probe"
  return $ok
}

if ! have_libfuzzer; then
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  packages=(clang)
  if command -v clang++ >/dev/null; then
    major=$(clang++ -dumpversion | cut -d. -f1)
    packages+=("libclang-rt-${major}-dev")
  fi
  echo "fuzz.sh: clang's libFuzzer runtime is missing; installing ${packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}"; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
  fi
  have_libfuzzer || { echo "fuzz.sh: clang++ -fsanitize=fuzzer still does not link" >&2; exit 1; }
fi

build_dir=build-fuzz
# -O1 -g without -DNDEBUG: fast enough to fuzz, with assertions and readable stacks.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" \
      -DSIGNET_SANITIZE=ON -DSIGNET_FUZZ=ON -DSIGNET_BUILD_BENCH=OFF >/dev/null
ninja -C "$build_dir" "${target}_fuzzer"

work=$build_dir/fuzz-work/$target
mkdir -p "$work/corpus" "$work/artifacts"
cp -f tests/fuzz/corpus/"$target"/* "$work/corpus/"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "fuzz.sh: fuzzing $target for ${seconds}s; corpus $work/corpus, crashes $work/artifacts/" >&2
"$build_dir/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -timeout=30 \
  -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus"
