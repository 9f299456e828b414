// CertificateAuthority: the installation's root CA and issuing CA (DESIGN.md §4), and the
// issuing of one code-signing leaf per signing profile version.
//
// The CA keys live in the KeyStore (they never leave it); their certificates live in `dir`:
//   dir/root-ca.pem      the self-signed root (P-384, 30 years): the trust anchor users install
//   dir/issuing-ca.pem   the issuing CA under the root (P-384, 20 years)
//   dir/ca.json          {"rootKeyId": …, "issuingKeyId": …} (key ids in the KeyStore)
// Open() creates all three on first use (atomically: nothing is written until both keys and
// certificates exist) and loads them afterwards. Thread-safe after Open.
//
// Subjects carry C, ST and O (CaOptions), which the Notary Project requires of an
// "x509.subject:" trusted identity and of the leaf subject it is matched against. A leaf is
//   C=<country>, ST=<state>, O=<organization>, OU=<owner account>, CN=<profile name>
// (RFC 4514 prints it reversed: "CN=images,OU=000000000000,O=signet,ST=WA,C=US"), so a trust
// policy can name one profile. An existing CA is loaded as it is; options only shape the
// certificates issued from now on (the CA's own subject only on first use).
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
  std::string country = "US";  // two upper-case letters (ISO 3166)
  std::string state = "WA";
  std::string organization = "signet";
  // Common names. Two installations still differ: their keys (and so SKI/AKI) are their own.
  std::string root_common_name = "signet Root CA";
  std::string issuing_common_name = "signet Issuing CA";
};

// OK when every subject attribute is usable: country two upper-case ASCII letters; state and
// organization 1..64 printable characters with none that RFC 4514 would escape (, + " \ < > ; =
// #) and no leading or trailing space, so the DN a trust policy writes is the DN
// certificates print, with no escaping. InvalidArgument naming the attribute otherwise.
Status ValidateCaOptions(const CaOptions& options);

class CertificateAuthority {
 public:
  // InvalidArgument (ValidateCaOptions) before anything is created when `options` is unusable.
  static Result<std::unique_ptr<CertificateAuthority>> Open(keys::KeyStore& keys,
                                                            const std::filesystem::path& dir,
                                                            const CaOptions& options,
                                                            Timestamp now);

  const crypto::Certificate& root() const { return root_; }
  const crypto::Certificate& issuing() const { return issuing_; }

  // Issues a code-signing leaf for `subject_key`, valid [not_before, not_after] (clamped to the
  // issuing CA's validity; InvalidArgument if nothing is left). The subject names the profile:
  // C, ST, O from the options, OU = the profile owner account, CN = common_name.
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
