// Fuzzes crypto::Certificate::ParseBundle (trust store files; the same code reads x5c entries
// through FromDer) and every accessor a verifier calls on an untrusted certificate, including
// the hand-written distinguished-name printer.
//
// Invariants: a bundle is never empty; each certificate round-trips through DER and PEM to an
// equal certificate with the same subject.
#include <string>

#include "crypto/certificate.h"
#include "fuzz_check.h"

namespace {

using signet::Result;
using signet::crypto::Certificate;

void Exercise(const Certificate& certificate) {
  const std::string subject = certificate.Subject();
  SIGNET_FUZZ_CHECK(!certificate.der().empty());
  (void)certificate.Issuer();
  (void)certificate.SubjectAttributes();
  (void)certificate.not_before();
  (void)certificate.not_after();
  (void)certificate.SerialHex();
  SIGNET_FUZZ_CHECK(certificate.Sha256Thumbprint().size() == 64);
  (void)certificate.TbsDer();
  (void)certificate.public_key();
  (void)certificate.IsCa();
  (void)certificate.PathLength();
  (void)certificate.IsSelfIssued();
  (void)certificate.KeyUsage();
  (void)certificate.ExtendedKeyUsage();

  Result<Certificate> from_der = Certificate::FromDer(certificate.der());
  SIGNET_FUZZ_CHECK(from_der.ok() && *from_der == certificate);
  SIGNET_FUZZ_CHECK(from_der->Subject() == subject);
  Result<Certificate> from_pem = Certificate::FromPem(certificate.ToPem());
  SIGNET_FUZZ_CHECK(from_pem.ok() && *from_pem == certificate);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = signet::fuzz::AsBytes(data, size);

  if (Result<std::vector<Certificate>> bundle = Certificate::ParseBundle(input); bundle.ok()) {
    SIGNET_FUZZ_CHECK(!bundle->empty());
    for (const Certificate& certificate : *bundle) Exercise(certificate);
  }
  // x5c entries and COSE x5chain entries arrive as bare DER.
  if (Result<Certificate> der = Certificate::FromDer(input); der.ok()) Exercise(*der);
  return 0;
}
