#include "admission/admission_policy.h"

#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/file.h"
#include "oci/digest.h"

namespace signet::admission {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxPolicyBytes = size_t{1} << 20;
constexpr int64_t kMinDeadlineMillis = 100;
// The API server allows timeoutSeconds up to 30; a deadline at or above it could never be met.
constexpr int64_t kMaxDeadlineMillis = 29'000;
constexpr int64_t kMaxCacheEntries = 10'000'000;
constexpr int64_t kMaxTtlSeconds = 86'400;

Status Invalid(std::string_view source, const std::string& member, const std::string& rule) {
  return InvalidArgumentError(std::string(source) + ": " + member + " " + rule);
}

Status CheckMembers(const Json& object, const std::set<std::string>& known,
                    std::string_view source, const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    if (known.count(key) == 0) {
      return InvalidArgumentError(std::string(source) + ": unknown member " +
                                  (where.empty() ? key : where + "." + key));
    }
  }
  return Status::Ok();
}

Result<int64_t> Integer(const Json& object, const char* member, int64_t min, int64_t max,
                        int64_t fallback, std::string_view source, const std::string& where) {
  auto it = object.find(member);
  if (it == object.end()) return fallback;
  const std::string name = where.empty() ? member : where + "." + member;
  if (!it->is_number_integer()) return Invalid(source, name, "must be an integer");
  const int64_t value = it->get<int64_t>();
  if (value < min || value > max) {
    return Invalid(source, name,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

// Pattern characters: the reference grammar's (lower-case names, registry host and port) plus
// the wildcards.
bool IsValidPattern(std::string_view pattern) {
  // Without a '/' (or a "**" crossing it) a pattern could never match "registry/repository".
  if (pattern.empty() || pattern.size() > 512 ||
      (pattern.find('/') == std::string_view::npos &&
       pattern.find("**") == std::string_view::npos)) {
    return false;
  }
  for (char c : pattern) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-' || c == '/' || c == ':' || c == '*' || c == '?';
    if (!ok) return false;
  }
  return true;
}

Result<AdmissionMode> ParseMode(const Json& mode, const metering::EnvironmentPolicy* environments,
                                std::string_view source, const std::string& where,
                                std::string& environment) {
  if (mode.is_string()) {
    const std::string name = mode.get<std::string>();
    if (name == "Enforce") return AdmissionMode::kEnforce;
    if (name == "Warn") return AdmissionMode::kWarn;
    if (name == "Audit") return AdmissionMode::kAudit;
  } else if (mode.is_object() && mode.size() == 1 && mode.contains("fromEnvironment") &&
             mode["fromEnvironment"].is_string()) {
    environment = mode["fromEnvironment"].get<std::string>();
    if (environments == nullptr) {
      return Invalid(source, where, "names environment " + environment +
                                        ", but signetd has no environments configured");
    }
    if (environment.empty()) return Invalid(source, where, "names no environment");
    Result<const metering::Environment*> env = environments->Resolve(environment);
    if (!env.ok()) {
      return Invalid(source, where,
                     "names environment \"" + environment + "\": " + env.status().message());
    }
    return ModeForEnforcement((*env)->enforcement);
  }
  return Invalid(source, where,
                 "must be \"Enforce\", \"Warn\", \"Audit\" or {\"fromEnvironment\": NAME}");
}

Result<AdmissionRule> ParseRule(const Json& json, size_t index,
                                const std::filesystem::path& base_dir,
                                const metering::EnvironmentPolicy* environments,
                                std::string_view source, std::string& revision_input) {
  const std::string where = "rules[" + std::to_string(index) + "]";
  if (!json.is_object()) return Invalid(source, where, "must be an object");
  SIGNET_RETURN_IF_ERROR(
      CheckMembers(json, {"name", "images", "trustPolicy", "trustStore", "mode"}, source, where));
  AdmissionRule rule;
  rule.name = "rule " + std::to_string(index);
  if (auto it = json.find("name"); it != json.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      return Invalid(source, where + ".name", "must be a non-empty string");
    }
    rule.name = it->get<std::string>();
  }
  auto images = json.find("images");
  if (images == json.end() || !images->is_array() || images->empty()) {
    return Invalid(source, where + ".images", "must be a non-empty array of image patterns");
  }
  for (const Json& pattern : *images) {
    if (!pattern.is_string() || !IsValidPattern(pattern.get<std::string>())) {
      return Invalid(source, where + ".images",
                     "holds " + pattern.dump() +
                         ": a pattern is \"registry/repository\" in lower case, with * ** ?");
    }
    rule.image_patterns.push_back(pattern.get<std::string>());
  }
  for (const char* member : {"trustPolicy", "trustStore"}) {
    auto it = json.find(member);
    if (it == json.end() || !it->is_string() || it->get<std::string>().empty()) {
      return Invalid(source, where + "." + member, "must be a path");
    }
  }
  rule.trust_policy_file = base_dir / json["trustPolicy"].get<std::string>();
  SIGNET_ASSIGN_OR_RETURN(std::string policy_text,
                          ReadSmallFile(rule.trust_policy_file, kMaxPolicyBytes, "a trust policy"));
  Result<notary::TrustPolicy> trust_policy = notary::TrustPolicy::ParseOci(policy_text);
  if (!trust_policy.ok()) {
    return trust_policy.status().WithContext(std::string(source) + ": " + where +
                                             ".trustPolicy " + rule.trust_policy_file.string());
  }
  rule.trust_policy = std::make_shared<const notary::TrustPolicy>(std::move(*trust_policy));
  revision_input += '\0';
  revision_input += policy_text;
  const std::filesystem::path store_dir = base_dir / json["trustStore"].get<std::string>();
  std::error_code ec;
  if (!std::filesystem::is_directory(store_dir, ec)) {
    return Invalid(source, where + ".trustStore", store_dir.string() + " is not a directory");
  }
  rule.trust_store =
      std::make_shared<const notary::TrustStore>(notary::TrustStore::FromDirectory(store_dir));
  auto mode = json.find("mode");
  if (mode == json.end()) return Invalid(source, where + ".mode", "is required");
  SIGNET_ASSIGN_OR_RETURN(rule.mode,
                          ParseMode(*mode, environments, source, where + ".mode", rule.environment));
  return rule;
}

// host[:port], as a reference's registry part spells it.
bool IsValidRegistryHost(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

Result<RegistrySettings> ParseRegistries(const Json& json, const std::filesystem::path& base_dir,
                                         std::string_view source) {
  if (!json.is_object()) return Invalid(source, "registries", "must be an object");
  SIGNET_RETURN_IF_ERROR(
      CheckMembers(json, {"insecure", "caFile", "dockerConfig"}, source, "registries"));
  RegistrySettings out;
  if (auto it = json.find("insecure"); it != json.end()) {
    if (!it->is_array()) {
      return Invalid(source, "registries.insecure", "must be an array of HOST[:PORT]");
    }
    for (const Json& host : *it) {
      if (!host.is_string() || !IsValidRegistryHost(host.get<std::string>())) {
        return Invalid(source, "registries.insecure",
                       "holds " + host.dump() + ", which is not a registry HOST[:PORT]");
      }
      out.insecure.push_back(host.get<std::string>());
    }
  }
  std::error_code ec;
  if (auto it = json.find("caFile"); it != json.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      return Invalid(source, "registries.caFile", "must be a path");
    }
    out.ca_file = base_dir / it->get<std::string>();
    if (!std::filesystem::is_regular_file(out.ca_file, ec)) {
      return Invalid(source, "registries.caFile", out.ca_file.string() + " is not a file");
    }
  }
  if (auto it = json.find("dockerConfig"); it != json.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      return Invalid(source, "registries.dockerConfig", "must be a path");
    }
    out.docker_config = base_dir / it->get<std::string>();
    if (!std::filesystem::is_regular_file(out.docker_config, ec)) {
      return Invalid(source, "registries.dockerConfig",
                     out.docker_config.string() + " is not a file");
    }
  }
  return out;
}

}  // namespace

std::string_view AdmissionModeName(AdmissionMode mode) {
  switch (mode) {
    case AdmissionMode::kEnforce:
      return "Enforce";
    case AdmissionMode::kWarn:
      return "Warn";
    case AdmissionMode::kAudit:
      return "Audit";
  }
  return "Enforce";
}

AdmissionMode ModeForEnforcement(metering::EnforcementMode enforcement) {
  switch (enforcement) {
    case metering::EnforcementMode::kEnforce:
      return AdmissionMode::kEnforce;
    case metering::EnforcementMode::kWarn:
      return AdmissionMode::kWarn;
    case metering::EnforcementMode::kOff:
      return AdmissionMode::kAudit;
  }
  return AdmissionMode::kEnforce;
}

Result<AdmissionPolicy> AdmissionPolicy::Parse(std::string_view text,
                                               const std::filesystem::path& base_dir,
                                               const metering::EnvironmentPolicy* environments,
                                               std::string_view source) {
  Json json;
  try {
    json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  } catch (const Json::exception&) {
    json = Json(Json::value_t::discarded);
  }
  if (json.is_discarded() || !json.is_object()) {
    return InvalidArgumentError(std::string(source) + ": not a JSON object");
  }
  SIGNET_RETURN_IF_ERROR(CheckMembers(json,
                                      {"rules", "unmatchedImages", "exemptNamespaces", "failOpen",
                                       "deadlineMillis", "cache", "registries"},
                                      source, ""));
  AdmissionPolicy policy;
  std::string revision_input(text);
  auto rules = json.find("rules");
  if (rules != json.end()) {
    if (!rules->is_array()) return Invalid(source, "rules", "must be an array");
    for (size_t i = 0; i < rules->size(); ++i) {
      SIGNET_ASSIGN_OR_RETURN(AdmissionRule rule, ParseRule((*rules)[i], i, base_dir, environments,
                                                            source, revision_input));
      policy.rules_.push_back(std::move(rule));
    }
  }
  if (auto it = json.find("unmatchedImages"); it != json.end()) {
    const std::string value = it->is_string() ? it->get<std::string>() : "";
    if (value == "Deny") {
      policy.unmatched_ = UnmatchedImages::kDeny;
    } else if (value == "Warn") {
      policy.unmatched_ = UnmatchedImages::kWarn;
    } else if (value == "Allow") {
      policy.unmatched_ = UnmatchedImages::kAllow;
    } else {
      return Invalid(source, "unmatchedImages", "must be \"Deny\", \"Warn\" or \"Allow\"");
    }
  }
  if (auto it = json.find("exemptNamespaces"); it != json.end()) {
    if (!it->is_array()) return Invalid(source, "exemptNamespaces", "must be an array of names");
    policy.exempt_.clear();
    for (const Json& ns : *it) {
      if (!ns.is_string() || ns.get<std::string>().empty()) {
        return Invalid(source, "exemptNamespaces", "must be an array of names");
      }
      policy.exempt_.push_back(ns.get<std::string>());
    }
  }
  if (auto it = json.find("failOpen"); it != json.end()) {
    if (!it->is_boolean()) return Invalid(source, "failOpen", "must be true or false");
    policy.fail_open_ = it->get<bool>();
  }
  SIGNET_ASSIGN_OR_RETURN(int64_t deadline, Integer(json, "deadlineMillis", kMinDeadlineMillis,
                                                    kMaxDeadlineMillis, 8000, source, ""));
  policy.deadline_ = std::chrono::milliseconds(deadline);
  if (auto it = json.find("cache"); it != json.end()) {
    if (!it->is_object()) return Invalid(source, "cache", "must be an object");
    SIGNET_RETURN_IF_ERROR(CheckMembers(
        *it, {"maxEntries", "tagTtlSeconds", "verifiedTtlSeconds", "failedTtlSeconds"}, source,
        "cache"));
    CacheSettings& c = policy.cache_;
    SIGNET_ASSIGN_OR_RETURN(int64_t entries, Integer(*it, "maxEntries", 1, kMaxCacheEntries,
                                                     static_cast<int64_t>(c.max_entries), source,
                                                     "cache"));
    c.max_entries = static_cast<size_t>(entries);
    SIGNET_ASSIGN_OR_RETURN(int64_t tag, Integer(*it, "tagTtlSeconds", 0, kMaxTtlSeconds,
                                                 c.tag_ttl.count(), source, "cache"));
    SIGNET_ASSIGN_OR_RETURN(int64_t verified, Integer(*it, "verifiedTtlSeconds", 0, kMaxTtlSeconds,
                                                      c.verified_ttl.count(), source, "cache"));
    SIGNET_ASSIGN_OR_RETURN(int64_t failed, Integer(*it, "failedTtlSeconds", 0, kMaxTtlSeconds,
                                                    c.failed_ttl.count(), source, "cache"));
    c.tag_ttl = std::chrono::seconds(tag);
    c.verified_ttl = std::chrono::seconds(verified);
    c.failed_ttl = std::chrono::seconds(failed);
  }
  if (auto it = json.find("registries"); it != json.end()) {
    SIGNET_ASSIGN_OR_RETURN(policy.registries_, ParseRegistries(*it, base_dir, source));
  }
  policy.revision_ = oci::Sha256Digest(revision_input);
  return policy;
}

Result<AdmissionPolicy> AdmissionPolicy::Load(const std::filesystem::path& file,
                                              const metering::EnvironmentPolicy* environments) {
  SIGNET_ASSIGN_OR_RETURN(std::string text,
                          ReadSmallFile(file, kMaxPolicyBytes, "an admission policy"));
  return Parse(text, file.parent_path(), environments, file.string());
}

const AdmissionRule* AdmissionPolicy::Match(const oci::Reference& image) const {
  const std::string name = image.registry + "/" + image.repository;
  for (const AdmissionRule& rule : rules_) {
    for (const std::string& pattern : rule.image_patterns) {
      if (MatchImagePattern(pattern, name)) return &rule;
    }
  }
  return nullptr;
}

bool AdmissionPolicy::IsExempt(std::string_view namespace_name) const {
  for (const std::string& ns : exempt_) {
    if (ns == namespace_name) return true;
  }
  return false;
}

// Dynamic programming over (pattern position, name position): linear in their product, whatever
// the pattern (no backtracking blow-up on "**a**a**a").
bool MatchImagePattern(std::string_view pattern, std::string_view name) {
  // reachable[j]: the pattern consumed so far can match name[0, j).
  std::vector<char> reachable(name.size() + 1, 0);
  reachable[0] = 1;
  size_t i = 0;
  while (i < pattern.size()) {
    std::vector<char> next(name.size() + 1, 0);
    if (pattern[i] == '*') {
      const bool any = i + 1 < pattern.size() && pattern[i + 1] == '*';
      for (size_t j = 0; j <= name.size(); ++j) {
        if (!reachable[j] && !(j > 0 && next[j - 1] && (any || name[j - 1] != '/'))) continue;
        next[j] = 1;
      }
      i += any ? 2 : 1;
    } else {
      for (size_t j = 0; j < name.size(); ++j) {
        if (reachable[j] && (pattern[i] == '?' ? name[j] != '/' : pattern[i] == name[j])) {
          next[j + 1] = 1;
        }
      }
      ++i;
    }
    reachable.swap(next);
  }
  return reachable[name.size()] != 0;
}

}  // namespace signet::admission
