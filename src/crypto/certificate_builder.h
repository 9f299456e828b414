// Issuing the certificates of an installation (DESIGN.md §4): a self-signed root CA, an issuing
// CA under it, and one code-signing leaf per signing profile version.
//
// Every certificate satisfies the Notary Project certificate requirements:
//   root/issuing CA: basicConstraints critical cA=TRUE with pathLen, keyUsage critical
//                    keyCertSign (+ cRLSign), subjectKeyIdentifier, authorityKeyIdentifier;
//   leaf:            basicConstraints critical cA=FALSE, keyUsage critical digitalSignature only,
//                    extendedKeyUsage codeSigning, SKI/AKI.
// A TLS server certificate (the admission webhook's) is a leaf with extendedKeyUsage serverAuth
// and subjectAltName dNSName entries instead.
// The issuer signs through the Signer interface, so a CA key may live in any KeyStore (file or
// PKCS#11) and never leaves it. Serial numbers are 16 random bytes (positive).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/signer.h"

namespace signet::crypto {

struct DistinguishedName {
  std::string common_name;
  std::string organization;
  std::string organizational_unit;
  std::string locality;
  std::string state;
  std::string country;  // two letters, or empty
};

enum class CertificateRole { kRootCa, kIssuingCa, kCodeSigning, kTlsServer };

struct CertificateTemplate {
  CertificateRole role = CertificateRole::kCodeSigning;
  DistinguishedName subject;
  Timestamp not_before;
  Timestamp not_after;
  // CA roles only: basicConstraints pathLen (root default 1, issuing CA default 0).
  std::optional<int> path_length;
};

// Self-signed root: `key` is both the subject key and the signer.
Result<Certificate> IssueRootCertificate(const CertificateTemplate& tmpl, const Signer& key);

// A certificate for `subject_key`, signed by `issuer_key` whose certificate is `issuer`.
// Refuses a validity outside the issuer's, an issuer that is not a CA, or a template whose
// role is kRootCa.
Result<Certificate> IssueCertificate(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                                     const Certificate& issuer, const Signer& issuer_key);

// A TLS server certificate (role kTlsServer) for `dns_names` (at least one, lower-case), as
// subjectAltName dNSName entries; otherwise as IssueCertificate.
Result<Certificate> IssueTlsServerCertificate(const CertificateTemplate& tmpl,
                                              const std::vector<std::string>& dns_names,
                                              const PublicKey& subject_key,
                                              const Certificate& issuer, const Signer& issuer_key);

}  // namespace signet::crypto
