// Certificate: an immutable, parsed X.509 certificate.
//
// Copyable (shares the OpenSSL object); thread-safe. Equality is byte equality of the DER.
// FromDer keeps a bounded cache of parsed certificates, so parsing a known chain is cheap.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/public_key.h"

namespace signet::crypto {

// One attribute of a distinguished name, e.g. {"CN", "Notation Test Root"}.
using NameAttribute = std::pair<std::string, std::string>;

class Certificate {
 public:
  static Result<Certificate> FromDer(std::string_view der);
  // Exactly one "-----BEGIN CERTIFICATE-----" block.
  static Result<Certificate> FromPem(std::string_view pem);
  // One or more PEM certificates, or a single DER certificate (trust store files are either).
  static Result<std::vector<Certificate>> ParseBundle(std::string_view pem_or_der);

  const std::string& der() const { return der_; }
  std::string ToPem() const;
  // DER of the TBSCertificate (what the issuer signed).
  std::string TbsDer() const;

  // Distinguished names exactly as notation-go prints them (Go's pkix.Name.String()):
  // "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US". Go uses a fixed order (SERIALNUMBER,
  // CN, OU, O, POSTALCODE, STREET, L, ST, C, then other types as "OID=#<hex DER>"), not the DER
  // order reversed: GlobalSign R3 prints as "CN=GlobalSign,OU=GlobalSign Root CA -
  // R3,O=GlobalSign".
  std::string Subject() const;
  std::string Issuer() const;
  // The subject's attributes in the same order as Subject(), short names (CN, O, OU, L, ST, C,
  // ...); unescaped values. Types Go has no name for appear as the dotted OID with value "#<hex
  // DER>".
  std::vector<NameAttribute> SubjectAttributes() const;

  Timestamp not_before() const;
  Timestamp not_after() const;
  std::string SerialHex() const;
  // Lower-case hex SHA-256 of the DER: the Notary "x509chain.thumbprint#S256" entry.
  std::string Sha256Thumbprint() const;

  Result<PublicKey> public_key() const;

  // basicConstraints cA; pathLenConstraint when present.
  bool IsCa() const;
  std::optional<int> PathLength() const;
  bool IsSelfIssued() const;  // subject == issuer
  // keyUsage bits (X509v3_KU_*); nullopt when the extension is absent.
  std::optional<uint32_t> KeyUsage() const;
  // Extended key usage (XKU_* bits); nullopt when the extension is absent.
  std::optional<uint32_t> ExtendedKeyUsage() const;

  X509* raw() const { return x509_.get(); }

  friend bool operator==(const Certificate& a, const Certificate& b) { return a.der_ == b.der_; }

 private:
  // FromDer without the cache of parsed certificates.
  static Result<Certificate> ParseDer(std::string_view der);
  Certificate(std::shared_ptr<X509> x509, std::string der);
  std::shared_ptr<X509> x509_;
  std::string der_;
  // Decoded once: verification reads the leaf key of every envelope.
  std::shared_ptr<const Result<PublicKey>> public_key_;
};

}  // namespace signet::crypto
