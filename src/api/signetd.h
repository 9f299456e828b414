// Signetd: the service (DESIGN.md §1), wired from its parts, and its request dispatch.
//
// Data directory (created 0700 on first start, which initialises everything):
//   signet.db           state (SQLite, WAL)
//   keys/               the FileKeyStore (master.key 0600 unless SIGNET_MASTER_KEY is set)
//   root-ca.pem         the installation's trust anchor; issuing-ca.pem, ca.json
//   buckets/            the embedded S3 buckets
//   access-keys.json    accepted access keys (0600); first start adds one admin key
//   credentials, config the admin key and region as AWS shared files (0600), written once
//   tmp/                signed packages being sent back (emptied at start)
//   trusted-roots/*.pem optional: other installations' roots the Lambda deploy gate trusts
//                       besides root-ca.pem (read at start)
// One signetd owns a data directory (signetd.lock); admission replicas (admission_replica)
// share it without the lock, reading the store only.
//
// Every request but GET /healthz and GET /metrics (Prometheus text format, like /healthz
// unauthenticated: bind signetd to a trusted network) is SigV4-verified and routed by its
// credential scope's service: "signer" (control plane, /revocations, /usage/cost), "s3" or "lambda".
// POST /admission/validate and /admission/mutate (api/admission_api.h) are the exception: the
// Kubernetes API server calls them unsigned, over HTTPS only.
// Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "admission/admission_webhook.h"
#include "api/credentials.h"
#include "api/http_message.h"
#include "api/http_server.h"
#include "api/sigv4.h"
#include "core/arn.h"
#include "core/status.h"
#include "core/time.h"

namespace signet::api {

struct SignetdConfig {
  std::filesystem::path data_dir = "signet-data";
  HttpServerOptions http;
  ArnScope scope;  // partition, region, account of the first start's admin key
  std::chrono::seconds max_clock_skew{std::chrono::minutes(5)};
  // Prices, environments and budgets (metering/metering_config.h); empty: the defaults, with
  // one environment that signs.
  std::filesystem::path metering_config;
  // The default environment (requests without x-signet-environment). Empty: the metering
  // configuration's default_environment, or "default" without a configuration. With a
  // configuration it must be one of its environments.
  std::string environment;
  // The Kubernetes admission webhook's policy (admission/admission_policy.h); empty: the
  // /admission/ routes answer 404. Needs HTTPS (http.tls_certificate_file and tls_key_file).
  std::filesystem::path admission_policy;
  // How often the admission cache reads the installation's revocation events
  // (admission/revocation_watch.h): the bound on how long a revocation made through any signetd
  // sharing this store stays unseen by this one's cache.
  std::chrono::milliseconds admission_revocation_poll{250};
  // Admission replica: serve only the admission webhook (plus /healthz, /metrics) from the data
  // directory of another signetd of the same installation, which must have initialised it and
  // keeps owning it (signing, jobs, buckets, keys). Several replicas may share one directory;
  // they read the store and write nothing. Other requests answer 400. Needs admission_policy.
  bool admission_replica = false;
  // C, ST and O of the certificates the CA issues: every new profile version's leaf, and the
  // root and issuing CA of a new data directory (signer::ValidateCaOptions; Open refuses bad
  // values before touching the data directory). An existing CA keeps its own subject.
  std::string subject_country = "US";
  std::string subject_state = "WA";
  std::string subject_organization = "signet";
  const Clock* clock = &SystemClock();
};

class Signetd {
 public:
  // Opens the data directory (initialising it on first start) and binds the listener.
  static Result<std::unique_ptr<Signetd>> Open(const SignetdConfig& config);
  ~Signetd();

  int port() const;
  const std::filesystem::path& data_dir() const { return config_.data_dir; }
  std::filesystem::path credentials_file() const { return config_.data_dir / "credentials"; }
  std::filesystem::path config_file() const { return config_.data_dir / "config"; }
  std::filesystem::path root_certificate_file() const { return config_.data_dir / "root-ca.pem"; }
  bool first_start() const { return first_start_; }

  // Serves until Stop(); then finishes in-flight requests and running signing jobs.
  Status Serve();
  void Stop();

  // The admission webhook, or null without an admission policy. Its cache() drops what a
  // revocation through any signetd of the installation affects (admission/revocation_watch.h).
  admission::AdmissionWebhook* admission() const;

  // One request, as the HTTP server hands it over (exposed for tests).
  ApiResponse Handle(const HttpRequestView& request);

 private:
  struct Parts;
  Signetd(SignetdConfig config, std::unique_ptr<Parts> parts, bool first_start);
  SignetdConfig config_;
  std::unique_ptr<Parts> parts_;
  bool first_start_;
};

}  // namespace signet::api
