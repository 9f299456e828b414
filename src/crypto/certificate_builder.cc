#include "crypto/certificate_builder.h"

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>

#include "core/ids.h"
#include "crypto/ecdsa_signature.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using X509AlgorPtr = std::unique_ptr<X509_ALGOR, OpenSslDeleter<X509_ALGOR_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, OpenSslDeleter<ASN1_BIT_STRING_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING_free>>;
using BasicConstraintsPtr =
    std::unique_ptr<BASIC_CONSTRAINTS, OpenSslDeleter<BASIC_CONSTRAINTS_free>>;
using AuthorityKeyIdPtr = std::unique_ptr<AUTHORITY_KEYID, OpenSslDeleter<AUTHORITY_KEYID_free>>;
using ExtendedKeyUsagePtr =
    std::unique_ptr<EXTENDED_KEY_USAGE, OpenSslDeleter<EXTENDED_KEY_USAGE_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using RsaPssParamsPtr = std::unique_ptr<RSA_PSS_PARAMS, OpenSslDeleter<RSA_PSS_PARAMS_free>>;

// keyUsage bit numbers (RFC 5280 §4.2.1.3).
constexpr int kKuDigitalSignature = 0;
constexpr int kKuKeyCertSign = 5;
constexpr int kKuCrlSign = 6;

constexpr size_t kSerialBytes = 16;

bool IsCaRole(CertificateRole role) {
  return role == CertificateRole::kRootCa || role == CertificateRole::kIssuingCa;
}

Status CheckTemplate(const CertificateTemplate& t) {
  if (t.subject.common_name.empty()) {
    return InvalidArgumentError("certificate subject needs a common name");
  }
  const std::string& c = t.subject.country;
  if (!c.empty() && (c.size() != 2 || !std::isalpha(static_cast<unsigned char>(c[0])) ||
                     !std::isalpha(static_cast<unsigned char>(c[1])))) {
    return InvalidArgumentError("certificate subject country must be two letters (e.g. \"US\")");
  }
  if (t.not_before >= t.not_after) {
    return InvalidArgumentError("certificate validity is empty: not_before " +
                                FormatRfc3339(t.not_before) + " is not before not_after " +
                                FormatRfc3339(t.not_after));
  }
  if (t.path_length.has_value()) {
    if (!IsCaRole(t.role)) {
      return InvalidArgumentError("path_length applies to CA certificates only");
    }
    if (*t.path_length < 0) return InvalidArgumentError("path_length must not be negative");
  }
  return Status::Ok();
}

Result<X509NamePtr> BuildName(const DistinguishedName& dn) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return OpenSslError(ErrorCode::kInternal, "X509_NAME_new");
  // DER order from the least to the most specific, so the printed form starts with CN.
  const std::pair<int, const std::string*> fields[] = {
      {NID_countryName, &dn.country},
      {NID_stateOrProvinceName, &dn.state},
      {NID_localityName, &dn.locality},
      {NID_organizationName, &dn.organization},
      {NID_organizationalUnitName, &dn.organizational_unit},
      {NID_commonName, &dn.common_name},
  };
  for (const auto& [nid, value] : fields) {
    if (value->empty()) continue;
    if (X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value->data()),
                                   static_cast<int>(value->size()), -1, 0) != 1) {
      return OpenSslError(ErrorCode::kInvalidArgument,
                          std::string("invalid certificate subject ") + OBJ_nid2sn(nid));
    }
  }
  return name;
}

// The AlgorithmIdentifier for signatures by a key of `type`: ecdsa-with-SHA256/384/512, or
// RSASSA-PSS with the hash, MGF1 with the same hash, and salt = hash length (RFC 4055), the
// parameters Go's crypto/x509 (and so notation-go) accepts.
Result<X509AlgorPtr> SignatureAlgorithmFor(KeyType type) {
  const SignatureAlgorithm alg = AlgorithmForKey(type);
  const HashAlgorithm hash = HashForAlgorithm(alg);
  X509AlgorPtr out(X509_ALGOR_new());
  if (!out) return OpenSslError(ErrorCode::kInternal, "X509_ALGOR_new");
  if (IsEcdsa(alg)) {
    const int nid = hash == HashAlgorithm::kSha256   ? NID_ecdsa_with_SHA256
                    : hash == HashAlgorithm::kSha384 ? NID_ecdsa_with_SHA384
                                                     : NID_ecdsa_with_SHA512;
    if (X509_ALGOR_set0(out.get(), OBJ_nid2obj(nid), V_ASN1_UNDEF, nullptr) != 1) {
      return OpenSslError(ErrorCode::kInternal, "X509_ALGOR_set0");
    }
    return out;
  }
  RsaPssParamsPtr pss(RSA_PSS_PARAMS_new());
  X509AlgorPtr mgf1_hash(X509_ALGOR_new());
  if (!pss || !mgf1_hash) return OpenSslError(ErrorCode::kInternal, "RSA_PSS_PARAMS_new");
  pss->hashAlgorithm = X509_ALGOR_new();
  pss->maskGenAlgorithm = X509_ALGOR_new();
  pss->saltLength = ASN1_INTEGER_new();
  if (pss->hashAlgorithm == nullptr || pss->maskGenAlgorithm == nullptr ||
      pss->saltLength == nullptr) {
    return OpenSslError(ErrorCode::kInternal, "RSA_PSS_PARAMS allocation");
  }
  X509_ALGOR_set_md(pss->hashAlgorithm, EvpMd(hash));
  X509_ALGOR_set_md(mgf1_hash.get(), EvpMd(hash));
  ASN1_STRING* mgf1_param = ASN1_item_pack(mgf1_hash.get(), ASN1_ITEM_rptr(X509_ALGOR), nullptr);
  if (mgf1_param == nullptr) return OpenSslError(ErrorCode::kInternal, "encoding MGF1 params");
  if (X509_ALGOR_set0(pss->maskGenAlgorithm, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE, mgf1_param) !=
      1) {
    ASN1_STRING_free(mgf1_param);
    return OpenSslError(ErrorCode::kInternal, "X509_ALGOR_set0 (MGF1)");
  }
  if (ASN1_INTEGER_set(pss->saltLength, static_cast<long>(DigestSize(hash))) != 1) {  // NOLINT
    return OpenSslError(ErrorCode::kInternal, "ASN1_INTEGER_set");
  }
  ASN1_STRING* params = ASN1_item_pack(pss.get(), ASN1_ITEM_rptr(RSA_PSS_PARAMS), nullptr);
  if (params == nullptr) return OpenSslError(ErrorCode::kInternal, "encoding RSASSA-PSS params");
  if (X509_ALGOR_set0(out.get(), OBJ_nid2obj(NID_rsassaPss), V_ASN1_SEQUENCE, params) != 1) {
    ASN1_STRING_free(params);
    return OpenSslError(ErrorCode::kInternal, "X509_ALGOR_set0 (RSASSA-PSS)");
  }
  return out;
}

// RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. SHA-1 is an identifier
// here, not a signature.
Result<std::string> KeyIdentifier(const X509* x) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_pubkey_digest(x, EVP_sha1(), md, &len) != 1) {
    return OpenSslError(ErrorCode::kInternal, "X509_pubkey_digest");
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

Result<Asn1OctetStringPtr> OctetString(std::string_view bytes) {
  Asn1OctetStringPtr s(ASN1_OCTET_STRING_new());
  if (!s || ASN1_OCTET_STRING_set(s.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "ASN1_OCTET_STRING_set");
  }
  return s;
}

Status AddExtension(X509* x, int nid, void* value, bool critical) {
  if (X509_add1_ext_i2d(x, nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError(ErrorCode::kInternal, std::string("adding extension ") + OBJ_nid2sn(nid));
  }
  return Status::Ok();
}

Status AddExtensions(X509* x, const CertificateTemplate& t, std::string_view authority_key_id,
                     const std::vector<std::string>& dns_names) {
  BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
  if (!bc) return OpenSslError(ErrorCode::kInternal, "BASIC_CONSTRAINTS_new");
  Asn1BitStringPtr ku(ASN1_BIT_STRING_new());
  if (!ku) return OpenSslError(ErrorCode::kInternal, "ASN1_BIT_STRING_new");
  if (IsCaRole(t.role)) {
    bc->ca = 0xff;
    const int path_length = t.path_length.value_or(t.role == CertificateRole::kRootCa ? 1 : 0);
    bc->pathlen = ASN1_INTEGER_new();
    if (bc->pathlen == nullptr || ASN1_INTEGER_set(bc->pathlen, path_length) != 1) {
      return OpenSslError(ErrorCode::kInternal, "ASN1_INTEGER_set");
    }
    ASN1_BIT_STRING_set_bit(ku.get(), kKuKeyCertSign, 1);
    ASN1_BIT_STRING_set_bit(ku.get(), kKuCrlSign, 1);
  } else {
    ASN1_BIT_STRING_set_bit(ku.get(), kKuDigitalSignature, 1);
  }
  SIGNET_RETURN_IF_ERROR(AddExtension(x, NID_basic_constraints, bc.get(), true));
  SIGNET_RETURN_IF_ERROR(AddExtension(x, NID_key_usage, ku.get(), true));
  if (!IsCaRole(t.role)) {
    ExtendedKeyUsagePtr eku(sk_ASN1_OBJECT_new_null());
    ASN1_OBJECT* purpose =
        OBJ_nid2obj(t.role == CertificateRole::kTlsServer ? NID_server_auth : NID_code_sign);
    if (!eku || sk_ASN1_OBJECT_push(eku.get(), purpose) <= 0) {
      return OpenSslError(ErrorCode::kInternal, "building extendedKeyUsage");
    }
    SIGNET_RETURN_IF_ERROR(AddExtension(x, NID_ext_key_usage, eku.get(), false));
  }
  if (!dns_names.empty()) {
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    if (!names) return OpenSslError(ErrorCode::kInternal, "sk_GENERAL_NAME_new_null");
    for (const std::string& dns : dns_names) {
      GENERAL_NAME* name = GENERAL_NAME_new();
      ASN1_IA5STRING* value = ASN1_IA5STRING_new();
      if (name == nullptr || value == nullptr ||
          ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size())) != 1) {
        GENERAL_NAME_free(name);
        ASN1_IA5STRING_free(value);
        return OpenSslError(ErrorCode::kInternal, "building subjectAltName");
      }
      GENERAL_NAME_set0_value(name, GEN_DNS, value);
      if (sk_GENERAL_NAME_push(names.get(), name) <= 0) {
        GENERAL_NAME_free(name);
        return OpenSslError(ErrorCode::kInternal, "building subjectAltName");
      }
    }
    SIGNET_RETURN_IF_ERROR(AddExtension(x, NID_subject_alt_name, names.get(), false));
  }
  SIGNET_ASSIGN_OR_RETURN(std::string ski, KeyIdentifier(x));
  SIGNET_ASSIGN_OR_RETURN(Asn1OctetStringPtr ski_value, OctetString(ski));
  SIGNET_RETURN_IF_ERROR(AddExtension(x, NID_subject_key_identifier, ski_value.get(), false));
  AuthorityKeyIdPtr akid(AUTHORITY_KEYID_new());
  if (!akid) return OpenSslError(ErrorCode::kInternal, "AUTHORITY_KEYID_new");
  SIGNET_ASSIGN_OR_RETURN(Asn1OctetStringPtr aki_value,
                          OctetString(authority_key_id.empty() ? ski : authority_key_id));
  akid->keyid = aki_value.release();
  return AddExtension(x, NID_authority_key_identifier, akid.get(), false);
}

Status SetSerialAndValidity(X509* x, const CertificateTemplate& t) {
  std::string serial = RandomBytes(kSerialBytes);
  // Positive (top bit clear) and exactly 16 bytes long (second-highest bit set).
  serial[0] = static_cast<char>((serial[0] & 0x7f) | 0x40);
  BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()),
                         static_cast<int>(serial.size()), nullptr));
  Asn1IntegerPtr serial_int(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!serial_int || X509_set_serialNumber(x, serial_int.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "setting the serial number");
  }
  // ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime after, as RFC 5280 requires.
  if (ASN1_TIME_set(X509_getm_notBefore(x), t.not_before.time_since_epoch().count()) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x), t.not_after.time_since_epoch().count()) == nullptr) {
    return OpenSslError(ErrorCode::kInvalidArgument, "certificate validity out of range");
  }
  return Status::Ok();
}

// Signs the TBSCertificate through `signer` and installs the signature. OpenSSL's own X509_sign
// needs the private EVP_PKEY in process, which an HSM-held CA key never is; so the algorithm
// identifier and signature value are written into the X509 directly.
Status SignCertificate(X509* x, const Signer& signer) {
  SIGNET_ASSIGN_OR_RETURN(X509AlgorPtr alg, SignatureAlgorithmFor(signer.public_key().type()));
  // OpenSSL 3.0 exposes the two AlgorithmIdentifiers (in the TBS and after it) and the signature
  // BIT STRING only through const getters; there is no setter for an externally made signature.
  // The objects are owned by `x` and mutable, so writing through the cast pointers is sound.
  auto* tbs_alg = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x));
  const ASN1_BIT_STRING* const_sig = nullptr;
  const X509_ALGOR* const_outer_alg = nullptr;
  X509_get0_signature(&const_sig, &const_outer_alg, x);
  auto* outer_alg = const_cast<X509_ALGOR*>(const_outer_alg);
  auto* sig_bits = const_cast<ASN1_BIT_STRING*>(const_sig);
  if (X509_ALGOR_copy(tbs_alg, alg.get()) != 1 || X509_ALGOR_copy(outer_alg, alg.get()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "X509_ALGOR_copy");
  }
  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(x, &tbs);
  if (tbs_len <= 0 || tbs == nullptr) return OpenSslError(ErrorCode::kInternal, "i2d_re_X509_tbs");
  const std::string tbs_der(reinterpret_cast<const char*>(tbs), static_cast<size_t>(tbs_len));
  OPENSSL_free(tbs);

  const SignatureAlgorithm sig_alg = signer.algorithm();
  SIGNET_ASSIGN_OR_RETURN(std::string signature,
                          signer.SignDigest(Hash(HashForAlgorithm(sig_alg), tbs_der)));
  if (IsEcdsa(sig_alg)) {
    SIGNET_ASSIGN_OR_RETURN(signature, EcdsaRawToDer(signature));
  }
  if (ASN1_BIT_STRING_set(sig_bits, reinterpret_cast<unsigned char*>(signature.data()),
                          static_cast<int>(signature.size())) != 1) {
    return OpenSslError(ErrorCode::kInternal, "ASN1_BIT_STRING_set");
  }
  // Zero unused bits, stated explicitly; otherwise the encoder would trim trailing zero bits.
  sig_bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  sig_bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  return Status::Ok();
}

Result<Certificate> Build(const CertificateTemplate& t, const PublicKey& subject_key,
                          const X509_NAME* issuer_name, std::string_view authority_key_id,
                          const Signer& signer, const PublicKey& issuer_public_key,
                          const std::vector<std::string>& dns_names) {
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) {
    return OpenSslError(ErrorCode::kInternal, "X509_new");
  }
  SIGNET_RETURN_IF_ERROR(SetSerialAndValidity(x.get(), t));
  SIGNET_ASSIGN_OR_RETURN(X509NamePtr subject, BuildName(t.subject));
  if (X509_set_subject_name(x.get(), subject.get()) != 1 ||
      X509_set_issuer_name(x.get(), issuer_name != nullptr ? issuer_name : subject.get()) != 1 ||
      X509_set_pubkey(x.get(), subject_key.raw()) != 1) {
    return OpenSslError(ErrorCode::kInternal, "setting names and public key");
  }
  SIGNET_RETURN_IF_ERROR(AddExtensions(x.get(), t, authority_key_id, dns_names));
  SIGNET_RETURN_IF_ERROR(SignCertificate(x.get(), signer));

  const std::string der = EncodeDer(x.get(), i2d_X509);
  if (der.empty()) return OpenSslError(ErrorCode::kInternal, "i2d_X509");
  // What we hand out must be what a verifier sees: re-parse it and check the signature.
  Result<Certificate> cert = Certificate::FromDer(der);
  if (!cert.ok())
    return InternalError("issued certificate does not re-parse: " + cert.status().message());
  if (X509_verify(cert->raw(), issuer_public_key.raw()) != 1) {
    ERR_clear_error();
    return InternalError(
        "issued certificate does not verify with the issuer's public key (the signer's key "
        "does not match the issuer certificate)");
  }
  return cert;
}

}  // namespace

Result<Certificate> IssueRootCertificate(const CertificateTemplate& tmpl, const Signer& key) {
  if (tmpl.role != CertificateRole::kRootCa) {
    return InvalidArgumentError("a self-signed root needs the kRootCa role");
  }
  SIGNET_RETURN_IF_ERROR(CheckTemplate(tmpl));
  return Build(tmpl, key.public_key(), nullptr, {}, key, key.public_key(), {});
}

namespace {

Result<Certificate> IssueUnder(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                               const Certificate& issuer, const Signer& issuer_key,
                               const std::vector<std::string>& dns_names) {
  if (tmpl.role == CertificateRole::kRootCa) {
    return InvalidArgumentError("a root CA certificate is self-signed: use IssueRootCertificate");
  }
  SIGNET_RETURN_IF_ERROR(CheckTemplate(tmpl));
  const std::string issuer_subject = issuer.Subject();
  if (!issuer.IsCa()) {
    return InvalidArgumentError("issuer \"" + issuer_subject + "\" is not a CA certificate");
  }
  if (const std::optional<uint32_t> ku = issuer.KeyUsage(); ku && (*ku & KU_KEY_CERT_SIGN) == 0) {
    return InvalidArgumentError("issuer \"" + issuer_subject + "\" lacks keyUsage keyCertSign");
  }
  if (IsCaRole(tmpl.role)) {
    if (const std::optional<int> issuer_path = issuer.PathLength(); issuer_path.has_value()) {
      const int own = tmpl.path_length.value_or(0);
      if (*issuer_path <= own) {
        return InvalidArgumentError(
            "issuer \"" + issuer_subject + "\" has pathLen " + std::to_string(*issuer_path) +
            ", too small to issue a CA with pathLen " + std::to_string(own));
      }
    }
  }
  if (tmpl.not_before < issuer.not_before() || tmpl.not_after > issuer.not_after()) {
    return InvalidArgumentError("certificate validity " + FormatRfc3339(tmpl.not_before) + " .. " +
                                FormatRfc3339(tmpl.not_after) + " is outside the issuer's " +
                                FormatRfc3339(issuer.not_before()) + " .. " +
                                FormatRfc3339(issuer.not_after()));
  }
  SIGNET_ASSIGN_OR_RETURN(PublicKey issuer_public, issuer.public_key());
  if (!(issuer_public == issuer_key.public_key())) {
    return InvalidArgumentError("the issuer key does not match the public key of issuer \"" +
                                issuer_subject + "\"");
  }
  std::string authority_key_id;
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer.raw()); ski != nullptr) {
    authority_key_id.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)),
                            static_cast<size_t>(ASN1_STRING_length(ski)));
  } else {
    SIGNET_ASSIGN_OR_RETURN(authority_key_id, KeyIdentifier(issuer.raw()));
  }
  return Build(tmpl, subject_key, X509_get_subject_name(issuer.raw()), authority_key_id, issuer_key,
               issuer_public, dns_names);
}

}  // namespace

Result<Certificate> IssueCertificate(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                                     const Certificate& issuer, const Signer& issuer_key) {
  if (tmpl.role == CertificateRole::kTlsServer) {
    return InvalidArgumentError("a TLS server certificate names its hosts: use "
                                "IssueTlsServerCertificate");
  }
  return IssueUnder(tmpl, subject_key, issuer, issuer_key, {});
}

Result<Certificate> IssueTlsServerCertificate(const CertificateTemplate& tmpl,
                                              const std::vector<std::string>& dns_names,
                                              const PublicKey& subject_key,
                                              const Certificate& issuer, const Signer& issuer_key) {
  if (tmpl.role != CertificateRole::kTlsServer) {
    return InvalidArgumentError("a TLS server certificate needs the kTlsServer role");
  }
  if (dns_names.empty()) return InvalidArgumentError("a TLS server certificate needs a DNS name");
  for (const std::string& name : dns_names) {
    if (name.empty() || name.size() > 253 ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.*") != std::string::npos) {
      return InvalidArgumentError("\"" + name + "\" is not a lower-case DNS name");
    }
  }
  return IssueUnder(tmpl, subject_key, issuer, issuer_key, dns_names);
}

}  // namespace signet::crypto
