// The signing platforms signet offers (AWS ListSigningPlatforms / GetSigningPlatform).
//
//   AWSLambda-SHA384-ECDSA     ZIP packages (StartSigningJob, `signet sign zip`), max 250 MB
//   Notation-OCI-SHA384-ECDSA  Notary payloads (SignPayload; container images)
//
// Both sign with ECDSA P-384 / SHA-384, support revocation and write the JWS envelope of
// DESIGN.md §5. The table is fixed; it is plain data, safe to share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace signet::signer {

inline constexpr std::string_view kLambdaPlatformId = "AWSLambda-SHA384-ECDSA";
inline constexpr std::string_view kNotationPlatformId = "Notation-OCI-SHA384-ECDSA";

enum class PlatformKind { kZipPackage, kNotaryPayload };

struct SigningPlatform {
  std::string platform_id;
  std::string display_name;
  std::string partner;   // "AWSLambda" | "Notation"
  std::string target;    // "SHA384-ECDSA"
  std::string category;  // "AWSIoT" is the only value of the AWS enum; AWS reports it for all
  std::vector<std::string> encryption_algorithms;  // allowed; the first is the default
  std::vector<std::string> hash_algorithms;        // allowed; the first is the default
  std::vector<std::string> image_formats;          // allowed; the first is the default
  int max_size_mb = 0;                             // 0: not reported
  bool revocation_supported = true;
  PlatformKind kind = PlatformKind::kZipPackage;
  // Largest package accepted, in bytes (max_size_mb MiB); 0 for payload platforms.
  uint64_t MaxPackageBytes() const { return static_cast<uint64_t>(max_size_mb) * 1024 * 1024; }
};

// Every platform, in listing order.
const std::vector<SigningPlatform>& SigningPlatforms();
// The platform with this exact id, or nullptr.
const SigningPlatform* FindSigningPlatform(std::string_view platform_id);

}  // namespace signet::signer
