// SigningProfileRecord: one version of a signing profile, as the Store keeps it.
//
// A profile is named by (account, name). Each PutProfile adds a version (a new key and
// certificate, DESIGN.md §4); the newest version is "the profile", older versions stay readable
// by their version ARN because signatures they made keep naming them. Status is per version:
// cancelling a profile cancels its active versions; revoking names one version.
//
// Plain values; safe to copy and share.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "store/tags.h"

namespace signet::store {

// AWS SigningProfileStatus.
enum class ProfileStatus { kActive, kCanceled, kRevoked };
std::string_view ProfileStatusName(ProfileStatus status);  // "Active", "Canceled", "Revoked"
Result<ProfileStatus> ParseProfileStatus(std::string_view name);

// AWS ValidityType.
enum class ValidityType { kDays, kMonths, kYears };
std::string_view ValidityTypeName(ValidityType type);  // "DAYS", "MONTHS", "YEARS"
Result<ValidityType> ParseValidityType(std::string_view name);

// AWS SignatureValidityPeriod. The default is DESIGN.md §4's (and AWS's) 135 months; the range
// check against that maximum belongs to the signer, which knows the calendar arithmetic.
struct SignatureValidityPeriod {
  int value = 135;
  ValidityType type = ValidityType::kMonths;
  friend bool operator==(const SignatureValidityPeriod&, const SignatureValidityPeriod&) = default;
};

// AWS SigningProfileRevocationRecord plus the caller's reason. Signatures made at or after
// `effective_from` are invalid (DESIGN.md §7).
struct ProfileRevocation {
  Timestamp effective_from{};
  Timestamp revoked_at{};
  std::string revoked_by{};  // principal ARN
  std::string reason{};
  friend bool operator==(const ProfileRevocation&, const ProfileRevocation&) = default;
};

// AWS SigningPlatformOverrides, kept verbatim (enum names as AWS spells them); unset = absent.
struct SigningOverrides {
  std::optional<std::string> encryption_algorithm{};  // "RSA" | "ECDSA"
  std::optional<std::string> hash_algorithm{};        // "SHA1" | "SHA256"
  std::optional<std::string> signing_image_format{};  // "JSON" | "JSONEmbedded" | "JSONDetached"
  friend bool operator==(const SigningOverrides&, const SigningOverrides&) = default;
};

struct SigningProfileRecord {
  std::string account{};      // the owning account id (profileOwner)
  std::string name{};         // [A-Za-z0-9_]{2,64}
  std::string version{};      // [A-Za-z0-9]{10}
  std::string arn{};          // arn:...:/signing-profiles/NAME, the same for every version
  std::string version_arn{};  // arn + "/" + version
  std::string platform_id{};
  ProfileStatus status = ProfileStatus::kActive;
  std::string status_reason{};  // why it is Canceled or Revoked; empty when Active
  SignatureValidityPeriod signature_validity{};
  std::map<std::string, std::string> signing_parameters{};
  std::string certificate_chain_pem{};  // leaf, issuing CA, root (DESIGN.md §4)
  std::string key_id{};                 // the leaf key's id in the KeyStore
  SigningOverrides overrides{};
  TagMap tags{};           // the profile's tags (see tags.h), whatever the version
  Timestamp created_at{};  // when this version was created
  std::optional<ProfileRevocation> revocation{};
  friend bool operator==(const SigningProfileRecord&, const SigningProfileRecord&) = default;
};

// Filters of ListSigningProfiles. Only the newest version of each profile is listed.
struct SigningProfileFilter {
  // Canceled profiles are left out unless this is set (AWS includeCanceled).
  bool include_canceled = false;
  // Empty: every status (subject to include_canceled); otherwise only these (AWS statuses).
  std::vector<ProfileStatus> statuses{};
  std::optional<std::string> platform_id{};
};

}  // namespace signet::store
