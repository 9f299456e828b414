#include "store/sqlite_connection.h"

#include <sqlite3.h>

#include <cstring>
#include <utility>

namespace signet::store::sqlite {

Status StatusFromSqlite(int rc, std::string_view context, std::string_view sqlite_message) {
  std::string msg = std::string(context) + ": " + std::string(sqlite_message);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExistsError(std::move(msg));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return NotFoundError(std::move(msg) + " (it refers to a record that does not exist)");
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return InvalidArgumentError(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(std::move(msg) +
                              " (another process held the database longer than the busy "
                              "timeout; retry)");
    case SQLITE_FULL:
      return UnavailableError(std::move(msg) + " (free disk space, then retry)");
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_INTERRUPT:
      return UnavailableError(std::move(msg));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return FailedPreconditionError(std::move(msg) +
                                     " (check the path and that signetd may read and write it)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return FailedPreconditionError(std::move(msg) +
                                     " (the file is not a signet database or is damaged; restore "
                                     "it from a backup)");
    default:
      return InternalError(std::move(msg) + " (SQLite code " + std::to_string(rc) + ")");
  }
}

// --- Statement -----------------------------------------------------------------------------------

Statement::Statement(Connection* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(other.bind_error_),
      bind_error_index_(other.bind_error_index_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

void Statement::NoteBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_ == 0) {
    bind_error_ = rc;
    bind_error_index_ = index;
  }
}

Statement& Statement::Bind(int index, std::string_view text) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
  return *this;
}

Statement& Statement::BindView(int index, std::string_view text) {
  NoteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8),
           index);
  return *this;
}

Statement& Statement::BindBlobView(int index, std::string_view bytes) {
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC), index);
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view{*text}) : BindNull(index);
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) {
    return db_->Error(bind_error_, "binding parameter " + std::to_string(bind_error_index_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, "database");
}

Status Statement::Run() {
  SIGNET_ASSIGN_OR_RETURN(bool row, Step());
  if (row) return InternalError("a statement that should return no rows returned one");
  return Status::Ok();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::string Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
}

// --- Connection ----------------------------------------------------------------------------------

namespace {

// SQLite keeps memory statistics by default, which makes every sqlite3_malloc and sqlite3_free
// (dozens per statement) take one process-wide mutex; signet reads none of them. The setting
// must precede SQLite's initialisation, so it is made once, before the first connection opens.
// If something else in the process initialised SQLite first, sqlite3_config refuses
// (SQLITE_MISUSE) and statistics stay on: slower, not wrong.
void ConfigureSqliteOnce() {
  static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)rc;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     std::chrono::milliseconds busy_timeout) {
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  // NOMUTEX: the SqliteStore serialises all use of the connection itself.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = StatusFromSqlite(rc, "opening database " + path,
                                db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return s;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  sqlite3_close(db_);
}

Status Connection::Error(int rc, std::string_view context) const {
  return StatusFromSqlite(rc, context, sqlite3_errmsg(db_));
}

Status Connection::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  Status s = StatusFromSqlite(rc, "database " + path_, err != nullptr ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
  return s;
}

Status Connection::Run(const char* sql) {
  SIGNET_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  return statement.Run();
}

Result<Statement> Connection::Prepare(const char* sql) {
  // By the constant's address first: no hashing or copying of the text on the hot path. The
  // text comparison guards against an address that held other SQL (which the contract rules out).
  CachedStatement*& cached = by_address_[sql];
  if (cached == nullptr || std::strcmp(sqlite3_sql(cached->stmt), sql) != 0) {
    auto it = cache_.try_emplace(sql).first;
    if (it->second == nullptr) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        cache_.erase(it);
        by_address_.erase(sql);
        return Error(rc, "preparing a query");
      }
      it->second = std::make_unique<CachedStatement>();
      it->second->stmt = stmt;
    }
    cached = it->second.get();
  }
  if (cached->in_use) {
    sqlite3_stmt* fresh = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql, -1, &fresh, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "preparing a query");
    return Statement(this, fresh, nullptr);
  }
  cached->in_use = true;
  return Statement(this, cached->stmt, &cached->in_use);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_); }

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::OnRowChange(std::function<void(std::string_view table)> fn) {
  on_row_change_ = std::move(fn);
  if (!on_row_change_) {
    sqlite3_update_hook(db_, nullptr, nullptr);
    return;
  }
  sqlite3_update_hook(
      db_,
      [](void* self, int /*op*/, const char* /*database*/, const char* table, sqlite3_int64) {
        static_cast<Connection*>(self)->on_row_change_(table);
      },
      this);
}

}  // namespace signet::store::sqlite
