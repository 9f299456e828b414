#include "api/signer_shapes.h"

namespace signet::api::shapes {
namespace {

std::string PlatformDisplayName(std::string_view platform_id) {
  const signer::SigningPlatform* platform = signer::FindSigningPlatform(platform_id);
  return platform != nullptr ? platform->display_name : std::string(platform_id);
}

Json ValidityPeriod(const store::SignatureValidityPeriod& period) {
  return {{"value", period.value}, {"type", std::string(store::ValidityTypeName(period.type))}};
}

// SigningPlatformOverrides, or null when nothing is overridden.
Json Overrides(const store::SigningOverrides& overrides) {
  Json out = Json::object();
  Json config = Json::object();
  if (overrides.encryption_algorithm) {
    config["encryptionAlgorithm"] = *overrides.encryption_algorithm;
  }
  if (overrides.hash_algorithm) config["hashAlgorithm"] = *overrides.hash_algorithm;
  if (!config.empty()) out["signingConfiguration"] = std::move(config);
  if (overrides.signing_image_format) {
    out["signingImageFormat"] = *overrides.signing_image_format;
  }
  return out.empty() ? Json() : out;
}

Json StringMapJson(const std::map<std::string, std::string>& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

// Members common to GetSigningProfileResponse and SigningProfile.
Json ProfileCommon(const store::SigningProfileRecord& profile) {
  Json out = {
      {"profileName", profile.name},
      {"profileVersion", profile.version},
      {"profileVersionArn", profile.version_arn},
      {"arn", profile.arn},
      {"platformId", profile.platform_id},
      {"platformDisplayName", PlatformDisplayName(profile.platform_id)},
      {"signatureValidityPeriod", ValidityPeriod(profile.signature_validity)},
      {"status", std::string(store::ProfileStatusName(profile.status))},
  };
  if (!profile.signing_parameters.empty()) {
    out["signingParameters"] = StringMapJson(profile.signing_parameters);
  }
  if (!profile.tags.empty()) out["tags"] = StringMapJson(profile.tags);
  return out;
}

Json SourceJson(const store::S3Object& source) {
  return {
      {"s3", {{"bucketName", source.bucket}, {"key", source.key}, {"version", source.version}}}};
}

Json SignedObjectJson(const store::S3Object& object) {
  return {{"s3", {{"bucketName", object.bucket}, {"key", object.key}}}};
}

// Members common to SigningJob and DescribeSigningJobResponse.
Json JobCommon(const store::SigningJobRecord& job) {
  Json out = {
      {"jobId", job.job_id},
      {"createdAt", EpochSeconds(job.created_at)},
      {"status", std::string(store::JobStatusName(job.status))},
      {"profileName", job.profile_name},
      {"profileVersion", job.profile_version},
      {"platformId", job.platform_id},
      {"platformDisplayName", job.platform_display_name.empty()
                                  ? PlatformDisplayName(job.platform_id)
                                  : job.platform_display_name},
      {"jobOwner", job.job_owner},
      {"jobInvoker", job.job_invoker},
  };
  if (job.source) out["source"] = SourceJson(*job.source);
  if (job.signed_object) out["signedObject"] = SignedObjectJson(*job.signed_object);
  if (job.signature_expires_at) {
    out["signatureExpiresAt"] = EpochSeconds(*job.signature_expires_at);
  }
  return out;
}

Json AlgorithmOptions(const std::vector<std::string>& allowed) {
  return {{"allowedValues", allowed}, {"defaultValue", allowed.front()}};
}

}  // namespace

int64_t EpochSeconds(Timestamp t) { return t.time_since_epoch().count(); }

Json SigningProfile(const store::SigningProfileRecord& profile) {
  Json out = ProfileCommon(profile);
  if (Json overrides = Overrides(profile.overrides); !overrides.is_null()) {
    out["overrides"] = std::move(overrides);
  }
  if (!profile.status_reason.empty()) out["statusReason"] = profile.status_reason;
  if (profile.revocation) {
    out["revocationRecord"] = {
        {"revocationEffectiveFrom", EpochSeconds(profile.revocation->effective_from)},
        {"revokedAt", EpochSeconds(profile.revocation->revoked_at)},
        {"revokedBy", profile.revocation->revoked_by},
    };
  }
  return out;
}

Json SigningProfileSummary(const store::SigningProfileRecord& profile) {
  return ProfileCommon(profile);
}

Json SigningJobSummary(const store::SigningJobRecord& job) {
  Json out = JobCommon(job);
  out["isRevoked"] = job.revocation.has_value();
  return out;
}

Json SigningJobDescription(const store::SigningJobRecord& job) {
  Json out = JobCommon(job);
  if (!job.requested_by.empty()) out["requestedBy"] = job.requested_by;
  if (!job.status_reason.empty()) out["statusReason"] = job.status_reason;
  if (job.completed_at) out["completedAt"] = EpochSeconds(*job.completed_at);
  if (job.revocation) {
    out["revocationRecord"] = {
        {"reason", job.revocation->reason},
        {"revokedAt", EpochSeconds(job.revocation->revoked_at)},
        {"revokedBy", job.revocation->revoked_by},
    };
  }
  return out;
}

Json SigningPlatform(const signer::SigningPlatform& platform) {
  Json out = {
      {"platformId", platform.platform_id}, {"displayName", platform.display_name},
      {"partner", platform.partner},        {"target", platform.target},
      {"category", platform.category},      {"revocationSupported", platform.revocation_supported},
  };
  // SigningConfiguration requires both option sets; a platform that lists neither omits it.
  if (!platform.encryption_algorithms.empty() && !platform.hash_algorithms.empty()) {
    out["signingConfiguration"] = {
        {"encryptionAlgorithmOptions", AlgorithmOptions(platform.encryption_algorithms)},
        {"hashAlgorithmOptions", AlgorithmOptions(platform.hash_algorithms)},
    };
  }
  if (!platform.image_formats.empty()) {
    out["signingImageFormat"] = {{"supportedFormats", platform.image_formats},
                                 {"defaultFormat", platform.image_formats.front()}};
  }
  if (platform.max_size_mb > 0) out["maxSizeInMB"] = platform.max_size_mb;
  return out;
}

Json Permission(const store::ProfilePermissionRecord& permission) {
  Json out = {
      {"action", permission.action},
      {"principal", permission.principal},
      {"statementId", permission.statement_id},
  };
  if (permission.profile_version) out["profileVersion"] = *permission.profile_version;
  return out;
}

int64_t PolicySizeBytes(std::string_view profile_arn,
                        const std::vector<store::ProfilePermissionRecord>& permissions) {
  Json statements = Json::array();
  for (const store::ProfilePermissionRecord& p : permissions) {
    std::string resource(profile_arn);
    if (p.profile_version) resource += "/" + *p.profile_version;
    statements.push_back({{"Sid", p.statement_id},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", p.principal}}},
                          {"Action", p.action},
                          {"Resource", resource}});
  }
  Json policy = {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
  return static_cast<int64_t>(Dump(policy).size());
}

std::string Dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string DumpWithBase64Member(const Json& object, std::string_view name,
                                 std::string_view base64) {
  std::string out = Dump(object);
  out.pop_back();  // the object's closing brace
  out.reserve(out.size() + name.size() + base64.size() + 7);
  if (!object.empty()) out += ',';
  out.append(1, '"').append(name).append("\":\"").append(base64).append("\"}");
  return out;
}

}  // namespace signet::api::shapes
