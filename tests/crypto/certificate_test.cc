#include "crypto/certificate.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/encoding.h"
#include "crypto/certificate_builder.h"
#include "test_certificates.h"

namespace signet::crypto {
namespace {

using testing::At;
using testing::MakePki;
using testing::MakeRawCertificate;
using testing::NotationTrustStoreDir;
using testing::ReadTestFile;
using testing::SharedKey;
using testing::Template;

Certificate LoadPem(const std::string& file) {
  Result<Certificate> cert = Certificate::FromPem(ReadTestFile(NotationTrustStoreDir() + file));
  EXPECT_TRUE(cert.ok()) << file << ": " << cert.status().ToString();
  return std::move(cert).value();
}

TEST(CertificateTest, NotationTestRoot) {
  const Certificate root = LoadPem("NotationTestRoot.pem");
  EXPECT_EQ(root.Subject(), "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US");
  EXPECT_EQ(root.Issuer(), "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US");
  const std::string thumbprint = root.Sha256Thumbprint();
  EXPECT_EQ(thumbprint.size(), 64u);
  EXPECT_EQ(thumbprint.substr(0, 8), "86df8041");
  EXPECT_EQ(thumbprint.substr(60), "d644");
  EXPECT_EQ(thumbprint, HexEncode(Sha256(root.der())));
  EXPECT_EQ(FormatRfc3339(root.not_before()), "2020-09-09T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(root.not_after()), "2122-09-05T20:38:45Z");  // GeneralizedTime
  EXPECT_EQ(root.SerialHex(), "01");
  EXPECT_TRUE(root.IsCa());
  EXPECT_EQ(root.PathLength(), 1);
  EXPECT_TRUE(root.IsSelfIssued());
  ASSERT_TRUE(root.KeyUsage().has_value());
  EXPECT_EQ(*root.KeyUsage(), static_cast<uint32_t>(KU_KEY_CERT_SIGN));
  ASSERT_TRUE(root.ExtendedKeyUsage().has_value());
  EXPECT_NE(*root.ExtendedKeyUsage() & XKU_CODE_SIGN, 0u);
  Result<PublicKey> key = root.public_key();
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->type(), KeyType::kRsa3072);
  const std::vector<NameAttribute> want = {
      {"CN", "Notation Test Root"}, {"O", "Notary"}, {"L", "Seattle"}, {"ST", "WA"}, {"C", "US"}};
  EXPECT_EQ(root.SubjectAttributes(), want);
}

// Go prints the known attributes in its own fixed order (CN, OU, O, ..., C), not in reverse DER
// order: GlobalSign's DER order is OU, O, CN, and OpenSSL's RFC 2253 form would be
// "CN=GlobalSign,O=GlobalSign,OU=GlobalSign Root CA - R3".
TEST(CertificateTest, OtherTrustStoreSubjects) {
  EXPECT_EQ(LoadPem("wabbit-networks.io.crt").Subject(),
            "CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US");
  EXPECT_EQ(LoadPem("TestTimestamp.crt").Subject(), "CN=alpine,O=Notary,L=Seattle,ST=WA,C=US");
  EXPECT_EQ(LoadPem("GlobalSignRootCA.crt").Subject(),
            "CN=GlobalSign,OU=GlobalSign Root CA - R3,O=GlobalSign");
}

TEST(CertificateTest, DerAndPemAgree) {
  const std::string der = ReadTestFile(NotationTrustStoreDir() + "GlobalSign.der");
  Result<Certificate> from_der = Certificate::FromDer(der);
  ASSERT_TRUE(from_der.ok()) << from_der.status().ToString();
  EXPECT_EQ(from_der->der(), der);
  EXPECT_EQ(from_der->Subject(), "CN=GlobalSign,OU=GlobalSign Root CA - R3,O=GlobalSign");
  const Certificate from_pem = LoadPem("GlobalSignRootCA.crt");
  EXPECT_TRUE(*from_der == from_pem);
  // ToPem round-trips.
  Result<Certificate> again = Certificate::FromPem(from_der->ToPem());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == *from_der);
  // DER is not PEM.
  EXPECT_FALSE(Certificate::FromPem(der).ok());
}

TEST(CertificateTest, ParseBundle) {
  const std::string dir = NotationTrustStoreDir();
  // One DER certificate.
  Result<std::vector<Certificate>> der =
      Certificate::ParseBundle(ReadTestFile(dir + "GlobalSign.der"));
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_EQ(der->size(), 1u);
  // Several PEM certificates, with text around them.
  const std::string bundle = "# trust store\n" + ReadTestFile(dir + "NotationTestRoot.pem") + "\n" +
                             ReadTestFile(dir + "wabbit-networks.io.crt") +
                             ReadTestFile(dir + "GlobalSignRootCA.crt");
  Result<std::vector<Certificate>> pem = Certificate::ParseBundle(bundle);
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  ASSERT_EQ(pem->size(), 3u);
  EXPECT_EQ((*pem)[0].Subject(), "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US");
  EXPECT_EQ((*pem)[2].Subject(), "CN=GlobalSign,OU=GlobalSign Root CA - R3,O=GlobalSign");
  // FromPem wants exactly one.
  Result<Certificate> one = Certificate::FromPem(bundle);
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.status().message().find("exactly one"), std::string::npos);
}

TEST(CertificateTest, MalformedInputIsRefused) {
  EXPECT_FALSE(Certificate::ParseBundle("").ok());
  EXPECT_FALSE(Certificate::ParseBundle("garbage").ok());
  EXPECT_FALSE(Certificate::FromDer("").ok());
  EXPECT_FALSE(
      Certificate::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").ok());
  const std::string der = ReadTestFile(NotationTrustStoreDir() + "GlobalSign.der");
  EXPECT_FALSE(Certificate::FromDer(der + '\0').ok());
  EXPECT_FALSE(Certificate::FromDer(der.substr(0, der.size() - 1)).ok());
  // A PEM block of another kind is not a certificate.
  const std::string key_pem = SharedKey(KeyType::kEcP256).public_key().ToPem();
  EXPECT_FALSE(Certificate::ParseBundle(key_pem).ok());
  EXPECT_FALSE(Certificate::ParseBundle(
                   ReadTestFile(NotationTrustStoreDir() + "NotationTestRoot.pem") + key_pem)
                   .ok());
}

TEST(CertificateTest, TbsDerIsTheSignedPart) {
  const Certificate root = LoadPem("NotationTestRoot.pem");
  const std::string tbs = root.TbsDer();
  ASSERT_GT(tbs.size(), 100u);
  EXPECT_EQ(root.der().find(tbs), 4u);  // right after the outer SEQUENCE header
  EXPECT_EQ(tbs[0], '\x30');
}

// Go's pkix.Name.String(): known attributes in a fixed order, values of one type joined with '+',
// RFC 2253 escapes, unknown attribute types last as OID=#<hex DER>.
TEST(CertificateTest, SubjectFormattingMatchesGo) {
  const PrivateKey& key = SharedKey(KeyType::kEcP256);
  X509_NAME* name = X509_NAME_new();
  auto add = [&](const char* field, const char* value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value), -1, -1, 0);
  };
  add("emailAddress", "a@b.c");
  add("C", "US");
  add("CN", "first");
  add("OU", "Unit A");
  add("O", "Org, Inc.");
  add("OU", "Unit+B");
  add("CN", " #last; <x> \"q\" \\ ");
  X509* x = X509_new();
  X509_set_version(x, X509_VERSION_3);
  X509_set_subject_name(x, name);
  X509_set_issuer_name(x, name);
  X509_NAME_free(name);
  ASN1_TIME_set(X509_getm_notBefore(x), 1600000000);
  ASN1_TIME_set(X509_getm_notAfter(x), 1700000000);
  X509_set_pubkey(x, key.raw());
  ASSERT_GT(X509_sign(x, key.raw(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  const int len = i2d_X509(x, &der);
  X509_free(x);
  Result<Certificate> cert =
      Certificate::FromDer(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->Subject(),
            "CN=\\ #last\\; \\<x\\> \\\"q\\\" \\\\\\ ,OU=Unit A+OU=Unit\\+B,O=Org\\, Inc.,C=US,"
            "1.2.840.113549.1.9.1=#0c056140622e63");
  const std::vector<NameAttribute> want = {{"CN", " #last; <x> \"q\" \\ "},
                                           {"OU", "Unit A"},
                                           {"OU", "Unit+B"},
                                           {"O", "Org, Inc."},
                                           {"C", "US"},
                                           {"1.2.840.113549.1.9.1", "#0c056140622e63"}};
  EXPECT_EQ(cert->SubjectAttributes(), want);
}

TEST(CertificateBuilderTest, IssuesNotaryShapedCertificates) {
  const testing::TestPki pki = MakePki();
  EXPECT_EQ(pki.root.Subject(), "CN=Test Root,O=signet tests,C=US");
  EXPECT_EQ(pki.issuing.Issuer(), "CN=Test Root,O=signet tests,C=US");
  EXPECT_EQ(pki.leaf.Issuer(), "CN=Test Issuing CA,O=signet tests,C=US");
  EXPECT_TRUE(pki.root.IsSelfIssued());
  EXPECT_FALSE(pki.leaf.IsSelfIssued());

  EXPECT_TRUE(pki.root.IsCa());
  EXPECT_EQ(pki.root.PathLength(), 1);
  EXPECT_EQ(pki.root.KeyUsage(), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_TRUE(pki.issuing.IsCa());
  EXPECT_EQ(pki.issuing.PathLength(), 0);
  EXPECT_FALSE(pki.leaf.IsCa());
  EXPECT_EQ(pki.leaf.PathLength(), std::nullopt);
  EXPECT_EQ(pki.leaf.KeyUsage(), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(pki.leaf.ExtendedKeyUsage(), static_cast<uint32_t>(XKU_CODE_SIGN));
  EXPECT_EQ(pki.root.ExtendedKeyUsage(), std::nullopt);

  // keyUsage and basicConstraints are critical; SKI/AKI chain up.
  for (const Certificate* c : {&pki.root, &pki.issuing, &pki.leaf}) {
    X509* x = c->raw();
    EXPECT_EQ(
        X509_EXTENSION_get_critical(X509_get_ext(x, X509_get_ext_by_NID(x, NID_key_usage, -1))), 1);
    EXPECT_EQ(X509_EXTENSION_get_critical(
                  X509_get_ext(x, X509_get_ext_by_NID(x, NID_basic_constraints, -1))),
              1);
    ASSERT_NE(X509_get0_subject_key_id(x), nullptr);
    ASSERT_NE(X509_get0_authority_key_id(x), nullptr);
    EXPECT_EQ(X509_get_signature_nid(x), NID_ecdsa_with_SHA384);
    EXPECT_EQ(c->SerialHex().size(), 32u);  // 16 bytes
  }
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(pki.leaf.raw()),
                                  X509_get0_subject_key_id(pki.issuing.raw())),
            0);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(pki.root.raw()),
                                  X509_get0_subject_key_id(pki.root.raw())),
            0);
  EXPECT_EQ(FormatRfc3339(pki.leaf.not_before()), "2022-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(pki.leaf.not_after()), "2030-01-01T00:00:00Z");
  EXPECT_TRUE(pki.leaf.public_key().value() == pki.leaf_key->public_key());
  EXPECT_NE(pki.root.SerialHex(), pki.issuing.SerialHex());
}

TEST(CertificateBuilderTest, SignatureAlgorithmFollowsTheIssuerKey) {
  struct Case {
    KeyType issuer;
    int sig_nid;
  };
  for (const Case& c :
       {Case{KeyType::kEcP256, NID_ecdsa_with_SHA256},
        Case{KeyType::kEcP521, NID_ecdsa_with_SHA512}, Case{KeyType::kRsa2048, NID_rsassaPss},
        Case{KeyType::kRsa3072, NID_rsassaPss}}) {
    const PrivateKey& issuer_key = SharedKey(c.issuer);
    Result<Certificate> root =
        IssueRootCertificate(Template(CertificateRole::kRootCa, "Root", At("2020-01-01T00:00:00Z"),
                                      At("2040-01-01T00:00:00Z")),
                             issuer_key);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(X509_get_signature_nid(root->raw()), c.sig_nid) << KeyTypeName(c.issuer);
    int md_nid = 0;
    ASSERT_EQ(X509_get_signature_info(root->raw(), &md_nid, nullptr, nullptr, nullptr), 1);
    EXPECT_EQ(
        md_nid,
        EVP_MD_get_type(EVP_get_digestbyname(
            std::string(HashAlgorithmName(HashForAlgorithm(AlgorithmForKey(c.issuer)))).c_str())));
    EXPECT_EQ(X509_verify(root->raw(), issuer_key.public_key().raw()), 1);
  }
}

TEST(CertificateBuilderTest, RefusesBadRequests) {
  const testing::TestPki pki = MakePki();
  const PrivateKey& key = SharedKey(KeyType::kEcP256);
  const auto leaf_template = Template(CertificateRole::kCodeSigning, "Leaf",
                                      At("2022-01-01T00:00:00Z"), At("2023-01-01T00:00:00Z"));
  // A leaf cannot issue.
  EXPECT_EQ(
      IssueCertificate(leaf_template, key.public_key(), pki.leaf, *pki.leaf_key).status().code(),
      ErrorCode::kInvalidArgument);
  // The issuer key must be the issuer certificate's.
  EXPECT_EQ(
      IssueCertificate(leaf_template, key.public_key(), pki.issuing, *pki.root_key).status().code(),
      ErrorCode::kInvalidArgument);
  // Validity outside the issuer's.
  auto late = leaf_template;
  late.not_after = At("2039-06-01T00:00:00Z");
  EXPECT_EQ(IssueCertificate(late, key.public_key(), pki.issuing, *pki.issuing_key).status().code(),
            ErrorCode::kInvalidArgument);
  auto early = leaf_template;
  early.not_before = At("2020-06-01T00:00:00Z");
  EXPECT_FALSE(IssueCertificate(early, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  // Roots are self-signed only; IssueRootCertificate only issues roots.
  auto root_template = leaf_template;
  root_template.role = CertificateRole::kRootCa;
  EXPECT_FALSE(
      IssueCertificate(root_template, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  EXPECT_FALSE(IssueRootCertificate(leaf_template, key).ok());
  // Empty validity, missing CN, bad country, pathLen on a leaf.
  auto empty = leaf_template;
  empty.not_after = empty.not_before;
  EXPECT_FALSE(IssueCertificate(empty, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  auto no_cn = leaf_template;
  no_cn.subject.common_name.clear();
  EXPECT_FALSE(IssueCertificate(no_cn, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  auto bad_country = leaf_template;
  bad_country.subject.country = "USA";
  EXPECT_FALSE(IssueCertificate(bad_country, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  auto leaf_path = leaf_template;
  leaf_path.path_length = 0;
  EXPECT_FALSE(IssueCertificate(leaf_path, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  // The issuing CA has pathLen 0: it may not issue another CA.
  auto sub_ca = leaf_template;
  sub_ca.role = CertificateRole::kIssuingCa;
  EXPECT_FALSE(IssueCertificate(sub_ca, key.public_key(), pki.issuing, *pki.issuing_key).ok());
}

// The admission webhook's serving certificate (`signet admission cert`).
TEST(CertificateBuilderTest, IssuesTlsServerCertificatesWithDnsNames) {
  const testing::TestPki pki = MakePki();
  const PrivateKey& key = SharedKey(KeyType::kEcP256);
  const auto tmpl = Template(CertificateRole::kTlsServer, "hook.ns.svc",
                             At("2022-01-01T00:00:00Z"), At("2023-01-01T00:00:00Z"));
  const std::vector<std::string> names = {"hook.ns.svc", "hook.ns.svc.cluster.local"};
  Result<Certificate> cert =
      IssueTlsServerCertificate(tmpl, names, key.public_key(), pki.issuing, *pki.issuing_key);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_FALSE(cert->IsCa());
  EXPECT_EQ(cert->KeyUsage(), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(cert->ExtendedKeyUsage(), static_cast<uint32_t>(XKU_SSL_SERVER));
  for (const std::string& name : names) {
    EXPECT_EQ(X509_check_host(cert->raw(), name.c_str(), name.size(), 0, nullptr), 1) << name;
  }
  EXPECT_NE(X509_check_host(cert->raw(), "other.ns.svc", 0, 0, nullptr), 1);

  EXPECT_FALSE(
      IssueTlsServerCertificate(tmpl, {}, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  EXPECT_FALSE(IssueTlsServerCertificate(tmpl, {"Hook.NS.svc"}, key.public_key(), pki.issuing,
                                         *pki.issuing_key)
                   .ok());
  EXPECT_FALSE(IssueCertificate(tmpl, key.public_key(), pki.issuing, *pki.issuing_key).ok());
  auto code_signing = tmpl;
  code_signing.role = CertificateRole::kCodeSigning;
  EXPECT_FALSE(IssueTlsServerCertificate(code_signing, names, key.public_key(), pki.issuing,
                                         *pki.issuing_key)
                   .ok());
}

}  // namespace
}  // namespace signet::crypto
