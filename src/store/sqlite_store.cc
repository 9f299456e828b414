#include "store/sqlite_store.h"

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite_connection.h"
#include "store/sqlite_operations.h"
#include "store/sqlite_profile_cache.h"
#include "store/sqlite_schema.h"
#include "store/wake_word.h"

namespace signet::store {
namespace {

// The store whose transaction callback (read-only, or any batch member's) this thread is
// running, to refuse re-entry from it instead of deadlocking.
thread_local const SqliteStore* t_in_callback = nullptr;

// What a combiner posts to a queued request's WakeWord.
constexpr uint32_t kFinished = 1;  // its outcome is stored: return it
constexpr uint32_t kCombine = 2;   // the connection is handed to it: combine the next batch
constexpr uint32_t kRecheck = 3;   // (to the open batch's timer) the batch may be ready to commit

// Marks this thread as running `store`'s callback for the scope's duration.
class InCallback {
 public:
  explicit InCallback(const SqliteStore* store) : outer_(t_in_callback) { t_in_callback = store; }
  ~InCallback() { t_in_callback = outer_; }
  InCallback(const InCallback&) = delete;
  InCallback& operator=(const InCallback&) = delete;

 private:
  const SqliteStore* const outer_;
};
// The store this thread announced a write to (ExpectWrite) and has not yet entered.
thread_local const SqliteStore* t_expected = nullptr;

// Runs a pragma and returns its (first) result, so we can check that the setting took.
Result<std::string> Pragma(sqlite::Connection& db, const char* sql) {
  SIGNET_ASSIGN_OR_RETURN(sqlite::Statement q, db.Prepare(sql));
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::string();
  return q.Text(0);
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& path,
                                                       const SqliteStoreOptions& options) {
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> db,
                          sqlite::Connection::Open(path.string(), options.busy_timeout));
  // WAL: readers never block the writer, and a commit is one sequential append + fsync.
  // The first statement to touch the file also tells us whether it is a database at all.
  SIGNET_ASSIGN_OR_RETURN(std::string mode, Pragma(*db, "PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return FailedPreconditionError("database " + path.string() +
                                   " cannot use write-ahead logging (journal mode is \"" + mode +
                                   "\"); put it on a local file system");
  }
  // FULL: fsync the WAL at every commit, so an acknowledged write survives power loss.
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = FULL"));
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON"));
  // Every group-commit member and every multi-statement write runs in a savepoint, whose undo
  // journal SQLite keeps in a temporary file by default: two more write() calls per page
  // changed, as many as the WAL itself. Kept in memory instead (a few pages per member).
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA temp_store = MEMORY"));
  // A checkpoint copies each page the WAL holds once, however often it was written since the
  // last one, so fewer checkpoints copy the hot pages (the tails of the job and usage b-trees)
  // fewer times: 0.52 page copies per signature at SQLite's default of 1000 frames, 0.25 at 4096
  // (store_records_bench, 20,000 jobs). The WAL then holds up to ~17 MB instead of ~4 MB; it is
  // cut back to 32 MiB if a long read ever let it grow past that.
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA wal_autocheckpoint = 4096"));
  SIGNET_RETURN_IF_ERROR(db->Exec("PRAGMA journal_size_limit = 33554432"));
  SIGNET_ASSIGN_OR_RETURN(std::string fk, Pragma(*db, "PRAGMA foreign_keys"));
  if (fk != "1") return InternalError("this SQLite build cannot enforce foreign keys");
  SIGNET_RETURN_IF_ERROR(sqlite::MigrateSchema(*db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), path, options));
}

// Lives on its caller's stack for the call. The combiner writes status and thrown while the
// caller sleeps, and publishes them with `finished` (under mu_) and a kFinished post.
struct SqliteStore::Request {
  explicit Request(const std::function<Status(StoreTransaction&)>& f) : fn(f) {}
  const std::function<Status(StoreTransaction&)>& fn;
  Status status;  // the callback's, then (if it was OK) the commit's
  std::exception_ptr thrown;
  bool finished = false;     // guarded by mu_
  Request* next = nullptr;   // in the queue; guarded by mu_
  WakeWord wake;
};

SqliteStore::SqliteStore(std::unique_ptr<sqlite::Connection> db, std::filesystem::path path,
                         const SqliteStoreOptions& options)
    : max_batch_(options.max_batch < 1 ? 1 : options.max_batch),
      max_commit_wait_(options.max_commit_wait),
      profile_cache_(options.profile_cache_entries == 0
                         ? nullptr
                         : std::make_unique<sqlite::ProfileCache>(options.profile_cache_entries,
                                                                  options.profile_cache_bytes)),
      db_(std::move(db)),
      path_(std::move(path)),
      busy_timeout_(options.busy_timeout),
      max_readers_(options.max_readers < 1 ? 1 : options.max_readers) {
  if (profile_cache_ != nullptr) {
    db_->OnRowChange([cache = profile_cache_.get()](std::string_view table) {
      for (std::string_view t : sqlite::kProfileTables) {
        if (table == t) return cache->RowChanged();
      }
    });
  }
}

SqliteStore::~SqliteStore() = default;

Status SqliteStore::RunMember(const std::function<Status(StoreTransaction&)>& fn, bool* broken,
                              std::exception_ptr* thrown) {
  SIGNET_RETURN_IF_ERROR(db_->Run("SAVEPOINT member"));
  sqlite::SqliteOperations ops(*db_);
  Status s;
  try {
    InCallback in_callback(this);
    s = fn(ops);
  } catch (...) {
    // Undo this member's writes and finish the batch for the others; the caller rethrows.
    *thrown = std::current_exception();
    s = InternalError("the transaction callback threw an exception");
  }
  if (ops.broken()) {
    *broken = true;
    if (s.ok()) s = InternalError("a failed write inside the transaction could not be undone");
  }
  if (s.ok()) {
    s = db_->Run("RELEASE member");
    if (s.ok()) return s;
  }
  Status undo = db_->Run("ROLLBACK TO member");
  if (undo.ok()) undo = db_->Run("RELEASE member");
  if (!undo.ok()) *broken = true;
  return s;
}

SqliteStoreStats SqliteStore::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return SqliteStoreStats{
      .transactions = transactions_,
      .commits = commits_,
      .waiting = waiting_,
      .expected = expected_,
      .read_transactions = read_transactions_.load(std::memory_order_relaxed),
      .profile_cache_hits = profile_cache_ != nullptr ? profile_cache_->hits() : 0,
      .profile_cache_misses = profile_cache_ != nullptr ? profile_cache_->misses() : 0};
}

Status SqliteStore::CheckNotInCallback() const {
  if (t_in_callback == this) {
    return InternalError(
        "the Store was called from inside its own transaction callback; use the "
        "StoreTransaction the callback was given");
  }
  return Status::Ok();
}

// Both lookups: a hit is answered without SQL; a miss reads as Store does and offers the result
// with the ticket taken before the read's snapshot began (sqlite_profile_cache.h). Errors,
// kNotFound included, are not cached.
Result<SigningProfileRecord> SqliteStore::GetProfile(std::string_view account,
                                                     std::string_view name) {
  if (profile_cache_ == nullptr) return Store::GetProfile(account, name);
  SIGNET_RETURN_IF_ERROR(CheckNotInCallback());
  if (std::optional<SigningProfileRecord> hit = profile_cache_->FindProfile(account, name)) {
    return std::move(*hit);
  }
  const uint64_t ticket = profile_cache_->Ticket();
  Result<SigningProfileRecord> read = Store::GetProfile(account, name);
  if (read.ok()) profile_cache_->PutProfile(ticket, account, name, *read);
  return read;
}

Result<ProfilePermissions> SqliteStore::ListProfilePermissions(std::string_view account,
                                                               std::string_view name,
                                                               const PageRequest& page) {
  if (profile_cache_ == nullptr) return Store::ListProfilePermissions(account, name, page);
  SIGNET_RETURN_IF_ERROR(CheckNotInCallback());
  if (std::optional<ProfilePermissions> hit =
          profile_cache_->FindPermissions(account, name, page)) {
    return std::move(*hit);
  }
  const uint64_t ticket = profile_cache_->Ticket();
  Result<ProfilePermissions> read = Store::ListProfilePermissions(account, name, page);
  if (read.ok()) profile_cache_->PutPermissions(ticket, account, name, page, *read);
  return read;
}

bool SqliteStore::AddWriteHint() {
  if (t_expected == this) return false;  // one hint per thread
  std::lock_guard<std::mutex> lock(mu_);
  ++expected_;
  t_expected = this;
  return true;
}

void SqliteStore::DropWriteHint() {
  if (t_expected != this) return;  // InTransaction consumed it
  t_expected = nullptr;
  const void* wake = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --expected_;
    // The open batch may have been waiting for this writer alone: its timer commits it.
    if (expected_ == 0 && open_ && !running_ && timer_ != nullptr &&
        timer_->wake.Post(kRecheck)) {
      wake = timer_->wake.address();
    }
  }
  if (wake != nullptr) WakeWord::Wake(wake);
}

Result<std::unique_ptr<sqlite::Connection>> SqliteStore::AcquireReader() {
  std::unique_lock<std::mutex> lock(readers_mu_);
  reader_free_cv_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < max_readers_; });
  if (!idle_readers_.empty()) {
    std::unique_ptr<sqlite::Connection> reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return reader;
  }
  ++open_readers_;
  lock.unlock();
  Result<std::unique_ptr<sqlite::Connection>> reader =
      sqlite::Connection::Open(path_.string(), busy_timeout_);
  Status ready = reader.ok() ? (*reader)->Exec("PRAGMA query_only = 1") : reader.status();
  if (!ready.ok()) {
    lock.lock();
    --open_readers_;
    reader_free_cv_.notify_one();
    return ready;
  }
  return reader;
}

void SqliteStore::ReleaseReader(std::unique_ptr<sqlite::Connection> reader) {
  std::lock_guard<std::mutex> lock(readers_mu_);
  idle_readers_.push_back(std::move(reader));
  reader_free_cv_.notify_one();
}

Status SqliteStore::InReadTransaction(const std::function<Status(StoreTransaction&)>& fn) {
  SIGNET_RETURN_IF_ERROR(CheckNotInCallback());
  read_transactions_.fetch_add(1, std::memory_order_relaxed);
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> reader, AcquireReader());
  std::exception_ptr thrown;
  Status s = reader->Run("BEGIN");
  if (s.ok()) {
    sqlite::SqliteOperations ops(*reader);
    try {
      InCallback in_callback(this);
      s = fn(ops);
    } catch (...) {
      thrown = std::current_exception();
      s = InternalError("the transaction callback threw an exception");
    }
    // Ending a read-only transaction writes nothing: no fsync, whatever the outcome.
    Status end = reader->Run(s.ok() ? "COMMIT" : "ROLLBACK");
    if (s.ok()) s = end;
  }
  if (reader->InTransaction()) (void)reader->Exec("ROLLBACK");
  ReleaseReader(std::move(reader));
  if (thrown) std::rethrow_exception(thrown);
  return s;
}

Status SqliteStore::InTransaction(const std::function<Status(StoreTransaction&)>& fn) {
  SIGNET_RETURN_IF_ERROR(CheckNotInCallback());
  Request self(fn);
  std::vector<const void*> wake;  // sleepers this call's combining finished or handed the batch
  std::unique_lock<std::mutex> lock(mu_);
  if (t_expected == this) {  // the announced writer has arrived (it now counts as queued)
    t_expected = nullptr;
    --expected_;
  }
  if (queue_tail_ != nullptr) {
    queue_tail_->next = &self;
  } else {
    queue_head_ = &self;
  }
  queue_tail_ = &self;
  ++waiting_;
  bool finished = false;
  if (!running_) {  // then nobody else is queued: combine at once, on this thread
    running_ = true;
    finished = Combine(lock, &self, &wake);
  }
  while (!finished) {
    // Asleep until a combiner finishes this request or hands it the connection. The open
    // batch's timer also wakes at the batch's deadline, unless that has passed while a
    // combiner runs (which will then see it passed and commit).
    std::optional<WakeWord::Clock::time_point> deadline;
    if (timer_ == &self &&
        (!running_ || WakeWord::Clock::now() < began_ + max_commit_wait_)) {
      deadline = began_ + max_commit_wait_;
    }
    lock.unlock();
    const uint32_t posted = self.wake.Wait(deadline);
    if (posted == kFinished) break;  // outcome stored before the post; mu_ not needed
    lock.lock();
    if (self.finished) break;  // finished while the timer woke by itself
    if (posted == kCombine) {  // running_ was set for this thread
      finished = Combine(lock, &self, &wake);
    } else if (timer_ == &self && !running_) {
      running_ = true;
      finished = Combine(lock, &self, &wake);
    }
  }
  if (lock.owns_lock()) lock.unlock();
  for (const void* w : wake) WakeWord::Wake(w);
  if (self.thrown) std::rethrow_exception(self.thrown);
  return self.status;
}

SqliteStore::Request* SqliteStore::PopQueued() {
  Request* r = queue_head_;
  queue_head_ = r->next;
  if (queue_head_ == nullptr) queue_tail_ = nullptr;
  r->next = nullptr;
  --waiting_;
  return r;
}

bool SqliteStore::Combine(std::unique_lock<std::mutex>& lock, Request* self,
                          std::vector<const void*>* wake) {
  const size_t max_batch = static_cast<size_t>(max_batch_);
  if (!open_) {
    lock.unlock();
    // IMMEDIATE takes the write lock now, so no member fails half way on a lock upgrade.
    Status begin = db_->Run("BEGIN IMMEDIATE");
    lock.lock();
    if (!begin.ok()) {  // the batch that would have begun fails as its commit would have
      while (queue_head_ != nullptr && members_.size() < max_batch) members_.push_back(PopQueued());
      Publish(begin, wake);
      return true;
    }
    open_ = true;
    began_ = std::chrono::steady_clock::now();
  }
  bool broken = false;
  while (!broken && queue_head_ != nullptr && members_.size() < max_batch) {
    Request* r = PopQueued();
    members_.push_back(r);
    ++transactions_;
    lock.unlock();
    r->status = RunMember(r->fn, &broken, &r->thrown);
    lock.lock();
  }
  if (!broken && members_.size() < max_batch && expected_ > 0 &&
      std::chrono::steady_clock::now() < began_ + max_commit_wait_) {
    // Writers are on their way: leave the connection free, so that each runs its callback
    // itself when it arrives; whoever finds it free with nobody left to wait for commits.
    // `self` is in this batch (a combiner's own request is always the first it runs).
    running_ = false;
    if (timer_ == nullptr) timer_ = self;
    return false;
  }
  FinishBatch(lock, broken, wake);
  return true;
}

void SqliteStore::FinishBatch(std::unique_lock<std::mutex>& lock, bool broken,
                              std::vector<const void*>* wake) {
  open_ = false;
  timer_ = nullptr;
  lock.unlock();
  Status end = broken ? InternalError(
                            "a failed write in this commit could not be undone, so nothing in "
                            "it was committed; retry")
                      : db_->Run("COMMIT");
  if (!end.ok() && db_->InTransaction()) (void)db_->Run("ROLLBACK");
  // Before any member returns: the next read must not be answered with what this batch changed.
  // (A transaction still open keeps the cache off until one ends.)
  if (profile_cache_ != nullptr && !db_->InTransaction()) profile_cache_->WriteEnded();
  lock.lock();
  if (end.ok()) ++commits_;
  Publish(end, wake);
}

void SqliteStore::Publish(const Status& end, std::vector<const void*>* wake) {
  wake->reserve(members_.size() + 1);
  // The next batch's combiner first: the sooner it runs, the sooner the connection is busy.
  if (queue_head_ != nullptr) {
    if (queue_head_->wake.Post(kCombine)) wake->push_back(queue_head_->wake.address());
  } else {
    running_ = false;
  }
  for (Request* r : members_) {
    if (r->status.ok()) r->status = end;
    r->finished = true;
    // The caller combining returns by itself; posting to it is harmless (its word is unused).
    const void* address = r->wake.address();
    if (r->wake.Post(kFinished)) wake->push_back(address);
  }
  members_.clear();
}

}  // namespace signet::store
