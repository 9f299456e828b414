#include "machine_limits.h"

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

namespace signet::bench {
namespace {

std::string Run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  return out;
}

// The rate on the machine-readable line "+F:<idx>:sha384:<bytes/s>"; 0 when there is none.
double ParseSha384(std::istream& output) {
  double result = 0;
  for (std::string line; std::getline(output, line);) {
    unsigned idx;
    char name[32];
    double bytes_per_s;
    if (std::sscanf(line.c_str(), "+F:%u:%31[^:]:%lf", &idx, name, &bytes_per_s) == 3) {
      result = bytes_per_s;
    }
  }
  return result;
}

// `openssl speed ecdsap384` (sign, then verify, about `seconds` each) into `limits`; false if
// openssl is missing or its machine-readable line "+F4:<idx>:384:<sign/s>:<verify/s>" is not there.
bool MeasureEcdsaP384(int seconds, MachineLimits* limits) {
  std::istringstream ec(
      Run("openssl speed -mr -seconds " + std::to_string(seconds) + " ecdsap384 2>/dev/null"));
  for (std::string line; std::getline(ec, line);) {
    unsigned idx, bits;
    double sign, verify;
    if (std::sscanf(line.c_str(), "+F4:%u:%u:%lf:%lf", &idx, &bits, &sign, &verify) == 4 &&
        bits == 384) {
      limits->ecdsa_p384_sign_per_s = sign;
      limits->ecdsa_p384_verify_per_s = verify;
    }
  }
  return limits->ecdsa_p384_sign_per_s > 0;
}

}  // namespace

std::optional<MachineLimits> MeasureMachineLimits(int seconds) {
  MachineLimits limits;
  if (!MeasureEcdsaP384(seconds, &limits)) return std::nullopt;
  std::istringstream sha(Run("openssl speed -mr -seconds " + std::to_string(seconds) +
                             " -bytes 1048576 -evp sha384 2>/dev/null"));
  limits.sha384_bytes_per_s = ParseSha384(sha);
  if (limits.sha384_bytes_per_s <= 0) return std::nullopt;
  return limits;
}

std::optional<double> MeasureEcdsaP384SignPerSecond(int seconds) {
  MachineLimits limits;
  if (!MeasureEcdsaP384(seconds, &limits)) return std::nullopt;
  return limits.ecdsa_p384_sign_per_s;
}

std::optional<double> MeasureSha384BytesPerSecond(int seconds) {
  std::istringstream sha(Run("openssl speed -mr -elapsed -seconds " + std::to_string(seconds) +
                             " -bytes 1048576 -evp sha384 2>/dev/null"));
  const double result = ParseSha384(sha);
  if (result <= 0) return std::nullopt;
  return result;
}

}  // namespace signet::bench
