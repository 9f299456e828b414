// Test certificates, keys and envelope builders shared by the notary tests.
//
// Keys are generated once per test binary (RSA 4096 takes seconds). Chains follow DESIGN.md §4:
// a P-384 root, a P-384 issuing CA and a code-signing leaf of any key type.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/certificate_builder.h"
#include "crypto/private_key.h"
#include "notary/json_codec.h"
#include "notary/payload.h"
#include "notary/signature_envelope.h"
#include "testing/temp_dir.h"

namespace signet::notary::testing {

using crypto::Certificate;
using crypto::KeyType;
using crypto::PrivateKey;

inline constexpr KeyType kAllKeyTypes[] = {KeyType::kEcP256,  KeyType::kEcP384,  KeyType::kEcP521,
                                           KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096};

inline Timestamp At(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::filesystem::path VectorsDir() {
  return std::filesystem::path(SIGNET_TESTDATA_DIR) / "notation-vectors";
}

using TempDir = ::signet::test::TempDir;

// The `n`th key of `type`, generated once per binary.
inline const PrivateKey& SharedKey(KeyType type, int n = 0) {
  static std::mutex mu;
  static std::map<std::pair<KeyType, int>, std::unique_ptr<PrivateKey>> keys;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = keys[{type, n}];
  if (!slot) slot = std::make_unique<PrivateKey>(PrivateKey::Generate(type).value());
  return *slot;
}

inline crypto::DistinguishedName Dn(std::string common_name) {
  crypto::DistinguishedName dn;
  dn.common_name = std::move(common_name);
  dn.organization = "Notary";
  dn.locality = "Seattle";
  dn.state = "WA";
  dn.country = "US";
  return dn;
}

struct TestPki {
  const PrivateKey* root_key = nullptr;
  const PrivateKey* issuing_key = nullptr;
  const PrivateKey* leaf_key = nullptr;
  Certificate root;
  Certificate issuing;
  Certificate leaf;
  std::vector<Certificate> Chain() const { return {leaf, issuing, root}; }
};

inline constexpr const char* kNotBefore = "2020-01-01T00:00:00Z";
inline constexpr const char* kNotAfter = "2040-01-01T00:00:00Z";
inline constexpr const char* kSigningTime = "2024-06-01T12:00:00Z";
inline constexpr const char* kNow = "2025-01-01T00:00:00Z";

inline crypto::CertificateTemplate Template(crypto::CertificateRole role, std::string common_name,
                                            const char* not_before, const char* not_after) {
  return crypto::CertificateTemplate{role, Dn(std::move(common_name)), At(not_before),
                                     At(not_after), std::nullopt};
}

// root → issuing CA → leaf of `leaf_type`; `variant` picks other keys for a second, unrelated PKI.
inline TestPki MakePki(KeyType leaf_type = KeyType::kEcP384, int variant = 0,
                       const char* not_before = kNotBefore, const char* not_after = kNotAfter) {
  using crypto::CertificateRole;
  const std::string n = std::to_string(variant);
  const PrivateKey& root_key = SharedKey(KeyType::kEcP384, 10 + variant);
  const PrivateKey& issuing_key = SharedKey(KeyType::kEcP384, 20 + variant);
  const PrivateKey& leaf_key = SharedKey(leaf_type, variant);
  Certificate root =
      crypto::IssueRootCertificate(
          Template(CertificateRole::kRootCa, "Test Root " + n, not_before, not_after), root_key)
          .value();
  Certificate issuing =
      crypto::IssueCertificate(
          Template(CertificateRole::kIssuingCa, "Test Issuing CA " + n, not_before, not_after),
          issuing_key.public_key(), root, root_key)
          .value();
  Certificate leaf = crypto::IssueCertificate(Template(CertificateRole::kCodeSigning,
                                                       "Test Signer " + n, not_before, not_after),
                                              leaf_key.public_key(), issuing, issuing_key)
                         .value();
  return TestPki{&root_key, &issuing_key, &leaf_key, root, issuing, leaf};
}

inline const std::string kTestDigest = "sha384:" + std::string(96, 'a');

inline Descriptor ZipTarget() { return Descriptor{"application/zip", kTestDigest, 12345, {}}; }

// Builds a JWS envelope by hand, for inputs SignJwsEnvelope refuses to produce. `header` is the
// protected header object; x5c is `chain`; the signature is `signer`'s over the signing input
// unless `signature_b64` is given.
inline std::string AssembleJws(const nlohmann::json& header, const std::string& payload,
                               const std::vector<Certificate>& chain, const crypto::Signer& signer,
                               const nlohmann::json& unprotected_extra = nlohmann::json::object()) {
  const std::string protected_b64 = Base64UrlEncode(MarshalJson(header));
  const std::string payload_b64 = Base64UrlEncode(payload);
  const std::string signature = signer.Sign(protected_b64 + "." + payload_b64).value();
  nlohmann::json x5c = nlohmann::json::array();
  for (const Certificate& c : chain) x5c.push_back(Base64Encode(c.der()));
  nlohmann::json unprotected = unprotected_extra;
  unprotected["x5c"] = x5c;
  nlohmann::json envelope = {{"header", unprotected},
                             {"payload", payload_b64},
                             {"protected", protected_b64},
                             {"signature", Base64UrlEncode(signature)}};
  return MarshalJson(envelope);
}

// A protected header as signet writes it for `scheme`, `alg`.
inline nlohmann::json StandardHeader(std::string alg,
                                     SigningScheme scheme = SigningScheme::kX509SigningAuthority,
                                     const char* signing_time = kSigningTime) {
  nlohmann::json header = {
      {"alg", alg},
      {"cty", std::string(kPayloadContentType)},
      {"io.cncf.notary.signingScheme", std::string(SigningSchemeName(scheme))}};
  if (scheme == SigningScheme::kX509) {
    header["io.cncf.notary.signingTime"] = signing_time;
    header["crit"] = {"io.cncf.notary.signingScheme"};
  } else {
    header["io.cncf.notary.authenticSigningTime"] = signing_time;
    header["crit"] = {"io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime"};
  }
  return header;
}

}  // namespace signet::notary::testing
