// signetd over HTTP against the machine's limits (DESIGN.md §10), issue 7:
//   SignPayload requests/s over keep-alive connections, with durable job + usage records,
//     per server core used, vs `openssl speed ecdsap384` sign/s on one core   (target ≥ 0.8,
//     at the last, saturating concurrency level: there signetd's cores do not go idle between
//     requests, and the ratio is the server's cost per signature, not this VM's idle wake-ups)
//     Each level runs in rounds, each round between two `openssl speed ecdsap384` runs, so that
//     a round's rate is set beside the sign rate measured right before and after it (this
//     microVM's `openssl speed -seconds 1` varies by ±7 % from one second to the next); the ratio
//     reported is the rounds' median, with their range.
//   StartSigningJob MB/s on a 100 MB ZIP (upload excluded: from start to Succeeded)
//     vs `openssl speed -evp sha384`
//   signetd's resident memory (VmRSS now, VmHWM peak).
// signetd runs as its own process (the binary beside this one, or SIGNETD), data on disk.
// Environment: SIGNET_BENCH_CONNECTIONS (concurrency levels, "8,48"), SIGNET_BENCH_ROUNDS (5),
// SIGNET_BENCH_SECONDS (load seconds per round, 3), SIGNET_BENCH_ZIP_MB (100),
// SIGNET_BENCH_SPEED_SECONDS (3, for the limits taken before and after the whole run).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sstream>
#include <thread>
#include <vector>

#include "api/aws_client.h"
#include "core/encoding.h"
#include "machine_limits.h"

namespace {

namespace fs = std::filesystem;
using signet::api::AwsClient;
using signet::api::AwsCredentials;
using Clock = std::chrono::steady_clock;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "signetd_bench: %s\n", why.c_str());
  std::exit(1);
}

// signetd as a child process, listening on a free port it reports on stdout.
struct Daemon {
  pid_t pid = -1;
  std::string endpoint;

  Daemon(const fs::path& binary, const fs::path& data) {
    int out[2];
    if (pipe(out) != 0) Die("pipe");
    pid = fork();
    if (pid == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execl(binary.c_str(), binary.c_str(), "--data-dir", data.c_str(), "--listen",
            "127.0.0.1:0", "--log-level", "warn", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    FILE* in = fdopen(out[0], "r");
    char line[512];
    while (fgets(line, sizeof(line), in)) {
      std::string s(line);
      const std::string marker = "listening on ";
      if (auto p = s.find(marker); p != std::string::npos) {
        endpoint = s.substr(p + marker.size());
        while (!endpoint.empty() && std::isspace(static_cast<unsigned char>(endpoint.back()))) endpoint.pop_back();
        break;
      }
    }
    if (endpoint.empty()) Die("signetd did not start (" + binary.string() + ")");
  }
  ~Daemon() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
  // User + system CPU seconds so far.
  double CpuSeconds() const {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14) utime = std::stol(f);
      if (i == 15) stime = std::stol(f);
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
  }
  long StatusKb(const std::string& key) const {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
    }
    return 0;
  }
};

struct LoadResult {
  double rps = 0;
  double server_cores = 0;  // signetd's CPU seconds per wall second
  long failed = 0;
  double CpuMicrosPerRequest() const { return rps > 0 ? server_cores / rps * 1e6 : 0; }
};

std::unique_ptr<AwsClient> Client(const std::string& endpoint, const AwsCredentials& creds);

// `connections` keep-alive clients send the same request for `seconds`, after a 1 s warm-up.
LoadResult RunLoad(const Daemon& daemon, const AwsCredentials& creds, const char* method,
                   const std::string& path, const std::string& body, int connections,
                   int seconds) {
  std::atomic<bool> measuring{false}, stop{false};
  auto t0 = Clock::now();
  std::atomic<long> done{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back([&] {
      auto client = Client(daemon.endpoint, creds);
      while (!stop) {
        auto r = client->Send(method, path, "", body, "signer");
        if (!measuring) continue;
        if (r.ok() && r->status == 200) {
          ++done;
        } else if (failed++ == 0) {
          const std::string why = r.ok() ? "HTTP " + std::to_string(r->status) + " " +
                                               r->body.substr(0, 300)
                                         : r.status().message();
          std::fprintf(stderr, "a request failed %.3f s into the measurement: %s\n",
                       std::chrono::duration<double>(Clock::now() - t0).count(), why.c_str());
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double cpu0 = daemon.CpuSeconds();
  t0 = Clock::now();
  measuring = true;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  measuring = false;
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = daemon.CpuSeconds() - cpu0;
  stop = true;
  for (auto& t : threads) t.join();
  return LoadResult{double(done) / wall, cpu / wall, long(failed)};
}

std::unique_ptr<AwsClient> Client(const std::string& endpoint, const AwsCredentials& creds) {
  auto client = AwsClient::Create(endpoint, creds);
  if (!client.ok()) Die(client.status().message());
  return std::move(*client);
}

signet::api::AwsResponse Must(signet::Result<signet::api::AwsResponse> r, int want,
                              const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().message());
  if (r->status != want) Die(std::string(what) + ": HTTP " + std::to_string(r->status) + " " + r->body);
  return std::move(*r);
}

// The state database's write transactions and commits so far (signetd's /metrics).
struct StoreCounts {
  double transactions = 0;
  double commits = 0;
};

StoreCounts ScrapeStoreCounts(const Daemon& daemon, const AwsCredentials& creds) {
  const auto scrape =
      Must(Client(daemon.endpoint, creds)->Send("GET", "/metrics", "", "", "signer"), 200,
           "GET /metrics");
  StoreCounts counts;
  std::istringstream lines(scrape.body);
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const std::string name = line.substr(0, space);
    if (name == "signet_store_write_transactions_total")
      counts.transactions = std::stod(line.substr(space));
    if (name == "signet_store_commits_total") counts.commits = std::stod(line.substr(space));
  }
  return counts;
}

// SignPayload at one concurrency level, in rounds between `openssl speed ecdsap384` runs.
struct SignLevel {
  struct Round {
    LoadResult load;
    double limit = 0;  // the mean of the sign rates measured right before and after
    double Ratio() const {
      return load.server_cores > 0 ? load.rps / load.server_cores / limit : 0;
    }
  };
  int connections = 0;
  std::vector<Round> rounds;
  double transactions_per_commit = 0;  // over the level's rounds, warm-ups included

  // The median, or the mean, over the rounds of what `of` takes from a round.
  template <typename Of>
  double Median(Of of) const {
    std::vector<double> v;
    for (const Round& r : rounds) v.push_back(of(r));
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  template <typename Of>
  double Mean(Of of) const {
    double sum = 0;
    for (const Round& r : rounds) sum += of(r);
    return rounds.empty() ? 0 : sum / double(rounds.size());
  }
  std::pair<double, double> RatioRange() const {
    const auto [lo, hi] = std::minmax_element(
        rounds.begin(), rounds.end(),
        [](const Round& a, const Round& b) { return a.Ratio() < b.Ratio(); });
    return {lo->Ratio(), hi->Ratio()};
  }
};

double SignRate() {
  std::optional<double> rate = signet::bench::MeasureEcdsaP384SignPerSecond(1);
  if (!rate) Die("openssl speed ecdsap384 failed");
  return *rate;
}

SignLevel MeasureSignPayload(const Daemon& daemon, const AwsCredentials& creds,
                             const std::string& body, int connections, int rounds, int seconds) {
  SignLevel level;
  level.connections = connections;
  const StoreCounts first = ScrapeStoreCounts(daemon, creds);
  double before = SignRate();
  for (int r = 0; r < rounds; ++r) {
    const LoadResult load = RunLoad(daemon, creds, "POST", "/signing-jobs/with-payload", body,
                                    connections, seconds);
    const double after = SignRate();
    level.rounds.push_back({load, (before + after) / 2});
    before = after;
  }
  const StoreCounts last = ScrapeStoreCounts(daemon, creds);
  if (last.commits > first.commits) {
    level.transactions_per_commit =
        (last.transactions - first.transactions) / (last.commits - first.commits);
  }
  return level;
}

std::vector<int> ConnectionLevels() {
  const char* v = std::getenv("SIGNET_BENCH_CONNECTIONS");
  std::istringstream in(v ? v : "8,48");
  std::vector<int> levels;
  for (std::string item; std::getline(in, item, ',');) {
    if (std::atoi(item.c_str()) > 0) levels.push_back(std::atoi(item.c_str()));
  }
  if (levels.empty()) Die("SIGNET_BENCH_CONNECTIONS: a comma-separated list of connection counts");
  return levels;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = std::max(1, EnvInt("SIGNET_BENCH_SECONDS", 3));
  const int rounds = std::max(1, EnvInt("SIGNET_BENCH_ROUNDS", 5));
  const std::vector<int> levels = ConnectionLevels();
  const int connections = levels.front();
  const int zip_mb = EnvInt("SIGNET_BENCH_ZIP_MB", 100);
  const int speed_seconds = EnvInt("SIGNET_BENCH_SPEED_SECONDS", 3);
  fs::path binary = std::getenv("SIGNETD") ? fs::path(std::getenv("SIGNETD"))
                                           : fs::canonical("/proc/self/exe").parent_path().parent_path() / "apps" / "signetd";
  if (argc > 1) binary = argv[1];

  std::printf("measuring the machine with openssl speed (%d s per test)...\n", speed_seconds);
  std::optional<signet::bench::MachineLimits> before = signet::bench::MeasureMachineLimits(speed_seconds);
  if (!before) Die("openssl speed failed: is openssl installed?");

  const fs::path dir = fs::temp_directory_path() / ("signetd-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  LoadResult floor;
  std::vector<SignLevel> sign;
  double job_mb_per_s = 0;
  long rss_kb = 0, hwm_kb = 0;
  {
    Daemon daemon(binary, dir / "data");
    auto creds = signet::api::ReadSharedCredentials((dir / "data" / "credentials").string(), "default");
    if (!creds.ok()) Die(creds.status().message());
    auto admin = Client(daemon.endpoint, *creds);
    Must(admin->Send("PUT", "/signing-profiles/bench_notation", "",
                     R"({"platformId":"Notation-OCI-SHA384-ECDSA"})", "signer"),
         200, "PutSigningProfile");
    const std::string payload =
        R"({"targetArtifact":{"digest":"sha256:)" + std::string(64, 'a') +
        R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":1234}})";
    const std::string body = nlohmann::json{{"profileName", "bench_notation"},
                                            {"payload", signet::Base64Encode(payload)},
                                            {"payloadFormat", "application/vnd.cncf.notary.payload.v1+json"}}
                                 .dump();

    // Dirty pages of earlier work (a previous run's 100 MiB packages) are written back now, not
    // during the measurement, where their writeback would be charged to signetd's fdatasync.
    sync();
    // The HTTP + SigV4 + routing floor (a read of the static platform table), then SignPayload.
    floor = RunLoad(daemon, *creds, "GET", "/signing-platforms/AWSLambda-SHA384-ECDSA", "",
                    connections, seconds);
    for (int c : levels) {
      sign.push_back(MeasureSignPayload(daemon, *creds, body, c, rounds, seconds));
    }

    // StartSigningJob on a stored ZIP of zip_mb MiB: upload, then time start → Succeeded.
    const fs::path src = dir / "src";
    fs::create_directories(src);
    const std::string make = "head -c " + std::to_string(zip_mb) + "M /dev/urandom > " + (src / "payload.bin").string() +
                             " && cd " + src.string() + " && zip -q -0 ../package.zip payload.bin";
    if (std::system(make.c_str()) != 0) Die("cannot make the test ZIP (is zip installed?)");
    std::ifstream zip_in(dir / "package.zip", std::ios::binary);
    const std::string zip((std::istreambuf_iterator<char>(zip_in)), {});
    Must(admin->Send("PUT", "/bench-bucket", "", "", "s3"), 200, "CreateBucket");
    Must(admin->Send("PUT", "/bench-bucket/package.zip", "", zip, "s3", "application/zip"), 200, "PutObject");
    Must(admin->Send("PUT", "/signing-profiles/bench_lambda", "",
                     R"({"platformId":"AWSLambda-SHA384-ECDSA"})", "signer"),
         200, "PutSigningProfile");
    const std::string start = nlohmann::json{
        {"profileName", "bench_lambda"}, {"clientRequestToken", "bench-" + std::to_string(getpid())},
        {"source", {{"s3", {{"bucketName", "bench-bucket"}, {"key", "package.zip"}, {"version", "null"}}}}},
        {"destination", {{"s3", {{"bucketName", "bench-bucket"}, {"prefix", "signed/"}}}}}}.dump();
    const auto j0 = Clock::now();
    auto started = Must(admin->Send("POST", "/signing-jobs", "", start, "signer"), 200, "StartSigningJob");
    const std::string job_id = nlohmann::json::parse(started.body).value("jobId", "");
    for (;;) {
      auto d = Must(admin->Send("GET", "/signing-jobs/" + job_id, "", "", "signer"), 200, "DescribeSigningJob");
      const std::string status = nlohmann::json::parse(d.body).value("status", "");
      if (status == "Succeeded") break;
      if (status == "Failed") Die("signing job failed: " + d.body);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    job_mb_per_s = double(zip.size()) / 1e6 / std::chrono::duration<double>(Clock::now() - j0).count();
    rss_kb = daemon.StatusKb("VmRSS");
    hwm_kb = daemon.StatusKb("VmHWM");
  }
  fs::remove_all(dir);

  signet::bench::MachineLimits limits = *before;
  if (auto after = signet::bench::MeasureMachineLimits(speed_seconds)) {
    std::printf("openssl speed before/after: sign %.0f/%.0f /s, sha384 %.0f/%.0f MB/s\n",
                before->ecdsa_p384_sign_per_s, after->ecdsa_p384_sign_per_s,
                before->sha384_bytes_per_s / 1e6, after->sha384_bytes_per_s / 1e6);
    limits.ecdsa_p384_sign_per_s = (before->ecdsa_p384_sign_per_s + after->ecdsa_p384_sign_per_s) / 2;
    limits.sha384_bytes_per_s = (before->sha384_bytes_per_s + after->sha384_bytes_per_s) / 2;
  }
  std::printf("\n%-48s %12s %18s %7s %8s\n", "signetd", "rate", "machine limit", "ratio", "target");
  long failed = floor.failed;
  for (const SignLevel& level : sign) {
    using Round = SignLevel::Round;
    const bool target = &level == &sign.back();
    const double rps = level.Mean([](const Round& r) { return r.load.rps; });
    const double cores = level.Mean([](const Round& r) { return r.load.server_cores; });
    const double limit = level.Mean([](const Round& r) { return r.limit; });
    const auto [low, high] = level.RatioRange();
    char used[96];
    std::snprintf(used, sizeof used, "  per server core used (%.2f cores), %zu rounds", cores,
                  level.rounds.size());
    char spread[48];
    std::snprintf(spread, sizeof spread, " (rounds %.2f-%.2f)", low, high);
    const std::string title =
        "SignPayload, " + std::to_string(level.connections) + " keep-alive connections";
    std::printf("%-48s %10.0f/s %15.0f/s %7.2f\n", title.c_str(), rps, limit, rps / limit);
    std::printf("%-48s %10.0f/s %15.0f/s %7.2f %8s%s\n", used, cores > 0 ? rps / cores : 0, limit,
                level.Median([](const Round& r) { return r.Ratio(); }), target ? ">= 0.8" : "",
                spread);
    const double cpu = level.Median([](const Round& r) { return r.load.CpuMicrosPerRequest(); });
    const double sign_us = level.Median([](const Round& r) { return 1e6 / r.limit; });
    std::printf("    signetd CPU per request %.0f us = ECDSA sign %.0f us (openssl speed) + job "
                "records and the rest %.0f us; %.1f jobs per commit\n",
                cpu, sign_us, cpu - sign_us, level.transactions_per_commit);
    for (const Round& r : level.rounds) failed += r.load.failed;
  }
  std::printf("%-48s %8.0f MB/s %13.0f MB/s %7.2f\n",
              ("StartSigningJob, " + std::to_string(zip_mb) + " MiB ZIP (start->Succeeded)").c_str(),
              job_mb_per_s, limits.sha384_bytes_per_s / 1e6, job_mb_per_s * 1e6 / limits.sha384_bytes_per_s);
  std::printf("server CPU per request: GetSigningPlatform %.0f us (HTTP + SigV4 + routing floor, "
              "%.0f/s at %d connections)\n",
              floor.CpuMicrosPerRequest(), floor.rps, connections);
  std::printf("signetd memory: VmRSS %.1f MiB, peak VmHWM %.1f MiB; failed requests: %ld\n",
              rss_kb / 1024.0, hwm_kb / 1024.0, failed);
  std::printf("(the client runs on the same machine: per-core uses signetd's own CPU time)\n");
  return failed == 0 ? 0 : 1;
}
