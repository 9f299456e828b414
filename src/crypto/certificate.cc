#include "crypto/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <cctype>
#include <chrono>
#include <ctime>

#include "core/encoding.h"
#include "crypto/digest.h"
#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

constexpr std::string_view kPemCertificate = "CERTIFICATE";

// The attributes Go's crypto/x509/pkix parses into named fields (2.5.4.N), with the names
// pkix.Name.String() prints.
struct KnownAttribute {
  int nid;
  const char* name;
};
// In the order pkix.Name.ToRDNSequence() emits them; String() prints the sequence reversed.
constexpr KnownAttribute kKnownAttributes[] = {
    {NID_countryName, "C"},
    {NID_stateOrProvinceName, "ST"},
    {NID_localityName, "L"},
    {NID_streetAddress, "STREET"},
    {NID_postalCode, "POSTALCODE"},
    {NID_organizationName, "O"},
    {NID_organizationalUnitName, "OU"},
    {NID_commonName, "CN"},
    {NID_serialNumber, "SERIALNUMBER"},
};

const KnownAttribute* FindKnown(int nid) {
  for (const KnownAttribute& k : kKnownAttributes) {
    if (k.nid == nid) return &k;
  }
  return nullptr;
}

// RFC 2253 escaping exactly as pkix.AttributeTypeAndValue is printed by Go.
std::string EscapeValue(std::string_view v) {
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) {
    const char c = v[k];
    bool escape = false;
    switch (c) {
      case ',':
      case '+':
      case '"':
      case '\\':
      case '<':
      case '>':
      case ';':
        escape = true;
        break;
      case ' ':
        escape = k == 0 || k == v.size() - 1;
        break;
      case '#':
        escape = k == 0;
        break;
      default:
        break;
    }
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

// Go's encoding/asn1 PrintableString alphabet (without '*' and '&'), which decides whether
// asn1.Marshal re-encodes a string as PrintableString or UTF8String.
bool IsGoPrintable(unsigned char c) {
  return std::isalnum(c) || c == ' ' || c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' ||
         c == '-' || c == '.' || c == '/' || c == ':' || c == '=' || c == '?';
}

std::string DerLength(size_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  std::string bytes;
  for (size_t v = n; v != 0; v >>= 8) bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
  return std::string(1, static_cast<char>(0x80 | bytes.size())) + bytes;
}

struct NameEntry {
  int nid;
  std::string oid;    // dotted
  std::string value;  // UTF-8
};

std::vector<NameEntry> NameEntries(const X509_NAME* name) {
  std::vector<NameEntry> out;
  const int n = X509_NAME_entry_count(name);
  for (int i = 0; i < n; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    NameEntry entry;
    entry.nid = OBJ_obj2nid(obj);
    char oid[128] = {};
    OBJ_obj2txt(oid, sizeof(oid), obj, 1);
    entry.oid = oid;
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (len >= 0 && utf8 != nullptr) {
      entry.value.assign(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
      OPENSSL_free(utf8);
    } else {
      ERR_clear_error();
      const ASN1_STRING* data = X509_NAME_ENTRY_get_data(e);
      entry.value.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                         static_cast<size_t>(ASN1_STRING_length(data)));
    }
    out.push_back(std::move(entry));
  }
  return out;
}

// One attribute as pkix.Name.String() prints it. `hex_der` marks an attribute type Go has no
// name for: `type` is then the dotted OID and `value` "#<hex DER>", printed without escaping.
struct GoAttribute {
  std::string type;
  std::string value;
  bool hex_der = false;
};
// One RDN of the sequence pkix.Name.String() prints: attributes joined with '+'.
using GoRdn = std::vector<GoAttribute>;

// Rebuilds the RDN sequence the way pkix.Name.String() does for a parsed certificate: attribute
// types it does not know first (each its own RDN), then the known fields in a fixed order with
// all values of one type in one RDN; CN and SERIALNUMBER keep only their last value. The
// sequence is then printed in reverse, so the result is not simply the DER order reversed.
std::vector<GoRdn> GoRdnSequence(const X509_NAME* name) {
  const std::vector<NameEntry> entries = NameEntries(name);
  std::vector<GoRdn> rdns;
  for (const NameEntry& e : entries) {
    if (FindKnown(e.nid) != nullptr) continue;
    // Go re-marshals the parsed string: PrintableString when it can be, else UTF8String.
    const bool printable = std::all_of(e.value.begin(), e.value.end(), [](char c) {
      return IsGoPrintable(static_cast<unsigned char>(c));
    });
    std::string der(1, printable ? '\x13' : '\x0c');
    der.append(DerLength(e.value.size())).append(e.value);
    std::string value("#");
    value.append(HexEncode(der));
    rdns.push_back({GoAttribute{e.oid, std::move(value), true}});
  }
  for (const KnownAttribute& known : kKnownAttributes) {
    GoRdn rdn;
    for (const NameEntry& e : entries) {
      if (e.nid == known.nid) rdn.push_back(GoAttribute{known.name, e.value, false});
    }
    if (rdn.empty()) continue;
    if (known.nid == NID_commonName || known.nid == NID_serialNumber) {
      rdn.erase(rdn.begin(), rdn.end() - 1);
    }
    rdns.push_back(std::move(rdn));
  }
  std::reverse(rdns.begin(), rdns.end());
  return rdns;
}

std::string GoNameString(const X509_NAME* name) {
  std::string out;
  for (const GoRdn& rdn : GoRdnSequence(name)) {
    if (!out.empty()) out += ',';
    for (size_t i = 0; i < rdn.size(); ++i) {
      if (i > 0) out += '+';
      out += rdn[i].type;
      out += '=';
      out += rdn[i].hex_der ? rdn[i].value : EscapeValue(rdn[i].value);
    }
  }
  return out;
}

Timestamp FromAsn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return Timestamp{};
  using namespace std::chrono;
  const year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                           day{static_cast<unsigned>(tm.tm_mday)}};
  return sys_days{ymd} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

bool HasExtensionFlag(X509* x, uint32_t flag) { return (X509_get_extension_flags(x) & flag) != 0; }

}  // namespace

Result<Certificate> Certificate::ParseDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* raw = d2i_X509(nullptr, &p, static_cast<long>(der.size()));  // NOLINT(google-runtime-int)
  X509Ptr x(raw);
  if (!x) return OpenSslError(ErrorCode::kInvalidArgument, "malformed X.509 certificate");
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return InvalidArgumentError("malformed X.509 certificate: trailing bytes after the DER");
  }
  // d2i_X509 tolerates some BER outside the signed TBSCertificate (non-zero BIT STRING padding
  // bits, constructed encodings); i2d_X509 then writes other bytes. Certificates are identified
  // by their bytes (thumbprints, equality, revocation hashes), so only strict DER is accepted,
  // as Go's x509.ParseCertificate does.
  if (EncodeDer(x.get(), i2d_X509) != der) {
    return InvalidArgumentError("malformed X.509 certificate: not in DER form");
  }
  // Computing the extension cache also validates basicConstraints, keyUsage, EKU, SKI/AKI and
  // rejects duplicate extensions; a certificate whose extensions cannot be read is refused here,
  // as Go's x509.ParseCertificate refuses it.
  if (HasExtensionFlag(x.get(), EXFLAG_INVALID)) {
    ERR_clear_error();
    return InvalidArgumentError("malformed X.509 certificate: invalid or duplicate extensions");
  }
  return Certificate(std::shared_ptr<X509>(x.release(), X509_free), std::string(der));
}

namespace {

// Parsed certificates by DER. Verifiers parse the same few chains (x5c of every envelope of a
// profile version) again and again, and d2i_X509 costs about a third of an ECDSA verification.
// A Certificate is immutable and shares its X509, so handing out the cached one is safe. Only
// certificates that parsed are cached; the cache is bounded and cleared when full.
class CertificateCache {
 public:
  static constexpr size_t kMaxEntries = 1024;

  std::optional<Certificate> Find(std::string_view der) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(der);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  void Insert(const Certificate& cert) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.emplace(cert.der(), cert);
  }

 private:
  std::mutex mu_;
  std::map<std::string, Certificate, std::less<>> entries_;
};

CertificateCache& SharedCertificateCache() {
  static CertificateCache* cache = new CertificateCache();
  return *cache;
}

}  // namespace

Result<Certificate> Certificate::FromDer(std::string_view der) {
  if (std::optional<Certificate> cached = SharedCertificateCache().Find(der)) return *cached;
  SIGNET_ASSIGN_OR_RETURN(Certificate cert, ParseDer(der));
  SharedCertificateCache().Insert(cert);
  return cert;
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  if (pem.find("-----BEGIN") == std::string_view::npos) {
    return InvalidArgumentError("expected a PEM certificate (\"-----BEGIN CERTIFICATE-----\")");
  }
  SIGNET_ASSIGN_OR_RETURN(std::vector<Certificate> certs, ParseBundle(pem));
  if (certs.size() != 1) {
    return InvalidArgumentError("expected exactly one PEM certificate, found " +
                                std::to_string(certs.size()));
  }
  return std::move(certs.front());
}

Result<std::vector<Certificate>> Certificate::ParseBundle(std::string_view pem_or_der) {
  if (pem_or_der.find("-----BEGIN") == std::string_view::npos) {
    if (pem_or_der.empty()) return InvalidArgumentError("no certificate found: input is empty");
    SIGNET_ASSIGN_OR_RETURN(Certificate cert, FromDer(pem_or_der));
    return std::vector<Certificate>{std::move(cert)};
  }
  BioPtr bio = MemoryBio(pem_or_der);
  if (!bio) return InvalidArgumentError("certificate bundle is too large");
  std::vector<Certificate> certs;
  ERR_clear_error();
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;  // NOLINT(google-runtime-int): OpenSSL's type
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
      const unsigned long err = ERR_peek_last_error();  // NOLINT(google-runtime-int)
      if (!certs.empty() && ERR_GET_LIB(err) == ERR_LIB_PEM &&
          ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        break;  // the end of the input
      }
      return OpenSslError(ErrorCode::kInvalidArgument,
                          "malformed PEM block after certificate " + std::to_string(certs.size()));
    }
    const std::string block_name = name;
    const std::string der(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (block_name != kPemCertificate) {
      return InvalidArgumentError("unexpected PEM block \"" + block_name.substr(0, 40) +
                                  "\" (only CERTIFICATE blocks are allowed)");
    }
    Result<Certificate> cert = FromDer(der);
    if (!cert.ok()) {
      return cert.status().WithContext("PEM certificate " + std::to_string(certs.size()));
    }
    certs.push_back(std::move(cert).value());
  }
  return certs;
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x509_.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  return BioContents(bio.get());
}

std::string Certificate::TbsDer() const {
  // The first element of the outer SEQUENCE, sliced from the DER: exactly the bytes the issuer
  // signed. (Re-encoding with i2d_re_X509_tbs would mutate the shared X509.)
  const auto* start = reinterpret_cast<const unsigned char*>(der_.data());
  const unsigned char* p = start;
  long len = 0;  // NOLINT(google-runtime-int): OpenSSL's type
  int tag = 0;
  int cls = 0;
  if (ASN1_get_object(&p, &len, &tag, &cls, static_cast<long>(der_.size())) & 0x80) {  // NOLINT
    ERR_clear_error();
    return {};
  }
  const unsigned char* tbs = p;
  const long remaining = static_cast<long>(der_.size() - static_cast<size_t>(p - start));  // NOLINT
  if (ASN1_get_object(&p, &len, &tag, &cls, remaining) & 0x80) {
    ERR_clear_error();
    return {};
  }
  return std::string(reinterpret_cast<const char*>(tbs), static_cast<size_t>(p - tbs) + len);
}

std::string Certificate::Subject() const {
  return GoNameString(X509_get_subject_name(x509_.get()));
}
std::string Certificate::Issuer() const { return GoNameString(X509_get_issuer_name(x509_.get())); }

std::vector<NameAttribute> Certificate::SubjectAttributes() const {
  std::vector<NameAttribute> out;
  for (GoRdn& rdn : GoRdnSequence(X509_get_subject_name(x509_.get()))) {
    for (GoAttribute& attr : rdn) out.emplace_back(std::move(attr.type), std::move(attr.value));
  }
  return out;
}

Timestamp Certificate::not_before() const { return FromAsn1Time(X509_get0_notBefore(x509_.get())); }
Timestamp Certificate::not_after() const { return FromAsn1Time(X509_get0_notAfter(x509_.get())); }

std::string Certificate::SerialHex() const {
  BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

std::string Certificate::Sha256Thumbprint() const { return HexEncode(Sha256(der_)); }

namespace {
Result<PublicKey> DecodePublicKey(X509* x509) {
  EVP_PKEY* pkey = X509_get0_pubkey(x509);
  if (pkey == nullptr) {
    return OpenSslError(ErrorCode::kInvalidArgument, "unreadable certificate public key");
  }
  return PublicKey::FromEvpPkey(pkey);
}
}  // namespace

Certificate::Certificate(std::shared_ptr<X509> x509, std::string der)
    : x509_(std::move(x509)),
      der_(std::move(der)),
      public_key_(std::make_shared<const Result<PublicKey>>(DecodePublicKey(x509_.get()))) {}

Result<PublicKey> Certificate::public_key() const { return *public_key_; }

bool Certificate::IsCa() const {
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(x509_.get(), NID_basic_constraints, nullptr, nullptr));
  if (bc == nullptr) return false;
  const bool ca = bc->ca != 0;
  BASIC_CONSTRAINTS_free(bc);
  return ca;
}

std::optional<int> Certificate::PathLength() const {
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(x509_.get(), NID_basic_constraints, nullptr, nullptr));
  if (bc == nullptr) return std::nullopt;
  std::optional<int> out;
  if (bc->pathlen != nullptr) {
    const long v = ASN1_INTEGER_get(bc->pathlen);  // NOLINT(google-runtime-int)
    if (v >= 0 && v <= INT32_MAX) out = static_cast<int>(v);
  }
  BASIC_CONSTRAINTS_free(bc);
  return out;
}

bool Certificate::IsSelfIssued() const {
  // Byte equality of the encoded names, as Go (and so notation-go) compares them.
  return EncodeDer(X509_get_subject_name(x509_.get()), i2d_X509_NAME) ==
         EncodeDer(X509_get_issuer_name(x509_.get()), i2d_X509_NAME);
}

std::optional<uint32_t> Certificate::KeyUsage() const {
  if (!HasExtensionFlag(x509_.get(), EXFLAG_KUSAGE)) return std::nullopt;
  return X509_get_key_usage(x509_.get());
}

std::optional<uint32_t> Certificate::ExtendedKeyUsage() const {
  if (!HasExtensionFlag(x509_.get(), EXFLAG_XKUSAGE)) return std::nullopt;
  return X509_get_extended_key_usage(x509_.get());
}

}  // namespace signet::crypto
