#!/usr/bin/env bash
# Installs the Debian packages signet needs to build, run and test. Idempotent: packages that
# are already installed are not touched, and apt-get runs only when something is missing.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the tests and benchmarks start (unzip, openssl, ...)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libssl-dev openssl nlohmann-json3-dev libcpp-httplib-dev libsqlite3-dev libzip-dev
  libcli11-dev libspdlog-dev
)
if [[ "${1:-}" == "--test" ]]; then
  # awscli: the AWS CLI v2 as the API's client. faketime: the Lambda test's expired signature.
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev zip unzip python3 awscli faketime)
  # The OCI registry the image tests start (distribution 2.8), the tools that build and push test
  # images, htpasswd for its basic-auth set-up, curl to wait for it.
  packages+=(docker-registry skopeo umoci apache2-utils curl)
  # wrk: bench/admission_bench.sh posts AdmissionReviews under load.
  packages+=(wrk)
  # prometheus: its promtool checks the /metrics scrape (tests/integration/metering_test.py).
  packages+=(prometheus)
  # python3-yaml: tests/integration/pipelines_test.py and kubernetes_manifests_test.py parse
  # deploy/pipelines/ and deploy/kubernetes/.
  packages+=(python3-yaml)
  # npm (with Node.js) for the AWS SDK for JavaScript tests; a Node.js installed another way
  # (e.g. NodeSource, which bundles npm) is used as it is.
  if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
