// signet_testkit: makes the fixtures the CLI integration tests need, with the real library code:
//   signet_testkit pki DIR [--cn NAME]            an installation-like PKI: P-384 root, issuing CA
//                                                 and one profile-version leaf, keys in a
//                                                 FileKeyStore under DIR/keys; DIR/root-ca.pem
//   signet_testkit sign-zip DIR IN OUT [--signing-time T] [--expiry T] [--profile-version ARN]
// Test-only: the product signs through signetd (StartSigningJob, `signet sign zip`).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/ids.h"
#include "crypto/certificate_builder.h"
#include "keys/file_key_store.h"
#include "zipsig/zip_signature.h"

namespace fs = std::filesystem;
using namespace signet;

namespace {

int Fail(const Status& s) {
  std::cerr << "signet_testkit: " << s.ToString() << "\n";
  return 2;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

crypto::CertificateTemplate Template(crypto::CertificateRole role, std::string cn, Timestamp from,
                                     Timestamp to) {
  crypto::CertificateTemplate t;
  t.role = role;
  t.subject.common_name = std::move(cn);
  t.subject.organization = "signet tests";
  t.subject.country = "US";
  t.not_before = from;
  t.not_after = to;
  return t;
}

Status MakePki(const fs::path& dir, const std::string& cn) {
  fs::create_directories(dir);
  SIGNET_ASSIGN_OR_RETURN(auto store, keys::FileKeyStore::Open(dir / "keys"));
  const Timestamp now = SystemClock().Now();
  const Timestamp from = now - std::chrono::days(1);
  SIGNET_ASSIGN_OR_RETURN(keys::KeyInfo root_key, store->CreateKey("root"));
  SIGNET_ASSIGN_OR_RETURN(keys::KeyInfo issuing_key, store->CreateKey("issuing"));
  SIGNET_ASSIGN_OR_RETURN(keys::KeyInfo leaf_key, store->CreateKey("leaf"));
  SIGNET_ASSIGN_OR_RETURN(auto root_signer, store->GetSigner(root_key.id));
  SIGNET_ASSIGN_OR_RETURN(auto issuing_signer, store->GetSigner(issuing_key.id));
  SIGNET_ASSIGN_OR_RETURN(auto leaf_signer, store->GetSigner(leaf_key.id));
  SIGNET_ASSIGN_OR_RETURN(
      crypto::Certificate root,
      crypto::IssueRootCertificate(
          Template(crypto::CertificateRole::kRootCa, cn + " Root CA", from, now + std::chrono::days(3650)),
          *root_signer));
  SIGNET_ASSIGN_OR_RETURN(
      crypto::Certificate issuing,
      crypto::IssueCertificate(Template(crypto::CertificateRole::kIssuingCa, cn + " Issuing CA", from,
                                        now + std::chrono::days(3000)),
                               issuing_signer->public_key(), root, *root_signer));
  SIGNET_ASSIGN_OR_RETURN(
      crypto::Certificate leaf,
      crypto::IssueCertificate(Template(crypto::CertificateRole::kCodeSigning, cn + " profile", from,
                                        now + std::chrono::days(2000)),
                               leaf_signer->public_key(), issuing, *issuing_signer));
  Write(dir / "root-ca.pem", root.ToPem());
  Write(dir / "chain.pem", leaf.ToPem() + issuing.ToPem() + root.ToPem());
  Write(dir / "leaf.id", leaf_key.id);
  return Status::Ok();
}

Status SignZip(const fs::path& dir, const std::string& in, const std::string& out,
               const std::string& signing_time, const std::string& expiry,
               const std::string& profile_version) {
  SIGNET_ASSIGN_OR_RETURN(auto store, keys::FileKeyStore::Open(dir / "keys"));
  SIGNET_ASSIGN_OR_RETURN(auto signer, store->GetSigner(Read(dir / "leaf.id")));
  SIGNET_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> chain,
                          crypto::Certificate::ParseBundle(Read(dir / "chain.pem")));
  zipsig::PackageSignOptions options;
  options.signing_time = SystemClock().Now();
  if (!signing_time.empty()) {
    SIGNET_ASSIGN_OR_RETURN(options.signing_time, ParseRfc3339(signing_time));
  }
  options.expiry = options.signing_time + std::chrono::days(365);
  if (!expiry.empty()) {
    SIGNET_ASSIGN_OR_RETURN(options.expiry, ParseRfc3339(expiry));
  }
  options.certificate_chain = chain;
  options.signing_agent = "signet_testkit/1.0";
  options.extended_attributes = {
      {std::string(notary::kSigningProfileVersionAttribute), profile_version, true},
      {std::string(notary::kSigningJobAttribute),
       "arn:aws:signer:us-east-1:000000000000:/signing-jobs/" + NewUuidV4(), true}};
  SIGNET_ASSIGN_OR_RETURN(auto source, zipsig::ByteSource::OpenFile(in));
  SIGNET_ASSIGN_OR_RETURN(auto sink, zipsig::ByteSink::CreateFile(out));
  SIGNET_ASSIGN_OR_RETURN(zipsig::SignedPackage signed_package,
                          zipsig::SignPackage(*source, options, *signer, *sink));
  SIGNET_RETURN_IF_ERROR(sink->Close());
  std::cout << signed_package.target.digest << "\n";
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"signet test fixtures"};
  app.require_subcommand(1);
  std::string dir, cn = "signet test", in, out, signing_time, expiry,
                   profile_version = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/test_profile/Ab3dE6gH9j";
  CLI::App* pki = app.add_subcommand("pki");
  pki->add_option("dir", dir)->required();
  pki->add_option("--cn", cn);
  CLI::App* sign = app.add_subcommand("sign-zip");
  sign->add_option("dir", dir)->required();
  sign->add_option("in", in)->required();
  sign->add_option("out", out)->required();
  sign->add_option("--signing-time", signing_time);
  sign->add_option("--expiry", expiry);
  sign->add_option("--profile-version", profile_version);
  CLI11_PARSE(app, argc, argv);
  Status s = pki->parsed() ? MakePki(dir, cn) : SignZip(dir, in, out, signing_time, expiry, profile_version);
  return s.ok() ? 0 : Fail(s);
}
