// CertificateAuthority: the installation's root CA and issuing CA (DESIGN.md §4), and the
// issuing of one code-signing leaf per signing profile version.
//
// The CA keys live in the KeyStore (they never leave it); their certificates live in `dir`:
//   dir/root-ca.pem      the self-signed root (P-384, 30 years): the trust anchor users install
//   dir/issuing-ca.pem   the issuing CA under the root (P-384, 20 years)
//   dir/ca.json          {"rootKeyId": …, "issuingKeyId": …} (key ids in the KeyStore)
// Open() creates all three on first use (atomically: nothing is written until both keys and
// certificates exist) and loads them afterwards. Thread-safe after Open.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/signer.h"
#include "keys/key_store.h"

namespace signet::signer {

struct CaOptions {
  std::string organization = "signet";
  // Common names. Two installations still differ: their keys (and so SKI/AKI) are their own.
  std::string root_common_name = "signet Root CA";
  std::string issuing_common_name = "signet Issuing CA";
};

class CertificateAuthority {
 public:
  static Result<std::unique_ptr<CertificateAuthority>> Open(keys::KeyStore& keys,
                                                            const std::filesystem::path& dir,
                                                            const CaOptions& options,
                                                            Timestamp now);

  const crypto::Certificate& root() const { return root_; }
  const crypto::Certificate& issuing() const { return issuing_; }

  // Issues a code-signing leaf for `subject_key`, valid [not_before, not_after] (clamped to the
  // issuing CA's validity; InvalidArgument if nothing is left). The subject names the profile:
  // CN = common_name, O = organization, OU = the profile owner account.
  Result<crypto::Certificate> IssueCodeSigningCertificate(const crypto::PublicKey& subject_key,
                                                          std::string_view common_name,
                                                          std::string_view account,
                                                          Timestamp not_before,
                                                          Timestamp not_after) const;

  // leaf, issuing CA, root: the x5c of every envelope.
  std::vector<crypto::Certificate> ChainFor(const crypto::Certificate& leaf) const;

 private:
  CertificateAuthority(crypto::Certificate root, crypto::Certificate issuing,
                       std::unique_ptr<crypto::Signer> issuing_key, CaOptions options)
      : root_(std::move(root)),
        issuing_(std::move(issuing)),
        issuing_key_(std::move(issuing_key)),
        options_(std::move(options)) {}

  crypto::Certificate root_;
  crypto::Certificate issuing_;
  std::unique_ptr<crypto::Signer> issuing_key_;
  CaOptions options_;
};

}  // namespace signet::signer
