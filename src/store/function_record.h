// FunctionRecord and LayerVersionRecord: Lambda functions and layer versions as the Store keeps
// them (DESIGN.md §6). Functions are stored, never executed: the record is the configuration
// Lambda reports, and the code is kept as bytes beside it (read with GetFunctionCode /
// GetLayerVersionCode; records read back never carry the code).
//
// Signing facts (profile version and job ARNs) are what the deploy gate read from the package
// when it was deployed; empty when the package was unsigned or deployed without a config.
//
// Plain values; safe to copy and share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace signet::store {

// A layer version as a function references it (FunctionConfiguration.Layers).
struct FunctionLayer {
  std::string arn{};  // layer version ARN
  int64_t code_size = 0;
  std::string signing_profile_version_arn{};
  std::string signing_job_arn{};
  friend bool operator==(const FunctionLayer&, const FunctionLayer&) = default;
};

struct FunctionRecord {
  std::string account{};
  std::string name{};
  std::string arn{};  // unqualified function ARN
  std::string runtime{};
  std::string role{};
  std::string handler{};
  std::string description{};
  int64_t timeout_seconds = 3;
  int64_t memory_size_mb = 128;
  std::string package_type = "Zip";  // "Zip" | "Image"
  std::string architecture = "x86_64";
  std::string code_sha256{};  // base64 SHA-256 of the deployed package, as Lambda reports it
  int64_t code_size = 0;
  std::string signing_profile_version_arn{};
  std::string signing_job_arn{};
  std::vector<FunctionLayer> layers{};
  std::optional<std::string> code_signing_config_arn{};
  std::string revision_id{};
  Timestamp last_modified{};
  friend bool operator==(const FunctionRecord&, const FunctionRecord&) = default;
};

struct LayerVersionRecord {
  std::string account{};
  std::string layer_name{};
  int64_t version = 0;  // assigned by the Store: 1, 2, ... per layer
  std::string layer_arn{};
  std::string layer_version_arn{};  // layer_arn + ":" + version, assigned by the Store
  std::string description{};
  std::string license_info{};
  std::vector<std::string> compatible_runtimes{};
  std::vector<std::string> compatible_architectures{};
  std::string code_sha256{};
  int64_t code_size = 0;
  std::string signing_profile_version_arn{};
  std::string signing_job_arn{};
  Timestamp created_at{};
  friend bool operator==(const LayerVersionRecord&, const LayerVersionRecord&) = default;
};

}  // namespace signet::store
