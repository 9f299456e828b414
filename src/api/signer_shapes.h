// Internal to api/: the output shapes of the AWS Signer service model, rendered from the Store's
// records. Optional members that have no value are omitted (AWS omits them); timestamps are epoch
// seconds; `signingMaterial` is never rendered, because signet issues its own certificates.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "signer/platform.h"
#include "store/profile_permission_record.h"
#include "store/signing_job_record.h"
#include "store/signing_profile_record.h"

namespace signet::api::shapes {

using Json = nlohmann::json;

int64_t EpochSeconds(Timestamp t);

// GetSigningProfileResponse.
Json SigningProfile(const store::SigningProfileRecord& profile);
// SigningProfile (an item of ListSigningProfiles).
Json SigningProfileSummary(const store::SigningProfileRecord& profile);
// SigningJob (an item of ListSigningJobs).
Json SigningJobSummary(const store::SigningJobRecord& job);
// DescribeSigningJobResponse.
Json SigningJobDescription(const store::SigningJobRecord& job);
// SigningPlatform / GetSigningPlatformResponse.
Json SigningPlatform(const signer::SigningPlatform& platform);
// Permission (an item of ListProfilePermissions).
Json Permission(const store::ProfilePermissionRecord& permission);

// The size in bytes of the resource policy the statements amount to (ListProfilePermissions
// policySizeBytes): {"Version":"2012-10-17","Statement":[{"Sid","Effect":"Allow","Principal":
// {"AWS":…},"Action","Resource"}…]}, compact, the resource being the profile or version ARN.
int64_t PolicySizeBytes(std::string_view profile_arn,
                        const std::vector<store::ProfilePermissionRecord>& permissions);

// Compact JSON text; bytes that are not UTF-8 are replaced rather than thrown on.
std::string Dump(const Json& value);

// Dump(object) with one more member, `name`: `base64`, written as it is rather than through
// nlohmann's escaping, which checks UTF-8 byte by byte (a SignPayload signature is kilobytes).
// `object` must be an object without `name`; `name` must need no escaping and `base64` must be
// base64 text (neither can hold a quote, a backslash or a control character). The member is
// written last, which is where Dump would put it when it sorts after `object`'s keys.
std::string DumpWithBase64Member(const Json& object, std::string_view name,
                                 std::string_view base64);

}  // namespace signet::api::shapes
