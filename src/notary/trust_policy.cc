#include "notary/trust_policy.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "notary/json_codec.h"

namespace signet::notary {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kTrustPolicyLink =
    "https://notaryproject.dev/docs/quickstart/#create-a-trust-policy";
constexpr std::string_view kWildcardScope = "*";
// A trust policy file larger than this is not a trust policy.
constexpr std::uintmax_t kMaxTrustPolicySize = std::uintmax_t{1} << 20;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string StatementLabel(std::string_view name) {
  return "trust policy statement " + Quote(name);
}

// Checks that `object` has only members from `allowed`; `where` names it in the message.
Status CheckMembers(const Json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view where) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return InvalidArgumentError(std::string(where) + " has unknown member " + Quote(key));
    }
  }
  return Status::Ok();
}

Status TypeError(std::string_view where, std::string_view member, std::string_view want,
                 const Json& got) {
  return InvalidArgumentError(std::string(where) + " member " + Quote(member) + " must be " +
                              std::string(want) + ", not " + std::string(JsonTypeName(got)));
}

Result<std::string> OptionalString(const Json& object, std::string_view member,
                                   std::string_view where) {
  const auto it = object.find(member);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return TypeError(where, member, "a string", *it);
  return it->get<std::string>();
}

Result<std::vector<std::string>> OptionalStrings(const Json& object, std::string_view member,
                                                 std::string_view where) {
  std::vector<std::string> out;
  const auto it = object.find(member);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return TypeError(where, member, "an array of strings", *it);
  for (const Json& element : *it) {
    if (!element.is_string()) return TypeError(where, member, "an array of strings", element);
    out.push_back(element.get<std::string>());
  }
  return out;
}

std::string QuotedList(std::initializer_list<std::string_view> values) {
  std::string out = "[";
  for (std::string_view v : values) out += (out.size() > 1 ? " " : "") + Quote(v);
  return out + "]";
}

Result<VerificationLevel> ParseSignatureVerification(const Json& object, std::string_view statement,
                                                     TimestampVerification* verify_timestamp) {
  const std::string where = StatementLabel(statement) + " signatureVerification";
  if (!object.is_object()) return InvalidArgumentError(where + " is not an object");
  SIGNET_RETURN_IF_ERROR(CheckMembers(object, {"level", "override", "verifyTimestamp"}, where));
  const auto invalid = [&](const Status& s) {
    return InvalidArgumentError(StatementLabel(statement) +
                                " has invalid signatureVerification: " + s.message());
  };
  SIGNET_ASSIGN_OR_RETURN(std::string level, OptionalString(object, "level", where));

  std::map<VerificationCheck, VerificationAction> overrides;
  if (const auto it = object.find("override"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) return TypeError(where, "override", "an object", *it);
    for (const auto& [key, value] : it->items()) {
      const std::optional<VerificationCheck> check = ParseVerificationCheck(key);
      if (!check) {
        return invalid(InvalidArgumentError(
            "verification type " + Quote(key) +
            " in custom signature verification is not supported, supported values are " +
            QuotedList(
                {"integrity", "authenticity", "authenticTimestamp", "expiry", "revocation"})));
      }
      const std::optional<VerificationAction> action =
          value.is_string() ? ParseVerificationAction(value.get<std::string>()) : std::nullopt;
      if (!action) {
        return invalid(InvalidArgumentError(
            "verification action " +
            (value.is_string() ? Quote(value.get<std::string>()) : MarshalJson(value)) +
            " in custom signature verification is not supported, supported values are " +
            QuotedList({"enforce", "log", "skip"})));
      }
      overrides[*check] = *action;
    }
  }
  Result<VerificationLevel> resolved = VerificationLevel::Custom(level, overrides);
  if (!resolved.ok()) return invalid(resolved.status());

  SIGNET_ASSIGN_OR_RETURN(std::string timestamp, OptionalString(object, "verifyTimestamp", where));
  if (timestamp.empty() || timestamp == "always") {
    *verify_timestamp = TimestampVerification::kAlways;
  } else if (timestamp == "afterCertExpiry") {
    *verify_timestamp = TimestampVerification::kAfterCertExpiry;
  } else {
    return invalid(InvalidArgumentError("verifyTimestamp " + Quote(timestamp) +
                                        " is not supported, supported values are " +
                                        QuotedList({"always", "afterCertExpiry"})));
  }
  return resolved;
}

Result<std::vector<TrustStoreReference>> ParseTrustStores(const std::vector<std::string>& values,
                                                          std::string_view statement) {
  std::vector<TrustStoreReference> out;
  for (const std::string& value : values) {
    const size_t colon = value.find(':');
    if (colon == std::string::npos) {
      return InvalidArgumentError("invalid trust policy statement: " + Quote(statement) +
                                  " is missing separator in trust store value " + Quote(value) +
                                  ". The required format is <TrustStoreType>:<TrustStoreName>");
    }
    const std::string type_name = value.substr(0, colon);
    const std::string store_name = value.substr(colon + 1);
    const std::optional<TrustStoreType> type = ParseTrustStoreType(type_name);
    if (!type) {
      return InvalidArgumentError(StatementLabel(statement) +
                                  " uses an unsupported trust store type " + Quote(type_name) +
                                  " in trust store value " + Quote(value));
    }
    if (!IsValidTrustStoreName(store_name)) {
      return InvalidArgumentError(StatementLabel(statement) +
                                  " uses an unsupported trust store name " + Quote(store_name) +
                                  " in trust store value " + Quote(value) +
                                  ". Named store name needs to follow [a-zA-Z0-9_.-]+ format");
    }
    TrustStoreReference reference{*type, store_name};
    if (std::find(out.begin(), out.end(), reference) == out.end()) {
      out.push_back(std::move(reference));
    }
  }
  return out;
}

Result<std::vector<TrustedIdentity>> ParseTrustedIdentities(const std::vector<std::string>& values,
                                                            std::string_view statement) {
  if (values.size() > 1 &&
      std::find(values.begin(), values.end(), kWildcardIdentity) != values.end()) {
    return InvalidArgumentError(
        StatementLabel(statement) +
        " uses a wildcard trusted identity '*', a wildcard identity cannot be used in "
        "conjunction with other values");
  }
  std::vector<TrustedIdentity> out;
  for (const std::string& value : values) {
    SIGNET_ASSIGN_OR_RETURN(TrustedIdentity identity, TrustedIdentity::Parse(value, statement));
    out.push_back(std::move(identity));
  }
  // Overlapping identities: one certificate could match two of them (the specification forbids).
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = 0; j < out.size(); ++j) {
      if (i != j && out[i].is_x509_subject() && out[j].is_x509_subject() &&
          IsSubsetDn(out[i].subject(), out[j].subject())) {
        return InvalidArgumentError(
            StatementLabel(statement) + " has overlapping x509 trustedIdentities, " +
            Quote(out[i].value()) + " overlaps with " + Quote(out[j].value()));
      }
    }
  }
  return out;
}

Result<TrustPolicyStatement> ParseStatement(const Json& object, TrustPolicy::Kind kind,
                                            size_t index) {
  const std::string where = "trust policy statement #" + std::to_string(index + 1);
  if (!object.is_object()) return InvalidArgumentError(where + " is not an object");
  if (kind == TrustPolicy::Kind::kOci) {
    SIGNET_RETURN_IF_ERROR(CheckMembers(
        object,
        {"name", "registryScopes", "signatureVerification", "trustStores", "trustedIdentities"},
        where));
  } else {
    SIGNET_RETURN_IF_ERROR(CheckMembers(
        object,
        {"name", "globalPolicy", "signatureVerification", "trustStores", "trustedIdentities"},
        where));
  }
  TrustPolicyStatement statement;
  SIGNET_ASSIGN_OR_RETURN(statement.name, OptionalString(object, "name", where));
  if (statement.name.empty()) {
    return InvalidArgumentError(
        "a trust policy statement is missing a name, every statement requires a name");
  }
  const auto verification = object.find("signatureVerification");
  if (verification == object.end()) {
    return InvalidArgumentError(
        StatementLabel(statement.name) +
        " has invalid signatureVerification: signature verification level is empty or "
        "missing in the trust policy statement");
  }
  SIGNET_ASSIGN_OR_RETURN(statement.level, ParseSignatureVerification(*verification, statement.name,
                                                                      &statement.verify_timestamp));

  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> stores,
                          OptionalStrings(object, "trustStores", where));
  SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> identities,
                          OptionalStrings(object, "trustedIdentities", where));
  if (statement.level.skips_verification()) {
    if (!stores.empty() || !identities.empty()) {
      return InvalidArgumentError(
          StatementLabel(statement.name) +
          " is set to skip signature verification but configured with trust stores and/or "
          "trusted identities, remove them if signature verification needs to be skipped");
    }
  } else {
    if (stores.empty() || identities.empty()) {
      return InvalidArgumentError(
          StatementLabel(statement.name) +
          " is either missing trust stores or trusted identities, both must be specified");
    }
    SIGNET_ASSIGN_OR_RETURN(statement.trust_stores, ParseTrustStores(stores, statement.name));
    SIGNET_ASSIGN_OR_RETURN(statement.trusted_identities,
                            ParseTrustedIdentities(identities, statement.name));
  }

  if (kind == TrustPolicy::Kind::kOci) {
    SIGNET_ASSIGN_OR_RETURN(statement.registry_scopes,
                            OptionalStrings(object, "registryScopes", where));
  } else if (const auto global = object.find("globalPolicy");
             global != object.end() && !global->is_null()) {
    if (!global->is_boolean()) return TypeError(where, "globalPolicy", "a boolean", *global);
    statement.global_policy = global->get<bool>();
  }
  return statement;
}

// notation-go's validateRegistryScopes, over the whole document.
Status ValidateScopes(const std::vector<TrustPolicyStatement>& statements) {
  std::set<std::string, std::less<>> seen;
  for (const TrustPolicyStatement& statement : statements) {
    const auto& scopes = statement.registry_scopes;
    if (scopes.empty()) {
      return InvalidArgumentError(
          StatementLabel(statement.name) +
          " has zero registry scopes, it must specify registry scopes with at least one value");
    }
    if (scopes.size() > 1 &&
        std::find(scopes.begin(), scopes.end(), kWildcardScope) != scopes.end()) {
      return InvalidArgumentError(
          StatementLabel(statement.name) +
          " uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction "
          "with other scope values");
    }
    for (const std::string& scope : scopes) {
      if (scope != kWildcardScope) SIGNET_RETURN_IF_ERROR(ValidateRegistryScope(scope));
      if (!seen.insert(scope).second) {
        return InvalidArgumentError(
            "registry scope " + Quote(scope) +
            " is present in multiple trust policy statements, one registry scope value can "
            "only be associated with one statement");
      }
    }
  }
  return Status::Ok();
}

bool IsAlnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// One path component of the distribution reference grammar:
// [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool IsValidPathComponent(std::string_view c) {
  size_t i = 0;
  while (true) {
    const size_t start = i;
    while (i < c.size() && IsAlnumLower(c[i])) ++i;
    if (i == start) return false;
    if (i == c.size()) return true;
    const size_t separator_start = i;
    while (i < c.size() && !IsAlnumLower(c[i])) ++i;
    const std::string_view separator = c.substr(separator_start, i - separator_start);
    const bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (!(separator == "." || separator == "_" || separator == "__" || dashes)) return false;
  }
}

// [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? labels joined by ".", then an optional ":<digits>".
bool IsValidDomain(std::string_view domain) {
  if (const size_t colon = domain.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = domain.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    domain = domain.substr(0, colon);
  }
  if (domain.empty()) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || !IsAlnum(label.front()) || !IsAlnum(label.back())) return false;
    for (char ch : label) {
      if (!IsAlnum(ch) && ch != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// "<domain>/<path component>[/<path component>...]".
bool IsValidScopeSyntax(std::string_view scope) {
  const size_t slash = scope.find('/');
  if (slash == std::string_view::npos || !IsValidDomain(scope.substr(0, slash))) return false;
  std::string_view repository = scope.substr(slash + 1);
  while (true) {
    const size_t next = repository.find('/');
    if (!IsValidPathComponent(repository.substr(0, next))) return false;
    if (next == std::string_view::npos) return true;
    repository = repository.substr(next + 1);
  }
}

Result<std::string> ReadPolicyFile(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status)) {
    return NotFoundError("trust policy is not present. To create a trust policy, see: " +
                         std::string(kTrustPolicyLink));
  }
  if (!fs::is_regular_file(status)) {
    return InvalidArgumentError(
        "trust policy is not a regular file (symlinks are not supported). To create a trust "
        "policy, see: " +
        std::string(kTrustPolicyLink));
  }
  if (fs::file_size(path, ec) > kMaxTrustPolicySize || ec) {
    return InvalidArgumentError("trust policy " + path.string() + " is larger than " +
                                std::to_string(kMaxTrustPolicySize) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return PermissionDeniedError(
        "unable to read trust policy due to file permissions, please verify the permissions "
        "of " +
        path.string());
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string TrustStoreReference::ToString() const {
  return std::string(TrustStoreTypeName(type)) + ":" + name;
}

std::vector<std::string> TrustPolicyStatement::TrustStoreNames(TrustStoreType type) const {
  std::vector<std::string> names;
  for (const TrustStoreReference& reference : trust_stores) {
    if (reference.type == type) names.push_back(reference.name);
  }
  return names;
}

Status ValidateRegistryScope(std::string_view scope) {
  const std::string suffix =
      "make sure it is a fully qualified repository without the scheme, protocol or tag. For "
      "example "
      "domain.com/my/repository or a local scope like local/myOCILayout";
  if (scope.size() > 1 && scope.find('*') != std::string_view::npos) {
    return InvalidArgumentError("registry scope " + Quote(scope) +
                                " with wild card(s) is not valid, " + suffix);
  }
  if (!IsValidScopeSyntax(scope)) {
    return InvalidArgumentError("registry scope " + Quote(scope) + " is not valid, " + suffix);
  }
  return Status::Ok();
}

Result<TrustPolicy> TrustPolicy::Parse(Kind kind, std::string_view json) {
  SIGNET_ASSIGN_OR_RETURN(Json root, ParseJson(json, "trust policy"));
  if (!root.is_object()) return InvalidArgumentError("trust policy is not a JSON object");
  SIGNET_RETURN_IF_ERROR(CheckMembers(root, {"version", "trustPolicies"}, "trust policy document"));
  SIGNET_ASSIGN_OR_RETURN(std::string version,
                          OptionalString(root, "version", "trust policy document"));
  if (version.empty()) {
    return InvalidArgumentError(
        "trust policy document is missing or has empty version, it must be specified");
  }
  if (version != "1.0") {
    return InvalidArgumentError("trust policy document uses unsupported version " + Quote(version));
  }
  const auto policies = root.find("trustPolicies");
  if (policies != root.end() && !policies->is_null() && !policies->is_array()) {
    return TypeError("trust policy document", "trustPolicies", "an array", *policies);
  }
  if (policies == root.end() || policies->is_null() || policies->empty()) {
    return InvalidArgumentError("trust policy document can not have zero trust policy statements");
  }

  std::vector<TrustPolicyStatement> statements;
  std::set<std::string, std::less<>> names;
  bool have_global = false;
  for (size_t i = 0; i < policies->size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(TrustPolicyStatement statement,
                            ParseStatement((*policies)[i], kind, i));
    if (!names.insert(statement.name).second) {
      return InvalidArgumentError("multiple trust policy statements use the same name " +
                                  Quote(statement.name) + ", statement names must be unique");
    }
    if (statement.global_policy) {
      if (have_global) {
        return InvalidArgumentError(
            "multiple trust policy statements have globalPolicy set to true. Only one "
            "statement should be marked as global policy");
      }
      have_global = true;
    }
    statements.push_back(std::move(statement));
  }
  if (kind == Kind::kOci) SIGNET_RETURN_IF_ERROR(ValidateScopes(statements));
  return TrustPolicy(kind, std::move(statements));
}

Result<TrustPolicy> TrustPolicy::ParseOci(std::string_view json) { return Parse(Kind::kOci, json); }
Result<TrustPolicy> TrustPolicy::ParseBlob(std::string_view json) {
  return Parse(Kind::kBlob, json);
}

Result<TrustPolicy> TrustPolicy::LoadOci(const std::filesystem::path& config_dir) {
  fs::path path = config_dir / "trustpolicy.oci.json";
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) path = config_dir / "trustpolicy.json";
  SIGNET_ASSIGN_OR_RETURN(std::string json, ReadPolicyFile(path));
  Result<TrustPolicy> policy = ParseOci(json);
  if (!policy.ok()) return policy.status().WithContext(path.string());
  return policy;
}

Result<TrustPolicy> TrustPolicy::LoadBlob(const std::filesystem::path& config_dir) {
  const fs::path path = config_dir / "trustpolicy.blob.json";
  SIGNET_ASSIGN_OR_RETURN(std::string json, ReadPolicyFile(path));
  Result<TrustPolicy> policy = ParseBlob(json);
  if (!policy.ok()) return policy.status().WithContext(path.string());
  return policy;
}

Result<const TrustPolicyStatement*> TrustPolicy::ForArtifact(
    std::string_view artifact_reference) const {
  if (kind_ != Kind::kOci) {
    return FailedPreconditionError(
        "a blob trust policy cannot select a policy by artifact reference");
  }
  const size_t at = artifact_reference.rfind('@');
  if (at == std::string_view::npos) {
    return InvalidArgumentError(
        "artifact URI " + Quote(artifact_reference) +
        " could not be parsed, make sure it is the fully qualified OCI artifact URI without "
        "the scheme/protocol. e.g domain.com:80/my/repository@sha256:digest");
  }
  const std::string_view repository = artifact_reference.substr(0, at);
  SIGNET_RETURN_IF_ERROR(ValidateRegistryScope(repository));
  const TrustPolicyStatement* wildcard = nullptr;
  for (const TrustPolicyStatement& statement : statements_) {
    const auto& scopes = statement.registry_scopes;
    if (std::find(scopes.begin(), scopes.end(), kWildcardScope) != scopes.end()) {
      wildcard = &statement;
    } else if (std::find(scopes.begin(), scopes.end(), repository) != scopes.end()) {
      return &statement;  // an exact scope takes precedence over "*"
    }
  }
  if (wildcard != nullptr) return wildcard;
  return NotFoundError(
      "artifact " + Quote(artifact_reference) +
      " has no applicable trust policy. Trust policy applicability for a given artifact is "
      "determined by registryScopes. To create a trust policy, see: " +
      std::string(kTrustPolicyLink));
}

Result<const TrustPolicyStatement*> TrustPolicy::ForBlob(std::string_view policy_name) const {
  if (kind_ != Kind::kBlob) {
    return FailedPreconditionError("an OCI trust policy cannot select a policy for a blob");
  }
  for (const TrustPolicyStatement& statement : statements_) {
    if (policy_name.empty() ? statement.global_policy : statement.name == policy_name) {
      return &statement;
    }
  }
  return NotFoundError(
      "no applicable blob trust policy. Applicability for a given blob artifact is determined by "
      "policy name");
}

}  // namespace signet::notary
