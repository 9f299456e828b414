// SqliteStore: the Store in one SQLite database file, the embedded default (DESIGN.md §1).
//
// Durability: WAL journal with synchronous=FULL, so a transaction that returned OK survives a
// process crash or power loss. Foreign keys are enforced. The schema is versioned; Open applies
// pending migrations in one transaction and refuses a database written by a newer signet.
//
// Concurrency: writes go through one connection guarded by a mutex; write transactions in this
// process run one at a time (SQLite has a single writer anyway). Read-only transactions
// (InReadTransaction) run on a small pool of query-only connections, concurrently with each other
// and with the writer, each on a WAL snapshot of committed state. Another process opening the same file waits up to the busy
// timeout and then gets kUnavailable. For several signetd replicas, use the PostgreSQL store.
//
// Group commit: an fsync costs milliseconds, far more than a transaction's SQL, so transactions
// that arrive while another runs share its commit. Each runs under its own savepoint, so its
// failure undoes only its own writes; the batch commits once; nobody's InTransaction returns
// before the commit holding its writes is durable. If that commit fails, every member of the
// batch gets the error and none of their writes persists. The result is as if the batch's
// transactions had run one after another and committed together.
// Combining: a caller queues its callback and sleeps once. The thread that finds the connection
// free (or is handed it) is the combiner: it runs every queued callback on its own thread, each
// under its savepoint, commits, stores each member's outcome and wakes each member once; an
// exception a callback threw is rethrown on its caller's thread. Callers that arrive during a
// commit queue for the next batch, which the combiner hands to the first of them (so nobody
// combines for long). A callback therefore may run on another thread than its caller's: it
// must not depend on thread-local state, and it is refused re-entry into this store wherever
// it runs.
// Writers that announced themselves (ExpectWrite: a SignPayload about to sign) are waited for:
// a batch that could commit while such a writer is still on its way leaves the connection free
// (the next writer to arrive runs its own callback in it, without queueing) and commits when
// the last expected writer has joined (or dropped its hint), the batch is full, or
// max_commit_wait has passed since the batch began, whichever comes first.
//
// Profile cache: GetProfile and ListProfilePermissions are answered from memory while no row
// they read has changed (sqlite_profile_cache.h): the signing path's profile lookup runs no SQL,
// and every write made through this SqliteStore is seen by the next read, as without the cache.
// Writes by another process (or another SqliteStore) to the same file are not seen by it:
// set profile_cache_entries to 0 if anything else writes profiles to the file.
//
// Thread-safety: safe to use from any number of threads (see store.h).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/store.h"

namespace signet::store {

namespace sqlite {
class Connection;
class ProfileCache;
}

struct SqliteStoreOptions {
  // How long a transaction waits for another process that holds the database.
  std::chrono::milliseconds busy_timeout{5000};
  // The most transactions one commit may carry (bounds the latency a batch adds).
  int max_batch = 32;
  // The most query-only connections InReadTransaction opens (more readers wait for one).
  int max_readers = 8;
  // How long an open batch may wait for writers that announced themselves (ExpectWrite),
  // counted from its BEGIN: a bound on the latency the wait adds. A few P-384 signatures on a
  // busy two-core machine (2 ms gave 4.5 signatures per commit under the bench, 10 ms 5.6).
  std::chrono::microseconds max_commit_wait{5000};
  // The most profiles (and, apart, permission pages) the profile cache holds, and their bytes
  // (each kind apart). 0 entries: no cache.
  size_t profile_cache_entries = 1024;
  size_t profile_cache_bytes = size_t{16} << 20;
};

// Counters for metrics and tests.
struct SqliteStoreStats {
  int64_t transactions = 0;  // callbacks run
  int64_t commits = 0;       // successful COMMITs (one fsync each)
  int waiting = 0;           // callers queued for a combiner right now
  int expected = 0;          // writers that announced themselves and have not arrived yet
  int64_t read_transactions = 0;     // InReadTransaction callbacks run
  int64_t profile_cache_hits = 0;    // reads answered from the profile cache, without SQL
  int64_t profile_cache_misses = 0;  // cacheable reads that ran SQL
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if absent) the database at `path` and migrates it to the current schema.
  // kFailedPrecondition if the file is not a signet database, is newer than this program, or
  // cannot be opened for writing.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& path,
                                                   const SqliteStoreOptions& options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status InTransaction(const std::function<Status(StoreTransaction&)>& fn) override;
  Status InReadTransaction(const std::function<Status(StoreTransaction&)>& fn) override;

  // From the profile cache when it holds the current state, else as Store's.
  Result<SigningProfileRecord> GetProfile(std::string_view account, std::string_view name) override;
  Result<ProfilePermissions> ListProfilePermissions(std::string_view account, std::string_view name,
                                                    const PageRequest& page) override;

  SqliteStoreStats Stats() const;

 protected:
  bool AddWriteHint() override;
  void DropWriteHint() override;

 private:
  struct Request;  // one InTransaction call, queued for a combiner

  SqliteStore(std::unique_ptr<sqlite::Connection> db, std::filesystem::path path,
              const SqliteStoreOptions& options);
  // kInternal when called from inside one of this store's transaction callbacks.
  Status CheckNotInCallback() const;
  // A query-only connection from the pool (opening one if the pool may grow), and its return.
  Result<std::unique_ptr<sqlite::Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<sqlite::Connection> reader);
  // Runs `fn` under a savepoint of the open batch; sets `*broken` if its writes could not be
  // undone (the batch must then be rolled back as a whole).
  // `*thrown` receives an exception `fn` threw, for its caller to rethrow.
  Status RunMember(const std::function<Status(StoreTransaction&)>& fn, bool* broken,
                   std::exception_ptr* thrown);
  // The combiner's work, for the caller of `self`, which holds the connection (running_) and
  // `lock` on mu_ (held again on return): runs the queued requests in the open batch (beginning
  // one), then commits it or leaves it open for announced writers. True once `self` is
  // finished; `*wake` then lists the words to wake after releasing mu_.
  bool Combine(std::unique_lock<std::mutex>& lock, Request* self, std::vector<const void*>* wake);
  // Commits (or, if `broken`, rolls back) the open batch, then publishes its members' outcomes.
  void FinishBatch(std::unique_lock<std::mutex>& lock, bool broken, std::vector<const void*>* wake);
  // Finishes every member with `end` unless it failed on its own, hands the connection to the
  // first queued request (or frees it), and lists the sleepers to wake. mu_ held.
  void Publish(const Status& end, std::vector<const void*>* wake);
  Request* PopQueued();  // mu_ held, queue not empty

  const int max_batch_;
  const std::chrono::microseconds max_commit_wait_;
  mutable std::mutex mu_;
  // All guarded by mu_.
  bool running_ = false;    // a combiner is using the connection (or was handed it)
  Request* queue_head_ = nullptr;  // callers waiting for a combiner, first come first served
  Request* queue_tail_ = nullptr;
  int waiting_ = 0;         // the queue's length
  int expected_ = 0;        // writers announced by ExpectWrite, not arrived
  bool open_ = false;       // a batch's transaction is open (BEGIN done)
  std::chrono::steady_clock::time_point began_;  // of the open batch
  std::vector<Request*> members_;  // the open batch's, callbacks run; outcome not yet published
  // The member of the open batch that sleeps until max_commit_wait to commit it if no one else
  // does; set by the first combiner that leaves it open.
  Request* timer_ = nullptr;
  int64_t transactions_ = 0;
  int64_t commits_ = 0;
  // Null when turned off. Its writer side is driven by db_'s row-change hook and FinishBatch;
  // declared before db_, so it outlives the hook.
  const std::unique_ptr<sqlite::ProfileCache> profile_cache_;
  std::unique_ptr<sqlite::Connection> db_;  // used only by the combiner (running_)

  const std::filesystem::path path_;
  const std::chrono::milliseconds busy_timeout_;
  const int max_readers_;
  std::mutex readers_mu_;
  std::condition_variable reader_free_cv_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;  // guarded by readers_mu_
  int open_readers_ = 0;                                           // guarded by readers_mu_
  std::atomic<int64_t> read_transactions_{0};
};

}  // namespace signet::store
