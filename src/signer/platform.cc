#include "signer/platform.h"

namespace signet::signer {

const std::vector<SigningPlatform>& SigningPlatforms() {
  static const std::vector<SigningPlatform> platforms = {
      SigningPlatform{
          .platform_id = std::string(kLambdaPlatformId),
          .display_name = "AWS Lambda",
          .partner = "AWSLambda",
          .target = "SHA384-ECDSA",
          .category = "AWSIoT",
          .encryption_algorithms = {"ECDSA"},
          .hash_algorithms = {"SHA384"},
          .image_formats = {"JSONDetached"},
          .max_size_mb = 250,
          .revocation_supported = true,
          .kind = PlatformKind::kZipPackage,
      },
      SigningPlatform{
          .platform_id = std::string(kNotationPlatformId),
          .display_name = "Notation for OCI container images",
          .partner = "Notation",
          .target = "SHA384-ECDSA",
          .category = "AWSIoT",
          .encryption_algorithms = {"ECDSA"},
          .hash_algorithms = {"SHA384"},
          .image_formats = {"JSONEmbedded"},
          .max_size_mb = 0,
          .revocation_supported = true,
          .kind = PlatformKind::kNotaryPayload,
      },
  };
  return platforms;
}

const SigningPlatform* FindSigningPlatform(std::string_view platform_id) {
  for (const SigningPlatform& p : SigningPlatforms()) {
    if (p.platform_id == platform_id) return &p;
  }
  return nullptr;
}

}  // namespace signet::signer
