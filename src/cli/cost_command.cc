#include "cli/cost_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>
#include <utility>

#include "api/aws_client.h"
#include "api/cost_api.h"
#include "cli/verify_zip.h"
#include "metering/cost_report.h"

namespace signet::cli {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

Result<api::AwsCredentials> FindCredentials(const CostOptions& options) {
  api::AwsCredentials credentials;
  if (auto id = Env("AWS_ACCESS_KEY_ID"), secret = Env("AWS_SECRET_ACCESS_KEY"); id && secret) {
    credentials.access_key_id = *id;
    credentials.secret_access_key = SecretBytes(*secret);
  } else {
    std::string file;
    if (auto f = Env("AWS_SHARED_CREDENTIALS_FILE")) {
      file = *f;
    } else if (auto home = Env("HOME")) {
      file = *home + "/.aws/credentials";
    } else {
      return InvalidArgumentError("no AWS credentials: set AWS_SHARED_CREDENTIALS_FILE or "
                                  "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    const std::string profile = options.profile.value_or(Env("AWS_PROFILE").value_or("default"));
    SIGNET_ASSIGN_OR_RETURN(credentials, api::ReadSharedCredentials(file, profile));
  }
  credentials.region = Env("AWS_REGION").value_or(Env("AWS_DEFAULT_REGION").value_or("us-east-1"));
  return credentials;
}

std::string QueryValue(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The canonical query (SigV4 wants parameters sorted by name, then value).
std::string BuildQuery(const CostOptions& options) {
  std::vector<std::pair<std::string, std::string>> params;
  if (options.month) params.emplace_back("month", *options.month);
  if (options.from) params.emplace_back("from", *options.from);
  if (options.to) params.emplace_back("to", *options.to);
  for (const std::string& by : options.by) params.emplace_back("by", by);
  for (auto& [name, value] : params) value = QueryValue(value);
  std::sort(params.begin(), params.end());
  std::string query;
  for (const auto& [name, value] : params) query += (query.empty() ? "" : "&") + name + "=" + value;
  return query;
}

}  // namespace

CLI::App* AddCostCommand(CLI::App& app, CostOptions& options) {
  CLI::App* cost = app.add_subcommand(
      "cost", "Report what signing cost, by month, environment, profile and platform");
  auto* month = cost->add_option("--month", options.month, "The UTC month YYYY-MM");
  auto* from = cost->add_option("--from", options.from,
                                "Start: YYYY-MM-DD or RFC 3339 (default: this month)");
  cost->add_option("--to", options.to, "End: YYYY-MM-DD (through that day) or RFC 3339")
      ->needs(from);
  month->excludes(from);
  cost->add_option("--by", options.by, "Group by month, environment, profile or platform; repeatable")
      ->check(CLI::IsMember({"month", "environment", "profile", "platform"}));
  cost->add_option("--output,-o", options.output, "Report format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cost->add_option("--endpoint", options.endpoint, "signetd URL (default: $SIGNET_ENDPOINT)");
  cost->add_option("--profile", options.profile, "Profile of the shared credentials file");
  return cost;
}

int RunCost(const CostOptions& options, std::ostream& out, std::ostream& err) {
  Result<api::AwsCredentials> credentials = FindCredentials(options);
  if (!credentials.ok()) {
    err << "signet cost: " << credentials.status().message() << "\n";
    return kExitUsage;
  }
  const std::string endpoint =
      options.endpoint.value_or(Env("SIGNET_ENDPOINT").value_or(
          Env("AWS_ENDPOINT_URL").value_or("http://127.0.0.1:8700")));
  Result<std::unique_ptr<api::AwsClient>> client =
      api::AwsClient::Create(endpoint, std::move(*credentials));
  if (!client.ok()) {
    err << "signet cost: " << client.status().message() << "\n";
    return kExitUsage;
  }
  Result<api::AwsResponse> response =
      (*client)->Send("GET", api::kCostReportPath, BuildQuery(options), "", "signer");
  if (!response.ok()) {
    err << "signet cost: " << endpoint << ": " << response.status().message() << "\n";
    return kExitUsage;
  }
  if (response->status != 200) {
    std::string code = response->Header("x-amzn-ErrorType");
    std::string message = response->body;
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_object() && json.contains("message") && json["message"].is_string()) {
      message = json["message"].get<std::string>();
    }
    err << "signet cost: " << (code.empty() ? "HTTP " + std::to_string(response->status) : code)
        << ": " << message << "\n";
    return kExitUsage;
  }
  Result<metering::CostReport> report = metering::ParseCostReportJson(response->body);
  if (!report.ok()) {
    err << "signet cost: " << endpoint << " answered with something else: "
        << report.status().message() << "\n";
    return kExitUsage;
  }
  if (options.output == "json") {
    out << metering::CostReportJson(*report);
  } else if (options.output == "csv") {
    out << metering::RenderCostCsv(*report);
  } else {
    out << metering::RenderCostTable(*report);
  }
  return 0;
}

}  // namespace signet::cli
