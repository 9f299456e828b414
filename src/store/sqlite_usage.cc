// Usage records (metering) on SQLite.
#include <string>

#include "store/sqlite_operations.h"

namespace signet::store::sqlite {
namespace {

bool Grouped(const UsageQuery& query, UsageDimension d) {
  for (UsageDimension g : query.group_by) {
    if (g == d) return true;
  }
  return false;
}

Status CheckRange(const UsageQuery& query) {
  if (query.from > query.to) {
    return InvalidArgumentError("the usage period starts (" + FormatRfc3339(query.from) +
                                ") after it ends (" + FormatRfc3339(query.to) + ")");
  }
  return Status::Ok();
}

}  // namespace

Status SqliteOperations::AppendUsage(const UsageRecord& u) {
  if (u.unit_price_micros < 0) {
    return InvalidArgumentError("a usage record's price cannot be negative (" +
                                std::to_string(u.unit_price_micros) + " micro-dollars)");
  }
  if (u.job_id.empty() || u.account.empty()) {
    return InvalidArgumentError("a usage record needs the job id and the account billed");
  }
  // A record is keyed by its job's seq, found by the INSERT itself: no row inserted means no
  // such job; its one record per job is the primary key.
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO usage_records (job_seq, time, account, principal, profile_name, "
                    "profile_version, platform_id, environment, unit_price_micros) "
                    "SELECT seq, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM signing_jobs "
                    "WHERE job_id = ?9"));
    // `u` outlives the statements: its fields are bound without copies.
    insert.Bind(1, ToSeconds(u.time))
        .BindView(2, u.account)
        .BindView(3, u.principal)
        .BindView(4, u.profile_name)
        .BindView(5, u.profile_version)
        .BindView(6, u.platform_id)
        .BindView(7, u.environment)
        .Bind(8, u.unit_price_micros)
        .BindView(9, u.job_id);
    if (Status s = insert.Run(); !s.ok()) {
      if (s.code() == ErrorCode::kAlreadyExists) {
        return AlreadyExistsError("signing job " + u.job_id +
                                  " already has a usage record; a job is billed once");
      }
      return s;
    }
    if (db_.Changes() == 0) {
      return NotFoundError("cannot record usage of signing job " + u.job_id +
                           ": the job does not exist");
    }
    // The running total of the record's environment and month, in the same transaction.
    SIGNET_ASSIGN_OR_RETURN(
        Statement total,
        db_.Prepare("INSERT INTO usage_month_totals (environment, month, signatures, "
                    "total_micros) VALUES (?1, strftime('%Y-%m', ?2, 'unixepoch'), 1, ?3) "
                    "ON CONFLICT (environment, month) DO UPDATE SET "
                    "signatures = signatures + 1, total_micros = total_micros + ?3"));
    total.BindView(1, u.environment).Bind(2, ToSeconds(u.time)).Bind(3, u.unit_price_micros);
    return total.Run();
  });
}

Result<int64_t> SqliteOperations::MonthlyUsageMicros(std::string_view environment,
                                                     std::string_view month) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare("SELECT total_micros FROM usage_month_totals "
                                      "WHERE environment = ?1 AND month = ?2"));
  q.Bind(1, environment).Bind(2, month);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  return row ? q.Int(0) : int64_t{0};
}

Result<std::vector<UsageTotal>> SqliteOperations::SumUsage(const UsageQuery& query) {
  SIGNET_RETURN_IF_ERROR(CheckRange(query));
  // Fixed SQL: a dimension not grouped by collapses to '' so one statement serves every report.
  // SUM over INTEGER is exact in SQLite (and fails loudly on int64 overflow).
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare("SELECT CASE WHEN ?1 THEN strftime('%Y-%m', time, 'unixepoch') ELSE '' END, "
                  "CASE WHEN ?2 THEN environment ELSE '' END, "
                  "CASE WHEN ?3 THEN profile_name ELSE '' END, "
                  "CASE WHEN ?4 THEN platform_id ELSE '' END, "
                  "CASE WHEN ?5 THEN account ELSE '' END, "
                  "CASE WHEN ?6 THEN principal ELSE '' END, "
                  "COUNT(*), SUM(unit_price_micros) FROM usage_records "
                  "WHERE time >= ?7 AND time < ?8 AND (?9 IS NULL OR account = ?9) "
                  "AND (?10 IS NULL OR environment = ?10) "
                  "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"));
  q.Bind(1, Grouped(query, UsageDimension::kMonth))
      .Bind(2, Grouped(query, UsageDimension::kEnvironment))
      .Bind(3, Grouped(query, UsageDimension::kProfile))
      .Bind(4, Grouped(query, UsageDimension::kPlatform))
      .Bind(5, Grouped(query, UsageDimension::kAccount))
      .Bind(6, Grouped(query, UsageDimension::kPrincipal))
      .Bind(7, ToSeconds(query.from))
      .Bind(8, ToSeconds(query.to))
      .Bind(9, query.account)
      .Bind(10, query.environment);
  std::vector<UsageTotal> out;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(UsageTotal{
        .month = q.Text(0),
        .environment = q.Text(1),
        .profile_name = q.Text(2),
        .platform_id = q.Text(3),
        .account = q.Text(4),
        .principal = q.Text(5),
        .signatures = q.Int(6),
        .total_micros = q.Int(7),
    });
  }
  return out;
}

Result<Page<UsageRecord>> SqliteOperations::ListUsage(const UsageQuery& query,
                                                      const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckRange(query));
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxUsagePageSize));
  SIGNET_ASSIGN_OR_RETURN(int64_t after, DecodeSequenceToken(page.token, "usage"));
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare("SELECT u.time, u.account, u.principal, u.profile_name, u.profile_version, "
                  "u.platform_id, u.environment, u.unit_price_micros, j.job_id, u.job_seq "
                  "FROM usage_records u JOIN signing_jobs j ON j.seq = u.job_seq "
                  "WHERE u.job_seq > ?1 AND u.time >= ?2 AND u.time < ?3 "
                  "AND (?4 IS NULL OR u.account = ?4) AND (?5 IS NULL OR u.environment = ?5) "
                  "ORDER BY u.job_seq LIMIT ?6"));
  q.Bind(1, after)
      .Bind(2, ToSeconds(query.from))
      .Bind(3, ToSeconds(query.to))
      .Bind(4, query.account)
      .Bind(5, query.environment)
      .Bind(6, page.max_results + 1);
  Page<UsageRecord> out;
  int64_t last_seq = 0;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (out.items.size() == static_cast<size_t>(page.max_results)) {
      out.next_token = EncodePageToken("usage", std::to_string(last_seq));
      break;
    }
    out.items.push_back(UsageRecord{
        .time = FromSeconds(q.Int(0)),
        .account = q.Text(1),
        .principal = q.Text(2),
        .profile_name = q.Text(3),
        .profile_version = q.Text(4),
        .platform_id = q.Text(5),
        .environment = q.Text(6),
        .unit_price_micros = q.Int(7),
        .job_id = q.Text(8),
    });
    last_seq = q.Int(9);
  }
  return out;
}

}  // namespace signet::store::sqlite
