#include "crypto/chain_verifier.h"

#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

#include "crypto/digest.h"
#include "crypto/evp_key.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

using ExtendedKeyUsagePtr =
    std::unique_ptr<EXTENDED_KEY_USAGE, OpenSslDeleter<EXTENDED_KEY_USAGE_free>>;

// `x5c[1] "CN=Issuing CA,O=Example"`: how every message names a certificate.
std::string Name(size_t index, const Certificate& cert) {
  return "x5c[" + std::to_string(index) + "] \"" + cert.Subject() + "\"";
}

Status Fail(size_t index, const Certificate& cert, std::string_view rule) {
  return InvalidArgumentError(Name(index, cert) + ": " + std::string(rule));
}

bool SignatureVerifies(const Certificate& cert, const Certificate& issuer) {
  EVP_PKEY* key = X509_get0_pubkey(issuer.raw());
  const bool ok = key != nullptr && X509_verify(cert.raw(), key) == 1;
  ERR_clear_error();
  return ok;
}

// Signed by its own key and naming itself as issuer (Go's isSelfSigned in notation-core-go).
// A certificate that only *names* itself as issuer is not self-signed: notation-go's test leaf is
// issued by a root of the same name.
bool IsSelfSigned(const Certificate& cert) {
  return cert.IsSelfIssued() && SignatureVerifies(cert, cert);
}

// No SHA-1 or MD5 (or any digest weaker than SHA-256) in a certificate signature (Notary Project
// certificate requirements, "Other requirements"). Self-signed roots are included: their
// signature is checked too.
Status CheckSignatureAlgorithm(size_t index, const Certificate& cert) {
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (X509_get_signature_info(cert.raw(), &md_nid, &pk_nid, nullptr, nullptr) != 1) {
    ERR_clear_error();
    const int sig_nid = X509_get_signature_nid(cert.raw());
    return Fail(index, cert,
                std::string("unsupported signature algorithm ") +
                    (sig_nid != NID_undef ? OBJ_nid2ln(sig_nid) : "(unknown)"));
  }
  switch (md_nid) {
    case NID_sha256:
    case NID_sha384:
    case NID_sha512:
      return Status::Ok();
    default: {
      const int sig_nid = X509_get_signature_nid(cert.raw());
      return Fail(index, cert,
                  std::string("signature algorithm ") +
                      (sig_nid != NID_undef ? OBJ_nid2ln(sig_nid) : "(unknown)") +
                      " is not allowed (SHA-1 and MD5 signatures are refused; SHA-256, SHA-384 or "
                      "SHA-512 is required)");
    }
  }
}

// Leaf: one of the six key types a Notary signature can use. CA: RSA of at least 2048 bits or
// EC P-256/384/521 (the spec's minimum key lengths).
Status CheckKey(size_t index, const Certificate& cert, bool leaf) {
  EVP_PKEY* key = X509_get0_pubkey(cert.raw());
  if (key == nullptr) {
    ERR_clear_error();
    return Fail(index, cert, "unreadable public key");
  }
  if (!leaf && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits >= 2048) return Status::Ok();
    return Fail(index, cert,
                "unsupported key: RSA " + std::to_string(bits) +
                    " bits (a CA's RSA key must have at least 2048 bits)");
  }
  Result<KeyType> type = ClassifyKey(key);
  if (!type.ok()) return Fail(index, cert, type.status().message());
  return Status::Ok();
}

Status CheckValidity(size_t index, const Certificate& cert, std::optional<Timestamp> at) {
  if (!at.has_value()) return Status::Ok();
  if (*at < cert.not_before() || *at > cert.not_after()) {
    return Fail(index, cert,
                "certificate is not valid at " + FormatRfc3339(*at) + " (valid from " +
                    FormatRfc3339(cert.not_before()) + " to " + FormatRfc3339(cert.not_after()) +
                    ")");
  }
  return Status::Ok();
}

// The keyUsage extension must be present, and for code signing marked critical (timestamping
// certificates are only required to carry it, as in notation-core-go).
Status CheckKeyUsagePresent(size_t index, const Certificate& cert, CertificatePurpose purpose) {
  const int loc = X509_get_ext_by_NID(cert.raw(), NID_key_usage, -1);
  if (loc < 0) return Fail(index, cert, "keyUsage extension must be present");
  if (purpose == CertificatePurpose::kCodeSigning &&
      X509_EXTENSION_get_critical(X509_get_ext(cert.raw(), loc)) == 0) {
    return Fail(index, cert, "keyUsage extension must be marked critical");
  }
  return Status::Ok();
}

Status CheckCa(size_t index, const Certificate& cert, CertificatePurpose purpose,
               int expected_path_length) {
  if (!cert.IsCa()) {
    return Fail(index, cert,
                "a CA certificate must have basicConstraints with cA=TRUE (it issued x5c[" +
                    std::to_string(index - 1) + "])");
  }
  if (const std::optional<int> path = cert.PathLength();
      path.has_value() && *path < expected_path_length) {
    return Fail(index, cert,
                "basicConstraints pathLen " + std::to_string(*path) + " is exceeded: " +
                    std::to_string(expected_path_length) + " CA certificate(s) follow below it");
  }
  SIGNET_RETURN_IF_ERROR(CheckKeyUsagePresent(index, cert, purpose));
  if ((cert.KeyUsage().value_or(0) & KU_KEY_CERT_SIGN) == 0) {
    return Fail(index, cert, "a CA certificate's keyUsage must include keyCertSign");
  }
  return CheckKey(index, cert, /*leaf=*/false);
}

Status CheckLeafKeyUsage(size_t index, const Certificate& cert, CertificatePurpose purpose) {
  SIGNET_RETURN_IF_ERROR(CheckKeyUsagePresent(index, cert, purpose));
  const uint32_t ku = cert.KeyUsage().value_or(0);
  if ((ku & KU_DIGITAL_SIGNATURE) == 0) {
    return Fail(index, cert, "keyUsage must include digitalSignature");
  }
  struct Forbidden {
    uint32_t bit;
    const char* name;
  };
  static constexpr Forbidden kForbidden[] = {
      {KU_KEY_ENCIPHERMENT, "keyEncipherment"},
      {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
      {KU_KEY_AGREEMENT, "keyAgreement"},
      {KU_KEY_CERT_SIGN, "keyCertSign"},
      {KU_CRL_SIGN, "cRLSign"},
      {KU_ENCIPHER_ONLY, "encipherOnly"},
      {KU_DECIPHER_ONLY, "decipherOnly"},
  };
  std::string found;
  for (const Forbidden& f : kForbidden) {
    if ((ku & f.bit) == 0) continue;
    if (!found.empty()) found += ", ";
    found += f.name;
  }
  if (!found.empty()) {
    return Fail(index, cert, "keyUsage must be digitalSignature only, but also has " + found);
  }
  return Status::Ok();
}

Status CheckLeafExtendedKeyUsage(size_t index, const Certificate& cert,
                                 CertificatePurpose purpose) {
  const int loc = X509_get_ext_by_NID(cert.raw(), NID_ext_key_usage, -1);
  if (loc < 0) {
    if (purpose == CertificatePurpose::kTimestamping) {
      return Fail(index, cert,
                  "a timestamping certificate must have extendedKeyUsage timeStamping");
    }
    return Status::Ok();  // optional for code signing
  }
  ExtendedKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert.raw(), NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) {
    ERR_clear_error();
    return Fail(index, cert, "malformed extendedKeyUsage extension");
  }
  bool code_signing = false;
  bool timestamping = false;
  std::string excluded;
  const int n = sk_ASN1_OBJECT_num(eku.get());
  for (int i = 0; i < n; ++i) {
    const int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i));
    const char* bad = nullptr;
    switch (nid) {
      case NID_code_sign:
        code_signing = true;
        break;
      case NID_time_stamp:
        timestamping = true;
        break;
      case NID_anyExtendedKeyUsage:
        bad = "anyExtendedKeyUsage";
        break;
      case NID_server_auth:
        bad = "serverAuth";
        break;
      case NID_client_auth:
        bad = "clientAuth";
        break;
      case NID_email_protect:
        bad = "emailProtection";
        break;
      case NID_OCSP_sign:
        bad = "OCSPSigning";
        break;
      default:
        break;
    }
    if (bad != nullptr) {
      if (!excluded.empty()) excluded += ", ";
      excluded += bad;
    }
  }
  if (purpose == CertificatePurpose::kTimestamping) {
    // RFC 3161 §2.3: exactly one EKU, timeStamping, in a critical extension.
    if (n != 1 || !timestamping) {
      return Fail(index, cert,
                  "a timestamping certificate must have timeStamping as its only extendedKeyUsage");
    }
    if (X509_EXTENSION_get_critical(X509_get_ext(cert.raw(), loc)) == 0) {
      return Fail(index, cert, "a timestamping certificate's extendedKeyUsage must be critical");
    }
    return Status::Ok();
  }
  if (timestamping) {
    if (!excluded.empty()) excluded += ", ";
    excluded += "timeStamping";
  }
  if (!excluded.empty()) {
    return Fail(index, cert,
                "a code-signing certificate's extendedKeyUsage must not contain " + excluded);
  }
  if (!code_signing) {
    return Fail(index, cert, "extendedKeyUsage is present but does not contain codeSigning");
  }
  return Status::Ok();
}

Status CheckLeaf(const Certificate& cert, CertificatePurpose purpose) {
  if (cert.IsCa()) {
    return Fail(0, cert,
                "the signing (leaf) certificate must not be a CA: basicConstraints has cA=TRUE");
  }
  SIGNET_RETURN_IF_ERROR(CheckLeafKeyUsage(0, cert, purpose));
  SIGNET_RETURN_IF_ERROR(CheckLeafExtendedKeyUsage(0, cert, purpose));
  return CheckKey(0, cert, /*leaf=*/true);
}

// Everything but the validity periods: depends only on the certificates, so it can be cached.
Status VerifyChainStructure(const std::vector<Certificate>& chain, CertificatePurpose purpose) {
  for (size_t i = 0; i < chain.size(); ++i) {
    SIGNET_RETURN_IF_ERROR(CheckSignatureAlgorithm(i, chain[i]));
  }
  if (chain.size() == 1) {
    const Certificate& cert = chain[0];
    if (!IsSelfSigned(cert)) {
      return Fail(0, cert,
                  "a chain of one certificate must be self-signed (issued by \"" + cert.Issuer() +
                      "\"; its issuer's certificate is missing from the chain)");
    }
    return CheckLeaf(cert, purpose);
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    const Certificate& cert = chain[i];
    if (i + 1 == chain.size()) {
      if (!IsSelfSigned(cert)) {
        return Fail(i, cert,
                    "the last certificate must be a self-signed root (it is issued by \"" +
                        cert.Issuer() + "\")");
      }
    } else {
      if (IsSelfSigned(cert)) {
        return Fail(i, cert,
                    std::string("a self-signed certificate may only be last in the chain (") +
                        (i == 0 ? "leaf" : "intermediate") + " is self-signed)");
      }
      const Certificate& parent = chain[i + 1];
      const bool names_match = EncodeDer(X509_get_issuer_name(cert.raw()), i2d_X509_NAME) ==
                               EncodeDer(X509_get_subject_name(parent.raw()), i2d_X509_NAME);
      if (!names_match || !SignatureVerifies(cert, parent)) {
        return InvalidArgumentError("certificate chain is out of order: " + Name(i + 1, parent) +
                                    " did not issue " + Name(i, cert));
      }
    }
    if (i == 0) {
      SIGNET_RETURN_IF_ERROR(CheckLeaf(cert, purpose));
    } else {
      SIGNET_RETURN_IF_ERROR(CheckCa(i, cert, purpose, static_cast<int>(i) - 1));
    }
  }
  return Status::Ok();
}

// Chains that passed VerifyChainStructure, keyed by a digest of their DER bytes and purpose.
// Verifiers see the same few chains (one per profile version) over and over; caching the three
// signature checks per chain is what lets envelope verification run near the raw ECDSA rate.
// Only successes are cached (a flood of bad chains cannot evict good ones faster than it
// costs), and the cache is bounded: it is cleared when full.
class ChainCache {
 public:
  static constexpr size_t kMaxEntries = 4096;

  static std::string Key(const std::vector<Certificate>& chain, CertificatePurpose purpose) {
    Digest digest(HashAlgorithm::kSha256);
    digest.Update(purpose == CertificatePurpose::kCodeSigning ? "c" : "t");
    for (const Certificate& cert : chain) {
      const uint64_t n = cert.der().size();
      digest.Update(std::string_view(reinterpret_cast<const char*>(&n), sizeof n));
      digest.Update(cert.der());
    }
    return digest.Finish();
  }
  bool Contains(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_.count(key) != 0;
  }
  void Insert(std::string key) {
    std::lock_guard<std::mutex> lock(mu_);
    if (keys_.size() >= kMaxEntries) keys_.clear();
    keys_.insert(std::move(key));
  }

 private:
  std::mutex mu_;
  std::unordered_set<std::string> keys_;
};

ChainCache& SharedChainCache() {
  static ChainCache* cache = new ChainCache();
  return *cache;
}

}  // namespace

Status VerifyCertificateChain(const std::vector<Certificate>& chain, std::optional<Timestamp> at,
                              CertificatePurpose purpose) {
  if (chain.empty()) return InvalidArgumentError("certificate chain is empty");
  const std::string key = ChainCache::Key(chain, purpose);
  if (!SharedChainCache().Contains(key)) {
    SIGNET_RETURN_IF_ERROR(VerifyChainStructure(chain, purpose));
    SharedChainCache().Insert(key);
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    SIGNET_RETURN_IF_ERROR(CheckValidity(i, chain[i], at));
  }
  return Status::Ok();
}

}  // namespace signet::crypto
