// Trusted identities of a trust policy statement (trust store and trust policy specification,
// "Trusted Identities Constraints"): "*" (any signer the trust stores anchor) or
// "x509.subject: <DN>", an RFC 4514 distinguished name that must include C, ST and O. The leaf
// certificate matches when every attribute of the DN is in its subject with the same value.
//
// Beyond notation-go, as the AWS Signer Notation plugin accepts them: a signing profile ARN
// ("arn:aws:signer:REGION:ACCOUNT:/signing-profiles/NAME") matches every signature made by any
// version of that profile, a profile version ARN (".../NAME/VERSION") only that version. Both are
// read from the envelope's signed com.amazonaws.signer.signingProfileVersion attribute (the chain
// is anchored by the trust store first, so a forged attribute cannot pass).
//
// Parsing follows notation-go (internal/pkix with go-ldap's DN parser): RDNs separated by ",",
// escapes "\," "\+" "\\" "\;" "\"" "\<" "\>" "\=" "\#" "\ " and "\XX" (hex byte), spaces around
// types and values trimmed; multi-valued RDNs ("+"), repeated attribute types and hex-encoded
// values ("=#") refused. Attribute types compare case-insensitively (RFC 4514) and "S" is read
// as "ST", as newer notation-go releases do.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/certificate.h"

namespace signet::notary {

inline constexpr std::string_view kWildcardIdentity = "*";
inline constexpr std::string_view kX509SubjectPrefix = "x509.subject";

// Attribute type (upper case) → value.
using DistinguishedName = std::map<std::string, std::string>;

// Parses `dn` and checks the Notary Project rules (C, ST and O present, no repeats).
Result<DistinguishedName> ParseDistinguishedName(std::string_view dn);

// True when every attribute of `subset` is in `dn` with the same value.
bool IsSubsetDn(const DistinguishedName& subset, const DistinguishedName& dn);

// The subject of `certificate` as a DistinguishedName, with the same rules (a repeated attribute
// or a missing C/ST/O is an error, as in notation-go).
Result<DistinguishedName> SubjectDn(const crypto::Certificate& certificate);

class TrustedIdentity {
 public:
  // One trustedIdentities entry. InvalidArgument with notation-go's message when malformed;
  // `statement` names the policy statement in messages.
  static Result<TrustedIdentity> Parse(std::string_view value, std::string_view statement);

  const std::string& value() const { return value_; }
  bool is_wildcard() const { return wildcard_; }
  // True for "x509.subject:" identities; others (a prefix signet does not know) never match.
  bool is_x509_subject() const { return x509_subject_; }
  const DistinguishedName& subject() const { return subject_; }
  // For a signing profile (version) ARN identity: the ARN as given, else empty.
  const std::string& signing_profile() const { return signing_profile_; }
  bool is_signing_profile_version() const { return profile_version_; }

 private:
  TrustedIdentity() = default;
  std::string value_;
  bool wildcard_ = false;
  bool x509_subject_ = false;
  DistinguishedName subject_;
  std::string signing_profile_;
  bool profile_version_ = false;
};

// notation-go's verifyX509TrustedIdentities: OK when `identities` holds "*" or an x509.subject
// DN that is a subset of the leaf's subject, or (signet) a signing profile (version) ARN that
// `signing_profile_version` (the envelope's signed attribute; empty when it has none) is, or is a
// version of; InvalidArgument with notation-go's message otherwise.
Status MatchTrustedIdentities(const std::vector<TrustedIdentity>& identities,
                              std::string_view statement, const crypto::Certificate& leaf,
                              std::string_view signing_profile_version = {});

}  // namespace signet::notary
