// SignetdRevocationChecker: notary::RevocationChecker answered by signetd's GetRevocationStatus
// (GET /revocations, SigV4 service `signer`), for `signet verify zip --endpoint`.
//
// Asks about the envelope's profile version ARN and job ARN (the signer attributes signet
// writes), at its signing time, with the hash of every certificate of its chain but the root
// (hex SHA-384 of TBS(cert) || TBS(issuer), DESIGN.md §7). No answer is ever read as a pass:
// a signature without those attributes, an unreachable signetd, a refused call (credentials) or
// an unreadable answer are all Unknown, with the reason. Nothing is cached. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/aws_client.h"
#include "notary/revocation_checker.h"

namespace signet::cli {

class SignetdRevocationChecker final : public notary::RevocationChecker {
 public:
  // `platform_id` is the platform GetRevocationStatus is asked about (AWSLambda-SHA384-ECDSA for
  // function packages).
  SignetdRevocationChecker(std::unique_ptr<api::AwsClient> client, std::string platform_id)
      : client_(std::move(client)), platform_id_(std::move(platform_id)) {}

  notary::RevocationStatus Check(const notary::EnvelopeContent& content) const override;

 private:
  mutable std::mutex mu_;  // AwsClient is not thread-safe
  std::unique_ptr<api::AwsClient> client_;
  std::string platform_id_;
};

}  // namespace signet::cli
