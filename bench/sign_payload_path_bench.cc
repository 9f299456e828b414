// SignPayload's request path in-process, for instruction counts (not a timed benchmark): opens a
// signetd on a fresh data directory, creates a Notation profile, and hands Signetd::Handle the
// SigV4-signed SignPayload request that signetd_bench sends, N times (argument; default 200),
// exactly as the HTTP server would (httplib's header set included). No sockets.
//
// Run under callgrind, collecting only the measured requests (the first ones fill the caches):
//   valgrind --tool=callgrind --toggle-collect='*MeasuredRequests*' <this program> 200
//   callgrind_annotate --inclusive=yes callgrind.out.PID
// and divide the inclusive counts of Signetd::Handle, SignerApi::Handle, operations::SignPayload,
// SignerService::SignPayload, SignJwsEnvelope, PrivateKey::SignDigest, SqliteStore::InTransaction
// by N. Without valgrind it prints the wall time per request (noisy; counts are what matter).
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <string>

#include "api/aws_client.h"
#include "api/signetd.h"
#include "api/sigv4.h"
#include "core/encoding.h"

namespace {

namespace fs = std::filesystem;
using signet::api::HttpRequestView;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "sign_payload_path_bench: %s\n", why.c_str());
  std::exit(1);
}

// The request as signet's AwsClient signs it and httplib's server hands it over: its headers
// sorted case-insensitively, with the connection's addresses httplib adds.
HttpRequestView Request(const signet::api::AwsCredentials& creds, const std::string& method,
                        const std::string& path, const std::string& body) {
  HttpRequestView request;
  request.method = method;
  request.raw_path = path;
  request.body = body;
  request.headers.emplace_back("host", "127.0.0.1:8080");
  if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
  signet::api::SignSigV4(request, creds.access_key_id, creds.secret_access_key, "us-east-1",
                         "signer", signet::SystemClock().Now());
  request.headers.emplace_back("Accept", "*/*");
  request.headers.emplace_back("Content-Length", std::to_string(body.size()));
  request.headers.emplace_back("LOCAL_ADDR", "127.0.0.1");
  request.headers.emplace_back("LOCAL_PORT", "8080");
  request.headers.emplace_back("REMOTE_ADDR", "127.0.0.1");
  request.headers.emplace_back("REMOTE_PORT", "54321");
  request.headers.emplace_back("User-Agent", "cpp-httplib/0.11");
  std::sort(request.headers.begin(), request.headers.end(), [](const auto& a, const auto& b) {
    return strcasecmp(a.first.c_str(), b.first.c_str()) < 0;
  });
  return request;
}

// The requests callgrind counts (--toggle-collect). Returns the number that failed.
[[gnu::noinline]] int MeasuredRequests(signet::api::Signetd& daemon,
                                       const HttpRequestView& request, int n) {
  int failed = 0;
  for (int i = 0; i < n; ++i) {
    if (daemon.Handle(request).status != 200) ++failed;
  }
  return failed;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200;
  spdlog::set_level(spdlog::level::warn);  // as signetd_bench runs signetd
  const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const fs::path dir = base / ("sign-payload-path-" + std::to_string(getpid()));
  int failed = 0;
  double seconds = 0;
  {
    signet::api::SignetdConfig config;
    config.data_dir = dir;
    config.http.host = "127.0.0.1";
    config.http.port = 0;
    auto daemon = signet::api::Signetd::Open(config);
    if (!daemon.ok()) Die(daemon.status().ToString());
    auto creds = signet::api::ReadSharedCredentials((dir / "credentials").string(), "default");
    if (!creds.ok()) Die(creds.status().ToString());

    const std::string put = R"({"platformId":"Notation-OCI-SHA384-ECDSA"})";
    if ((*daemon)->Handle(Request(*creds, "PUT", "/signing-profiles/bench_notation", put)).status !=
        200) {
      Die("PutSigningProfile failed");
    }
    const std::string payload =
        R"({"targetArtifact":{"digest":"sha256:)" + std::string(64, 'a') +
        R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":1234}})";
    const std::string body =
        nlohmann::json{{"profileName", "bench_notation"},
                       {"payload", signet::Base64Encode(payload)},
                       {"payloadFormat", "application/vnd.cncf.notary.payload.v1+json"}}
            .dump();
    const HttpRequestView request = Request(*creds, "POST", "/signing-jobs/with-payload", body);
    for (int i = 0; i < 3; ++i) {  // warm-up, not collected: fills the caches
      if ((*daemon)->Handle(request).status != 200) ++failed;
    }
    const auto t0 = std::chrono::steady_clock::now();
    failed += MeasuredRequests(**daemon, request, n);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (failed != 0) Die(std::to_string(failed) + " requests failed");
  std::printf("%d SignPayload requests through Signetd::Handle: %.1f us each (wall)\n", n,
              seconds / n * 1e6);
  return 0;
}
