// The machine's own limits, measured with `openssl speed` in the same run as a benchmark
// (DESIGN.md §10), so results are reported as ratios that mean the same on any machine.
#pragma once

#include <optional>

namespace signet::bench {

struct MachineLimits {
  double ecdsa_p384_sign_per_s = 0;    // openssl speed ecdsap384, one core
  double ecdsa_p384_verify_per_s = 0;
  double sha384_bytes_per_s = 0;       // openssl speed -evp sha384, 1 MiB blocks, one core
};

// Runs `openssl speed` (about 2 × `seconds`); nullopt if openssl is missing or its output changed.
std::optional<MachineLimits> MeasureMachineLimits(int seconds);

// `openssl speed ecdsap384` alone (sign, then verify, about `seconds` each): sign/s on one core,
// to set beside a rate of signet's measured right before or after. nullopt on failure.
std::optional<double> MeasureEcdsaP384SignPerSecond(int seconds);

// `openssl speed -elapsed -evp sha384` alone (1 MiB blocks, one core, about `seconds`): bytes per
// second of wall-clock time, to set beside a wall-clock rate of signet's measured right after.
// (Without -elapsed, openssl divides by its CPU time, which a busy machine does not slow down.)
// nullopt on failure.
std::optional<double> MeasureSha384BytesPerSecond(int seconds);

}  // namespace signet::bench
