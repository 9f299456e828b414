// The durable records of SignPayload, without HTTP or signatures: N signing jobs and their usage
// records written through SqliteStore::InTransaction, `batch` jobs per transaction (one commit),
// as signetd's group commit writes them. A driver for counting, not timing:
//   valgrind --tool=callgrind build/bench/store_records_bench 3000 6   (instructions per job:
//     subtract a run with fewer jobs, so opening and migrating cancel out)
//   strace -f -e trace=pwrite64,pread64,fdatasync build/bench/store_records_bench 3000 6
//     (WAL frames per commit, checkpoint page copies per job)
// Job ids are drawn from a fixed-seed generator, so two runs do the same work.
// Usage: store_records_bench [JOBS=3000] [JOBS_PER_COMMIT=6] [DIR=a new temporary directory]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "store/sqlite_store.h"

namespace fs = std::filesystem;
using signet::Status;
using signet::Timestamp;
namespace store = signet::store;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_records_bench: %s\n", what.c_str());
  std::exit(1);
}

std::string UuidV4(std::mt19937_64& rng) {
  const uint64_t hi = (rng() & ~uint64_t{0xf000}) | 0x4000;
  const uint64_t lo = (rng() & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 3000;
  const int per_commit = argc > 2 ? std::atoi(argv[2]) : 6;
  if (jobs < 1 || per_commit < 1) Die("usage: store_records_bench [JOBS] [JOBS_PER_COMMIT] [DIR]");
  const bool own_dir = argc <= 3;
  const fs::path dir = own_dir ? fs::temp_directory_path() /
                                     ("store-records-bench-" + std::to_string(getpid()))
                               : fs::path(argv[3]);
  fs::create_directories(dir);
  {
    auto opened = store::SqliteStore::Open(dir / "signet.db");
    if (!opened.ok()) Die(opened.status().ToString());
    store::SqliteStore& db = **opened;

    // A Notation profile and jobs shaped as SignPayload writes them.
    store::SigningProfileRecord profile;
    profile.account = "111122223333";
    profile.name = "bench_notation";
    profile.version = "V0000000001";
    profile.arn = "arn:aws:signer:us-east-1:111122223333:/signing-profiles/bench_notation";
    profile.version_arn = profile.arn + "/" + profile.version;
    profile.platform_id = "Notation-OCI-SHA384-ECDSA";
    profile.signature_validity = {.value = 135, .type = store::ValidityType::kMonths};
    profile.certificate_chain_pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
    profile.key_id = "key-1";
    profile.created_at = Timestamp(std::chrono::seconds(1'700'000'000));
    if (Status s = db.PutProfile(profile); !s.ok()) Die(s.ToString());

    const std::string payload =
        R"({"targetArtifact":{"digest":"sha256:)" + std::string(64, 'a') +
        R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":1234}})";
    std::mt19937_64 rng(42);
    const auto started = std::chrono::steady_clock::now();
    for (int done = 0; done < jobs;) {
      const int n = std::min(per_commit, jobs - done);
      Status s = db.InTransaction([&](store::StoreTransaction& tx) -> Status {
        for (int i = 0; i < n; ++i) {
          const Timestamp now = Timestamp(std::chrono::seconds(1'800'000'000 + (done + i) / 50));
          store::SigningJobRecord job;
          job.job_id = UuidV4(rng);
          job.job_owner = profile.account;
          job.job_invoker = profile.account;
          job.requested_by = "arn:aws:iam::111122223333:user/bench";
          job.profile_name = profile.name;
          job.profile_version = profile.version;
          job.platform_id = profile.platform_id;
          job.platform_display_name = "Notation for OCI";
          job.created_at = now;
          job.payload = payload;
          job.status = store::JobStatus::kSucceeded;
          job.completed_at = now;
          job.signature_expires_at = now + std::chrono::hours(24 * 365);
          SIGNET_RETURN_IF_ERROR(tx.CreateJob(job).status());
          store::UsageRecord usage{.time = now,
                                   .account = job.job_invoker,
                                   .principal = job.requested_by,
                                   .profile_name = job.profile_name,
                                   .profile_version = job.profile_version,
                                   .platform_id = job.platform_id,
                                   .environment = "default",
                                   .unit_price_micros = 5000,
                                   .job_id = job.job_id};
          SIGNET_RETURN_IF_ERROR(tx.AppendUsage(usage));
        }
        return Status::Ok();
      });
      if (!s.ok()) Die(s.ToString());
      done += n;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%d jobs in %lld commits, %.1f us per job (wall clock, not a benchmark)\n", jobs,
                static_cast<long long>(db.Stats().commits), seconds * 1e6 / jobs);
  }
  std::error_code ec;
  const auto size = [&](const char* name) {
    const auto n = fs::file_size(dir / name, ec);
    return ec ? 0ULL : static_cast<unsigned long long>(n);
  };
  std::printf("signet.db %llu bytes, WAL %llu bytes\n", size("signet.db"), size("signet.db-wal"));
  if (own_dir) fs::remove_all(dir, ec);
  return 0;
}
