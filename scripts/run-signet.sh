#!/usr/bin/env bash
# Installs what signet needs, builds it, and runs signetd on its embedded defaults:
#   state, keys, CA and buckets under ./signet-data (SIGNET_DATA overrides), listening on
#   127.0.0.1:8700 (SIGNET_LISTEN overrides). Extra arguments go to signetd (see --help).
# The first start initialises the data directory and prints the credentials file and the
# trust anchor; stop with Ctrl-C (in-flight requests finish).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
ninja -C build signetd signet >/dev/null
data="${SIGNET_DATA:-$(pwd)/signet-data}"
listen="${SIGNET_LISTEN:-127.0.0.1:8700}"
echo "signet is built: $(pwd)/build/apps/signetd (service), $(pwd)/build/apps/signet (CLI)"
exec build/apps/signetd --data-dir "$data" --listen "$listen" "$@"
