#include "signer/certificate_authority.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/file.h"
#include "crypto/certificate_builder.h"

namespace signet::signer {
namespace {

namespace fs = std::filesystem;
using std::chrono::days;

constexpr auto kRootValidity = days(365 * 30 + 7);
constexpr auto kIssuingValidity = days(365 * 20 + 5);
constexpr size_t kMaxPemBytes = 64 * 1024;

struct CaFiles {
  fs::path root, issuing, index;
  explicit CaFiles(const fs::path& dir)
      : root(dir / "root-ca.pem"), issuing(dir / "issuing-ca.pem"), index(dir / "ca.json") {}
};

Result<crypto::Certificate> LoadCertificate(const fs::path& path) {
  SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(path, kMaxPemBytes, "a CA certificate"));
  return crypto::Certificate::FromPem(pem);
}

// A key of the store and its certificate belong together: refuse a mismatched pair (a data
// directory assembled from two installations) instead of issuing unverifiable certificates.
Status CheckKeyMatches(keys::KeyStore& keys, const std::string& key_id,
                       const crypto::Certificate& cert, std::string_view what) {
  SIGNET_ASSIGN_OR_RETURN(crypto::PublicKey stored, keys.GetPublicKey(key_id));
  SIGNET_ASSIGN_OR_RETURN(crypto::PublicKey in_cert, cert.public_key());
  if (stored.SpkiDer() != in_cert.SpkiDer()) {
    return FailedPreconditionError(std::string(what) +
                                   " certificate does not match its key in the key store");
  }
  return Status::Ok();
}

// ub-organization-name (RFC 5280 Appendix A); also well under ub-state-name.
constexpr size_t kMaxSubjectValue = 64;

Status CheckSubjectValue(std::string_view value, std::string_view what) {
  const std::string name = "the certificate subject " + std::string(what);
  if (value.empty() || value.size() > kMaxSubjectValue) {
    return InvalidArgumentError(name + " must have 1 to " + std::to_string(kMaxSubjectValue) +
                                " characters");
  }
  if (value.front() == ' ' || value.back() == ' ') {
    return InvalidArgumentError(name + " must not begin or end with a space");
  }
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return InvalidArgumentError(name + " must not contain control characters");
    }
    if (std::string_view(",+\"\\<>;=#").find(c) != std::string_view::npos) {
      return InvalidArgumentError(name + " must not contain '" + std::string(1, c) +
                                  "' (a distinguished name would need it escaped)");
    }
  }
  return Status::Ok();
}

void SetSubject(const CaOptions& options, crypto::DistinguishedName& subject) {
  subject.country = options.country;
  subject.state = options.state;
  subject.organization = options.organization;
}

}  // namespace

Status ValidateCaOptions(const CaOptions& options) {
  const std::string& c = options.country;
  if (c.size() != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
    return InvalidArgumentError("the certificate subject country must be two upper-case letters "
                                "(ISO 3166, e.g. \"US\"), not \"" + c + "\"");
  }
  SIGNET_RETURN_IF_ERROR(CheckSubjectValue(options.state, "state (ST)"));
  SIGNET_RETURN_IF_ERROR(CheckSubjectValue(options.organization, "organization (O)"));
  return Status::Ok();
}

Result<std::unique_ptr<CertificateAuthority>> CertificateAuthority::Open(
    keys::KeyStore& keys, const fs::path& dir, const CaOptions& options, Timestamp now) {
  SIGNET_RETURN_IF_ERROR(ValidateCaOptions(options));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  const CaFiles files(dir);

  if (fs::exists(files.index)) {
    SIGNET_ASSIGN_OR_RETURN(std::string text,
                            ReadSmallFile(files.index, kMaxPemBytes, "the CA index"));
    const nlohmann::json index = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!index.is_object() || !index.contains("rootKeyId") || !index.contains("issuingKeyId") ||
        !index["rootKeyId"].is_string() || !index["issuingKeyId"].is_string()) {
      return FailedPreconditionError(files.index.string() + " is not a valid CA index");
    }
    SIGNET_ASSIGN_OR_RETURN(crypto::Certificate root, LoadCertificate(files.root));
    SIGNET_ASSIGN_OR_RETURN(crypto::Certificate issuing, LoadCertificate(files.issuing));
    const std::string root_key = index["rootKeyId"].get<std::string>();
    const std::string issuing_key = index["issuingKeyId"].get<std::string>();
    SIGNET_RETURN_IF_ERROR(CheckKeyMatches(keys, root_key, root, "the root CA"));
    SIGNET_RETURN_IF_ERROR(CheckKeyMatches(keys, issuing_key, issuing, "the issuing CA"));
    SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> signer, keys.GetSigner(issuing_key));
    return std::unique_ptr<CertificateAuthority>(new CertificateAuthority(
        std::move(root), std::move(issuing), std::move(signer), options));
  }

  // First start: both keys, then both certificates, then the index that makes them official.
  // A crash before the index leaves unused keys and files that the next start overwrites.
  SIGNET_ASSIGN_OR_RETURN(keys::KeyInfo root_key, keys.CreateKey("signet root CA"));
  SIGNET_ASSIGN_OR_RETURN(keys::KeyInfo issuing_key, keys.CreateKey("signet issuing CA"));
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> root_signer, keys.GetSigner(root_key.id));
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<crypto::Signer> issuing_signer,
                          keys.GetSigner(issuing_key.id));
  SIGNET_ASSIGN_OR_RETURN(crypto::PublicKey issuing_public, keys.GetPublicKey(issuing_key.id));

  crypto::CertificateTemplate root_tmpl;
  root_tmpl.role = crypto::CertificateRole::kRootCa;
  SetSubject(options, root_tmpl.subject);
  root_tmpl.subject.common_name = options.root_common_name;
  root_tmpl.not_before = now - std::chrono::hours(1);
  root_tmpl.not_after = now + kRootValidity;
  root_tmpl.path_length = 1;
  SIGNET_ASSIGN_OR_RETURN(crypto::Certificate root,
                          crypto::IssueRootCertificate(root_tmpl, *root_signer));

  crypto::CertificateTemplate issuing_tmpl;
  issuing_tmpl.role = crypto::CertificateRole::kIssuingCa;
  SetSubject(options, issuing_tmpl.subject);
  issuing_tmpl.subject.common_name = options.issuing_common_name;
  issuing_tmpl.not_before = root_tmpl.not_before;
  issuing_tmpl.not_after = now + kIssuingValidity;
  issuing_tmpl.path_length = 0;
  SIGNET_ASSIGN_OR_RETURN(
      crypto::Certificate issuing,
      crypto::IssueCertificate(issuing_tmpl, issuing_public, root, *root_signer));

  SIGNET_RETURN_IF_ERROR(WriteFileAtomically(files.root, root.ToPem(), 0644));
  SIGNET_RETURN_IF_ERROR(WriteFileAtomically(files.issuing, issuing.ToPem(), 0644));
  const nlohmann::json index = {{"rootKeyId", root_key.id}, {"issuingKeyId", issuing_key.id}};
  SIGNET_RETURN_IF_ERROR(WriteFileAtomically(files.index, index.dump(2) + "\n", 0600));
  return std::unique_ptr<CertificateAuthority>(new CertificateAuthority(
      std::move(root), std::move(issuing), std::move(issuing_signer), options));
}

Result<crypto::Certificate> CertificateAuthority::IssueCodeSigningCertificate(
    const crypto::PublicKey& subject_key, std::string_view common_name, std::string_view account,
    Timestamp not_before, Timestamp not_after) const {
  if (not_before < issuing_.not_before()) not_before = issuing_.not_before();
  if (not_after > issuing_.not_after()) not_after = issuing_.not_after();
  if (not_after <= not_before) {
    return InvalidArgumentError("the issuing CA expires at " +
                                FormatRfc3339(issuing_.not_after()) +
                                "; it cannot issue a certificate for this validity");
  }
  crypto::CertificateTemplate tmpl;
  tmpl.role = crypto::CertificateRole::kCodeSigning;
  SetSubject(options_, tmpl.subject);
  tmpl.subject.common_name = std::string(common_name);
  tmpl.subject.organizational_unit = std::string(account);
  tmpl.not_before = not_before;
  tmpl.not_after = not_after;
  return crypto::IssueCertificate(tmpl, subject_key, issuing_, *issuing_key_);
}

std::vector<crypto::Certificate> CertificateAuthority::ChainFor(
    const crypto::Certificate& leaf) const {
  return {leaf, issuing_, root_};
}

}  // namespace signet::signer
