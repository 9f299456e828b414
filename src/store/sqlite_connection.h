// Internal to store/: a thin RAII layer over the SQLite C API in which every SQLite error becomes
// a Status (sqlite3 never throws; nothing here aborts on a database error).
//
// SQL text given to Exec and Prepare must be a constant of the program: user values are always
// bound as parameters, never spliced into SQL.
//
// Thread-safety: none. A Connection and its Statements are used by one thread at a time; the
// SqliteStore's mutex provides that.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace signet::store::sqlite {

class Connection;

// One execution of a prepared statement. Move-only; on destruction the statement is reset and
// its bindings cleared, so the Connection can hand it out again.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based. A binding error is reported by the next Step/Run.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view{text}); }
  Statement& Bind(int index, const std::string& text) {
    return Bind(index, std::string_view{text});
  }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& BindBlob(int index, std::string_view bytes);
  // As Bind and BindBlob, without copying: the bytes must stay valid and unchanged until this
  // Statement is destroyed (a record the caller holds for the whole call, not a temporary).
  // For the signing path's INSERTs, where a copy per column was a malloc, memcpy and free.
  Statement& BindView(int index, std::string_view text);
  Statement& BindBlobView(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // NULL when unset.
  Statement& Bind(int index, const std::optional<std::string>& text);
  Statement& Bind(int index, const std::optional<int64_t>& value);

  // Advances: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Runs a statement that returns no rows to completion.
  Status Run();

  // Columns are 0-based and read the current row.
  bool IsNull(int column) const;
  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::string Blob(int column) const;

 private:
  friend class Connection;
  Statement(Connection* db, sqlite3_stmt* stmt, bool* in_use);
  void NoteBind(int rc, int index);

  Connection* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot's flag, or nullptr for an uncached statement we finalize
  int bind_error_ = 0;
  int bind_error_index_ = 0;
};

class Connection {
 public:
  // Opens (creating) the database file read-write.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  std::chrono::milliseconds busy_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs constant SQL with no parameters (schema scripts, pragmas); rows are discarded.
  Status Exec(const char* sql);
  // Runs one constant statement that returns no rows through the statement cache: transaction
  // control on the hot path (BEGIN, SAVEPOINT, RELEASE, COMMIT), parsed once per connection.
  Status Run(const char* sql);
  // The statement for constant SQL, prepared once and cached. If the cached one is still in use
  // (a nested query of the same SQL), a fresh one is prepared for this use.
  Result<Statement> Prepare(const char* sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  // The rowid of the last successful INSERT on this connection.
  int64_t LastInsertRowId() const;
  bool InTransaction() const;
  const std::string& path() const { return path_; }

  // Calls `fn` with the table's name for every row this connection inserts, updates or deletes,
  // as the change is made (before any COMMIT; also for changes later rolled back); replaces an
  // earlier `fn`. SQLite's update hook: it does not report WITHOUT ROWID tables, nor rows a
  // DELETE without WHERE drops by truncation, which SQLite does only on a table with no
  // triggers that no enforced foreign key involves. `fn` must not use the connection.
  void OnRowChange(std::function<void(std::string_view table)> fn);

  // The Status for SQLite result code `rc` (extended codes) with the connection's message.
  Status Error(int rc, std::string_view context) const;

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> cache_;  // by SQL text
  std::unordered_map<const char*, CachedStatement*> by_address_;  // into cache_, by the constant
  std::function<void(std::string_view table)> on_row_change_;
};

// Maps a SQLite (extended) result code to the Store's error vocabulary (store_operations.h).
Status StatusFromSqlite(int rc, std::string_view context, std::string_view sqlite_message);

}  // namespace signet::store::sqlite
