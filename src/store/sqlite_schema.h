// Internal to store/: the SQLite schema and its numbered migrations.
//
// The table `schema_version` holds one row per migration applied. At open, MigrateSchema applies
// the missing migrations, in order, in one transaction (all or none), and refuses a database whose
// version is newer than this program knows (an older signetd must not write a newer schema).
// Migrations are append-only: never edit one that has shipped; add the next.
//
//   1  signing profiles (+ versions, parameters, tags, permissions), signing jobs (+ metadata)
//   2  usage records (metering)
//   3  Lambda code signing configs, functions (+ layers, code), layer versions
//   4  tags of Lambda code signing configs
//   5  running usage totals per environment and month (budgets)
//   6  revocation events (the change sequence that replicas poll), written by triggers
//   7  drops the unused index of signing jobs by profile version
//   8  usage records keyed by their job's seq; the client request token index only where one
//      is given (signing_jobs rebuilt)
#pragma once

#include <string_view>

#include "core/status.h"
#include "store/sqlite_connection.h"

namespace signet::store::sqlite {

// The newest schema this program knows.
inline constexpr int kSchemaVersion = 9;

// The tables that a signing profile and its permissions are read from (GetProfile,
// ListProfilePermissions): SqliteStore's profile cache is invalidated by a change to any of their
// rows. A migration that adds such a table adds it here.
inline constexpr std::string_view kProfileTables[] = {
    "signing_profiles",     "signing_profile_versions", "signing_profile_parameters",
    "signing_profile_tags", "profile_permissions",
};

// The database's schema version: 0 for an empty database.
Result<int> ReadSchemaVersion(Connection& db);

// Brings the database to `target` (tests build older databases with a lower target).
// kFailedPrecondition if the database is newer than kSchemaVersion.
Status MigrateSchema(Connection& db, int target = kSchemaVersion);

}  // namespace signet::store::sqlite
