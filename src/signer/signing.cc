// SignerService's signing operations: SignPayload and SignPackage (synchronous), and
// StartSigningJob (recorded here, completed by a SigningJobRunner worker through RunSigningJob).
#include <chrono>
#include <utility>

#include "core/encoding.h"
#include "core/ids.h"
#include "core/signet_metrics.h"
#include "crypto/digest.h"
#include "notary/jws_envelope.h"
#include "notary/payload.h"
#include "signer/signer_service.h"
#include "signer/signing_job_runner.h"
#include "signer/signing_material.h"
#include "signer/validity.h"
#include "zipsig/byte_source.h"
#include "zipsig/zip_signature.h"

namespace signet::signer {
namespace {

using store::SigningJobRecord;
using store::SigningProfileRecord;

// Passes bytes through to `inner` and keeps their MD5: the S3 ETag of the signed object.
class Md5Sink final : public zipsig::ByteSink {
 public:
  explicit Md5Sink(zipsig::ByteSink& inner) : inner_(inner) {}
  Status Append(std::string_view bytes) override {
    md5_.Update(bytes);
    return inner_.Append(bytes);
  }
  Status Close() override { return inner_.Close(); }
  std::string ETag() { return "\"" + HexEncode(md5_.Finish()) + "\""; }

 private:
  zipsig::ByteSink& inner_;
  crypto::Md5Stream md5_;
};

std::vector<notary::ExtendedAttribute> SignerAttributes(const SigningProfileRecord& profile,
                                                        const std::string& job_arn) {
  std::vector<notary::ExtendedAttribute> attributes = {
      {std::string(notary::kSigningProfileVersionAttribute), profile.version_arn, true},
      {std::string(notary::kSigningJobAttribute), job_arn, true},
  };
  // A profile may name a verification plugin (DESIGN.md §5), e.g. for the AWS Signer plugin.
  if (profile.signing_parameters.empty()) return attributes;  // the usual case: no key to build
  auto plugin = profile.signing_parameters.find(std::string(notary::kVerificationPluginAttribute));
  if (plugin != profile.signing_parameters.end()) {
    attributes.push_back({plugin->first, plugin->second, true});
  }
  return attributes;
}

// A new job of `caller` with `profile`'s current version, created now.
SigningJobRecord NewJob(const Caller& caller, const SigningProfileRecord& profile,
                        const SigningPlatform& platform, Timestamp now) {
  SigningJobRecord job;
  job.job_id = NewUuidV4();
  job.job_owner = profile.account;
  job.job_invoker = caller.account;
  job.requested_by = caller.principal_arn;
  job.profile_name = profile.name;
  job.profile_version = profile.version;
  job.platform_id = platform.platform_id;
  job.platform_display_name = platform.display_name;
  job.created_at = now;
  return job;
}

store::UsageRecord UsageFor(const SigningJobRecord& job, const BillingDecision& decision,
                            Timestamp now) {
  store::UsageRecord usage;
  usage.time = now;
  usage.account = job.job_invoker;
  usage.principal = job.requested_by;
  usage.profile_name = job.profile_name;
  usage.profile_version = job.profile_version;
  usage.platform_id = job.platform_id;
  usage.environment = decision.environment;
  usage.unit_price_micros = decision.unit_price_micros;
  usage.job_id = job.job_id;
  return usage;
}

std::string JoinWarnings(const std::vector<std::string>& warnings) {
  std::string out;
  for (const std::string& w : warnings) out += (out.empty() ? "" : "; ") + w;
  return out;
}

SkippedSigning Skipped(const BillingDecision& decision) {
  return SkippedSigning{decision.environment, decision.skip_message};
}

// RecordUsage's job writer for a synchronous signing: creates `job` with the status reason it is
// given, into `stored`.
std::function<Status(const std::string&)> CreateJobIn(store::StoreTransaction& tx,
                                                      SigningJobRecord job,
                                                      SigningJobRecord& stored) {
  return [&tx, job = std::move(job), &stored](const std::string& status_reason) mutable -> Status {
    job.status_reason = status_reason;
    SIGNET_ASSIGN_OR_RETURN(stored, tx.CreateJob(job));
    return Status::Ok();
  };
}

}  // namespace

Result<std::shared_ptr<const SigningMaterial>> SignerService::CheckCanSign(
    const SigningProfileRecord& profile, Timestamp now) const {
  if (profile.status != store::ProfileStatus::kActive) {
    return InvalidArgumentError("signing profile " + profile.name + " is " +
                                std::string(store::ProfileStatusName(profile.status)) +
                                "; it signs nothing more");
  }
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<const SigningMaterial> material,
                          material_->Get(profile));
  if (now >= material->chain()[0].not_after()) {
    return InvalidArgumentError("the certificate of signing profile " + profile.name +
                                " expired at " + FormatRfc3339(material->chain()[0].not_after()) +
                                "; put the profile again for a new version");
  }
  return material;
}

Result<BillingDecision> SignerService::AuthorizeBillableSignature(std::string_view environment,
                                                                  std::string_view platform_id,
                                                                  Timestamp now) {
  return billing_.Authorize(environment, platform_id, now);
}

Result<std::vector<std::string>> SignerService::RecordUsage(
    store::StoreTransaction& tx, const SigningJobRecord& job, const BillingDecision& decision,
    Timestamp now, const std::function<Status(const std::string& status_reason)>& write_job) {
  const store::UsageRecord usage = UsageFor(job, decision, now);
  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> warnings, billing_.Charge(tx, usage));
  SIGNET_RETURN_IF_ERROR(write_job(JoinWarnings(warnings)));  // the usage record names the job
  SIGNET_RETURN_IF_ERROR(tx.AppendUsage(usage));
  return warnings;
}

void SignerService::ObserveSignature(const SigningJobRecord& job, const BillingDecision& decision,
                                     std::chrono::steady_clock::time_point started) const {
  metrics::SignaturesTotal().Add({job.platform_id, job.profile_name, decision.environment});
  metrics::SigningCostMicrodollars().Add({job.platform_id, job.profile_name, decision.environment},
                                         static_cast<uint64_t>(decision.unit_price_micros));
  metrics::SigningDuration().Observe(
      {job.platform_id},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

Result<SignPayloadResult> SignerService::SignPayload(const Caller& caller,
                                                     const SignPayloadRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  if (request.payload_format != kNotaryPayloadFormat) {
    return InvalidArgumentError("payloadFormat '" + request.payload_format + "' is not supported; use " +
                                std::string(kNotaryPayloadFormat));
  }
  if (request.payload.empty() || request.payload.size() > kMaxSignPayloadBytes) {
    return InvalidArgumentError("payload must be 1 to 4096 bytes (got " +
                                std::to_string(request.payload.size()) + ")");
  }
  if (Result<notary::Descriptor> target = notary::ParsePayload(request.payload); !target.ok()) {
    return InvalidArgumentError("payload is not a Notary payload: " + target.status().message());
  }
  SIGNET_ASSIGN_OR_RETURN(SigningProfileRecord profile,
                          ResolveProfile(caller, request.profile, kActionSignPayload));
  const SigningPlatform* platform = FindSigningPlatform(profile.platform_id);
  if (platform == nullptr || platform->kind != PlatformKind::kNotaryPayload) {
    return InvalidArgumentError("signing profile " + profile.name + " is for platform " +
                                profile.platform_id + "; SignPayload signs only with " +
                                std::string(kNotationPlatformId) + " profiles");
  }
  const Timestamp now = options_.clock->Now();
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<const SigningMaterial> material,
                          CheckCanSign(profile, now));
  SIGNET_ASSIGN_OR_RETURN(BillingDecision decision,
                          AuthorizeBillableSignature(request.environment, profile.platform_id, now));
  if (decision.skip) {
    SignPayloadResult skipped;
    skipped.skipped = Skipped(decision);
    return skipped;
  }

  SigningJobRecord job = NewJob(caller, profile, *platform, now);
  job.payload = request.payload;
  job.status = store::JobStatus::kSucceeded;
  job.completed_at = now;
  job.signature_expires_at = AddValidity(now, profile.signature_validity);
  const std::string job_arn = JobArn(job.job_owner, job.job_id);

  // Announced before signing, so a commit under way can wait for this job to join it.
  store::Store::WriteHint hint = store_.ExpectWrite();
  notary::SignOptions sign;
  sign.payload = request.payload;
  sign.signing_time = now;
  sign.expiry = job.signature_expires_at;
  sign.extended_attributes = SignerAttributes(profile, job_arn);
  // certificate_chain stays empty: x5c and the chain checks come from the material's jws_chain.
  sign.signing_agent = options_.signing_agent;
  SIGNET_ASSIGN_OR_RETURN(std::string envelope,
                          notary::SignJwsEnvelope(sign, *material->signer, material->jws_chain));

  // The signature is returned only once its job and its usage record are durable together.
  SigningJobRecord stored;
  std::vector<std::string> warnings;
  SIGNET_RETURN_IF_ERROR(store_.InTransaction([&](store::StoreTransaction& tx) -> Status {
    SIGNET_ASSIGN_OR_RETURN(warnings,
                            RecordUsage(tx, job, decision, now, CreateJobIn(tx, job, stored)));
    return Status::Ok();
  }));
  ObserveSignature(stored, decision, started);
  // Derived from the job, so returned but not stored (a durable write costs per row).
  stored.metadata = {{"signingProfileVersionArn", profile.version_arn},
                     {"signingJobArn", job_arn},
                     {"signatureMediaType", std::string(notary::kJwsMediaType)}};
  return SignPayloadResult{std::move(stored), std::move(envelope), std::move(warnings), std::nullopt};
}

Result<SigningResult> SignerService::StartSigningJob(const Caller& caller,
                                                     const StartSigningJobRequest& request) {
  if (request.client_request_token.empty()) {
    return InvalidArgumentError("clientRequestToken must not be empty");
  }
  if (Result<SigningJobRecord> earlier =
          store_.FindJobByClientRequestToken(caller.account, request.client_request_token);
      earlier.ok()) {
    return SigningResult{std::move(earlier).value(), {}, std::nullopt};
  }
  if (buckets_ == nullptr) return FailedPreconditionError("this signetd serves no buckets");
  SIGNET_ASSIGN_OR_RETURN(SigningProfileRecord profile,
                          ResolveProfile(caller, request.profile, kActionStartSigningJob));
  const SigningPlatform* platform = FindSigningPlatform(profile.platform_id);
  if (platform == nullptr || platform->kind != PlatformKind::kZipPackage) {
    return InvalidArgumentError("signing profile " + profile.name + " is for platform " +
                                profile.platform_id + "; StartSigningJob signs ZIP packages "
                                "with " + std::string(kLambdaPlatformId) + " profiles only");
  }
  const Timestamp now = options_.clock->Now();
  SIGNET_RETURN_IF_ERROR(CheckCanSign(profile, now).status());
  // The caller must own both buckets (S3 would check its permissions on them).
  for (const std::string& bucket : {request.source.bucket, request.destination.bucket}) {
    SIGNET_ASSIGN_OR_RETURN(store::BucketInfo info, buckets_->GetBucket(bucket));
    if (info.owner_account != caller.account) {
      return PermissionDeniedError("Access denied to bucket " + bucket);
    }
  }

  SIGNET_ASSIGN_OR_RETURN(BillingDecision decision,
                          AuthorizeBillableSignature(request.environment, profile.platform_id, now));
  if (decision.skip) return SigningResult{{}, {}, Skipped(decision)};

  SigningJobRecord job = NewJob(caller, profile, *platform, now);
  job.metadata[std::string(kEnvironmentMetadata)] = decision.environment;
  job.source = request.source;
  job.destination = request.destination;
  job.status = store::JobStatus::kInProgress;
  job.client_request_token = request.client_request_token;
  Result<SigningJobRecord> created = store_.CreateJob(job);
  if (!created.ok() && created.status().code() == ErrorCode::kAlreadyExists) {
    // A concurrent request with the same token won: both callers get its job.
    SIGNET_ASSIGN_OR_RETURN(
        SigningJobRecord first,
        store_.FindJobByClientRequestToken(caller.account, request.client_request_token));
    return SigningResult{std::move(first), {}, std::nullopt};
  }
  SIGNET_RETURN_IF_ERROR(created.status());
  runner_->Enqueue(created->job_id);
  return SigningResult{std::move(created).value(), std::move(decision.warnings), std::nullopt};
}

void SignerService::RunSigningJob(const std::string& job_id) {
  const auto started = std::chrono::steady_clock::now();
  Result<SigningJobRecord> job = store_.GetJob(job_id);
  if (!job.ok() || job->status != store::JobStatus::kInProgress) return;
  Result<SigningProfileRecord> profile =
      store_.GetProfileVersion(job->job_owner, job->profile_name, job->profile_version);
  // The environment named at the start; a job recorded before metering bills the default.
  auto env = job->metadata.find(std::string(kEnvironmentMetadata));
  Result<BillingDecision> decision = AuthorizeBillableSignature(
      env == job->metadata.end() ? "" : env->second, job->platform_id, options_.clock->Now());
  if (decision.ok() && decision->skip) decision = InvalidArgumentError(decision->skip_message);
  Timestamp expiry{};
  Result<store::S3Object> signed_object =
      !decision.ok()  ? decision.status()
      : profile.ok() ? SignPackageObject(*job, *profile, &expiry)
                     : profile.status();
  const Timestamp now = options_.clock->Now();
  store::JobCompletion completion;
  completion.completed_at = now;
  if (signed_object.ok()) {
    completion.status = store::JobStatus::kSucceeded;
    completion.signature_expires_at = expiry;
    completion.signed_object = *signed_object;
    Status done = store_.InTransaction([&](store::StoreTransaction& tx) -> Status {
      return RecordUsage(tx, *job, *decision, now, [&](const std::string& status_reason) {
               completion.status_reason = status_reason;
               return tx.CompleteJob(job_id, completion).status();
             }).status();
    });
    if (done.ok()) {
      ObserveSignature(*job, *decision, started);
      return;
    }
    // A budget that refuses at the binding check is the reason itself.
    completion.status_reason = done.code() == ErrorCode::kResourceExhausted
                                   ? done.message()
                                   : "signed, but the job could not be recorded: " + done.message();
  } else {
    completion.status_reason = signed_object.status().message();
  }
  completion.status = store::JobStatus::kFailed;
  completion.signature_expires_at.reset();
  completion.signed_object.reset();
  (void)store_.CompleteJob(job_id, completion);
}

Result<SigningResult> SignerService::SignPackage(const Caller& caller,
                                                 const SignPackageRequest& request,
                                                 zipsig::ByteSource& package,
                                                 zipsig::ByteSink& out) {
  SIGNET_ASSIGN_OR_RETURN(SigningProfileRecord profile,
                          ResolveProfile(caller, request.profile, kActionStartSigningJob));
  const SigningPlatform* platform = FindSigningPlatform(profile.platform_id);
  if (platform == nullptr || platform->kind != PlatformKind::kZipPackage) {
    return InvalidArgumentError("signing profile " + profile.name + " is for platform " +
                                profile.platform_id + "; only " + std::string(kLambdaPlatformId) +
                                " profiles sign ZIP packages");
  }
  const auto started = std::chrono::steady_clock::now();
  const Timestamp now = options_.clock->Now();
  SIGNET_ASSIGN_OR_RETURN(BillingDecision decision,
                          AuthorizeBillableSignature(request.environment, profile.platform_id, now));
  if (decision.skip) return SigningResult{{}, {}, Skipped(decision)};
  SigningJobRecord job = NewJob(caller, profile, *platform, now);
  job.source = store::S3Object{std::string(kUploadSourceBucket),
                               request.package_name.empty() ? std::string(kDefaultPackageName)
                                                            : request.package_name,
                               ""};
  job.destination = store::S3Destination{std::string(kUploadDestinationBucket), ""};
  SIGNET_ASSIGN_OR_RETURN(Timestamp expiry,
                          SignPackageBytes(job, profile, now, "the uploaded file", package, out));
  job.status = store::JobStatus::kSucceeded;
  job.completed_at = now;
  job.signature_expires_at = expiry;

  // As SignPayload: the signed archive is handed out only once job and usage are durable.
  SigningJobRecord stored;
  std::vector<std::string> warnings;
  SIGNET_RETURN_IF_ERROR(store_.InTransaction([&](store::StoreTransaction& tx) -> Status {
    SIGNET_ASSIGN_OR_RETURN(warnings,
                            RecordUsage(tx, job, decision, now, CreateJobIn(tx, job, stored)));
    return Status::Ok();
  }));
  ObserveSignature(stored, decision, started);
  stored.metadata = {{"signingProfileVersionArn", profile.version_arn},
                     {"signingJobArn", JobArn(stored.job_owner, stored.job_id)}};
  return SigningResult{std::move(stored), std::move(warnings), std::nullopt};
}

Result<Timestamp> SignerService::SignPackageBytes(const SigningJobRecord& job,
                                                  const SigningProfileRecord& profile,
                                                  Timestamp now, std::string_view what,
                                                  zipsig::ByteSource& package,
                                                  zipsig::ByteSink& out) {
  SIGNET_ASSIGN_OR_RETURN(std::shared_ptr<const SigningMaterial> material,
                          CheckCanSign(profile, now));
  const SigningPlatform* platform = FindSigningPlatform(profile.platform_id);
  if (platform == nullptr) return InvalidArgumentError("unknown platform " + profile.platform_id);
  const uint64_t size = package.size();
  if (size == 0) {
    return InvalidArgumentError(std::string(what) + " is empty; it is not a ZIP package");
  }
  if (size > platform->MaxPackageBytes()) {
    return InvalidArgumentError(std::string(what) + " is " + std::to_string(size) + " bytes; " +
                                platform->platform_id + " signs packages of at most " +
                                std::to_string(platform->max_size_mb) + " MB");
  }
  zipsig::PackageSignOptions options;
  options.signing_time = now;
  options.expiry = AddValidity(now, profile.signature_validity);
  options.extended_attributes = SignerAttributes(profile, JobArn(job.job_owner, job.job_id));
  options.certificate_chain = material->chain();
  options.signing_agent = options_.signing_agent;
  Result<zipsig::SignedPackage> signed_package =
      zipsig::SignPackage(package, options, *material->signer, out);
  if (!signed_package.ok()) {
    return InvalidArgumentError(std::string(what) + " is not a package that can be signed: " +
                                signed_package.status().message());
  }
  return *options.expiry;
}

Result<store::S3Object> SignerService::SignPackageObject(const SigningJobRecord& job,
                                                         const SigningProfileRecord& profile,
                                                         Timestamp* expiry) {
  if (!job.source || !job.destination) return InvalidArgumentError("the job has no S3 source");
  const store::S3Object& source = *job.source;
  std::optional<std::string> version;
  if (!source.version.empty()) version = source.version;
  Result<std::pair<store::ObjectInfo, std::filesystem::path>> object =
      buckets_->OpenObject(source.bucket, source.key, version);
  if (!object.ok()) {
    return NotFoundError("cannot read the source object s3://" + source.bucket + "/" +
                         source.key + ": " + object.status().message());
  }
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<zipsig::ByteSource> in,
                          zipsig::ByteSource::OpenFile(object->second));
  const std::filesystem::path temp = buckets_->NewTempPath();
  SIGNET_ASSIGN_OR_RETURN(std::unique_ptr<zipsig::ByteSink> file,
                          zipsig::ByteSink::CreateFile(temp));
  Md5Sink out(*file);
  SIGNET_ASSIGN_OR_RETURN(*expiry, SignPackageBytes(job, profile, options_.clock->Now(),
                                                    "the source object", *in, out));
  SIGNET_RETURN_IF_ERROR(out.Close());
  store::ObjectWrite write;
  write.bucket = job.destination->bucket;
  write.key = job.destination->prefix + job.job_id + ".zip";
  write.etag = out.ETag();
  write.content_type = "application/zip";
  Result<store::ObjectInfo> put = buckets_->PutObjectFile(write, temp, options_.clock->Now());
  if (!put.ok()) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return put.status();
  }
  return store::S3Object{put->bucket, put->key, put->version_id == "null" ? "" : put->version_id};
}

}  // namespace signet::signer
