#include "crypto/timestamp_token.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

#include "crypto/openssl_util.h"

namespace signet::crypto {
namespace {

using Pkcs7Ptr = std::unique_ptr<PKCS7, OpenSslDeleter<PKCS7_free>>;
using TstInfoPtr = std::unique_ptr<TS_TST_INFO, OpenSslDeleter<TS_TST_INFO_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using TsVerifyCtxPtr = std::unique_ptr<TS_VERIFY_CTX, OpenSslDeleter<TS_VERIFY_CTX_free>>;

struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

Status Malformed(const std::string& what) {
  ERR_clear_error();
  return InvalidArgumentError("timestamp token is malformed: " + what);
}

// The whole error queue, with the detail strings OpenSSL attaches (the X.509 verify error lives
// there: "Verify error:unable to get local issuer certificate").
std::string DrainOpenSslErrors() {
  std::string out;
  const char* data = nullptr;
  int flags = 0;
  unsigned long code;  // NOLINT(google-runtime-int): OpenSSL's type
  while ((code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
    if (!out.empty()) out += "; ";
    const char* reason = ERR_reason_error_string(code);
    out += reason != nullptr ? reason : "unknown OpenSSL error";
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0') {
      out += " (";
      out += data;
      out += ")";
    }
  }
  return out.empty() ? "unknown error" : out;
}

// GeneralizedTime as RFC 3161 §2.4.2 requires it: "YYYYMMDDhhmmss[.f...]Z".
Status ParseGenTime(const ASN1_GENERALIZEDTIME* time, VerifiedTimestampToken& out,
                    bool& truncated_fraction) {
  if (time == nullptr) return Malformed("genTime is missing");
  const std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(time)),
                              static_cast<size_t>(ASN1_STRING_length(time)));
  auto digits = [&](size_t pos, size_t n, int& value) {
    if (pos + n > text.size()) return false;
    value = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, year) || !digits(4, 2, month) || !digits(6, 2, day) || !digits(8, 2, hour) ||
      !digits(10, 2, minute) || !digits(12, 2, second) || text.empty() || text.back() != 'Z') {
    return Malformed("genTime \"" + std::string(text) + "\" is not YYYYMMDDhhmmss[.f]Z");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) {
    return Malformed("genTime \"" + std::string(text) + "\" is not a valid time");
  }
  out.gen_time = std::chrono::sys_days{ymd} + std::chrono::hours(hour) +
                 std::chrono::minutes(minute) + std::chrono::seconds(second);
  truncated_fraction = false;
  int64_t micros = 0;
  const std::string_view rest = text.substr(14, text.size() - 15);
  if (!rest.empty()) {
    if (rest.size() < 2 || rest[0] != '.') return Malformed("genTime fraction is malformed");
    for (size_t i = 1; i < rest.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(rest[i]))) {
        return Malformed("genTime fraction is malformed");
      }
      if (i <= 6) {
        micros = micros * 10 + (rest[i] - '0');
      } else if (rest[i] != '0') {
        truncated_fraction = true;
      }
    }
    for (size_t i = rest.size(); i <= 6; ++i) micros *= 10;
  }
  out.gen_time_fraction = std::chrono::microseconds(micros);
  return Status::Ok();
}

Status ParseAccuracy(const TS_TST_INFO* info, VerifiedTimestampToken& out) {
  out.accuracy = std::chrono::microseconds(0);
  const TS_ACCURACY* accuracy = TS_TST_INFO_get_accuracy(const_cast<TS_TST_INFO*>(info));
  if (accuracy != nullptr) {
    auto field = [](const ASN1_INTEGER* value, int64_t max, int64_t& result) {
      result = 0;
      if (value == nullptr) return true;
      return ASN1_INTEGER_get_int64(&result, value) == 1 && result >= 0 && result <= max;
    };
    int64_t seconds, millis, micros;
    // A TSA claiming an accuracy of more than a day has no useful time to offer.
    if (!field(TS_ACCURACY_get_seconds(accuracy), 86400, seconds) ||
        !field(TS_ACCURACY_get_millis(accuracy), 999, millis) ||
        !field(TS_ACCURACY_get_micros(accuracy), 999, micros)) {
      return Malformed("accuracy is out of range");
    }
    out.accuracy = std::chrono::seconds(seconds) + std::chrono::milliseconds(millis) +
                   std::chrono::microseconds(micros);
  }
  if (out.accuracy.count() == 0 && out.policy_oid == kBaselineTimestampPolicyOid) {
    out.accuracy = std::chrono::seconds(1);
  }
  return Status::Ok();
}

std::optional<HashAlgorithm> ImprintAlgorithm(int nid) {
  switch (nid) {
    case NID_sha256:
      return HashAlgorithm::kSha256;
    case NID_sha384:
      return HashAlgorithm::kSha384;
    case NID_sha512:
      return HashAlgorithm::kSha512;
    default:
      return std::nullopt;
  }
}

// RFC 3161 §2.3: the TSA certificate has exactly one extendedKeyUsage extension, critical, whose
// only purpose is timeStamping.
Status CheckTimestampingEku(X509* signer) {
  int critical = -1;
  auto* usages = static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(signer, NID_ext_key_usage, &critical, nullptr));
  const bool only_timestamping = usages != nullptr && sk_ASN1_OBJECT_num(usages) == 1 &&
                                 OBJ_obj2nid(sk_ASN1_OBJECT_value(usages, 0)) == NID_time_stamp;
  if (usages != nullptr) EXTENDED_KEY_USAGE_free(usages);
  ERR_clear_error();
  if (!only_timestamping) {
    return InvalidArgumentError(
        "timestamp token signing certificate must have timeStamping as its only extended key "
        "usage");
  }
  if (critical != 1) {
    return InvalidArgumentError(
        "timestamp token signing certificate extended key usage extension must be critical");
  }
  return Status::Ok();
}

Result<std::vector<Certificate>> ToCertificates(STACK_OF(X509) * chain) {
  std::vector<Certificate> out;
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    SIGNET_ASSIGN_OR_RETURN(Certificate cert,
                            Certificate::FromDer(EncodeDer(sk_X509_value(chain, i), i2d_X509)));
    out.push_back(std::move(cert));
  }
  return out;
}

}  // namespace

Result<VerifiedTimestampToken> VerifyTimestampToken(std::string_view token_der,
                                                    std::string_view message,
                                                    const std::vector<Certificate>& tsa_roots) {
  if (token_der.empty()) return Malformed("empty");
  if (token_der.size() > kMaxTimestampTokenSize) {
    return Malformed("larger than " + std::to_string(kMaxTimestampTokenSize) + " bytes");
  }
  if (tsa_roots.empty()) {
    return InvalidArgumentError("no trusted TSA root certificate to verify the timestamp token");
  }
  ERR_clear_error();

  // 1. Structure: a SignedData whose content is a TSTInfo, and nothing after it.
  const auto* p = reinterpret_cast<const unsigned char*>(token_der.data());
  const auto* end = p + token_der.size();
  Pkcs7Ptr token(d2i_PKCS7(nullptr, &p, static_cast<long>(token_der.size())));  // NOLINT
  if (token == nullptr) return Malformed("not a CMS ContentInfo (" + DrainOpenSslErrors() + ")");
  if (p != end) return Malformed("trailing bytes after the ContentInfo");
  if (!PKCS7_type_is_signed(token.get()) || token->d.sign == nullptr) {
    return Malformed("not a CMS SignedData");
  }
  TstInfoPtr info(PKCS7_to_TS_TST_INFO(token.get()));
  if (info == nullptr) return Malformed("no TSTInfo content (" + DrainOpenSslErrors() + ")");

  VerifiedTimestampToken result;
  if (TS_TST_INFO_get_version(info.get()) != 1) {
    return Malformed("TSTInfo version must be 1, got " +
                     std::to_string(TS_TST_INFO_get_version(info.get())));
  }
  char oid[128];
  const ASN1_OBJECT* policy = TS_TST_INFO_get_policy_id(info.get());
  if (policy == nullptr || OBJ_obj2txt(oid, sizeof(oid), policy, 1) <= 0) {
    return Malformed("TSA policy id is missing");
  }
  result.policy_oid = oid;
  if (const ASN1_INTEGER* serial = TS_TST_INFO_get_serial(info.get()); serial != nullptr) {
    BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (bn != nullptr) {
      char* hex = BN_bn2hex(bn.get());
      if (hex != nullptr) {
        result.serial_hex = hex;
        OPENSSL_free(hex);
      }
    }
    std::transform(result.serial_hex.begin(), result.serial_hex.end(), result.serial_hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  bool truncated_fraction = false;
  SIGNET_RETURN_IF_ERROR(
      ParseGenTime(TS_TST_INFO_get_time(info.get()), result, truncated_fraction));
  SIGNET_RETURN_IF_ERROR(ParseAccuracy(info.get(), result));
  {
    // Round outwards, so whole-second comparisons never make the interval look narrower.
    using std::chrono::ceil;
    using std::chrono::floor;
    const auto exact = std::chrono::sys_time<std::chrono::microseconds>(result.gen_time) +
                       result.gen_time_fraction;
    result.earliest = floor<std::chrono::seconds>(exact - result.accuracy);
    result.latest = ceil<std::chrono::seconds>(exact + result.accuracy +
                                               std::chrono::microseconds(truncated_fraction));
  }

  // 2. The imprint covers `message`, hashed with the token's own (acceptable) algorithm.
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
  const ASN1_OBJECT* imprint_oid = nullptr;
  X509_ALGOR_get0(&imprint_oid, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  const auto algorithm = ImprintAlgorithm(OBJ_obj2nid(imprint_oid));
  if (!algorithm) {
    return InvalidArgumentError(
        "timestamp token message imprint uses an unsupported hash algorithm (need SHA-256, "
        "SHA-384 or SHA-512)");
  }
  result.imprint_algorithm = *algorithm;
  const std::string digest = Hash(*algorithm, message);
  const ASN1_OCTET_STRING* hashed = TS_MSG_IMPRINT_get_msg(imprint);
  if (hashed == nullptr ||
      std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(hashed)),
                       static_cast<size_t>(ASN1_STRING_length(hashed))) != digest) {
    return InvalidArgumentError(
        "timestamp token does not match the message it should countersign (mismatched message "
        "imprint)");
  }

  // 3. The signer: named by the SignerInfo, found among the token's certificates.
  STACK_OF(PKCS7_SIGNER_INFO)* signer_infos = PKCS7_get_signer_info(token.get());
  if (signer_infos == nullptr || sk_PKCS7_SIGNER_INFO_num(signer_infos) != 1) {
    return Malformed("a timestamp token must have exactly one SignerInfo");
  }
  STACK_OF(X509)* signers = PKCS7_get0_signers(token.get(), nullptr, 0);
  if (signers == nullptr || sk_X509_num(signers) != 1) {
    if (signers != nullptr) sk_X509_free(signers);
    ERR_clear_error();
    return InvalidArgumentError("signing certificate not found in the timestamp token");
  }
  X509* signer = sk_X509_value(signers, 0);
  sk_X509_free(signers);  // the certificate itself stays owned by the token
  SIGNET_RETURN_IF_ERROR(CheckTimestampingEku(signer));

  // 4. OpenSSL's TS verification: signature, ESS signing-certificate binding, chain to a TSA
  //    root at genTime with the timestamp-signing purpose, imprint and version.
  X509StorePtr store(X509_STORE_new());
  if (store == nullptr) return InternalError("out of memory");
  std::vector<std::string> added;
  for (const Certificate& root : tsa_roots) {
    if (std::find(added.begin(), added.end(), root.der()) != added.end()) continue;
    if (X509_STORE_add_cert(store.get(), root.raw()) != 1) {
      return InternalError("cannot add a TSA root to the store: " + DrainOpenSslErrors());
    }
    added.push_back(root.der());
  }
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()),
                             static_cast<time_t>(result.gen_time.time_since_epoch().count()));
  X509StackPtr embedded(X509_chain_up_ref(token->d.sign->cert));
  if (embedded == nullptr) embedded.reset(sk_X509_new_null());

  TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  auto* imprint_copy = static_cast<unsigned char*>(OPENSSL_memdup(digest.data(), digest.size()));
  if (ctx == nullptr || embedded == nullptr || imprint_copy == nullptr) {
    OPENSSL_free(imprint_copy);
    return InternalError("out of memory");
  }
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_SIGNATURE | TS_VFY_IMPRINT | TS_VFY_VERSION);
  // The context takes ownership of the store (one extra reference kept for step 5), the
  // certificate stack and the imprint buffer.
  X509_STORE_up_ref(store.get());
  TS_VERIFY_CTX_set_store(ctx.get(), store.get());
  TS_VERIFY_CTX_set_certs(ctx.get(), X509_chain_up_ref(embedded.get()));
  TS_VERIFY_CTX_set_imprint(ctx.get(), imprint_copy, static_cast<long>(digest.size()));  // NOLINT
  if (TS_RESP_verify_token(ctx.get(), token.get()) != 1) {
    return InvalidArgumentError("timestamp token signature or TSA certificate chain is invalid: " +
                                DrainOpenSslErrors());
  }

  // 5. The chain OpenSSL accepted, for the caller's checks (TS_RESP_verify_token keeps it).
  X509StoreCtxPtr chain_ctx(X509_STORE_CTX_new());
  if (chain_ctx == nullptr ||
      X509_STORE_CTX_init(chain_ctx.get(), store.get(), signer, embedded.get()) != 1) {
    return InternalError("cannot build the TSA certificate chain: " + DrainOpenSslErrors());
  }
  X509_STORE_CTX_set_purpose(chain_ctx.get(), X509_PURPOSE_TIMESTAMP_SIGN);
  if (X509_verify_cert(chain_ctx.get()) != 1) {
    return InvalidArgumentError(
        std::string("timestamp token TSA certificate chain is invalid: ") +
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(chain_ctx.get())));
  }
  X509StackPtr chain(X509_STORE_CTX_get1_chain(chain_ctx.get()));
  SIGNET_ASSIGN_OR_RETURN(result.tsa_chain, ToCertificates(chain.get()));
  ERR_clear_error();
  return result;
}

}  // namespace signet::crypto
