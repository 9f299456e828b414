// `signet list image REF`: the Notary Project signatures of an image, as `notation list` shows
// them, with what each says about itself (nothing is verified: `signet verify image` decides).
//
// Table: one row per signature manifest — digest, created, profile version, job, signing time,
// expiry (or the reason it could not be read). `--output json`: {"image": {reference, digest,
// mediaType, size}, "signatures": [{digest, created, envelopeMediaType, signingProfileVersionArn,
// signingJobArn, signingTime, expiry, thumbprints, error}]}. Exit 0 listed (also when there is
// none), 2 usage or registry error.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/image_target.h"

namespace signet::cli {

struct ListImageOptions {
  std::string reference;
  bool json = false;
  RegistryFlags registry;
};

int RunListImage(const ListImageOptions& options, std::istream& in, std::ostream& out,
                 std::ostream& err);

}  // namespace signet::cli
