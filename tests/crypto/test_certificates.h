// Certificates for the crypto tests: a valid root → issuing CA → code-signing leaf made with
// CertificateBuilder, and raw certificates made directly with the OpenSSL API for the shapes the
// builder refuses to make (CA leaves, SHA-1 signatures, RSA-1024 keys, ...).
#pragma once

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/certificate_builder.h"
#include "crypto/private_key.h"
#include "test_keys.h"

namespace signet::crypto::testing {

inline Timestamp At(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }

inline std::string NotationTrustStoreDir() {
  return std::string(SIGNET_TESTDATA_DIR) +
         "/notation-vectors/notation-go/verifier/testdata/truststore/x509/ca/valid-trust-store/";
}

inline CertificateTemplate Template(CertificateRole role, std::string cn, Timestamp not_before,
                                    Timestamp not_after) {
  CertificateTemplate t;
  t.role = role;
  t.subject.common_name = std::move(cn);
  t.subject.organization = "signet tests";
  t.subject.country = "US";
  t.not_before = not_before;
  t.not_after = not_after;
  return t;
}

// root (valid 2020–2040) → issuing CA (2021–2039) → leaf (2022–2030), keys of the given types.
struct TestPki {
  const PrivateKey* root_key;
  const PrivateKey* issuing_key;
  const PrivateKey* leaf_key;
  Certificate root;
  Certificate issuing;
  Certificate leaf;

  std::vector<Certificate> Chain() const { return {leaf, issuing, root}; }
};

inline TestPki MakePki(KeyType root_type = KeyType::kEcP384,
                       KeyType issuing_type = KeyType::kEcP384,
                       KeyType leaf_type = KeyType::kEcP384) {
  // Distinct keys even when the types are equal.
  const PrivateKey& root_key = SharedKey(root_type);
  const PrivateKey& issuing_key = OtherSharedKey(issuing_type);
  const PrivateKey& leaf_key = NthSharedKey(leaf_type, 2);
  Certificate root =
      IssueRootCertificate(Template(CertificateRole::kRootCa, "Test Root",
                                    At("2020-01-01T00:00:00Z"), At("2040-01-01T00:00:00Z")),
                           root_key)
          .value();
  Certificate issuing =
      IssueCertificate(Template(CertificateRole::kIssuingCa, "Test Issuing CA",
                                At("2021-01-01T00:00:00Z"), At("2039-01-01T00:00:00Z")),
                       issuing_key.public_key(), root, root_key)
          .value();
  Certificate leaf =
      IssueCertificate(Template(CertificateRole::kCodeSigning, "Test Signer",
                                At("2022-01-01T00:00:00Z"), At("2030-01-01T00:00:00Z")),
                       leaf_key.public_key(), issuing, issuing_key)
          .value();
  return TestPki{&root_key,       &issuing_key,       &leaf_key,
                 std::move(root), std::move(issuing), std::move(leaf)};
}

// A certificate made with the OpenSSL API, bypassing every rule of CertificateBuilder.
struct RawCertificateSpec {
  std::string common_name;
  EVP_PKEY* subject_key = nullptr;      // the certified public key
  EVP_PKEY* signing_key = nullptr;      // the issuer's private key
  const Certificate* issuer = nullptr;  // null: self-issued
  const EVP_MD* md = nullptr;           // null: SHA-384
  // (NID, OpenSSL config value), e.g. {NID_basic_constraints, "critical,CA:TRUE"}.
  std::vector<std::pair<int, std::string>> extensions;
  Timestamp not_before = At("2022-01-01T00:00:00Z");
  Timestamp not_after = At("2030-01-01T00:00:00Z");
};

inline Certificate MakeRawCertificate(const RawCertificateSpec& spec) {
  X509* x = X509_new();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509_set_subject_name(x, name);
  X509_set_issuer_name(x,
                       spec.issuer != nullptr ? X509_get_subject_name(spec.issuer->raw()) : name);
  X509_NAME_free(name);
  ASN1_TIME_set(X509_getm_notBefore(x), spec.not_before.time_since_epoch().count());
  ASN1_TIME_set(X509_getm_notAfter(x), spec.not_after.time_since_epoch().count());
  X509_set_pubkey(x, spec.subject_key);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, spec.issuer != nullptr ? spec.issuer->raw() : x, x, nullptr, nullptr, 0);
  for (const auto& [nid, value] : spec.extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) std::abort();
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(x, spec.signing_key, spec.md != nullptr ? spec.md : EVP_sha384()) <= 0) {
    std::abort();
  }
  unsigned char* der = nullptr;
  const int len = i2d_X509(x, &der);
  X509_free(x);
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return Certificate::FromDer(bytes).value();
}

// Extensions of a good code-signing leaf, to be varied one at a time.
inline std::vector<std::pair<int, std::string>> LeafExtensions() {
  return {{NID_basic_constraints, "critical,CA:FALSE"},
          {NID_key_usage, "critical,digitalSignature"},
          {NID_ext_key_usage, "codeSigning"}};
}

inline std::vector<std::pair<int, std::string>> CaExtensions(int path_length) {
  return {{NID_basic_constraints, "critical,CA:TRUE,pathlen:" + std::to_string(path_length)},
          {NID_key_usage, "critical,keyCertSign,cRLSign"}};
}

}  // namespace signet::crypto::testing
