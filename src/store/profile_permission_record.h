// ProfilePermissionRecord: one cross-account permission statement on a signing profile
// (AddProfilePermission / ListProfilePermissions / RemoveProfilePermission).
//
// A profile's permissions carry one revision id, a random token that changes with every
// successful add or remove. Writers pass the revision they read; if another writer changed the
// permissions meanwhile, the write fails with kFailedPrecondition (the API maps it to
// ConflictException, 409), which is distinct from kAlreadyExists for a duplicate statement id.
//
// Plain values; safe to copy and share.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace signet::store {

struct ProfilePermissionRecord {
  std::string statement_id{};
  std::string action{};     // "signer:StartSigningJob", "signer:SignPayload", ...
  std::string principal{};  // an account id or a principal ARN
  std::optional<std::string> profile_version{};  // unset: every version of the profile
  friend bool operator==(const ProfilePermissionRecord&, const ProfilePermissionRecord&) = default;
};

// One page of a profile's permissions, in statement id order, with the current revision.
struct ProfilePermissions {
  std::string revision_id{};  // empty while the profile has never had a permission
  std::vector<ProfilePermissionRecord> permissions{};
  std::string next_token{};  // empty: last page
};

}  // namespace signet::store
