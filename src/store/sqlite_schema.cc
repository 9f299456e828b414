#include "store/sqlite_schema.h"

#include <iterator>
#include <string>

namespace signet::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Times are INTEGER seconds since the Unix epoch (UTC). Enumerations are stored by their AWS
// names so that the database reads like the API.
constexpr Migration kMigrations[] = {
    {1, "signing profiles and signing jobs", R"sql(
CREATE TABLE signing_profiles (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  permissions_revision TEXT NOT NULL DEFAULT '',
  UNIQUE (account, name)
);
CREATE TABLE signing_profile_versions (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES signing_profiles (id),
  version TEXT NOT NULL,
  version_arn TEXT NOT NULL UNIQUE,
  platform_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Active', 'Canceled', 'Revoked')),
  status_reason TEXT NOT NULL DEFAULT '',
  validity_value INTEGER NOT NULL,
  validity_type TEXT NOT NULL CHECK (validity_type IN ('DAYS', 'MONTHS', 'YEARS')),
  certificate_chain_pem TEXT NOT NULL,
  key_id TEXT NOT NULL,
  override_encryption_algorithm TEXT,
  override_hash_algorithm TEXT,
  override_signing_image_format TEXT,
  created_at INTEGER NOT NULL,
  revocation_effective_from INTEGER,
  revoked_at INTEGER,
  revoked_by TEXT,
  revocation_reason TEXT,
  UNIQUE (profile_id, version),
  CHECK ((revocation_effective_from IS NULL) = (revoked_at IS NULL))
);
CREATE INDEX signing_profile_versions_by_profile ON signing_profile_versions (profile_id, id);
CREATE TABLE signing_profile_parameters (
  version_id INTEGER NOT NULL REFERENCES signing_profile_versions (id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (version_id, name)
);
CREATE TABLE signing_profile_tags (
  profile_id INTEGER NOT NULL REFERENCES signing_profiles (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (profile_id, key)
);
CREATE TABLE profile_permissions (
  profile_id INTEGER NOT NULL REFERENCES signing_profiles (id),
  statement_id TEXT NOT NULL,
  action TEXT NOT NULL,
  principal TEXT NOT NULL,
  profile_version TEXT,
  PRIMARY KEY (profile_id, statement_id)
);
CREATE TABLE signing_jobs (
  seq INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE,
  job_owner TEXT NOT NULL,
  job_invoker TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  profile_version_id INTEGER NOT NULL REFERENCES signing_profile_versions (id),
  platform_id TEXT NOT NULL,
  platform_display_name TEXT NOT NULL,
  source_bucket TEXT,
  source_key TEXT,
  source_version TEXT,
  destination_bucket TEXT,
  destination_prefix TEXT,
  payload BLOB,
  status TEXT NOT NULL CHECK (status IN ('InProgress', 'Failed', 'Succeeded')),
  status_reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  completed_at INTEGER,
  signature_expires_at INTEGER,
  signed_bucket TEXT,
  signed_key TEXT,
  signed_version TEXT,
  client_request_token TEXT,
  revoked_at INTEGER,
  revoked_by TEXT,
  revocation_reason TEXT,
  UNIQUE (job_invoker, client_request_token)
);
CREATE INDEX signing_jobs_by_owner ON signing_jobs (job_owner, seq);
CREATE INDEX signing_jobs_by_invoker ON signing_jobs (job_invoker, seq);
CREATE INDEX signing_jobs_by_profile_version ON signing_jobs (profile_version_id);
CREATE TABLE signing_job_metadata (
  job_seq INTEGER NOT NULL REFERENCES signing_jobs (seq),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_seq, name)
);
)sql"},
    {2, "usage records", R"sql(
CREATE TABLE usage_records (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  account TEXT NOT NULL,
  principal TEXT NOT NULL,
  profile_name TEXT NOT NULL,
  profile_version TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  unit_price_micros INTEGER NOT NULL CHECK (unit_price_micros >= 0),
  job_id TEXT NOT NULL UNIQUE REFERENCES signing_jobs (job_id)
);
CREATE INDEX usage_records_by_time ON usage_records (time);
)sql"},
    {3, "lambda code signing configs, functions and layer versions", R"sql(
CREATE TABLE code_signing_configs (
  seq INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  config_id TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  allowed_profile_version_arns TEXT NOT NULL,
  policy TEXT NOT NULL CHECK (policy IN ('Warn', 'Enforce')),
  last_modified INTEGER NOT NULL
);
CREATE INDEX code_signing_configs_by_account ON code_signing_configs (account, seq);
CREATE TABLE functions (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  runtime TEXT NOT NULL,
  role TEXT NOT NULL,
  handler TEXT NOT NULL,
  description TEXT NOT NULL,
  timeout_seconds INTEGER NOT NULL,
  memory_size_mb INTEGER NOT NULL,
  package_type TEXT NOT NULL CHECK (package_type IN ('Zip', 'Image')),
  architecture TEXT NOT NULL,
  code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  signing_profile_version_arn TEXT NOT NULL,
  signing_job_arn TEXT NOT NULL,
  code_signing_config_arn TEXT REFERENCES code_signing_configs (arn),
  revision_id TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  UNIQUE (account, name)
);
CREATE INDEX functions_by_code_signing_config ON functions (code_signing_config_arn, name);
CREATE TABLE function_layers (
  function_id INTEGER NOT NULL REFERENCES functions (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  arn TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  signing_profile_version_arn TEXT NOT NULL,
  signing_job_arn TEXT NOT NULL,
  PRIMARY KEY (function_id, position)
);
CREATE TABLE function_code (
  function_id INTEGER PRIMARY KEY REFERENCES functions (id) ON DELETE CASCADE,
  code BLOB NOT NULL
);
CREATE TABLE layer_versions (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  layer_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  layer_arn TEXT NOT NULL,
  layer_version_arn TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  license_info TEXT NOT NULL,
  compatible_runtimes TEXT NOT NULL,
  compatible_architectures TEXT NOT NULL,
  code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  signing_profile_version_arn TEXT NOT NULL,
  signing_job_arn TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  code BLOB NOT NULL,
  UNIQUE (account, layer_name, version)
);
)sql"},
    {4, "tags of lambda code signing configs", R"sql(
CREATE TABLE code_signing_config_tags (
  config_id TEXT NOT NULL REFERENCES code_signing_configs (config_id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (config_id, key)
);
)sql"},
    {5, "running usage totals per environment and month", R"sql(
CREATE TABLE usage_month_totals (
  environment TEXT NOT NULL,
  month TEXT NOT NULL,
  signatures INTEGER NOT NULL,
  total_micros INTEGER NOT NULL CHECK (typeof(total_micros) = 'integer' AND total_micros >= 0),
  PRIMARY KEY (environment, month)
);
INSERT INTO usage_month_totals (environment, month, signatures, total_micros)
  SELECT environment, strftime('%Y-%m', time, 'unixepoch'), COUNT(*), SUM(unit_price_micros)
  FROM usage_records GROUP BY 1, 2;
)sql"},
    // Triggers, so that no code path can revoke without appending its event, in its transaction.
    {6, "revocation events: the change sequence replicas poll", R"sql(
CREATE TABLE revocation_events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('job', 'profile-version')),
  subject TEXT NOT NULL,
  effective_from INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE TRIGGER signing_jobs_revoked AFTER UPDATE OF revoked_at ON signing_jobs
  WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
  INSERT INTO revocation_events (kind, subject, effective_from, recorded_at)
    VALUES ('job', NEW.job_id, NEW.revoked_at, CAST(strftime('%s', 'now') AS INTEGER));
END;
CREATE TRIGGER signing_profile_versions_revoked
  AFTER UPDATE OF revocation_effective_from ON signing_profile_versions
  WHEN NEW.revocation_effective_from IS NOT NULL
   AND (OLD.revocation_effective_from IS NULL
        OR NEW.revocation_effective_from <> OLD.revocation_effective_from)
BEGIN
  INSERT INTO revocation_events (kind, subject, effective_from, recorded_at)
    VALUES ('profile-version', NEW.version_arn, NEW.revocation_effective_from,
            CAST(strftime('%s', 'now') AS INTEGER));
END;
)sql"},
    // No query reads jobs by profile version (jobs join their version through its primary key),
    // and the profile versions a job references are never deleted: the index only cost every
    // signature one more b-tree insert and page write.
    {7, "drop the unused index of signing jobs by profile version", R"sql(
DROP INDEX IF EXISTS signing_jobs_by_profile_version;
)sql"},
    // Two b-tree entries fewer per signature, and no temporary b-tree. A usage record is keyed by its job's seq (its
    // rowid: the one-record-per-job rule and the reference to the job are then a rowid, no
    // second index of random job-id text); and the (invoker, token) uniqueness indexes only the
    // jobs that carry a token (SignPayload's do not). signing_jobs is rebuilt for that (its
    // UNIQUE was part of the table), keeping every seq, and its indexes and trigger are made
    // again as they were. MigrateSchema runs this with foreign keys off and checks them after.
    {8, "usage records keyed by their job; client request tokens indexed only where given",
     R"sql(
CREATE TABLE signing_jobs_v8 (
  seq INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE,
  job_owner TEXT NOT NULL,
  job_invoker TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  profile_version_id INTEGER NOT NULL REFERENCES signing_profile_versions (id),
  platform_id TEXT NOT NULL,
  platform_display_name TEXT NOT NULL,
  source_bucket TEXT,
  source_key TEXT,
  source_version TEXT,
  destination_bucket TEXT,
  destination_prefix TEXT,
  payload BLOB,
  -- Not IN (...): SQLite evaluates an IN list of three by building a temporary b-tree, on every
  -- INSERT.
  status TEXT NOT NULL
    CHECK (status = 'InProgress' OR status = 'Failed' OR status = 'Succeeded'),
  status_reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  completed_at INTEGER,
  signature_expires_at INTEGER,
  signed_bucket TEXT,
  signed_key TEXT,
  signed_version TEXT,
  client_request_token TEXT,
  revoked_at INTEGER,
  revoked_by TEXT,
  revocation_reason TEXT
);
INSERT INTO signing_jobs_v8 (seq, job_id, job_owner, job_invoker, requested_by,
    profile_version_id, platform_id, platform_display_name, source_bucket, source_key,
    source_version, destination_bucket, destination_prefix, payload, status, status_reason,
    created_at, completed_at, signature_expires_at, signed_bucket, signed_key, signed_version,
    client_request_token, revoked_at, revoked_by, revocation_reason)
  SELECT seq, job_id, job_owner, job_invoker, requested_by,
    profile_version_id, platform_id, platform_display_name, source_bucket, source_key,
    source_version, destination_bucket, destination_prefix, payload, status, status_reason,
    created_at, completed_at, signature_expires_at, signed_bucket, signed_key, signed_version,
    client_request_token, revoked_at, revoked_by, revocation_reason
  FROM signing_jobs ORDER BY seq;
CREATE TABLE usage_records_v8 (
  job_seq INTEGER PRIMARY KEY REFERENCES signing_jobs (seq),
  time INTEGER NOT NULL,
  account TEXT NOT NULL,
  principal TEXT NOT NULL,
  profile_name TEXT NOT NULL,
  profile_version TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  unit_price_micros INTEGER NOT NULL CHECK (unit_price_micros >= 0)
);
-- A record whose job is missing (impossible while foreign keys were enforced) gets a job_seq
-- no job has (job seqs are positive), so the foreign key check after the migration refuses it
-- rather than losing it or pinning it on another job.
INSERT INTO usage_records_v8 (job_seq, time, account, principal, profile_name, profile_version,
    platform_id, environment, unit_price_micros)
  SELECT COALESCE(j.seq, -u.seq), u.time, u.account, u.principal, u.profile_name, u.profile_version,
    u.platform_id, u.environment, u.unit_price_micros
  FROM usage_records u LEFT JOIN signing_jobs j ON j.job_id = u.job_id ORDER BY 1;
DROP TABLE usage_records;
DROP TABLE signing_jobs;
ALTER TABLE signing_jobs_v8 RENAME TO signing_jobs;
ALTER TABLE usage_records_v8 RENAME TO usage_records;
CREATE UNIQUE INDEX signing_jobs_by_client_request_token
  ON signing_jobs (job_invoker, client_request_token) WHERE client_request_token IS NOT NULL;
CREATE INDEX signing_jobs_by_owner ON signing_jobs (job_owner, seq);
CREATE INDEX signing_jobs_by_invoker ON signing_jobs (job_invoker, seq);
CREATE INDEX usage_records_by_time ON usage_records (time);
CREATE TRIGGER signing_jobs_revoked AFTER UPDATE OF revoked_at ON signing_jobs
  WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
  INSERT INTO revocation_events (kind, subject, effective_from, recorded_at)
    VALUES ('job', NEW.job_id, NEW.revoked_at, CAST(strftime('%s', 'now') AS INTEGER));
END;
)sql"},
    // ListJobs filters by owner, invoker or account with "(? IS NULL OR ...)" terms, which
    // SQLite answers by scanning jobs newest first and stopping at the page's end; no query
    // reads either index, so each only cost every signature one more b-tree insert and WAL page.
    {9, "drop the unused indexes of signing jobs by owner and by invoker", R"sql(
DROP INDEX IF EXISTS signing_jobs_by_owner;
DROP INDEX IF EXISTS signing_jobs_by_invoker;
)sql"},
};

static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

constexpr const char* kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at INTEGER NOT NULL
))sql";

// Applies the migrations after the database's version up to `target`; `*applied` counts them.
Status MigrateLocked(Connection& db, int target, int* applied) {
  SIGNET_RETURN_IF_ERROR(db.Exec(kCreateVersionTable));
  SIGNET_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db));
  if (current > kSchemaVersion) {
    return FailedPreconditionError(
        "database " + db.path() + " has schema version " + std::to_string(current) +
        ", newer than the " + std::to_string(kSchemaVersion) +
        " this signet knows; run a signet at least as new as the one that last wrote it");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current || m.version > target) continue;
    Status s = db.Exec(m.sql);
    if (!s.ok()) {
      return s.WithContext("applying schema migration " + std::to_string(m.version) + " (" +
                           m.description + ")");
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO schema_version (version, description, applied_at) "
                   "VALUES (?1, ?2, CAST(strftime('%s', 'now') AS INTEGER))"));
    insert.Bind(1, m.version).Bind(2, m.description);
    SIGNET_RETURN_IF_ERROR(insert.Run());
    ++*applied;
  }
  return Status::Ok();
}

Result<bool> ForeignKeysEnforced(Connection& db) {
  SIGNET_ASSIGN_OR_RETURN(Statement q, db.Prepare("PRAGMA foreign_keys"));
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  return row && q.Int(0) != 0;
}

// Every reference in the database resolves (what enforced foreign keys would have kept true).
Status CheckForeignKeys(Connection& db) {
  SIGNET_ASSIGN_OR_RETURN(Statement q, db.Prepare("PRAGMA foreign_key_check"));
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::Ok();
  return FailedPreconditionError("database " + db.path() + ": a row of table " + q.Text(0) +
                                 " (rowid " + q.Text(1) + ") refers to a row of " + q.Text(2) +
                                 " that does not exist; nothing was migrated (restore the "
                                 "database from a backup)");
}

}  // namespace

Result<int> ReadSchemaVersion(Connection& db) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement exists,
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
  SIGNET_ASSIGN_OR_RETURN(bool has_table, exists.Step());
  if (!has_table) return 0;
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return InternalError("schema_version query returned no row");
  return static_cast<int>(q.Int(0));
}

Status MigrateSchema(Connection& db, int target) {
  if (target < 0 || target > kSchemaVersion) {
    return InvalidArgumentError("no schema version " + std::to_string(target));
  }
  // A migration that rebuilds a table (8) drops a table that others refer to, which SQLite
  // allows only with foreign keys off, and they cannot be switched inside a transaction: so they
  // are off while migrating, and every reference is checked before the COMMIT instead.
  SIGNET_ASSIGN_OR_RETURN(bool enforced, ForeignKeysEnforced(db));
  if (enforced) SIGNET_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = OFF"));
  // IMMEDIATE: two processes opening a fresh file must not both try to create the tables.
  Status s = db.Exec("BEGIN IMMEDIATE");
  if (s.ok()) {
    int applied = 0;
    s = MigrateLocked(db, target, &applied);
    if (s.ok() && applied > 0) s = CheckForeignKeys(db);
    if (s.ok()) s = db.Exec("COMMIT");
    if (!s.ok()) (void)db.Exec("ROLLBACK");
  }
  if (enforced) {
    Status on = db.Exec("PRAGMA foreign_keys = ON");
    if (s.ok()) s = on;
  }
  return s;
}

}  // namespace signet::store::sqlite
