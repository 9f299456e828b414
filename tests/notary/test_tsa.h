// TEST DOUBLE for an RFC 3161 Time Stamping Authority (DESIGN.md §9: no real TSA can run in
// the tests). It is OpenSSL's own TS responder (TS_RESP_create_response) with a root CA and a
// TSA certificate made on the fly, so the tests can reach what the fixed GlobalSign vectors
// cannot: other EKUs, fractional genTimes, accuracies, imprint algorithms and validity periods.
#pragma once

#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/digest.h"
#include "crypto/private_key.h"

namespace signet::notary::testing {

struct TestTsaOptions {
  // The TSA certificate's extendedKeyUsage, in openssl.cnf syntax.
  std::string eku = "critical,timeStamping";
  Timestamp tsa_not_before = ParseRfc3339("2020-01-01T00:00:00Z").value();
  Timestamp tsa_not_after = ParseRfc3339("2030-01-01T00:00:00Z").value();
  std::string policy = "1.3.6.1.4.1.55555.1";
  int accuracy_seconds = 0;
  int accuracy_millis = 0;
  int accuracy_micros = 0;
  int precision_digits = 0;  // digits of fractional seconds written in genTime
  Timestamp gen_time = ParseRfc3339("2024-01-01T00:00:00Z").value();
  long gen_time_usec = 0;  // NOLINT(google-runtime-int): OpenSSL's type
};

class TestTsa {
 public:
  explicit TestTsa(TestTsaOptions options) : options_(std::move(options)) {
    const auto root_from = ParseRfc3339("2000-01-01T00:00:00Z").value();
    const auto root_to = ParseRfc3339("2099-01-01T00:00:00Z").value();
    root_ = MakeCert(root_key_.raw(), "Test TSA Root", nullptr, root_key_.raw(), root_from, root_to,
                     {{NID_basic_constraints, "critical,CA:TRUE"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"}});
    tsa_ = MakeCert(tsa_key_.raw(), "Test TSA", root_.get(), root_key_.raw(),
                    options_.tsa_not_before, options_.tsa_not_after,
                    {{NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_key_usage, "critical,digitalSignature"},
                     {NID_ext_key_usage, options_.eku.c_str()},
                     {NID_subject_key_identifier, "hash"},
                     {NID_authority_key_identifier, "keyid:always"}});
  }

  crypto::Certificate root() const { return ToCertificate(root_.get()); }

  // A TimeStampToken (DER) over `message`, imprinted with `md`; empty if OpenSSL refuses.
  std::string Timestamp(std::string_view message, const EVP_MD* md = EVP_sha256()) const {
    std::unique_ptr<TS_RESP_CTX, decltype(&TS_RESP_CTX_free)> ctx(TS_RESP_CTX_new(),
                                                                  TS_RESP_CTX_free);
    TS_RESP_CTX_set_signer_cert(ctx.get(), tsa_.get());
    TS_RESP_CTX_set_signer_key(ctx.get(), tsa_key_.raw());
    TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256());
    TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256());  // signingCertificateV2
    ASN1_OBJECT* policy = OBJ_txt2obj(options_.policy.c_str(), 1);
    TS_RESP_CTX_set_def_policy(ctx.get(), policy);
    ASN1_OBJECT_free(policy);
    TS_RESP_CTX_add_md(ctx.get(), md);
    STACK_OF(X509)* certs = sk_X509_new_null();
    sk_X509_push(certs, root_.get());
    TS_RESP_CTX_set_certs(ctx.get(), certs);  // copies
    sk_X509_free(certs);
    TS_RESP_CTX_set_accuracy(ctx.get(), options_.accuracy_seconds, options_.accuracy_millis,
                             options_.accuracy_micros);
    TS_RESP_CTX_set_clock_precision_digits(ctx.get(), options_.precision_digits);
    TS_RESP_CTX_set_time_cb(ctx.get(), &FixedTime, const_cast<TestTsaOptions*>(&options_));

    const std::string digest = Digest(md, message);
    TS_REQ* req = TS_REQ_new();
    TS_REQ_set_version(req, 1);
    TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
    X509_ALGOR* algorithm = X509_ALGOR_new();
    X509_ALGOR_set0(algorithm, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, nullptr);
    TS_MSG_IMPRINT_set_algo(imprint, algorithm);
    TS_MSG_IMPRINT_set_msg(imprint,
                           reinterpret_cast<unsigned char*>(const_cast<char*>(digest.data())),
                           static_cast<int>(digest.size()));
    TS_REQ_set_msg_imprint(req, imprint);
    TS_REQ_set_cert_req(req, 1);
    BIO* request = BIO_new(BIO_s_mem());
    i2d_TS_REQ_bio(request, req);
    TS_RESP* response = TS_RESP_create_response(ctx.get(), request);
    std::string der;
    if (response != nullptr && TS_RESP_get_token(response) != nullptr) {
      PKCS7* token = TS_RESP_get_token(response);
      const int len = i2d_PKCS7(token, nullptr);
      der.resize(static_cast<size_t>(len));
      auto* p = reinterpret_cast<unsigned char*>(der.data());
      i2d_PKCS7(token, &p);
    }
    TS_RESP_free(response);
    BIO_free(request);
    TS_REQ_free(req);
    TS_MSG_IMPRINT_free(imprint);
    X509_ALGOR_free(algorithm);
    return der;
  }

 private:
  using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

  static int FixedTime(TS_RESP_CTX*, void* data, long* sec, long* usec) {  // NOLINT
    const auto* options = static_cast<const TestTsaOptions*>(data);
    *sec = static_cast<long>(options->gen_time.time_since_epoch().count());  // NOLINT
    *usec = options->gen_time_usec;
    return 1;
  }

  static std::string Digest(const EVP_MD* md, std::string_view message) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(message.data(), message.size(), out, &len, md, nullptr);
    return std::string(reinterpret_cast<char*>(out), len);
  }

  static X509Ptr MakeCert(EVP_PKEY* subject_key, const char* cn, X509* issuer, EVP_PKEY* issuer_key,
                          signet::Timestamp not_before, signet::Timestamp not_after,
                          const std::vector<std::pair<int, const char*>>& extensions) {
    static long serial = 1;  // NOLINT(google-runtime-int)
    X509Ptr x(X509_new(), X509_free);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial++);
    X509_NAME* name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                               -1, -1, 0);
    X509_set_subject_name(x.get(), name);
    X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
    X509_NAME_free(name);
    ASN1_TIME_set(X509_getm_notBefore(x.get()), not_before.time_since_epoch().count());
    ASN1_TIME_set(X509_getm_notAfter(x.get()), not_after.time_since_epoch().count());
    X509_set_pubkey(x.get(), subject_key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : extensions) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(x.get(), ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(x.get(), issuer_key, EVP_sha256());
    return x;
  }

  static crypto::Certificate ToCertificate(X509* x) {
    const int len = i2d_X509(x, nullptr);
    std::string der(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509(x, &p);
    return crypto::Certificate::FromDer(der).value();
  }

  TestTsaOptions options_;
  crypto::PrivateKey root_key_ = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
  crypto::PrivateKey tsa_key_ = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256).value();
  X509Ptr root_{nullptr, X509_free};
  X509Ptr tsa_{nullptr, X509_free};
};

}  // namespace signet::notary::testing
