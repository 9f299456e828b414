#include "zipsig/zip_signature.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/certificate_builder.h"
#include "crypto/digest.h"
#include "crypto/private_key.h"
#include "core/encoding.h"
#include "notary/jws_envelope.h"
#include "notary/trust_policy.h"

namespace signet::zipsig {
namespace {

namespace fs = std::filesystem;
using crypto::Certificate;
using crypto::CertificateRole;
using crypto::KeyType;
using crypto::PrivateKey;

Timestamp At(const char* t) { return ParseRfc3339(t).value(); }
constexpr const char* kNow = "2026-06-01T00:00:00Z";

struct Pki {
  PrivateKey root_key = PrivateKey::Generate(KeyType::kEcP384).value();
  PrivateKey issuing_key = PrivateKey::Generate(KeyType::kEcP384).value();
  PrivateKey leaf_key = PrivateKey::Generate(KeyType::kEcP384).value();
  std::vector<Certificate> chain;

  Pki() {
    auto tmpl = [](CertificateRole role, const char* cn) {
      crypto::CertificateTemplate t;
      t.role = role;
      t.subject.common_name = cn;
      t.subject.organization = "signet";
      t.not_before = At("2026-01-01T00:00:00Z");
      t.not_after = At("2030-01-01T00:00:00Z");
      return t;
    };
    Certificate root = crypto::IssueRootCertificate(tmpl(CertificateRole::kRootCa, "root"), root_key).value();
    Certificate issuing = crypto::IssueCertificate(tmpl(CertificateRole::kIssuingCa, "issuing"),
                                                   issuing_key.public_key(), root, root_key).value();
    Certificate leaf = crypto::IssueCertificate(tmpl(CertificateRole::kCodeSigning, "profile"),
                                                leaf_key.public_key(), issuing, issuing_key).value();
    chain = {leaf, issuing, root};
  }
};

const Pki& SharedPki() {
  static const Pki* pki = new Pki();
  return *pki;
}

PackageSignOptions Options() {
  PackageSignOptions o;
  o.signing_time = At("2026-05-01T00:00:00Z");
  o.expiry = At("2027-05-01T00:00:00Z");
  o.certificate_chain = SharedPki().chain;
  o.signing_agent = "signet-test";
  o.extended_attributes = {
      {std::string(notary::kSigningProfileVersionAttribute),
       "arn:aws:signer:us-east-1:000000000000:/signing-profiles/p1/Ab3dE6gH9j", true},
      {std::string(notary::kSigningJobAttribute),
       "arn:aws:signer:us-east-1:000000000000:/signing-jobs/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", true}};
  return o;
}

notary::Verifier MakeVerifier(const FixedClock& clock) {
  notary::TrustStore store;
  EXPECT_TRUE(store.Add(notary::TrustStoreType::kSigningAuthority, "root", {SharedPki().chain[2]}).ok());
  auto policy = notary::TrustPolicy::ParseBlob(R"({"version":"1.0","trustPolicies":[{"name":"zip",
      "globalPolicy":true,"signatureVerification":{"level":"strict"},
      "trustStores":["signingAuthority:root"],"trustedIdentities":["*"]}]})");
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  notary::VerifierOptions options;
  options.clock = &clock;
  options.processed_critical_attributes = {std::string(notary::kSigningProfileVersionAttribute),
                                           std::string(notary::kSigningJobAttribute)};
  return notary::Verifier(std::move(*policy), std::move(store), options);
}

// A ZIP made by libzip in memory with `entries` small stored files.
std::string MakeZip(int entries, const std::string& comment = "", size_t entry_size = 0) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  for (int i = 0; i < entries; ++i) {
    const std::string name = "f" + std::to_string(i) + ".txt";
    std::string body = "content of entry " + std::to_string(i) + "\n";
    if (entry_size > body.size()) body.resize(entry_size, static_cast<char>('a' + i % 26));
    char* data = static_cast<char*>(malloc(body.size()));
    memcpy(data, body.data(), body.size());
    zip_source_t* s = zip_source_buffer(archive, data, body.size(), 1);
    const zip_int64_t idx = zip_file_add(archive, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    zip_set_file_compression(archive, idx, ZIP_CM_STORE, 0);
  }
  if (!comment.empty()) zip_set_archive_comment(archive, comment.data(), comment.size());
  EXPECT_EQ(zip_close(archive), 0);
  zip_source_open(buffer);
  zip_source_seek(buffer, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(buffer, out.data(), size);
  zip_source_close(buffer);
  zip_source_free(buffer);
  return out;
}

std::string Sign(const std::string& zip) {
  auto source = ByteSource::FromMemory(zip);
  std::string out;
  auto sink = ByteSink::ToString(&out);
  auto signed_package = SignPackage(*source, Options(), SharedPki().leaf_key, *sink);
  EXPECT_TRUE(signed_package.ok()) << signed_package.status().ToString();
  EXPECT_TRUE(sink->Close().ok());
  return out;
}

TEST(ZipSignatureTest, SignsTheUnsignedFormAndVerifies) {
  const std::string zip = MakeZip(3);
  auto source = ByteSource::FromMemory(zip);
  std::string signed_zip;
  auto sink = ByteSink::ToString(&signed_zip);
  auto result = SignPackage(*source, Options(), SharedPki().leaf_key, *sink);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_TRUE(sink->Close().ok());
  // The payload names the original bytes: a comment-less archive is its own unsigned form.
  EXPECT_EQ(result->target.media_type, "application/zip");
  EXPECT_EQ(result->target.digest, "sha384:" + HexEncode(crypto::Sha384(zip)));
  EXPECT_EQ(result->target.size, static_cast<int64_t>(zip.size()));
  EXPECT_EQ(result->signed_size, signed_zip.size());
  EXPECT_EQ(signed_zip.substr(0, zip.size() - 2), zip.substr(0, zip.size() - 2));

  auto envelope = notary::ParseJwsEnvelope(result->envelope);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  EXPECT_EQ(envelope->payload, notary::SerializePayload(result->target));
  EXPECT_EQ(envelope->signed_attributes.scheme, notary::SigningScheme::kX509SigningAuthority);

  FixedClock clock(At(kNow));
  auto in = ByteSource::FromMemory(signed_zip);
  auto outcome = VerifyPackage(*in, MakeVerifier(clock), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->verified()) << outcome->Summary();
}

TEST(ZipSignatureTest, AnyFlippedByteInTheEntriesFails) {
  const std::string zip = MakeZip(4);
  const std::string signed_zip = Sign(zip);
  FixedClock clock(At(kNow));
  const notary::Verifier verifier = MakeVerifier(clock);
  auto content = InspectPackage(*ByteSource::FromMemory(signed_zip));
  ASSERT_TRUE(content.ok());
  // Every byte before the EOCD comment (local headers, data, central directory, EOCD fields),
  // sampled with a stride co-prime to the header sizes so every field kind is hit.
  const uint64_t end = content->layout.eocd_offset + 20;
  for (uint64_t pos = 0; pos < end; pos += 3) {
    std::string tampered = signed_zip;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    auto source = ByteSource::FromMemory(tampered);
    auto outcome = VerifyPackage(*source, verifier, "");
    if (!outcome.ok()) continue;  // the archive no longer parses: refused, which is a failure too
    EXPECT_FALSE(outcome->verified()) << "byte " << pos;
    EXPECT_EQ(outcome->failed_check(), notary::VerificationCheck::kIntegrity) << "byte " << pos;
  }
}

TEST(ZipSignatureTest, TamperedEnvelopeFailsIntegrity) {
  const std::string signed_zip = Sign(MakeZip(2));
  FixedClock clock(At(kNow));
  std::string tampered = signed_zip;
  // Change one character of the base64url signature at the end of the envelope.
  const size_t sig = tampered.rfind("\"signature\":\"") + 13;
  tampered[sig] = tampered[sig] == 'A' ? 'B' : 'A';
  auto outcome = VerifyPackage(*ByteSource::FromMemory(tampered), MakeVerifier(clock), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->failed_check(), notary::VerificationCheck::kIntegrity);
}

TEST(ZipSignatureTest, ExpiredSignatureFailsExpiry) {
  const std::string signed_zip = Sign(MakeZip(1));
  FixedClock clock(At("2028-01-01T00:00:00Z"));
  auto outcome = VerifyPackage(*ByteSource::FromMemory(signed_zip), MakeVerifier(clock), "");
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->failed_check(), notary::VerificationCheck::kExpiry);
}

TEST(ZipSignatureTest, RefusesSignedForeignAndMalformedPackages) {
  const std::string signed_zip = Sign(MakeZip(1));
  std::string out;
  auto sink = ByteSink::ToString(&out);
  auto again = SignPackage(*ByteSource::FromMemory(signed_zip), Options(), SharedPki().leaf_key, *sink);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("already signed"), std::string::npos);

  const std::string commented = MakeZip(1, "built by CI #42");
  auto foreign = SignPackage(*ByteSource::FromMemory(commented), Options(), SharedPki().leaf_key, *sink);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("not a signet signature"), std::string::npos);
  auto inspect = InspectPackage(*ByteSource::FromMemory(commented));
  EXPECT_FALSE(inspect.ok());

  auto garbage = SignPackage(*ByteSource::FromMemory("not a zip at all"), Options(), SharedPki().leaf_key, *sink);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), ErrorCode::kInvalidArgument);

  FixedClock clock(At(kNow));
  const std::string unsigned_zip = MakeZip(1);
  auto not_signed = VerifyPackage(*ByteSource::FromMemory(unsigned_zip), MakeVerifier(clock), "");
  ASSERT_FALSE(not_signed.ok());
  EXPECT_EQ(not_signed.status().message(), "package is not signed");
  EXPECT_TRUE(out.empty());  // nothing was written by any refused signing
}

// A sink that fails part-way: signing stops with its error, nothing hangs, nothing is returned.
class FailingSink : public ByteSink {
 public:
  Status Append(std::string_view bytes) override {
    if (++appends_ == 2) return UnavailableError("disk full");
    written_ += bytes.size();
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  size_t written_ = 0;

 private:
  int appends_ = 0;
};

TEST(ZipSignatureTest, SinkFailureMidStreamIsReported) {
  const std::string zip = MakeZip(3, "", 2 << 20);  // 6 MiB: several pipeline chunks
  FailingSink sink;
  auto result = SignPackage(*ByteSource::FromMemory(zip), Options(), SharedPki().leaf_key, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "disk full");
  // And a large package still signs and verifies through the pipeline.
  const std::string signed_zip = Sign(zip);
  FixedClock clock(At(kNow));
  auto outcome = VerifyPackage(*ByteSource::FromMemory(signed_zip), MakeVerifier(clock), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->verified()) << outcome->Summary();
}

TEST(ZipSignatureTest, Zip64PackageSignsVerifiesAndStillUnzips) {
  const std::string zip = MakeZip(70000);
  auto layout = ZipLayout::Read(*ByteSource::FromMemory(zip));
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  ASSERT_TRUE(layout->zip64);
  EXPECT_EQ(layout->entry_count, 70000u);
  const std::string signed_zip = Sign(zip);
  FixedClock clock(At(kNow));
  auto outcome = VerifyPackage(*ByteSource::FromMemory(signed_zip), MakeVerifier(clock), "");
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->verified()) << outcome->Summary();

  const fs::path dir = fs::temp_directory_path() / ("signet-zip64-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "signed.zip", std::ios::binary);
    f << signed_zip;
  }
  const std::string cmd = "unzip -tqq " + (dir / "signed.zip").string() + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << "unzip -t rejected the signed ZIP64 archive";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace signet::zipsig
