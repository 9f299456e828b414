#!/usr/bin/env bash
# Installs what signet needs, builds it, and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DSIGNET_BUILD_TESTS=OFF -DSIGNET_BUILD_BENCH=OFF >/dev/null
ninja -C build signet >/dev/null
echo "signet is built: $(pwd)/build/apps/signet"
exec build/apps/signet --help
