#include "api/signetd.h"

#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>

#include "admission/admission_policy.h"
#include "admission/registry_image_checker.h"
#include "admission/revocation_watch.h"
#include "admission/signer_revocation_checker.h"
#include "api/admission_api.h"
#include "api/aws_error.h"
#include "api/lambda_api.h"
#include "api/cost_api.h"
#include "api/metering_billing.h"
#include "api/s3_api.h"
#include "api/signer_api.h"
#include "core/file.h"
#include "core/ids.h"
#include "deploy/lambda_service.h"
#include "deploy/package_verifier.h"
#include "core/signet_metrics.h"
#include "keys/file_key_store.h"
#include "metering/meter.h"
#include "metering/metering_config.h"
#include "signer/certificate_authority.h"
#include "signer/signer_service.h"
#include "store/bucket_store.h"
#include "store/sqlite_store.h"

namespace signet::api {
namespace {

namespace fs = std::filesystem;

// Whether a request that failed authentication was meant for S3, so that it gets S3's XML
// error: a SigV4 scope for s3, or S3's legacy SigV2 forms (which signetd does not accept).
bool IsS3Request(const HttpRequestView& request) {
  for (const auto& [name, value] : request.headers) {
    if (name.size() == 13 && strncasecmp(name.c_str(), "authorization", 13) == 0 &&
        (value.find("/s3/aws4_request") != std::string::npos || value.rfind("AWS ", 0) == 0)) {
      return true;
    }
  }
  return request.raw_query.find("%2Fs3%2Faws4_request") != std::string::npos ||
         request.raw_query.find("AWSAccessKeyId=") != std::string::npos;
}

// SigV4 failures in each protocol's words: S3 (XML) and the JSON services.
ApiResponse AuthErrorResponse(const HttpRequestView& request, const SigV4Result& result,
                              const std::string& request_id) {
  if (IsS3Request(request)) {
    std::string code = "AccessDenied";
    switch (result.error) {
      case SigV4Error::kUnknownKey:
        code = "InvalidAccessKeyId";
        break;
      case SigV4Error::kBadSignature:
        code = "SignatureDoesNotMatch";
        break;
      case SigV4Error::kExpired:
        code = "RequestTimeTooSkewed";
        break;
      case SigV4Error::kMalformed:
        code = "AuthorizationHeaderMalformed";
        break;
      case SigV4Error::kMissing:
        code = "AccessDenied";
        break;
    }
    const int status = result.error == SigV4Error::kMalformed ? 400 : 403;
    return S3ErrorResponse(S3Error{status, code, result.message}, request.raw_path, request_id,
                           request.method == "HEAD");
  }
  AwsError error{403, "InvalidSignatureException", result.message};
  switch (result.error) {
    case SigV4Error::kMissing:
      error.code = "MissingAuthenticationTokenException";
      break;
    case SigV4Error::kMalformed:
      error.code = "IncompleteSignatureException";
      break;
    case SigV4Error::kUnknownKey:
      error.code = "UnrecognizedClientException";
      break;
    case SigV4Error::kBadSignature:
    case SigV4Error::kExpired:
      error.code = "InvalidSignatureException";
      break;
  }
  return JsonErrorResponse(error);
}

Status MakePrivateDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

// One signetd per data directory: an exclusive lock on DATA/signetd.lock, held while it runs.
Result<int> LockDataDirectory(const fs::path& dir) {
  const fs::path path = dir / "signetd.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("cannot open " + path.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return FailedPreconditionError("the data directory " + dir.string() +
                                   " is in use by another signetd");
  }
  return fd;
}

// The deploy gate's trust anchors: this installation's root, then every certificate in
// DATA/trusted-roots/*.pem (other installations' roots the operator trusts), in name order.
Result<std::vector<crypto::Certificate>> LoadTrustAnchors(const fs::path& dir,
                                                          const crypto::Certificate& root) {
  std::vector<crypto::Certificate> anchors = {root};
  const fs::path extra = dir / "trusted-roots";
  std::error_code ec;
  if (!fs::is_directory(extra, ec)) return anchors;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(extra, ec)) {
    if (entry.path().extension() == ".pem") files.push_back(entry.path());
  }
  if (ec) return UnavailableError("cannot list " + extra.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    SIGNET_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(file, 1 << 20, "a trusted root"));
    auto certs = crypto::Certificate::ParseBundle(pem);
    if (!certs.ok()) return certs.status().WithContext("trusted root " + file.string());
    anchors.insert(anchors.end(), certs->begin(), certs->end());
    spdlog::info("deploy gate trusts the roots in {}", file.string());
  }
  return anchors;
}

// Each environment's enforcement mode, for code signing configs tagged signet:environment.
deploy::EnvironmentEnforcements DeployEnvironments(const metering::EnvironmentPolicy& policy) {
  deploy::EnvironmentEnforcements out;
  for (const auto& [name, env] : policy.environments()) {
    switch (env.enforcement) {
      case metering::EnforcementMode::kOff:
        out.emplace(name, deploy::EnvironmentEnforcement::kOff);
        break;
      case metering::EnforcementMode::kWarn:
        out.emplace(name, deploy::EnvironmentEnforcement::kWarn);
        break;
      case metering::EnforcementMode::kEnforce:
        out.emplace(name, deploy::EnvironmentEnforcement::kEnforce);
        break;
    }
  }
  return out;
}

// The metering configuration: the file's, or the defaults; `environment` overrides its default.
Result<metering::MeteringConfig> MeteringConfigFor(const SignetdConfig& config) {
  if (config.metering_config.empty()) {
    return metering::DefaultMeteringConfig(config.environment.empty() ? "default"
                                                                      : config.environment);
  }
  return metering::LoadMeteringConfig(config.metering_config, config.environment);
}

// A bounded operation name for S3 requests (metrics): ListBuckets, Bucket<METHOD>, Object<METHOD>.
std::string S3OperationLabel(const HttpRequestView& request) {
  std::string_view method = request.method;
  if (method != "GET" && method != "PUT" && method != "POST" && method != "DELETE" &&
      method != "HEAD") {
    method = "OTHER";
  }
  std::string_view path = request.raw_path;
  if (path.starts_with("/")) path.remove_prefix(1);
  if (path.empty()) return "ListBuckets";
  const size_t slash = path.find('/');
  const bool object = slash != std::string_view::npos && slash + 1 < path.size();
  return (object ? "Object" : "Bucket") + std::string(method);
}

// The state database's own counts on /metrics, read from the store at each scrape.
std::vector<metrics::ReaderRegistration> RegisterStoreMetrics(const store::SqliteStore& store) {
  const store::SqliteStore* const db = &store;  // outlives the registrations (Parts)
  const auto count = [db](int64_t store::SqliteStoreStats::*field) {
    return [db, field] {
      return metrics::ReadSeries{{{}, static_cast<uint64_t>(db->Stats().*field)}};
    };
  };
  metrics::Registry& registry = metrics::DefaultMetrics();
  std::vector<metrics::ReaderRegistration> out;
  out.push_back(registry.Reader(
      "signet_store_write_transactions_total",
      "Write transactions run on the state database; those that arrive together share a commit.",
      metrics::ReaderType::kCounter, {}, count(&store::SqliteStoreStats::transactions)));
  out.push_back(registry.Reader(
      "signet_store_commits_total",
      "Durable commits of the state database, one fsync each: write transactions per commit is "
      "the group commit's batch.",
      metrics::ReaderType::kCounter, {}, count(&store::SqliteStoreStats::commits)));
  out.push_back(registry.Reader(
      "signet_store_read_transactions_total", "Read-only transactions run on the state database.",
      metrics::ReaderType::kCounter, {}, count(&store::SqliteStoreStats::read_transactions)));
  out.push_back(registry.Reader(
      "signet_store_profile_cache_lookups_total",
      "Signing profile and permission reads, answered from the profile cache (hit) or by SQL "
      "(miss).",
      metrics::ReaderType::kCounter, {"result"}, [db] {
        const store::SqliteStoreStats stats = db->Stats();
        return metrics::ReadSeries{{{"hit"}, static_cast<uint64_t>(stats.profile_cache_hits)},
                                   {{"miss"}, static_cast<uint64_t>(stats.profile_cache_misses)}};
      }));
  out.push_back(registry.Reader(
      "signet_store_writers_waiting", "Write transactions queued for the next commit right now.",
      metrics::ReaderType::kGauge, {}, [db] {
        return metrics::ReadSeries{{{}, static_cast<uint64_t>(db->Stats().waiting)}};
      }));
  return out;
}

}  // namespace

// The data directory's lock, released last (Parts' first member).
struct DirectoryLock {
  int fd = -1;
  DirectoryLock() = default;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock() {
    if (fd >= 0) ::close(fd);
  }
};

struct Signetd::Parts {
  DirectoryLock lock;
  std::unique_ptr<store::SqliteStore> store;
  std::vector<metrics::ReaderRegistration> store_metrics;  // after the store: gone before it
  std::unique_ptr<keys::FileKeyStore> keys;
  std::unique_ptr<signer::CertificateAuthority> ca;
  std::unique_ptr<store::BucketStore> buckets;
  std::unique_ptr<metering::Meter> meter;
  std::unique_ptr<MeteringBilling> billing;
  std::unique_ptr<signer::SignerService> signer;
  std::unique_ptr<SignerApi> signer_api;
  std::unique_ptr<S3Api> s3_api;
  std::unique_ptr<deploy::PackageVerifier> package_verifier;
  std::unique_ptr<deploy::LambdaService> lambda;
  std::unique_ptr<LambdaApi> lambda_api;
  AccessKeyTable access_keys;
  std::unique_ptr<SigV4Verifier> sigv4;  // its signing-key cache serves this signetd's requests
  std::unique_ptr<admission::ImageChecker> image_checker;
  std::unique_ptr<admission::AdmissionWebhook> admission;
  std::unique_ptr<admission::RevocationWatch> revocation_watch;  // after admission: stops first
  std::unique_ptr<HttpServer> http;
};

Signetd::Signetd(SignetdConfig config, std::unique_ptr<Parts> parts, bool first_start)
    : config_(std::move(config)), parts_(std::move(parts)), first_start_(first_start) {}

// Parts' destructors finish the job being signed; queued jobs stay InProgress and resume at the
// next start, so a shutdown never waits for a long queue.
Signetd::~Signetd() { Stop(); }

Result<std::unique_ptr<Signetd>> Signetd::Open(const SignetdConfig& config) {
  const fs::path& dir = config.data_dir;
  signer::CaOptions ca_options;
  ca_options.country = config.subject_country;
  ca_options.state = config.subject_state;
  ca_options.organization = config.subject_organization;
  SIGNET_RETURN_IF_ERROR(signer::ValidateCaOptions(ca_options));
  // A replica reads the directory another signetd owns: it creates, locks and writes nothing.
  const bool replica = config.admission_replica;
  if (replica && config.admission_policy.empty()) {
    return FailedPreconditionError("an admission replica (--admission-replica) serves the "
                                   "admission webhook only: it needs --admission-policy");
  }
  if (!replica) {
    SIGNET_RETURN_IF_ERROR(MakePrivateDirectory(dir));
  }
  const fs::path access_keys_file = dir / "access-keys.json";
  const bool first_start = !fs::exists(access_keys_file);
  if (replica && first_start) {
    return FailedPreconditionError("the data directory " + dir.string() +
                                   " is not initialised: an admission replica shares the "
                                   "directory of a signetd of the installation; start that first");
  }
  const Timestamp now = config.clock->Now();

  auto parts = std::make_unique<Parts>();
  if (!replica) {
    SIGNET_ASSIGN_OR_RETURN(parts->lock.fd, LockDataDirectory(dir));
  }
  // The profile cache sees only this process's writes; a replica's store is written by another.
  store::SqliteStoreOptions store_options;
  if (replica) store_options.profile_cache_entries = 0;
  SIGNET_ASSIGN_OR_RETURN(parts->store, store::SqliteStore::Open(dir / "signet.db", store_options));
  parts->store_metrics = RegisterStoreMetrics(*parts->store);
  SIGNET_ASSIGN_OR_RETURN(parts->keys, keys::FileKeyStore::Open(dir / "keys"));
  SIGNET_ASSIGN_OR_RETURN(parts->ca,
                          signer::CertificateAuthority::Open(*parts->keys, dir, ca_options, now));
  if (!replica) {
    SIGNET_ASSIGN_OR_RETURN(parts->buckets, store::BucketStore::Open(dir / "buckets"));
  }

  if (replica) {
    // No SigV4 routes: the access keys stay with the owning signetd.
  } else if (first_start) {
    AccessKey admin =
        AccessKeyTable::Generate(config.scope.partition, config.scope.account, "admin");
    SIGNET_RETURN_IF_ERROR(WriteSharedCredentialsFile(dir / "credentials", "default", admin));
    SIGNET_RETURN_IF_ERROR(WriteSharedConfigFile(dir / "config", "default", config.scope.region));
    SIGNET_RETURN_IF_ERROR(parts->access_keys.Add(std::move(admin)));
    // Written last: its presence marks an initialised directory.
    SIGNET_RETURN_IF_ERROR(parts->access_keys.Save(access_keys_file));
  } else {
    SIGNET_ASSIGN_OR_RETURN(parts->access_keys, AccessKeyTable::Load(access_keys_file));
  }
  parts->sigv4 = std::make_unique<SigV4Verifier>(SigV4VerifierOptions{config.max_clock_skew});

  SIGNET_ASSIGN_OR_RETURN(metering::MeteringConfig metering_config, MeteringConfigFor(config));
  parts->meter = std::make_unique<metering::Meter>(*parts->store, std::move(metering_config));
  parts->billing = std::make_unique<MeteringBilling>(*parts->meter);
  metrics::RegisterSignetMetrics();

  signer::SignerOptions signer_options;
  signer_options.partition = config.scope.partition;
  signer_options.region = config.scope.region;
  signer_options.clock = config.clock;
  parts->signer = std::make_unique<signer::SignerService>(
      *parts->store, parts->buckets.get(), *parts->keys, *parts->ca, *parts->billing,
      signer_options);
  if (!replica) {
    SIGNET_RETURN_IF_ERROR(parts->signer->Start());
    // Signed packages on their way out (POST /signing-jobs/package); a crash may leave some.
    std::error_code ec;
    fs::remove_all(dir / "tmp", ec);
    parts->signer_api = std::make_unique<SignerApi>(*parts->signer, dir / "tmp");
    parts->s3_api = std::make_unique<S3Api>(*parts->buckets, *config.clock);
    SIGNET_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> anchors,
                            LoadTrustAnchors(dir, parts->ca->root()));
    SIGNET_ASSIGN_OR_RETURN(parts->package_verifier,
                            deploy::PackageVerifier::Create(std::move(anchors), *parts->store,
                                                            *config.clock));
    deploy::LambdaOptions lambda_options{config.scope.partition, config.scope.region, config.clock};
    lambda_options.environments = DeployEnvironments(parts->meter->config().environments);
    parts->lambda = std::make_unique<deploy::LambdaService>(
        *parts->store, parts->buckets.get(), *parts->package_verifier, std::move(lambda_options));
    parts->lambda_api = std::make_unique<LambdaApi>(*parts->lambda);
  }
  if (!config.admission_policy.empty()) {
    if (config.http.tls_certificate_file.empty()) {
      return FailedPreconditionError(
          "the admission webhook is served over HTTPS only: --admission-policy needs --tls-cert "
          "and --tls-key");
    }
    SIGNET_ASSIGN_OR_RETURN(
        admission::AdmissionPolicy policy,
        admission::AdmissionPolicy::Load(config.admission_policy,
                                         &parts->meter->config().environments));
    spdlog::info("admission policy {} revision {}: {} rules", config.admission_policy.string(),
                 policy.revision(), policy.rules().size());
    parts->image_checker = std::make_unique<admission::RegistryImageChecker>(
        policy.registries(),
        std::make_shared<const admission::SignerRevocationChecker>(*parts->signer),
        *config.clock);
    parts->admission = std::make_unique<admission::AdmissionWebhook>(
        std::make_shared<const admission::AdmissionPolicy>(std::move(policy)),
        *parts->image_checker, *config.clock);
    admission::RevocationWatch::Options watch_options;
    watch_options.interval = config.admission_revocation_poll;
    SIGNET_ASSIGN_OR_RETURN(parts->revocation_watch,
                            admission::RevocationWatch::Start(*parts->store,
                                                              parts->admission->cache(),
                                                              watch_options));
  }

  std::unique_ptr<Signetd> daemon(new Signetd(config, std::move(parts), first_start));
  Signetd* self = daemon.get();
  SIGNET_ASSIGN_OR_RETURN(
      daemon->parts_->http,
      HttpServer::Bind(config.http, [self](const HttpRequestView& r) { return self->Handle(r); }));
  return daemon;
}

int Signetd::port() const { return parts_->http->port(); }

admission::AdmissionWebhook* Signetd::admission() const { return parts_->admission.get(); }

Status Signetd::Serve() { return parts_->http->Serve(); }

void Signetd::Stop() {
  if (parts_ && parts_->http) parts_->http->Stop();
}

ApiResponse Signetd::Handle(const HttpRequestView& request) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = NewUuidV4();
  ApiResponse response;
  std::string service = "-";
  std::string principal = "-";

  if ((request.method == "GET" || request.method == "HEAD") && request.raw_path == "/healthz") {
    response.body = "{\"status\":\"ok\"}";
    response.operation = "Healthz";
  } else if ((request.method == "GET" || request.method == "HEAD") &&
             request.raw_path == "/metrics") {
    response.content_type = std::string(metrics::kExpositionContentType);
    response.body = metrics::DefaultMetrics().Render();
    response.operation = "Metrics";
  } else if (IsAdmissionRequest(request)) {
    service = "admission";
    response = HandleAdmission(request, parts_->admission.get(), parts_->http->tls());
  } else if (config_.admission_replica) {
    response = JsonErrorResponse(AwsError{
        400, "InvalidRequestException",
        "this signetd is an admission replica: it serves /admission/validate, /admission/mutate, "
        "/healthz and /metrics; send other calls to the signetd that owns its data directory"});
    response.operation = "ReplicaRefused";
  } else {
    const SigV4Result auth = parts_->sigv4->Verify(
        request,
        [this](std::string_view id) -> std::optional<SecretBytes> {
          const AccessKey* key = parts_->access_keys.Find(id);
          if (key == nullptr) return std::nullopt;
          return key->secret_access_key;
        },
        config_.clock->Now());
    if (!auth.identity) {
      response = AuthErrorResponse(request, auth, request_id);
    } else {
      const AccessKey* key = parts_->access_keys.Find(auth.identity->access_key_id);
      ApiRequest api;
      api.method = request.method;
      api.raw_path = request.raw_path;
      api.path = PercentDecode(request.raw_path).value_or(request.raw_path);
      api.raw_query = request.raw_query;
      api.query = ParseQuery(request.raw_query).value_or(std::multimap<std::string, std::string>{});
      api.headers = request.headers;
      api.body = request.body;
      api.caller = signer::Caller{key->account, key->principal};
      api.service = auth.identity->service;
      api.request_id = request_id;
      service = api.service;
      principal = key->principal;
      if (api.service == "signer" && IsCostReportRequest(api)) {
        response = HandleCostReport(api, *parts_->store, *config_.clock);
      } else if (api.service == "signer") {
        response = parts_->signer_api->Handle(api);
        // A revocation reaches this signetd's admission cache at once (other replicas within
        // their poll interval); a failed poll has dropped the whole cache.
        if (parts_->revocation_watch && response.status / 100 == 2 &&
            (response.operation == "RevokeSignature" ||
             response.operation == "RevokeSigningProfile")) {
          (void)parts_->revocation_watch->PollNow();
        }
      } else if (api.service == "s3") {
        response = parts_->s3_api->Handle(api);
        response.operation = S3OperationLabel(request);
      } else if (api.service == "lambda") {
        response = parts_->lambda_api->Handle(api);
      } else {
        response = JsonErrorResponse(
            AwsError{400, "UnknownServiceException",
                     "this endpoint serves the signer, s3 and lambda services, not '" + api.service + "'"});
      }
    }
  }
  response.SetHeader("x-amzn-RequestId", request_id);
  response.SetHeader("x-amz-request-id", request_id);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  // Bounded labels: the operation name (or "unknown"/"unauthenticated"), never the path.
  // Views of response, service and literals only: no std::string temporary to dangle.
  const std::string_view operation = !response.operation.empty()
                                         ? std::string_view(response.operation)
                                     : service == "-" ? std::string_view("unauthenticated")
                                                      : std::string_view("unknown");
  // The credential scope's service is the caller's text: only known names become labels.
  const std::string_view metric_service =
      service == "-" ? std::string_view("none")
      : (service == "signer" || service == "s3" || service == "lambda" || service == "admission")
          ? std::string_view(service)
          : std::string_view("other");
  metrics::HttpRequests().Add({metric_service, operation, std::to_string(response.status)});
  metrics::HttpRequestDuration().Observe({metric_service, operation},
                                         std::chrono::duration<double>(elapsed).count());
  spdlog::info("request id={} method={} path={} service={} principal={} status={} us={}",
               request_id, request.method, request.raw_path, service, principal, response.status,
               micros);
  return response;
}

}  // namespace signet::api
