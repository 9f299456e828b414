// PackageVerifier: the four deploy-time checks of a ZIP package against a code signing config
// (DESIGN.md §6), with Lambda's semantics.
//
//   integrity   the archive is malformed, the envelope is malformed or its signature invalid,
//               or the signed digest/size differ from the package
//   expiry      now ≥ io.cncf.notary.expiry, or the signing certificate chain was not valid at
//               the signing time
//   mismatch    no signature; the chain is not anchored in a trusted root; or the profile
//               version that signed is not one of the config's allowed publishers
//   revocation  the signing job is revoked, or the profile version is revoked effective at or
//               before the signing time
//
// Verify reports every failed check; what a deployment does with them (block, or deploy and
// warn) is the LambdaService's policy decision. Revocation is read from the Store on every call
// (no cache), so a revocation reaches the very next deployment.
//
// Trust anchors: this installation's root plus any roots the operator added (another
// installation's, so a config may name a vendor's profile version). Fixed at construction.
//
// Thread-safe: Verify is const; the Store and the clock are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "notary/verifier.h"
#include "store/code_signing_config_record.h"
#include "store/store.h"

namespace signet::deploy {

enum class DeployCheck { kIntegrity, kExpiry, kMismatch, kRevocation };
std::string_view DeployCheckName(DeployCheck check);  // "integrity", "expiry", ...

struct CheckFailure {
  DeployCheck check = DeployCheck::kIntegrity;
  std::string reason;
};

struct PackageVerdict {
  // Failed checks in the order of the table above; empty when the package passed all four.
  std::vector<CheckFailure> failures;
  // From the envelope, once its integrity is established; empty otherwise.
  std::string signing_profile_version_arn;
  std::string signing_job_arn;
  std::optional<Timestamp> signing_time;

  const CheckFailure* Find(DeployCheck check) const;
};

class PackageVerifier {
 public:
  // InvalidArgument when there is no trust anchor.
  static Result<std::unique_ptr<PackageVerifier>> Create(
      std::vector<crypto::Certificate> trust_anchors, store::Store& store, const Clock& clock);

  // Runs the four checks of `package` (the archive bytes) for `config`. Errors only when the
  // checks could not be carried out (the Store is unavailable); never for a bad package.
  Result<PackageVerdict> Verify(std::string_view package,
                                const store::CodeSigningConfigRecord& config) const;

  // The signer of a package deployed without a config: its profile version and job ARNs when
  // the package carries an envelope that passes integrity, empty otherwise.
  PackageVerdict ReadSigner(std::string_view package) const;

 private:
  PackageVerifier(notary::Verifier verifier, store::Store& store)
      : verifier_(std::move(verifier)), store_(store) {}
  // Integrity, expiry and chain trust from the notary::Verifier.
  PackageVerdict CheckSignature(std::string_view package) const;

  notary::Verifier verifier_;
  store::Store& store_;
};

}  // namespace signet::deploy
