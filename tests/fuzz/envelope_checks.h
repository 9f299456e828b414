// Invariants shared by the JWS and COSE envelope fuzz targets: what any EnvelopeContent that a
// parser returns must satisfy (signature_envelope.h, jws_envelope.h, cose_envelope.h).
#pragma once

#include <set>
#include <string>

#include "fuzz_check.h"
#include "notary/signature_envelope.h"

namespace signet::fuzz {

inline void CheckEnvelopeContent(const notary::EnvelopeContent& content,
                                 std::string_view media_type) {
  SIGNET_FUZZ_CHECK(content.media_type == media_type);
  SIGNET_FUZZ_CHECK(!content.certificate_chain.empty());
  SIGNET_FUZZ_CHECK(content.certificate_chain.size() <= notary::kMaxCertificateChainLength);
  SIGNET_FUZZ_CHECK(!content.signature.empty());
  SIGNET_FUZZ_CHECK(!content.signed_bytes.empty());
  SIGNET_FUZZ_CHECK(content.payload_content_type == notary::kPayloadContentType);
  const auto& attributes = content.signed_attributes;
  SIGNET_FUZZ_CHECK(!attributes.expiry || *attributes.expiry > attributes.signing_time);
  std::set<std::string> keys;
  for (const auto& attribute : attributes.extended_attributes) {
    SIGNET_FUZZ_CHECK(keys.insert(attribute.key).second);
    SIGNET_FUZZ_CHECK(attributes.Find(attribute.key) != nullptr);
  }
}

inline bool SameEnvelopeContent(const notary::EnvelopeContent& a,
                                const notary::EnvelopeContent& b) {
  return a.media_type == b.media_type && a.signed_attributes.scheme == b.signed_attributes.scheme &&
         a.signed_attributes.signing_time == b.signed_attributes.signing_time &&
         a.signed_attributes.expiry == b.signed_attributes.expiry &&
         a.signed_attributes.extended_attributes == b.signed_attributes.extended_attributes &&
         a.unsigned_attributes.timestamp_token == b.unsigned_attributes.timestamp_token &&
         a.unsigned_attributes.signing_agent == b.unsigned_attributes.signing_agent &&
         a.algorithm == b.algorithm && a.certificate_chain == b.certificate_chain &&
         a.signature == b.signature && a.signed_bytes == b.signed_bytes &&
         a.payload_content_type == b.payload_content_type && a.payload == b.payload;
}

}  // namespace signet::fuzz
