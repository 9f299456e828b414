// Signing profiles, their versions and their tags, on SQLite.
#include <limits>
#include <string>
#include <utility>

#include "store/sqlite_operations.h"

namespace signet::store::sqlite {
namespace {

// Every query that reads profile versions selects these columns, in this order.
#define SIGNET_PROFILE_SELECT                                                                     \
  "SELECT p.account, p.name, v.version, p.arn, v.version_arn, v.platform_id, v.status, "          \
  "v.status_reason, v.validity_value, v.validity_type, v.certificate_chain_pem, v.key_id, "       \
  "v.override_encryption_algorithm, v.override_hash_algorithm, v.override_signing_image_format, " \
  "v.created_at, v.revocation_effective_from, v.revoked_at, v.revoked_by, v.revocation_reason, "  \
  "v.id, p.id "                                                                                   \
  "FROM signing_profile_versions v JOIN signing_profiles p ON p.id = v.profile_id "
#define SIGNET_NEWEST_VERSION \
  "v.id = (SELECT MAX(id) FROM signing_profile_versions WHERE profile_id = p.id)"

enum ProfileColumn {
  kAccount,
  kName,
  kVersion,
  kArn,
  kVersionArn,
  kPlatformId,
  kStatus,
  kStatusReason,
  kValidityValue,
  kValidityType,
  kCertificateChain,
  kKeyId,
  kOverrideEncryption,
  kOverrideHash,
  kOverrideImageFormat,
  kCreatedAt,
  kRevocationEffectiveFrom,
  kRevokedAt,
  kRevokedBy,
  kRevocationReason,
  kVersionId,
  kProfileId,
};

std::string ProfileName(std::string_view account, std::string_view name) {
  return "signing profile \"" + std::string(name) + "\" of account " + std::string(account);
}

Status Corrupt(std::string_view what, const Status& cause) {
  return InternalError("stored " + std::string(what) + " is not valid: " + cause.message());
}

// Runs an INSERT ... RETURNING id to completion and returns the id.
Result<int64_t> InsertReturningId(Statement& insert) {
  SIGNET_ASSIGN_OR_RETURN(bool row, insert.Step());
  if (!row) return InternalError("INSERT ... RETURNING returned no row");
  const int64_t id = insert.Int(0);
  SIGNET_ASSIGN_OR_RETURN(bool more, insert.Step());
  if (more) return InternalError("INSERT ... RETURNING returned more than one row");
  return id;
}

}  // namespace

Result<std::vector<SigningProfileRecord>> SqliteOperations::ReadProfiles(Statement& select,
                                                                         size_t limit) {
  std::vector<SigningProfileRecord> out;
  std::vector<std::pair<int64_t, int64_t>> ids;  // (version id, profile id)
  while (out.size() < limit) {
    SIGNET_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    SigningProfileRecord r;
    r.account = select.Text(kAccount);
    r.name = select.Text(kName);
    r.version = select.Text(kVersion);
    r.arn = select.Text(kArn);
    r.version_arn = select.Text(kVersionArn);
    r.platform_id = select.Text(kPlatformId);
    Result<ProfileStatus> status = ParseProfileStatus(select.Text(kStatus));
    if (!status.ok()) return Corrupt("profile status", status.status());
    r.status = *status;
    r.status_reason = select.Text(kStatusReason);
    r.signature_validity.value = static_cast<int>(select.Int(kValidityValue));
    Result<ValidityType> type = ParseValidityType(select.Text(kValidityType));
    if (!type.ok()) return Corrupt("validity type", type.status());
    r.signature_validity.type = *type;
    r.certificate_chain_pem = select.Text(kCertificateChain);
    r.key_id = select.Text(kKeyId);
    r.overrides.encryption_algorithm = select.OptionalText(kOverrideEncryption);
    r.overrides.hash_algorithm = select.OptionalText(kOverrideHash);
    r.overrides.signing_image_format = select.OptionalText(kOverrideImageFormat);
    r.created_at = FromSeconds(select.Int(kCreatedAt));
    if (!select.IsNull(kRevocationEffectiveFrom)) {
      r.revocation = ProfileRevocation{
          .effective_from = FromSeconds(select.Int(kRevocationEffectiveFrom)),
          .revoked_at = FromSeconds(select.Int(kRevokedAt)),
          .revoked_by = select.Text(kRevokedBy),
          .reason = select.Text(kRevocationReason),
      };
    }
    ids.emplace_back(select.Int(kVersionId), select.Int(kProfileId));
    out.push_back(std::move(r));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(
        Statement params,
        db_.Prepare("SELECT name, value FROM signing_profile_parameters WHERE version_id = ?1"));
    params.Bind(1, ids[i].first);
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, params.Step());
      if (!row) break;
      out[i].signing_parameters.emplace(params.Text(0), params.Text(1));
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement tags,
        db_.Prepare("SELECT key, value FROM signing_profile_tags WHERE profile_id = ?1"));
    tags.Bind(1, ids[i].second);
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, tags.Step());
      if (!row) break;
      out[i].tags.emplace(tags.Text(0), tags.Text(1));
    }
  }
  return out;
}

Result<SigningProfileRecord> SqliteOperations::ReadOneProfile(Statement& select,
                                                              std::string_view what) {
  SIGNET_ASSIGN_OR_RETURN(std::vector<SigningProfileRecord> found, ReadProfiles(select, 1));
  if (found.empty()) return NotFoundError(std::string(what) + " does not exist");
  return std::move(found.front());
}

Result<int64_t> SqliteOperations::ProfileId(std::string_view account, std::string_view name) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare("SELECT id FROM signing_profiles WHERE account = ?1 AND name = ?2"));
  q.Bind(1, account).Bind(2, name);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError(ProfileName(account, name) + " does not exist");
  return q.Int(0);
}

Result<int64_t> SqliteOperations::ProfileIdByArn(std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare("SELECT id FROM signing_profiles WHERE arn = ?1"));
  q.Bind(1, arn);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError("no signing profile has the ARN " + std::string(arn));
  return q.Int(0);
}

Status SqliteOperations::PutProfile(const SigningProfileRecord& r) {
  if (r.account.empty() || r.name.empty() || r.version.empty() || r.arn.empty() ||
      r.version_arn.empty() || r.platform_id.empty()) {
    return InvalidArgumentError(
        "a signing profile version needs an account, name, version, ARN, version ARN and "
        "platform id");
  }
  if (r.status != ProfileStatus::kActive || r.revocation.has_value()) {
    return InvalidArgumentError("a new signing profile version must be Active and not revoked");
  }
  if (r.tags.size() > kMaxTagsPerResource) {
    return InvalidArgumentError("a signing profile may have at most " +
                                std::to_string(kMaxTagsPerResource) + " tags, got " +
                                std::to_string(r.tags.size()));
  }
  return Atomically([&]() -> Status {
    int64_t profile_id = 0;
    {
      SIGNET_ASSIGN_OR_RETURN(
          Statement q,
          db_.Prepare("SELECT id, arn FROM signing_profiles WHERE account = ?1 AND name = ?2"));
      q.Bind(1, r.account).Bind(2, r.name);
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) {
        if (q.Text(1) != r.arn) {
          return InvalidArgumentError(ProfileName(r.account, r.name) + " has the ARN " + q.Text(1) +
                                      ", not " + r.arn);
        }
        profile_id = q.Int(0);
      }
    }
    if (profile_id == 0) {
      SIGNET_ASSIGN_OR_RETURN(
          Statement insert,
          db_.Prepare("INSERT INTO signing_profiles (account, name, arn) VALUES (?1, ?2, ?3) "
                      "RETURNING id"));
      insert.Bind(1, r.account).Bind(2, r.name).Bind(3, r.arn);
      SIGNET_ASSIGN_OR_RETURN(profile_id, InsertReturningId(insert));
    }
    {
      SIGNET_ASSIGN_OR_RETURN(
          Statement q, db_.Prepare("SELECT 1 FROM signing_profile_versions "
                                   "WHERE (profile_id = ?1 AND version = ?2) OR version_arn = ?3"));
      q.Bind(1, profile_id).Bind(2, r.version).Bind(3, r.version_arn);
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) {
        return AlreadyExistsError("version " + r.version + " of " + ProfileName(r.account, r.name) +
                                  " already exists");
      }
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO signing_profile_versions (profile_id, version, version_arn, "
                    "platform_id, status, status_reason, validity_value, validity_type, "
                    "certificate_chain_pem, key_id, override_encryption_algorithm, "
                    "override_hash_algorithm, override_signing_image_format, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, 'Active', '', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                    "RETURNING id"));
    insert.Bind(1, profile_id)
        .Bind(2, r.version)
        .Bind(3, r.version_arn)
        .Bind(4, r.platform_id)
        .Bind(5, r.signature_validity.value)
        .Bind(6, ValidityTypeName(r.signature_validity.type))
        .Bind(7, r.certificate_chain_pem)
        .Bind(8, r.key_id)
        .Bind(9, r.overrides.encryption_algorithm)
        .Bind(10, r.overrides.hash_algorithm)
        .Bind(11, r.overrides.signing_image_format)
        .Bind(12, ToSeconds(r.created_at));
    SIGNET_ASSIGN_OR_RETURN(int64_t version_id, InsertReturningId(insert));
    for (const auto& [key, value] : r.signing_parameters) {
      SIGNET_ASSIGN_OR_RETURN(
          Statement param,
          db_.Prepare("INSERT INTO signing_profile_parameters (version_id, name, value) "
                      "VALUES (?1, ?2, ?3)"));
      param.Bind(1, version_id).Bind(2, key).Bind(3, value);
      SIGNET_RETURN_IF_ERROR(param.Run());
    }
    return ReplaceTags(profile_id, r.tags);
  });
}

Result<SigningProfileRecord> SqliteOperations::GetProfile(std::string_view account,
                                                          std::string_view name) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare(SIGNET_PROFILE_SELECT
                               "WHERE p.account = ?1 AND p.name = ?2 AND " SIGNET_NEWEST_VERSION));
  q.Bind(1, account).Bind(2, name);
  return ReadOneProfile(q, ProfileName(account, name));
}

Result<SigningProfileRecord> SqliteOperations::GetProfileVersion(std::string_view account,
                                                                 std::string_view name,
                                                                 std::string_view version) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_PROFILE_SELECT "WHERE p.account = ?1 AND p.name = ?2 AND v.version = ?3"));
  q.Bind(1, account).Bind(2, name).Bind(3, version);
  return ReadOneProfile(q, "version " + std::string(version) + " of " + ProfileName(account, name));
}

Result<SigningProfileRecord> SqliteOperations::GetProfileByVersionArn(
    std::string_view version_arn) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare(SIGNET_PROFILE_SELECT "WHERE v.version_arn = ?1"));
  q.Bind(1, version_arn);
  return ReadOneProfile(q, "signing profile version " + std::string(version_arn));
}

Result<Page<SigningProfileRecord>> SqliteOperations::ListProfiles(
    std::string_view account, const SigningProfileFilter& filter, const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxSignerPageSize));
  SIGNET_ASSIGN_OR_RETURN(std::string after, DecodePageToken(page.token, "profiles"));
  bool want[3] = {false, false, false};
  for (ProfileStatus s : filter.statuses) want[static_cast<int>(s)] = true;
  // Fixed SQL: each filter is a parameter that is either inert or applied.
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_PROFILE_SELECT
                  "WHERE p.account = ?1 AND p.name > ?2 AND " SIGNET_NEWEST_VERSION
                  " AND (?3 OR v.status <> 'Canceled')"
                  " AND (NOT ?4 OR (?5 AND v.status = 'Active') OR (?6 AND v.status = 'Canceled')"
                  "      OR (?7 AND v.status = 'Revoked'))"
                  " AND (?8 IS NULL OR v.platform_id = ?8)"
                  " ORDER BY p.name LIMIT ?9"));
  q.Bind(1, account)
      .Bind(2, after)
      .Bind(3, filter.include_canceled)
      .Bind(4, !filter.statuses.empty())
      .Bind(5, want[static_cast<int>(ProfileStatus::kActive)])
      .Bind(6, want[static_cast<int>(ProfileStatus::kCanceled)])
      .Bind(7, want[static_cast<int>(ProfileStatus::kRevoked)])
      .Bind(8, filter.platform_id)
      .Bind(9, page.max_results + 1);
  Page<SigningProfileRecord> out;
  SIGNET_ASSIGN_OR_RETURN(out.items, ReadProfiles(q, static_cast<size_t>(page.max_results) + 1));
  if (out.items.size() > static_cast<size_t>(page.max_results)) {
    out.items.pop_back();
    out.next_token = EncodePageToken("profiles", out.items.back().name);
  }
  return out;
}

Status SqliteOperations::CancelProfile(std::string_view account, std::string_view name) {
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(int64_t profile_id, ProfileId(account, name));
    SIGNET_ASSIGN_OR_RETURN(Statement update,
                            db_.Prepare("UPDATE signing_profile_versions SET status = 'Canceled' "
                                        "WHERE profile_id = ?1 AND status = 'Active'"));
    update.Bind(1, profile_id);
    return update.Run();
  });
}

Result<SigningProfileRecord> SqliteOperations::RevokeProfileVersion(
    std::string_view account, std::string_view name, std::string_view version,
    const ProfileRevocation& revocation) {
  if (revocation.effective_from > revocation.revoked_at) {
    return InvalidArgumentError("a revocation cannot take effect (" +
                                FormatRfc3339(revocation.effective_from) + ") after it is made (" +
                                FormatRfc3339(revocation.revoked_at) + ")");
  }
  Status s = Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(SigningProfileRecord current,
                            GetProfileVersion(account, name, version));
    if (current.revocation) {
      const Timestamp existing = current.revocation->effective_from;
      if (revocation.effective_from == existing) return Status::Ok();
      if (revocation.effective_from > existing) {
        return FailedPreconditionError("version " + std::string(version) + " of " +
                                       ProfileName(account, name) +
                                       " is already revoked effective " + FormatRfc3339(existing) +
                                       "; a revocation can only move its effective time earlier");
      }
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement update,
        db_.Prepare("UPDATE signing_profile_versions SET status = 'Revoked', status_reason = ?1, "
                    "revocation_effective_from = ?2, revoked_at = ?3, revoked_by = ?4, "
                    "revocation_reason = ?1 WHERE version_arn = ?5"));
    update.Bind(1, revocation.reason)
        .Bind(2, ToSeconds(revocation.effective_from))
        .Bind(3, ToSeconds(revocation.revoked_at))
        .Bind(4, revocation.revoked_by)
        .Bind(5, current.version_arn);
    return update.Run();
  });
  if (!s.ok()) return s;
  return GetProfileVersion(account, name, version);
}

Result<bool> SqliteOperations::IsProfileVersionRevokedAt(std::string_view version_arn,
                                                         Timestamp signing_time) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare("SELECT revocation_effective_from FROM signing_profile_versions "
                               "WHERE version_arn = ?1"));
  q.Bind(1, version_arn);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) {
    return NotFoundError("signing profile version " + std::string(version_arn) + " does not exist");
  }
  const std::optional<int64_t> effective = q.OptionalInt(0);
  return effective.has_value() && *effective <= ToSeconds(signing_time);
}

Result<std::vector<SigningProfileRecord>> SqliteOperations::ListRevokedProfileVersions() {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare(SIGNET_PROFILE_SELECT
                               "WHERE v.revocation_effective_from IS NOT NULL ORDER BY v.revoked_at"));
  return ReadProfiles(q, std::numeric_limits<size_t>::max());
}

// --- Tags ----------------------------------------------------------------------------------------

Status SqliteOperations::ReplaceTags(int64_t profile_id, const TagMap& tags) {
  SIGNET_ASSIGN_OR_RETURN(Statement clear,
                          db_.Prepare("DELETE FROM signing_profile_tags WHERE profile_id = ?1"));
  clear.Bind(1, profile_id);
  SIGNET_RETURN_IF_ERROR(clear.Run());
  for (const auto& [key, value] : tags) {
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare(
            "INSERT INTO signing_profile_tags (profile_id, key, value) VALUES (?1, ?2, ?3)"));
    insert.Bind(1, profile_id).Bind(2, key).Bind(3, value);
    SIGNET_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status SqliteOperations::CheckTagCount(int64_t profile_id, std::string_view resource) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare("SELECT COUNT(*) FROM signing_profile_tags WHERE profile_id = ?1"));
  q.Bind(1, profile_id);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return InternalError("COUNT(*) returned no row");
  if (q.Int(0) > static_cast<int64_t>(kMaxTagsPerResource)) {
    return InvalidArgumentError(std::string(resource) + " would have " + std::to_string(q.Int(0)) +
                                " tags; at most " + std::to_string(kMaxTagsPerResource) +
                                " are allowed");
  }
  return Status::Ok();
}

Status SqliteOperations::TagResource(std::string_view resource_arn, const TagMap& tags) {
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(int64_t profile_id, ProfileIdByArn(resource_arn));
    for (const auto& [key, value] : tags) {
      SIGNET_ASSIGN_OR_RETURN(
          Statement upsert,
          db_.Prepare(
              "INSERT INTO signing_profile_tags (profile_id, key, value) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value"));
      upsert.Bind(1, profile_id).Bind(2, key).Bind(3, value);
      SIGNET_RETURN_IF_ERROR(upsert.Run());
    }
    return CheckTagCount(profile_id, resource_arn);
  });
}

Status SqliteOperations::UntagResource(std::string_view resource_arn,
                                       const std::vector<std::string>& keys) {
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(int64_t profile_id, ProfileIdByArn(resource_arn));
    for (const std::string& key : keys) {
      SIGNET_ASSIGN_OR_RETURN(
          Statement del,
          db_.Prepare("DELETE FROM signing_profile_tags WHERE profile_id = ?1 AND key = ?2"));
      del.Bind(1, profile_id).Bind(2, key);
      SIGNET_RETURN_IF_ERROR(del.Run());
    }
    return Status::Ok();
  });
}

Result<TagMap> SqliteOperations::ListTagsForResource(std::string_view resource_arn) {
  SIGNET_ASSIGN_OR_RETURN(int64_t profile_id, ProfileIdByArn(resource_arn));
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare("SELECT key, value FROM signing_profile_tags WHERE profile_id = ?1"));
  q.Bind(1, profile_id);
  TagMap out;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.emplace(q.Text(0), q.Text(1));
  }
  return out;
}

}  // namespace signet::store::sqlite
