// Lambda code signing configs, functions and layer versions on SQLite.
#include <string>
#include <utility>

#include "store/sqlite_operations.h"

namespace signet::store::sqlite {
namespace {

// Lists of ARNs and enumeration values are stored newline-joined; an element may not contain
// a newline (no ARN, runtime or architecture does).
Result<std::string> JoinLines(const std::vector<std::string>& items, std::string_view what) {
  std::string out;
  for (const std::string& item : items) {
    if (item.find('\n') != std::string::npos) {
      return InvalidArgumentError(std::string(what) + " may not contain a line break");
    }
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

Result<UntrustedArtifactPolicy> ParsePolicy(const std::string& text) {
  if (text == "Warn") return UntrustedArtifactPolicy::kWarn;
  if (text == "Enforce") return UntrustedArtifactPolicy::kEnforce;
  return InternalError("stored code signing policy \"" + text + "\" is not valid");
}

#define SIGNET_CSC_SELECT                                                               \
  "SELECT account, config_id, arn, description, allowed_profile_version_arns, policy, " \
  "last_modified, seq FROM code_signing_configs "

Result<CodeSigningConfigRecord> ReadConfig(const Statement& q) {
  CodeSigningConfigRecord c;
  c.account = q.Text(0);
  c.config_id = q.Text(1);
  c.arn = q.Text(2);
  c.description = q.Text(3);
  c.allowed_profile_version_arns = SplitLines(q.Text(4));
  SIGNET_ASSIGN_OR_RETURN(c.policy, ParsePolicy(q.Text(5)));
  c.last_modified = FromSeconds(q.Int(6));
  return c;
}

#define SIGNET_FUNCTION_SELECT                                                           \
  "SELECT account, name, arn, runtime, role, handler, description, timeout_seconds, "    \
  "memory_size_mb, package_type, architecture, code_sha256, code_size, "                 \
  "signing_profile_version_arn, signing_job_arn, code_signing_config_arn, revision_id, " \
  "last_modified, id FROM functions "

FunctionRecord ReadFunctionRow(const Statement& q) {
  FunctionRecord f;
  f.account = q.Text(0);
  f.name = q.Text(1);
  f.arn = q.Text(2);
  f.runtime = q.Text(3);
  f.role = q.Text(4);
  f.handler = q.Text(5);
  f.description = q.Text(6);
  f.timeout_seconds = q.Int(7);
  f.memory_size_mb = q.Int(8);
  f.package_type = q.Text(9);
  f.architecture = q.Text(10);
  f.code_sha256 = q.Text(11);
  f.code_size = q.Int(12);
  f.signing_profile_version_arn = q.Text(13);
  f.signing_job_arn = q.Text(14);
  f.code_signing_config_arn = q.OptionalText(15);
  f.revision_id = q.Text(16);
  f.last_modified = FromSeconds(q.Int(17));
  return f;
}

#define SIGNET_LAYER_SELECT                                                               \
  "SELECT account, layer_name, version, layer_arn, layer_version_arn, description, "      \
  "license_info, compatible_runtimes, compatible_architectures, code_sha256, code_size, " \
  "signing_profile_version_arn, signing_job_arn, created_at FROM layer_versions "

LayerVersionRecord ReadLayerRow(const Statement& q) {
  LayerVersionRecord l;
  l.account = q.Text(0);
  l.layer_name = q.Text(1);
  l.version = q.Int(2);
  l.layer_arn = q.Text(3);
  l.layer_version_arn = q.Text(4);
  l.description = q.Text(5);
  l.license_info = q.Text(6);
  l.compatible_runtimes = SplitLines(q.Text(7));
  l.compatible_architectures = SplitLines(q.Text(8));
  l.code_sha256 = q.Text(9);
  l.code_size = q.Int(10);
  l.signing_profile_version_arn = q.Text(11);
  l.signing_job_arn = q.Text(12);
  l.created_at = FromSeconds(q.Int(13));
  return l;
}

// The tags of config `c` (by its id) into c.tags.
Status ReadConfigTags(Connection& db, CodeSigningConfigRecord& c) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db.Prepare("SELECT key, value FROM code_signing_config_tags WHERE config_id = ?1"));
  q.Bind(1, c.config_id);
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::Ok();
    c.tags.emplace(q.Text(0), q.Text(1));
  }
}

std::string FunctionName(std::string_view account, std::string_view name) {
  return "function " + std::string(name) + " of account " + std::string(account);
}

}  // namespace

// --- Code signing configs ------------------------------------------------------------------------

Status SqliteOperations::CreateCodeSigningConfig(const CodeSigningConfigRecord& c) {
  SIGNET_ASSIGN_OR_RETURN(std::string allowed,
                          JoinLines(c.allowed_profile_version_arns, "a profile version ARN"));
  if (c.tags.size() > kMaxTagsPerResource) {
    return InvalidArgumentError("a code signing config has at most " +
                                std::to_string(kMaxTagsPerResource) + " tags, got " +
                                std::to_string(c.tags.size()));
  }
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        Statement q, db_.Prepare("SELECT 1 FROM code_signing_configs WHERE config_id = ?1 OR "
                                 "arn = ?2"));
    q.Bind(1, c.config_id).Bind(2, c.arn);
    SIGNET_ASSIGN_OR_RETURN(bool exists, q.Step());
    if (exists) return AlreadyExistsError("code signing config " + c.arn + " already exists");
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO code_signing_configs (account, config_id, arn, description, "
                    "allowed_profile_version_arns, policy, last_modified) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    insert.Bind(1, c.account)
        .Bind(2, c.config_id)
        .Bind(3, c.arn)
        .Bind(4, c.description)
        .Bind(5, allowed)
        .Bind(6, UntrustedArtifactPolicyName(c.policy))
        .Bind(7, ToSeconds(c.last_modified));
    SIGNET_RETURN_IF_ERROR(insert.Run());
    for (const auto& [key, value] : c.tags) {
      SIGNET_ASSIGN_OR_RETURN(Statement tag,
                              db_.Prepare("INSERT INTO code_signing_config_tags (config_id, key, "
                                          "value) VALUES (?1, ?2, ?3)"));
      tag.Bind(1, c.config_id).Bind(2, key).Bind(3, value);
      SIGNET_RETURN_IF_ERROR(tag.Run());
    }
    return Status::Ok();
  });
}

Result<CodeSigningConfigRecord> SqliteOperations::GetCodeSigningConfig(std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(Statement q, db_.Prepare(SIGNET_CSC_SELECT "WHERE arn = ?1"));
  q.Bind(1, arn);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError("code signing config " + std::string(arn) + " does not exist");
  SIGNET_ASSIGN_OR_RETURN(CodeSigningConfigRecord c, ReadConfig(q));
  SIGNET_RETURN_IF_ERROR(ReadConfigTags(db_, c));
  return c;
}

Status SqliteOperations::UpdateCodeSigningConfig(const CodeSigningConfigRecord& c) {
  SIGNET_ASSIGN_OR_RETURN(std::string allowed,
                          JoinLines(c.allowed_profile_version_arns, "a profile version ARN"));
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        Statement update,
        db_.Prepare("UPDATE code_signing_configs SET description = ?2, "
                    "allowed_profile_version_arns = ?3, policy = ?4, last_modified = ?5 "
                    "WHERE arn = ?1"));
    update.Bind(1, c.arn)
        .Bind(2, c.description)
        .Bind(3, allowed)
        .Bind(4, UntrustedArtifactPolicyName(c.policy))
        .Bind(5, ToSeconds(c.last_modified));
    SIGNET_RETURN_IF_ERROR(update.Run());
    if (db_.Changes() == 0) {
      return NotFoundError("code signing config " + c.arn + " does not exist");
    }
    return Status::Ok();
  });
}

Status SqliteOperations::DeleteCodeSigningConfig(std::string_view arn) {
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        Statement used,
        db_.Prepare("SELECT arn FROM functions WHERE code_signing_config_arn = ?1 LIMIT 1"));
    used.Bind(1, arn);
    SIGNET_ASSIGN_OR_RETURN(bool in_use, used.Step());
    if (in_use) {
      return FailedPreconditionError("code signing config " + std::string(arn) +
                                     " is in use by function " + used.Text(0));
    }
    SIGNET_ASSIGN_OR_RETURN(
        Statement tags,
        db_.Prepare("DELETE FROM code_signing_config_tags WHERE config_id = "
                    "(SELECT config_id FROM code_signing_configs WHERE arn = ?1)"));
    tags.Bind(1, arn);
    SIGNET_RETURN_IF_ERROR(tags.Run());
    SIGNET_ASSIGN_OR_RETURN(Statement del,
                            db_.Prepare("DELETE FROM code_signing_configs WHERE arn = ?1"));
    del.Bind(1, arn);
    SIGNET_RETURN_IF_ERROR(del.Run());
    if (db_.Changes() == 0) {
      return NotFoundError("code signing config " + std::string(arn) + " does not exist");
    }
    return Status::Ok();
  });
}

Result<Page<CodeSigningConfigRecord>> SqliteOperations::ListCodeSigningConfigs(
    std::string_view account, const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(int64_t after, DecodeSequenceToken(page.token, "code-signing-configs"));
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_CSC_SELECT "WHERE account = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"));
  q.Bind(1, account).Bind(2, after).Bind(3, page.max_results + 1);
  Page<CodeSigningConfigRecord> out;
  int64_t last = 0;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (out.items.size() == static_cast<size_t>(page.max_results)) {
      out.next_token = EncodePageToken("code-signing-configs", std::to_string(last));
      break;
    }
    SIGNET_ASSIGN_OR_RETURN(CodeSigningConfigRecord c, ReadConfig(q));
    SIGNET_RETURN_IF_ERROR(ReadConfigTags(db_, c));
    out.items.push_back(std::move(c));
    last = q.Int(7);
  }
  return out;
}

Result<Page<std::string>> SqliteOperations::ListFunctionsByCodeSigningConfig(
    std::string_view arn, const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(std::string after, DecodePageToken(page.token, "csc-functions"));
  SIGNET_RETURN_IF_ERROR(GetCodeSigningConfig(arn).status());
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare("SELECT arn FROM functions WHERE code_signing_config_arn = ?1 AND arn > ?2 "
                  "ORDER BY arn LIMIT ?3"));
  q.Bind(1, arn).Bind(2, after).Bind(3, page.max_results + 1);
  Page<std::string> out;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (out.items.size() == static_cast<size_t>(page.max_results)) {
      out.next_token = EncodePageToken("csc-functions", out.items.back());
      break;
    }
    out.items.push_back(q.Text(0));
  }
  return out;
}

// --- Functions -----------------------------------------------------------------------------------

Status SqliteOperations::CheckConfigExists(const std::optional<std::string>& arn) {
  if (!arn) return Status::Ok();
  return GetCodeSigningConfig(*arn).status();
}

Status SqliteOperations::WriteFunctionLayers(int64_t function_id,
                                             const std::vector<FunctionLayer>& layers) {
  SIGNET_ASSIGN_OR_RETURN(Statement del,
                          db_.Prepare("DELETE FROM function_layers WHERE function_id = ?1"));
  del.Bind(1, function_id);
  SIGNET_RETURN_IF_ERROR(del.Run());
  for (size_t i = 0; i < layers.size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare(
            "INSERT INTO function_layers (function_id, position, arn, code_size, "
            "signing_profile_version_arn, signing_job_arn) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.Bind(1, function_id)
        .Bind(2, static_cast<int64_t>(i))
        .Bind(3, layers[i].arn)
        .Bind(4, layers[i].code_size)
        .Bind(5, layers[i].signing_profile_version_arn)
        .Bind(6, layers[i].signing_job_arn);
    SIGNET_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

Status SqliteOperations::WriteFunctionCode(int64_t function_id, std::string_view code) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare("INSERT INTO function_code (function_id, code) VALUES (?1, ?2) "
                               "ON CONFLICT (function_id) DO UPDATE SET code = excluded.code"));
  q.Bind(1, function_id).BindBlob(2, code);
  return q.Run();
}

Status SqliteOperations::CreateFunction(const FunctionRecord& f, std::string_view code) {
  return Atomically([&]() -> Status {
    {
      SIGNET_ASSIGN_OR_RETURN(
          Statement q, db_.Prepare("SELECT 1 FROM functions WHERE (account = ?1 AND name = ?2) "
                                   "OR arn = ?3"));
      q.Bind(1, f.account).Bind(2, f.name).Bind(3, f.arn);
      SIGNET_ASSIGN_OR_RETURN(bool exists, q.Step());
      if (exists) return AlreadyExistsError("Function already exist: " + f.name);
    }
    SIGNET_RETURN_IF_ERROR(CheckConfigExists(f.code_signing_config_arn));
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO functions (account, name, arn, runtime, role, handler, "
                    "description, timeout_seconds, memory_size_mb, package_type, architecture, "
                    "code_sha256, code_size, signing_profile_version_arn, signing_job_arn, "
                    "code_signing_config_arn, revision_id, last_modified) VALUES (?1, ?2, ?3, "
                    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
                    "RETURNING id"));
    insert.Bind(1, f.account)
        .Bind(2, f.name)
        .Bind(3, f.arn)
        .Bind(4, f.runtime)
        .Bind(5, f.role)
        .Bind(6, f.handler)
        .Bind(7, f.description)
        .Bind(8, f.timeout_seconds)
        .Bind(9, f.memory_size_mb)
        .Bind(10, f.package_type)
        .Bind(11, f.architecture)
        .Bind(12, f.code_sha256)
        .Bind(13, f.code_size)
        .Bind(14, f.signing_profile_version_arn)
        .Bind(15, f.signing_job_arn)
        .Bind(16, f.code_signing_config_arn)
        .Bind(17, f.revision_id)
        .Bind(18, ToSeconds(f.last_modified));
    SIGNET_ASSIGN_OR_RETURN(bool row, insert.Step());
    if (!row) return InternalError("INSERT ... RETURNING returned no row");
    const int64_t id = insert.Int(0);
    SIGNET_ASSIGN_OR_RETURN(bool more, insert.Step());
    if (more) return InternalError("INSERT ... RETURNING returned two rows");
    SIGNET_RETURN_IF_ERROR(WriteFunctionLayers(id, f.layers));
    return WriteFunctionCode(id, code);
  });
}

Status SqliteOperations::UpdateFunction(const FunctionRecord& f,
                                        std::optional<std::string_view> code) {
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(
        Statement q, db_.Prepare("SELECT id FROM functions WHERE account = ?1 AND name = ?2"));
    q.Bind(1, f.account).Bind(2, f.name);
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFoundError("Function not found: " + f.arn);
    const int64_t id = q.Int(0);
    SIGNET_RETURN_IF_ERROR(CheckConfigExists(f.code_signing_config_arn));
    SIGNET_ASSIGN_OR_RETURN(
        Statement update,
        db_.Prepare("UPDATE functions SET runtime = ?2, role = ?3, handler = ?4, "
                    "description = ?5, timeout_seconds = ?6, memory_size_mb = ?7, "
                    "package_type = ?8, architecture = ?9, code_sha256 = ?10, code_size = ?11, "
                    "signing_profile_version_arn = ?12, signing_job_arn = ?13, "
                    "code_signing_config_arn = ?14, revision_id = ?15, last_modified = ?16 "
                    "WHERE id = ?1"));
    update.Bind(1, id)
        .Bind(2, f.runtime)
        .Bind(3, f.role)
        .Bind(4, f.handler)
        .Bind(5, f.description)
        .Bind(6, f.timeout_seconds)
        .Bind(7, f.memory_size_mb)
        .Bind(8, f.package_type)
        .Bind(9, f.architecture)
        .Bind(10, f.code_sha256)
        .Bind(11, f.code_size)
        .Bind(12, f.signing_profile_version_arn)
        .Bind(13, f.signing_job_arn)
        .Bind(14, f.code_signing_config_arn)
        .Bind(15, f.revision_id)
        .Bind(16, ToSeconds(f.last_modified));
    SIGNET_RETURN_IF_ERROR(update.Run());
    SIGNET_RETURN_IF_ERROR(WriteFunctionLayers(id, f.layers));
    if (code) SIGNET_RETURN_IF_ERROR(WriteFunctionCode(id, *code));
    return Status::Ok();
  });
}

Result<std::vector<FunctionRecord>> SqliteOperations::ReadFunctions(Statement& select,
                                                                    size_t limit) {
  std::vector<FunctionRecord> out;
  std::vector<int64_t> ids;
  while (out.size() < limit) {
    SIGNET_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    out.push_back(ReadFunctionRow(select));
    ids.push_back(select.Int(18));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(
        Statement q,
        db_.Prepare("SELECT arn, code_size, signing_profile_version_arn, signing_job_arn "
                    "FROM function_layers WHERE function_id = ?1 ORDER BY position"));
    q.Bind(1, ids[i]);
    while (true) {
      SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      out[i].layers.push_back(FunctionLayer{q.Text(0), q.Int(1), q.Text(2), q.Text(3)});
    }
  }
  return out;
}

Result<FunctionRecord> SqliteOperations::GetFunction(std::string_view account,
                                                     std::string_view name) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare(SIGNET_FUNCTION_SELECT "WHERE account = ?1 AND name = ?2"));
  q.Bind(1, account).Bind(2, name);
  SIGNET_ASSIGN_OR_RETURN(std::vector<FunctionRecord> found, ReadFunctions(q, 1));
  if (found.empty()) return NotFoundError(FunctionName(account, name) + " does not exist");
  return std::move(found.front());
}

Result<std::string> SqliteOperations::GetFunctionCode(std::string_view account,
                                                      std::string_view name) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare("SELECT c.code FROM function_code c JOIN functions f ON "
                                      "f.id = c.function_id WHERE f.account = ?1 AND f.name = ?2"));
  q.Bind(1, account).Bind(2, name);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError(FunctionName(account, name) + " does not exist");
  return q.Blob(0);
}

Status SqliteOperations::DeleteFunction(std::string_view account, std::string_view name) {
  return Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(Statement del,
                            db_.Prepare("DELETE FROM functions WHERE account = ?1 AND name = ?2"));
    del.Bind(1, account).Bind(2, name);
    SIGNET_RETURN_IF_ERROR(del.Run());
    if (db_.Changes() == 0) return NotFoundError(FunctionName(account, name) + " does not exist");
    return Status::Ok();
  });
}

Result<Page<FunctionRecord>> SqliteOperations::ListFunctions(std::string_view account,
                                                             const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(std::string after, DecodePageToken(page.token, "functions"));
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare(SIGNET_FUNCTION_SELECT
                                      "WHERE account = ?1 AND name > ?2 ORDER BY name LIMIT ?3"));
  q.Bind(1, account).Bind(2, after).Bind(3, page.max_results + 1);
  Page<FunctionRecord> out;
  SIGNET_ASSIGN_OR_RETURN(out.items, ReadFunctions(q, page.max_results + 1));
  if (out.items.size() > static_cast<size_t>(page.max_results)) {
    out.items.pop_back();
    out.next_token = EncodePageToken("functions", out.items.back().name);
  }
  return out;
}

// --- Layer versions ------------------------------------------------------------------------------

Result<LayerVersionRecord> SqliteOperations::PublishLayerVersion(const LayerVersionRecord& layer,
                                                                 std::string_view code) {
  SIGNET_ASSIGN_OR_RETURN(std::string runtimes,
                          JoinLines(layer.compatible_runtimes, "a compatible runtime"));
  SIGNET_ASSIGN_OR_RETURN(std::string architectures,
                          JoinLines(layer.compatible_architectures, "a compatible architecture"));
  LayerVersionRecord stored = layer;
  Status s = Atomically([&]() -> Status {
    SIGNET_ASSIGN_OR_RETURN(Statement q,
                            db_.Prepare("SELECT COALESCE(MAX(version), 0) FROM layer_versions "
                                        "WHERE account = ?1 AND layer_name = ?2"));
    q.Bind(1, layer.account).Bind(2, layer.layer_name);
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return InternalError("MAX(version) returned no row");
    stored.version = q.Int(0) + 1;
    stored.layer_version_arn = layer.layer_arn + ":" + std::to_string(stored.version);
    SIGNET_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO layer_versions (account, layer_name, version, layer_arn, "
                    "layer_version_arn, description, license_info, compatible_runtimes, "
                    "compatible_architectures, code_sha256, code_size, "
                    "signing_profile_version_arn, signing_job_arn, created_at, code) VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
    insert.Bind(1, stored.account)
        .Bind(2, stored.layer_name)
        .Bind(3, stored.version)
        .Bind(4, stored.layer_arn)
        .Bind(5, stored.layer_version_arn)
        .Bind(6, stored.description)
        .Bind(7, stored.license_info)
        .Bind(8, runtimes)
        .Bind(9, architectures)
        .Bind(10, stored.code_sha256)
        .Bind(11, stored.code_size)
        .Bind(12, stored.signing_profile_version_arn)
        .Bind(13, stored.signing_job_arn)
        .Bind(14, ToSeconds(stored.created_at))
        .BindBlob(15, code);
    return insert.Run();
  });
  if (!s.ok()) return s;
  return stored;
}

Result<LayerVersionRecord> SqliteOperations::GetLayerVersion(std::string_view account,
                                                             std::string_view layer_name,
                                                             int64_t version) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_LAYER_SELECT "WHERE account = ?1 AND layer_name = ?2 AND version = ?3"));
  q.Bind(1, account).Bind(2, layer_name).Bind(3, version);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) {
    return NotFoundError("version " + std::to_string(version) + " of layer " +
                         std::string(layer_name) + " does not exist");
  }
  return ReadLayerRow(q);
}

Result<LayerVersionRecord> SqliteOperations::GetLayerVersionByArn(std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(Statement q,
                          db_.Prepare(SIGNET_LAYER_SELECT "WHERE layer_version_arn = ?1"));
  q.Bind(1, arn);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError("layer version " + std::string(arn) + " does not exist");
  return ReadLayerRow(q);
}

Result<std::string> SqliteOperations::GetLayerVersionCode(std::string_view arn) {
  SIGNET_ASSIGN_OR_RETURN(
      Statement q, db_.Prepare("SELECT code FROM layer_versions WHERE layer_version_arn = ?1"));
  q.Bind(1, arn);
  SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError("layer version " + std::string(arn) + " does not exist");
  return q.Blob(0);
}

Result<Page<LayerVersionRecord>> SqliteOperations::ListLayerVersions(std::string_view account,
                                                                     std::string_view layer_name,
                                                                     const PageRequest& page) {
  SIGNET_RETURN_IF_ERROR(CheckPageSize(page, kMaxLambdaPageSize));
  SIGNET_ASSIGN_OR_RETURN(std::string cursor, DecodePageToken(page.token, "layer-versions"));
  int64_t before = INT64_MAX;
  if (!cursor.empty()) {
    try {
      before = std::stoll(cursor);
    } catch (const std::exception&) {
      return InvalidArgumentError("invalid page token");
    }
  }
  SIGNET_ASSIGN_OR_RETURN(
      Statement q,
      db_.Prepare(SIGNET_LAYER_SELECT "WHERE account = ?1 AND layer_name = ?2 AND version < ?3 "
                                      "ORDER BY version DESC LIMIT ?4"));
  q.Bind(1, account).Bind(2, layer_name).Bind(3, before).Bind(4, page.max_results + 1);
  Page<LayerVersionRecord> out;
  while (true) {
    SIGNET_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (out.items.size() == static_cast<size_t>(page.max_results)) {
      out.next_token = EncodePageToken("layer-versions", std::to_string(out.items.back().version));
      break;
    }
    out.items.push_back(ReadLayerRow(q));
  }
  return out;
}

}  // namespace signet::store::sqlite
