// Cross-account permissions of signing profiles on SQLite, with revision-id concurrency control.
#include <string>

#include "core/ids.h"
#include "store/sqlite_operations.h"

namespace signet::store::sqlite {
namespace {

struct ProfileRevision {
  int64_t profile_id = 0;
  std::string revision;
};

Result<ProfileRevision> ReadRevision(Connection& db, std::string_view account,
                                     std::string_view name) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db.Prepare("SELECT id, permissions_revision FROM signing_profiles "
                                     "WHERE account = ?1 AND name = ?2"));
  q.Bind(1, account).Bind(2, name);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) {
    return NotFoundError("signing profile \"" + std::string(name) + "\" of account " +
                         std::string(account) + " does not exist");
  }
  return ProfileRevision{q.Int(0), q.Text(1)};
}

Status CheckRevision(const ProfileRevision& current, std::string_view expected) {
  if (current.revision == expected) return Status::Ok();
  return FailedPreconditionError(
      "the profile's permissions changed since revision \"" + std::string(expected) + "\" (now \"" +
      current.revision + "\"); list the permissions again and retry with the current revisionId");
}

// Every change gets a fresh random revision, so a writer holding an old one always conflicts.
Result<std::string> BumpRevision(Connection& db, int64_t profile_id) {
  std::string revision = NewUuidV4();
  SIGNET_ASSIGN_OR_RETURN(
      Statement update,
      db.Prepare("UPDATE signing_profiles SET permissions_revision = ?1 WHERE id = ?2"));
  update.Bind(1, revision).Bind(2, profile_id);
  SIGNET_RETURN_IF_ERROR(update.Run());
  return revision;
}

}  // namespace

Result<std::string> SqliteOperations::AddProfilePermission(
    std::string_view account, std::string_view name,
    const std::optional<std::string>& expected_revision,
    const ProfilePermissionRecord& permission) {
  if (permission.statement_id.empty() || permission.action.empty() ||
      permission.principal.empty()) {
    return InvalidArgumentError("a permission needs a statement id, an action and a principal");
  }
  std::string revision;
  Status s = Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(ProfileRevision current, ReadRevision(db_, account, name));
    if (expected_revision) SIGNET_RETURN_IF_ERROR(CheckRevision(current, *expected_revision));
    if (permission.profile_version) {
      SIGNET_ASSIGN_OR_RETURN(Statement q, db_.Prepare("SELECT 1 FROM signing_profile_versions "
                                                       "WHERE profile_id = ?1 AND version = ?2"));
      q.Bind(1, current.profile_id).Bind(2, permission.profile_version);
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) {
        return NotFoundError("signing profile \"" + std::string(name) + "\" has no version " +
                             *permission.profile_version);
      }
    }
    {
      SIGNET_ASSIGN_OR_RETURN(Statement q,
                              db_.Prepare("SELECT 1 FROM profile_permissions "
                                          "WHERE profile_id = ?1 AND statement_id = ?2"));
      q.Bind(1, current.profile_id).Bind(2, permission.statement_id);
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (row) {
        return AlreadyExistsError("signing profile \"" + std::string(name) +
                                  "\" already has a permission with statement id \"" +
                                  permission.statement_id + "\"");
      }
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO profile_permissions (profile_id, statement_id, action, "
                    "principal, profile_version) VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert.Bind(1, current.profile_id)
        .Bind(2, permission.statement_id)
        .Bind(3, permission.action)
        .Bind(4, permission.principal)
        .Bind(5, permission.profile_version);
    SIGNET_RETURN_IF_ERROR(insert.Run());
    SIGNET_ASSIGN_OR_RETURN(revision, BumpRevision(db_, current.profile_id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return revision;
}

Result<std::string> SqliteOperations::RemoveProfilePermission(std::string_view account,
                                                              std::string_view name,
                                                              std::string_view expected_revision,
                                                              std::string_view statement_id) {
  std::string revision;
  Status s = Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(ProfileRevision current, ReadRevision(db_, account, name));
    SIGNET_RETURN_IF_ERROR(CheckRevision(current, expected_revision));
    SIGNET_ASSIGN_OR_RETURN(Statement del,
                            db_.Prepare("DELETE FROM profile_permissions "
                                        "WHERE profile_id = ?1 AND statement_id = ?2"));
    del.Bind(1, current.profile_id).Bind(2, statement_id);
    SIGNET_RETURN_IF_ERROR(del.Run());
    if (db_.Changes() == 0) {
      return NotFoundError("signing profile \"" + std::string(name) +
                           "\" has no permission with statement id \"" + std::string(statement_id) +
                           "\"");
    }
    SIGNET_ASSIGN_OR_RETURN(revision, BumpRevision(db_, current.profile_id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return revision;
}

Result<ProfilePermissions> SqliteOperations::ListProfilePermissions(std::string_view account,
                                                                    std::string_view name,
                                                                    const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxSignerPageSize));
  SIGNET_ASSIGN_OR_RETURN(std::string after, DecodePageToken(page.token, "permissions"));
  SIGNET_ASSIGN_OR_RETURN(ProfileRevision current, ReadRevision(db_, account, name));
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare("SELECT statement_id, action, principal, profile_version "
                  "FROM profile_permissions WHERE profile_id = ?1 AND statement_id > ?2 "
                  "ORDER BY statement_id LIMIT ?3"));
  q.Bind(1, current.profile_id).Bind(2, after).Bind(3, page.max_results + 1);
  ProfilePermissions out;
  out.revision_id = current.revision;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.permissions.push_back(ProfilePermissionRecord{
        .statement_id = q.Text(0),
        .action = q.Text(1),
        .principal = q.Text(2),
        .profile_version = q.OptionalText(3),
    });
  }
  if (out.permissions.size() > static_cast<size_t>(page.max_results)) {
    out.permissions.pop_back();
    out.next_token = EncodePageToken("permissions", out.permissions.back().statement_id);
  }
  return out;
}

}  // namespace signet::store::sqlite
