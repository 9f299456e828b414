// Listing an image's Notary Project signatures without verifying them (`signet list image`,
// like `notation list`): each signature manifest with what its manifest and envelope say.
// Nothing here is verified; it is for showing, never for deciding.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "oci/repository.h"

namespace signet::imagesig {

struct ListedSignature {
  oci::Descriptor manifest;  // the signature manifest
  // From the manifest.
  std::optional<Timestamp> created;
  std::string envelope_media_type;
  std::vector<std::string> thumbprints;  // SHA-256 of the chain, leaf first
  // From the envelope, parsed without verifying; empty / nullopt when absent.
  std::string profile_version_arn;
  std::string job_arn;
  std::optional<Timestamp> signing_time;
  std::optional<Timestamp> expiry;
  // Set when the manifest or the envelope could not be fetched or parsed (the fields it would
  // have filled stay empty); the listing goes on.
  Status error;
};

struct SignatureList {
  oci::Descriptor image;
  bool reference_was_tag = false;
  std::vector<ListedSignature> signatures;  // in the order the referrers list gives them
};

// Errors: the reference cannot be resolved, the referrers cannot be listed.
Result<SignatureList> ListSignatures(oci::Repository& repository, std::string_view reference);

}  // namespace signet::imagesig
